/*
 * conf: reads the daemon's libconfig file into struct conf.
 *
 * Every key is described once, in keys[] below, with its type, default and limits; loading walks
 * that table, so adding a key is one line here and one field in conf.h. Unknown keys are refused,
 * because a mistyped key silently falling back to its default is the worst kind of configuration
 * error: the file looks right and the daemon does something else.
 *
 * Values of string keys never appear in error messages: the database connection string and the
 * SIM PIN are secrets, and echoing some strings but not others is an easy way to get one wrong.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "conf.h"

#include "credit.h"
#include "grammar.h"
#include "lifecycle.h"
#include "log.h"
#include "privdrop.h"
#include "template.h"
#include "ticket.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a key holds and how it is stored in struct conf. */
enum key_kind {
    KEY_GROUP,    /* a group of further keys; stores nothing itself */
    KEY_STRING,   /* char *, owned by struct conf */
    KEY_INT,      /* int, from a whole number */
    KEY_MILLIS,   /* int milliseconds, from a number of seconds that may have a fraction */
    KEY_BOOL,     /* bool */
    KEY_LOGLEVEL, /* int enum log_level, from its name */
    KEY_TEMPLATE, /* char *, a reply text; missing ones come from the chosen language */
    KEY_DATES,    /* char *, from a list of "YYYY-MM-DD" strings, kept as "d1,d2,..." */
};

struct key {
    const char *group; /* NULL for a top-level key */
    const char *name;
    enum key_kind kind;
    bool required;
    size_t offset; /* of the field in struct conf; unused for groups */
    /* Numbers: default and limits in the unit of the file (seconds for KEY_MILLIS). */
    double def, min, max;
    /* Strings: the default (NULL for none), and a check of the value. The check returns NULL or
     * the reason the value is refused; it must not quote the value. */
    const char *sdef;
    const char *(*check)(const char *value);
};

static const char *check_instance(const char *value);
static const char *check_not_empty(const char *value);
static const char *check_language(const char *value);
static const char *check_ussd(const char *value);
static const char *check_mechanism(const char *value);

#define AT(field) offsetof(struct conf, field)
/* A reply template: its key in the file is the name of its field in struct conf's templates. */
#define TEMPLATE_KEY(field)                                                                        \
    {                                                                                              \
        "templates", #field, KEY_TEMPLATE, false, AT(templates.field), 0, 0, 0, NULL, NULL         \
    }

/* The keys, in the order conf/lapor-smsd.conf shows them, which is also the order they are read
 * in: of several mistakes, the first one in the file is usually the one reported. */
