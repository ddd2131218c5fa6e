/*
 * store_admin: the operators' changes through lapor-smsctl: agencies, their keywords and
 * liaisons, holidays, and their hands on the outbox (retry, cancel, a message of their own).
 */
#ifndef LAPOR_STORE_ADMIN_H
#define LAPOR_STORE_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Operators' changes. Each returns -1 with a reason (e.g. a duplicate code) in store_error(). */
int store_agency_add(struct store *s, const char *code, const char *name);
int store_agency_keyword(struct store *s, const char *code, const char *keyword);
int store_liaison_add(struct store *s, const char *code, const char *number, const char *name);
int store_liaison_remove(struct store *s, const char *code, const char *number, bool *removed);
int store_holiday_add(struct store *s, const char *day, const char *name);

/* Operators' hands on the outbox: retry puts a failed, unknown or cancelled reply back in the
 * queue (parts of unknown outcome will go again: the operator decided so); cancel stops one that
 * has not gone. *changed is false when the reply is not in a state that allows it. */
int store_outbox_retry(struct store *s, long long id, bool *changed);
int store_outbox_cancel(struct store *s, long long id, bool *changed);
/* Whether the outbox has a message with this id. */
int store_outbox_exists(struct store *s, long long id, bool *exists);
/* An operator's own message, through the same outbox; *id is its row. */
int store_outbox_operator(struct store *s, const char *number, const char *text, long long *id);

#endif
