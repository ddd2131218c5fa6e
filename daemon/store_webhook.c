/* store_webhook: see store_webhook.h. */
#include "store_webhook.h"

#include <stdlib.h>
#include <string.h>

static void delivery_from_row(const struct store_rows *r, int row, void *element)
{
    struct webhook_delivery *d = element;
    d->id = store_rows_ll(r, row, 0);
    d->event_id = store_rows_strdup(r, row, 1);
    d->agency_id = (int)store_rows_ll(r, row, 2);
    d->url = store_rows_strdup(r, row, 3);
    d->secret = store_rows_strdup(r, row, 4);
    d->allow_http = store_rows_bool(r, row, 5);
    d->payload = store_rows_strdup(r, row, 6);
    d->attempts = (int)store_rows_ll(r, row, 7);
}

/* Whether every string of every delivery was copied. */
static bool deliveries_whole(const struct webhook_delivery *d, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (!d[i].event_id || !d[i].url || !d[i].secret || !d[i].payload) {
            return false;
        }
    }
    return true;
}

int store_webhook_claim(struct store *s, const char *owner, int limit, int per_agency, int lease_s,
                        struct webhook_delivery **out, size_t *count)
{
    char lbuf[STORE_NUMBUF], pbuf[STORE_NUMBUF], sbuf[STORE_NUMBUF];
    store_fmt_ll(lbuf, limit);
    store_fmt_ll(pbuf, per_agency);
    store_fmt_ll(sbuf, lease_s);
    const char *params[] = {owner, lbuf, pbuf, sbuf};
    *out = NULL;
    *count = 0;
    if (store_begin(s) != 0) {
        return -1;
    }
    void *list = NULL;
    int rc = store_query_list(s,
                              "SELECT id, event_id, agency_id, url, secret, allow_http, payload,"
                              " attempts FROM lapor_webhook_claim($1, $2::int, $3::int, $4::int)",
                              4, params, sizeof **out, delivery_from_row, &list, count);
    if (rc == 0 && !deliveries_whole(list, *count)) {
        store_set_error(s, "out of memory reading claimed webhook events");
        rc = -1;
    }
    if (rc == 0 && store_commit(s) == 0) {
        *out = list;
        return 0;
    }
    store_rollback(s);
    store_webhook_deliveries_free(list, *count);
    *count = 0;
    return -1;
}

void store_webhook_deliveries_free(struct webhook_delivery *d, size_t count)
{
    for (size_t i = 0; d != NULL && i < count; i++) {
        free(d[i].event_id);
        free(d[i].url);
        free(d[i].secret);
        free(d[i].payload);
    }
    free(d);
}

int store_webhook_done(struct store *s, long long id, const char *owner, bool ok, int code,
                       const char *error, const struct webhook_retry_policy *policy)
{
    char ibuf[STORE_NUMBUF], cbuf[STORE_NUMBUF], abuf[STORE_NUMBUF], fbuf[STORE_NUMBUF],
        mbuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    store_fmt_ll(abuf, policy->max_attempts);
    store_fmt_ll(fbuf, policy->first_delay_s);
    store_fmt_ll(mbuf, policy->max_delay_s);
    const char *params[] = {ibuf,  owner, ok ? "t" : "f", store_param_ll(cbuf, code > 0, code),
                            error, abuf,  fbuf,           mbuf};
    return store_call(s,
                      "SELECT lapor_webhook_done($1::bigint, $2, $3::boolean, $4::int, $5,"
                      " $6::int, $7::int, $8::int)",
                      8, params);
}

int store_webhook_set(struct store *s, const char *code, const char *url, const char *secret,
                      bool allow_http, bool *found)
{
    const char *params[] = {code, url, secret, allow_http ? "t" : "f"};
    return store_query_any(s,
                           "INSERT INTO agency_webhook (agency_id, url, secret, allow_http)"
                           " SELECT id, $2, $3, $4::boolean FROM agency WHERE code = upper($1)"
                           " ON CONFLICT (agency_id) DO UPDATE SET url = EXCLUDED.url,"
                           " secret = EXCLUDED.secret, allow_http = EXCLUDED.allow_http,"
                           " failures = 0, backoff_until = NULL, last_error = NULL,"
                           " updated_at = now()"
                           " RETURNING agency_id",
                           4, params, found);
}

int store_webhook_remove(struct store *s, const char *code, bool *removed)
{
    const char *params[] = {code};
    return store_query_any(s,
                           "WITH gone AS (DELETE FROM agency_webhook w USING agency a"
                           "   WHERE a.id = w.agency_id AND a.code = upper($1)"
                           "   RETURNING w.agency_id),"
                           " cancelled AS (UPDATE webhook_event e SET status = 'cancelled',"
                           "   lease_owner = NULL, lease_until = NULL,"
                           "   last_error = 'webhook removed'"
                           "   FROM gone g WHERE e.agency_id = g.agency_id"
                           "   AND e.status IN ('queued', 'sending', 'failed'))"
                           " SELECT agency_id FROM gone",
                           1, params, removed);
}

/* Runs a change of one event, sql with the event's id as $1: *changed tells whether it gave a
 * row. */
