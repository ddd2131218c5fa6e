/*
 * template: reply texts with {name} placeholders.
 *
 * The check runs when the configuration is loaded, so that a reply which cannot fit one SMS is
 * refused by an operator's "-n" and never discovered by a citizen who gets half a message.
 */
#include "template.h"

#include "textcodec.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define TEMPLATE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TEMPLATE_PRINTF(f, a)
#endif

/* The pieces a template is made of, in the order the scanner finds them. */
enum tpl_kind {
    TPL_END,          /* the end of the template */
    TPL_TEXT,         /* literal bytes, up to the next '{' */
    TPL_BRACE,        /* "{{", which stands for one literal '{' */
    TPL_VAR,          /* {name} */
    TPL_UNTERMINATED, /* a '{' with no '}' after it */
    TPL_BADNAME,      /* {...} whose contents are not a placeholder name */
};

struct tpl_token {
    enum tpl_kind kind;
    const char *text; /* the literal bytes, or the name between the braces */
    size_t len;       /* length of text */
    size_t consumed;  /* bytes of the template this token covers */
};

/* Names are kept to letters, digits and '_', so that a stray brace in prose is caught early. */
static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static struct tpl_token tpl_next(const char *p)
{
    struct tpl_token t = {TPL_END, p, 0, 0};
    const char *close;

    if (*p == '\0') {
        return t;
    }
    if (*p != '{') {
        t.kind = TPL_TEXT;
        t.len = strcspn(p, "{");
        t.consumed = t.len;
        return t;
    }
    if (p[1] == '{') {
        t.kind = TPL_BRACE;
        t.text = "{";
        t.len = 1;
        t.consumed = 2;
        return t;
    }
    close = strchr(p + 1, '}');
    if (close == NULL) {
        t.kind = TPL_UNTERMINATED;
        t.len = strlen(p);
        t.consumed = t.len;
        return t;
    }
    t.text = p + 1;
    t.len = (size_t)(close - t.text);
    t.consumed = t.len + 2;
    t.kind = t.len > 0 ? TPL_VAR : TPL_BADNAME;
    for (size_t i = 0; i < t.len; i++) {
        if (!is_name_char(t.text[i])) {
            t.kind = TPL_BADNAME;
            break;
        }
    }
    return t;
}

static bool name_is(const char *name, const char *text, size_t len)
{
    return name != NULL && strncmp(name, text, len) == 0 && name[len] == '\0';
}

long template_fill(const char *tmpl, const char *const *names, const char *const *values, size_t n,
                   char *out, size_t outcap)
{
    size_t total = 0, written = 0;
    bool overflow = (out == NULL || outcap == 0);
    struct tpl_token t;

    if (tmpl == NULL) {
        return -2;
    }
    /* The whole template is scanned even after the output has run out, so that a broken
     * placeholder is always reported as such and never hidden behind "buffer too small". */
    for (; (t = tpl_next(tmpl)).kind != TPL_END; tmpl += t.consumed) {
        const char *piece = t.text;
        size_t len = t.len;

        if (t.kind == TPL_UNTERMINATED || t.kind == TPL_BADNAME) {
            return -2;
        }
        if (t.kind == TPL_VAR) {
            size_t i = 0;
            while (i < n && (names == NULL || !name_is(names[i], t.text, t.len))) {
                i++;
            }
            if (i == n || names == NULL) {
                return -2;
            }
            piece = (values != NULL && values[i] != NULL) ? values[i] : "";
            len = strlen(piece);
        }
        if (!overflow && outcap - written > len) {
            memcpy(out + written, piece, len);
            written += len;
        } else {
            overflow = true;
        }
        total += len;
    }
    if (out != NULL && outcap > 0) {
        out[written] = '\0';
    }
    return overflow ? -1 : (long)total;
}

TEMPLATE_PRINTF(3, 4)
static void set_err(char *err, size_t errcap, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errcap == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
}

/*
 * Explains why text_gsm7_septets refused the template, naming the first offending character and
 * its byte offset so that an operator can find it in the configuration file.
 */
