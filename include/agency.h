/*
 * agency: the agencies that act on complaints, and their liaisons. Routing a ticket records it
 * (status, history, NOTIFY on channel 'lapor_ticket') and queues a forward SMS to each liaison of
 * the agency; overdue tickets get a reminder to their liaisons at most once a day; a liaison's
 * TL / SELESAI moves the ticket on and is relayed to the citizen. Used by the daemon's intake and
 * main loop and by the operators' tool, always inside the caller's transaction.
 */
#ifndef LAPOR_AGENCY_H
#define LAPOR_AGENCY_H

#include <stdbool.h>

#include "conf.h"
#include "grammar.h"
#include "reply.h"
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

/*
 * TL and SELESAI (g says which), from an active liaison of some agency (the caller has asked: from
 * anyone else they are a complaint). Only a liaison of the agency the ticket is routed to moves it
 * on, never out of withdrawn or archived, and only once their number has answered its code
 * (module confirm; to->confirmed): their words then go to the citizen, within the citizen's reply
 * budget, and they get a confirmation. Any other liaison's attempt
 * changes nothing and is kept in the ticket's history as refused; a liaison is told when the
 * ticket number is missing, not valid, or names no ticket. 0, or -1 on a database error.
 */
int agency_followup(const struct reply_to *to, const struct grammar_result *g);

#endif
