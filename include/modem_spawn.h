/*
 * modem_spawn: starting the modem worker as a fresh program and saying how one ended. The worker
 * gets one end of a socket pair (as WIRE_WORKER_FD) and nothing else: no database connection, no
 * configuration beyond what it is sent, no descriptor of the daemon's.
 */
#ifndef LAPOR_MODEM_SPAWN_H
#define LAPOR_MODEM_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Starts exe as the worker, logging at the daemon's level; when drop_user is not "" and we are
 * root, the worker becomes drop_user (and drop_group) once it has opened the modem. *pid and *fd
 * (the daemon's end, close-on-exec) on 0; -1 with the reason in err.
 */
int modem_spawn_worker(const char *exe, const char *drop_user, const char *drop_group, pid_t *pid,
                       int *fd, char *err, size_t errcap);

/* How a reaped process ended, from its wait status: "killed by signal 9 (Killed)", "exited with
 * status 1". */
void modem_spawn_describe_end(char *buf, size_t cap, int status);

#endif
