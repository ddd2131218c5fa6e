/*
 * modem_deadline: how long the daemon waits for its modem worker's answer to one request. The
 * request has timeout_ms; each word from the worker that the modem answered gives it timeout_ms
 * again, counted from that answer, but never more than MODEM_DEADLINE_STRETCH times timeout_ms
 * in all: a slow modem that answers every command is not taken for a hung one, a silent one is
 * still given up on after timeout_ms, and no request waits without end.
 *
 * Pure module: libc only. Times are proc_now_ms() values (CLOCK_MONOTONIC, the same in the
 * daemon and its worker).
 */
#ifndef LAPOR_MODEM_DEADLINE_H
#define LAPOR_MODEM_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>

#define MODEM_DEADLINE_STRETCH 6

struct modem_deadline {
    long long at;    /* when the request is given up */
    long long limit; /* the latest at may become */
    int timeout_ms;
};

/* A request sent at now_ms. */
void modem_deadline_start(struct modem_deadline *d, int timeout_ms, long long now_ms);

/* The modem answered at answered_ms (told at now_ms: a time later than now_ms counts as now_ms).
 * The deadline never moves earlier. */
void modem_deadline_answered(struct modem_deadline *d, long long answered_ms, long long now_ms);

/* Why a worker that missed the deadline is given up, for the log: "no answer within 10 s", or,
 * at the limit, "not done within 60 s though the modem answers". */
void modem_deadline_describe(const struct modem_deadline *d, char *buf, size_t cap);

#endif
