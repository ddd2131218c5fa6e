/*
 * modem_proxy: the daemon's side of the modem worker. Every request has a deadline; while it
 * waits, the daemon's tick runs at least once a second. A worker that dies or misses its deadline
 * is killed and reaped, the request fails as a modem error, and the daemon's usual back-off starts
 * the next worker later.
 */
#include "modem_proxy.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "modem_conf.h"
#include "modem_deadline.h"
#include "modem_pending.h"
#include "modem_raw.h"
#include "modem_spawn.h"
#include "modem_wire.h"
#include "proc.h"

/*
 * Requests sent without waiting for their answers (modem_pending): the worker answers in the
 * order it was asked, so the answers are collected from the first pending request on, before
 * anything that waits for its own answer is asked. The removals of a batch go in one request,
 * ordered only when the socket has room for it, collecting answers meanwhile (room_to_send), so
 * the two sides never wait on each other's full buffers.
 */
struct proxy {
    struct modem base;
    struct conf_modem cfg; /* our own copies */
    char *worker_exe;
    modem_proxy_tick tick;
    void *tick_arg;
    pid_t pid;
    int fd;
    bool connected;
    /* The SIM refused the configured PIN once: no worker may offer it again, since every try
     * brings the SIM closer to asking for its PUK. Only a restart with a new PIN clears it. */
    bool pin_refused;
    /* Started as root: a worker started while we still are becomes this user once it has
     * opened the modem ("" when there is nothing to drop). */
    char drop_user[64];
    char drop_group[64];
    struct modem_supervision sup;
    unsigned char *buf; /* WIRE_MAX bytes */
    /* A read-ahead is asked for only once the last one's parts have all been handed out. */
    struct modem_pending pending;
    int removes_failed; /* since the last read_next */
};

static struct proxy *proxy_of(struct modem *m)
{
    return (struct proxy *)m->impl;
}

/* Ends the worker, whatever it is doing, and records why. */
static void worker_end(struct proxy *p, const char *why, bool reading)
{
    if (p->pid > 0) {
        int status;
        proc_reap(p->pid, 0, &status);
        char how[96];
        modem_spawn_describe_end(how, sizeof how, status);
        snprintf(p->sup.last_death, sizeof p->sup.last_death, "%s (%s)", why, how);
        p->sup.deaths++;
        if (reading) {
            p->sup.deaths_while_reading++;
        }
        log_warn("modem worker %ld: %s", (long)p->pid, p->sup.last_death);
    }
    if (p->fd >= 0) {
        close(p->fd);
    }
    p->fd = -1;
    p->pid = 0;
    p->sup.worker_pid = 0;
    p->connected = false;
    /* A worker gone takes its unanswered requests with it: what it read ahead is read again by
     * the next one, and what it did not remove is read again and found stored. */
    modem_pending_forget(&p->pending);
}

/* A quiet end for a worker that did nothing wrong (a disconnect, or making room for a rescue). */
static void worker_stop(struct proxy *p)
{
    if (p->pid > 0) {
        close(p->fd);
        p->fd = -1;
        /* Closing its socket ends its loop; a worker stuck in libGammu is killed instead. */
        int status;
        proc_reap(p->pid, 1000, &status);
    }
    p->pid = 0;
    p->sup.worker_pid = 0;
    p->connected = false;
    modem_pending_forget(&p->pending);
}

static int worker_start(struct proxy *p, char *err, size_t errcap)
{
    if (modem_spawn_worker(p->worker_exe, p->drop_user, p->drop_group, &p->pid, &p->fd, err,
                           errcap) != 0) {
        return -1;
    }
    p->sup.worker_pid = p->pid;
    p->sup.starts++;
    log_info("modem worker %ld started", (long)p->pid);
    return 0;
}

/* Sends one request to the worker; -1 when it cannot be delivered (the worker is gone then). */
static int request(struct proxy *p, uint32_t op, const int32_t args[3], const void *payload,
                   size_t len, bool reading)
{
    if (p->pid <= 0) {
        return -1;
    }
    struct wire_msg req = {.op = op, .len = (uint32_t)len};
    if (args != NULL) {
        memcpy(req.arg, args, sizeof req.arg);
    }
    if (sizeof req + len > WIRE_MAX) {
        return -1;
    }
    memcpy(p->buf, &req, sizeof req);
    if (len > 0) {
        memcpy(p->buf + sizeof req, payload, len);
    }
    if (send(p->fd, p->buf, sizeof req + len, MSG_NOSIGNAL) != (ssize_t)(sizeof req + len)) {
        worker_end(p, "could not be sent a request", reading);
        return -1;
    }
    return 0;
}

