/*
 * modem_raw: the growing list of a rescue listing; see include/modem_raw.h.
 */
#include "modem_raw.h"

#include <stdlib.h>

struct modem_raw *modem_raw_next(struct modem_raw **list, size_t count, size_t *room)
{
    if (count == *room) {
        /* Doubling keeps a long listing to a few reallocations. */
        size_t bigger_room = *room ? *room * 2 : 16;
        struct modem_raw *bigger = realloc(*list, bigger_room * sizeof **list);
        if (bigger == NULL) {
            return NULL;
        }
        *list = bigger;
        *room = bigger_room;
    }
    return &(*list)[count];
}
