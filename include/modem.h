/*
 * modem: a GSM modem behind a small table of operations, so that the loop never knows which kind
 * it drives. modem_gammu.c (with its parts modem_ussd.c, modem_status.c and modem_split.c, the
 * only files that include libGammu, through libgammu.h) implements it for real modems (AT
 * driver) and the simulated one (dummy driver); modem_proxy.c runs that in a worker process.
 * modem_decode.c decodes what the modem gives, modem_dummy.c feeds the simulated one's inbox.
 */
#ifndef LAPOR_MODEM_H
#define LAPOR_MODEM_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "textcodec.h"

#define MODEM_NUMBER_MAX 64
#define MODEM_TEXT_UNITS 512 /* more than any one part can hold, malformed ones included */
#define MODEM_RAW_MAX 1024

enum modem_coding { MODEM_CODING_GSM7 = 0, MODEM_CODING_UCS2, MODEM_CODING_8BIT };

/* One received SMS part, as the modem gave it, with its text already made valid UTF-8. */
struct modem_part {
    int location;                  /* the modem's handle for deleting it */
    char sender[MODEM_NUMBER_MAX]; /* as received (valid UTF-8), not normalised */
    bool sender_alnum;             /* an alphanumeric sender id: never a number to reply to */
    int pid;                       /* TP-PID, -1 when the modem does not say (dummy driver) */
    char smsc[MODEM_NUMBER_MAX];
    long long smsc_time; /* SMSC timestamp, seconds since the epoch; 0 if unknown */
    enum modem_coding coding;
    int msg_class;      /* -1 when none, else 0..3 */
    bool status_report; /* a delivery report, not a message */
    int report_ref;     /* a status report: the message reference it reports on */
    int report_status;  /* a status report: TP-ST (0 delivered, 0x40 and up failed) */
    int concat_ref;     /* concatenation reference (8 or 16 bit) */
    int concat_total;   /* 0 when the part is not part of a concatenated message */
    int concat_seq;     /* 1-based as sent; may be malformed (0, > total) */
    char text[TEXT_UTF8_CAP(MODEM_TEXT_UNITS)];
    unsigned char udh[MODEM_RAW_MAX];
    size_t udh_len;
    unsigned char raw[MODEM_RAW_MAX]; /* the text as UTF-16BE, or the bytes of 8-bit data */
    size_t raw_len;
};

/* What the modem says about itself; strings empty and numbers -1 when unknown. */
struct modem_status {
    char imei[32];
    char imsi[32];
    char network[64];
    /* The network registration: "home", "roaming", "searching", "denied", "none" (not registered,
     * not searching) or "unknown"; empty when the modem did not answer. */
    char registration[16];
    int signal_percent;
    int battery_percent;
    int sim_used;
    int sim_total;
    int phone_used; /* messages kept in the phone's (modem's) own memory */
    int phone_total;
    int calls_rejected; /* voice calls rejected by this modem connection */
};

/* A message as the SIM stores it, listed without libGammu's decoder, so that one that kills or
 * hangs the decoder can be kept and taken off the modem. */
struct modem_raw {
    int index;        /* the SIM's index, for AT+CMGD */
    bool poison;      /* decoding it killed or hung libGammu (tried in a throwaway process) */
    bool undecodable; /* libGammu refuses it: it would stay on the SIM for ever */
    char reason[160];
    size_t len;
    unsigned char pdu[MODEM_RAW_MAX]; /* SMSC address followed by the TPDU, as AT+CMGL gives it */
};

enum modem_read_result {
    MODEM_READ_UNDECODABLE = 2, /* libGammu could not decode the message at part->location and
                                 * skipped it; it stays on the modem until a rescue (raw->list) */
    MODEM_READ_PART = 1,        /* *part holds the next part */
    MODEM_READ_END = 0,         /* no more parts in this enumeration */
    MODEM_READ_ERROR = -1,      /* the modem failed: reconnect */
};

enum modem_send_result {
    MODEM_SEND_OK = 0,       /* the network took the part */
    MODEM_SEND_REFUSED = -1, /* the modem or network refused it: safe to try again later */
    MODEM_SEND_UNKNOWN = -2, /* no answer in time: it may or may not have gone */
};

/* count_parts: the modem failed, which says nothing about the text. */
#define MODEM_GONE (-2)

struct modem;

/*
 * What a modem offers that takes requests without waiting for their answers, so that the daemon
 * stores one batch while the modem reads the next and removes the last.
 */
struct modem_async_ops {
    /*
     * Starts reading the next max parts of the enumeration while the caller does other work
     * (stores the parts it has); the following read_next calls without restart hand them out. A
     * restart drops what was read ahead.
     */
    void (*read_ahead)(struct modem *m, int max);
    /*
     * Whether the next read_next (without restart) answers without waiting on the modem: true
     * when a part read ahead is in hand or arrives within wait_ms, and whenever no read-ahead is
     * under way. False says the modem is busy looking (the dummy driver searches tens of
     * thousands of paths before it says the listing ended): a caller holding parts can store
     * them first.
     */
    bool (*ready)(struct modem *m, int wait_ms);
    /* True while a read-ahead is under way, which anything asked of the modem now would wait
     * for. */
    bool (*reading)(struct modem *m);
    /*
     * Orders the removal of the n parts without waiting for it. A removal that fails is logged,
     * and the next read_next reports MODEM_READ_ERROR: the part is read again after the
     * reconnection and found stored. 0 when the order went out, -1 when the modem is gone.
     */
    int (*remove_later)(struct modem *m, const struct modem_part *parts, int n);
};