static const struct key keys[] = {
    {NULL, "instance", KEY_STRING, true, AT(instance), 0, 0, 0, NULL, check_instance},
    {NULL, "user", KEY_STRING, false, AT(user), 0, 0, 0, "", NULL},
    {NULL, "group", KEY_STRING, false, AT(group), 0, 0, 0, "", NULL},
    {NULL, "allow_root", KEY_BOOL, false, AT(allow_root), 0, 0, 0, NULL, NULL},
    {NULL, "modem", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"modem", "connection", KEY_STRING, true, AT(modem.connection), 0, 0, 0, NULL, check_not_empty},
    {"modem", "device", KEY_STRING, true, AT(modem.device), 0, 0, 0, NULL, check_not_empty},
    {"modem", "model", KEY_STRING, false, AT(modem.model), 0, 0, 0, "", NULL},
    {"modem", "pin", KEY_STRING, false, AT(modem.pin), 0, 0, 0, "", NULL},
    {"modem", "timeout", KEY_INT, false, AT(modem.timeout_s), 60, 2, 3600, NULL, NULL},
    {"modem", "status_interval", KEY_INT, false, AT(modem.status_interval_s), 60, 1, 3600, NULL,
     NULL},
    {"modem", "delivery_reports", KEY_BOOL, false, AT(modem.delivery_reports), 1, 0, 0, NULL, NULL},
    {"modem", "reject_calls", KEY_BOOL, false, AT(modem.reject_calls), 1, 0, 0, NULL, NULL},
    {NULL, "database", KEY_STRING, true, AT(database), 0, 0, 0, NULL, check_not_empty},
    {NULL, "poll_interval", KEY_MILLIS, false, AT(poll_interval_ms), 1.0, 0.05, 60, NULL, NULL},
    {NULL, "multipart_timeout", KEY_INT, false, AT(multipart_timeout_s), 600, 1, 86400, NULL, NULL},
    {NULL, "lease", KEY_INT, false, AT(lease_s), 60, 5, 3600, NULL, NULL},
    {NULL, "batch_size", KEY_INT, false, AT(batch_size), 200, 1, 1000, NULL, NULL},
    {NULL, "heartbeat", KEY_INT, false, AT(heartbeat_s), 5, 1, 60, NULL, NULL},
    {NULL, "retry", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"retry", "max_attempts", KEY_INT, false, AT(retry.max_attempts), 5, 1, 100, NULL, NULL},
    {"retry", "first_delay", KEY_INT, false, AT(retry.first_delay_s), 30, 1, 86400, NULL, NULL},
    {"retry", "max_delay", KEY_INT, false, AT(retry.max_delay_s), 3600, 1, 604800, NULL, NULL},
    {NULL, "templates", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"templates", "language", KEY_STRING, false, AT(templates.language), 0, 0, 0, "id",
     check_language},
    TEMPLATE_KEY(received),
    TEMPLATE_KEY(status),
    TEMPLATE_KEY(added),
    TEMPLATE_KEY(cancelled),
    TEMPLATE_KEY(not_found),
    TEMPLATE_KEY(not_valid),
    TEMPLATE_KEY(need_ticket),
    TEMPLATE_KEY(help),
    TEMPLATE_KEY(forward),
    TEMPLATE_KEY(reminder),
    TEMPLATE_KEY(followup),
    TEMPLATE_KEY(closed),
    TEMPLATE_KEY(confirmed),
    TEMPLATE_KEY(confirm_ask),
    TEMPLATE_KEY(confirm_wrong),
    TEMPLATE_KEY(pin_refused),
    {NULL, "routing", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"routing", "automatic", KEY_BOOL, false, AT(routing.automatic), 1, 0, 0, NULL, NULL},
    {"routing", "holidays", KEY_DATES, false, AT(routing.holidays), 0, 0, 0, "", NULL},
    {NULL, "replies", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"replies", "budget", KEY_INT, false, AT(replies.budget), 5, 0, 1000, NULL, NULL},
    {"replies", "budget_window", KEY_INT, false, AT(replies.budget_window_s), 3600, 60, 604800,
     NULL, NULL},
    {"replies", "resend_window", KEY_INT, false, AT(replies.resend_window_s), 600, 0, 86400, NULL,
     NULL},
    {"replies", "failover_after", KEY_INT, false, AT(replies.failover_after_s), 120, 0, 86400, NULL,
     NULL},
    {NULL, "confirm", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"confirm", "mechanism", KEY_STRING, false, AT(confirm.mechanism), 0, 0, 0, "code",
     check_mechanism},
    {"confirm", "expiry", KEY_INT, false, AT(confirm.expiry_s), 900, 60, 86400, NULL, NULL},
    {"confirm", "attempts", KEY_INT, false, AT(confirm.attempts), 3, 1, 20, NULL, NULL},
    {"confirm", "pin_attempts", KEY_INT, false, AT(confirm.pin_attempts), 5, 1, 100, NULL, NULL},
    {NULL, "webhook", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"webhook", "enabled", KEY_BOOL, false, AT(webhook.enabled), 1, 0, 0, NULL, NULL},
    {"webhook", "concurrency", KEY_INT, false, AT(webhook.concurrency), 8, 1, 64, NULL, NULL},
    {"webhook", "per_agency", KEY_INT, false, AT(webhook.per_agency), 2, 1, 64, NULL, NULL},
    {"webhook", "timeout", KEY_INT, false, AT(webhook.timeout_s), 10, 1, 300, NULL, NULL},
    {"webhook", "max_attempts", KEY_INT, false, AT(webhook.max_attempts), 10, 1, 100, NULL, NULL},
    {"webhook", "first_delay", KEY_INT, false, AT(webhook.first_delay_s), 10, 1, 86400, NULL, NULL},
    {"webhook", "max_delay", KEY_INT, false, AT(webhook.max_delay_s), 3600, 1, 604800, NULL, NULL},
    {"webhook", "ca_file", KEY_STRING, false, AT(webhook.ca_file), 0, 0, 0, "", NULL},
    {NULL, "credit", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"credit", "ussd", KEY_STRING, false, AT(credit.ussd), 0, 0, 0, "", check_ussd},
    {"credit", "pattern", KEY_STRING, false, AT(credit.pattern), 0, 0, 0, CREDIT_DEFAULT_PATTERN,
     credit_pattern_error},
    {"credit", "interval", KEY_INT, false, AT(credit.interval_s), 21600, 60, 604800, NULL, NULL},
    {"credit", "threshold", KEY_INT, false, AT(credit.threshold), 0, 0, 1000000000, NULL, NULL},
    {NULL, "log", KEY_GROUP, false, 0, 0, 0, 0, NULL, NULL},
    {"log", "syslog", KEY_BOOL, false, AT(log_syslog), 0, 0, 0, NULL, NULL},
    {"log", "level", KEY_LOGLEVEL, false, AT(log_level), LOGL_INFO, 0, 0, NULL, NULL},
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* Languages with built-in reply texts; index into template_defaults[].text. */
static const char *const languages[] = {"id", "en"};
#define NLANGUAGES (sizeof languages / sizeof languages[0])

/* The built-in reply texts, per template key and language. They must pass template_check() like
 * any text from a file; the unit test loads both languages to make sure they do. */
static const struct {
    const char *name;
    const char *text[NLANGUAGES];
} template_defaults[] = {
    {"received",
     {"LAPOR! Terima kasih, laporan Anda diterima. No tiket #{ticket}. "
      "Cek status: ketik CEK {ticket} kirim ke 1708",
      "LAPOR! Thank you, your report has been received. Ticket no. #{ticket}. "
      "For its status, text CEK {ticket} to 1708"}},
    {"status",
     {"LAPOR! Status tiket #{ticket}: {status}. Tambah info: ketik TAMBAH {ticket} <isi> "
      "kirim ke 1708",
      "LAPOR! Ticket #{ticket}: {status}. To add information, text TAMBAH {ticket} <text> "
      "to 1708"}},
    {"added",
     {"LAPOR! Informasi tambahan untuk tiket #{ticket} sudah kami terima. Terima kasih.",
      "LAPOR! We have added your information to ticket #{ticket}. Thank you."}},
    {"cancelled",
     {"LAPOR! Tiket #{ticket} telah dibatalkan sesuai permintaan Anda.",
      "LAPOR! Ticket #{ticket} has been withdrawn as you asked."}},
    {"not_found",
     {"LAPOR! Tiket #{ticket} tidak ditemukan untuk nomor Anda. Periksa kembali nomor tiket "
      "pada SMS balasan kami.",
      "LAPOR! Ticket #{ticket} was not found for your number. Please check the number in our "
      "reply SMS."}},
    {"not_valid",
     {"LAPOR! Nomor tiket yang Anda ketik tidak valid. Periksa kembali nomor tiket pada SMS "
      "balasan kami.",
      "LAPOR! The ticket number you typed is not valid. Please check the number in our reply "
      "SMS."}},
    {"need_ticket",
     {"LAPOR! Sertakan nomor tiket, contoh: CEK 1000002. Ketik BANTUAN untuk petunjuk.",
      "LAPOR! Please add the ticket number, e.g. CEK 1000002. Text HELP for instructions."}},
    {"forward",
     {"LAPOR! Tiket #{ticket} untuk {agency}: {summary} | Balas: TL {ticket} <isi> atau SELESAI "
      "{ticket} ke 1708",
      "LAPOR! Ticket #{ticket} for {agency}: {summary} | Answer: TL {ticket} <text> or SELESAI "
      "{ticket} to 1708"}},
    {"reminder",
     {"LAPOR! Pengingat: tiket #{ticket} untuk {agency} belum ditindaklanjuti. Balas: TL {ticket} "
      "<isi> ke 1708",
      "LAPOR! Reminder: ticket #{ticket} for {agency} awaits your follow-up. Answer: TL {ticket} "
      "<text> to 1708"}},
    {"followup",
     {"LAPOR! Tindak lanjut tiket #{ticket} dari {agency}: {text}",
      "LAPOR! Follow-up on ticket #{ticket} from {agency}: {text}"}},
    {"closed",
     {"LAPOR! Tiket #{ticket} dinyatakan selesai oleh {agency}. {text}",
      "LAPOR! Ticket #{ticket} was resolved by {agency}. {text}"}},
    {"confirmed",
     {"LAPOR! Jawaban Anda untuk tiket #{ticket} sudah diteruskan ke pelapor. Status: {status}.",
      "LAPOR! Your answer on ticket #{ticket} was passed on to the citizen. Status: {status}."}},
    {"confirm_ask",
     {"LAPOR! Untuk menjalankan perintah Anda atas tiket #{ticket}, balas: YA {code} ke 1708 "
      "dalam {minutes} menit. Abaikan SMS ini jika Anda tidak mengirim perintah itu.",
      "LAPOR! To carry out your command on ticket #{ticket}, reply YA {code} to 1708 within "
      "{minutes} minutes. Ignore this SMS if you did not send that command."}},
    {"confirm_wrong",
     {"LAPOR! Kode konfirmasi salah atau sudah tidak berlaku. Tidak ada yang diubah.",
      "LAPOR! The confirmation code is wrong or no longer valid. Nothing was changed."}},
    {"pin_refused",
     {"LAPOR! Perintah Anda ditolak: PIN tidak ada, salah, atau terkunci. Tidak ada yang diubah.",
      "LAPOR! Your command was refused: its PIN is missing or wrong, or it is locked. Nothing was "
      "changed."}},
    {"help",
     {"LAPOR! Kirim keluhan ke 1708. Cek: CEK <tiket>. Tambah: TAMBAH <tiket> <isi>. Batal: "
      "BATAL <tiket>. Nama dirahasiakan: RAHASIA <isi>",
      "LAPOR! Text your complaint to 1708. Status: CEK <ticket>. Add: TAMBAH <ticket> <text>. "
      "Withdraw: BATAL <ticket>. Confidential: RAHASIA <text>"}},
};

/* Running out of memory while reading the configuration leaves nothing sensible to do, and a
 * NULL here would only move the crash somewhere less obvious. */
static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (p == NULL) {
        fputs("lapor-smsd: out of memory reading the configuration\n", stderr);
        abort();
    }
    return p;
}

