/*
 * lapor-smsctl: the operators' tool. It works through PostgreSQL, the system's control plane, and
 * never talks to a running daemon directly.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agency.h"
#include "conf.h"
#include "log.h"
#include "modem.h"
#include "modem_dummy.h"
#include "msisdn.h"
#include "paths.h"
#include "smsctl_archive.h"
#include "smsctl_check.h"
#include "smsctl_cli.h"
#include "smsctl_pin.h"
#include "smsctl_webhook.h"
#include "store.h"
#include "store_admin.h"
#include "store_agency.h"
#include "store_intake.h"
#include "store_schema.h"
#include "store_status.h"
#include "ticket.h"

static struct store *open_store(const struct conf *c)
{
    return cli_open_store(c->database);
}

/* Reads a phone number word into a->number. 0, or the exit code 1 after saying it is none. */
static int read_number(const char *word, struct words *a)
{
    if (msisdn_normalise(word, a->number, sizeof a->number) != 1) {
        fprintf(stderr, "lapor-smsctl: %s is not a phone number\n", word);
        return 1;
    }
    return 0;
}

/* A command's work on the database: its exit code, 2 when its words are none of its forms. */
typedef int (*store_work)(struct store *s, const struct conf *c, const struct words *a);

/* Connects to the database, does the work and disconnects. The usage is printed when the work
 * did not understand its words; 1 when the database cannot be reached. */
static int with_store(const struct conf *c, const struct words *a, store_work work)
{
    struct store *s = open_store(c);
    if (s == NULL) {
        return 1;
    }
    int rc = work(s, c, a);
    if (rc == EXIT_USAGE) {
        usage_error();
    }
    store_free(s);
    return rc;
}

/* Runs a command that takes from min to max words (and the flags) on the database. */
static int with_words(const struct conf *c, int argc, char **argv, int min, int max,
                      store_work work)
{
    struct words a;
    if (read_words(argc, argv, &a) != 0 || a.n < min || a.n > max) {
        return usage_error();
    }
    return with_store(c, &a, work);
}

static int cmd_migrate(const struct conf *c, int argc, char **argv)
{
    const char *conninfo = c->database;
    static const struct option opts[] = {{"database", required_argument, NULL, 'd'},
                                         {NULL, 0, NULL, 0}};
    if (read_only_option(argc, argv, "d:", opts, &conninfo) < 0) {
        return 2;
    }
    struct store *s = cli_open_store(conninfo);
    if (s == NULL) {
        return 1;
    }
    int from, to;
    int rc = store_migrate(s, &from, &to) != 0 ? store_failed(s) : 0;
    if (rc == 0 && from == to) {
        printf("schema is at version %d: nothing to do\n", to);
    } else if (rc == 0) {
        printf("schema migrated from version %d to %d\n", from, to);
    }
    store_free(s);
    return rc;
}

static int status_work(struct store *s, const struct conf *c, const struct words *a)
{
    char *out = NULL;
    /* Three missed beats make a daemon count as down. */
    int stale = c->heartbeat_s * 3;
    int rc = a->json ? store_status_json(s, stale, &out) : store_status_text(s, stale, &out);
    if (rc == 0) {
        printf("%s\n", out);
        rc = smsctl_status_code(s, stale);
    }
    if (rc < 0 || (rc != 0 && out == NULL)) {
        rc = store_failed(s);
    }
    free(out);
    return rc;
}

static int cmd_status(const struct conf *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    int json = read_only_option(argc, argv, "j", opts, NULL);
    if (json < 0) {
        return 2;
    }
    struct words a = {.json = json > 0};
    return with_store(c, &a, status_work);
}

static int print_report(struct store *s, const char *name, const char *param, bool json)
{
    char *out;
    if (store_report(s, name, param, json, &out) != 0) {
        return store_failed(s);
    }
    printf("%s\n", out);
    free(out);
    return 0;
}

/* Reads a ticket as people write it (#1000002 or 1000002) into its sequence number. */
static int read_ticket(const char *text, long long *seq)
{
    uint64_t v;
    if (text[0] == '#') {
        text++;
    }
    enum ticket_parse_result r = ticket_parse(text, &v);
    if (r != TICKET_OK) {
        fprintf(stderr, "lapor-smsctl: %s is not a valid ticket number%s\n", text,
                r == TICKET_BAD_CHECK ? " (its check digit is wrong)" : "");
        return -1;
    }
    *seq = (long long)v;
    return 0;
}

