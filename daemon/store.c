/*
 * store: PostgreSQL through libpq. Every statement is a parameterised query; text parameters go
 * as text, byte strings in binary format, so that nothing a citizen sends is ever parsed as SQL.
 */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "migrations.h"
#include "sqlguard.h"

/* Statements prepared on the current connection, each known by the address of its SQL text: all
 * SQL here is string literals, so an address names one statement for the life of the process.
 * Preparing once per connection spares the server parsing and planning the same text for every
 * message, which was most of its work per message. */
#define STORE_PREPARED_MAX 160

struct store {
    char *conninfo;
    PGconn *conn;
    char error[512];
    const char *prepared[STORE_PREPARED_MAX];
    int n_prepared;
};

/* Longest decimal form of a 64-bit number, sign and NUL included. */
#define NUMBUF 24

static void set_error(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(struct store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    /* libpq's messages end in a newline; a log line should not. */
    size_t n = strlen(s->error);
    while (n > 0 && (s->error[n - 1] == '\n' || s->error[n - 1] == ' ')) {
        s->error[--n] = '\0';
    }
}

struct store *store_new(const char *conninfo)
{
    struct store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return NULL;
    }
    s->conninfo = strdup(conninfo);
    if (s->conninfo == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void store_free(struct store *s)
{
    if (s == NULL) {
        return;
    }
    store_disconnect(s);
    free(s->conninfo);
    free(s);
}

static void notice_quiet(void *arg, const PGresult *res)
{
    /* Notices (e.g. from the migration's role checks) are not errors; keep them off stderr. */
    (void)arg;
    (void)res;
}

int store_connect(struct store *s)
{
    store_disconnect(s);
    s->conn = PQconnectdb(s->conninfo);
    if (s->conn == NULL) {
        set_error(s, "out of memory connecting to the database");
        return -1;
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        /* libpq's message names the host and socket, never the password. */
        set_error(s, "database connection failed: %s", PQerrorMessage(s->conn));
        store_disconnect(s);
        return -1;
    }
    PQsetNoticeReceiver(s->conn, notice_quiet, NULL);
    return 0;
}

void store_disconnect(struct store *s)
{
    /* Prepared statements live and die with their connection. */
    s->n_prepared = 0;
    if (s->conn != NULL) {
        PQfinish(s->conn);
        s->conn = NULL;
    }
}

bool store_connected(struct store *s)
{
    return s->conn != NULL && PQstatus(s->conn) == CONNECTION_OK;
}

const char *store_error(const struct store *s)
{
    return s->error;
}

/*
 * The slot of sql among the statements prepared on this connection, preparing it first when
 * needed; -1 when the table is full (the caller then runs it unprepared), or when preparing failed,
 * with *failed set to the failed result (its error is the statement's).
 */
static int prepared_slot(struct store *s, const char *sql, int n, PGresult **failed)
{
    for (int i = 0; i < s->n_prepared; i++) {
        if (s->prepared[i] == sql) {
            return i;
        }
    }
    if (s->n_prepared >= STORE_PREPARED_MAX) {
        return -1;
    }
    /* Statements are known by their text's address, which only a literal keeps for good. */
    sqlguard_check(sql);
    int slot = s->n_prepared;
    char name[16];
    snprintf(name, sizeof name, "l%d", slot);
    PGresult *r = PQprepare(s->conn, name, sql, n, NULL);
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
        /* Without a result (no memory, no connection) the caller runs the statement unprepared,
         * which fails the same way or succeeds. */
        *failed = r;
        return -1;
    }
    PQclear(r);
    s->prepared[slot] = sql;
    s->n_prepared++;
    return slot;
}

/*
 * Runs one parameterised statement. All parameters are text except those whose length in lens is
 * non-negative, which are binary. Returns the result when its status is the expected one, else
 * NULL with the error set (and the connection dropped when it broke, so the caller reconnects).
 */
static PGresult *run(struct store *s, const char *sql, int n, const char *const *values,
                     const int *lens, ExecStatusType want)
{
    if (s->conn == NULL) {
        set_error(s, "not connected to the database");
        return NULL;
    }
    sqlguard_check(sql);
    int formats[32] = {0};
    int lengths[32] = {0};
    if (n > 32) {
        set_error(s, "too many parameters");
        return NULL;
    }
    for (int i = 0; i < n && lens != NULL; i++) {
        if (lens[i] >= 0) {
            formats[i] = 1;
            lengths[i] = lens[i];
        }
    }
    PGresult *r = NULL;
    int slot = prepared_slot(s, sql, n, &r);
    if (slot >= 0) {
        char name[16];
        snprintf(name, sizeof name, "l%d", slot);
        r = PQexecPrepared(s->conn, name, n, values, lengths, formats, 0);
    } else if (r == NULL) {
        r = PQexecParams(s->conn, sql, n, NULL, values, lengths, formats, 0);
    }
    if (r != NULL && PQresultStatus(r) == want) {
        return r;
    }
    if (r != NULL) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        set_error(s, "database: %s%s%s%s", PQresultErrorMessage(r), state ? " (SQLSTATE " : "",
                  state ? state : "", state ? ")" : "");
        PQclear(r);
    } else {
        set_error(s, "database: %s", PQerrorMessage(s->conn));
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        store_disconnect(s);
    }
    return NULL;
}

static int run_command(struct store *s, const char *sql, int n, const char *const *values)
{
    PGresult *r = run(s, sql, n, values, NULL, PGRES_COMMAND_OK);
    if (r == NULL) {
        return -1;
    }
    PQclear(r);
    return 0;
}

static void fmt_ll(char *buf, long long v)
{
    snprintf(buf, NUMBUF, "%lld", v);
}

static long long get_ll(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col)) {
        return 0;
    }
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* What the intake functions say of a complaint they took in: four columns from column c on
 * (complaint_id, resent, agency_id, within), in that order in all of them. */
static struct store_complaint_taken taken_at(const PGresult *r, int row, int c)
{
    return (struct store_complaint_taken){
        .complaint_id = get_ll(r, row, c),
        .resent = PQgetvalue(r, row, c + 1)[0] == 't',
        .agency_id = (int)get_ll(r, row, c + 2),
        .within_budget = PQgetvalue(r, row, c + 3)[0] == 't',
    };
}

