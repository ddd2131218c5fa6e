/* store_intake: see store_intake.h. */
#include "store_intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_array.h"

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

/* intake_part() with one part's values; one literal, so that both ways of running it share its
 * prepared statement. */
static const char part_add_sql[] =
    "SELECT outcome, msg_id, msg_text, msg_complete FROM intake_part("
    "$1, $2, $3, $4, to_timestamp($5::double precision), $6, $7::smallint, $8,"
    " $9::int, $10::int, $11::int, $12::bytea, $13::bytea, $14,"
    " make_interval(secs => $15::int))";
#define PART_PARAMS 15

/* The parameters of one part; they point into in and into b. */
struct part_params {
    char t[STORE_NUMBUF], cls[STORE_NUMBUF], ref[STORE_NUMBUF], total[STORE_NUMBUF],
        seq[STORE_NUMBUF], win[STORE_NUMBUF];
    const char *values[PART_PARAMS];
    int lens[PART_PARAMS];
};

static void part_params(const struct store_part_in *in, struct part_params *b)
{
    snprintf(b->t, sizeof b->t, "%lld", in->smsc_time);
    store_fmt_ll(b->ref, in->concat_ref);
    store_fmt_ll(b->total, in->concat_total);
    store_fmt_ll(b->seq, in->concat_seq);
    store_fmt_ll(b->win, in->join_window_s);
    bool multipart = in->concat_total > 0;
    /* An empty byte string is still a value, not NULL: libpq takes the pointer as given. */
    static const unsigned char empty[1] = {0};
    const char *values[PART_PARAMS] = {
        in->instance,
        in->sender,
        in->sender_raw,
        in->smsc,
        in->smsc_time > 0 ? b->t : NULL,
        in->coding,
        store_param_ll(b->cls, in->msg_class >= 0, in->msg_class),
        in->kind,
        multipart ? b->ref : NULL,
        multipart ? b->total : NULL,
        multipart ? b->seq : NULL,
        in->udh != NULL ? (const char *)in->udh : (const char *)empty,
        in->raw != NULL ? (const char *)in->raw : (const char *)empty,
        in->text,
        b->win,
    };
    memcpy(b->values, values, sizeof values);
    /* The byte strings go in binary (their lengths), everything else as text (-1). */
    for (int i = 0; i < PART_PARAMS; i++) {
        b->lens[i] = -1;
    }
    b->lens[11] = (int)in->udh_len;
    b->lens[12] = (int)in->raw_len;
}

/* intake_single_complaint() (sql/011): a single SMS that is a complaint, stored and taken in. */
static const char single_add_sql[] =
    "SELECT outcome, msg_id, complaint_id, resent, agency_id, within FROM intake_single_complaint("
    "$1, $2, $3, $4, to_timestamp($5::double precision), $6, $7::smallint, $8, $9::bytea,"
    " $10::bytea, $11, $12, $13::boolean, $14, $15, $16::int, $17::boolean, $18::int,"
    " $19::int)";
#define SINGLE_PARAMS 19

/* The parameters of a single complaint: the part's (from its part_params) and the complaint's. */
struct single_params {
    char win[STORE_NUMBUF], budget[STORE_NUMBUF], bwin[STORE_NUMBUF];
    const char *values[SINGLE_PARAMS];
    int lens[SINGLE_PARAMS];
};

static void single_params(const struct store_part_in *in, const struct part_params *pb,
                          struct single_params *b)
{
    const struct store_part_complaint *c = in->complaint;
    store_fmt_ll(b->win, c->resend_window_s);
    store_fmt_ll(b->budget, c->budget);
    store_fmt_ll(b->bwin, c->budget_window_s);
    /* intake_part()'s parameters 1-8 and 12-14 (no reference, total or number), then the
     * complaint's. */
    static const int from_part[] = {0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13};
    int k = 0;
    for (size_t i = 0; i < sizeof from_part / sizeof from_part[0]; i++, k++) {
        b->values[k] = pb->values[from_part[i]];
        b->lens[k] = pb->lens[from_part[i]];
    }
    const char *rest[] = {c->body,
                          c->confidential ? "t" : "f",
                          c->keyword != NULL ? c->keyword : "",
                          c->actor,
                          b->win,
                          c->replyable ? "t" : "f",
                          b->budget,
                          b->bwin};
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++, k++) {
        b->values[k] = rest[i];
        b->lens[k] = -1;
    }
}

