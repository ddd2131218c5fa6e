/*
 * loop: the daemon's main loop. Each turn takes its steps in a fixed order: reload when asked,
 * keep the database and the modem connected, write the heartbeat, take back claims, take in what
 * the modem holds, the periodic chores, send replies, and nap until the next thing is due. The
 * database and the modem each have their own connection state and back-off, so an outage of one
 * is never blamed on the other.
 */
#include "loop.h"

#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agency.h"
#include "credit_check.h"
#include "intake.h"
#include "log.h"
#include "modem_conf.h"
#include "modem_proxy.h"
#include "notify.h"
#include "outbox.h"
#include "proc.h"
#include "rescue.h"
#include "store_agency.h"
#include "store_schema.h"
#include "store_status.h"
#include "webhook_runner.h"

/* Replies claimed and sent per round of the main loop. */
#define OUTBOX_PER_ROUND 50
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

void loop_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal cuts a nap short, so SIGTERM is acted on at once. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* A link went down: logs when it is tried again. */
static void link_failed(struct link *l, long long now)
{
    long long wait = schedule_link_failed(l, now);
    log_warn("%s: next attempt in %lld s", l->name, wait / 1000);
}

int loop_known_schema_version(void)
{
    return store_known_schema_version();
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

/* The database failed at a task: the store's error is reported, as what failed when what is not
 * NULL, and the database counts as down. */
static void db_failed(struct daemon *d, long long now, const char *what)
{
    if (what != NULL) {
        daemon_error(d, "%s: %s", what, store_error(d->store));
    } else {
        daemon_error(d, "%s", store_error(d->store));
    }
    db_down(d, now);
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

/* The last error stays in status until database and modem have both been up for a few beats
 * since it: an operator who looks then sees a healthy daemon, and the log keeps the history. */
static void forget_error_once_healthy(struct daemon *d)
{
    long long now = (long long)time(NULL), settle = 3LL * d->conf.heartbeat_s;
    if (!d->db.up || !d->mo.up || d->rec.step != RECOVERY_NONE) {
        d->healthy_since = 0;
        return;
    }
    if (d->healthy_since == 0) {
        d->healthy_since = now;
    }
    if (d->last_error[0] != '\0' && now - d->healthy_since >= settle &&
        now - d->last_error_at >= settle) {
        d->last_error[0] = '\0';
        d->last_error_at = 0;
    }
}

/* Writes the heartbeat when it is due. Runs from the loop and, while the daemon waits for its
 * modem worker, from the proxy's tick: never inside a database transaction. */
static void heartbeat(struct daemon *d)
{
    long long now = proc_now_ms();
    if (!d->db.up || now < d->next_beat_ms) {
        return;
    }
    forget_error_once_healthy(d);
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
        d->status.registration,
        d->status_at,
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

void loop_tick(void *arg)
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
        d->status_at = (long long)time(NULL);
        d->next_beat_ms = 0; /* operators see the new figures at once */
    }
}

/* The modem failed, or could not be brought up: the next step of the ladder, after the back-off. */
static void modem_failed(struct daemon *d, long long now)
{
    enum recovery_step step = recovery_failed(&d->rec);
    d->reset_ordered = false;
    d->modem_state = "down";
    d->have_status = false; /* what it said before is no longer known */
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

/* Whether reading keeps failing so that a message on the SIM likely kills libGammu's decoder,
 * hangs it, or makes it start its listing over and over (or libGammu skipped one). */
static bool rescue_due(const struct daemon *d, const struct modem_supervision *sup)
{
    return (sup->deaths_while_reading >= POISON_DEATHS || d->read_errors >= POISON_DEATHS ||
            d->rescue_wanted) &&
           d->db.up;
}

/* Takes the message that poisons reading off the SIM, raw, before the modem is connected again. */
static void rescue_message(struct daemon *d, const struct modem_supervision *sup, long long now)
{
    char err[512];
    if (d->rescue_wanted) {
        log_warn("taking a message libGammu cannot decode off the SIM");
    } else {
        log_err("reading the modem failed %d times in a row (%d worker deaths); looking for "
                "a poisonous message on the SIM",
                d->read_errors + sup->deaths_while_reading, sup->deaths_while_reading);
    }
    d->read_errors = 0;
    d->rescue_wanted = false;
    d->modem_state = "rescuing";
    heartbeat(d);
    int taken = rescue_take_off(d->store, d->modem, d->conf.instance, err, sizeof err);
    if (taken < 0) {
        daemon_error(d, "rescue failed: %s", err);
        d->no_rescue_until_ms = now + RESCUE_RETRY_MS;
    } else {
        d->undecodable_taken += taken;
        if (taken == 0) {
            daemon_error(d, "rescue found no undecodable message; reading again");
            /* What libGammu skips and the rescue cannot find stays skipped: reading and sending
             * go on around it instead of a rescue after every poll, which would keep the modem
             * disconnected and the replies waiting. */
            d->no_rescue_until_ms = now + RESCUE_RETRY_MS;
        }
    }
    modem_proxy_forget_deaths(d->modem);
    d->modem->ops->disconnect(d->modem);
}

/* This step of the recovery ladder resets the modem, and the reset is not ordered yet. */
static bool reset_due(const struct daemon *d, enum recovery_step step)
{
    return (step == RECOVERY_SOFT_RESET || step == RECOVERY_HARD_RESET) && !d->reset_ordered &&
           d->modem->ops->reset != NULL;
}

/* Orders the reset of the recovery ladder's step; the modem is spoken to again once it settled. */
static void order_reset(struct daemon *d, enum recovery_step step, long long now)
{
    char err[512];
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
}

static void modem_connected(struct daemon *d, enum recovery_step step)
{
    schedule_link_ok(&d->mo);
    d->modem_state = "connected";
    intake_restart(d->intake);
    log_info(step == RECOVERY_NONE ? "modem connected" : "modem connected (recovering)");
    d->next_status_ms = 0;
    d->next_beat_ms = 0;
}

/* The modem's device (a serial device, the dummy driver's folder) is not there: said once, and
 * looked for again with the back-off but without the recovery ladder, since no reset brings back
 * a device that is unplugged or a folder never made. */
static void modem_absent(struct daemon *d, long long now)
{
    if (!d->device_absent) {
        daemon_error(d,
                     "modem connection failed: the modem's device %s does not exist; waiting "
                     "for it to appear",
                     d->conf.modem.device);
        d->device_absent = true;
        d->next_beat_ms = 0;
    }
    if (d->drop_pending) {
        give_up_root(d);
    }
    d->modem_state = "no device";
    schedule_link_failed(&d->mo, now);
}

/* One attempt at the modem: a rescue first when reading keeps failing, then the connection and the
 * recovery ladder's step. */
static void try_modem(struct daemon *d, long long now)
{
    char err[512];
    if (modem_conf_device_missing(&d->conf.modem)) {
        modem_absent(d, now);
        return;
    }
    if (d->device_absent) {
        log_info("modem: its device %s is there now", d->conf.modem.device);
        d->device_absent = false;
    }
    struct modem_supervision sup;
    modem_proxy_supervision(d->modem, &sup);
    if (rescue_due(d, &sup)) {
        rescue_message(d, &sup, now);
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
    } else if (reset_due(d, step)) {
        order_reset(d, step, now);
    } else {
        modem_connected(d, step);
    }
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

/* ---- The steps of one turn of the main loop, in their order. ---- */

/* Running, and saying so with whatever is connected: systemd should not wait for a modem or a
 * database that may be away for hours. */
static void say_ready(struct daemon *d)
{
    if (!d->ready) {
        notify_send("READY=1");
        d->ready = true;
    }
}

static void reload_if_asked(struct daemon *d)
{
    if (!got_hup) {
        return;
    }
    got_hup = 0;
    notify_send("RELOADING=1");
    reload(&d->conf, d->verbose);
    notify_send("READY=1");
    if (d->db.up && store_holidays_sync(d->store, d->conf.routing.holidays) != 0) {
        daemon_error(d, "%s", store_error(d->store));
    }
}

/* Connects to the database when it is down and its back-off is over. -1 when its schema is not
 * the one this program knows: the daemon must stop. */
static int keep_database_connected(struct daemon *d, long long now)
{
    /* Root is kept only to open the modem: no connection, and no code that reads what the
     * database hands back, runs as root. */
    if (d->db.up || now < d->db.next_try_ms || d->drop_pending) {
        return 0;
    }
    int version = -1;
    if (store_connect(d->store) != 0 || store_schema_version(d->store, &version) != 0) {
        db_failed(d, now, NULL);
    } else if (version != loop_known_schema_version()) {
        log_err("database schema version %d is not the one this lapor-smsd knows (%d): %s", version,
                loop_known_schema_version(),
                version < loop_known_schema_version() ? "run 'lapor-smsctl migrate'"
                                                      : "upgrade lapor-smsd");
        return -1;
    } else if (store_holidays_sync(d->store, d->conf.routing.holidays) != 0) {
        db_failed(d, now, NULL);
    } else {
        schedule_link_ok(&d->db);
        log_info("database connected (schema version %d)", version);
        d->next_recover_ms = 0;
        d->take_back_own = true;
        d->next_beat_ms = 0;
    }
    return 0;
}

static void keep_modem_connected(struct daemon *d, long long now)
{
    if (!d->mo.up && now >= d->mo.next_try_ms) {
        try_modem(d, now);
    }
}

/* Takes back the claims whose leases ran out. Nothing is in flight between two rounds: after a
 * reconnection, this process's own claims are taken back too, instead of waiting for their leases
 * to run out. */
static void take_back_claims(struct daemon *d, long long now)
{
    if (!d->db.up ||
        !schedule_due(&d->next_recover_ms, now, (long long)d->conf.lease_s * 1000 / 3)) {
        return;
    }
    if (outbox_recover(d->outbox, d->take_back_own) != 0) {
        db_failed(d, now, NULL);
    }
    d->take_back_own = false;
}

/* When the modem is looked at next. Found empty, it is looked at again only after a wait: a new
 * listing costs the modem (and the dummy driver a great many file probes), while replies keep
 * going out in between. */
static void plan_next_look(struct daemon *d, enum intake_result ir, long long now)
{
    if (ir == INTAKE_IDLE) {
        schedule_empty_look(&d->empty_looks);
        d->next_poll_ms =
            now + schedule_empty_look_wait_ms(d->conf.poll_interval_ms, d->empty_looks);
        return;
    }
    d->next_poll_ms = now;
    if (ir == INTAKE_WORKED || ir == INTAKE_LISTED) {
        d->empty_looks = 0;
    }
}

/* libGammu skipped a message it cannot decode. Such a message stays on the SIM, read and skipped
 * again on every poll: the modem is disconnected so that the next attempt takes it off raw. */
static void rescue_if_skipped(struct daemon *d, enum intake_result ir, long long now)
{
    if (intake_undecodable_seen(d->intake) <= 0 || ir == INTAKE_MODEM_ERROR ||
        now < d->no_rescue_until_ms) {
        return;
    }
    log_warn("libGammu skipped a message it cannot decode; taking it off the modem");
    d->rescue_wanted = true;
    d->modem->ops->disconnect(d->modem);
    d->mo.up = false;
    d->mo.next_try_ms = 0;
    d->modem_state = "rescuing";
}

/* Takes in what the modem holds when a look is due; true when messages were stored. Without the
 * database nothing is read from the modem: the messages wait there. */
static bool take_in(struct daemon *d, long long now)
{
    if (!d->db.up || !d->mo.up || now < d->next_poll_ms) {
        return false;
    }
    enum intake_result ir = intake_poll(d->intake);
    plan_next_look(d, ir, now);
    if (ir != INTAKE_MODEM_ERROR) {
        d->read_errors = 0;
    }
    if (ir == INTAKE_WORKED || ir == INTAKE_IDLE || ir == INTAKE_LISTED) {
        modem_worked(d);
    }
    rescue_if_skipped(d, ir, now);
    if (ir == INTAKE_WORKED) {
        d->last_receive_at = (long long)time(NULL);
        return true;
    }
    if (ir == INTAKE_DB_ERROR) {
        db_failed(d, now, "storing messages");
    } else if (ir == INTAKE_MODEM_ERROR) {
        struct modem_supervision sup;
        modem_proxy_supervision(d->modem, &sup);
        if (sup.worker_pid > 0) {
            d->read_errors++; /* the worker lived: libGammu itself gave up */
        }
        modem_down(d, now, "reading");
    }
    return false;
}

/* The periodic chores on the database: timed-out multipart messages closed, overdue tickets
 * reminded. */
static void housekeeping(struct daemon *d, long long now)
{
    if (d->db.up && schedule_due(&d->next_expire_ms, now, EXPIRE_EVERY_MS) &&
        intake_expire(d->intake) != 0) {
        db_failed(d, now, "closing timed-out multipart messages");
    }
    if (!d->db.up || !schedule_due(&d->next_remind_ms, now, REMIND_EVERY_MS)) {
        return;
    }
    int sent = 0;
    if (store_begin(d->store) != 0 || agency_remind(d->store, &d->conf, &sent) != 0 ||
        store_commit(d->store) != 0) {
        daemon_error(d, "reminding overdue tickets: %s", store_error(d->store));
        store_rollback(d->store);
        db_down(d, now);
    } else if (sent > 0) {
        log_info("reminded the liaisons of %d overdue ticket%s", sent, sent == 1 ? "" : "s");
    }
}

/* Sends a round of replies unless the modem worker is reading ahead; true when replies went out. */
static bool send_replies(struct daemon *d, long long now)
{
    bool reading_ahead =
        d->mo.up && d->modem->ops->async != NULL && d->modem->ops->async->reading(d->modem);
    bool hold = schedule_hold_replies(&d->replies_held_since, reading_ahead, now);
    if (!d->db.up || !d->mo.up || got_term || hold) {
        return false;
    }
    enum outbox_result orr = outbox_run(d->outbox, OUTBOX_PER_ROUND);
    if (orr == OUTBOX_WORKED) {
        modem_worked(d);
        d->last_send_at = (long long)time(NULL);
        return true;
    }
    if (orr == OUTBOX_DB_ERROR) {
        db_failed(d, now, "sending replies");
    } else if (orr == OUTBOX_MODEM_ERROR) {
        modem_down(d, now, "sending");
    }
    return false;
}

/* Naps until the next thing is due: an attempt at what is down, a look at the modem, the
 * heartbeat; at most the poll interval. */
static void nap_until_due(struct daemon *d)
{
    long long due[3];
    int n = 0;
    if (!d->db.up) {
        due[n++] = d->db.next_try_ms;
    }
    if (!d->mo.up) {
        due[n++] = d->mo.next_try_ms;
    }
    /* The next look and the heartbeat move on only while the database is up: without it, they
     * would stay in the past and the nap would never start. */
    if (d->db.up) {
        if (d->mo.up) {
            due[n++] = d->next_poll_ms;
        }
        due[n++] = d->next_beat_ms;
    }
    proc_nap_ms(schedule_nap_ms(d->conf.poll_interval_ms, due, n, proc_now_ms()));
}

/* Nothing came in or went out this turn: the daemon naps. */
static void idle(struct daemon *d)
{
    if (!got_term) {
        nap_until_due(d);
    }
}

/* The webhook sender connects to the database on its own: it starts only once the daemon is
 * its own user (no connection is ever made as root) and has reached the database itself. */
static void start_webhooks_once(struct daemon *d)
{
    if (!d->webhooks_started && !d->drop_pending && d->db.up) {
        d->webhooks = webhook_runner_start(&d->conf);
        d->webhooks_started = true;
    }
}

/* One turn of the main loop; -1 when the daemon must stop at once. */
static int turn(struct daemon *d)
{
    notify_watchdog();
    say_ready(d);
    reload_if_asked(d);
    long long now = proc_now_ms();
    if (keep_database_connected(d, now) != 0) {
        return -1;
    }
    start_webhooks_once(d);
    keep_modem_connected(d, now);
    heartbeat(d);
    take_back_claims(d, now);
    bool worked = take_in(d, now);
    housekeeping(d, now);
    worked |= send_replies(d, now);
    if (d->mo.up && !got_term) {
        refresh_status(d, now); /* at its interval, however busy the modem is */
        credit_check_if_due(&d->credit, &d->conf.credit, d->modem, now);
    }
    if (d->db.up && credit_save(&d->credit, &d->conf.credit, d->store, d->conf.instance) != 0) {
        db_failed(d, now, "recording the credit");
    }
    if (!worked) {
        idle(d);
    }
    return 0;
}

int loop_run(struct daemon *d)
{
    int rc = 0;
    while (!got_term && rc == 0) {
        rc = turn(d);
    }
    webhook_runner_stop(d->webhooks);
    d->webhooks = NULL;
    return rc != 0 ? 1 : d->exit_code;
}

void loop_init(struct daemon *d)
{
    if (gethostname(d->host, sizeof d->host) != 0) {
        snprintf(d->host, sizeof d->host, "unknown");
    }
    d->host[sizeof d->host - 1] = '\0';
    d->started_at = (long long)time(NULL);
    d->empty_looks = SCHEDULE_QUICK_LOOKS + 1;
    d->take_back_own = true;
    d->modem_state = "connecting";
    schedule_link_init(&d->db, "database");
    schedule_link_init(&d->mo, "modem");
    memset(&d->status, 0, sizeof d->status);
    recovery_init(&d->rec);
}
