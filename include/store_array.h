/*
 * store_array: many rows as one parameter per column. A PostgreSQL array literal
 * ("{1,2,NULL,"a \"b\""}") is built as a parameter value, and the statement unnests it, so that a
 * batch goes in one statement. Values are quoted and escaped, so they are data whatever they
 * contain; the SQL text stays a literal.
 */
#ifndef LAPOR_STORE_ARRAY_H
#define LAPOR_STORE_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* One column's literal under construction; start from {0}. */
struct store_array {
    char *buf;
    size_t len, cap;
    bool failed; /* memory ran out: store_array_done says so */
};

void store_array_ll(struct store_array *a, long long v);
/* A number that may be absent (then NULL in the array). */
void store_array_ll_if(struct store_array *a, bool present, long long v);
/* NULL for v NULL. */
void store_array_str(struct store_array *a, const char *v);
/* Bytes as lowercase hex, quoted: "" for none. */
void store_array_hex(struct store_array *a, const unsigned char *v, size_t n);

/* The literal, "{}" for no element; NULL when memory ran out. Valid until store_array_free. */
const char *store_array_done(struct store_array *a);
/* Finishes n arrays into params[0..n-1]: 0, or -1 with the store's error set when memory ran
 * out. */
int store_array_done_all(struct store *s, struct store_array *a, int n, const char **params);
void store_array_free(struct store_array *a);
/* Frees n arrays. */
void store_array_free_all(struct store_array *a, int n);

/* Runs statement sql (see store_exec) with the n arrays of a, finished, as $1 to $n and last as
 * $n+1, then frees the arrays: 0, or -1 with the error set. */
int store_array_exec(struct store *s, const char *sql, struct store_array *a, int n,
                     const char *last);

#endif
