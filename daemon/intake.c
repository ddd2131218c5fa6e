/*
 * intake: from the modem into PostgreSQL, exactly once.
 *
 * A poll reads a batch of parts, stores all of them in one transaction (each with its
 * idempotency key, so a part read twice finds its own row), creates the complaints and replies of
 * the messages that became complete in that same transaction, and only after the commit deletes
 * the parts from the modem. A crash anywhere leaves either nothing stored (the parts are read
 * again) or everything stored (the parts read again are duplicates and are just deleted).
 *
 * What a complete message means is for other modules: a complaint is taken in here, with its
 * parts; a citizen's command goes to citizen, a liaison's to agency (a TL or SELESAI from anyone
 * else is a complaint). They queue their replies on the poll's reply queue, which is written just
 * before the commit.
 */
#include "intake.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agency.h"
#include "citizen.h"
#include "confirm.h"
#include "fault.h"
#include "grammar.h"
#include "log.h"
#include "msisdn.h"
#include "pdu.h"
#include "reply.h"
#include "store_agency.h"
#include "store_intake.h"
#include "ticket.h"

/* How far apart the SMSC times of the parts of one message may lie. A phone hands all parts to
 * the SMSC within seconds; an hour keeps a reused reference from joining an old message. */
#define INTAKE_JOIN_WINDOW_S 3600
/* Timed-out messages closed per sweep; the rest wait for the next one. */
#define INTAKE_EXPIRE_BATCH 100
/* How long a poll holding parts waits for the modem's next one before storing what it has: a part
 * the worker has read ahead comes at once, so a longer wait means the modem is searching (past
 * the listing's end, or across an empty folder), and the parts in hand should not wait for it. */
#define INTAKE_PATIENCE_MS 10

struct intake {
    const struct conf *conf;
    struct store *store;
    struct modem *modem;
    struct modem_part *parts; /* conf->batch_size of them, reused by every poll */
    int capacity;
    /* For each part of a poll: its normalised sender, its values for the database, its outcome. */
    char (*senders)[MSISDN_MAX];
    struct store_part_in *pins;
    struct store_part_out *outs;
    /* A single SMS that is a complaint is taken in with its part, in the same round trip: what
     * it asks, its complaint's text and how it is taken in. */
    struct grammar_result *grammar;
    char **bodies;
    struct store_part_complaint *complaints;
    /* The concatenated complaints a poll completes, taken in together: what each is, how it is
     * taken in, what became of it, and the part that completed it. */
    struct store_complaint_new *together;
    struct store_complaint_take *together_how;
    struct store_complaint_taken *together_got;
    int *together_at;
    bool restart;            /* the next read starts a new enumeration */
    bool listing_took_parts; /* the current enumeration has taken parts in */
    int undecodable;         /* messages libGammu skipped since intake_undecodable_seen() */
    char actor[96];
    /* Replies queued in this transaction but not yet written. */
    struct reply_queue replies;
};

/* What reading a batch from the modem found. */
struct batch_read {
    int n;             /* parts read into in->parts */
    bool at_end;       /* the modem's listing ended */
    bool modem_failed; /* the modem failed: reconnect it */
};

/* The steps of a poll, in the order intake_poll takes them and this file defines them. */
static struct batch_read read_batch(struct intake *in);
static int store_batch(struct intake *in, int n, int *complete);
static bool remove_batch(struct intake *in, int n);
/* What each part read is, for the database. */
static void part_values(const struct intake *in, const struct modem_part *p,
                        char sender[MSISDN_MAX], struct store_part_in *pin);
static const char *coding_name(enum modem_coding c);
static const char *part_kind(const struct modem_part *p);
/* Complaints taken in together with the batch, in as few round trips as can be. */
static int take_with_parts(struct intake *in, int n);
static int take_completed_together(struct intake *in, int n);
static void free_bodies(struct intake *in, int n);
/* What the arrival of each part completes: a delivery report, or a message that is read. */
static int part_stored(struct intake *in, const struct modem_part *p, const char *sender,
                       const struct grammar_result *read, struct store_part_out out,
                       int *complaints);
static int take_report(struct intake *in, const struct modem_part *p, const char *number,
                       long long msg_id);
static const char *report_status_name(int st);
/* A complete message: who handles what it asks (also for intake_expire). */
static int message_done(struct intake *in, long long msg_id, const char *sender, bool named,
                        const char *kind, const char *text, bool incomplete,
                        const struct grammar_result *parsed);
