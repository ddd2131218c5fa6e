/*
 * log: where lines go (stderr or syslog), which levels pass, and how sender numbers are masked.
 *
 * Every line is formatted into one buffer first and written with a single call, so that lines from
 * the daemon and from its modem process never interleave mid-line on a shared stderr.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Longest line we write; a longer message is cut, which is better than allocating while logging. */
#define LOG_LINE_MAX 2048

/* The ident is copied because openlog() keeps the pointer it is given for as long as it logs. */
static char log_ident[64] = "lapor-smsd";
static bool log_to_syslog;
static bool log_to_journal; /* stderr is systemd's journal: "<N>" prefixes, no timestamp */
static enum log_level log_level = LOGL_INFO;

static const char *const level_names[] = {
    [LOGL_ERR] = "error",
    [LOGL_WARN] = "warning",
    [LOGL_INFO] = "info",
    [LOGL_DEBUG] = "debug",
};

static const int level_priorities[] = {
    [LOGL_ERR] = LOG_ERR,
    [LOGL_WARN] = LOG_WARNING,
    [LOGL_INFO] = LOG_INFO,
    [LOGL_DEBUG] = LOG_DEBUG,
};

static enum log_level clamp_level(enum log_level level)
{
    /* A level from a configuration file or a command line counter may be out of range; the
     * nearest valid level is the least surprising reading of it. */
    if ((int)level < (int)LOGL_ERR)
        return LOGL_ERR;
    if ((int)level > (int)LOGL_DEBUG)
        return LOGL_DEBUG;
    return level;
}

/* Whether the lines go to systemd's journal: stderr is the stream JOURNAL_STREAM names
 * (device:inode), as sd-daemon(3) says to check, since a child may inherit the variable with its
 * stderr sent elsewhere. */
static bool stderr_is_journal(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    return stream != NULL && sscanf(stream, "%llu:%llu", &dev, &ino) == 2 &&
           fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
           (unsigned long long)st.st_ino == ino;
}

void log_init(const char *ident, bool use_syslog, enum log_level level)
{
    if (log_to_syslog)
        closelog();
    if (ident != NULL && ident[0] != '\0')
        snprintf(log_ident, sizeof log_ident, "%s", ident);
    log_to_syslog = use_syslog;
    log_to_journal = !use_syslog && stderr_is_journal();
    log_level = clamp_level(level);
    if (log_to_syslog)
        openlog(log_ident, LOG_PID, LOG_DAEMON);
}

void log_set_level(enum log_level level)
{
    log_level = clamp_level(level);
}

enum log_level log_get_level(void)
{
    return log_level;
}

int log_level_parse(const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (strcmp(name, level_names[i]) == 0)
            return (int)i;
    return -1;
}

/* Writes all of buf to stderr, retrying after signals, since a lost log line hides the very
 * problem it was meant to show. */