/* Ends the transaction a command opened: commits when the command (whose result is rc_of_fn)
 * succeeded, otherwise reports store_error() and rolls back. */
static int in_transaction(struct store *s, int rc_of_fn)
{
    if (rc_of_fn != 0) {
        int rc = store_failed(s);
        store_rollback(s);
        return rc;
    }
    return store_commit(s) != 0 ? store_failed(s) : 0;
}

/* agency list, add and keyword. */
static int agency_work(struct store *s, const struct conf *c, const struct words *a)
{
    (void)c;
    if (strcmp(a->w[0], "list") == 0) {
        return print_report(s, "agencies", a->n > 1 ? a->w[1] : NULL, a->json);
    }
    if (strcmp(a->w[0], "add") == 0 && a->n == 3) {
        if (strlen(a->w[1]) > AGENCY_CODE_MAX) {
            fprintf(stderr, "lapor-smsctl: an agency code has at most %d characters\n",
                    AGENCY_CODE_MAX);
            return 1;
        }
        return store_begin(s) != 0 ? 1 : in_transaction(s, store_agency_add(s, a->w[1], a->w[2]));
    }
    if (strcmp(a->w[0], "keyword") == 0 && a->n >= 3) {
        int r = store_begin(s);
        for (int i = 2; i < a->n && r == 0; i++) {
            r = store_agency_keyword(s, a->w[1], a->w[i]);
        }
        return in_transaction(s, r);
    }
    return 2;
}

static int cmd_agency(const struct conf *c, int argc, char **argv)
{
    return with_words(c, argc, argv, 1, WORDS_MAX, agency_work);
}

/* liaison list, add and remove. */
static int liaison_work(struct store *s, const struct conf *c, const struct words *a)
{
    (void)c;
    if (strcmp(a->w[0], "list") == 0) {
        return print_report(s, "liaisons", a->n > 1 ? a->w[1] : NULL, a->json);
    }
    if (strcmp(a->w[0], "add") == 0 && (a->n == 3 || a->n == 4)) {
        const char *name = a->n == 4 ? a->w[3] : "";
        return store_begin(s) != 0
                   ? 1
                   : in_transaction(s, store_liaison_add(s, a->w[1], a->number, name));
    }
    if (strcmp(a->w[0], "pin") == 0 && a->n == 3) {
        return smsctl_liaison_pin(s, a->w[1], a->number);
    }
    if (strcmp(a->w[0], "unlock") == 0 && a->n == 3) {
        return smsctl_liaison_unlock(s, a->w[1], a->number);
    }
    if (strcmp(a->w[0], "remove") == 0 && a->n == 3) {
        bool removed = false;
        int rc = store_begin(s) != 0
                     ? 1
                     : in_transaction(s, store_liaison_remove(s, a->w[1], a->number, &removed));
        if (rc == 0 && !removed) {
            fprintf(stderr, "lapor-smsctl: %s is no active liaison of %s\n", a->number, a->w[1]);
            return 1;
        }
        return rc;
    }
    return 2;
}

static int cmd_liaison(const struct conf *c, int argc, char **argv)
{
    struct words a;
    if (read_words(argc, argv, &a) != 0 || a.n < 1) {
        return usage_error();
    }
    bool names_number = strcmp(a.w[0], "list") != 0 && a.n >= 3;
    if (names_number && read_number(a.w[2], &a) != 0) {
        return 1;
    }
    return with_store(c, &a, liaison_work);
}

/* Who an operator's change is recorded as. */
static void operator_name(const struct words *a, char *buf, size_t cap)
{
    const char *who = a->by ? a->by : getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");
    snprintf(buf, cap, "operator:%s", who && who[0] ? who : "unknown");
}

/* ticket route: hands the ticket to an agency, in one transaction. */
static int ticket_route(struct store *s, const struct conf *c, const struct words *a,
                        const char *actor)
{
    int agency;
    bool found;
    struct store_ticket t;
    if (store_begin(s) != 0 || store_agency_id(s, a->w[2], &agency) != 0 ||
        store_ticket_get(s, a->ticket, &t, &found) != 0) {
        return in_transaction(s, -1);
    }
    if (found) {
        free(t.text);
    }
    if (!found || agency == 0) {
        fprintf(stderr, "lapor-smsctl: %s\n", !found ? "no such ticket" : "no such agency");
        store_rollback(s);
        return 1;
    }
    return in_transaction(s, agency_route(s, c, a->ticket, agency, actor, a->reason));
}

