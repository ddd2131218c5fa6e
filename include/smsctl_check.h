/*
 * smsctl_check: `lapor-smsctl check`, the Nagios/Icinga plugin (check.h), and the exit code of
 * `lapor-smsctl status`.
 */
#ifndef LAPOR_SMSCTL_CHECK_H
#define LAPOR_SMSCTL_CHECK_H

#include "conf.h"
#include "store.h"

/* status's exit code when every daemon is up with its modem connected, and when one is not. */
#define STATUS_ALL_UP 0
#define STATUS_SOMETHING_DOWN 3

/* `check [--signal-warn N] [--signal-crit N] ...`: prints one line, returns 0 to 3. */
int smsctl_check(const struct conf *c, int argc, char **argv);

/* STATUS_ALL_UP or STATUS_SOMETHING_DOWN after the heartbeats; -1 when the database failed. */
int smsctl_status_code(struct store *s, int stale_after_s);

#endif
