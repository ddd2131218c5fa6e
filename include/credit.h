/*
 * credit: the SIM's prepaid credit (pulsa), read from the operator's answer to a USSD balance
 * code such as *888#. Pure: the pattern that finds the amount in the answer, the amount's
 * number, and the state of the scheduled check that the loop keeps and the heartbeat shows.
 */
#ifndef LAPOR_CREDIT_H
#define LAPOR_CREDIT_H

#include <stdbool.h>
#include <stddef.h>

/* The pattern when the configuration names none: "Rp" and the amount, as Indonesian operators
 * answer ("Sisa pulsa Anda Rp 12.500 ..."). */
#define CREDIT_DEFAULT_PATTERN "[Rr][Pp][.]? ?([0-9][0-9.,]*)"

/* NULL when pattern is a POSIX extended regular expression with at least one group, else why
 * not (the pattern is not quoted). */
const char *credit_pattern_error(const char *pattern);

/*
 * Finds the amount in answer with pattern (its first group). Separators: a '.' or ',' followed
 * by exactly one or two digits at the end is the decimal point, any other is a thousands
 * separator ("12.500" is 12500, "1,234.50" 1234.5). 0, or -1 when the pattern does not match.
 */
int credit_parse(const char *pattern, const char *answer, double *amount);

/* What the daemon knows of its credit, and when it asks next. */
struct credit_state {
    bool known; /* amount holds a balance */
    double amount;
    char answer[200];     /* the operator's answer, as printable text */
    long long checked_at; /* epoch seconds of the last answer */
    char error[200];      /* why the last check failed, "" when it did not */
    bool unsupported;     /* the modem cannot do USSD: no more checks */
    bool unsaved;         /* the database has not heard of the last check yet */
    long long next_ms;    /* the next check, on the loop's clock */
};

/* Whether the amount is under threshold (0: no threshold). */
bool credit_low(const struct credit_state *c, long threshold);

#endif
