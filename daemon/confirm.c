/* confirm: see confirm.h. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "confirm.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "grammar.h"
#include "log.h"
#include "msisdn.h"
#include "store_confirm.h"
#include "store_intake.h"
#include "ticket.h"

/* A code of GRAMMAR_CODE_DIGITS decimal digits, evenly drawn. 0, or -1 when the kernel gave no
 * random bytes. */
static int new_code(char code[GRAMMAR_CODE_DIGITS + 1])
{
    const uint32_t range = 1000000;
    /* The largest multiple of range that fits: values above it would favour small codes. */
    const uint32_t limit = UINT32_MAX - UINT32_MAX % range;
    uint32_t r;
    do {
        if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
            return -1;
        }
    } while (r >= limit);
    _Static_assert(GRAMMAR_CODE_DIGITS == 6, "the range matches the code's digits");
    for (int i = GRAMMAR_CODE_DIGITS - 1; i >= 0; i--) {
        code[i] = (char)('0' + r % 10);
        r /= 10;
    }
    code[GRAMMAR_CODE_DIGITS] = '\0';
    return 0;
}

int confirm_ask(const struct reply_to *to, long long seq)
{
    char numbuf[MSISDN_MAX];
    uint64_t ticket = ticket_from_seq((uint64_t)seq);
    if (!to->replyable) {
        log_warn("message %lld: a command on #%" PRIu64 " from %s, which cannot get a code; "
                 "it does not act",
                 to->msg_id, ticket, log_number(to->sender, numbuf, sizeof numbuf));
        return 0;
    }
    char code[GRAMMAR_CODE_DIGITS + 1];
    if (new_code(code) != 0) {
        log_err("message %lld: no random bytes for a confirmation code", to->msg_id);
        return -1;
    }
    const struct conf_confirm *cc = &to->queue->conf->confirm;
    int rc = store_confirm_add(to->queue->store, to->sender, to->msg_id, seq, code, cc->expiry_s);
    struct reply_values v = {.seq = seq, .code = code, .minutes = cc->expiry_s / 60};
    if (rc == 0) {
        rc = reply_answer(to, seq, "confirm_ask", to->queue->conf->templates.confirm_ask, &v);
    }
    explicit_bzero(code, sizeof code);
    if (rc == 0) {
        log_info("message %lld from %s: a command on #%" PRIu64 " waits for the code sent back",
                 to->msg_id, log_number(to->sender, numbuf, sizeof numbuf), ticket);
    }
    return rc;
}

int confirm_take(const struct reply_to *to, const char *code, long long *msg_id, char **text)
{
    struct store *s = to->queue->store;
    if (store_confirm_take(s, to->sender, code, to->queue->conf->confirm.attempts, msg_id, text) !=
        0) {
        return -1;
    }
    if (store_message_note(s, to->msg_id, "confirm", 0) != 0) {
        free(*text);
        *text = NULL;
        return -1;
    }
    char numbuf[MSISDN_MAX];
    if (*text != NULL) {
        log_info("message %lld confirms message %lld", to->msg_id, *msg_id);
        return 0;
    }
    log_warn("message %lld from %s: a confirmation code that opens no waiting command", to->msg_id,
             log_number(to->sender, numbuf, sizeof numbuf));
    struct reply_values v = {.seq = 0};
    return reply_answer(to, 0, "confirm_wrong", to->queue->conf->templates.confirm_wrong, &v);
}
