/* store_agency: see store_agency.h. */
#include "store_agency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ticket_from_row(const struct store_rows *r, int row, void *ticket)
{
    struct store_ticket *t = ticket;
    snprintf(t->status, sizeof t->status, "%s", store_rows_text(r, row, 0));
    snprintf(t->sender, sizeof t->sender, "%s", store_rows_text(r, row, 1));
    t->text = store_rows_strdup(r, row, 2);
    t->agency_id = (int)store_rows_ll(r, row, 3);
    snprintf(t->agency, sizeof t->agency, "%s", store_rows_text(r, row, 4));
    t->confidential = store_rows_bool(r, row, 5);
}

int store_ticket_get(struct store *s, long long seq, struct store_ticket *t, bool *found)
{
    char sbuf[STORE_NUMBUF];
    store_fmt_ll(sbuf, seq);
    const char *params[] = {sbuf};
    memset(t, 0, sizeof *t);
    int rc = store_query_row(s,
                             "SELECT c.status, c.sender, c.text, coalesce(c.agency_id, 0),"
                             " coalesce(a.code, ''), c.confidential"
                             " FROM complaint c LEFT JOIN agency a ON a.id = c.agency_id"
                             " WHERE c.id = $1::bigint FOR UPDATE OF c",
                             1, params, ticket_from_row, t, found);
    if (*found) {
        t->seq = seq;
    }
    return rc != 0 || (*found && t->text == NULL) ? -1 : 0;
}

int store_complaint_route(struct store *s, long long seq, int agency_id, const char *actor,
                          const char *reason)
{
    char sbuf[STORE_NUMBUF], abuf[STORE_NUMBUF];
    store_fmt_ll(sbuf, seq);
    store_fmt_ll(abuf, agency_id);
    const char *params[] = {sbuf, abuf, actor, reason};
    return store_call(s, "SELECT route_complaint($1::bigint, $2::int, $3, $4)", 4, params);
}

int store_liaisons(struct store *s, int agency_id, char ***numbers, size_t *n)
{
    char abuf[STORE_NUMBUF];
    store_fmt_ll(abuf, agency_id);
    const char *params[] = {abuf};
    return store_query_texts(s,
                             "SELECT number FROM liaison WHERE agency_id = $1::int AND active"
                             " ORDER BY id",
                             1, params, numbers, n);
}

int store_is_liaison(struct store *s, const char *number, int agency_id, bool *yes)
{
    char abuf[STORE_NUMBUF];
    store_fmt_ll(abuf, agency_id);
    const char *params[] = {number, abuf};
    return store_query_bool(s,
                            "SELECT EXISTS (SELECT 1 FROM liaison WHERE number = $1 AND active"
                            " AND ($2::int = 0 OR agency_id = $2::int))",
                            2, params, yes);
}

int store_agency_id(struct store *s, const char *code, int *id)
{
    const char *params[] = {code};
    long long found;
    int rc = store_query_ll(s, "SELECT id FROM agency WHERE code = upper($1)", 1, params, &found);
    *id = (int)found;
    return rc;
}

int store_reminders_due(struct store *s, long long **seqs, int **agencies, size_t *n)
{
    *seqs = NULL;
    *agencies = NULL;
    *n = 0;
    /* The reminder row is the claim: of several daemons, the one whose insert lands sends. */
    void *array;
    struct store_rows *r =
        store_query_array(s,
                          "WITH due AS (SELECT c.id FROM complaint c"
                          "   WHERE c.due_on < (now() AT TIME ZONE 'Asia/Jakarta')::date"
                          "     AND c.status = 'diteruskan'),"
                          " claimed AS (INSERT INTO reminder (complaint_id, day)"
                          "   SELECT id, (now() AT TIME ZONE 'Asia/Jakarta')::date FROM due"
                          "   ON CONFLICT DO NOTHING RETURNING complaint_id)"
                          " SELECT c.id, c.agency_id FROM complaint c JOIN claimed k"
                          "   ON k.complaint_id = c.id ORDER BY c.id",
                          0, NULL, sizeof **seqs, &array);
    if (r == NULL) {
        return -1;
    }
    *seqs = array;
    bool failed = false;
    *agencies = store_rows_array(s, r, sizeof **agencies, &failed);
    if (failed) {
        free(*seqs);
        *seqs = NULL;
        store_rows_free(r);
        return -1;
    }
    int rows = store_rows_count(r);
    for (int i = 0; i < rows; i++) {
        (*seqs)[i] = store_rows_ll(r, i, 0);
        (*agencies)[i] = (int)store_rows_ll(r, i, 1);
    }
    *n = (size_t)rows;
    store_rows_free(r);
    return 0;
}

int store_holidays_sync(struct store *s, const char *csv)
{
    const char *params[] = {csv};
    return store_exec(s,
                      "WITH wanted AS (SELECT d::date AS day FROM"
                      "   unnest(string_to_array(nullif($1, ''), ',')) AS d),"
                      " gone AS (DELETE FROM holiday WHERE source = 'config'"
                      "   AND day NOT IN (SELECT day FROM wanted))"
                      " INSERT INTO holiday (day, name, source)"
                      " SELECT day, 'from the configuration', 'config' FROM wanted"
                      " ON CONFLICT (day) DO NOTHING",
                      1, params);
}
