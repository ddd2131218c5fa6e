/*
 * reply: the replies a transaction queues, written together before its commit.
 */
#include "reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msisdn.h"
#include "store_intake.h"
#include "store_outbox.h"
#include "template.h"
#include "ticket.h"

void reply_queue_init(struct reply_queue *q, struct store *s, const struct conf *c)
{
    *q = (struct reply_queue){.store = s, .conf = c};
}

void reply_queue_free(struct reply_queue *q)
{
    reply_queue_discard(q);
    free(q->rows);
    q->rows = NULL;
    q->cap = 0;
}

void reply_queue_discard(struct reply_queue *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->rows[i].destination);
        free(q->rows[i].text);
    }
    q->n = 0;
}

int reply_queue_flush(struct reply_queue *q)
{
    if (q->n == 0) {
        return 0;
    }
    int rc = store_outbox_add_many(q->store, q->rows, q->n, q->conf->instance);
    reply_queue_discard(q);
    return rc;
}

int reply_queue_count_to(const struct reply_queue *q, const char *destination)
{
    int n = 0;
    for (size_t i = 0; i < q->n; i++) {
        n += strcmp(q->rows[i].destination, destination) == 0;
    }
    return n;
}

/* Makes room for one more row. 0, or -1 without memory. */
static int make_room(struct reply_queue *q)
{
    if (q->n < q->cap) {
        return 0;
    }
    size_t ncap = q->cap ? q->cap * 2 : 64;
    struct store_outbox_row *rows = realloc(q->rows, ncap * sizeof *rows);
    if (rows == NULL) {
        return -1;
    }
    q->rows = rows;
    q->cap = ncap;
    return 0;
}

int reply_queue_add(struct reply_queue *q, long long msg_id, long long complaint_id,
                    const char *destination, const char *kind, const char *tmpl,
                    const struct reply_values *v)
{
    char ticket_str[TICKET_MAX_DIGITS + 1] = "";
    if (v->seq > 0) {
        snprintf(ticket_str, sizeof ticket_str, "%" PRIu64, ticket_from_seq((uint64_t)v->seq));
    }
    char minutes_str[16] = "";
    if (v->minutes > 0) {
        snprintf(minutes_str, sizeof minutes_str, "%d", v->minutes);
    }
    const char *names[] = {"ticket", "status", "agency", "text", "code", "minutes"};
    const char *values[] = {ticket_str,
                            v->status ? v->status : "",
                            v->agency ? v->agency : "",
                            v->text ? v->text : "",
                            v->code ? v->code : "",
                            minutes_str};
    size_t cap = strlen(tmpl) + 64 + (v->text ? strlen(v->text) : 0) + 256;
    char *text = malloc(cap);
    if (text == NULL) {
        return -1;
    }
    if (template_fill(tmpl, names, values, sizeof names / sizeof names[0], text, cap) < 0) {
        /* The configuration check makes this impossible; still, never lose the message. */
        log_err("the '%s' template cannot be filled; message %lld gets no reply", kind, msg_id);
        free(text);
        return 0;
    }
    char *dest = make_room(q) == 0 ? strdup(destination) : NULL;
    if (dest == NULL) {
        free(text);
        return -1;
    }
    q->rows[q->n++] = (struct store_outbox_row){complaint_id, msg_id, kind, dest, text};
    return 0;
}

int reply_within_budget(struct reply_queue *q, long long msg_id, long long complaint_id,
                        const char *destination, const char *kind, const char *tmpl,
                        const struct reply_values *v)
{
    bool within;
    /* The budget counts the outbox's rows: those queued so far are written first. */
    if (reply_queue_flush(q) != 0 ||
        store_reply_budget(q->store, destination, q->conf->replies.budget,
                           q->conf->replies.budget_window_s, &within) != 0) {
        return -1;
    }
    if (!within) {
        char numbuf[MSISDN_MAX];
        log_info("message %lld: no %s to %s, the number's reply budget is spent", msg_id, kind,
                 log_number(destination, numbuf, sizeof numbuf));
        return 0;
    }
    return reply_queue_add(q, msg_id, complaint_id, destination, kind, tmpl, v);
}

int reply_answer(const struct reply_to *to, long long complaint_id, const char *kind,
                 const char *tmpl, const struct reply_values *v)
{
    if (!to->replyable) {
        char numbuf[MSISDN_MAX];
        log_info("message %lld from %s: no reply (not a mobile number, or not plain text)",
                 to->msg_id, log_number(to->sender, numbuf, sizeof numbuf));
        return 0;
    }
    return reply_within_budget(to->queue, to->msg_id, complaint_id, to->sender, kind, tmpl, v);
}