/*
 * Waits up to timeout_ms for the answer to op (or, with items, for one of its WIRE_RAW_ITEM
 * messages), ticking the daemon meanwhile. Each word that the modem answered (WIRE_PROGRESS)
 * moves the deadline on (modem_deadline). The header goes to *h and the payload stays in p->buf
 * after it. -1 when the worker died or missed the deadline: it is gone then.
 */
static int await(struct proxy *p, uint32_t op, int timeout_ms, bool reading, struct wire_msg *h,
                 bool items)
{
    struct modem_deadline deadline;
    modem_deadline_start(&deadline, timeout_ms, proc_now_ms());
    for (;;) {
        long long left = deadline.at - proc_now_ms();
        if (left <= 0) {
            char why[96];
            modem_deadline_describe(&deadline, why, sizeof why);
            worker_end(p, why, reading);
            return -1;
        }
        struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
        int r = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        /* The tick talks to the database, which may change errno: a signal must not read as a
         * failed poll. */
        int poll_errno = errno;
        if (p->tick != NULL) {
            p->tick(p->tick_arg);
        }
        if (r < 0 && poll_errno != EINTR) {
            worker_end(p, "poll failed", reading);
            return -1;
        }
        if (r <= 0) {
            continue;
        }
        ssize_t got = recv(p->fd, p->buf, WIRE_MAX, 0);
        if (got < (ssize_t)sizeof *h) {
            worker_end(p, "died", reading);
            return -1;
        }
        memcpy(h, p->buf, sizeof *h);
        if (h->op == WIRE_PROGRESS && h->len == 0 && got == (ssize_t)sizeof *h) {
            long long answered = (long long)h->arg[0] * 1000 + h->arg[1];
            modem_deadline_answered(&deadline, answered, proc_now_ms());
            continue;
        }
        if (sizeof *h + h->len != (size_t)got ||
            (h->op != op && !(items && h->op == WIRE_RAW_ITEM))) {
            worker_end(p, "answered out of turn", reading);
            return -1;
        }
        return 0;
    }
}

/* Logs the removals that a removal answer h (payload in p->buf) says failed. */
static void removals_failed(struct proxy *p, const struct wire_msg *h, int done, int failed)
{
    for (int i = 0; i < failed; i++) {
        int32_t location;
        memcpy(&location, p->buf + sizeof *h + (size_t)i * sizeof location, sizeof location);
        log_warn("deleting the part at location %d failed; it will be read again", (int)location);
    }
    p->removes_failed += failed;
    if (failed < done) {
        p->sup.deaths_while_reading = 0;
    }
}

/* Collects the answer to the first pending request. 0, or -1 when the worker is gone. */
static int collect_one(struct proxy *p)
{
    struct wire_msg h;
    bool ahead = modem_pending_next_kind(&p->pending) == PENDING_AHEAD;
    uint32_t op = ahead ? WIRE_READ_AHEAD : WIRE_REMOVE;
    if (await(p, op, p->cfg.timeout_s * 1000, true, &h, false) < 0) {
        return -1;
    }
    const char *wrong;
    int done, failed;
    if (ahead) {
        wrong = modem_pending_take_ahead(&p->pending, &h, p->buf + sizeof h);
    } else if ((wrong = modem_pending_take_removed(&p->pending, &h, &done, &failed)) == NULL) {
        removals_failed(p, &h, done, failed);
    }
    if (wrong != NULL) {
        worker_end(p, wrong, true);
        return -1;
    }
    return 0;
}

/* Collects every pending answer. */
static int drain(struct proxy *p)
{
    while (p->pending.count > 0) {
        if (collect_one(p) != 0) {
            return -1;
        }
    }
    return 0;
}

/* call: the worker is gone and the request was never sent (it died on an earlier one). */
#define CALL_NOT_SENT (-2)