static int change_event(struct store *s, const char *sql, long long id, bool *changed)
{
    char ibuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    const char *params[] = {ibuf};
    return store_query_any(s, sql, 1, params, changed);
}

int store_webhook_retry(struct store *s, long long id, bool *changed)
{
    return change_event(s,
                        "WITH e AS (UPDATE webhook_event SET status = 'queued', attempts = 0,"
                        "   next_attempt_at = now(), last_error = NULL"
                        "   WHERE id = $1::bigint AND status IN ('failed', 'cancelled')"
                        "   AND agency_id IN (SELECT agency_id FROM agency_webhook)"
                        "   RETURNING agency_id),"
                        " w AS (UPDATE agency_webhook SET failures = 0, backoff_until = NULL"
                        "   WHERE agency_id IN (SELECT agency_id FROM e))"
                        " SELECT 1 FROM e",
                        id, changed);
}

int store_webhook_cancel(struct store *s, long long id, bool *changed)
{
    return change_event(s,
                        "UPDATE webhook_event SET status = 'cancelled', lease_owner = NULL,"
                        " lease_until = NULL, last_error = 'cancelled by an operator'"
                        " WHERE id = $1::bigint AND status IN ('queued', 'sending', 'failed')"
                        " RETURNING id",
                        id, changed);
}

/* Each report: its JSON document from the parameter, and the text made from that document. */
static const struct {
    const char *name, *json, *text;
} reports[] = {
    {"webhooks",
     "SELECT coalesce(json_agg(json_build_object('agency', a.code, 'url', w.url,"
     " 'allow_http', w.allow_http, 'secret', left(w.secret, 4) || '... ('"
     "   || length(w.secret) || ' characters)',"
     " 'failures', w.failures, 'backoff_until', w.backoff_until, 'last_error', w.last_error,"
     " 'queued', (SELECT count(*) FROM webhook_event e WHERE e.agency_id = w.agency_id"
     "   AND e.status IN ('queued', 'sending')),"
     " 'failed', (SELECT count(*) FROM webhook_event e WHERE e.agency_id = w.agency_id"
     "   AND e.status = 'failed')) ORDER BY a.code), '[]')::text"
     " FROM agency_webhook w JOIN agency a ON a.id = w.agency_id"
     " WHERE $1::text IS NULL OR a.code = upper($1)",
     "SELECT coalesce(string_agg(format('%-10s %s%s secret %s, %s queued, %s failed%s%s',"
     " e->>'agency', e->>'url', CASE WHEN (e->>'allow_http')::boolean THEN ' (http allowed)'"
     " ELSE '' END, e->>'secret', e->>'queued', e->>'failed',"
     " coalesce(', back-off until ' || left(e->>'backoff_until', 19), ''),"
     " coalesce(E'\\n           last error: ' || (e->>'last_error'), '')), E'\\n'),"
     " 'no webhooks') FROM jsonb_array_elements($1::jsonb) e"},
    {"events",
     "SELECT coalesce(json_agg(json_build_object('id', e.id, 'event_id', e.event_id,"
     " 'agency', a.code, 'ticket', ticket_of(e.complaint_id), 'kind', e.kind,"
     " 'status', e.status, 'attempts', e.attempts, 'next_attempt_at', e.next_attempt_at,"
     " 'last_code', e.last_code, 'last_error', e.last_error, 'created_at', e.created_at,"
     " 'delivered_at', e.delivered_at) ORDER BY e.id DESC), '[]')::text"
     " FROM (SELECT * FROM webhook_event WHERE $1::text IS NULL OR status = $1"
     "   ORDER BY id DESC LIMIT 200) e JOIN agency a ON a.id = e.agency_id",
     "SELECT coalesce(string_agg(format('%8s %-10s #%-10s %-10s %-9s %2s try %s%s', e->>'id',"
     " e->>'agency', e->>'ticket', e->>'kind', e->>'status', e->>'attempts', e->>'event_id',"
     " coalesce(E'\\n         last error: ' || (e->>'last_error'), '')), E'\\n'),"
     " 'no webhook events') FROM jsonb_array_elements($1::jsonb) e"},
};

int store_webhook_report(struct store *s, const char *name, const char *param, bool json,
                         char **out)
{
    *out = NULL;
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        if (strcmp(reports[i].name, name) != 0) {
            continue;
        }
        const char *params[] = {param};
        char **texts = NULL;
        size_t n = 0;
        if (store_query_texts(s, reports[i].json, 1, params, &texts, &n) != 0) {
            return -1;
        }
        char *doc = n > 0 ? texts[0] : NULL;
        free(texts);
        if (doc == NULL || json) {
            *out = doc;
            return doc ? 0 : -1;
        }
        const char *tparams[] = {doc};
        n = 0;
        int rc = store_query_texts(s, reports[i].text, 1, tparams, &texts, &n);
        free(doc);
        if (rc == 0 && n > 0) {
            *out = texts[0];
        }
        free(texts);
        return rc == 0 && *out != NULL ? 0 : -1;
    }
    store_set_error(s, "no report named %s", name);
    return -1;
}