/* What intake_single_complaint() said of one message: row row of r, from column c (its
 * outcome) on; r stays the caller's. */
static int single_result(struct store *s, const struct store_rows *r, int row, int c,
                         struct store_part_out *out)
{
    const char *outcome = store_rows_text(r, row, c);
    out->msg_id = store_rows_ll(r, row, c + 1);
    out->complete = true;
    if (strcmp(outcome, "duplicate") == 0) {
        out->outcome = STORE_PART_DUPLICATE;
        return 0;
    }
    if (strcmp(outcome, "single") != 0) {
        store_set_error(s, "intake_single_complaint gave an unknown outcome '%s'", outcome);
        return -1;
    }
    out->outcome = STORE_PART_SINGLE;
    out->taken = true;
    out->complaint = taken_at(r, row, c + 2);
    return 0;
}

/* intake_single_complaints() (sql/012): the single complaints of a batch, all in one call. The
 * first five parameters are the same for all of them; the rest are one array per column. */
static const char singles_add_sql[] =
    "SELECT ord, outcome, msg_id, complaint_id, resent, agency_id, within"
    " FROM intake_single_complaints($1, $2, $3::int, $4::int, $5::int, $6::text[], $7::text[],"
    " $8::text[], $9::double precision[], $10::text[], $11::smallint[], $12::text[], $13::text[],"
    " $14::text[], $15::text[], $16::text[], $17::boolean[], $18::text[], $19::boolean[])";
#define SINGLES_PARAMS 19
#define SINGLES_COLUMNS 14

/* The ten columns both batch calls take first, in their order: the part as read. */
#define PART_COLUMNS 10
static void part_columns(struct store_array a[PART_COLUMNS], const struct store_part_in *in)
{
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
}

/* The parameters of the single complaints among in[0..n-1] (see single_complaint), in the order
 * given. a holds the columns' arrays (freed by the caller); nums the three numbers. 0, or -1 with
 * the error set when memory ran out. */
static int singles_params(struct store *s, const struct store_part_in *in, size_t n,
                          struct store_array a[SINGLES_COLUMNS], char nums[3][STORE_NUMBUF],
                          const char *values[SINGLES_PARAMS])
{
    const struct store_part_complaint *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct store_part_complaint *c = in[i].complaint;
        if (in[i].complaint == NULL || in[i].concat_total != 0) {
            continue;
        }
        if (first == NULL) {
            first = c;
            values[0] = in[i].instance;
        }
        part_columns(a, &in[i]);
        store_array_str(&a[10], c->body);
        store_array_str(&a[11], c->confidential ? "t" : "f");
        store_array_str(&a[12], c->keyword != NULL ? c->keyword : "");
        store_array_str(&a[13], c->replyable ? "t" : "f");
    }
    if (first == NULL) {
        return 0;
    }
    /* The daemon's settings, the same for every message of a batch. */
    values[1] = first->actor;
    store_fmt_ll(nums[0], first->resend_window_s);
    store_fmt_ll(nums[1], first->budget);
    store_fmt_ll(nums[2], first->budget_window_s);
    for (int i = 0; i < 3; i++) {
        values[2 + i] = nums[i];
    }
    return store_array_done_all(s, a, SINGLES_COLUMNS, values + 5);
}

/* intake_parts() (sql/013): the parts of concatenated messages of a batch, all in one call. */
static const char parts_add_sql[] =
    "SELECT ord, outcome, msg_id, msg_text, msg_complete"
    " FROM intake_parts($1, $2::int, $3::text[], $4::text[], $5::text[],"
    " $6::double precision[], $7::text[], $8::smallint[], $9::text[], $10::text[], $11::text[],"
    " $12::text[], $13::int[], $14::int[], $15::int[])";
#define PARTS_PARAMS 15
#define PARTS_COLUMNS 13

