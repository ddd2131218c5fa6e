/*
 * Unit tests for schedule: the back-off doubles up to its cap and starts over once connected, the
 * looks after messages come quicker, replies wait for a read-ahead only so long, and the nap ends
 * when the soonest thing is due.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "schedule.h"

static void test_backoff_doubles_to_the_cap(void **state)
{
    (void)state;
    struct link l;
    schedule_link_init(&l, "database");
    assert_false(l.up);
    assert_int_equal(l.next_try_ms, 0);
    assert_int_equal(schedule_link_failed(&l, 100), 1000);
    assert_int_equal(l.next_try_ms, 1100);
    long long waits[] = {2000, 4000, 8000, 16000, 30000, 30000};
    for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
        assert_int_equal(schedule_link_failed(&l, 0), waits[i]);
    }
    schedule_link_ok(&l);
    assert_true(l.up);
    assert_int_equal(schedule_link_failed(&l, 0), 1000);
    assert_false(l.up);
}

static void test_due_sets_the_next_time(void **state)
{
    (void)state;
    long long next = 0;
    assert_true(schedule_due(&next, 500, 1000));
    assert_int_equal(next, 1500);
    assert_false(schedule_due(&next, 1499, 1000));
    assert_int_equal(next, 1500);
    assert_true(schedule_due(&next, 1500, 1000));
    assert_int_equal(next, 2500);
}

static void test_quick_looks_after_messages(void **state)
{
    (void)state;
    int looks = 0;
    long long waits[] = {125, 250, 500, 1000, 1000};
    for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
        schedule_empty_look(&looks);
        assert_int_equal(schedule_empty_look_wait_ms(1000, looks), waits[i]);
    }
    assert_int_equal(looks, SCHEDULE_QUICK_LOOKS + 1);
    /* Never quicker than the minimum, unless the poll interval itself is shorter. */
    assert_int_equal(schedule_empty_look_wait_ms(200, 1), SCHEDULE_QUICK_LOOK_MIN_MS);
    assert_int_equal(schedule_empty_look_wait_ms(20, 1), 20);
}

static void test_replies_held_only_so_long(void **state)
{
    (void)state;
    long long since = 0;
    assert_false(schedule_hold_replies(&since, false, 100));
    assert_true(schedule_hold_replies(&since, true, 100));
    assert_int_equal(since, 100);
    assert_true(schedule_hold_replies(&since, true, 100 + SCHEDULE_REPLIES_HOLD_MAX_MS - 1));
    assert_false(schedule_hold_replies(&since, true, 100 + SCHEDULE_REPLIES_HOLD_MAX_MS));
    assert_int_equal(since, 0);
    assert_true(schedule_hold_replies(&since, true, 5000));
    assert_false(schedule_hold_replies(&since, false, 5001));
    assert_int_equal(since, 0);
}

static void test_nap_until_the_soonest(void **state)
{
    (void)state;
    long long due[] = {1700, 1300, 2000};
    assert_int_equal(schedule_nap_ms(1000, due, 3, 1000), 300);
    assert_int_equal(schedule_nap_ms(200, due, 3, 1000), 200);
    assert_int_equal(schedule_nap_ms(60000, NULL, 0, 1000), SCHEDULE_NAP_MAX_MS);
    long long overdue[] = {900};
    assert_int_equal(schedule_nap_ms(1000, overdue, 1, 1000), -100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_to_the_cap),
        cmocka_unit_test(test_due_sets_the_next_time),
        cmocka_unit_test(test_quick_looks_after_messages),
        cmocka_unit_test(test_replies_held_only_so_long),
        cmocka_unit_test(test_nap_until_the_soonest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
