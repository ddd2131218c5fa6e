/*
 * Unit tests for textcodec. Conversions are checked against tables of exact bytes; GSM 7-bit
 * membership against tests/data/gsm7.tsv, which is swept over every Unicode code point so that a
 * character missing from (or wrongly added to) the alphabet cannot hide.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textcodec.h"

#define FFFD "\xEF\xBF\xBD"

/* The test's own UTF-8 encoder, kept apart from the one under test so that they check each other.
 */
static size_t encode_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        out[1] = '\0';
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        out[2] = '\0';
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        out[3] = '\0';
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    out[4] = '\0';
    return 4;
}

/* Turns "D83D DE21" into bytes; spaces are only for the reader. Returns the byte count. */
static size_t from_hex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = 0;

    while (*hex != '\0') {
        unsigned int byte = 0;
        if (*hex == ' ') {
            hex++;
            continue;
        }
        if (n == cap || sscanf(hex, "%2x", &byte) != 1) {
            fail_msg("bad hex in test table: %s", hex);
        }
        out[n++] = (unsigned char)byte;
        hex += 2;
    }
    return n;
}

static void test_utf16_to_utf8(void **state)
{
    static const struct {
        const char *hex; /* UTF-16BE input */
        const char *utf8;
    } cases[] = {
        {"", ""},
        {"0048 0069", "Hi"},
        {"004C 0061 0070 006F 0072", "Lapor"},
        {"00E9", "\xC3\xA9"},
        {"20AC", "\xE2\x82\xAC"},
        {"007F 0080", "\x7F\xC2\x80"},
        {"07FF 0800", "\xDF\xBF\xE0\xA0\x80"},
        {"FFFF", "\xEF\xBF\xBF"},
        /* Emoji arrive as surrogate pairs (GAMMU.md: D83DDE21). */
        {"D83D DE21", "\xF0\x9F\x98\xA1"},
        {"0041 D83D DE00 0042", "A\xF0\x9F\x98\x80"
                                "B"},
        {"D800 DC00", "\xF0\x90\x80\x80"},
        {"DBFF DFFF", "\xF4\x8F\xBF\xBF"},
        /* Lone surrogates: a high one at the end, before a non-surrogate, before another high one;
         * a low one alone, first, and in the wrong order. */
        {"D83D", FFFD},
        {"0041 D83D", "A" FFFD},
        {"D83D 0041", FFFD "A"},
        {"D83D D83D DE21", FFFD "\xF0\x9F\x98\xA1"},
        {"DE21", FFFD},
        {"DE21 0041", FFFD "A"},
        {"DE21 D83D", FFFD FFFD},
        {"DC00 DC00 DC00", FFFD FFFD FFFD},
        /* U+0000 would cut the text short. */
        {"0000", FFFD},
        {"0041 0000 0042", "A" FFFD "B"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char in[64];
        char out[TEXT_UTF8_CAP(32)];
        size_t bytes = from_hex(cases[i].hex, in, sizeof in);
        long n = text_utf16be_to_utf8(in, bytes / 2, out, sizeof out);

        if (n < 0 || strcmp(out, cases[i].utf8) != 0 || (size_t)n != strlen(cases[i].utf8)) {
            fail_msg("case %zu (%s): got %ld bytes", i, cases[i].hex, n);
        }
    }
}

static void test_utf16_capacity(void **state)
{
    /* Four lone surrogates: the worst case, three bytes of output for each unit. */
    static const unsigned char lone[] = {0xDC, 0x00, 0xDC, 0x00, 0xDC, 0x00, 0xDC, 0x00};
    static const unsigned char emoji[] = {0xD8, 0x3D, 0xDE, 0x21};
    char out[TEXT_UTF8_CAP(4)];

    (void)state;
    assert_int_equal(text_utf16be_to_utf8(lone, 4, out, TEXT_UTF8_CAP(4)), 12);
    assert_string_equal(out, FFFD FFFD FFFD FFFD);
    assert_int_equal(text_utf16be_to_utf8(lone, 4, out, TEXT_UTF8_CAP(4) - 1), -1);
    /* A surrogate pair needs 4 bytes plus the NUL, never more. */
    assert_int_equal(text_utf16be_to_utf8(emoji, 2, out, 5), 4);
    assert_int_equal(text_utf16be_to_utf8(emoji, 2, out, 4), -1);
    assert_int_equal(text_utf16be_to_utf8(emoji, 0, out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_utf16be_to_utf8(emoji, 0, out, 0), -1);
}

static void test_sanitize(void **state)
{
    static const struct {
        const char *in;
        size_t len; /* 0 means strlen(in) */
        const char *want;
    } cases[] = {
        {"", 0, ""},
        {"hello", 0, "hello"},
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 0,
         "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
        {"\xF4\x8F\xBF\xBF", 0, "\xF4\x8F\xBF\xBF"}, /* U+10FFFF, the last code point */
        {"\xEF\xBF\xBD", 0, FFFD},                   /* an existing U+FFFD stays one */
        /* NUL, alone and inside text. */
        {"\0", 1, FFFD},
        {"a\0b", 3, "a" FFFD "b"},
        /* Overlong forms of '/' in two, three and four bytes: C0, and E0/F0 followed by a byte
         * below their allowed range, can start nothing, so each byte is replaced on its own. */
        {"\xC0\xAF", 0, FFFD FFFD},
        {"\xC1\xBF", 0, FFFD FFFD},
        {"\xE0\x80\xAF", 0, FFFD FFFD FFFD},
        {"\xF0\x80\x80\xAF", 0, FFFD FFFD FFFD FFFD},
        {"\xC0\x80", 0, FFFD FFFD}, /* the "modified UTF-8" NUL */
        /* Surrogates encoded in UTF-8 (CESU-8 style). */
        {"\xED\xA0\x80", 0, FFFD FFFD FFFD},
        {"\xED\xA0\xBD\xED\xB8\xA1", 0, FFFD FFFD FFFD FFFD FFFD FFFD},
        {"\xED\x9F\xBF", 0, "\xED\x9F\xBF"}, /* U+D7FF, just below the surrogates, is fine */
        /* Above U+10FFFF. */
        {"\xF4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD},
        {"\xF5\x80\x80\x80", 0, FFFD FFFD FFFD FFFD},
        {"\xF8\x88\x80\x80\x80", 0, FFFD FFFD FFFD FFFD FFFD},
        {"\xFE\xFF", 0, FFFD FFFD},
        /* Truncated sequences: one U+FFFD for the whole valid prefix. */
        {"\xC3", 0, FFFD},
        {"\xC3 ", 0, FFFD " "},
        {"\xE2\x82", 0, FFFD},
        {"\xE2\x82"
         "A",
         0, FFFD "A"},
        {"\xF0\x9F\x98", 0, FFFD},
        {"\xF0\x9F\x98"
         "ok",
         0, FFFD "ok"},
        {"ab\xF0\x9F", 0, "ab" FFFD},
        {"\xE2\x82\xE2\x82\xAC", 0, FFFD "\xE2\x82\xAC"},
        /* Stray continuation bytes and Latin-1 text mistaken for UTF-8. */
        {"\x80", 0, FFFD},
        {"\x80\xBF\x80", 0, FFFD FFFD FFFD},
        {"a\xFF"
         "b",
         0, "a" FFFD "b"},
        {"Jl. Merdeka \xE9 \xA3", 0, "Jl. Merdeka " FFFD " " FFFD},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        char out[TEXT_UTF8_CAP(16)];
        long n = text_sanitize_utf8((const unsigned char *)cases[i].in, len, out, sizeof out);

        if (n < 0 || strcmp(out, cases[i].want) != 0 || (size_t)n != strlen(cases[i].want)) {
            fail_msg("sanitize case %zu: got %ld bytes", i, n);
        }
    }
}

static void test_sanitize_capacity(void **state)
{
    static const unsigned char bad[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    char out[TEXT_UTF8_CAP(5)];

    (void)state;
    assert_int_equal(text_sanitize_utf8(bad, 5, out, TEXT_UTF8_CAP(5)), 15);
    assert_int_equal(text_sanitize_utf8(bad, 5, out, TEXT_UTF8_CAP(5) - 1), -1);
    assert_int_equal(text_sanitize_utf8(bad, 0, out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_sanitize_utf8(bad, 0, out, 0), -1);
}

/*
 * Every output of the sanitiser must be what PostgreSQL accepts: NUL-free, and valid UTF-8, which
 * the strict UTF-8 to UTF-16 encoder checks. Sanitising it again must change nothing. Swept over
 * all two-byte inputs and all three-byte inputs that start with a multi-byte lead.
 */
static void check_sanitized(const unsigned char *in, size_t len)
{
    char out[TEXT_UTF8_CAP(3)], again[TEXT_UTF8_CAP(9)];
    unsigned char utf16[16];
    long n = text_sanitize_utf8(in, len, out, sizeof out);
    long m;

    if (n < 0 || (size_t)n != strlen(out)) {
        fail_msg("sanitize %02X %02X %02X: length %ld", in[0], in[1], len > 2 ? in[2] : 0, n);
    }
    if (text_utf8_to_utf16be(out, utf16, 8) < 0) {
        fail_msg("sanitize %02X %02X %02X: output is not valid UTF-8", in[0], in[1],
                 len > 2 ? in[2] : 0);
    }
    m = text_sanitize_utf8((const unsigned char *)out, (size_t)n, again, sizeof again);
    if (m != n || memcmp(out, again, (size_t)n) != 0) {
        fail_msg("sanitize %02X %02X %02X: not idempotent", in[0], in[1], len > 2 ? in[2] : 0);
    }
}

static void test_sanitize_exhaustive(void **state)
{
    unsigned char in[3];

    (void)state;
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            in[0] = (unsigned char)a;
            in[1] = (unsigned char)b;
            check_sanitized(in, 2);
            if (a >= 0xC0) {
                for (unsigned c = 0; c < 256; c++) {
                    in[2] = (unsigned char)c;
                    check_sanitized(in, 3);
                }
            }
        }
    }
}

/* Every valid scalar value survives the sanitiser unchanged, except U+0000. */
static void test_sanitize_keeps_valid(void **state)
{
    (void)state;
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        char in[5], out[TEXT_UTF8_CAP(4)];
        size_t len;

        if (cp >= 0xD800 && cp <= 0xDFFF) {
            continue;
        }
        len = encode_utf8(cp, in);
        if (text_sanitize_utf8((const unsigned char *)in, len, out, sizeof out) != (long)len ||
            memcmp(in, out, len + 1) != 0) {
            fail_msg("U+%04lX was changed by the sanitiser", (unsigned long)cp);
        }
    }
}

static void test_utf8_to_utf16(void **state)
{
    static const struct {
        const char *utf8;
        long units; /* -1: refused as invalid */
        const char *hex;
    } cases[] = {
        {"", 0, ""},
        {"Hi", 2, "0048 0069"},
        {"\xC3\xA9\xE2\x82\xAC", 2, "00E9 20AC"},
        {"\xF0\x9F\x98\xA1", 2, "D83D DE21"},
        {"a\xF0\x9F\x91\x8D"
         "b",
         4, "0061 D83D DC4D 0062"},
        {"\xF4\x8F\xBF\xBF", 2, "DBFF DFFF"},
        {"\xF0\x90\x80\x80", 2, "D800 DC00"},
        {"\xEF\xBF\xBF", 1, "FFFF"},
        {"\xC3", -1, ""},
        {"\xC0\xAF", -1, ""},
        {"\xE0\x80\xAF", -1, ""},
        {"\xED\xA0\x80", -1, ""},
        {"\xF4\x90\x80\x80", -1, ""},
        {"ok\xFF", -1, ""},
        {"\xF0\x9F\x98", -1, ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char out[32], want[32];
        long n = text_utf8_to_utf16be(cases[i].utf8, out, 16);
        size_t wantlen = from_hex(cases[i].hex, want, sizeof want);

        if (n != cases[i].units) {
            fail_msg("utf8_to_utf16 case %zu: %ld units, expected %ld", i, n, cases[i].units);
        }
        if (n > 0) {
            assert_int_equal((size_t)n * 2, wantlen);
            assert_memory_equal(out, want, wantlen);
        }
    }
}

static void test_utf8_to_utf16_capacity(void **state)
{
    unsigned char out[8];

    (void)state;
    assert_int_equal(text_utf8_to_utf16be("Hi", out, 2), 2);
    assert_int_equal(text_utf8_to_utf16be("Hi", out, 1), -1);
    /* A surrogate pair is never split across the end of the buffer. */
    assert_int_equal(text_utf8_to_utf16be("a\xF0\x9F\x98\xA1", out, 3), 3);
    assert_int_equal(text_utf8_to_utf16be("a\xF0\x9F\x98\xA1", out, 2), -1);
    assert_int_equal(text_utf8_to_utf16be("", out, 0), 0);
    assert_int_equal(text_utf8_to_utf16be(NULL, out, 4), -1);
}

/* UTF-16 to UTF-8 and back gives the same units for every code point that needs no replacing. */
static void test_round_trip(void **state)
{
    (void)state;
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp += (cp < 0x3000 ? 1 : 97)) {
        unsigned char units[4], back[4];
        char utf8[TEXT_UTF8_CAP(2)];
        size_t n;

        if (cp >= 0xD800 && cp <= 0xDFFF) {
            continue;
        }
        if (cp < 0x10000) {
            units[0] = (unsigned char)(cp >> 8);
            units[1] = (unsigned char)cp;
            n = 1;
        } else {
            uint32_t v = cp - 0x10000;
            units[0] = (unsigned char)((0xD800 + (v >> 10)) >> 8);
            units[1] = (unsigned char)(0xD800 + (v >> 10));
            units[2] = (unsigned char)((0xDC00 + (v & 0x3FF)) >> 8);
            units[3] = (unsigned char)(0xDC00 + (v & 0x3FF));
            n = 2;
        }
        if (text_utf16be_to_utf8(units, n, utf8, sizeof utf8) < 0 ||
            text_utf8_to_utf16be(utf8, back, 2) != (long)n || memcmp(units, back, 2 * n) != 0) {
            fail_msg("U+%04lX does not survive UTF-16 -> UTF-8 -> UTF-16", (unsigned long)cp);
        }
    }
}

/*
 * Reads tests/data/gsm7.tsv into a table of septets by code point (0 for absent ones), then checks
 * every code point, so that characters the file does not mention are checked to be refused too.
 */
static void test_gsm7_table(void **state)
{
    static unsigned char cost[0x110000];
    char path[1024], line[256];
    int lineno = 0, ones = 0, twos = 0, zeros = 0;
    FILE *f;

    (void)state;
    memset(cost, 0, sizeof cost);
    snprintf(path, sizeof path, "%s/gsm7.tsv", TEST_DATA_DIR);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long cp;
        int septets;

        lineno++;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        if (sscanf(line, "U+%lX\t%d", &cp, &septets) != 2 || cp > 0x10FFFF || septets < 0 ||
            septets > 2) {
            fail_msg("gsm7.tsv line %d is malformed", lineno);
        }
        cost[cp] = (unsigned char)septets;
        ones += septets == 1;
        twos += septets == 2;
        zeros += septets == 0;
    }
    fclose(f);
    /* 128 septet values less the escape, and the ten characters of the extension table. */
    assert_int_equal(ones, 127);
    assert_int_equal(twos, 10);
    assert_true(zeros >= 20);

    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        char s[5];
        long want = cost[cp] ? cost[cp] : -1;

        if (cp >= 0xD800 && cp <= 0xDFFF) {
            continue;
        }
        encode_utf8(cp, s);
        if (text_gsm7_septets(s) != want || text_is_gsm7(s) != (want > 0)) {
            fail_msg("U+%04lX: %ld septets, expected %ld", (unsigned long)cp, text_gsm7_septets(s),
                     want);
        }
    }
}

