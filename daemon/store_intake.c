/* store_intake: see store_intake.h. */
#include "store_intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modem_decode.h"
#include "pdu.h"
#include "store_array.h"

/* The parts of messages to join (sql/repeatable/40_sms_in_parts_to_join.sql), ordered by message
 * and part number, and the joined texts written back. */
static const char parts_to_join_sql[] =
    "SELECT msg_id, seq, coding, raw_hex, text FROM sms_in_parts_to_join($1::bigint[])";
static const char texts_back_sql[] = "SELECT sms_in_set_texts($1::bigint[], $2::text[])";

/* Where the parts to join are in a result: from row first on, and in which columns. */
struct piece_columns {
    int first, id, seq, coding, raw_hex, text;
};
/* sms_in_parts_to_join()'s own rows, and the 'piece' rows after intake_batch()'s answers. */
static const struct piece_columns parts_to_join_columns = {0, 0, 1, 2, 3, 4};

/* The text of message id, joined from its rows of r (modem_decode_join). NULL without memory. */
static char *join_rows(const struct store_rows *r, const struct piece_columns *c, long long id)
{
    int rows = store_rows_count(r);
    size_t k = 0;
    struct modem_decode_piece *pieces = calloc((size_t)rows + 1, sizeof *pieces);
    unsigned char **raws = calloc((size_t)rows + 1, sizeof *raws);
    bool failed = pieces == NULL || raws == NULL;
    for (int row = c->first; row < rows && !failed; row++) {
        if (store_rows_ll(r, row, c->id) != id) {
            continue;
        }
        const char *hex = store_rows_text(r, row, c->raw_hex);
        size_t cap = strlen(hex) / 2 + 1;
        raws[k] = malloc(cap);
        long len = raws[k] != NULL ? pdu_from_hex(hex, raws[k], cap) : -1;
        failed = raws[k] == NULL;
        pieces[k] = (struct modem_decode_piece){
            .seq = (int)store_rows_ll(r, row, c->seq),
            .coding = store_rows_text(r, row, c->coding),
            .raw = raws[k],
            .raw_len = len > 0 ? (size_t)len : 0,
            .text = store_rows_text(r, row, c->text),
        };
        k++;
    }
    char *text = failed ? NULL : modem_decode_join(pieces, k);
    for (size_t i = 0; raws != NULL && i < k; i++) {
        free(raws[i]);
    }
    free(raws);
    free(pieces);
    return text;
}

/*
 * Makes the texts of messages ids[0..n-1] from their pieces in r (join_rows), writes them to
 * sms_in and hands each back in texts[i] (malloc'd). The SQL only picks the parts: decoding them
 * is C's (modem_decode), in the caller's transaction. 0, or -1 with the error set and no text
 * left.
 */
static int join_and_write(struct store *s, const struct store_rows *r,
                          const struct piece_columns *c, const long long *ids, size_t n,
                          char **texts)
{
    struct store_array a[2] = {{0}};
    const char *params[2];
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        texts[i] = join_rows(r, c, ids[i]);
        if (texts[i] == NULL) {
            store_set_error(s, "out of memory joining the text of message %lld", ids[i]);
            rc = -1;
        }
        store_array_ll(&a[0], ids[i]);
        store_array_str(&a[1], texts[i]);
    }
    if (rc == 0 && n > 0) {
        rc = store_array_done_all(s, a, 2, params);
        rc = rc == 0 ? store_call(s, texts_back_sql, 2, params) : rc;
    }
    store_array_free_all(a, 2);
    for (size_t i = 0; i < n && rc != 0; i++) {
        free(texts[i]);
        texts[i] = NULL;
    }
    return rc;
}

