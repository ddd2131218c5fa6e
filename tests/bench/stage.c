/*
 * stage: makes the benchmark's incoming messages as libGammu dummy-driver files, through the
 * project's own writer (modem_dummy_inject), so that our daemon, gammu-smsd and modem_limit all
 * read the very same bytes.
 *
 *   stage gen  --tsv FILE --n N --out DIR [--max-parts K] [--first-sender NUM]
 *       N messages: 7 in 10 single SMS (a report cut to at most 150 characters, and it must fit one
 *       SMS), 3 in 10 a whole report sent as a concatenated SMS of 2..K parts (reports needing
 *       more are passed over, so that 10,000 messages stay inside the dummy driver's two inbox
 *       folders). One distinct sender per message. Files DIR/000001, DIR/000002, ... one per part,
 *       the parts of a message in order. Prints "messages= singles= multipart= parts=".
 *
 *   stage place --out DIR --device DEV
 *       Hard-links DIR's files, in name order, into DEV/sms/1/1..9999 and then DEV/sms/3/1..9999
 *       (the dummy driver serves locations 1..9999 per folder), making the folders as needed.
 *
 *   stage drip --out DIR --device DEV --rate R --seconds S --log FILE
 *       The messages staged in DIR by gen (its .manifest), hard-linked into a live dummy modem's
 *       DEV/sms/1 at R messages a second for S seconds, on a fixed schedule (not drifting with the
 *       write time). Logs one line per message: SENDER<TAB>PARTS<TAB>EPOCH, EPOCH being when its
 *       last part landed in the folder.
 *
 * Links against liblapor_core.a / liblapor_pure.a; never includes gammu.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "modem.h"
#include "modem_dummy.h"

struct corpus {
    char **text;
    size_t n;
};

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "stage: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void corpus_load(struct corpus *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        die("cannot open %s", path);
    }
    char *line = NULL;
    size_t cap = 0, have = 0;
    ssize_t got;
    c->text = NULL;
    c->n = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) {
            line[--got] = '\0';
        }
        char *tab = strchr(line, '\t');
        if (tab == NULL || tab[1] == '\0') {
            continue;
        }
        if (c->n == have) {
            have = have ? have * 2 : 1024;
            c->text = realloc(c->text, have * sizeof *c->text);
            if (c->text == NULL) {
                die("%s", "out of memory");
            }
        }
        c->text[c->n++] = strdup(tab + 1);
    }
    free(line);
    fclose(f);
    if (c->n == 0) {
        die("no reports in %s", path);
    }
}

/* A copy of s cut to at most max bytes, at a word boundary where one is near, never inside a
 * UTF-8 sequence. */
static char *cut(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max) {
        return strdup(s);
    }
    size_t end = max;
    while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80) {
        end--;
    }
    size_t sp = end;
    while (sp > max / 2 && s[sp] != ' ') {
        sp--;
    }
    if (s[sp] == ' ') {
        end = sp;
    }
    return strndup(s, end);
}

static double now_epoch(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Removes the dummy device's inbox files 1..n (a rejected candidate). */
static void drop_parts(const char *inbox, int n)
{
    char p[4300];
    for (int i = 1; i <= n; i++) {
        snprintf(p, sizeof p, "%s/%d", inbox, i);
        unlink(p);
    }
}

/*
 * Picks the next message of the mix for message number i (0-based): the 3rd, 6th and 9th of every
 * ten are multipart. Writes it into device's inbox and returns its part count; *cursor walks the
 * corpus so that consecutive messages get different reports.
 */
static int next_message(const struct corpus *c, size_t *cursor, long i, const char *device,
                        const char *inbox, const char *sender, int max_parts)
{
    bool multi = (i % 10) == 2 || (i % 10) == 5 || (i % 10) == 8;
    for (size_t tries = 0; tries < c->n * 2; tries++) {
        const char *report = c->text[(*cursor)++ % c->n];
        char *text = multi ? strdup(report) : cut(report, 150);
        char err[256];
        int n = modem_dummy_inject(device, sender, text, -1, NULL, 0, 0, err, sizeof err);
        free(text);
        if (n < 0) {
            die("inject failed: %s", err);
        }
        bool fits = multi ? (n >= 2 && n <= max_parts) : n == 1;
        if (fits) {
            return n;
        }
        drop_parts(inbox, n);
    }
    die("%s", "no report fits the requested mix");
    return -1;
}

static long long arg_ll(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        die("not a number: %s", s);
    }
    return v;
}

