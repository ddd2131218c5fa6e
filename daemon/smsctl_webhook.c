/* smsctl_webhook: see smsctl_webhook.h. */
#include "smsctl_webhook.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsctl_cli.h"
#include "store.h"
#include "store_webhook.h"

/* The shortest and longest secret: long enough not to be guessed, short enough for one line. */
#define SECRET_MIN 16
#define SECRET_MAX 256

struct webhook_args {
    bool json;
    bool allow_http;
    const char *status;
    int n;
    const char *w[4];
};

static int read_args(int argc, char **argv, struct webhook_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            a->json = true;
        } else if (strcmp(argv[i], "--allow-http") == 0) {
            a->allow_http = true;
        } else if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
            a->status = argv[++i];
        } else if (argv[i][0] == '-' || a->n == 4) {
            return -1;
        } else {
            a->w[a->n++] = argv[i];
        }
    }
    return a->n >= 1 ? 0 : -1;
}

/* Reads the secret, one line of standard input: 0, or -1 after saying what is wrong with it. */
static int read_secret(char *secret, size_t cap)
{
    if (fgets(secret, (int)cap, stdin) == NULL) {
        fputs("lapor-smsctl: webhook set reads the secret from standard input\n", stderr);
        return -1;
    }
    secret[strcspn(secret, "\r\n")] = '\0';
    size_t len = strlen(secret);
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)secret[i] < 0x21 || (unsigned char)secret[i] > 0x7e) {
            fputs("lapor-smsctl: the secret is printable ASCII without spaces\n", stderr);
            return -1;
        }
    }
    if (len < SECRET_MIN || len > SECRET_MAX) {
        fprintf(stderr, "lapor-smsctl: the secret has %d to %d characters\n", SECRET_MIN,
                SECRET_MAX);
        return -1;
    }
    return 0;
}

/* Whether url may be a webhook: https, or http when allowed for this agency. */
static bool url_allowed(const char *url, bool allow_http)
{
    if (strncmp(url, "https://", 8) == 0 && url[8] != '\0') {
        return true;
    }
    if (strncmp(url, "http://", 7) == 0 && url[7] != '\0') {
        if (!allow_http) {
            fputs("lapor-smsctl: plain http needs --allow-http\n", stderr);
        }
        return allow_http;
    }
    fputs("lapor-smsctl: the URL starts with https:// (or http:// with --allow-http)\n", stderr);
    return false;
}

static int failed(struct store *s)
{
    fprintf(stderr, "lapor-smsctl: %s\n", store_error(s));
    return 1;
}

static int webhook_set(struct store *s, const struct webhook_args *a)
{
    char secret[SECRET_MAX + 2];
    if (!url_allowed(a->w[2], a->allow_http) || read_secret(secret, sizeof secret) != 0) {
        return 1;
    }
    bool found = false;
    int rc = store_webhook_set(s, a->w[1], a->w[2], secret, a->allow_http, &found);
    memset(secret, 0, sizeof secret);
    if (rc != 0) {
        return failed(s);
    }
    if (!found) {
        fprintf(stderr, "lapor-smsctl: no agency %s\n", a->w[1]);
        return 1;
    }
    printf("webhook of %s set\n", a->w[1]);
    return 0;
}

static int webhook_remove(struct store *s, const struct webhook_args *a)
{
    bool removed = false;
    if (store_begin(s) != 0 || store_webhook_remove(s, a->w[1], &removed) != 0 ||
        store_commit(s) != 0) {
        int rc = failed(s);
        store_rollback(s);
        return rc;
    }
    if (!removed) {
        fprintf(stderr, "lapor-smsctl: %s has no webhook\n", a->w[1]);
        return 1;
    }
    printf("webhook of %s removed; its undelivered events cancelled\n", a->w[1]);
    return 0;
}

static int webhook_print(struct store *s, const char *report, const char *param, bool json)
{
    char *out = NULL;
    if (store_webhook_report(s, report, param, json, &out) != 0) {
        return failed(s);
    }
    puts(out);
    free(out);
    return 0;
}

/* What webhook retry and webhook cancel do, and say. */
struct event_change {
    int (*change)(struct store *s, long long id, bool *changed);
    const char *done, *cannot;
};
static const struct event_change retry_change = {store_webhook_retry, "queued again", "retried"};
static const struct event_change cancel_change = {store_webhook_cancel, "cancelled", "cancelled"};

/* webhook retry ID and webhook cancel ID. */
static int webhook_event_change(struct store *s, const char *word, const struct event_change *c)
{
    char *end = NULL;
    long long id = strtoll(word, &end, 10);
    bool changed = false;
    if (end == word || *end != '\0' || id <= 0) {
        fprintf(stderr, "lapor-smsctl: %s is no event number\n", word);
        return 1;
    }
    if (c->change(s, id, &changed) != 0) {
        return failed(s);
    }
    if (changed) {
        printf("webhook event %lld %s\n", id, c->done);
        return 0;
    }
    fprintf(stderr, "lapor-smsctl: webhook event %lld cannot be %s in its state\n", id, c->cannot);
    return 1;
}

/* Runs the command the words name: its exit code, 2 when they name none. */
static int webhook_work(struct store *s, const struct webhook_args *a)
{
    const char *verb = a->w[0];
    if (strcmp(verb, "set") == 0 && a->n == 3) {
        return webhook_set(s, a);
    }
    if (strcmp(verb, "remove") == 0 && a->n == 2) {
        return webhook_remove(s, a);
    }
    if (strcmp(verb, "list") == 0 && a->n <= 2) {
        return webhook_print(s, "webhooks", a->n == 2 ? a->w[1] : NULL, a->json);
    }
    if (strcmp(verb, "events") == 0 && a->n == 1) {
        return webhook_print(s, "events", a->status, a->json);
    }
    if (strcmp(verb, "retry") == 0 && a->n == 2) {
        return webhook_event_change(s, a->w[1], &retry_change);
    }
    if (strcmp(verb, "cancel") == 0 && a->n == 2) {
        return webhook_event_change(s, a->w[1], &cancel_change);
    }
    return 2;
}

int smsctl_webhook(const struct conf *c, int argc, char **argv)
{
    struct webhook_args a;
    if (read_args(argc, argv, &a) != 0) {
        fputs("usage: lapor-smsctl [-c FILE]\n" SMSCTL_WEBHOOK_USAGE, stderr);
        return 2;
    }
    struct store *s = cli_open_store(c->database);
    if (s == NULL) {
        return 1;
    }
    int rc = webhook_work(s, &a);
    store_free(s);
    if (rc == 2) {
        fputs("usage: lapor-smsctl [-c FILE]\n" SMSCTL_WEBHOOK_USAGE, stderr);
    }
    return rc;
}
