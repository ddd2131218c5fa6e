/*
 * lifecycle: statuses after LAPOR!'s own, with their Indonesian and English labels.
 */
#include "lifecycle.h"

#include <string.h>

static const struct {
    const char *status;
    const char *id;
    const char *en;
    bool open; /* still being handled: the citizen may add to it or withdraw it */
} statuses[] = {
    {"baru", "diterima, belum diverifikasi", "received, not yet verified", true},
    {"diteruskan", "terdisposisi, belum ditindaklanjuti", "forwarded, awaiting action", true},
    {"diproses", "sedang diproses", "being handled", true},
    {"ditunda", "ditunda", "postponed", true},
    {"selesai", "selesai", "resolved", false},
    {"ditolak", "ditolak (bukan wewenang / tidak valid)", "rejected (out of scope or invalid)",
     false},
    {"dibatalkan", "dibatalkan oleh pelapor", "withdrawn by you", false},
    {"arsip", "diarsipkan", "archived", false},
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
