/*
 * modem_pending: the answers the modem worker still owes; see include/modem_pending.h.
 */
#include "modem_pending.h"

#include <stdlib.h>

static const char out_of_turn[] = "answered out of turn";
static const char malformed[] = "sent a malformed message part";

void modem_pending_forget(struct modem_pending *q)
{
    q->first = 0;
    q->count = 0;
    q->ahead_owed = false;
    q->ahead_first = 0;
    q->ahead_count = 0;
}

void modem_pending_free(struct modem_pending *q)
{
    free(q->ahead);
    q->ahead = NULL;
    q->ahead_cap = 0;
    modem_pending_forget(q);
}

bool modem_pending_full(const struct modem_pending *q)
{
    return q->count == PENDING_MAX;
}

void modem_pending_push(struct modem_pending *q, enum pending_kind kind, int left)
{
    q->ring[(q->first + q->count) % PENDING_MAX] = (struct pending){kind, left};
    q->count++;
    if (kind == PENDING_AHEAD) {
        q->ahead_owed = true;
    }
}

enum pending_kind modem_pending_next_kind(const struct modem_pending *q)
{
    return q->ring[q->first].kind;
}

int modem_pending_ahead_room(struct modem_pending *q, int max)
{
    if ((size_t)max > q->ahead_cap) {
        struct ahead_item *bigger = realloc(q->ahead, (size_t)max * sizeof *bigger);
        if (bigger == NULL) {
            return -1;
        }
        q->ahead = bigger;
        q->ahead_cap = (size_t)max;
    }
    q->ahead_first = 0;
    return 0;
}

int modem_pending_take_record(const unsigned char *payload, size_t len, size_t *pos,
                              enum modem_read_result *result, struct modem_part *part)
{
    if (wire_take_record(payload, len, pos, result, part) != 0) {
        return -1;
    }
    if (*result != MODEM_READ_PART && *result != MODEM_READ_UNDECODABLE &&
        *result != MODEM_READ_END) {
        *result = MODEM_READ_ERROR;
    }
    return 0;
}

/* The first answer owed is complete once it has accounted for all its parts. */
static void settle_first(struct modem_pending *q)
{
    if (q->ring[q->first].left > 0) {
        return;
    }
    if (q->ring[q->first].kind == PENDING_AHEAD) {
        q->ahead_owed = false;
    }
    q->first = (q->first + 1) % PENDING_MAX;
    q->count--;
}

const char *modem_pending_take_ahead(struct modem_pending *q, const struct wire_msg *h,
                                     const unsigned char *payload)
{
    struct pending *first = &q->ring[q->first];
    if (h->arg[0] < 1 || h->arg[0] > first->left) {
        return out_of_turn;
    }
    size_t pos = 0;
    bool ended = false;
    for (int i = 0; i < h->arg[0]; i++) {
        struct ahead_item *at = &q->ahead[q->ahead_first + q->ahead_count];
        if (ended ||
            modem_pending_take_record(payload, h->len, &pos, &at->result, &at->part) != 0) {
            return malformed;
        }
        q->ahead_count++;
        first->left--;
        /* The worker stops reading ahead at the end of the listing or a failure. */
        ended = at->result == MODEM_READ_END || at->result == MODEM_READ_ERROR;
    }
    if (pos != h->len) {
        return malformed;
    }
    if (ended) {
        first->left = 0;
    }
    settle_first(q);
    return NULL;
}

const char *modem_pending_take_removed(struct modem_pending *q, const struct wire_msg *h, int *done,
                                       int *failed)
{
    struct pending *first = &q->ring[q->first];
    *done = h->arg[0];
    *failed = h->arg[1];
    if (*done < 1 || *done > first->left || *failed < 0 || *failed > *done ||
        h->len != (size_t)*failed * sizeof(int32_t)) {
        return out_of_turn;
    }
    first->left -= *done;
    settle_first(q);
    return NULL;
}

bool modem_pending_awaiting_part(const struct modem_pending *q)
{
    return q->ahead_count == 0 && q->ahead_owed;
}

void modem_pending_drop_parts(struct modem_pending *q)
{
    q->ahead_count = 0;
}

bool modem_pending_next_part(struct modem_pending *q, enum modem_read_result *result,
                             struct modem_part *part)
{
    if (q->ahead_count == 0) {
        return false;
    }
    const struct ahead_item *next = &q->ahead[q->ahead_first++];
    q->ahead_count--;
    *result = next->result;
    if (*result == MODEM_READ_PART || *result == MODEM_READ_UNDECODABLE) {
        *part = next->part;
    }
    return true;
}
