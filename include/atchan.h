/*
 * atchan: a short AT dialogue with a modem, without libGammu: used to take a message that kills
 * libGammu's decoder off the SIM. Speaks to a serial device, or to a program on its standard
 * input and output (libGammu's "proxyat" connection, which is how modem simulators plug in).
 */
#ifndef LAPOR_ATCHAN_H
#define LAPOR_ATCHAN_H

#include <stddef.h>

#include "modem.h"

struct atchan;

/* Opens the channel for a libGammu connection name ("at", "at115200", "proxyat", ...) and
 * device. NULL with a reason in err. */
struct atchan *atchan_open(const char *connection, const char *device, char *err, size_t errcap);
void atchan_close(struct atchan *ch);

/* Sends cmd and collects the answer lines (echo dropped) until OK or an error; 0 on OK, -1 on an
 * error or when no final answer came within timeout_ms. */
int atchan_command(struct atchan *ch, const char *cmd, int timeout_ms, char *answer, size_t cap);

/* Prepares PDU mode and the SIM storage, then lists every stored message (AT+CMGL=4) as raw
 * PDUs. *items is malloc'd. 0, or -1 with a reason in err. */
int atchan_list(struct atchan *ch, struct modem_raw **items, size_t *n, char *err, size_t errcap);

/* AT+CMGD=index. 0 on OK. */
int atchan_delete(struct atchan *ch, int index);

#endif