/* join_and_write for messages that intake_expire() closed, their pieces asked for here. */
static int join_texts(struct store *s, const long long *ids, size_t n, char **texts)
{
    struct store_array a = {0};
    const char *param;
    for (size_t i = 0; i < n; i++) {
        texts[i] = NULL;
        store_array_ll(&a, ids[i]);
    }
    if (n == 0) {
        store_array_free_all(&a, 1);
        return 0;
    }
    int rc = store_array_done_all(s, &a, 1, &param);
    struct store_rows *r = rc == 0 ? store_query(s, parts_to_join_sql, 1, &param) : NULL;
    store_array_free_all(&a, 1);
    rc = r != NULL ? join_and_write(s, r, &parts_to_join_columns, ids, n, texts) : -1;
    store_rows_free(r);
    return rc;
}

/* What the intake functions say of a complaint they took in: four columns from column c on
 * (complaint_id, resent, agency_id, within), in that order in all of them. */
static struct store_complaint_taken taken_at(const struct store_rows *r, int row, int c)
{
    return (struct store_complaint_taken){
        .complaint_id = store_rows_ll(r, row, c),
        .resent = store_rows_bool(r, row, c + 1),
        .agency_id = (int)store_rows_ll(r, row, c + 2),
        .within_budget = store_rows_bool(r, row, c + 3),
    };
}

/* intake_batch() (sql/repeatable/60_intake_batch.sql): the six settings, then one array per
 * column of the parts, then one per column of the complaints. */
static const char intake_batch_sql[] =
    "SELECT ord, outcome, msg_id, msg_text, msg_complete, complaint_id, resent, agency_id, within,"
    " piece_seq, piece_coding, piece_raw_hex FROM intake_batch($1, $2, $3::int, $4::int, $5::int, "
    "$6::int, $7::text[], $8::text[],"
    " $9::text[], $10::double precision[], $11::text[], $12::smallint[], $13::text[],"
    " $14::text[], $15::text[], $16::text[], $17::int[], $18::int[], $19::int[], $20::text[],"
    " $21::boolean[], $22::text[], $23::boolean[], $24::bigint[], $25::text[], $26::text[],"
    " $27::boolean[], $28::boolean[], $29::text[], $30::boolean[], $31::int[])";
#define BATCH_SETTINGS 6
#define BATCH_PART_COLUMNS 17
#define BATCH_COMPLAINT_COLUMNS 8
#define BATCH_COLUMNS (BATCH_PART_COLUMNS + BATCH_COMPLAINT_COLUMNS)
#define BATCH_PARAMS (BATCH_SETTINGS + BATCH_COLUMNS)

/* The columns of part in, appended to a[0..BATCH_PART_COLUMNS-1]. */
static void part_columns(struct store_array *a, const struct store_part_in *in)
{
    const struct store_part_complaint *c = in->complaint;
    bool multipart = in->concat_total > 0;
    store_array_str(&a[0], in->sender);
    store_array_str(&a[1], in->sender_raw);
    store_array_str(&a[2], in->smsc);
    store_array_ll_if(&a[3], in->smsc_time > 0, in->smsc_time);
    store_array_str(&a[4], in->coding);
    store_array_ll_if(&a[5], in->msg_class >= 0, in->msg_class);
    store_array_str(&a[6], in->kind);
    store_array_hex(&a[7], in->udh, in->udh != NULL ? in->udh_len : 0);
    store_array_hex(&a[8], in->raw, in->raw != NULL ? in->raw_len : 0);
    store_array_str(&a[9], in->text);
    store_array_ll_if(&a[10], multipart, in->concat_ref);
    store_array_ll_if(&a[11], multipart, in->concat_total);
    store_array_ll_if(&a[12], multipart, in->concat_seq);
    store_array_str(&a[13], c != NULL ? c->body : NULL);
    store_array_str(&a[14], c != NULL && c->confidential ? "t" : "f");
    store_array_str(&a[15], c != NULL && c->keyword != NULL ? c->keyword : "");
    store_array_str(&a[16], c != NULL && c->replyable ? "t" : "f");
}

/* The columns of complaint c taken as how says, appended to a[0..BATCH_COMPLAINT_COLUMNS-1]. */
static void complaint_columns(struct store_array *a, const struct store_complaint_new *c,
                              const struct store_complaint_take *how)
{
    store_array_ll(&a[0], c->msg_id);
    store_array_str(&a[1], c->sender);
    store_array_str(&a[2], c->text);
    store_array_str(&a[3], c->incomplete ? "t" : "f");
    store_array_str(&a[4], c->confidential ? "t" : "f");
    store_array_str(&a[5], c->keyword != NULL ? c->keyword : "");
    store_array_str(&a[6], how->replyable ? "t" : "f");
    store_array_ll(&a[7], how->pending);
}

