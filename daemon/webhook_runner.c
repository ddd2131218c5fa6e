/* webhook_runner: see webhook_runner.h. */
#include "webhook_runner.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "store.h"
#include "store_webhook.h"
#include "webhook_http.h"

/* How long the database connection waits after a failure before the next try. */
#define RECONNECT_MS 2000
/* A lease outlives the request it covers by this much, so that no other sender takes an event
 * over while its request may still be running. */
#define LEASE_SPARE_S 30

struct webhook_runner {
    pthread_t thread;
    atomic_bool stop;
    struct store *store;
    struct webhook_http *http;
    struct webhook_retry_policy policy;
    int concurrency, per_agency, lease_s, poll_ms;
    long long next_claim_ms; /* no look for due events before this */
    char owner[160];
};

/* Sleeps up to ms in short naps, waking early when the runner is told to stop. */
static void nap_unless_stopped(struct webhook_runner *r, long long ms)
{
    long long until = proc_now_ms() + ms;
    while (!atomic_load(&r->stop) && proc_now_ms() < until) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* POSTs one claimed event; a request that cannot even start counts as a failed attempt. */
static void start_delivery(struct webhook_runner *r, const struct webhook_delivery *d)
{
    struct webhook_request rq = {.id = d->id,
                                 .agency_id = d->agency_id,
                                 .url = d->url,
                                 .allow_http = d->allow_http,
                                 .secret = d->secret,
                                 .event_id = d->event_id,
                                 .payload = d->payload};
    char err[256];
    if (webhook_http_start(r->http, &rq, err, sizeof err) == 0) {
        log_debug("webhook event %s (attempt %d) posting", d->event_id, d->attempts);
        return;
    }
    log_warn("webhook event %s: %s", d->event_id, err);
    if (store_webhook_done(r->store, d->id, r->owner, false, 0, err, &r->policy) != 0) {
        log_warn("webhook event %s: recording the failure: %s", d->event_id, store_error(r->store));
    }
}

/* Claims as many due events as there are free slots, and starts them. */
static void claim_due(struct webhook_runner *r, long long now)
{
    int free_slots = r->concurrency - webhook_http_in_flight(r->http);
    if (free_slots <= 0 || now < r->next_claim_ms) {
        return;
    }
    struct webhook_delivery *d = NULL;
    size_t n = 0;
    if (store_webhook_claim(r->store, r->owner, free_slots, r->per_agency, r->lease_s, &d, &n) !=
        0) {
        log_warn("webhooks: claiming events: %s", store_error(r->store));
        r->next_claim_ms = now + r->poll_ms;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        start_delivery(r, &d[i]);
    }
    /* Nothing due: look again after the poll interval, or sooner when a delivery ends and may
     * let the next event of its ticket go. */
    if (n == 0) {
        r->next_claim_ms = now + r->poll_ms;
    }
    store_webhook_deliveries_free(d, n);
}

/* Records the outcome of every request that ended. */
static void record_outcomes(struct webhook_runner *r)
{
    struct webhook_outcome o;
    while (webhook_http_take(r->http, &o)) {
        if (o.ok) {
            log_debug("webhook event %lld delivered (HTTP %d)", o.id, o.code);
        } else {
            log_warn("webhook event %lld to agency %d not delivered: %s", o.id, o.agency_id,
                     o.error);
        }
        if (store_webhook_done(r->store, o.id, r->owner, o.ok, o.code, o.ok ? NULL : o.error,
                               &r->policy) != 0) {
            /* Its lease runs out and it is sent again: receivers drop the second by its id. */
            log_warn("webhook event %lld: recording the outcome: %s", o.id, store_error(r->store));
        }
        r->next_claim_ms = 0;
    }
}

/* How long to wait for the requests in flight: until the next look for due events, when a slot
 * is free for one. */
static int wait_ms(const struct webhook_runner *r)
{
    if (webhook_http_in_flight(r->http) >= r->concurrency) {
        return r->poll_ms;
    }
    long long wait = r->next_claim_ms - proc_now_ms();
    return (int)(wait < 0 ? 0 : wait > r->poll_ms ? r->poll_ms : wait);
}

static void *runner_main(void *arg)
{
    struct webhook_runner *r = arg;
    bool said_down = false;
    while (!atomic_load(&r->stop)) {
        if (!store_connected(r->store) && store_connect(r->store) != 0) {
            if (!said_down) {
                log_warn("webhooks: database: %s", store_error(r->store));
                said_down = true;
            }
            nap_unless_stopped(r, RECONNECT_MS);
            continue;
        }
        said_down = false;
        claim_due(r, proc_now_ms());
        webhook_http_run(r->http, wait_ms(r));
        record_outcomes(r);
    }
    return NULL;
}

static void runner_free(struct webhook_runner *r)
{
    webhook_http_free(r->http);
    store_free(r->store);
    free(r);
}

/* The runner's state from the configuration; NULL when memory ran out. */
static struct webhook_runner *runner_new(const struct conf *c)
{
    struct webhook_runner *r = calloc(1, sizeof *r);
    if (r == NULL) {
        return NULL;
    }
    const struct conf_webhook *w = &c->webhook;
    struct webhook_http_options ho = {.timeout_s = w->timeout_s, .ca_file = w->ca_file};
    r->store = store_new(c->database);
    if (r->store != NULL) {
        store_set_program(r->store, "lapor-smsd webhooks");
    }
    r->http = webhook_http_new(&ho);
    r->policy = (struct webhook_retry_policy){w->max_attempts, w->first_delay_s, w->max_delay_s};
    r->concurrency = w->concurrency;
    r->per_agency = w->per_agency;
    r->lease_s = w->timeout_s + LEASE_SPARE_S;
    r->poll_ms = c->poll_interval_ms;
    snprintf(r->owner, sizeof r->owner, "%s:%ld:webhook", c->instance, (long)getpid());
    atomic_init(&r->stop, false);
    if (r->store == NULL || r->http == NULL) {
        runner_free(r);
        return NULL;
    }
    return r;
}

struct webhook_runner *webhook_runner_start(const struct conf *c)
{
    if (!c->webhook.enabled) {
        log_info("webhooks: not delivered by this daemon (webhook.enabled = false)");
        return NULL;
    }
    struct webhook_runner *r = NULL;
    if (webhook_http_global_init() != 0 || (r = runner_new(c)) == NULL) {
        log_err("webhooks: cannot start the sender (out of memory or libcurl failed)");
        webhook_http_global_cleanup();
        return NULL;
    }
    /* Signals are the main loop's: the thread blocks them all, so that SIGTERM and SIGHUP always
     * wake the loop's nap. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&r->thread, NULL, runner_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        log_err("webhooks: cannot start the sender thread: %s", strerror(rc));
        runner_free(r);
        webhook_http_global_cleanup();
        return NULL;
    }
    log_info("webhooks: delivering, at most %d at once, %d per agency", r->concurrency,
             r->per_agency);
    return r;
}

void webhook_runner_stop(struct webhook_runner *r)
{
    if (r == NULL) {
        return;
    }
    atomic_store(&r->stop, true);
    webhook_http_wakeup(r->http);
    pthread_join(r->thread, NULL);
    runner_free(r);
    webhook_http_global_cleanup();
}
