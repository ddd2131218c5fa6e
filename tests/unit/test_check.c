/*
 * Unit tests for check: the Monitoring Plugins verdict, a table of cases: each daemon's state, its
 * modem, the queue, and the thresholds, against the code and the start of the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* A healthy modem: up, connected, at home, good signal, storage low, credit unknown. */
static struct check_modem healthy(const char *instance)
{
    struct check_modem m = {
        .connected = true, .signal_percent = 60, .storage_percent = 10, .balance = -1};
    snprintf(m.instance, sizeof m.instance, "%s", instance);
    snprintf(m.state, sizeof m.state, "up");
    snprintf(m.registration, sizeof m.registration, "home");
    return m;
}

static const struct {
    const char *what;
    const char *state, *registration;
    bool connected;
    int signal, storage;
    double balance, oldest;
    long failed;
    enum check_code code;
    const char *starts;
} cases[] = {
    {"all well", "up", "home", true, 60, 10, -1, 0, 0, CHECK_OK, "LAPOR OK - 1 of 1 modems up"},
    {"roaming is registered", "up", "roaming", true, 60, 10, -1, 0, 0, CHECK_OK, "LAPOR OK"},
    {"a crashed daemon", "down", "home", true, 60, 10, -1, 0, 0, CHECK_CRITICAL,
     "LAPOR CRITICAL - m1: daemon down"},
    {"a stopped daemon", "stopped", "", false, -1, -1, -1, 0, 0, CHECK_CRITICAL,
     "LAPOR CRITICAL - m1: daemon stopped"},
    {"a modem down", "up", "home", false, 60, 10, -1, 0, 0, CHECK_CRITICAL,
     "LAPOR CRITICAL - m1: modem down"},
    {"no network", "up", "none", true, -1, 10, -1, 0, 0, CHECK_CRITICAL,
     "LAPOR CRITICAL - m1: no network (none)"},
    {"weak signal", "up", "home", true, 15, 10, -1, 0, 0, CHECK_WARNING,
     "LAPOR WARNING - m1: signal 15%"},
    {"very weak signal", "up", "home", true, 5, 10, -1, 0, 0, CHECK_CRITICAL, "LAPOR CRITICAL"},
    {"unknown signal, registered", "up", "home", true, -1, 10, -1, 0, 0, CHECK_OK, "LAPOR OK"},
    {"storage 80%", "up", "home", true, 60, 80, -1, 0, 0, CHECK_WARNING,
     "LAPOR WARNING - m1: storage 80% full"},
    {"storage 95%", "up", "home", true, 60, 95, -1, 0, 0, CHECK_CRITICAL, "LAPOR CRITICAL"},
    {"an old queued reply", "up", "home", true, 60, 10, -1, 400, 0, CHECK_WARNING,
     "LAPOR WARNING - oldest queued reply 400 s"},
    {"a very old queued reply", "up", "home", true, 60, 10, -1, 1000, 0, CHECK_CRITICAL,
     "LAPOR CRITICAL"},
    {"failed replies", "up", "home", true, 60, 10, -1, 0, 3, CHECK_WARNING,
     "LAPOR WARNING - 3 failed replies"},
    {"credit known, no threshold", "up", "home", true, 60, 10, 5000, 0, 0, CHECK_OK, "LAPOR OK"},
};

static void test_cases(void **state)
{
    (void)state;
    struct check_thresholds t;
    check_defaults(&t);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct check_modem m = healthy("m1");
        snprintf(m.state, sizeof m.state, "%s", cases[i].state);
        snprintf(m.registration, sizeof m.registration, "%s", cases[i].registration);
        m.connected = cases[i].connected;
        m.signal_percent = cases[i].signal;
        m.storage_percent = cases[i].storage;
        m.balance = cases[i].balance;
        struct check_queues q = {cases[i].oldest, cases[i].failed};
        char line[2048];
        enum check_code code = check_evaluate(&t, &m, 1, &q, line, sizeof line);
        if (code != cases[i].code || strncmp(line, cases[i].starts, strlen(cases[i].starts)) != 0) {
            fail_msg("%s: got %d '%s'", cases[i].what, code, line);
        }
        assert_non_null(strstr(line, " | modems_up="));
        assert_null(strchr(line, '\n'));
    }
}

static void test_credit_thresholds(void **state)
{
    (void)state;
    struct check_thresholds t;
    check_defaults(&t);
    t.credit = (struct check_range){10000, 2000};
    struct check_modem m = healthy("m1");
    struct check_queues q = {0, 0};
    char line[2048];
    m.balance = 5000;
    assert_int_equal(check_evaluate(&t, &m, 1, &q, line, sizeof line), CHECK_WARNING);
    assert_non_null(strstr(line, "m1: credit 5000 low"));
    assert_non_null(strstr(line, "'m1 credit'=5000;;;0"));
    m.balance = 1000;
    assert_int_equal(check_evaluate(&t, &m, 1, &q, line, sizeof line), CHECK_CRITICAL);
    /* The daemon's own alarm counts even without a threshold here. */
    check_defaults(&t);
    m.balance = 5000;
    m.balance_low = true;
    assert_int_equal(check_evaluate(&t, &m, 1, &q, line, sizeof line), CHECK_WARNING);
}

static void test_worst_wins_and_none_is_unknown(void **state)
{
    (void)state;
    struct check_thresholds t;
    check_defaults(&t);
    struct check_modem m[2] = {healthy("a"), healthy("b")};
    m[0].signal_percent = 15;
    snprintf(m[1].state, sizeof m[1].state, "down");
    struct check_queues q = {0, 0};
    char line[2048];
    assert_int_equal(check_evaluate(&t, m, 2, &q, line, sizeof line), CHECK_CRITICAL);
    assert_non_null(strstr(line, "a: signal 15%, b: daemon down"));
    assert_non_null(strstr(line, "modems_up=1;;;0;2"));
    assert_int_equal(check_evaluate(&t, m, 0, &q, line, sizeof line), CHECK_UNKNOWN);
    assert_string_equal(check_code_name(CHECK_UNKNOWN), "UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_credit_thresholds),
        cmocka_unit_test(test_worst_wins_and_none_is_unknown),
    };
    return cmocka_run_group_tests(tests, 0, NULL);
}
