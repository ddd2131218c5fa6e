/* credit: see credit.h. */
#include "credit.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

const char *credit_pattern_error(const char *pattern)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED) != 0) {
        return "is not a valid extended regular expression";
    }
    size_t groups = re.re_nsub;
    regfree(&re);
    return groups >= 1 ? NULL : "needs a group, (...), around the amount";
}

/* The number in text (len bytes) after the separator rules of credit_parse. */
static double amount_of(const char *text, size_t len)
{
    char digits[64];
    size_t n = 0;
    for (size_t i = 0; i < len && n + 2 < sizeof digits; i++) {
        if (isdigit((unsigned char)text[i])) {
            digits[n++] = text[i];
            continue;
        }
        size_t after = 0;
        while (i + 1 + after < len && isdigit((unsigned char)text[i + 1 + after])) {
            after++;
        }
        bool last = i + 1 + after == len;
        if ((text[i] == '.' || text[i] == ',') && last && (after == 1 || after == 2)) {
            digits[n++] = '.';
        }
    }
    digits[n] = '\0';
    return strtod(digits, NULL);
}

int credit_parse(const char *pattern, const char *answer, double *amount)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED) != 0) {
        return -1;
    }
    regmatch_t m[2];
    int rc = regexec(&re, answer, 2, m, 0);
    regfree(&re);
    if (rc != 0 || m[1].rm_so < 0 || m[1].rm_eo <= m[1].rm_so) {
        return -1;
    }
    const char *from = answer + m[1].rm_so;
    size_t len = (size_t)(m[1].rm_eo - m[1].rm_so);
    /* A group that took separators at its end ("12.500." before a full stop) ends at its digits. */
    while (len > 0 && !isdigit((unsigned char)from[len - 1])) {
        len--;
    }
    if (len == 0) {
        return -1;
    }
    *amount = amount_of(from, len);
    return 0;
}

bool credit_low(const struct credit_state *c, long threshold)
{
    return c->known && threshold > 0 && c->amount < (double)threshold;
}
