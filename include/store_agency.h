/*
 * store_agency: what routing and follow-ups read and write: tickets, the agencies and their
 * liaisons, routing a complaint, the daily reminders of overdue tickets, and the configured
 * holidays.
 */
#ifndef LAPOR_STORE_AGENCY_H
#define LAPOR_STORE_AGENCY_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* A ticket as routing and follow-ups need it. */
struct store_ticket {
    long long seq;
    char status[32];
    char sender[64];
    char *text;    /* malloc'd; free it */
    int agency_id; /* 0 when not routed */
    char agency[32];
    bool confidential;
};
int store_ticket_get(struct store *s, long long seq, struct store_ticket *t, bool *found);

/* Routes complaint seq to agency_id (route_complaint() in the schema: status, history, NOTIFY). */
int store_complaint_route(struct store *s, long long seq, int agency_id, const char *actor,
                          const char *reason);

/* The active liaisons' numbers of an agency; *numbers is malloc'd (free each, then it). */
int store_liaisons(struct store *s, int agency_id, char ***numbers, size_t *n);

/* Whether number is an active liaison of agency_id, or of any agency when agency_id is 0. */
int store_is_liaison(struct store *s, const char *number, int agency_id, bool *yes);

/* The agency with this code; *id is 0 when there is none. */
int store_agency_id(struct store *s, const char *code, int *id);

/* Claims today's reminders of overdue routed tickets (at most one per ticket per day, across all
 * daemons); *seqs and *agencies are malloc'd. */
int store_reminders_due(struct store *s, long long **seqs, int **agencies, size_t *n);

/* Makes the holiday table's 'config' rows those of csv ("YYYY-MM-DD,..."). */
int store_holidays_sync(struct store *s, const char *csv);

#endif
