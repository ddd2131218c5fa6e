/*
 * modem_limit: how fast the modem side alone can go. Reads and deletes every message part waiting
 * in a libGammu dummy-driver folder through the project's modem module, exactly as the daemon's
 * intake walks it (a batch of reads continuing one enumeration, the rest of the batch and the
 * next batch read ahead where the modem can, then the deletes of that batch ordered without
 * waiting where it can), with no database at all.
 *
 *   modem_limit DEVICE [--batch N] [--worker EXE]
 *
 * Without --worker, libGammu runs in this process (modem_gammu_new). With --worker EXE (the
 * lapor-smsd binary), it runs in a worker process behind the same socketpair protocol the daemon
 * uses (modem_proxy_new), which shows what the isolation costs.
 * Prints: mode= parts= seconds= rate= (parts per second, timed from after the connect).
 *
 * Links against liblapor_core.a / liblapor_pure.a; never includes gammu.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "modem.h"
#include "modem_proxy.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void no_tick(void *arg)
{
    (void)arg;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: modem_limit DEVICE [--batch N] [--worker EXE]\n");
        return 2;
    }
    const char *worker = NULL;
    int batch = 50;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--batch") == 0) {
            batch = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--worker") == 0) {
            worker = argv[i + 1];
        } else {
            fprintf(stderr, "modem_limit: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (batch < 1) {
        batch = 1;
    }
    log_init("modem_limit", false, LOGL_WARN);
    struct conf_modem cfg = {
        .connection = "none",
        .device = argv[1],
        .model = "dummy",
        .pin = "",
        .timeout_s = 60,
    };
    struct modem *m = worker ? modem_proxy_new(&cfg, worker, no_tick, NULL) : modem_gammu_new(&cfg);
    struct modem_part *parts = calloc((size_t)batch, sizeof *parts);
    if (m == NULL || parts == NULL) {
        fprintf(stderr, "modem_limit: out of memory\n");
        return 1;
    }
    char err[512];
    if (m->ops->connect(m, err, sizeof err) != 0) {
        fprintf(stderr, "modem_limit: %s\n", err);
        return 1;
    }
    double t0 = now_s();
    long total = 0, undecodable = 0;
    bool restart = true;
    int empty_rounds = 0;
    /* Ends when a fresh enumeration finds nothing left. */
    while (empty_rounds < 1) {
        int n = 0;
        bool at_end = false;
        while (n < batch) {
            enum modem_read_result r = m->ops->read_next(m, restart, &parts[n]);
            restart = false;
            if (r == MODEM_READ_PART) {
                n++;
                if (n == 1 && m->ops->async != NULL) {
                    m->ops->async->read_ahead(m, batch - 1);
                }
            } else if (r == MODEM_READ_UNDECODABLE) {
                undecodable++;
            } else if (r == MODEM_READ_END) {
                at_end = true;
                break;
            } else {
                fprintf(stderr, "modem_limit: reading failed after %ld parts\n", total);
                return 1;
            }
        }
        /* The daemon reads the next batch ahead while it stores this one (here: at once). */
        if (n == batch && !at_end && m->ops->async != NULL) {
            m->ops->async->read_ahead(m, batch);
        }
        if (m->ops->async != NULL && m->ops->async->remove_later(m, parts, n) != 0) {
            fprintf(stderr, "modem_limit: ordering the deletes failed\n");
            return 1;
        }
        for (int i = 0; m->ops->async == NULL && i < n; i++) {
            if (m->ops->remove(m, &parts[i]) != 0) {
                fprintf(stderr, "modem_limit: delete failed at location %d\n", parts[i].location);
                return 1;
            }
        }
        total += n;
        if (n == 0) {
            empty_rounds++;
        }
        if (at_end) {
            restart = true;
        }
    }
    double el = now_s() - t0;
    printf("mode=%s parts=%ld undecodable=%ld seconds=%.3f rate=%.1f\n",
           worker ? "worker" : "in-process", total, undecodable, el, el > 0 ? total / el : 0.0);
    m->ops->disconnect(m);
    m->ops->destroy(m);
    free(parts);
    return 0;
}
