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
 * back, so that its reply is not judged 'unknown' for want of a record. */
struct unrecorded {
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
    struct unrecorded *pending;
    size_t n_pending;
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
    if (o != NULL) {
        free(o->pending);
        free(o);
    }
}

int outbox_retry_delay(const struct conf_retry *r, int attempts)
{
    long long delay = r->first_delay_s;
    for (int i = 1; i < attempts && delay < r->max_delay_s; i++) {
        delay *= 2;
    }
    return delay > r->max_delay_s ? r->max_delay_s : (int)delay;
}

/* One claimed reply's way through a run. */
struct plan {
    int parts;    /* as the modem splits its text; 0 when it is not sent at all */
    size_t first; /* its parts to send: todo[first .. first + count) */
    size_t count;
    bool begun;   /* all of them recorded as under way */
    bool end_set; /* its end is known */
    struct store_reply_result end;
};

/* What one run hands to the database at its end. */
struct run {
    struct store_part_result *parts; /* one per part begun */
    size_t n_parts;
    struct store_reply_result *ends;
    size_t n_ends;
};

static void end_reply(struct plan *p, long long id, enum store_reply_end end, int delay,
                      int max_attempts, const char *error)
{
    p->end_set = true;
    p->end = (struct store_reply_result){id, end, p->parts, delay, max_attempts, error};
}

/*
 * Sends a batch of claimed replies with three statements whatever its size: the claim and the
 * records of every part about to go out (one transaction), then the modem, then every outcome
 * (one statement). A crash between the first and the last leaves the batch's parts 'sending',
 * which recovery turns into 'unknown' replies: never sent twice.
 */
enum outbox_result outbox_run(struct outbox *o, int limit)
{
    const struct conf *c = o->conf;
    struct store_reply *replies = NULL;
    size_t n = 0;
    if (store_begin(o->store) != 0) {
        return OUTBOX_DB_ERROR;
    }
    if (store_outbox_claim(o->store, o->owner, c->instance, c->lease_s, c->replies.failover_after_s,
                           limit, &replies, &n) != 0) {
        store_rollback(o->store);
        return OUTBOX_DB_ERROR;
    }
    if (n == 0) {
        store_rollback(o->store);
        return OUTBOX_IDLE;
    }

    enum outbox_result result = OUTBOX_DB_ERROR;
    struct plan *plans = calloc(n, sizeof *plans);
    /* At most OUTBOX_MAX_PARTS parts per reply. */
    long long *ids = calloc(n * OUTBOX_MAX_PARTS, sizeof *ids);
    int *seqs = calloc(n * OUTBOX_MAX_PARTS, sizeof *seqs);
    bool *begun = calloc(n * OUTBOX_MAX_PARTS, sizeof *begun);
    struct run run = {
        .parts = calloc(n * OUTBOX_MAX_PARTS, sizeof *run.parts),
        .ends = calloc(n, sizeof *run.ends),
    };
    char(*errors)[256] = calloc(n, sizeof *errors);
    if (plans == NULL || ids == NULL || seqs == NULL || begun == NULL || run.parts == NULL ||
        run.ends == NULL || errors == NULL) {
        log_err("out of memory sending replies");
        store_rollback(o->store);
        goto out;
    }

    size_t todo = 0;
    bool modem_gone = false;
    for (size_t i = 0; i < n; i++) {
        const struct store_reply *r = &replies[i];
        struct plan *p = &plans[i];
        char numbuf[MSISDN_MAX];
        p->first = todo;
        if (!msisdn_is_mobile(r->destination)) {
            /* Never answer a service number or a sender id, whoever queued the reply. */
            log_warn("reply %lld to %s refused: not a mobile number", r->id,
                     log_number(r->destination, numbuf, sizeof numbuf));
            end_reply(p, r->id, STORE_REPLY_RETRY, 0, 0, "not a mobile number");
            continue;
        }
        int parts = modem_gone ? MODEM_GONE : o->modem->ops->count_parts(o->modem, r->text);
        if (parts == MODEM_GONE) {
            /* Nothing is wrong with the reply: it goes back to the queue, its attempt not
             * counted, and the daemon reconnects. */
            modem_gone = true;
            end_reply(p, r->id, STORE_REPLY_RELEASE, 0, 0, NULL);
            continue;
        }
        if (parts < 1 || parts > OUTBOX_MAX_PARTS) {
            log_warn("reply %lld cannot be encoded (%d parts)", r->id, parts);
            end_reply(p, r->id, STORE_REPLY_RETRY, 0, 0, "cannot be encoded as SMS");
            continue;
        }
        p->parts = parts;
        for (int k = 1; k <= parts; k++) {
            if (!(r->sent & (1ULL << (k - 1)))) { /* else it went out in an earlier attempt */
                ids[todo] = r->id;
                seqs[todo] = k;
                todo++;
            }
        }
        p->count = todo - p->first;
    }
    if (store_outbox_parts_begin(o->store, o->owner, c->instance, ids, seqs, todo, begun) != 0 ||
        store_commit(o->store) != 0) {
        store_rollback(o->store);
        goto out;
    }
    fault_point("claimed");

