/*
 * intake: turns the parts waiting on the modem into stored messages, complaints and queued
 * replies. A part is deleted from the modem only after the transaction that stored it committed.
 */
#ifndef LAPOR_INTAKE_H
#define LAPOR_INTAKE_H

#include "conf.h"
#include "modem.h"
#include "store.h"

enum intake_result {
    INTAKE_IDLE = 0,   /* nothing was waiting */
    INTAKE_WORKED = 1, /* parts were taken in; there may be more */
    /* Nothing more in this listing, which had taken parts in: more may have come meanwhile. */
    INTAKE_LISTED = 2,
    INTAKE_MODEM_ERROR = -1, /* the modem failed: reconnect it */
    INTAKE_DB_ERROR = -2,    /* the database failed: nothing was deleted from the modem */
};

struct intake;

/* The intake keeps pointers to all three; they must outlive it. */
struct intake *intake_new(const struct conf *c, struct store *s, struct modem *m);
void intake_free(struct intake *in);

/* Reads up to the configured batch of parts, stores them in one transaction, then deletes them. */
enum intake_result intake_poll(struct intake *in);

/* Makes complaints of multipart messages whose parts stopped coming. 0, or -1 on a database
 * error. */
int intake_expire(struct intake *in);

/* How many messages libGammu could not decode (and skipped) since the last call: they stay on
 * the modem until a rescue takes them off. */
int intake_undecodable_seen(struct intake *in);

/* Starts the next poll from the modem's first location (after a reconnect). */

void intake_restart(struct intake *in);

#endif
