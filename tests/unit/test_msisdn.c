/*
 * Unit tests for msisdn: the table of sender spellings lives in tests/data/msisdn.tsv, so that a
 * new form seen in the field is one line to add; the cases here are the ones a table cannot state
 * (buffer sizes, idempotence, missing arguments).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsv.h"
#include "msisdn.h"

#define LINE_MAX_LEN 512
#define MAX_FIELDS 8

static void test_data_file(void **state)
{
    char path[1024], line[LINE_MAX_LEN];
    char *fields[MAX_FIELDS];
    int lineno = 0, n, rows = 0;
    FILE *f;

    (void)state;
    snprintf(path, sizeof path, "%s/msisdn.tsv", TEST_DATA_DIR);
    f = fopen(path, "r");
    assert_non_null(f);
    while ((n = tsv_next(f, line, sizeof line, fields, MAX_FIELDS, &lineno)) > 0) {
        char out[MSISDN_MAX], again[MSISDN_MAX];
        int want_rc, rc;
        bool want_mobile;

        if (n != 4) {
            fail_msg("msisdn.tsv line %d: %d fields, expected 4", lineno, n);
        }
        tsv_unescape(fields[0]);
        tsv_unescape(fields[1]);
        want_rc = atoi(fields[2]);
        want_mobile = atoi(fields[3]) != 0;

        rc = msisdn_normalise(fields[0], out, sizeof out);
        if (rc != want_rc || strcmp(out, fields[1]) != 0) {
            fail_msg("msisdn.tsv line %d: \"%s\" gave %d \"%s\", expected %d \"%s\"", lineno,
                     fields[0], rc, out, want_rc, fields[1]);
        }
        if (msisdn_is_mobile(out) != want_mobile) {
            fail_msg("msisdn.tsv line %d: msisdn_is_mobile(\"%s\") is %d, expected %d", lineno, out,
                     !want_mobile, want_mobile);
        }
        /* Normalising the result again must change nothing, or one sender would drift between two
         * spellings as numbers are read back from the database and compared. */
        rc = msisdn_normalise(out, again, sizeof again);
        if (rc != want_rc || strcmp(again, out) != 0) {
            fail_msg("msisdn.tsv line %d: normalising \"%s\" again gave %d \"%s\"", lineno, out, rc,
                     again);
        }
        rows++;
    }
    fclose(f);
    /* Guards against a data file that silently stopped being read (a renamed file, a bad split). */
    assert_true(rows >= 60);
}

static void test_buffer_too_small(void **state)
{
    char out[MSISDN_MAX];

    (void)state;
    /* "+628123456789" is 13 bytes and needs a 14th for the NUL. */
    assert_int_equal(msisdn_normalise("08123456789", out, 14), 1);
    assert_string_equal(out, "+628123456789");
    assert_int_equal(msisdn_normalise("08123456789", out, 13), -1);
    /* A copied id follows the same rule. */
    assert_int_equal(msisdn_normalise("  TELKOMSEL ", out, 10), 0);
    assert_string_equal(out, "TELKOMSEL");
    assert_int_equal(msisdn_normalise("  TELKOMSEL ", out, 9), -1);
    assert_int_equal(msisdn_normalise("1708", out, 0), -1);
    assert_int_equal(msisdn_normalise("1708", NULL, 16), -1);
}

static void test_null_input(void **state)
{
    char out[MSISDN_MAX] = "junk";

    (void)state;
    assert_int_equal(msisdn_normalise(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_false(msisdn_is_mobile(NULL));
}

/* Strings that were never produced by msisdn_normalise must still be judged safely. */
static void test_is_mobile_raw(void **state)
{
    static const struct {
        const char *in;
        bool mobile;
    } cases[] = {
        {"+628123456789", true},
        {"+62812345678", true},
        {"+62812345678901", true},
        {"+6281234567", false},
        {"+628123456789012", false},
        {"+62215551234", false},
        {"628123456789", false},
        {"08123456789", false},
        {"+62812345678a", false},
        {"+62 812345678", false},
        {"+", false},
        {"", false},
        {"+0123456789", false},
        {"+6591234567", true},
        {"+659123456", false},
        {"+1234567890123456", false},
        {"TELKOMSEL", false},
        {"1708", false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (msisdn_is_mobile(cases[i].in) != cases[i].mobile) {
            fail_msg("msisdn_is_mobile(\"%s\") should be %d", cases[i].in, cases[i].mobile);
        }
    }
}

/* A long alphanumeric id is copied whole when it fits, however many digits it contains. */
static void test_long_copy(void **state)
{
    char in[MSISDN_MAX], out[MSISDN_MAX];

    (void)state;
    memset(in, '7', sizeof in - 1);
    in[sizeof in - 1] = '\0';
    assert_int_equal(msisdn_normalise(in, out, sizeof out), 0);
    assert_string_equal(out, in);
    assert_false(msisdn_is_mobile(out));
}

/* The stored sender: an alphanumeric id stays as its text even when it reads as a number. */
static void test_sender(void **state)
{
    (void)state;
    char out[MSISDN_MAX];
    msisdn_sender("0812-3456-7890", false, out);
    assert_string_equal(out, "+6281234567890");
    msisdn_sender("08123456789", true, out);
    assert_string_equal(out, "08123456789");
    msisdn_sender("INFO_P@B", true, out);
    assert_string_equal(out, "INFO_P@B");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_file),  cmocka_unit_test(test_buffer_too_small),
        cmocka_unit_test(test_null_input), cmocka_unit_test(test_is_mobile_raw),
        cmocka_unit_test(test_long_copy),  cmocka_unit_test(test_sender),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
