/* smsctl_archive: see smsctl_archive.h. */
#include "smsctl_archive.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "smsctl_cli.h"
#include "store.h"

/* Tickets moved per transaction: small enough that the locks and the transaction stay short
 * while daemons keep working, large enough that the statements' cost is shared. */
#define ARCHIVE_BATCH_DEFAULT 5000

static int read_count(const char *word, const char *what, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(word, &end, 10);
    if (end == word || *end != '\0' || errno != 0 || v < 1 || v > 1000000) {
        fprintf(stderr, "lapor-smsctl: archive: %s must be a whole number from 1 to 1000000\n",
                what);
        return -1;
    }
    *out = v;
    return 0;
}

static int read_args(int argc, char **argv, long long *days, long long *batch)
{
    static const struct option opts[] = {{"older-than", required_argument, NULL, 'o'},
                                         {"batch", required_argument, NULL, 'b'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    *days = 0;
    *batch = ARCHIVE_BATCH_DEFAULT;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:b:", opts, NULL)) != -1) {
        if (opt == 'o' && read_count(optarg, "--older-than DAYS", days) == 0) {
            continue;
        }
        if (opt == 'b' && read_count(optarg, "--batch N", batch) == 0) {
            continue;
        }
        return -1;
    }
    if (optind != argc || *days == 0) {
        fprintf(stderr, "usage: lapor-smsctl archive --older-than DAYS [--batch N]\n");
        return -1;
    }
    return 0;
}

/* Each call of lapor_archive() is a statement of its own, hence a transaction of its own. */
static int archive_all(struct store *s, long long days, long long batch, long long *moved)
{
    char dbuf[STORE_NUMBUF], bbuf[STORE_NUMBUF];
    store_fmt_ll(dbuf, days);
    store_fmt_ll(bbuf, batch);
    const char *params[] = {dbuf, bbuf};
    *moved = 0;
    for (;;) {
        long long n;
        if (store_query_ll(s, "SELECT lapor_archive($1::int, $2::int)", 2, params, &n) != 0) {
            return -1;
        }
        if (n == 0) {
            return 0;
        }
        *moved += n;
    }
}

int smsctl_archive(const struct conf *c, int argc, char **argv)
{
    long long days, batch;
    if (read_args(argc, argv, &days, &batch) != 0) {
        return 2;
    }
    struct store *s = cli_open_store(c->database);
    if (s == NULL) {
        return 1;
    }
    long long moved;
    int rc = archive_all(s, days, batch, &moved);
    if (rc != 0) {
        fprintf(stderr, "lapor-smsctl: archive: %s (%lld tickets archived before)\n",
                store_error(s), moved);
    } else {
        printf("archived %lld ticket%s closed more than %lld days ago\n", moved,
               moved == 1 ? "" : "s", days);
    }
    store_free(s);
    return rc == 0 ? 0 : 1;
}
