/*
 * proc: the monotonic clock, naps, and reaping children within a deadline.
 */
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

long long proc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void proc_nap_ms(long long ms)
{
    if (ms <= 0) {
        return;
    }
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

bool proc_reap(pid_t pid, int timeout_ms, int *status)
{
    int st = 0;
    long long deadline = proc_now_ms() + timeout_ms;
    for (;;) {
        pid_t done = waitpid(pid, &st, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) {
            *status = st;
            return done == pid;
        }
        if (proc_now_ms() >= deadline) {
            break;
        }
        proc_nap_ms(5);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    *status = st;
    return false;
}
