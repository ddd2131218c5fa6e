/*
 * liaison_pin: what a liaison's PIN says about a TL or SELESAI, by confirm.mechanism:
 * - "code": no PIN is asked; the code round trip (module confirm) proves the sender.
 * - "pin": a liaison with a PIN acts in one step when the command carries it
 *   ("TL <ticket> PIN <digits> <text>"); a liaison without one still confirms by code.
 * - "both": the PIN, and then the code round trip.
 * A missing PIN is refused; a wrong one is refused and counted, and confirm.pin_attempts wrong
 * ones lock the liaison until an operator unlocks it (lapor-smsctl liaison unlock). The PIN is
 * masked in the stored message as soon as it is read, never logged, relayed, or sent back.
 */
#ifndef LAPOR_LIAISON_PIN_H
#define LAPOR_LIAISON_PIN_H

#include "grammar.h"
#include "pin.h"
#include "reply.h"

enum liaison_pin_verdict {
    LIAISON_PIN_REFUSED, /* missing, wrong, or the liaison is locked: nothing acts */
    LIAISON_PIN_CODE,    /* the code round trip decides (no PIN asked, or none set) */
    LIAISON_PIN_ACT,     /* the right PIN, and no code asked: the command acts now */
};

/*
 * Takes the PIN off the start of g's text (the text after the ticket), so that g->body then
 * begins after it, into pin ("" when the message held it masked already), and masks it in the
 * stored message to->msg_id. 1 when there was one, 0 when not, -1 on a database error.
 */
int liaison_pin_strip(const struct reply_to *to, struct grammar_result *g,
                      char pin[PIN_MAX_DIGITS + 1]);

/*
 * Judges the PIN a TL or SELESAI from a liaison of agency_id carried (pin NULL when none) by
 * confirm.mechanism. A refused command's liaison is told, within the reply budget. 0, or -1 on a
 * database error.
 */
int liaison_pin_judge(const struct reply_to *to, int agency_id, const char *pin,
                      enum liaison_pin_verdict *verdict);

#endif
