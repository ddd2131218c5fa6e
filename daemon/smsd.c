/*
 * lapor-smsd: one daemon per modem. Polls the modem, stores every SMS as a complaint, sends the
 * queued replies, and keeps going whatever the database or the modem do: each has its own
 * connection state and its own back-off, so an outage of one is never blamed on the other.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "fault.h"
#include "intake.h"
#include "log.h"
#include "migrations.h"
#include "modem.h"
#include "modem_proxy.h"
#include "modem_wire.h"
#include "notify.h"
#include "outbox.h"
#include "privdrop.h"
#include "proc.h"
#include "recovery.h"
#include "agency.h"
#include "store.h"

#define DEFAULT_CONF "/etc/lapor-smsd/lapor-smsd.conf"
/* Back-off between reconnection attempts: doubles from the first to the cap. */
#define BACKOFF_FIRST_MS 1000
#define BACKOFF_CAP_MS 30000
/* Replies sent per round of the main loop. While the modem worker reads ahead (a backlog on the
 * SIM, or the end of a listing), a reply would wait for the whole read-ahead, and the intake
 * behind the reply: at the end of a listing that includes the dummy driver's search of all its
 * locations (about 60 ms). Replies wait for the read-ahead instead, but a round goes out at least
 * every REPLIES_HOLD_MAX_MS, so a long backlog still sends replies while the SIM is emptied
 * first (a full SIM refuses citizens' messages). Measured at 10,000 waiting messages
 * (tests/bench/bench.sh --throughput-only, alternated builds, together with intake_poll storing
 * the parts in hand when the modem is still searching): all stored in 1.57 to 1.69 s against
 * 2.50 to 3.07 s with one reply sent between every two batches, and the last reply out sooner
 * (3.12 to 3.32 s against 4.03 to 4.60 s). One reply or fifty a second made no difference. */
#define OUTBOX_PER_ROUND 50
#define REPLIES_HOLD_MAX_MS 1000
/* A look at the modem that finds nothing is followed by the next one after the poll interval,
 * except just after messages came: then after an eighth of it, a quarter, a half, and only from
 * the fourth empty look on the whole interval. Messages arriving in a stream (a campaign) with
 * gaps between them would otherwise wait a whole interval each time a look falls into a gap; a
 * quiet modem costs three more looks after each burst. */
#define QUICK_LOOKS 3
#define QUICK_LOOK_MIN_MS 50
#define EXPIRE_EVERY_MS 1000
/* Worker deaths in a row while reading that make the daemon suspect a poisonous message. */
#define POISON_DEATHS 2
/* How often overdue tickets are looked for; each gets one reminder a day at most. */
#define REMIND_EVERY_MS 60000
/* A rescue that failed (a modem that cannot be spoken to without libGammu, such as the dummy
 * driver) is not tried again for a message libGammu merely skips before this much later. */
#define RESCUE_RETRY_MS 600000
/* A modem ordered to reset gets this long to restart before it is spoken to again. */
#define RESET_SETTLE_MS 3000

static volatile sig_atomic_t got_term;
static volatile sig_atomic_t got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP) {
        got_hup = 1;
    } else {
        got_term = 1;
    }
}

/* One thing we connect to, with its back-off. */
struct link {
    const char *name;
    bool up;
    long long next_try_ms;
    long long delay_ms;
};

static void link_failed(struct link *l, long long now)
{
    l->up = false;
    l->next_try_ms = now + l->delay_ms;
    log_warn("%s: next attempt in %lld s", l->name, l->delay_ms / 1000);
    l->delay_ms *= 2;
    if (l->delay_ms > BACKOFF_CAP_MS) {
        l->delay_ms = BACKOFF_CAP_MS;
    }
}

static void link_ok(struct link *l)
{
    l->up = true;
    l->delay_ms = BACKOFF_FIRST_MS;
}

