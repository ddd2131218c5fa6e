/*
 * pdu: structural look at SMS-DELIVER and SMS-STATUS-REPORT PDUs, bounds-checked throughout.
 */
#include "pdu.h"

#include <stdio.h>
#include <string.h>

static const char hexdigits[] = "0123456789ABCDEF";

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

/* Reads an address field (length in digits, type, semi-octets) at *pos into buf. */
static int read_address(const unsigned char *p, size_t len, size_t *pos, char *buf, size_t cap)
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
    size_t o = 0;
    if ((type & 0x70) == 0x50) {
        /* Alphanumeric: GSM 7-bit packed. Kept as hex; decoding it is libGammu's business. */
        o = (size_t)snprintf(buf, cap, "alnum:");
        for (size_t i = 0; i < octets && o + 2 < cap; i++) {
            buf[o++] = hexdigits[p[*pos + i] >> 4];
            buf[o++] = hexdigits[p[*pos + i] & 15];
        }
    } else {
        if ((type & 0x70) == 0x10 && o + 1 < cap) {
            buf[o++] = '+';
        }
        for (size_t i = 0; i < digits && o + 1 < cap; i++) {
            unsigned d = (p[*pos + i / 2] >> (i % 2 ? 4 : 0)) & 15;
            buf[o++] = d < 10 ? (char)('0' + d) : d == 10 ? '*' : d == 11 ? '#' : '?';
        }
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
    if (read_address(p, len, &pos, out->sender, sizeof out->sender) != 0) {
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

/* The user data header at pos, within the need bytes of user data: no element may run past it,
 * and no concatenation element may have part 0, total 0 or a part beyond the total. */
static int check_udh(const unsigned char *p, size_t pos, size_t need, size_t have,
                     struct pdu_peek *out)
{
    if (have < 1 || (size_t)p[pos] + 1 > need) {
        return problem(out, "user data header longer than the user data");
    }
    size_t hend = pos + 1 + p[pos];
    for (size_t i = pos + 1; i + 1 < hend;) {
        unsigned iei = p[i], ielen = p[i + 1];
        if (i + 2 + ielen > hend) {
            return problem(out, "user data header element runs past the header");
        }
        if ((iei == 0 && ielen == 3) || (iei == 8 && ielen == 4)) {
            unsigned total = p[i + 2 + ielen - 2], seq = p[i + 2 + ielen - 1];
            if (total == 0 || seq == 0 || seq > total) {
                return problem(out,
                               "concatenation header with part 0, total 0 or part beyond total");
            }
        }
        i += 2 + ielen;
    }
    return 0;
}

/* An SMS-DELIVER after its first octet at pos: the sender, TP-PID, TP-DCS, TP-SCTS, then the user
 * data, whose stated length must be possible and present. */
static int peek_deliver(const unsigned char *p, size_t len, size_t pos, struct pdu_peek *out)
{
    if (read_address(p, len, &pos, out->sender, sizeof out->sender) != 0) {
        return problem(out, "truncated sender address");
    }
    if (pos + 2 + 7 + 1 > len) {
        return problem(out, "truncated before the user data");
    }
    pos++; /* TP-PID */
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
    return out->udhi ? check_udh(p, pos, need, have, out) : 0;
}

int pdu_peek(const unsigned char *p, size_t len, struct pdu_peek *out)
{
    memset(out, 0, sizeof *out);
    out->mti = -1;
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
