/*
 * modem_decode: bounded decoding of what a modem hands over; see include/modem_decode.h.
 */
#include "modem_decode.h"

#include <stdio.h>
#include <string.h>

#include "pdu.h"
#include "textcodec.h"

void modem_decode_copy_utf8(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (cap == 0) {
        return;
    }
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void modem_decode_copy_ascii(char *dst, size_t cap, const char *src, size_t srccap)
{
    size_t j = 0;
    if (cap == 0) {
        return;
    }
    for (size_t i = 0; i < srccap && src[i] != '\0' && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[j++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
    }
    dst[j] = '\0';
}

size_t modem_decode_u16_len(const unsigned char *s, size_t maxunits)
{
    size_t n = 0;
    while (n < maxunits && (s[2 * n] != 0 || s[2 * n + 1] != 0)) {
        n++;
    }
    return n;
}

void modem_decode_u16(char *dst, size_t cap, const unsigned char *s, size_t maxunits)
{
    char buf[TEXT_UTF8_CAP(MODEM_GAMMU_NUMBER_LENGTH + 1)];
    size_t n = modem_decode_u16_len(s, maxunits);
    if (n > MODEM_GAMMU_NUMBER_LENGTH) {
        n = MODEM_GAMMU_NUMBER_LENGTH;
    }
    if (text_utf16be_to_utf8(s, n, buf, sizeof(buf)) < 0) {
        buf[0] = '\0';
    }
    modem_decode_copy_utf8(dst, cap, buf);
}

/* Days since 1970-01-01 of a proleptic Gregorian date; timegm() is not in POSIX, and the local
 * time zone of this host has nothing to do with the SMSC's. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned mp = m > 2 ? m - 3 : m + 9;
    unsigned doy = (153 * mp + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

long long modem_decode_epoch(const struct modem_decode_time *t)
{
    if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > 31 || t->hour < 0 || t->hour > 23 || t->minute < 0 || t->minute > 59 ||
        t->second < 0 || t->second > 60 || t->zone_s < -86400 || t->zone_s > 86400) {
        return 0;
    }
    long long days = days_from_civil(t->year, (unsigned)t->month, (unsigned)t->day);
    return days * 86400 + t->hour * 3600 + t->minute * 60 + t->second - t->zone_s;
}

void modem_decode_concat(const unsigned char *udh, size_t len, struct modem_part *part)
{
    if (len < 1) {
        return;
    }
    size_t end = (size_t)udh[0] + 1;
    if (end > len) {
        end = len;
    }
    size_t i = 1;
    while (i + 2 <= end) {
        unsigned iei = udh[i];
        size_t iedl = udh[i + 1];
        size_t data = i + 2;
        if (data + iedl > end) {
            break;
        }
        if (iei == 0x00 && iedl == 3) {
            part->concat_ref = udh[data];
            part->concat_total = udh[data + 1];
            part->concat_seq = udh[data + 2];
        } else if (iei == 0x08 && iedl == 4) {
            part->concat_ref = (udh[data] << 8) | udh[data + 1];
            part->concat_total = udh[data + 2];
            part->concat_seq = udh[data + 3];
        }
        i = data + iedl;
    }
    /* A part that cannot be placed in a whole of two or more is a whole by itself: waiting for
     * the rest would only hold it up until the multipart timeout. */
    if (part->concat_total < 2 || part->concat_seq < 1 || part->concat_seq > part->concat_total) {
        part->concat_ref = 0;
        part->concat_total = 0;
        part->concat_seq = 0;
    }
}

void modem_decode_network(char *dst, size_t cap, const char *code, size_t codecap,
                          const unsigned char *name, size_t nameunits)
{
    char ascii[32];
    char utf8[64];
    modem_decode_copy_ascii(ascii, sizeof(ascii), code, codecap);
    modem_decode_u16(utf8, sizeof(utf8), name, nameunits);
    char both[sizeof(ascii) + sizeof(utf8) + 2];
    snprintf(both, sizeof(both), "%s%s%s", ascii, ascii[0] != '\0' && utf8[0] != '\0' ? " " : "",
             utf8);
    modem_decode_copy_utf8(dst, cap, both);
}

void modem_decode_udh(struct modem_part *part, const unsigned char *udh, size_t len)
{
    if (len > sizeof(part->udh)) {
        len = sizeof(part->udh);
    }
    memcpy(part->udh, udh, len);
    part->udh_len = len;
    modem_decode_concat(part->udh, part->udh_len, part);
}

void modem_decode_8bit(struct modem_part *part, const unsigned char *data, size_t len)
{
    part->coding = MODEM_CODING_8BIT;
    size_t n = len < sizeof(part->raw) ? len : sizeof(part->raw);
    memcpy(part->raw, data, n);
    part->raw_len = n;
    if (n > MODEM_TEXT_UNITS) {
        n = MODEM_TEXT_UNITS; /* every byte may become a 3-byte U+FFFD */
    }
    if (text_sanitize_utf8(part->raw, n, part->text, sizeof(part->text)) < 0) {
        part->text[0] = '\0';
    }
}

void modem_decode_utf16(struct modem_part *part, const unsigned char *units, size_t n, bool unicode)
{
    part->coding = unicode ? MODEM_CODING_UCS2 : MODEM_CODING_GSM7;
    if (n > MODEM_TEXT_UNITS) {
        n = MODEM_TEXT_UNITS;
    }
    if (!unicode) {
        n = modem_decode_u16_len(units, n);
    }
    memcpy(part->raw, units, 2 * n);
    part->raw_len = 2 * n;
    /* The escapes are replaced in a copy, so that the raw bytes keep what libGammu gave. */
    unsigned char copy[2 * MODEM_TEXT_UNITS];
    memcpy(copy, units, 2 * n);
    for (size_t i = 0; !unicode && i + 1 < 2 * n; i += 2) {
        if (copy[i] == 0x00 && copy[i + 1] == 0xB9) {
            copy[i] = 0xFF;
            copy[i + 1] = 0xFD;
        }
    }
    if (text_utf16be_to_utf8(copy, n, part->text, sizeof(part->text)) < 0) {
        part->text[0] = '\0';
    }
}

bool modem_decode_pdu(struct modem_part *part, const unsigned char *pdu, size_t len)
{
    struct pdu_peek peek;
    pdu_peek(pdu, len, &peek);
    if (peek.mti != 0) {
        return false; /* a status report, or a type libGammu reads its own way */
    }
    if (pdu_broken_deliver(&peek)) {
        return true;
    }
    part->pid = peek.pid;
    if (peek.sender_alnum) {
        modem_decode_copy_utf8(part->sender, sizeof part->sender, peek.sender);
        part->sender_alnum = true;
    }
    return false;
}
