/*
 * modem_proxy: the modem run in a supervised worker process. libGammu aborts or spins on some
 * hostile SMS and can block for minutes on a silent modem; so it runs in a small child process
 * with only the modem's settings (no database), and the daemon talks to it in short typed
 * messages with a deadline on every request. A worker that dies or misses its deadline is killed;
 * the next connect starts a new one. The proxy is a struct modem like any other.
 */
#ifndef LAPOR_MODEM_PROXY_H
#define LAPOR_MODEM_PROXY_H

#include "conf.h"
#include "modem.h"

/* What operators need to know about the worker. */
struct modem_supervision {
    int worker_pid;           /* 0 when none runs */
    int starts;               /* workers started so far */
    int deaths;               /* workers that died or were killed */
    int deaths_while_reading; /* in a row, while reading or deleting messages */
    char last_death[160];     /* what became of the last one, "" if none died */
};

/* Called at least once a second while the daemon waits for its worker, so that the daemon keeps
 * its heartbeat and sees its signals whatever the modem does. */
typedef void (*modem_proxy_tick)(void *arg);

/* worker_exe is the program to run as the worker (this daemon, with --modem-worker). */
struct modem *modem_proxy_new(const struct conf_modem *cfg, const char *worker_exe,
                              modem_proxy_tick tick, void *tick_arg);
void modem_proxy_supervision(struct modem *m, struct modem_supervision *out);
/* The daemon runs as root and will become user (and group, "" for the user's own): workers
 * started while it is still root open the modem as root, then become that user too. */
void modem_proxy_drop_to(struct modem *m, const char *user, const char *group);
/* After a rescue: the deaths so far are accounted for. */
void modem_proxy_forget_deaths(struct modem *m);

/* The worker process's main: serves requests on fd until the daemon goes away. With a user, it
 * becomes that user (and group) right after it first opens the modem. */
int modem_worker_main(int fd, const char *drop_user, const char *drop_group);

#endif
