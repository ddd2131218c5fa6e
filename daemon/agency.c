/*
 * agency: forwards and reminders to agencies' liaisons, and what their follow-ups mean.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "agency.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "liaison_pin.h"
#include "lifecycle.h"
#include "log.h"
#include "msisdn.h"
#include "store_agency.h"
#include "store_intake.h"
#include "store_outbox.h"
#include "template.h"
#include "textcodec.h"
#include "ticket.h"

/* One SMS: 160 septets as GSM 7-bit; two concatenated UCS-2 parts hold 134 units. */
#define ROOM_GSM7 160
#define ROOM_UCS2 134

/* Length in bytes of the UTF-8 sequence that starts with byte b. */
static size_t seq_len(unsigned char b)
{
    return b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

char *agency_cut(const char *utf8, long room, bool gsm7)
{
    size_t len = strlen(utf8);
    long used = 0;
    size_t pos = 0;
    const long dots = 3;
    /* First see whether the whole text fits; if not, leave room for the dots. */
    long limit = room;
    for (int pass = 0; pass < 2; pass++) {
        used = 0;
        pos = 0;
        while (pos < len) {
            size_t n = seq_len((unsigned char)utf8[pos]);
            if (pos + n > len) {
                n = len - pos;
            }
            char one[5] = {0};
            memcpy(one, utf8 + pos, n);
            long cost = gsm7 ? text_gsm7_septets(one) : (n == 4 ? 2 : 1);
            if (cost < 0) {
                cost = 2;
            }
            if (used + cost > limit) {
                break;
            }
            used += cost;
            pos += n;
        }
        if (pos == len) {
            return strdup(utf8);
        }
        limit = room - dots > 0 ? room - dots : 0;
    }
    char *out = malloc(pos + 4);
    if (out != NULL) {
        memcpy(out, utf8, pos);
        memcpy(out + pos, "...", 4);
    }
    return out;
}

/* The forward for one ticket: the start of the complaint, as much as one SMS holds. */
static char *forward_text(const char *tmpl, const char *ticket, const char *agency,
                          const char *complaint)
{
    const char *names[] = {"ticket", "agency", "summary"};
    const char *values[] = {ticket, agency, ""};
    char fixed[1024];
    if (template_fill(tmpl, names, values, 3, fixed, sizeof fixed) < 0) {
        return NULL;
    }
    bool gsm7 = text_is_gsm7(complaint);
    long room =
        gsm7 ? ROOM_GSM7 - text_gsm7_septets(fixed) : ROOM_UCS2 - (long)text_codepoints(fixed);
    char *summary = agency_cut(complaint, room > 20 ? room : 20, gsm7);
    if (summary == NULL) {
        return NULL;
    }
    size_t cap = strlen(fixed) + strlen(summary) + 1;
    char *out = malloc(cap);
    values[2] = summary;
    if (out != NULL && template_fill(tmpl, names, values, 3, out, cap) < 0) {
        free(out);
        out = NULL;
    }
    free(summary);
    return out;
}

int agency_route(struct store *s, const struct conf *c, long long seq, int agency_id,
                 const char *actor, const char *reason)
{
    if (store_complaint_route(s, seq, agency_id, actor, reason) != 0) {
        return -1;
    }
    struct store_ticket t;
    bool found;
    if (store_ticket_get(s, seq, &t, &found) != 0 || !found) {
        return -1;
    }
    char **numbers;
    size_t n;
    if (store_liaisons(s, agency_id, &numbers, &n) != 0) {
        free(t.text);
        return -1;
    }
    char ticket[TICKET_MAX_DIGITS + 1];
    snprintf(ticket, sizeof ticket, "%" PRIu64, ticket_from_seq((uint64_t)seq));
    /* The forward carries the ticket and the complaint's start, never the citizen's number. */
    char *text = forward_text(c->templates.forward, ticket, t.agency, t.text);
    int rc = text != NULL ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = store_outbox_add(s, seq, 0, "forward", numbers[i], text, NULL);
    }
    if (rc == 0) {
        log_info("complaint #%s routed to %s, forwarded to %zu liaison%s", ticket, t.agency, n,
                 n == 1 ? "" : "s");
    }
    for (size_t i = 0; i < n; i++) {
        free(numbers[i]);
    }
    free(numbers);
    free(text);
    free(t.text);
    return rc;
}

