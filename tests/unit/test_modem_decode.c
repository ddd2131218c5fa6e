/*
 * Unit tests for modem_decode: what a modem hands over, decoded within its bounds. The cases are
 * tables; each states the bytes a modem could give and what must come out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "modem_decode.h"
#include "pdu.h"
#include "textcodec.h"

static void test_epoch(void **state)
{
    (void)state;
    static const struct {
        struct modem_decode_time t;
        long long want;
    } cases[] = {
        {{1970, 1, 1, 0, 0, 0, 0}, 0},
        {{2024, 3, 15, 8, 30, 0, 0}, 1710491400LL},
        {{2024, 3, 15, 15, 30, 0, 7 * 3600}, 1710491400LL}, /* WIB, UTC+7 */
        {{2000, 2, 29, 23, 59, 60, 0}, 951868800LL},        /* a leap second is taken as it is */
        {{2100, 3, 1, 0, 0, 0, 0}, 4107542400LL},           /* 2100 is no leap year */
        {{1969, 12, 31, 23, 59, 59, 0}, 0},                 /* before the epoch: unknown */
        {{2024, 13, 1, 0, 0, 0, 0}, 0},
        {{2024, 0, 1, 0, 0, 0, 0}, 0},
        {{2024, 1, 32, 0, 0, 0, 0}, 0},
        {{2024, 1, 1, 24, 0, 0, 0}, 0},
        {{2024, 1, 1, 0, 60, 0, 0}, 0},
        {{2024, 1, 1, 0, 0, 61, 0}, 0},
        {{2024, 1, 1, 0, 0, 0, 86401}, 0},
        {{10000, 1, 1, 0, 0, 0, 0}, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(modem_decode_epoch(&cases[i].t), cases[i].want);
    }
}

