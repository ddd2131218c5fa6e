/*
 * recovery: the ladder of steps that brings back a modem that stopped answering or keeps
 * failing. Each failure in a row takes the next, stronger step; a step the modem cannot do (a
 * hard reset, with libGammu's AT driver) is passed over from then on; the last step repeats (with
 * the daemon's back-off) until the modem works again, which sets the ladder back to its foot. Pure
 * bookkeeping: the daemon carries the steps out.
 */
#ifndef LAPOR_RECOVERY_H
#define LAPOR_RECOVERY_H

#include <stdbool.h>

enum recovery_step {
    RECOVERY_NONE = 0,   /* the modem works */
    RECOVERY_RECONNECT,  /* close libGammu's connection and open it again */
    RECOVERY_SOFT_RESET, /* GSM_Reset, soft: libGammu's AT driver sends AT+CFUN=1,1 */
    RECOVERY_HARD_RESET, /* GSM_Reset, hard, for drivers that have one (the AT driver has not) */
    RECOVERY_REOPEN,     /* a new worker opens the device afresh, by its stable path */
};

struct recovery {
    enum recovery_step step;          /* the step being taken; RECOVERY_NONE when all is well */
    int failures;                     /* failures in a row */
    bool cannot[RECOVERY_REOPEN + 1]; /* steps this modem said it cannot do */
    int recoveries;                   /* times the modem came back after failing */
    enum recovery_step last_worked;   /* the step after which it last came back */
    long long last_worked_at;         /* epoch seconds, 0 when never */
};

void recovery_init(struct recovery *r);

/* The modem failed (again): returns the step to take now. */
enum recovery_step recovery_failed(struct recovery *r);

/* The modem cannot do step (a reset it does not support): the next stronger one, taken now. */
enum recovery_step recovery_cannot(struct recovery *r, enum recovery_step step);

/* The modem worked (a whole listing read, a part sent). True when this ends a recovery. */
bool recovery_worked(struct recovery *r, long long now_s);

/* "reconnect", "soft reset", "hard reset", "reopen", "" for RECOVERY_NONE. */
const char *recovery_step_name(enum recovery_step step);

#endif
