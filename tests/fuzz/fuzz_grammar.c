/*
 * libFuzzer target for grammar: every citizen can send any text to 1708, so grammar_parse must
 * read anything (made valid UTF-8 first, as the intake does) and keep its promises: the body lies
 * inside the input, the keyword is upper-case letters and digits, a ticket is OK only with a
 * sequence number whose ticket passes its own check, a confirmation carries exactly its code's
 * digits. Read as a complaint (grammar_parse_complaint), it is a complaint or help, and never a
 * command.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "textcodec.h"
#include "ticket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    char *text = malloc(TEXT_UTF8_CAP(size));
    check(text != NULL);
    long len = text_sanitize_utf8(data, size, text, TEXT_UTF8_CAP(size));
    check(len >= 0);

    struct grammar_result g;
    grammar_parse(text, &g);
    check(g.body != NULL);
    check(g.body >= text && g.body + g.body_len <= text + len);
    check(strlen(g.keyword) < GRAMMAR_KEYWORD_MAX);
    for (const char *k = g.keyword; *k != '\0'; k++) {
        check((*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9'));
    }
    check(grammar_command_name(g.command) != NULL);
    if (g.ticket == GRAMMAR_TICKET_OK) {
        char digits[TICKET_MAX_DIGITS + 2];
        uint64_t again;
        snprintf(digits, sizeof digits, "%llu", (unsigned long long)ticket_from_seq(g.seq));
        check(ticket_parse(digits, &again) == TICKET_OK && again == g.seq);
    } else {
        check(g.seq == 0);
    }
    /* A confirmation's body is its code: exactly its digits, nothing else. */
    if (g.command == GRAMMAR_CONFIRM) {
        check(g.body_len == GRAMMAR_CODE_DIGITS);
        for (size_t i = 0; i < g.body_len; i++) {
            check(g.body[i] >= '0' && g.body[i] <= '9');
        }
    }
    grammar_parse_complaint(text, &g);
    check(g.command == GRAMMAR_COMPLAINT || g.command == GRAMMAR_CONFIDENTIAL ||
          g.command == GRAMMAR_HELP);
    check(g.ticket == GRAMMAR_TICKET_NONE && g.seq == 0);
    check(g.body >= text && g.body + g.body_len <= text + len);
    free(text);
    return 0;
}
