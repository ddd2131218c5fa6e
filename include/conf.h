/*
 * conf: the daemon's configuration, read from one libconfig file. This is the only module that
 * includes libconfig.h. Errors name the file, the line and the reason.
 */
#ifndef LAPOR_CONF_H
#define LAPOR_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* libGammu's own settings for one modem. */
struct conf_modem {
    char *connection;      /* e.g. "at", "proxyat", or "none" for the dummy driver */
    char *device;          /* serial device, command line (proxyat) or folder (dummy) */
    char *model;           /* "" lets libGammu decide; "dummy" is the simulated modem */
    char *pin;             /* SIM PIN, "" when none; never logged */
    int timeout_s;         /* longest a modem request may take before its worker is killed */
    int status_interval_s; /* how often the modem is asked for signal, network, SIM fill */
    bool delivery_reports; /* replies ask the network for a status report */
    bool reject_calls;     /* incoming voice calls are rejected at once: a ringing modem gets
                            * no SMS */
};

/* How failed replies are retried: delays grow from first_delay_s, doubling up to max_delay_s. */
struct conf_retry {
    int max_attempts;
    int first_delay_s;
    int max_delay_s;
};

/* Reply texts. Each is checked at load time: filled with the longest values it must fit one
 * GSM 7-bit SMS. */
struct conf_templates {
    char *language;      /* "id" (default) or "en": which built-in defaults fill missing keys */
    char *received;      /* the reply to a new complaint; placeholder {ticket} */
    char *status;        /* the answer to CEK: {ticket}, {status} */
    char *added;         /* TAMBAH accepted: {ticket} */
    char *cancelled;     /* BATAL accepted: {ticket} */
    char *not_found;     /* no such ticket for this sender: {ticket} */
    char *not_valid;     /* a ticket number that fails its check digit */
    char *need_ticket;   /* a command without its ticket number */
    char *help;          /* BANTUAN / HELP / ? */
    char *forward;       /* a routed ticket to each liaison: {ticket}, {agency}, {summary} */
    char *reminder;      /* an overdue ticket to its liaisons, at most daily: {ticket}, {agency} */
    char *followup;      /* a TL relayed to the citizen: {ticket}, {agency}, {text} */
    char *closed;        /* a SELESAI relayed to the citizen: {ticket}, {agency}, {text} */
    char *confirmed;     /* the liaison's confirmation: {ticket}, {status} */
    char *confirm_ask;   /* its code, to the number it claims: {ticket}, {code}, {minutes} */
    char *confirm_wrong; /* a code that opened nothing */
    char *pin_refused;   /* a liaison's command without its PIN, with a wrong one, or locked */
};

/* Agencies' codes are at most this long, so that templates can be checked. */
#define AGENCY_CODE_MAX 16

/* Where complaints go. */
struct conf_routing {
    bool automatic; /* a complaint with an agency's keyword is routed at intake */
    char *holidays; /* "YYYY-MM-DD,..." besides weekends, for working-day deadlines */
};

/* What keeps the shortcode from being a spam cannon or one end of an endless robot dialogue. */
struct conf_replies {
    int budget; /* replies to one number per budget_window_s; 0 answers nobody */
    int budget_window_s;
    int resend_window_s;  /* the same text again within this joins the earlier ticket */
    int failover_after_s; /* a reply waits this long for the modem that received its message,
                           * then any daemon's modem may send it */
};

/* How a command that changes a ticket proves it comes from the phone it names (confirm.h). */
struct conf_confirm {
    char *mechanism;  /* a liaison's proof: "code" (round trip), "pin", or "both" */
    int expiry_s;     /* how long a code is good for */
    int attempts;     /* wrong codes from a number that end its waiting commands */
    int pin_attempts; /* wrong PINs after which a liaison is locked until an operator unlocks it */
};

/* Delivery of webhook events to agencies' systems (lapor-smsd-webhook(7)). */
struct conf_webhook {
    bool enabled;      /* this daemon delivers events (any number of daemons may) */
    int concurrency;   /* requests in flight at once, over all agencies */
    int per_agency;    /* requests in flight at once to one agency */
    int timeout_s;     /* the longest one request may take, connecting included */
    int max_attempts;  /* then the event is failed and waits for an operator */
    int first_delay_s; /* the delay after a failure, doubling per attempt up to max_delay_s */
    int max_delay_s;
    char *ca_file; /* certificate authorities to trust, "" for the system's store */
};

/* The scheduled check of the SIM's prepaid credit by USSD (credit.h). */
struct conf_credit {
    char *ussd;     /* the balance code, e.g. "*888#"; "" checks nothing */
    char *pattern;  /* POSIX extended regular expression; its first group is the amount */
    int interval_s; /* how often the credit is asked for */
    int threshold;  /* an alarm under this amount; 0 none */
};

struct conf {
    char *path;      /* the file this was read from */
    char *instance;  /* this daemon's name, unique per modem */
    char *user;      /* started as root: become this user once the modem is open ("" none) */
    char *group;     /* ... and this group ("" the user's own) */
    bool allow_root; /* keep running as root when no user is given (otherwise refused) */
    struct conf_modem modem;
    char *database; /* libpq connection string; never logged */
    int poll_interval_ms;
    int multipart_timeout_s;
    int lease_s;     /* how long a claimed reply stays ours before another daemon may judge it */
    int batch_size;  /* parts stored per transaction */
    int heartbeat_s; /* how often the daemon writes its heartbeat */
    struct conf_retry retry;
    struct conf_templates templates;
    struct conf_replies replies;
    struct conf_confirm confirm;
    struct conf_routing routing;
    struct conf_webhook webhook;
    struct conf_credit credit;
    bool log_syslog;
    int log_level; /* enum log_level */
};

/* Fills c with built-in defaults (those of conf/lapor-smsd.conf). */
void conf_defaults(struct conf *c);

/*
 * Reads path into c (which conf_load initialises itself). Returns 0, or -1 with err holding
 * "FILE:LINE: reason" (line 0 when the reason has no line, e.g. a missing file).
 */
int conf_load(const char *path, struct conf *c, char *err, size_t errcap);

void conf_free(struct conf *c);

#endif
