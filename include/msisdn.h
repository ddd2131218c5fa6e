/*
 * msisdn: sender numbers. Indonesian numbers arrive as 0812..., 62812..., +62 812-..., 0062...,
 * or even +62 0812...; all of them name one sender, which we keep in E.164 (+62812...).
 *
 * Pure module: libc only.
 */
#ifndef LAPOR_MSISDN_H
#define LAPOR_MSISDN_H

#include <stdbool.h>
#include <stddef.h>

#define MSISDN_MAX 64

/*
 * Normalises a sender address. A phone number (digits with optional +, spaces, dashes, dots and
 * parentheses) becomes E.164 with a leading '+', Indonesian national forms turned international.
 * Anything else (an alphanumeric sender id, a short code) is copied trimmed, unchanged otherwise.
 * Returns 1 when the result is an E.164 number, 0 when it was copied as it is, -1 when outcap is
 * too small.
 */
int msisdn_normalise(const char *in, char *out, size_t outcap);

/*
 * The sender as it is stored, into out (MSISDN_MAX bytes): an alphanumeric id (alnum, from the
 * type of address) is a name, even one made of digits, and is kept as its text; anything else is
 * normalised, and kept as it came when it does not fit.
 */
void msisdn_sender(const char *raw, bool alnum, char *out);

/*
 * True when an already normalised sender is a mobile number we may reply to: an Indonesian mobile
 * number (+628 and 9 to 12 national digits) or another country's E.164 number of 10 to 15 digits.
 * Alphanumeric ids, short codes (6 digits or fewer) and Indonesian fixed lines are not.
 */
bool msisdn_is_mobile(const char *normalised);

#endif
