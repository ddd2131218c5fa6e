/*
 * ascii: character classes of plain ASCII, for text that is parsed byte by byte.
 *
 * Pure module: libc only. Used instead of <ctype.h>, whose answers for bytes >= 0x80 depend on the
 * locale: a byte of a UTF-8 sequence must never count as a letter, digit or space here.
 */
#ifndef LAPOR_ASCII_H
#define LAPOR_ASCII_H

#include <stdbool.h>

/* Space, tab, CR, LF, vertical tab and form feed. */
bool ascii_is_space(char c);
bool ascii_is_digit(char c);
bool ascii_is_letter(char c);
/* A letter or a digit. */
bool ascii_is_alnum(char c);
/* Printable ASCII other than letters, digits and space. */
bool ascii_is_punct(char c);
/* c in upper case when it is an ASCII letter; any other byte unchanged. */
char ascii_to_upper(char c);

#endif
