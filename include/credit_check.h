/*
 * credit_check: the scheduled USSD balance check of the daemon's SIM (credit.h): asks the modem
 * when due, reads the amount with the configured pattern, and hands the result to the heartbeat
 * row. A modem that cannot do USSD is reported once and never asked again.
 */
#ifndef LAPOR_CREDIT_CHECK_H
#define LAPOR_CREDIT_CHECK_H

#include "conf.h"
#include "credit.h"
#include "modem.h"
#include "store.h"

/* Asks the connected modem for its credit when cfg names a code and the check is due. */
void credit_check_if_due(struct credit_state *c, const struct conf_credit *cfg, struct modem *m,
                         long long now_ms);

/* Writes the last check into the daemon's heartbeat row when the database has not seen it yet.
 * 0, or -1 when the database failed (it is tried again next time). */
int credit_save(struct credit_state *c, const struct conf_credit *cfg, struct store *s,
                const char *instance);

#endif
