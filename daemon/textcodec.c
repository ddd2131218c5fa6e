/*
 * textcodec: UTF-16BE, UTF-8 and GSM 7-bit, written for input that may be hostile.
 *
 * Every decoder writes only valid UTF-8 without NUL, because PostgreSQL refuses anything else and a
 * refused message would block the queue behind it.
 */
#include "textcodec.h"

#include <stdint.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu

/*
 * Appends one code point as UTF-8 at out[*pos], keeping one byte free for the terminating NUL.
 * Returns false, writing nothing, when the buffer is too small.
 */
static bool put_utf8(char *out, size_t outcap, size_t *pos, uint32_t cp)
{
    unsigned char buf[4];
    size_t n;

    if (cp < 0x80) {
        buf[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        buf[0] = (unsigned char)(0xC0 | (cp >> 6));
        buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        buf[0] = (unsigned char)(0xE0 | (cp >> 12));
        buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        buf[0] = (unsigned char)(0xF0 | (cp >> 18));
        buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    /* The comparison is written as a subtraction so that it cannot overflow. */
    if (outcap - *pos <= n) {
        return false;
    }
    memcpy(out + *pos, buf, n);
    *pos += n;
    return true;
}

/*
 * Appends cp as put_utf8 does, as U+FFFD where PostgreSQL would refuse it (NUL, or a surrogate
 * that had no partner). When the buffer is full it ends the text written so far with a NUL.
 */
static bool put_storable(char *out, size_t outcap, size_t *pos, uint32_t cp)
{
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) {
        cp = REPLACEMENT;
    }
    if (!put_utf8(out, outcap, pos, cp)) {
        out[*pos] = '\0';
        return false;
    }
    return true;
}

/*
 * Well-formed UTF-8 by lead byte, as in Unicode's table of well-formed byte sequences: how many
 * continuation bytes follow, and the range the first of them must be in (the others are always
 * 80..BF). A byte that leads no row is ill-formed on its own: a stray continuation byte, C0/C1
 * (always overlong) or F5..FF (always too large).
 */
static const struct utf8_form {
    unsigned char first_lead, last_lead;
    int continuations;
    unsigned char second_lo, second_hi;
} utf8_forms[] = {
    {0xC2, 0xDF, 1, 0x80, 0xBF},
    {0xE0, 0xE0, 2, 0xA0, 0xBF}, /* a lower second byte would make an overlong form */
    {0xE1, 0xEC, 2, 0x80, 0xBF},
    {0xED, 0xED, 2, 0x80, 0x9F}, /* a higher one would encode a surrogate, D800..DFFF */
    {0xEE, 0xEF, 2, 0x80, 0xBF},
    {0xF0, 0xF0, 3, 0x90, 0xBF}, /* a lower one would make an overlong form */
    {0xF1, 0xF3, 3, 0x80, 0xBF},
    {0xF4, 0xF4, 3, 0x80, 0x8F}, /* a higher one would go above U+10FFFF */
};

static const struct utf8_form *utf8_form_of(unsigned char lead)
{
    for (size_t i = 0; i < sizeof utf8_forms / sizeof utf8_forms[0]; i++) {
        if (lead >= utf8_forms[i].first_lead && lead <= utf8_forms[i].last_lead) {
            return &utf8_forms[i];
        }
    }
    return NULL;
}

/*
 * Decodes the UTF-8 sequence at s (len bytes available). On a well-formed sequence it returns the
 * number of bytes used and stores the code point. On an ill-formed one it returns minus the length
 * of the maximal subpart (the longest prefix that could still have begun a valid sequence, at least
 * one byte), so that a caller replaces exactly that with one U+FFFD, as Unicode recommends.
 * Overlong forms, encoded surrogates and values above U+10FFFF are ill-formed by these ranges.
 */
static int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    const struct utf8_form *form;
    unsigned char lo, hi;
    uint32_t v;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    form = utf8_form_of(s[0]);
    if (form == NULL) {
        return -1;
    }
    lo = form->second_lo;
    hi = form->second_hi;
    /* The lead byte carries 5, 4 or 3 bits of the code point, after its length marker. */
    v = s[0] & (0x3Fu >> form->continuations);
    for (int i = 1; i <= form->continuations; i++) {
        if ((size_t)i >= len || s[i] < lo || s[i] > hi) {
            return -i;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
        /* Only the second byte has a narrowed range. */
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = v;
    return form->continuations + 1;
}

/*
 * Decodes the code point at byte *i of s (len bytes) and moves *i past it. Returns false, moving
 * nothing, at an ill-formed sequence: for the callers that refuse such text rather than repair it.
 */
static bool next_well_formed(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
    int n = utf8_decode(s + *i, len - *i, cp);

    if (n < 0) {
        return false;
    }
    *i += (size_t)n;
    return true;
}

long text_utf16be_to_utf8(const unsigned char *in, size_t nunits, char *out, size_t outcap)
{
    size_t pos = 0;

    if (out == NULL || outcap == 0 || (in == NULL && nunits > 0)) {
        return -1;
    }
    for (size_t i = 0; i < nunits; i++) {
        uint32_t u = ((uint32_t)in[2 * i] << 8) | in[2 * i + 1];
        uint32_t cp = u;

        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < nunits) {
            uint32_t next = ((uint32_t)in[2 * i + 2] << 8) | in[2 * i + 3];
            if (next >= 0xDC00 && next <= 0xDFFF) {
                cp = 0x10000 + ((u - 0xD800) << 10) + (next - 0xDC00);
                i++;
            }
        }
        /* A surrogate still here had no partner; NUL would cut the text short in C and SQL. */
        if (!put_storable(out, outcap, &pos, cp)) {
            return -1;
        }
    }
    out[pos] = '\0';
    return (long)pos;
}

long text_sanitize_utf8(const unsigned char *in, size_t len, char *out, size_t outcap)
{
    size_t pos = 0;
    size_t i = 0;

    if (out == NULL || outcap == 0 || (in == NULL && len > 0)) {
        return -1;
    }
    while (i < len) {
        uint32_t cp = REPLACEMENT;
        int n = utf8_decode(in + i, len - i, &cp);

        if (n < 0) {
            cp = REPLACEMENT;
            i += (size_t)-n;
        } else {
            i += (size_t)n;
        }
        if (!put_storable(out, outcap, &pos, cp)) {
            return -1;
        }
    }
    out[pos] = '\0';
    return (long)pos;
}

long text_utf8_to_utf16be(const char *in, unsigned char *out, size_t outunits)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t len, i = 0, units = 0;

    if (in == NULL) {
        return -1;
    }
    len = strlen(in);
    while (i < len) {
        uint32_t cp;

        if (!next_well_formed(s, len, &i, &cp)) {
            return -1;
        }
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            uint32_t high = 0xD800 + (v >> 10), low = 0xDC00 + (v & 0x3FF);
            if (outunits - units < 2 || out == NULL) {
                return -1;
            }
            out[2 * units] = (unsigned char)(high >> 8);
            out[2 * units + 1] = (unsigned char)(high & 0xFF);
            out[2 * units + 2] = (unsigned char)(low >> 8);
            out[2 * units + 3] = (unsigned char)(low & 0xFF);
            units += 2;
        } else {
            if (outunits - units < 1 || out == NULL) {
                return -1;
            }
            out[2 * units] = (unsigned char)(cp >> 8);
            out[2 * units + 1] = (unsigned char)(cp & 0xFF);
            units++;
        }
    }
    return (long)units;
}

