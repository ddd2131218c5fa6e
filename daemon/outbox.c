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
#include "store_outbox.h"

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
    size_t first; /* its parts to send: the batch's seqs [first .. first + count) */
    size_t count;
    bool end_set; /* its end is known */
    struct store_reply_result end;
};

/* One run: the replies claimed, their plans, their parts to send, and the outcomes that go to the
 * database. */
struct batch {
    struct store_reply *replies;
    size_t n;
    struct plan *plans; /* one per reply */
    int *seqs;          /* the numbers of the parts to send, todo of them */
    size_t todo;
    struct store_part_result *parts; /* the outcome of each part begun */
    size_t n_parts;
    size_t recorded; /* parts[0 .. recorded) are written down already */
    struct store_reply_result *ends;
    size_t n_ends;
    char (*errors)[256]; /* the modem's word on each reply */
    bool modem_gone;     /* the modem went away while the replies were planned */
};

static void end_reply(struct plan *p, long long id, enum store_reply_end end, int delay,
                      int max_attempts, const char *error)
{
    p->end_set = true;
    p->end = (struct store_reply_result){id, end, p->parts, delay, max_attempts, error};
}

static void add_part(struct batch *b, long long id, int seq, const char *status, int msg_ref,
                     const char *error)
{
    b->parts[b->n_parts++] = (struct store_part_result){id, seq, status, msg_ref, error};
}

/* Room for the claimed replies, each with at most OUTBOX_MAX_PARTS parts. 0 or -1. */
static int batch_alloc(struct batch *b)
{
    size_t n = b->n;
    b->plans = calloc(n, sizeof *b->plans);
    b->seqs = calloc(n * OUTBOX_MAX_PARTS, sizeof *b->seqs);
    b->parts = calloc(n * OUTBOX_MAX_PARTS, sizeof *b->parts);
    b->ends = calloc(n, sizeof *b->ends);
    b->errors = calloc(n, sizeof *b->errors);
    return b->plans == NULL || b->seqs == NULL || b->parts == NULL || b->ends == NULL ||
                   b->errors == NULL
               ? -1
               : 0;
}

static void batch_free(struct batch *b)
{
    free(b->errors);
    free(b->parts);
    free(b->ends);
    free(b->seqs);
    free(b->plans);
    store_replies_free(b->replies, b->n);
}

/* Claims up to limit replies (one statement, so committed at once). 0 or -1. */
static int claim(struct outbox *o, int limit, struct batch *b)
{
    const struct conf *c = o->conf;
    return store_outbox_claim(o->store, o->owner, c->instance, c->lease_s,
                              c->replies.failover_after_s, limit, &b->replies, &b->n);
}

/* Decides whether reply i is sent, and which of its parts. */
static void plan_reply(struct outbox *o, struct batch *b, size_t i)
{
    const struct store_reply *r = &b->replies[i];
    struct plan *p = &b->plans[i];
    char numbuf[MSISDN_MAX];
    p->first = b->todo;
    if (!msisdn_is_mobile(r->destination)) {
        /* Never answer a service number or a sender id, whoever queued the reply. */
        log_warn("reply %lld to %s refused: not a mobile number", r->id,
                 log_number(r->destination, numbuf, sizeof numbuf));
        end_reply(p, r->id, STORE_REPLY_RETRY, 0, 0, "not a mobile number");
        return;
    }
    int parts = b->modem_gone ? MODEM_GONE : o->modem->ops->count_parts(o->modem, r->text);
    if (parts == MODEM_GONE) {
        /* Nothing is wrong with the reply: it goes back to the queue, its attempt not counted,
         * and the daemon reconnects. */
        b->modem_gone = true;
        end_reply(p, r->id, STORE_REPLY_RELEASE, 0, 0, NULL);
        return;
    }
    if (parts < 1 || parts > OUTBOX_MAX_PARTS) {
        log_warn("reply %lld cannot be encoded (%d parts)", r->id, parts);
        end_reply(p, r->id, STORE_REPLY_RETRY, 0, 0, "cannot be encoded as SMS");
        return;
    }
    p->parts = parts;
    for (int k = 1; k <= parts; k++) {
        if (!(r->sent & (1ULL << (k - 1)))) { /* else it went out in an earlier attempt */
            b->seqs[b->todo] = k;
            b->todo++;
        }
    }
    p->count = b->todo - p->first;
}

