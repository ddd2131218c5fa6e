/*
 * modem_wire: the payload of the messages between the daemon and its modem worker; see
 * include/modem_wire.h.
 */
#include "modem_wire.h"

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
