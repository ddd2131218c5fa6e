/*
 * modem_gammu: the modem operations of include/modem.h on top of libGammu 1.42, for real modems
 * (AT driver) and for libGammu's dummy driver, and libGammu's splitter for modem_dummy.c, which
 * writes SMS into a dummy modem's inbox.
 *
 * With its parts modem_ussd.c, modem_status.c and modem_split.c, the only files that include
 * libGammu (libgammu.h).
 * libGammu's own text helpers (GSM_LinkSMS, DecodeUnicodeString, ...) loop forever or return
 * static buffers on hostile input, so everything that comes from the radio is decoded with bounded
 * loops by the pure modules modem_decode and textcodec, and nothing that libGammu hands back is
 * trusted to be terminated or in range.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libgammu.h"
#include "log.h"
#include "modem.h"
#include "modem_conf.h"
#include "modem_decode.h"
#include "modem_status.h"
#include "modem_split.h"
#include "modem_ussd.h"
#include "modem_trace.h"
#include "proc.h"
#include "textcodec.h"

/* How long send_part waits for the modem to say what became of a part. */
#define MG_SEND_DEADLINE_S 30

/* include/modem.h mirrors these limits for the modules that may not include gammu.h. */
_Static_assert(MODEM_GAMMU_NUMBER_LENGTH == GSM_MAX_NUMBER_LENGTH, "libGammu's number length");
_Static_assert(MODEM_GAMMU_MAX_PARTS == GSM_MAX_MULTI_SMS, "libGammu's part limit");
_Static_assert(MODEM_GAMMU_PART_UNITS == GSM_MAX_SMS_LENGTH + 1, "libGammu's part text");
_Static_assert(MODEM_GAMMU_UDH_LENGTH == GSM_MAX_UDH_LENGTH, "libGammu's header length");
_Static_assert(GSM_HomeNetwork == 1 && GSM_NoNetwork == 2 && GSM_RoamingNetwork == 3 &&
                   GSM_RegistrationDenied == 4 && GSM_NetworkStatusUnknown == 5 &&
                   GSM_RequestingNetwork == 6,
               "libGammu's registration states, as modem_decode_registration names them");

struct mg_modem {
    struct modem base;     /* first, so that the public handle and ours are one allocation */
    struct conf_modem cfg; /* our own copy */
    GSM_StateMachine *sm;
    bool connected;
    bool pin_refused;  /* a PIN the SIM rejected is never offered again: three tries block it */
    bool call_ringing; /* set by the incoming-call callback, acted on after libGammu returns */
    int calls_rejected;

    /* Reading: one enumeration at a time, continued from the last location we returned. */
    GSM_MultiSMSMessage *in; /* large: allocated once, never on the stack */
    int in_next;             /* index in *in of the next part to hand out */
    bool enum_open;          /* an enumeration is under way and may be continued */
    int enum_folder;         /* where libGammu continues from */
    int enum_location;

    /* Sending: the splitter's own areas, apart from the read buffer so that a reply sent in the
     * middle of an enumeration does not clobber parts not yet returned. */
    struct modem_splitter *split;

    GSM_SMSC smsc;
    bool have_smsc;

    /* Filled by the send-status callback, which libGammu calls from inside its own calls. */
    bool send_done;
    int send_status;
    int send_ref;

