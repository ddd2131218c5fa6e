/*
 * outbox: sends queued replies through the modem, exactly once. Each reply is claimed with a
 * lease; each part is recorded as under way before it is handed to the modem and as sent after,
 * so that a crash in between leaves an 'unknown' reply for operators instead of a second SMS.
 */
#ifndef LAPOR_OUTBOX_H
#define LAPOR_OUTBOX_H

#include "conf.h"
#include "modem.h"
#include "store.h"

enum outbox_result {
    OUTBOX_IDLE = 0,         /* nothing to send */
    OUTBOX_WORKED = 1,       /* replies were handled; there may be more */
    OUTBOX_MODEM_ERROR = -1, /* the modem failed: reconnect it */
    OUTBOX_DB_ERROR = -2,    /* the database failed */
};

struct outbox;

/* owner names this process in leases: "instance:pid:start". */
struct outbox *outbox_new(const struct conf *c, struct store *s, struct modem *m,
                          const char *owner);
void outbox_free(struct outbox *o);

/* Claims and sends up to limit replies. */
enum outbox_result outbox_run(struct outbox *o, int limit);

/* Takes back expired claims and those of this instance's earlier processes; with own, this
 * process's too (after the database connection was lost). 0 or -1. */
int outbox_recover(struct outbox *o, bool own);

/* Delay before attempt number attempts+1: first_delay doubled per attempt, capped. */
int outbox_retry_delay(const struct conf_retry *r, int attempts);

#endif
