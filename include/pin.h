/*
 * pin: a liaison's PIN, the optional second proof of a TL or SELESAI (confirm.mechanism "pin" or
 * "both"). Where it is in a command's text, and its salted, stretched hash (PBKDF2-HMAC-SHA256
 * from libcrypto: a PIN has few digits, so a hash that leaked must be slow to search). Pure
 * module: libc and libcrypto only. Callers wipe a PIN with explicit_bzero once done with it.
 */
#ifndef LAPOR_PIN_H
#define LAPOR_PIN_H

#include <stdbool.h>
#include <stddef.h>

#define PIN_MIN_DIGITS 4
#define PIN_MAX_DIGITS 8
#define PIN_SALT_BYTES 16
#define PIN_HASH_BYTES 32
/* The stretching of a new hash; each hash keeps its own count, so this may grow later. */
#define PIN_ITERATIONS 100000

/* Whether pin is PIN_MIN_DIGITS to PIN_MAX_DIGITS decimal digits and nothing else. */
bool pin_well_formed(const char *pin);

/*
 * Whether a TL or SELESAI's text (after its ticket) begins with its PIN: the word PIN in any case,
 * then ':', '#' or spaces, then the digits, then a space or the end. A PIN masked in the stored
 * message ("PIN ****") is found too, with pin set to "". *skip is the length of all that and the
 * spaces after it, so that the text relayed to the citizen never holds the PIN. False, with pin
 * "" and *skip 0, when the text does not begin with one.
 */
bool pin_split(const char *text, size_t len, char pin[PIN_MAX_DIGITS + 1], size_t *skip);

/* Fills salt with random bytes. 0, or -1 when the kernel gave none. */
int pin_new_salt(unsigned char salt[PIN_SALT_BYTES]);

/* The hash of pin under salt and iterations. 0, or -1 (libcrypto refused). */
int pin_hash(const char *pin, const unsigned char *salt, size_t salt_len, int iterations,
             unsigned char hash[PIN_HASH_BYTES]);

/* Whether pin hashes to hash under salt and iterations; compared in constant time. */
bool pin_matches(const char *pin, const unsigned char *salt, size_t salt_len, int iterations,
                 const unsigned char *hash, size_t hash_len);

/* The regular expression (PostgreSQL's) that finds a PIN in a stored text, its first group being
 * what comes before the digits: the store masks what pin_split reads. */
#define PIN_SQL_PATTERN "(\\mPIN[\\s:#]*)[0-9]{4,8}(?![0-9])"

#endif
