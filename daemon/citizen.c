/*
 * citizen: a citizen's commands on their own tickets, and help.
 */
#include "citizen.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "lifecycle.h"
#include "log.h"
#include "store_intake.h"
#include "ticket.h"

static int answer_without_ticket(const struct reply_to *to, const char *name, long long shown,
                                 const char *kind, const char *tmpl);
static int add_information(const struct reply_to *to, long long seq,
                           const struct grammar_result *g);
static int withdraw(const struct reply_to *to, long long seq);

/* The intake's line for a command message, as a complaint has its own: what it asked and, when
 * seq is not 0, on which ticket. */
static void log_command(const struct reply_to *to, const char *name, const char *what,
                        long long seq)
{
    char number[32];
    char ticket[32] = "";
    if (seq > 0) {
        snprintf(ticket, sizeof ticket, " #%" PRIu64, ticket_from_seq((uint64_t)seq));
    }
    log_info("message %lld from %s: %s%s%s", to->msg_id,
             log_number(to->sender, number, sizeof number), name, what, ticket);
}

int citizen_ticket_command(const struct reply_to *to, const struct grammar_result *g)
{
    struct store *s = to->queue->store;
    const struct conf_templates *t = &to->queue->conf->templates;
    const char *name = grammar_command_name(g->command);
    if (g->ticket == GRAMMAR_TICKET_MISSING) {
        log_command(to, name, " without a ticket number", 0);
        return answer_without_ticket(to, name, 0, "need_ticket", t->need_ticket);
    }
    if (g->ticket != GRAMMAR_TICKET_OK) {
        log_command(to, name, " with a ticket number that is not valid (check digit)", 0);
        return answer_without_ticket(to, name, 0, "not_valid", t->not_valid);
    }
    long long seq = (long long)g->seq;
    bool found;
    char status[32];
    if (store_complaint_lookup(s, seq, to->sender, &found, status, sizeof status) != 0) {
        return -1;
    }
    if (!found) {
        log_command(to, name, " on a ticket that is not the sender's, or none:", seq);
        return answer_without_ticket(to, name, seq, "not_found", t->not_found);
    }
    if (store_message_note(s, to->msg_id, name, seq) != 0) {
        return -1;
    }
    bool adds = g->command == GRAMMAR_ADD && g->body_len > 0 && lifecycle_citizen_may_add(status);
    bool cancels = g->command == GRAMMAR_CANCEL && lifecycle_citizen_may_cancel(status);
    if ((adds || cancels) && !to->confirmed) {
        /* It changes the ticket: only the number that filed it, answering its code, makes it
         * act. */
        return confirm_ask(to, seq);
    }
    if (adds) {
        return add_information(to, seq, g);
    }
    if (cancels) {
        return withdraw(to, seq);
    }
    /* CEK; TAMBAH with nothing to add, whose status reply says how to add; or TAMBAH / BATAL on a
     * ticket that is closed already: its status says why. */
    log_command(to, name, " answered with the status of complaint", seq);
    struct reply_values v = {.seq = seq, .status = lifecycle_label(status, t->language)};
    return reply_answer(to, seq, "status", t->status, &v);
}

int citizen_help(const struct reply_to *to)
{
    log_command(to, "help", " asked for", 0);
    if (store_message_note(to->queue->store, to->msg_id, "help", 0) != 0) {
        return -1;
    }
    struct reply_values v = {.seq = 0};
    return reply_answer(to, 0, "help", to->queue->conf->templates.help, &v);
}

/* A command that reaches no ticket of the sender's: noted as command name, and answered with
 * template kind; shown is the ticket the answer names, 0 for none. */
static int answer_without_ticket(const struct reply_to *to, const char *name, long long shown,
                                 const char *kind, const char *tmpl)
{
    if (store_message_note(to->queue->store, to->msg_id, name, 0) != 0) {
        return -1;
    }
    struct reply_values v = {.seq = shown};
    return reply_answer(to, 0, kind, tmpl, &v);
}

/* TAMBAH on an open ticket: its text goes into the ticket's history. */
static int add_information(const struct reply_to *to, long long seq, const struct grammar_result *g)
{
    char *detail = strndup(g->body, g->body_len);
    int rc =
        detail ? store_complaint_event(to->queue->store, seq, NULL, "citizen", "info_added", detail)
               : -1;
    free(detail);
    if (rc != 0) {
        return -1;
    }
    log_info("message %lld adds information to complaint #%" PRIu64, to->msg_id,
             ticket_from_seq((uint64_t)seq));
    struct reply_values v = {.seq = seq};
    return reply_answer(to, seq, "added", to->queue->conf->templates.added, &v);
}

/* BATAL on a ticket that may still be withdrawn. */
static int withdraw(const struct reply_to *to, long long seq)
{
    if (store_complaint_event(to->queue->store, seq, "dibatalkan", "citizen", "status",
                              "withdrawn by the citizen (BATAL)") != 0) {
        return -1;
    }
    log_info("message %lld withdraws complaint #%" PRIu64, to->msg_id,
             ticket_from_seq((uint64_t)seq));
    struct reply_values v = {.seq = seq};
    return reply_answer(to, seq, "cancelled", to->queue->conf->templates.cancelled, &v);
}
