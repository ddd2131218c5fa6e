/*
 * lifecycle: statuses after LAPOR!'s own, with their Indonesian and English labels.
 */
#include "lifecycle.h"

#include <string.h>

static const struct {
    const char *status;
    const char *id;
    const char *en;
    bool open;       /* still being handled: the citizen may add to it or withdraw it */
    bool agency_may; /* the agency's TL / SELESAI may still move it: not withdrawn or archived */
} statuses[] = {
    {"baru", "diterima, belum diverifikasi", "received, not yet verified", true, true},
    {"diteruskan", "terdisposisi, belum ditindaklanjuti", "forwarded, awaiting action", true, true},
    {"diproses", "sedang diproses", "being handled", true, true},
    {"ditunda", "ditunda", "postponed", true, true},
    {"selesai", "selesai", "resolved", false, true},
    {"ditolak", "ditolak (bukan wewenang / tidak valid)", "rejected (out of scope or invalid)",
     false, true},
    {"dibatalkan", "dibatalkan oleh pelapor", "withdrawn by you", false, false},
    {"arsip", "diarsipkan", "archived", false, false},
};

#define NSTATUSES (sizeof statuses / sizeof statuses[0])

static int find(const char *status)
{
    for (size_t i = 0; i < NSTATUSES; i++) {
        if (strcmp(statuses[i].status, status) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *lifecycle_label(const char *status, const char *language)
{
    int i = find(status);
    if (i < 0) {
        return NULL;
    }
    return language != NULL && strcmp(language, "en") == 0 ? statuses[i].en : statuses[i].id;
}

size_t lifecycle_label_max(void)
{
    size_t max = 0;
    for (size_t i = 0; i < NSTATUSES; i++) {
        size_t a = strlen(statuses[i].id), b = strlen(statuses[i].en);
        max = a > max ? a : max;
        max = b > max ? b : max;
    }
    return max;
}

bool lifecycle_citizen_may_cancel(const char *status)
{
    int i = find(status);
    return i >= 0 && statuses[i].open;
}

bool lifecycle_citizen_may_add(const char *status)
{
    int i = find(status);
    return i >= 0 && statuses[i].open;
}

bool lifecycle_agency_may_act(const char *status)
{
    int i = find(status);
    return i >= 0 && statuses[i].agency_may;
}
