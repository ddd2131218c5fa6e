/*
 * modem_wire_batch: the read-ahead's answer in few messages; see include/modem_wire_batch.h.
 * The worker's one thread of libGammu fills the message; the timer thread only ever sends what
 * is held, under the same lock, so the records go out whole and in order.
 */
#include "modem_wire_batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "modem_wire.h"

struct wire_batch {
    int fd;
    pthread_t timer;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a first record held, or the end */
    bool stop;
    bool failed; /* a send failed: the daemon is gone */
    uint32_t op;
    int held;                   /* records in msg */
    size_t len;                 /* payload bytes in msg */
    unsigned long message;      /* counts the messages begun, to tell them apart */
    struct timespec first_held; /* CLOCK_MONOTONIC */
    unsigned char msg[WIRE_MAX];
};

/* Sends what is held, if anything; the caller holds the lock. */
static void send_held(struct wire_batch *b)
{
    if (b->held == 0 || b->failed) {
        return;
    }
    struct wire_msg h = {.op = b->op, .arg = {b->held, 0, 0}, .len = (uint32_t)b->len};
    memcpy(b->msg, &h, sizeof h);
    size_t n = sizeof h + b->len;
    if (send(b->fd, b->msg, n, MSG_NOSIGNAL) != (ssize_t)n) {
        b->failed = true;
    }
    b->held = 0;
    b->len = 0;
}

static struct timespec hold_until(const struct timespec *from)
{
    struct timespec t = *from;
    t.tv_nsec += WIRE_HOLD_MS * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static void *timer_main(void *arg)
{
    struct wire_batch *b = arg;
    pthread_mutex_lock(&b->lock);
    while (!b->stop) {
        if (b->held == 0) {
            pthread_cond_wait(&b->changed, &b->lock);
            continue;
        }
        unsigned long message = b->message;
        struct timespec until = hold_until(&b->first_held);
        int rc = pthread_cond_timedwait(&b->changed, &b->lock, &until);
        /* Still the same message, and its time is up. */
        if (rc == ETIMEDOUT && b->held > 0 && b->message == message) {
            send_held(b);
        }
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

struct wire_batch *wire_batch_new(int fd)
{
    struct wire_batch *b = calloc(1, sizeof *b);
    if (b == NULL) {
        return NULL;
    }
    b->fd = fd;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&b->changed, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&b->lock, NULL);
    if (pthread_create(&b->timer, NULL, timer_main, b) != 0) {
        pthread_cond_destroy(&b->changed);
        pthread_mutex_destroy(&b->lock);
        free(b);
        return NULL;
    }
    return b;
}

void wire_batch_free(struct wire_batch *b)
{
    if (b == NULL) {
        return;
    }
    pthread_mutex_lock(&b->lock);
    b->stop = true;
    pthread_cond_signal(&b->changed);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->timer, NULL);
    pthread_cond_destroy(&b->changed);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

void wire_batch_begin(struct wire_batch *b, uint32_t op)
{
    pthread_mutex_lock(&b->lock);
    b->op = op;
    b->held = 0;
    b->len = 0;
    b->failed = false;
    pthread_mutex_unlock(&b->lock);
}

int wire_batch_add(struct wire_batch *b, enum modem_read_result result,
                   const struct modem_part *part, bool last)
{
    pthread_mutex_lock(&b->lock);
    unsigned char *payload = b->msg + sizeof(struct wire_msg);
    size_t cap = sizeof b->msg - sizeof(struct wire_msg);
    if (cap - b->len < WIRE_RECORD_MAX) {
        send_held(b);
    }
    wire_put_record(payload, cap, &b->len, result, part);
    if (b->held++ == 0) {
        b->message++;
        clock_gettime(CLOCK_MONOTONIC, &b->first_held);
        pthread_cond_signal(&b->changed);
    }
    if (last) {
        send_held(b);
    }
    int rc = b->failed ? -1 : 0;
    pthread_mutex_unlock(&b->lock);
    return rc;
}
