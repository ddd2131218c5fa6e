/* modem_ussd: see modem_ussd.h. */
#include "modem_ussd.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "libgammu.h"
#include "modem_decode.h"
#include "proc.h"

/* Filled by libGammu's USSD callback, which it calls from inside GSM_ReadDevice. */
struct ussd_wait {
    bool answered;
    GSM_USSDStatus status;
    char text[4 * (GSM_MAX_USSD_LENGTH + 1)];
};

static void ussd_arrived(GSM_StateMachine *sm, GSM_USSDMessage *ussd, void *data)
{
    (void)sm;
    struct ussd_wait *w = data;
    w->answered = true;
    w->status = ussd->Status;
    /* The text is UCS-2 from libGammu, whatever the network's coding was. */
    modem_decode_u16(w->text, sizeof w->text, ussd->Text, GSM_MAX_USSD_LENGTH + 1);
}

/* Whether libGammu says the phone or its driver has no USSD. */
static bool not_supported(GSM_Error e)
{
    return e == ERR_NOTSUPPORTED || e == ERR_NOTIMPLEMENTED;
}

static int ussd_request(GSM_StateMachine *sm, const char *code, int wait_ms, struct ussd_wait *w,
                        char *err, size_t errcap)
{
    char dial[64]; /* GSM_DialService takes the code as a writable string */
    snprintf(dial, sizeof dial, "%s", code);
    GSM_Error e = GSM_SetIncomingUSSD(sm, TRUE);
    if (e == ERR_NONE) {
        e = GSM_DialService(sm, dial);
    }
    if (e != ERR_NONE) {
        snprintf(err, errcap, "USSD %s: %s", not_supported(e) ? "not supported" : "refused",
                 GSM_ErrorString(e));
        return not_supported(e) ? 1 : -1;
    }
    long long deadline = proc_now_ms() + wait_ms;
    while (!w->answered && proc_now_ms() < deadline) {
        if (GSM_ReadDevice(sm, TRUE) < 0) {
            break;
        }
        if (!w->answered) {
            proc_nap_ms(20);
        }
    }
    if (!w->answered) {
        snprintf(err, errcap, "no USSD answer within %d s", wait_ms / 1000);
        return -1;
    }
    if (w->status == USSD_NotSupported) {
        snprintf(err, errcap, "USSD not supported by the network");
        return 1;
    }
    if (w->status != USSD_NoActionNeeded && w->status != USSD_ActionNeeded &&
        w->status != USSD_Terminated) {
        snprintf(err, errcap, "USSD answered with status %d", (int)w->status);
        return -1;
    }
    return 0;
}

int modem_ussd_ask(void *state_machine, const char *code, int wait_ms, char *reply, size_t cap,
                   char *err, size_t errcap)
{
    GSM_StateMachine *sm = state_machine;
    static struct ussd_wait w; /* large; one request at a time in a worker */
    memset(&w, 0, sizeof w);
    reply[0] = '\0';
    GSM_SetIncomingUSSDCallback(sm, ussd_arrived, &w);
    int rc = ussd_request(sm, code, wait_ms, &w, err, errcap);
    GSM_SetIncomingUSSD(sm, FALSE);
    GSM_SetIncomingUSSDCallback(sm, NULL, NULL);
    if (rc == 0) {
        snprintf(reply, cap, "%s", w.text);
    }
    return rc;
}
