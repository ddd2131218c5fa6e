/* store_outbox: see store_outbox.h. */
#include "store_outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_array.h"

/* The columns of reply row, appended to a[0..4]. */
static void outbox_columns(struct store_array *a, const struct store_outbox_row *row)
{
    store_array_ll_if(&a[0], row->complaint_id > 0, row->complaint_id);
    store_array_ll_if(&a[1], row->msg_id > 0, row->msg_id);
    store_array_str(&a[2], row->kind);
    store_array_str(&a[3], row->destination);
    store_array_str(&a[4], row->text);
}

int store_outbox_add_many(struct store *s, const struct store_outbox_row *rows, size_t n,
                          const char *via_instance)
{
    struct store_array a[5] = {{0}};
    for (size_t i = 0; i < n; i++) {
        outbox_columns(a, &rows[i]);
    }
    /* unnest keeps the rows' order, so the outbox ids follow the order they were queued in. */
    return store_array_exec(
        s,
        "INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text,"
        " via_instance)"
        " SELECT u.complaint_id, u.sms_in_id, u.kind, u.destination, u.text, $6"
        " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])"
        "   AS u(complaint_id, sms_in_id, kind, destination, text)"
        " ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING",
        a, 5, via_instance);
}

int store_outbox_add(struct store *s, long long complaint_id, long long msg_id, const char *kind,
                     const char *destination, const char *text, const char *via_instance)
{
    char cbuf[STORE_NUMBUF], mbuf[STORE_NUMBUF];
    store_fmt_ll(cbuf, complaint_id);
    store_fmt_ll(mbuf, msg_id);
    const char *params[] = {complaint_id > 0 ? cbuf : NULL,
                            msg_id > 0 ? mbuf : NULL,
                            kind,
                            destination,
                            text,
                            via_instance};
    return store_exec(s,
                      "INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text,"
                      " via_instance) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6)"
                      " ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING",
                      6, params);
}

/* The parts an earlier attempt sent, listed as "1,3", as store_reply.sent's bits: those parts are
 * never sent again. */
static unsigned long long parts_sent(const char *list)
{
    unsigned long long sent = 0;
    for (const char *q = list; *q != '\0';) {
        char *end;
        long seq = strtol(q, &end, 10);
        if (end == q) {
            break;
        }
        if (seq >= 1 && seq <= 64) {
            sent |= 1ULL << (seq - 1);
        }
        q = *end == ',' ? end + 1 : end;
    }
    return sent;
}

static void reply_from_row(const struct store_rows *r, int row, void *element)
{
    struct store_reply *reply = element;
    reply->id = store_rows_ll(r, row, 0);
    reply->destination = store_rows_strdup(r, row, 1);
    reply->text = store_rows_strdup(r, row, 2);
    reply->concat_ref = (int)store_rows_ll(r, row, 3);
    reply->attempts = (int)store_rows_ll(r, row, 4);
    reply->sent = parts_sent(store_rows_text(r, row, 5));
}

int store_outbox_claim(struct store *s, const char *owner, const char *instance, int lease_s,
                       int grace_s, int limit, struct store_reply **out, size_t *n)
{
    char lbuf[STORE_NUMBUF], gbuf[STORE_NUMBUF], nbuf[STORE_NUMBUF];
    store_fmt_ll(lbuf, lease_s);
    store_fmt_ll(gbuf, grace_s);
    store_fmt_ll(nbuf, limit);
    const char *params[] = {owner, instance, lbuf, gbuf, nbuf};
    /* The reference is chosen once per reply, so that parts resent later still join the parts
     * that went before them. */
    void *array;
    int rc = store_query_list(
        s,
        "UPDATE outbox o SET status = 'sending', lease_owner = $1,"
        " lease_until = now() + make_interval(secs => $3::int), attempts = o.attempts + 1,"
        " concat_ref = coalesce(o.concat_ref, floor(random() * 256)::int)"
        " WHERE o.id IN (SELECT q.id FROM outbox q WHERE q.status = 'queued'"
        "   AND q.next_attempt_at <= now()"
        "   AND (q.via_instance IS NULL OR q.via_instance = $2"
        "        OR q.created_at < now() - make_interval(secs => $4::int))"
        "   ORDER BY q.next_attempt_at, q.id LIMIT $5::int FOR UPDATE SKIP LOCKED)"
        " RETURNING o.id, o.destination, o.text, o.concat_ref, o.attempts,"
        " (SELECT string_agg(p.seq::text, ',') FROM outbox_part p WHERE p.outbox_id = o.id"
        "   AND p.status = 'sent' AND p.seq BETWEEN 1 AND 64)",
        5, params, sizeof **out, reply_from_row, &array, n);
    *out = array;
    return rc;
}

