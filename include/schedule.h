/*
 * schedule: when the main loop does its next thing. The back-off between attempts at the database
 * and the modem, the quick looks at the modem after messages came, the replies held while the
 * modem worker reads ahead, and the nap until something is due: arithmetic only, no clock of its
 * own (the caller passes the time), so that it can be tested alone.
 */
#ifndef LAPOR_SCHEDULE_H
#define LAPOR_SCHEDULE_H

#include <stdbool.h>

/* Back-off between reconnection attempts: doubles from the first to the cap. */
#define SCHEDULE_BACKOFF_FIRST_MS 1000
#define SCHEDULE_BACKOFF_CAP_MS 30000
/* A look at the modem that finds nothing is followed by the next one after the poll interval,
 * except just after messages came: then after an eighth of it, a quarter, a half, and only from
 * the fourth empty look on the whole interval. Messages arriving in a stream (a campaign) with
 * gaps between them would otherwise wait a whole interval each time a look falls into a gap; a
 * quiet modem costs three more looks after each burst. */
#define SCHEDULE_QUICK_LOOKS 3
#define SCHEDULE_QUICK_LOOK_MIN_MS 50
/* While the modem worker reads ahead (a backlog on the SIM, or the end of a listing), a reply
 * would wait for the whole read-ahead, and the intake behind the reply. Replies wait for the
 * read-ahead instead, but go out at least this often, so that a long backlog still sends replies
 * while the SIM is emptied first (a full SIM refuses citizens' messages). */
#define SCHEDULE_REPLIES_HOLD_MAX_MS 1000
/* The longest nap, short enough for the watchdog's pings whatever the poll interval. */
#define SCHEDULE_NAP_MAX_MS 5000

/* One thing the daemon connects to, with its back-off. */
struct link {
    const char *name;
    bool up;
    long long next_try_ms;
    long long delay_ms;
};

/* Down, to be tried at once. */
void schedule_link_init(struct link *l, const char *name);
/* Down: the next attempt after the current delay, which then doubles up to the cap. Returns the
 * wait before that next attempt. */
long long schedule_link_failed(struct link *l, long long now_ms);
/* Up: the back-off starts from the first delay again. */
void schedule_link_ok(struct link *l);

/* Whether a chore done every every_ms is due at now_ms; if so, its next time is set. */
bool schedule_due(long long *next_ms, long long now_ms, long long every_ms);

/* Counts one more empty look in a row, only as far as it matters for the wait. */
void schedule_empty_look(int *empty_looks);
/* How long after the empty_looks-th empty look in a row the modem is looked at again. */
long long schedule_empty_look_wait_ms(long long poll_interval_ms, int empty_looks);

/* Whether replies wait this round because the modem worker is reading ahead. held_since_ms
 * remembers since when they have been waiting (0: they are not). */
bool schedule_hold_replies(long long *held_since_ms, bool reading_ahead, long long now_ms);

/* The nap until the soonest of n due times, at most longest_ms and SCHEDULE_NAP_MAX_MS; 0 or
 * less when one is due already. */
long long schedule_nap_ms(long long longest_ms, const long long *due_ms, int n, long long now_ms);

#endif
