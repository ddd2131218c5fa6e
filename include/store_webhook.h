/*
 * store_webhook: the webhook queue in the database (sql/007_webhook.sql,
 * sql/repeatable/70_webhook_queue.sql): agencies' webhooks as operators set them, the events the
 * senders claim and conclude, and the lists operators read.
 */
#ifndef LAPOR_STORE_WEBHOOK_H
#define LAPOR_STORE_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* One claimed event, ready to be POSTed (every string malloc'd). */
struct webhook_delivery {
    long long id;
    char *event_id;
    int agency_id;
    char *url;
    char *secret;
    bool allow_http;
    char *payload;
    int attempts; /* this one included */
};

/* How failed deliveries are tried again: conf_webhook's figures. */
struct webhook_retry_policy {
    int max_attempts;
    int first_delay_s;
    int max_delay_s;
};

/* Claims up to limit due events for owner (lease_s seconds), at most per_agency in flight per
 * agency, in one transaction of its own; *out (to free with store_webhook_deliveries_free) holds
 * *count of them, oldest first. */
int store_webhook_claim(struct store *s, const char *owner, int limit, int per_agency, int lease_s,
                        struct webhook_delivery **out, size_t *count);
void store_webhook_deliveries_free(struct webhook_delivery *d, size_t count);

/* Records one delivery's outcome: ok, or tried again later (or failed) under policy. code is the
 * HTTP status, 0 when none came; error NULL when ok. */
int store_webhook_done(struct store *s, long long id, const char *owner, bool ok, int code,
                       const char *error, const struct webhook_retry_policy *policy);

/* Sets (or replaces) the webhook of the agency with code; *found false when no such agency. */
int store_webhook_set(struct store *s, const char *code, const char *url, const char *secret,
                      bool allow_http, bool *found);
/* Removes the agency's webhook and cancels its undelivered events; *removed false when it had
 * none. */
int store_webhook_remove(struct store *s, const char *code, bool *removed);
/* An event failed (or cancelled) queued again at once, with its attempts counted afresh, and its
 * agency's back-off ended; or an undelivered event cancelled. *changed false when the event is
 * not in a state that allows it. */
int store_webhook_retry(struct store *s, long long id, bool *changed);
int store_webhook_cancel(struct store *s, long long id, bool *changed);

/* "webhooks" (the agencies' webhooks, the secret shown only by its first characters and length,
 * and their queues) or "events" (param: a status, or NULL for all; the newest first), as JSON or
 * as text lines (malloc'd). */
int store_webhook_report(struct store *s, const char *name, const char *param, bool json,
                         char **out);

#endif
