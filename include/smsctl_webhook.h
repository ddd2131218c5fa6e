/*
 * smsctl_webhook: lapor-smsctl's "webhook" commands: an agency's webhook set (the secret read
 * from standard input, never shown back whole) and removed, the webhooks and their events
 * listed, a failed event retried and an undelivered one cancelled.
 */
#ifndef LAPOR_SMSCTL_WEBHOOK_H
#define LAPOR_SMSCTL_WEBHOOK_H

#include "conf.h"

/* The lines of lapor-smsctl's usage for these commands. */
#define SMSCTL_WEBHOOK_USAGE                                                                       \
    "  webhook set CODE URL [--allow-http]   (the secret: one line on standard input)\n"           \
    "  webhook remove CODE | webhook list [CODE] [--json]\n"                                       \
    "  webhook events [--status S] [--json] | webhook retry ID | webhook cancel ID\n"

/* Runs "webhook ..." (argv[0] is "webhook"); the exit code. */
int smsctl_webhook(const struct conf *c, int argc, char **argv);

#endif