void store_replies_free(struct store_reply *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].destination);
        free(r[i].text);
    }
    free(r);
}

/* The columns of part outcome p, appended to a[0..4]. */
static void part_result_columns(struct store_array *a, const struct store_part_result *p)
{
    store_array_ll(&a[0], p->id);
    store_array_ll(&a[1], p->seq);
    store_array_str(&a[2], p->status);
    store_array_ll_if(&a[3], p->msg_ref >= 0, p->msg_ref);
    store_array_str(&a[4], p->error);
}

int store_outbox_part_begin(struct store *s, const char *owner, const char *instance,
                            const struct store_part_result *done, size_t n_done, long long id,
                            int seq, int parts, bool *begun)
{
    struct store_array a[5] = {{0}};
    for (size_t i = 0; i < n_done; i++) {
        part_result_columns(a, &done[i]);
    }
    char ibuf[STORE_NUMBUF], sbuf[STORE_NUMBUF], pbuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    store_fmt_ll(sbuf, seq);
    store_fmt_ll(pbuf, parts);
    const char *params[10] = {[5] = ibuf, [6] = sbuf, [7] = owner, [8] = instance, [9] = pbuf};
    *begun = false;
    int rc = store_array_done_all(s, a, 5, params);
    if (rc == 0) {
        rc = store_query_bool(s,
                              "SELECT outbox_part_begin($1::bigint[], $2::int[], $3::text[],"
                              " $4::int[], $5::text[], $6::bigint, $7::int, $8, $9, $10::int)",
                              10, params, begun);
    }
    store_array_free_all(a, 5);
    return rc;
}

/* The columns of reply end r, appended to a[0..5]. */
static void reply_result_columns(struct store_array *a, const struct store_reply_result *r)
{
    static const char *const end_names[] = {
        [STORE_REPLY_SENT] = "sent",
        [STORE_REPLY_RETRY] = "retry",
        [STORE_REPLY_UNKNOWN] = "unknown",
        [STORE_REPLY_RELEASE] = "release",
    };
    store_array_ll(&a[0], r->id);
    store_array_str(&a[1], end_names[r->end]);
    store_array_ll(&a[2], r->parts);
    store_array_ll(&a[3], r->retry_delay_s);
    store_array_ll(&a[4], r->max_attempts);
    store_array_str(&a[5], r->error);
}

int store_outbox_conclude(struct store *s, const char *owner, const struct store_part_result *p,
                          size_t np, const struct store_reply_result *rr, size_t nr)
{
    struct store_array a[11] = {{0}};
    for (size_t i = 0; i < np; i++) {
        part_result_columns(a, &p[i]);
    }
    for (size_t i = 0; i < nr; i++) {
        reply_result_columns(a + 5, &rr[i]);
    }
    /* One statement, so one commit, for the whole batch (sql/repeatable/31_outbox_parts.sql). */
    const char *params[12] = {[11] = owner};
    int rc = store_array_done_all(s, a, 11, params);
    if (rc == 0) {
        rc = store_call(s,
                        "SELECT outbox_conclude($1::bigint[], $2::int[], $3::text[], $4::int[],"
                        " $5::text[], $6::bigint[], $7::text[], $8::int[], $9::int[], $10::int[],"
                        " $11::text[], $12)",
                        12, params);
    }
    store_array_free_all(a, 11);
    return rc;
}