static int command_confirmed(const struct reply_to *to, const struct grammar_result *g);
static bool is_read(const char *kind);
static bool may_reply(const char *kind, const char *sender);
static bool part_may_reply(const struct modem_part *p, const char *sender);
/* A complaint: taken in, routed, answered with its ticket. */
static void complaint_of(const struct intake *in, long long msg_id, const char *sender,
                         const struct grammar_result *g, const char *text, bool incomplete,
                         bool replyable, int pending, struct store_complaint_new *c,
                         struct store_complaint_take *how);
static int take_complaint(struct intake *in, long long msg_id, const char *sender,
                          const struct grammar_result *g, bool incomplete, bool replyable);
static int complaint_taken(struct intake *in, long long msg_id, const char *sender,
                           const struct grammar_result *g, bool incomplete, bool replyable,
                           const struct store_complaint_taken *taken);

/* The arrays of one element per part of a poll, listed once so that allocating and freeing
 * them cannot disagree. */
/* clang-format off */
#define INTAKE_PART_ARRAYS(X)                                                   \
    X(parts) X(senders) X(pins) X(outs) X(grammar) X(bodies) X(complaints)      \
    X(together) X(together_how) X(together_got) X(together_at)
/* clang-format on */

struct intake *intake_new(const struct conf *c, struct store *s, struct modem *m)
{
    struct intake *in = calloc(1, sizeof *in);
    if (in == NULL) {
        return NULL;
    }
    in->capacity = c->batch_size > 0 ? c->batch_size : 1;
    bool failed = false;
#define INTAKE_ALLOC(field)                                                                        \
    in->field = calloc((size_t)in->capacity, sizeof *in->field);                                   \
    failed = failed || in->field == NULL;
    INTAKE_PART_ARRAYS(INTAKE_ALLOC)
#undef INTAKE_ALLOC
    if (failed) {
        intake_free(in);
        return NULL;
    }
    in->conf = c;
    in->store = s;
    in->modem = m;
    in->restart = true;
    reply_queue_init(&in->replies, s, c);
    snprintf(in->actor, sizeof in->actor, "daemon:%s", c->instance);
    return in;
}

void intake_free(struct intake *in)
{
    if (in != NULL) {
        reply_queue_free(&in->replies);
#define INTAKE_FREE(field) free(in->field);
        INTAKE_PART_ARRAYS(INTAKE_FREE)
#undef INTAKE_FREE
        free(in);
    }
}

int intake_undecodable_seen(struct intake *in)
{
    int n = in->undecodable;
    in->undecodable = 0;
    return n;
}

void intake_restart(struct intake *in)
{
    in->restart = true;
}

enum intake_result intake_poll(struct intake *in)
{
    if (in->restart) {
        in->listing_took_parts = false;
    }
    struct batch_read got = read_batch(in);
    if (got.n == 0) {
        in->restart = true;
        return got.modem_failed         ? INTAKE_MODEM_ERROR
               : in->listing_took_parts ? INTAKE_LISTED
                                        : INTAKE_IDLE;
    }
    in->listing_took_parts = true;

    fault_point("read");
    /* While the database stores this batch, the modem reads the next one. A full batch: more is
     * likely waiting. */
    bool backlog = got.n == in->capacity && !got.at_end && !got.modem_failed;
    if (backlog && in->modem->ops->async != NULL) {
        in->modem->ops->async->read_ahead(in->modem, in->capacity);
    }
    int complete = 0;
    if (store_batch(in, got.n, &complete) != 0) {
        in->restart = true;
        return INTAKE_DB_ERROR;
    }

    fault_point("committed");
    bool modem_failed = got.modem_failed || !remove_batch(in, got.n);
    fault_point("deleted");
    log_debug("took in %d parts, %d messages complete", got.n, complete);
    if (got.at_end || modem_failed) {
        in->restart = true;
    }
    return modem_failed ? INTAKE_MODEM_ERROR : INTAKE_WORKED;
}