static char **string_field(struct conf *c, const struct key *k)
{
    return (char **)((char *)c + k->offset);
}

static int *int_field(struct conf *c, const struct key *k)
{
    return (int *)((char *)c + k->offset);
}

static bool *bool_field(struct conf *c, const struct key *k)
{
    return (bool *)((char *)c + k->offset);
}

static void set_string(char **field, const char *value)
{
    char *copy = value != NULL ? xstrdup(value) : NULL;
    free(*field);
    *field = copy;
}

static const char *template_default(const char *name, size_t language)
{
    for (size_t i = 0; i < sizeof template_defaults / sizeof template_defaults[0]; i++)
        if (strcmp(template_defaults[i].name, name) == 0)
            return template_defaults[i].text[language];
    return NULL;
}

/* Required keys have no default and stay NULL, so that a caller that forgets conf_load crashes
 * at once instead of talking to a made-up modem or database. */
void conf_defaults(struct conf *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        switch (k->kind) {
        case KEY_GROUP:
            break;
        case KEY_STRING:
        case KEY_DATES:
            set_string(string_field(c, k), k->sdef);
            break;
        case KEY_TEMPLATE:
            set_string(string_field(c, k), template_default(k->name, 0));
            break;
        case KEY_INT:
        case KEY_LOGLEVEL:
            *int_field(c, k) = (int)k->def;
            break;
        case KEY_MILLIS:
            *int_field(c, k) = (int)(k->def * 1000.0 + 0.5);
            break;
        case KEY_BOOL:
            *bool_field(c, k) = k->def != 0;
            break;
        }
    }
}

