/*
 * Unit tests for conf: the shipped example loads, small good files give the expected values, and
 * each bad file under tests/data/conf/ is refused with "FILE:LINE:" and a reason that says what is
 * wrong. The first line of every data file says what it tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

#define CONF_DIR TEST_DATA_DIR "/conf/"
#define EXAMPLE TEST_DATA_DIR "/../../conf/lapor-smsd.conf"

/* Big enough for any message conf_load writes, with room for the absolute path of the file. */
#define ERRCAP 1024

static void test_example_loads(void **state)
{
    (void)state;
    struct conf c;
    char err[ERRCAP];

    int rc = conf_load(EXAMPLE, &c, err, sizeof err);
    if (rc != 0)
        fail_msg("example did not load: %s", err);
    assert_string_equal(c.path, EXAMPLE);
    assert_string_equal(c.instance, "dummy-1");
    assert_string_equal(c.modem.connection, "none");
    assert_string_equal(c.modem.device, "/var/lib/lapor-smsd/dummy");
    assert_string_equal(c.modem.model, "dummy");
    assert_string_equal(c.modem.pin, "");
    assert_string_equal(c.database, "dbname=lapor host=/run/postgresql");
    assert_string_equal(c.templates.language, "id");
    assert_non_null(strstr(c.templates.received, "{ticket}"));
    conf_free(&c);
}

/* The example must say what the defaults are: loading it gives the same numbers as
 * conf_defaults, so the two cannot drift apart. */
static void test_example_matches_defaults(void **state)
{
    (void)state;
    struct conf c, d;
    char err[ERRCAP];

    assert_int_equal(conf_load(EXAMPLE, &c, err, sizeof err), 0);
    conf_defaults(&d);
    assert_int_equal(c.poll_interval_ms, d.poll_interval_ms);
    assert_int_equal(c.multipart_timeout_s, d.multipart_timeout_s);
    assert_int_equal(c.lease_s, d.lease_s);
    assert_int_equal(c.batch_size, d.batch_size);
    assert_int_equal(c.retry.max_attempts, d.retry.max_attempts);
    assert_int_equal(c.retry.first_delay_s, d.retry.first_delay_s);
    assert_int_equal(c.retry.max_delay_s, d.retry.max_delay_s);
    assert_int_equal(c.confirm.expiry_s, d.confirm.expiry_s);
    assert_int_equal(c.confirm.attempts, d.confirm.attempts);
    assert_int_equal(c.confirm.pin_attempts, d.confirm.pin_attempts);
    assert_string_equal(c.confirm.mechanism, d.confirm.mechanism);
    assert_int_equal(c.log_syslog, d.log_syslog);
    assert_int_equal(c.log_level, d.log_level);
    assert_string_equal(c.modem.model, "dummy");
    assert_string_equal(d.modem.model, "");
    assert_string_equal(c.templates.language, d.templates.language);
    assert_string_equal(c.templates.received, d.templates.received);
    conf_free(&c);
    conf_free(&d);
}

static void test_defaults(void **state)
{
    (void)state;
    struct conf c;

    conf_defaults(&c);
    assert_null(c.instance);
    assert_null(c.database);
    assert_int_equal(c.poll_interval_ms, 1000);
    assert_int_equal(c.multipart_timeout_s, 600);
    assert_int_equal(c.lease_s, 60);
    assert_int_equal(c.batch_size, 200);
    assert_int_equal(c.retry.max_attempts, 5);
    assert_int_equal(c.retry.first_delay_s, 30);
    assert_int_equal(c.retry.max_delay_s, 3600);
    assert_int_equal(c.confirm.expiry_s, 900);
    assert_int_equal(c.confirm.attempts, 3);
    assert_false(c.log_syslog);
    assert_int_equal(c.log_level, LOGL_INFO);
    assert_string_equal(c.templates.language, "id");
    assert_string_equal(c.templates.received,
                        "LAPOR! Terima kasih, laporan Anda diterima. No tiket #{ticket}. "
                        "Cek status: ketik CEK {ticket} kirim ke 1708");
    conf_free(&c);
    /* A freed conf is zeroed, so freeing it again is harmless. */
    conf_free(&c);
}