/* A request and its answer, after the answers still pending. 0; CALL_NOT_SENT; or -1 when the
 * worker died or missed the deadline on this request. */
static int call(struct proxy *p, uint32_t op, const int32_t args[3], const void *payload,
                size_t len, int timeout_ms, bool reading, struct wire_msg *h)
{
    if (drain(p) != 0 || request(p, op, args, payload, len, reading) != 0) {
        return CALL_NOT_SENT;
    }
    return await(p, op, timeout_ms, reading, h, false);
}

static const char *payload_text(struct proxy *p, const struct wire_msg *h)
{
    return wire_string(p->buf + sizeof *h, h->len, 0);
}

static int px_connect(struct modem *m, char *err, size_t errcap)
{
    struct proxy *p = proxy_of(m);
    if (p->pin_refused) {
        snprintf(err, errcap,
                 "the SIM refused the configured PIN; it is not tried again (set the "
                 "right PIN and restart the daemon)");
        return -1;
    }
    worker_stop(p);
    if (worker_start(p, err, errcap) != 0) {
        return -1;
    }
    const char *strs[] = {p->cfg.connection,
                          p->cfg.device,
                          p->cfg.model,
                          p->cfg.pin,
                          p->cfg.delivery_reports ? "1" : "0",
                          p->cfg.reject_calls ? "1" : "0"};
    unsigned char payload[4096];
    size_t len = wire_pack(payload, sizeof payload, strs, 6);
    struct wire_msg h;
    /* Connecting takes longest: libGammu probes the modem with some thirty commands. */
    if (call(p, WIRE_CONNECT, NULL, payload, len, p->cfg.timeout_s * 2000, false, &h) < 0) {
        snprintf(err, errcap, "modem worker: %s", p->sup.last_death);
        return -1;
    }
    if (h.arg[0] != 0) {
        snprintf(err, errcap, "%s", payload_text(p, &h));
        if (strstr(err, "the SIM refused the PIN") != NULL) {
            p->pin_refused = true;
        }
        worker_stop(p);
        return -1;
    }
    p->connected = true;
    return 0;
}

static void px_disconnect(struct modem *m)
{
    struct proxy *p = proxy_of(m);
    /* Removals ordered are let through first; a worker that does not answer is ended. */
    drain(p);
    worker_stop(p);
}

static enum modem_read_result px_read_next(struct modem *m, bool restart, struct modem_part *part)
{
    struct proxy *p = proxy_of(m);
    if (restart) {
        if (drain(p) != 0) {
            return MODEM_READ_ERROR;
        }
        modem_pending_drop_parts(&p->pending);
    }
    while (modem_pending_awaiting_part(&p->pending)) {
        if (collect_one(p) != 0) {
            return MODEM_READ_ERROR;
        }
    }
    if (p->removes_failed > 0) {
        p->removes_failed = 0;
        modem_pending_drop_parts(&p->pending);
        return MODEM_READ_ERROR;
    }
    enum modem_read_result r;
    if (!modem_pending_next_part(&p->pending, &r, part)) {
        int32_t args[3] = {restart ? 1 : 0, 0, 0};
        struct wire_msg h;
        size_t pos = 0;
        if (call(p, WIRE_READ_NEXT, args, NULL, 0, p->cfg.timeout_s * 1000, true, &h) < 0) {
            return MODEM_READ_ERROR;
        }
        if (modem_pending_take_record(p->buf + sizeof h, h.len, &pos, &r, part) != 0 ||
            h.arg[0] != 1 || pos != h.len) {
            worker_end(p, "sent a malformed message part", true);
            return MODEM_READ_ERROR;
        }
    }
    if (r == MODEM_READ_PART || r == MODEM_READ_UNDECODABLE) {
        return r;
    }
    if (r == MODEM_READ_END) {
        /* A whole listing read without dying: whatever killed workers before is gone. Single
         * parts read are no such proof: a poisonous message may come after them. */
        p->sup.deaths_while_reading = 0;
        return MODEM_READ_END;
    }
    return MODEM_READ_ERROR;
}

