/*
 * proc: time and child processes, as the daemon, its modem worker and the rescue all need them.
 */
#ifndef LAPOR_PROC_H
#define LAPOR_PROC_H

#include <stdbool.h>
#include <sys/types.h>

/* Milliseconds on the monotonic clock: for deadlines, never for dates. */
long long proc_now_ms(void);

/* Sleeps up to ms; a signal ends the sleep early, so that SIGTERM is acted on at once. */
void proc_nap_ms(long long ms);

/*
 * Waits up to timeout_ms for child pid to end, then kills it (SIGKILL) and reaps it. *status gets
 * its wait status. Returns true when it ended by itself within the time.
 */
bool proc_reap(pid_t pid, int timeout_ms, int *status);

#endif
