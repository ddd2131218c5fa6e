/*
 * modem_worker: the process that runs libGammu for the daemon. It holds nothing but the modem's
 * settings, answers one request at a time, and may die on a hostile message without harm: the
 * daemon notices and starts another.
 */
#define _GNU_SOURCE /* close_range */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atchan.h"
#include "fault.h"
#include "log.h"
#include "modem.h"
#include "modem_proxy.h"
#include "modem_trace.h"
#include "modem_wire.h"
#include "modem_wire_batch.h"
#include "pdu.h"
#include "privdrop.h"
#include "proc.h"

/* How long a trial decode of one PDU may take before it counts as a hang. */
#define TRIAL_TIMEOUT_MS 5000
/* The daemon hears that the modem answers at most this often: enough to keep a request alive,
 * few enough not to crowd the socket. */
#define PROGRESS_EVERY_MS 500

struct worker {
    int fd;
    struct modem *modem;      /* libGammu, once connected */
    struct atchan *chan;      /* the plain AT channel of a rescue */
    unsigned char *in;        /* WIRE_MAX bytes, one request */
    unsigned char *out;       /* WIRE_MAX bytes, one answer */
    struct wire_batch *ahead; /* the read-ahead's answers, once there was one */
    const char *drop_user;    /* become this user once the modem is open; NULL when not root */
    const char *drop_group;
    long long progress_told_ms; /* when the daemon last heard that the modem answers */
};

/* Root is needed at most to open the modem's device: right after the first open, whatever its
 * outcome, the worker becomes the daemon's user before it reads a single message. */