static void write_stderr(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* Formats the local time with milliseconds and UTC offset, so that lines from hosts in different
 * Indonesian time zones can still be put in order. */
static size_t format_timestamp(char *buf, size_t cap)
{
    struct timespec ts;
    struct tm tm;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || localtime_r(&ts.tv_sec, &tm) == NULL) {
        int n = snprintf(buf, cap, "-");
        return n < 0 ? 0 : (size_t)n;
    }
    char date[32];
    char zone[8];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(zone, sizeof zone, "%z", &tm);
    int n = snprintf(buf, cap, "%s.%03ld%s", date, ts.tv_nsec / 1000000L, zone);
    return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

static void log_emit(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t log_one_line(const char *in, char *out, size_t cap)
{
    size_t len = strlen(in), pos = 0;
    while (len > 0 && is_blank(in[len - 1])) {
        len--;
    }
    for (size_t i = 0; i < len && pos + 1 < cap; i++) {
        if (in[i] != '\n' && in[i] != '\r') {
            out[pos++] = in[i];
            continue;
        }
        /* An indented line goes on the one before it (libpq's "\tThis probably means..."); a
         * line of its own (PostgreSQL's DETAIL:, HINT:) is a clause of its own. */
        bool goes_on = in[i + 1] == ' ' || in[i + 1] == '\t';
        while (i + 1 < len && is_blank(in[i + 1])) {
            i++;
        }
        while (pos > 0 && out[pos - 1] == ' ') {
            pos--;
        }
        const char *sep = goes_on ? " " : "; ";
        for (; *sep != '\0' && pos + 1 < cap; sep++) {
            out[pos++] = *sep;
        }
    }
    if (cap > 0) {
        out[pos] = '\0';
    }
    return pos;
}

static void log_emit(enum log_level level, const char *fmt, va_list ap)
{
    if (level > log_level)
        return;

    /* Callers often log right before they look at errno again; logging must not change it. */
    int saved_errno = errno;
    char raw[LOG_LINE_MAX];
    if (vsnprintf(raw, sizeof raw, fmt, ap) < 0) {
        snprintf(raw, sizeof raw, "(unformattable log message)");
    }
    /* One event, one line: the newline is ours to add, and one inside the message (PostgreSQL's
     * errors have several) would split the event or forge a line. */
    char msg[LOG_LINE_MAX];
    log_one_line(raw, msg, sizeof msg);

    if (log_to_syslog) {
        syslog(level_priorities[level], "%s", msg);
    } else {
        char line[LOG_LINE_MAX + 128];
        size_t pos = 0;
        int m;
        if (log_to_journal) {
            /* The journal stamps the time itself and reads the priority from "<N>". */
            m = snprintf(line, sizeof line, "<%d>%s: %s\n", level_priorities[level], log_ident,
                         msg);
        } else {
            pos = format_timestamp(line, sizeof line);
            m = snprintf(line + pos, sizeof line - pos, " %s[%ld] %s: %s\n", log_ident,
                         (long)getpid(), level_names[level], msg);
        }
        if (m >= 0) {
            pos += (size_t)m < sizeof line - pos ? (size_t)m : sizeof line - pos - 1;
            /* A cut line still ends with a newline, so that the next one starts on its own. */
            if (line[pos - 1] != '\n')
                line[pos - 1] = '\n';
            write_stderr(line, pos);
        }
    }
    errno = saved_errno;
}

void log_at(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit(level, fmt, ap);
    va_end(ap);
}

/* Appends c to buf if there is room for it and the terminating NUL. */
static void put_char(char *buf, size_t cap, size_t *pos, char c)
{
    if (*pos + 1 < cap)
        buf[(*pos)++] = c;
}

/* Sender ids come from the radio network and may hold any byte: a newline in one could forge a
 * log line, so anything but printable ASCII is shown as '?'. */
static char printable(char c)
{
    return (c >= 0x20 && c <= 0x7e) ? c : '?';
}

const char *log_number(const char *number, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0)
        return buf;
    if (number == NULL) {
        snprintf(buf, cap, "(none)");
        return buf;
    }

    size_t len = strlen(number);
    size_t pos = 0;
    if (log_level >= LOGL_DEBUG) {
        for (size_t i = 0; i < len; i++)
            put_char(buf, cap, &pos, printable(number[i]));
    } else if (len >= 10) {
        /* The prefix names the operator and the tail lets an operator match a complaint they
         * were told about, while the middle digits that identify the citizen stay hidden. The
         * mask has a fixed width so that the number's length is not revealed either. */
        for (size_t i = 0; i < 6; i++)
            put_char(buf, cap, &pos, printable(number[i]));
        for (size_t i = 0; i < 4; i++)
            put_char(buf, cap, &pos, '*');
        for (size_t i = len - 3; i < len; i++)
            put_char(buf, cap, &pos, printable(number[i]));
    } else {
        /* Below ten characters, six leading and three trailing ones would show every character
         * (or all but one), so a short number keeps only its first two. */
        for (size_t i = 0; i < 2 && i < len; i++)
            put_char(buf, cap, &pos, printable(number[i]));
        for (size_t i = 0; i < 4 && len > 2; i++)
            put_char(buf, cap, &pos, '*');
    }
    buf[pos] = '\0';
    return buf;
}
