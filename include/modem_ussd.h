/*
 * modem_ussd: a USSD request (a balance code such as *888#) on a libGammu connection, and the
 * network's answer. Part of the libGammu backend (modem_gammu.c, which was full): like it, it
 * includes libGammu (libgammu.h); its callers see the state machine only as a pointer.
 */
#ifndef LAPOR_MODEM_USSD_H
#define LAPOR_MODEM_USSD_H

#include <stddef.h>

/*
 * Dials code on the connected state machine (a GSM_StateMachine) and waits up to wait_ms for the
 * network's answer, kept in reply as valid UTF-8. 0; 1 when the phone or its driver cannot do
 * USSD (err says so); -1 with err when the request failed or no answer came.
 */
int modem_ussd_ask(void *state_machine, const char *code, int wait_ms, char *reply, size_t cap,
                   char *err, size_t errcap);

#endif
