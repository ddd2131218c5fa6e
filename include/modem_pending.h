/*
 * modem_pending: the daemon's account of the requests it sent its modem worker without waiting
 * for their answers: a read-ahead while a batch is stored, and the removals after its commit.
 * The worker answers in the order it was asked, each answer accounting for several parts; this
 * module keeps what is still owed, in that order, checks each such answer against it, and holds
 * the parts a read-ahead gave until they are handed out. modem_proxy does the talking.
 *
 * Pure module: libc only.
 */
#ifndef LAPOR_MODEM_PENDING_H
#define LAPOR_MODEM_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modem.h"
#include "modem_wire.h"

enum pending_kind { PENDING_AHEAD, PENDING_REMOVE };

/* More than batch_size's largest value (1000) plus a read-ahead. */
#define PENDING_MAX 1024

struct modem_pending {
    struct pending {
        enum pending_kind kind;
        int left; /* parts read or removed still to be accounted for */
    } ring[PENDING_MAX];
    size_t first, count; /* the requests owed an answer: ring[first] onwards */
    bool ahead_owed;     /* a PENDING_AHEAD is among them */
    /* What the read-ahead gave, not yet handed out: ahead[ahead_first] onwards. */
    struct ahead_item {
        enum modem_read_result result;
        struct modem_part part;
    } * ahead;
    size_t ahead_cap, ahead_first, ahead_count;
};

/* Forgets every answer owed and every part held: the worker that owed them is gone. */
void modem_pending_forget(struct modem_pending *q);
/* Frees what the parts held took; q is empty afterwards. */
void modem_pending_free(struct modem_pending *q);

/* Whether no further request can be owed until an answer is collected. */
bool modem_pending_full(const struct modem_pending *q);
/* A request of kind sent, owed answers for left parts; the caller made sure q is not full. */
void modem_pending_push(struct modem_pending *q, enum pending_kind kind, int left);
/* The kind of the answer owed first (q owes one). */
enum pending_kind modem_pending_next_kind(const struct modem_pending *q);

/* Makes room to hold the parts of a read-ahead of max parts. 0, or -1 when memory runs out. */
int modem_pending_ahead_room(struct modem_pending *q, int max);

/* Takes the read record at payload + *pos (len bytes in all) as wire_take_record does, a result
 * the daemon does not know counting as MODEM_READ_ERROR. 0, or -1 when it is malformed. */
int modem_pending_take_record(const unsigned char *payload, size_t len, size_t *pos,
                              enum modem_read_result *result, struct modem_part *part);

/* Takes a read-ahead answer h (payload after it) into the parts held. NULL, or what is wrong
 * with it, for the log: the worker is to be ended then. */
const char *modem_pending_take_ahead(struct modem_pending *q, const struct wire_msg *h,
                                     const unsigned char *payload);

/* Takes a removal answer h, whose payload lists the locations (int32_t each) of the *failed
 * removals among those it accounts for; *done is how many it accounts for. NULL, or what is
 * wrong with it: the worker is to be ended then. */
const char *modem_pending_take_removed(struct modem_pending *q, const struct wire_msg *h, int *done,
                                       int *failed);

/* Whether a read-ahead is owed and none of its parts is held yet: the next read waits for it. */
bool modem_pending_awaiting_part(const struct modem_pending *q);
/* Drops the parts held, unread: a new enumeration starts, or a failed removal makes the listing
 * stale. */
void modem_pending_drop_parts(struct modem_pending *q);

/* Hands out the next part held: false when none is. */
bool modem_pending_next_part(struct modem_pending *q, enum modem_read_result *result,
                             struct modem_part *part);

#endif
