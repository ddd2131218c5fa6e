/*
 * modem_decode: bounded decoding of what a modem hands over; see include/modem_decode.h.
 */
#include "modem_decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

size_t modem_decode_untilde(const unsigned char *text, size_t textunits, size_t n,
                            unsigned char *units)
{
    size_t i = 0, k = 0;
    while (k < n && i < textunits) {
        bool tilde = text[2 * i] == 0x00 && text[2 * i + 1] == '~';
        bool pair = tilde && i + 1 < textunits && text[2 * i + 2] == 0x00 && text[2 * i + 3] == '~';
        units[2 * k] = tilde && !pair ? 0x00 : text[2 * i];
        units[2 * k + 1] = tilde && !pair ? 0x01 : text[2 * i + 1];
        i += pair ? 2 : 1;
        k++;
    }
    return k;
}

size_t modem_decode_septets(const unsigned char *units, size_t n, unsigned char *septets)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u = ((uint32_t)units[2 * i] << 8) | units[2 * i + 1];
        unsigned char code[2];
        int len = u == MODEM_DECODE_ESC_UNIT ? 0 : text_gsm7_code(u, code);
        if (u == MODEM_DECODE_ESC_UNIT) {
            septets[k++] = 0x1B;
        } else if (len == 0) {
            septets[k++] = 0x80; /* no septet: shown as U+FFFD */
        } else {
            memcpy(septets + k, code, (size_t)len);
            k += (size_t)len;
        }
    }
    return k;
}

/* How a part's raw bytes are joined: as GSM 7-bit septets, as UTF-16 units, or not at all (the
 * part's text is taken as it is). */
enum join_kind { JOIN_TEXT, JOIN_GSM7, JOIN_UCS2 };

static enum join_kind join_kind_of(const char *coding)
{
    if (strcmp(coding, "gsm7") == 0) {
        return JOIN_GSM7;
    }
    return strcmp(coding, "ucs2") == 0 ? JOIN_UCS2 : JOIN_TEXT;
}

/* Bytes that always hold the joined text of pieces, NUL included; and the scratch a run needs. */
static size_t join_cap(const struct modem_decode_piece *pieces, size_t n, size_t *scratch)
{
    size_t cap = 1;
    *scratch = 1;
    for (size_t i = 0; i < n; i++) {
        bool text = join_kind_of(pieces[i].coding) == JOIN_TEXT;
        /* A unit gives at most two septets, and those at most two characters of 3 bytes. */
        cap += text ? strlen(pieces[i].text) : 3 * pieces[i].raw_len;
        *scratch += pieces[i].raw_len;
    }
    return cap;
}

/* Appends the units of piece p, of kind k, to the run in scratch at *len, as septets for GSM
 * 7-bit (a unit gives at most two, so raw_len bytes hold them). */
static void run_append(enum join_kind k, const struct modem_decode_piece *p, unsigned char *scratch,
                       size_t *len)
{
    size_t units = p->raw_len / 2;
    if (k == JOIN_GSM7) {
        *len += modem_decode_septets(p->raw, units, scratch + *len);
    } else {
        memcpy(scratch + *len, p->raw, 2 * units);
        *len += 2 * units;
    }
}

/* The join of modem_decode_join into out (cap bytes from join_cap, scratch as join_cap says). */
static void join_into(const struct modem_decode_piece *pieces, size_t n, char *out, size_t cap,
                      unsigned char *scratch)
{
    size_t pos = 0, i = 0;
    out[0] = '\0';
    while (i < n) {
        enum join_kind k = join_kind_of(pieces[i].coding);
        long got;
        if (k == JOIN_TEXT) {
            got = (long)strlen(pieces[i].text);
            memcpy(out + pos, pieces[i].text, (size_t)got + 1);
            i++;
        } else {
            size_t len = 0, j = i;
            do {
                run_append(k, &pieces[j], scratch, &len);
                j++;
            } while (j < n && join_kind_of(pieces[j].coding) == k &&
                     pieces[j].seq == pieces[j - 1].seq + 1);
            got = k == JOIN_GSM7 ? text_gsm7_to_utf8(scratch, len, out + pos, cap - pos)
                                 : text_utf16be_to_utf8(scratch, len / 2, out + pos, cap - pos);
            i = j;
        }
        pos += got > 0 ? (size_t)got : 0;
        out[pos] = '\0';
    }
}

char *modem_decode_join(const struct modem_decode_piece *pieces, size_t n)
{
    size_t scratch_len;
    size_t cap = join_cap(pieces, n, &scratch_len);
    char *out = malloc(cap);
    unsigned char *scratch = malloc(scratch_len);
    if (out != NULL && scratch != NULL) {
        join_into(pieces, n, out, cap, scratch);
    } else {
        free(out);
        out = NULL;
    }
    free(scratch);
    return out;
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
    /* One part is a message of one piece: its text is what joining it alone gives. */
    struct modem_decode_piece piece = {0, unicode ? "ucs2" : "gsm7", part->raw, part->raw_len, ""};
    unsigned char scratch[2 * MODEM_TEXT_UNITS + 1];
    join_into(&piece, 1, part->text, sizeof(part->text), scratch);
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

const char *modem_decode_registration(int state)
{
    static const char *const names[] = {"home",   "none",    "roaming",
                                        "denied", "unknown", "searching"};
    return state >= 1 && state <= 6 ? names[state - 1] : "unknown";
}