static void explain_not_gsm7(const char *tmpl, char *err, size_t errcap)
{
    const unsigned char *s = (const unsigned char *)tmpl;
    size_t i = 0;

    while (s[i] != '\0') {
        char one[5] = {0};
        unsigned char utf16[4];
        size_t want = 1, got = 0;
        long units;
        unsigned long cp;

        /* Only the lead byte decides how many bytes to try; the codec judges whether they form a
         * character, so that this file does not carry a second UTF-8 decoder. */
        if (s[i] >= 0xF0) {
            want = 4;
        } else if (s[i] >= 0xE0) {
            want = 3;
        } else if (s[i] >= 0xC0) {
            want = 2;
        }
        while (got < want && s[i + got] != '\0') {
            one[got] = (char)s[i + got];
            got++;
        }
        if (text_is_gsm7(one)) {
            i += got;
            continue;
        }
        units = text_utf8_to_utf16be(one, utf16, 2);
        if (units < 0) {
            set_err(err, errcap, "byte %zu is not valid UTF-8", i);
            return;
        }
        cp = ((unsigned long)utf16[0] << 8) | utf16[1];
        if (units == 2) {
            unsigned long low = ((unsigned long)utf16[2] << 8) | utf16[3];
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            set_err(err, errcap, "character U+%04lX at byte %zu is not in the GSM 7-bit alphabet",
                    cp, i);
        } else {
            set_err(err, errcap,
                    "character %s (U+%04lX) at byte %zu is not in the GSM 7-bit alphabet", one, cp,
                    i);
        }
        return;
    }
    set_err(err, errcap, "not GSM 7-bit text");
}

int template_check(const char *tmpl, const struct template_var *vars, size_t nvars, char *err,
                   size_t errcap)
{
    const char *p = tmpl;
    char *literal;
    size_t lpos = 0, var_septets = 0, total;
    bool any_var = false;
    long septets;
    struct tpl_token t;

    if (tmpl == NULL) {
        set_err(err, errcap, "no template");
        return -1;
    }
    /* The literal text can only shrink ("{{" becomes "{", placeholders vanish). */
    literal = malloc(strlen(tmpl) + 1);
    if (literal == NULL) {
        set_err(err, errcap, "out of memory");
        return -1;
    }
    for (; (t = tpl_next(p)).kind != TPL_END; p += t.consumed) {
        size_t at = (size_t)(p - tmpl);

        if (t.kind == TPL_TEXT || t.kind == TPL_BRACE) {
            memcpy(literal + lpos, t.text, t.len);
            lpos += t.len;
        } else if (t.kind == TPL_UNTERMINATED) {
            set_err(err, errcap, "'{' at byte %zu has no closing '}' (write {{ for a literal {)",
                    at);
            free(literal);
            return -1;
        } else if (t.kind == TPL_BADNAME) {
            set_err(err, errcap,
                    "'{%.*s}' at byte %zu is not a placeholder: names are letters, digits and _ "
                    "(write {{ for a literal {)",
                    (int)(t.len > 40 ? 40 : t.len), t.text, at);
            free(literal);
            return -1;
        } else {
            size_t i = 0;
            while (i < nvars && (vars == NULL || !name_is(vars[i].name, t.text, t.len))) {
                i++;
            }
            if (i == nvars || vars == NULL) {
                set_err(err, errcap, "unknown placeholder {%.*s} at byte %zu",
                        (int)(t.len > 40 ? 40 : t.len), t.text, at);
                free(literal);
                return -1;
            }
            /* Saturate rather than wrap, so that an absurd max_len still reads as too long. */
            var_septets =
                vars[i].max_len > SIZE_MAX - var_septets ? SIZE_MAX : var_septets + vars[i].max_len;
            any_var = true;
        }
    }
    literal[lpos] = '\0';
    septets = text_gsm7_septets(literal);
    free(literal);
    if (septets < 0) {
        /* Placeholder names and braces are all GSM 7-bit, so the culprit is in the literal text and
         * can be looked for in the template itself, where its offset means something. */
        explain_not_gsm7(tmpl, err, errcap);
        return -1;
    }
    total = (size_t)septets > SIZE_MAX - var_septets ? SIZE_MAX : (size_t)septets + var_septets;
    if (total > TEMPLATE_SMS_SEPTETS) {
        set_err(err, errcap, "needs %zu of %d characters%s (each of € [ ] { } ^ ~ \\ | counts two)",
                total, TEMPLATE_SMS_SEPTETS,
                any_var ? " with its placeholders at their longest" : "");
        return -1;
    }
    return 0;
}