/*
 * Decoding septets: every character of the alphabet and the extension table comes back from its
 * own septets, and the escapes read as 3GPP TS 23.038 6.2.1.1 says a receiver shows them.
 */
static void test_gsm7_decode(void **state)
{
    (void)state;
    for (uint32_t cp = 1; cp < 0x2100; cp++) {
        unsigned char septets[2];
        char want[5], got[16];
        int n = text_gsm7_code(cp, septets);
        if (n == 0) {
            continue;
        }
        encode_utf8(cp, want);
        if (text_gsm7_to_utf8(septets, (size_t)n, got, sizeof got) < 0 || strcmp(got, want) != 0) {
            fail_msg("U+%04lX does not survive GSM 7-bit and back", (unsigned long)cp);
        }
    }
    static const struct {
        const char *name;
        unsigned char septets[8];
        size_t n;
        const char *text;
    } cases[] = {
        {"euro", {0x1B, 0x65}, 2, "\xE2\x82\xAC"},
        {"tilde and braces", {0x1B, 0x3D, 0x1B, 0x28, 0x1B, 0x29}, 6, "~{}"},
        /* A code the extension table lacks: the default alphabet's character, no ESC. */
        {"ESC A", {0x61, 0x1B, 0x41, 0x62}, 4, "aAb"},
        {"ESC @", {0x1B, 0x00}, 2, "@"},
        {"ESC LF is form feed", {0x1B, 0x0A}, 2, "\f"},
        {"ESC d", {0x1B, 0x64}, 2, "d"},
        /* ESC ESC is reserved for another extension table: a space, then what follows. */
        {"ESC ESC (", {0x1B, 0x1B, 0x28}, 3, " ("},
        /* An ESC with nothing after it stands for a character that never arrived. */
        {"ESC at the end", {0x61, 0x1B}, 2, "a\xEF\xBF\xBD"},
        {"not a septet",
         {0x61, 0x80, 0x1B, 0xFF, 0x62},
         5,
         "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
         "b"},
        {"@ is no terminator", {0x00, 0x00}, 2, "@@"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[64];
        if (text_gsm7_to_utf8(cases[i].septets, cases[i].n, got, sizeof got) < 0 ||
            strcmp(got, cases[i].text) != 0) {
            fail_msg("%s: got '%s', expected '%s'", cases[i].name, got, cases[i].text);
        }
    }
    char small[3];
    static const unsigned char euro[] = {0x1B, 0x65};
    assert_int_equal(text_gsm7_to_utf8(euro, 2, small, sizeof small), -1);
}

static void test_gsm7_strings(void **state)
{
    static const struct {
        const char *text;
        long septets; /* -1: not GSM 7-bit */
    } cases[] = {
        {"", 0},
        {"LAPOR! Terima kasih, laporan Anda diterima.", 43},
        {"Jl. Sudirman No. 5, RT 03/RW 07 @ 08:00?", 40},
        {"Baris satu\nBaris dua\r\n", 22},
        {"Harga 10\xE2\x82\xAC", 10}, /* € counts two */
        {"[a] {b} ^ ~ \\ |", 23},     /* 15 characters, 8 of them escapes */
        {"\xC2\xA3\xC2\xA5\xC3\xA8\xC3\xA9\xC3\xB9\xC3\xAC\xC3\xB2\xC3\x87", 8}, /* £¥èéùìòÇ */
        {"\xCE\x94_\xCE\xA6\xCE\x93\xCE\x9B\xCE\xA9\xCE\xA0\xCE\xA8\xCE\xA3\xCE\x98\xCE\x9E",
         11}, /* Δ_ΦΓΛΩΠΨΣΘΞ */
        {"\xC3\x86\xC3\xA6\xC3\x9F\xC3\x89\xC2\xA4\xC2\xA1\xC3\x84\xC3\x96\xC3\x91\xC3\x9C\xC2\xA7"
         "\xC2\xBF\xC3\xA4\xC3\xB6\xC3\xB1\xC3\xBC\xC3\xA0\xC3\x98\xC3\xB8\xC3\x85\xC3\xA5",
         21}, /* ÆæßÉ¤¡ÄÖÑÜ§¿äöñüàØøÅå */
        {"Pak `RT`", -1},
        {"\xE2\x80\x9CJalan rusak\xE2\x80\x9D", -1}, /* curly double quotes */
        {"Jalan \xE2\x80\x98rusak\xE2\x80\x99", -1}, /* curly single quotes */
        {"Senin \xE2\x80\x93 Jumat", -1},            /* en dash */
        {"Terima kasih \xF0\x9F\x99\x8F", -1},       /* an emoji */
        {"a\tb", -1},
        {"\xC3\xA7", -1}, /* ç: only the capital Ç is in the alphabet */
        {"ok\xC3", -1},   /* truncated UTF-8 is not text at all */
        {"\xC0\xAF", -1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long n = text_gsm7_septets(cases[i].text);
        if (n != cases[i].septets || text_is_gsm7(cases[i].text) != (cases[i].septets >= 0)) {
            fail_msg("gsm7 case %zu (\"%s\"): %ld septets, expected %ld", i, cases[i].text, n,
                     cases[i].septets);
        }
    }
    assert_int_equal(text_gsm7_septets(NULL), -1);
    assert_false(text_is_gsm7(NULL));
}

static void test_codepoints(void **state)
{
    (void)state;
    assert_int_equal(text_codepoints(""), 0);
    assert_int_equal(text_codepoints("abc"), 3);
    assert_int_equal(text_codepoints("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), 3);
    assert_int_equal(text_codepoints("Harga 10\xE2\x82\xAC"), 9);
    assert_int_equal(text_codepoints(NULL), 0);
}

/* Septets to UTF-8: the default alphabet, its extension, and escapes that escape nothing. */
static void test_gsm7_to_utf8(void **state)
{
    (void)state;
    static const struct {
        unsigned char septets[8];
        size_t n;
        const char *utf8;
    } cases[] = {
        {{0x49, 0x11, 0x00, 0x42}, 4, "I_@B"},
        {{0x1B, 0x65, 0x1B, 0x28}, 4, "\xe2\x82\xac{"},
        /* ESC before a code the extension table lacks: the default character, no ESC. */
        {{0x1B, 0x41, 0x1B, 0x11}, 4, "A_"},
        /* ESC ESC is reserved for another extension table: shown as a space (6.2.1.1). */
        {{0x1B, 0x1B, 0x3C}, 3, " <"},
        {{0x00}, 0, ""},
    };
    char out[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(text_gsm7_to_utf8(cases[i].septets, cases[i].n, out, sizeof out),
                         (long)strlen(cases[i].utf8));
        assert_string_equal(out, cases[i].utf8);
    }
    /* Too small a buffer is refused, the output still terminated. */
    static const unsigned char euro[] = {0x1B, 0x65};
    assert_int_equal(text_gsm7_to_utf8(euro, 2, out, 3), -1);
    assert_int_equal(out[0], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf16_to_utf8),
        cmocka_unit_test(test_utf16_capacity),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_sanitize_capacity),
        cmocka_unit_test(test_sanitize_exhaustive),
        cmocka_unit_test(test_sanitize_keeps_valid),
        cmocka_unit_test(test_utf8_to_utf16),
        cmocka_unit_test(test_utf8_to_utf16_capacity),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_gsm7_table),
        cmocka_unit_test(test_gsm7_strings),
        cmocka_unit_test(test_gsm7_decode),
        cmocka_unit_test(test_codepoints),
        cmocka_unit_test(test_gsm7_to_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
