/*
 * store_pin: liaisons' PINs as the database keeps them (salt, hash, wrong attempts, lock), and
 * the masking of a PIN in the message that carried it. The pin module hashes; the liaison_pin
 * module decides.
 */
#ifndef LAPOR_STORE_PIN_H
#define LAPOR_STORE_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "pin.h"
#include "store.h"

/* A liaison's PIN as stored: has_pin is false when none is set. */
struct store_pin {
    int liaison_id;
    bool has_pin;
    bool locked;
    int iterations;
    unsigned char salt[PIN_SALT_BYTES];
    size_t salt_len;
    unsigned char hash[PIN_HASH_BYTES];
    size_t hash_len;
};

/* The PIN of the active liaison number of agency_id, its row locked until the transaction ends;
 * *found is false when there is no such liaison. 0, or -1 (store_error() says why). */
int store_pin_get(struct store *s, const char *number, int agency_id, struct store_pin *p,
                  bool *found);

/* One wrong PIN more for the liaison; *locked tells whether it is locked now, at max_failures. */
int store_pin_failed(struct store *s, int liaison_id, int max_failures, bool *locked);

/* A right PIN: the count of wrong ones starts again. */
int store_pin_succeeded(struct store *s, int liaison_id);

/* Sets (hash, salt and iterations) the PIN of the active liaison number of agency code, which
 * also unlocks it; *found is false when there is no such liaison. */
int store_pin_set(struct store *s, const char *code, const char *number, const unsigned char *salt,
                  int iterations, const unsigned char *hash, bool *found);

/* Unlocks a liaison (an operator's act after wrong PINs); *found as store_pin_set's. */
int store_pin_unlock(struct store *s, const char *code, const char *number, bool *found);

/* Replaces the digits of every PIN in message msg_id (its text and its parts' texts) with '*',
 * and forgets its parts' raw bytes, which hold them too. */
int store_pin_mask(struct store *s, long long msg_id);

#endif