int agency_remind(struct store *s, const struct conf *c, int *sent)
{
    long long *seqs;
    int *agencies;
    size_t n;
    *sent = 0;
    if (store_reminders_due(s, &seqs, &agencies, &n) != 0) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct store_ticket t;
        bool found;
        char **numbers = NULL;
        size_t nn = 0;
        if (store_ticket_get(s, seqs[i], &t, &found) != 0 || !found ||
            store_liaisons(s, agencies[i], &numbers, &nn) != 0) {
            rc = -1;
            break;
        }
        char ticket[TICKET_MAX_DIGITS + 1];
        snprintf(ticket, sizeof ticket, "%" PRIu64, ticket_from_seq((uint64_t)seqs[i]));
        const char *names[] = {"ticket", "agency"};
        const char *values[] = {ticket, t.agency};
        char text[512];
        if (template_fill(c->templates.reminder, names, values, 2, text, sizeof text) < 0) {
            rc = -1;
        }
        for (size_t k = 0; k < nn && rc == 0; k++) {
            rc = store_outbox_add(s, seqs[i], 0, "reminder", numbers[k], text, NULL);
        }
        if (rc == 0) {
            rc = store_complaint_event(s, seqs[i], NULL, "daemon", "reminded",
                                       "first follow-up overdue");
            (*sent)++;
        }
        for (size_t k = 0; k < nn; k++) {
            free(numbers[k]);
        }
        free(numbers);
        free(t.text);
    }
    free(seqs);
    free(agencies);
    return rc;
}

static int followup_without_ticket(const struct reply_to *to, const struct grammar_result *g);
static int followup_refused(const struct reply_to *to, const char *name, long long seq, bool found);
static int followup_taken(const struct reply_to *to, const struct grammar_result *g, long long seq,
                          const struct store_ticket *tk);
static int followup_allowed(const struct reply_to *to, const struct grammar_result *g,
                            long long seq, const struct store_ticket *tk, const char *pin);
static int followup_on_ticket(const struct reply_to *to, const struct grammar_result *g,
                              const char *pin);

int agency_followup(const struct reply_to *to, const struct grammar_result *g)
{
    /* A PIN is taken off the text, and out of the stored message, before anything else. */
    struct grammar_result rest = *g;
    char pin[PIN_MAX_DIGITS + 1];
    int carried = liaison_pin_strip(to, &rest, pin);
    int rc = -1;
    if (carried >= 0 && g->ticket != GRAMMAR_TICKET_OK) {
        rc = followup_without_ticket(to, g);
    } else if (carried >= 0) {
        rc = followup_on_ticket(to, &rest, carried && pin[0] ? pin : NULL);
    }
    explicit_bzero(pin, sizeof pin);
    return rc;
}

/* A TL or SELESAI with its ticket number, and the PIN it carried (NULL when none). */
static int followup_on_ticket(const struct reply_to *to, const struct grammar_result *g,
                              const char *pin)
{
    struct store *s = to->queue->store;
    long long seq = (long long)g->seq;
    struct store_ticket tk;
    bool found;
    if (store_ticket_get(s, seq, &tk, &found) != 0) {
        return -1;
    }
    bool allowed = false;
    if (found && tk.agency_id > 0 && store_is_liaison(s, to->sender, tk.agency_id, &allowed) != 0) {
        free(tk.text);
        return -1;
    }
    int rc = allowed ? followup_allowed(to, g, seq, &tk, pin)
                     : followup_refused(to, grammar_command_name(g->command), seq, found);
    free(tk.text);
    return rc;
}

/* A follow-up with no usable ticket number: the liaison is told what is wrong. */
static int followup_without_ticket(const struct reply_to *to, const struct grammar_result *g)
{
    if (store_message_note(to->queue->store, to->msg_id, grammar_command_name(g->command), 0) !=
        0) {
        return -1;
    }
    const struct conf_templates *t = &to->queue->conf->templates;
    bool missing = g->ticket == GRAMMAR_TICKET_MISSING;
    struct reply_values v = {.seq = 0};
    return reply_answer(to, 0, missing ? "need_ticket" : "not_valid",
                        missing ? t->need_ticket : t->not_valid, &v);
}

/* A follow-up on a ticket that is not routed to the liaison's agency: kept as a refused attempt,
 * and answered only when no such ticket exists. */