static int known_schema_version(void)
{
    int v = 0;
    for (int i = 0; i < migration_count; i++) {
        if (migrations[i].version > v) {
            v = migrations[i].version;
        }
    }
    return v;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: lapor-smsd [-c FILE] [-f] [-n] [-v] [-V]\n"
        "  -c FILE  configuration file (default " DEFAULT_CONF ")\n"
        "  -f       log to stderr even when the configuration asks for syslog (the daemon never\n"
        "           forks: systemd or a terminal runs it in the foreground)\n"
        "  -n       check the configuration and exit\n"
        "  -v       verbose: log at debug level\n"
        "  -V       print the version and exit\n");
}

/* Takes over what SIGHUP may change; the rest needs a restart. A bad file changes nothing. */
static void reload(struct conf *live, bool verbose)
{
    struct conf fresh;
    char err[512];
    if (conf_load(live->path, &fresh, err, sizeof err) != 0) {
        log_err("reload refused, keeping the running configuration: %s", err);
        return;
    }
    if (strcmp(fresh.instance, live->instance) != 0 ||
        strcmp(fresh.database, live->database) != 0 ||
        strcmp(fresh.modem.device, live->modem.device) != 0 ||
        strcmp(fresh.modem.connection, live->modem.connection) != 0 ||
        fresh.batch_size != live->batch_size) {
        log_warn("reload: instance, database, modem and batch size take effect only at restart");
    }
    /* The templates change hands whole; conf_free(&fresh) then frees the old ones. */
    struct conf_templates old = live->templates;
    live->templates = fresh.templates;
    fresh.templates = old;
    live->replies = fresh.replies;
    live->routing.automatic = fresh.routing.automatic;
    char *holidays = live->routing.holidays;
    live->routing.holidays = fresh.routing.holidays;
    fresh.routing.holidays = holidays;
    live->retry = fresh.retry;
    live->poll_interval_ms = fresh.poll_interval_ms;
    live->multipart_timeout_s = fresh.multipart_timeout_s;
    live->lease_s = fresh.lease_s;
    live->log_level = fresh.log_level;
    log_set_level(verbose ? LOGL_DEBUG : (enum log_level)live->log_level);
    conf_free(&fresh);
    log_info("configuration reloaded");
}

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
    long long last_receive_at, last_send_at;
    long long replies_held_since; /* the modem's read-ahead made replies wait since; 0: not */
    int empty_looks;              /* looks at the modem in a row that found nothing */
    struct modem_status status;
    bool have_status;
    long long next_status_ms;
    int calls_rejected;           /* voice calls rejected, over all modem workers */
    int worker_calls;             /* of those, by the current worker, as it last said */
    int worker_calls_pid;         /* that worker */
    int read_errors;              /* reads in a row that failed without the worker dying */
    bool rescue_wanted;           /* libGammu skipped a message it cannot decode */
    long long no_rescue_until_ms; /* after a failed rescue, skipped messages wait this long */
    struct recovery rec;          /* the modem's recovery ladder */
    bool reset_ordered;           /* this step's reset was ordered: now only reconnect */
    struct privdrop drop;         /* who to become once the modem is open, when started as root */
    bool drop_pending;
    int exit_code; /* set when the daemon must stop for a reason of its own */
};

/* Remembers an error for the heartbeat, and logs it. */
static void daemon_error(struct daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void daemon_error(struct daemon *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->last_error, sizeof d->last_error, fmt, ap);
    va_end(ap);
    d->last_error_at = (long long)time(NULL);
    log_warn("%s", d->last_error);
}

static void db_down(struct daemon *d, long long now)
{
    store_disconnect(d->store);
    link_failed(&d->db, now);
}

/* The one-line status systemd shows. */
static void notify_status(struct daemon *d)
{
    char line[400];
    snprintf(line, sizeof line, "STATUS=database %s, modem %s%s%s", d->db.up ? "up" : "DOWN",
             d->mo.up ? "connected" : d->modem_state, d->last_error[0] ? "; last error: " : "",
             d->last_error);
    notify_send(line);
}

/* Writes the heartbeat when it is due. Runs from the loop and, while the daemon waits for its
 * modem worker, from the proxy's tick: never inside a database transaction. */
