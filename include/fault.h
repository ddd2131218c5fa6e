/*
 * fault: crash points for the fault tests. With LAPOR_CRASH_AT="point:n" in its environment the
 * daemon kills itself (SIGKILL, as an operator's kill -9 or the kernel's OOM killer would) the
 * n-th time it passes the named point; without it every point does nothing. Only test builds
 * (CMake option LAPOR_TEST_HOOKS, on with LAPOR_TESTS) read the variable at all.
 * Points: "read", "stored", "committed", "deleted" (intake), "claimed", "send", "sent" (outbox).
 */
#ifndef LAPOR_FAULT_H
#define LAPOR_FAULT_H

/* Reads LAPOR_CRASH_AT once, and removes it so that no child process inherits it. */
void fault_init(void);

void fault_point(const char *name);

/* With LAPOR_HOLD_AT="point:seconds" in its environment (test builds only) the process sleeps
 * that long at the named point, so that a test can look at it meanwhile. Points: "trial" (the
 * throwaway decoder, once it has closed what it does not need). */
void fault_hold(const char *name);

#endif
