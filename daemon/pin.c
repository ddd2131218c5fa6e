/* pin: see pin.h. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "pin.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

bool pin_well_formed(const char *pin)
{
    size_t n = strspn(pin, "0123456789");
    return pin[n] == '\0' && n >= PIN_MIN_DIGITS && n <= PIN_MAX_DIGITS;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool pin_split(const char *text, size_t len, char pin[PIN_MAX_DIGITS + 1], size_t *skip)
{
    pin[0] = '\0';
    *skip = 0;
    if (len < 3 || strncasecmp(text, "PIN", 3) != 0) {
        return false;
    }
    size_t i = 3;
    while (i < len && (is_space(text[i]) || text[i] == ':' || text[i] == '#')) {
        i++;
    }
    size_t start = i;
    bool masked = i < len && text[i] == '*';
    while (i < len && (masked ? text[i] == '*' : text[i] >= '0' && text[i] <= '9')) {
        i++;
    }
    size_t n = i - start;
    if (n < PIN_MIN_DIGITS || n > PIN_MAX_DIGITS || (i < len && !is_space(text[i]))) {
        return false;
    }
    if (!masked) {
        memcpy(pin, text + start, n);
        pin[n] = '\0';
    }
    while (i < len && is_space(text[i])) {
        i++;
    }
    *skip = i;
    return true;
}

int pin_new_salt(unsigned char salt[PIN_SALT_BYTES])
{
    return getrandom(salt, PIN_SALT_BYTES, 0) == PIN_SALT_BYTES ? 0 : -1;
}

int pin_hash(const char *pin, const unsigned char *salt, size_t salt_len, int iterations,
             unsigned char hash[PIN_HASH_BYTES])
{
    if (iterations < 1 || salt_len > (size_t)__INT_MAX__) {
        return -1;
    }
    return PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, (int)salt_len, iterations, EVP_sha256(),
                             PIN_HASH_BYTES, hash) == 1
               ? 0
               : -1;
}

bool pin_matches(const char *pin, const unsigned char *salt, size_t salt_len, int iterations,
                 const unsigned char *hash, size_t hash_len)
{
    unsigned char mine[PIN_HASH_BYTES];
    bool same = hash_len == PIN_HASH_BYTES && pin_well_formed(pin) &&
                pin_hash(pin, salt, salt_len, iterations, mine) == 0 &&
                CRYPTO_memcmp(mine, hash, PIN_HASH_BYTES) == 0;
    explicit_bzero(mine, sizeof mine);
    return same;
}
