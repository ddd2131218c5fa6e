/*
 * confirm: a sender number can be forged (an SMS aggregator or a SIM box sets any originating
 * address), so a command that changes a ticket - a liaison's TL or SELESAI, a citizen's TAMBAH
 * or BATAL - acts only after a round trip. The daemon sends a short code to the number the
 * command claims to come from; only "YA <code>" from that number, within confirm.expiry and before
 * confirm.attempts wrong codes (configuration keys), makes the command act. A forger never sees the
 * code. Codes come from the kernel's random source, are stored only as salted hashes, never logged,
 * and wiped from this process's memory once queued; the code SMS counts against the number's reply
 * budget. Used by the agency and citizen modules, and by the intake for the YA reply.
 */
#ifndef LAPOR_CONFIRM_H
#define LAPOR_CONFIRM_H

#include "reply.h"

/*
 * The command in message to->msg_id, on ticket seq, waits for its sender's code: a fresh code is
 * recorded and sent to the sender. A sender that may not be answered gets none, so its command
 * never acts. 0, or -1 on a database error.
 */
int confirm_ask(const struct reply_to *to, long long seq);

/*
 * A YA carrying code from to->sender. When it opens a waiting command, *msg_id gets that
 * command's message and *text its text (malloc'd), for the caller to act on as confirmed; when it
 * opens none, *text is NULL, the attempt is counted and the sender is told. 0, or -1.
 */
int confirm_take(const struct reply_to *to, const char *code, long long *msg_id, char **text);

#endif