void conf_free(struct conf *c)
{
    if (c == NULL)
        return;
    free(c->path);
    /* The SIM PIN and a database password must not linger in freed memory. */
    if (c->modem.pin != NULL)
        explicit_bzero(c->modem.pin, strlen(c->modem.pin));
    if (c->database != NULL)
        explicit_bzero(c->database, strlen(c->database));
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].kind == KEY_STRING || keys[i].kind == KEY_TEMPLATE || keys[i].kind == KEY_DATES)
            free(*string_field(c, &keys[i]));
    /* Zeroed, a freed conf can be freed again or loaded into without leaking or double-freeing. */
    memset(c, 0, sizeof *c);
}

/* A USSD code as a phone dials it: digits, '*' and '#', ending in '#'. */
static const char *check_ussd(const char *value)
{
    size_t len = strlen(value);
    if (len == 0)
        return NULL;
    if (len > 40 || strspn(value, "0123456789*#") != len || value[len - 1] != '#')
        return "must be a USSD code of digits, '*' and '#', ending in '#' (e.g. *888#)";
    return NULL;
}

static const char *check_instance(const char *value)
{
    /* The instance name is shown to operators and stored as a key in the database, so it is kept
     * to characters that need no quoting anywhere. */
    size_t len = strlen(value);
    if (len == 0 || len > 63)
        return "must be 1 to 63 characters long";
    for (size_t i = 0; i < len; i++) {
        char ch = value[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
        if (!ok)
            return "may hold only letters A-Z and a-z, digits, '_', '.' and '-'";
    }
    return NULL;
}

static const char *check_not_empty(const char *value)
{
    return value[0] == '\0' ? "must not be empty" : NULL;
}

static int language_index(const char *value)
{
    for (size_t i = 0; i < NLANGUAGES; i++)
        if (strcmp(value, languages[i]) == 0)
            return (int)i;
    return -1;
}

static const char *check_mechanism(const char *value)
{
    if (strcmp(value, "code") == 0 || strcmp(value, "pin") == 0 || strcmp(value, "both") == 0)
        return NULL;
    return "must be \"code\", \"pin\" or \"both\"";
}

static const char *check_language(const char *value)
{
    return language_index(value) < 0 ? "must be \"id\" or \"en\"" : NULL;
}

/* State of one conf_load call. */
struct loader {
    const char *path;
    config_t cfg;
    struct conf *c;
    char *err;
    size_t errcap;
};

/* Writes "FILE:LINE: reason" into the caller's buffer and returns -1, so that every failure is one
 * `return fail(...)`. The file is the one the setting came from, which differs from the main file
 * when it was pulled in with @include. */
static int fail(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
    if (ld->err == NULL || ld->errcap == 0)
        return -1;
    const char *file = ld->path;
    int line = 0;
    if (s != NULL) {
        line = (int)config_setting_source_line(s);
        if (config_setting_source_file(s) != NULL)
            file = config_setting_source_file(s);
    }
    int n = snprintf(ld->err, ld->errcap, "%s:%d: ", file, line);
    if (n >= 0 && (size_t)n < ld->errcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ld->err + n, ld->errcap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* "retry.max_delay" for a key in a group, "lease" for a top-level one. */
static const char *key_path(const struct key *k, char *buf, size_t cap)
{
    if (k->group == NULL)
        snprintf(buf, cap, "%s", k->name);
    else
        snprintf(buf, cap, "%s.%s", k->group, k->name);
    return buf;
}

static const struct key *find_key(const char *group, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        bool same_group =
            (group == NULL) ? k->group == NULL : (k->group != NULL && strcmp(k->group, group) == 0);
        if (same_group && strcmp(k->name, name) == 0)
            return k;
    }
    return NULL;
}

/* Refuses any key that keys[] does not know, and any known group given as something else. Groups
 * nest one level deep, which is all the file format needs. */
static int check_names(struct loader *ld, const config_setting_t *group, const char *group_name)
{
    int n = config_setting_length(group);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned int)i);
        const char *name = config_setting_name(s);
        const struct key *k = find_key(group_name, name);
        if (k == NULL) {
            if (group_name == NULL)
                return fail(ld, s, "%s: unknown key", name);
            return fail(ld, s, "%s.%s: unknown key", group_name, name);
        }
        if (k->kind != KEY_GROUP)
            continue;
        if (!config_setting_is_group(s))
            return fail(ld, s, "%s: expected a group { ... }", name);
        if (check_names(ld, s, k->name) != 0)
            return -1;
    }
    return 0;
}

