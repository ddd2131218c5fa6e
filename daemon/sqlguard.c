/* sqlguard: see sqlguard.h. */
#include "sqlguard.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sqlguard_enabled(void)
{
    static int enabled = -1;
    if (enabled < 0) {
        const char *v = getenv("LAPOR_SQL_GUARD");
        enabled = v != NULL && strcmp(v, "1") == 0;
    }
    return enabled == 1;
}

bool sqlguard_is_static(const char *text)
{
    /* Read-only mappings of files stay as they are once found (nothing here unloads a library),
     * so a few are remembered: most queries sit in the one mapping of the program's constants. */
    static struct {
        uintptr_t lo, hi;
    } known[8];
    static size_t nknown;
    uintptr_t at = (uintptr_t)text;
    if (text == NULL)
        return false;
    for (size_t i = 0; i < nknown; i++) {
        if (at >= known[i].lo && at < known[i].hi)
            return true;
    }
    FILE *f = fopen("/proc/self/maps", "r");
    if (f == NULL)
        return false;
    bool found = false;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long lo, hi;
        char perms[8];
        int path_at = 0;
        /* "lo-hi perms offset dev inode path" */
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &path_at) < 3)
            continue;
        if (at < lo || at >= hi)
            continue;
        /* Read-only and backed by a file: "[heap]", "[stack]" and anonymous memory do not
         * count. */
        found = perms[1] != 'w' && path_at > 0 && line[path_at] == '/';
        if (found && nknown < sizeof known / sizeof known[0]) {
            known[nknown].lo = lo;
            known[nknown].hi = hi;
            nknown++;
        }
        break;
    }
    fclose(f);
    return found;
}

void sqlguard_check(const char *text)
{
    if (!sqlguard_enabled() || sqlguard_is_static(text))
        return;
    fprintf(stderr, "sqlguard: query text built at run time, refusing to send it: %.200s\n",
            text != NULL ? text : "(null)");
    abort();
}