/*
 * Writes down the outcomes not yet recorded and records part k of reply i as under way, in one
 * statement (one commit) just before the part goes to the modem: a crash leaves at most the part
 * in the modem's hands without an outcome. 1 when begun; 0 when not (the claim went to another
 * daemon, or the part is under way already); -1 when the database failed.
 */
static int begin_part(struct outbox *o, struct batch *b, size_t i, size_t k)
{
    const struct store_reply *r = &b->replies[i];
    bool begun = false;
    if (store_outbox_part_begin(o->store, o->owner, o->conf->instance, b->parts + b->recorded,
                                b->n_parts - b->recorded, r->id, b->seqs[k], b->plans[i].parts,
                                &begun) != 0) {
        return -1;
    }
    b->recorded = b->n_parts;
    return begun ? 1 : 0;
}

/* Hands part k of reply i to the modem and notes its outcome; false when the modem failed and the
 * outcome is unknown. */
static bool send_part(struct outbox *o, struct batch *b, size_t i, size_t k, const char *masked)
{
    const struct conf *c = o->conf;
    const struct store_reply *r = &b->replies[i];
    struct plan *p = &b->plans[i];
    char *err = b->errors[i];
    int seq = b->seqs[k];
    fault_point("send");
    int msg_ref = -1;
    err[0] = '\0';
    enum modem_send_result res = o->modem->ops->send_part(o->modem, r->destination, r->text,
                                                          r->concat_ref, seq, &msg_ref, err, 256);
    if (res == MODEM_SEND_OK) {
        fault_point("sent");
        add_part(b, r->id, seq, "sent", msg_ref, NULL);
        return true;
    }
    if (res == MODEM_SEND_REFUSED) {
        int delay = outbox_retry_delay(&c->retry, r->attempts);
        log_warn("reply %lld to %s, part %d/%d refused (attempt %d of %d): %s", r->id, masked, seq,
                 p->parts, r->attempts, c->retry.max_attempts, err);
        add_part(b, r->id, seq, "failed", -1, err);
        end_reply(p, r->id, STORE_REPLY_RETRY, delay, c->retry.max_attempts, err);
        return true;
    }
    log_warn("reply %lld to %s, part %d/%d: outcome unknown (%s); not sent again by itself", r->id,
             masked, seq, p->parts, err);
    add_part(b, r->id, seq, "unknown", -1, err);
    end_reply(p, r->id, STORE_REPLY_UNKNOWN, 0, 0, err);
    return false;
}

/* Sends reply i part by part, each begun just before it goes, stopping at the first part that
 * fails. OUTBOX_WORKED, or what failed. */
static enum outbox_result send_reply(struct outbox *o, struct batch *b, size_t i)
{
    const struct store_reply *r = &b->replies[i];
    struct plan *p = &b->plans[i];
    char numbuf[MSISDN_MAX];
    const char *masked = log_number(r->destination, numbuf, sizeof numbuf);
    for (size_t k = p->first; k < p->first + p->count && !p->end_set; k++) {
        int begun = begin_part(o, b, i, k);
        if (begun < 0) {
            end_reply(p, r->id, STORE_REPLY_RELEASE, 0, 0, NULL);
            return OUTBOX_DB_ERROR;
        }
        if (begun == 0) {
            /* Left as it is: its lease holder, or the recovery, settles it. */
            log_warn("reply %lld: claim lost or part already under way", r->id);
            return OUTBOX_WORKED;
        }
        if (!send_part(o, b, i, k, masked)) {
            return OUTBOX_MODEM_ERROR;
        }
    }
    if (!p->end_set) {
        end_reply(p, r->id, STORE_REPLY_SENT, 0, 0, NULL);
        log_info("reply %lld sent to %s in %d part%s", r->id, masked, p->parts,
                 p->parts == 1 ? "" : "s");
    }
    return OUTBOX_WORKED;
}

