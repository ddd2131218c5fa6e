/*
 * store_schema: the schema's version in the database, and the migrations compiled into the
 * programs that bring it up to date (lapor-smsctl migrate; the daemon only checks the version).
 */
#ifndef LAPOR_STORE_SCHEMA_H
#define LAPOR_STORE_SCHEMA_H

#include "store.h"

/* The schema version of the migrations compiled into the program: the one it needs. */
int store_known_schema_version(void);
/* The schema version recorded in the database; 0 when no schema is there. */
int store_schema_version(struct store *s, int *version);
/* In one transaction: every embedded numbered migration newer than the database's, then the
 * functions and views of sql/repeatable/ (sql/README.md). */
int store_migrate(struct store *s, int *from, int *to);

#endif
