/* liaison_pin: see liaison_pin.h. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "liaison_pin.h"

#include <string.h>

#include "log.h"
#include "msisdn.h"
#include "store_pin.h"

/* The liaison is told (their registered number gets it, within its budget) and the attempt is
 * logged without the PIN. */
static int refuse(const struct reply_to *to, const char *why)
{
    char numbuf[MSISDN_MAX];
    log_warn("message %lld: a liaison's command from %s refused: %s", to->msg_id,
             log_number(to->sender, numbuf, sizeof numbuf), why);
    struct reply_values v = {.seq = 0};
    return reply_answer(to, 0, "pin_refused", to->queue->conf->templates.pin_refused, &v);
}

/* Judges pin (NULL when the command carries none) against the liaison's stored PIN. */
static int judge(const struct reply_to *to, int agency_id, const char *pin,
                 enum liaison_pin_verdict *verdict)
{
    const struct conf_confirm *cc = &to->queue->conf->confirm;
    struct store *s = to->queue->store;
    struct store_pin p;
    bool found;
    *verdict = LIAISON_PIN_REFUSED;
    if (store_pin_get(s, to->sender, agency_id, &p, &found) != 0) {
        return -1;
    }
    if (!found || !p.has_pin) {
        *verdict = LIAISON_PIN_CODE;
        return 0;
    }
    if (p.locked) {
        return refuse(to, "locked after wrong PINs until an operator unlocks it");
    }
    if (pin == NULL) {
        return refuse(to, "no PIN");
    }
    bool right = pin_matches(pin, p.salt, p.salt_len, p.iterations, p.hash, p.hash_len);
    int liaison_id = p.liaison_id;
    explicit_bzero(&p, sizeof p);
    if (right) {
        *verdict = strcmp(cc->mechanism, "both") == 0 ? LIAISON_PIN_CODE : LIAISON_PIN_ACT;
        return store_pin_succeeded(s, liaison_id);
    }
    bool locked;
    if (store_pin_failed(s, liaison_id, cc->pin_attempts, &locked) != 0) {
        return -1;
    }
    return refuse(to, locked ? "a wrong PIN; the liaison is locked now" : "a wrong PIN");
}

int liaison_pin_strip(const struct reply_to *to, struct grammar_result *g,
                      char pin[PIN_MAX_DIGITS + 1])
{
    size_t skip;
    if (!pin_split(g->body, g->body_len, pin, &skip)) {
        return 0;
    }
    g->body += skip;
    g->body_len -= skip;
    /* Masked whatever the mechanism and whatever becomes of the command: no reader of the
     * stored message may learn it. */
    return store_pin_mask(to->queue->store, to->msg_id) == 0 ? 1 : -1;
}

int liaison_pin_judge(const struct reply_to *to, int agency_id, const char *pin,
                      enum liaison_pin_verdict *verdict)
{
    if (strcmp(to->queue->conf->confirm.mechanism, "code") == 0 || to->confirmed) {
        /* No PIN asked; or it was judged when the command came in, before its code was sent. */
        *verdict = LIAISON_PIN_CODE;
        return 0;
    }
    return judge(to, agency_id, pin, verdict);
}