static int followup_refused(const struct reply_to *to, const char *name, long long seq, bool found)
{
    struct store *s = to->queue->store;
    int rc = store_message_note(s, to->msg_id, "refused", found ? seq : 0);
    if (rc == 0 && found) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s from %s, who is no liaison of the ticket's agency",
                 name, to->sender);
        rc = store_complaint_event(s, seq, NULL, "system", "refused", detail);
    }
    char numbuf[MSISDN_MAX];
    log_warn("message %lld: %s on #%" PRIu64 " from %s refused: not a liaison of its agency",
             to->msg_id, name, ticket_from_seq((uint64_t)seq),
             log_number(to->sender, numbuf, sizeof numbuf));
    if (rc == 0 && !found) {
        struct reply_values v = {.seq = seq};
        const char *tmpl = to->queue->conf->templates.not_found;
        rc = reply_answer(to, 0, "not_found", tmpl, &v);
    }
    return rc;
}

/* A TL or SELESAI from a number that is a liaison of the ticket's agency: it acts only on a ticket
 * that is neither withdrawn nor archived, and only once that number has answered its code or
 * given its PIN, as confirm.mechanism says (a forger, who never sees the code nor knows the PIN,
 * changes nothing and reaches nobody). */
static int followup_allowed(const struct reply_to *to, const struct grammar_result *g,
                            long long seq, const struct store_ticket *tk, const char *pin)
{
    struct store *s = to->queue->store;
    const char *name = grammar_command_name(g->command);
    if (!lifecycle_agency_may_act(tk->status)) {
        log_warn("message %lld: %s on #%" PRIu64 " refused: the ticket is %s", to->msg_id, name,
                 ticket_from_seq((uint64_t)seq), tk->status);
        const struct conf_templates *t = &to->queue->conf->templates;
        struct reply_values v = {.seq = seq, .status = lifecycle_label(tk->status, t->language)};
        int rc = store_message_note(s, to->msg_id, "refused", seq);
        return rc == 0 ? reply_answer(to, seq, "status", t->status, &v) : rc;
    }
    enum liaison_pin_verdict verdict;
    if (liaison_pin_judge(to, tk->agency_id, pin, &verdict) != 0) {
        return -1;
    }
    if (verdict == LIAISON_PIN_REFUSED) {
        return store_message_note(s, to->msg_id, "refused", seq);
    }
    if (to->confirmed || verdict == LIAISON_PIN_ACT) {
        return followup_taken(to, g, seq, tk);
    }
    return store_message_note(s, to->msg_id, name, seq) == 0 ? confirm_ask(to, seq) : -1;
}

/* A liaison's TL or SELESAI on a ticket of their agency: the ticket moves on, the citizen hears
 * the agency's words and the liaison gets a confirmation. */
static int followup_taken(const struct reply_to *to, const struct grammar_result *g, long long seq,
                          const struct store_ticket *tk)
{
    const struct conf_templates *t = &to->queue->conf->templates;
    const char *name = grammar_command_name(g->command);
    bool close = g->command == GRAMMAR_CLOSE;
    char *body = strndup(g->body, g->body_len);
    char actor[96];
    snprintf(actor, sizeof actor, "liaison:%s", to->sender);
    const char *status = close ? "selesai" : "diproses";
    int rc = body ? 0 : -1;
    if (rc == 0) {
        rc = store_complaint_event(to->queue->store, seq, status, actor,
                                   close ? "closed" : "followup", body);
    }
    if (rc == 0) {
        rc = store_message_note(to->queue->store, to->msg_id, name, seq);
    }
    if (rc == 0) {
        log_info("message %lld: %s on complaint #%" PRIu64 " from a liaison of %s", to->msg_id,
                 name, ticket_from_seq((uint64_t)seq), tk->agency);
    }
    /* The citizen hears the agency's words, in as many parts as they need, within the citizen's
     * reply budget: whoever sends TL cannot make 1708 flood a number. */
    struct reply_values rv = {.seq = seq, .agency = tk->agency, .text = body};
    if (rc == 0 && msisdn_is_mobile(tk->sender)) {
        rc = reply_within_budget(to->queue, to->msg_id, seq, tk->sender, "relay",
                                 close ? t->closed : t->followup, &rv);
    }
    struct reply_values cv = {.seq = seq, .status = lifecycle_label(status, t->language)};
    if (rc == 0) {
        rc = reply_answer(to, seq, "confirm", t->confirmed, &cv);
    }
    free(body);
    return rc;
}
