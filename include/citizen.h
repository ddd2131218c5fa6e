/*
 * citizen: what a citizen's commands mean and what they answer. CEK / STATUS tells a ticket's
 * status, TAMBAH / INFO adds information to it, BATAL withdraws it, and the help words get the
 * help text. A complaint itself is taken in by the intake, with the parts that carry it.
 *
 * Each works inside the caller's transaction and queues its reply on the message's reply queue.
 */
#ifndef LAPOR_CITIZEN_H
#define LAPOR_CITIZEN_H

#include "grammar.h"
#include "reply.h"

/*
 * CEK, TAMBAH and BATAL (g says which): they act only on the sender's own ticket; any other
 * ticket gets the very answer a ticket that does not exist gets, and CEK's answer goes only to the
 * number that filed the ticket. TAMBAH and BATAL change the ticket, so they first ask that number
 * for its code (module confirm) and act when to->confirmed. A TAMBAH with no text gets the
 * ticket's status, which says how to add. 0, or -1 on a database error.
 */
int citizen_ticket_command(const struct reply_to *to, const struct grammar_result *g);

/* BANTUAN / HELP and the like: the help text. 0, or -1 on a database error. */
int citizen_help(const struct reply_to *to);

#endif
