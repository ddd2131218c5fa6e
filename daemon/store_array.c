/* store_array: see store_array.h. */
#include "store_array.h"

#include <stdlib.h>
#include <string.h>

static void put(struct store_array *a, const char *v, size_t n)
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

/* Opens the literal before the first element, separates the others. */
static void separate(struct store_array *a)
{
    put(a, a->len == 0 ? "{" : ",", 1);
}

void store_array_ll(struct store_array *a, long long v)
{
    char b[STORE_NUMBUF];
    store_fmt_ll(b, v);
    separate(a);
    put(a, b, strlen(b));
}

void store_array_str(struct store_array *a, const char *v)
{
    separate(a);
    if (v == NULL) {
        put(a, "NULL", 4);
        return;
    }
    put(a, "\"", 1);
    for (const char *c = v; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\') {
            put(a, "\\", 1);
        }
        put(a, c, 1);
    }
    put(a, "\"", 1);
}

void store_array_ll_if(struct store_array *a, bool present, long long v)
{
    if (present) {
        store_array_ll(a, v);
    } else {
        store_array_str(a, NULL);
    }
}

void store_array_hex(struct store_array *a, const unsigned char *v, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    separate(a);
    put(a, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char pair[2] = {digits[v[i] >> 4], digits[v[i] & 15]};
        put(a, pair, 2);
    }
    put(a, "\"", 1);
}

const char *store_array_done(struct store_array *a)
{
    if (a->len == 0) {
        put(a, "{", 1);
    }
    put(a, "}", 1);
    return a->failed ? NULL : a->buf;
}

int store_array_done_all(struct store *s, struct store_array *a, int n, const char **params)
{
    for (int i = 0; i < n; i++) {
        params[i] = store_array_done(&a[i]);
        if (params[i] == NULL) {
            store_set_error(s, "out of memory");
            return -1;
        }
    }
    return 0;
}

void store_array_free(struct store_array *a)
{
    free(a->buf);
    *a = (struct store_array){0};
}

void store_array_free_all(struct store_array *a, int n)
{
    for (int i = 0; i < n; i++) {
        store_array_free(&a[i]);
    }
}

int store_array_exec(struct store *s, const char *sql, struct store_array *a, int n,
                     const char *last)
{
    const char *params[STORE_PARAMS_MAX];
    int rc = -1;
    if (n >= STORE_PARAMS_MAX) {
        store_set_error(s, "too many parameters");
    } else if (store_array_done_all(s, a, n, params) == 0) {
        params[n] = last;
        rc = store_exec(s, sql, n + 1, params);
    }
    store_array_free_all(a, n);
    return rc;
}
