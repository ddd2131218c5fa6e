/*
 * schedule: the main loop's timing arithmetic (see schedule.h).
 */
#include "schedule.h"

void schedule_link_init(struct link *l, const char *name)
{
    *l = (struct link){name, false, 0, SCHEDULE_BACKOFF_FIRST_MS};
}

long long schedule_link_failed(struct link *l, long long now_ms)
{
    long long wait = l->delay_ms;
    l->up = false;
    l->next_try_ms = now_ms + wait;
    l->delay_ms *= 2;
    if (l->delay_ms > SCHEDULE_BACKOFF_CAP_MS) {
        l->delay_ms = SCHEDULE_BACKOFF_CAP_MS;
    }
    return wait;
}

void schedule_link_ok(struct link *l)
{
    l->up = true;
    l->delay_ms = SCHEDULE_BACKOFF_FIRST_MS;
}

bool schedule_due(long long *next_ms, long long now_ms, long long every_ms)
{
    if (now_ms < *next_ms) {
        return false;
    }
    *next_ms = now_ms + every_ms;
    return true;
}

void schedule_empty_look(int *empty_looks)
{
    if (*empty_looks <= SCHEDULE_QUICK_LOOKS) {
        (*empty_looks)++;
    }
}

long long schedule_empty_look_wait_ms(long long poll_interval_ms, int empty_looks)
{
    long long wait = poll_interval_ms;
    for (int i = empty_looks; i <= SCHEDULE_QUICK_LOOKS; i++) {
        wait /= 2;
    }
    if (wait < SCHEDULE_QUICK_LOOK_MIN_MS) {
        wait = poll_interval_ms < SCHEDULE_QUICK_LOOK_MIN_MS ? poll_interval_ms
                                                             : SCHEDULE_QUICK_LOOK_MIN_MS;
    }
    return wait;
}

bool schedule_hold_replies(long long *held_since_ms, bool reading_ahead, long long now_ms)
{
    bool hold = false;
    if (reading_ahead) {
        if (*held_since_ms == 0) {
            *held_since_ms = now_ms;
        }
        hold = now_ms - *held_since_ms < SCHEDULE_REPLIES_HOLD_MAX_MS;
    }
    if (!hold) {
        *held_since_ms = 0;
    }
    return hold;
}

long long schedule_nap_ms(long long longest_ms, const long long *due_ms, int n, long long now_ms)
{
    long long wait = longest_ms;
    for (int i = 0; i < n; i++) {
        if (due_ms[i] - now_ms < wait) {
            wait = due_ms[i] - now_ms;
        }
    }
    return wait > SCHEDULE_NAP_MAX_MS ? SCHEDULE_NAP_MAX_MS : wait;
}
