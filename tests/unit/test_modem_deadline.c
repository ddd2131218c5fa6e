/*
 * Unit tests for modem_deadline: each answer of the modem gives the request its timeout again,
 * counted from the answer, never earlier than before and never past six times the timeout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "modem_deadline.h"

/* A silent modem: given up timeout after the start, in those words. */
static void test_silent(void **state)
{
    (void)state;
    struct modem_deadline d;
    char why[96];
    modem_deadline_start(&d, 10000, 1000);
    assert_int_equal(d.at, 11000);
    modem_deadline_describe(&d, why, sizeof why);
    assert_string_equal(why, "no answer within 10 s");
}

/* Each answer counts from when it was given, even when read later; a word older than the
 * deadline's last move does not move it back; a time in the future counts as now. */
static void test_answers(void **state)
{
    (void)state;
    struct modem_deadline d;
    modem_deadline_start(&d, 10000, 0);
    modem_deadline_answered(&d, 4000, 9000);
    assert_int_equal(d.at, 14000);
    modem_deadline_answered(&d, 2000, 9500);
    assert_int_equal(d.at, 14000);
    modem_deadline_answered(&d, 99000, 12000);
    assert_int_equal(d.at, 22000);
}

/* A modem that answers every 0.8 s keeps the request alive up to six timeouts, no further. */
static void test_bounded(void **state)
{
    (void)state;
    struct modem_deadline d;
    char why[96];
    modem_deadline_start(&d, 10000, 0);
    for (long long t = 800; t < 200000; t += 800) {
        modem_deadline_answered(&d, t, t);
        assert_true(d.at <= 60000);
    }
    assert_int_equal(d.at, 60000);
    modem_deadline_describe(&d, why, sizeof why);
    assert_string_equal(why, "not done within 60 s though the modem answers");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
