/*
 * lapor-smsd: one daemon per modem. Polls the modem, stores every SMS as a complaint, sends the
 * queued replies, and keeps going whatever the database or the modem do. This file is the
 * program: its command line, its start and its stop; the main loop is in loop.c.
 */
#include <getopt.h>
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
#include "loop.h"
#include "modem_proxy.h"
#include "modem_wire.h"
#include "notify.h"
#include "outbox.h"
#include "paths.h"
#include "privdrop.h"
#include "store.h"
#include "store_status.h"

#define DEFAULT_CONF LAPOR_DEFAULT_CONF

static void usage(FILE *f)
{
    fprintf(f, "usage: lapor-smsd [-c FILE] [-f] [-n] [-v]\n"
               "  -c FILE        configuration file, by default\n"
               "                 " DEFAULT_CONF "\n"
               "  -f             log to stderr even when the configuration asks for syslog\n"
               "                 (the daemon never forks: systemd or a terminal runs it in\n"
               "                 the foreground)\n"
               "  -n             check the configuration and exit\n"
               "  -v             verbose: log at debug level\n"
               "  -h, --help     print this help and exit\n"
               "  -V, --version  print the version and exit\n"
               "exit status: 0 stopped by SIGTERM, or -n found the configuration OK;\n"
               "  1 the configuration is wrong or the daemon cannot start or run;\n"
               "  2 a command line that is not understood\n");
}

/* ---- Start and stop. ---- */

struct options {
    const char *path;
    bool foreground;
    bool check_only;
    bool verbose;
};

/* The flag an option without an argument raises, or NULL when opt is not one. */
static bool *flag_of(struct options *o, int opt)
{
    return opt == 'f'   ? &o->foreground
           : opt == 'n' ? &o->check_only
           : opt == 'v' ? &o->verbose
                        : NULL;
}

/* Reads the command line: -1 when the daemon is to run, else the exit code. */
static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
    int opt;
    /* getopt names an unknown option or a missing argument itself. */
    while ((opt = getopt_long(argc, argv, "c:fnvVh", longopts, NULL)) != -1) {
        bool *flag = flag_of(o, opt);
        if (flag != NULL) {
            *flag = true;
        } else if (opt == 'c') {
            o->path = optarg;
        } else if (opt == 'V') {
            printf("lapor-smsd %s (schema %d)\n", LAPOR_VERSION, loop_known_schema_version());
            return 0;
        } else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "lapor-smsd: unexpected argument %s\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    return -1;
}

/* Root only long enough to open the modem (whose device may be root's alone); the text of
 * strangers' messages is then read by an unprivileged user. 0, or -1 when the daemon must not
 * start. */
static int plan_root_drop(struct daemon *d, const char *path)
{
    char err[512];
    if (d->conf.user[0] != '\0') {
        if (privdrop_resolve(d->conf.user, d->conf.group, &d->drop, err, sizeof err) != 0) {
            fprintf(stderr, "lapor-smsd: %s: user and group: %s\n", path, err);
            return -1;
        }
        d->drop_pending = true;
        modem_proxy_drop_to(d->modem, d->conf.user, d->conf.group);
    } else if (!d->conf.allow_root) {
        fprintf(stderr,
                "lapor-smsd: %s: refusing to run as root: name the daemon's user (and group) in "
                "the file, or set allow_root = true\n",
                path);
        return -1;
    }
    return 0;
}

/* Makes the store, the modem, the intake and the outbox. 0, or -1 when the daemon cannot start. */
static int daemon_open(struct daemon *d, const char *path)
{
    char owner[128];
    snprintf(owner, sizeof owner, "%s:%ld:%lld", d->conf.instance, (long)getpid(),
             (long long)time(NULL));
    loop_init(d);
    d->store = store_new(d->conf.database);
    if (d->store != NULL) {
        store_set_program(d->store, "lapor-smsd");
    }
    d->modem = modem_proxy_new(&d->conf.modem, "/proc/self/exe", loop_tick, d);
    if (d->modem != NULL && geteuid() == 0 && plan_root_drop(d, path) != 0) {
        return -1;
    }
    d->intake = d->store && d->modem ? intake_new(&d->conf, d->store, d->modem) : NULL;
    d->outbox = d->store && d->modem ? outbox_new(&d->conf, d->store, d->modem, owner) : NULL;
    if (d->intake == NULL || d->outbox == NULL) {
        log_err("out of memory at start");
        return -1;
    }
    return 0;
}

static void daemon_close(struct daemon *d)
{
    intake_free(d->intake);
    outbox_free(d->outbox);
    d->modem->ops->destroy(d->modem);
    store_free(d->store);
    conf_free(&d->conf);
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
    static struct daemon d;
    struct options opt = {.path = DEFAULT_CONF};
    int rc = parse_options(argc, argv, &opt);
    if (rc >= 0) {
        return rc;
    }
    d.verbose = opt.verbose;
    char err[512];
    if (conf_load(opt.path, &d.conf, err, sizeof err) != 0) {
        fprintf(stderr, "lapor-smsd: %s\n", err);
        return 1;
    }
    if (opt.check_only) {
        printf("%s: configuration OK\n", opt.path);
        conf_free(&d.conf);
        return 0;
    }
    notify_init();
    fault_init();
    log_init("lapor-smsd", d.conf.log_syslog && !opt.foreground,
             d.verbose ? LOGL_DEBUG : (enum log_level)d.conf.log_level);
    loop_catch_signals();
    if (daemon_open(&d, opt.path) != 0) {
        return 1;
    }
    log_info("lapor-smsd %s starting: instance %s, modem %s", LAPOR_VERSION, d.conf.instance,
             d.conf.modem.connection);
    int exit_code = loop_run(&d);
    notify_send("STOPPING=1");
    log_info("lapor-smsd stopping");
    if (d.db.up && store_heartbeat_stopped(d.store, d.conf.instance, (int)getpid()) != 0) {
        log_warn("recording the stop: %s", store_error(d.store));
    }
    daemon_close(&d);
    return exit_code;
}
