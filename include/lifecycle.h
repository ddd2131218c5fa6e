/*
 * lifecycle: the statuses of a ticket, the words citizens see for them, and who may move a ticket
 * where. Pure module: libc only.
 */
#ifndef LAPOR_LIFECYCLE_H
#define LAPOR_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

/* The label a citizen sees for status (as stored: "baru", "diteruskan", ...) in language ("id" or
 * "en"; anything else reads as "id"). NULL for an unknown status. */
const char *lifecycle_label(const char *status, const char *language);

/* The longest label in any language, in characters (all labels are plain ASCII). */
size_t lifecycle_label_max(void);

/* Whether the citizen may still withdraw (BATAL) or add to (TAMBAH) a ticket in this status. */
bool lifecycle_citizen_may_cancel(const char *status);
bool lifecycle_citizen_may_add(const char *status);

/* Whether a liaison's TL or SELESAI may move a ticket in this status: a withdrawn or archived
 * ticket is never reopened by them. */
bool lifecycle_agency_may_act(const char *status);

#endif