    /* libGammu's trace: its lines go to the log only when trace_log says so; on the AT driver
     * they also show the raw PDU of the message each GetNextSMS call decodes. */
    struct modem_trace trace;
    bool trace_log;
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

/* Seconds since the epoch of a libGammu date; 0 when it is unset or out of range. */
static long long mg_epoch_of(const GSM_DateTime *dt)
{
    /* In the order of struct modem_decode_time: the date, the time of day, the zone. */
    struct modem_decode_time t = {dt->Year,   dt->Month,  dt->Day,     dt->Hour,
                                  dt->Minute, dt->Second, dt->Timezone};
    return modem_decode_epoch(&t);
}

/*
 * The text of a UCS-2 message, of which libGammu says length units. Every driver but the dummy one
 * decodes a PDU, and libGammu's PDU decoder writes each '~' twice (DecodeUnicodeSpecialNOKIAChars,
 * for old Nokia phones) while length still counts the units sent: those are had back first. The
 * dummy driver reads its files' units as they are.
 */
static void mg_fill_ucs2(const GSM_SMSMessage *sms, size_t length, bool from_pdu,
                         struct modem_part *part)
{
    size_t textunits = sizeof(sms->Text) / 2;
    size_t n = length < MODEM_TEXT_UNITS ? length : MODEM_TEXT_UNITS;
    unsigned char units[2 * MODEM_TEXT_UNITS];
    if (!from_pdu) {
        modem_decode_utf16(part, sms->Text, n < textunits - 1 ? n : textunits - 1, true);
        return;
    }
    /* Each unit sent became at most two. */
    n = modem_decode_untilde(sms->Text, 2 * n < textunits ? 2 * n : textunits, n, units);
    modem_decode_utf16(part, units, n, true);
}

/* Turns one libGammu message into our part, decoding everything with explicit bounds; from_pdu
 * says libGammu decoded it from a PDU (every driver but the dummy one). */
static void mg_fill_part(const GSM_SMSMessage *sms, bool from_pdu, struct modem_part *part)
{
    memset(part, 0, sizeof(*part));
    part->location = sms->Location;
    modem_decode_u16(part->sender, sizeof(part->sender), sms->Number, GSM_MAX_NUMBER_LENGTH + 1);
    modem_decode_u16(part->smsc, sizeof(part->smsc), sms->SMSC.Number, GSM_MAX_NUMBER_LENGTH + 1);
    part->smsc_time = mg_epoch_of(&sms->DateTime);
    part->status_report = sms->PDU == SMS_Status_Report;
    part->report_ref = part->status_report ? sms->MessageReference : -1;
    part->report_status = part->status_report ? sms->DeliveryStatus : -1;
    part->msg_class = (sms->Class >= 0 && sms->Class <= 3) ? sms->Class : -1;
    part->pid = -1; /* libGammu does not say; only the raw PDU does (modem_decode_pdu) */
    if (sms->UDH.Length > 0) {
        size_t ulen = (size_t)sms->UDH.Length;
        modem_decode_udh(part, sms->UDH.Text,
                         ulen < sizeof(sms->UDH.Text) ? ulen : sizeof(sms->UDH.Text));
    }
    /* What libGammu says the text's length is, never more than its buffer holds. */
    size_t length = sms->Length > 0 ? (size_t)sms->Length : 0;
    if (sms->Coding == SMS_Coding_8bit) {
        modem_decode_8bit(part, sms->Text, length < sizeof(sms->Text) ? length : sizeof(sms->Text));
    } else if (sms->Coding == SMS_Coding_Unicode_No_Compression ||
               sms->Coding == SMS_Coding_Unicode_Compression) {
        mg_fill_ucs2(sms, length, from_pdu, part);
    } else {
        size_t maxunits = sizeof(sms->Text) / 2 - 1;
        modem_decode_utf16(part, sms->Text, length < maxunits ? length : maxunits, false);
    }
    if (part->status_report) {
        /* Two reports from one number in one second may differ only in the message they report
         * on: the reference goes into the text, and so into the part's idempotency key. */
        size_t len = strlen(part->text);
        snprintf(part->text + len, sizeof part->text - len, "%s(reference %d)", len > 0 ? " " : "",
                 part->report_ref);
    }
}

static void mg_log_line(const char *line, void *data)
{
    (void)data;
    log_debug("gammu: %s", line);
}

/* Takes libGammu's trace as it comes. */
static void mg_trace(const char *text, void *data)
{
    struct mg_modem *g = data;
    modem_trace_feed(&g->trace, text, g->trace_log ? mg_log_line : NULL, NULL);
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
    if (!g->cfg.reject_calls || !g->connected) {
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
    if (g->cfg.pin[0] == '\0') {
        mg_seterr(err, errcap, "the SIM asks for a PIN and none is configured");
        return -1;
    }
    GSM_SecurityCode code;
    memset(&code, 0, sizeof(code));
    code.Type = SEC_Pin;
    size_t n = strlen(g->cfg.pin);
    if (n >= sizeof(code.Code)) {
        mg_seterr(err, errcap, "the configured SIM PIN is too long");
        return -1;
    }
    memcpy(code.Code, g->cfg.pin, n);
    e = GSM_EnterSecurityCode(g->sm, &code);
    modem_conf_wipe(&code, sizeof(code));
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

/* Fills libGammu's configuration for our modem. libGammu frees Device, Connection and DebugFile
 * itself, so they must be its own copies. 0, or -1 when memory runs out. */
static int mg_configure(struct mg_modem *g, GSM_Config *c, bool trace)
{
    c->Device = strdup(g->cfg.device);
    c->Connection = strdup(g->cfg.connection);
    c->DebugFile = strdup("");
    if (c->Device == NULL || c->Connection == NULL || c->DebugFile == NULL) {
        return -1;
    }
    const char *model = strcmp(g->cfg.model, "auto") == 0 ? "" : g->cfg.model;
    snprintf(c->Model, sizeof(c->Model), "%s", model);
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
    return 0;
}

/* Sets the callbacks, which InitConnection clears: without the send-status one GSM_SendSMS
 * crashes on the dummy driver. */
static void mg_set_callbacks(struct mg_modem *g)
{
    GSM_SetSendSMSStatusCallback(g->sm, mg_send_status, g);
    if (g->cfg.reject_calls) {
        GSM_SetIncomingCallCallback(g->sm, mg_incoming_call, g);
        GSM_Error ce = GSM_SetIncomingCall(g->sm, TRUE);
        if (ce != ERR_NONE) {
            log_debug("modem: incoming calls cannot be watched: %s", GSM_ErrorString(ce));
        }
    }
}

/* Reads the SMSC number once, so that sending need not ask for it each time. */
static void mg_read_smsc(struct mg_modem *g)
{
    memset(&g->smsc, 0, sizeof(g->smsc));
    g->smsc.Location = 1;
    GSM_Error e = GSM_GetSMSC(g->sm, &g->smsc);
    if (e == ERR_NONE) {
        g->have_smsc = true;
    } else {
        /* Without it the driver asks the modem for the SMSC at each send, which also works. */
        log_warn("modem: cannot read the SMSC number: %s", GSM_ErrorString(e));
        g->have_smsc = false;
    }
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
    /* libGammu's trace shows the AT traffic, PIN included: it is logged only at debug level and
     * only when no PIN is configured. An AT modem's trace is always read, in memory, for the raw
     * PDUs; the dummy driver has none. */
    g->trace_log = log_get_level() >= LOGL_DEBUG && g->cfg.pin[0] == '\0';
    bool trace = g->trace_log || strcmp(g->cfg.model, "dummy") != 0;
    if (mg_configure(g, GSM_GetConfig(g->sm, 0), trace) != 0) {
        mg_disconnect(m);
        mg_seterr(err, errcap, "out of memory");
        return -1;
    }
    GSM_SetConfigNum(g->sm, 1);

    GSM_Error e =
        trace ? GSM_InitConnection_Log(g->sm, 1, mg_trace, g) : GSM_InitConnection(g->sm, 1);
    if (e != ERR_NONE) {
        GSM_FreeStateMachine(g->sm);
        g->sm = NULL;
        mg_seterr(err, errcap, "connecting to the modem at %s failed: %s", g->cfg.device,
                  GSM_ErrorString(e));
        return -1;
    }
    g->connected = true;
    mg_set_callbacks(g);
    if (mg_unlock_sim(g, err, errcap) != 0) {
        mg_disconnect(m);
        return -1;
    }
    mg_read_smsc(g);
    return 0;
}

/* Whether a GetNextSMS error concerns one undecodable message rather than the modem. The dummy
 * driver says ERR_FILENOTSUPPORTED for a message file it cannot parse, which is the same thing. */
static bool mg_skippable(GSM_Error e)
{
    return e == ERR_CORRUPTED || e == ERR_UNKNOWN || e == ERR_NOTSUPPORTED ||
           e == ERR_FILENOTSUPPORTED;
}

/* Ends the enumeration: the next read starts a new one. */
static void mg_end_enumeration(struct mg_modem *g)
{
    g->enum_open = false;
    g->in->Number = 0;
    g->in_next = 0;
}

/* After GetNextSMS gave a location's parts: where the enumeration goes on (folder 0 and the
 * driver's global location of the last part). False when it would not advance. */
static bool mg_advance(struct mg_modem *g, bool start)
{
    if (g->in->Number < 0 || g->in->Number > GSM_MAX_MULTI_SMS) {
        g->in->Number = 0;
    }
    int last = g->in->Number > 0 ? g->in->Number - 1 : 0;
    int next_location = g->in->SMS[last].Location;
    if (g->in->Number == 0 &&
        (start || (g->enum_folder == 0 && next_location == g->enum_location))) {
        /* Success without a message and without moving on would repeat forever. */
        log_warn("modem: the enumeration does not advance past location %d", next_location);
        g->enum_open = false;
        return false;
    }
    g->enum_open = true;
    g->enum_folder = 0;
    g->enum_location = next_location;
    return true;
}

/* After GetNextSMS failed on one message: the driver left its place in SMS[0]; go on after it,
 * and leave it on the modem where its bytes can still be taken off by other means. */
static enum modem_read_result mg_skip(struct mg_modem *g, GSM_Error e, bool start,
                                      struct modem_part *part)
{
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

/* libGammu read a message whose PDU cannot be right (modem_decode_pdu): it is not handed on as
 * read, but left on the modem for the rescue, which keeps its raw bytes. */
static enum modem_read_result mg_leave_broken(struct modem_part *part)
{
    int location = part->location;
    log_warn("modem: the message at location %d has a malformed PDU; leaving it for the rescue",
             location);
    memset(part, 0, sizeof *part);
    part->location = location;
    return MODEM_READ_UNDECODABLE;
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
        mg_end_enumeration(g);
    }
    for (;;) {
        /* A driver may return several parts for one location (the dummy one, for a backup file
         * holding several messages): they are handed out one by one before going on. */
        if (g->in_next < g->in->Number && g->in_next < GSM_MAX_MULTI_SMS) {
            mg_fill_part(&g->in->SMS[g->in_next], strcmp(g->cfg.model, "dummy") != 0, part);
            /* The PDU traced in this call is the first part's, the only one the AT driver gives. */
            bool broken = g->in_next == 0 && g->trace.pdu_len > 0 &&
                          modem_decode_pdu(part, g->trace.pdu, (size_t)g->trace.pdu_len);
            g->in_next++;
            modem_trace_forget(&g->trace);
            if (broken) {
                return mg_leave_broken(part);
            }
            return MODEM_READ_PART;
        }
        bool start = !g->enum_open;
        g->in->Number = 0;
        g->in_next = 0;
        modem_trace_forget(&g->trace);
        g->in->SMS[0].Folder = start ? 0 : g->enum_folder;
        g->in->SMS[0].Location = start ? 0 : g->enum_location;
        GSM_Error e = GSM_GetNextSMS(g->sm, g->in, start ? TRUE : FALSE);
        if (e == ERR_NONE) {
            if (!mg_advance(g, start)) {
                return MODEM_READ_ERROR;
            }
            continue;
        }
        if (mg_skippable(e)) {
            return mg_skip(g, e, start, part);
        }
        if (e != ERR_EMPTY) {
            log_warn("modem: reading messages failed: %s", GSM_ErrorString(e));
        }
        mg_end_enumeration(g);
        return e == ERR_EMPTY ? MODEM_READ_END : MODEM_READ_ERROR;
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

static int mg_count_parts(struct modem *m, const char *utf8)
{
    struct mg_modem *g = mg_of(m);
    char err[128];
    int n = modem_splitter_split(g->split, utf8, 0, err, sizeof(err));
    if (n < 0) {
        log_debug("modem: count_parts: %s", err);
    }
    return n;
}

/* The part index (1-based) of utf8, split with ref and addressed to number, ready to send; NULL
 * with a reason in err when it cannot be. */
static GSM_SMSMessage *mg_prepare_part(struct mg_modem *g, const char *number, const char *utf8,
                                       int ref, int index, char *err, size_t errcap)
{
    int n = modem_splitter_split(g->split, utf8, ref, err, errcap);
    if (n < 0) {
        return NULL;
    }
    if (index < 1 || index > n) {
        mg_seterr(err, errcap, "no such part of the text");
        return NULL;
    }
    GSM_SMSMessage *sms = modem_splitter_part(g->split, index - 1);
    memset(sms->Number, 0, sizeof(sms->Number));
    long nu =
        number != NULL ? text_utf8_to_utf16be(number, sms->Number, GSM_MAX_NUMBER_LENGTH) : -1;
    if (nu <= 0) {
        mg_seterr(err, errcap, "invalid destination number");
        return NULL;
    }
    if (g->have_smsc) {
        sms->SMSC = g->smsc;
        sms->SMSC.Location = 0; /* use this number rather than asking the modem again */
    }
    /* A status report is asked for by the submit's TP-SRR bit, which libGammu sets for a message
     * whose PDU type says so. */
    sms->PDU = g->cfg.delivery_reports ? SMS_Status_Report : SMS_Submit;
    return sms;
}

/* The outcome of a part sent only comes through the callback, read from the device; a modem that
 * swallows the PDU never calls back, hence our own deadline. True when the callback came. */
static bool mg_await_outcome(struct mg_modem *g)
{
    long long deadline = proc_now_ms() + MG_SEND_DEADLINE_S * 1000LL;
    while (!g->send_done && proc_now_ms() < deadline) {
        if (GSM_ReadDevice(g->sm, TRUE) < 0) {
            break;
        }
        if (!g->send_done) {
            proc_nap_ms(10);
        }
    }
    return g->send_done;
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
    GSM_SMSMessage *sms = mg_prepare_part(g, number, utf8, ref, index, err, errcap);
    if (sms == NULL) {
        return MODEM_SEND_REFUSED;
    }
    g->send_done = false;
    g->send_status = -1;
    g->send_ref = -1;
    GSM_Error e = GSM_SendSMS(g->sm, sms);
    if (e != ERR_NONE) {
        mg_seterr(err, errcap, "sending failed: %s", GSM_ErrorString(e));
        /* A timeout can come after the PDU went out; anything else stopped it before. */
        return e == ERR_TIMEOUT ? MODEM_SEND_UNKNOWN : MODEM_SEND_REFUSED;
    }
    if (!mg_await_outcome(g)) {
        mg_seterr(err, errcap, "the modem did not say whether the part was sent");
        return MODEM_SEND_UNKNOWN;
    }
    if (g->send_status != 0) {
        mg_seterr(err, errcap, "refused by the modem or network: error %d", g->send_status);
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
    return modem_status_ask(g->sm, st);
}

static void mg_destroy(struct modem *m)
{
    if (m == NULL) {
        return;
    }
    struct mg_modem *g = mg_of(m);
    mg_disconnect(m);
    modem_conf_free(&g->cfg);
    free(g->in);
    modem_splitter_free(g->split);
    free(g);
}

int modem_gammu_pdu_trial(const unsigned char *pdu, size_t len)
{
    /* A GSM_SMSMessage is small enough for the stack; the large multi-message is not needed. */
    GSM_SMSMessage sms;
    memset(&sms, 0, sizeof sms);
    size_t pos = 0;
    GSM_Error e = GSM_DecodePDUFrame(NULL, &sms, pdu, len, &pos, TRUE);
    if (e != ERR_NONE) {
        return -1;
    }
    /* The AT driver then refuses (ERR_UNKNOWN) a PDU with octets left unread, unless the first is
     * the 0xFF padding some phones add: a trial that let it pass would never rescue it. */
    return pos < len && pdu[pos] != 0xFF ? -1 : 0;
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

/* The answer may take the network several seconds. The wait stays inside the worker's deadline
 * (modem.timeout), with a second to spare, and under half a minute, since the daemon's loop waits
 * with it. */
static int mg_ussd(struct modem *m, const char *code, char *reply, size_t cap, char *err,
                   size_t errcap)
{
    struct mg_modem *g = mg_of(m);
    if (!g->connected) {
        mg_seterr(err, errcap, "the modem is not connected");
        return -1;
    }
    int wait_s = g->cfg.timeout_s - 1 < 30 ? g->cfg.timeout_s - 1 : 30;
    int wait_ms = (wait_s > 1 ? wait_s : 1) * 1000;
    return modem_ussd_ask(g->sm, code, wait_ms, reply, cap, err, errcap);
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
    .ussd = mg_ussd,
};

struct modem *modem_gammu_new(const struct conf_modem *cfg)
{
    struct mg_modem *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return NULL;
    }
    g->base.ops = &mg_ops;
    g->base.impl = g;
    int copied = modem_conf_copy(&g->cfg, cfg);
    g->in = malloc(sizeof(*g->in));
    g->split = modem_splitter_new();
    if (copied != 0 || g->in == NULL || g->split == NULL) {
        mg_destroy(&g->base);
        return NULL;
    }
    g->in->Number = 0;
    modem_trace_init(&g->trace);
    return &g->base;
}