    /* A modem gone while the replies were planned: those planned are released below too. */
    result = modem_gone ? OUTBOX_MODEM_ERROR : OUTBOX_WORKED;
    for (size_t i = 0; i < n; i++) {
        const struct store_reply *r = &replies[i];
        struct plan *p = &plans[i];
        if (p->end_set) {
            continue;
        }
        size_t got = 0;
        for (size_t k = p->first; k < p->first + p->count; k++) {
            got += begun[k];
        }
        p->begun = got == p->count;
        if (!p->begun) {
            /* The lease went to another daemon, or a part is under way already: this reply is
             * left as it is, and its parts begun here are marked as never handed over. */
            log_warn("reply %lld: claim lost or part already under way", r->id);
            for (size_t k = p->first; k < p->first + p->count; k++) {
                if (begun[k]) {
                    run.parts[run.n_parts++] = (struct store_part_result){
                        r->id, seqs[k], "failed", -1, "not sent: claim lost"};
                }
            }
        }
    }

    for (size_t i = 0; i < n; i++) {
        const struct store_reply *r = &replies[i];
        struct plan *p = &plans[i];
        if (p->end_set || !p->begun) {
            continue;
        }
        if (result == OUTBOX_MODEM_ERROR) {
            /* The modem failed on an earlier reply: this one was not started; it goes back to
             * the queue, its attempt not counted. */
            for (size_t k = p->first; k < p->first + p->count; k++) {
                run.parts[run.n_parts++] = (struct store_part_result){
                    r->id, seqs[k], "failed", -1, "not sent: the modem failed before it"};
            }
            end_reply(p, r->id, STORE_REPLY_RELEASE, 0, 0, NULL);
            continue;
        }
        char numbuf[MSISDN_MAX];
        const char *masked = log_number(r->destination, numbuf, sizeof numbuf);
        char *err = errors[i];
        for (size_t k = p->first; k < p->first + p->count; k++) {
            int seq = seqs[k];
            if (p->end_set) {
                /* An earlier part of this reply failed: this one never went to the modem. */
                run.parts[run.n_parts++] = (struct store_part_result){
                    r->id, seq, "failed", -1, "not sent: an earlier part failed"};
                continue;
            }
            fault_point("send");
            int msg_ref = -1;
            err[0] = '\0';
            enum modem_send_result res = o->modem->ops->send_part(
                o->modem, r->destination, r->text, r->concat_ref, seq, &msg_ref, err, 256);
            if (res == MODEM_SEND_OK) {
                fault_point("sent");
                run.parts[run.n_parts++] =
                    (struct store_part_result){r->id, seq, "sent", msg_ref, NULL};
            } else if (res == MODEM_SEND_REFUSED) {
                int delay = outbox_retry_delay(&c->retry, r->attempts);
                log_warn("reply %lld to %s, part %d/%d refused (attempt %d of %d): %s", r->id,
                         masked, seq, p->parts, r->attempts, c->retry.max_attempts, err);
                run.parts[run.n_parts++] =
                    (struct store_part_result){r->id, seq, "failed", -1, err};
                end_reply(p, r->id, STORE_REPLY_RETRY, delay, c->retry.max_attempts, err);
            } else {
                log_warn("reply %lld to %s, part %d/%d: outcome unknown (%s); not sent again by "
                         "itself",
                         r->id, masked, seq, p->parts, err);
                run.parts[run.n_parts++] =
                    (struct store_part_result){r->id, seq, "unknown", -1, err};
                end_reply(p, r->id, STORE_REPLY_UNKNOWN, 0, 0, err);
                result = OUTBOX_MODEM_ERROR;
            }
        }
        if (!p->end_set) {
            end_reply(p, r->id, STORE_REPLY_SENT, 0, 0, NULL);
            log_info("reply %lld sent to %s in %d part%s", r->id, masked, p->parts,
                     p->parts == 1 ? "" : "s");
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (plans[i].end_set) {
            run.ends[run.n_ends++] = plans[i].end;
        }
    }
    if (store_outbox_conclude(o->store, o->owner, run.parts, run.n_parts, run.ends, run.n_ends) !=
        0) {
        /* Remembered for when the database is back; should this process die first, the parts
         * stay 'sending' and recovery calls their replies unknown, never resends them. */
        size_t sent = 0;
        for (size_t k = 0; k < run.n_parts; k++) {
            sent += strcmp(run.parts[k].status, "sent") == 0;
        }
        struct unrecorded *u = realloc(o->pending, (o->n_pending + sent) * sizeof *u);
        if (u != NULL) {
            o->pending = u;
            for (size_t k = 0; k < run.n_parts; k++) {
                if (strcmp(run.parts[k].status, "sent") == 0) {
                    int parts = 0;
                    for (size_t i = 0; i < n; i++) {
                        if (replies[i].id == run.parts[k].id) {
                            parts = plans[i].parts;
                        }
                    }
                    o->pending[o->n_pending++] = (struct unrecorded){
                        run.parts[k].id, run.parts[k].seq, run.parts[k].msg_ref, parts};
                }
            }
        }
        result = OUTBOX_DB_ERROR;
    }

out:
    free(errors);
    free(run.parts);
    free(run.ends);
    free(begun);
    free(seqs);
    free(ids);
    free(plans);
    store_replies_free(replies, n);
    return result;
}

int outbox_recover(struct outbox *o, bool own)
{
    int requeued, unknown;
    /* Settled one by one, oldest first; each is forgotten only once it is recorded. */
    size_t done = 0;
    for (; done < o->n_pending; done++) {
        const struct unrecorded *u = &o->pending[done];
        if (store_outbox_settle(o->store, u->id, o->owner, u->seq, "sent", u->msg_ref, u->parts) !=
            0) {
            break;
        }
        log_info("reply %lld: part %d recorded as sent now that the database is back", u->id,
                 u->seq);
    }
    if (done > 0) {
        memmove(o->pending, o->pending + done, (o->n_pending - done) * sizeof *o->pending);
        o->n_pending -= done;
    }
    if (o->n_pending > 0) {
        return -1;
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
