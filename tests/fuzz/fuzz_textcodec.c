/*
 * libFuzzer target for textcodec. The module promises that whatever a modem hands it, what comes
 * out is valid UTF-8 without NUL, because PostgreSQL refuses anything else. This target checks that
 * promise with a validator of its own, and checks that sanitized text survives a trip through
 * UTF-16BE unchanged, since replies and stored messages make that trip. Broken properties abort().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textcodec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond)
{
    if (!cond) {
        abort();
    }
}

/*
 * Counts the code points of s (len bytes) if it is valid UTF-8 without NUL, else returns -1.
 * Written independently of textcodec.c, from the table in RFC 3629 section 4, so that a shared
 * mistake cannot hide itself.
 */
static long utf8_strict_count(const unsigned char *s, size_t len)
{
    size_t i = 0;
    long count = 0;

    while (i < len) {
        unsigned char b = s[i];
        size_t n;
        uint32_t cp;

        if (b == 0) {
            return -1;
        } else if (b < 0x80) {
            n = 1;
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            n = 2;
            cp = b & 0x1Fu;
        } else if ((b & 0xF0) == 0xE0) {
            n = 3;
            cp = b & 0x0Fu;
        } else if ((b & 0xF8) == 0xF0) {
            n = 4;
            cp = b & 0x07u;
        } else {
            return -1;
        }
        if (len - i < n) {
            return -1;
        }
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return -1;
            }
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        /* The shortest form only, no surrogates, nothing beyond the last plane. */
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            return -1;
        }
        i += n;
        count++;
    }
    return count;
}

/* The properties every decoder output must have: a length that matches, UTF-8, no NUL. */
static void check_output(long rc, const char *out, size_t outcap)
{
    check(rc >= 0);
    check((size_t)rc < outcap);
    check(strlen(out) == (size_t)rc);
    check(utf8_strict_count((const unsigned char *)out, (size_t)rc) >= 0);
}

/* Sanitized text must go to UTF-16BE and back without changing. */
static void check_round_trip(const char *text, size_t len)
{
    /* No code point takes more UTF-16 units than UTF-8 bytes. */
    size_t units_cap = len > 0 ? len : 1;
    unsigned char *utf16 = malloc(2 * units_cap);
    char *back = malloc(TEXT_UTF8_CAP(units_cap));
    long units, rc;

    check(utf16 != NULL && back != NULL);
    units = text_utf8_to_utf16be(text, utf16, units_cap);
    check(units >= 0 && (size_t)units <= len);
    rc = text_utf16be_to_utf8(utf16, (size_t)units, back, TEXT_UTF8_CAP(units));
    check_output(rc, back, TEXT_UTF8_CAP(units));
    check((size_t)rc == len && memcmp(back, text, len) == 0);
    /* One unit less room than the text needs is refused rather than cut. */
    if (units > 0) {
        check(text_utf8_to_utf16be(text, utf16, (size_t)units - 1) == -1);
    }
    free(utf16);
    free(back);
}

/* The septet count agrees with the code points: one or two septets each, or not GSM at all. */
static void check_gsm7(const char *text, long codepoints)
{
    long septets = text_gsm7_septets(text);

    check(septets >= -1);
    check(text_is_gsm7(text) == (septets >= 0));
    check(text_codepoints(text) == (size_t)codepoints);
    if (septets >= 0) {
        check(septets >= codepoints && septets <= 2 * codepoints);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = TEXT_UTF8_CAP(size);
    char *out = malloc(cap);
    char *again = malloc(cap);
    char *raw = malloc(size + 1);
    long rc, rc2, cps;

    check(out != NULL && again != NULL && raw != NULL);

    /* The input as UTF-16BE user data; an odd trailing byte is not a unit and is left out. */
    rc = text_utf16be_to_utf8(data, size / 2, out, TEXT_UTF8_CAP(size / 2));
    check_output(rc, out, TEXT_UTF8_CAP(size / 2));
    cps = utf8_strict_count((const unsigned char *)out, (size_t)rc);
    check(cps <= (long)(size / 2));
    check_round_trip(out, (size_t)rc);
    check_gsm7(out, cps);
    /* Exactly the room the output needs, NUL included, is enough; a byte less is refused. */
    check(text_utf16be_to_utf8(data, size / 2, again, (size_t)rc + 1) == rc);
    check(memcmp(again, out, (size_t)rc + 1) == 0);
    check(text_utf16be_to_utf8(data, size / 2, again, (size_t)rc) == -1);
    check(memchr(again, '\0', (size_t)(rc > 0 ? rc : 1)) != NULL);

    /* The input as bytes of supposed UTF-8, for instance an 8-bit message or a database value. */
    rc = text_sanitize_utf8(data, size, out, cap);
    check_output(rc, out, cap);
    cps = utf8_strict_count((const unsigned char *)out, (size_t)rc);
    /* Text that was already valid and free of NUL is left exactly as it was. */
    if (utf8_strict_count(data, size) >= 0) {
        check((size_t)rc == size && memcmp(out, data, size) == 0);
    }
    /* Sanitizing twice changes nothing more. */
    rc2 = text_sanitize_utf8((const unsigned char *)out, (size_t)rc, again, cap);
    check(rc2 == rc && memcmp(again, out, (size_t)rc) == 0);
    check(text_sanitize_utf8(data, size, again, (size_t)rc + 1) == rc);
    check(text_sanitize_utf8(data, size, again, (size_t)rc) == -1);
    check_round_trip(out, (size_t)rc);
    check_gsm7(out, cps);

    /* The GSM functions also meet unsanitized strings; they must judge them without overreading. */
    memcpy(raw, data, size);
    raw[size] = '\0';
    (void)text_gsm7_septets(raw);
    (void)text_codepoints(raw);
    if (utf8_strict_count((const unsigned char *)raw, strlen(raw)) < 0) {
        check(text_gsm7_septets(raw) == -1);
        check(text_utf8_to_utf16be(raw, NULL, 0) == -1);
    }

    free(out);
    free(again);
    free(raw);
    return 0;
}
