/*
 * webhook_sign: the signature of a webhook delivery, HMAC-SHA256 keyed with the agency's secret
 * over "TIMESTAMP.BODY" (lapor-smsd-webhook(7)), so that a receiver can tell a delivery from us
 * from a forged or replayed one. The HMAC is OpenSSL's (libcrypto), which libcurl's OpenSSL
 * build already brings in.
 */
#ifndef LAPOR_WEBHOOK_SIGN_H
#define LAPOR_WEBHOOK_SIGN_H

#include <stddef.h>

/* Lowercase hex of a SHA-256 digest, and its NUL. */
#define WEBHOOK_SIGN_HEX 65

/* HMAC-SHA256 of msg under key, as lowercase hex in hex. 0, or -1 when it could not be made. */
int webhook_hmac_hex(const char *key, size_t key_len, const char *msg, size_t msg_len,
                     char hex[WEBHOOK_SIGN_HEX]);

/* The signature of body sent at timestamp (decimal epoch seconds): the HMAC of timestamp, ".",
 * and body. 0, or -1. */
int webhook_sign(const char *secret, const char *timestamp, const char *body,
                 char hex[WEBHOOK_SIGN_HEX]);

#endif
