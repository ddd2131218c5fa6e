/*
 * modem_deadline: the deadline of one request to the modem worker; see include/modem_deadline.h.
 */
#include "modem_deadline.h"

#include <stdio.h>

void modem_deadline_start(struct modem_deadline *d, int timeout_ms, long long now_ms)
{
    d->timeout_ms = timeout_ms;
    d->at = now_ms + timeout_ms;
    d->limit = now_ms + (long long)timeout_ms * MODEM_DEADLINE_STRETCH;
}

void modem_deadline_answered(struct modem_deadline *d, long long answered_ms, long long now_ms)
{
    long long later = (answered_ms < now_ms ? answered_ms : now_ms) + d->timeout_ms;
    if (later > d->limit) {
        later = d->limit;
    }
    if (later > d->at) {
        d->at = later;
    }
}

void modem_deadline_describe(const struct modem_deadline *d, char *buf, size_t cap)
{
    if (d->at >= d->limit) {
        snprintf(buf, cap, "not done within %d s though the modem answers",
                 d->timeout_ms / 1000 * MODEM_DEADLINE_STRETCH);
    } else {
        snprintf(buf, cap, "no answer within %d s", d->timeout_ms / 1000);
    }
}