/* ticket reject, defer and archive: moves the ticket to the verb's status. 2 when the verb is
 * none of them or lacks its --reason. */
static int ticket_move(struct store *s, const struct words *a, const char *actor)
{
    static const struct {
        const char *verb;
        const char *status;
        bool needs_reason;
    } moves[] = {
        {"reject", "ditolak", true}, {"defer", "ditunda", true}, {"archive", "arsip", false}};
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
        if (strcmp(a->w[0], moves[i].verb) != 0 || a->n != 2) {
            continue;
        }
        if (moves[i].needs_reason && a->reason == NULL) {
            fprintf(stderr, "lapor-smsctl: ticket %s needs --reason\n", moves[i].verb);
            return 2;
        }
        bool found;
        struct store_ticket t;
        if (store_begin(s) != 0 || store_ticket_get(s, a->ticket, &t, &found) != 0) {
            return in_transaction(s, -1);
        }
        if (!found) {
            fprintf(stderr, "lapor-smsctl: no such ticket\n");
            store_rollback(s);
            return 1;
        }
        free(t.text);
        return in_transaction(
            s, store_complaint_event(s, a->ticket, moves[i].status, actor, "status", a->reason));
    }
    return 2;
}

/* ticket show, route, and the moves. */
static int ticket_work(struct store *s, const struct conf *c, const struct words *a)
{
    char actor[96];
    operator_name(a, actor, sizeof actor);
    if (strcmp(a->w[0], "show") == 0 && a->n == 2) {
        char seqbuf[24];
        snprintf(seqbuf, sizeof seqbuf, "%lld", a->ticket);
        return print_report(s, "ticket", seqbuf, a->json);
    }
    if (strcmp(a->w[0], "route") == 0 && a->n == 3) {
        return ticket_route(s, c, a, actor);
    }
    return ticket_move(s, a, actor);
}

static int cmd_ticket(const struct conf *c, int argc, char **argv)
{
    struct words a;
    if (read_words(argc, argv, &a) != 0 || a.n < 2) {
        return usage_error();
    }
    if (read_ticket(a.w[1], &a.ticket) != 0) {
        return 1;
    }
    return with_store(c, &a, ticket_work);
}

/* outbox list, retry and cancel. */
static int outbox_work(struct store *s, const struct conf *c, const struct words *a)
{
    (void)c;
    if (strcmp(a->w[0], "list") == 0 && a->n == 1) {
        return print_report(s, "outbox", a->status, a->json);
    }
    bool retry = strcmp(a->w[0], "retry") == 0;
    if ((!retry && strcmp(a->w[0], "cancel") != 0) || a->n != 2) {
        return 2;
    }
    long long id = a->ticket; /* the message id, read by cmd_outbox */
    bool changed = false, exists = false;
    if ((retry ? store_outbox_retry(s, id, &changed) : store_outbox_cancel(s, id, &changed)) != 0 ||
        (!changed && store_outbox_exists(s, id, &exists) != 0)) {
        return store_failed(s);
    }
    if (!changed && !exists) {
        fprintf(stderr, "lapor-smsctl: no such message: %lld\n", id);
        return 1;
    }
    if (!changed) {
        fprintf(stderr, "lapor-smsctl: message %lld cannot be %s in its state\n", id,
                retry ? "retried" : "cancelled");
        return 1;
    }
    printf("message %lld %s\n", id, retry ? "queued again" : "cancelled");
    return 0;
}

static int cmd_outbox(const struct conf *c, int argc, char **argv)
{
    struct words a;
    if (read_words(argc, argv, &a) != 0 || a.n < 1) {
        return usage_error();
    }
    if (a.status != NULL && !read_outbox_status(a.status)) {
        return EXIT_USAGE;
    }
    bool names_id = strcmp(a.w[0], "retry") == 0 || strcmp(a.w[0], "cancel") == 0;
    if (names_id && a.n == 2 && !read_message_id(a.w[1], &a.ticket)) {
        return EXIT_USAGE;
    }
    return with_store(c, &a, outbox_work);
}

