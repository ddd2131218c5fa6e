/* smsctl_pin: see smsctl_pin.h. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "smsctl_pin.h"

#include <stdio.h>
#include <string.h>

#include "pin.h"
#include "smsctl_cli.h"
#include "store_pin.h"

/* Reads one line of standard input into pin, without its line end. 0, or -1 after saying why. */
static int read_pin(char *pin, size_t cap)
{
    if (fgets(pin, (int)cap, stdin) == NULL) {
        fputs("lapor-smsctl: liaison pin reads the PIN from standard input, and it was empty\n",
              stderr);
        return -1;
    }
    pin[strcspn(pin, "\r\n")] = '\0';
    if (!pin_well_formed(pin)) {
        fprintf(stderr, "lapor-smsctl: a PIN is %d to %d digits\n", PIN_MIN_DIGITS, PIN_MAX_DIGITS);
        return -1;
    }
    return 0;
}

/* Commits when rc is 0 and the liaison was found; says what failed otherwise. */
static int finish(struct store *s, int rc, bool found, const char *code, const char *number)
{
    if (rc != 0) {
        rc = store_failed(s);
        store_rollback(s);
        return rc;
    }
    if (!found) {
        store_rollback(s);
        fprintf(stderr, "lapor-smsctl: %s is no active liaison of %s\n", number, code);
        return 1;
    }
    return store_commit(s) != 0 ? store_failed(s) : 0;
}

int smsctl_liaison_pin(struct store *s, const char *code, const char *number)
{
    /* Room for a line too long to be a PIN, so that it is refused rather than cut. */
    char pin[64];
    unsigned char salt[PIN_SALT_BYTES], hash[PIN_HASH_BYTES];
    int rc = read_pin(pin, sizeof pin);
    if (rc == 0 &&
        (pin_new_salt(salt) != 0 || pin_hash(pin, salt, sizeof salt, PIN_ITERATIONS, hash) != 0)) {
        fputs("lapor-smsctl: the PIN could not be hashed\n", stderr);
        rc = -1;
    }
    explicit_bzero(pin, sizeof pin);
    if (rc != 0) {
        return 1;
    }
    bool found = false;
    rc = store_begin(s) != 0 ? -1
                             : store_pin_set(s, code, number, salt, PIN_ITERATIONS, hash, &found);
    explicit_bzero(hash, sizeof hash);
    return finish(s, rc, found, code, number);
}

int smsctl_liaison_unlock(struct store *s, const char *code, const char *number)
{
    bool found = false;
    int rc = store_begin(s) != 0 ? -1 : store_pin_unlock(s, code, number, &found);
    return finish(s, rc, found, code, number);
}
