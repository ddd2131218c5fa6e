/*
 * atchan: a plain AT dialogue in PDU mode (3GPP TS 27.005), for the rescue of messages that
 * libGammu cannot be trusted to read. Nothing here decodes a message: it only moves hex.
 */
/* cfmakeraw() and close_range() are functions glibc shows only with _GNU_SOURCE. */
#define _GNU_SOURCE
#include "atchan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "modem_raw.h"
#include "pdu.h"
#include "proc.h"

struct atchan {
    int fd;
    pid_t child; /* the proxy program, for "proxyat" */
    char buf[8192];
    size_t have;
};

static speed_t speed_of(const char *connection)
{
    static const struct {
        const char *suffix;
        speed_t speed;
    } speeds[] = {{"9600", B9600},   {"19200", B19200},   {"38400", B38400},
                  {"57600", B57600}, {"115200", B115200}, {"230400", B230400}};
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
        size_t n = strlen(speeds[i].suffix), c = strlen(connection);
        if (c >= n && strcmp(connection + c - n, speeds[i].suffix) == 0) {
            return speeds[i].speed;
        }
    }
    return B115200;
}

static int open_serial(struct atchan *ch, const char *connection, const char *device, char *err,
                       size_t errcap)
{
    ch->fd = open(device, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (ch->fd < 0) {
        snprintf(err, errcap, "cannot open %s: %s", device, strerror(errno));
        return -1;
    }
    struct termios t;
    if (tcgetattr(ch->fd, &t) == 0) {
        cfmakeraw(&t);
        cfsetispeed(&t, speed_of(connection));
        cfsetospeed(&t, speed_of(connection));
        t.c_cflag |= CLOCAL | CREAD;
        tcsetattr(ch->fd, TCSANOW, &t);
        tcflush(ch->fd, TCIOFLUSH);
    }
    return 0;
}

/* Runs the proxy command the way libGammu does, with a socket as its standard input and output.
 * The command line comes from the configuration, never from a message. */
static int open_proxy(struct atchan *ch, const char *device, char *err, size_t errcap)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errcap, "socketpair: %s", strerror(errno));
        return -1;
    }
    ch->child = fork();
    if (ch->child < 0) {
        snprintf(err, errcap, "fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (ch->child == 0) {
        dup2(sv[1], 0);
        dup2(sv[1], 1);
        close_range(3, ~0U, 0);
        execl("/bin/sh", "sh", "-c", device, (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    ch->fd = sv[0];
    return 0;
}

struct atchan *atchan_open(const char *connection, const char *device, char *err, size_t errcap)
{
    struct atchan *ch = calloc(1, sizeof *ch);
    if (ch == NULL) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    ch->fd = -1;
    int rc;
    if (strcmp(connection, "proxyat") == 0) {
        rc = open_proxy(ch, device, err, errcap);
    } else if (strncmp(connection, "at", 2) == 0) {
        rc = open_serial(ch, connection, device, err, errcap);
    } else {
        snprintf(err, errcap, "connection \"%s\" does not speak AT commands", connection);
        rc = -1;
    }
    if (rc == 0) {
        return ch;
    }
    free(ch);
    return NULL;
}

void atchan_close(struct atchan *ch)
{
    if (ch == NULL) {
        return;
    }
    if (ch->fd >= 0) {
        close(ch->fd);
    }
    if (ch->child > 0) {
        int status;
        kill(ch->child, SIGTERM);
        proc_reap(ch->child, 500, &status);
    }
    free(ch);
}

/* The next line of the answer, without its line end; blank lines are skipped. 0, or -1 at the
 * deadline or when the other end went away. */
static int read_line(struct atchan *ch, char *line, size_t cap, long long deadline)
{
    for (;;) {
        /* A prompt has no line end; hand it out as a line of its own. */
        if (ch->have >= 2 && ch->buf[0] == '>' && ch->buf[1] == ' ') {
            snprintf(line, cap, "> ");
            memmove(ch->buf, ch->buf + 2, ch->have - 2);
            ch->have -= 2;
            return 0;
        }
        char *nl = memchr(ch->buf, '\n', ch->have);
        if (nl != NULL) {
            size_t n = (size_t)(nl - ch->buf);
            size_t keep = n;
            while (keep > 0 && (ch->buf[keep - 1] == '\r' || ch->buf[keep - 1] == '\n')) {
                keep--;
            }
            size_t copy = keep < cap - 1 ? keep : cap - 1;
            memcpy(line, ch->buf, copy);
            line[copy] = '\0';
            memmove(ch->buf, nl + 1, ch->have - n - 1);
            ch->have -= n + 1;
            /* A lone \r before the text is what modems send first. */
            size_t lead = strspn(line, "\r");
            if (line[lead] == '\0') {
                continue;
            }
            memmove(line, line + lead, strlen(line + lead) + 1);
            return 0;
        }
        if (ch->have == sizeof ch->buf) {
            ch->have = 0; /* a line longer than any answer: drop it */
        }
        long long left = deadline - proc_now_ms();
        if (left <= 0) {
            return -1;
        }
        struct pollfd pfd = {.fd = ch->fd, .events = POLLIN};
        int r = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        if (r < 0 && errno != EINTR) {
            return -1;
        }
        if (r > 0) {
            ssize_t got = read(ch->fd, ch->buf + ch->have, sizeof ch->buf - ch->have);
            if (got <= 0) {
                return -1;
            }
            ch->have += (size_t)got;
        }
    }
}

static int is_final(const char *line)
{
    if (strcmp(line, "OK") == 0) {
        return 1;
    }
    if (strcmp(line, "ERROR") == 0 || strncmp(line, "+CMS ERROR", 10) == 0 ||
        strncmp(line, "+CME ERROR", 10) == 0) {
        return -1;
    }
    return 0;
}

int atchan_command(struct atchan *ch, const char *cmd, int timeout_ms, char *answer, size_t cap)
{
    char out[256];
    int n = snprintf(out, sizeof out, "%s\r", cmd);
    if (n < 0 || (size_t)n >= sizeof out || write(ch->fd, out, (size_t)n) != n) {
        return -1;
    }
    size_t used = 0;
    if (cap > 0) {
        answer[0] = '\0';
    }
    long long deadline = proc_now_ms() + timeout_ms;
    char line[1024];
    while (read_line(ch, line, sizeof line, deadline) == 0) {
        if (strcmp(line, cmd) == 0) {
            continue; /* the echo of our own command */
        }
        int fin = is_final(line);
        if (fin != 0) {
            return fin > 0 ? 0 : -1;
        }
        int w = snprintf(answer + used, cap > used ? cap - used : 0, "%s\n", line);
        if (w > 0 && used + (size_t)w < cap) {
            used += (size_t)w;
        }
    }
    return -1;
}

/* Wakes the modem and puts it into PDU mode on the SIM's storage. 0, or -1 with a reason. */
static int prepare_listing(struct atchan *ch, char *err, size_t errcap)
{
    char scratch[512];
    /* A modem may still be busy with what the killed worker said last: try a few times. */
    int ok = -1;
    for (int i = 0; i < 3 && ok != 0; i++) {
        ok = atchan_command(ch, "AT", 3000, scratch, sizeof scratch);
    }
    if (ok != 0) {
        snprintf(err, errcap, "the modem does not answer AT");
        return -1;
    }
    atchan_command(ch, "ATE0", 3000, scratch, sizeof scratch);
    if (atchan_command(ch, "AT+CMGF=0", 5000, scratch, sizeof scratch) != 0) {
        snprintf(err, errcap, "the modem refuses PDU mode (AT+CMGF=0)");
        return -1;
    }
    atchan_command(ch, "AT+CPMS=\"SM\",\"SM\"", 5000, scratch, sizeof scratch);
    return 0;
}

/* One listed message: the PDU line that follows its +CMGL header. */
static void read_listed(struct modem_raw *r, int index, const char *line)
{
    memset(r, 0, sizeof *r);
    r->index = index;
    long len = pdu_from_hex(line, r->pdu, sizeof r->pdu);
    if (len < 0) {
        /* Not hex: keep the characters themselves as the evidence. */
        size_t l = strlen(line);
        r->len = l < sizeof r->pdu ? l : sizeof r->pdu;
        memcpy(r->pdu, line, r->len);
        r->undecodable = true;
        snprintf(r->reason, sizeof r->reason, "the modem listed it as something not hex");
    } else {
        r->len = (size_t)len;
    }
}

/* Reads AT+CMGL's answer (changed in place) into a malloc'd list. 0, or -1 when memory runs out. */
static int parse_listing(char *answer, struct modem_raw **items, size_t *n)
{
    size_t count = 0, room = 0;
    struct modem_raw *list = NULL;
    char *save = NULL;
    int pending = -1;
    for (char *line = strtok_r(answer, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        int index;
        if (sscanf(line, "+CMGL: %d", &index) == 1) {
            pending = index;
            continue;
        }
        if (pending < 0) {
            continue;
        }
        struct modem_raw *r = modem_raw_next(&list, count, &room);
        if (r == NULL) {
            free(list);
            return -1;
        }
        read_listed(r, pending, line);
        count++;
        pending = -1;
    }
    *items = list;
    *n = count;
    return 0;
}

int atchan_list(struct atchan *ch, struct modem_raw **items, size_t *n, char *err, size_t errcap)
{
    *items = NULL;
    *n = 0;
    if (prepare_listing(ch, err, errcap) != 0) {
        return -1;
    }
    size_t cap = 64 * 1024 * 8;
    char *answer = malloc(cap);
    if (answer == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    if (atchan_command(ch, "AT+CMGL=4", 60000, answer, cap) != 0) {
        free(answer);
        snprintf(err, errcap, "listing the messages (AT+CMGL=4) failed");
        return -1;
    }
    int rc = parse_listing(answer, items, n);
    free(answer);
    if (rc != 0) {
        snprintf(err, errcap, "out of memory");
    }
    return rc;
}

int atchan_delete(struct atchan *ch, int index)
{
    char cmd[32], answer[256];
    snprintf(cmd, sizeof cmd, "AT+CMGD=%d", index);
    return atchan_command(ch, cmd, 10000, answer, sizeof answer);
}