static void heartbeat(struct daemon *d)
{
    long long now = proc_now_ms();
    if (!d->db.up || now < d->next_beat_ms) {
        return;
    }
    d->next_beat_ms = now + (long long)d->conf.heartbeat_s * 1000;
    struct modem_supervision sup;
    modem_proxy_supervision(d->modem, &sup);
    struct modem_status_view view = {
        d->status.imei,
        d->status.imsi,
        d->status.network,
        d->status.signal_percent,
        d->status.battery_percent,
        d->status.sim_used,
        d->status.sim_total,
        d->status.phone_used,
        d->status.phone_total,
    };
    struct store_heartbeat hb = {
        .instance = d->conf.instance,
        .host = d->host,
        .pid = (int)getpid(),
        .started_at = d->started_at,
        .modem_state = d->mo.up ? "connected" : d->modem_state,
        .modem_connected = d->mo.up,
        .worker_pid = sup.worker_pid,
        .worker_starts = sup.starts,
        .worker_deaths = sup.deaths,
        .last_worker_death = sup.last_death,
        .undecodable_taken = d->undecodable_taken,
        .last_error = d->last_error,
        .last_error_at = d->last_error_at,
        .last_receive_at = d->last_receive_at,
        .last_send_at = d->last_send_at,
        .modem = d->have_status ? &view : NULL,
        .calls_rejected = d->calls_rejected,
        .recovery_step = recovery_step_name(d->rec.step),
        .recovery_failures = d->rec.failures,
        .recoveries = d->rec.recoveries,
        .last_recovery = recovery_step_name(d->rec.last_worked),
        .last_recovery_at = d->rec.last_worked_at,
    };
    notify_status(d);
    if (store_heartbeat(d->store, &hb) != 0) {
        log_warn("heartbeat: %s", store_error(d->store));
        if (!store_connected(d->store)) {
            db_down(d, now);
        }
    }
}

static void tick(void *arg)
{
    notify_watchdog();
    heartbeat(arg);
}

/* The modem is connected: learn its figures now and then. */
static void refresh_status(struct daemon *d, long long now)
{
    if (now < d->next_status_ms) {
        return;
    }
    d->next_status_ms = now + (long long)d->conf.modem.status_interval_s * 1000;
    struct modem_status st;
    if (d->modem->ops->status(d->modem, &st) == 0) {
        /* Each worker counts from zero; the daemon adds up. */
        struct modem_supervision sup;
        modem_proxy_supervision(d->modem, &sup);
        if (sup.worker_pid != d->worker_calls_pid) {
            d->worker_calls_pid = sup.worker_pid;
            d->worker_calls = 0;
        }
        if (st.calls_rejected > d->worker_calls) {
            d->calls_rejected += st.calls_rejected - d->worker_calls;
            d->worker_calls = st.calls_rejected;
        }
        d->status = st;
        d->have_status = true;
        d->next_beat_ms = 0; /* operators see the new figures at once */
    }
}

/* The modem failed, or could not be brought up: the next step of the ladder, after the back-off. */
static void modem_failed(struct daemon *d, long long now)
{
    enum recovery_step step = recovery_failed(&d->rec);
    d->reset_ordered = false;
    d->modem_state = "down";
    link_failed(&d->mo, now);
    log_warn("modem recovery: %d failure%s in a row; next step: %s", d->rec.failures,
             d->rec.failures == 1 ? "" : "s", recovery_step_name(step));
    d->next_beat_ms = 0;
}

/* The modem did its job (a whole listing read, a part sent): a recovery under way is over. */
static void modem_worked(struct daemon *d)
{
    enum recovery_step step = d->rec.step;
    int failures = d->rec.failures;
    if (recovery_worked(&d->rec, (long long)time(NULL))) {
        log_info("modem recovery: the modem works again after %d failure%s; last step: %s",
                 failures, failures == 1 ? "" : "s", recovery_step_name(step));
        d->reset_ordered = false;
        d->next_beat_ms = 0;
    }
}

/* The first attempt at the modem is over (its worker opened the device as root, and has become
 * the daemon's user itself): the daemon follows. Workers started from now on are the user's. */
