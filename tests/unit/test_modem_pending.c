/*
 * Unit tests for modem_pending: the answers owed are taken in the order they were asked, each
 * checked against what it may account for, and a read-ahead's parts are handed out in order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "modem_pending.h"

static struct modem_pending q;
static unsigned char payload[4 * WIRE_RECORD_MAX];

/* A read-ahead answer of n records, parts at locations from on, then result last (unless it is
 * MODEM_READ_PART too). */
static struct wire_msg ahead_answer(int n, int from, enum modem_read_result last)
{
    struct modem_part part;
    size_t pos = 0;
    memset(&part, 0, sizeof part);
    for (int i = 0; i < n; i++) {
        part.location = from + i;
        enum modem_read_result r = i + 1 == n ? last : MODEM_READ_PART;
        assert_int_equal(wire_put_record(payload, sizeof payload, &pos, r, &part), 0);
    }
    return (struct wire_msg){.op = WIRE_READ_AHEAD, .arg = {n, 0, 0}, .len = (uint32_t)pos};
}

static void expect_part(int location)
{
    enum modem_read_result r;
    struct modem_part part;
    assert_true(modem_pending_next_part(&q, &r, &part));
    assert_int_equal(r, MODEM_READ_PART);
    assert_int_equal(part.location, location);
}

/* Three parts in two answers, handed out in order; the request is settled by the last one. */
static void test_ahead_in_order(void **state)
{
    (void)state;
    modem_pending_forget(&q);
    assert_int_equal(modem_pending_ahead_room(&q, 3), 0);
    modem_pending_push(&q, PENDING_AHEAD, 3);
    assert_true(q.ahead_owed);
    assert_true(modem_pending_awaiting_part(&q));
    struct wire_msg h = ahead_answer(2, 10, MODEM_READ_PART);
    assert_null(modem_pending_take_ahead(&q, &h, payload));
    assert_false(modem_pending_awaiting_part(&q));
    assert_int_equal(q.count, 1);
    h = ahead_answer(1, 12, MODEM_READ_PART);
    assert_null(modem_pending_take_ahead(&q, &h, payload));
    assert_int_equal(q.count, 0);
    assert_false(q.ahead_owed);
    expect_part(10);
    expect_part(11);
    expect_part(12);
    enum modem_read_result r;
    struct modem_part part;
    assert_false(modem_pending_next_part(&q, &r, &part));

    /* Parts dropped unread are never handed out. */
    assert_int_equal(modem_pending_ahead_room(&q, 2), 0);
    modem_pending_push(&q, PENDING_AHEAD, 2);
    h = ahead_answer(2, 20, MODEM_READ_PART);
    assert_null(modem_pending_take_ahead(&q, &h, payload));
    modem_pending_drop_parts(&q);
    assert_false(modem_pending_next_part(&q, &r, &part));
    modem_pending_free(&q);
}

/* The end of the listing settles a read-ahead early; a record after it, more records than owed,
 * or bytes left over make the answer wrong. */
static void test_ahead_checked(void **state)
{
    (void)state;
    modem_pending_forget(&q);
    assert_int_equal(modem_pending_ahead_room(&q, 4), 0);
    modem_pending_push(&q, PENDING_AHEAD, 4);
    struct wire_msg h = ahead_answer(2, 1, MODEM_READ_END);
    assert_null(modem_pending_take_ahead(&q, &h, payload));
    assert_int_equal(q.count, 0);

    modem_pending_forget(&q);
    modem_pending_push(&q, PENDING_AHEAD, 4);
    h = ahead_answer(3, 1, MODEM_READ_PART);
    h.arg[0] = 5;
    assert_string_equal(modem_pending_take_ahead(&q, &h, payload), "answered out of turn");
    h = ahead_answer(3, 1, MODEM_READ_END);
    h.arg[0] = 2;
    assert_string_equal(modem_pending_take_ahead(&q, &h, payload), "sent a malformed message part");
    modem_pending_forget(&q);
    modem_pending_push(&q, PENDING_AHEAD, 4);
    h = ahead_answer(3, 1, MODEM_READ_END);
    h.arg[0] = 4;
    assert_string_equal(modem_pending_take_ahead(&q, &h, payload), "sent a malformed message part");
    modem_pending_free(&q);
}

/* Removals are accounted for in any number of answers, each naming its failures; an answer
 * that accounts for more than is owed, or whose failures do not match its payload, is wrong. */
static void test_removals(void **state)
{
    (void)state;
    int done, failed;
    modem_pending_forget(&q);
    modem_pending_push(&q, PENDING_REMOVE, 5);
    modem_pending_push(&q, PENDING_AHEAD, 1);
    assert_int_equal(modem_pending_next_kind(&q), PENDING_REMOVE);
    struct wire_msg h = {.op = WIRE_REMOVE, .arg = {3, 1, 0}, .len = sizeof(int32_t)};
    assert_null(modem_pending_take_removed(&q, &h, &done, &failed));
    assert_int_equal(done, 3);
    assert_int_equal(failed, 1);
    assert_int_equal(modem_pending_next_kind(&q), PENDING_REMOVE);
    h = (struct wire_msg){.op = WIRE_REMOVE, .arg = {3, 0, 0}};
    assert_string_equal(modem_pending_take_removed(&q, &h, &done, &failed), "answered out of turn");
    h = (struct wire_msg){.op = WIRE_REMOVE, .arg = {2, 1, 0}};
    assert_string_equal(modem_pending_take_removed(&q, &h, &done, &failed), "answered out of turn");
    h = (struct wire_msg){.op = WIRE_REMOVE, .arg = {2, 0, 0}};
    assert_null(modem_pending_take_removed(&q, &h, &done, &failed));
    assert_int_equal(q.count, 1);
    assert_int_equal(modem_pending_next_kind(&q), PENDING_AHEAD);
    assert_true(q.ahead_owed);
}

/* The ring holds PENDING_MAX requests and wraps around. */
static void test_ring(void **state)
{
    (void)state;
    int done, failed;
    modem_pending_forget(&q);
    for (int round = 0; round < 3; round++) {
        while (!modem_pending_full(&q)) {
            modem_pending_push(&q, PENDING_REMOVE, 1);
        }
        struct wire_msg h = {.op = WIRE_REMOVE, .arg = {1, 0, 0}};
        for (int i = 0; i < PENDING_MAX / 2; i++) {
            assert_null(modem_pending_take_removed(&q, &h, &done, &failed));
        }
        assert_int_equal(q.count, PENDING_MAX / 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ahead_in_order),
        cmocka_unit_test(test_ahead_checked),
        cmocka_unit_test(test_removals),
        cmocka_unit_test(test_ring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
