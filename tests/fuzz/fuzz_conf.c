/*
 * libFuzzer target for conf: every input is a whole configuration file, read by the daemon's own
 * conf_load (libconfig underneath), exactly as `lapor-smsd -c FILE` reads it.
 *
 * conf_load reads a path, not a buffer, so the input is written to one temporary file that is
 * unlinked at once and named through /proc/self/fd: nothing is left in /tmp however the run ends,
 * and conf.c is tested unchanged, its fopen/fstat checks included.
 *
 * Besides the sanitizers (ASan finds overflows and use-after-free, LSan a leak on either path),
 * the target aborts when conf.h's promises do not hold:
 *   - failure: -1 with "FILE:LINE: reason" in err, and the struct left as conf_free leaves it;
 *   - success: an empty err, every required key set, every value within the limits that
 *     conf/lapor-smsd.conf documents (restated here independently of conf.c's table);
 *   - the same file read twice gives the same answer, and conf_free may run twice.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The size the daemon uses. The buffer is malloc'd at exactly this size so that ASan sees any
 * byte written beyond it. */
#define ERRCAP 512

static int conf_fd = -1;
static char conf_path[64];

static void check(bool cond)
{
    if (!cond) {
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char tmpl[] = "/tmp/lapor-fuzz-conf.XXXXXX";
    conf_fd = mkstemp(tmpl);
    if (conf_fd < 0) {
        perror("fuzz_conf: mkstemp");
        exit(1);
    }
    unlink(tmpl);
    snprintf(conf_path, sizeof conf_path, "/proc/self/fd/%d", conf_fd);
    return 0;
}

/* Replaces the file's contents with the input. */
static void write_input(const uint8_t *data, size_t size)
{
    check(ftruncate(conf_fd, 0) == 0);
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(conf_fd, data + done, size - done, (off_t)done);
        check(n > 0);
        done += (size_t)n;
    }
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            return false;
        }
    }
    return true;
}

/* "FILE:LINE: reason": a colon followed by digits, a colon, a space and a non-empty reason. The
 * file is ours or one pulled in with @include, so only the tail is checked. */
static bool well_formed_error(const char *err, size_t cap)
{
    check(memchr(err, '\0', cap) != NULL);
    for (const char *p = strchr(err, ':'); p != NULL; p = strchr(p + 1, ':')) {
        const char *q = p + 1;
        if (*q == '-') {
            q++; /* libconfig gives no negative lines, but the format would allow one */
        }
        if (*q < '0' || *q > '9') {
            continue;
        }
        while (*q >= '0' && *q <= '9') {
            q++;
        }
        if (q[0] == ':' && q[1] == ' ' && q[2] != '\0') {
            return true;
        }
    }
    return false;
}

static bool in_range(int v, int lo, int hi)
{
    return v >= lo && v <= hi;
}

static bool valid_instance(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 63) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '.' || ch == '-')) {
            return false;
        }
    }
    return true;
}

/* "" or "YYYY-MM-DD" items joined by commas: the form routing.c reads. */
static bool valid_holidays(const char *s)
{
    size_t n = strlen(s);
    if (n == 0) {
        return true;
    }
    if ((n + 1) % 11 != 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        size_t at = i % 11;
        bool ok = at == 10               ? s[i] == ','
                  : (at == 4 || at == 7) ? s[i] == '-'
                                         : (s[i] >= '0' && s[i] <= '9');
        if (!ok) {
            return false;
        }
    }
    return true;
}

static bool nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* What a loaded configuration must look like, whatever the file said. */
static void check_loaded(const struct conf *c)
{
    check(c->path != NULL && strcmp(c->path, conf_path) == 0);
    check(c->instance != NULL && valid_instance(c->instance));
    check(nonempty(c->modem.connection) && nonempty(c->modem.device));
    check(c->modem.model != NULL && c->modem.pin != NULL);
    check(nonempty(c->database));
    check(in_range(c->modem.timeout_s, 2, 3600));
    check(in_range(c->modem.status_interval_s, 1, 3600));
    check(in_range(c->poll_interval_ms, 50, 60000));
    check(in_range(c->multipart_timeout_s, 1, 86400));
    check(in_range(c->lease_s, 5, 3600));
    check(in_range(c->batch_size, 1, 1000));
    check(in_range(c->heartbeat_s, 1, 60));
    check(in_range(c->retry.max_attempts, 1, 100));
    check(in_range(c->retry.first_delay_s, 1, 86400));
    check(in_range(c->retry.max_delay_s, 1, 604800));
    check(c->retry.first_delay_s <= c->retry.max_delay_s);
    check(in_range(c->replies.budget, 0, 1000));
    check(in_range(c->replies.budget_window_s, 60, 604800));
    check(in_range(c->replies.resend_window_s, 0, 86400));
    check(in_range(c->replies.failover_after_s, 0, 86400));
    check(in_range(c->log_level, LOGL_ERR, LOGL_DEBUG));
    check(c->routing.holidays != NULL && valid_holidays(c->routing.holidays));
    const struct conf_templates *t = &c->templates;
    check(c->templates.language != NULL &&
          (strcmp(t->language, "id") == 0 || strcmp(t->language, "en") == 0));
    const char *const texts[] = {t->received,  t->status,      t->added,        t->cancelled,
                                 t->not_found, t->not_valid,   t->need_ticket,  t->help,
                                 t->forward,   t->reminder,    t->followup,     t->closed,
                                 t->confirmed, t->confirm_ask, t->confirm_wrong};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        check(nonempty(texts[i]));
    }
}

