/* store_pin: see store_pin.h. */
#include "store_pin.h"

#include <stdio.h>
#include <string.h>

/* Reads hex (as encode(..., 'hex') gives it) into out, at most cap bytes; the bytes read. */
static size_t from_hex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = 0, len = strlen(hex);
    unsigned int byte;
    while (n < cap && 2 * n + 2 <= len && sscanf(hex + 2 * n, "%2x", &byte) == 1) {
        out[n++] = (unsigned char)byte;
    }
    return n;
}

static void to_hex(const unsigned char *in, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        snprintf(out + 2 * i, 3, "%02x", in[i]);
    }
}

static void pin_from_row(const struct store_rows *r, int row, void *element)
{
    struct store_pin *p = element;
    p->liaison_id = (int)store_rows_ll(r, row, 0);
    p->has_pin = !store_rows_isnull(r, row, 1);
    p->locked = store_rows_bool(r, row, 4);
    p->iterations = (int)store_rows_ll(r, row, 3);
    p->salt_len = from_hex(store_rows_text(r, row, 1), p->salt, sizeof p->salt);
    p->hash_len = from_hex(store_rows_text(r, row, 2), p->hash, sizeof p->hash);
}

int store_pin_get(struct store *s, const char *number, int agency_id, struct store_pin *p,
                  bool *found)
{
    char abuf[STORE_NUMBUF];
    store_fmt_ll(abuf, agency_id);
    const char *params[] = {number, abuf};
    memset(p, 0, sizeof *p);
    return store_query_row(s,
                           "SELECT id, encode(pin_salt, 'hex'), encode(pin_hash, 'hex'),"
                           " pin_iterations, pin_locked_at IS NOT NULL FROM liaison"
                           " WHERE number = $1 AND agency_id = $2::int AND active FOR UPDATE",
                           2, params, pin_from_row, p, found);
}

/* One wrong PIN more for liaison $1, locked from the $2nd on: whether it is locked now. */
static const char pin_failed_sql[] =
    "UPDATE liaison SET pin_failures = pin_failures + 1,"
    " pin_locked_at = CASE WHEN pin_locked_at IS NULL"
    "  AND pin_failures + 1 >= $2::int THEN now() ELSE pin_locked_at END"
    " WHERE id = $1::int RETURNING pin_locked_at IS NOT NULL";

int store_pin_failed(struct store *s, int liaison_id, int max_failures, bool *locked)
{
    char ibuf[STORE_NUMBUF], mbuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, liaison_id);
    store_fmt_ll(mbuf, max_failures);
    const char *params[] = {ibuf, mbuf};
    return store_query_bool(s, pin_failed_sql, 2, params, locked);
}

int store_pin_succeeded(struct store *s, int liaison_id)
{
    char ibuf[STORE_NUMBUF];
    store_fmt_ll(ibuf, liaison_id);
    const char *params[] = {ibuf};
    return store_exec(s, "UPDATE liaison SET pin_failures = 0 WHERE id = $1::int", 1, params);
}

/* An operator's change to the active liaison number $2 of agency code $1: it unlocks the liaison
 * and, given a salt and hash (hex) and iterations ($3 to $5; else NULL), sets a new PIN. */
static const char pin_change_sql[] =
    "UPDATE liaison SET pin_salt = coalesce(decode($3, 'hex'), pin_salt),"
    " pin_hash = coalesce(decode($4, 'hex'), pin_hash),"
    " pin_iterations = coalesce($5::int, pin_iterations), pin_failures = 0, pin_locked_at = NULL"
    " WHERE number = $2 AND active AND agency_id = (SELECT id FROM agency WHERE code = upper($1))"
    " RETURNING 1";

int store_pin_set(struct store *s, const char *code, const char *number, const unsigned char *salt,
                  int iterations, const unsigned char *hash, bool *found)
{
    char salt_hex[2 * PIN_SALT_BYTES + 1], hash_hex[2 * PIN_HASH_BYTES + 1], ibuf[STORE_NUMBUF];
    to_hex(salt, PIN_SALT_BYTES, salt_hex);
    to_hex(hash, PIN_HASH_BYTES, hash_hex);
    store_fmt_ll(ibuf, iterations);
    const char *params[] = {code, number, salt_hex, hash_hex, ibuf};
    return store_query_any(s, pin_change_sql, 5, params, found);
}

int store_pin_unlock(struct store *s, const char *code, const char *number, bool *found)
{
    const char *params[] = {code, number, NULL, NULL, NULL};
    return store_query_any(s, pin_change_sql, 5, params, found);
}

int store_pin_mask(struct store *s, long long msg_id)
{
    char mbuf[STORE_NUMBUF];
    store_fmt_ll(mbuf, msg_id);
    const char *params[] = {mbuf, PIN_SQL_PATTERN};
    return store_exec(
        s,
        "WITH m AS (UPDATE sms_in SET text = regexp_replace(text, $2, '\\1****', 'gi')"
        "  WHERE id = $1::bigint)"
        " UPDATE sms_part SET text = regexp_replace(text, $2, '\\1****', 'gi'),"
        " raw = NULL WHERE sms_in_id = $1::bigint",
        2, params);
}
