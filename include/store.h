/*
 * store: everything the programs keep in PostgreSQL. This is the only module that includes
 * libpq-fe.h; every statement takes parameters, none is built from strings.
 *
 * Functions return 0 on success and -1 on failure, with the reason in store_error(). After a
 * failure store_connected() tells a lost connection (reconnect and retry later) from a refused
 * statement.
 */
#ifndef LAPOR_STORE_H
#define LAPOR_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct store;

/* A store for a libpq connection string (copied). Does not connect yet. */
struct store *store_new(const char *conninfo);
void store_free(struct store *s);

int store_connect(struct store *s);
void store_disconnect(struct store *s);
bool store_connected(struct store *s);
/* The last error, never including the connection string or its password. */
const char *store_error(const struct store *s);

/* The schema version recorded in the database; 0 when no schema is there. */
int store_schema_version(struct store *s, int *version);
/* In one transaction: every embedded numbered migration newer than the database's, then the
 * functions and views of sql/repeatable/ (sql/README.md). */
int store_migrate(struct store *s, int *from, int *to);

int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

/* ---- intake ---- */

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

/* Queues a reply. With msg_id set, a second reply of the same kind to the same message is
 * silently not added. */
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
int store_outbox_add(struct store *s, long long complaint_id, long long msg_id, const char *kind,
                     const char *destination, const char *text, const char *via_instance);

/*
 * Records a delivery report on the newest part sent to destination with message reference
 * msg_ref: status is "pending", "delivered", "failed" or "expired", code the network's TP-ST.
 * *outbox_id is the reply it belongs to, 0 when no sent part matches.
 */
int store_delivery_report(struct store *s, const char *destination, int msg_ref, const char *status,
                          int code, long long at, long long *outbox_id);

/* ---- outbox ---- */

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

/* Records that the parts (ids[i], seqs[i]) are about to be handed to the modem, in one statement;
 * begun[i] is false for a part not begun: owner lost the reply's lease, or the part is already
 * under way, sent or unknown. */
int store_outbox_parts_begin(struct store *s, const char *owner, const char *instance,
                             const long long *ids, const int *seqs, size_t n, bool *begun);

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

/* ---- agencies, routing, follow-ups ---- */

/* A ticket as routing and follow-ups need it. */
struct store_ticket {
    long long seq;
    char status[32];
    char sender[64];
    char *text;    /* malloc'd; free it */
    int agency_id; /* 0 when not routed */
    char agency[32];
    bool confidential;
};
int store_ticket_get(struct store *s, long long seq, struct store_ticket *t, bool *found);

/* Routes complaint seq to agency_id (route_complaint() in the schema: status, history, NOTIFY). */
int store_complaint_route(struct store *s, long long seq, int agency_id, const char *actor,
                          const char *reason);

/* The active liaisons' numbers of an agency; *numbers is malloc'd (free each, then it). */
int store_liaisons(struct store *s, int agency_id, char ***numbers, size_t *n);

/* Whether number is an active liaison of agency_id, or of any agency when agency_id is 0. */
int store_is_liaison(struct store *s, const char *number, int agency_id, bool *yes);

/* The agency with this code; *id is 0 when there is none. */
int store_agency_id(struct store *s, const char *code, int *id);

/* Claims today's reminders of overdue routed tickets (at most one per ticket per day, across all
 * daemons); *seqs and *agencies are malloc'd. */
int store_reminders_due(struct store *s, long long **seqs, int **agencies, size_t *n);

/* Makes the holiday table's 'config' rows those of csv ("YYYY-MM-DD,..."). */
int store_holidays_sync(struct store *s, const char *csv);

/* Operators' changes. Each returns -1 with a reason (e.g. a duplicate code) in store_error(). */
int store_agency_add(struct store *s, const char *code, const char *name);
int store_agency_keyword(struct store *s, const char *code, const char *keyword);
int store_liaison_add(struct store *s, const char *code, const char *number, const char *name);
int store_liaison_remove(struct store *s, const char *code, const char *number, bool *removed);
int store_holiday_add(struct store *s, const char *day, const char *name);

/* Operators' hands on the outbox: retry puts a failed, unknown or cancelled reply back in the
 * queue (parts of unknown outcome will go again: the operator decided so); cancel stops one that
 * has not gone. *changed is false when the reply is not in a state that allows it. */
int store_outbox_retry(struct store *s, long long id, bool *changed);
int store_outbox_cancel(struct store *s, long long id, bool *changed);
/* An operator's own message, through the same outbox; *id is its row. */
int store_outbox_operator(struct store *s, const char *number, const char *text, long long *id);

/*
 * A fixed report for operators, by name: "agencies", "liaisons" (params: agency code or none),
 * "ticket" (params: sequence number), "overdue", "outbox" (params: status or none), "metrics"
 * (params: seconds after which a heartbeat is stale; Prometheus text either way). As JSON or as
 * text lines (malloc'd).
 */
int store_report(struct store *s, const char *name, const char *param, bool json, char **out);

/* ---- heartbeat and status ---- */

/* The modem's own figures, as the heartbeat keeps them (-1 and "" when unknown). */
struct modem_status_view {
    const char *imei, *imsi, *network;
    int signal_percent, battery_percent, sim_used, sim_total, phone_used, phone_total;
};

struct store_heartbeat {
    const char *instance;
    const char *host;
    int pid;
    long long started_at;    /* seconds since the epoch */
    const char *modem_state; /* "connected", "connecting", "down", "rescuing" */
    bool modem_connected;
    int worker_pid; /* 0 when none */
    int worker_starts;
    int worker_deaths;
    const char *last_worker_death; /* NULL or "" when none */
    int undecodable_taken;
    const char *last_error;  /* NULL or "" when none */
    long long last_error_at; /* 0 when none; epoch seconds */
    long long last_receive_at;
    long long last_send_at;
    const struct modem_status_view *modem; /* NULL when not known */
    int calls_rejected;                    /* voice calls rejected since the daemon started */
    const char *recovery_step;             /* the recovery step being taken, "" when none */
    int recovery_failures;                 /* modem failures in a row */
    int recoveries;                        /* times the modem came back after failing */
    const char *last_recovery;             /* the step it last came back after, "" never */
    long long last_recovery_at;            /* epoch seconds, 0 never */
};

int store_heartbeat(struct store *s, const struct store_heartbeat *hb);

/* The operators' view of modems and queues as one JSON document (malloc'd; caller frees). */
int store_status_json(struct store *s, int stale_after_s, char **json);
/* The same for people: a table of modems and the queue figures, as lines of text (malloc'd). */
int store_status_text(struct store *s, int stale_after_s, char **text);

#endif
