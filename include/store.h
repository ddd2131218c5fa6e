/*
 * store: the one door to PostgreSQL. This is the only module that includes libpq-fe.h: it holds
 * the connection, prepares each statement once per connection, runs parameterised statements and
 * hands their rows to the query files beside it (store_*.c, one per concern) without exposing a
 * libpq type. Every statement takes parameters, none is built from strings, so that nothing a
 * citizen sends is ever parsed as SQL (byte strings travel as hex text inside array parameters:
 * store_array.h).
 *
 * Functions return 0 on success and -1 on failure, with the reason in store_error(). After a
 * failure store_connected() tells a lost connection (reconnect and retry later) from a refused
 * statement.
 */
#ifndef LAPOR_STORE_H
#define LAPOR_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct store;

/* A store for a libpq connection string (copied). Does not connect yet. */
struct store *store_new(const char *conninfo);
/* What the connections name themselves (application_name, shown in pg_stat_activity) unless the
 * connection string names them; name must outlive the store. */
void store_set_program(struct store *s, const char *name);
void store_free(struct store *s);

int store_connect(struct store *s);
void store_disconnect(struct store *s);
bool store_connected(struct store *s);
/* The last error, never including the connection string or its password. */
const char *store_error(const struct store *s);
/* The SQLSTATE the server gave with the last error ("42501": permission denied), "" when the
 * error was not the server's. */
const char *store_error_sqlstate(const struct store *s);

int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

/* ---- for the query files: statements, parameters and rows ---- */

/* Sets the error store_error() reports (a trailing newline is dropped). */
void store_set_error(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Longest decimal form of a 64-bit number, sign and NUL included. */
#define STORE_NUMBUF 24
/* Writes v in decimal into buf (STORE_NUMBUF bytes), as a parameter's text. */
void store_fmt_ll(char *buf, long long v);
/* A number that may be absent: buf with v written in it when present, else NULL (SQL NULL). */
const char *store_param_ll(char *buf, bool present, long long v);

/* The most parameters a statement takes. */
#define STORE_PARAMS_MAX 32

/* The rows a statement returned; read them with store_rows_*, then store_rows_free. */
struct store_rows;

/*
 * Runs statement sql (a string literal: it is prepared once per connection and known by its
 * address) with n text parameters (NULL for SQL NULL). store_exec wants a statement that returns
 * no rows; store_query one that does, and returns them, or NULL with the error set. After a
 * failure that broke the connection the store is disconnected, so the caller reconnects.
 */
int store_exec(struct store *s, const char *sql, int n, const char *const *values);
struct store_rows *store_query(struct store *s, const char *sql, int n, const char *const *values);
/* Runs a script of many statements by the simple query protocol (a migration); sqlguard checks
 * its text, and no parameter is part of it. On failure the error is the server's message alone. */
int store_run_script(struct store *s, const char *script);

/*
 * Shorthands for what most query files do with a statement: each is a store_query whose rows are
 * read and freed at once. What is read is the first row's first column; an output is 0 or false
 * when the statement failed, gave no row, or gave NULL.
 */
/* A statement run for its effect alone, such as a function called for what it does. */
int store_call(struct store *s, const char *sql, int n, const char *const *values);
/* Whether the statement gave a row: a change that says RETURNING, or a lookup. */
int store_query_any(struct store *s, const char *sql, int n, const char *const *values, bool *any);
/* The value as a number. */
int store_query_ll(struct store *s, const char *sql, int n, const char *const *values,
                   long long *v);
/* Whether the value is true. */
int store_query_bool(struct store *s, const char *sql, int n, const char *const *values, bool *v);

/* Fills element, what the caller reads a row into, from row of r. */
typedef void store_row_fill(const struct store_rows *r, int row, void *element);
/* Runs a query for at most one row: *found tells whether it gave one (false when it failed), and
 * fill reads it into element. */
int store_query_row(struct store *s, const char *sql, int n, const char *const *values,
                    store_row_fill *fill, void *element, bool *found);

int store_rows_count(const struct store_rows *r);
bool store_rows_isnull(const struct store_rows *r, int row, int col);
/* The value as text, "" for NULL; valid until store_rows_free. */
const char *store_rows_text(const struct store_rows *r, int row, int col);
/* The value as a number, 0 for NULL. */
long long store_rows_ll(const struct store_rows *r, int row, int col);
/* Whether the value is true. */
bool store_rows_bool(const struct store_rows *r, int row, int col);
/* A malloc'd copy of the value, "" for NULL; NULL when memory ran out. */
char *store_rows_strdup(const struct store_rows *r, int row, int col);
void store_rows_free(struct store_rows *r);
/* A calloc'd array of one element of size bytes per row (NULL for no row). When memory runs out
 * it sets the error and raises *failed; with *failed already raised it does nothing, so that
 * several arrays can be had and checked once. */
void *store_rows_array(struct store *s, const struct store_rows *r, size_t size, bool *failed);
/* store_query, and the rows' store_rows_array in *array for the caller to fill (and free). NULL
 * when either failed, with the error set and nothing to free. */
struct store_rows *store_query_array(struct store *s, const char *sql, int n,
                                     const char *const *values, size_t size, void **array);

/* Runs a query and hands back one element of size bytes per row, each filled by fill, in a
 * calloc'd *array (NULL for no row) of *count elements for the caller to free. On failure *array
 * is NULL and *count 0, with the error set. */
int store_query_list(struct store *s, const char *sql, int n, const char *const *values,
                     size_t size, store_row_fill *fill, void **array, size_t *count);
/* store_query_list of each row's first value, as malloc'd copies (free each, then *texts). */
int store_query_texts(struct store *s, const char *sql, int n, const char *const *values,
                      char ***texts, size_t *count);

#endif