static void test_minimal(void **state)
{
    (void)state;
    struct conf c;
    char err[ERRCAP];

    int rc = conf_load(CONF_DIR "good-minimal.conf", &c, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(c.instance, "test-1");
    assert_string_equal(c.modem.model, "");
    assert_string_equal(c.modem.pin, "");
    assert_int_equal(c.poll_interval_ms, 1000);
    assert_int_equal(c.lease_s, 60);
    assert_string_equal(c.templates.language, "id");
    assert_non_null(strstr(c.templates.received, "Terima kasih"));
    conf_free(&c);
}

static void test_english(void **state)
{
    (void)state;
    struct conf c;
    char err[ERRCAP];

    int rc = conf_load(CONF_DIR "good-english.conf", &c, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    /* A whole number of seconds is as good as a fraction. */
    assert_int_equal(c.poll_interval_ms, 2000);
    assert_string_equal(c.templates.language, "en");
    /* The English built-in text replaces the Indonesian one and passes the same check. */
    assert_non_null(strstr(c.templates.received, "Thank you"));
    assert_non_null(strstr(c.templates.received, "{ticket}"));
    assert_true(c.log_syslog);
    assert_int_equal(c.log_level, LOGL_DEBUG);
    conf_free(&c);
}

static void test_fraction(void **state)
{
    (void)state;
    struct conf c;
    char err[ERRCAP];

    int rc = conf_load(CONF_DIR "good-fraction.conf", &c, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_int_equal(c.poll_interval_ms, 250);
    assert_int_equal(c.retry.first_delay_s, 60);
    assert_int_equal(c.retry.max_delay_s, 60);
    assert_string_equal(c.templates.received, "Tiket #{ticket} diterima. Terima kasih.");
    conf_free(&c);
}

/* One refused file: the line its error must name and a piece of the reason. */
struct bad_case {
    const char *file;
    int line;
    const char *reason;
};

static const struct bad_case bad_cases[] = {
    {"bad-syntax.conf", 5, "syntax error"},
    {"bad-type-number.conf", 5, "poll_interval: expected a number"},
    {"bad-type-whole.conf", 5, "lease: expected a whole number"},
    {"bad-type-bool.conf", 5, "log.syslog: expected true or false"},
    {"bad-type-group.conf", 5, "retry: expected a group"},
    {"bad-type-secret.conf", 6, "modem.pin: expected a string"},
    {"bad-range-low.conf", 5, "lease: 3 is out of range (5 to 3600)"},
    {"bad-range-high.conf", 5, "batch_size: 5000 is out of range (1 to 1000)"},
    {"bad-range-float.conf", 5, "poll_interval: 0.01 is out of range (0.05 to 60)"},
    {"bad-range-int64.conf", 5, "multipart_timeout: 9999999999 is out of range"},
    {"bad-retry-order.conf", 6, "retry.first_delay: 7200 is more than retry.max_delay (3600)"},
    {"bad-unknown-top.conf", 5, "pol_interval: unknown key"},
    {"bad-unknown-nested.conf", 7, "retry.first_dealy: unknown key"},
    {"bad-missing-database.conf", 0, "database: required key is missing"},
    {"bad-missing-device.conf", 5, "modem.device: required key is missing"},
    {"bad-empty-database.conf", 4, "database: must not be empty"},
    {"bad-instance.conf", 2, "instance: may hold only"},
    {"bad-language.conf", 5, "templates.language: must be \"id\" or \"en\""},
    {"bad-level.conf", 5, "log.level: expected \"error\""},
    {"bad-template-long.conf", 6, "templates.received: needs 178 of 160"},
    {"bad-template-gsm.conf", 7, "GSM"},
    {"bad-template-placeholder.conf", 6, "templates.received: unknown placeholder {name}"},
    {"bad-credit-ussd.conf", 5, "credit.ussd: must be a USSD code"},
    {"bad-credit-pattern.conf", 7, "credit.pattern: needs a group"},
    {"bad-confirm-expiry.conf", 5, "confirm.expiry: 30 is out of range (60 to 86400)"},
    {"bad-confirm-mechanism.conf", 5, "confirm.mechanism: must be \"code\", \"pin\" or \"both\""},
    {"does-not-exist.conf", 0, "No such file or directory"},
    {"", 0, "Is a directory"},
};

/* Secrets that appear in the data files; no error message may ever contain them. */
static const char *const secrets[] = {"dbname=", "918273"};

/* Checks one case and says what is wrong with it, or returns 0. Every case is tried, so that one
 * failing run lists all the files that go wrong rather than only the first. */
static int check_bad_case(const struct bad_case *bc)
{
    char path[512];
    char prefix[600];
    char err[ERRCAP];
    struct conf c;

    snprintf(path, sizeof path, "%s%s", CONF_DIR, bc->file);
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, bc->line);
    memset(err, 0, sizeof err);

    if (conf_load(path, &c, err, sizeof err) == 0) {
        print_error("%s: loaded, but should have been refused\n", bc->file);
        conf_free(&c);
        return 1;
    }
    int failed = 0;
    if (strncmp(err, prefix, strlen(prefix)) != 0) {
        print_error("%s: error \"%s\" does not start with \"%s\"\n", bc->file, err, prefix);
        failed = 1;
    }
    if (strstr(err, bc->reason) == NULL) {
        print_error("%s: error \"%s\" does not contain \"%s\"\n", bc->file, err, bc->reason);
        failed = 1;
    }
    /* Every reason is a sentence after the prefix, never an empty one. */
    if (strlen(err) <= strlen(prefix) + 2) {
        print_error("%s: error \"%s\" gives no reason\n", bc->file, err);
        failed = 1;
    }
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        if (strstr(err, secrets[i]) != NULL) {
            print_error("%s: error \"%s\" shows a secret\n", bc->file, err);
            failed = 1;
        }
    }
    /* A refused load leaves nothing behind to free; freeing anyway must be harmless. */
    assert_null(c.path);
    assert_null(c.instance);
    conf_free(&c);
    return failed;
}

static void test_bad_files(void **state)
{
    (void)state;
    int failures = 0;

    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
        failures += check_bad_case(&bad_cases[i]);
    assert_int_equal(failures, 0);
}

/* A reason is cut to fit the caller's buffer, and a NULL buffer is allowed. */
static void test_small_error_buffer(void **state)
{
    (void)state;
    struct conf c;
    char err[16];

    memset(err, 'x', sizeof err);
    assert_int_equal(conf_load(CONF_DIR "bad-range-low.conf", &c, err, sizeof err), -1);
    assert_int_equal(strlen(err), sizeof err - 1);
    assert_int_equal(conf_load(CONF_DIR "bad-range-low.conf", &c, NULL, 0), -1);
    assert_int_equal(conf_load(CONF_DIR "good-minimal.conf", &c, NULL, 0), 0);
    conf_free(&c);
}

/* Loading into a conf that is then reloaded, as on SIGHUP into a fresh struct, leaks nothing;
 * the sanitizer build checks that. */
static void test_reload(void **state)
{
    (void)state;
    struct conf running, next;
    char err[ERRCAP];

    assert_int_equal(conf_load(CONF_DIR "good-minimal.conf", &running, err, sizeof err), 0);
    assert_int_equal(conf_load(CONF_DIR "bad-level.conf", &next, err, sizeof err), -1);
    assert_string_equal(running.instance, "test-1");
    assert_int_equal(conf_load(CONF_DIR "good-english.conf", &next, err, sizeof err), 0);
    conf_free(&running);
    running = next;
    assert_string_equal(running.templates.language, "en");
    conf_free(&running);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_loads), cmocka_unit_test(test_example_matches_defaults),
        cmocka_unit_test(test_defaults),      cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_english),       cmocka_unit_test(test_fraction),
        cmocka_unit_test(test_bad_files),     cmocka_unit_test(test_small_error_buffer),
        cmocka_unit_test(test_reload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