int intake_expire(struct intake *in)
{
    struct store_msg *msgs;
    size_t n;
    if (store_begin(in->store) != 0) {
        return -1;
    }
    if (store_expire_open(in->store, in->conf->multipart_timeout_s, INTAKE_EXPIRE_BATCH, &msgs,
                          &n) != 0) {
        store_rollback(in->store);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (message_done(in, msgs[i].id, msgs[i].sender, false, msgs[i].kind, msgs[i].text, true,
                         NULL) != 0) {
            reply_queue_discard(&in->replies);
            store_msgs_free(msgs, n);
            store_rollback(in->store);
            return -1;
        }
    }
    store_msgs_free(msgs, n);
    if (reply_queue_flush(&in->replies) != 0) {
        store_rollback(in->store);
        return -1;
    }
    return store_commit(in->store);
}

/* Reads up to a batch of parts into in->parts. A poll holding parts stops early when the modem is
 * still searching: the parts in hand are stored now, and the listing goes on at the next poll. */
static struct batch_read read_batch(struct intake *in)
{
    struct batch_read got = {0};
    while (got.n < in->capacity) {
        if (got.n > 0 && in->modem->ops->async != NULL &&
            !in->modem->ops->async->ready(in->modem, INTAKE_PATIENCE_MS)) {
            break;
        }
        enum modem_read_result r =
            in->modem->ops->read_next(in->modem, in->restart, &in->parts[got.n]);
        in->restart = false;
        if (r == MODEM_READ_PART) {
            got.n++;
            if (got.n == 1 && in->modem->ops->async != NULL) {
                /* The rest of the batch is read while this loop waits on the modem, so that
                 * ready() can tell a part on its way from a modem still searching. The modem
                 * ignores this while an earlier read-ahead's parts are in hand. */
                in->modem->ops->async->read_ahead(in->modem, in->capacity - 1);
            }
        } else if (r == MODEM_READ_UNDECODABLE) {
            in->undecodable++;
        } else if (r == MODEM_READ_END) {
            got.at_end = true;
            break;
        } else {
            got.modem_failed = true;
            break;
        }
    }
    return got;
}

/*
 * Stores the n parts read in one transaction, with whatever they complete and the replies those
 * ask for; *complete counts the messages completed. 0, or -1 with everything rolled back.
 */
static int store_batch(struct intake *in, int n, int *complete)
{
    if (store_begin(in->store) != 0) {
        return -1;
    }
    /* All parts stored in one call, then what each completes, in the order read. */
    for (int i = 0; i < n; i++) {
        part_values(in, &in->parts[i], in->senders[i], &in->pins[i]);
    }
    struct store_intake_batch b = {.parts = in->pins, .n_parts = (size_t)n, .part_out = in->outs};
    int stored = take_with_parts(in, n) == 0 ? store_intake(in->store, &b) : -1;
    free_bodies(in, n);
    int rc = stored == 0 ? take_completed_together(in, n) : stored;
    free_bodies(in, n);
    for (int i = 0; i < n; i++) {
        if (rc == 0) {
            rc = part_stored(in, &in->parts[i], in->senders[i], &in->grammar[i], in->outs[i],
                             complete);
        } else if (stored == 0) {
            free(in->outs[i].text); /* what part_stored would have taken */
        }
    }
    if (rc == 0) {
        rc = reply_queue_flush(&in->replies);
    }
    if (rc == 0) {
        fault_point("stored");
        rc = store_commit(in->store);
    }
    if (rc != 0) {
        reply_queue_discard(&in->replies);
        log_warn("storing %d parts failed, nothing deleted from the modem: %s", n,
                 store_error(in->store));
        store_rollback(in->store);
        return -1;
    }
    return 0;
}

/*
 * Stored for good: now, and only now, the modem may forget the n parts. A delete that fails leaves
 * a part that the next enumeration reads again and finds stored. Where the modem can, the
 * removals go on while the next batch is stored; a failed one shows at the next read. false when
 * a delete failed.
 */
static bool remove_batch(struct intake *in, int n)
{
    if (in->modem->ops->async != NULL) {
        if (in->modem->ops->async->remove_later(in->modem, in->parts, n) == 0) {
            return true;
        }
        log_warn("ordering the deletion of %d parts failed; they will be read again", n);
        return false;
    }
    for (int i = 0; i < n; i++) {
        if (in->modem->ops->remove(in->modem, &in->parts[i]) != 0) {
            log_warn("deleting the part at location %d failed; it will be read again",
                     in->parts[i].location);
            return false;
        }
    }
    return true;
}

