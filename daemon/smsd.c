/*
 * lapor-smsd: one daemon per modem. Polls the modem, stores every SMS as a complaint, sends the
 * queued replies, and keeps going whatever the database or the modem do: each has its own
 * connection state and its own back-off, so an outage of one is never blamed on the other.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "intake.h"
#include "log.h"
#include "migrations.h"
#include "modem.h"
#include "outbox.h"
#include "store.h"

#define DEFAULT_CONF "/etc/lapor-smsd/lapor-smsd.conf"
/* Back-off between reconnection attempts: doubles from the first to the cap. */
#define BACKOFF_FIRST_MS 1000
#define BACKOFF_CAP_MS 30000
/* Replies claimed per round, so that intake and sending take turns. */
#define OUTBOX_PER_ROUND 10
#define EXPIRE_EVERY_MS 1000

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

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps up to ms; a signal ends the sleep early so that SIGTERM is acted on at once. */
static void nap(long long ms)
{
    if (ms <= 0) {
        return;
    }
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
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
    fprintf(f, "usage: lapor-smsd [-c FILE] [-f] [-n] [-v] [-V]\n"
               "  -c FILE  configuration file (default " DEFAULT_CONF ")\n"
               "  -f       stay in the foreground and log to stderr\n"
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
    char *tmp = live->templates.received;
    live->templates.received = fresh.templates.received;
    fresh.templates.received = tmp;
    tmp = live->templates.language;
    live->templates.language = fresh.templates.language;
    fresh.templates.language = tmp;
    live->retry = fresh.retry;
    live->poll_interval_ms = fresh.poll_interval_ms;
    live->multipart_timeout_s = fresh.multipart_timeout_s;
    live->lease_s = fresh.lease_s;
    live->log_level = fresh.log_level;
    log_set_level(verbose ? LOGL_DEBUG : (enum log_level)live->log_level);
    conf_free(&fresh);
    log_info("configuration reloaded");
}

int main(int argc, char **argv)
{
    const char *path = DEFAULT_CONF;
    bool foreground = false, check_only = false, verbose = false;
    int opt;
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
            verbose = true;
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

    struct conf conf;
    char err[512];
    if (conf_load(path, &conf, err, sizeof err) != 0) {
        fprintf(stderr, "lapor-smsd: %s\n", err);
        return 1;
    }
    if (check_only) {
        printf("%s: configuration OK\n", path);
        conf_free(&conf);
        return 0;
    }
    log_init("lapor-smsd", conf.log_syslog && !foreground,
             verbose ? LOGL_DEBUG : (enum log_level)conf.log_level);

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
    snprintf(owner, sizeof owner, "%s:%ld:%lld", conf.instance, (long)getpid(),
             (long long)time(NULL));
    struct store *store = store_new(conf.database);
    struct modem *modem = modem_gammu_new(&conf.modem);
    struct intake *intake = store && modem ? intake_new(&conf, store, modem) : NULL;
    struct outbox *outbox = store && modem ? outbox_new(&conf, store, modem, owner) : NULL;
    if (intake == NULL || outbox == NULL) {
        log_err("out of memory at start");
        return 1;
    }
    log_info("lapor-smsd %s starting: instance %s, modem %s", LAPOR_VERSION, conf.instance,
             conf.modem.connection);

    struct link db = {"database", false, 0, BACKOFF_FIRST_MS};
    struct link mo = {"modem", false, 0, BACKOFF_FIRST_MS};
    long long next_expire = 0;
    long long next_recover = 0;
    int exit_code = 0;

    while (!got_term) {
        if (got_hup) {
            got_hup = 0;
            reload(&conf, verbose);
        }
        long long now = now_ms();
        if (!db.up && now >= db.next_try_ms) {
            int version = -1;
            if (store_connect(store) != 0 || store_schema_version(store, &version) != 0) {
                log_warn("%s", store_error(store));
                store_disconnect(store);
                link_failed(&db, now);
            } else if (version != known_schema_version()) {
                log_err("database schema version %d is not the one this lapor-smsd knows (%d): %s",
                        version, known_schema_version(),
                        version < known_schema_version() ? "run 'lapor-smsctl migrate'"
                                                         : "upgrade lapor-smsd");
                exit_code = 1;
                break;
            } else {
                link_ok(&db);
                log_info("database connected (schema version %d)", version);
                next_recover = 0;
            }
        }
        if (!mo.up && now >= mo.next_try_ms) {
            if (modem->ops->connect(modem, err, sizeof err) != 0) {
                log_warn("modem connection failed: %s", err);
                link_failed(&mo, now);
            } else {
                link_ok(&mo);
                intake_restart(intake);
                log_info("modem connected");
            }
        }

        bool worked = false;
        if (db.up && now >= next_recover) {
            if (outbox_recover(outbox) != 0) {
                log_warn("%s", store_error(store));
                store_disconnect(store);
                link_failed(&db, now);
            }
            next_recover = now + (long long)conf.lease_s * 1000 / 3;
        }
        /* Without the database nothing is read from the modem: the messages wait there. */
        if (db.up && mo.up) {
            enum intake_result ir = intake_poll(intake);
            if (ir == INTAKE_WORKED) {
                worked = true;
            } else if (ir == INTAKE_DB_ERROR) {
                store_disconnect(store);
                link_failed(&db, now);
            } else if (ir == INTAKE_MODEM_ERROR) {
                log_warn("modem failed while reading; reconnecting");
                modem->ops->disconnect(modem);
                link_failed(&mo, now);
            }
        }
        if (db.up && now >= next_expire) {
            if (intake_expire(intake) != 0) {
                log_warn("closing timed-out multipart messages failed: %s", store_error(store));
                store_disconnect(store);
                link_failed(&db, now);
            }
            next_expire = now + EXPIRE_EVERY_MS;
        }
        if (db.up && mo.up && !got_term) {
            enum outbox_result orr = outbox_run(outbox, OUTBOX_PER_ROUND);
            if (orr == OUTBOX_WORKED) {
                worked = true;
            } else if (orr == OUTBOX_DB_ERROR) {
                log_warn("sending replies: %s", store_error(store));
                store_disconnect(store);
                link_failed(&db, now);
            } else if (orr == OUTBOX_MODEM_ERROR) {
                modem->ops->disconnect(modem);
                link_failed(&mo, now);
            }
        }
        if (!worked && !got_term) {
            long long wait = conf.poll_interval_ms;
            long long t = now_ms();
            if (!db.up && db.next_try_ms - t < wait) {
                wait = db.next_try_ms - t;
            }
            if (!mo.up && mo.next_try_ms - t < wait) {
                wait = mo.next_try_ms - t;
            }
            nap(wait);
        }
    }

    log_info("lapor-smsd stopping");
    intake_free(intake);
    outbox_free(outbox);
    modem->ops->destroy(modem);
    store_free(store);
    conf_free(&conf);
    return exit_code;
}
