/*
 * modem_status: a connected libGammu modem asked for its status. Part of the libGammu backend
 * (modem_gammu.c); its callers see the state machine only as a pointer.
 */
#ifndef LAPOR_MODEM_STATUS_H
#define LAPOR_MODEM_STATUS_H

#include "modem.h"

/* Fills what the modem answers of st (a GSM_StateMachine's identity, network and registration,
 * signal, battery, storage), leaving the rest as the caller set it. 0 when it answered
 * anything, else -1. */
int modem_status_ask(void *state_machine, struct modem_status *st);

#endif
