/* store_admin: see store_admin.h. */
#include "store_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The end of a change made to the agency with code: r is the rows it changed (freed here), none
 * when no agency has that code. */
static int agency_found(struct store *s, struct store_rows *r, const char *code)
{
    if (r == NULL) {
        return -1;
    }
    int rows = store_rows_count(r);
    store_rows_free(r);
    if (rows == 0) {
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
    struct store_rows *r =
        store_query(s,
                    "INSERT INTO agency_keyword (keyword, agency_id)"
                    " SELECT upper($2), id FROM agency WHERE code = upper($1) RETURNING 1",
                    2, params);
    return agency_found(s, r, code);
}

int store_liaison_add(struct store *s, const char *code, const char *number, const char *name)
{
    const char *params[] = {code, number, name};
    struct store_rows *r =
        store_query(s,
                    "INSERT INTO liaison (agency_id, number, name)"
                    " SELECT id, $2, nullif($3, '') FROM agency WHERE code = upper($1)"
                    " ON CONFLICT (agency_id, number) DO UPDATE SET active = true,"
                    " name = coalesce(EXCLUDED.name, liaison.name) RETURNING 1",
                    3, params);
    return agency_found(s, r, code);
}

int store_liaison_remove(struct store *s, const char *code, const char *number, bool *removed)
{
    const char *params[] = {code, number};
    /* Kept inactive rather than deleted: the history names who answered. */
    struct store_rows *r =
        store_query(s,
                    "UPDATE liaison SET active = false WHERE number = $2 AND active"
                    " AND agency_id = (SELECT id FROM agency WHERE code = upper($1)) RETURNING 1",
                    2, params);
    if (r == NULL) {
        return -1;
    }
    *removed = store_rows_count(r) > 0;
    store_rows_free(r);
    return 0;
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
    struct store_rows *r =
        store_query(s,
                    "WITH o AS (UPDATE outbox SET status = 'queued', attempts = 0,"
                    " next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,"
                    " last_error = 'retried by an operator'"
                    " WHERE id = $1::bigint AND status IN ('failed', 'unknown', 'cancelled')"
                    " RETURNING id),"
                    " p AS (UPDATE outbox_part SET status = 'failed', updated_at = now()"
                    " WHERE outbox_id IN (SELECT id FROM o) AND status = 'unknown')"
                    " SELECT count(*) FROM o",
                    1, params);
    if (r == NULL) {
        return -1;
    }
    *changed = store_rows_ll(r, 0, 0) > 0;
    store_rows_free(r);
    return 0;
}

int store_outbox_cancel(struct store *s, long long id, bool *changed)
{
    char ibuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    const char *params[] = {ibuf};
    struct store_rows *r =
        store_query(s,
                    "UPDATE outbox SET status = 'cancelled', last_error = 'cancelled by an"
                    " operator' WHERE id = $1::bigint AND status IN ('queued', 'failed',"
                    " 'unknown') RETURNING 1",
                    1, params);
    if (r == NULL) {
        return -1;
    }
    *changed = store_rows_count(r) > 0;
    store_rows_free(r);
    return 0;
}

int store_outbox_operator(struct store *s, const char *number, const char *text, long long *id)
{
    const char *params[] = {number, text};
    struct store_rows *r =
        store_query(s,
                    "INSERT INTO outbox (kind, destination, text) VALUES ('operator', $1, $2)"
                    " RETURNING id",
                    2, params);
    if (r == NULL) {
        return -1;
    }
    *id = store_rows_ll(r, 0, 0);
    store_rows_free(r);
    return 0;
}
