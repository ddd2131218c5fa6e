/*
 * reply: the replies one transaction queues. They are filled from the configuration's templates,
 * held in memory and written in one statement before the commit (or before anything reads the
 * outbox), instead of one statement each. The intake owns the queue; the modules that know what a
 * message means (citizen, agency) add to it and never call back into the intake.
 */
#ifndef LAPOR_REPLY_H
#define LAPOR_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "store.h"

/* The values a reply template may take; unused ones stay NULL. */
struct reply_values {
    long long seq;      /* the ticket's sequence number, 0 when none */
    const char *status; /* the ticket's status label */
    const char *agency; /* the agency's code */
    const char *text;   /* an agency's text relayed */
    const char *code;   /* a confirmation code */
    int minutes;        /* how long the code is good for, 0 when none */
};

struct reply_queue {
    struct store *store;     /* where the replies go, in the caller's transaction */
    const struct conf *conf; /* the templates, the reply budget and this daemon's instance */
    struct store_outbox_row *rows;
    size_t n, cap;
};

/* A message read, as the modules that act on it see it: its replies go to queue, and the store
 * and configuration they work in are the queue's. */
struct reply_to {
    struct reply_queue *queue;
    long long msg_id;
    const char *sender; /* normalised */
    bool replyable;     /* a mobile number that sent plain text: it may be answered */
    bool confirmed;     /* its sender has answered the code: a command that changes a ticket acts */
};

/* The queue keeps both pointers; they must outlive it. */
void reply_queue_init(struct reply_queue *q, struct store *s, const struct conf *c);
void reply_queue_free(struct reply_queue *q);

/* Forgets the replies not yet written (their transaction is rolled back). */
void reply_queue_discard(struct reply_queue *q);

/* Writes the replies queued so far, in one statement. 0, or -1 (store_error() says why). */
int reply_queue_flush(struct reply_queue *q);

/* Replies queued to destination and not yet written: a budget counts them as if they were. */
int reply_queue_count_to(const struct reply_queue *q, const char *destination);

/* Fills template tmpl and queues it to destination, with no budget asked: for replies that are
 * asked for, or whose budget was looked at already. 0, or -1 without memory. */
int reply_queue_add(struct reply_queue *q, long long msg_id, long long complaint_id,
                    const char *destination, const char *kind, const char *tmpl,
                    const struct reply_values *v);

/* Queues the message named kind to destination, as reply_queue_add does, unless destination has
 * used up its reply budget (then nothing is queued). 0, or -1 on a database error. */
int reply_within_budget(struct reply_queue *q, long long msg_id, long long complaint_id,
                        const char *destination, const char *kind, const char *tmpl,
                        const struct reply_values *v);

/*
 * Queues the reply named kind (a template of the configuration) to the message's sender, unless
 * the sender may not be answered (not a mobile number, not plain text) or has used up its reply
 * budget. Every message is stored whatever happens here. 0, or -1 on a database error.
 */
int reply_answer(const struct reply_to *to, long long complaint_id, const char *kind,
                 const char *tmpl, const struct reply_values *v);

#endif
