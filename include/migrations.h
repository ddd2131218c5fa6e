/*
 * migrations: the schema migrations of sql/, compiled into the programs by CMake.
 */
#ifndef LAPOR_MIGRATIONS_H
#define LAPOR_MIGRATIONS_H

struct migration {
    int version;      /* the number the file name starts with */
    const char *name; /* the file name */
    const char *sql;
};

extern const struct migration migrations[];
extern const int migration_count;

#endif
