/*
 * webhook_http: the HTTP side of webhook delivery, on libcurl's multi interface: many POSTs in
 * flight at once from one thread, none of them able to hold up another. This is the only module
 * that includes curl.h. Each POST is signed (webhook_sign.h), verified against the system's
 * certificate store (or the configured CA file), never follows a redirect, may use plain http
 * only where its agency allows it, takes at most the configured time, and reads at most a small
 * part of the answer.
 */
#ifndef LAPOR_WEBHOOK_HTTP_H
#define LAPOR_WEBHOOK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

/* The most of an answer's body that is read (and kept for the error message). */
#define WEBHOOK_HTTP_BODY_CAP 4096

struct webhook_http_options {
    int timeout_s;       /* the whole request, connecting included */
    const char *ca_file; /* "" or NULL: the system's certificate store */
};

/* One POST to make. The strings are copied. */
struct webhook_request {
    long long id;  /* the caller's, handed back in the outcome */
    int agency_id; /* likewise */
    const char *url;
    bool allow_http;
    const char *secret;
    const char *event_id;
    const char *payload;
};

/* How one POST ended: ok when a 2xx answer came. */
struct webhook_outcome {
    long long id;
    int agency_id;
    bool ok;
    int code; /* the HTTP status, 0 when no answer came */
    char error[256];
};

struct webhook_http;

/* Calls curl_global_init: once per process, before any other thread runs. */
int webhook_http_global_init(void);
void webhook_http_global_cleanup(void);

struct webhook_http *webhook_http_new(const struct webhook_http_options *o);
void webhook_http_free(struct webhook_http *h);

/* Starts the POST. 0, or -1 with the reason in err (the request is then not in flight). */
int webhook_http_start(struct webhook_http *h, const struct webhook_request *rq, char *err,
                       size_t errcap);
/* Moves the requests in flight on, waiting up to wait_ms for something to happen (or for
 * webhook_http_wakeup). */
void webhook_http_run(struct webhook_http *h, int wait_ms);
/* Takes the outcome of a finished request: false when none has finished. */
bool webhook_http_take(struct webhook_http *h, struct webhook_outcome *out);
int webhook_http_in_flight(const struct webhook_http *h);
/* Makes a webhook_http_run waiting in another thread return now. */
void webhook_http_wakeup(struct webhook_http *h);

#endif
