/*
 * modem_trace: libGammu's trace put together into lines, and the PDU it shows; see
 * include/modem_trace.h.
 */
#include "modem_trace.h"

#include <string.h>

#include "modem_conf.h"
#include "pdu.h"

/* Who hears of the modem's answers (modem_trace_on_answer). */
static void (*answer_fn)(void *arg);
static void *answer_arg;

void modem_trace_on_answer(void (*fn)(void *arg), void *arg)
{
    answer_fn = fn;
    answer_arg = arg;
}

void modem_trace_init(struct modem_trace *t)
{
    t->len = 0;
    t->pdu_next = false;
    t->pdu_len = -1;
}

void modem_trace_forget(struct modem_trace *t)
{
    t->pdu_next = false;
    t->pdu_len = -1;
}

/* Keeps the PDU of a line: bare hex, or quoted after the line's number (3 "0791..."). A line that
 * is not hex leaves no PDU. */
static void take_pdu(struct modem_trace *t, const char *line)
{
    const char *start = strchr(line, '"');
    start = start != NULL ? start + 1 : line;
    size_t n = strcspn(start, "\"");
    char hex[2 * MODEM_RAW_MAX + 1];
    t->pdu_len = -1;
    if (n < sizeof hex) {
        memcpy(hex, start, n);
        hex[n] = '\0';
        t->pdu_len = pdu_from_hex(hex, t->pdu, sizeof t->pdu);
    }
}

/* A whole line: an answer from the modem; the PDU when one is due, else whether this line
 * announces one. */
static void look_at(struct modem_trace *t, const char *line)
{
    if (answer_fn != NULL && strncmp(line, "RECEIVED frame", 14) == 0) {
        answer_fn(answer_arg);
    }
    if (t->pdu_next) {
        t->pdu_next = false;
        take_pdu(t, line);
    } else if (strcmp(line, "Getting message from cache") == 0) {
        t->pdu_next = true;
    } else {
        size_t digits = strspn(line, "0123456789");
        t->pdu_next = digits > 0 && strncmp(line + digits, " \"+CMGR: ", 9) == 0;
    }
}

void modem_trace_feed(struct modem_trace *t, const char *text,
                      void (*each_line)(const char *line, void *data), void *data)
{
    for (const char *p = text; *p != '\0'; p++) {
        /* A line too long for the buffer is cut into pieces, none of which is a PDU that fits. */
        if (*p == '\n' || t->len + 1 >= sizeof t->line) {
            t->line[t->len] = '\0';
            if (t->len > 0) {
                look_at(t, t->line);
                if (each_line != NULL) {
                    each_line(t->line, data);
                }
            }
            /* The trace shows every AT command, AT+CPIN's PIN among them: no line outlives its
             * reading. */
            modem_conf_wipe(t->line, t->len);
            t->len = 0;
            if (*p == '\n') {
                continue;
            }
        }
        t->line[t->len++] = *p;
    }
}
