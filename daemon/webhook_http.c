/* webhook_http: see webhook_http.h. */
#include "webhook_http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "webhook_sign.h"

struct webhook_http {
    CURLM *multi;
    int timeout_s;
    char *ca_file; /* NULL: the system's store */
    int in_flight;
    struct transfer *first; /* those in flight, to free with the sender */
};

/* One POST in flight, known to curl by CURLOPT_PRIVATE. */
struct transfer {
    struct transfer *prev, *next;
    CURL *easy;
    struct curl_slist *headers;
    long long id;
    int agency_id;
    char body[WEBHOOK_HTTP_BODY_CAP + 1];
    size_t body_len;
    bool over_cap; /* the answer was cut off at the cap, on purpose */
    char curl_error[CURL_ERROR_SIZE];
};

int webhook_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void webhook_http_global_cleanup(void)
{
    curl_global_cleanup();
}

struct webhook_http *webhook_http_new(const struct webhook_http_options *o)
{
    struct webhook_http *h = calloc(1, sizeof *h);
    if (h == NULL) {
        return NULL;
    }
    h->multi = curl_multi_init();
    h->timeout_s = o->timeout_s;
    if (o->ca_file != NULL && o->ca_file[0] != '\0') {
        h->ca_file = strdup(o->ca_file);
    }
    if (h->multi == NULL || (o->ca_file != NULL && o->ca_file[0] != '\0' && h->ca_file == NULL)) {
        webhook_http_free(h);
        return NULL;
    }
    return h;
}

static void transfer_free(struct transfer *t)
{
    if (t != NULL) {
        curl_easy_cleanup(t->easy);
        curl_slist_free_all(t->headers);
        free(t);
    }
}

void webhook_http_free(struct webhook_http *h)
{
    if (h == NULL) {
        return;
    }
    while (h->first != NULL) {
        struct transfer *t = h->first;
        h->first = t->next;
        curl_multi_remove_handle(h->multi, t->easy);
        transfer_free(t);
    }
    curl_multi_cleanup(h->multi);
    free(h->ca_file);
    free(h);
}

/* Keeps the start of the answer, and stops reading at the cap: a receiver has nothing to say
 * that needs more, and a huge or endless answer must not hold the sender. */
static size_t keep_body(char *data, size_t size, size_t n, void *arg)
{
    struct transfer *t = arg;
    size_t len = size * n;
    size_t room = WEBHOOK_HTTP_BODY_CAP - t->body_len;
    if (len > room) {
        memcpy(t->body + t->body_len, data, room);
        t->body_len += room;
        t->over_cap = true;
        return 0;
    }
    memcpy(t->body + t->body_len, data, len);
    t->body_len += len;
    return len;
}

/* The headers of a delivery: its event id, when it was signed, and the signature. */
static struct curl_slist *delivery_headers(const struct webhook_request *rq, char *err,
                                           size_t errcap)
{
    char ts[32], sig[WEBHOOK_SIGN_HEX];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    if (webhook_sign(rq->secret, ts, rq->payload, sig) != 0) {
        snprintf(err, errcap, "could not sign the event");
        return NULL;
    }
    char line[160];
    const char *fixed[] = {"Content-Type: application/json",
                           "User-Agent: lapor-smsd/" LAPOR_VERSION, "Expect:"};
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        list = curl_slist_append(list, fixed[i]);
    }
    snprintf(line, sizeof line, "X-Lapor-Event-Id: %s", rq->event_id);
    list = curl_slist_append(list, line);
    snprintf(line, sizeof line, "X-Lapor-Timestamp: %s", ts);
    list = curl_slist_append(list, line);
    snprintf(line, sizeof line, "X-Lapor-Signature: sha256=%s", sig);
    struct curl_slist *last = curl_slist_append(list, line);
    if (last == NULL) {
        curl_slist_free_all(list);
        snprintf(err, errcap, "out of memory");
    }
    return last;
}

