/*
 * sqlguard: proof that no query text is built at run time. Every query is a string literal in the
 * store's source files, so its text lives in a read-only mapping of the program file; text put
 * together at run time (snprintf, strcat, a copy) lives on the writable heap or stack. With
 * LAPOR_SQL_GUARD=1 (the tests set it), the store checks every query against this before libpq
 * sees it, and aborts if one fails.
 */
#ifndef LAPOR_SQLGUARD_H
#define LAPOR_SQLGUARD_H

#include <stdbool.h>

/* True when LAPOR_SQL_GUARD=1 was in the environment at the first call. */
bool sqlguard_enabled(void);

/* True when text lies in a read-only mapping of a file (the program or a library): compiled in,
 * not built. */
bool sqlguard_is_static(const char *text);

/* Aborts the process with a message naming the query when the guard is on and text fails. */
void sqlguard_check(const char *text);

#endif
