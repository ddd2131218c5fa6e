/* tsv: see tsv.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tsv.h"

int tsv_next(FILE *f, char *line, size_t cap, char **fields, int maxfields, int *lineno)
{
    while (fgets(line, (int)cap, f) != NULL) {
        size_t len = strlen(line);
        (*lineno)++;
        if (len > 0 && line[len - 1] != '\n' && !feof(f))
            fail_msg("line %d is longer than the test reader's buffer", *lineno);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        int n = 0;
        char *p = line;
        for (;;) {
            if (n == maxfields)
                fail_msg("line %d has more than %d fields", *lineno, maxfields);
            fields[n++] = p;
            char *tab = strchr(p, '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        return n;
    }
    return 0;
}

void tsv_unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r != '\0'; r++) {
        if (*r == '\\' && r[1] != '\0') {
            r++;
            *w++ = *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r == 't' ? '\t' : *r == 's' ? ' ' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}