/* The values of part p for the database; sender is where its normalised sender goes. */
static void part_values(const struct intake *in, const struct modem_part *p,
                        char sender[MSISDN_MAX], struct store_part_in *pin)
{
    msisdn_sender(p->sender, p->sender_alnum, sender);
    *pin = (struct store_part_in){
        .instance = in->conf->instance,
        .sender = sender,
        .sender_raw = p->sender,
        .smsc = p->smsc,
        .smsc_time = p->smsc_time,
        .coding = coding_name(p->coding),
        .msg_class = p->msg_class,
        .kind = part_kind(p),
        .concat_ref = p->concat_ref,
        .concat_total = p->concat_total,
        .concat_seq = p->concat_seq,
        .udh = p->udh,
        .udh_len = p->udh_len,
        .raw = p->raw,
        .raw_len = p->raw_len,
        .text = p->text,
        .join_window_s = INTAKE_JOIN_WINDOW_S,
    };
}

static const char *coding_name(enum modem_coding c)
{
    switch (c) {
    case MODEM_CODING_UCS2:
        return "ucs2";
    case MODEM_CODING_8BIT:
        return "8bit";
    case MODEM_CODING_GSM7:
        break;
    }
    return "gsm7";
}

/* What a part is, for the rules on which messages become complaints and get replies. A Short
 * Message Type 0 (the silent SMS) is meant for no one to read, whatever its coding: it is kept
 * like data. */
static const char *part_kind(const struct modem_part *p)
{
    if (p->status_report) {
        return "status_report";
    }
    if (p->coding == MODEM_CODING_8BIT || p->pid == PDU_PID_TYPE0) {
        return "binary";
    }
    if (p->msg_class == 0) {
        return "flash";
    }
    return "text";
}

/*
 * Marks the parts of a poll that are single SMS holding a complaint, from a sender with no other
 * part in the poll: store_intake takes their complaints in with them, in the same call. A sender
 * seen twice goes the longer way, where each message sees what the one before it did (its ticket,
 * its reply counted against the budget). 0, or -1 without memory.
 */
static int take_with_parts(struct intake *in, int n)
{
    for (int i = 0; i < n; i++) {
        const struct modem_part *p = &in->parts[i];
        const char *kind = part_kind(p);
        in->pins[i].complaint = NULL;
        if (p->concat_total != 0 || !is_read(kind)) {
            continue;
        }
        /* Read once, here: what it asks is kept for part_stored whichever way it goes. */
        struct grammar_result *g = &in->grammar[i];
        grammar_parse(p->text, g);
        if (g->command != GRAMMAR_COMPLAINT && g->command != GRAMMAR_CONFIDENTIAL) {
            continue;
        }
        bool alone = true;
        for (int k = 0; k < n && alone; k++) {
            alone = k == i || strcmp(in->senders[k], in->senders[i]) != 0;
        }
        if (!alone) {
            continue;
        }
        in->bodies[i] = strndup(g->body, g->body_len);
        if (in->bodies[i] == NULL) {
            for (int k = 0; k < i; k++) {
                free(in->bodies[k]);
                in->bodies[k] = NULL;
            }
            return -1;
        }
        in->complaints[i] = (struct store_part_complaint){
            .body = in->bodies[i],
            .confidential = g->command == GRAMMAR_CONFIDENTIAL,
            .keyword = g->keyword,
            .actor = in->actor,
            .resend_window_s = in->conf->replies.resend_window_s,
            .replyable = part_may_reply(p, in->senders[i]),
            .budget = in->conf->replies.budget,
            .budget_window_s = in->conf->replies.budget_window_s,
        };
        in->pins[i].complaint = &in->complaints[i];
    }
    return 0;
}

/*
 * The concatenated messages this poll completed that are complaints, from a sender with no other
 * message in the poll: taken in together, in one call of store_intake, before part_stored goes
 * through the parts in order. What each asks stays in in->grammar, and its part's out says what
 * became of it (taken), for part_stored to route it and reply. A sender with another message in
 * the poll goes the longer way, where each message sees what the one before it did.
 */
