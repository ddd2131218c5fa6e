/*
 * check: the verdict of `lapor-smsctl check`, after the Monitoring Plugins convention that
 * Nagios and Icinga follow: OK, WARNING, CRITICAL or UNKNOWN (exit codes 0 to 3), and one line
 * of text with performance data after a '|'. Pure: the figures come from the database, the
 * thresholds from the command line.
 */
#ifndef LAPOR_CHECK_H
#define LAPOR_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum check_code { CHECK_OK = 0, CHECK_WARNING = 1, CHECK_CRITICAL = 2, CHECK_UNKNOWN = 3 };

/* A warning and a critical threshold; a figure is judged as going bad upwards unless low_is_bad.
 * A threshold below 0 is not checked. */
struct check_range {
    double warn, crit;
};

struct check_thresholds {
    struct check_range signal;  /* percent, low is bad */
    struct check_range storage; /* percent of SIM or phone memory used */
    struct check_range outbox;  /* seconds the oldest queued reply has waited */
    struct check_range failed;  /* replies that failed */
    struct check_range credit;  /* prepaid credit, low is bad */
};

/* The defaults: signal 20/10 %, storage 80/95 %, outbox 300/900 s, failed 1/10, credit
 * unchecked (no currency is the same everywhere; the daemon's own threshold still counts). */
void check_defaults(struct check_thresholds *t);

/* One daemon and its modem as the heartbeat says. Figures below 0 are unknown. */
struct check_modem {
    char instance[64];
    char state[16]; /* "up", "down" (heartbeat stale), "stopped" (a clean stop) */
    bool connected;
    char registration[16]; /* "" when unknown */
    int signal_percent;
    int storage_percent;
    double balance;   /* < 0 unknown */
    bool balance_low; /* under the daemon's own threshold */
};

struct check_queues {
    double oldest_queued_s;
    long failed;
};

/* Judges the figures; writes the plugin's line (without a newline) into line. */
enum check_code check_evaluate(const struct check_thresholds *t, const struct check_modem *m,
                               size_t n, const struct check_queues *q, char *line, size_t cap);

/* "OK", "WARNING", "CRITICAL" or "UNKNOWN". */
const char *check_code_name(enum check_code c);

#endif
