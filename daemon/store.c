/*
 * store: PostgreSQL through libpq (see store.h). The connection, the statements prepared on it,
 * running them, and reading their rows; what the statements say lives in
 * the query files beside it.
 */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "sqlguard.h"

/* Statements prepared on the current connection, each known by the address of its SQL text: all
 * SQL is string literals, so an address names one statement for the life of the process.
 * Preparing once per connection spares the server parsing and planning the same text for every
 * message. */
#define STORE_PREPARED_MAX 160

struct store {
    char *conninfo;
    const char *program; /* the connection's application_name unless conninfo sets one */
    PGconn *conn;
    char error[512];
    char sqlstate[6]; /* the server's SQLSTATE for error, "" when it has none */
    const char *prepared[STORE_PREPARED_MAX];
    int n_prepared;
};

/* struct store_rows is a PGresult under another name, so that the query files never see libpq's
 * types and reading a row costs nothing more. */
static const PGresult *result_of(const struct store_rows *r)
{
    return (const PGresult *)r;
}

void store_set_error(struct store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s->sqlstate[0] = '\0';
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    /* libpq's messages end in a newline; a log line should not. */
    size_t n = strlen(s->error);
    while (n > 0 && (s->error[n - 1] == '\n' || s->error[n - 1] == ' ')) {
        s->error[--n] = '\0';
    }
}

void store_fmt_ll(char *buf, long long v)
{
    snprintf(buf, STORE_NUMBUF, "%lld", v);
}

const char *store_param_ll(char *buf, bool present, long long v)
{
    if (!present) {
        return NULL;
    }
    store_fmt_ll(buf, v);
    return buf;
}

struct store *store_new(const char *conninfo)
{
    struct store *s = calloc(1, sizeof *s);
    char *copy = strdup(conninfo);
    if (s == NULL || copy == NULL) {
        free(copy);
        free(s);
        return NULL;
    }
    s->conninfo = copy;
    return s;
}