static bool same_string(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Two loads of one file agree field by field. The strings are compared by content, the rest of
 * the struct (numbers and booleans) with the pointers blanked out. */
static void check_same(const struct conf *a, const struct conf *b)
{
    const char *const sa[] = {a->instance,           a->modem.connection,   a->modem.device,
                              a->modem.model,        a->modem.pin,          a->database,
                              a->templates.language, a->templates.received, a->templates.status,
                              a->templates.help,     a->templates.forward,  a->routing.holidays};
    const char *const sb[] = {b->instance,           b->modem.connection,   b->modem.device,
                              b->modem.model,        b->modem.pin,          b->database,
                              b->templates.language, b->templates.received, b->templates.status,
                              b->templates.help,     b->templates.forward,  b->routing.holidays};
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++) {
        check(same_string(sa[i], sb[i]));
    }
    check(a->modem.timeout_s == b->modem.timeout_s &&
          a->modem.status_interval_s == b->modem.status_interval_s &&
          a->modem.delivery_reports == b->modem.delivery_reports &&
          a->modem.reject_calls == b->modem.reject_calls &&
          a->poll_interval_ms == b->poll_interval_ms &&
          a->multipart_timeout_s == b->multipart_timeout_s && a->lease_s == b->lease_s &&
          a->batch_size == b->batch_size && a->heartbeat_s == b->heartbeat_s &&
          a->retry.max_attempts == b->retry.max_attempts &&
          a->retry.first_delay_s == b->retry.first_delay_s &&
          a->retry.max_delay_s == b->retry.max_delay_s && a->replies.budget == b->replies.budget &&
          a->replies.budget_window_s == b->replies.budget_window_s &&
          a->replies.resend_window_s == b->replies.resend_window_s &&
          a->replies.failover_after_s == b->replies.failover_after_s &&
          a->routing.automatic == b->routing.automatic && a->log_syslog == b->log_syslog &&
          a->log_level == b->log_level);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The example file is about 9 KB; much larger inputs only slow the search down. */
    if (size > 16384) {
        return 0;
    }
    write_input(data, size);

    char *err1 = malloc(ERRCAP);
    char *err2 = malloc(ERRCAP);
    check(err1 != NULL && err2 != NULL);
    /* Filled with non-NUL bytes, so that an error that is not terminated runs into ASan. */
    memset(err1, 'x', ERRCAP);
    memset(err2, 'x', ERRCAP);

    struct conf c1, c2;
    memset(&c1, 0x5a, sizeof c1); /* conf_load must not rely on the caller zeroing it */
    int rc1 = conf_load(conf_path, &c1, err1, ERRCAP);
    int rc2 = conf_load(conf_path, &c2, err2, ERRCAP);

    check(rc1 == 0 || rc1 == -1);
    check(rc1 == rc2);
    check(memchr(err1, '\0', ERRCAP) != NULL);
    check(strcmp(err1, err2) == 0);
    if (rc1 == 0) {
        check(err1[0] == '\0');
        check_loaded(&c1);
        check_same(&c1, &c2);
    } else {
        /* An @include'd file's name can be long enough to cut the message short; only a whole
         * message must have the form. */
        check(err1[0] != '\0');
        if (strlen(err1) < ERRCAP - 1) {
            check(well_formed_error(err1, ERRCAP));
        }
        /* A failed load leaves nothing to free: conf_load promises conf_free's zeroed state. */
        check(all_zero(&c1, sizeof c1));
    }
    conf_free(&c1);
    conf_free(&c1);
    conf_free(&c2);
    check(all_zero(&c1, sizeof c1));

    /* Without an error buffer the answer is the same and nothing is written. */
    struct conf c3;
    check(conf_load(conf_path, &c3, NULL, 0) == rc1);
    conf_free(&c3);

    free(err1);
    free(err2);
    return 0;
}
