/* store_status: see store_status.h. */
#include "store_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A time in epoch seconds, 0 when none. */
static const char *epoch_param(long long t, char *buf)
{
    return store_param_ll(buf, t > 0, t);
}

static const char *empty_to_null(const char *v)
{
    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* A modem's figure, -1 when unknown. */
static const char *int_param(int v, char *buf)
{
    return store_param_ll(buf, v >= 0, v);
}

/* One row per daemon: what it knew at its last beat. The modem's figures are the ones of its last
 * answer: a figure it does not know now is unknown (NULL), never an older one shown as current;
 * only the SIM's identity, which does not change, and the time of that last answer are kept. */
static const char heartbeat_sql[] =
    "INSERT INTO heartbeat (instance, host, pid, started_at, beat_at, modem_state,"
    " modem_connected, worker_pid, worker_starts, worker_deaths, last_worker_death,"
    " undecodable_taken, last_error, last_error_at, last_receive_at, last_send_at, imei, imsi,"
    " network, signal_percent, battery_percent, sim_used, sim_total, phone_used, phone_total,"
    " calls_rejected, recovery_step, recovery_failures, recoveries, last_recovery,"
    " last_recovery_at, registration, modem_status_at)"
    " VALUES ($1, $2, $3::int, to_timestamp($4::double precision), now(), $5, $6::boolean,"
    " $7::int, $8::int, $9::int, $10, $11::int, $12, to_timestamp($13::double precision),"
    " to_timestamp($14::double precision), to_timestamp($15::double precision), $16, $17, $18,"
    " $19::int, $20::int, $21::int, $22::int, $23::int, $24::int, $25::int, $26, $27::int,"
    " $28::int, $29, to_timestamp($30::double precision), $31,"
    " to_timestamp($32::double precision))"
    " ON CONFLICT (instance) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid,"
    " started_at = EXCLUDED.started_at, beat_at = now(), stopped_at = NULL,"
    " modem_state = EXCLUDED.modem_state,"
    " modem_connected = EXCLUDED.modem_connected, worker_pid = EXCLUDED.worker_pid,"
    " worker_starts = EXCLUDED.worker_starts, worker_deaths = EXCLUDED.worker_deaths,"
    " last_worker_death = coalesce(EXCLUDED.last_worker_death, heartbeat.last_worker_death),"
    " undecodable_taken = EXCLUDED.undecodable_taken,"
    " last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at,"
    " last_receive_at = coalesce(EXCLUDED.last_receive_at, heartbeat.last_receive_at),"
    " last_send_at = coalesce(EXCLUDED.last_send_at, heartbeat.last_send_at),"
    " imei = coalesce(EXCLUDED.imei, heartbeat.imei),"
    " imsi = coalesce(EXCLUDED.imsi, heartbeat.imsi),"
    " network = EXCLUDED.network, signal_percent = EXCLUDED.signal_percent,"
    " battery_percent = EXCLUDED.battery_percent, sim_used = EXCLUDED.sim_used,"
    " sim_total = EXCLUDED.sim_total, phone_used = EXCLUDED.phone_used,"
    " phone_total = EXCLUDED.phone_total, registration = EXCLUDED.registration,"
    " modem_status_at = coalesce(EXCLUDED.modem_status_at, heartbeat.modem_status_at),"
    " calls_rejected = EXCLUDED.calls_rejected, recovery_step = EXCLUDED.recovery_step,"
    " recovery_failures = EXCLUDED.recovery_failures, recoveries = EXCLUDED.recoveries,"
    " last_recovery = EXCLUDED.last_recovery, last_recovery_at = EXCLUDED.last_recovery_at";
#define HEARTBEAT_PARAMS 32

/* The heartbeat's parameters, in heartbeat_sql's order; they point into hb and into b. */
struct heartbeat_params {
    char pid[STORE_NUMBUF], started[STORE_NUMBUF], wpid[STORE_NUMBUF], starts[STORE_NUMBUF],
        deaths[STORE_NUMBUF], taken[STORE_NUMBUF], errat[STORE_NUMBUF], recv[STORE_NUMBUF],
        sent[STORE_NUMBUF], sig[STORE_NUMBUF], bat[STORE_NUMBUF], used[STORE_NUMBUF],
        total[STORE_NUMBUF], pused[STORE_NUMBUF], ptotal[STORE_NUMBUF], calls[STORE_NUMBUF],
        rfail[STORE_NUMBUF], recs[STORE_NUMBUF], recat[STORE_NUMBUF], statat[STORE_NUMBUF];
    const char *values[HEARTBEAT_PARAMS];
};

/* The modem's own figures, parameters 16 to 24 and 31 to 32: all NULL when the modem is not
 * known. */
#define MODEM_PARAMS 9
#define MODEM_LATE_PARAMS 2
static void modem_params(const struct modem_status_view *m, struct heartbeat_params *b,
                         size_t first)
{
    const char **values = b->values + first;
    if (m == NULL) {
        for (int i = 0; i < MODEM_PARAMS; i++) {
            values[i] = NULL;
        }
        b->values[HEARTBEAT_PARAMS - 2] = b->values[HEARTBEAT_PARAMS - 1] = NULL;
        return;
    }
    b->values[HEARTBEAT_PARAMS - 2] = empty_to_null(m->registration);
    b->values[HEARTBEAT_PARAMS - 1] = epoch_param(m->asked_at, b->statat);
    const char *figures[MODEM_PARAMS] = {
        empty_to_null(m->imei),
        empty_to_null(m->imsi),
        empty_to_null(m->network),
        int_param(m->signal_percent, b->sig),
        int_param(m->battery_percent, b->bat),
        int_param(m->sim_used, b->used),
        int_param(m->sim_total, b->total),
        int_param(m->phone_used, b->pused),
        int_param(m->phone_total, b->ptotal),
    };
    memcpy(values, figures, sizeof figures);
}

static void heartbeat_params(const struct store_heartbeat *hb, struct heartbeat_params *b)
{
    store_fmt_ll(b->pid, hb->pid);
    store_fmt_ll(b->started, hb->started_at);
    store_fmt_ll(b->starts, hb->worker_starts);
    store_fmt_ll(b->deaths, hb->worker_deaths);
    store_fmt_ll(b->taken, hb->undecodable_taken);
    store_fmt_ll(b->calls, hb->calls_rejected);
    store_fmt_ll(b->rfail, hb->recovery_failures);
    store_fmt_ll(b->recs, hb->recoveries);
    const char *daemon[] = {
        hb->instance,
        hb->host,
        b->pid,
        b->started,
        hb->modem_state,
        hb->modem_connected ? "t" : "f",
        store_param_ll(b->wpid, hb->worker_pid > 0, hb->worker_pid),
        b->starts,
        b->deaths,
        empty_to_null(hb->last_worker_death),
        b->taken,
        empty_to_null(hb->last_error),
        epoch_param(hb->last_error_at, b->errat),
        epoch_param(hb->last_receive_at, b->recv),
        epoch_param(hb->last_send_at, b->sent),
    };
    const char *recovery[] = {
        b->calls, empty_to_null(hb->recovery_step), b->rfail,
        b->recs,  empty_to_null(hb->last_recovery), epoch_param(hb->last_recovery_at, b->recat),
    };
    _Static_assert(sizeof daemon / sizeof daemon[0] + MODEM_PARAMS +
                           sizeof recovery / sizeof recovery[0] + MODEM_LATE_PARAMS ==
                       HEARTBEAT_PARAMS,
                   "the heartbeat's parameters");
    const size_t n_daemon = sizeof daemon / sizeof daemon[0];
    memcpy(b->values, daemon, sizeof daemon);
    memcpy(b->values + n_daemon + MODEM_PARAMS, recovery, sizeof recovery);
    modem_params(hb->modem, b, n_daemon);
}

int store_heartbeat(struct store *s, const struct store_heartbeat *hb)
{
    struct heartbeat_params b;
    heartbeat_params(hb, &b);
    return store_exec(s, heartbeat_sql, HEARTBEAT_PARAMS, b.values);
}

int store_heartbeat_credit(struct store *s, const struct store_credit *c)
{
    char amount[64], at[STORE_NUMBUF];
    snprintf(amount, sizeof amount, "%.2f", c->amount);
    const char *params[] = {c->instance,
                            c->known ? amount : NULL,
                            empty_to_null(c->answer),
                            epoch_param(c->checked_at, at),
                            empty_to_null(c->error),
                            c->known ? (c->low ? "t" : "f") : NULL};
    return store_exec(s,
                      "UPDATE heartbeat SET balance = $2::numeric, balance_text = $3,"
                      " balance_at = to_timestamp($4::double precision), balance_error = $5,"
                      " balance_low = $6::boolean WHERE instance = $1",
                      6, params);
}

int store_heartbeat_stopped(struct store *s, const char *instance, int pid)
{
    char pbuf[STORE_NUMBUF];
    store_fmt_ll(pbuf, pid);
    const char *params[] = {instance, pbuf};
    /* Only this process's own row: a daemon started since under the same name keeps its own. */
    return store_exec(s,
                      "UPDATE heartbeat SET stopped_at = now(), beat_at = now(),"
                      " modem_connected = false, modem_state = 'stopped', worker_pid = NULL,"
                      " recovery_step = NULL, registration = NULL, network = NULL,"
                      " signal_percent = NULL, battery_percent = NULL"
                      " WHERE instance = $1 AND pid = $2::int",
                      2, params);
}

/* The status document of store_status_json; $1 is the seconds after which a heartbeat is stale. */
static const char status_json_sql[] =
    "WITH hb AS (SELECT h.*, stopped_at IS NULL AND beat_at > now() - make_interval(secs =>"
    "   $1::int) AS alive, round(extract(epoch FROM now() - beat_at)::numeric, 1) AS age,"
    "   r.error AS last_send_error, r.at AS last_send_error_at FROM heartbeat h,"
    "   last_refused_send(h.instance) r)"
    " SELECT json_build_object("
    " 'modems', coalesce((SELECT json_agg(json_build_object("
    "   'instance', instance, 'host', host, 'pid', pid,"
    "   'up', alive AND modem_connected, 'daemon_alive', alive, 'heartbeat_age_s', age,"
    "   'state', CASE WHEN stopped_at IS NOT NULL THEN 'stopped' WHEN alive THEN 'up'"
    "     ELSE 'down' END, 'stopped_at', stopped_at, 'counters_since', started_at,"
    "   'modem_state', CASE WHEN alive THEN modem_state WHEN stopped_at IS NOT NULL"
    "     THEN 'stopped' ELSE 'down' END,"
    "   'registration', CASE WHEN alive THEN registration END,"
    "   'modem_status_at', modem_status_at,"
    "   'last_send_error', last_send_error, 'last_send_error_at', last_send_error_at,"
    "   'balance', balance, 'balance_text', balance_text, 'balance_at', balance_at,"
    "   'balance_age_s', round(extract(epoch FROM now() - balance_at)::numeric, 1),"
    "   'balance_error', balance_error, 'balance_low', balance_low,"
    "   'modem_connected', modem_connected, 'worker_pid', worker_pid,"
    "   'worker_starts', worker_starts, 'worker_deaths', worker_deaths,"
    "   'last_worker_death', last_worker_death, 'undecodable_taken', undecodable_taken,"
    "   'last_error', last_error, 'last_error_at', last_error_at,"
    "   'last_receive_at', last_receive_at, 'last_send_at', last_send_at,"
    "   'imei', imei, 'imsi', imsi, 'network', CASE WHEN alive THEN network END,"
    "   'signal_percent', CASE WHEN alive THEN signal_percent END,"
    "   'battery_percent', battery_percent, 'sim_used', sim_used, 'sim_total', sim_total,"
    "   'phone_used', phone_used, 'phone_total', phone_total, 'calls_rejected', calls_rejected,"
    "   'recovery_step', CASE WHEN alive THEN recovery_step END,"
    "   'recovery_failures', recovery_failures, 'recoveries', recoveries,"
    "   'last_recovery', last_recovery, 'last_recovery_at', last_recovery_at,"
    "   'storage_alarm', coalesce(sim_total > 0 AND sim_used * 100 >= 80 * sim_total, false)"
    "     OR coalesce(phone_total > 0 AND phone_used * 100 >= 80 * phone_total, false))"
    "   ORDER BY instance) FROM hb), '[]'::json),"
    " 'database', status_database(), 'queues', status_queues())::text";

/* The status as text, laid out from the JSON document ($1), so that both forms always tell the
 * same. */
static const char status_text_sql[] =
    "WITH j AS (SELECT $1::jsonb AS doc),"
    " m AS (SELECT e FROM j, jsonb_array_elements(doc->'modems') e)"
    " SELECT concat_ws(E'\\n',"
    "  format('%-16s %-6s %-10s %7s %6s %6s %-20s %s', 'INSTANCE', 'UP', 'STATE', 'BEAT', "
    "'SIGNAL',"
    "    'SIM', 'NETWORK', 'WORKER'),"
    "  (SELECT string_agg(format('%-16s %-6s %-10s %6ss %6s %6s %-20s %s',"
    "     e->>'instance', CASE WHEN (e->>'up')::boolean THEN 'up' WHEN e->>'state' = 'stopped'"
    "     THEN 'stopped' ELSE 'DOWN' END,"
    "     e->>'modem_state', e->>'heartbeat_age_s', CASE WHEN e->>'state' <> 'up' THEN '-'"
    "     ELSE coalesce((e->>'signal_percent') || '%', 'unknown') END,"
    "     coalesce((e->>'sim_used') || '/' || (e->>'sim_total'), '-'),"
    "     CASE WHEN e->>'state' <> 'up' THEN '-' WHEN e->>'registration' IN ('home', 'roaming')"
    "     THEN coalesce(e->>'network', 'unknown') || CASE WHEN e->>'registration' = 'roaming'"
    "     THEN ' (roaming)' ELSE '' END"
    "     ELSE 'NO NETWORK: ' || coalesce(e->>'registration', 'unknown') END,"
    "     format('pid %s, %s started, %s died%s', coalesce(e->>'worker_pid', '-'),"
    "       e->>'worker_starts', e->>'worker_deaths',"
    "       coalesce(', last: ' || (e->>'last_worker_death'), '')))"
    "     || CASE WHEN e->>'recovery_step' IS NOT NULL THEN format(E'\\n%16s recovering the"
    " modem: %s (%s failures in a row)', '', e->>'recovery_step', e->>'recovery_failures')"
    " ELSE '' END"
    "     || CASE WHEN coalesce((e->>'recoveries')::int, 0) > 0 THEN format(E'\\n%16s modem"
    " brought back %s time(s), last by %s at %s', '', e->>'recoveries', e->>'last_recovery',"
    " e->>'last_recovery_at') ELSE '' END"
    "     || CASE WHEN coalesce((e->>'calls_rejected')::int, 0) > 0 THEN format(E'\\n%16s %s"
    " voice call(s) rejected', '', e->>'calls_rejected') ELSE '' END"
    "     || CASE WHEN (e->>'undecodable_taken')::int > 0 THEN format(E'\\n%16s %s undecodable"
    " message(s) taken off its SIM', '', e->>'undecodable_taken') ELSE '' END"
    "     || CASE WHEN (e->>'storage_alarm')::boolean THEN format(E'\\n%16s ALARM: message"
    " storage 80%% full or more (SIM %s of %s, phone %s of %s)', '',"
    " coalesce(e->>'sim_used', '-'), coalesce(e->>'sim_total', '-'),"
    " coalesce(e->>'phone_used', '-'), coalesce(e->>'phone_total', '-')) ELSE '' END"
    "     || modem_status_notes(e),"
    "     E'\\n' ORDER BY e->>'instance') FROM m),"
    "  '',"
    "  format('multipart messages waiting for parts: %s (%s parts, oldest %s s)',"
    "    doc#>>'{queues,messages_open}', doc#>>'{queues,parts_waiting}',"
    "    coalesce(doc#>>'{queues,oldest_open_age_s}', '-')),"
    "  format('replies: %s queued (oldest %s s, %s waiting for a retry), %s sending, %s sent,"
    " %s failed, %s unknown, %s cancelled',"
    "    doc#>>'{queues,replies,queued}', coalesce(doc#>>'{queues,oldest_queued_age_s}', '-'),"
    "    doc#>>'{queues,replies,retrying}',"
    "    doc#>>'{queues,replies,sending}', doc#>>'{queues,replies,sent}',"
    "    doc#>>'{queues,replies,failed}', doc#>>'{queues,replies,unknown}',"
    "    doc#>>'{queues,replies,cancelled}'),"
    "  format('webhooks: %s queued, %s sending, %s failed, %s delivered today',"
    "    doc#>>'{queues,webhooks,queued}', doc#>>'{queues,webhooks,sending}',"
    "    doc#>>'{queues,webhooks,failed}', doc#>>'{queues,webhooks,delivered_today}'),"
    "  format('undecodable messages stored: %s', doc#>>'{queues,undecodable_messages}'),"
    "  format('today: %s messages received, %s complaints, %s messages sent; delivery"
    " reports: %s delivered, %s failed, %s expired',"
    "    doc#>>'{queues,received_today}', doc#>>'{queues,complaints_today}',"
    "    doc#>>'{queues,sent_today}', doc#>>'{queues,delivery_reports_today,delivered}',"
    "    doc#>>'{queues,delivery_reports_today,failed}',"
    "    doc#>>'{queues,delivery_reports_today,expired}'),"
    "  CASE WHEN doc#>>'{database,synchronous_standby}' = 'false' THEN 'database: no"
    " synchronous standby: a failover may lose the last commits, messages already deleted"
    " from the SIM among them' END)"
    " FROM j";

/* The one value statement sql gives for the one parameter param, malloc'd into *out. */
static int query_text(struct store *s, const char *sql, const char *param, char **out)
{
    const char *params[] = {param};
    *out = NULL;
    struct store_rows *r = store_query(s, sql, 1, params);
    if (r == NULL) {
        return -1;
    }
    *out = store_rows_strdup(r, 0, 0);
    store_rows_free(r);
    return *out != NULL ? 0 : -1;
}

int store_status_json(struct store *s, int stale_after_s, char **json)
{
    char sbuf[STORE_NUMBUF];
    store_fmt_ll(sbuf, stale_after_s);
    return query_text(s, status_json_sql, sbuf, json);
}

int store_status_text(struct store *s, int stale_after_s, char **text)
{
    char *json;
    if (store_status_json(s, stale_after_s, &json) != 0) {
        return -1;
    }
    int rc = query_text(s, status_text_sql, json, text);
    free(json);
    return rc;
}

/* Each report is one fixed statement producing a JSON document from $1, the report's parameter
 * (or NULL); the text form is laid out from that document ($1 there), so both say the same. */
static const struct {
    const char *name;
    const char *json;
    const char *text;
} reports[] = {
    {"agencies",
     "SELECT coalesce(json_agg(json_build_object('code', a.code, 'name', a.name,"
     " 'keywords', (SELECT coalesce(json_agg(k.keyword ORDER BY k.keyword), '[]')"
     "   FROM agency_keyword k WHERE k.agency_id = a.id),"
     " 'liaisons', (SELECT count(*) FROM liaison l WHERE l.agency_id = a.id AND l.active))"
     " ORDER BY a.code), '[]')::text FROM agency a WHERE $1::text IS NULL OR a.code = upper($1)",
     "SELECT coalesce(string_agg(format('%-10s %-40s keywords: %s; liaisons: %s', e->>'code',"
     " e->>'name', (SELECT string_agg(k, ' ') FROM jsonb_array_elements_text(e->'keywords') k),"
     " e->>'liaisons'), E'\\n'), 'no agencies') FROM jsonb_array_elements($1::jsonb) e"},
    {"liaisons",
     "SELECT coalesce(json_agg(json_build_object('agency', a.code, 'number', l.number,"
     " 'name', l.name, 'active', l.active) ORDER BY a.code, l.number), '[]')::text"
     " FROM liaison l JOIN agency a ON a.id = l.agency_id"
     " WHERE $1::text IS NULL OR a.code = upper($1)",
     "SELECT coalesce(string_agg(format('%-10s %-16s %-24s %s', e->>'agency', e->>'number',"
     " coalesce(e->>'name', '-'), CASE WHEN (e->>'active')::boolean THEN 'active'"
     " ELSE 'removed' END), E'\\n'), 'no liaisons') FROM jsonb_array_elements($1::jsonb) e"},
    {"ticket",
     "SELECT json_build_object('ticket', ticket_of(c.id), 'status', c.status, 'sender', c.sender,"
     " 'confidential', c.confidential, 'agency', a.code, 'keyword', c.keyword,"
     " 'incomplete', c.incomplete, 'text', c.text, 'created_at', c.created_at,"
     " 'routed_at', c.routed_at, 'route_by', d.route_by, 'followup_by', d.followup_by,"
     " 'history', (SELECT json_agg(json_build_object('at', e.at, 'actor', e.actor, 'kind', e.kind,"
     "   'detail', e.detail) ORDER BY e.id) FROM complaint_event e WHERE e.complaint_id = c.id))"
     "::text FROM complaint c LEFT JOIN agency a ON a.id = c.agency_id"
     " LEFT JOIN complaint_deadline d ON d.id = c.id WHERE c.id = $1::bigint",
     "SELECT concat_ws(E'\\n', format('ticket #%s: %s%s', $1::jsonb->>'ticket',"
     " $1::jsonb->>'status', coalesce(', agency ' || ($1::jsonb->>'agency'), '')),"
     " format('from %s%s%s', $1::jsonb->>'sender',"
     " CASE WHEN ($1::jsonb->>'confidential')::boolean THEN ' (confidential)' ELSE '' END,"
     " CASE WHEN ($1::jsonb->>'incomplete')::boolean THEN ', incomplete' ELSE '' END),"
     " 'text: ' || ($1::jsonb->>'text'),"
     " 'route by: ' || ($1::jsonb->>'route_by'), 'first follow-up by: ' ||"
     " ($1::jsonb->>'followup_by'), 'history:',"
     " (SELECT string_agg(format('  %s  %-22s %-14s %s', left(e->>'at', 19), e->>'actor',"
     "   e->>'kind', coalesce(e->>'detail', '')), E'\\n')"
     "   FROM jsonb_array_elements($1::jsonb->'history') e))"},
    {"outbox",
     "SELECT coalesce(json_agg(json_build_object('id', o.id, 'kind', o.kind,"
     " 'destination', o.destination, 'status', o.status, 'attempts', o.attempts,"
     " 'parts', o.parts, 'ticket', CASE WHEN o.complaint_id IS NOT NULL"
     " THEN ticket_of(o.complaint_id) END, 'created_at', o.created_at, 'sent_at', o.sent_at,"
     " 'next_attempt_at', o.next_attempt_at, 'last_error', o.last_error,"
     " 'text', o.text,"
     " 'delivery', (SELECT CASE WHEN count(*) FILTER (WHERE p.delivery IS NOT NULL) = 0 THEN NULL"
     "   WHEN bool_and(p.delivery = 'delivered') THEN 'delivered'"
     "   WHEN bool_or(p.delivery IN ('failed', 'expired')) THEN max(p.delivery)"
     "   ELSE 'pending' END FROM outbox_part p WHERE p.outbox_id = o.id))"
     " ORDER BY o.id DESC), '[]')::text"
     " FROM (SELECT * FROM outbox_for_reader WHERE $1::text IS NULL OR status = $1"
     "   ORDER BY id DESC LIMIT 200) o",
     "SELECT CASE WHEN jsonb_array_length($1::jsonb) = 0 THEN 'no messages' ELSE concat_ws(E'\n',"
     " format('%8s %-9s %-16s %-9s %-9s %5s %5s %-8s %s', 'ID', 'KIND', 'TO', 'STATUS',"
     " 'DELIVERY', 'PARTS', 'TRIES', 'TICKET', 'TEXT'),"
     " (SELECT string_agg(format('%8s %-9s %-16s %-9s %-9s %5s %5s %-8s %s%s', e->>'id',"
     " e->>'kind', e->>'destination', e->>'status', coalesce(e->>'delivery', '-'),"
     " coalesce(e->>'parts', '-'), e->>'attempts', coalesce('#' || (e->>'ticket'), '-'),"
     " left(e->>'text', 40), coalesce(E'\n         last error: ' || (e->>'last_error'), '')),"
     " E'\n') FROM jsonb_array_elements($1::jsonb) e),"
     " 'KIND: the reply''s template (received, status, help...), forward, reminder, operator',"
     " 'STATUS: queued, sending, sent, failed (given up), unknown (the modem did not say;"
     " never sent again by itself), cancelled',"
     " 'DELIVERY: the network''s report on the parts (delivered, pending, failed, expired;"
     " - none); PARTS: SMS it took (- not sent yet); TRIES: attempts so far') END"},
    {"metrics",
     "WITH hb AS (SELECT h.*, extract(epoch FROM now() - beat_at) AS age FROM heartbeat h),"
     " fam(ord, name, type, help, samples) AS (VALUES"
     " (1, 'lapor_modem_up', 'gauge', 'Whether the modem is connected and its daemon''s heartbeat"
     " is fresh.', (SELECT string_agg(format('lapor_modem_up{modem=\"%s\"} %s', instance,"
     " CASE WHEN modem_connected AND age < $1::int THEN 1 ELSE 0 END), E'\n') FROM hb)),"
     " (2, 'lapor_heartbeat_age_seconds', 'gauge', 'Seconds since the daemon''s last heartbeat.',"
     " (SELECT string_agg(format('lapor_heartbeat_age_seconds{modem=\"%s\"} %s', instance,"
     " round(age::numeric, 3)), E'\n') FROM hb)),"
     " (3, 'lapor_modem_signal_percent', 'gauge', 'Signal strength the modem reports.',"
     " (SELECT string_agg(format('lapor_modem_signal_percent{modem=\"%s\"} %s', instance,"
     " signal_percent), E'\n') FROM hb WHERE signal_percent IS NOT NULL AND age < $1::int)),"
     " (4, 'lapor_sim_used_messages', 'gauge', 'Messages stored on the SIM.',"
     " (SELECT string_agg(format('lapor_sim_used_messages{modem=\"%s\"} %s', instance,"
     " sim_used), E'\n') FROM hb WHERE sim_used IS NOT NULL)),"
     " (5, 'lapor_sim_capacity_messages', 'gauge', 'Messages the SIM can hold.',"
     " (SELECT string_agg(format('lapor_sim_capacity_messages{modem=\"%s\"} %s', instance,"
     " sim_total), E'\n') FROM hb WHERE sim_total IS NOT NULL)),"
     " (15, 'lapor_storage_alarm', 'gauge', 'Whether SIM or phone memory is 80% full.',"
     " (SELECT string_agg(format('lapor_storage_alarm{modem=\"%s\"} %s', instance,"
     " CASE WHEN coalesce(sim_total > 0 AND sim_used * 100 >= 80 * sim_total, false)"
     " OR coalesce(phone_total > 0 AND phone_used * 100 >= 80 * phone_total, false)"
     " THEN 1 ELSE 0 END), E'\\n') FROM hb)),"

     " (6, 'lapor_modem_worker_deaths_total', 'counter', 'Modem workers that died or were"
     " killed.',"
     " (SELECT string_agg(format('lapor_modem_worker_deaths_total{modem=\"%s\"} %s',"
     " instance, worker_deaths), E'\n') FROM hb)),"
     " (16, 'lapor_modem_recoveries_total', 'counter', 'Times the modem came back after"
     " failing.',"
     " (SELECT string_agg(format('lapor_modem_recoveries_total{modem=\"%s\"} %s',"
     " instance, coalesce(recoveries, 0)), E'\n') FROM hb)),"
     " (7, 'lapor_undecodable_taken_total', 'counter', 'Undecodable messages taken off the"
     " SIM raw.',"
     " (SELECT string_agg(format('lapor_undecodable_taken_total{modem=\"%s\"} %s',"
     " instance, undecodable_taken), E'\n') FROM hb)),"
     " (8, 'lapor_multipart_open_messages', 'gauge', 'Multipart messages waiting for parts.',"
     " (SELECT format('lapor_multipart_open_messages %s', count(*)) FROM sms_in"
     " WHERE state = 'open')),"
     " (9, 'lapor_multipart_oldest_seconds', 'gauge', 'Age of the oldest multipart message"
     " waiting for parts (0 when none).',"
     " (SELECT format('lapor_multipart_oldest_seconds %s', coalesce(round(extract(epoch FROM"
     " now() - min(first_received_at))::numeric, 3), 0)) FROM sms_in WHERE state = 'open')),"
     " (10, 'lapor_outbox_messages', 'gauge', 'Outgoing messages by state.',"
     " (SELECT string_agg(format('lapor_outbox_messages{status=\"%s\"} %s', s,"
     " tally_of('outbox:' || s)), E'\n' ORDER BY s) FROM unnest(ARRAY["
     " 'queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled']) s)),"
     " (11, 'lapor_outbox_oldest_queued_seconds', 'gauge', 'Age of the oldest queued outgoing"
     " message (0 when none).',"
     " (SELECT format('lapor_outbox_oldest_queued_seconds %s', coalesce(round(extract(epoch"
     " FROM now() - min(created_at))::numeric, 3), 0)) FROM outbox WHERE status = 'queued')),"
     " (12, 'lapor_messages_received_total', 'counter', 'Incoming messages stored.',"
     " (SELECT format('lapor_messages_received_total %s', tally_of('sms_in')))),"
     " (13, 'lapor_complaints_total', 'counter', 'Complaints made.',"
     " (SELECT format('lapor_complaints_total %s', tally_of('complaint')))),"
     " (14, 'lapor_complaints_overdue', 'gauge', 'Tickets past their service level.',"
     " (SELECT format('lapor_complaints_overdue %s', count(*)) FROM complaint c"
     " WHERE c.due_on < (now() AT TIME ZONE 'Asia/Jakarta')::date))"
     " UNION ALL SELECT * FROM status_metric_families($1::int))"
     " SELECT string_agg(format(E'# HELP %s %s\n# TYPE %s %s%s', name, help, name, type,"
     " coalesce(E'\n' || samples, '')), E'\n' ORDER BY ord) || E'\n' FROM fam",
     NULL},
    {"overdue",
     "SELECT coalesce(json_agg(json_build_object('ticket', ticket_of(c.id), 'status', c.status,"
     " 'agency', a.code, 'due', c.due_on,"
     " 'what', CASE WHEN c.status = 'diteruskan' THEN 'first follow-up' ELSE 'routing' END)"
     " ORDER BY c.due_on, c.id), '[]')::text"
     " FROM complaint c LEFT JOIN agency a ON a.id = c.agency_id"
     " WHERE c.due_on < (now() AT TIME ZONE 'Asia/Jakarta')::date"
     " AND ($1::text IS NULL OR a.code = upper($1))",
     "SELECT coalesce(string_agg(format('#%-11s %-11s %-10s %s was due %s', e->>'ticket',"
     " e->>'status', coalesce(e->>'agency', '-'), e->>'what', e->>'due'), E'\\n'),"
     " 'nothing overdue') FROM jsonb_array_elements($1::jsonb) e"},
};

int store_report(struct store *s, const char *name, const char *param, bool json, char **out)
{
    *out = NULL;
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        if (strcmp(reports[i].name, name) != 0) {
            continue;
        }
        const char *params[] = {param};
        struct store_rows *r = store_query(s, reports[i].json, 1, params);
        if (r == NULL) {
            return -1;
        }
        if (store_rows_count(r) == 0 || store_rows_isnull(r, 0, 0)) {
            store_rows_free(r);
            store_set_error(s, "nothing found");
            return -1;
        }
        char *doc = store_rows_strdup(r, 0, 0);
        store_rows_free(r);
        if (json || doc == NULL || reports[i].text == NULL) {
            *out = doc;
            return doc ? 0 : -1;
        }
        int rc = query_text(s, reports[i].text, doc, out);
        free(doc);
        return rc;
    }
    store_set_error(s, "no report named %s", name);
    return -1;
}
