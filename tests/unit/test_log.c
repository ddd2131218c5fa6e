/*
 * Unit tests for log: sender numbers are masked above debug level and shown in full at it, level
 * names parse, logging keeps errno, a message of several lines makes one line, and under systemd
 * each line carries its journal priority.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct mask_case {
    const char *number;
    const char *masked; /* as shown at info level */
};

static const struct mask_case mask_cases[] = {
    /* The usual E.164 mobile numbers: operator prefix and the last three digits stay. */
    {"+628123456890", "+62812****890"},
    {"+6281234567890", "+62812****890"},
    {"+62811111111", "+62811****111"},
    {"081234567890", "081234****890"},
    /* Ten characters is the shortest number that keeps something hidden in the long form. */
    {"0812345678", "081234****678"},
    /* Shorter numbers keep only two characters; at 8 and 9 the long form would show them all. */
    {"081234567", "08****"},
    {"08123456", "08****"},
    {"1708", "17****"},
    {"123", "12****"},
    {"12", "12"},
    {"", ""},
    /* Bytes that could break or forge a log line are shown as '?'. */
    {"+62812\n3456890", "+62812****890"},
    {"+6281\r23456890", "+6281?****890"},
    {NULL, "(none)"},
};

static void test_mask_info(void **state)
{
    (void)state;
    char buf[64];

    log_init("test_log", false, LOGL_INFO);
    for (size_t i = 0; i < sizeof mask_cases / sizeof mask_cases[0]; i++) {
        const struct mask_case *mc = &mask_cases[i];
        const char *out = log_number(mc->number, buf, sizeof buf);
        assert_ptr_equal(out, buf);
        if (strcmp(out, mc->masked) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, mc->masked);
    }
}

/* Warning and error levels mask exactly as info does. */
static void test_mask_above_info(void **state)
{
    (void)state;
    char buf[64];

    log_set_level(LOGL_WARN);
    assert_string_equal(log_number("+628123456890", buf, sizeof buf), "+62812****890");
    log_set_level(LOGL_ERR);
    assert_string_equal(log_number("+628123456890", buf, sizeof buf), "+62812****890");
    log_set_level(LOGL_INFO);
}

static void test_full_at_debug(void **state)
{
    (void)state;
    char buf[64];

    log_set_level(LOGL_DEBUG);
    assert_int_equal(log_get_level(), LOGL_DEBUG);
    assert_string_equal(log_number("+628123456890", buf, sizeof buf), "+628123456890");
    assert_string_equal(log_number("1708", buf, sizeof buf), "1708");
    assert_string_equal(log_number("TELKOMSEL", buf, sizeof buf), "TELKOMSEL");
    /* Even in full, a control character never reaches the log. */
    assert_string_equal(log_number("+62812\n3456890", buf, sizeof buf), "+62812?3456890");
    log_set_level(LOGL_INFO);
    assert_string_equal(log_number("+628123456890", buf, sizeof buf), "+62812****890");
}

/* A buffer that is too small gets a cut but terminated string, never an overflow. */
static void test_small_buffer(void **state)
{
    (void)state;
    char buf[8];

    memset(buf, 'x', sizeof buf);
    log_set_level(LOGL_INFO);
    assert_string_equal(log_number("+628123456890", buf, sizeof buf), "+62812*");
    log_set_level(LOGL_DEBUG);
    assert_string_equal(log_number("+628123456890", buf, sizeof buf), "+628123");
    assert_string_equal(log_number("+628123456890", buf, 1), "");
    log_set_level(LOGL_INFO);
}

static void test_level_parse(void **state)
{
    (void)state;
    assert_int_equal(log_level_parse("error"), LOGL_ERR);
    assert_int_equal(log_level_parse("warning"), LOGL_WARN);
    assert_int_equal(log_level_parse("info"), LOGL_INFO);
    assert_int_equal(log_level_parse("debug"), LOGL_DEBUG);
    assert_int_equal(log_level_parse("verbose"), -1);
    assert_int_equal(log_level_parse("INFO"), -1);
    assert_int_equal(log_level_parse(""), -1);
    assert_int_equal(log_level_parse(NULL), -1);
}

/* Callers log a failure and then look at errno; the log line must not have changed it. */
static void test_keeps_errno(void **state)
{
    (void)state;
    log_init("test_log", false, LOGL_DEBUG);
    errno = ENOENT;
    log_err("test_log: an error line, errno must survive it");
    log_debug("test_log: a debug line with a newline at its end\n");
    assert_int_equal(errno, ENOENT);
    log_set_level(LOGL_INFO);
}

/* One event, one line: PostgreSQL's and libpq's messages of several lines are joined. */
static void test_one_line(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"trailing newline\n", "trailing newline"},
        {"ERROR:  relation \"x\" does not exist\nLINE 1: SELECT 1\n",
         "ERROR:  relation \"x\" does not exist; LINE 1: SELECT 1"},
        {"ERROR:  no\nDETAIL:  because\nHINT:  try\n", "ERROR:  no; DETAIL:  because; HINT:  try"},
        {"server closed the connection unexpectedly\n\tThis probably means the server terminated"
         "\n\tbefore or while processing the request.\n",
         "server closed the connection unexpectedly This probably means the server terminated "
         "before or while processing the request."},
        {"a \r\n\nb", "a; b"},
        {"", ""},
    };
    char out[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = log_one_line(cases[i].in, out, sizeof out);
        assert_string_equal(out, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
    }
    /* Cut to the buffer, still terminated. */
    assert_int_equal(log_one_line("a\nbcdef", out, 4), 3);
    assert_string_equal(out, "a; ");
}

/* Reads what the file at path holds into buf. */
static void read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Under systemd (JOURNAL_STREAM names stderr) each line carries its priority as "<N>" and no
 * timestamp; with stderr elsewhere, the variable is ignored. */
static void test_journal_priority(void **state)
{
    (void)state;
    char path[] = "/tmp/test_log.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(STDERR_FILENO);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    char stream[64];
    snprintf(stream, sizeof stream, "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", stream, 1);
    log_init("test_log", false, LOGL_INFO);
    log_err("an error\nDETAIL:  two lines");
    log_warn("a warning");
    log_info("an info line");
    log_debug("not shown");
    /* Another stream: the line is a terminal's, with its timestamp. */
    setenv("JOURNAL_STREAM", "1:1", 1);
    log_init("test_log", false, LOGL_INFO);
    log_info("timestamped");
    unsetenv("JOURNAL_STREAM");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    char got[1024];
    read_file(path, got, sizeof got);
    unlink(path);
    const char *journal = "<3>test_log: an error; DETAIL:  two lines\n<4>test_log: a warning\n"
                          "<6>test_log: an info line\n";
    assert_memory_equal(got, journal, strlen(journal));
    const char *rest = got + strlen(journal);
    assert_true(rest[0] >= '0' && rest[0] <= '9');
    assert_non_null(strstr(rest, " info: timestamped\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_info),     cmocka_unit_test(test_mask_above_info),
        cmocka_unit_test(test_full_at_debug), cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_level_parse),   cmocka_unit_test(test_keeps_errno),
        cmocka_unit_test(test_one_line),      cmocka_unit_test(test_journal_priority),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