/* Records a part's outcome ("sent", "failed" or "unknown"), clearing any earlier error. */
static int outbox_part_end(struct store *s, long long id, int seq, const char *status, int msg_ref)
{
    char ibuf[STORE_NUMBUF], sbuf[STORE_NUMBUF], rbuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    store_fmt_ll(sbuf, seq);
    store_fmt_ll(rbuf, msg_ref);
    const char *params[] = {ibuf, sbuf, status, msg_ref >= 0 ? rbuf : NULL};
    return store_exec(s,
                      "UPDATE outbox_part SET status = $3, msg_ref = $4::int, error = NULL,"
                      " updated_at = now() WHERE outbox_id = $1::bigint AND seq = $2::int",
                      4, params);
}

int store_outbox_settle(struct store *s, long long id, const char *owner, int seq,
                        const char *status, int msg_ref, int parts)
{
    if (outbox_part_end(s, id, seq, status, msg_ref) != 0) {
        return -1;
    }
    char ibuf[STORE_NUMBUF], pbuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, id);
    store_fmt_ll(pbuf, parts);
    const char *params[] = {ibuf, owner, pbuf};
    return store_exec(
        s,
        "UPDATE outbox o SET lease_owner = NULL, lease_until = NULL, parts = $3::int,"
        " status = CASE WHEN (SELECT count(*) FROM outbox_part p WHERE p.outbox_id = o.id"
        "   AND p.status = 'sent') >= $3::int THEN 'sent' ELSE 'queued' END,"
        " sent_at = CASE WHEN (SELECT count(*) FROM outbox_part p WHERE p.outbox_id = o.id"
        "   AND p.status = 'sent') >= $3::int THEN now() END,"
        " last_error = NULL"
        " WHERE o.id = $1::bigint"
        " AND ((o.status = 'sending' AND o.lease_owner = $2) OR o.status = 'unknown')"
        " AND NOT EXISTS (SELECT 1 FROM outbox_part p WHERE p.outbox_id = o.id"
        "   AND p.status IN ('sending', 'unknown'))",
        3, params);
}

int store_outbox_recover(struct store *s, const char *owner, const char *instance, bool own,
                         int *requeued, int *unknown)
{
    const char *params[] = {owner, instance, own ? "t" : "f"};
    *requeued = *unknown = 0;
    /* A part that was 'sending' when its daemon died may have reached the network: its reply is
     * marked 'unknown' for an operator rather than sent a second time. */
    struct store_rows *r = store_query(
        s,
        "WITH stale AS (SELECT id FROM outbox WHERE status = 'sending'"
        "   AND (lease_until < now() OR (split_part(lease_owner, ':', 1) = $2 AND lease_owner "
        "<> $1))"
        "   FOR UPDATE SKIP LOCKED),"
        " parts AS (UPDATE outbox_part p SET status = 'unknown', updated_at = now(),"
        "   error = 'the daemon sending it stopped' FROM stale"
        "   WHERE p.outbox_id = stale.id AND p.status = 'sending' RETURNING p.outbox_id)"
        " UPDATE outbox o SET lease_owner = NULL, lease_until = NULL,"
        "   status = CASE WHEN o.id IN (SELECT outbox_id FROM parts) THEN 'unknown'"
        "     ELSE 'queued' END,"
        "   last_error = 'claim taken back from ' || coalesce(o.lease_owner, '?')"
        " FROM stale WHERE o.id = stale.id RETURNING o.status",
        2, params);
    if (r == NULL) {
        return -1;
    }
    for (int i = 0; i < store_rows_count(r); i++) {
        if (strcmp(store_rows_text(r, i, 0), "unknown") == 0) {
            (*unknown)++;
        } else {
            (*requeued)++;
        }
    }
    store_rows_free(r);
    return 0;
}