/* Sets every option of one delivery; CURLE_OK or the first that failed. */
static CURLcode set_options(const struct webhook_http *h, struct transfer *t,
                            const struct webhook_request *rq)
{
    CURL *e = t->easy;
    long timeout_ms = (long)h->timeout_s * 1000;
    CURLcode rc = curl_easy_setopt(e, CURLOPT_URL, rq->url);
    /* Plain http only where the agency's webhook allows it; never another scheme, and never a
     * redirect, which could take the signed event to another host. */
    rc = rc ? rc
            : curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, rq->allow_http ? "http,https" : "https");
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->ca_file != NULL) {
        rc = rc ? rc : curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
    }
    /* Many requests share one thread: no signals for timeouts, and every wait bounded. */
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, rq->payload);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_body);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->curl_error);
    rc = rc ? rc : curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)t);
    return rc;
}

int webhook_http_start(struct webhook_http *h, const struct webhook_request *rq, char *err,
                       size_t errcap)
{
    struct transfer *t = calloc(1, sizeof *t);
    if (t == NULL || (t->easy = curl_easy_init()) == NULL) {
        snprintf(err, errcap, "out of memory");
        transfer_free(t);
        return -1;
    }
    t->id = rq->id;
    t->agency_id = rq->agency_id;
    t->headers = delivery_headers(rq, err, errcap);
    if (t->headers == NULL) {
        transfer_free(t);
        return -1;
    }
    CURLcode rc = set_options(h, t, rq);
    if (rc != CURLE_OK || curl_multi_add_handle(h->multi, t->easy) != CURLM_OK) {
        snprintf(err, errcap, "cannot start the request: %s",
                 rc != CURLE_OK ? curl_easy_strerror(rc) : "curl_multi_add_handle failed");
        transfer_free(t);
        return -1;
    }
    t->next = h->first;
    if (h->first != NULL) {
        h->first->prev = t;
    }
    h->first = t;
    h->in_flight++;
    return 0;
}

void webhook_http_run(struct webhook_http *h, int wait_ms)
{
    int running = 0;
    curl_multi_perform(h->multi, &running);
    curl_multi_poll(h->multi, NULL, 0, wait_ms, NULL);
    curl_multi_perform(h->multi, &running);
}

/* A printable excerpt of the answer for the error message: control characters become spaces. */
static void body_excerpt(const struct transfer *t, char *buf, size_t cap)
{
    size_t n = t->body_len < cap - 1 ? t->body_len : cap - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t->body[i];
        buf[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    buf[n] = '\0';
}

/* Judges a finished transfer: a 2xx answer is delivered, whether or not its body was cut off. */
static void judge(const struct transfer *t, CURLcode result, struct webhook_outcome *out)
{
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    out->id = t->id;
    out->agency_id = t->agency_id;
    out->code = (int)code;
    bool answered = result == CURLE_OK || (result == CURLE_WRITE_ERROR && t->over_cap);
    out->ok = answered && code >= 200 && code < 300;
    out->error[0] = '\0';
    if (out->ok) {
        return;
    }
    if (!answered) {
        snprintf(out->error, sizeof out->error, "%.60s: %.180s", curl_easy_strerror(result),
                 t->curl_error[0] ? t->curl_error : "no detail");
        return;
    }
    char excerpt[160];
    body_excerpt(t, excerpt, sizeof excerpt);
    snprintf(out->error, sizeof out->error, "HTTP %ld%s%s", code, excerpt[0] ? ": " : "", excerpt);
}

bool webhook_http_take(struct webhook_http *h, struct webhook_outcome *out)
{
    int left = 0;
    CURLMsg *m;
    while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE) {
            continue;
        }
        struct transfer *t = NULL;
        CURL *easy = m->easy_handle;
        CURLcode result = m->data.result;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
        judge(t, result, out);
        curl_multi_remove_handle(h->multi, easy);
        if (t->prev != NULL) {
            t->prev->next = t->next;
        } else {
            h->first = t->next;
        }
        if (t->next != NULL) {
            t->next->prev = t->prev;
        }
        transfer_free(t);
        h->in_flight--;
        return true;
    }
    return false;
}

int webhook_http_in_flight(const struct webhook_http *h)
{
    return h->in_flight;
}

void webhook_http_wakeup(struct webhook_http *h)
{
    curl_multi_wakeup(h->multi);
}
