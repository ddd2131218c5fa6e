/*
 * store_confirm: the confirmation codes a command that changes a ticket waits for (the confirm
 * module decides when one is asked and what a reply means). Only a salted hash of each code is
 * stored, with its expiry and the wrong attempts made against it.
 */
#ifndef LAPOR_STORE_CONFIRM_H
#define LAPOR_STORE_CONFIRM_H

#include "store.h"

/* Records that the command in message msg_id, on ticket seq, from sender, acts once code comes
 * back from sender within ttl_s seconds. 0, or -1 (store_error() says why). */
int store_confirm_add(struct store *s, const char *sender, long long msg_id, long long seq,
                      const char *code, int ttl_s);

/*
 * Spends code from sender: the newest live confirmation of the sender (unused, unexpired, fewer
 * than max_attempts wrong codes) that code opens is used up, *msg_id gets the message of the
 * command it holds and *text that command's text (malloc'd). When none opens, *msg_id is 0,
 * *text NULL, and every live confirmation of the sender counts one wrong attempt. 0, or -1.
 */
int store_confirm_take(struct store *s, const char *sender, const char *code, int max_attempts,
                       long long *msg_id, char **text);

#endif