/* Sends the planned replies in turn until the modem or the database fails; the replies after
 * that go back to the queue, their attempt not counted. */
static enum outbox_result send_all(struct outbox *o, struct batch *b, enum outbox_result result)
{
    for (size_t i = 0; i < b->n; i++) {
        struct plan *p = &b->plans[i];
        if (p->end_set) {
            continue;
        }
        if (result != OUTBOX_WORKED) {
            end_reply(p, b->replies[i].id, STORE_REPLY_RELEASE, 0, 0, NULL);
        } else {
            result = send_reply(o, b, i);
        }
    }
    return result;
}

/* The parts of reply id, as planned. */
static int planned_parts(const struct batch *b, long long id)
{
    int parts = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->replies[i].id == id) {
            parts = b->plans[i].parts;
        }
    }
    return parts;
}

/* The outcomes could not be written down: the parts that went out are remembered for when the
 * database is back. Should this process die first, they stay 'sending' and recovery calls their
 * replies unknown, never resends them. */
static void remember_unrecorded(struct outbox *o, const struct batch *b)
{
    size_t sent = 0;
    for (size_t k = b->recorded; k < b->n_parts; k++) {
        sent += strcmp(b->parts[k].status, "sent") == 0;
    }
    if (sent == 0) {
        return; /* realloc to 0 bytes would free the list and leave o->pending dangling */
    }
    struct unrecorded *u = realloc(o->pending, (o->n_pending + sent) * sizeof *u);
    if (u == NULL) {
        log_err("out of memory: %zu sent parts not recorded; recovery will call them unknown",
                sent);
        return;
    }
    o->pending = u;
    for (size_t k = b->recorded; k < b->n_parts; k++) {
        const struct store_part_result *part = &b->parts[k];
        if (strcmp(part->status, "sent") == 0) {
            o->pending[o->n_pending++] =
                (struct unrecorded){part->id, part->seq, part->msg_ref, planned_parts(b, part->id)};
        }
    }
}

/* Records the outcomes not written down yet and every reply's end in one statement. 0 or -1. */
static int conclude(struct outbox *o, struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->plans[i].end_set) {
            b->ends[b->n_ends++] = b->plans[i].end;
        }
    }
    if (store_outbox_conclude(o->store, o->owner, b->parts + b->recorded, b->n_parts - b->recorded,
                              b->ends, b->n_ends) != 0) {
        remember_unrecorded(o, b);
        return -1;
    }
    return 0;
}

/*
 * Sends a batch of claimed replies: the claim (one statement), then for each part one statement
 * that writes down the outcome of the part before it and records this one as under way, then the
 * modem; at the end every remaining outcome and every reply's end (one statement). A crash leaves
 * at most one part 'sending', which recovery turns into an 'unknown' reply: never sent twice. The
 * other replies of the batch go out after the restart.
 */
enum outbox_result outbox_run(struct outbox *o, int limit)
{
    struct batch b = {0};
    if (claim(o, limit, &b) != 0) {
        return OUTBOX_DB_ERROR;
    }
    if (b.n == 0) {
        return OUTBOX_IDLE;
    }
    enum outbox_result result = OUTBOX_DB_ERROR;
    if (batch_alloc(&b) != 0) {
        /* The claims are taken back after the reconnection a database error brings. */
        log_err("out of memory sending replies");
        goto out;
    }
    fault_point("claimed");
    for (size_t i = 0; i < b.n; i++) {
        plan_reply(o, &b, i);
    }
    /* A modem gone while the replies were planned: those planned are released below too. */
    result = b.modem_gone ? OUTBOX_MODEM_ERROR : OUTBOX_WORKED;
    result = send_all(o, &b, result);
    if (conclude(o, &b) != 0) {
        result = OUTBOX_DB_ERROR;
    }
out:
    batch_free(&b);
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