static int take_completed_together(struct intake *in, int n)
{
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        const struct modem_part *p = &in->parts[i];
        struct store_part_out *out = &in->outs[i];
        const char *kind = part_kind(p);
        if (out->outcome != STORE_PART_COMPLETE || p->status_report || !is_read(kind)) {
            continue;
        }
        struct grammar_result *g = &in->grammar[i];
        grammar_parse(out->text ? out->text : "", g);
        if (g->command != GRAMMAR_COMPLAINT && g->command != GRAMMAR_CONFIDENTIAL) {
            continue;
        }
        bool alone = true;
        for (int j = 0; j < n && alone; j++) {
            alone =
                strcmp(in->senders[j], in->senders[i]) != 0 || in->outs[j].msg_id == out->msg_id;
        }
        if (!alone) {
            continue;
        }
        in->bodies[i] = strndup(g->body, g->body_len);
        if (in->bodies[i] == NULL) {
            return -1;
        }
        complaint_of(in, out->msg_id, in->senders[i], g, in->bodies[i], false,
                     part_may_reply(p, in->senders[i]), 0, &in->together[k], &in->together_how[k]);
        in->together_at[k++] = i;
    }
    struct store_intake_batch b = {.complaints = in->together,
                                   .how = in->together_how,
                                   .n_complaints = k,
                                   .taken = in->together_got};
    if (k > 0 && store_intake(in->store, &b) != 0) {
        return -1;
    }
    for (size_t t = 0; t < k; t++) {
        in->outs[in->together_at[t]].taken = true;
        in->outs[in->together_at[t]].complaint = in->together_got[t];
    }
    return 0;
}

/* Frees the complaints' texts that take_with_parts or take_completed_together made. */
static void free_bodies(struct intake *in, int n)
{
    for (int i = 0; i < n; i++) {
        free(in->bodies[i]);
        in->bodies[i] = NULL;
    }
}

/* Whatever the arrival of a stored part completes, inside the batch's transaction. read is what
 * a single SMS of a kind that is read asks (see take_with_parts). Takes out's text. */
static int part_stored(struct intake *in, const struct modem_part *p, const char *sender,
                       const struct grammar_result *read, struct store_part_out out,
                       int *complaints)
{
    const char *kind = part_kind(p);
    int rc = 0;
    char numbuf[MSISDN_MAX];
    switch (out.outcome) {
    case STORE_PART_DUPLICATE:
        log_info("part at location %d was stored before (message %lld); deleting it again",
                 p->location, out.msg_id);
        break;
    case STORE_PART_WAITING:
        log_info("stored part %d/%d of message %lld from %s", p->concat_seq, p->concat_total,
                 out.msg_id, log_number(sender, numbuf, sizeof numbuf));
        break;
    case STORE_PART_SINGLE:
    case STORE_PART_COMPLETE:
        if (p->status_report) {
            rc = take_report(in, p, sender, out.msg_id);
            break;
        }
        if (out.taken) {
            /* Taken in with its part: what is left is its routing and its reply. */
            rc = complaint_taken(in, out.msg_id, sender, read, false, part_may_reply(p, sender),
                                 &out.complaint);
        } else {
            /* A single SMS's text was read already (see take_with_parts). */
            rc = message_done(in, out.msg_id, sender, p->sender_alnum, kind,
                              out.text ? out.text : "", false, p->concat_total == 0 ? read : NULL);
        }
        (*complaints)++;
        break;
    case STORE_PART_LATE: {
        /* Only a complaint has text to mend, and the joined text is read as one. */
        long long complaint_id;
        struct grammar_result g;
        grammar_parse_complaint(out.text ? out.text : "", &g);
        char *body = strndup(g.body, g.body_len);
        rc = body ? store_complaint_retext(in->store, out.msg_id, body, !out.complete, in->actor,
                                           &complaint_id)
                  : -1;
        free(body);
        if (rc == 0 && complaint_id > 0) {
            log_info("late part %d/%d joined complaint #%" PRIu64 "%s", p->concat_seq,
                     p->concat_total, ticket_from_seq((uint64_t)complaint_id),
                     out.complete ? ", which is now complete" : "");
        }
        break;
    }
    }
    free(out.text);
    return rc;
}

/* A delivery report: recorded on the part of ours it reports on. It is no citizen's message. */
static int take_report(struct intake *in, const struct modem_part *p, const char *number,
                       long long msg_id)
{
    long long outbox_id;
    const char *status = report_status_name(p->report_status);
    if (store_delivery_report(in->store, number, p->report_ref, status, p->report_status,
                              p->smsc_time, &outbox_id) != 0 ||
        store_message_note(in->store, msg_id, "report", 0) != 0) {
        return -1;
    }
    char numbuf[MSISDN_MAX];
    if (outbox_id > 0) {
        log_info("delivery report for reply %lld to %s: %s", outbox_id,
                 log_number(number, numbuf, sizeof numbuf), status);
    } else {
        log_info("delivery report (reference %d, %s) to %s matches no part sent", p->report_ref,
                 status, log_number(number, numbuf, sizeof numbuf));
    }
    return 0;
}

