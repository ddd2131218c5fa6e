/*
 * modem_wire_batch: the worker's answer to a read-ahead, filled with read records as the modem
 * gives them and sent as few messages: when one is full, with the last record, and by a timer
 * thread once its first record has waited WIRE_HOLD_MS, however long the modem then takes over
 * its next read. So the daemon wakes once for many parts, and never waits on a part read.
 */
#ifndef LAPOR_MODEM_WIRE_BATCH_H
#define LAPOR_MODEM_WIRE_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "modem.h"

struct wire_batch;

/* A batch sending on fd, with its timer thread. NULL when memory or threads run out. */
struct wire_batch *wire_batch_new(int fd);
/* Stops the timer thread; what was held and not sent is dropped (the caller ends it last). */
void wire_batch_free(struct wire_batch *b);

/* Begins an answer of messages of type op. */
void wire_batch_begin(struct wire_batch *b, uint32_t op);
/* Adds a read record; with last, sends what is held. 0, or -1 when the daemon is gone. */
int wire_batch_add(struct wire_batch *b, enum modem_read_result result,
                   const struct modem_part *part, bool last);

#endif
