/*
 * Unit tests for pin: where a PIN is in a command's text (and where it is not), and that its
 * hash opens with the right PIN only, under its own salt.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "pin.h"

/* One text after a ticket: the PIN it carries ("" masked or none), and what is left of it. */
static const struct {
    const char *text;
    bool found;
    const char *pin;
    const char *rest;
} split_cases[] = {
    {"PIN 4321 Petugas datang", true, "4321", "Petugas datang"},
    {"pin:12345678", true, "12345678", ""},
    {"Pin #  987654\n sudah beres", true, "987654", "sudah beres"},
    {"PIN **** Petugas datang", true, "", "Petugas datang"},
    {"PIN 123 terlalu pendek", false, "", "PIN 123 terlalu pendek"},
    {"PIN 123456789 terlalu panjang", false, "", "PIN 123456789 terlalu panjang"},
    {"PIN 4321x bukan pin", false, "", "PIN 4321x bukan pin"},
    {"PINTU air rusak 4321", false, "", "PINTU air rusak 4321"},
    {"Petugas datang PIN 4321", false, "", "Petugas datang PIN 4321"},
    {"", false, "", ""},
};

static void test_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof split_cases / sizeof split_cases[0]; i++) {
        char pin[PIN_MAX_DIGITS + 1];
        size_t skip;
        const char *t = split_cases[i].text;
        bool found = pin_split(t, strlen(t), pin, &skip);
        if (found != split_cases[i].found || strcmp(pin, split_cases[i].pin) != 0 ||
            strcmp(t + skip, split_cases[i].rest) != 0) {
            fail_msg("\"%s\": found %d, pin \"%s\", rest \"%s\"", t, found, pin, t + skip);
        }
    }
}

static void test_well_formed(void **state)
{
    (void)state;
    assert_true(pin_well_formed("0000"));
    assert_true(pin_well_formed("12345678"));
    assert_false(pin_well_formed("123"));
    assert_false(pin_well_formed("123456789"));
    assert_false(pin_well_formed("12a4"));
    assert_false(pin_well_formed(""));
}

static void test_hash(void **state)
{
    (void)state;
    unsigned char salt[PIN_SALT_BYTES], other[PIN_SALT_BYTES], hash[PIN_HASH_BYTES];
    unsigned char again[PIN_HASH_BYTES];
    assert_int_equal(pin_new_salt(salt), 0);
    assert_int_equal(pin_new_salt(other), 0);
    assert_memory_not_equal(salt, other, sizeof salt);
    assert_int_equal(pin_hash("4321", salt, sizeof salt, 1000, hash), 0);
    assert_true(pin_matches("4321", salt, sizeof salt, 1000, hash, sizeof hash));
    assert_false(pin_matches("4322", salt, sizeof salt, 1000, hash, sizeof hash));
    assert_false(pin_matches("4321", other, sizeof other, 1000, hash, sizeof hash));
    assert_false(pin_matches("4321", salt, sizeof salt, 1001, hash, sizeof hash));
    assert_false(pin_matches("4321", salt, sizeof salt, 1000, hash, sizeof hash - 1));
    /* The same PIN under another salt hashes to something else. */
    assert_int_equal(pin_hash("4321", other, sizeof other, 1000, again), 0);
    assert_memory_not_equal(hash, again, sizeof hash);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_well_formed),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
