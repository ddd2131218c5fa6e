/* store_schema: see store_schema.h. */
#include "store_schema.h"

#include <stdio.h>

#include "migrations.h"

int store_schema_version(struct store *s, int *version)
{
    *version = 0;
    bool have;
    int rc =
        store_query_bool(s, "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL, &have);
    if (rc != 0 || !have) {
        return rc;
    }
    long long newest;
    rc =
        store_query_ll(s, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL, &newest);
    *version = (int)newest;
    return rc;
}

/* Runs one file of sql/ in the current transaction: 0, or -1 with the error set. */
static int apply_sql_file(struct store *s, const struct migration *m)
{
    /* A file is a script of many statements: the simple query protocol runs it whole, and no
     * parameter of ours is part of it. */
    if (store_run_script(s, m->sql) != 0) {
        char reason[512];
        snprintf(reason, sizeof reason, "%s", store_error(s));
        store_set_error(s, "migration %s failed: %s", m->name, reason);
        return -1;
    }
    return 0;
}

int store_known_schema_version(void)
{
    int v = 0;
    for (int i = 0; i < migration_count; i++) {
        if (migrations[i].version > v) {
            v = migrations[i].version;
        }
    }
    return v;
}

/* The numbered migrations newer than version, each recorded in schema_version; *to is the last
 * one applied. */
static int apply_migrations(struct store *s, int version, int *to)
{
    for (int i = 0; i < migration_count; i++) {
        const struct migration *m = &migrations[i];
        if (m->version <= version) {
            continue;
        }
        char vbuf[STORE_NUMBUF];
        store_fmt_ll(vbuf, m->version);
        const char *params[] = {vbuf, m->name};
        if (apply_sql_file(s, m) != 0 ||
            store_exec(s, "INSERT INTO schema_version (version, name) VALUES ($1::int, $2)", 2,
                       params) != 0) {
            return -1;
        }
        *to = m->version;
    }
    return 0;
}

int store_migrate(struct store *s, int *from, int *to)
{
    int version;
    if (store_schema_version(s, &version) != 0) {
        return -1;
    }
    *from = *to = version;
    int newest = migration_count > 0 ? migrations[migration_count - 1].version : 0;
    if (store_begin(s) != 0) {
        return -1;
    }
    int rc = apply_migrations(s, version, to);
    /* The functions and views go in after the tables they use, every time; never into a
     * schema newer than this program's, whose own may differ from them. */
    for (int i = 0; rc == 0 && version <= newest && i < repeatable_count; i++) {
        rc = apply_sql_file(s, &repeatables[i]);
    }
    if (rc != 0 || store_commit(s) != 0) {
        store_rollback(s);
        *to = version;
        return -1;
    }
    return 0;
}