static void px_read_ahead(struct modem *m, int max)
{
    struct proxy *p = proxy_of(m);
    /* Not while the last read-ahead's parts are still being handed out (intake asks only once
     * it has taken a whole batch, so they never are). */
    if (!p->connected || max <= 0 || p->pending.ahead_owed || p->pending.ahead_count > 0 ||
        modem_pending_full(&p->pending) || modem_pending_ahead_room(&p->pending, max) != 0) {
        return;
    }
    int32_t args[3] = {max, 0, 0};
    if (request(p, WIRE_READ_AHEAD, args, NULL, 0, true) == 0) {
        modem_pending_push(&p->pending, PENDING_AHEAD, max);
    }
}

/* Takes the word that the modem answered when it is next in the socket: outside a wait for an
 * answer it is of no use. True when one was taken. */
static bool skip_progress(struct proxy *p)
{
    struct wire_msg h;
    if (recv(p->fd, &h, sizeof h, MSG_PEEK | MSG_DONTWAIT) != (ssize_t)sizeof h ||
        h.op != WIRE_PROGRESS || h.len != 0) {
        return false;
    }
    return recv(p->fd, &h, sizeof h, MSG_DONTWAIT) == (ssize_t)sizeof h;
}

static bool px_ready(struct modem *m, int wait_ms)
{
    struct proxy *p = proxy_of(m);
    if (!modem_pending_awaiting_part(&p->pending)) {
        return true; /* the common case, before every part: no clock read */
    }
    long long deadline = proc_now_ms() + wait_ms;
    while (modem_pending_awaiting_part(&p->pending)) {
        long long left = deadline - proc_now_ms();
        struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
        int r = poll(&pfd, 1, left > 0 ? (int)left : 0);
        if (r == 0) {
            return false;
        }
        if ((r < 0 && errno == EINTR) || (r > 0 && skip_progress(p))) {
            continue;
        }
        /* An answer (or a failure, which read_next then reports). */
        if (r < 0 || collect_one(p) != 0) {
            return true;
        }
    }
    return true;
}

static bool px_reading(struct modem *m)
{
    return proxy_of(m)->pending.ahead_owed;
}

/*
 * Waits until a request can be sent without blocking: while the worker's side of the socket is
 * full, the worker may itself be blocked handing us read-ahead answers, so they are collected
 * meanwhile instead of waiting for the whole read-ahead (which ends, at the listing's end, with
 * the dummy driver's long search). 0, or -1 when the worker is gone.
 */
static int room_to_send(struct proxy *p)
{
    for (;;) {
        struct pollfd pfd = {.fd = p->fd, .events = POLLOUT};
        int r = poll(&pfd, 1, 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r != 0 || p->pending.count == 0) {
            return 0; /* writable, or an error that the send itself reports */
        }
        if (collect_one(p) != 0) {
            return -1;
        }
    }
}

/* The most removals one request orders. */
#define REMOVE_CHUNK 1024

static int px_remove_later(struct modem *m, const struct modem_part *parts, int n)
{
    struct proxy *p = proxy_of(m);
    for (int from = 0; from < n; from += REMOVE_CHUNK) {
        int32_t locations[REMOVE_CHUNK];
        int k = n - from < REMOVE_CHUNK ? n - from : REMOVE_CHUNK;
        for (int i = 0; i < k; i++) {
            locations[i] = parts[from + i].location;
        }
        if ((modem_pending_full(&p->pending) && collect_one(p) != 0) || room_to_send(p) != 0 ||
            request(p, WIRE_REMOVE, NULL, locations, (size_t)k * sizeof locations[0], true) != 0) {
            return -1;
        }
        modem_pending_push(&p->pending, PENDING_REMOVE, k);
    }
    return 0;
}

static int px_count_parts(struct modem *m, const char *utf8)
{
    struct proxy *p = proxy_of(m);
    struct wire_msg h;
    size_t len = strlen(utf8) + 1;
    if (call(p, WIRE_COUNT_PARTS, NULL, utf8, len, p->cfg.timeout_s * 1000, false, &h) < 0) {
        /* Often not this request's doing: the removals ordered before it were still pending. */
        return MODEM_GONE;
    }
    return h.arg[0] < 0 ? -1 : h.arg[0];
}

