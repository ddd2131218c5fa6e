/*
 * modem_wire: the payload of the messages between the daemon and its modem worker; see
 * include/modem_wire.h.
 */
#include "modem_wire.h"

#include <stdbool.h>
#include <string.h>

size_t wire_pack(unsigned char *out, size_t cap, const char *const *strs, int n)
{
    size_t pos = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(strs[i]) + 1;
        if (pos + l > cap) {
            return 0;
        }
        memcpy(out + pos, strs[i], l);
        pos += l;
    }
    return pos;
}

const char *wire_string(const unsigned char *payload, size_t len, int i)
{
    size_t pos = 0;
    for (int k = 0; k < i; k++) {
        const void *nul = memchr(payload + pos, '\0', len - pos);
        if (nul == NULL) {
            return "";
        }
        pos = (size_t)((const unsigned char *)nul - payload) + 1;
        if (pos >= len) {
            return "";
        }
    }
    return memchr(payload + pos, '\0', len - pos) ? (const char *)payload + pos : "";
}

/* A part's fields before its text travel as they are. */
#define PART_HEAD offsetof(struct modem_part, text)

static bool has_part(enum modem_read_result result)
{
    return result == MODEM_READ_PART || result == MODEM_READ_UNDECODABLE;
}

int wire_put_record(unsigned char *out, size_t cap, size_t *pos, enum modem_read_result result,
                    const struct modem_part *part)
{
    int32_t r = (int32_t)result;
    uint32_t lens[3] = {0, 0, 0};
    size_t need = sizeof r;
    if (has_part(result)) {
        lens[0] = (uint32_t)strnlen(part->text, sizeof part->text - 1);
        lens[1] = (uint32_t)(part->udh_len < sizeof part->udh ? part->udh_len : sizeof part->udh);
        lens[2] = (uint32_t)(part->raw_len < sizeof part->raw ? part->raw_len : sizeof part->raw);
        need += PART_HEAD + sizeof lens + lens[0] + lens[1] + lens[2];
    }
    if (*pos > cap || cap - *pos < need) {
        return -1;
    }
    unsigned char *at = out + *pos;
    memcpy(at, &r, sizeof r);
    at += sizeof r;
    if (has_part(result)) {
        const void *from[5] = {part, lens, part->text, part->udh, part->raw};
        size_t size[5] = {PART_HEAD, sizeof lens, lens[0], lens[1], lens[2]};
        for (int i = 0; i < 5; i++) {
            memcpy(at, from[i], size[i]);
            at += size[i];
        }
    }
    *pos += need;
    return 0;
}

/* Copies n bytes from in + *pos (len in all) into buf (cap bytes), zeroing the rest of buf. */
static int take_bytes(const unsigned char *in, size_t len, size_t *pos, void *buf, size_t cap,
                      size_t n)
{
    if (n > cap || *pos > len || len - *pos < n) {
        return -1;
    }
    memcpy(buf, in + *pos, n);
    memset((unsigned char *)buf + n, 0, cap - n);
    *pos += n;
    return 0;
}

int wire_take_record(const unsigned char *in, size_t len, size_t *pos,
                     enum modem_read_result *result, struct modem_part *part)
{
    int32_t r;
    uint32_t lens[3];
    size_t at = *pos;
    if (take_bytes(in, len, &at, &r, sizeof r, sizeof r) != 0) {
        return -1;
    }
    *result = (enum modem_read_result)r;
    if (has_part(*result)) {
        if (take_bytes(in, len, &at, part, PART_HEAD, PART_HEAD) != 0 ||
            take_bytes(in, len, &at, lens, sizeof lens, sizeof lens) != 0 ||
            take_bytes(in, len, &at, part->text, sizeof part->text, lens[0]) != 0 ||
            lens[0] == sizeof part->text ||
            take_bytes(in, len, &at, part->udh, sizeof part->udh, lens[1]) != 0 ||
            take_bytes(in, len, &at, part->raw, sizeof part->raw, lens[2]) != 0) {
            return -1;
        }
        part->sender[sizeof part->sender - 1] = '\0';
        part->smsc[sizeof part->smsc - 1] = '\0';
        part->udh_len = lens[1];
        part->raw_len = lens[2];
    }
    *pos = at;
    return 0;
}
