/*
 * Unit tests for template: filling, and the configuration-time check that a filled reply always
 * fits one GSM 7-bit SMS. The length cases sit exactly on the 160-septet edge, where an off-by-one
 * in the counting (or in counting extension characters as one) would show.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "ticket.h"

static const char *const names[] = {"ticket", "status", "empty"};
static const char *const values[] = {"1000002", "diterima", ""};
#define NVALUES (sizeof names / sizeof names[0])

static const struct template_var vars[] = {
    {"ticket", TICKET_MAX_DIGITS},
    {"status", 20},
};
#define NVARS (sizeof vars / sizeof vars[0])

static void test_fill_table(void **state)
{
    static const struct {
        const char *tmpl;
        long rc;
        const char *want;
    } cases[] = {
        {"", 0, ""},
        {"Tanpa tempat isian.", 19, "Tanpa tempat isian."},
        {"No tiket #{ticket}.", 18, "No tiket #1000002."},
        {"{ticket}", 7, "1000002"},
        {"{ticket}{ticket}", 14, "10000021000002"},
        {"CEK {ticket}: {status}", 21, "CEK 1000002: diterima"},
        {"[{empty}]", 2, "[]"},
        /* "{{" is the only escape; a lone '}' is literal text. */
        {"{{ticket}", 8, "{ticket}"},
        {"a {{ b }", 7, "a { b }"},
        {"{{{ticket}", 8, "{1000002"},
        {"}", 1, "}"},
        {"{ticket}}", 8, "1000002}"},
        /* Unknown or malformed placeholders. */
        {"{nama}", -2, NULL},
        {"No {tick}", -2, NULL},
        {"No {tickets}", -2, NULL},
        {"No {Ticket}", -2, NULL},
        {"{}", -2, NULL},
        {"{ticket id}", -2, NULL},
        {"No tiket {ticket", -2, NULL},
        {"akhir {", -2, NULL},
        {"{{ok}} {", -2, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[128];
        long rc = template_fill(cases[i].tmpl, names, values, NVALUES, out, sizeof out);

        if (rc != cases[i].rc || (rc >= 0 && strcmp(out, cases[i].want) != 0)) {
            fail_msg("template_fill(\"%s\") = %ld \"%s\", expected %ld \"%s\"", cases[i].tmpl, rc,
                     rc >= 0 ? out : "", cases[i].rc, cases[i].want ? cases[i].want : "");
        }
    }
}

static void test_fill_buffer(void **state)
{
    char out[32];

    (void)state;
    /* "No 1000002" is 10 bytes and needs an 11th for the NUL. */
    assert_int_equal(template_fill("No {ticket}", names, values, NVALUES, out, 11), 10);
    assert_string_equal(out, "No 1000002");
    assert_int_equal(template_fill("No {ticket}", names, values, NVALUES, out, 10), -1);
    assert_int_equal(template_fill("No {ticket}", names, values, NVALUES, NULL, 0), -1);
    /* A broken template is reported as broken even when the buffer is also too small. */
    assert_int_equal(template_fill("No {ticket} {nama}", names, values, NVALUES, out, 4), -2);
    /* With no placeholders given, any placeholder is unknown. */
    assert_int_equal(template_fill("{ticket}", NULL, NULL, 0, out, sizeof out), -2);
    assert_int_equal(template_fill("plain", NULL, NULL, 0, out, sizeof out), 5);
}

/* Runs template_check and, when it refuses, requires the reason to mention `reason`. */
static void check_reason(const char *tmpl, int want, const char *reason)
{
    char err[256] = "";
    int rc = template_check(tmpl, vars, NVARS, err, sizeof err);

    if (rc != want) {
        fail_msg("template_check(\"%.60s...\") = %d (%s), expected %d", tmpl, rc, err, want);
    }
    if (reason != NULL && strstr(err, reason) == NULL) {
        fail_msg("template_check(\"%.60s...\"): reason \"%s\" does not mention \"%s\"", tmpl, err,
                 reason);
    }
}

/* A template of `n` copies of `unit` followed by `tail`, in a static buffer. */
static const char *repeat(const char *unit, size_t n, const char *tail)
{
    static char buf[1024];
    size_t len = strlen(unit);

    assert_true(n * len + strlen(tail) < sizeof buf);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + i * len, unit, len);
    }
    strcpy(buf + n * len, tail);
    return buf;
}