/* Septet value of the escape to the extension table; it stands for no character of its own. */
#define GSM7_ESC 0x1B

/*
 * The GSM 03.38 default alphabet, indexed by septet value. The escape's slot holds a zero that
 * text_gsm7_code never compares, so that no code point (not even U+0000) can match it.
 */
static const uint16_t gsm7_default[128] = {
    0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, /* @ £ $ ¥ è é ù ì */
    0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5, /* ò Ç LF Ø ø CR Å å */
    0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, /* Δ _ Φ Γ Λ Ω Π Ψ */
    0x03A3, 0x0398, 0x039E, 0x0000, 0x00C6, 0x00E6, 0x00DF, 0x00C9, /* Σ Θ Ξ ESC Æ æ ß É */
    0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, /* space ! " # ¤ % & ' */
    0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F, /* ( ) * + , - . / */
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, /* 0 .. 7 */
    0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F, /* 8 9 : ; < = > ? */
    0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, /* ¡ A .. G */
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, /* H .. O */
    0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, /* P .. W */
    0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7, /* X Y Z Ä Ö Ñ Ü § */
    0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, /* ¿ a .. g */
    0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F, /* h .. o */
    0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, /* p .. w */
    0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0, /* x y z ä ö ñ ü à */
};

/*
 * The extension table (3GPP TS 23.038 6.2.1.1): each character is sent as ESC plus its code. Form
 * feed is listed because the standard defines it (as a page break), even though replies never
 * use it.
 */
