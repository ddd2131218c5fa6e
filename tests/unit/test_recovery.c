/*
 * Unit tests for recovery: the ladder climbs one step per failure, passes over the steps a modem
 * cannot do (for good), stays on its last step, and goes back to its foot when the modem works.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "recovery.h"

static void test_climbs_one_step_per_failure(void **state)
{
    (void)state;
    struct recovery r;
    recovery_init(&r);
    assert_int_equal(r.step, RECOVERY_NONE);
    assert_int_equal(recovery_failed(&r), RECOVERY_RECONNECT);
    assert_int_equal(recovery_failed(&r), RECOVERY_SOFT_RESET);
    assert_int_equal(recovery_failed(&r), RECOVERY_HARD_RESET);
    assert_int_equal(recovery_failed(&r), RECOVERY_REOPEN);
    assert_int_equal(recovery_failed(&r), RECOVERY_REOPEN);
    assert_int_equal(r.failures, 5);
}

static void test_passes_over_what_the_modem_cannot(void **state)
{
    (void)state;
    struct recovery r;
    recovery_init(&r);
    assert_int_equal(recovery_failed(&r), RECOVERY_RECONNECT);
    assert_int_equal(recovery_failed(&r), RECOVERY_SOFT_RESET);
    assert_int_equal(recovery_cannot(&r, RECOVERY_SOFT_RESET), RECOVERY_HARD_RESET);
    assert_true(recovery_worked(&r, 100));
    assert_int_equal(r.last_worked, RECOVERY_HARD_RESET);
    /* Next time the soft reset is not offered again. */
    assert_int_equal(recovery_failed(&r), RECOVERY_RECONNECT);
    assert_int_equal(recovery_failed(&r), RECOVERY_HARD_RESET);
    assert_int_equal(recovery_cannot(&r, RECOVERY_HARD_RESET), RECOVERY_REOPEN);
    assert_int_equal(recovery_failed(&r), RECOVERY_REOPEN);
    /* Reopening cannot be refused: it is the step that always remains. */
    assert_int_equal(recovery_cannot(&r, RECOVERY_REOPEN), RECOVERY_REOPEN);
}

static void test_working_sets_it_back(void **state)
{
    (void)state;
    struct recovery r;
    recovery_init(&r);
    assert_false(recovery_worked(&r, 5)); /* nothing to recover from */
    assert_int_equal(r.recoveries, 0);
    recovery_failed(&r);
    recovery_failed(&r);
    assert_true(recovery_worked(&r, 42));
    assert_int_equal(r.step, RECOVERY_NONE);
    assert_int_equal(r.failures, 0);
    assert_int_equal(r.recoveries, 1);
    assert_int_equal(r.last_worked, RECOVERY_SOFT_RESET);
    assert_int_equal(r.last_worked_at, 42);
    assert_false(recovery_worked(&r, 43));
    assert_int_equal(recovery_failed(&r), RECOVERY_RECONNECT);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(recovery_step_name(RECOVERY_NONE), "");
    assert_string_equal(recovery_step_name(RECOVERY_RECONNECT), "reconnect");
    assert_string_equal(recovery_step_name(RECOVERY_SOFT_RESET), "soft reset");
    assert_string_equal(recovery_step_name(RECOVERY_HARD_RESET), "hard reset");
    assert_string_equal(recovery_step_name(RECOVERY_REOPEN), "reopen");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_climbs_one_step_per_failure),
        cmocka_unit_test(test_passes_over_what_the_modem_cannot),
        cmocka_unit_test(test_working_sets_it_back),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