/* The setting of k in the file, or NULL when it is not there. */
static config_setting_t *lookup(struct loader *ld, const struct key *k)
{
    char path[128];
    return config_lookup(&ld->cfg, key_path(k, path, sizeof path));
}

/* Reads a whole number or a number of seconds with a fraction, within the key's limits. */
static int read_number(struct loader *ld, const struct key *k, const config_setting_t *s)
{
    char path[128];
    key_path(k, path, sizeof path);
    int type = config_setting_type(s);
    bool whole = type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;

    if (k->kind == KEY_INT) {
        if (!whole)
            return fail(ld, s, "%s: expected a whole number", path);
        long long v = config_setting_get_int64(s);
        if (v < (long long)k->min || v > (long long)k->max)
            return fail(ld, s, "%s: %lld is out of range (%.0f to %.0f)", path, v, k->min, k->max);
        *int_field(ld->c, k) = (int)v;
        return 0;
    }

    double v;
    if (whole)
        v = (double)config_setting_get_int64(s);
    else if (type == CONFIG_TYPE_FLOAT)
        v = config_setting_get_float(s);
    else
        return fail(ld, s, "%s: expected a number", path);
    /* Written so that a NaN fails too. */
    if (!(v >= k->min && v <= k->max))
        return fail(ld, s, "%s: %g is out of range (%g to %g)", path, v, k->min, k->max);
    *int_field(ld->c, k) = (int)(v * 1000.0 + 0.5);
    return 0;
}