/* send: the text (the one word) to a->number. */
static int send_work(struct store *s, const struct conf *c, const struct words *a)
{
    (void)c;
    long long id;
    if (store_outbox_operator(s, a->number, a->w[0], &id) != 0) {
        return store_failed(s);
    }
    printf("message %lld queued to %s\n", id, a->number);
    return 0;
}

static int cmd_send(const struct conf *c, int argc, char **argv)
{
    if (argc != 3) {
        return usage_error();
    }
    /* The text is taken as it is, even when it looks like an option. */
    struct words a = {.n = 1, .w = {argv[2]}};
    if (read_number(argv[1], &a) != 0) {
        return 1;
    }
    return with_store(c, &a, send_work);
}

static int metrics_work(struct store *s, const struct conf *c, const struct words *a)
{
    (void)a;
    char *out;
    char stale[24];
    snprintf(stale, sizeof stale, "%d", c->heartbeat_s * 3);
    if (store_report(s, "metrics", stale, false, &out) != 0) {
        return store_failed(s);
    }
    fputs(out, stdout);
    free(out);
    return 0;
}

static int cmd_metrics(const struct conf *c, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        return usage_error();
    }
    struct words none = {.n = 0};
    return with_store(c, &none, metrics_work);
}

static int overdue_work(struct store *s, const struct conf *c, const struct words *a)
{
    /* The configuration's holidays count too, even before a daemon has synchronised them. */
    if (store_holidays_sync(s, c->routing.holidays) != 0) {
        return 1;
    }
    return print_report(s, "overdue", a->n == 1 ? a->w[0] : NULL, a->json);
}

static int cmd_overdue(const struct conf *c, int argc, char **argv)
{
    return with_words(c, argc, argv, 0, 1, overdue_work);
}

static int holiday_work(struct store *s, const struct conf *c, const struct words *a)
{
    (void)c;
    return store_begin(s) != 0
               ? 1
               : in_transaction(s, store_holiday_add(s, a->w[1], a->n > 2 ? a->w[2] : ""));
}

static int cmd_holiday(const struct conf *c, int argc, char **argv)
{
    struct words a;
    if (read_words(argc, argv, &a) != 0 || a.n < 2 || a.n > 3 || strcmp(a.w[0], "add") != 0) {
        return usage_error();
    }
    return read_date(a.w[1]) ? with_store(c, &a, holiday_work) : EXIT_USAGE;
}

/* Reads "3,1,2" into parts; returns the count, or -1 on anything else. */
static int parse_parts(const char *list, int *parts, int cap)
{
    int n = 0;
    const char *p = list;
    while (*p != '\0') {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno != 0 || v < 1 || v > 255 || n == cap) {
            return -1;
        }
        parts[n++] = (int)v;
        p = end;
        if (*p == ',') {
            p++;
        } else if (*p != '\0') {
            return -1;
        }
    }
    return n;
}

/* Injects every "NUMBER<TAB>TEXT" line of f; a full inbox is waited out, as a phone network
 * holds messages for a full SIM. */
static int inject_file(const struct conf *c, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long count = 0, lineno = 0;
    int rc = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) {
            line[--got] = '\0';
        }
        char *tab = strchr(line, '\t');
        if (tab == NULL) {
            fprintf(stderr, "lapor-smsctl: inject: line %ld: no tab between number and text\n",
                    lineno);
            rc = 1;
            break;
        }
        *tab = '\0';
        char err[256];
        int waited = 0;
        while (modem_dummy_inject(c->modem.device, line, tab + 1, -1, NULL, 0, 0, err, sizeof err) <
               0) {
            if (strstr(err, "is full") == NULL || waited++ > 6000) {
                fprintf(stderr, "lapor-smsctl: inject: line %ld: %s\n", lineno, err);
                rc = 1;
                break;
            }
            struct timespec ts = {0, 10 * 1000000};
            nanosleep(&ts, NULL);
        }
        if (rc != 0) {
            break;
        }
        count++;
    }
    free(line);
    printf("injected %ld messages\n", count);
    return rc;
}

/* inject --file: the file ("-" for standard input), numbered on as one batch. */
static int inject_named_file(const struct conf *c, const char *file)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (f == NULL) {
        fprintf(stderr, "lapor-smsctl: %s: %s\n", file, strerror(errno));
        return 1;
    }
    modem_dummy_inject_batch(true);
    int rc = inject_file(c, f);
    if (f != stdin) {
        fclose(f);
    }
    return rc;
}

