/*
 * pdu: a careful first look at a raw SMS PDU (3GPP TS 23.040), as AT+CMGL lists it in PDU mode,
 * without libGammu. Used where libGammu cannot be trusted with the message or does not tell: to
 * name its sender (an alphanumeric one as its text), to say what its TP-PID is, and to say what is
 * wrong with it. Every length is checked against the bytes that are there.
 *
 * Pure module: libc and textcodec only.
 */
#ifndef LAPOR_PDU_H
#define LAPOR_PDU_H

#include <stdbool.h>
#include <stddef.h>

/* TP-PID of a Short Message Type 0 (TS 23.040 9.2.3.9): the phone acknowledges it and throws it
 * away, unseen; the "silent SMS". */
#define PDU_PID_TYPE0 0x40

struct pdu_peek {
    int mti; /* message type: 0 SMS-DELIVER, 2 SMS-STATUS-REPORT, -1 unknown */
    /* The originating address: digits with '+' when international, or for an alphanumeric one
     * (type of number 101) its GSM 7-bit text as UTF-8; "" if unreadable. */
    char sender[80];
    bool sender_alnum; /* the sender is an alphanumeric id, never a phone number */
    int pid;           /* TP-PID, -1 if not reached */
    int dcs;           /* data coding scheme, -1 if not reached */
    int udl;           /* user data length as the PDU states it, -1 if not reached */
    bool udhi;         /* a user data header is announced */
    char problem[128]; /* empty when the structure is sound, else what is wrong */
};

/* Fills *out from len bytes of pdu (SMSC address first). Returns 0 when the PDU is structurally
 * sound, -1 when out->problem says what is wrong; out is filled as far as the bytes allow. */
int pdu_peek(const unsigned char *pdu, size_t len, struct pdu_peek *out);

/* Whether a peeked PDU is an SMS-DELIVER whose structure cannot be right (a header longer than its
 * user data, octets after the user data, ...): such a message is never read as text, whatever
 * libGammu makes of it, but taken off the modem with its raw bytes. */
bool pdu_broken_deliver(const struct pdu_peek *peek);

/* Parses hex digits (upper or lower case) into out; returns the byte count or -1. */
long pdu_from_hex(const char *hex, unsigned char *out, size_t cap);

#endif
