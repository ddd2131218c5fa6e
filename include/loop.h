/*
 * loop: the daemon's main loop, and the state its steps share. The program (smsd.c) fills in the
 * configuration, the store, the modem, the intake and the outbox, then runs the loop until a
 * signal or a reason of its own stops it.
 */
#ifndef LAPOR_LOOP_H
#define LAPOR_LOOP_H

#include <stdbool.h>

#include "conf.h"
#include "credit.h"
#include "intake.h"
#include "modem.h"
#include "outbox.h"
#include "privdrop.h"
#include "recovery.h"
#include "schedule.h"
#include "store.h"
#include "webhook_runner.h"

/* Everything the loop and its tick share. */
struct daemon {
    struct conf conf;
    bool verbose;
    struct store *store;
    struct modem *modem;
    struct intake *intake;
    struct outbox *outbox;
    struct link db, mo;
    char host[256];
    long long started_at;
    long long next_beat_ms;
    const char *modem_state;
    int undecodable_taken;
    char last_error[256];
    long long last_error_at;
    long long healthy_since; /* database and modem up since, epoch seconds; 0 when not */
    long long last_receive_at, last_send_at;
    bool ready;                   /* systemd was told the daemon runs */
    long long next_poll_ms;       /* the next look at the modem */
    long long next_recover_ms;    /* the next time claims are taken back */
    bool take_back_own;           /* (re)connected: this process's own claims are taken back too */
    long long next_expire_ms;     /* the next close of timed-out multipart messages */
    long long next_remind_ms;     /* the next look for overdue tickets */
    long long replies_held_since; /* the modem's read-ahead made replies wait since; 0: not */
    int empty_looks;              /* looks at the modem in a row that found nothing */
    struct modem_status status;
    bool have_status;
    long long status_at;        /* when the modem last answered about itself, epoch seconds */
    struct credit_state credit; /* the SIM's prepaid credit */
    long long next_status_ms;
    int calls_rejected;           /* voice calls rejected, over all modem workers */
    int worker_calls;             /* of those, by the current worker, as it last said */
    int worker_calls_pid;         /* that worker */
    int read_errors;              /* reads in a row that failed without the worker dying */
    bool rescue_wanted;           /* libGammu skipped a message it cannot decode */
    long long no_rescue_until_ms; /* after a failed rescue, skipped messages wait this long */
    struct recovery rec;          /* the modem's recovery ladder */
    bool reset_ordered;           /* this step's reset was ordered: now only reconnect */
    bool device_absent;           /* the modem's device is not there, and that was said */
    struct privdrop drop;         /* who to become once the modem is open, when started as root */
    bool drop_pending;
    /* The webhook sender, started once root is given up and the database reached. */
    struct webhook_runner *webhooks;
    bool webhooks_started;
    int exit_code; /* set when the daemon must stop for a reason of its own */
};

/* The state before the first turn: nothing connected, no messages just now. */
void loop_init(struct daemon *d);
/* Makes SIGTERM and SIGINT stop the loop and SIGHUP reload the configuration. */
void loop_catch_signals(void);
/* Runs turns until the daemon stops; its exit code. */
int loop_run(struct daemon *d);
/* Keeps the watchdog and the heartbeat going while the modem proxy waits for its worker. */
void loop_tick(void *daemon);
/* The schema version this program knows: the highest of its migrations. */
int loop_known_schema_version(void);

#endif