static void drop_after_open(struct worker *w)
{
    if (w->drop_user == NULL)
        return;
    struct privdrop who;
    char err[200];
    if (privdrop_resolve(w->drop_user, w->drop_group, &who, err, sizeof err) != 0 ||
        privdrop_apply(&who, err, sizeof err) != 0) {
        log_err("cannot give up root: %s", err);
        _exit(1);
    }
    w->drop_user = NULL;
    /* A change of user clears the parent-death signal; the worker must still die with the
     * daemon. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* A proxy connection's device is a command the worker starts: it runs as the daemon's user from
 * the start, so the worker gives up root before it opens such a modem. */
static void drop_before_command(struct worker *w, const char *connection)
{
    if (strncmp(connection, "proxy", 5) == 0) {
        drop_after_open(w);
    }
}

/* Called from inside libGammu whenever the modem answers: a request on a slow modem may take
 * longer than its deadline while every command is answered, and the daemon must not take that for
 * a hang. Never blocking: with the socket full the daemon has news enough to read. */
static void tell_progress(void *arg)
{
    struct worker *w = arg;
    long long now = proc_now_ms();
    if (now - w->progress_told_ms < PROGRESS_EVERY_MS) {
        return;
    }
    w->progress_told_ms = now;
    struct wire_msg h = {.op = WIRE_PROGRESS,
                         .arg = {(int32_t)(now / 1000), (int32_t)(now % 1000)}};
    send(w->fd, &h, sizeof h, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Sends the answer whose payload (len bytes) is already in place after its header in w->out. */
static int send_built(struct worker *w, uint32_t op, int a0, int a1, size_t len)
{
    struct wire_msg h = {.op = op, .arg = {a0, a1, 0}, .len = (uint32_t)len};
    memcpy(w->out, &h, sizeof h);
    return send(w->fd, w->out, sizeof h + len, MSG_NOSIGNAL) == (ssize_t)(sizeof h + len) ? 0 : -1;
}

static int answer(struct worker *w, uint32_t op, int a0, int a1, const void *payload, size_t len)
{
    if (sizeof(struct wire_msg) + len > WIRE_MAX) {
        return -1;
    }
    if (len > 0) {
        memcpy(w->out + sizeof(struct wire_msg), payload, len);
    }
    return send_built(w, op, a0, a1, len);
}

/* Decodes the PDU with libGammu in a throwaway process: what kills or hangs it there would kill
 * or hang the worker that reads it from the modem. */
static void judge(struct modem_raw *r)
{
    struct pdu_peek peek;
    if (pdu_peek(r->pdu, r->len, &peek) != 0 && strstr(peek.problem, "(at most") != NULL) {
        /* Longer than any SMS: libGammu's decoder writes past its buffer on these. */
        r->poison = true;
        snprintf(r->reason, sizeof r->reason, "%s", peek.problem);
        return;
    }
    if (pdu_broken_deliver(&peek)) {
        /* What the worker that reads the modem leaves on it (modem_decode_pdu), whatever
         * libGammu's decoder would make of it. */
        r->undecodable = true;
        snprintf(r->reason, sizeof r->reason, "malformed: %s", peek.problem);
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->reason, sizeof r->reason, "could not try it: fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        /* The trial decodes bytes it was handed and needs no descriptor: not the daemon's
         * socket, not the modem, not the log (its own abort message would only confuse it). */
        int devnull = open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3 && devnull >= 0; fd++) {
            dup2(devnull, fd);
        }
        close_range(3, ~0U, 0);
        fault_hold("trial");
        _exit(modem_gammu_pdu_trial(r->pdu, r->len) == 0 ? 0 : 1);
    }
    int status;
    if (!proc_reap(pid, TRIAL_TIMEOUT_MS, &status)) {
        r->poison = true;
        snprintf(r->reason, sizeof r->reason, "libGammu's decoder hangs on it");
    } else if (WIFSIGNALED(status)) {
        r->poison = true;
        snprintf(r->reason, sizeof r->reason, "libGammu's decoder dies on it (signal %d)",
                 WTERMSIG(status));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        r->undecodable = true;
        snprintf(r->reason, sizeof r->reason, "libGammu refuses to decode it%s%s",
                 peek.problem[0] ? ": " : "", peek.problem);
    }
}

static void do_raw_list(struct worker *w, const unsigned char *p, size_t len)
{
    char err[256] = "";
    if (w->modem != NULL) {
        w->modem->ops->destroy(w->modem);
        w->modem = NULL;
    }
    atchan_close(w->chan);
    drop_before_command(w, wire_string(p, len, 0));
    w->chan = atchan_open(wire_string(p, len, 0), wire_string(p, len, 1), err, sizeof err);
    drop_after_open(w);
    struct modem_raw *items = NULL;
    size_t n = 0;
    if (w->chan == NULL || atchan_list(w->chan, &items, &n, err, sizeof err) != 0) {
        answer(w, WIRE_RAW_LIST, -1, 0, err, strlen(err) + 1);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!items[i].undecodable) {
            judge(&items[i]);
        }
        if (answer(w, WIRE_RAW_ITEM, 0, 0, &items[i], sizeof items[i]) != 0) {
            break;
        }
    }
    free(items);
    answer(w, WIRE_RAW_LIST, 0, (int)n, "", 1);
}

static void do_connect(struct worker *w, const struct wire_msg *h, const unsigned char *p)
{
    char err[256] = "";
    struct conf_modem cfg = {
        .connection = (char *)(uintptr_t)wire_string(p, h->len, 0),
        .device = (char *)(uintptr_t)wire_string(p, h->len, 1),
        .model = (char *)(uintptr_t)wire_string(p, h->len, 2),
        .pin = (char *)(uintptr_t)wire_string(p, h->len, 3),
        .delivery_reports = strcmp(wire_string(p, h->len, 4), "1") == 0,
        .reject_calls = strcmp(wire_string(p, h->len, 5), "1") == 0,
    };
    drop_before_command(w, cfg.connection);
    if (w->modem == NULL) {
        w->modem = modem_gammu_new(&cfg);
    }
    int rc = w->modem ? w->modem->ops->connect(w->modem, err, sizeof err) : -1;
    drop_after_open(w);
    answer(w, h->op, rc, 0, err, strlen(err) + 1);
}

static enum modem_read_result read_part(struct worker *w, bool restart, struct modem_part *part)
{
    return w->modem ? w->modem->ops->read_next(w->modem, restart, part) : MODEM_READ_ERROR;
}

/* Answers with one read record. */
static int answer_record(struct worker *w, uint32_t op, enum modem_read_result r,
                         const struct modem_part *part)
{
    size_t pos = 0;
    /* A record always fits an empty message. */
    wire_put_record(w->out + sizeof(struct wire_msg), WIRE_MAX - sizeof(struct wire_msg), &pos, r,
                    part);
    return send_built(w, op, 1, 0, pos);
}

static void do_read_next(struct worker *w, bool restart)
{
    static struct modem_part part;
    answer_record(w, WIRE_READ_NEXT, read_part(w, restart, &part), &part);
}

/* Reads up to max parts while the daemon stores what it has; the answers wait in the socket,
 * several parts to a message where the timer thread can run, else one. */
static void do_read_ahead(struct worker *w, int max)
{
    static struct modem_part part;
    if (w->ahead == NULL) {
        w->ahead = wire_batch_new(w->fd);
    }
    if (w->ahead != NULL) {
        wire_batch_begin(w->ahead, WIRE_READ_AHEAD);
    }
    for (int i = 0; i < max; i++) {
        enum modem_read_result r = read_part(w, false, &part);
        bool last = (r != MODEM_READ_PART && r != MODEM_READ_UNDECODABLE) || i + 1 == max;
        int sent = w->ahead != NULL ? wire_batch_add(w->ahead, r, &part, last)
                                    : answer_record(w, WIRE_READ_AHEAD, r, &part);
        if (sent != 0 || last) {
            return;
        }
    }
}

/*
 * Removes the parts at the locations the payload lists, in order. The answers account for them
 * as they go, at least every WIRE_REMOVED_EVERY_MS, so that the daemon's deadline on each answer
 * still bounds each removal; each names the locations whose removal failed.
 */
static void do_remove(struct worker *w, const struct wire_msg *h, const unsigned char *p)
{
    static struct modem_part part; /* removing needs nothing but the location */
    size_t n = h->len / sizeof(int32_t);
    unsigned char *failed = w->out + sizeof(struct wire_msg);
    int done = 0, n_failed = 0;
    long long last_answer = proc_now_ms();
    for (size_t i = 0; i < n; i++) {
        memcpy(&part.location, p + i * sizeof(int32_t), sizeof(int32_t));
        int rc = w->modem ? w->modem->ops->remove(w->modem, &part) : -1;
        done++;
        if (rc != 0) {
            memcpy(failed + (size_t)n_failed++ * sizeof(int32_t), &part.location, sizeof(int32_t));
        }
        long long now = proc_now_ms();
        if (i + 1 == n || now - last_answer >= WIRE_REMOVED_EVERY_MS) {
            if (send_built(w, h->op, done, n_failed, (size_t)n_failed * sizeof(int32_t)) != 0) {
                return;
            }
            done = n_failed = 0;
            last_answer = now;
        }
    }
    if (n == 0) {
        send_built(w, h->op, 0, 0, 0);
    }
}

static void do_send_part(struct worker *w, const struct wire_msg *h, const unsigned char *p)
{
    char err[256] = "";
    int msg_ref = -1;
    enum modem_send_result r = MODEM_SEND_REFUSED;
    if (w->modem != NULL) {
        r = w->modem->ops->send_part(w->modem, wire_string(p, h->len, 0), wire_string(p, h->len, 1),
                                     h->arg[0], h->arg[1], &msg_ref, err, sizeof err);
    } else {
        snprintf(err, sizeof err, "the modem is not connected");
    }
    answer(w, h->op, r, msg_ref, err, strlen(err) + 1);
}

static void do_status(struct worker *w)
{
    struct modem_status st;
    int rc = w->modem ? w->modem->ops->status(w->modem, &st) : -1;
    answer(w, WIRE_STATUS, rc, 0, rc == 0 ? &st : NULL, rc == 0 ? sizeof st : 0);
}

static void do_reset(struct worker *w, bool hard)
{
    char err[256] = "";
    int rc = w->modem && w->modem->ops->reset
                 ? w->modem->ops->reset(w->modem, hard, err, sizeof err)
                 : -1;
    answer(w, WIRE_RESET, rc, 0, err, strlen(err) + 1);
}

static void do_ussd(struct worker *w, const char *code)
{
    char reply[800] = "", err[256] = "";
    int rc = -1;
    if (w->modem != NULL && w->modem->ops->ussd != NULL) {
        rc = w->modem->ops->ussd(w->modem, code, reply, sizeof reply, err, sizeof err);
    } else {
        snprintf(err, sizeof err, "the modem is not connected");
    }
    const char *texts[] = {reply, err};
    unsigned char out[sizeof reply + sizeof err];
    size_t len = wire_pack(out, sizeof out, texts, 2);
    answer(w, WIRE_USSD, rc, 0, out, len);
}

static void do_raw_delete(struct worker *w, int index)
{
    int rc = w->chan ? atchan_delete(w->chan, index) : -1;
    answer(w, WIRE_RAW_DELETE, rc, 0, NULL, 0);
}

/* Takes each request's arguments off the wire for the handler of its kind. */
static void serve(struct worker *w, const struct wire_msg *h, const unsigned char *p)
{
    switch ((enum wire_op)h->op) {
    case WIRE_CONNECT:
        do_connect(w, h, p);
        return;
    case WIRE_DISCONNECT:
        if (w->modem != NULL) {
            w->modem->ops->disconnect(w->modem);
        }
        answer(w, h->op, 0, 0, NULL, 0);
        return;
    case WIRE_READ_NEXT:
        do_read_next(w, h->arg[0] != 0);
        return;
    case WIRE_READ_AHEAD:
        do_read_ahead(w, h->arg[0]);
        return;
    case WIRE_REMOVE:
        do_remove(w, h, p);
        return;
    case WIRE_COUNT_PARTS: {
        int n = w->modem ? w->modem->ops->count_parts(w->modem, wire_string(p, h->len, 0)) : -1;
        answer(w, h->op, n, 0, NULL, 0);
        return;
    }
    case WIRE_SEND_PART:
        do_send_part(w, h, p);
        return;
    case WIRE_STATUS:
        do_status(w);
        return;
    case WIRE_RAW_LIST:
        do_raw_list(w, p, h->len);
        return;
    case WIRE_RAW_DELETE:
        do_raw_delete(w, h->arg[0]);
        return;
    case WIRE_RESET:
        do_reset(w, h->arg[0] != 0);
        return;
    case WIRE_USSD:
        do_ussd(w, wire_string(p, h->len, 0));
        return;
    case WIRE_RAW_ITEM:
    case WIRE_PROGRESS:
        break;
    }
    answer(w, h->op, -1, 0, "unknown request", 16);
}

int modem_worker_main(int fd, const char *drop_user, const char *drop_group)
{
    struct worker w = {.fd = fd, .drop_user = drop_user, .drop_group = drop_group};
    w.in = malloc(WIRE_MAX);
    w.out = malloc(WIRE_MAX);
    if (w.in == NULL || w.out == NULL) {
        free(w.in);
        free(w.out);
        return 1;
    }
    /* The daemon's signals are the daemon's: a SIGTERM to the process group must not kill the
     * worker in the middle of a send; the daemon ends it when it is done. */
    /* Whatever happens to the daemon, its worker must not outlive it, holding the modem: the
     * kernel ends it with its parent, even while it is stuck inside libGammu. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* What libGammu or a rescue starts (a proxy command) must not hold the daemon's socket. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    modem_trace_on_answer(tell_progress, &w);
    for (;;) {
        ssize_t got = recv(fd, w.in, WIRE_MAX, 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < (ssize_t)sizeof(struct wire_msg)) {
            break; /* the daemon is gone, or said something we cannot read */
        }
        struct wire_msg h;
        memcpy(&h, w.in, sizeof h);
        if (sizeof h + h.len != (size_t)got) {
            break;
        }
        serve(&w, &h, w.in + sizeof h);
    }
    if (w.modem != NULL) {
        w.modem->ops->destroy(w.modem);
    }
    atchan_close(w.chan);
    modem_trace_on_answer(NULL, NULL);
    wire_batch_free(w.ahead);
    free(w.in);
    free(w.out);
    return 0;
}
