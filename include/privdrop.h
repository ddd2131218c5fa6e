/*
 * privdrop: giving up root. The daemon may be started as root so that it can open a modem device
 * only root may open; it then becomes the configured user and group for good, with that user's
 * supplementary groups (dialout, for the devices of modems plugged in later).
 */
#ifndef LAPOR_PRIVDROP_H
#define LAPOR_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct privdrop {
    uid_t uid;
    gid_t gid;
    char user[64];
};

/* Looks up user and group (group "" means the user's own). Returns 0, or -1 with err set. */
int privdrop_resolve(const char *user, const char *group, struct privdrop *out, char *err,
                     size_t errcap);

/* Becomes out's user and group, real, effective and saved alike, and checks that root cannot be
 * taken back. Returns 0, or -1 with err set (the process should then stop). */
int privdrop_apply(const struct privdrop *p, char *err, size_t errcap);

#endif
