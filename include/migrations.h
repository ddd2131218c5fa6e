/*
 * migrations: the schema of sql/, compiled into the programs by CMake (sql/README.md): the
 * numbered migrations, each applied once, and the repeatable files (functions and views) that
 * every migrate applies again after them.
 */
#ifndef LAPOR_MIGRATIONS_H
#define LAPOR_MIGRATIONS_H

struct migration {
    int version;      /* the number the file name starts with; 0 for a repeatable file */
    const char *name; /* the file name */
    const char *sql;
};

/* In the order they are applied. */
extern const struct migration migrations[];
extern const int migration_count;
extern const struct migration repeatables[];
extern const int repeatable_count;

#endif
