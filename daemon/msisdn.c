/*
 * msisdn: one spelling for each sender, so that the per-number reply budget, "only the ticket's own
 * sender" and the liaison check all compare like with like.
 */
#include "msisdn.h"

#include <stdio.h>
#include <string.h>

#include "ascii.h"

/* E.164 allows at most 15 digits, country code included. */
#define E164_MAX_DIGITS 15
/*
 * Fewer digits than this cannot be a whole international number (the shortest real ones, on small
 * islands, have 7), so such input is kept as it came rather than dressed up as one.
 */
#define E164_MIN_DIGITS 7
/* Digit strings without a prefix of this length or shorter are short codes such as 1708. */
#define SHORT_CODE_MAX_DIGITS 6

/* Characters people and phones put between the digits of a number. */
static bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')';
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Writes len bytes of src and a NUL; returns rc, or -1 when they do not fit. */
static int emit(char *out, size_t outcap, const char *src, size_t len, int rc)
{
    if (len >= outcap) {
        return -1;
    }
    memcpy(out, src, len);
    out[len] = '\0';
    return rc;
}

/*
 * Builds "+<cc><national>" when it is a plausible E.164 number. Returns the digits written after
 * the '+', or 0 when the result would not be one (so that the caller keeps the input as it was).
 */
static size_t build_e164(char *buf, size_t bufcap, const char *cc, const char *national)
{
    size_t cclen = strlen(cc), nlen = strlen(national);
    size_t total = cclen + nlen;

    /* A country code never begins with 0, and neither does an Indonesian national number after
     * its trunk 0 has gone. */
    if (total < E164_MIN_DIGITS || total > E164_MAX_DIGITS || total + 2 > bufcap) {
        return 0;
    }
    if ((cclen > 0 ? cc[0] : national[0]) == '0' || (cclen > 0 && national[0] == '0')) {
        return 0;
    }
    buf[0] = '+';
    memcpy(buf + 1, cc, cclen);
    memcpy(buf + 1 + cclen, national, nlen);
    buf[1 + total] = '\0';
    return total;
}

/*
 * Collects the digits of [start, end) into digits (cap bytes, NUL-terminated) when it is a phone
 * number: digits and separators, with at most one '+' and only at the front. False when it is not
 * one, or has no digits, or more than digits can hold.
 */
static bool read_phone(const char *start, const char *end, char *digits, size_t cap,
                       size_t *ndigits, bool *plus)
{
    size_t n = 0;
    *plus = false;
    for (const char *p = start; p < end; p++) {
        if (ascii_is_digit(*p)) {
            /* Digits past the buffer are only counted: that many cannot make a number. */
            if (n < cap - 1) {
                digits[n] = *p;
            }
            n++;
        } else if (*p == '+' && p == start) {
            *plus = true;
        } else if (!is_separator(*p)) {
            return false;
        }
    }
    if (n == 0 || n >= cap - 1) {
        return false;
    }
    digits[n] = '\0';
    *ndigits = n;
    return true;
}

/* The E.164 form of a phone number's digits into e164 (cap bytes): the digits written after the
 * '+', or 0 when it is none (a short code, a bare number of unknown country). */
static size_t to_e164(const char *digits, size_t ndigits, bool plus, char *e164, size_t cap)
{
    const char *intl = NULL;
    if (plus) {
        intl = digits;
    } else if (starts_with(digits, "00")) {
        /* 00 is the international prefix dialled from Indonesia. */
        intl = digits + 2;
    } else if (digits[0] == '0') {
        /* The national form: the trunk 0 stands for +62. */
        return build_e164(e164, cap, "62", digits + 1);
    } else if (ndigits <= SHORT_CODE_MAX_DIGITS) {
        /* A short code such as 1708 or 3636: not a number to be dressed up. The length checks in
         * build_e164 would refuse it too; saying so here keeps a later change to them from
         * turning 626262 into a phone number. */
        return 0;
    } else if (starts_with(digits, "62")) {
        /* The international form without its '+', as many modems report it. */
        intl = digits;
    } else if (digits[0] == '8' && ndigits >= 9 && ndigits <= 12) {
        /*
         * A network that marks the sender as a national number sends it without the trunk 0
         * (8123456789). Other bare digit strings are left alone: guessing their country could
         * send a reply to a stranger abroad.
         */
        return build_e164(e164, cap, "62", digits);
    } else {
        return 0;
    }
    if (!starts_with(intl, "62")) {
        return build_e164(e164, cap, "", intl);
    }
    const char *national = intl + 2;
    /* "+62 0812..." is a common mistake: the trunk 0 written after the country code. */
    if (national[0] == '0') {
        national++;
    }
    return build_e164(e164, cap, "62", national);
}

int msisdn_normalise(const char *in, char *out, size_t outcap)
{
    char digits[E164_MAX_DIGITS + 8];
    char e164[E164_MAX_DIGITS + 2];
    size_t ndigits = 0, e164len = 0;
    bool plus = false;

    if (out == NULL || outcap == 0) {
        return -1;
    }
    if (in == NULL) {
        in = "";
    }
    const char *start = in;
    const char *end = in + strlen(in);
    while (start < end && ascii_is_space(*start)) {
        start++;
    }
    while (end > start && ascii_is_space(end[-1])) {
        end--;
    }
    if (read_phone(start, end, digits, sizeof digits, &ndigits, &plus)) {
        e164len = to_e164(digits, ndigits, plus, e164, sizeof e164);
    }
    if (e164len == 0) {
        return emit(out, outcap, start, (size_t)(end - start), 0);
    }
    return emit(out, outcap, e164, e164len + 1, 1);
}

bool msisdn_is_mobile(const char *normalised)
{
    size_t len;

    if (normalised == NULL || normalised[0] != '+') {
        return false;
    }
    len = strlen(normalised + 1);
    for (size_t i = 1; i <= len; i++) {
        if (!ascii_is_digit(normalised[i])) {
            return false;
        }
    }
    if (starts_with(normalised, "+62")) {
        /* Indonesian mobile numbers are 8 followed by 8 to 11 digits; other prefixes are fixed
         * lines and service numbers that cannot read an SMS. */
        size_t national = len - 2;
        return normalised[3] == '8' && national >= 9 && national <= 12;
    }
    /* Elsewhere we cannot tell mobile from fixed, so any full-length E.164 number qualifies. */
    return normalised[1] != '0' && len >= 10 && len <= E164_MAX_DIGITS;
}

void msisdn_sender(const char *raw, bool alnum, char *out)
{
    if (alnum || msisdn_normalise(raw, out, MSISDN_MAX) < 0) {
        snprintf(out, MSISDN_MAX, "%.*s", MSISDN_MAX - 1, raw);
    }
}
