/*
 * modem_conf: a modem's own copy of its configuration, kept by the libGammu modem and by the proxy
 * that runs it in a worker, the wiping of the PIN that copy holds, and whether the device the
 * configuration names is there.
 *
 * Pure module: libc only.
 */
#ifndef LAPOR_MODEM_CONF_H
#define LAPOR_MODEM_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

/* Copies cfg: its strings duplicated (a missing one as ""), its settings as they are. 0, or -1
 * when memory runs out; modem_conf_free frees the copy either way. */
int modem_conf_copy(struct conf_modem *copy, const struct conf_modem *cfg);

/* Frees a copy's strings, the PIN wiped first. */
void modem_conf_free(struct conf_modem *copy);

/* Overwrites n bytes of a secret (the PIN, or what held it) so that it does not linger in memory
 * that is freed or left. */
void modem_conf_wipe(void *p, size_t n);

/* Whether the modem's device (a serial device, or the dummy driver's folder) does not exist, so
 * that no connection and no reset can bring the modem up until it appears. False for a proxy
 * connection, whose device is a command. */
bool modem_conf_device_missing(const struct conf_modem *cfg);

#endif