/* Reads the value of one key that is present in the file. */
/* True for a real calendar date written YYYY-MM-DD. */
static bool valid_date(const char *v)
{
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
            return false;
    int y = atoi(v), m = atoi(v + 5), d = atoi(v + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

static int read_dates(struct loader *ld, const struct key *k, const config_setting_t *s,
                      const char *path)
{
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
        return fail(ld, s, "%s: expected a list of dates such as [\"2026-12-25\"]", path);
    int n = config_setting_length(s);
    char *joined = xstrdup("");
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *v =
            config_setting_type(e) == CONFIG_TYPE_STRING ? config_setting_get_string(e) : NULL;
        if (v == NULL || !valid_date(v)) {
            free(joined);
            return fail(ld, e, "%s: item %d is not a date written YYYY-MM-DD", path, i + 1);
        }
        size_t len = strlen(joined);
        char *grown = realloc(joined, len + 12);
        if (grown == NULL) {
            free(joined);
            return fail(ld, s, "%s: out of memory", path);
        }
        joined = grown;
        snprintf(joined + len, 12, "%s%s", len ? "," : "", v);
    }
    char **field = string_field(ld->c, k);
    free(*field);
    *field = joined;
    return 0;
}

static int read_key(struct loader *ld, const struct key *k, const config_setting_t *s)
{
    char path[128];
    key_path(k, path, sizeof path);

    switch (k->kind) {
    case KEY_GROUP:
        return 0;
    case KEY_INT:
    case KEY_MILLIS:
        return read_number(ld, k, s);
    case KEY_BOOL:
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
            return fail(ld, s, "%s: expected true or false", path);
        *bool_field(ld->c, k) = config_setting_get_bool(s) != 0;
        return 0;
    case KEY_LOGLEVEL: {
        int level = config_setting_type(s) == CONFIG_TYPE_STRING
                        ? log_level_parse(config_setting_get_string(s))
                        : -1;
        if (level < 0)
            return fail(ld, s, "%s: expected \"error\", \"warning\", \"info\" or \"debug\"", path);
        *int_field(ld->c, k) = level;
        return 0;
    }
    case KEY_DATES:
        return read_dates(ld, k, s, path);
    case KEY_STRING:
    case KEY_TEMPLATE: {
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
            return fail(ld, s, "%s: expected a string", path);
        const char *value = config_setting_get_string(s);
        const char *reason = k->check != NULL ? k->check(value) : NULL;
        if (reason != NULL)
            return fail(ld, s, "%s: %s", path, reason);
        set_string(string_field(ld->c, k), value);
        return 0;
    }
    }
    return 0;
}

/* Checks that hold between keys rather than within one. */
static int check_relations(struct loader *ld)
{
    const struct conf *c = ld->c;
    if (c->retry.first_delay_s > c->retry.max_delay_s) {
        /* Point at whichever of the two the file sets, since that is the one to change. */
        const config_setting_t *s = config_lookup(&ld->cfg, "retry.first_delay");
        if (s == NULL)
            s = config_lookup(&ld->cfg, "retry.max_delay");
        return fail(ld, s, "retry.first_delay: %d is more than retry.max_delay (%d)",
                    c->retry.first_delay_s, c->retry.max_delay_s);
    }
    return 0;
}

/* Fills templates the file leaves out from the chosen language, then checks every template, so
 * that a reply that cannot fit one SMS is found now rather than when a citizen is waiting. */
static int check_templates(struct loader *ld)
{
    int language = language_index(ld->c->templates.language);
    const config_setting_t *language_setting = config_lookup(&ld->cfg, "templates.language");

    /* The placeholders a reply template may use, with the longest value each can take. */
    const struct template_var template_vars[] = {
        {"ticket", TICKET_MAX_DIGITS},
        {"status", lifecycle_label_max()},
        {"agency", AGENCY_CODE_MAX},
        {"code", GRAMMAR_CODE_DIGITS},
        {"minutes", 4}, /* confirm.expiry at its longest, 1440 */
        /* Filled to fit: the start of a complaint, or an agency's text, relayed in as many parts
         * as it needs. The check is that the fixed part fits. */
        {"summary", 0},
        {"text", 0},
    };
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        if (k->kind != KEY_TEMPLATE)
            continue;
        char **field = string_field(ld->c, k);
        const config_setting_t *s = lookup(ld, k);
        if (s == NULL) {
            set_string(field, template_default(k->name, (size_t)language));
            /* A built-in text that fails can only be blamed on the language that chose it. */
            s = language_setting;
        }
        char path[128];
        key_path(k, path, sizeof path);
        if ((*field)[0] == '\0')
            return fail(ld, s, "%s: must not be empty", path);
        char reason[200];
        if (template_check(*field, template_vars, sizeof template_vars / sizeof template_vars[0],
                           reason, sizeof reason) != 0)
            return fail(ld, s, "%s: %s", path, reason);
    }
    return 0;
}

