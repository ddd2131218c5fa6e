/*
 * smsctl_pin: `lapor-smsctl liaison pin CODE NUMBER` sets a liaison's PIN, read from standard
 * input (never from the command line, where every user's ps would show it) and kept only as a
 * salted hash; `liaison unlock CODE NUMBER` lets a liaison locked after wrong PINs act again.
 */
#ifndef LAPOR_SMSCTL_PIN_H
#define LAPOR_SMSCTL_PIN_H

#include "store.h"

/* Sets number's PIN as a liaison of agency code, in a transaction of its own. The exit code: 0,
 * 1 (no such liaison, a PIN that is not 4 to 8 digits, or the database failed). */
int smsctl_liaison_pin(struct store *s, const char *code, const char *number);

/* Unlocks number as a liaison of agency code. The exit code, as smsctl_liaison_pin's. */
int smsctl_liaison_unlock(struct store *s, const char *code, const char *number);

#endif
