/* smsctl_check: see smsctl_check.h. */
#include "smsctl_check.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "store_check.h"

/* Three missed beats make a daemon count as down, as in status. */
static int stale_after(const struct conf *c)
{
    return c->heartbeat_s * 3;
}

int smsctl_status_code(struct store *s, int stale_after_s)
{
    struct check_modem *m = NULL;
    size_t n = 0;
    if (store_check_modems(s, stale_after_s, &m, &n) != 0) {
        return -1;
    }
    int code = STATUS_ALL_UP;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m[i].state, "up") != 0 || !m[i].connected) {
            code = STATUS_SOMETHING_DOWN;
        }
    }
    free(m);
    return code;
}

/* The threshold each option sets, by the option's index in check_options. */
static double *threshold_of(struct check_thresholds *t, int index)
{
    struct check_range *ranges[] = {&t->signal, &t->storage, &t->outbox, &t->failed, &t->credit};
    struct check_range *r = ranges[index / 2];
    return index % 2 == 0 ? &r->warn : &r->crit;
}

static const struct option check_options[] = {{"signal-warn", required_argument, NULL, 0},
                                              {"signal-crit", required_argument, NULL, 0},
                                              {"storage-warn", required_argument, NULL, 0},
                                              {"storage-crit", required_argument, NULL, 0},
                                              {"outbox-warn", required_argument, NULL, 0},
                                              {"outbox-crit", required_argument, NULL, 0},
                                              {"failed-warn", required_argument, NULL, 0},
                                              {"failed-crit", required_argument, NULL, 0},
                                              {"credit-warn", required_argument, NULL, 0},
                                              {"credit-crit", required_argument, NULL, 0},
                                              {NULL, 0, NULL, 0}};

/* Reads the thresholds; 0, or -1 after saying what was wrong. */
static int read_thresholds(int argc, char **argv, struct check_thresholds *t)
{
    int index, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", check_options, &index)) != -1) {
        char *end;
        double v = opt == 0 ? strtod(optarg, &end) : 0;
        if (opt != 0 || end == optarg || *end != '\0') {
            if (opt == 0) {
                printf("LAPOR UNKNOWN - --%s: %s is not a number\n", check_options[index].name,
                       optarg);
            } else {
                printf("LAPOR UNKNOWN - usage: check [--signal-warn N] [--signal-crit N] ...\n");
            }
            return -1;
        }
        *threshold_of(t, index) = v;
    }
    if (optind != argc) {
        printf("LAPOR UNKNOWN - unexpected argument %s\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* Judges what the database says. */
static int check_store(struct store *s, const struct conf *c, const struct check_thresholds *t)
{
    struct check_modem *m = NULL;
    size_t n = 0;
    struct check_queues q = {0};
    if (store_check_modems(s, stale_after(c), &m, &n) != 0 || store_check_queues(s, &q) != 0) {
        printf("LAPOR UNKNOWN - %s\n", store_error(s));
        free(m);
        return CHECK_UNKNOWN;
    }
    char line[2048];
    enum check_code code = check_evaluate(t, m, n, &q, line, sizeof line);
    printf("%s\n", line);
    free(m);
    return (int)code;
}

int smsctl_check(const struct conf *c, int argc, char **argv)
{
    struct check_thresholds t;
    check_defaults(&t);
    if (read_thresholds(argc, argv, &t) != 0) {
        return CHECK_UNKNOWN;
    }
    struct store *s = store_new(c->database);
    if (s == NULL || store_connect(s) != 0) {
        printf("LAPOR UNKNOWN - database: %s\n", s ? store_error(s) : "out of memory");
        store_free(s);
        return CHECK_UNKNOWN;
    }
    int rc = check_store(s, c, &t);
    store_free(s);
    return rc;
}