/* True when a libpq connection string carries a password: the keyword form (password=...) or a
 * URI with one in its user part (postgresql://user:secret@host/db). */
static bool conninfo_has_password(const char *conninfo)
{
    for (const char *p = conninfo; (p = strstr(p, "password")) != NULL; p += 8) {
        const char *q = p + 8;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '=')
            return true;
    }
    const char *scheme = strstr(conninfo, "://");
    if (scheme == NULL)
        return false;
    const char *auth = scheme + 3;
    size_t span = strcspn(auth, "/?");
    const char *at = memchr(auth, '@', span);
    return at != NULL && memchr(auth, ':', (size_t)(at - auth)) != NULL;
}

/* A secret in a file that everyone can read is no secret: the file that holds it (the main one or
 * one it includes) must not be readable by others, nor by a group other than the daemon's. */
/* The group the daemon reads its files as: the configured user's (or group), else its own. */
static gid_t daemon_gid(const struct conf *c)
{
    struct privdrop who;
    char err[200];
    if (c->user != NULL && c->user[0] != '\0' &&
        privdrop_resolve(c->user, c->group != NULL ? c->group : "", &who, err, sizeof err) == 0)
        return who.gid;
    return getegid();
}

static int check_secret_file(struct loader *ld, const char *key, const char *what)
{
    const config_setting_t *s = config_lookup(&ld->cfg, key);
    if (s == NULL)
        return 0;
    const char *file = config_setting_source_file(s);
    if (file == NULL)
        file = ld->path;
    struct stat st;
    if (stat(file, &st) != 0)
        return fail(ld, s, "%s: cannot check who may read this file: %s", key, strerror(errno));
    if ((st.st_mode & S_IROTH) != 0)
        return fail(ld, s,
                    "%s holds %s, but the file is readable by others (mode %04o); "
                    "chmod o-r %s",
                    key, what, (unsigned)(st.st_mode & 07777), file);
    if ((st.st_mode & S_IRGRP) != 0 && st.st_gid != daemon_gid(ld->c))
        return fail(ld, s,
                    "%s holds %s, but the file is readable by group %ld, which is not the "
                    "daemon's (mode %04o); chmod g-r %s",
                    key, what, (long)st.st_gid, (unsigned)(st.st_mode & 07777), file);
    return 0;
}

