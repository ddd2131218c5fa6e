/*
 * store_outbox: the queue of replies. Replies are queued, claimed under a lease by one daemon,
 * their parts begun and concluded in one statement per batch, settled after a lost connection,
 * and claims of daemons that went away taken back, so that no part goes twice.
 */
#ifndef LAPOR_STORE_OUTBOX_H
#define LAPOR_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* A reply to queue; see store_outbox_add. */
struct store_outbox_row {
    long long complaint_id; /* 0 for none */
    long long msg_id;       /* 0 for none */
    const char *kind;
    char *destination;
    char *text;
};
/* Queues n replies in one statement, as n calls of store_outbox_add would. */
int store_outbox_add_many(struct store *s, const struct store_outbox_row *rows, size_t n,
                          const char *via_instance);
/* Queues a reply. With msg_id set, a second reply of the same kind to the same message is
 * silently not added. */
int store_outbox_add(struct store *s, long long complaint_id, long long msg_id, const char *kind,
                     const char *destination, const char *text, const char *via_instance);

struct store_reply {
    long long id;
    char *destination;
    char *text;
    int concat_ref;
    int attempts;
    unsigned long long sent; /* bit i-1 set for each part i an earlier attempt sent (1..64) */
};

/* Claims up to limit queued replies for owner, leased for lease_s seconds. Replies received
 * through another instance's modem are taken only after grace_s. */
int store_outbox_claim(struct store *s, const char *owner, const char *instance, int lease_s,
                       int grace_s, int limit, struct store_reply **out, size_t *n);
void store_replies_free(struct store_reply *r, size_t n);

/* How owner's claim on a reply ends: SENT; RETRY (queued again after retry_delay_s, or 'failed'
 * when attempts reached max_attempts); UNKNOWN (a part's outcome is not known: never sent again
 * by itself); RELEASE (not started: queued again without counting the attempt). */
enum store_reply_end {
    STORE_REPLY_SENT,
    STORE_REPLY_RETRY,
    STORE_REPLY_UNKNOWN,
    STORE_REPLY_RELEASE
};

struct store_part_result {
    long long id;       /* the reply */
    int seq;            /* the part */
    const char *status; /* "sent", "failed" or "unknown" */
    int msg_ref;        /* -1 when none */
    const char *error;  /* or NULL */
};
struct store_reply_result {
    long long id;
    enum store_reply_end end;
    int parts;
    int retry_delay_s;
    int max_attempts;
    const char *error; /* or NULL */
};
/*
 * Writes down the outcomes done[0 .. n_done) and records part seq of reply id (of parts parts) as
 * about to be handed to the modem, in one statement. *begun is false when the part was not begun:
 * owner lost the reply's lease, or the part is already under way, sent or unknown.
 */
int store_outbox_part_begin(struct store *s, const char *owner, const char *instance,
                            const struct store_part_result *done, size_t n_done, long long id,
                            int seq, int parts, bool *begun);

/* Records the parts' outcomes and ends the replies' claims, all in one statement. */
int store_outbox_conclude(struct store *s, const char *owner, const struct store_part_result *p,
                          size_t np, const struct store_reply_result *r, size_t nr);

/*
 * After a part's outcome could not be recorded at once (the database went away): records it,
 * then settles its reply: 'sent' when all its parts are sent, otherwise queued again for the parts
 * still to go, unless another part's outcome is open. A reply already judged 'unknown' by a
 * recovery is put right too.
 */
int store_outbox_settle(struct store *s, long long id, const char *owner, int seq,
                        const char *status, int msg_ref, int parts);

/*
 * Takes back claims whose lease ran out, and claims of earlier processes of this instance (their
 * owner starts with "instance:" but is not owner), and with own also owner's (after a lost
 * connection, when this process has nothing in flight): a reply with a part in flight becomes
 * 'unknown', any other is queued again.
 */
int store_outbox_recover(struct store *s, const char *owner, const char *instance, bool own,
                         int *requeued, int *unknown);

#endif