static void give_up_root(struct daemon *d)
{
    char err[200];
    d->drop_pending = false;
    if (privdrop_apply(&d->drop, err, sizeof err) != 0) {
        log_err("cannot give up root: %s; stopping", err);
        d->exit_code = 1;
        got_term = 1;
        return;
    }
    log_info("running as user %s (uid %ld, gid %ld) from now on", d->drop.user, (long)d->drop.uid,
             (long)d->drop.gid);
}

static void try_modem(struct daemon *d, long long now)
{
    char err[512];
    struct modem_supervision sup;
    modem_proxy_supervision(d->modem, &sup);
    if ((sup.deaths_while_reading >= POISON_DEATHS || d->read_errors >= POISON_DEATHS ||
         d->rescue_wanted) &&
        d->db.up) {
        /* Reading keeps failing: a message on the SIM likely kills libGammu's decoder, hangs it,
         * or makes it start its listing over and over. */
        if (d->rescue_wanted) {
            log_warn("taking a message libGammu cannot decode off the SIM");
        } else {
            log_err("reading the modem failed %d times in a row (%d worker deaths); looking for "
                    "a poisonous message on the SIM",
                    d->read_errors + sup.deaths_while_reading, sup.deaths_while_reading);
        }
        d->read_errors = 0;
        d->rescue_wanted = false;
        d->modem_state = "rescuing";
        heartbeat(d);
        int taken = intake_rescue(d->intake, err, sizeof err);
        if (taken < 0) {
            daemon_error(d, "rescue failed: %s", err);
            d->no_rescue_until_ms = now + RESCUE_RETRY_MS;
        } else {
            d->undecodable_taken += taken;
            if (taken == 0) {
                daemon_error(d, "rescue found no undecodable message; reading again");
            }
        }
        modem_proxy_forget_deaths(d->modem);
        d->modem->ops->disconnect(d->modem);
    }
    enum recovery_step step = d->rec.step;
    /* Every connect starts a fresh worker that opens the device by its path again (a USB modem
     * that was reset comes back under a new ttyUSB name, which a /dev/serial/by-id path follows),
     * so reconnecting and reopening need nothing more than the connect below. */
    if (step == RECOVERY_REOPEN) {
        log_warn("modem recovery: reopening the device");
    } else if (step == RECOVERY_RECONNECT) {
        log_warn("modem recovery: reconnecting");
    }
    d->modem_state = step == RECOVERY_NONE ? "connecting" : "recovering";
    int rc = d->modem->ops->connect(d->modem, err, sizeof err);
    if (d->drop_pending) {
        give_up_root(d);
    }
    if (rc != 0) {
        daemon_error(d, "modem connection failed: %s", err);
        modem_failed(d, now);
        return;
    }
    if ((step == RECOVERY_SOFT_RESET || step == RECOVERY_HARD_RESET) && !d->reset_ordered &&
        d->modem->ops->reset != NULL) {
        bool hard = step == RECOVERY_HARD_RESET;
        log_warn("modem recovery: ordering a %s reset", hard ? "hard" : "soft");
        int r = d->modem->ops->reset(d->modem, hard, err, sizeof err);
        d->mo.up = false;
        if (r == 1) {
            /* Not a failure of the modem: the next step is taken at once. */
            enum recovery_step next = recovery_cannot(&d->rec, step);
            log_warn("modem recovery: %s; next: %s", err, recovery_step_name(next));
            d->mo.next_try_ms = now;
            d->next_beat_ms = 0;
            return;
        }
        if (r != 0) {
            daemon_error(d, "modem recovery: %s", err);
            modem_failed(d, now);
            return;
        }
        d->reset_ordered = true;
        d->modem_state = "resetting";
        d->mo.next_try_ms = now + RESET_SETTLE_MS;
        d->next_beat_ms = 0;
        return;
    }
    link_ok(&d->mo);
    d->modem_state = "connected";
    intake_restart(d->intake);
    log_info(step == RECOVERY_NONE ? "modem connected" : "modem connected (recovering)");
    d->next_status_ms = 0;
    d->next_beat_ms = 0;
}

