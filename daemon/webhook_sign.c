/* webhook_sign: see webhook_sign.h. */
#include "webhook_sign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int webhook_hmac_hex(const char *key, size_t key_len, const char *msg, size_t msg_len,
                     char hex[WEBHOOK_SIGN_HEX])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (key_len > (size_t)__INT_MAX__ ||
        HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, msg_len, mac, &mac_len) ==
            NULL ||
        mac_len * 2 + 1 != WEBHOOK_SIGN_HEX) {
        return -1;
    }
    for (unsigned int i = 0; i < mac_len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    return 0;
}

int webhook_sign(const char *secret, const char *timestamp, const char *body,
                 char hex[WEBHOOK_SIGN_HEX])
{
    size_t tlen = strlen(timestamp), blen = strlen(body);
    char *msg = malloc(tlen + 1 + blen + 1);
    if (msg == NULL) {
        return -1;
    }
    memcpy(msg, timestamp, tlen);
    msg[tlen] = '.';
    memcpy(msg + tlen + 1, body, blen + 1);
    int rc = webhook_hmac_hex(secret, strlen(secret), msg, tlen + 1 + blen, hex);
    free(msg);
    return rc;
}