static int cmd_inject(const struct conf *c, int argc, char **argv)
{
    const char *from = NULL;
    const char *file = NULL;
    int ref = -1;
    long long when = 0;
    int parts[255];
    int nparts = 0;
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},  {"ref", required_argument, NULL, 'r'},
        {"parts", required_argument, NULL, 'p'}, {"time", required_argument, NULL, 't'},
        {"file", required_argument, NULL, 'F'},  {NULL, 0, NULL, 0}};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:r:p:t:F:", opts, NULL)) != -1) {
        switch (opt) {
        case 'F':
            file = optarg;
            break;
        case 'f':
            from = optarg;
            break;
        case 'r':
            ref = atoi(optarg);
            break;
        case 'p':
            nparts = parse_parts(optarg, parts, 255);
            if (nparts <= 0) {
                fprintf(stderr, "lapor-smsctl: --parts wants numbers like 3,1\n");
                return 2;
            }
            break;
        case 't':
            when = atoll(optarg);
            break;
        default:
            return usage_error();
        }
    }
    if (strcmp(c->modem.model, "dummy") != 0) {
        fprintf(stderr, "lapor-smsctl: inject works only with the simulated modem (model = "
                        "\"dummy\"); this configuration's modem is a real one\n");
        return 1;
    }
    if (file != NULL) {
        if (from != NULL || optind != argc) {
            return usage_error();
        }
        return inject_named_file(c, file);
    }
    if (from == NULL || optind != argc - 1) {
        return usage_error();
    }
    char err[256];
    int total =
        modem_dummy_inject(c->modem.device, from, argv[optind], ref, nparts > 0 ? parts : NULL,
                           (size_t)nparts, when, err, sizeof err);
    if (total < 0) {
        fprintf(stderr, "lapor-smsctl: inject: %s\n", err);
        return 1;
    }
    printf("injected %d of %d part%s\n", nparts > 0 ? nparts : total, total, total == 1 ? "" : "s");
    return 0;
}

/* The commands, each a function of its own. */
static const struct {
    const char *name;
    int (*run)(const struct conf *c, int argc, char **argv);
} commands[] = {
    {"migrate", cmd_migrate},    {"status", cmd_status},   {"outbox", cmd_outbox},
    {"send", cmd_send},          {"metrics", cmd_metrics}, {"agency", cmd_agency},
    {"liaison", cmd_liaison},    {"ticket", cmd_ticket},   {"overdue", cmd_overdue},
    {"holiday", cmd_holiday},    {"inject", cmd_inject},   {"archive", smsctl_archive},
    {"webhook", smsctl_webhook}, {"check", smsctl_check},
};

/* Whether the command line is a migrate that names its database: the schema's owner (postgres,
 * say) need not be able to read the daemon's configuration for it. */
static bool needs_no_conf(int argc, char **argv)
{
    bool database = false;
    for (int i = 1; i < argc; i++) {
        database = database || strcmp(argv[i], "--database") == 0 ||
                   strncmp(argv[i], "--database=", 11) == 0;
    }
    return strcmp(argv[0], "migrate") == 0 && database;
}

int main(int argc, char **argv)
{
    const char *path = LAPOR_DEFAULT_CONF;
    int i;
    int rc = cli_global_options(argc, argv, &path, &i);
    if (rc >= 0) {
        return rc;
    }
    int sub_argc = argc - i;
    char **sub_argv = argv + i;
    size_t k = 0;
    while (k < sizeof commands / sizeof commands[0] && strcmp(argv[i], commands[k].name) != 0) {
        k++;
    }
    if (k == sizeof commands / sizeof commands[0]) {
        return usage_problem("unknown command %s", argv[i]);
    }
    cli_set_command(commands[k].name, sub_argc > 1 ? sub_argv[1] : NULL);
    struct conf conf;
    char err[512];
    if (conf_load(path, &conf, err, sizeof err) != 0) {
        if (!needs_no_conf(sub_argc, sub_argv)) {
            fprintf(stderr, "lapor-smsctl: %s\n", err);
            return EXIT_REFUSED;
        }
        memset(&conf, 0, sizeof conf);
    }
    log_init("lapor-smsctl", false, LOGL_WARN);
    rc = commands[k].run(&conf, sub_argc, sub_argv);
    conf_free(&conf);
    return rc;
}
