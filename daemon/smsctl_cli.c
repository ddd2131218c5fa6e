/*
 * smsctl_cli: lapor-smsctl's command line and its errors in words; see include/smsctl_cli.h.
 */
#include "smsctl_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "paths.h"
#include "store.h"
#include "store_schema.h"

/* Each command's forms and what it does, for --help and for a command line not understood. */
static const struct {
    const char *command;
    const char *forms;
    const char *what; /* NULL when the forms say enough */
} help[] = {
    {"migrate", "migrate [--database CONNINFO]",
     "apply the schema migrations the database does not have yet (as the\n"
     "        schema's owner; with --database the configuration file is not needed)"},
    {"status", "status [--json]",
     "modems (a heartbeat older than three beats shows as down) and queues; exit\n"
     "        code 3 when a daemon is down or stopped or its modem is not connected"},
    {"inject", "inject --from NUMBER [--ref N] [--parts LIST] [--time EPOCH] TEXT",
     "put an incoming SMS into the simulated (dummy) modem, split into parts\n"
     "        as a phone would; LIST (e.g. 3,1) writes only those parts, in that order"},
    {"inject", "inject --file FILE",
     "the same for every line NUMBER<TAB>TEXT of FILE (- for standard input),\n"
     "        waiting while the modem's inbox is full"},
    {"outbox", "outbox list [--status STATUS] [--json]",
     "replies and operators' messages, newest first; STATUS is one of queued,\n"
     "        sending, sent, failed, unknown, cancelled"},
    {"outbox", "outbox retry ID | outbox cancel ID", "queue a failed reply again; stop one"},
    {"send", "send NUMBER TEXT", "an operator's message, through the same outbox"},
    {"metrics", "metrics", "the status figures in the Prometheus text format"},
    {"agency", "agency add CODE NAME | agency keyword CODE KEYWORD... | agency list [--json]",
     NULL},
    {"liaison", "liaison add CODE NUMBER [NAME] | liaison remove CODE NUMBER", NULL},
    {"liaison", "liaison list [CODE] [--json]", NULL},
    {"liaison", "liaison pin CODE NUMBER <PIN | liaison unlock CODE NUMBER",
     "a liaison's PIN, read from standard input; unlock one after wrong PINs"},
    {"ticket", "ticket show TICKET [--json]", NULL},
    {"ticket", "ticket route TICKET AGENCY [--reason TEXT] [--by NAME]", NULL},
    {"ticket", "ticket reject|defer|archive TICKET --reason TEXT [--by NAME]", NULL},
    {"overdue", "overdue [AGENCY] [--json]",
     "tickets past their service level (routing, first follow-up)"},
    {"holiday", "holiday add YYYY-MM-DD [NAME]",
     "a day that is no working day, for every daemon's deadlines"},
    {"check", "check [--signal-warn N] [--signal-crit N] [--storage-warn N] [--storage-crit N]",
     NULL},
    {"check", "      [--outbox-warn S] [--outbox-crit S] [--failed-warn N] [--failed-crit N]",
     NULL},
    {"check", "      [--credit-warn N] [--credit-crit N]",
     "a Nagios/Icinga plugin: one line with perfdata, exit 0 OK, 1 WARNING,\n"
     "        2 CRITICAL, 3 UNKNOWN"},
    {"archive", "archive --older-than DAYS [--batch N]",
     "closed tickets older than DAYS, with their messages, into the archive"},
    {"webhook", "webhook set CODE URL [--allow-http]",
     "an agency's webhook; the secret is one line on standard input"},
    {"webhook", "webhook remove CODE | webhook list [CODE] [--json]", NULL},
    {"webhook", "webhook events [--status S] [--json] | webhook retry ID | webhook cancel ID",
     NULL},
};

#define HELP_COUNT (sizeof help / sizeof help[0])

static const char *current_command = "";
static const char *current_verb = "";
/* A problem with the command line was named already: the usage follows without another. */
static bool problem_said;

