/*
 * fault: one optional crash point, armed from the environment; compiled in only with
 * LAPOR_TEST_HOOKS (test builds), and otherwise two functions that do nothing.
 */
#include "fault.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef LAPOR_TEST_HOOKS
static char point[32];
static long remaining; /* passes left before the crash; 0 when disarmed */

void fault_init(void)
{
    const char *spec = getenv("LAPOR_CRASH_AT");
    if (spec != NULL) {
        const char *colon = strchr(spec, ':');
        size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
        if (len > 0 && len < sizeof point) {
            memcpy(point, spec, len);
            point[len] = '\0';
            remaining = colon ? atol(colon + 1) : 1;
        }
        unsetenv("LAPOR_CRASH_AT");
    }
}

void fault_point(const char *name)
{
    if (remaining > 0 && strcmp(name, point) == 0 && --remaining == 0) {
        fprintf(stderr, "lapor-smsd: crash point %s reached: killing myself\n", name);
        fflush(stderr);
        raise(SIGKILL);
    }
}

void fault_hold(const char *name)
{
    /* Read at each pass, not once: the worker and its throwaway children are other programs. */
    const char *spec = getenv("LAPOR_HOLD_AT");
    const char *colon = spec ? strchr(spec, ':') : NULL;
    if (colon != NULL && strlen(name) == (size_t)(colon - spec) &&
        strncmp(spec, name, strlen(name)) == 0) {
        sleep((unsigned)atoi(colon + 1));
    }
}
#else
void fault_init(void)
{
}

void fault_point(const char *name)
{
    (void)name;
}

void fault_hold(const char *name)
{
    (void)name;
}
#endif
