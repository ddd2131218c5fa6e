/* privdrop: see privdrop.h. setresuid and initgroups are GNU and BSD, not POSIX. */
#define _GNU_SOURCE
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int privdrop_resolve(const char *user, const char *group, struct privdrop *out, char *err,
                     size_t errcap)
{
    memset(out, 0, sizeof *out);
    if (user == NULL || user[0] == '\0') {
        snprintf(err, errcap, "no user given");
        return -1;
    }
    errno = 0;
    const struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        snprintf(err, errcap, "no such user: %s", user);
        return -1;
    }
    out->uid = pw->pw_uid;
    out->gid = pw->pw_gid;
    snprintf(out->user, sizeof out->user, "%s", pw->pw_name);
    if (group != NULL && group[0] != '\0') {
        const struct group *gr = getgrnam(group);
        if (gr == NULL) {
            snprintf(err, errcap, "no such group: %s", group);
            return -1;
        }
        out->gid = gr->gr_gid;
    }
    if (out->uid == 0) {
        snprintf(err, errcap, "user %s is root; name an unprivileged user", user);
        return -1;
    }
    return 0;
}

int privdrop_apply(const struct privdrop *p, char *err, size_t errcap)
{
    /* Groups first: once the user is no longer root, they cannot be changed. The user's own
     * supplementary groups are kept (dialout gives the serial devices), root's are shed. */
    if (initgroups(p->user, p->gid) != 0) {
        snprintf(err, errcap, "initgroups(%s): %s", p->user, strerror(errno));
        return -1;
    }
    if (setresgid(p->gid, p->gid, p->gid) != 0) {
        snprintf(err, errcap, "setresgid(%ld): %s", (long)p->gid, strerror(errno));
        return -1;
    }
    if (setresuid(p->uid, p->uid, p->uid) != 0) {
        snprintf(err, errcap, "setresuid(%ld): %s", (long)p->uid, strerror(errno));
        return -1;
    }
    /* Trust, but verify: a process that could become root again has dropped nothing. */
    if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0) {
        snprintf(err, errcap, "root could be taken back after dropping to %s", p->user);
        return -1;
    }
    return 0;
}
