/* rescue: see rescue.h. */
#include "rescue.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "msisdn.h"
#include "pdu.h"
#include "store_intake.h"

/* Stores raw message r as undecodable, in a transaction of its own: its message id, or -1 with
 * the reason in err. */
static long long store_undecodable(struct store *s, const struct modem_raw *r, const char *instance,
                                   char *err, size_t errcap)
{
    struct pdu_peek peek;
    pdu_peek(r->pdu, r->len, &peek);
    const char *raw_sender = peek.sender[0] ? peek.sender : "unknown";
    char sender[MSISDN_MAX];
    msisdn_sender(raw_sender, peek.sender_alnum, sender);
    struct store_part_in pin = {
        .instance = instance,
        .sender = sender,
        .sender_raw = raw_sender,
        .smsc = "",
        .coding = "pdu",
        .msg_class = -1,
        .kind = "undecodable",
        .raw = r->pdu,
        .raw_len = r->len,
        .text = "",
    };
    struct store_part_out out = {0};
    struct store_intake_batch b = {.parts = &pin, .n_parts = 1, .part_out = &out};
    if (store_begin(s) != 0 || store_intake(s, &b) != 0 || store_commit(s) != 0) {
        snprintf(err, errcap, "storing an undecodable message failed: %s", store_error(s));
        store_rollback(s);
        free(out.text);
        return -1;
    }
    free(out.text);
    char numbuf[MSISDN_MAX];
    log_err("undecodable message at SIM index %d from %s stored raw as message %lld (%zu "
            "bytes; %s); taking it off the modem",
            r->index, log_number(sender, numbuf, sizeof numbuf), out.msg_id, r->len, r->reason);
    return out.msg_id;
}

int rescue_take_off(struct store *s, struct modem *m, const char *instance, char *err,
                    size_t errcap)
{
    if (m->ops->raw == NULL) {
        snprintf(err, errcap, "this modem cannot be read without libGammu");
        return -1;
    }
    struct modem_raw *items;
    size_t n;
    if (m->ops->raw->list(m, &items, &n, err, errcap) != 0) {
        return -1;
    }
    int taken = 0;
    for (size_t i = 0; i < n && taken >= 0; i++) {
        const struct modem_raw *r = &items[i];
        if (!r->poison && !r->undecodable) {
            continue;
        }
        if (store_undecodable(s, r, instance, err, errcap) < 0) {
            taken = -1;
        } else if (m->ops->raw->delete (m, r->index) != 0) {
            snprintf(err, errcap, "deleting SIM index %d failed", r->index);
            taken = -1;
        } else {
            taken++;
        }
    }
    free(items);
    return taken;
}
