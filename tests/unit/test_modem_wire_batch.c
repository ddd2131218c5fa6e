/*
 * Unit tests for modem_wire_batch: a read-ahead's records reach the daemon whole and in order,
 * the last one at once, a full message without waiting, and a record held back goes out on its
 * own when no other follows (the timer thread), instead of waiting for the next read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "modem_wire.h"
#include "modem_wire_batch.h"

struct pair {
    int fd[2];
    struct wire_batch *b;
    unsigned char *buf;
    struct modem_part *part;
};

static int setup(void **state)
{
    struct pair *p = calloc(1, sizeof *p);
    assert_non_null(p);
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p->fd), 0);
    int size = WIRE_MAX * 4;
    setsockopt(p->fd[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    setsockopt(p->fd[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    p->b = wire_batch_new(p->fd[1]);
    p->buf = malloc(WIRE_MAX);
    p->part = calloc(1, sizeof *p->part);
    assert_non_null(p->b);
    assert_non_null(p->buf);
    assert_non_null(p->part);
    wire_batch_begin(p->b, WIRE_READ_AHEAD);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;
    wire_batch_free(p->b);
    close(p->fd[0]);
    close(p->fd[1]);
    free(p->buf);
    free(p->part);
    free(p);
    return 0;
}

/* The next message within timeout_ms: its record count, its records' locations in locs (the
 * result's negative for a record without a part). -1 when none came. */
static int next_message(struct pair *p, int timeout_ms, int *locs, int max)
{
    struct pollfd pfd = {.fd = p->fd[0], .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) != 1) {
        return -1;
    }
    ssize_t got = recv(p->fd[0], p->buf, WIRE_MAX, 0);
    struct wire_msg h;
    assert_true(got >= (ssize_t)sizeof h);
    memcpy(&h, p->buf, sizeof h);
    assert_int_equal(h.op, WIRE_READ_AHEAD);
    assert_int_equal(sizeof h + h.len, (size_t)got);
    assert_true(h.arg[0] >= 1 && h.arg[0] <= max);
    size_t pos = 0;
    for (int i = 0; i < h.arg[0]; i++) {
        enum modem_read_result r;
        assert_int_equal(wire_take_record(p->buf + sizeof h, h.len, &pos, &r, p->part), 0);
        locs[i] = r == MODEM_READ_PART ? p->part->location : -(int)r;
    }
    assert_int_equal(pos, h.len);
    return h.arg[0];
}

static int add(struct pair *p, int location, bool last)
{
    p->part->location = location;
    snprintf(p->part->text, sizeof p->part->text, "part %d", location);
    return wire_batch_add(p->b, MODEM_READ_PART, p->part, last);
}

/* Records added in quick succession share a message; the last one ends it at once. */
static void last_sends_all_in_order(void **state)
{
    struct pair *p = *state;
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(add(p, i, i == 5), 0);
    }
    int locs[64], seen = 0, n;
    while (seen < 5 && (n = next_message(p, 5000, locs + seen, 64 - seen)) > 0) {
        seen += n;
    }
    assert_int_equal(seen, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(locs[i], i + 1);
    }
    assert_int_equal(next_message(p, 0, locs, 64), -1);
}

/* A record held while the modem takes long over the next read goes out without it. */
static void held_record_goes_out_alone(void **state)
{
    struct pair *p = *state;
    assert_int_equal(add(p, 7, false), 0);
    int locs[4];
    assert_int_equal(next_message(p, 5000, locs, 4), 1);
    assert_int_equal(locs[0], 7);
    /* And the end of the listing after it comes as a message of its own. */
    assert_int_equal(wire_batch_add(p->b, MODEM_READ_END, NULL, true), 0);
    assert_int_equal(next_message(p, 5000, locs, 4), 1);
    assert_int_equal(locs[0], -(int)MODEM_READ_END);
}

/* Records of the largest size fill a message; the rest follow in order. */
static void full_message_goes_out(void **state)
{
    struct pair *p = *state;
    memset(p->part->text, 'x', sizeof p->part->text - 1);
    p->part->udh_len = sizeof p->part->udh;
    p->part->raw_len = sizeof p->part->raw;
    int total = (int)(2 * (WIRE_MAX / WIRE_RECORD_MAX)) + 3;
    for (int i = 1; i <= total; i++) {
        p->part->location = i;
        assert_int_equal(wire_batch_add(p->b, MODEM_READ_PART, p->part, i == total), 0);
    }
    int *locs = calloc((size_t)total, sizeof *locs);
    assert_non_null(locs);
    int seen = 0, n;
    while (seen < total && (n = next_message(p, 5000, locs + seen, total - seen)) > 0) {
        seen += n;
    }
    assert_int_equal(seen, total);
    for (int i = 0; i < total; i++) {
        assert_int_equal(locs[i], i + 1);
    }
    free(locs);
}

/* The daemon gone: the batch says so. */
static void daemon_gone_is_reported(void **state)
{
    struct pair *p = *state;
    close(p->fd[0]);
    p->fd[0] = socket(AF_UNIX, SOCK_SEQPACKET, 0); /* closed again by teardown */
    assert_int_equal(add(p, 1, true), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(last_sends_all_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(held_record_goes_out_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(full_message_goes_out, setup, teardown),
        cmocka_unit_test_setup_teardown(daemon_gone_is_reported, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