/* What a status report's TP-ST (3GPP TS 23.040 9.2.3.15) says became of the message. */
static const char *report_status_name(int st)
{
    if (st >= 0 && st < 0x20) {
        return "delivered"; /* delivered, or replaced */
    }
    if (st >= 0x20 && st < 0x40) {
        return "pending"; /* the network is still trying */
    }
    if (st == 0x46 || st == 0x66) {
        return "expired"; /* validity period ran out */
    }
    return "failed";
}

/*
 * A message is complete (or closed by the timeout): read what it asks and do it, in the
 * transaction that stored its last part. Status reports and binary messages are stored but are not
 * read. parsed is what the text asks when the caller has read it already, else NULL. named: the
 * sender is an alphanumeric id, whatever its text looks like.
 */
static int message_done(struct intake *in, long long msg_id, const char *sender, bool named,
                        const char *kind, const char *text, bool incomplete,
                        const struct grammar_result *parsed)
{
    if (!is_read(kind)) {
        log_info("stored %s message %lld; no complaint is made of it", kind, msg_id);
        return 0;
    }
    bool replyable = !named && may_reply(kind, sender);
    struct grammar_result g;
    if (parsed != NULL) {
        g = *parsed;
    } else {
        grammar_parse(text, &g);
    }
    if (g.command == GRAMMAR_FOLLOWUP || g.command == GRAMMAR_CLOSE) {
        /* TL and SELESAI are a liaison's words; from anyone else they begin a complaint. A
         * liaison is a number: an alphanumeric id never is one, whatever it reads like. */
        bool liaison = false;
        if (!named && store_is_liaison(in->store, sender, 0, &liaison) != 0) {
            return -1;
        }
        if (!liaison) {
            grammar_parse_complaint(text, &g);
        }
    }
    struct reply_to to = {&in->replies, msg_id, sender, replyable, false};
    switch (g.command) {
    case GRAMMAR_COMPLAINT:
    case GRAMMAR_CONFIDENTIAL:
        return take_complaint(in, msg_id, sender, &g, incomplete, replyable);
    case GRAMMAR_CHECK:
    case GRAMMAR_ADD:
    case GRAMMAR_CANCEL:
        return citizen_ticket_command(&to, &g);
    case GRAMMAR_HELP:
        return citizen_help(&to);
    case GRAMMAR_FOLLOWUP:
    case GRAMMAR_CLOSE:
        return agency_followup(&to, &g);
    case GRAMMAR_CONFIRM:
        return command_confirmed(&to, &g);
    }
    return 0;
}

/* YA and a code: the command it opens acts now, as its own message, read again from its text. */
static int command_confirmed(const struct reply_to *to, const struct grammar_result *g)
{
    char code[GRAMMAR_CODE_DIGITS + 1];
    memcpy(code, g->body, GRAMMAR_CODE_DIGITS);
    code[GRAMMAR_CODE_DIGITS] = '\0';
    long long msg_id;
    char *text;
    int rc = confirm_take(to, code, &msg_id, &text);
    if (rc != 0 || text == NULL) {
        return rc;
    }
    struct grammar_result cg;
    grammar_parse(text, &cg);
    struct reply_to command = *to;
    command.msg_id = msg_id;
    command.confirmed = true;
    if (cg.command == GRAMMAR_ADD || cg.command == GRAMMAR_CANCEL) {
        rc = citizen_ticket_command(&command, &cg);
    } else if (cg.command == GRAMMAR_FOLLOWUP || cg.command == GRAMMAR_CLOSE) {
        rc = agency_followup(&command, &cg);
    }
    free(text);
    return rc;
}

/* Whether a message of this kind is read (made a complaint or a command), and whether it may be
 * answered: flash messages are read but get no reply; replies go only to mobile numbers. */
static bool is_read(const char *kind)
{
    return strcmp(kind, "text") == 0 || strcmp(kind, "flash") == 0;
}

static bool may_reply(const char *kind, const char *sender)
{
    return strcmp(kind, "text") == 0 && msisdn_is_mobile(sender);
}

