/*
 * modem_gammu: the modem operations of include/modem.h on top of libGammu 1.42, for real modems
 * (AT driver) and for libGammu's dummy driver, plus an injector that writes SMS into a dummy
 * modem's inbox the way a phone would have delivered them.
 *
 * This is the only file of the project that includes gammu.h. libGammu's own text helpers
 * (GSM_LinkSMS, DecodeUnicodeString, ...) loop forever or return static buffers on hostile input,
 * so everything that comes from the radio is decoded here with bounded loops and the pure
 * textcodec module, and nothing that libGammu hands back is trusted to be terminated or in range.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "log.h"
#include "modem.h"
#include "textcodec.h"

/* The longest text we hand to the splitter: more than GSM_MAX_MULTI_SMS parts can ever hold, so
 * that a text that does not fit is detected (the splitter itself stops silently at 50 parts). */
#define MG_MAX_UNITS (GSM_MAX_MULTI_SMS * 160 + 1)

/* How long send_part waits for the modem to say what became of a part. */
#define MG_SEND_DEADLINE_S 30

/* The dummy driver's highest message file name; a file named 10000 ends its enumeration. */
#define MG_DUMMY_MAX_FILE 9999

struct mg_modem {
    struct modem base; /* first, so that the public handle and ours are one allocation */
    char *connection;
    char *device;
    char *model;
    char *pin;
    GSM_StateMachine *sm;
    bool connected;
    bool pin_refused; /* a PIN the SIM rejected is never offered again: three tries block it */
    bool reports;     /* ask for a status report on every part sent */
    bool reject_calls;
    bool call_ringing; /* set by the incoming-call callback, acted on after libGammu returns */
    int calls_rejected;

    /* Reading: one enumeration at a time, continued from the last location we returned. */
    GSM_MultiSMSMessage *in; /* about 265 KB: allocated once, never on the stack */
    int in_next;             /* index in *in of the next part to hand out */
    bool enum_open;          /* an enumeration is under way and may be continued */
    int enum_folder;         /* where libGammu continues from */
    int enum_location;

    /* Sending: the splitter's output and its input, kept apart from the read buffer so that a
     * reply sent in the middle of an enumeration does not clobber parts not yet returned. */
    GSM_MultiSMSMessage *out;
    GSM_MultiPartSMSInfo *info;
    unsigned char u16[(MG_MAX_UNITS + 1) * 2];

    GSM_SMSC smsc;
    bool have_smsc;

    /* Filled by the send-status callback, which libGammu calls from inside its own calls. */
    bool send_done;
    int send_status;
    int send_ref;

    /* libGammu's trace arrives in pieces; lines are assembled here before going to the log. */
    char trace[512];
    size_t trace_len;
};

static struct mg_modem *mg_of(struct modem *m)
{
    return (struct mg_modem *)m->impl;
}

static void mg_seterr(char *err, size_t errcap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void mg_seterr(char *err, size_t errcap, const char *fmt, ...)
{
    if (err == NULL || errcap == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
}

/* Overwrites a secret so that it does not linger in freed memory; volatile keeps the compiler
 * from dropping stores to memory that is about to be freed. */
static void mg_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n-- > 0) {
        *v++ = 0;
    }
}

static char *mg_strdup(const char *s)
{
    size_t n = strlen(s != NULL ? s : "") + 1;
    char *d = malloc(n);
    if (d != NULL) {
        memcpy(d, s != NULL ? s : "", n);
    }
    return d;
}

