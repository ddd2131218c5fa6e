/* check: see check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void check_defaults(struct check_thresholds *t)
{
    t->signal = (struct check_range){20, 10};
    t->storage = (struct check_range){80, 95};
    t->outbox = (struct check_range){300, 900};
    t->failed = (struct check_range){1, 10};
    t->credit = (struct check_range){-1, -1};
}

const char *check_code_name(enum check_code c)
{
    static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return c <= CHECK_UNKNOWN ? names[c] : "UNKNOWN";
}

/* The verdict so far and the problems found, worst first in the line's wording. */
struct verdict {
    enum check_code code;
    char problems[512];
    size_t used;
};

static void found(struct verdict *v, enum check_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void found(struct verdict *v, enum check_code code, const char *fmt, ...)
{
    if (code == CHECK_OK) {
        return;
    }
    if (code > v->code) {
        v->code = code;
    }
    if (v->used + 3 >= sizeof v->problems) {
        return;
    }
    if (v->used > 0) {
        v->used += (size_t)snprintf(v->problems + v->used, sizeof v->problems - v->used, ", ");
    }
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(v->problems + v->used, sizeof v->problems - v->used, fmt, ap);
    va_end(ap);
    if (w > 0) {
        v->used += (size_t)w;
    }
    if (v->used >= sizeof v->problems) {
        v->used = sizeof v->problems - 1;
    }
}

/* How a figure stands against its range. */
static enum check_code judge(double value, struct check_range r, bool low_is_bad)
{
    bool crit = r.crit >= 0 && (low_is_bad ? value < r.crit : value >= r.crit);
    bool warn = r.warn >= 0 && (low_is_bad ? value < r.warn : value >= r.warn);
    return crit ? CHECK_CRITICAL : warn ? CHECK_WARNING : CHECK_OK;
}

static void judge_modem(const struct check_thresholds *t, const struct check_modem *m,
                        struct verdict *v)
{
    if (strcmp(m->state, "up") != 0) {
        found(v, CHECK_CRITICAL, "%s: daemon %s", m->instance, m->state);
        return;
    }
    if (!m->connected) {
        found(v, CHECK_CRITICAL, "%s: modem down", m->instance);
        return;
    }
    if (m->registration[0] != '\0' && strcmp(m->registration, "home") != 0 &&
        strcmp(m->registration, "roaming") != 0) {
        found(v, CHECK_CRITICAL, "%s: no network (%s)", m->instance, m->registration);
    } else if (m->signal_percent >= 0) {
        found(v, judge(m->signal_percent, t->signal, true), "%s: signal %d%%", m->instance,
              m->signal_percent);
    }
    if (m->storage_percent >= 0) {
        found(v, judge(m->storage_percent, t->storage, false), "%s: storage %d%% full", m->instance,
              m->storage_percent);
    }
    if (m->balance >= 0) {
        enum check_code c = judge(m->balance, t->credit, true);
        found(v, c == CHECK_OK && m->balance_low ? CHECK_WARNING : c, "%s: credit %.0f low",
              m->instance, m->balance);
    }
}

/* The performance data: label=value;warn;crit;min;max, space-separated. */
static void perfdata(const struct check_thresholds *t, const struct check_modem *m, size_t n,
                     const struct check_queues *q, int up, char *out, size_t cap)
{
    size_t used = (size_t)snprintf(out, cap, "modems_up=%d;;;0;%zu oldest_queued=%.0fs;%.0f;%.0f;0",
                                   up, n, q->oldest_queued_s, t->outbox.warn, t->outbox.crit);
    if (used < cap) {
        used += (size_t)snprintf(out + used, cap - used, " failed=%ld;%.0f;%.0f;0", q->failed,
                                 t->failed.warn, t->failed.crit);
    }
    for (size_t i = 0; i < n && used < cap; i++) {
        if (m[i].signal_percent >= 0) {
            used += (size_t)snprintf(out + used, cap - used, " '%s signal'=%d%%;%.0f;%.0f;0;100",
                                     m[i].instance, m[i].signal_percent, t->signal.warn,
                                     t->signal.crit);
        }
        if (used < cap && m[i].balance >= 0) {
            used += (size_t)snprintf(out + used, cap - used, " '%s credit'=%.0f;;;0", m[i].instance,
                                     m[i].balance);
        }
    }
}

enum check_code check_evaluate(const struct check_thresholds *t, const struct check_modem *m,
                               size_t n, const struct check_queues *q, char *line, size_t cap)
{
    struct verdict v = {.code = CHECK_OK};
    int up = 0;
    if (n == 0) {
        found(&v, CHECK_UNKNOWN, "no daemon has ever reported");
    }
    for (size_t i = 0; i < n; i++) {
        judge_modem(t, &m[i], &v);
        up += strcmp(m[i].state, "up") == 0 && m[i].connected;
    }
    found(&v, judge(q->oldest_queued_s, t->outbox, false), "oldest queued reply %.0f s",
          q->oldest_queued_s);
    found(&v, judge((double)q->failed, t->failed, false), "%ld failed replies", q->failed);
    char perf[1024];
    perfdata(t, m, n, q, up, perf, sizeof perf);
    if (v.code == CHECK_OK) {
        snprintf(line, cap, "LAPOR OK - %d of %zu modems up, oldest queued reply %.0f s | %s", up,
                 n, q->oldest_queued_s, perf);
    } else {
        snprintf(line, cap, "LAPOR %s - %s | %s", check_code_name(v.code), v.problems, perf);
    }
    return v.code;
}