static void test_check_length_edges(void **state)
{
    (void)state;
    /* No placeholders: 160 fits, 161 does not. */
    check_reason(repeat("a", 160, ""), 0, NULL);
    check_reason(repeat("a", 161, ""), -1, "needs 161 of 160");
    /* A placeholder counts as its longest value (ticket: TICKET_MAX_DIGITS characters). */
    check_reason(repeat("a", 160 - TICKET_MAX_DIGITS, "{ticket}"), 0, NULL);
    check_reason(repeat("a", 161 - TICKET_MAX_DIGITS, "{ticket}"), -1, "needs 161 of 160");
    check_reason(repeat("a", 160 - TICKET_MAX_DIGITS - 20, "{ticket}{status}"), 0, NULL);
    check_reason(repeat("a", 161 - TICKET_MAX_DIGITS - 20, "{status}{ticket}"), -1,
                 "needs 161 of 160");
    /* Extension characters take two septets, and so does the '{' that "{{" writes. */
    check_reason(repeat("a", 158, "\xE2\x82\xAC"), 0, NULL);
    check_reason(repeat("a", 159, "\xE2\x82\xAC"), -1, "needs 161 of 160");
    check_reason(repeat("[]", 40, ""), 0, NULL);
    check_reason(repeat("[]", 40, "."), -1, "needs 161 of 160");
    check_reason(repeat("a", 158, "{{"), 0, NULL);
    check_reason(repeat("a", 159, "{{"), -1, "needs 161 of 160");
    /* Multi-byte GSM characters count one septet each, not one per byte. */
    check_reason(repeat("\xC3\xA9", 160, ""), 0, NULL);
    check_reason(repeat("\xC3\xA9", 161, ""), -1, "needs 161 of 160");
    /* A far too long template still says by how much. */
    check_reason(repeat("a", 900, ""), -1, "needs 900 of 160");
}

/* The reply from PRODUCT.md, with the ticket placeholder twice: 92 literal septets. */
static void test_check_product_reply(void **state)
{
    static const char reply[] = "LAPOR! Terima kasih, laporan Anda diterima. No tiket #{ticket}. "
                                "Cek status: ketik CEK {ticket} kirim ke 1708";
    struct template_var ticket34 = {"ticket", 34};
    struct template_var ticket35 = {"ticket", 35};
    char err[128] = "";

    (void)state;
    check_reason(reply, 0, NULL);
    assert_int_equal(template_check(reply, &ticket34, 1, err, sizeof err), 0);
    assert_int_equal(template_check(reply, &ticket35, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs 162 of 160"));
    assert_non_null(strstr(err, "placeholders"));
}

static void test_check_refusals(void **state)
{
    (void)state;
    check_reason("Tiket {nomor} diterima", -1, "unknown placeholder {nomor}");
    check_reason("Tiket {tickets}", -1, "unknown placeholder {tickets}");
    check_reason("Tiket {ticket", -1, "no closing");
    check_reason("Tiket {ticket} {", -1, "byte 15");
    check_reason("Status {}", -1, "not a placeholder");
    check_reason("Status {sta tus}", -1, "not a placeholder");
    /* Characters outside GSM 7-bit, named with their code point and where they are. */
    check_reason("Terima kasih \xE2\x80\x9CLAPOR\xE2\x80\x9D", -1, "U+201C");
    check_reason("Terima kasih \xE2\x80\x9CLAPOR\xE2\x80\x9D", -1, "byte 13");
    check_reason("Senin \xE2\x80\x93 Jumat", -1, "U+2013");
    check_reason("Terima kasih \xF0\x9F\x99\x8F", -1, "U+1F64F");
    check_reason("Ketik `CEK`", -1, "U+0060");
    check_reason("a\tb", -1, "U+0009");
    check_reason("{ticket} \xC3\xA7", -1, "U+00E7");
    check_reason("rusak \xC3", -1, "byte 6 is not valid UTF-8");
    check_reason("\xED\xA0\x80", -1, "not valid UTF-8");
    /* Every GSM 7-bit character class at once is accepted. */
    check_reason("\xC2\xA3\xC2\xA5\xC3\xA8 \xCE\x94\xCE\xA9 \xC3\x84\xC3\x96 \xE2\x82\xAC[]{{}^~\\|"
                 "\n\r @$_",
                 0, NULL);
}

static void test_check_arguments(void **state)
{
    static const struct template_var huge[] = {{"ticket", SIZE_MAX}, {"status", SIZE_MAX}};
    char small[16];

    (void)state;
    /* No error buffer: the answer alone. */
    assert_int_equal(template_check("{nomor}", vars, NVARS, NULL, 0), -1);
    assert_int_equal(template_check("ok", vars, NVARS, NULL, 0), 0);
    /* A short error buffer is cut, but stays a string. */
    memset(small, 'x', sizeof small);
    assert_int_equal(template_check("{nomor}", vars, NVARS, small, sizeof small), -1);
    assert_true(memchr(small, '\0', sizeof small) != NULL);
    /* Sums of absurd lengths must not wrap around into something that fits. */
    assert_int_equal(template_check("{ticket}{status}", huge, 2, NULL, 0), -1);
    assert_int_equal(template_check("x{ticket}", huge, 1, NULL, 0), -1);
    /* No placeholders known: any placeholder is unknown, plain text is fine. */
    assert_int_equal(template_check("{ticket}", NULL, 0, NULL, 0), -1);
    assert_int_equal(template_check("plain", NULL, 0, NULL, 0), 0);
    assert_int_equal(template_check(NULL, vars, NVARS, NULL, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_table),         cmocka_unit_test(test_fill_buffer),
        cmocka_unit_test(test_check_length_edges), cmocka_unit_test(test_check_product_reply),
        cmocka_unit_test(test_check_refusals),     cmocka_unit_test(test_check_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