static enum modem_send_result px_send_part(struct modem *m, const char *number, const char *utf8,
                                           int ref, int index, int *msg_ref, char *err,
                                           size_t errcap)
{
    struct proxy *p = proxy_of(m);
    unsigned char *payload = malloc(WIRE_MAX);
    if (payload == NULL) {
        snprintf(err, errcap, "out of memory");
        return MODEM_SEND_REFUSED;
    }
    const char *strs[] = {number, utf8};
    size_t len = wire_pack(payload, WIRE_MAX - sizeof(struct wire_msg), strs, 2);
    if (len == 0) {
        free(payload);
        snprintf(err, errcap, "text too long");
        return MODEM_SEND_REFUSED;
    }
    int32_t args[3] = {ref, index, 0};
    struct wire_msg h;
    int got = call(p, WIRE_SEND_PART, args, payload, len, p->cfg.timeout_s * 1000, false, &h);
    free(payload);
    if (got < 0) {
        snprintf(err, errcap, "modem worker: %s", p->sup.last_death);
        /* Died on this part: it may have reached the modem first. Gone before it: it did not. */
        return got == CALL_NOT_SENT ? MODEM_SEND_REFUSED : MODEM_SEND_UNKNOWN;
    }
    *msg_ref = h.arg[1];
    snprintf(err, errcap, "%s", payload_text(p, &h));
    switch (h.arg[0]) {
    case MODEM_SEND_OK:
        return MODEM_SEND_OK;
    case MODEM_SEND_REFUSED:
        return MODEM_SEND_REFUSED;
    default:
        return MODEM_SEND_UNKNOWN;
    }
}

static int px_status(struct modem *m, struct modem_status *st)
{
    struct proxy *p = proxy_of(m);
    struct wire_msg h;
    if (call(p, WIRE_STATUS, NULL, NULL, 0, p->cfg.timeout_s * 1000, false, &h) < 0) {
        return -1;
    }
    if (h.arg[0] != 0 || h.len != sizeof *st) {
        return -1;
    }
    memcpy(st, p->buf + sizeof h, sizeof *st);
    st->imei[sizeof st->imei - 1] = '\0';
    st->imsi[sizeof st->imsi - 1] = '\0';
    st->network[sizeof st->network - 1] = '\0';
    return 0;
}

static int px_reset(struct modem *m, bool hard, char *err, size_t errcap)
{
    struct proxy *p = proxy_of(m);
    int32_t args[3] = {hard ? 1 : 0, 0, 0};
    struct wire_msg h;
    if (!p->connected || p->fd < 0) {
        snprintf(err, errcap, "not connected");
        return -1;
    }
    if (call(p, WIRE_RESET, args, NULL, 0, p->cfg.timeout_s * 1000, false, &h) < 0) {
        snprintf(err, errcap, "modem worker: %s", p->sup.last_death);
        return -1;
    }
    int rc = h.arg[0];
    if (rc != 0) {
        snprintf(err, errcap, "%s", payload_text(p, &h));
    }
    /* The worker has closed its connection: the next connect starts a fresh one. */
    worker_stop(p);
    return rc;
}

static int px_ussd(struct modem *m, const char *code, char *reply, size_t cap, char *err,
                   size_t errcap)
{
    struct proxy *p = proxy_of(m);
    struct wire_msg h;
    reply[0] = '\0';
    if (!p->connected || p->fd < 0) {
        snprintf(err, errcap, "not connected");
        return -1;
    }
    if (call(p, WIRE_USSD, NULL, code, strlen(code) + 1, p->cfg.timeout_s * 1000, false, &h) < 0) {
        snprintf(err, errcap, "modem worker: %s", p->sup.last_death);
        return -1;
    }
    snprintf(reply, cap, "%s", wire_string(p->buf + sizeof h, h.len, 0));
    snprintf(err, errcap, "%s", wire_string(p->buf + sizeof h, h.len, 1));
    return h.arg[0];
}

