/*
 * store_check: the figures `lapor-smsctl check` and status's exit code judge: each daemon's
 * state and its modem's, and the reply queue.
 */
#ifndef LAPOR_STORE_CHECK_H
#define LAPOR_STORE_CHECK_H

#include <stddef.h>

#include "check.h"
#include "store.h"

/* Every daemon that ever beat, by instance, in a calloc'd *modems (free it); stale_after_s is
 * the heartbeat age after which a daemon that did not stop cleanly counts as down. */
int store_check_modems(struct store *s, int stale_after_s, struct check_modem **modems,
                       size_t *count);
/* The age of the oldest queued reply and the replies that failed. */
int store_check_queues(struct store *s, struct check_queues *q);

#endif
