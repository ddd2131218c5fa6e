/*
 * outbox: queued replies out through the modem, each part at most once.
 */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "log.h"
#include "msisdn.h"

/* Parts one reply may have: the per-reply record of sent parts is a 64-bit mask. */
#define OUTBOX_MAX_PARTS 64

/* A part that went out while its outcome could not be written down: kept until the database is
 * back, so that the reply is not judged 'unknown' for want of a record. One is enough, since a
 * database error ends the run. */
struct unrecorded {
    bool set;
    long long id;
    int seq;
    int msg_ref;
    int parts;
};

struct outbox {
    const struct conf *conf;
    struct store *store;
    struct modem *modem;
    char owner[128];
    struct unrecorded pending;
};

struct outbox *outbox_new(const struct conf *c, struct store *s, struct modem *m, const char *owner)
{
    struct outbox *o = calloc(1, sizeof *o);
    if (o == NULL) {
        return NULL;
    }
    o->conf = c;
    o->store = s;
    o->modem = m;
    snprintf(o->owner, sizeof o->owner, "%s", owner);
    return o;
}

void outbox_free(struct outbox *o)
{
    free(o);
}

int outbox_retry_delay(const struct conf_retry *r, int attempts)
{
    long long delay = r->first_delay_s;
    for (int i = 1; i < attempts && delay < r->max_delay_s; i++) {
        delay *= 2;
    }
    return delay > r->max_delay_s ? r->max_delay_s : (int)delay;
}

/* Sends one claimed reply. Returns 0, or an outbox_result error that stops this run. */
static enum outbox_result send_reply(struct outbox *o, const struct store_reply *r)
{
    const struct conf *c = o->conf;
    char numbuf[MSISDN_MAX];
    const char *masked = log_number(r->destination, numbuf, sizeof numbuf);

    if (!msisdn_is_mobile(r->destination)) {
        /* Never answer a service number or a sender id, whoever queued the reply. */
        log_warn("reply %lld to %s refused: not a mobile number", r->id, masked);
        return store_outbox_finish(o->store, r->id, o->owner, STORE_REPLY_RETRY, 0, 0, 0,
                                   "not a mobile number") == 0
                   ? OUTBOX_WORKED
                   : OUTBOX_DB_ERROR;
    }
    int parts = o->modem->ops->count_parts(o->modem, r->text);
    if (parts < 1 || parts > OUTBOX_MAX_PARTS) {
        log_warn("reply %lld cannot be encoded (%d parts)", r->id, parts);
        return store_outbox_finish(o->store, r->id, o->owner, STORE_REPLY_RETRY, 0, 0, 0,
                                   "cannot be encoded as SMS") == 0
                   ? OUTBOX_WORKED
                   : OUTBOX_DB_ERROR;
    }
    unsigned long long sent;
    if (store_outbox_sent_parts(o->store, r->id, &sent) != 0) {
        return OUTBOX_DB_ERROR;
    }
    for (int i = 1; i <= parts; i++) {
        if (sent & (1ULL << (i - 1))) {
            continue; /* went out in an earlier attempt */
        }
        if (store_outbox_part_begin(o->store, r->id, o->owner, i, c->instance) != 0) {
            if (!store_connected(o->store)) {
                return OUTBOX_DB_ERROR;
            }
            log_warn("reply %lld: %s", r->id, store_error(o->store));
            return OUTBOX_WORKED;
        }
        fault_point("send");
        int msg_ref = -1;
        char err[256] = "";
        enum modem_send_result res = o->modem->ops->send_part(
            o->modem, r->destination, r->text, r->concat_ref, i, &msg_ref, err, sizeof err);
        if (res == MODEM_SEND_OK) {
            fault_point("sent");
            if (store_outbox_part_end(o->store, r->id, i, "sent", msg_ref, NULL) != 0) {
                /* Remembered for when the database is back; should this process die first, the
                 * part stays 'sending' and recovery calls its reply unknown, never resends it. */
                o->pending = (struct unrecorded){true, r->id, i, msg_ref, parts};
                return OUTBOX_DB_ERROR;
            }
            continue;
        }
        if (res == MODEM_SEND_REFUSED) {
            int delay = outbox_retry_delay(&c->retry, r->attempts);
            log_warn("reply %lld to %s, part %d/%d refused (attempt %d of %d): %s", r->id, masked,
                     i, parts, r->attempts, c->retry.max_attempts, err);
            if (store_outbox_part_end(o->store, r->id, i, "failed", -1, err) != 0 ||
                store_outbox_finish(o->store, r->id, o->owner, STORE_REPLY_RETRY, parts, delay,
                                    c->retry.max_attempts, err) != 0) {
                return OUTBOX_DB_ERROR;
            }
            return OUTBOX_WORKED;
        }
        log_warn("reply %lld to %s, part %d/%d: outcome unknown (%s); not sent again by itself",
                 r->id, masked, i, parts, err);
        if (store_outbox_part_end(o->store, r->id, i, "unknown", -1, err) != 0 ||
            store_outbox_finish(o->store, r->id, o->owner, STORE_REPLY_UNKNOWN, parts, 0, 0, err) !=
                0) {
            return OUTBOX_DB_ERROR;
        }
        return OUTBOX_MODEM_ERROR;
    }
    if (store_outbox_finish(o->store, r->id, o->owner, STORE_REPLY_SENT, parts, 0, 0, NULL) != 0) {
        return OUTBOX_DB_ERROR;
    }
    log_info("reply %lld sent to %s in %d part%s", r->id, masked, parts, parts == 1 ? "" : "s");
    return OUTBOX_WORKED;
}

enum outbox_result outbox_run(struct outbox *o, int limit)
{
    struct store_reply *replies;
    size_t n;
    if (store_outbox_claim(o->store, o->owner, o->conf->instance, o->conf->lease_s,
                           o->conf->replies.failover_after_s, limit, &replies, &n) != 0) {
        return OUTBOX_DB_ERROR;
    }
    if (n > 0) {
        fault_point("claimed");
    }
    enum outbox_result result = n > 0 ? OUTBOX_WORKED : OUTBOX_IDLE;
    for (size_t i = 0; i < n; i++) {
        enum outbox_result r = send_reply(o, &replies[i]);
        if (r < 0) {
            result = r;
            /* Give back what this run will not start; after a database error that fails too,
             * and the leases run out instead. */
            for (size_t j = i + 1; j < n && r == OUTBOX_MODEM_ERROR; j++) {
                if (store_outbox_release(o->store, replies[j].id, o->owner) != 0) {
                    break;
                }
            }
            break;
        }
    }
    store_replies_free(replies, n);
    return result;
}

int outbox_recover(struct outbox *o, bool own)
{
    int requeued, unknown;
    if (o->pending.set) {
        const struct unrecorded *u = &o->pending;
        if (store_outbox_settle(o->store, u->id, o->owner, u->seq, "sent", u->msg_ref, u->parts) !=
            0) {
            return -1;
        }
        log_info("reply %lld: part %d recorded as sent now that the database is back", u->id,
                 u->seq);
        o->pending.set = false;
    }
    if (store_outbox_recover(o->store, o->owner, o->conf->instance, own, &requeued, &unknown) !=
        0) {
        return -1;
    }
    if (requeued > 0 || unknown > 0) {
        log_warn("took back %d claimed replies: %d queued again, %d marked unknown (a part may "
                 "have gone out)",
                 requeued + unknown, requeued, unknown);
    }
    return 0;
}