static void test_concat(void **state)
{
    (void)state;
    static const struct {
        unsigned char udh[12];
        size_t len;
        int ref, total, seq;
    } cases[] = {
        {{5, 0x00, 3, 0xAB, 3, 2}, 6, 0xAB, 3, 2},
        {{6, 0x08, 4, 0x12, 0x34, 2, 1}, 7, 0x1234, 2, 1},
        {{8, 0x0A, 1, 0xFF, 0x00, 3, 0x42, 2, 2}, 9, 0x42, 2, 2}, /* after another element */
        {{5, 0x00, 3, 0xAB, 3, 2}, 5, 0, 0, 0},                   /* cut short: nothing */
        {{5, 0x00, 4, 0xAB, 3, 2}, 6, 0, 0, 0},                   /* element runs past the end */
        {{5, 0x00, 3, 0xAB, 0, 2}, 6, 0, 0, 0},                   /* total 0: stands alone */
        /* Elements that cannot be right are ignored: the message is a single SMS. */
        {{5, 0x00, 3, 0xAB, 1, 1}, 6, 0, 0, 0},                    /* total 1 */
        {{5, 0x00, 3, 0xAB, 3, 0}, 6, 0, 0, 0},                    /* part 0 */
        {{5, 0x00, 3, 0xAB, 3, 4}, 6, 0, 0, 0},                    /* part beyond the total */
        {{5, 0x00, 3, 0xAB, 0, 0}, 6, 0, 0, 0},                    /* total 0, part 0 */
        {{6, 0x08, 4, 0x12, 0x34, 2, 0}, 7, 0, 0, 0},              /* 16-bit reference, part 0 */
        {{6, 0x08, 4, 0x12, 0x34, 1, 1}, 7, 0, 0, 0},              /* 16-bit reference, total 1 */
        {{6, 0x08, 4, 0x12, 0x34, 255, 255}, 7, 0x1234, 255, 255}, /* the last of 255 */
        {{0}, 1, 0, 0, 0},
        {{0}, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static struct modem_part part;
        memset(&part, 0, sizeof part);
        modem_decode_concat(cases[i].udh, cases[i].len, &part);
        assert_int_equal(part.concat_ref, cases[i].ref);
        assert_int_equal(part.concat_total, cases[i].total);
        assert_int_equal(part.concat_seq, cases[i].seq);
    }
}

static void test_strings(void **state)
{
    (void)state;
    char out[8];
    /* "hhéé" cut to 5 bytes must not end in half an é. */
    modem_decode_copy_utf8(out, 6, "hh\xC3\xA9\xC3\xA9");
    assert_string_equal(out, "hh\xC3\xA9");
    modem_decode_copy_ascii(out, sizeof out,
                            "35\x01"
                            "9\xFF"
                            "12345",
                            5);
    assert_string_equal(out, "35?9?");

    /* No terminator within the bound: the bound ends the string. */
    static const unsigned char unterminated[] = {0, '+', 0, '6', 0, '2'};
    assert_int_equal(modem_decode_u16_len(unterminated, 3), 3);
    char number[16];
    modem_decode_u16(number, sizeof number, unterminated, 3);
    assert_string_equal(number, "+62");
    modem_decode_u16(number, sizeof number, unterminated, 2);
    assert_string_equal(number, "+6");

    static const unsigned char name[] = {0, 'T', 0, 's', 0, 'e', 0, 'l', 0, 0};
    char network[64];
    modem_decode_network(network, sizeof network, "51010\0xx", 8, name, 5);
    assert_string_equal(network, "51010 Tsel");
    modem_decode_network(network, sizeof network, "", 8, name, 5);
    assert_string_equal(network, "Tsel");
    modem_decode_network(network, sizeof network, "51010", 5, name + 8, 1);
    assert_string_equal(network, "51010");
    assert_string_equal(modem_decode_registration(1), "home");
    assert_string_equal(modem_decode_registration(2), "none");
    assert_string_equal(modem_decode_registration(6), "searching");
    assert_string_equal(modem_decode_registration(0), "unknown");
}

static void test_text(void **state)
{
    (void)state;
    static struct modem_part part;
    /* 7-bit text: an escape (U+00B9) before a code the extension table lacks is dropped, the raw
     * bytes keep it; it ends at the terminator. */
    static const unsigned char gsm7[] = {0, 'a', 0, 0xB9, 0, 'b', 0, 0, 0, 'c'};
    memset(&part, 0, sizeof part);
    modem_decode_utf16(&part, gsm7, 5, false);
    assert_int_equal(part.coding, MODEM_CODING_GSM7);
    assert_int_equal(part.raw_len, 6);
    assert_memory_equal(part.raw, gsm7, 6);
    assert_string_equal(part.text, "ab");

    /* UCS-2: exactly n units, a U+0000 inside does not cut the text, U+00B9 is itself. */
    memset(&part, 0, sizeof part);
    modem_decode_utf16(&part, gsm7, 5, true);
    assert_int_equal(part.coding, MODEM_CODING_UCS2);
    assert_int_equal(part.raw_len, 10);
    assert_string_equal(part.text, "a\xC2\xB9"
                                   "b\xEF\xBF\xBD"
                                   "c");

    /* 8-bit data: bytes kept, text valid UTF-8. */
    static const unsigned char data[] = {'o', 'k', 0x00, 0xFF};
    memset(&part, 0, sizeof part);
    modem_decode_8bit(&part, data, sizeof data);
    assert_int_equal(part.coding, MODEM_CODING_8BIT);
    assert_int_equal(part.raw_len, 4);
    assert_string_equal(part.text, "ok\xEF\xBF\xBD\xEF\xBF\xBD");

    /* A header is kept and its concatenation read. */
    static const unsigned char udh[] = {5, 0x00, 3, 7, 2, 1};
    memset(&part, 0, sizeof part);
    modem_decode_udh(&part, udh, sizeof udh);
    assert_int_equal(part.udh_len, 6);
    assert_int_equal(part.concat_ref, 7);
    assert_int_equal(part.concat_total, 2);
    assert_int_equal(part.concat_seq, 1);
}

/* A piece of coding holding the UTF-16BE units of utf8 (valid UTF-8, or with \xED\xA0.. written
 * as raw units by the caller), in buf. */
static struct modem_decode_piece piece(int seq, const char *coding, const char *utf8,
                                       unsigned char *buf, size_t cap)
{
    long n = text_utf8_to_utf16be(utf8, buf, cap / 2);
    assert_true(n >= 0);
    return (struct modem_decode_piece){seq, coding, buf, 2 * (size_t)n, ""};
}

/* Checks that joining pieces gives want. */
static void joins_to(const struct modem_decode_piece *p, size_t n, const char *want)
{
    char *got = modem_decode_join(p, n);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_join(void **state)
{
    (void)state;
    unsigned char a[64], b[64], c[64];
    /* A surrogate pair cut by the part boundary is one character again: U+1F621. */
    static const unsigned char high[] = {0, 'x', 0xD8, 0x3D};
    static const unsigned char low[] = {0xDE, 0x21, 0, 'y'};
    struct modem_decode_piece cut[] = {{1, "ucs2", high, 4, "x\xEF\xBF\xBD"},
                                       {2, "ucs2", low, 4, "\xEF\xBF\xBDy"}};
    joins_to(cut, 2, "x\xF0\x9F\x98\xA1y");
    /* Not across a missing part: each half stays alone. */
    cut[1].seq = 3;
    joins_to(cut, 2, "x\xEF\xBF\xBD\xEF\xBF\xBDy");

    /* GSM 7-bit: libGammu's lone escape (U+00B9) at the end of part 1 takes the first septet of
     * part 2: ESC and 'e' is the euro sign, ESC and '(' a brace. */
    struct modem_decode_piece esc[] = {piece(1, "gsm7", "harga \xC2\xB9", a, sizeof a),
                                       piece(2, "gsm7", "e 5", b, sizeof b),
                                       piece(3, "gsm7", "\xC2\xB9", c, sizeof c)};
    joins_to(esc, 2, "harga \xE2\x82\xAC 5");
    /* ESC then ESC, across the boundary: a space; an ESC at the very end: U+FFFD. */
    static const unsigned char two[] = {0x00, 0xB9};
    static const unsigned char brace[] = {0x00, 0x7B, 0x00, 'z'};
    struct modem_decode_piece escesc[] = {{1, "gsm7", two, 2, ""}, {2, "gsm7", brace, 4, ""}};
    joins_to(escesc, 2, " (z");
    joins_to(esc, 3, "harga \xE2\x82\xAC 5\xEF\xBF\xBD");
    /* Extension characters inside a part, and a code the extension table lacks. */
    struct modem_decode_piece ext = piece(1, "gsm7",
                                          "{a}~\xC2\xB9"
                                          "A",
                                          a, sizeof a);
    joins_to(&ext, 1, "{a}~A");
    /* A unit no septet gives (only a hand-written dummy file has one) is U+FFFD. */
    struct modem_decode_piece odd = piece(1, "gsm7", "a\xE4\xB8\x80", a, sizeof a);
    joins_to(&odd, 1, "a\xEF\xBF\xBD");

    /* Codings do not mix: each run decodes alone, and other codings give their text. */
    struct modem_decode_piece mixed[] = {piece(1, "gsm7", "satu \xC2\xB9", a, sizeof a),
                                         piece(2, "ucs2", "e dua", b, sizeof b),
                                         {3, "8bit", (const unsigned char *)"\x01", 1, "tiga"}};
    joins_to(mixed, 3,
             "satu \xEF\xBF\xBD"
             "e duatiga");
    joins_to(mixed, 0, "");
}

static void test_untilde(void **state)
{
    (void)state;
    /* "a~b~~c" and U+0001 as libGammu's PDU decoder hands them over: each '~' twice, U+0001 as
     * one '~'; the text holds more units than the PDU did. */
    static const unsigned char text[] = {0, 'a', 0, '~', 0, '~', 0, 'b', 0, '~', 0, '~',
                                         0, '~', 0, '~', 0, 'c', 0, '~', 0, 'd', 0, 0};
    static const unsigned char want[] = {0, 'a', 0, '~', 0, 'b', 0, '~',
                                         0, '~', 0, 'c', 0, 1,   0, 'd'};
    unsigned char units[32];
    assert_int_equal(modem_decode_untilde(text, 22, 8, units), 8);
    assert_memory_equal(units, want, sizeof want);
    /* Never more than the text holds, nor more than n. */
    assert_int_equal(modem_decode_untilde(text, 3, 8, units), 2);
    assert_int_equal(modem_decode_untilde(text, 22, 1, units), 1);
}

/* What only the raw PDU tells, laid over what libGammu decoded (pdu.tsv has more PDUs). */
static void test_pdu_facts(void **state)
{
    (void)state;
    static const struct {
        const char *hex;
        const char *sender; /* after modem_decode_pdu; the part starts with "libgammu" */
        bool alnum;
        int pid;
        bool broken;
    } cases[] = {
        /* Alphanumeric "INFO_P@B": libGammu gives septet codes cut at the '@'. */
        {"00040ED049A7F11981028400004230518003008204E830FB0D", "INFO_P@B", true, 0, false},
        /* Alphanumeric made of digits: a name, not a number. */
        {"000414D0305C4C36A3D56C375C0E00004230518003008204E830FB0D", "08123456789", true, 0, false},
        /* A number: libGammu's view stands. */
        {"00040C9126183254769800004230518003008204E830FB0D", "libgammu", false, 0, false},
        /* TP-PID 0x40, the silent SMS. */
        {"00040C9126183254769840004230518003008204E830FB0D", "libgammu", false, 0x40, false},
        /* Two octets after the user data, and a 7-bit header longer than its user data. */
        {"00040C9126183254769800004230518003008204E830FB0D0102", "libgammu", false, -1, true},
        {"00440C912618325476980000423051800300820A300003450201414243", "libgammu", false, -1, true},
        /* A status report: not a deliver, left as libGammu read it. */
        {"0006050C91261832547698423051800300824230518003008200", "libgammu", false, -1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static struct modem_part part;
        unsigned char pdu[200];
        long read = pdu_from_hex(cases[i].hex, pdu, sizeof pdu);
        assert_true(read > 0);
        size_t n = (size_t)read;
        memset(&part, 0, sizeof part);
        strcpy(part.sender, "libgammu");
        part.pid = -1;
        assert_int_equal(modem_decode_pdu(&part, pdu, n), cases[i].broken);
        if (!cases[i].broken) {
            assert_string_equal(part.sender, cases[i].sender);
            assert_int_equal(part.sender_alnum, cases[i].alnum);
            assert_int_equal(part.pid, cases[i].pid);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch),     cmocka_unit_test(test_concat),
        cmocka_unit_test(test_strings),   cmocka_unit_test(test_text),
        cmocka_unit_test(test_join),      cmocka_unit_test(test_untilde),
        cmocka_unit_test(test_pdu_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
