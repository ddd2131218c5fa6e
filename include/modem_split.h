/*
 * modem_split: a reply's text cut into SMS parts by libGammu's splitter, as a phone cuts it (GSM
 * 7-bit when every character allows it, else UCS-2), with our own concatenation reference. Part of
 * the libGammu backend (modem_gammu.c), which sends the parts; modem_gammu_split (modem.h) gives
 * them in our own form to the modules that may not include gammu.h.
 */
#ifndef LAPOR_MODEM_SPLIT_H
#define LAPOR_MODEM_SPLIT_H

#include <stddef.h>

/* The splitter's work areas, large enough to keep off the stack: one per modem. */
struct modem_splitter;

struct modem_splitter *modem_splitter_new(void);
void modem_splitter_free(struct modem_splitter *sp);

/* Cuts utf8 with the 8-bit reference ref. The same text and reference always give the same
 * parts. The number of parts, or -1 with a reason in err. */
int modem_splitter_split(struct modem_splitter *sp, const char *utf8, int ref, char *err,
                         size_t errcap);

/* Part index (0-based) of the last split, a GSM_SMSMessage that the caller may address and send. */
void *modem_splitter_part(struct modem_splitter *sp, int index);

#endif
