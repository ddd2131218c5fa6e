/*
 * modem_decode: bounded decoding of what a modem hands over. Strings from libGammu may lack their
 * terminator, dates and headers come from the radio with any digits and lengths: every helper
 * here reads only within the bounds it is given and always produces valid, terminated text.
 * modem_gammu.c fills its parts with these; they know nothing of libGammu's types.
 *
 * Pure module: libc, textcodec and pdu only.
 */
#ifndef LAPOR_MODEM_DECODE_H
#define LAPOR_MODEM_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "modem.h"

/* A date as the SMSC stamped it, with its zone as seconds east of UTC. */
struct modem_decode_time {
    int year, month, day;
    int hour, minute, second;
    int zone_s;
};

/* Copies valid UTF-8 into dst, cutting at a character boundary when it does not fit. */
void modem_decode_copy_utf8(char *dst, size_t cap, const char *src);

/* Copies at most srccap bytes of a string the modem reported (IMEI, network code...) keeping
 * printable ASCII only, since it ends up in JSON, metrics and terminals; others become '?'. */
void modem_decode_copy_ascii(char *dst, size_t cap, const char *src, size_t srccap);

/* Number of UTF-16 units before the two-zero-byte terminator, never looking further than
 * maxunits: libGammu does not always terminate what it fills from the radio. */
size_t modem_decode_u16_len(const unsigned char *s, size_t maxunits);

/* Decodes a UTF-16BE string (a number, a name) of at most maxunits units, and at most
 * MODEM_GAMMU_NUMBER_LENGTH, into dst; "" when it cannot be decoded. */
void modem_decode_u16(char *dst, size_t cap, const unsigned char *s, size_t maxunits);

/* Seconds since the epoch of an SMSC date, honouring its zone; 0 when a field is out of range
 * (a malformed PDU can carry any digits). */
long long modem_decode_epoch(const struct modem_decode_time *t);

/* Sets part's concatenation fields from the concatenation element (8- or 16-bit reference) of a
 * user data header of len bytes, its length byte first. Every length is checked against the bytes
 * really there: a malformed header sets nothing. An element that cannot be right (part 0, a total
 * of 0 or 1, a part beyond the total) is ignored: the message is a single SMS. */
void modem_decode_concat(const unsigned char *udh, size_t len, struct modem_part *part);

/* The name modem.h gives a registration state (libGammu's GSM_NetworkInfo_State, 1 to 6). */
const char *modem_decode_registration(int state);

/* "code name" for a network from its code (ASCII, at most codecap bytes, fewer than 32) and its
 * name (UTF-16BE, at most nameunits units); either may be missing. */
void modem_decode_network(char *dst, size_t cap, const char *code, size_t codecap,
                          const unsigned char *name, size_t nameunits);

/* Keeps len bytes of a user data header (its length byte first) in part, and the concatenation
 * it announces. */
void modem_decode_udh(struct modem_part *part, const unsigned char *udh, size_t len);

/* Fills part's coding, raw bytes and text from len bytes of 8-bit data: the bytes are kept as
 * they are, the text made valid UTF-8. */
void modem_decode_8bit(struct modem_part *part, const unsigned char *data, size_t len);

/* libGammu writes the GSM 7-bit escape as this unit (U+00B9, which the GSM 7-bit alphabet does not
 * have), standing alone when no extension character follows it: at the end of a part, or before
 * a code the extension table lacks. */
#define MODEM_DECODE_ESC_UNIT 0x00B9

/*
 * Fills part's coding, raw bytes and text from text libGammu has turned into UTF-16BE, of which
 * n units may be read. Unicode text is taken for exactly n units, so that a U+0000 inside becomes
 * U+FFFD instead of cutting the text. Default (7-bit) text ends at its terminator, since escapes
 * take one unit where the length counted two septets; a 7-bit character never decodes to U+0000.
 * The raw bytes keep the units as libGammu gave them; the text is what modem_decode_join makes
 * of the part alone.
 */
void modem_decode_utf16(struct modem_part *part, const unsigned char *units, size_t n,
                        bool unicode);

/*
 * Undoes what libGammu's PDU decoder (DecodeUnicodeSpecialNOKIAChars) does to UCS-2 text: each
 * '~' written twice, and U+0001 (a Nokia control) written as one '~'. Reads at most textunits
 * units of text and writes at most n (the units the PDU held) into units; returns how many. A
 * U+0001 next to a '~' reads the same as a '~' then U+0001: pairs are taken first.
 */
size_t modem_decode_untilde(const unsigned char *text, size_t textunits, size_t n,
                            unsigned char *units);

/* Turns n units of GSM 7-bit text as libGammu decoded it back into the septets that were sent
 * (MODEM_DECODE_ESC_UNIT an ESC, an extension character ESC and its code); a unit that is no GSM
 * 7-bit character becomes 0x80, which decodes as U+FFFD. Writes at most 2 * n septets. */
size_t modem_decode_septets(const unsigned char *units, size_t n, unsigned char *septets);

/* One stored part of a message, for joining: its number, its coding ("gsm7", "ucs2", ...), its
 * raw bytes (the units of its text for gsm7 and ucs2) and its text. */
struct modem_decode_piece {
    int seq;
    const char *coding;
    const unsigned char *raw;
    size_t raw_len;
    const char *text;
};

/*
 * The text of a message from its parts, given in part-number order with no number twice. Parts
 * that follow each other (numbers n and n + 1) in the same text coding are joined as one stream
 * of septets (GSM 7-bit) or UTF-16 units (UCS-2) and then decoded, so that an escape or a
 * surrogate pair cut by the part boundary is one character again; across a missing part nothing
 * is joined. A part of any other coding gives its text as it is. Returns malloc'd valid UTF-8,
 * NULL without memory.
 */
char *modem_decode_join(const struct modem_decode_piece *pieces, size_t n);

/*
 * Completes part, filled from what libGammu decoded, with what only the message's raw PDU (len
 * bytes, SMSC address first) tells: an alphanumeric sender as its GSM 7-bit text (libGammu 1.42
 * gives its septet codes, cut at the first '@'), and TP-PID. True when the PDU is an SMS-DELIVER
 * whose structure cannot be right (pdu_broken_deliver): the part must not be read as a message.
 */
bool modem_decode_pdu(struct modem_part *part, const unsigned char *pdu, size_t len);

#endif
