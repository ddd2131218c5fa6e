/*
 * Unit tests for ticket: known check digits from tests/data/ticket.tsv (computed outside this
 * code), then the property that makes Damm worth having, checked exhaustively over ranges of
 * tickets: every single wrong digit and every swap of two neighbouring digits is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ticket.h"

static void test_known_values(void **state)
{
    char path[1024], line[256];
    int lineno = 0, rows = 0;
    FILE *f;

    (void)state;
    snprintf(path, sizeof path, "%s/ticket.tsv", TEST_DATA_DIR);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        char *tab, *end;
        uint64_t seq, want, parsed = 0;
        size_t digits;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') {
            continue;
        }
        tab = strchr(line, '\t');
        if (tab == NULL) {
            fail_msg("ticket.tsv line %d has no tab", lineno);
        }
        *tab = '\0';
        seq = strtoull(line, &end, 10);
        assert_true(*end == '\0');
        want = strtoull(tab + 1, &end, 10);
        assert_true(*end == '\0');
        digits = strlen(tab + 1);

        if (ticket_from_seq(seq) != want) {
            fail_msg("ticket.tsv line %d: ticket_from_seq(%" PRIu64 ") = %" PRIu64
                     ", expected %" PRIu64,
                     lineno, seq, ticket_from_seq(seq), want);
        }
        assert_int_equal(ticket_check_digit(seq), (int)(want % 10));
        /* A valid number followed by its check digit brings Damm's running state back to 0. */
        assert_int_equal(ticket_check_digit(want), 0);
        if (digits >= 7 && digits <= TICKET_MAX_DIGITS) {
            assert_int_equal(ticket_parse(tab + 1, &parsed), TICKET_OK);
            assert_true(parsed == seq);
        }
        rows++;
    }
    fclose(f);
    assert_true(rows >= 20);
}

/* The first ticket, the one PRODUCT.md's example is about. */
static void test_first_ticket(void **state)
{
    uint64_t seq = 0;

    (void)state;
    assert_true(ticket_from_seq(TICKET_FIRST_SEQ) == 1000002u);
    assert_int_equal(ticket_parse("1000002", &seq), TICKET_OK);
    assert_true(seq == TICKET_FIRST_SEQ);
    /* The number printed as an example in PRODUCT.md does not carry a valid Damm digit. */
    assert_int_equal(ticket_parse("1000003", &seq), TICKET_BAD_CHECK);
}