static void modem_down(struct daemon *d, long long now, const char *what)
{
    struct modem_supervision sup;
    modem_proxy_supervision(d->modem, &sup);
    daemon_error(d, "modem failed while %s%s%s; reconnecting", what,
                 sup.last_death[0] ? ": worker " : "", sup.last_death);
    d->modem->ops->disconnect(d->modem);
    modem_failed(d, now);
}

/* How long after the empty_looks-th empty look in a row the modem is looked at again (see
 * QUICK_LOOKS). */
static long long empty_look_wait_ms(const struct daemon *d)
{
    long long wait = d->conf.poll_interval_ms;
    for (int i = d->empty_looks; i <= QUICK_LOOKS; i++) {
        wait /= 2;
    }
    if (wait < QUICK_LOOK_MIN_MS) {
        wait = d->conf.poll_interval_ms < QUICK_LOOK_MIN_MS ? d->conf.poll_interval_ms
                                                            : QUICK_LOOK_MIN_MS;
    }
    return wait;
}

static int run(struct daemon *d)
{
    long long next_expire = 0, next_recover = 0, next_remind = 0;
    /* When the modem was found empty it is looked at again only after the poll interval: a new
     * listing costs the modem (and the dummy driver tens of thousands of file probes), while
     * replies keep going out in between. */
    long long next_poll = 0;
    bool reconnected = true;
    bool ready = false;
    while (!got_term) {
        notify_watchdog();
        if (!ready) {
            /* Running, and saying so with whatever is connected: systemd should not wait for a
             * modem or a database that may be away for hours. */
            notify_send("READY=1");
            ready = true;
        }
        if (got_hup) {
            got_hup = 0;
            notify_send("RELOADING=1");
            reload(&d->conf, d->verbose);
            notify_send("READY=1");
            if (d->db.up && store_holidays_sync(d->store, d->conf.routing.holidays) != 0) {
                daemon_error(d, "%s", store_error(d->store));
            }
        }
        long long now = proc_now_ms();
        if (!d->db.up && now >= d->db.next_try_ms) {
            int version = -1;
            if (store_connect(d->store) != 0 || store_schema_version(d->store, &version) != 0) {
                daemon_error(d, "%s", store_error(d->store));
                db_down(d, now);
            } else if (version != known_schema_version()) {
                log_err("database schema version %d is not the one this lapor-smsd knows (%d): %s",
                        version, known_schema_version(),
                        version < known_schema_version() ? "run 'lapor-smsctl migrate'"
                                                         : "upgrade lapor-smsd");
                return 1;
            } else if (store_holidays_sync(d->store, d->conf.routing.holidays) != 0) {
                daemon_error(d, "%s", store_error(d->store));
                db_down(d, now);
            } else {
                link_ok(&d->db);
                log_info("database connected (schema version %d)", version);
                next_recover = 0;
                reconnected = true;
                d->next_beat_ms = 0;
            }
        }
        if (!d->mo.up && now >= d->mo.next_try_ms) {
            try_modem(d, now);
        }
        heartbeat(d);

        bool worked = false;
        if (d->db.up && now >= next_recover) {
            /* Nothing is in flight between two rounds: after a reconnection, this process's own
             * claims are taken back too, instead of waiting for their leases to run out. */
            if (outbox_recover(d->outbox, reconnected) != 0) {
                daemon_error(d, "%s", store_error(d->store));
                db_down(d, now);
            }
            reconnected = false;
            next_recover = now + (long long)d->conf.lease_s * 1000 / 3;
        }
        /* Without the database nothing is read from the modem: the messages wait there. */
        if (d->db.up && d->mo.up && now >= next_poll) {
            enum intake_result ir = intake_poll(d->intake);
            if (ir == INTAKE_IDLE) {
                if (d->empty_looks <= QUICK_LOOKS) { /* counted only as far as it matters */
                    d->empty_looks++;
                }
                next_poll = now + empty_look_wait_ms(d);
            } else {
                next_poll = now;
                if (ir == INTAKE_WORKED || ir == INTAKE_LISTED) {
                    d->empty_looks = 0;
                }
            }
            if (ir != INTAKE_MODEM_ERROR) {
                d->read_errors = 0;
            }
            if (ir == INTAKE_WORKED || ir == INTAKE_IDLE || ir == INTAKE_LISTED) {
                modem_worked(d);
            }
            if (intake_undecodable_seen(d->intake) > 0 && ir != INTAKE_MODEM_ERROR &&
                now >= d->no_rescue_until_ms) {
                /* Such a message stays on the SIM, read and skipped again on every poll: take
                 * it off raw, then read on. */
                log_warn("libGammu skipped a message it cannot decode; taking it off the modem");
                d->rescue_wanted = true;
                d->modem->ops->disconnect(d->modem);
                d->mo.up = false;
                d->mo.next_try_ms = 0;
                d->modem_state = "rescuing";
            }
            if (ir == INTAKE_WORKED) {
                worked = true;
                d->last_receive_at = (long long)time(NULL);
            } else if (ir == INTAKE_DB_ERROR) {
                daemon_error(d, "storing messages: %s", store_error(d->store));
                db_down(d, now);
            } else if (ir == INTAKE_MODEM_ERROR) {
                struct modem_supervision sup;
                modem_proxy_supervision(d->modem, &sup);
                if (sup.worker_pid > 0) {
                    d->read_errors++; /* the worker lived: libGammu itself gave up */
                }
                modem_down(d, now, "reading");
            }
        }
        if (d->db.up && now >= next_expire) {
            if (intake_expire(d->intake) != 0) {
                daemon_error(d, "closing timed-out multipart messages: %s", store_error(d->store));
                db_down(d, now);
            }
            next_expire = now + EXPIRE_EVERY_MS;
        }
        if (d->db.up && now >= next_remind) {
            int sent = 0;
            if (store_begin(d->store) != 0 || agency_remind(d->store, &d->conf, &sent) != 0 ||
                store_commit(d->store) != 0) {
                daemon_error(d, "reminding overdue tickets: %s", store_error(d->store));
                store_rollback(d->store);
                db_down(d, now);
            } else if (sent > 0) {
                log_info("reminded the liaisons of %d overdue ticket%s", sent,
                         sent == 1 ? "" : "s");
            }
            next_remind = now + REMIND_EVERY_MS;
        }
        bool hold = false;
        if (d->mo.up && d->modem->ops->reading != NULL && d->modem->ops->reading(d->modem)) {
            if (d->replies_held_since == 0) {
                d->replies_held_since = now;
            }
            hold = now - d->replies_held_since < REPLIES_HOLD_MAX_MS;
        }
        if (!hold) {
            d->replies_held_since = 0;
        }
        if (d->db.up && d->mo.up && !got_term && !hold) {
            enum outbox_result orr = outbox_run(d->outbox, OUTBOX_PER_ROUND);
            if (orr == OUTBOX_WORKED) {
                modem_worked(d);
                worked = true;
                d->last_send_at = (long long)time(NULL);
            } else if (orr == OUTBOX_DB_ERROR) {
                daemon_error(d, "sending replies: %s", store_error(d->store));
                db_down(d, now);
            } else if (orr == OUTBOX_MODEM_ERROR) {
                modem_down(d, now, "sending");
            }
        }
        if (!worked && d->mo.up && !got_term) {
            refresh_status(d, now);
        }
        if (!worked && !got_term) {
            long long wait = d->conf.poll_interval_ms;
            long long t = proc_now_ms();
            if (!d->db.up && d->db.next_try_ms - t < wait) {
                wait = d->db.next_try_ms - t;
            }
            if (!d->mo.up && d->mo.next_try_ms - t < wait) {
                wait = d->mo.next_try_ms - t;
            }
            if (d->mo.up && next_poll - t < wait) {
                wait = next_poll - t;
            }
            if (d->db.up && d->next_beat_ms - t < wait) {
                wait = d->next_beat_ms - t;
            }
            /* Short enough for the watchdog's pings, whatever the poll interval. */
            if (wait > 5000) {
                wait = 5000;
            }
            proc_nap_ms(wait);
        }
    }
    return d->exit_code;
}