/* Whether part in goes to intake_parts(): a part of a concatenated message. */
static bool concatenated(const struct store_part_in *in)
{
    return in->concat_total > 1 && in->complaint == NULL;
}

/* The parameters of the parts among in[0..n-1] that go to intake_parts(), in the order given; as
 * singles_params. */
static int parts_params(struct store *s, const struct store_part_in *in, size_t n,
                        struct store_array a[PARTS_COLUMNS], char *window,
                        const char *values[PARTS_PARAMS])
{
    for (size_t i = 0; i < n; i++) {
        if (!concatenated(&in[i])) {
            continue;
        }
        values[0] = in[i].instance;
        store_fmt_ll(window, in[i].join_window_s);
        values[1] = window;
        part_columns(a, &in[i]);
        store_array_ll(&a[10], in[i].concat_ref);
        store_array_ll(&a[11], in[i].concat_total);
        store_array_ll(&a[12], in[i].concat_seq);
    }
    return store_array_done_all(s, a, PARTS_COLUMNS, values + 2);
}

/* Whether part in goes through intake_single_complaint(). */
static bool single_complaint(const struct store_part_in *in)
{
    return in->complaint != NULL && in->concat_total == 0;
}

/* What intake_part() said of one part: row row of r, from column c (its outcome) on; r stays
 * the caller's. */
static int part_result(struct store *s, const struct store_rows *r, int row, int c,
                       struct store_part_out *out)
{
    const char *outcome = store_rows_text(r, row, c);
    static const struct {
        const char *name;
        enum store_part_outcome value;
    } outcomes[] = {
        {"duplicate", STORE_PART_DUPLICATE}, {"single", STORE_PART_SINGLE},
        {"waiting", STORE_PART_WAITING},     {"complete", STORE_PART_COMPLETE},
        {"late", STORE_PART_LATE},
    };
    int found = -1;
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
        if (strcmp(outcome, outcomes[i].name) == 0) {
            found = (int)i;
        }
    }
    if (found < 0) {
        store_set_error(s, "intake_part gave an unknown outcome '%s'", outcome);
        return -1;
    }
    out->outcome = outcomes[found].value;
    out->msg_id = store_rows_ll(r, row, c + 1);
    out->text = store_rows_isnull(r, row, c + 2) ? NULL : store_rows_strdup(r, row, c + 2);
    out->complete = store_rows_bool(r, row, c + 3);
    return 0;
}

int store_part_add(struct store *s, const struct store_part_in *in, struct store_part_out *out)
{
    *out = (struct store_part_out){0};
    struct part_params b;
    struct single_params sb;
    part_params(in, &b);
    bool single = single_complaint(in);
    if (single) {
        single_params(in, &b, &sb);
    }
    struct store_rows *r =
        single ? store_query_binary(s, single_add_sql, SINGLE_PARAMS, sb.values, sb.lens)
               : store_query_binary(s, part_add_sql, PART_PARAMS, b.values, b.lens);
    if (r == NULL) {
        return -1;
    }
    int rc = single ? single_result(s, r, 0, 0, out) : part_result(s, r, 0, 0, out);
    store_rows_free(r);
    return rc;
}

/* The result of a call for many parts (all single complaints, or all parts of concatenated
 * messages): one row per part that took, numbered from 1 in the order given, each put in the out
 * of its part. r stays the caller's. */
