/*
 * tsv: the reader the data-driven unit tests share for their tab-separated case files in
 * tests/data/. One data line per case; blank lines and lines starting with '#' are skipped.
 */
#ifndef LAPOR_TEST_TSV_H
#define LAPOR_TEST_TSV_H

#include <stddef.h>
#include <stdio.h>

/*
 * Reads the next data line of f into line (cap bytes) and splits it in place on tabs into at
 * most maxfields fields. Returns the number of fields, or 0 at the end of the file. A line too
 * long for the buffer, or with too many fields, fails the running test.
 */
int tsv_next(FILE *f, char *line, size_t cap, char **fields, int maxfields, int *lineno);

/*
 * Undoes, in place, the escapes the data files use for characters that would be invisible, be
 * stripped by an editor, or start a comment: \n, \r, \t, \s (space), \# and \\.
 */
void tsv_unescape(char *s);

#endif
