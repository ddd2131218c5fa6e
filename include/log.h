/*
 * log: one place that decides where lines go (stderr or syslog) and which levels pass.
 * Message text and secrets are only ever logged at LOGL_DEBUG; sender numbers are masked above it.
 */
#ifndef LAPOR_LOG_H
#define LAPOR_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOGL_ERR = 0, LOGL_WARN, LOGL_INFO, LOGL_DEBUG };

void log_init(const char *ident, bool use_syslog, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Parses "error", "warning", "info" or "debug"; -1 for anything else. */
int log_level_parse(const char *name);

/* Copies in to out (cap bytes) as one line: the lines of a message joined (an indented one with a
 * space, the others with "; "), trailing blanks dropped. Returns the length written. */
size_t log_one_line(const char *in, char *out, size_t cap);

/* Under systemd (JOURNAL_STREAM names stderr), lines written to stderr carry the sd-daemon(3)
 * priority prefix "<N>" instead of a timestamp, so the journal records each at its level. */

/* Logs one line at level when the current level lets it pass. The four names below say the level
 * where it is fixed, which it nearly always is. */
void log_at(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...) log_at(LOGL_ERR, __VA_ARGS__)
#define log_warn(...) log_at(LOGL_WARN, __VA_ARGS__)
#define log_info(...) log_at(LOGL_INFO, __VA_ARGS__)
#define log_debug(...) log_at(LOGL_DEBUG, __VA_ARGS__)

/* A sender number as it may appear in a log line at the current level: in full at debug level,
 * masked as +62812****890 above it. Returns buf. */
const char *log_number(const char *number, char *buf, size_t cap);

#endif