static int px_raw_list(struct modem *m, struct modem_raw **items, size_t *n, char *err,
                       size_t errcap)
{
    struct proxy *p = proxy_of(m);
    *items = NULL;
    *n = 0;
    /* The rescue speaks to the modem itself, so no libGammu may hold it meanwhile. */
    worker_stop(p);
    if (worker_start(p, err, errcap) != 0) {
        return -1;
    }
    const char *strs[] = {p->cfg.connection, p->cfg.device};
    unsigned char payload[4096];
    size_t len = wire_pack(payload, sizeof payload, strs, 2);
    struct wire_msg h;
    size_t count = 0, room = 0;
    struct modem_raw *list = NULL;
    /* Each item is judged by a trial decode of up to five seconds. */
    int timeout_ms = p->cfg.timeout_s * 2000 + 5000;
    if (request(p, WIRE_RAW_LIST, NULL, payload, len, false) != 0) {
        snprintf(err, errcap, "rescue worker: %s", p->sup.last_death);
        return -1;
    }
    for (;;) {
        if (await(p, WIRE_RAW_LIST, timeout_ms, false, &h, true) != 0) {
            free(list);
            snprintf(err, errcap, "rescue worker: %s", p->sup.last_death);
            return -1;
        }
        if (h.op == WIRE_RAW_LIST) {
            break;
        }
        if (h.len != sizeof(struct modem_raw)) {
            continue;
        }
        struct modem_raw *r = modem_raw_next(&list, count, &room);
        if (r == NULL) {
            free(list);
            snprintf(err, errcap, "out of memory");
            return -1;
        }
        memcpy(r, p->buf + sizeof h, sizeof *r);
        if (r->len > sizeof r->pdu) {
            r->len = sizeof r->pdu;
        }
        r->reason[sizeof r->reason - 1] = '\0';
        count++;
    }
    if (h.arg[0] != 0) {
        free(list);
        snprintf(err, errcap, "%s", payload_text(p, &h));
        return -1;
    }
    *items = list;
    *n = count;
    return 0;
}

static int px_raw_delete(struct modem *m, int index)
{
    struct proxy *p = proxy_of(m);
    int32_t args[3] = {index, 0, 0};
    struct wire_msg h;
    if (call(p, WIRE_RAW_DELETE, args, NULL, 0, p->cfg.timeout_s * 1000, false, &h) < 0) {
        return -1;
    }
    return h.arg[0] == 0 ? 0 : -1;
}

static void px_destroy(struct modem *m)
{
    struct proxy *p = proxy_of(m);
    drain(p);
    worker_stop(p);
    modem_pending_free(&p->pending);
    modem_conf_free(&p->cfg);
    free(p->worker_exe);
    free(p->buf);
    free(p);
}

static const struct modem_async_ops proxy_async_ops = {
    .read_ahead = px_read_ahead,
    .ready = px_ready,
    .reading = px_reading,
    .remove_later = px_remove_later,
};

static const struct modem_raw_ops proxy_raw_ops = {.list = px_raw_list, .delete = px_raw_delete};

static const struct modem_ops proxy_ops = {
    .name = "proxy",
    .connect = px_connect,
    .disconnect = px_disconnect,
    .read_next = px_read_next,
    .async = &proxy_async_ops,
    .count_parts = px_count_parts,
    .send_part = px_send_part,
    .raw = &proxy_raw_ops,
    .status = px_status,
    .destroy = px_destroy,
    .reset = px_reset,
    .ussd = px_ussd,
};

struct modem *modem_proxy_new(const struct conf_modem *cfg, const char *worker_exe,
                              modem_proxy_tick tick, void *tick_arg)
{
    struct proxy *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return NULL;
    }
    int copied = modem_conf_copy(&p->cfg, cfg);
    if (p->cfg.timeout_s <= 0) {
        p->cfg.timeout_s = 60;
    }
    p->worker_exe = strdup(worker_exe);
    p->buf = malloc(WIRE_MAX);
    p->fd = -1;
    p->tick = tick;
    p->tick_arg = tick_arg;
    if (copied != 0 || !p->worker_exe || !p->buf) {
        p->base.impl = p;
        px_destroy(&p->base);
        return NULL;
    }
    p->base.ops = &proxy_ops;
    p->base.impl = p;
    return &p->base;
}

void modem_proxy_drop_to(struct modem *m, const char *user, const char *group)
{
    struct proxy *p = proxy_of(m);
    snprintf(p->drop_user, sizeof p->drop_user, "%s", user ? user : "");
    snprintf(p->drop_group, sizeof p->drop_group, "%s", group ? group : "");
}

void modem_proxy_supervision(struct modem *m, struct modem_supervision *out)
{
    *out = proxy_of(m)->sup;
}

void modem_proxy_forget_deaths(struct modem *m)
{
    proxy_of(m)->sup.deaths_while_reading = 0;
}
