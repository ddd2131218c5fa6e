/* store_admin: see store_admin.h. */
#include "store_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs a change to the agency with code that says RETURNING: no row back means no agency has
 * that code, an error. */
static int change_agency(struct store *s, const char *code, const char *sql, int n,
                         const char *const *values)
{
    bool found;
    if (store_query_any(s, sql, n, values, &found) != 0) {
        return -1;
    }
    if (!found) {
        store_set_error(s, "no agency has the code %s", code);
        return -1;
    }
    return 0;
}

int store_agency_add(struct store *s, const char *code, const char *name)
{
    const char *params[] = {code, name};
    return store_exec(s, "INSERT INTO agency (code, name) VALUES (upper($1), $2)", 2, params);
}

int store_agency_keyword(struct store *s, const char *code, const char *keyword)
{
    const char *params[] = {code, keyword};
    return change_agency(s, code,
                         "INSERT INTO agency_keyword (keyword, agency_id)"
                         " SELECT upper($2), id FROM agency WHERE code = upper($1) RETURNING 1",
                         2, params);
}

int store_liaison_add(struct store *s, const char *code, const char *number, const char *name)
{
    const char *params[] = {code, number, name};
    return change_agency(s, code,
                         "INSERT INTO liaison (agency_id, number, name)"
                         " SELECT id, $2, nullif($3, '') FROM agency WHERE code = upper($1)"
                         " ON CONFLICT (agency_id, number) DO UPDATE SET active = true,"
                         " name = coalesce(EXCLUDED.name, liaison.name) RETURNING 1",
                         3, params);
}

int store_liaison_remove(struct store *s, const char *code, const char *number, bool *removed)
{
    const char *params[] = {code, number};
    /* Kept inactive rather than deleted: the history names who answered. */
    return store_query_any(s,
                           "UPDATE liaison SET active = false WHERE number = $2 AND active"
                           " AND agency_id = (SELECT id FROM agency WHERE code = upper($1))"
                           " RETURNING 1",
                           2, params, removed);
}

int store_holiday_add(struct store *s, const char *day, const char *name)
{
    const char *params[] = {day, name};
    return store_exec(s,
                      "INSERT INTO holiday (day, name) VALUES ($1::date, nullif($2, ''))"
                      " ON CONFLICT (day) DO UPDATE SET name = EXCLUDED.name,"
                      " source = 'database'",
                      2, params);
}

int store_outbox_retry(struct store *s, long long id, bool *changed)
{
    char ibuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    const char *params[] = {ibuf};
    long long retried;
    int rc =
        store_query_ll(s,
                       "WITH o AS (UPDATE outbox SET status = 'queued', attempts = 0,"
                       " next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,"
                       " last_error = 'retried by an operator'"
                       " WHERE id = $1::bigint AND status IN ('failed', 'unknown', 'cancelled')"
                       " RETURNING id),"
                       " p AS (UPDATE outbox_part SET status = 'failed', updated_at = now()"
                       " WHERE outbox_id IN (SELECT id FROM o) AND status = 'unknown')"
                       " SELECT count(*) FROM o",
                       1, params, &retried);
    *changed = retried > 0;
    return rc;
}

int store_outbox_cancel(struct store *s, long long id, bool *changed)
{
    char ibuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    const char *params[] = {ibuf};
    return store_query_any(s,
                           "UPDATE outbox SET status = 'cancelled', last_error = 'cancelled by an"
                           " operator' WHERE id = $1::bigint AND status IN ('queued', 'failed',"
                           " 'unknown') RETURNING 1",
                           1, params, changed);
}

int store_outbox_exists(struct store *s, long long id, bool *exists)
{
    char ibuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    const char *params[] = {ibuf};
    return store_query_any(s, "SELECT 1 FROM outbox WHERE id = $1::bigint", 1, params, exists);
}

int store_outbox_operator(struct store *s, const char *number, const char *text, long long *id)
{
    const char *params[] = {number, text};
    return store_query_ll(s,
                          "INSERT INTO outbox (kind, destination, text) VALUES ('operator', $1, $2)"
                          " RETURNING id",
                          2, params, id);
}
