/* modem_split: see modem_split.h. */
#include "modem_split.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libgammu.h"
#include "modem.h"
#include "modem_decode.h"
#include "textcodec.h"

/* The longest text we hand to the splitter: more than GSM_MAX_MULTI_SMS parts can ever hold, so
 * that a text that does not fit is detected (the splitter itself stops silently at 50 parts). */
#define SPLIT_MAX_UNITS (GSM_MAX_MULTI_SMS * 160 + 1)

struct modem_splitter {
    GSM_MultiPartSMSInfo info;
    GSM_MultiSMSMessage out;
    unsigned char u16[(SPLIT_MAX_UNITS + 1) * 2];
};

/* Says why in err (which may be NULL); -1. */
static int fail(char *err, size_t errcap, const char *why)
{
    if (err != NULL && errcap > 0) {
        snprintf(err, errcap, "%s", why);
    }
    return -1;
}

struct modem_splitter *modem_splitter_new(void)
{
    struct modem_splitter *sp = malloc(sizeof *sp);
    if (sp != NULL) {
        sp->out.Number = 0;
    }
    return sp;
}

void modem_splitter_free(struct modem_splitter *sp)
{
    free(sp);
}

/* Number of UTF-16 units libGammu put in one part it made. */
static size_t part_units(const GSM_SMSMessage *sms)
{
    return modem_decode_u16_len(sms->Text, sizeof(sms->Text) / 2);
}

/* The text as NUL-ended UTF-16 in sp->u16: its number of units, or -1 with a reason in err. */
static long text_to_units(struct modem_splitter *sp, const char *utf8, char *err, size_t errcap)
{
    if (utf8 == NULL) {
        return fail(err, errcap, "no text");
    }
    long n = text_utf8_to_utf16be(utf8, sp->u16, SPLIT_MAX_UNITS);
    if (n < 0) {
        return fail(err, errcap, "the text is too long or not valid UTF-8");
    }
    if (n == 0) {
        return fail(err, errcap, "the text is empty");
    }
    sp->u16[2 * n] = 0;
    sp->u16[2 * n + 1] = 0;
    return n;
}

/* Our own reference in every part's concatenation header, not libGammu's time-based one, which
 * repeats within a second. 0, or -1 with a reason in err. */
static int set_reference(GSM_MultiSMSMessage *out, int ref, char *err, size_t errcap)
{
    for (int i = 0; out->Number > 1 && i < out->Number; i++) {
        GSM_UDHHeader *h = &out->SMS[i].UDH;
        if (h->Length < 6 || h->Text[1] != 0x00 || h->Text[2] != 0x03) {
            return fail(err, errcap, "unexpected concatenation header");
        }
        h->Text[3] = (unsigned char)ref;
        h->ID8bit = ref & 0xFF;
    }
    return 0;
}

int modem_splitter_split(struct modem_splitter *sp, const char *utf8, int ref, char *err,
                         size_t errcap)
{
    long n = text_to_units(sp, utf8, err, errcap);
    if (n < 0) {
        return -1;
    }
    GSM_ClearMultiPartSMSInfo(&sp->info);
    sp->info.EntriesNum = 1;
    sp->info.UnicodeCoding = text_is_gsm7(utf8) ? FALSE : TRUE;
    sp->info.Class = -1;
    sp->info.Entries[0].ID = SMS_ConcatenatedTextLong;
    sp->info.Entries[0].Buffer = sp->u16;
    sp->out.Number = 0;
    GSM_Error e = GSM_EncodeMultiPartSMS(NULL, &sp->info, &sp->out);
    if (e != ERR_NONE) {
        char why[160];
        snprintf(why, sizeof why, "splitting the text failed: %s", GSM_ErrorString(e));
        return fail(err, errcap, why);
    }
    if (sp->out.Number < 1 || sp->out.Number > GSM_MAX_MULTI_SMS) {
        return fail(err, errcap, "splitting the text gave no parts");
    }
    /* The splitter stops at GSM_MAX_MULTI_SMS parts without a word: check nothing was lost. */
    size_t total = 0;
    for (int i = 0; i < sp->out.Number; i++) {
        total += part_units(&sp->out.SMS[i]);
    }
    if (total != (size_t)n) {
        char why[64];
        snprintf(why, sizeof why, "the text does not fit in %d parts", GSM_MAX_MULTI_SMS);
        return fail(err, errcap, why);
    }
    return set_reference(&sp->out, ref, err, errcap) == 0 ? sp->out.Number : -1;
}

void *modem_splitter_part(struct modem_splitter *sp, int index)
{
    return &sp->out.SMS[index];
}

/* One part of the splitter's output in our own form. */
static void export_part(const GSM_SMSMessage *sms, struct modem_split_part *part)
{
    memset(part, 0, sizeof(*part));
    part->unicode = sms->Coding == SMS_Coding_Unicode_No_Compression;
    if (sms->UDH.Length > 0) {
        part->udh_len = (size_t)sms->UDH.Length;
        memcpy(part->udh, sms->UDH.Text, sizeof(part->udh));
    }
    part->units = part_units(sms);
    memcpy(part->text, sms->Text, 2 * part->units);
}

int modem_gammu_split(const char *utf8, int ref, struct modem_split_part *parts, char *err,
                      size_t errcap)
{
    struct modem_splitter *sp = modem_splitter_new();
    if (sp == NULL) {
        return fail(err, errcap, "out of memory");
    }
    int n = modem_splitter_split(sp, utf8, ref, err, errcap);
    for (int i = 0; i < n; i++) {
        export_part(&sp->out.SMS[i], &parts[i]);
    }
    modem_splitter_free(sp);
    return n;
}
