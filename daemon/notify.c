/*
 * notify: systemd's notification protocol, a datagram to the AF_UNIX socket named in
 * $NOTIFY_SOCKET (a leading '@' names an abstract socket).
 */
#include "notify.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proc.h"

static struct sockaddr_un addr;
static socklen_t addr_len;
static long long watchdog_ms; /* half of WATCHDOG_USEC, 0 when there is no watchdog */
static long long last_ping_ms;

void notify_init(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (path != NULL && path[0] != '\0' && strlen(path) < sizeof addr.sun_path) {
        memset(&addr, 0, sizeof addr);
        addr.sun_family = AF_UNIX;
        size_t len = strlen(path);
        memcpy(addr.sun_path, path, len);
        if (path[0] == '@') {
            addr.sun_path[0] = '\0';
        }
        addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    }
    const char *usec = getenv("WATCHDOG_USEC");
    if (usec != NULL && addr_len > 0) {
        long long v = atoll(usec);
        watchdog_ms = v > 0 ? v / 2000 : 0;
    }
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
}

void notify_send(const char *state)
{
    if (addr_len == 0) {
        return;
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    /* A lost notification is not worth more than a try: systemd's own timeouts cover it. */
    ssize_t sent =
        sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len);
    (void)sent;
    close(fd);
}

void notify_watchdog(void)
{
    if (watchdog_ms <= 0) {
        return;
    }
    long long now = proc_now_ms();
    if (now - last_ping_ms >= watchdog_ms) {
        last_ping_ms = now;
        notify_send("WATCHDOG=1");
    }
}
