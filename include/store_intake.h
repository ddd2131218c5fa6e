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
     * part in the same call of store_part_add_many: the complaint is taken in with the part, as
     * store_complaint_intake would (with nothing pending), and out.taken says what became of it.
     * NULL otherwise.
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

int store_part_add(struct store *s, const struct store_part_in *in, struct store_part_out *out);
/* n parts at once, in order, as n calls of store_part_add, in one round trip. On failure no
 * out[i].text is left to free. */
int store_part_add_many(struct store *s, const struct store_part_in *in, size_t n,
                        struct store_part_out *out);

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
 * In one call: the same text from the same sender within the resend window joins its earlier
 * complaint (recorded in its history); otherwise a new complaint with its first event and the note
 * on its message; then the sender's reply budget. The locks of both checks are held until the
 * transaction ends.
 */
int store_complaint_intake(struct store *s, const struct store_complaint_new *c,
                           const struct store_complaint_take *how,
                           struct store_complaint_taken *out);

/*
 * n complaints at once, each as store_complaint_intake would take it in (sql/012), in one round
 * trip: only complete messages (c[i].incomplete false) with nothing pending (how[i].pending 0),
 * from senders that differ from each other and from every other message of the transaction's
 * batch. The actor and how's windows and budget are those of c[0] and how[0].
 */
int store_complaints_intake(struct store *s, const struct store_complaint_new *c,
                            const struct store_complaint_take *how, size_t n,
                            struct store_complaint_taken *out);

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