static char *get_str(const PGresult *r, int row, int col)
{
    return strdup(PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

/* An array of one element per result row (NULL for none); on running out of memory the result is
 * cleared, the error set, and *failed raised, so that callers stay short. */
static void *row_array(struct store *s, PGresult *r, size_t size, bool *failed)
{
    int rows = PQntuples(r);
    if (rows == 0 || *failed) {
        return NULL;
    }
    void *a = calloc((size_t)rows, size);
    if (a == NULL) {
        set_error(s, "out of memory");
        *failed = true;
    }
    return a;
}

/* ---- schema ---- */

int store_schema_version(struct store *s, int *version)
{
    PGresult *r =
        run(s, "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    bool have = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    *version = 0;
    if (!have) {
        return 0;
    }
    r = run(s, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL, NULL,
            PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *version = (int)get_ll(r, 0, 0);
    PQclear(r);
    return 0;
}

/* Runs one file of sql/ in the current transaction: 0, or -1 with the error set. */
static int apply_sql_file(struct store *s, const struct migration *m)
{
    /* A file is a script of many statements: the simple query protocol runs it whole, and no
     * parameter of ours is part of it. */
    sqlguard_check(m->sql);
    PGresult *r = PQexec(s->conn, m->sql);
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
        set_error(s, "migration %s failed: %s", m->name,
                  r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
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
        char vbuf[NUMBUF];
        fmt_ll(vbuf, m->version);
        const char *params[] = {vbuf, m->name};
        if (apply_sql_file(s, m) != 0 ||
            run_command(s, "INSERT INTO schema_version (version, name) VALUES ($1::int, $2)", 2,
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

/* ---- transactions ---- */

int store_begin(struct store *s)
{
    return run_command(s, "BEGIN", 0, NULL);
}

int store_commit(struct store *s)
{
    return run_command(s, "COMMIT", 0, NULL);
}

void store_rollback(struct store *s)
{
    if (s->conn != NULL) {
        PGresult *r = PQexec(s->conn, "ROLLBACK");
        PQclear(r);
        if (PQstatus(s->conn) != CONNECTION_OK) {
            store_disconnect(s);
        }
    }
}

/* ---- arrays: many rows as one parameter per column, in PostgreSQL's text form ---- */

/*
 * A PostgreSQL array literal ("{1,2,NULL,"a \"b\""}") built as a parameter value: many rows go in
 * one statement as arrays, which the statement unnests. Values are quoted and escaped, so they are
 * data whatever they contain; the SQL text stays a literal.
 */
struct arr {
    char *buf;
    size_t len, cap;
    bool failed;
};

static void arr_put(struct arr *a, const char *v, size_t n)
{
    if (a->failed) {
        return;
    }
    if (a->len + n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        while (cap < a->len + n + 2) {
            cap *= 2;
        }
        char *b = realloc(a->buf, cap);
        if (b == NULL) {
            a->failed = true;
            return;
        }
        a->buf = b;
        a->cap = cap;
    }
    memcpy(a->buf + a->len, v, n);
    a->len += n;
    a->buf[a->len] = '\0';
}

static void arr_sep(struct arr *a)
{
    arr_put(a, a->len == 0 ? "{" : ",", 1);
}

static void arr_ll(struct arr *a, long long v)
{
    char b[NUMBUF];
    fmt_ll(b, v);
    arr_sep(a);
    arr_put(a, b, strlen(b));
}

/* NULL for v NULL. */
static void arr_str(struct arr *a, const char *v)
{
    arr_sep(a);
    if (v == NULL) {
        arr_put(a, "NULL", 4);
        return;
    }
    arr_put(a, "\"", 1);
    for (const char *c = v; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\') {
            arr_put(a, "\\", 1);
        }
        arr_put(a, c, 1);
    }
    arr_put(a, "\"", 1);
}

/* A number that may be absent (then NULL in the array). */
static void arr_ll_if(struct arr *a, bool present, long long v)
{
    if (present) {
        arr_ll(a, v);
    } else {
        arr_str(a, NULL);
    }
}

/* Bytes as lowercase hex, quoted: "" for none. */
static void arr_hex(struct arr *a, const unsigned char *v, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    arr_sep(a);
    arr_put(a, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char pair[2] = {digits[v[i] >> 4], digits[v[i] & 15]};
        arr_put(a, pair, 2);
    }
    arr_put(a, "\"", 1);
}

/* The literal, "{}" for no element; NULL when memory ran out. */
static const char *arr_done(struct arr *a)
{
    if (a->len == 0) {
        arr_put(a, "{", 1);
    }
    arr_put(a, "}", 1);
    return a->failed ? NULL : a->buf;
}

/* Finishes n arrays into params[0..n-1]: 0, or -1 with the error set when memory ran out. */
static int arr_done_all(struct store *s, struct arr *a, int n, const char **params)
{
    for (int i = 0; i < n; i++) {
        params[i] = arr_done(&a[i]);
        if (params[i] == NULL) {
            set_error(s, "out of memory");
            return -1;
        }
    }
    return 0;
}

static void arr_free(struct arr *a)
{
    free(a->buf);
    *a = (struct arr){0};
}

/* ---- intake ---- */

/* intake_batch() (sql/repeatable/60_intake_batch.sql): the six settings, then one array per
 * column of the parts, then one per column of the complaints. */
static const char intake_batch_sql[] =
    "SELECT ord, outcome, msg_id, msg_text, msg_complete, complaint_id, resent, agency_id, within"
    " FROM intake_batch($1, $2, $3::int, $4::int, $5::int, $6::int, $7::text[], $8::text[],"
    " $9::text[], $10::double precision[], $11::text[], $12::smallint[], $13::text[],"
    " $14::text[], $15::text[], $16::text[], $17::int[], $18::int[], $19::int[], $20::text[],"
    " $21::boolean[], $22::text[], $23::boolean[], $24::bigint[], $25::text[], $26::text[],"
    " $27::boolean[], $28::boolean[], $29::text[], $30::boolean[], $31::int[])";
#define BATCH_SETTINGS 6
#define BATCH_PART_COLUMNS 17
#define BATCH_COMPLAINT_COLUMNS 8
#define BATCH_PARAMS (BATCH_SETTINGS + BATCH_PART_COLUMNS + BATCH_COMPLAINT_COLUMNS)

/* The columns of part in, appended to a[0..BATCH_PART_COLUMNS-1]. */
static void part_columns(struct arr *a, const struct store_part_in *in)
{
    const struct store_part_complaint *c = in->complaint;
    bool multipart = in->concat_total > 0;
    arr_str(&a[0], in->sender);
    arr_str(&a[1], in->sender_raw);
    arr_str(&a[2], in->smsc);
    arr_ll_if(&a[3], in->smsc_time > 0, in->smsc_time);
    arr_str(&a[4], in->coding);
    arr_ll_if(&a[5], in->msg_class >= 0, in->msg_class);
    arr_str(&a[6], in->kind);
    arr_hex(&a[7], in->udh, in->udh != NULL ? in->udh_len : 0);
    arr_hex(&a[8], in->raw, in->raw != NULL ? in->raw_len : 0);
    arr_str(&a[9], in->text);
    arr_ll_if(&a[10], multipart, in->concat_ref);
    arr_ll_if(&a[11], multipart, in->concat_total);
    arr_ll_if(&a[12], multipart, in->concat_seq);
    arr_str(&a[13], c != NULL ? c->body : NULL);
    arr_str(&a[14], c != NULL && c->confidential ? "t" : "f");
    arr_str(&a[15], c != NULL && c->keyword != NULL ? c->keyword : "");
    arr_str(&a[16], c != NULL && c->replyable ? "t" : "f");
}

/* The columns of complaint c taken as how says, appended to a[0..BATCH_COMPLAINT_COLUMNS-1]. */
static void complaint_columns(struct arr *a, const struct store_complaint_new *c,
                              const struct store_complaint_take *how)
{
    arr_ll(&a[0], c->msg_id);
    arr_str(&a[1], c->sender);
    arr_str(&a[2], c->text);
    arr_str(&a[3], c->incomplete ? "t" : "f");
    arr_str(&a[4], c->confidential ? "t" : "f");
    arr_str(&a[5], c->keyword != NULL ? c->keyword : "");
    arr_str(&a[6], how->replyable ? "t" : "f");
    arr_ll(&a[7], how->pending);
}

/* The settings of a batch, the same for all of it: the daemon's, taken from its first part and
 * from its first complaint (one a part carries, or one given). */
static void batch_settings(const struct store_intake_batch *b, char nums[4][NUMBUF],
                           const char *values[BATCH_SETTINGS])
{
    const struct store_part_complaint *pc = NULL;
    for (size_t i = 0; i < b->n_parts && pc == NULL; i++) {
        pc = b->parts[i].complaint;
    }
    values[0] = b->n_parts > 0 ? b->parts[0].instance : "";
    values[1] = pc != NULL ? pc->actor : b->n_complaints > 0 ? b->complaints[0].actor : "";
    fmt_ll(nums[0], b->n_parts > 0 ? b->parts[0].join_window_s : 0);
    if (pc != NULL) {
        fmt_ll(nums[1], pc->resend_window_s);
        fmt_ll(nums[2], pc->budget);
        fmt_ll(nums[3], pc->budget_window_s);
    } else {
        const struct store_complaint_take *how = b->n_complaints > 0 ? &b->how[0] : NULL;
        fmt_ll(nums[1], how ? how->resend_window_s : 0);
        fmt_ll(nums[2], how ? how->budget : 0);
        fmt_ll(nums[3], how ? how->budget_window_s : 0);
    }
    for (int i = 0; i < 4; i++) {
        values[2 + i] = nums[i];
    }
}

/* What intake_batch() said of part row: row of r into *out; r stays the caller's. */
static int part_result(struct store *s, const PGresult *r, int row, struct store_part_out *out)
{
    const char *outcome = PQgetvalue(r, row, 1);
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
        set_error(s, "intake_batch gave an unknown outcome '%s'", outcome);
        return -1;
    }
    out->outcome = outcomes[found].value;
    out->msg_id = get_ll(r, row, 2);
    out->text = PQgetisnull(r, row, 3) ? NULL : get_str(r, row, 3);
    out->complete = PQgetvalue(r, row, 4)[0] == 't';
    out->taken = !PQgetisnull(r, row, 5);
    if (out->taken) {
        out->complaint = taken_at(r, row, 5);
    }
    return 0;
}

/* The rows of intake_batch(), one per part and then one per complaint, into b's outs. */
static int batch_result(struct store *s, const PGresult *r, const struct store_intake_batch *b)
{
    size_t want = b->n_parts + b->n_complaints;
    if (PQntuples(r) != (int)want) {
        set_error(s, "intake_batch gave %d rows for %zu", PQntuples(r), want);
        return -1;
    }
    for (int row = 0; row < PQntuples(r); row++) {
        if (get_ll(r, row, 0) != row + 1) {
            set_error(s, "intake_batch answered out of order");
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

int store_intake(struct store *s, const struct store_intake_batch *b)
{
    for (size_t i = 0; i < b->n_parts; i++) {
        b->part_out[i] = (struct store_part_out){0};
    }
    struct arr a[BATCH_PART_COLUMNS + BATCH_COMPLAINT_COLUMNS] = {{0}};
    for (size_t i = 0; i < b->n_parts; i++) {
        part_columns(a, &b->parts[i]);
    }
    for (size_t i = 0; i < b->n_complaints; i++) {
        b->taken[i] = (struct store_complaint_taken){0};
        complaint_columns(a + BATCH_PART_COLUMNS, &b->complaints[i], &b->how[i]);
    }
    char nums[4][NUMBUF];
    const char *values[BATCH_PARAMS];
    batch_settings(b, nums, values);
    int rc =
        arr_done_all(s, a, BATCH_PART_COLUMNS + BATCH_COMPLAINT_COLUMNS, values + BATCH_SETTINGS);
    PGresult *r =
        rc == 0 ? run(s, intake_batch_sql, BATCH_PARAMS, values, NULL, PGRES_TUPLES_OK) : NULL;
    rc = r != NULL ? batch_result(s, r, b) : -1;
    PQclear(r);
    for (size_t i = 0; i < BATCH_PART_COLUMNS + BATCH_COMPLAINT_COLUMNS; i++) {
        arr_free(&a[i]);
    }
    if (rc != 0) {
        for (size_t i = 0; i < b->n_parts; i++) {
            free(b->part_out[i].text);
            b->part_out[i].text = NULL;
        }
    }
    return rc;
}

int store_expire_open(struct store *s, int timeout_s, int limit, struct store_msg **out, size_t *n)
{
    char tbuf[NUMBUF], lbuf[NUMBUF];
    fmt_ll(tbuf, timeout_s);
    fmt_ll(lbuf, limit);
    const char *params[] = {tbuf, lbuf};
    *out = NULL;
    *n = 0;
    PGresult *r = run(s,
                      "SELECT msg_id, msg_sender, msg_kind, msg_text FROM "
                      "intake_expire(make_interval(secs => $1::int), $2::int)",
                      2, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    int rows = PQntuples(r);
    bool failed = false;
    *out = row_array(s, r, sizeof **out, &failed);
    if (failed) {
        PQclear(r);
        return -1;
    }
    if (rows > 0) {
        for (int i = 0; i < rows; i++) {
            (*out)[i].id = get_ll(r, i, 0);
            (*out)[i].sender = get_str(r, i, 1);
            (*out)[i].kind = get_str(r, i, 2);
            (*out)[i].text = get_str(r, i, 3);
        }
    }
    *n = (size_t)rows;
    PQclear(r);
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
    PGresult *r = run(s, "SELECT pg_advisory_xact_lock(hashtext($1 || $2))", 2, params, NULL,
                      PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    PQclear(r);
    return 0;
}

int store_complaint_lookup(struct store *s, long long seq, const char *sender, bool *found,
                           char *status, size_t cap)
{
    char sbuf[NUMBUF];
    fmt_ll(sbuf, seq);
    const char *params[] = {sbuf, sender};
    *found = false;
    PGresult *r = run(s,
                      "SELECT status FROM complaint WHERE id = $1::bigint AND sender = $2"
                      " FOR UPDATE",
                      2, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    if (PQntuples(r) > 0) {
        *found = true;
        snprintf(status, cap, "%s", PQgetvalue(r, 0, 0));
    }
    PQclear(r);
    return 0;
}

int store_complaint_event(struct store *s, long long seq, const char *status, const char *actor,
                          const char *kind, const char *detail)
{
    char sbuf[NUMBUF];
    fmt_ll(sbuf, seq);
    const char *params[] = {sbuf, status, actor, kind, detail};
    return run_command(s,
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
    char mbuf[NUMBUF], cbuf[NUMBUF];
    fmt_ll(mbuf, msg_id);
    fmt_ll(cbuf, complaint_id);
    const char *params[] = {mbuf, command, complaint_id > 0 ? cbuf : NULL};
    return run_command(s,
                       "UPDATE sms_in SET command = $2, complaint_id = $3::bigint"
                       " WHERE id = $1::bigint",
                       3, params);
}

int store_reply_budget(struct store *s, const char *destination, int budget, int window_s,
                       bool *within)
{
    char bbuf[NUMBUF], wbuf[NUMBUF];
    fmt_ll(bbuf, budget);
    fmt_ll(wbuf, window_s);
    const char *params[] = {destination, bbuf, wbuf};
    *within = false;
    if (lock_for_transaction(s, "budget:", destination) != 0) {
        return -1;
    }
    PGresult *r = run(s,
                      "SELECT count(*) < $2::int FROM outbox WHERE destination = $1"
                      " AND created_at > now() - make_interval(secs => $3::int)",
                      3, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *within = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return 0;
}

int store_complaint_retext(struct store *s, long long msg_id, const char *text, bool incomplete,
                           const char *actor, long long *complaint_id)
{
    char mbuf[NUMBUF];
    fmt_ll(mbuf, msg_id);
    const char *params[] = {mbuf, text, incomplete ? "t" : "f", actor};
    PGresult *r = run(s,
                      "WITH c AS (UPDATE complaint SET text = $2, incomplete = $3::boolean,"
                      " updated_at = now() WHERE sms_in_id = $1::bigint RETURNING id),"
                      " e AS (INSERT INTO complaint_event (complaint_id, actor, kind, detail)"
                      " SELECT id, $4, 'part_added', CASE WHEN $3::boolean THEN 'still incomplete'"
                      " ELSE 'now complete' END FROM c)"
                      " SELECT id FROM c",
                      4, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *complaint_id = PQntuples(r) > 0 ? get_ll(r, 0, 0) : 0;
    PQclear(r);
    return 0;
}

int store_outbox_add_many(struct store *s, const struct store_outbox_row *rows, size_t n,
                          const char *via_instance)
{
    struct arr a[5] = {{0}};
    for (size_t i = 0; i < n; i++) {
        arr_ll_if(&a[0], rows[i].complaint_id > 0, rows[i].complaint_id);
        arr_ll_if(&a[1], rows[i].msg_id > 0, rows[i].msg_id);
        arr_str(&a[2], rows[i].kind);
        arr_str(&a[3], rows[i].destination);
        arr_str(&a[4], rows[i].text);
    }
    const char *params[6];
    int rc = -1;
    if (arr_done_all(s, a, 5, params) != 0) {
        goto out;
    }
    params[5] = via_instance;
    /* unnest keeps the rows' order, so the outbox ids follow the order they were queued in. */
    rc = run_command(s,
                     "INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text,"
                     " via_instance)"
                     " SELECT u.complaint_id, u.sms_in_id, u.kind, u.destination, u.text, $6"
                     " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])"
                     "   AS u(complaint_id, sms_in_id, kind, destination, text)"
                     " ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING",
                     6, params);
out:
    for (int i = 0; i < 5; i++) {
        arr_free(&a[i]);
    }
    return rc;
}

int store_outbox_add(struct store *s, long long complaint_id, long long msg_id, const char *kind,
                     const char *destination, const char *text, const char *via_instance)
{
    char cbuf[NUMBUF], mbuf[NUMBUF];
    fmt_ll(cbuf, complaint_id);
    fmt_ll(mbuf, msg_id);
    const char *params[] = {complaint_id > 0 ? cbuf : NULL,
                            msg_id > 0 ? mbuf : NULL,
                            kind,
                            destination,
                            text,
                            via_instance};
    return run_command(s,
                       "INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text,"
                       " via_instance) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6)"
                       " ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING",
                       6, params);
}

int store_delivery_report(struct store *s, const char *destination, int msg_ref, const char *status,
                          int code, long long at, long long *outbox_id)
{
    char rbuf[NUMBUF], cbuf[NUMBUF], abuf[NUMBUF];
    fmt_ll(rbuf, msg_ref);
    fmt_ll(cbuf, code);
    fmt_ll(abuf, at);
    const char *params[] = {destination, rbuf, status, cbuf, at > 0 ? abuf : NULL};
    *outbox_id = 0;
    PGresult *r = run(s,
                      "UPDATE outbox_part p SET delivery = $3, delivery_code = $4::int,"
                      " delivery_at = coalesce(to_timestamp($5::double precision), now())"
                      " WHERE (p.outbox_id, p.seq) = (SELECT q.outbox_id, q.seq FROM outbox_part q"
                      "   JOIN outbox o ON o.id = q.outbox_id WHERE q.msg_ref = $2::int"
                      "   AND q.status = 'sent' AND o.destination = $1"
                      "   ORDER BY q.updated_at DESC LIMIT 1)"
                      " RETURNING p.outbox_id",
                      5, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    if (PQntuples(r) > 0) {
        *outbox_id = get_ll(r, 0, 0);
    }
    PQclear(r);
    return 0;
}

/* ---- outbox ---- */

int store_outbox_claim(struct store *s, const char *owner, const char *instance, int lease_s,
                       int grace_s, int limit, struct store_reply **out, size_t *n)
{
    char lbuf[NUMBUF], gbuf[NUMBUF], nbuf[NUMBUF];
    fmt_ll(lbuf, lease_s);
    fmt_ll(gbuf, grace_s);
    fmt_ll(nbuf, limit);
    const char *params[] = {owner, instance, lbuf, gbuf, nbuf};
    *out = NULL;
    *n = 0;
    /* The reference is chosen once per reply, so that parts resent later still join the parts
     * that went before them. */
    PGresult *r =
        run(s,
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
            5, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    int rows = PQntuples(r);
    bool failed = false;
    *out = row_array(s, r, sizeof **out, &failed);
    if (failed) {
        PQclear(r);
        return -1;
    }
    if (rows > 0) {
        for (int i = 0; i < rows; i++) {
            (*out)[i].id = get_ll(r, i, 0);
            (*out)[i].destination = get_str(r, i, 1);
            (*out)[i].text = get_str(r, i, 2);
            (*out)[i].concat_ref = (int)get_ll(r, i, 3);
            (*out)[i].attempts = (int)get_ll(r, i, 4);
            /* The parts an earlier attempt sent, as "1,3": never sent again. */
            unsigned long long sent = 0;
            for (const char *q = PQgetvalue(r, i, 5); *q != '\0';) {
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
            (*out)[i].sent = sent;
        }
    }
    *n = (size_t)rows;
    PQclear(r);
    return 0;
}

void store_replies_free(struct store_reply *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].destination);
        free(r[i].text);
    }
    free(r);
}

int store_outbox_parts_begin(struct store *s, const char *owner, const char *instance,
                             const long long *ids, const int *seqs, size_t n, bool *begun)
{
    struct arr ai = {0}, as = {0};
    for (size_t i = 0; i < n; i++) {
        arr_ll(&ai, ids[i]);
        arr_ll(&as, seqs[i]);
        begun[i] = false;
    }
    const char *params[] = {arr_done(&ai), arr_done(&as), owner, instance};
    int rc = -1;
    if (params[0] == NULL || params[1] == NULL) {
        set_error(s, "out of memory");
        goto out;
    }
    /* Only while the lease is ours: a daemon that lost its claim must not send. A part already
     * under way, sent or unknown is not begun again; one that failed may be. */
    PGresult *r = run(s,
                      "INSERT INTO outbox_part (outbox_id, seq, status, instance)"
                      " SELECT o.id, u.seq, 'sending', $4"
                      " FROM unnest($1::bigint[], $2::int[]) AS u(id, seq)"
                      " JOIN outbox o ON o.id = u.id"
                      " WHERE o.status = 'sending' AND o.lease_owner = $3"
                      " ON CONFLICT (outbox_id, seq) DO UPDATE SET status = 'sending',"
                      " instance = EXCLUDED.instance, error = NULL, updated_at = now()"
                      " WHERE outbox_part.status = 'failed'"
                      " RETURNING outbox_id, seq",
                      4, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        goto out;
    }
    for (int row = 0; row < PQntuples(r); row++) {
        long long id = get_ll(r, row, 0);
        int seq = (int)get_ll(r, row, 1);
        for (size_t i = 0; i < n; i++) {
            if (ids[i] == id && seqs[i] == seq) {
                begun[i] = true;
                break;
            }
        }
    }
    PQclear(r);
    rc = 0;
out:
    arr_free(&ai);
    arr_free(&as);
    return rc;
}

int store_outbox_conclude(struct store *s, const char *owner, const struct store_part_result *p,
                          size_t np, const struct store_reply_result *rr, size_t nr)
{
    static const char *const end_names[] = {
        [STORE_REPLY_SENT] = "sent",
        [STORE_REPLY_RETRY] = "retry",
        [STORE_REPLY_UNKNOWN] = "unknown",
        [STORE_REPLY_RELEASE] = "release",
    };
    struct arr a[11] = {{0}};
    for (size_t i = 0; i < np; i++) {
        arr_ll(&a[0], p[i].id);
        arr_ll(&a[1], p[i].seq);
        arr_str(&a[2], p[i].status);
        arr_ll_if(&a[3], p[i].msg_ref >= 0, p[i].msg_ref);
        arr_str(&a[4], p[i].error);
    }
    for (size_t i = 0; i < nr; i++) {
        arr_ll(&a[5], rr[i].id);
        arr_str(&a[6], end_names[rr[i].end]);
        arr_ll(&a[7], rr[i].parts);
        arr_ll(&a[8], rr[i].retry_delay_s);
        arr_ll(&a[9], rr[i].max_attempts);
        arr_str(&a[10], rr[i].error);
    }
    const char *params[12];
    int rc = -1;
    if (arr_done_all(s, a, 11, params) != 0) {
        goto out;
    }
    params[11] = owner;
    /*
     * One statement, so one commit, for the whole batch: the parts' outcomes, and each reply's
     * end. SENT; RETRY (queued again after its delay, or 'failed' once attempts reached the
     * maximum); UNKNOWN (never sent again by itself); RELEASE (not started: queued again, the
     * attempt not counted).
     */
    rc = run_command(
        s,
        "WITH p AS (UPDATE outbox_part t SET status = u.status, msg_ref = u.msg_ref,"
        "   error = u.error, updated_at = now()"
        "   FROM unnest($1::bigint[], $2::int[], $3::text[], $4::int[], $5::text[])"
        "     AS u(outbox_id, seq, status, msg_ref, error)"
        "   WHERE t.outbox_id = u.outbox_id AND t.seq = u.seq)"
        " UPDATE outbox o SET parts = CASE f.end_name WHEN 'release' THEN o.parts ELSE f.parts END,"
        " last_error = CASE f.end_name WHEN 'release' THEN o.last_error ELSE f.error END,"
        " lease_owner = NULL, lease_until = NULL,"
        " status = CASE f.end_name WHEN 'sent' THEN 'sent' WHEN 'unknown' THEN 'unknown'"
        "   WHEN 'release' THEN 'queued'"
        "   ELSE CASE WHEN o.attempts >= f.max_attempts THEN 'failed' ELSE 'queued' END END,"
        " attempts = CASE f.end_name WHEN 'release' THEN o.attempts - 1 ELSE o.attempts END,"
        " sent_at = CASE f.end_name WHEN 'sent' THEN now() END,"
        " next_attempt_at = CASE f.end_name WHEN 'retry'"
        "   THEN now() + make_interval(secs => f.delay) ELSE o.next_attempt_at END"
        " FROM unnest($6::bigint[], $7::text[], $8::int[], $9::int[], $10::int[], $11::text[])"
        "   AS f(id, end_name, parts, delay, max_attempts, error)"
        " WHERE o.id = f.id AND o.status = 'sending' AND o.lease_owner = $12",
        12, params);
out:
    for (int i = 0; i < 11; i++) {
        arr_free(&a[i]);
    }
    return rc;
}

/* Records a part's outcome ("sent", "failed" or "unknown"), clearing any earlier error. */
static int outbox_part_end(struct store *s, long long id, int seq, const char *status, int msg_ref)
{
    char ibuf[NUMBUF], sbuf[NUMBUF], rbuf[NUMBUF];
    fmt_ll(ibuf, id);
    fmt_ll(sbuf, seq);
    fmt_ll(rbuf, msg_ref);
    const char *params[] = {ibuf, sbuf, status, msg_ref >= 0 ? rbuf : NULL};
    return run_command(s,
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
    char ibuf[NUMBUF], pbuf[NUMBUF];
    fmt_ll(ibuf, id);
    fmt_ll(pbuf, parts);
    const char *params[] = {ibuf, owner, pbuf};
    return run_command(
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
    PGresult *r =
        run(s,
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
            2, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        if (strcmp(PQgetvalue(r, i, 0), "unknown") == 0) {
            (*unknown)++;
        } else {
            (*requeued)++;
        }
    }
    PQclear(r);
    return 0;
}

/* ---- heartbeat and status ---- */

static const char *epoch_param(long long t, char *buf)
{
    if (t <= 0) {
        return NULL;
    }
    fmt_ll(buf, t);
    return buf;
}

static const char *empty_to_null(const char *v)
{
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static const char *int_param(int v, char *buf)
{
    if (v < 0) {
        return NULL;
    }
    fmt_ll(buf, v);
    return buf;
}

int store_heartbeat(struct store *s, const struct store_heartbeat *hb)
{
    char pid[NUMBUF], started[NUMBUF], wpid[NUMBUF], starts[NUMBUF], deaths[NUMBUF], taken[NUMBUF],
        errat[NUMBUF], recv[NUMBUF], sent[NUMBUF], sig[NUMBUF], bat[NUMBUF], used[NUMBUF],
        total[NUMBUF], pused[NUMBUF], ptotal[NUMBUF];
    char calls[NUMBUF], rfail[NUMBUF], recs[NUMBUF], recat[NUMBUF];
    fmt_ll(calls, hb->calls_rejected);
    fmt_ll(rfail, hb->recovery_failures);
    fmt_ll(recs, hb->recoveries);
    fmt_ll(pid, hb->pid);
    fmt_ll(started, hb->started_at);
    fmt_ll(starts, hb->worker_starts);
    fmt_ll(deaths, hb->worker_deaths);
    fmt_ll(taken, hb->undecodable_taken);
    const struct modem_status_view *m = hb->modem;
    const char *params[] = {
        hb->instance,
        hb->host,
        pid,
        started,
        hb->modem_state,
        hb->modem_connected ? "t" : "f",
        hb->worker_pid > 0 ? (fmt_ll(wpid, hb->worker_pid), wpid) : NULL,
        starts,
        deaths,
        empty_to_null(hb->last_worker_death),
        taken,
        empty_to_null(hb->last_error),
        epoch_param(hb->last_error_at, errat),
        epoch_param(hb->last_receive_at, recv),
        epoch_param(hb->last_send_at, sent),
        m ? empty_to_null(m->imei) : NULL,
        m ? empty_to_null(m->imsi) : NULL,
        m ? empty_to_null(m->network) : NULL,
        m ? int_param(m->signal_percent, sig) : NULL,
        m ? int_param(m->battery_percent, bat) : NULL,
        m ? int_param(m->sim_used, used) : NULL,
        m ? int_param(m->sim_total, total) : NULL,
        m ? int_param(m->phone_used, pused) : NULL,
        m ? int_param(m->phone_total, ptotal) : NULL,
        calls,
        empty_to_null(hb->recovery_step),
        rfail,
        recs,
        empty_to_null(hb->last_recovery),
        epoch_param(hb->last_recovery_at, recat),
    };
    return run_command(
        s,
        "INSERT INTO heartbeat (instance, host, pid, started_at, beat_at, modem_state,"
        " modem_connected, worker_pid, worker_starts, worker_deaths, last_worker_death,"
        " undecodable_taken, last_error, last_error_at, last_receive_at, last_send_at, imei, imsi,"
        " network, signal_percent, battery_percent, sim_used, sim_total, phone_used, phone_total,"
        " calls_rejected, recovery_step, recovery_failures, recoveries, last_recovery,"
        " last_recovery_at)"
        " VALUES ($1, $2, $3::int, to_timestamp($4::double precision), now(), $5, $6::boolean,"
        " $7::int, $8::int, $9::int, $10, $11::int, $12, to_timestamp($13::double precision),"
        " to_timestamp($14::double precision), to_timestamp($15::double precision), $16, $17, $18,"
        " $19::int, $20::int, $21::int, $22::int, $23::int, $24::int, $25::int, $26, $27::int,"
        " $28::int, $29, to_timestamp($30::double precision))"
        " ON CONFLICT (instance) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid,"
        " started_at = EXCLUDED.started_at, beat_at = now(), modem_state = EXCLUDED.modem_state,"
        " modem_connected = EXCLUDED.modem_connected, worker_pid = EXCLUDED.worker_pid,"
        " worker_starts = EXCLUDED.worker_starts, worker_deaths = EXCLUDED.worker_deaths,"
        " last_worker_death = coalesce(EXCLUDED.last_worker_death, heartbeat.last_worker_death),"
        " undecodable_taken = EXCLUDED.undecodable_taken,"
        " last_error = coalesce(EXCLUDED.last_error, heartbeat.last_error),"
        " last_error_at = coalesce(EXCLUDED.last_error_at, heartbeat.last_error_at),"
        " last_receive_at = coalesce(EXCLUDED.last_receive_at, heartbeat.last_receive_at),"
        " last_send_at = coalesce(EXCLUDED.last_send_at, heartbeat.last_send_at),"
        " imei = coalesce(EXCLUDED.imei, heartbeat.imei),"
        " imsi = coalesce(EXCLUDED.imsi, heartbeat.imsi),"
        " network = coalesce(EXCLUDED.network, heartbeat.network),"
        " signal_percent = coalesce(EXCLUDED.signal_percent, heartbeat.signal_percent),"
        " battery_percent = coalesce(EXCLUDED.battery_percent, heartbeat.battery_percent),"
        " sim_used = coalesce(EXCLUDED.sim_used, heartbeat.sim_used),"
        " sim_total = coalesce(EXCLUDED.sim_total, heartbeat.sim_total),"
        " phone_used = coalesce(EXCLUDED.phone_used, heartbeat.phone_used),"
        " phone_total = coalesce(EXCLUDED.phone_total, heartbeat.phone_total),"
        " calls_rejected = EXCLUDED.calls_rejected, recovery_step = EXCLUDED.recovery_step,"
        " recovery_failures = EXCLUDED.recovery_failures, recoveries = EXCLUDED.recoveries,"
        " last_recovery = EXCLUDED.last_recovery, last_recovery_at = EXCLUDED.last_recovery_at",
        30, params);
}

int store_status_json(struct store *s, int stale_after_s, char **json)
{
    char sbuf[NUMBUF];
    fmt_ll(sbuf, stale_after_s);
    const char *params[] = {sbuf};
    *json = NULL;
    PGresult *r = run(
        s,
        "WITH hb AS (SELECT h.*, beat_at > now() - make_interval(secs => $1::int) AS alive,"
        "   round(extract(epoch FROM now() - beat_at)::numeric, 1) AS age FROM heartbeat h)"
        " SELECT json_build_object("
        " 'modems', coalesce((SELECT json_agg(json_build_object("
        "   'instance', instance, 'host', host, 'pid', pid,"
        "   'up', alive AND modem_connected, 'daemon_alive', alive, 'heartbeat_age_s', age,"
        "   'modem_state', CASE WHEN alive THEN modem_state ELSE 'down' END,"
        "   'modem_connected', modem_connected, 'worker_pid', worker_pid,"
        "   'worker_starts', worker_starts, 'worker_deaths', worker_deaths,"
        "   'last_worker_death', last_worker_death, 'undecodable_taken', undecodable_taken,"
        "   'last_error', last_error, 'last_error_at', last_error_at,"
        "   'last_receive_at', last_receive_at, 'last_send_at', last_send_at,"
        "   'imei', imei, 'imsi', imsi, 'network', network, 'signal_percent', signal_percent,"
        "   'battery_percent', battery_percent, 'sim_used', sim_used, 'sim_total', sim_total,"
        "   'phone_used', phone_used, 'phone_total', phone_total, 'calls_rejected', calls_rejected,"
        "   'recovery_step', CASE WHEN alive THEN recovery_step END,"
        "   'recovery_failures', recovery_failures, 'recoveries', recoveries,"
        "   'last_recovery', last_recovery, 'last_recovery_at', last_recovery_at,"
        "   'storage_alarm', coalesce(sim_total > 0 AND sim_used * 100 >= 80 * sim_total, false)"
        "     OR coalesce(phone_total > 0 AND phone_used * 100 >= 80 * phone_total, false))"
        "   ORDER BY instance) FROM hb), '[]'::json),"
        " 'queues', json_build_object("
        "   'parts_waiting', (SELECT count(*) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id"
        "     WHERE m.state = 'open'),"
        "   'messages_open', (SELECT count(*) FROM sms_in WHERE state = 'open'),"
        "   'oldest_open_age_s', (SELECT round(extract(epoch FROM now() - min(first_received_at))"
        "     ::numeric, 1) FROM sms_in WHERE state = 'open'),"
        "   'replies', (SELECT json_build_object("
        "     'queued', count(*) FILTER (WHERE status = 'queued'),"
        "     'sending', count(*) FILTER (WHERE status = 'sending'),"
        "     'sent', count(*) FILTER (WHERE status = 'sent'),"
        "     'failed', count(*) FILTER (WHERE status = 'failed'),"
        "     'unknown', count(*) FILTER (WHERE status = 'unknown'),"
        "     'cancelled', count(*) FILTER (WHERE status = 'cancelled')) FROM outbox),"
        "   'oldest_queued_age_s', (SELECT round(extract(epoch FROM now() - min(created_at))"
        "     ::numeric, 1) FROM outbox WHERE status = 'queued'),"
        "   'undecodable_messages', (SELECT count(*) FROM sms_in WHERE kind = 'undecodable'),"
        "   'complaints_today', (SELECT count(*) FROM complaint"
        "     WHERE created_at >= date_trunc('day', now())),"
        "   'received_today', (SELECT count(*) FROM sms_in"
        "     WHERE first_received_at >= date_trunc('day', now())),"
        "   'sent_today', (SELECT count(*) FROM outbox WHERE status = 'sent'"
        "     AND sent_at >= date_trunc('day', now())),"
        "   'delivery_reports_today', (SELECT json_build_object("
        "     'delivered', count(*) FILTER (WHERE delivery = 'delivered'),"
        "     'failed', count(*) FILTER (WHERE delivery = 'failed'),"
        "     'expired', count(*) FILTER (WHERE delivery = 'expired'),"
        "     'pending', count(*) FILTER (WHERE delivery = 'pending'))"
        "     FROM outbox_part WHERE delivery_at >= date_trunc('day', now()))))::text",
        1, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *json = get_str(r, 0, 0);
    PQclear(r);
    return *json != NULL ? 0 : -1;
}

int store_status_text(struct store *s, int stale_after_s, char **text)
{
    char *json;
    if (store_status_json(s, stale_after_s, &json) != 0) {
        return -1;
    }
    const char *params[] = {json};
    /* Laid out from the JSON document, so that both forms always tell the same. */
    PGresult *r = run(
        s,
        "WITH j AS (SELECT $1::jsonb AS doc),"
        " m AS (SELECT e FROM j, jsonb_array_elements(doc->'modems') e)"
        " SELECT concat_ws(E'\\n',"
        "  format('%-16s %-6s %-10s %7s %6s %6s %-20s %s', 'INSTANCE', 'UP', 'STATE', 'BEAT', "
        "'SIGNAL',"
        "    'SIM', 'NETWORK', 'WORKER'),"
        "  (SELECT string_agg(format('%-16s %-6s %-10s %6ss %6s %6s %-20s %s',"
        "     e->>'instance', CASE WHEN (e->>'up')::boolean THEN 'up' ELSE 'DOWN' END,"
        "     e->>'modem_state', e->>'heartbeat_age_s', coalesce((e->>'signal_percent') || '%', "
        "'-'),"
        "     coalesce((e->>'sim_used') || '/' || (e->>'sim_total'), '-'),"
        "     coalesce(e->>'network', '-'),"
        "     format('pid %s, %s started, %s died%s', coalesce(e->>'worker_pid', '-'),"
        "       e->>'worker_starts', e->>'worker_deaths',"
        "       coalesce(', last: ' || (e->>'last_worker_death'), '')))"
        "     || CASE WHEN e->>'recovery_step' IS NOT NULL THEN format(E'\\n%16s recovering the"
        " modem: %s (%s failures in a row)', '', e->>'recovery_step', e->>'recovery_failures')"
        " ELSE '' END"
        "     || CASE WHEN coalesce((e->>'recoveries')::int, 0) > 0 THEN format(E'\\n%16s modem"
        " brought back %s time(s), last by %s at %s', '', e->>'recoveries', e->>'last_recovery',"
        " e->>'last_recovery_at') ELSE '' END"
        "     || CASE WHEN coalesce((e->>'calls_rejected')::int, 0) > 0 THEN format(E'\\n%16s %s"
        " voice call(s) rejected', '', e->>'calls_rejected') ELSE '' END"
        "     || CASE WHEN (e->>'undecodable_taken')::int > 0 THEN format(E'\\n%16s %s undecodable"
        " message(s) taken off its SIM', '', e->>'undecodable_taken') ELSE '' END"
        "     || CASE WHEN (e->>'storage_alarm')::boolean THEN format(E'\\n%16s ALARM: message"
        " storage 80%% full or more (SIM %s of %s, phone %s of %s)', '',"
        " coalesce(e->>'sim_used', '-'), coalesce(e->>'sim_total', '-'),"
        " coalesce(e->>'phone_used', '-'), coalesce(e->>'phone_total', '-')) ELSE '' END"
        "     || CASE WHEN e->>'last_error' IS NOT NULL THEN format(E'\\n%16s last error: %s', '',"
        " e->>'last_error') ELSE '' END,"
        "     E'\\n' ORDER BY e->>'instance') FROM m),"
        "  '',"
        "  format('multipart messages waiting for parts: %s (%s parts, oldest %s s)',"
        "    doc#>>'{queues,messages_open}', doc#>>'{queues,parts_waiting}',"
        "    coalesce(doc#>>'{queues,oldest_open_age_s}', '-')),"
        "  format('replies: %s queued (oldest %s s), %s sending, %s sent, %s failed, %s unknown,"
        " %s cancelled',"
        "    doc#>>'{queues,replies,queued}', coalesce(doc#>>'{queues,oldest_queued_age_s}', '-'),"
        "    doc#>>'{queues,replies,sending}', doc#>>'{queues,replies,sent}',"
        "    doc#>>'{queues,replies,failed}', doc#>>'{queues,replies,unknown}',"
        "    doc#>>'{queues,replies,cancelled}'),"
        "  format('undecodable messages stored: %s', doc#>>'{queues,undecodable_messages}'),"
        "  format('today: %s messages received, %s complaints, %s messages sent; delivery"
        " reports: %s delivered, %s failed, %s expired',"
        "    doc#>>'{queues,received_today}', doc#>>'{queues,complaints_today}',"
        "    doc#>>'{queues,sent_today}', doc#>>'{queues,delivery_reports_today,delivered}',"
        "    doc#>>'{queues,delivery_reports_today,failed}',"
        "    doc#>>'{queues,delivery_reports_today,expired}'))"
        " FROM j",
        1, params, NULL, PGRES_TUPLES_OK);
    free(json);
    if (r == NULL) {
        return -1;
    }
    *text = get_str(r, 0, 0);
    PQclear(r);
    return *text != NULL ? 0 : -1;
}

/* ---- agencies, routing, follow-ups ---- */

int store_ticket_get(struct store *s, long long seq, struct store_ticket *t, bool *found)
{
    char sbuf[NUMBUF];
    fmt_ll(sbuf, seq);
    const char *params[] = {sbuf};
    memset(t, 0, sizeof *t);
    *found = false;
    PGresult *r = run(s,
                      "SELECT c.status, c.sender, c.text, coalesce(c.agency_id, 0),"
                      " coalesce(a.code, ''), c.confidential"
                      " FROM complaint c LEFT JOIN agency a ON a.id = c.agency_id"
                      " WHERE c.id = $1::bigint FOR UPDATE OF c",
                      1, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    if (PQntuples(r) > 0) {
        *found = true;
        t->seq = seq;
        snprintf(t->status, sizeof t->status, "%s", PQgetvalue(r, 0, 0));
        snprintf(t->sender, sizeof t->sender, "%s", PQgetvalue(r, 0, 1));
        t->text = get_str(r, 0, 2);
        t->agency_id = (int)get_ll(r, 0, 3);
        snprintf(t->agency, sizeof t->agency, "%s", PQgetvalue(r, 0, 4));
        t->confidential = PQgetvalue(r, 0, 5)[0] == 't';
    }
    PQclear(r);
    return *found && t->text == NULL ? -1 : 0;
}

int store_complaint_route(struct store *s, long long seq, int agency_id, const char *actor,
                          const char *reason)
{
    char sbuf[NUMBUF], abuf[NUMBUF];
    fmt_ll(sbuf, seq);
    fmt_ll(abuf, agency_id);
    const char *params[] = {sbuf, abuf, actor, reason};
    PGresult *r = run(s, "SELECT route_complaint($1::bigint, $2::int, $3, $4)", 4, params, NULL,
                      PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    PQclear(r);
    return 0;
}

int store_liaisons(struct store *s, int agency_id, char ***numbers, size_t *n)
{
    char abuf[NUMBUF];
    fmt_ll(abuf, agency_id);
    const char *params[] = {abuf};
    *numbers = NULL;
    *n = 0;
    PGresult *r = run(s,
                      "SELECT number FROM liaison WHERE agency_id = $1::int AND active"
                      " ORDER BY id",
                      1, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    int rows = PQntuples(r);
    bool failed = false;
    *numbers = row_array(s, r, sizeof **numbers, &failed);
    if (failed) {
        PQclear(r);
        return -1;
    }
    if (rows > 0) {
        for (int i = 0; i < rows; i++) {
            (*numbers)[i] = get_str(r, i, 0);
        }
    }
    *n = (size_t)rows;
    PQclear(r);
    return 0;
}

int store_is_liaison(struct store *s, const char *number, int agency_id, bool *yes)
{
    char abuf[NUMBUF];
    fmt_ll(abuf, agency_id);
    const char *params[] = {number, abuf};
    PGresult *r = run(s,
                      "SELECT EXISTS (SELECT 1 FROM liaison WHERE number = $1 AND active"
                      " AND ($2::int = 0 OR agency_id = $2::int))",
                      2, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *yes = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return 0;
}

int store_agency_id(struct store *s, const char *code, int *id)
{
    const char *params[] = {code};
    *id = 0;
    PGresult *r =
        run(s, "SELECT id FROM agency WHERE code = upper($1)", 1, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    if (PQntuples(r) > 0) {
        *id = (int)get_ll(r, 0, 0);
    }
    PQclear(r);
    return 0;
}

int store_reminders_due(struct store *s, long long **seqs, int **agencies, size_t *n)
{
    *seqs = NULL;
    *agencies = NULL;
    *n = 0;
    /* The reminder row is the claim: of several daemons, the one whose insert lands sends. */
    PGresult *r = run(s,
                      "WITH due AS (SELECT d.id FROM complaint_deadline d"
                      "   WHERE d.followup_by < (now() AT TIME ZONE 'Asia/Jakarta')::date),"
                      " claimed AS (INSERT INTO reminder (complaint_id, day)"
                      "   SELECT id, (now() AT TIME ZONE 'Asia/Jakarta')::date FROM due"
                      "   ON CONFLICT DO NOTHING RETURNING complaint_id)"
                      " SELECT c.id, c.agency_id FROM complaint c JOIN claimed k"
                      "   ON k.complaint_id = c.id ORDER BY c.id",
                      0, NULL, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    int rows = PQntuples(r);
    bool failed = false;
    *seqs = row_array(s, r, sizeof **seqs, &failed);
    *agencies = row_array(s, r, sizeof **agencies, &failed);
    if (failed) {
        free(*seqs);
        *seqs = NULL;
        PQclear(r);
        return -1;
    }
    if (rows > 0) {
        for (int i = 0; i < rows; i++) {
            (*seqs)[i] = get_ll(r, i, 0);
            (*agencies)[i] = (int)get_ll(r, i, 1);
        }
    }
    *n = (size_t)rows;
    PQclear(r);
    return 0;
}

int store_holidays_sync(struct store *s, const char *csv)
{
    const char *params[] = {csv};
    return run_command(s,
                       "WITH wanted AS (SELECT d::date AS day FROM"
                       "   unnest(string_to_array(nullif($1, ''), ',')) AS d),"
                       " gone AS (DELETE FROM holiday WHERE source = 'config'"
                       "   AND day NOT IN (SELECT day FROM wanted))"
                       " INSERT INTO holiday (day, name, source)"
                       " SELECT day, 'from the configuration', 'config' FROM wanted"
                       " ON CONFLICT (day) DO NOTHING",
                       1, params);
}

int store_agency_add(struct store *s, const char *code, const char *name)
{
    const char *params[] = {code, name};
    return run_command(s, "INSERT INTO agency (code, name) VALUES (upper($1), $2)", 2, params);
}

int store_agency_keyword(struct store *s, const char *code, const char *keyword)
{
    const char *params[] = {code, keyword};
    PGresult *r = run(s,
                      "INSERT INTO agency_keyword (keyword, agency_id)"
                      " SELECT upper($2), id FROM agency WHERE code = upper($1) RETURNING 1",
                      2, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    int rows = PQntuples(r);
    PQclear(r);
    if (rows == 0) {
        set_error(s, "no agency has the code %s", code);
        return -1;
    }
    return 0;
}

int store_liaison_add(struct store *s, const char *code, const char *number, const char *name)
{
    const char *params[] = {code, number, name};
    PGresult *r = run(s,
                      "INSERT INTO liaison (agency_id, number, name)"
                      " SELECT id, $2, nullif($3, '') FROM agency WHERE code = upper($1)"
                      " ON CONFLICT (agency_id, number) DO UPDATE SET active = true,"
                      " name = coalesce(EXCLUDED.name, liaison.name) RETURNING 1",
                      3, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    int rows = PQntuples(r);
    PQclear(r);
    if (rows == 0) {
        set_error(s, "no agency has the code %s", code);
        return -1;
    }
    return 0;
}

int store_liaison_remove(struct store *s, const char *code, const char *number, bool *removed)
{
    const char *params[] = {code, number};
    /* Kept inactive rather than deleted: the history names who answered. */
    PGresult *r = run(s,
                      "UPDATE liaison SET active = false WHERE number = $2 AND active"
                      " AND agency_id = (SELECT id FROM agency WHERE code = upper($1)) RETURNING 1",
                      2, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *removed = PQntuples(r) > 0;
    PQclear(r);
    return 0;
}

int store_holiday_add(struct store *s, const char *day, const char *name)
{
    const char *params[] = {day, name};
    return run_command(s,
                       "INSERT INTO holiday (day, name) VALUES ($1::date, nullif($2, ''))"
                       " ON CONFLICT (day) DO UPDATE SET name = EXCLUDED.name,"
                       " source = 'database'",
                       2, params);
}

/* Each report is one fixed statement producing a JSON document from $1, the report's parameter
 * (or NULL); the text form is laid out from that document ($1 there), so both say the same. */
static const struct {
    const char *name;
    const char *json;
    const char *text;
} reports[] = {
    {"agencies",
     "SELECT coalesce(json_agg(json_build_object('code', a.code, 'name', a.name,"
     " 'keywords', (SELECT coalesce(json_agg(k.keyword ORDER BY k.keyword), '[]')"
     "   FROM agency_keyword k WHERE k.agency_id = a.id),"
     " 'liaisons', (SELECT count(*) FROM liaison l WHERE l.agency_id = a.id AND l.active))"
     " ORDER BY a.code), '[]')::text FROM agency a WHERE $1::text IS NULL OR a.code = upper($1)",
     "SELECT coalesce(string_agg(format('%-10s %-40s keywords: %s; liaisons: %s', e->>'code',"
     " e->>'name', (SELECT string_agg(k, ' ') FROM jsonb_array_elements_text(e->'keywords') k),"
     " e->>'liaisons'), E'\\n'), 'no agencies') FROM jsonb_array_elements($1::jsonb) e"},
    {"liaisons",
     "SELECT coalesce(json_agg(json_build_object('agency', a.code, 'number', l.number,"
     " 'name', l.name, 'active', l.active) ORDER BY a.code, l.number), '[]')::text"
     " FROM liaison l JOIN agency a ON a.id = l.agency_id"
     " WHERE $1::text IS NULL OR a.code = upper($1)",
     "SELECT coalesce(string_agg(format('%-10s %-16s %-24s %s', e->>'agency', e->>'number',"
     " coalesce(e->>'name', '-'), CASE WHEN (e->>'active')::boolean THEN 'active'"
     " ELSE 'removed' END), E'\\n'), 'no liaisons') FROM jsonb_array_elements($1::jsonb) e"},
    {"ticket",
     "SELECT json_build_object('ticket', ticket_of(c.id), 'status', c.status, 'sender', c.sender,"
     " 'confidential', c.confidential, 'agency', a.code, 'keyword', c.keyword,"
     " 'incomplete', c.incomplete, 'text', c.text, 'created_at', c.created_at,"
     " 'routed_at', c.routed_at, 'route_by', d.route_by, 'followup_by', d.followup_by,"
     " 'history', (SELECT json_agg(json_build_object('at', e.at, 'actor', e.actor, 'kind', e.kind,"
     "   'detail', e.detail) ORDER BY e.id) FROM complaint_event e WHERE e.complaint_id = c.id))"
     "::text FROM complaint c LEFT JOIN agency a ON a.id = c.agency_id"
     " LEFT JOIN complaint_deadline d ON d.id = c.id WHERE c.id = $1::bigint",
     "SELECT concat_ws(E'\\n', format('ticket #%s: %s%s', $1::jsonb->>'ticket',"
     " $1::jsonb->>'status', coalesce(', agency ' || ($1::jsonb->>'agency'), '')),"
     " format('from %s%s%s', $1::jsonb->>'sender',"
     " CASE WHEN ($1::jsonb->>'confidential')::boolean THEN ' (confidential)' ELSE '' END,"
     " CASE WHEN ($1::jsonb->>'incomplete')::boolean THEN ', incomplete' ELSE '' END),"
     " 'text: ' || ($1::jsonb->>'text'),"
     " 'route by: ' || ($1::jsonb->>'route_by'), 'first follow-up by: ' ||"
     " ($1::jsonb->>'followup_by'), 'history:',"
     " (SELECT string_agg(format('  %s  %-22s %-14s %s', left(e->>'at', 19), e->>'actor',"
     "   e->>'kind', coalesce(e->>'detail', '')), E'\\n')"
     "   FROM jsonb_array_elements($1::jsonb->'history') e))"},
    {"outbox",
     "SELECT coalesce(json_agg(json_build_object('id', o.id, 'kind', o.kind,"
     " 'destination', o.destination, 'status', o.status, 'attempts', o.attempts,"
     " 'parts', o.parts, 'ticket', CASE WHEN o.complaint_id IS NOT NULL"
     " THEN ticket_of(o.complaint_id) END, 'created_at', o.created_at, 'sent_at', o.sent_at,"
     " 'next_attempt_at', o.next_attempt_at, 'last_error', o.last_error, 'text', o.text,"
     " 'delivery', (SELECT CASE WHEN count(*) FILTER (WHERE p.delivery IS NOT NULL) = 0 THEN NULL"
     "   WHEN bool_and(p.delivery = 'delivered') THEN 'delivered'"
     "   WHEN bool_or(p.delivery IN ('failed', 'expired')) THEN max(p.delivery)"
     "   ELSE 'pending' END FROM outbox_part p WHERE p.outbox_id = o.id))"
     " ORDER BY o.id DESC), '[]')::text"
     " FROM (SELECT * FROM outbox WHERE $1::text IS NULL OR status = $1"
     "   ORDER BY id DESC LIMIT 200) o",
     "SELECT coalesce(string_agg(format('%8s %-9s %-16s %-9s %-9s %2s try %-8s %s%s', e->>'id',"
     " e->>'kind', e->>'destination', e->>'status', coalesce(e->>'delivery', '-'), e->>'attempts',"
     " coalesce('#' || (e->>'ticket'), '-'), left(e->>'text', 40),"
     " coalesce(E'\n         last error: ' || (e->>'last_error'), '')), E'\n'),"
     " 'no messages') FROM jsonb_array_elements($1::jsonb) e"},
    {"metrics",
     "WITH hb AS (SELECT h.*, extract(epoch FROM now() - beat_at) AS age FROM heartbeat h),"
     " fam(ord, name, type, help, samples) AS (VALUES"
     " (1, 'lapor_modem_up', 'gauge', 'Whether the modem is connected and its daemon''s heartbeat"
     " is fresh.', (SELECT string_agg(format('lapor_modem_up{modem=\"%s\"} %s', instance,"
     " CASE WHEN modem_connected AND age < $1::int THEN 1 ELSE 0 END), E'\n') FROM hb)),"
     " (2, 'lapor_heartbeat_age_seconds', 'gauge', 'Seconds since the daemon''s last heartbeat.',"
     " (SELECT string_agg(format('lapor_heartbeat_age_seconds{modem=\"%s\"} %s', instance,"
     " round(age::numeric, 3)), E'\n') FROM hb)),"
     " (3, 'lapor_modem_signal_percent', 'gauge', 'Signal strength the modem reports.',"
     " (SELECT string_agg(format('lapor_modem_signal_percent{modem=\"%s\"} %s', instance,"
     " signal_percent), E'\n') FROM hb WHERE signal_percent IS NOT NULL)),"
     " (4, 'lapor_sim_used_messages', 'gauge', 'Messages stored on the SIM.',"
     " (SELECT string_agg(format('lapor_sim_used_messages{modem=\"%s\"} %s', instance,"
     " sim_used), E'\n') FROM hb WHERE sim_used IS NOT NULL)),"
     " (5, 'lapor_sim_capacity_messages', 'gauge', 'Messages the SIM can hold.',"
     " (SELECT string_agg(format('lapor_sim_capacity_messages{modem=\"%s\"} %s', instance,"
     " sim_total), E'\n') FROM hb WHERE sim_total IS NOT NULL)),"
     " (15, 'lapor_storage_alarm', 'gauge', 'Whether SIM or phone memory is 80% full.',"
     " (SELECT string_agg(format('lapor_storage_alarm{modem=\"%s\"} %s', instance,"
     " CASE WHEN coalesce(sim_total > 0 AND sim_used * 100 >= 80 * sim_total, false)"
     " OR coalesce(phone_total > 0 AND phone_used * 100 >= 80 * phone_total, false)"
     " THEN 1 ELSE 0 END), E'\\n') FROM hb)),"

     " (6, 'lapor_modem_worker_deaths_total', 'counter', 'Modem workers that died or were"
     " killed.',"
     " (SELECT string_agg(format('lapor_modem_worker_deaths_total{modem=\"%s\"} %s',"
     " instance, worker_deaths), E'\n') FROM hb)),"
     " (16, 'lapor_modem_recoveries_total', 'counter', 'Times the modem came back after"
     " failing.',"
     " (SELECT string_agg(format('lapor_modem_recoveries_total{modem=\"%s\"} %s',"
     " instance, coalesce(recoveries, 0)), E'\n') FROM hb)),"
     " (7, 'lapor_undecodable_taken_total', 'counter', 'Undecodable messages taken off the"
     " SIM raw.',"
     " (SELECT string_agg(format('lapor_undecodable_taken_total{modem=\"%s\"} %s',"
     " instance, undecodable_taken), E'\n') FROM hb)),"
     " (8, 'lapor_multipart_open_messages', 'gauge', 'Multipart messages waiting for parts.',"
     " (SELECT format('lapor_multipart_open_messages %s', count(*)) FROM sms_in"
     " WHERE state = 'open')),"
     " (9, 'lapor_multipart_oldest_seconds', 'gauge', 'Age of the oldest multipart message"
     " waiting for parts (0 when none).',"
     " (SELECT format('lapor_multipart_oldest_seconds %s', coalesce(round(extract(epoch FROM"
     " now() - min(first_received_at))::numeric, 3), 0)) FROM sms_in WHERE state = 'open')),"
     " (10, 'lapor_outbox_messages', 'gauge', 'Outgoing messages by state.',"
     " (SELECT string_agg(format('lapor_outbox_messages{status=\"%s\"} %s', s,"
     " (SELECT count(*) FROM outbox WHERE status = s)), E'\n' ORDER BY s) FROM unnest(ARRAY["
     " 'queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled']) s)),"
     " (11, 'lapor_outbox_oldest_queued_seconds', 'gauge', 'Age of the oldest queued outgoing"
     " message (0 when none).',"
     " (SELECT format('lapor_outbox_oldest_queued_seconds %s', coalesce(round(extract(epoch"
     " FROM now() - min(created_at))::numeric, 3), 0)) FROM outbox WHERE status = 'queued')),"
     " (12, 'lapor_messages_received_total', 'counter', 'Incoming messages stored.',"
     " (SELECT format('lapor_messages_received_total %s', count(*)) FROM sms_in)),"
     " (13, 'lapor_complaints_total', 'counter', 'Complaints made.',"
     " (SELECT format('lapor_complaints_total %s', count(*)) FROM complaint)),"
     " (14, 'lapor_complaints_overdue', 'gauge', 'Tickets past their service level.',"
     " (SELECT format('lapor_complaints_overdue %s', count(*)) FROM complaint_deadline d"
     " WHERE coalesce(d.route_by, d.followup_by) < (now() AT TIME ZONE 'Asia/Jakarta')::date)))"
     " SELECT string_agg(format(E'# HELP %s %s\n# TYPE %s %s%s', name, help, name, type,"
     " coalesce(E'\n' || samples, '')), E'\n' ORDER BY ord) || E'\n' FROM fam",
     NULL},
    {"overdue",
     "SELECT coalesce(json_agg(json_build_object('ticket', ticket_of(c.id), 'status', c.status,"
     " 'agency', a.code, 'due', coalesce(d.route_by, d.followup_by),"
     " 'what', CASE WHEN d.route_by IS NOT NULL THEN 'routing' ELSE 'first follow-up' END)"
     " ORDER BY coalesce(d.route_by, d.followup_by), c.id), '[]')::text"
     " FROM complaint_deadline d JOIN complaint c ON c.id = d.id"
     " LEFT JOIN agency a ON a.id = c.agency_id"
     " WHERE coalesce(d.route_by, d.followup_by) < (now() AT TIME ZONE 'Asia/Jakarta')::date"
     " AND ($1::text IS NULL OR a.code = upper($1))",
     "SELECT coalesce(string_agg(format('#%-11s %-11s %-10s %s was due %s', e->>'ticket',"
     " e->>'status', coalesce(e->>'agency', '-'), e->>'what', e->>'due'), E'\\n'),"
     " 'nothing overdue') FROM jsonb_array_elements($1::jsonb) e"},
};

int store_report(struct store *s, const char *name, const char *param, bool json, char **out)
{
    *out = NULL;
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        if (strcmp(reports[i].name, name) != 0) {
            continue;
        }
        const char *params[] = {param};
        PGresult *r = run(s, reports[i].json, 1, params, NULL, PGRES_TUPLES_OK);
        if (r == NULL) {
            return -1;
        }
        if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0)) {
            PQclear(r);
            set_error(s, "nothing found");
            return -1;
        }
        char *doc = get_str(r, 0, 0);
        PQclear(r);
        if (json || doc == NULL || reports[i].text == NULL) {
            *out = doc;
            return doc ? 0 : -1;
        }
        const char *tparams[] = {doc};
        r = run(s, reports[i].text, 1, tparams, NULL, PGRES_TUPLES_OK);
        free(doc);
        if (r == NULL) {
            return -1;
        }
        *out = get_str(r, 0, 0);
        PQclear(r);
        return *out ? 0 : -1;
    }
    set_error(s, "no report named %s", name);
    return -1;
}

int store_outbox_retry(struct store *s, long long id, bool *changed)
{
    char ibuf[NUMBUF];
    fmt_ll(ibuf, id);
    const char *params[] = {ibuf};
    PGresult *r = run(s,
                      "WITH o AS (UPDATE outbox SET status = 'queued', attempts = 0,"
                      " next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,"
                      " last_error = 'retried by an operator'"
                      " WHERE id = $1::bigint AND status IN ('failed', 'unknown', 'cancelled')"
                      " RETURNING id),"
                      " p AS (UPDATE outbox_part SET status = 'failed', updated_at = now()"
                      " WHERE outbox_id IN (SELECT id FROM o) AND status = 'unknown')"
                      " SELECT count(*) FROM o",
                      1, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *changed = get_ll(r, 0, 0) > 0;
    PQclear(r);
    return 0;
}

int store_outbox_cancel(struct store *s, long long id, bool *changed)
{
    char ibuf[NUMBUF];
    fmt_ll(ibuf, id);
    const char *params[] = {ibuf};
    PGresult *r = run(s,
                      "UPDATE outbox SET status = 'cancelled', last_error = 'cancelled by an"
                      " operator' WHERE id = $1::bigint AND status IN ('queued', 'failed',"
                      " 'unknown') RETURNING 1",
                      1, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *changed = PQntuples(r) > 0;
    PQclear(r);
    return 0;
}

int store_outbox_operator(struct store *s, const char *number, const char *text, long long *id)
{
    const char *params[] = {number, text};
    PGresult *r = run(s,
                      "INSERT INTO outbox (kind, destination, text) VALUES ('operator', $1, $2)"
                      " RETURNING id",
                      2, params, NULL, PGRES_TUPLES_OK);
    if (r == NULL) {
        return -1;
    }
    *id = get_ll(r, 0, 0);
    PQclear(r);
    return 0;
}
