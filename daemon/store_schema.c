/* store_schema: see store_schema.h. */
#include "store_schema.h"

#include <stdio.h>

#include "migrations.h"

int store_schema_version(struct store *s, int *version)
{
    struct store_rows *r =
        store_query(s, "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL);
    if (r == NULL) {
        return -1;
    }
    bool have = store_rows_bool(r, 0, 0);
    store_rows_free(r);
    *version = 0;
    if (!have) {
        return 0;
    }
    r = store_query(s, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL);
    if (r == NULL) {
        return -1;
    }
    *version = (int)store_rows_ll(r, 0, 0);
    store_rows_free(r);
    return 0;
}

/* Runs migration m's script and records its version, in one transaction. */
static int apply_migration(struct store *s, const struct migration *m)
{
    if (store_begin(s) != 0) {
        return -1;
    }
    /* A migration is a script of many statements: the simple query protocol runs it whole, and
     * no parameter of ours is part of it. */
    if (store_run_script(s, m->sql) != 0) {
        char reason[512];
        snprintf(reason, sizeof reason, "%s", store_error(s));
        store_set_error(s, "migration %s failed: %s", m->name, reason);
        store_rollback(s);
        return -1;
    }
    char vbuf[STORE_NUMBUF];
    store_fmt_ll(vbuf, m->version);
    const char *params[] = {vbuf, m->name};
    if (store_exec(s, "INSERT INTO schema_version (version, name) VALUES ($1::int, $2)", 2,
                   params) != 0 ||
        store_commit(s) != 0) {
        store_rollback(s);
        return -1;
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
    for (int i = 0; i < migration_count; i++) {
        const struct migration *m = &migrations[i];
        if (m->version <= version) {
            continue;
        }
        if (apply_migration(s, m) != 0) {
            return -1;
        }
        *to = m->version;
    }
    return 0;
}