static void test_parse_table(void **state)
{
    static const struct {
        const char *in;
        enum ticket_parse_result want;
        uint64_t seq;
    } cases[] = {
        {"1000002", TICKET_OK, 100000},
        {"1000015", TICKET_OK, 100001},
        {"5432109871", TICKET_OK, 543210987},
        {"9999999990", TICKET_OK, 999999999},
        {"1000003", TICKET_BAD_CHECK, 0},
        {"1000020", TICKET_BAD_CHECK, 0},
        {"5432109870", TICKET_BAD_CHECK, 0},
        {"", TICKET_NOT_NUMBER, 0},
        {"5724", TICKET_NOT_NUMBER, 0},        /* a valid Damm number, but too short */
        {"999999", TICKET_NOT_NUMBER, 0},      /* six digits: one short */
        {"99999999990", TICKET_NOT_NUMBER, 0}, /* eleven digits: one too many */
        {"0000000", TICKET_NOT_NUMBER, 0},     /* Damm passes it, but no ticket starts with 0 */
        {"01000002", TICKET_NOT_NUMBER, 0},
        {" 1000002", TICKET_NOT_NUMBER, 0},
        {"1000002 ", TICKET_NOT_NUMBER, 0},
        {"#1000002", TICKET_NOT_NUMBER, 0},
        {"+1000002", TICKET_NOT_NUMBER, 0},
        {"-1000002", TICKET_NOT_NUMBER, 0},
        {"1.000.002", TICKET_NOT_NUMBER, 0},
        {"100000x", TICKET_NOT_NUMBER, 0},
        {"1000002\n", TICKET_NOT_NUMBER, 0},
        {"\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x92",
         TICKET_NOT_NUMBER, 0}, /* full-width digits */
        {"184467440737095516150", TICKET_NOT_NUMBER, 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* A sentinel shows whether a failed parse wrote to *seq, which it must not. */
        uint64_t seq = 424242;
        enum ticket_parse_result r = ticket_parse(cases[i].in, &seq);

        if (r != cases[i].want) {
            fail_msg("ticket_parse(\"%s\") = %d, expected %d", cases[i].in, (int)r,
                     (int)cases[i].want);
        }
        if (r == TICKET_OK ? seq != cases[i].seq : seq != 424242) {
            fail_msg("ticket_parse(\"%s\") left seq = %" PRIu64, cases[i].in, seq);
        }
    }
    assert_int_equal(ticket_parse(NULL, NULL), TICKET_NOT_NUMBER);
    /* The sequence is optional for callers that only validate. */
    assert_int_equal(ticket_parse("1000002", NULL), TICKET_OK);
}

/*
 * What a mistyped ticket must give: BAD_CHECK, or NOT_NUMBER when the mistake put a 0 in front
 * (which ticket_parse refuses before looking at the check digit). Never TICKET_OK.
 */
static void expect_refused(const char *typed, const char *original)
{
    uint64_t seq = 0;
    enum ticket_parse_result want = typed[0] == '0' ? TICKET_NOT_NUMBER : TICKET_BAD_CHECK;
    enum ticket_parse_result r = ticket_parse(typed, &seq);

    if (r != want) {
        fail_msg("\"%s\" mistyped as \"%s\" gave %d (seq %" PRIu64 "), expected %d", original,
                 typed, (int)r, seq, (int)want);
    }
}

/* Every single-digit error and every adjacent transposition of one ticket. */
static void check_all_typos(uint64_t seq)
{
    char good[32], typo[32];
    uint64_t back = 0;
    size_t len;

    snprintf(good, sizeof good, "%" PRIu64, ticket_from_seq(seq));
    len = strlen(good);
    assert_int_equal(ticket_parse(good, &back), TICKET_OK);
    assert_true(back == seq);

    for (size_t pos = 0; pos < len; pos++) {
        for (char d = '0'; d <= '9'; d++) {
            if (d == good[pos]) {
                continue;
            }
            memcpy(typo, good, len + 1);
            typo[pos] = d;
            expect_refused(typo, good);
        }
    }
    for (size_t pos = 0; pos + 1 < len; pos++) {
        if (good[pos] == good[pos + 1]) {
            continue;
        }
        memcpy(typo, good, len + 1);
        typo[pos] = good[pos + 1];
        typo[pos + 1] = good[pos];
        expect_refused(typo, good);
    }
}

static void test_typos_first_tickets(void **state)
{
    (void)state;
    /* The first 20,000 tickets: the ones citizens will type most in the first months. */
    for (uint64_t seq = TICKET_FIRST_SEQ; seq < TICKET_FIRST_SEQ + 20000; seq++) {
        check_all_typos(seq);
    }
}

static void test_typos_across_lengths(void **state)
{
    (void)state;
    /* Around each change of length, and a spread up to the largest sequence we ever print. */
    static const uint64_t edges[] = {999999, 9999999, 99999999, 999999999 - 1000};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        for (uint64_t seq = edges[i] - 1000; seq <= edges[i] + 1000 && seq <= 999999999; seq++) {
            check_all_typos(seq);
        }
    }
    for (uint64_t seq = TICKET_FIRST_SEQ; seq <= 999999999; seq += 7777777) {
        check_all_typos(seq);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),         cmocka_unit_test(test_first_ticket),
        cmocka_unit_test(test_parse_table),          cmocka_unit_test(test_typos_first_tickets),
        cmocka_unit_test(test_typos_across_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
