/* modem_spawn: see modem_spawn.h. */
#define _GNU_SOURCE /* close_range */
#include "modem_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "modem_wire.h"

/* Room for two of the largest messages each way, so that neither side waits on the other's
 * buffer while one message is in flight. */
static void size_buffers(const int sv[2])
{
    int bufsize = WIRE_MAX * 2;
    for (int i = 0; i < 2; i++) {
        setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
        setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
    }
}

/* In the child: keeps only the worker's end of the socket, then becomes the worker. */
static void exec_worker(const char *exe, const char *drop_user, const char *drop_group, int fd)
{
    int kept = fd == WIRE_WORKER_FD ? fcntl(fd, F_SETFD, 0) : dup2(fd, WIRE_WORKER_FD);
    if (kept < 0) {
        _exit(127);
    }
    close_range(WIRE_WORKER_FD + 1, ~0U, 0);
    char level[8];
    snprintf(level, sizeof level, "%d", (int)log_get_level());
    if (drop_user[0] != '\0' && geteuid() == 0) {
        execl(exe, "lapor-smsd", "--modem-worker", level, drop_user, drop_group, (char *)NULL);
    } else {
        execl(exe, "lapor-smsd", "--modem-worker", level, (char *)NULL);
    }
    _exit(127);
}

int modem_spawn_worker(const char *exe, const char *drop_user, const char *drop_group, pid_t *pid,
                       int *fd, char *err, size_t errcap)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errcap, "socketpair: %s", strerror(errno));
        return -1;
    }
    size_buffers(sv);
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        snprintf(err, errcap, "fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (child == 0) {
        exec_worker(exe, drop_user, drop_group, sv[1]);
    }
    close(sv[1]);
    *fd = sv[0];
    *pid = child;
    return 0;
}

void modem_spawn_describe_end(char *buf, size_t cap, int status)
{
    if (WIFSIGNALED(status)) {
        snprintf(buf, cap, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else if (WIFEXITED(status)) {
        snprintf(buf, cap, "exited with status %d", WEXITSTATUS(status));
    } else {
        snprintf(buf, cap, "stopped");
    }
}
