/*
 * pdu: structural look at SMS-DELIVER and SMS-STATUS-REPORT PDUs, bounds-checked throughout.
 */
#include "pdu.h"

#include <stdio.h>
#include <string.h>

#include "textcodec.h"

long pdu_from_hex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + (size_t)k];
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : -1;
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    return (long)(n / 2);
}

static int problem(struct pdu_peek *out, const char *what)
{
    snprintf(out->problem, sizeof out->problem, "%s", what);
    return -1;
}

/* Decodes an alphanumeric address of octets bytes at p, digits semi-octets long, as GSM 7-bit
 * text into buf: the length counts the semi-octets its septets fill, so a last septet that only
 * fills bits is padding, not a character ('@' is septet 0). */
static void read_alnum(const unsigned char *p, size_t octets, size_t digits, char *buf, size_t cap)
{
    unsigned char septets[40];
    size_t n = digits * 4 / 7;
    if (n > sizeof septets) {
        n = sizeof septets;
    }
    for (size_t i = 0; i < n; i++) {
        size_t bit = i * 7, at = bit / 8, shift = bit % 8;
        unsigned v = p[at] >> shift;
        if (shift > 1 && at + 1 < octets) {
            v |= (unsigned)p[at + 1] << (8 - shift);
        }
        septets[i] = (unsigned char)(v & 0x7F);
    }
    if (text_gsm7_to_utf8(septets, n, buf, cap) < 0) {
        buf[0] = '\0';
    }
    /* Line feed and carriage return are GSM 7-bit characters, but a sender that holds one would
     * break a log line or a status table: such an id never came from a real sender's phone. */
    for (char *c = buf; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20) {
            *c = '?';
        }
    }
}

/* Reads an address field (length in digits, type, semi-octets) at *pos into buf; *alnum tells an
 * alphanumeric one (type of number 101) from a number. */
static int read_address(const unsigned char *p, size_t len, size_t *pos, char *buf, size_t cap,
                        bool *alnum)
{
    if (*pos + 2 > len) {
        return -1;
    }
    size_t digits = p[*pos];
    unsigned type = p[*pos + 1];
    size_t octets = (digits + 1) / 2;
    *pos += 2;
    if (*pos + octets > len || digits > 40) {
        return -1;
    }
    *alnum = (type & 0x70) == 0x50;
    if (*alnum) {
        read_alnum(p + *pos, octets, digits, buf, cap);
        *pos += octets;
        return 0;
    }
    size_t o = 0;
    if ((type & 0x70) == 0x10 && o + 1 < cap) {
        buf[o++] = '+';
    }
    for (size_t i = 0; i < digits && o + 1 < cap; i++) {
        unsigned d = (p[*pos + i / 2] >> (i % 2 ? 4 : 0)) & 15;
        buf[o++] = d < 10 ? (char)('0' + d) : d == 10 ? '*' : d == 11 ? '#' : '?';
    }
    buf[o < cap ? o : cap - 1] = '\0';
    *pos += octets;
    return 0;
}

/* A status report after its first octet at pos: message reference, the recipient's address, then
 * the service centre time stamp, discharge time and status, which must all be there. */
static int peek_status_report(const unsigned char *p, size_t len, size_t pos, struct pdu_peek *out)
{
    if (pos + 1 > len) {
        return problem(out, "truncated status report");
    }
    pos++;
    if (read_address(p, len, &pos, out->sender, sizeof out->sender, &out->sender_alnum) != 0) {
        return problem(out, "truncated status report address");
    }
    if (pos + 7 + 7 + 1 > len) {
        return problem(out, "truncated status report");
    }
    return 0;
}

/* Whether the user data length of this data coding scheme counts septets (else octets). The
 * general and message-class groups say the alphabet in bits 2-3; the message-waiting groups are
 * 7-bit except their UCS-2 group; the 0xF0 group has bit 2 for 8-bit. */