static int check_secrets(struct loader *ld)
{
    const struct conf *c = ld->c;
    if (c->modem.pin != NULL && c->modem.pin[0] != '\0' &&
        check_secret_file(ld, "modem.pin", "the SIM PIN") != 0)
        return -1;
    if (c->database != NULL && conninfo_has_password(c->database) &&
        check_secret_file(ld, "database", "a database password") != 0)
        return -1;
    return 0;
}

static int load(struct loader *ld)
{
    /* libconfig says only "file I/O error" for a file it cannot open; opening it here first gives
     * the operator the actual reason. */
    FILE *f = fopen(ld->path, "r");
    if (f == NULL)
        return fail(ld, NULL, "cannot open: %s", strerror(errno));
    /* fopen() happily opens a directory, which libconfig would then report as an empty file. */
    struct stat st;
    bool is_dir = fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
    fclose(f);
    if (is_dir)
        return fail(ld, NULL, "cannot read: %s", strerror(EISDIR));

    if (config_read_file(&ld->cfg, ld->path) != CONFIG_TRUE) {
        if (config_error_type(&ld->cfg) == CONFIG_ERR_FILE_IO)
            return fail(ld, NULL, "cannot read: %s", config_error_text(&ld->cfg));
        const char *file = config_error_file(&ld->cfg);
        if (ld->err != NULL && ld->errcap > 0)
            snprintf(ld->err, ld->errcap, "%s:%d: %s", file != NULL ? file : ld->path,
                     config_error_line(&ld->cfg), config_error_text(&ld->cfg));
        return -1;
    }

    if (check_names(ld, config_root_setting(&ld->cfg), NULL) != 0)
        return -1;

    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        const config_setting_t *s = lookup(ld, k);
        if (s != NULL) {
            if (read_key(ld, k, s) != 0)
                return -1;
            continue;
        }
        if (!k->required)
            continue;
        /* A missing key has no line of its own; its group's line is the nearest place to add it,
         * and a missing top-level key gets line 0. */
        char path[128];
        const config_setting_t *group = NULL;
        if (k->group != NULL)
            group = config_lookup(&ld->cfg, k->group);
        return fail(ld, group, "%s: required key is missing", key_path(k, path, sizeof path));
    }

    if (check_relations(ld) != 0)
        return -1;
    if (check_secrets(ld) != 0)
        return -1;
    return check_templates(ld);
}

/* On failure c is left as conf_free leaves it, so the caller has nothing to free, and a reload
 * that fails can simply keep using the configuration it had. */
int conf_load(const char *path, struct conf *c, char *err, size_t errcap)
{
    if (err != NULL && errcap > 0)
        err[0] = '\0';
    if (c == NULL || path == NULL) {
        if (err != NULL && errcap > 0)
            snprintf(err, errcap, "(none):0: no configuration file given");
        return -1;
    }
    conf_defaults(c);
    c->path = xstrdup(path);

    struct loader ld = {.path = path, .c = c, .err = err, .errcap = errcap};
    config_init(&ld.cfg);
    int rc = load(&ld);
    config_destroy(&ld.cfg);
    if (rc != 0)
        conf_free(c);
    return rc;
}
