/*
 * libFuzzer target for pdu: pdu_peek reads raw PDUs that any phone on the network can shape, and
 * pdu_from_hex reads the modem's text lines, so both must survive arbitrary input. Besides the
 * sanitizers' checks, this aborts when a documented property of the output does not hold.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

/* Whether s is valid UTF-8 with no control character: what an alphanumeric id decodes to. */
static int is_clean_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u != '\0') {
        int extra = *u < 0x80             ? 0
                    : (*u & 0xE0) == 0xC0 ? 1
                    : (*u & 0xF0) == 0xE0 ? 2
                    : (*u & 0xF8) == 0xF0 ? 3
                                          : -1;
        if (extra < 0 || (extra == 0 && *u < 0x20) || (extra == 1 && *u < 0xC2)) {
            return 0;
        }
        for (int k = 1; k <= extra; k++) {
            if ((u[k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        u += extra + 1;
    }
    return 1;
}

/* The sender is either a number made of digits, '*', '#' and '?', or, for an alphanumeric id,
 * its text: valid UTF-8 without control characters. */
static int sender_is_well_formed(const char *s, bool alnum)
{
    size_t i = 0;

    if (alnum) {
        return is_clean_utf8(s);
    }
    if (s[0] == '+') {
        i = 1;
    }
    for (; s[i] != '\0'; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '*' || s[i] == '#' || s[i] == '?')) {
            return 0;
        }
    }
    return 1;
}

static void peek_and_check(const unsigned char *p, size_t len)
{
    struct pdu_peek out;
    int rc;

    memset(&out, 0xA5, sizeof out);
    rc = pdu_peek(p, len, &out);
    check(rc == 0 || rc == -1);
    check(memchr(out.sender, '\0', sizeof out.sender) != NULL);
    check(memchr(out.problem, '\0', sizeof out.problem) != NULL);
    check((rc == 0) == (out.problem[0] == '\0'));
    check(sender_is_well_formed(out.sender, out.sender_alnum));
    check(out.mti >= -1 && out.mti <= 3);
    check(out.dcs >= -1 && out.dcs <= 255);
    check(out.udl >= -1 && out.udl <= 255);
    if (rc == 0) {
        /* Only the two message types the module reads can be called sound. */
        check(out.mti == 0 || out.mti == 2);
        if (out.mti == 0) {
            check(out.dcs >= 0 && out.udl >= 0 && out.udl <= 160);
        }
    }
    if (len == 0) {
        check(rc == -1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char hexdigits[] = "0123456789abcdef";
    char *hex;
    unsigned char *bytes;
    long n;

    /* The input as a PDU, in a buffer of exactly its size so that AddressSanitizer sees overreads.
     */
    bytes = malloc(size > 0 ? size : 1);
    if (bytes == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(bytes, data, size);
    }
    peek_and_check(bytes, size);

    /* The input as a line of hex text from the modem. */
    hex = malloc(size + 1);
    if (hex == NULL) {
        free(bytes);
        return 0;
    }
    memcpy(hex, data, size);
    hex[size] = '\0';
    n = pdu_from_hex(hex, bytes, size / 2);
    if (n >= 0) {
        size_t slen = strlen(hex);
        check((size_t)n * 2 == slen);
        /* Accepted text decodes to the octets its digits spell, in either case. */
        for (long i = 0; i < n; i++) {
            char pair[3] = {hexdigits[bytes[i] >> 4], hexdigits[bytes[i] & 15], '\0'};
            check((hex[2 * i] | 0x20) == pair[0] && (hex[2 * i + 1] | 0x20) == pair[1]);
        }
        peek_and_check(bytes, (size_t)n);
        /* One octet less room than needed must be refused, never truncated. */
        if (n > 0) {
            check(pdu_from_hex(hex, bytes, (size_t)n - 1) == -1);
        }
    }
    free(hex);

    /* Any octets, written as hex, come back unchanged. */
    hex = malloc(2 * size + 1);
    if (hex != NULL) {
        unsigned char *back = malloc(size > 0 ? size : 1);
        for (size_t i = 0; i < size; i++) {
            hex[2 * i] = hexdigits[data[i] >> 4];
            hex[2 * i + 1] = hexdigits[data[i] & 15];
        }
        hex[2 * size] = '\0';
        if (back != NULL) {
            check(pdu_from_hex(hex, back, size) == (long)size);
            check(size == 0 || memcmp(back, data, size) == 0);
            free(back);
        }
        free(hex);
    }
    free(bytes);
    return 0;
}
