/*
 * store_status: what the daemons report and the operators read: each daemon's heartbeat, the
 * status of modems and queues (JSON or text), and the fixed reports, Prometheus metrics among
 * them.
 */
#ifndef LAPOR_STORE_STATUS_H
#define LAPOR_STORE_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/*
 * A fixed report for operators, by name: "agencies", "liaisons" (params: agency code or none),
 * "ticket" (params: sequence number), "overdue", "outbox" (params: status or none), "metrics"
 * (params: seconds after which a heartbeat is stale; Prometheus text either way). As JSON or as
 * text lines (malloc'd).
 */
int store_report(struct store *s, const char *name, const char *param, bool json, char **out);

/* The modem's own figures, as the heartbeat keeps them (-1 and "" when unknown). */
struct modem_status_view {
    const char *imei, *imsi, *network;
    int signal_percent, battery_percent, sim_used, sim_total, phone_used, phone_total;
    const char *registration; /* "" when unknown */
    long long asked_at;       /* when the modem answered these, epoch seconds */
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
/* The last credit check of a daemon's SIM (credit.h), for its heartbeat row. */
struct store_credit {
    const char *instance;
    bool known; /* amount holds the balance */
    double amount;
    const char *answer;   /* the operator's answer, "" none */
    long long checked_at; /* epoch seconds of the last balance, 0 never */
    const char *error;    /* why the last check failed, "" when it did not */
    bool low;             /* under the configured threshold */
};

int store_heartbeat_credit(struct store *s, const struct store_credit *c);

/* A daemon that stops cleanly says so, so that status shows it stopped, not crashed. */
int store_heartbeat_stopped(struct store *s, const char *instance, int pid);

/* The operators' view of modems and queues as one JSON document (malloc'd; caller frees). */
int store_status_json(struct store *s, int stale_after_s, char **json);
/* The same for people: a table of modems and the queue figures, as lines of text (malloc'd). */
int store_status_text(struct store *s, int stale_after_s, char **text);

#endif