/* Copies valid UTF-8 into dst, cutting at a character boundary when it does not fit. */
static void mg_copy_utf8(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (cap == 0) {
        return;
    }
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Copies a string the modem reported (IMEI, network code...) keeping printable ASCII only, since
 * it ends up in JSON, metrics and terminals. */
static void mg_copy_ascii(char *dst, size_t cap, const char *src, size_t srccap)
{
    size_t j = 0;
    if (cap == 0) {
        return;
    }
    for (size_t i = 0; i < srccap && src[i] != '\0' && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[j++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
    }
    dst[j] = '\0';
}

/* Number of UTF-16 units before the two-zero-byte terminator of a libGammu string, never looking
 * further than maxunits: libGammu does not always terminate what it fills from the radio. */
static size_t mg_u16_len(const unsigned char *s, size_t maxunits)
{
    size_t n = 0;
    while (n < maxunits && (s[2 * n] != 0 || s[2 * n + 1] != 0)) {
        n++;
    }
    return n;
}

/* Decodes a libGammu UTF-16BE string (a number, a name) of at most maxunits units into dst. */
static void mg_decode_u16(char *dst, size_t cap, const unsigned char *s, size_t maxunits)
{
    char buf[TEXT_UTF8_CAP(GSM_MAX_NUMBER_LENGTH + 1)];
    size_t n = mg_u16_len(s, maxunits);
    if (n > GSM_MAX_NUMBER_LENGTH) {
        n = GSM_MAX_NUMBER_LENGTH;
    }
    if (text_utf16be_to_utf8(s, n, buf, sizeof(buf)) < 0) {
        buf[0] = '\0';
    }
    mg_copy_utf8(dst, cap, buf);
}

/* Days since 1970-01-01 of a proleptic Gregorian date; timegm() is not in POSIX, and the local
 * time zone of this host has nothing to do with the SMSC's. */
static long long mg_days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned mp = m > 2 ? m - 3 : m + 9;
    unsigned doy = (153 * mp + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* Seconds since the epoch of a libGammu date, honouring its zone offset; 0 when it is unset or
 * out of range (a malformed PDU can carry any digits). */
static long long mg_epoch_of(const GSM_DateTime *dt)
{
    if (dt->Year < 1970 || dt->Year > 9999 || dt->Month < 1 || dt->Month > 12 || dt->Day < 1 ||
        dt->Day > 31 || dt->Hour < 0 || dt->Hour > 23 || dt->Minute < 0 || dt->Minute > 59 ||
        dt->Second < 0 || dt->Second > 60 || dt->Timezone < -86400 || dt->Timezone > 86400) {
        return 0;
    }
    long long days = mg_days_from_civil(dt->Year, (unsigned)dt->Month, (unsigned)dt->Day);
    return days * 86400 + dt->Hour * 3600 + dt->Minute * 60 + dt->Second - dt->Timezone;
}

/*
 * Finds a concatenation element in a user data header (its first byte is the header length).
 * Every length is checked against the bytes really there: a malformed header sets nothing.
 */
static void mg_parse_concat(const unsigned char *udh, size_t len, struct modem_part *part)
{
    if (len < 1) {
        return;
    }
    size_t end = (size_t)udh[0] + 1;
    if (end > len) {
        end = len;
    }
    size_t i = 1;
    while (i + 2 <= end) {
        unsigned iei = udh[i];
        size_t iedl = udh[i + 1];
        size_t data = i + 2;
        if (data + iedl > end) {
            break;
        }
        if (iei == 0x00 && iedl == 3) {
            part->concat_ref = udh[data];
            part->concat_total = udh[data + 1];
            part->concat_seq = udh[data + 2];
        } else if (iei == 0x08 && iedl == 4) {
            part->concat_ref = (udh[data] << 8) | udh[data + 1];
            part->concat_total = udh[data + 2];
            part->concat_seq = udh[data + 3];
        }
        i = data + iedl;
    }
    if (part->concat_total == 0) {
        /* A total of zero is no concatenation at all: the part stands alone. */
        part->concat_ref = 0;
        part->concat_seq = 0;
    }
}

/* Turns one libGammu message into our part, decoding everything with explicit bounds. */
static void mg_fill_part(const GSM_SMSMessage *sms, struct modem_part *part)
{
    memset(part, 0, sizeof(*part));
    part->location = sms->Location;
    mg_decode_u16(part->sender, sizeof(part->sender), sms->Number, GSM_MAX_NUMBER_LENGTH + 1);
    mg_decode_u16(part->smsc, sizeof(part->smsc), sms->SMSC.Number, GSM_MAX_NUMBER_LENGTH + 1);
    part->smsc_time = mg_epoch_of(&sms->DateTime);
    part->status_report = sms->PDU == SMS_Status_Report;
    part->report_ref = part->status_report ? sms->MessageReference : -1;
    part->report_status = part->status_report ? sms->DeliveryStatus : -1;
    part->msg_class = (sms->Class >= 0 && sms->Class <= 3) ? sms->Class : -1;

    if (sms->UDH.Length > 0) {
        size_t ulen = (size_t)sms->UDH.Length;
        if (ulen > sizeof(sms->UDH.Text)) {
            ulen = sizeof(sms->UDH.Text);
        }
        if (ulen > sizeof(part->udh)) {
            ulen = sizeof(part->udh);
        }
        memcpy(part->udh, sms->UDH.Text, ulen);
        part->udh_len = ulen;
        mg_parse_concat(part->udh, part->udh_len, part);
    }

    size_t length = sms->Length > 0 ? (size_t)sms->Length : 0;
    long r;
    switch (sms->Coding) {
    case SMS_Coding_8bit: {
        part->coding = MODEM_CODING_8BIT;
        size_t n = length;
        if (n > sizeof(sms->Text)) {
            n = sizeof(sms->Text);
        }
        if (n > sizeof(part->raw)) {
            n = sizeof(part->raw);
        }
        memcpy(part->raw, sms->Text, n);
        part->raw_len = n;
        if (n > MODEM_TEXT_UNITS) {
            n = MODEM_TEXT_UNITS; /* every byte may become a 3-byte U+FFFD */
        }
        r = text_sanitize_utf8(part->raw, n, part->text, sizeof(part->text));
        break;
    }
    case SMS_Coding_Unicode_No_Compression:
    case SMS_Coding_Unicode_Compression:
    default: {
        /* Unicode text is taken for exactly Length units, so that a U+0000 inside becomes
         * U+FFFD instead of cutting the text. Default (7-bit) text has already been turned into
         * UTF-16 by libGammu, where escapes take one unit but Length counted two septets, so it
         * ends at its terminator; a 7-bit character never decodes to U+0000. */
        bool unicode = sms->Coding == SMS_Coding_Unicode_No_Compression ||
                       sms->Coding == SMS_Coding_Unicode_Compression;
        part->coding = unicode ? MODEM_CODING_UCS2 : MODEM_CODING_GSM7;
        size_t maxunits = sizeof(sms->Text) / 2 - 1;
        size_t n = length < maxunits ? length : maxunits;
        if (n > MODEM_TEXT_UNITS) {
            n = MODEM_TEXT_UNITS;
        }
        if (!unicode) {
            n = mg_u16_len(sms->Text, n);
        }
        memcpy(part->raw, sms->Text, 2 * n);
        part->raw_len = 2 * n;
        /* libGammu turns an escape with nothing valid after it (at the end of a part, say) into
         * U+00B9, which the GSM 7-bit alphabet does not have: in 7-bit text it can only be that,
         * and is shown as what it is, a character that could not be decoded. The raw bytes keep
         * what libGammu gave. */
        unsigned char units[2 * MODEM_TEXT_UNITS];
        memcpy(units, part->raw, part->raw_len);
        for (size_t i = 0; !unicode && i + 1 < part->raw_len; i += 2) {
            if (units[i] == 0x00 && units[i + 1] == 0xB9) {
                units[i] = 0xFF;
                units[i + 1] = 0xFD;
            }
        }
        r = text_utf16be_to_utf8(units, n, part->text, sizeof(part->text));
        break;
    }
    }
    if (r < 0) {
        part->text[0] = '\0';
    }
}

/* Collects libGammu's trace into lines for the debug log. */
static void mg_trace(const char *text, void *data)
{
    struct mg_modem *g = data;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\n' || g->trace_len + 1 >= sizeof(g->trace)) {
            g->trace[g->trace_len] = '\0';
            if (g->trace_len > 0) {
                log_debug("gammu: %s", g->trace);
            }
            g->trace_len = 0;
            if (*p == '\n') {
                continue;
            }
        }
        g->trace[g->trace_len++] = *p;
    }
}

static void mg_send_status(GSM_StateMachine *sm, int status, int msg_ref, void *data)
{
    struct mg_modem *g = data;
    (void)sm;
    g->send_done = true;
    g->send_status = status;
    g->send_ref = msg_ref;
}

/* libGammu calls this from inside its own calls, where hanging up is not safe: it only notes the
 * ring, and mg_handle_calls acts on it. */
static void mg_incoming_call(GSM_StateMachine *sm, GSM_Call *call, void *data)
{
    (void)sm;
    struct mg_modem *g = data;
    if (call->Status == GSM_CALL_IncomingCall) {
        g->call_ringing = true;
    }
}

/* Reads what the modem said by itself (a RING among it), and hangs up a ringing call. */
static void mg_handle_calls(struct mg_modem *g)
{
    if (!g->reject_calls || !g->connected) {
        return;
    }
    GSM_ReadDevice(g->sm, FALSE);
    if (g->call_ringing) {
        g->call_ringing = false;
        GSM_Error e = GSM_CancelCall(g->sm, 0, TRUE);
        if (e == ERR_NONE) {
            g->calls_rejected++;
            log_info("modem: incoming voice call rejected");
        } else {
            log_warn("modem: rejecting an incoming call failed: %s", GSM_ErrorString(e));
        }
    }
}

static void mg_disconnect(struct modem *m)
{
    struct mg_modem *g = mg_of(m);
    if (g->sm != NULL) {
        if (g->connected) {
            GSM_TerminateConnection(g->sm);
        }
        GSM_FreeStateMachine(g->sm);
        g->sm = NULL;
    }
    g->connected = false;
    g->enum_open = false;
    g->in->Number = 0;
    g->in_next = 0;
    g->have_smsc = false;
}

/* Enters the SIM PIN if, and only if, the SIM asks for it. */
static int mg_unlock_sim(struct mg_modem *g, char *err, size_t errcap)
{
    GSM_SecurityCodeType st = SEC_None;
    GSM_Error e = GSM_GetSecurityStatus(g->sm, &st);
    if (e != ERR_NONE) {
        /* Drivers that cannot tell (the dummy one, some modems) are taken to be unlocked. */
        log_debug("modem: security status not available: %s", GSM_ErrorString(e));
        return 0;
    }
    if (st == SEC_None || st == SEC_Pin2 || st == SEC_SecurityCode) {
        return 0;
    }
    if (st != SEC_Pin) {
        mg_seterr(err, errcap, "the SIM is blocked (it wants a PUK or a network code)");
        return -1;
    }
    if (g->pin_refused) {
        mg_seterr(err, errcap, "the SIM refused the configured PIN before; not trying it again");
        return -1;
    }
    if (g->pin[0] == '\0') {
        mg_seterr(err, errcap, "the SIM asks for a PIN and none is configured");
        return -1;
    }
    GSM_SecurityCode code;
    memset(&code, 0, sizeof(code));
    code.Type = SEC_Pin;
    size_t n = strlen(g->pin);
    if (n >= sizeof(code.Code)) {
        mg_seterr(err, errcap, "the configured SIM PIN is too long");
        return -1;
    }
    memcpy(code.Code, g->pin, n);
    e = GSM_EnterSecurityCode(g->sm, &code);
    mg_wipe(&code, sizeof(code));
    if (e == ERR_TIMEOUT) {
        mg_seterr(err, errcap, "entering the SIM PIN timed out");
        return -1;
    }
    if (e != ERR_NONE) {
        g->pin_refused = true;
        mg_seterr(err, errcap, "the SIM refused the PIN: %s", GSM_ErrorString(e));
        return -1;
    }
    log_info("modem: SIM unlocked");
    return 0;
}

static int mg_connect(struct modem *m, char *err, size_t errcap)
{
    struct mg_modem *g = mg_of(m);
    mg_disconnect(m);

    g->sm = GSM_AllocStateMachine();
    if (g->sm == NULL) {
        mg_seterr(err, errcap, "out of memory");
        return -1;
    }
    GSM_Config *c = GSM_GetConfig(g->sm, 0);
    /* libGammu frees Device, Connection and DebugFile itself, so they must be its own copies. */
    c->Device = mg_strdup(g->device);
    c->Connection = mg_strdup(g->connection);
    c->DebugFile = mg_strdup("");
    if (c->Device == NULL || c->Connection == NULL || c->DebugFile == NULL) {
        mg_disconnect(m);
        mg_seterr(err, errcap, "out of memory");
        return -1;
    }
    const char *model = strcmp(g->model, "auto") == 0 ? "" : g->model;
    snprintf(c->Model, sizeof(c->Model), "%s", model);
    /* libGammu's trace shows the AT traffic, PIN included: it only runs at debug level and only
     * when no PIN is configured. */
    bool trace = log_get_level() >= LOGL_DEBUG && g->pin[0] == '\0';
    snprintf(c->DebugLevel, sizeof(c->DebugLevel), "%s", trace ? "textall" : "");
    c->UseGlobalDebugFile = FALSE;
    c->SyncTime = FALSE;
    c->LockDevice = FALSE;
    c->StartInfo = FALSE;
    snprintf(c->TextReminder, sizeof(c->TextReminder), "Reminder");
    snprintf(c->TextMeeting, sizeof(c->TextMeeting), "Meeting");
    snprintf(c->TextCall, sizeof(c->TextCall), "Call");
    snprintf(c->TextBirthday, sizeof(c->TextBirthday), "Birthday");
    snprintf(c->TextMemo, sizeof(c->TextMemo), "Memo");
    c->PhoneFeatures[0] = 0;
    for (size_t i = 0; i < sizeof(c->CNMIParams) / sizeof(c->CNMIParams[0]); i++) {
        c->CNMIParams[i] = -1; /* the driver's own defaults */
    }
    GSM_SetConfigNum(g->sm, 1);

    GSM_Error e =
        trace ? GSM_InitConnection_Log(g->sm, 1, mg_trace, g) : GSM_InitConnection(g->sm, 1);
    if (e != ERR_NONE) {
        GSM_FreeStateMachine(g->sm);
        g->sm = NULL;
        mg_seterr(err, errcap, "connecting to the modem at %s failed: %s", g->device,
                  GSM_ErrorString(e));
        return -1;
    }
    g->connected = true;
    /* InitConnection clears the callbacks; without this one GSM_SendSMS crashes on the dummy. */
    GSM_SetSendSMSStatusCallback(g->sm, mg_send_status, g);
    if (g->reject_calls) {
        GSM_SetIncomingCallCallback(g->sm, mg_incoming_call, g);
        GSM_Error ce = GSM_SetIncomingCall(g->sm, TRUE);
        if (ce != ERR_NONE) {
            log_debug("modem: incoming calls cannot be watched: %s", GSM_ErrorString(ce));
        }
    }

    if (mg_unlock_sim(g, err, errcap) != 0) {
        mg_disconnect(m);
        return -1;
    }

    memset(&g->smsc, 0, sizeof(g->smsc));
    g->smsc.Location = 1;
    e = GSM_GetSMSC(g->sm, &g->smsc);
    if (e == ERR_NONE) {
        g->have_smsc = true;
    } else {
        /* Without it the driver asks the modem for the SMSC at each send, which also works. */
        log_warn("modem: cannot read the SMSC number: %s", GSM_ErrorString(e));
        g->have_smsc = false;
    }
    return 0;
}

/* Whether a GetNextSMS error concerns one undecodable message rather than the modem. The dummy
 * driver says ERR_FILENOTSUPPORTED for a message file it cannot parse, which is the same thing. */
static bool mg_skippable(GSM_Error e)
{
    return e == ERR_CORRUPTED || e == ERR_UNKNOWN || e == ERR_NOTSUPPORTED ||
           e == ERR_FILENOTSUPPORTED;
}

static enum modem_read_result mg_read_next(struct modem *m, bool restart, struct modem_part *part)
{
    struct mg_modem *g = mg_of(m);
    if (!g->connected) {
        return MODEM_READ_ERROR;
    }
    if (restart) {
        /* Once per listing, not per part: a RING waits at most a poll interval. */
        mg_handle_calls(g);
        g->enum_open = false;
        g->in->Number = 0;
        g->in_next = 0;
    }
    for (;;) {
        /* A driver may return several parts for one location (the dummy one, for a backup file
         * holding several messages): they are handed out one by one before going on. */
        if (g->in_next < g->in->Number && g->in_next < GSM_MAX_MULTI_SMS) {
            mg_fill_part(&g->in->SMS[g->in_next], part);
            g->in_next++;
            return MODEM_READ_PART;
        }

        bool start = !g->enum_open;
        g->in->Number = 0;
        g->in_next = 0;
        g->in->SMS[0].Folder = start ? 0 : g->enum_folder;
        g->in->SMS[0].Location = start ? 0 : g->enum_location;
        GSM_Error e = GSM_GetNextSMS(g->sm, g->in, start ? TRUE : FALSE);
        if (e == ERR_EMPTY) {
            g->enum_open = false;
            g->in->Number = 0;
            return MODEM_READ_END;
        }
        if (e == ERR_NONE) {
            if (g->in->Number < 0 || g->in->Number > GSM_MAX_MULTI_SMS) {
                g->in->Number = 0;
            }
            /* Continue after the last part, with folder 0 and the driver's global location. */
            int last = g->in->Number > 0 ? g->in->Number - 1 : 0;
            int next_location = g->in->SMS[last].Location;
            if (g->in->Number == 0 &&
                (start || (g->enum_folder == 0 && next_location == g->enum_location))) {
                /* Success without a message and without moving on would repeat forever. */
                log_warn("modem: the enumeration does not advance past location %d", next_location);
                g->enum_open = false;
                return MODEM_READ_ERROR;
            }
            g->enum_open = true;
            g->enum_folder = 0;
            g->enum_location = next_location;
            continue;
        }
        if (mg_skippable(e)) {
            /* The driver left the failing message's place in SMS[0]; go on after it, and leave
             * it on the modem where its bytes can still be taken off by other means. */
            int folder = g->in->SMS[0].Folder;
            int location = g->in->SMS[0].Location;
            log_warn("modem: skipping the message at folder %d location %d: %s", folder, location,
                     GSM_ErrorString(e));
            if (!start && folder == g->enum_folder && location == g->enum_location) {
                log_warn("modem: the enumeration does not advance past location %d", location);
                g->enum_open = false;
                return MODEM_READ_ERROR;
            }
            g->enum_open = true;
            g->enum_folder = folder;
            g->enum_location = location;
            g->in->Number = 0;
            memset(part, 0, sizeof *part);
            part->location = location;
            return MODEM_READ_UNDECODABLE;
        }
        log_warn("modem: reading messages failed: %s", GSM_ErrorString(e));
        g->enum_open = false;
        g->in->Number = 0;
        return MODEM_READ_ERROR;
    }
}

static int mg_remove(struct modem *m, const struct modem_part *part)
{
    struct mg_modem *g = mg_of(m);
    if (!g->connected) {
        return -1;
    }
    GSM_SMSMessage sms;
    memset(&sms, 0, sizeof(sms));
    sms.Folder = 0;
    sms.Location = part->location;
    GSM_Error e = GSM_DeleteSMS(g->sm, &sms);
    if (e == ERR_NONE || e == ERR_EMPTY) {
        /* ERR_EMPTY: nothing is at that location any more, which is what we wanted. */
        return 0;
    }
    /* A timeout may come after the modem did delete: the outcome is unknown. */
    log_warn("modem: deleting location %d: %s", part->location, GSM_ErrorString(e));
    return -1;
}

/* Number of UTF-16 units libGammu put in one part it made. */
static size_t mg_part_units(const GSM_SMSMessage *sms)
{
    return mg_u16_len(sms->Text, sizeof(sms->Text) / 2);
}

/*
 * Splits utf8 into *out the way a phone does (GSM 7-bit when every character allows it, else
 * UCS-2), with ref as the 8-bit concatenation reference. The same text and reference always
 * give the same parts. Returns the number of parts, or -1 with a reason in err.
 */
static int mg_split(GSM_MultiPartSMSInfo *info, GSM_MultiSMSMessage *out, unsigned char *u16,
                    size_t u16units, const char *utf8, int ref, char *err, size_t errcap)
{
    if (utf8 == NULL) {
        mg_seterr(err, errcap, "no text");
        return -1;
    }
    long n = text_utf8_to_utf16be(utf8, u16, u16units);
    if (n < 0) {
        mg_seterr(err, errcap, "the text is too long or not valid UTF-8");
        return -1;
    }
    if (n == 0) {
        mg_seterr(err, errcap, "the text is empty");
        return -1;
    }
    u16[2 * n] = 0;
    u16[2 * n + 1] = 0;

    GSM_ClearMultiPartSMSInfo(info);
    info->EntriesNum = 1;
    info->UnicodeCoding = text_is_gsm7(utf8) ? FALSE : TRUE;
    info->Class = -1;
    info->Entries[0].ID = SMS_ConcatenatedTextLong;
    info->Entries[0].Buffer = u16;
    out->Number = 0;
    GSM_Error e = GSM_EncodeMultiPartSMS(NULL, info, out);
    if (e != ERR_NONE) {
        mg_seterr(err, errcap, "splitting the text failed: %s", GSM_ErrorString(e));
        return -1;
    }
    if (out->Number < 1 || out->Number > GSM_MAX_MULTI_SMS) {
        mg_seterr(err, errcap, "splitting the text gave no parts");
        return -1;
    }
    /* The splitter stops at GSM_MAX_MULTI_SMS parts without a word: check nothing was lost. */
    size_t total = 0;
    for (int i = 0; i < out->Number; i++) {
        total += mg_part_units(&out->SMS[i]);
    }
    if (total != (size_t)n) {
        mg_seterr(err, errcap, "the text does not fit in %d parts", GSM_MAX_MULTI_SMS);
        return -1;
    }
    if (out->Number > 1) {
        /* Our own reference, not libGammu's time-based one, which repeats within a second. */
        for (int i = 0; i < out->Number; i++) {
            GSM_UDHHeader *h = &out->SMS[i].UDH;
            if (h->Length < 6 || h->Text[1] != 0x00 || h->Text[2] != 0x03) {
                mg_seterr(err, errcap, "unexpected concatenation header");
                return -1;
            }
            h->Text[3] = (unsigned char)ref;
            h->ID8bit = ref & 0xFF;
        }
    }
    return out->Number;
}

static int mg_count_parts(struct modem *m, const char *utf8)
{
    struct mg_modem *g = mg_of(m);
    char err[128];
    int n = mg_split(g->info, g->out, g->u16, MG_MAX_UNITS, utf8, 0, err, sizeof(err));
    if (n < 0) {
        log_debug("modem: count_parts: %s", err);
    }
    return n;
}

static double mg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum modem_send_result mg_send_part(struct modem *m, const char *number, const char *utf8,
                                           int ref, int index, int *msg_ref, char *err,
                                           size_t errcap)
{
    struct mg_modem *g = mg_of(m);
    if (msg_ref != NULL) {
        *msg_ref = -1;
    }
    if (!g->connected) {
        mg_seterr(err, errcap, "the modem is not connected");
        return MODEM_SEND_REFUSED;
    }
    if (ref < 0 || ref > 255) {
        mg_seterr(err, errcap, "concatenation reference out of range");
        return MODEM_SEND_REFUSED;
    }
    int n = mg_split(g->info, g->out, g->u16, MG_MAX_UNITS, utf8, ref, err, errcap);
    if (n < 0) {
        return MODEM_SEND_REFUSED;
    }
    if (index < 1 || index > n) {
        mg_seterr(err, errcap, "no such part of the text");
        return MODEM_SEND_REFUSED;
    }
    GSM_SMSMessage *sms = &g->out->SMS[index - 1];

    memset(sms->Number, 0, sizeof(sms->Number));
    long nu =
        number != NULL ? text_utf8_to_utf16be(number, sms->Number, GSM_MAX_NUMBER_LENGTH) : -1;
    if (nu <= 0) {
        mg_seterr(err, errcap, "invalid destination number");
        return MODEM_SEND_REFUSED;
    }
    if (g->have_smsc) {
        sms->SMSC = g->smsc;
        sms->SMSC.Location = 0; /* use this number rather than asking the modem again */
    }
    /* A status report is asked for by the submit's TP-SRR bit, which libGammu sets for a message
     * whose PDU type says so. */
    sms->PDU = g->reports ? SMS_Status_Report : SMS_Submit;

    g->send_done = false;
    g->send_status = -1;
    g->send_ref = -1;
    GSM_Error e = GSM_SendSMS(g->sm, sms);
    if (e != ERR_NONE) {
        mg_seterr(err, errcap, "sending failed: %s", GSM_ErrorString(e));
        /* A timeout can come after the PDU went out; anything else stopped it before. */
        return e == ERR_TIMEOUT ? MODEM_SEND_UNKNOWN : MODEM_SEND_REFUSED;
    }
    /* The outcome only comes through the callback, read from the device; a modem that swallows
     * the PDU never calls back, hence our own deadline. */
    double deadline = mg_now() + MG_SEND_DEADLINE_S;
    while (!g->send_done && mg_now() < deadline) {
        if (GSM_ReadDevice(g->sm, TRUE) < 0) {
            break;
        }
        if (!g->send_done) {
            struct timespec pause = {0, 10 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    if (!g->send_done) {
        mg_seterr(err, errcap, "the modem did not say whether the part was sent");
        return MODEM_SEND_UNKNOWN;
    }
    if (g->send_status != 0) {
        if (err != NULL && errcap > 0) {
            snprintf(err, errcap, "refused by the modem or network: error %d", g->send_status);
        }
        return MODEM_SEND_REFUSED;
    }
    if (msg_ref != NULL) {
        *msg_ref = g->send_ref;
    }
    return MODEM_SEND_OK;
}

static int mg_status(struct modem *m, struct modem_status *st)
{
    struct mg_modem *g = mg_of(m);
    memset(st, 0, sizeof(*st));
    st->signal_percent = -1;
    st->battery_percent = -1;
    st->sim_used = -1;
    st->sim_total = -1;
    st->phone_used = -1;
    st->phone_total = -1;
    mg_handle_calls(g);
    st->calls_rejected = g->calls_rejected;
    if (!g->connected) {
        return -1;
    }
    int answered = 0;

    char buf[256];
    memset(buf, 0, sizeof(buf));
    if (GSM_GetIMEI(g->sm, buf) == ERR_NONE) {
        mg_copy_ascii(st->imei, sizeof(st->imei), buf, sizeof(buf));
        answered++;
    }
    memset(buf, 0, sizeof(buf));
    if (GSM_GetSIMIMSI(g->sm, buf) == ERR_NONE) {
        mg_copy_ascii(st->imsi, sizeof(st->imsi), buf, sizeof(buf));
        answered++;
    }
    GSM_NetworkInfo net;
    memset(&net, 0, sizeof(net));
    if (GSM_GetNetworkInfo(g->sm, &net) == ERR_NONE) {
        char code[sizeof(net.NetworkCode) + 1];
        char name[64];
        mg_copy_ascii(code, sizeof(code), net.NetworkCode, sizeof(net.NetworkCode));
        mg_decode_u16(name, sizeof(name), net.NetworkName, sizeof(net.NetworkName) / 2);
        char both[sizeof(code) + sizeof(name) + 2];
        snprintf(both, sizeof(both), "%s%s%s", code, code[0] != '\0' && name[0] != '\0' ? " " : "",
                 name);
        mg_copy_utf8(st->network, sizeof(st->network), both);
        answered++;
    }
    GSM_SignalQuality sig;
    memset(&sig, 0, sizeof(sig));
    if (GSM_GetSignalQuality(g->sm, &sig) == ERR_NONE) {
        st->signal_percent =
            (sig.SignalPercent >= 0 && sig.SignalPercent <= 100) ? sig.SignalPercent : -1;
        answered++;
    }
    GSM_BatteryCharge bat;
    memset(&bat, 0, sizeof(bat));
    if (GSM_GetBatteryCharge(g->sm, &bat) == ERR_NONE) {
        st->battery_percent =
            (bat.BatteryPercent >= 0 && bat.BatteryPercent <= 100) ? bat.BatteryPercent : -1;
        answered++;
    }
    GSM_SMSMemoryStatus mem;
    memset(&mem, 0, sizeof(mem));
    if (GSM_GetSMSStatus(g->sm, &mem) == ERR_NONE) {
        st->sim_used = mem.SIMUsed >= 0 ? mem.SIMUsed : -1;
        st->sim_total = mem.SIMSize >= 0 ? mem.SIMSize : -1;
        st->phone_used = mem.PhoneUsed >= 0 ? mem.PhoneUsed : -1;
        st->phone_total = mem.PhoneSize > 0 ? mem.PhoneSize : -1;
        answered++;
    }
    return answered > 0 ? 0 : -1;
}

static void mg_destroy(struct modem *m)
{
    if (m == NULL) {
        return;
    }
    struct mg_modem *g = mg_of(m);
    mg_disconnect(m);
    if (g->pin != NULL) {
        mg_wipe(g->pin, strlen(g->pin));
    }
    free(g->connection);
    free(g->device);
    free(g->model);
    free(g->pin);
    free(g->in);
    free(g->out);
    free(g->info);
    free(g);
}

int modem_gammu_pdu_trial(const unsigned char *pdu, size_t len)
{
    /* A GSM_SMSMessage is small enough for the stack; the 265 KB multi-message is not needed. */
    GSM_SMSMessage sms;
    memset(&sms, 0, sizeof sms);
    size_t pos = 0;
    GSM_Error e = GSM_DecodePDUFrame(NULL, &sms, pdu, len, &pos, TRUE);
    return e == ERR_NONE ? 0 : -1;
}

static int mg_reset(struct modem *m, bool hard, char *err, size_t errcap)
{
    struct mg_modem *g = mg_of(m);
    if (!g->connected) {
        mg_seterr(err, errcap, "not connected");
        return -1;
    }
    GSM_Error e = GSM_Reset(g->sm, hard ? TRUE : FALSE);
    int rc = 0;
    if (e == ERR_TIMEOUT) {
        /* Silence is the modem failing, not the modem declining. */
        mg_seterr(err, errcap, "%s reset failed: %s", hard ? "hard" : "soft", GSM_ErrorString(e));
        rc = -1;
    } else if (e != ERR_NONE) {
        /* Not supported by the driver, or refused by the modem (ERROR to the command). */
        mg_seterr(err, errcap, "the modem cannot do a %s reset: %s", hard ? "hard" : "soft",
                  GSM_ErrorString(e));
        rc = 1;
    }
    /* A modem that restarts drops what libGammu knew of it (echo, character set, notifications):
     * the next connection sets it all up again. */
    mg_disconnect(m);
    return rc;
}

static const struct modem_ops mg_ops = {
    .name = "gammu",
    .connect = mg_connect,
    .disconnect = mg_disconnect,
    .read_next = mg_read_next,
    .remove = mg_remove,
    .count_parts = mg_count_parts,
    .send_part = mg_send_part,
    .status = mg_status,
    .destroy = mg_destroy,
    .reset = mg_reset,
};

struct modem *modem_gammu_new(const struct conf_modem *cfg)
{
    struct mg_modem *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return NULL;
    }
    g->base.ops = &mg_ops;
    g->base.impl = g;
    g->connection = mg_strdup(cfg->connection);
    g->device = mg_strdup(cfg->device);
    g->model = mg_strdup(cfg->model);
    g->pin = mg_strdup(cfg->pin);
    g->reports = cfg->delivery_reports;
    g->reject_calls = cfg->reject_calls;
    g->in = malloc(sizeof(*g->in));
    g->out = malloc(sizeof(*g->out));
    g->info = malloc(sizeof(*g->info));
    if (g->connection == NULL || g->device == NULL || g->model == NULL || g->pin == NULL ||
        g->in == NULL || g->out == NULL || g->info == NULL) {
        mg_destroy(&g->base);
        return NULL;
    }
    g->in->Number = 0;
    g->out->Number = 0;
    return &g->base;
}

/* ---- Dummy-driver injection -------------------------------------------------------------- */

/* Appends formatted text to a fixed buffer; false once it does not fit. */
static bool mg_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool mg_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (r < 0 || (size_t)r >= cap - *len) {
        return false;
    }
    *len += (size_t)r;
    return true;
}

/* Renders one part as a Gammu SMS backup file (the dummy driver's message format). */
static bool mg_render_backup(char *buf, size_t cap, size_t *len, const GSM_SMSMessage *sms,
                             const char *sender, const struct tm *sent)
{
    static const char hex[] = "0123456789ABCDEF";
    *len = 0;
    bool ok =
        mg_append(buf, cap, len, "[SMSBackup000]\n") &&
        mg_append(buf, cap, len, "Sent = %04d%02d%02dT%02d%02d%02d\n", sent->tm_year + 1900,
                  sent->tm_mon + 1, sent->tm_mday, sent->tm_hour, sent->tm_min, sent->tm_sec) &&
        mg_append(buf, cap, len, "State = UnRead\n") &&
        mg_append(buf, cap, len, "Number = \"%s\"\n", sender) &&
        mg_append(buf, cap, len, "Coding = %s\n",
                  sms->Coding == SMS_Coding_Unicode_No_Compression ? "Unicode" : "Default");
    if (ok && sms->UDH.Length > 0) {
        size_t ulen = (size_t)sms->UDH.Length;
        if (ulen > sizeof(sms->UDH.Text)) {
            return false;
        }
        ok = mg_append(buf, cap, len, "UDH = ");
        for (size_t i = 0; ok && i < ulen; i++) {
            ok = mg_append(buf, cap, len, "%c%c", hex[sms->UDH.Text[i] >> 4],
                           hex[sms->UDH.Text[i] & 0x0F]);
        }
        ok = ok && mg_append(buf, cap, len, "\n");
    }
    /* Gammu's own habit: the UTF-16BE text as hex, 200 digits (50 units) a line. */
    size_t units = mg_part_units(sms);
    for (size_t line = 0; ok && line * 50 < units; line++) {
        ok = mg_append(buf, cap, len, "Text%02zu = ", line);
        for (size_t u = line * 50; ok && u < units && u < (line + 1) * 50; u++) {
            const unsigned char *b = &sms->Text[2 * u];
            ok = mg_append(buf, cap, len, "%c%c%c%c", hex[b[0] >> 4], hex[b[0] & 0x0F],
                           hex[b[1] >> 4], hex[b[1] & 0x0F]);
        }
        ok = ok && mg_append(buf, cap, len, "\n");
    }
    return ok;
}

/* The highest message file number in dir, 0 when there is none. */
static int mg_highest_number(const char *dir)
{
    DIR *d = opendir(dir);
    int best = 0;
    if (d == NULL) {
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *s = de->d_name;
        int v = 0;
        size_t i = 0;
        for (; s[i] >= '0' && s[i] <= '9' && i < 6; i++) {
            v = v * 10 + (s[i] - '0');
        }
        if (i > 0 && s[i] == '\0' && s[0] != '0' && v <= MG_DUMMY_MAX_FILE && v > best) {
            best = v;
        }
    }
    closedir(d);
    return best;
}

/*
 * Writes content under a temporary name, then links it to the first free number from *next on
 * (wrapping after 9999), so that the driver never sees a half-written file and an existing
 * message is never overwritten. Advances *next past the number used.
 */
static int mg_place_file(const char *dir, const char *content, size_t len, int *next, char *err,
                         size_t errcap)
{
    static unsigned counter;
    char tmp[4096];
    char final[4096];
    int r = snprintf(tmp, sizeof(tmp), "%s/.inject-%ld-%u", dir, (long)getpid(), counter++);
    if (r < 0 || (size_t)r >= sizeof(tmp)) {
        mg_seterr(err, errcap, "path too long: %s", dir);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        mg_seterr(err, errcap, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, content + off, len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            mg_seterr(err, errcap, "cannot write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        mg_seterr(err, errcap, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int n = *next;
    for (int tries = 0; tries < MG_DUMMY_MAX_FILE; tries++) {
        if (n < 1 || n > MG_DUMMY_MAX_FILE) {
            n = 1;
        }
        snprintf(final, sizeof(final), "%s/%d", dir, n);
        if (link(tmp, final) == 0) {
            unlink(tmp);
            *next = n + 1;
            return 0;
        }
        if (errno != EEXIST) {
            mg_seterr(err, errcap, "cannot link %s: %s", final, strerror(errno));
            unlink(tmp);
            return -1;
        }
        n++;
    }
    unlink(tmp);
    mg_seterr(err, errcap, "the inbox %s is full", dir);
    return -1;
}

/* A reference for a multipart message when the caller lets us pick one. */
static int mg_random_ref(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint32_t x = (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 7) ^ ((uint32_t)getpid() << 13);
    x ^= x >> 16;
    x *= 0x45d9f3bu;
    x ^= x >> 16;
    return (int)(x & 0xFF);
}

static bool mg_inject_batch;

void modem_dummy_inject_batch(bool on)
{
    mg_inject_batch = on;
}

int modem_dummy_inject(const char *device, const char *sender, const char *utf8, int ref,
                       const int *only, size_t nonly, long long smsc_time, char *err, size_t errcap)
{
    if (device == NULL || sender == NULL || utf8 == NULL) {
        mg_seterr(err, errcap, "device, sender and text are required");
        return -1;
    }
    size_t slen = strlen(sender);
    if (slen == 0 || slen > GSM_MAX_NUMBER_LENGTH) {
        mg_seterr(err, errcap, "the sender must have 1 to 200 bytes");
        return -1;
    }
    for (size_t i = 0; i < slen; i++) {
        if ((unsigned char)sender[i] < 0x20 || sender[i] == 0x7F) {
            /* A line break would end the backup file's Number line early. */
            mg_seterr(err, errcap, "the sender holds a control character");
            return -1;
        }
    }
    if (ref > 255) {
        mg_seterr(err, errcap, "the concatenation reference must be 0..255");
        return -1;
    }
    if (ref < 0) {
        ref = mg_random_ref();
    }

    char dir[4096];
    int r = snprintf(dir, sizeof(dir), "%s/sms", device);
    if (r < 0 || (size_t)r >= sizeof(dir) - 3) {
        mg_seterr(err, errcap, "path too long: %s", device);
        return -1;
    }
    /* The driver makes these on connect, but a message may be injected before that. */
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        mg_seterr(err, errcap, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    strcat(dir, "/1");
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        mg_seterr(err, errcap, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }

    GSM_MultiPartSMSInfo *info = malloc(sizeof(*info));
    GSM_MultiSMSMessage *out = malloc(sizeof(*out));
    unsigned char *u16 = malloc((MG_MAX_UNITS + 1) * 2);
    char *content = malloc(8192);
    int result = -1;
    if (info == NULL || out == NULL || u16 == NULL || content == NULL) {
        mg_seterr(err, errcap, "out of memory");
        goto done;
    }
    int n = mg_split(info, out, u16, MG_MAX_UNITS, utf8, ref, err, errcap);
    if (n < 0) {
        goto done;
    }
    for (size_t k = 0; only != NULL && k < nonly; k++) {
        if (only[k] < 1 || only[k] > n) {
            mg_seterr(err, errcap, "no such part to deliver");
            goto done;
        }
    }

    time_t when = smsc_time != 0 ? (time_t)smsc_time : time(NULL);
    struct tm sent;
    if (gmtime_r(&when, &sent) == NULL) {
        mg_seterr(err, errcap, "invalid SMSC time");
        goto done;
    }
    /* In a batch, one scan of the folder serves all injections: each goes on from where the last
     * one ended, and a name taken meanwhile (or a wrap past 9999) is skipped by the link() test. */
    static char last_dir[4096];
    static int last_next;
    int next;
    if (mg_inject_batch && strcmp(last_dir, dir) == 0 && last_next > 0) {
        next = last_next;
    } else {
        next = mg_highest_number(dir) + 1;
        snprintf(last_dir, sizeof last_dir, "%s", dir);
    }
    size_t count = only != NULL ? nonly : (size_t)n;
    for (size_t k = 0; k < count; k++) {
        int idx = only != NULL ? only[k] : (int)k + 1;
        size_t len;
        if (!mg_render_backup(content, 8192, &len, &out->SMS[idx - 1], sender, &sent)) {
            mg_seterr(err, errcap, "a message part does not fit the backup format");
            goto done;
        }
        if (mg_place_file(dir, content, len, &next, err, errcap) != 0) {
            last_next = 0;
            goto done;
        }
        last_next = next;
    }
    result = n;
done:
    free(info);
    free(out);
    free(u16);
    free(content);
    return result;
}