/* The settings of a batch, the same for all of it: the daemon's, taken from its first part and
 * from its first complaint (one a part carries, or one given). */
static void batch_settings(const struct store_intake_batch *b, char nums[4][STORE_NUMBUF],
                           const char *values[BATCH_SETTINGS])
{
    const struct store_part_complaint *pc = NULL;
    for (size_t i = 0; i < b->n_parts && pc == NULL; i++) {
        pc = b->parts[i].complaint;
    }
    const struct store_complaint_take *how = b->n_complaints > 0 ? &b->how[0] : NULL;
    values[0] = b->n_parts > 0 ? b->parts[0].instance : "";
    values[1] = pc != NULL ? pc->actor : b->n_complaints > 0 ? b->complaints[0].actor : "";
    store_fmt_ll(nums[0], b->n_parts > 0 ? b->parts[0].join_window_s : 0);
    store_fmt_ll(nums[1], pc ? pc->resend_window_s : how ? how->resend_window_s : 0);
    store_fmt_ll(nums[2], pc ? pc->budget : how ? how->budget : 0);
    store_fmt_ll(nums[3], pc ? pc->budget_window_s : how ? how->budget_window_s : 0);
    for (int i = 0; i < 4; i++) {
        values[2 + i] = nums[i];
    }
}

/* What intake_batch() said of part row: row of r into *out; r stays the caller's. */
static int part_result(struct store *s, const struct store_rows *r, int row,
                       struct store_part_out *out)
{
    static const struct {
        const char *name;
        enum store_part_outcome value;
    } outcomes[] = {
        {"duplicate", STORE_PART_DUPLICATE}, {"single", STORE_PART_SINGLE},
        {"waiting", STORE_PART_WAITING},     {"complete", STORE_PART_COMPLETE},
        {"late", STORE_PART_LATE},
    };
    const char *outcome = store_rows_text(r, row, 1);
    size_t found = 0;
    while (found < sizeof outcomes / sizeof outcomes[0] &&
           strcmp(outcome, outcomes[found].name) != 0) {
        found++;
    }
    if (found == sizeof outcomes / sizeof outcomes[0]) {
        store_set_error(s, "intake_batch gave an unknown outcome '%s'", outcome);
        return -1;
    }
    out->outcome = outcomes[found].value;
    out->msg_id = store_rows_ll(r, row, 2);
    out->text = store_rows_isnull(r, row, 3) ? NULL : store_rows_strdup(r, row, 3);
    out->complete = store_rows_bool(r, row, 4);
    out->taken = !store_rows_isnull(r, row, 5);
    if (out->taken) {
        out->complaint = taken_at(r, row, 5);
    }
    return 0;
}

/* The rows of intake_batch(), one per part and then one per complaint, into b's outs (the
 * pieces after them are closed_texts'). */
static int batch_result(struct store *s, const struct store_rows *r,
                        const struct store_intake_batch *b)
{
    size_t want = b->n_parts + b->n_complaints;
    if (store_rows_count(r) < (int)want) {
        store_set_error(s, "intake_batch gave %d rows for %zu", store_rows_count(r), want);
        return -1;
    }
    for (int row = 0; row < (int)want; row++) {
        if (store_rows_ll(r, row, 0) != row + 1) {
            store_set_error(s, "intake_batch answered out of order");
            return -1;
        }
        size_t i = (size_t)row;
        if (i < b->n_parts) {
            if (part_result(s, r, row, &b->part_out[i]) != 0) {
                return -1;
            }
        } else {
            b->taken[i - b->n_parts] = taken_at(r, row, 5);
        }
    }
    return 0;
}

