/*
 * modem_status: what a connected modem says of itself through libGammu (identity, network,
 * signal, battery, storage). Part of the libGammu backend (see modem_gammu.c): like it, it
 * includes libGammu (libgammu.h).
 */
#include "modem_status.h"

#include <stdio.h>
#include <string.h>

#include "libgammu.h"
#include "modem_decode.h"

/* A percentage libGammu reported, or -1 when it is out of range. */
static int mg_percent(int v)
{
    return (v >= 0 && v <= 100) ? v : -1;
}

/* Asks the modem for an identity (ask is GSM_GetIMEI or GSM_GetSIMIMSI) and keeps it in dst as
 * printable ASCII. 1 when the modem answered, else 0. */
static int mg_ask_identity(GSM_StateMachine *sm, GSM_Error (*ask)(GSM_StateMachine *, char *),
                           char *dst, size_t cap)
{
    char buf[256];
    memset(buf, 0, sizeof(buf));
    if (ask(sm, buf) != ERR_NONE) {
        return 0;
    }
    modem_decode_copy_ascii(dst, cap, buf, sizeof(buf));
    return 1;
}

/* Asks for the network, the signal and the battery: how many of the three the modem answered. */
static int mg_ask_radio(GSM_StateMachine *sm, struct modem_status *st)
{
    GSM_NetworkInfo net;
    GSM_SignalQuality sig;
    GSM_BatteryCharge bat;
    memset(&net, 0, sizeof(net));
    memset(&sig, 0, sizeof(sig));
    memset(&bat, 0, sizeof(bat));
    int answered = 0;
    if (GSM_GetNetworkInfo(sm, &net) == ERR_NONE) {
        const char *reg = modem_decode_registration((int)net.State);
        snprintf(st->registration, sizeof(st->registration), "%s", reg);
        /* Not registered, the operator it names (if any) is an old one. */
        if (strcmp(reg, "home") == 0 || strcmp(reg, "roaming") == 0) {
            modem_decode_network(st->network, sizeof(st->network), net.NetworkCode,
                                 sizeof(net.NetworkCode), net.NetworkName,
                                 sizeof(net.NetworkName) / 2);
        }
        answered++;
    }
    if (GSM_GetSignalQuality(sm, &sig) == ERR_NONE) {
        st->signal_percent = mg_percent(sig.SignalPercent);
        answered++;
    }
    if (GSM_GetBatteryCharge(sm, &bat) == ERR_NONE) {
        st->battery_percent = mg_percent(bat.BatteryPercent);
        answered++;
    }
    return answered;
}

/* Asks how full the SIM and the phone's own memory are. 1 when the modem answered, else 0. */
static int mg_ask_storage(GSM_StateMachine *sm, struct modem_status *st)
{
    GSM_SMSMemoryStatus mem;
    memset(&mem, 0, sizeof(mem));
    if (GSM_GetSMSStatus(sm, &mem) != ERR_NONE) {
        return 0;
    }
    st->sim_used = mem.SIMUsed >= 0 ? mem.SIMUsed : -1;
    st->sim_total = mem.SIMSize >= 0 ? mem.SIMSize : -1;
    st->phone_used = mem.PhoneUsed >= 0 ? mem.PhoneUsed : -1;
    st->phone_total = mem.PhoneSize > 0 ? mem.PhoneSize : -1;
    return 1;
}

int modem_status_ask(void *state_machine, struct modem_status *st)
{
    GSM_StateMachine *sm = state_machine;
    int answered = mg_ask_identity(sm, GSM_GetIMEI, st->imei, sizeof(st->imei));
    answered += mg_ask_identity(sm, GSM_GetSIMIMSI, st->imsi, sizeof(st->imsi));
    answered += mg_ask_radio(sm, st);
    answered += mg_ask_storage(sm, st);
    return answered > 0 ? 0 : -1;
}