int main(int argc, char **argv)
{
    if ((argc == 3 || argc == 5) && strcmp(argv[1], "--modem-worker") == 0) {
        /* The modem worker: started by the daemon itself, never by hand; with a user and group
         * when it starts as root and must give that up. */
        log_init("lapor-smsd[modem]", false, (enum log_level)atoi(argv[2]));
        return modem_worker_main(WIRE_WORKER_FD, argc == 5 ? argv[3] : NULL,
                                 argc == 5 ? argv[4] : NULL);
    }
    const char *path = DEFAULT_CONF;
    static struct daemon d;
    int opt;
    bool foreground = false, check_only = false;
    while ((opt = getopt(argc, argv, "c:fnvVh")) != -1) {
        switch (opt) {
        case 'c':
            path = optarg;
            break;
        case 'f':
            foreground = true;
            break;
        case 'n':
            check_only = true;
            break;
        case 'v':
            d.verbose = true;
            break;
        case 'V':
            printf("lapor-smsd %s (schema %d)\n", LAPOR_VERSION, known_schema_version());
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }

    char err[512];
    if (conf_load(path, &d.conf, err, sizeof err) != 0) {
        fprintf(stderr, "lapor-smsd: %s\n", err);
        return 1;
    }
    if (check_only) {
        printf("%s: configuration OK\n", path);
        conf_free(&d.conf);
        return 0;
    }
    notify_init();
    fault_init();
    log_init("lapor-smsd", d.conf.log_syslog && !foreground,
             d.verbose ? LOGL_DEBUG : (enum log_level)d.conf.log_level);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal cuts a nap short, so SIGTERM is acted on at once. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char owner[128];
    snprintf(owner, sizeof owner, "%s:%ld:%lld", d.conf.instance, (long)getpid(),
             (long long)time(NULL));
    if (gethostname(d.host, sizeof d.host) != 0) {
        snprintf(d.host, sizeof d.host, "unknown");
    }
    d.host[sizeof d.host - 1] = '\0';
    d.started_at = (long long)time(NULL);
    d.empty_looks = QUICK_LOOKS + 1; /* no messages came just now */
    d.modem_state = "connecting";
    d.db = (struct link){"database", false, 0, BACKOFF_FIRST_MS};
    d.mo = (struct link){"modem", false, 0, BACKOFF_FIRST_MS};
    memset(&d.status, 0, sizeof d.status);
    recovery_init(&d.rec);
    d.store = store_new(d.conf.database);
    d.modem = modem_proxy_new(&d.conf.modem, "/proc/self/exe", tick, &d);
    if (d.modem != NULL && geteuid() == 0) {
        /* Root only long enough to open the modem (whose device may be root's alone); the text
         * of strangers' messages is then read by an unprivileged user. */
        if (d.conf.user[0] != '\0') {
            if (privdrop_resolve(d.conf.user, d.conf.group, &d.drop, err, sizeof err) != 0) {
                fprintf(stderr, "lapor-smsd: %s: user and group: %s\n", path, err);
                return 1;
            }
            d.drop_pending = true;
            modem_proxy_drop_to(d.modem, d.conf.user, d.conf.group);
        } else if (!d.conf.allow_root) {
            fprintf(stderr,
                    "lapor-smsd: %s: refusing to run as root: name the daemon's user (and "
                    "group) in the file, or set allow_root = true\n",
                    path);
            return 1;
        }
    }
    d.intake = d.store && d.modem ? intake_new(&d.conf, d.store, d.modem) : NULL;
    d.outbox = d.store && d.modem ? outbox_new(&d.conf, d.store, d.modem, owner) : NULL;
    if (d.intake == NULL || d.outbox == NULL) {
        log_err("out of memory at start");
        return 1;
    }
    log_info("lapor-smsd %s starting: instance %s, modem %s", LAPOR_VERSION, d.conf.instance,
             d.conf.modem.connection);

    int exit_code = run(&d);

    notify_send("STOPPING=1");
    log_info("lapor-smsd stopping");
    intake_free(d.intake);
    outbox_free(d.outbox);
    d.modem->ops->destroy(d.modem);
    store_free(d.store);
    conf_free(&d.conf);
    return exit_code;
}