void cli_set_command(const char *name, const char *verb)
{
    /* The commands whose first word says what they do. */
    static const char *const with_verbs[] = {"outbox", "agency",  "liaison",
                                             "ticket", "holiday", "webhook"};
    current_command = name;
    current_verb = "";
    for (size_t i = 0; i < sizeof with_verbs / sizeof with_verbs[0] && verb != NULL; i++) {
        if (strcmp(name, with_verbs[i]) == 0) {
            current_verb = verb;
        }
    }
}

/* Prints the forms of command (every command's when command is NULL). */
static void print_forms(FILE *f, const char *command)
{
    for (size_t i = 0; i < HELP_COUNT; i++) {
        if (command == NULL || strcmp(command, help[i].command) == 0) {
            fprintf(f, "  %s\n", help[i].forms);
            if (command == NULL && help[i].what != NULL) {
                fprintf(f, "        %s\n", help[i].what);
            }
        }
    }
}

void usage(FILE *f)
{
    fprintf(f, "usage: lapor-smsctl [-c FILE] COMMAND ...\n"
               "  -c FILE        configuration file, by default\n"
               "                 " LAPOR_DEFAULT_CONF "\n"
               "  -h, --help     print this help and exit\n"
               "  -V, --version  print the version and exit\n"
               "commands:\n");
    print_forms(f, NULL);
    fprintf(f, "exit status: 0 done; 1 refused (by the database, or what was named does not\n"
               "  exist or cannot be changed so); 2 a command line that is not understood\n");
}

/* Names a problem in one line on stderr. */
static void vsay(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void vsay(const char *fmt, va_list ap)
{
    fputs("lapor-smsctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* Names a problem in one line; the caller adds the command's usage. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    problem_said = true;
}

/* The current command's forms on stderr, or where to find them. */
static int print_command_usage(void)
{
    bool known = false;
    for (size_t i = 0; i < HELP_COUNT; i++) {
        known = known || strcmp(current_command, help[i].command) == 0;
    }
    if (known) {
        fprintf(stderr, "usage:\n");
        print_forms(stderr, current_command);
    } else {
        fprintf(stderr, "try lapor-smsctl --help\n");
    }
    return EXIT_USAGE;
}

int usage_problem(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return print_command_usage();
}

int usage_error(void)
{
    if (problem_said) {
        return print_command_usage();
    }
    return usage_problem("%s%s%s: wrong or missing arguments", current_command,
                         current_verb[0] ? " " : "", current_verb);
}

/* Whether name, a command ("status": any of its verbs) or a command and its verb ("outbox list"),
 * is the command running. */
static bool is_current(const char *name)
{
    size_t n = strcspn(name, " ");
    return strncmp(name, current_command, n) == 0 && current_command[n] == '\0' &&
           (name[n] == '\0' || strcmp(name + n + 1, current_verb) == 0);
}

/* The database role a command needs, for an error that says permission was denied. */
static const char *role_needed(void)
{
    static const struct {
        const char *role;
        const char *commands[10];
    } roles[] = {
        {"lapor_owner (or a superuser)", {"migrate"}},
        {"lapor_owner", {"agency add", "agency keyword"}},
        {"lapor_reader",
         {"status", "metrics", "outbox list", "agency list", "liaison list", "ticket show", "check",
          "webhook list", "webhook events"}},
    };
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        const char *const *names = roles[i].commands;
        for (size_t k = 0; k < sizeof roles[i].commands / sizeof names[0] && names[k] != NULL;
             k++) {
            if (is_current(names[k])) {
                return roles[i].role;
            }
        }
    }
    /* Every other command changes rows, as the daemon does. */
    return "lapor_daemon";
}

int store_failed(struct store *s)
{
    const char *state = store_error_sqlstate(s);
    char error[512];
    log_one_line(store_error(s), error, sizeof error);
    /* For the two errors put in words, the server's first line says enough (not the query). */
    char first[512];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(store_error(s), "\n"), store_error(s));
    if (strcmp(state, "42501") == 0) {
        fprintf(stderr,
                "lapor-smsctl: %s%s%s: permission denied: this command needs a login that is a "
                "member of %s (%s)\n",
                current_command, current_verb[0] ? " " : "", current_verb, role_needed(), first);
    } else if (strcmp(state, "42P01") == 0 || strcmp(state, "42883") == 0) {
        /* An undefined table or function: the schema is not there, or older than the program. */
        fprintf(stderr,
                "lapor-smsctl: the database has no lapor-smsd schema (or an older one): run "
                "lapor-smsctl migrate (%s)\n",
                first);
    } else {
        fprintf(stderr, "lapor-smsctl: %s\n", error);
    }
    return EXIT_REFUSED;
}