void store_set_program(struct store *s, const char *name)
{
    s->program = name;
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
    /* The connection string stays the operator's whole (hosts, target_session_attrs, ...);
     * only a name its own application_name would override is added. */
    const char *const keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const values[] = {s->conninfo, s->program, NULL};
    s->conn = PQconnectdbParams(keys, values, 1);
    if (s->conn == NULL) {
        store_set_error(s, "out of memory connecting to the database");
        return -1;
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        /* libpq's message names the host and socket, never the password. */
        store_set_error(s, "database connection failed: %s", PQerrorMessage(s->conn));
        store_disconnect(s);
        return -1;
    }
    PQsetNoticeReceiver(s->conn, notice_quiet, NULL);
    /* Errors without their detail and context: "Failing row contains ..." can hold a citizen's
     * number and text, and errors go to the log and the heartbeat. */
    PQsetErrorVerbosity(s->conn, PQERRORS_TERSE);
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

const char *store_error_sqlstate(const struct store *s)
{
    return s->sqlstate;
}

/* ---- statements ---- */

/* Records the error of result r, or of the connection when r is NULL. */
static void result_error(struct store *s, const PGresult *r)
{
    if (r != NULL) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        store_set_error(s, "database: %s%s%s%s", PQresultErrorMessage(r),
                        state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
        snprintf(s->sqlstate, sizeof s->sqlstate, "%s", state ? state : "");
    } else {
        store_set_error(s, "database: %s", PQerrorMessage(s->conn));
    }
}

/* The name a prepared statement has on the server. */
static void slot_name(char name[16], int slot)
{
    snprintf(name, 16, "l%d", slot);
}

/* The slot of sql among the statements prepared on this connection, -1 when it is not one. */
static int find_prepared(const struct store *s, const char *sql)
{
    for (int i = 0; i < s->n_prepared; i++) {
        if (s->prepared[i] == sql) {
            return i;
        }
    }
    return -1;
}

/*
 * The slot of sql among the statements prepared on this connection, preparing it first when
 * needed; -1 when the table is full (the caller then runs it unprepared), or when preparing failed,
 * with *failed set to the failed result (its error is the statement's).
 */
static int prepared_slot(struct store *s, const char *sql, int n, PGresult **failed)
{
    int found = find_prepared(s, sql);
    if (found >= 0) {
        return found;
    }
    if (s->n_prepared >= STORE_PREPARED_MAX) {
        return -1;
    }
    /* Statements are known by their text's address, which only a literal keeps for good. */
    sqlguard_check(sql);
    int slot = s->n_prepared;
    char name[16];
    slot_name(name, slot);
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
 * Runs one parameterised statement. Returns the result when its status is the expected one, else
 * NULL with the error set (and the connection dropped when it broke, so the caller reconnects).
 */
static PGresult *run(struct store *s, const char *sql, int n, const char *const *values,
                     ExecStatusType want)
{
    if (s->conn == NULL) {
        store_set_error(s, "not connected to the database");
        return NULL;
    }
    sqlguard_check(sql);
    if (n > STORE_PARAMS_MAX) {
        store_set_error(s, "too many parameters");
        return NULL;
    }
    PGresult *r = NULL;
    int slot = prepared_slot(s, sql, n, &r);
    if (slot >= 0) {
        char name[16];
        slot_name(name, slot);
        r = PQexecPrepared(s->conn, name, n, values, NULL, NULL, 0);
    } else if (r == NULL) {
        r = PQexecParams(s->conn, sql, n, NULL, values, NULL, NULL, 0);
    }
    if (r != NULL && PQresultStatus(r) == want) {
        return r;
    }
    result_error(s, r);
    PQclear(r);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        store_disconnect(s);
    }
    return NULL;
}

int store_exec(struct store *s, const char *sql, int n, const char *const *values)
{
    PGresult *r = run(s, sql, n, values, PGRES_COMMAND_OK);
    if (r == NULL) {
        return -1;
    }
    PQclear(r);
    return 0;
}

struct store_rows *store_query(struct store *s, const char *sql, int n, const char *const *values)
{
    return (struct store_rows *)run(s, sql, n, values, PGRES_TUPLES_OK);
}

/* Whether a statement that ran gave at least one row. */
static bool has_row(const struct store_rows *r)
{
    return r != NULL && store_rows_count(r) > 0;
}

/* Frees the rows of a statement that is read: 0, or -1 when it failed (r NULL). */
static int rows_done(struct store_rows *r)
{
    if (r == NULL) {
        return -1;
    }
    store_rows_free(r);
    return 0;
}

int store_call(struct store *s, const char *sql, int n, const char *const *values)
{
    return rows_done(store_query(s, sql, n, values));
}

int store_query_any(struct store *s, const char *sql, int n, const char *const *values, bool *any)
{
    struct store_rows *r = store_query(s, sql, n, values);
    *any = has_row(r);
    return rows_done(r);
}

int store_query_ll(struct store *s, const char *sql, int n, const char *const *values, long long *v)
{
    struct store_rows *r = store_query(s, sql, n, values);
    *v = has_row(r) ? store_rows_ll(r, 0, 0) : 0;
    return rows_done(r);
}

int store_query_bool(struct store *s, const char *sql, int n, const char *const *values, bool *v)
{
    struct store_rows *r = store_query(s, sql, n, values);
    *v = has_row(r) && store_rows_bool(r, 0, 0);
    return rows_done(r);
}

int store_query_row(struct store *s, const char *sql, int n, const char *const *values,
                    store_row_fill *fill, void *element, bool *found)
{
    struct store_rows *r = store_query(s, sql, n, values);
    *found = has_row(r);
    if (*found) {
        fill(r, 0, element);
    }
    return rows_done(r);
}

int store_run_script(struct store *s, const char *script)
{
    if (s->conn == NULL) {
        store_set_error(s, "not connected to the database");
        return -1;
    }
    sqlguard_check(script);
    PGresult *r = PQexec(s->conn, script);
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
        store_set_error(s, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

/* ---- transactions ---- */

int store_begin(struct store *s)
{
    return store_exec(s, "BEGIN", 0, NULL);
}

int store_commit(struct store *s)
{
    return store_exec(s, "COMMIT", 0, NULL);
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

/* ---- rows ---- */

int store_rows_count(const struct store_rows *r)
{
    return PQntuples(result_of(r));
}

bool store_rows_isnull(const struct store_rows *r, int row, int col)
{
    return PQgetisnull(result_of(r), row, col);
}

const char *store_rows_text(const struct store_rows *r, int row, int col)
{
    return PQgetvalue(result_of(r), row, col);
}

long long store_rows_ll(const struct store_rows *r, int row, int col)
{
    if (store_rows_isnull(r, row, col)) {
        return 0;
    }
    return strtoll(store_rows_text(r, row, col), NULL, 10);
}

bool store_rows_bool(const struct store_rows *r, int row, int col)
{
    return store_rows_text(r, row, col)[0] == 't';
}

char *store_rows_strdup(const struct store_rows *r, int row, int col)
{
    return strdup(store_rows_text(r, row, col));
}

void store_rows_free(struct store_rows *r)
{
    PQclear((PGresult *)r);
}

void *store_rows_array(struct store *s, const struct store_rows *r, size_t size, bool *failed)
{
    int rows = store_rows_count(r);
    if (rows == 0 || *failed) {
        return NULL;
    }
    void *a = calloc((size_t)rows, size);
    if (a == NULL) {
        store_set_error(s, "out of memory");
        *failed = true;
    }
    return a;
}

struct store_rows *store_query_array(struct store *s, const char *sql, int n,
                                     const char *const *values, size_t size, void **array)
{
    *array = NULL;
    struct store_rows *r = store_query(s, sql, n, values);
    if (r == NULL) {
        return NULL;
    }
    bool failed = false;
    *array = store_rows_array(s, r, size, &failed);
    if (failed) {
        store_rows_free(r);
        return NULL;
    }
    return r;
}

int store_query_list(struct store *s, const char *sql, int n, const char *const *values,
                     size_t size, store_row_fill *fill, void **array, size_t *count)
{
    struct store_rows *r = store_query_array(s, sql, n, values, size, array);
    int rows = r != NULL ? store_rows_count(r) : 0;
    for (int i = 0; i < rows; i++) {
        fill(r, i, (char *)*array + (size_t)i * size);
    }
    *count = (size_t)rows;
    return rows_done(r);
}

static void text_from_row(const struct store_rows *r, int row, void *text)
{
    *(char **)text = store_rows_strdup(r, row, 0);
}

int store_query_texts(struct store *s, const char *sql, int n, const char *const *values,
                      char ***texts, size_t *count)
{
    void *array;
    int rc = store_query_list(s, sql, n, values, sizeof **texts, text_from_row, &array, count);
    *texts = array;
    return rc;
}