/* What a modem offers that can be read without libGammu's decoder, for the rescue. */
struct modem_raw_ops {
    /*
     * Lists the SIM's messages straight from the modem, each judged by a trial decode in a
     * throwaway process. *items is malloc'd. 0, or -1 with a reason in err.
     */
    int (*list)(struct modem *m, struct modem_raw **items, size_t *n, char *err, size_t errcap);
    /* Deletes a message by its SIM index, after list. 0 or -1. */
    int (*delete)(struct modem *m, int index);
};

struct modem_ops {
    const char *name;
    /* 0 when connected; -1 with a reason in err. */
    int (*connect)(struct modem *m, char *err, size_t errcap);
    void (*disconnect)(struct modem *m);
    /* The next part; restart begins a new enumeration from the first location. */
    enum modem_read_result (*read_next)(struct modem *m, bool restart, struct modem_part *part);
    /* Reading ahead and removing without waiting; NULL where the modem waits for every answer. */
    const struct modem_async_ops *async;
    /* 0 when the part is gone from the modem, -1 when that is not known. NULL where the modem
     * removes parts only through async->remove_later. */
    int (*remove)(struct modem *m, const struct modem_part *part);
    /* How many parts text needs (GSM 7-bit where it can, UCS-2 where it must); -1 when it cannot
     * be encoded, MODEM_GONE when the modem failed before it could say. */
    int (*count_parts)(struct modem *m, const char *utf8);
    /*
     * Sends part index (1-based) of text as split by count_parts, with concatenation reference ref
     * (0..255). On MODEM_SEND_OK *msg_ref holds the network's message reference (or -1).
     */
    enum modem_send_result (*send_part)(struct modem *m, const char *number, const char *utf8,
                                        int ref, int index, int *msg_ref, char *err, size_t errcap);
    const struct modem_raw_ops *raw; /* NULL where the modem cannot */
    int (*status)(struct modem *m, struct modem_status *st);
    void (*destroy)(struct modem *m);
    /*
     * Optional: asks the connected modem to restart (hard: a full restart, AT+CFUN=1,1 on AT
     * modems; soft: its software only). The connection is closed afterwards either way. 0 when
     * the modem took the order, 1 when it cannot do this kind of reset, -1 with err otherwise.
     */
    int (*reset)(struct modem *m, bool hard, char *err, size_t errcap);
    /*
     * Optional: dials a USSD code (a balance code such as *888#) and gives the network's answer
     * in reply, as valid UTF-8. 0; 1 when the modem cannot do USSD (err says so); -1 with err.
     */
    int (*ussd)(struct modem *m, const char *code, char *reply, size_t cap, char *err,
                size_t errcap);
};

struct modem {
    const struct modem_ops *ops;
    void *impl;
};

/* A libGammu modem for cfg (copied). NULL only when memory runs out. */
struct modem *modem_gammu_new(const struct conf_modem *cfg);

/*
 * Decodes one PDU (SMSC address and TPDU) with libGammu's own decoder, as reading it from a modem
 * would, with the AT driver's own check that nothing but padding follows the message. 0 when it
 * decodes, -1 when libGammu refuses it. It may abort or never return on hostile
 * input: call it only in a throwaway process.
 */
int modem_gammu_pdu_trial(const unsigned char *pdu, size_t len);

/* libGammu's limits, mirrored for the modules that may not include gammu.h (modem_gammu.c checks
 * that they match): a number's length (GSM_MAX_NUMBER_LENGTH), the parts of one text
 * (GSM_MAX_MULTI_SMS), the units of one part's text (GSM_MAX_SMS_LENGTH + 1) and the bytes of its
 * user data header (GSM_MAX_UDH_LENGTH). */
#define MODEM_GAMMU_NUMBER_LENGTH 200
#define MODEM_GAMMU_MAX_PARTS 50
#define MODEM_GAMMU_PART_UNITS 651
#define MODEM_GAMMU_UDH_LENGTH 140

/* One part of a text as libGammu's splitter made it, in a form that needs no gammu.h. */
struct modem_split_part {
    bool unicode; /* UCS-2; else GSM 7-bit, given as UTF-16 */
    /* The user data header, its length byte first. udh_len is what libGammu said: above
     * MODEM_GAMMU_UDH_LENGTH the header was cut and is not to be trusted. */
    unsigned char udh[MODEM_GAMMU_UDH_LENGTH];
    size_t udh_len;
    unsigned char text[2 * MODEM_GAMMU_PART_UNITS]; /* UTF-16BE, without a terminator */
    size_t units;
};

/*
 * Splits utf8 into parts the way a phone does (GSM 7-bit when every character allows it, else
 * UCS-2), with ref (0..255) as the 8-bit concatenation reference: the same text and reference
 * always give the same parts. parts has room for MODEM_GAMMU_MAX_PARTS. Returns the number of
 * parts, or -1 with a reason in err.
 */
int modem_gammu_split(const char *utf8, int ref, struct modem_split_part *parts, char *err,
                      size_t errcap);

#endif