/* An alphanumeric sender id is never a mobile number, even one that reads like it. */
static bool part_may_reply(const struct modem_part *p, const char *sender)
{
    return !p->sender_alnum && may_reply(part_kind(p), sender);
}

/* What message msg_id from sender, asking g with the complaint text text, is as a complaint, and
 * the rules it is taken in by; pending: replies to sender queued and not yet written. */
static void complaint_of(const struct intake *in, long long msg_id, const char *sender,
                         const struct grammar_result *g, const char *text, bool incomplete,
                         bool replyable, int pending, struct store_complaint_new *c,
                         struct store_complaint_take *how)
{
    *c = (struct store_complaint_new){
        .msg_id = msg_id,
        .sender = sender,
        .text = text,
        .incomplete = incomplete,
        .confidential = g->command == GRAMMAR_CONFIDENTIAL,
        .keyword = g->keyword,
        .actor = in->actor,
    };
    *how = (struct store_complaint_take){
        .resend_window_s = in->conf->replies.resend_window_s,
        .replyable = replyable,
        .budget = in->conf->replies.budget,
        .budget_window_s = in->conf->replies.budget_window_s,
        .pending = pending,
    };
}

/* A new complaint, or the same text again within the resend window: the ticket it opened. */
static int take_complaint(struct intake *in, long long msg_id, const char *sender,
                          const struct grammar_result *g, bool incomplete, bool replyable)
{
    char *text = strndup(g->body, g->body_len);
    if (text == NULL) {
        return -1;
    }
    struct store_complaint_new c;
    struct store_complaint_take how;
    complaint_of(in, msg_id, sender, g, text, incomplete, replyable,
                 reply_queue_count_to(&in->replies, sender), &c, &how);
    struct store_complaint_taken got = {0};
    struct store_intake_batch b = {.complaints = &c, .how = &how, .n_complaints = 1, .taken = &got};
    int rc = store_intake(in->store, &b);
    free(text);
    if (rc != 0) {
        return -1;
    }
    return complaint_taken(in, msg_id, sender, g, incomplete, replyable, &got);
}

/* What follows a complaint taken in (new, or joined to the ticket it repeats): its routing, the
 * log, and the reply with its ticket. */
static int complaint_taken(struct intake *in, long long msg_id, const char *sender,
                           const struct grammar_result *g, bool incomplete, bool replyable,
                           const struct store_complaint_taken *taken)
{
    const struct conf_templates *t = &in->conf->templates;
    const struct store_complaint_taken *got = taken;
    bool confidential = g->command == GRAMMAR_CONFIDENTIAL;
    long long complaint_id = got->complaint_id;
    char numbuf[MSISDN_MAX];
    int rc = 0;
    if (got->resent) {
        log_info("message %lld from %s repeats complaint #%" PRIu64 " and joins it", msg_id,
                 log_number(sender, numbuf, sizeof numbuf),
                 ticket_from_seq((uint64_t)complaint_id));
    } else {
        if (got->agency_id > 0 && in->conf->routing.automatic) {
            char reason[64];
            snprintf(reason, sizeof reason, "keyword %s", g->keyword);
            rc = agency_route(in->store, in->conf, complaint_id, got->agency_id, in->actor, reason);
        }
        if (rc == 0) {
            log_info("message %lld from %s is complaint #%" PRIu64 "%s%s", msg_id,
                     log_number(sender, numbuf, sizeof numbuf),
                     ticket_from_seq((uint64_t)complaint_id), confidential ? " (confidential)" : "",
                     incomplete ? " (incomplete: parts missing)" : "");
            log_debug("complaint #%" PRIu64 " text: %.*s", ticket_from_seq((uint64_t)complaint_id),
                      (int)g->body_len, g->body);
        }
    }
    if (rc != 0) {
        return -1;
    }
    /* The budget was looked at in the same call, under its lock. */
    if (!replyable) {
        log_info("message %lld from %s: no reply (not a mobile number, or not plain text)", msg_id,
                 log_number(sender, numbuf, sizeof numbuf));
        return 0;
    }
    if (!got->within_budget) {
        log_info("message %lld from %s: no reply, the number's reply budget is spent", msg_id,
                 log_number(sender, numbuf, sizeof numbuf));
        return 0;
    }
    struct reply_values v = {.seq = complaint_id};
    return reply_queue_add(&in->replies, msg_id, complaint_id, sender, "received", t->received, &v);
}
