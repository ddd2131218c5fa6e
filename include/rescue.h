/*
 * rescue: takes off the SIM the messages that libGammu's decoder cannot read (it dies, hangs or
 * refuses them), for when the modem worker keeps failing while reading. The SIM is listed
 * without libGammu's decoder; each such message is stored as an undecodable message (raw bytes
 * kept; no complaint, no reply), and only then deleted from the SIM. Good messages are left for
 * the normal reading.
 */
#ifndef LAPOR_RESCUE_H
#define LAPOR_RESCUE_H

#include <stddef.h>

#include "modem.h"
#include "store.h"

/* Returns how many messages were taken off, or -1 with a reason in err (nothing is deleted that
 * was not stored). instance names the daemon's modem in what is stored. */
int rescue_take_off(struct store *s, struct modem *m, const char *instance, char *err,
                    size_t errcap);

#endif