static int batch_result(struct store *s, const struct store_rows *r, const struct store_part_in *in,
                        size_t n, bool (*took)(const struct store_part_in *),
                        int (*row_result)(struct store *, const struct store_rows *, int, int,
                                          struct store_part_out *),
                        struct store_part_out *out)
{
    size_t want = 0;
    for (size_t i = 0; i < n; i++) {
        want += took(&in[i]);
    }
    if (store_rows_count(r) != (int)want) {
        store_set_error(s, "the database gave %d rows for %zu parts", store_rows_count(r), want);
        return -1;
    }
    size_t i = 0;
    for (int row = 0; row < store_rows_count(r); row++, i++) {
        while (i < n && !took(&in[i])) {
            i++;
        }
        /* Rows come in the order given: row k is the k-th part the call took. */
        if (i == n || store_rows_ll(r, row, 0) != row + 1) {
            store_set_error(s, "the database answered for parts out of order");
            return -1;
        }
        if (row_result(s, r, row, 1, &out[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

/* What store_pipeline_result parses: many parts in one call, or one part. */
struct batch_arg {
    const struct store_part_in *in;
    size_t n;
    bool (*took)(const struct store_part_in *);
    int (*row_result)(struct store *, const struct store_rows *, int, int, struct store_part_out *);
    struct store_part_out *out;
};

static int parse_batch(struct store *s, const struct store_rows *r, void *arg)
{
    const struct batch_arg *a = arg;
    return batch_result(s, r, a->in, a->n, a->took, a->row_result, a->out);
}

static int parse_part(struct store *s, const struct store_rows *r, void *arg)
{
    if (store_rows_count(r) != 1) {
        store_set_error(s, "intake_part gave %d rows", store_rows_count(r));
        return -1;
    }
    return part_result(s, r, 0, 0, arg);
}

/* Whether any of in[0..n-1] is one that took takes. */
static bool any_of(const struct store_part_in *in, size_t n,
                   bool (*took)(const struct store_part_in *))
{
    for (size_t i = 0; i < n; i++) {
        if (took(&in[i])) {
            return true;
        }
    }
    return false;
}

/* Whether part in is stored by an intake_part() call of its own. */
static bool stored_alone(const struct store_part_in *in)
{
    return !single_complaint(in) && !concatenated(in);
}

/* Which calls of a batch went into the pipeline. */
struct batch_sent {
    bool singles, parts;
    size_t alone; /* how far the parts stored by a call each were sent */
};

/* Sends the single complaints' call: 0, or -1 with the error set. */
static int send_singles(struct store *s, const struct store_part_in *in, size_t n)
{
    struct store_array cols[SINGLES_COLUMNS] = {{0}};
    char nums[3][STORE_NUMBUF];
    const char *values[SINGLES_PARAMS] = {NULL};
    int rc = singles_params(s, in, n, cols, nums, values);
    if (rc == 0) {
        rc = store_pipeline_send(s, singles_add_sql, SINGLES_PARAMS, values, NULL);
    }
    store_array_free_all(cols, SINGLES_COLUMNS);
    return rc;
}

/* Sends the concatenated parts' call: 0, or -1 with the error set. */
static int send_parts(struct store *s, const struct store_part_in *in, size_t n)
{
    struct store_array cols[PARTS_COLUMNS] = {{0}};
    char window[STORE_NUMBUF];
    const char *values[PARTS_PARAMS] = {NULL};
    int rc = parts_params(s, in, n, cols, window, values);
    if (rc == 0) {
        rc = store_pipeline_send(s, parts_add_sql, PARTS_PARAMS, values, NULL);
    }
    store_array_free_all(cols, PARTS_COLUMNS);
    return rc;
}

/* Sends the batch's calls into the pipeline and syncs, recording in *sent what went: 0, or -1
 * with the error set after the first that failed. */
static int send_batch(struct store *s, const struct store_part_in *in, size_t n,
                      struct batch_sent *sent)
{
    int rc = 0;
    if (any_of(in, n, single_complaint)) {
        sent->singles = send_singles(s, in, n) == 0;
        rc = sent->singles ? 0 : -1;
    }
    if (rc == 0 && any_of(in, n, concatenated)) {
        sent->parts = send_parts(s, in, n) == 0;
        rc = sent->parts ? 0 : -1;
    }
    for (; rc == 0 && sent->alone < n; sent->alone++) {
        if (!stored_alone(&in[sent->alone])) {
            continue;
        }
        struct part_params b;
        part_params(&in[sent->alone], &b);
        if (store_pipeline_send(s, part_add_sql, PART_PARAMS, b.values, b.lens) != 0) {
            rc = -1;
            break;
        }
    }
    if (store_pipeline_sync(s) != 0) {
        rc = -1;
    }
    return rc;
}

/* Reads the results of the calls sent, in order, into out; *rc as store_pipeline_result. Returns
 * whether the pipeline is out of step. */
static bool read_batch(struct store *s, const struct store_part_in *in, size_t n,
                       const struct batch_sent *sent, struct store_part_out *out, int *rc)
{
    /* Every call sent has its result and then a NULL; the sync has its own result last. */
    bool broken = false;
    if (sent->singles) {
        struct batch_arg a = {in, n, single_complaint, single_result, out};
        broken = store_pipeline_result(s, rc, parse_batch, &a) == -2;
    }
    if (sent->parts && !broken) {
        struct batch_arg a = {in, n, concatenated, part_result, out};
        broken = store_pipeline_result(s, rc, parse_batch, &a) == -2;
    }
    for (size_t i = 0; i < sent->alone && !broken; i++) {
        if (stored_alone(&in[i])) {
            broken = store_pipeline_result(s, rc, parse_part, &out[i]) == -2;
        }
    }
    return broken;
}

/*
 * All n parts in libpq's pipeline mode: every call is sent before the first answer is read, so
 * the batch costs one round trip instead of n. The single complaints go first, all in one call
 * (each has a sender of its own, so the order between them and the other parts changes nothing);
 * then the parts of concatenated messages, all in one call that ends as calls for each of them
 * in order would (sql/013); then each other part, in order, as store_part_add would store it.
 * Messages of different groups never meet, so which of the three stores a part first changes
 * nothing. All of it is in the caller's transaction; after the first error the rest are skipped
 * by the server, and the caller rolls back.
 */
int store_part_add_many(struct store *s, const struct store_part_in *in, size_t n,
                        struct store_part_out *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct store_part_out){0};
    }
    static const char *const sqls[] = {part_add_sql, singles_add_sql, parts_add_sql};
    static const int nparams[] = {PART_PARAMS, SINGLES_PARAMS, PARTS_PARAMS};
    int entered = store_pipeline_enter(s, sqls, nparams, 3);
    if (entered < 0) {
        return -1;
    }
    if (entered == 0) {
        /* No statement slot left, or no pipeline: one call at a time does the same. */
        for (size_t i = 0; i < n; i++) {
            if (store_part_add(s, &in[i], &out[i]) != 0) {
                return -1;
            }
        }
        return 0;
    }
    struct batch_sent sent = {0};
    int rc = send_batch(s, in, n, &sent);
    bool broken = read_batch(s, in, n, &sent, out, &rc);
    if (store_pipeline_leave(s, broken) != 0) {
        if (rc == 0) {
            store_set_error(s, "database: the pipeline of parts ended out of step");
        }
        rc = -1;
    }
    if (rc != 0) {
        for (size_t i = 0; i < n; i++) {
            free(out[i].text);
            out[i].text = NULL;
        }
    }
    return rc;
}

int store_expire_open(struct store *s, int timeout_s, int limit, struct store_msg **out, size_t *n)
{
    char tbuf[STORE_NUMBUF], lbuf[STORE_NUMBUF];
    store_fmt_ll(tbuf, timeout_s);
    store_fmt_ll(lbuf, limit);
    const char *params[] = {tbuf, lbuf};
    *out = NULL;
    *n = 0;
    void *array;
    struct store_rows *r =
        store_query_array(s,
                          "SELECT msg_id, msg_sender, msg_kind, msg_text FROM "
                          "intake_expire(make_interval(secs => $1::int), $2::int)",
                          2, params, sizeof **out, &array);
    if (r == NULL) {
        return -1;
    }
    *out = array;
    int rows = store_rows_count(r);
    for (int i = 0; i < rows; i++) {
        (*out)[i].id = store_rows_ll(r, i, 0);
        (*out)[i].sender = store_rows_strdup(r, i, 1);
        (*out)[i].kind = store_rows_strdup(r, i, 2);
        (*out)[i].text = store_rows_strdup(r, i, 3);
    }
    *n = (size_t)rows;
    store_rows_free(r);
    return 0;
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

/*
 * Serialises this transaction with every other that takes the same lock (until it ends). Taken in
 * a statement of its own: in READ COMMITTED each statement sees what committed before it began,
 * so the statement after the lock sees what the previous holder wrote.
 */
static int lock_for_transaction(struct store *s, const char *kind, const char *key)
{
    const char *params[] = {kind, key};
    struct store_rows *r =
        store_query(s, "SELECT pg_advisory_xact_lock(hashtext($1 || $2))", 2, params);
    if (r == NULL) {
        return -1;
    }
    store_rows_free(r);
    return 0;
}

int store_complaint_intake(struct store *s, const struct store_complaint_new *c,
                           const struct store_complaint_take *how,
                           struct store_complaint_taken *out)
{
    char mbuf[STORE_NUMBUF], wbuf[STORE_NUMBUF], bbuf[STORE_NUMBUF], bwbuf[STORE_NUMBUF],
        pbuf[STORE_NUMBUF];
    store_fmt_ll(mbuf, c->msg_id);
    store_fmt_ll(pbuf, how->pending);
    store_fmt_ll(wbuf, how->resend_window_s);
    store_fmt_ll(bbuf, how->budget);
    store_fmt_ll(bwbuf, how->budget_window_s);
    const char *params[] = {mbuf,
                            c->sender,
                            c->text,
                            c->incomplete ? "t" : "f",
                            c->confidential ? "t" : "f",
                            c->keyword != NULL ? c->keyword : "",
                            c->actor,
                            wbuf,
                            how->replyable ? "t" : "f",
                            bbuf,
                            bwbuf,
                            pbuf};
    *out = (struct store_complaint_taken){0};
    /* intake_complaint() (sql/008) does in one round trip what took five. */
    struct store_rows *r =
        store_query(s,
                    "SELECT complaint_id, resent, agency_id, within FROM intake_complaint("
                    "$1::bigint, $2, $3, $4::boolean, $5::boolean, $6, $7, $8::int,"
                    " $9::boolean, $10::int, $11::int, $12::int)",
                    12, params);
    if (r == NULL) {
        return -1;
    }
    *out = taken_at(r, 0, 0);
    store_rows_free(r);
    return 0;
}

int store_complaints_intake(struct store *s, const struct store_complaint_new *c,
                            const struct store_complaint_take *how, size_t n,
                            struct store_complaint_taken *out)
{
    if (n == 0) {
        return 0;
    }
    struct store_array a[6] = {{0}};
    for (size_t i = 0; i < n; i++) {
        store_array_ll(&a[0], c[i].msg_id);
        store_array_str(&a[1], c[i].sender);
        store_array_str(&a[2], c[i].text);
        store_array_str(&a[3], c[i].confidential ? "t" : "f");
        store_array_str(&a[4], c[i].keyword != NULL ? c[i].keyword : "");
        store_array_str(&a[5], how[i].replyable ? "t" : "f");
        out[i] = (struct store_complaint_taken){0};
    }
    char wbuf[STORE_NUMBUF], bbuf[STORE_NUMBUF], bwbuf[STORE_NUMBUF];
    const char *params[10];
    int rc = -1;
    if (store_array_done_all(s, a, 6, params + 4) != 0) {
        goto out;
    }
    store_fmt_ll(wbuf, how[0].resend_window_s);
    store_fmt_ll(bbuf, how[0].budget);
    store_fmt_ll(bwbuf, how[0].budget_window_s);
    params[0] = c[0].actor;
    params[1] = wbuf;
    params[2] = bbuf;
    params[3] = bwbuf;
    struct store_rows *r =
        store_query(s,
                    "SELECT ord, complaint_id, resent, agency_id, within FROM intake_complaints("
                    "$1, $2::int, $3::int, $4::int, $5::bigint[], $6::text[], $7::text[],"
                    " $8::boolean[], $9::text[], $10::boolean[])",
                    10, params);
    if (r == NULL) {
        goto out;
    }
    if (store_rows_count(r) != (int)n) {
        store_set_error(s, "intake_complaints gave %d rows for %zu messages", store_rows_count(r),
                        n);
        store_rows_free(r);
        goto out;
    }
    for (int row = 0; row < store_rows_count(r); row++) {
        if (store_rows_ll(r, row, 0) != row + 1) {
            store_set_error(s, "intake_complaints answered out of order");
            store_rows_free(r);
            goto out;
        }
        out[row] = taken_at(r, row, 1);
    }
    store_rows_free(r);
    rc = 0;
out:
    store_array_free_all(a, 6);
    return rc;
}

int store_complaint_lookup(struct store *s, long long seq, const char *sender, bool *found,
                           char *status, size_t cap)
{
    char sbuf[STORE_NUMBUF];
    store_fmt_ll(sbuf, seq);
    const char *params[] = {sbuf, sender};
    *found = false;
    struct store_rows *r =
        store_query(s,
                    "SELECT status FROM complaint WHERE id = $1::bigint AND sender = $2"
                    " FOR UPDATE",
                    2, params);
    if (r == NULL) {
        return -1;
    }
    if (store_rows_count(r) > 0) {
        *found = true;
        snprintf(status, cap, "%s", store_rows_text(r, 0, 0));
    }
    store_rows_free(r);
    return 0;
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
    store_fmt_ll(cbuf, complaint_id);
    const char *params[] = {mbuf, command, complaint_id > 0 ? cbuf : NULL};
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
    struct store_rows *r =
        store_query(s,
                    "SELECT count(*) < $2::int FROM outbox WHERE destination = $1"
                    " AND created_at > now() - make_interval(secs => $3::int)",
                    3, params);
    if (r == NULL) {
        return -1;
    }
    *within = store_rows_bool(r, 0, 0);
    store_rows_free(r);
    return 0;
}

int store_complaint_retext(struct store *s, long long msg_id, const char *text, bool incomplete,
                           const char *actor, long long *complaint_id)
{
    char mbuf[STORE_NUMBUF];
    store_fmt_ll(mbuf, msg_id);
    const char *params[] = {mbuf, text, incomplete ? "t" : "f", actor};
    struct store_rows *r =
        store_query(s,
                    "WITH c AS (UPDATE complaint SET text = $2, incomplete = $3::boolean,"
                    " updated_at = now() WHERE sms_in_id = $1::bigint RETURNING id),"
                    " e AS (INSERT INTO complaint_event (complaint_id, actor, kind, detail)"
                    " SELECT id, $4, 'part_added', CASE WHEN $3::boolean THEN 'still incomplete'"
                    " ELSE 'now complete' END FROM c)"
                    " SELECT id FROM c",
                    4, params);
    if (r == NULL) {
        return -1;
    }
    *complaint_id = store_rows_count(r) > 0 ? store_rows_ll(r, 0, 0) : 0;
    store_rows_free(r);
    return 0;
}

int store_delivery_report(struct store *s, const char *destination, int msg_ref, const char *status,
                          int code, long long at, long long *outbox_id)
{
    char rbuf[STORE_NUMBUF], cbuf[STORE_NUMBUF], abuf[STORE_NUMBUF];
    store_fmt_ll(rbuf, msg_ref);
    store_fmt_ll(cbuf, code);
    store_fmt_ll(abuf, at);
    const char *params[] = {destination, rbuf, status, cbuf, at > 0 ? abuf : NULL};
    *outbox_id = 0;
    struct store_rows *r =
        store_query(s,
                    "UPDATE outbox_part p SET delivery = $3, delivery_code = $4::int,"
                    " delivery_at = coalesce(to_timestamp($5::double precision), now())"
                    " WHERE (p.outbox_id, p.seq) = (SELECT q.outbox_id, q.seq FROM outbox_part q"
                    "   JOIN outbox o ON o.id = q.outbox_id WHERE q.msg_ref = $2::int"
                    "   AND q.status = 'sent' AND o.destination = $1"
                    "   ORDER BY q.updated_at DESC LIMIT 1)"
                    " RETURNING p.outbox_id",
                    5, params);
    if (r == NULL) {
        return -1;
    }
    if (store_rows_count(r) > 0) {
        *outbox_id = store_rows_ll(r, 0, 0);
    }
    store_rows_free(r);
    return 0;
}
