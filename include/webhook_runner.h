/*
 * webhook_runner: the daemon's webhook sender, a thread of its own with its own database
 * connection, so that a slow or dead endpoint never holds up intake or replies. It claims due
 * events (store_webhook.h), POSTs them (webhook_http.h), at most webhook.concurrency at once and
 * webhook.per_agency to one agency, and records each outcome. A request still in flight when the
 * daemon stops is abandoned; its lease runs out and it is delivered again (at least once).
 */
#ifndef LAPOR_WEBHOOK_RUNNER_H
#define LAPOR_WEBHOOK_RUNNER_H

#include "conf.h"

struct webhook_runner;

/* Starts the sender, unless the configuration turns it off (NULL then, as when it cannot start,
 * which is logged: the daemon goes on without it). Call from the main thread, before any other
 * thread is started. */
struct webhook_runner *webhook_runner_start(const struct conf *c);
/* Stops the sender and waits for its thread; NULL does nothing. */
void webhook_runner_stop(struct webhook_runner *r);

#endif
