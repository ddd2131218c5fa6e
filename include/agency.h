/*
 * agency: complaints to the agencies that must act on them. Routing a ticket records it (status,
 * history, NOTIFY on channel 'lapor_ticket') and queues a forward SMS to each liaison of the
 * agency; overdue tickets get a reminder to their liaisons at most once a day. Used by the
 * daemon's intake and by the operators' tool, always inside the caller's transaction.
 */
#ifndef LAPOR_AGENCY_H
#define LAPOR_AGENCY_H

#include "conf.h"
#include "store.h"

/* Routes ticket seq to agency_id and queues the forwards. 0 or -1 (store_error() says why). */
int agency_route(struct store *s, const struct conf *c, long long seq, int agency_id,
                 const char *actor, const char *reason);

/* Queues today's reminders for overdue routed tickets; *sent gets how many tickets. 0 or -1. */
int agency_remind(struct store *s, const struct conf *c, int *sent);

/*
 * Cuts valid UTF-8 text to at most room characters as they will travel: GSM 7-bit septets when the
 * text is GSM 7-bit, UTF-16 units otherwise; never inside a character, "..." added when cut.
 * Returns a malloc'd string.
 */
char *agency_cut(const char *utf8, long room, bool gsm7);

#endif