static int cmd_gen(const char *tsv, long n, const char *out, int max_parts, long long first)
{
    struct corpus c;
    corpus_load(&c, tsv);
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        die("cannot create %s", out);
    }
    /* A scratch dummy device: each message is written to its inbox as 1..k, checked, and moved
     * out under the next global numbers. */
    char dev[4096], inbox[4200];
    snprintf(dev, sizeof dev, "%s/.scratch", out);
    snprintf(inbox, sizeof inbox, "%s/sms/1", dev);
    mkdir(dev, 0755);
    size_t cursor = 0;
    long parts = 0, singles = 0, multis = 0;
    char mpath[4200];
    snprintf(mpath, sizeof mpath, "%s/.manifest", out);
    FILE *mf = fopen(mpath, "w");
    if (mf == NULL) {
        die("cannot write %s", mpath);
    }
    for (long i = 0; i < n; i++) {
        char sender[32];
        snprintf(sender, sizeof sender, "+%lld", first + i);
        int k = next_message(&c, &cursor, i, dev, inbox, sender, max_parts);
        fprintf(mf, "%s\t%ld\t%d\n", sender, parts + 1, k);
        for (int p = 1; p <= k; p++) {
            char from[4300], to[4300];
            snprintf(from, sizeof from, "%s/%d", inbox, p);
            snprintf(to, sizeof to, "%s/%06ld", out, ++parts);
            if (rename(from, to) != 0) {
                die("cannot move %s", from);
            }
        }
        if (k == 1) {
            singles++;
        } else {
            multis++;
        }
    }
    fclose(mf);
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dev);
    if (system(cmd) != 0) {
        fprintf(stderr, "stage: could not remove %s\n", dev);
    }
    printf("messages=%ld singles=%ld multipart=%ld parts=%ld\n", n, singles, multis, parts);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static int cmd_place(const char *out, const char *device)
{
    struct dirent **names;
    int n = scandir(out, &names, not_hidden, by_name);
    if (n < 0) {
        die("cannot list %s", out);
    }
    char path[4400], to[4400];
    snprintf(path, sizeof path, "%s/sms", device);
    mkdir(device, 0755);
    mkdir(path, 0755);
    for (int f = 1; f <= 3; f += 2) {
        snprintf(path, sizeof path, "%s/sms/%d", device, f);
        mkdir(path, 0755);
    }
    if (n > 2 * 9999) {
        die("%s", "more than 19,998 parts: the dummy driver cannot serve them");
    }
    for (int i = 0; i < n; i++) {
        int folder = i < 9999 ? 1 : 3;
        int loc = i < 9999 ? i + 1 : i - 9999 + 1;
        snprintf(path, sizeof path, "%s/%s", out, names[i]->d_name);
        snprintf(to, sizeof to, "%s/sms/%d/%d", device, folder, loc);
        if (link(path, to) != 0) {
            die("cannot link %s", to);
        }
        free(names[i]);
    }
    free(names);
    printf("placed=%d\n", n);
    return 0;
}

static int cmd_drip(const char *out, const char *device, double rate, double seconds,
                    const char *log)
{
    char mpath[4200], inbox[4200];
    snprintf(mpath, sizeof mpath, "%s/.manifest", out);
    snprintf(inbox, sizeof inbox, "%s/sms/1", device);
    FILE *mf = fopen(mpath, "r");
    FILE *lf = fopen(log, "w");
    if (mf == NULL || lf == NULL) {
        die("cannot read %s or write the log", mpath);
    }
    long total = (long)(rate * seconds + 0.5);
    int next = 1; /* the inbox number to try first; the daemon empties the folder behind us */
    double t0 = now_epoch();
    char sender[64];
    long first;
    int k;
    long i = 0;
    while (i < total && fscanf(mf, "%63s %ld %d", sender, &first, &k) == 3) {
        double wait = t0 + i / rate - now_epoch();
        if (wait > 0) {
            struct timespec ts = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
            nanosleep(&ts, NULL);
        }
        for (int p = 0; p < k; p++) {
            char from[4300], to[4300];
            snprintf(from, sizeof from, "%s/%06ld", out, first + p);
            /* link(2) lands the whole file at once and never replaces one still waiting. */
            for (int tries = 0;; tries++) {
                if (next > 9999) {
                    next = 1;
                }
                snprintf(to, sizeof to, "%s/%d", inbox, next++);
                if (link(from, to) == 0) {
                    break;
                }
                if (errno != EEXIST || tries > 9999) {
                    die("cannot place %s", to);
                }
            }
        }
        fprintf(lf, "%s\t%d\t%.6f\n", sender, k, now_epoch());
        i++;
    }
    double late = now_epoch() - (t0 + (i - 1) / rate);
    fclose(mf);
    fclose(lf);
    printf("dripped=%ld seconds=%.2f last_late_ms=%.1f\n", i, now_epoch() - t0, late * 1000);
    return i == total ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: stage gen|place|drip ...\n");
        return 2;
    }
    const char *tsv = NULL, *out = NULL, *device = NULL, *log = NULL;
    long n = 0;
    int max_parts = 5;
    double rate = 20, seconds = 30;
    long long first = 6281200000000LL;
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--tsv") == 0) {
            tsv = v;
        } else if (strcmp(k, "--n") == 0) {
            n = (long)arg_ll(v);
        } else if (strcmp(k, "--out") == 0) {
            out = v;
        } else if (strcmp(k, "--device") == 0) {
            device = v;
        } else if (strcmp(k, "--log") == 0) {
            log = v;
        } else if (strcmp(k, "--max-parts") == 0) {
            max_parts = (int)arg_ll(v);
        } else if (strcmp(k, "--first-sender") == 0) {
            first = arg_ll(v);
        } else if (strcmp(k, "--rate") == 0) {
            rate = atof(v);
        } else if (strcmp(k, "--seconds") == 0) {
            seconds = atof(v);
        } else {
            die("unknown option %s", k);
        }
    }
    if (strcmp(argv[1], "place") == 0 && out != NULL && device != NULL) {
        return cmd_place(out, device);
    }
    if (strcmp(argv[1], "drip") == 0 && out != NULL && device != NULL && log != NULL && rate > 0) {
        return cmd_drip(out, device, rate, seconds, log);
    }
    if (tsv == NULL) {
        die("%s", "--tsv is required");
    }
    if (strcmp(argv[1], "gen") == 0 && out != NULL && n > 0) {
        return cmd_gen(tsv, n, out, max_parts, first);
    }

    fprintf(stderr, "usage: stage gen --tsv FILE --n N --out DIR | place --out DIR --device DEV |"
                    " drip --out DIR --device DEV --rate R --seconds S --log FILE\n");
    return 2;
}
