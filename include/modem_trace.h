/*
 * modem_trace: libGammu's trace, read as it comes. libGammu 1.42 hands its caller neither an SMS's
 * raw PDU nor the sender's type of address nor TP-PID, and its public API has no way to ask; its
 * AT driver's trace shows the PDU of each message just before decoding it. This module puts the
 * trace's pieces together into lines and keeps that PDU, for modem_gammu.c. The trace also shows
 * each answer the modem sends, from inside the libGammu call that waits for it: that is how the
 * worker process learns that a slow modem is still answering (modem_trace_on_answer).
 *
 * Pure module: libc and pdu only.
 */
#ifndef LAPOR_MODEM_TRACE_H
#define LAPOR_MODEM_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "modem.h"

struct modem_trace {
    char line[2 * MODEM_RAW_MAX + 64]; /* the line being put together */
    size_t len;
    bool pdu_next; /* the next line holds a PDU */
    unsigned char pdu[MODEM_RAW_MAX];
    long pdu_len; /* bytes of the last PDU seen, -1 when none was seen since modem_trace_forget */
};

/* An empty trace, with no PDU seen. */
void modem_trace_init(struct modem_trace *t);

/*
 * Takes one piece of trace (any length, lines ending in '\n'). Each line completed is looked at
 * for a PDU and handed to each_line (may be NULL) with data. A PDU line follows the AT driver's
 * "Getting message from cache" (a listing) or the first line of an AT+CMGR answer, shown as
 * numbered and quoted lines (2 "+CMGR: 0,,29", then 3 "0004...").
 */
void modem_trace_feed(struct modem_trace *t, const char *text,
                      void (*each_line)(const char *line, void *data), void *data);

/*
 * fn(arg) is called for each answer the trace shows coming from the modem (a "RECEIVED frame"
 * line), NULL for none. One for the whole process: a worker process runs one modem.
 */
void modem_trace_on_answer(void (*fn)(void *arg), void *arg);

/* Forgets the PDU seen so far: done before each read, so that what is seen after belongs to it. */
void modem_trace_forget(struct modem_trace *t);

#endif