static bool counts_septets(int dcs)
{
    int group = dcs >> 4;
    if (group <= 7) {
        /* Bit 5 marks compressed text, whose length is counted in octets. */
        return ((dcs >> 2) & 3) == 0 && (dcs & 0x20) == 0;
    }
    if (group == 0xF) {
        return (dcs & 4) == 0;
    }
    return group != 0xE;
}

/* The user data header at pos, within the need bytes of user data: no element may run past it.
 * A concatenation element that cannot be right (part 0, total under 2, part beyond the total) is
 * no fault of the structure: the reader ignores it, and the message is a single SMS. */
static int check_udh(const unsigned char *p, size_t pos, size_t need, size_t have,
                     struct pdu_peek *out)
{
    if (have < 1 || (size_t)p[pos] + 1 > need) {
        return problem(out, "user data header longer than the user data");
    }
    size_t hend = pos + 1 + p[pos];
    for (size_t i = pos + 1; i + 1 < hend;) {
        unsigned ielen = p[i + 1];
        if (i + 2 + ielen > hend) {
            return problem(out, "user data header element runs past the header");
        }
        i += 2 + ielen;
    }
    return 0;
}

/* libGammu refuses a PDU with octets left after its user data, unless they are the 0xFF padding
 * some phones add: so does this look. */
static int check_tail(const unsigned char *p, size_t end, size_t len, struct pdu_peek *out)
{
    if (end < len && p[end] != 0xFF) {
        char buf[96];
        snprintf(buf, sizeof buf, "%zu octets after the user data", len - end);
        return problem(out, buf);
    }
    return 0;
}

/* An SMS-DELIVER after its first octet at pos: the sender, TP-PID, TP-DCS, TP-SCTS, then the user
 * data, whose stated length must be possible and present. */
static int peek_deliver(const unsigned char *p, size_t len, size_t pos, struct pdu_peek *out)
{
    if (read_address(p, len, &pos, out->sender, sizeof out->sender, &out->sender_alnum) != 0) {
        return problem(out, "truncated sender address");
    }
    if (pos + 2 + 7 + 1 > len) {
        return problem(out, "truncated before the user data");
    }
    out->pid = p[pos++];
    out->dcs = p[pos++];
    pos += 7; /* TP-SCTS */
    out->udl = p[pos++];
    size_t have = len - pos;
    bool septets = counts_septets(out->dcs);
    size_t need = septets ? ((size_t)out->udl * 7 + 7) / 8 : (size_t)out->udl;
    if (septets && out->udl > 160) {
        char buf[96];
        snprintf(buf, sizeof buf, "7-bit user data of %d septets (at most 160)", out->udl);
        return problem(out, buf);
    }
    if (!septets && out->udl > 140) {
        char buf[96];
        snprintf(buf, sizeof buf, "user data of %d octets (at most 140)", out->udl);
        return problem(out, buf);
    }
    if (need > have) {
        return problem(out, "user data shorter than its length says");
    }
    if (out->udhi && check_udh(p, pos, need, have, out) != 0) {
        return -1;
    }
    return check_tail(p, pos + need, len, out);
}

int pdu_peek(const unsigned char *p, size_t len, struct pdu_peek *out)
{
    memset(out, 0, sizeof *out);
    out->mti = -1;
    out->pid = -1;
    out->dcs = -1;
    out->udl = -1;
    if (len < 1) {
        return problem(out, "empty PDU");
    }
    size_t pos = 1 + (size_t)p[0]; /* the SMSC address, which we do not need */
    if (pos >= len) {
        return problem(out, "truncated before the first octet");
    }
    unsigned first = p[pos++];
    out->mti = (int)(first & 3);
    out->udhi = (first & 0x40) != 0;
    if (out->mti == 2) {
        return peek_status_report(p, len, pos, out);
    }
    if (out->mti != 0) {
        return problem(out, "not an SMS-DELIVER");
    }
    return peek_deliver(p, len, pos, out);
}

bool pdu_broken_deliver(const struct pdu_peek *peek)
{
    return peek->mti == 0 && peek->problem[0] != '\0';
}
