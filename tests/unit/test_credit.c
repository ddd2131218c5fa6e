/*
 * Unit tests for credit: the amount read from operators' USSD answers by a pattern, with
 * thousands separators and decimals told apart, and patterns refused at load time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "credit.h"

static const struct {
    const char *pattern; /* NULL: the default */
    const char *answer;
    int rc;
    double amount;
} cases[] = {
    {NULL, "Sisa pulsa Anda Rp 12.500 berlaku s.d. 31-12-2026", 0, 12500},
    {NULL, "Pulsa: Rp12.345. Aktif s/d 01/01/2027", 0, 12345},
    {NULL, "Saldo Rp. 1.234.567,50 masa aktif 30 hari", 0, 1234567.5},
    {NULL, "Your balance is RP 5000.", 0, 5000},
    {NULL, "Credit 1,234.5 IDR", -1, 0},
    {"Credit ([0-9.,]+) IDR", "Credit 1,234.5 IDR", 0, 1234.5},
    {"Sisa pulsa ([0-9]+)", "Sisa pulsa 7000", 0, 7000},
    {NULL, "Maaf, layanan sedang sibuk", -1, 0},
    {NULL, "Rp ,", -1, 0},
};

static void test_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double amount = -1;
        const char *pattern = cases[i].pattern ? cases[i].pattern : CREDIT_DEFAULT_PATTERN;
        int rc = credit_parse(pattern, cases[i].answer, &amount);
        if (rc != cases[i].rc || (rc == 0 && amount != cases[i].amount)) {
            fail_msg("'%s': got %d, %f", cases[i].answer, rc, amount);
        }
    }
}

static void test_patterns(void **state)
{
    (void)state;
    assert_null(credit_pattern_error(CREDIT_DEFAULT_PATTERN));
    assert_non_null(credit_pattern_error("Rp [0-9]+"));  /* no group */
    assert_non_null(credit_pattern_error("Rp ([0-9]+")); /* not a pattern */
}

static void test_low(void **state)
{
    (void)state;
    struct credit_state c = {.known = true, .amount = 9999};
    assert_true(credit_low(&c, 10000));
    assert_false(credit_low(&c, 0));
    c.amount = 10000;
    assert_false(credit_low(&c, 10000));
    c.known = false;
    c.amount = 0;
    assert_false(credit_low(&c, 10000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_low),
    };
    return cmocka_run_group_tests(tests, 0, NULL);
}
