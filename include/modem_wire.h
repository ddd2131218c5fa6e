/*
 * modem_wire: the short typed messages between the daemon and its modem worker process, over a
 * SOCK_SEQPACKET socketpair (one message per send, boundaries kept). Both ends are the same
 * program, so fixed-size structs travel as they are.
 */
#ifndef LAPOR_MODEM_WIRE_H
#define LAPOR_MODEM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "modem.h"

/* The worker's end of the socketpair, as the worker process finds it. */
#define WIRE_WORKER_FD 3
/* Largest message either way: a reply's text, or many a message part, fits with room to spare. */
#define WIRE_MAX (128 * 1024)
/* A read-ahead's answer holds a part back at most this long, to send it with the next ones. */
#define WIRE_HOLD_MS 2
/* A batch of removals is answered for, as it goes, at least this often. */
#define WIRE_REMOVED_EVERY_MS 1000

enum wire_op {
    WIRE_CONNECT = 1, /* payload: connection, device, model, pin (NUL-terminated each) */
    WIRE_DISCONNECT,
    WIRE_READ_NEXT,   /* arg[0]: restart. Answer: arg[0] 1, payload one read record */
    WIRE_REMOVE,      /* payload: the parts' locations (int32_t each). Answer: WIRE_REMOVE messages,
                       * arg[0] how many removals each accounts for, arg[1] how many of those
                       * failed, payload the failed ones' locations; until all are accounted for */
    WIRE_COUNT_PARTS, /* payload: text. Answer: arg[0] parts */
    WIRE_SEND_PART,   /* arg[0] ref, arg[1] index; payload: number, text. Answer: arg[0] result,
                       * arg[1] message reference, payload error text */
    WIRE_STATUS,      /* Answer: arg[0] result, payload struct modem_status */
    WIRE_RAW_LIST,    /* payload: connection, device. Answer: WIRE_RAW_ITEM messages (payload
                       * struct modem_raw), then WIRE_RAW_LIST with arg[0] result, arg[1] count,
                       * payload error text */
    WIRE_RAW_ITEM,
    WIRE_RAW_DELETE, /* arg[0] SIM index. Answer: arg[0] result */
    WIRE_RESET,      /* arg[0] hard. Answer: arg[0] result (0, 1 cannot, -1), payload error */
    WIRE_READ_AHEAD, /* arg[0]: at most this many parts. Answer: WIRE_READ_AHEAD messages, arg[0]
                      * how many read records each holds; until arg[0] records in all, or one
                      * with MODEM_READ_END or MODEM_READ_ERROR */
    WIRE_USSD,       /* arg[0]: ms to wait for the answer; payload: the code. Answer: arg[0]
                      * result (0, 1 cannot, -1), payload: the answer, then the error text */
    WIRE_PROGRESS,   /* From the worker, never asked for: the modem answered a command inside the
                      * request under way. arg[0], arg[1]: when, in seconds and milliseconds of
                      * CLOCK_MONOTONIC (proc_now_ms), since it may be read long after */
};

struct wire_msg {
    uint32_t op;
    int32_t arg[3];
    uint32_t len; /* payload bytes that follow in the same message */
};

/*
 * A read record: the read's result (int32_t) and, for MODEM_READ_PART and MODEM_READ_UNDECODABLE,
 * the part: its fields up to its text as they are, then only the bytes its text, user data header
 * and raw data use. WIRE_RECORD_MAX is the most one record takes.
 */
#define WIRE_RECORD_MAX (sizeof(int32_t) + sizeof(struct modem_part) + 3 * sizeof(uint32_t))

/* Appends the record of result (and part, when the result has one) at out + *pos (cap bytes in
 * all) and moves *pos past it. 0, or -1 when it does not fit. */
int wire_put_record(unsigned char *out, size_t cap, size_t *pos, enum modem_read_result result,
                    const struct modem_part *part);

/* Takes the record at in + *pos (len bytes in all) into *result and *part and moves *pos past it.
 * Whatever was sent, the part's strings end inside their buffers, its lengths fit and the rest of
 * its buffers is zero. 0, or -1 when the record is malformed. */
int wire_take_record(const unsigned char *in, size_t len, size_t *pos,
                     enum modem_read_result *result, struct modem_part *part);

/* Packs n NUL-terminated strings one after the other into out (cap bytes), as a payload. Returns
 * the length, or 0 when they do not fit. */
size_t wire_pack(unsigned char *out, size_t cap, const char *const *strs, int n);

/* The i-th NUL-terminated string of a payload of len bytes, or "" when it is not there. */
const char *wire_string(const unsigned char *payload, size_t len, int i);

#endif
