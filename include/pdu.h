/*
 * pdu: a careful first look at a raw SMS PDU (3GPP TS 23.040), as AT+CMGL lists it in PDU mode,
 * without libGammu. Used where libGammu cannot be trusted with the message: to name its sender
 * and to say what is wrong with it. Every length is checked against the bytes that are there.
 *
 * Pure module: libc only.
 */
#ifndef LAPOR_PDU_H
#define LAPOR_PDU_H

#include <stdbool.h>
#include <stddef.h>

struct pdu_peek {
    int mti;           /* message type: 0 SMS-DELIVER, 2 SMS-STATUS-REPORT, -1 unknown */
    char sender[32];   /* the originating address's digits with '+' when international; for an
                        * alphanumeric sender "alnum:" and its octets in hex; "" if unreadable */
    int dcs;           /* data coding scheme, -1 if not reached */
    int udl;           /* user data length as the PDU states it, -1 if not reached */
    bool udhi;         /* a user data header is announced */
    char problem[128]; /* empty when the structure is sound, else what is wrong */
};

/* Fills *out from len bytes of pdu (SMSC address first). Returns 0 when the PDU is structurally
 * sound, -1 when out->problem says what is wrong; out is filled as far as the bytes allow. */
int pdu_peek(const unsigned char *pdu, size_t len, struct pdu_peek *out);

/* Parses hex digits (upper or lower case) into out; returns the byte count or -1. */
long pdu_from_hex(const char *hex, unsigned char *out, size_t cap);

#endif