int cli_global_options(int argc, char **argv, const char **path, int *command)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
    int opt;
    /* '+': the options end at the command, whose own options are its business. ':' first: a
     * missing argument is told apart from an unknown option. */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:c:hV", opts, NULL)) != -1) {
        if (opt == 'c') {
            *path = optarg;
        } else if (opt == 'h') {
            usage(stdout);
            return EXIT_DONE;
        } else if (opt == 'V') {
            printf("lapor-smsctl %s (schema %d)\n", LAPOR_VERSION, store_known_schema_version());
            return EXIT_DONE;
        } else if (opt == ':') {
            return usage_problem("option -c needs a FILE");
        } else {
            return usage_problem("unknown option %s", argv[optind - 1]);
        }
    }
    opterr = 1;
    if (optind == argc) {
        return usage_problem("no command given");
    }
    *command = optind;
    return -1;
}

int read_words(int argc, char **argv, struct words *a)
{
    memset(a, 0, sizeof *a);
    static const char *const valued[] = {"--reason", "--by", "--status"};
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
            if (strcmp(argv[i], valued[k]) == 0) {
                slot = k == 0 ? &a->reason : k == 1 ? &a->by : &a->status;
            }
        }
        if (slot != NULL && i + 1 == argc) {
            say("%s: option %s needs a value", current_command, argv[i]);
            return -1;
        } else if (slot != NULL) {
            *slot = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0) {
            a->json = true;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            say("%s: unknown option %s", current_command, argv[i]);
            return -1;
        } else if (a->n < WORDS_MAX) {
            a->w[a->n++] = argv[i];
        } else {
            say("%s: too many words", current_command);
            return -1;
        }
    }
    return 0;
}

int read_only_option(int argc, char **argv, const char *shortopts, const struct option *opts,
                     const char **value)
{
    int opt, given = 0;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        if (opt != opts[0].val) {
            usage_problem("%s: unknown option %s", current_command, argv[optind - 1]);
            return -1;
        }
        if (value != NULL) {
            *value = optarg;
        }
        given++;
    }
    opterr = 1;
    if (optind != argc) {
        usage_problem("%s: unexpected %s", current_command, argv[optind]);
        return -1;
    }
    return given;
}

bool read_message_id(const char *word, long long *id)
{
    char *end;
    errno = 0;
    long long v = strtoll(word, &end, 10);
    if (end == word || *end != '\0' || errno != 0 || v < 1) {
        usage_problem("%s is not a message number (outbox list shows them)", word);
        return false;
    }
    *id = v;
    return true;
}

bool read_date(const char *word)
{
    static const int days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, end = 0;
    bool shaped =
        strlen(word) == 10 && sscanf(word, "%4d-%2d-%2d%n", &y, &m, &d, &end) == 3 && end == 10;
    bool leap = shaped && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
    if (!shaped || m < 1 || m > 12 || d < 1 || d > days_in[m - 1] || (m == 2 && d == 29 && !leap)) {
        usage_problem("%s is not a date: write it YYYY-MM-DD, e.g. 2027-03-29", word);
        return false;
    }
    return true;
}

bool read_outbox_status(const char *name)
{
    static const char *const statuses[] = {"queued", "sending", "sent",
                                           "failed", "unknown", "cancelled"};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (strcmp(name, statuses[i]) == 0) {
            return true;
        }
    }
    usage_problem("unknown status %s: one of queued, sending, sent, failed, unknown, cancelled",
                  name);
    return false;
}

struct store *cli_open_store(const char *conninfo)
{
    struct store *s = store_new(conninfo);
    if (s != NULL) {
        store_set_program(s, "lapor-smsctl");
    }
    if (s == NULL || store_connect(s) != 0) {
        fprintf(stderr, "lapor-smsctl: %s\n", s ? store_error(s) : "out of memory");
        store_free(s);
        return NULL;
    }
    return s;
}
