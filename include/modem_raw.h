/*
 * modem_raw: the growing list of struct modem_raw that a rescue listing builds, whether it reads
 * the modem itself (atchan.c) or hears from the rescue worker (modem_proxy.c).
 *
 * Pure module: libc only.
 */
#ifndef LAPOR_MODEM_RAW_H
#define LAPOR_MODEM_RAW_H

#include <stddef.h>

#include "modem.h"

/* The place after the count items of the malloc'd *list (room places long), the list grown when
 * it is full; the caller fills it and counts it. NULL when memory runs out: the list is then as
 * it was, still the caller's to free. */
struct modem_raw *modem_raw_next(struct modem_raw **list, size_t count, size_t *room);

#endif