/* Whether the part's message was closed by it, and so needs its text. */
static bool closes(const struct store_part_out *out)
{
    return out->outcome == STORE_PART_COMPLETE || out->outcome == STORE_PART_LATE;
}

/* Where id is in ids[0..n-1], or n. */
static size_t id_at(const long long *ids, size_t n, long long id)
{
    size_t k = 0;
    while (k < n && ids[k] != id) {
        k++;
    }
    return k;
}

/* The texts of the messages the parts of b completed or joined late, joined from the pieces
 * intake_batch() gave after its answers (r), each handed to those parts (the text after the
 * whole batch). */
static int closed_texts(struct store *s, const struct store_rows *r,
                        const struct store_intake_batch *b)
{
    const struct piece_columns pieces = {
        (int)(b->n_parts + b->n_complaints), 2, 9, 10, 11, 3,
    };
    long long *ids = calloc(b->n_parts + 1, sizeof *ids);
    char **texts = calloc(b->n_parts + 1, sizeof *texts);
    size_t n = 0;
    if (ids == NULL || texts == NULL) {
        free(ids);
        free(texts);
        store_set_error(s, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < b->n_parts; i++) {
        if (closes(&b->part_out[i]) && id_at(ids, n, b->part_out[i].msg_id) == n) {
            ids[n++] = b->part_out[i].msg_id;
        }
    }
    int rc = join_and_write(s, r, &pieces, ids, n, texts);
    for (size_t i = 0; i < b->n_parts && rc == 0; i++) {
        struct store_part_out *out = &b->part_out[i];
        if (closes(out)) {
            out->text = strdup(texts[id_at(ids, n, out->msg_id)]);
            if (out->text == NULL) {
                store_set_error(s, "out of memory");
                rc = -1;
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        free(texts[k]);
    }
    free(texts);
    free(ids);
    return rc;
}

int store_intake(struct store *s, const struct store_intake_batch *b)
{
    struct store_array a[BATCH_COLUMNS] = {{0}};
    for (size_t i = 0; i < b->n_parts; i++) {
        b->part_out[i] = (struct store_part_out){0};
        part_columns(a, &b->parts[i]);
    }
    for (size_t i = 0; i < b->n_complaints; i++) {
        b->taken[i] = (struct store_complaint_taken){0};
        complaint_columns(a + BATCH_PART_COLUMNS, &b->complaints[i], &b->how[i]);
    }
    char nums[4][STORE_NUMBUF];
    const char *values[BATCH_PARAMS];
    batch_settings(b, nums, values);
    int rc = store_array_done_all(s, a, BATCH_COLUMNS, values + BATCH_SETTINGS);
    struct store_rows *r = rc == 0 ? store_query(s, intake_batch_sql, BATCH_PARAMS, values) : NULL;
    rc = r != NULL ? batch_result(s, r, b) : -1;
    store_array_free_all(a, BATCH_COLUMNS);
    rc = rc == 0 ? closed_texts(s, r, b) : rc;
    store_rows_free(r);
    if (rc != 0) {
        for (size_t i = 0; i < b->n_parts; i++) {
            free(b->part_out[i].text);
            b->part_out[i].text = NULL;
        }
    }
    return rc;
}

void store_msgs_free(struct store_msg *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].sender);
        free(m[i].kind);
        free(m[i].text);
    }
    free(m);
}

static void msg_from_row(const struct store_rows *r, int row, void *element)
{
    struct store_msg *m = element;
    m->id = store_rows_ll(r, row, 0);
    m->sender = store_rows_strdup(r, row, 1);
    m->kind = store_rows_strdup(r, row, 2);
    m->text = store_rows_strdup(r, row, 3);
}

