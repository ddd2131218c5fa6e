/*
 * ticket: the numbers citizens see. A ticket is a complaint's sequence number followed by its Damm
 * check digit, so that any single mistyped digit and any swap of two neighbours is caught.
 *
 * Pure module: libc only.
 */
#ifndef LAPOR_TICKET_H
#define LAPOR_TICKET_H

#include <stdbool.h>
#include <stdint.h>

/* Sequence numbers start here, so that every ticket has at least seven digits. */
#define TICKET_FIRST_SEQ 100000ULL
/* Longest ticket we ever print, in digits (sequence up to 999,999,999 plus the check digit). */
#define TICKET_MAX_DIGITS 10

/* Damm check digit of the decimal digits of n. */
int ticket_check_digit(uint64_t n);

/* The ticket number for a sequence number. */
uint64_t ticket_from_seq(uint64_t seq);

/* Outcome of reading a ticket number typed by a person. */
enum ticket_parse_result {
    TICKET_OK = 0,     /* *seq holds the sequence number */
    TICKET_NOT_NUMBER, /* not 7 to TICKET_MAX_DIGITS decimal digits, or a leading 0 */
    TICKET_BAD_CHECK,  /* digits, but the check digit does not match: a typing error */
};

/* Reads a ticket from exactly the given digits (no spaces or signs; callers strip those). No
 * ticket we issue begins with 0, and Damm cannot see an inserted leading 0, so one is refused.
 * *seq is written only on TICKET_OK. */
enum ticket_parse_result ticket_parse(const char *digits, uint64_t *seq);

#endif