static const struct {
    unsigned char code;
    uint16_t cp;
} gsm7_extension[] = {
    {0x0A, 0x000C}, {0x14, 0x005E}, {0x28, 0x007B}, {0x29, 0x007D}, {0x2F, 0x005C},
    {0x3C, 0x005B}, {0x3D, 0x007E}, {0x3E, 0x005D}, {0x40, 0x007C}, {0x65, 0x20AC},
};
#define GSM7_EXTENSIONS (sizeof gsm7_extension / sizeof gsm7_extension[0])

int text_gsm7_code(uint32_t cp, unsigned char septets[2])
{
    /* Most of ASCII sits at its own value in the default alphabet, and the table maps each
     * character from one septet only: the common case needs no search. */
    if (cp < 0x80 && cp != GSM7_ESC && gsm7_default[cp] == cp) {
        septets[0] = (unsigned char)cp;
        return 1;
    }
    for (size_t i = 0; i < sizeof gsm7_default / sizeof gsm7_default[0]; i++) {
        if (i != GSM7_ESC && gsm7_default[i] == cp) {
            septets[0] = (unsigned char)i;
            return 1;
        }
    }
    for (size_t i = 0; i < GSM7_EXTENSIONS; i++) {
        if (gsm7_extension[i].cp == cp) {
            septets[0] = GSM7_ESC;
            septets[1] = gsm7_extension[i].code;
            return 2;
        }
    }
    return 0;
}

/* The character ESC followed by code stands for, or 0 when the extension table has none. */
static uint32_t gsm7_extension_of(unsigned char code)
{
    for (size_t i = 0; i < GSM7_EXTENSIONS; i++) {
        if (gsm7_extension[i].code == code) {
            return gsm7_extension[i].cp;
        }
    }
    return 0;
}

/*
 * The character of the septets at s[*i] (n in all), moving *i past them, as 3GPP TS 23.038
 * 6.2.1.1 tells a receiver to show them: ESC and a code of the extension table, that character;
 * ESC ESC (reserved for another extension table), a space; ESC and any other code, the default
 * alphabet's character for the code, the ESC dropped. An ESC with nothing after it stands for a
 * character that did not arrive, and a value above 0x7F is no septet at all: U+FFFD for both.
 */
static uint32_t gsm7_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[(*i)++];
    if (c > 0x7F) {
        return REPLACEMENT;
    }
    if (c != GSM7_ESC) {
        return gsm7_default[c];
    }
    if (*i >= n || s[*i] > 0x7F) {
        return REPLACEMENT;
    }
    unsigned char code = s[(*i)++];
    if (code == GSM7_ESC) {
        return 0x0020;
    }
    uint32_t ext = gsm7_extension_of(code);
    return ext != 0 ? ext : gsm7_default[code];
}

long text_gsm7_to_utf8(const unsigned char *septets, size_t n, char *out, size_t outcap)
{
    size_t pos = 0, i = 0;

    if (out == NULL || outcap == 0 || (septets == NULL && n > 0)) {
        return -1;
    }
    while (i < n) {
        if (!put_storable(out, outcap, &pos, gsm7_next(septets, n, &i))) {
            return -1;
        }
    }
    out[pos] = '\0';
    return (long)pos;
}

/* Septets one code point takes in GSM 7-bit, or 0 when it cannot be sent that way. */
static int gsm7_cost(uint32_t cp)
{
    unsigned char septets[2];
    return text_gsm7_code(cp, septets);
}

long text_gsm7_septets(const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len, i = 0;
    long septets = 0;

    if (utf8 == NULL) {
        return -1;
    }
    len = strlen(utf8);
    while (i < len) {
        uint32_t cp;
        int cost;

        if (!next_well_formed(s, len, &i, &cp)) {
            return -1;
        }
        cost = gsm7_cost(cp);
        if (cost == 0) {
            return -1;
        }
        septets += cost;
    }
    return septets;
}

bool text_is_gsm7(const char *utf8)
{
    return text_gsm7_septets(utf8) >= 0;
}

size_t text_codepoints(const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len, i = 0, count = 0;

    if (utf8 == NULL) {
        return 0;
    }
    len = strlen(utf8);
    /* Ill-formed input is counted the way text_sanitize_utf8 would render it, one U+FFFD for each
     * maximal subpart, so the count never runs past the end or disagrees with the stored text. */
    while (i < len) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        i += (size_t)(n < 0 ? -n : n);
        count++;
    }
    return count;
}