int store_expire_open(struct store *s, int timeout_s, int limit, struct store_msg **out, size_t *n)
{
    char tbuf[STORE_NUMBUF], lbuf[STORE_NUMBUF];
    store_fmt_ll(tbuf, timeout_s);
    store_fmt_ll(lbuf, limit);
    const char *params[] = {tbuf, lbuf};
    void *array;
    int rc = store_query_list(s,
                              "SELECT msg_id, msg_sender, msg_kind, msg_text FROM "
                              "intake_expire(make_interval(secs => $1::int), $2::int)",
                              2, params, sizeof **out, msg_from_row, &array, n);
    *out = array;
    /* The sweep closed them; their texts are joined here (join_texts). */
    long long *ids = rc == 0 ? calloc(*n + 1, sizeof *ids) : NULL;
    char **texts = rc == 0 ? calloc(*n + 1, sizeof *texts) : NULL;
    rc = rc == 0 && (ids == NULL || texts == NULL) ? -1 : rc;
    for (size_t i = 0; i < *n && rc == 0; i++) {
        ids[i] = (*out)[i].id;
    }
    rc = rc == 0 ? join_texts(s, ids, *n, texts) : rc;
    for (size_t i = 0; i < *n && rc == 0; i++) {
        free((*out)[i].text);
        (*out)[i].text = texts[i];
    }
    free(texts);
    free(ids);
    if (rc != 0) {
        store_msgs_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/*
 * Serialises this transaction with every other that takes the same lock (until it ends). Taken in
 * a statement of its own: in READ COMMITTED each statement sees what committed before it began,
 * so the statement after the lock sees what the previous holder wrote.
 */
static int lock_for_transaction(struct store *s, const char *kind, const char *key)
{
    const char *params[] = {kind, key};
    return store_call(s, "SELECT pg_advisory_xact_lock(hashtext($1 || $2))", 2, params);
}

/* A caller's buffer for a text, of cap bytes. */
struct text_buffer {
    char *text;
    size_t cap;
};

static void status_from_row(const struct store_rows *r, int row, void *buffer)
{
    struct text_buffer *b = buffer;
    snprintf(b->text, b->cap, "%s", store_rows_text(r, row, 0));
}

int store_complaint_lookup(struct store *s, long long seq, const char *sender, bool *found,
                           char *status, size_t cap)
{
    char sbuf[STORE_NUMBUF];
    store_fmt_ll(sbuf, seq);
    const char *params[] = {sbuf, sender};
    struct text_buffer b = {status, cap};
    return store_query_row(s,
                           "SELECT status FROM complaint WHERE id = $1::bigint AND sender = $2"
                           " FOR UPDATE",
                           2, params, status_from_row, &b, found);
}

int store_complaint_event(struct store *s, long long seq, const char *status, const char *actor,
                          const char *kind, const char *detail)
{
    char sbuf[STORE_NUMBUF];
    store_fmt_ll(sbuf, seq);
    const char *params[] = {sbuf, status, actor, kind, detail};
    return store_exec(s,
                      "WITH u AS (UPDATE complaint SET status = coalesce($2, status),"
                      " first_followup_at = CASE WHEN $2 = 'diproses'"
                      "   THEN coalesce(first_followup_at, now()) ELSE first_followup_at END,"
                      " closed_at = CASE WHEN $2 IN ('selesai', 'ditolak', 'dibatalkan', 'arsip')"
                      "   THEN now() ELSE closed_at END,"
                      " updated_at = now() WHERE id = $1::bigint)"
                      " INSERT INTO complaint_event (complaint_id, actor, kind, detail)"
                      " VALUES ($1::bigint, $3, $4, $5)",
                      5, params);
}

int store_message_note(struct store *s, long long msg_id, const char *command,
                       long long complaint_id)
{
    char mbuf[STORE_NUMBUF], cbuf[STORE_NUMBUF];
    store_fmt_ll(mbuf, msg_id);
    const char *params[] = {mbuf, command, store_param_ll(cbuf, complaint_id > 0, complaint_id)};
    return store_exec(s,
                      "UPDATE sms_in SET command = $2, complaint_id = $3::bigint"
                      " WHERE id = $1::bigint",
                      3, params);
}

int store_reply_budget(struct store *s, const char *destination, int budget, int window_s,
                       bool *within)
{
    char bbuf[STORE_NUMBUF], wbuf[STORE_NUMBUF];
    store_fmt_ll(bbuf, budget);
    store_fmt_ll(wbuf, window_s);
    const char *params[] = {destination, bbuf, wbuf};
    *within = false;
    if (lock_for_transaction(s, "budget:", destination) != 0) {
        return -1;
    }
    return store_query_bool(s,
                            "SELECT count(*) < $2::int FROM outbox WHERE destination = $1"
                            " AND created_at > now() - make_interval(secs => $3::int)",
                            3, params, within);
}

int store_complaint_retext(struct store *s, long long msg_id, const char *text, bool incomplete,
                           const char *actor, long long *complaint_id)
{
    char mbuf[STORE_NUMBUF];
    store_fmt_ll(mbuf, msg_id);
    const char *params[] = {mbuf, text, incomplete ? "t" : "f", actor};
    return store_query_ll(
        s,
        "WITH c AS (UPDATE complaint SET text = $2, incomplete = $3::boolean,"
        " updated_at = now() WHERE sms_in_id = $1::bigint RETURNING id),"
        " e AS (INSERT INTO complaint_event (complaint_id, actor, kind, detail)"
        " SELECT id, $4, 'part_added', CASE WHEN $3::boolean THEN 'still incomplete'"
        " ELSE 'now complete' END FROM c)"
        " SELECT id FROM c",
        4, params, complaint_id);
}

int store_delivery_report(struct store *s, const char *destination, int msg_ref, const char *status,
                          int code, long long at, long long *outbox_id)
{
    char rbuf[STORE_NUMBUF], cbuf[STORE_NUMBUF], abuf[STORE_NUMBUF];
    store_fmt_ll(rbuf, msg_ref);
    store_fmt_ll(cbuf, code);
    const char *params[] = {destination, rbuf, status, cbuf, store_param_ll(abuf, at > 0, at)};
    /* The newest part sent to that number with that reference; failing that, a part to that
     * number whose outcome is unknown (its daemon died while the modem had it), which the report
     * shows reached the network. Its reply is then sent when no other part is missing, else
     * queued again for the parts never handed over. Such a part keeps the error that made it
     * unknown. */
    return store_query_ll(
        s,
        "WITH hit AS ((SELECT q.outbox_id, q.seq, q.status FROM outbox_part q"
        "   JOIN outbox o ON o.id = q.outbox_id WHERE q.msg_ref = $2::int"
        "   AND q.status = 'sent' AND o.destination = $1 ORDER BY q.updated_at DESC LIMIT 1)"
        "  UNION ALL (SELECT q.outbox_id, q.seq, q.status FROM outbox o"
        "   JOIN outbox_part q ON q.outbox_id = o.id WHERE o.destination = $1"
        "   AND o.status = 'unknown' AND q.status = 'unknown' AND q.msg_ref IS NULL"
        "   ORDER BY q.updated_at DESC LIMIT 1) LIMIT 1),"
        " reply AS (UPDATE outbox o"
        "   SET status = CASE WHEN o.parts = 1 + w.sent THEN 'sent' ELSE 'queued' END,"
        "   sent_at = CASE WHEN o.parts = 1 + w.sent THEN now() END,"
        "   last_error = CASE WHEN o.parts = 1 + w.sent THEN NULL ELSE o.last_error END"
        "   FROM hit, LATERAL (SELECT count(*) AS sent FROM outbox_part x"
        "     WHERE x.outbox_id = hit.outbox_id AND x.seq <> hit.seq AND x.status = 'sent') w"
        "   WHERE o.id = hit.outbox_id AND hit.status = 'unknown' AND o.status = 'unknown'"
        "   AND NOT EXISTS (SELECT 1 FROM outbox_part x WHERE x.outbox_id = o.id"
        "     AND x.seq <> hit.seq AND x.status IN ('sending', 'unknown')))"
        " UPDATE outbox_part p SET status = 'sent', msg_ref = $2::int,"
        " delivery = $3, delivery_code = $4::int,"
        " delivery_at = coalesce(to_timestamp($5::double precision), now())"
        " FROM hit WHERE p.outbox_id = hit.outbox_id AND p.seq = hit.seq"
        " RETURNING p.outbox_id",
        5, params, outbox_id);
}
