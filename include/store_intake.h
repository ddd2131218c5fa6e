/*
 * store_intake: what the intake keeps of incoming messages. Parts are stored and joined into
 * messages, complaints taken in (with their resend window and the sender's reply budget), open
 * messages closed by the multipart timeout, commands noted, and delivery reports recorded; most
 * of the work is done by the intake_* functions of the schema, one round trip per batch.
 */
#ifndef LAPOR_STORE_INTAKE_H
#define LAPOR_STORE_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

enum store_part_outcome {
    STORE_PART_DUPLICATE, /* stored before: nothing to do but delete it from the modem */
    STORE_PART_SINGLE,    /* a complete message of its own */
    STORE_PART_WAITING,   /* stored; its message waits for more parts */
    STORE_PART_COMPLETE,  /* it completed its message */
    STORE_PART_LATE,      /* it joined a message already closed by the multipart timeout */
};

/* A single SMS that is a complaint, taken in with its part (see store_part_in.complaint). */
struct store_part_complaint {
    const char *body; /* the complaint's text: the message's, less any routing keyword */
    bool confidential;
    const char *keyword; /* "" when none */
    const char *actor;
    int resend_window_s;
    bool replyable;
    int budget;
    int budget_window_s;
};

struct store_part_in {
    const char *instance;
    const char *sender;     /* normalised */
    const char *sender_raw; /* as received */
    const char *smsc;
    long long smsc_time;                      /* 0 when unknown */
    const char *coding;                       /* "gsm7", "ucs2" or "8bit" */
    int msg_class;                            /* -1 when none */
    const char *kind;                         /* "text", "flash", "binary" or "status_report" */
    int concat_ref, concat_total, concat_seq; /* total 0 for a single SMS */
    const unsigned char *udh;
    size_t udh_len;
    const unsigned char *raw;
    size_t raw_len;
    const char *text;  /* valid UTF-8 */
    int join_window_s; /* how far apart the SMSC times of one message's parts may lie */
    /*
     * Only for a single SMS (concat_total 0) that is a complaint, from a sender with no other
     * part in the same store_intake call: the complaint is taken in with the part (with nothing
     * pending), and out.taken says what became of it. NULL otherwise.
     */
    const struct store_part_complaint *complaint;
};

/* What became of a complaint taken in (defined here for store_part_out). */
struct store_complaint_taken {
    long long complaint_id; /* the new ticket, or the earlier one when resent */
    bool resent;
    int agency_id;      /* the agency its keyword routes to, 0 when none (or resent) */
    bool within_budget; /* one more reply to the sender fits its budget (replyable only) */
};

struct store_part_out {
    enum store_part_outcome outcome;
    long long msg_id;
    char *text; /* the joined text (malloc'd, caller frees) unless WAITING/DUPLICATE */
    bool complete;
    bool taken; /* in.complaint was given and the complaint taken in: see complaint */
    struct store_complaint_taken complaint;
};

/* A message closed by the multipart timeout, to be made a complaint. */
struct store_msg {
    long long id;
    char *sender;
    char *kind;
    char *text;
};
/* Closes up to limit messages open longer than timeout_s. *out is malloc'd; free with
 * store_msgs_free. */
int store_expire_open(struct store *s, int timeout_s, int limit, struct store_msg **out, size_t *n);
void store_msgs_free(struct store_msg *m, size_t n);

/* What a new complaint is. keyword is recorded only when it is an agency's routing keyword. */
struct store_complaint_new {
    long long msg_id;
    const char *sender;
    const char *text;
    bool incomplete;
    bool confidential;
    const char *keyword; /* "" when none */
    const char *actor;
};
/* How a message is taken as a complaint, and whether it may be answered. */
struct store_complaint_take {
    int resend_window_s; /* the same text within this joins the earlier ticket; 0: never */
    bool replyable;      /* whether to look at the reply budget at all */
    int budget;          /* replies allowed to one number within budget_window_s */
    int budget_window_s;
    int pending; /* replies to the sender queued in this transaction but not yet written */
};
/*
 * The intake's one call into the database (intake_batch(), sql/repeatable/60_intake_batch.sql),
 * in the caller's transaction; a batch of one is a batch. The parts are stored and joined to
 * their messages exactly as storing them one by one in order would, each with its idempotency
 * key (a part read again is a DUPLICATE of its own row); a single SMS that carries its complaint
 * (store_part_in.complaint) has it taken in too. Then each complaint given: the same text from
 * the same sender within the resend window joins its earlier complaint (recorded in its history;
 * never for an incomplete message); otherwise a new complaint with its first event and the note
 * on its message; then the sender's reply budget, counting how.pending. The locks of the joins,
 * the resend window and the budget are held until the transaction ends, each kind taken in one
 * order. The settings (instance, actor, windows, budget) are those of the first part and the
 * first complaint. The complaints of one call, and the parts carrying one, have senders of their
 * own. On failure no part_out[i].text is left to free.
 */
struct store_intake_batch {
    const struct store_part_in *parts;
    size_t n_parts;
    struct store_part_out *part_out; /* n_parts of them */
    const struct store_complaint_new *complaints;
    const struct store_complaint_take *how; /* one for each complaint */
    size_t n_complaints;
    struct store_complaint_taken *taken; /* n_complaints of them */
};
int store_intake(struct store *s, const struct store_intake_batch *b);

/* The status of complaint seq, locked for this transaction, if sender owns it: *found is false
 * both when it does not exist and when it is someone else's. */
int store_complaint_lookup(struct store *s, long long seq, const char *sender, bool *found,
                           char *status, size_t cap);

/* Moves a complaint to status (NULL keeps it) and records the event kind with its detail. */
int store_complaint_event(struct store *s, long long seq, const char *status, const char *actor,
                          const char *kind, const char *detail);

/* Records what message msg_id asked and which complaint it concerned (0 for none). */
int store_message_note(struct store *s, long long msg_id, const char *command,
                       long long complaint_id);

/* Whether one more reply to destination fits its budget: at most budget replies queued to it in
 * the last window_s seconds. Serialised per number across daemons for the transaction. */
int store_reply_budget(struct store *s, const char *destination, int budget, int window_s,
                       bool *within);
/* Gives the complaint made from msg_id its new text; *complaint_id is 0 when there is none. */
int store_complaint_retext(struct store *s, long long msg_id, const char *text, bool incomplete,
                           const char *actor, long long *complaint_id);

/*
 * Records a delivery report on the newest part sent to destination with message reference
 * msg_ref: status is "pending", "delivered", "failed" or "expired", code the network's TP-ST.
 * *outbox_id is the reply it belongs to, 0 when no sent part matches.
 */
int store_delivery_report(struct store *s, const char *destination, int msg_ref, const char *status,
                          int code, long long at, long long *outbox_id);

#endif
