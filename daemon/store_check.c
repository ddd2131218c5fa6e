/* store_check: see store_check.h. */
#include "store_check.h"

#include <stdio.h>
#include <stdlib.h>

static void fill_modem(const struct store_rows *r, int row, void *element)
{
    struct check_modem *m = element;
    snprintf(m->instance, sizeof m->instance, "%s", store_rows_text(r, row, 0));
    snprintf(m->state, sizeof m->state, "%s", store_rows_text(r, row, 1));
    m->connected = store_rows_bool(r, row, 2);
    snprintf(m->registration, sizeof m->registration, "%s", store_rows_text(r, row, 3));
    m->signal_percent = store_rows_isnull(r, row, 4) ? -1 : (int)store_rows_ll(r, row, 4);
    m->storage_percent = store_rows_isnull(r, row, 5) ? -1 : (int)store_rows_ll(r, row, 5);
    m->balance = store_rows_isnull(r, row, 6) ? -1 : atof(store_rows_text(r, row, 6));
    m->balance_low = store_rows_bool(r, row, 7);
}

int store_check_modems(struct store *s, int stale_after_s, struct check_modem **modems,
                       size_t *count)
{
    char sbuf[STORE_NUMBUF];
    store_fmt_ll(sbuf, stale_after_s);
    const char *params[] = {sbuf};
    /* The same rules as the status document (store_status.c): figures of a daemon that is not
     * up are not current. */
    return store_query_list(
        s,
        "SELECT instance, CASE WHEN stopped_at IS NOT NULL THEN 'stopped'"
        "   WHEN beat_at > now() - make_interval(secs => $1::int) THEN 'up' ELSE 'down' END,"
        " modem_connected, registration, signal_percent,"
        " greatest(sim_used * 100 / nullif(sim_total, 0), phone_used * 100 / nullif(phone_total,"
        "   0)), balance, coalesce(balance_low, false)"
        " FROM heartbeat ORDER BY instance",
        1, params, sizeof **modems, fill_modem, (void **)modems, count);
}

static void fill_queues(const struct store_rows *r, int row, void *element)
{
    struct check_queues *q = element;
    q->oldest_queued_s = atof(store_rows_text(r, row, 0));
    q->failed = (long)store_rows_ll(r, row, 1);
}

int store_check_queues(struct store *s, struct check_queues *q)
{
    bool found;
    return store_query_row(
        s,
        "SELECT coalesce(extract(epoch FROM now() - min(created_at) FILTER"
        "   (WHERE status = 'queued')), 0), count(*) FILTER (WHERE status = 'failed') FROM outbox",
        0, NULL, fill_queues, q, &found);
}
