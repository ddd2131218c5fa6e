/*
 * textcodec: conversions between the encodings an SMS travels in and the UTF-8 we store.
 *
 * Pure module: libc only. Nothing a modem hands us may make PostgreSQL refuse a message, so every
 * decoder here produces valid UTF-8 without NUL: lone surrogates, U+0000 and malformed bytes all
 * become U+FFFD.
 */
#ifndef LAPOR_TEXTCODEC_H
#define LAPOR_TEXTCODEC_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of output that always suffice for n input UTF-16 units or n input bytes, NUL included. */
#define TEXT_UTF8_CAP(n) (3 * (size_t)(n) + 1)

/*
 * Decodes nunits UTF-16BE code units (2 * nunits bytes) into NUL-terminated UTF-8.
 * Returns the length written (without the NUL), or -1 when outcap is too small.
 */
long text_utf16be_to_utf8(const unsigned char *in, size_t nunits, char *out, size_t outcap);

/*
 * Copies len arbitrary bytes as valid UTF-8: invalid or overlong sequences, encoded surrogates and
 * NUL become U+FFFD. Returns the length written (without the NUL), or -1 when outcap is too small.
 */
long text_sanitize_utf8(const unsigned char *in, size_t len, char *out, size_t outcap);

/*
 * Encodes valid UTF-8 as UTF-16BE (surrogate pairs above U+FFFF), without a terminator.
 * Returns the number of units written, or -1 when outunits is too small or the input is invalid.
 */
long text_utf8_to_utf16be(const char *in, unsigned char *out, size_t outunits);

/* True when every character of valid UTF-8 text is in the GSM 03.38 default alphabet or its
 * extension table, so that the text can travel as GSM 7-bit. */
bool text_is_gsm7(const char *utf8);

/* Septets the text needs as GSM 7-bit (extension characters count two), or -1 if it is not GSM
 * 7-bit text. */
long text_gsm7_septets(const char *utf8);

/*
 * Decodes n GSM 03.38 septet values (already unpacked, 0..127) into NUL-terminated UTF-8. An
 * escape followed by a code the extension table does not define shows the default alphabet's
 * character for that code (3GPP TS 23.038 6.2.1.1); an escape with nothing after it is dropped.
 * Returns the length written (without the NUL), or -1 when outcap is too small.
 */
long text_gsm7_to_utf8(const unsigned char *septets, size_t n, char *out, size_t outcap);

/* Number of Unicode code points in valid UTF-8 text. */
size_t text_codepoints(const char *utf8);

#endif
