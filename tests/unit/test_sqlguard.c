/*
 * Unit tests for sqlguard: the check the integration tests lean on to prove that no query text is
 * built at run time must itself tell a literal from text put together on the heap or the stack,
 * and must stop the process when the guard is on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sqlguard.h"

static const char table_query[] = "SELECT 1 FROM complaint WHERE id = $1";

static void test_literals_pass(void **state)
{
    (void)state;
    assert_true(sqlguard_is_static("SELECT 1"));
    assert_true(sqlguard_is_static(table_query));
}

static void test_built_text_fails(void **state)
{
    (void)state;
    char *copy = strdup("SELECT 1");
    assert_non_null(copy);
    assert_false(sqlguard_is_static(copy));
    free(copy);

    char on_stack[64];
    snprintf(on_stack, sizeof on_stack, "SELECT %d", 1);
    assert_false(sqlguard_is_static(on_stack));

    static char writable[] = "SELECT 1"; /* a static but writable array is not a literal */
    assert_false(sqlguard_is_static(writable));
    assert_false(sqlguard_is_static(NULL));
}

/* With LAPOR_SQL_GUARD=1 a built query ends the process; a literal does not. */
static int outcome_of_check(bool built)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("LAPOR_SQL_GUARD", "1", 1);
        /* stderr is the guard's; the test's output stays clean. */
        if (freopen("/dev/null", "w", stderr) == NULL)
            _exit(3);
        char buf[32];
        snprintf(buf, sizeof buf, "SELECT %d", 2);
        sqlguard_check(built ? buf : "SELECT 2");
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

static void test_guard_aborts(void **state)
{
    (void)state;
    int st = outcome_of_check(true);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
    st = outcome_of_check(false);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals_pass),
        cmocka_unit_test(test_built_text_fails),
        cmocka_unit_test(test_guard_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
