/*
 * The libGammu modem against libGammu's real dummy driver on a private folder: what the injector
 * writes is what read_next gives back, split and joined exactly, and the odd files a hostile or
 * broken sender could produce neither stop the reading nor leak invalid text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "modem.h"
#include "modem_dummy.h"

#define T_SMSC 1710491400LL /* 2024-03-15 08:30:00 UTC */
#define MAX_READ 64

struct fixture {
    char dir[64];
    char conn[8];
    char model[8];
    char pin[8];
    struct conf_modem cfg;
    struct modem *m;
    struct modem_part *parts; /* what read_all collected */
    int nparts;
    int skipped; /* messages the driver could not decode, reported and passed over */
};

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
                continue;
            }
            char sub[512];
            snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
                remove_tree(sub);
            } else {
                unlink(sub);
            }
        }
        closedir(d);
    }
    rmdir(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/lapor-modem-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->conn, sizeof(f->conn), "none");
    snprintf(f->model, sizeof(f->model), "dummy");
    f->pin[0] = '\0';
    f->cfg.connection = f->conn;
    f->cfg.device = f->dir;
    f->cfg.model = f->model;
    f->cfg.pin = f->pin;
    f->m = modem_gammu_new(&f->cfg);
    assert_non_null(f->m);
    f->parts = calloc(MAX_READ, sizeof(*f->parts));
    assert_non_null(f->parts);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    f->m->ops->destroy(f->m);
    remove_tree(f->dir);
    free(f->parts);
    free(f);
    return 0;
}

static void connect_modem(struct fixture *f)
{
    char err[256] = "";
    int r = f->m->ops->connect(f->m, err, sizeof(err));
    if (r != 0) {
        fail_msg("connect: %s", err);
    }
}

/* Message files (numeric names) in the dummy inbox. */
static int inbox_count(const struct fixture *f)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/sms/1", f->dir);
    DIR *d = opendir(path);
    int n = 0;
    if (d == NULL) {
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] >= '1' && de->d_name[0] <= '9') {
            n++;
        }
    }
    closedir(d);
    return n;
}

static char *read_inbox_file(const struct fixture *f, int n)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/sms/1/%d", f->dir, n);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    char *buf = calloc(1, 16384);
    assert_non_null(buf);
    size_t len = fread(buf, 1, 16383, fp);
    buf[len] = '\0';
    fclose(fp);
    return buf;
}

static void write_inbox_file(const struct fixture *f, int n, const char *content)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/sms/1", f->dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/sms", f->dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/sms/1", f->dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/sms/1/%d", f->dir, n);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(content, fp);
    fclose(fp);
}

/* Reads the whole inbox in one enumeration, deleting each part right after reading it, so that
 * continuing past a location that was just deleted is exercised too. */
static void read_all(struct fixture *f, bool remove)
{
    f->nparts = 0;
    f->skipped = 0;
    bool restart = true;
    enum modem_read_result r;
    while ((r = f->m->ops->read_next(f->m, restart, &f->parts[f->nparts])) == MODEM_READ_PART ||
           r == MODEM_READ_UNDECODABLE) {
        restart = false;
        if (r == MODEM_READ_UNDECODABLE) {
            f->skipped++;
            continue;
        }
        if (remove) {
            assert_int_equal(f->m->ops->remove(f->m, &f->parts[f->nparts]), 0);
        }
        f->nparts++;
        assert_true(f->nparts < MAX_READ);
    }
    assert_int_equal(r, MODEM_READ_END);
}

/* The parts from one sender, in the order read. */
static int parts_from(const struct fixture *f, const char *sender, const struct modem_part **out,
                      int cap)
{
    int n = 0;
    for (int i = 0; i < f->nparts; i++) {
        if (strcmp(f->parts[i].sender, sender) == 0 && n < cap) {
            out[n++] = &f->parts[i];
        }
    }
    return n;
}

/* Checks a complete concatenated set and joins its texts in sequence order. */
static void join_set(const struct modem_part **p, int n, int ref, char *out, size_t cap)
{
    out[0] = '\0';
    for (int seq = 1; seq <= n; seq++) {
        int found = 0;
        for (int i = 0; i < n; i++) {
            assert_int_equal(p[i]->concat_total, n);
            assert_int_equal(p[i]->concat_ref, ref);
            if (p[i]->concat_seq == seq) {
                found++;
                assert_true(strlen(out) + strlen(p[i]->text) < cap);
                strcat(out, p[i]->text);
            }
        }
        assert_int_equal(found, 1);
    }
}

static void repeat_into(char *buf, size_t cap, const char *unit, size_t count)
{
    buf[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        assert_true(strlen(buf) + strlen(unit) < cap);
        strcat(buf, unit);
    }
}

static void test_inject_read_remove(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    const char *single = "Lampu jalan mati di Jl. Merdeka no 5 sejak 3 hari @ RT 02 (mohon)";
    char three[512];
    /* 400 characters with extension characters (two septets each) spread over the parts. */
    repeat_into(three, sizeof(three), "Jalan rusak {RT 05} dekat pasar, mohon diperbaiki! ", 8);
    three[400] = '\0';
    char ucs[1024];
    repeat_into(ucs, sizeof(ucs), "Pak, lampu \xe2\x80\x9cmati\xe2\x80\x9d lagi \xf0\x9f\x98\xa1 ",
                7);
    char two[256];
    repeat_into(two, sizeof(two), "0123456789", 20);

    /* Injection comes before any connection: the injector makes sms/1 itself. */
    assert_int_equal(
        modem_dummy_inject(f->dir, "+6281111111111", single, -1, NULL, 0, T_SMSC, err, sizeof(err)),
        1);
    assert_int_equal(modem_dummy_inject(f->dir, "+6282222222222", three, 0xAB, NULL, 0, T_SMSC, err,
                                        sizeof(err)),
                     3);
    int nucs =
        modem_dummy_inject(f->dir, "+6283333333333", ucs, 7, NULL, 0, T_SMSC, err, sizeof(err));
    assert_int_equal(nucs, f->m->ops->count_parts(f->m, ucs));
    assert_true(nucs >= 3);
    const int only[] = {2};
    assert_int_equal(
        modem_dummy_inject(f->dir, "+6284444444444", two, 0x42, only, 1, T_SMSC, err, sizeof(err)),
        2);
    assert_int_equal(inbox_count(f), 1 + 3 + nucs + 1);

    /* The files are in Gammu's backup format, as GAMMU.md describes it. */
    char *file1 = read_inbox_file(f, 1);
    assert_non_null(file1);
    assert_non_null(strstr(file1, "Number = \"+6281111111111\"\n"));
    assert_non_null(strstr(file1, "Sent = 20240315T083000\n"));
    assert_non_null(strstr(file1, "State = UnRead\n"));
    assert_non_null(strstr(file1, "Coding = Default\n"));
    assert_null(strstr(file1, "UDH"));
    assert_non_null(strstr(file1, "Text00 = 004C0061006D00700075"));
    free(file1);
    char *file2 = read_inbox_file(f, 2);
    assert_non_null(file2);
    assert_non_null(strstr(file2, "UDH = 050003AB0301\n"));
    /* Up to 153 units: three or four lines of 200 hex digits. */
    assert_non_null(strstr(file2, "Text02 = "));
    assert_null(strstr(file2, "Text04"));
    free(file2);
    char *file5 = read_inbox_file(f, 5);
    assert_non_null(file5);
    assert_non_null(strstr(file5, "Coding = Unicode\n"));
    assert_non_null(strstr(file5, "UDH = 05000307"));
    free(file5);

    connect_modem(f);
    read_all(f, true);
    assert_int_equal(f->nparts, 1 + 3 + nucs + 1);
    assert_int_equal(inbox_count(f), 0);
    struct modem_part extra;
    assert_int_equal(f->m->ops->read_next(f->m, true, &extra), MODEM_READ_END);

    const struct modem_part *p[16];
    char joined[2048];

    assert_int_equal(parts_from(f, "+6281111111111", p, 16), 1);
    assert_string_equal(p[0]->text, single);
    assert_int_equal(p[0]->concat_total, 0);
    assert_int_equal(p[0]->coding, MODEM_CODING_GSM7);
    assert_int_equal(p[0]->smsc_time, T_SMSC);
    assert_int_equal(p[0]->msg_class, -1);
    assert_false(p[0]->status_report);
    assert_int_equal(p[0]->udh_len, 0);
    assert_int_equal(p[0]->raw_len, 2 * strlen(single));
    assert_int_equal(p[0]->raw[0], 0x00);
    assert_int_equal(p[0]->raw[1], 'L');

    assert_int_equal(parts_from(f, "+6282222222222", p, 16), 3);
    join_set(p, 3, 0xAB, joined, sizeof(joined));
    assert_string_equal(joined, three);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(p[i]->coding, MODEM_CODING_GSM7);
        assert_int_equal(p[i]->udh_len, 6);
    }

    assert_int_equal(parts_from(f, "+6283333333333", p, 16), nucs);
    join_set(p, nucs, 7, joined, sizeof(joined));
    assert_string_equal(joined, ucs);
    for (int i = 0; i < nucs; i++) {
        assert_int_equal(p[i]->coding, MODEM_CODING_UCS2);
        /* A surrogate pair cut in two would show as U+FFFD. */
        assert_null(strstr(p[i]->text, "\xef\xbf\xbd"));
    }

    assert_int_equal(parts_from(f, "+6284444444444", p, 16), 1);
    assert_int_equal(p[0]->concat_total, 2);
    assert_int_equal(p[0]->concat_seq, 2);
    assert_int_equal(p[0]->concat_ref, 0x42);
    assert_true(strlen(p[0]->text) > 0 && strlen(p[0]->text) < strlen(two));
    assert_string_equal(p[0]->text, two + strlen(two) - strlen(p[0]->text));
}

static void test_inject_numbering(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    /* New files go after the highest number, never over an existing one, and wrap at 9999. */
    write_inbox_file(f, 7, "placeholder\n");
    assert_int_equal(
        modem_dummy_inject(f->dir, "+6285", "satu", -1, NULL, 0, T_SMSC, err, sizeof(err)), 1);
    char *s = read_inbox_file(f, 8);
    assert_non_null(s);
    free(s);
    write_inbox_file(f, 9999, "placeholder\n");
    write_inbox_file(f, 1, "placeholder\n");
    assert_int_equal(
        modem_dummy_inject(f->dir, "+6285", "dua", -1, NULL, 0, T_SMSC, err, sizeof(err)), 1);
    s = read_inbox_file(f, 2);
    assert_non_null(s);
    assert_non_null(strstr(s, "Text00 = 006400750061\n"));
    free(s);
    s = read_inbox_file(f, 1);
    assert_string_equal(s, "placeholder\n");
    free(s);
    assert_int_equal(inbox_count(f), 5);

    /* The same text and reference always give the same files. */
    char text[400];
    repeat_into(text, sizeof(text), "abcdefghij", 30);
    assert_int_equal(modem_dummy_inject(f->dir, "+6286", text, 99, NULL, 0, T_SMSC, err, 256), 2);
    assert_int_equal(modem_dummy_inject(f->dir, "+6286", text, 99, NULL, 0, T_SMSC, err, 256), 2);
    char *a = read_inbox_file(f, 3);
    char *b = read_inbox_file(f, 5);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "UDH = 050003630201\n"));
    free(a);
    free(b);

    /* Bad requests write nothing. */
    int before = inbox_count(f);
    const int bad_only[] = {3};
    assert_int_equal(
        modem_dummy_inject(f->dir, "+6287", text, 1, bad_only, 1, T_SMSC, err, sizeof(err)), -1);
    assert_int_equal(
        modem_dummy_inject(f->dir, "+62\n87", "x", 1, NULL, 0, T_SMSC, err, sizeof(err)), -1);
    assert_int_equal(
        modem_dummy_inject(f->dir, "+6287", "x", 256, NULL, 0, T_SMSC, err, sizeof(err)), -1);
    assert_int_equal(modem_dummy_inject(f->dir, "+6287", "", 1, NULL, 0, T_SMSC, err, 256), -1);
    assert_int_equal(inbox_count(f), before);
    assert_true(strlen(err) > 0);

    /* smsc_time 0 means now. */
    remove_tree(f->dir);
    assert_int_equal(mkdir(f->dir, 0700), 0);
    long long now = (long long)time(NULL);
    assert_int_equal(modem_dummy_inject(f->dir, "+6288", "kini", -1, NULL, 0, 0, err, 256), 1);
    connect_modem(f);
    read_all(f, true);
    assert_int_equal(f->nparts, 1);
    assert_true(f->parts[0].smsc_time >= now - 2 && f->parts[0].smsc_time <= now + 5);
}

static void test_count_parts(void **state)
{
    struct fixture *f = *state;
    struct modem *m = f->m;
    char buf[8192];
    const struct {
        const char *unit;
        size_t count;
        int parts;
    } cases[] = {
        {"a", 1, 1},
        {"a", 160, 1},
        {"a", 161, 2},
        {"a", 306, 2},
        {"a", 307, 3},
        {"\xe2\x82\xac", 80, 1}, /* the euro sign takes two septets */
        {"\xe2\x82\xac", 81, 2},
        {"\xd0\xb6", 70, 1}, /* Cyrillic: UCS-2 */
        {"\xd0\xb6", 71, 2},
        {"\xd0\xb6", 134, 2},
        {"\xd0\xb6", 135, 3},
        {"\xf0\x9f\x98\xa1", 35, 1}, /* an emoji takes two UTF-16 units */
        {"\xf0\x9f\x98\xa1", 36, 2},
        {"a", 50 * 153, 50},
        {"a", 50 * 153 + 1, -1}, /* more than libGammu can split */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        repeat_into(buf, sizeof(buf), cases[i].unit, cases[i].count);
        int n = m->ops->count_parts(m, buf);
        if (n != cases[i].parts) {
            fail_msg("case %zu (%zu x %s): %d parts, expected %d", i, cases[i].count, cases[i].unit,
                     n, cases[i].parts);
        }
    }
    assert_int_equal(m->ops->count_parts(m, ""), -1);
    assert_int_equal(m->ops->count_parts(m, "\xff\xfe"), -1);
}

static void test_send_and_status(void **state)
{
    struct fixture *f = *state;
    struct modem *m = f->m;
    char err[256] = "";
    int ref = 0;

    /* Nothing goes out before the modem is connected. */
    assert_int_equal(m->ops->send_part(m, "+6281234", "halo", 1, 1, &ref, err, sizeof(err)),
                     MODEM_SEND_REFUSED);
    struct modem_status st;
    assert_int_equal(m->ops->status(m, &st), -1);
    assert_int_equal(st.signal_percent, -1);

    connect_modem(f);
    char text[600];
    repeat_into(text, sizeof(text), "Tiket #1000003 diteruskan ke PDAM. ", 12);
    int n = m->ops->count_parts(m, text);
    assert_int_equal(n, 3);
    for (int i = 1; i <= n; i++) {
        ref = -7;
        enum modem_send_result r =
            m->ops->send_part(m, "+6281234567890", text, 200, i, &ref, err, sizeof(err));
        if (r != MODEM_SEND_OK) {
            fail_msg("part %d: %d %s", i, r, err);
        }
        assert_int_equal(ref, 255); /* the dummy driver's fixed message reference */
    }
    assert_int_equal(m->ops->send_part(m, "+6281234567890", text, 200, 0, &ref, err, 256),
                     MODEM_SEND_REFUSED);
    assert_int_equal(m->ops->send_part(m, "+6281234567890", text, 200, n + 1, &ref, err, 256),
                     MODEM_SEND_REFUSED);
    assert_int_equal(m->ops->send_part(m, "+6281234567890", text, 256, 1, &ref, err, 256),
                     MODEM_SEND_REFUSED);
    assert_int_equal(m->ops->send_part(m, "", text, 1, 1, &ref, err, 256), MODEM_SEND_REFUSED);
    /* Sending writes nothing into the inbox. */
    assert_int_equal(inbox_count(f), 0);

    assert_int_equal(m->ops->status(m, &st), 0);
    assert_string_equal(st.imei, "999999999999999");
    assert_true(strlen(st.imsi) > 0);
    assert_true(strlen(st.network) > 0);
    assert_in_range(st.signal_percent, 0, 100);
    assert_in_range(st.battery_percent, 0, 100);
    assert_int_equal(st.sim_used, 0);
    assert_true(st.sim_total > 0);

    m->ops->disconnect(m);
    assert_int_equal(m->ops->status(m, &st), -1);
    struct modem_part part;
    assert_int_equal(m->ops->read_next(m, true, &part), MODEM_READ_ERROR);
    /* A second connection on the same handle works. */
    connect_modem(f);
    assert_int_equal(m->ops->read_next(m, true, &part), MODEM_READ_END);
}

static void test_hostile_files(void **state)
{
    struct fixture *f = *state;
    /* Unicode text with U+0000, a lone surrogate and a concatenation header with part 0. */
    write_inbox_file(f, 1,
                     "[SMSBackup000]\nSent = 20240315T083000\nState = UnRead\n"
                     "Number = \"+6281234567890\"\nCoding = Unicode\nUDH = 050003AB0200\n"
                     "Text00 = 0000D8000041\n");
    /* A file the driver cannot parse: skipped, and left where it is. */
    write_inbox_file(f, 2, "this is not an SMS backup\n");
    /* A header whose length claims more bytes than there are. */
    write_inbox_file(f, 3,
                     "[SMSBackup000]\nSent = 20240315T083000\nState = UnRead\n"
                     "Number = \"TELKOMSEL\"\nCoding = Default\nUDH = 0A0003AB02\n"
                     "Text00 = 0048\n");
    /* A 16-bit reference, and a text cut with an escape-free default alphabet. */
    write_inbox_file(f, 4,
                     "[SMSBackup000]\nSent = 20240315T083000Z\nState = UnRead\n"
                     "Number = \"+6289\"\nCoding = Default\nUDH = 0608041234030200\n"
                     "Text00 = 00410042\n");
    connect_modem(f);
    read_all(f, false);
    assert_int_equal(f->nparts, 3);
    assert_int_equal(f->skipped, 1);

    const struct modem_part *p = &f->parts[0];
    assert_string_equal(p->text, "\xef\xbf\xbd\xef\xbf\xbd"
                                 "A");
    assert_int_equal(p->coding, MODEM_CODING_UCS2);
    assert_int_equal(p->raw_len, 6);
    /* Part 0 cannot be placed: the element is ignored and the message is a single SMS. */
    assert_int_equal(p->concat_total, 0);
    assert_int_equal(p->concat_seq, 0);
    assert_int_equal(p->concat_ref, 0);
    assert_int_equal(p->udh_len, 6);

    p = &f->parts[1];
    assert_string_equal(p->sender, "TELKOMSEL");
    assert_string_equal(p->text, "H");
    assert_int_equal(p->concat_total, 0);

    p = &f->parts[2];
    assert_string_equal(p->text, "AB");
    assert_int_equal(p->concat_ref, 0x1234);
    assert_int_equal(p->concat_total, 3);
    assert_int_equal(p->concat_seq, 2);
    assert_int_equal(p->smsc_time, T_SMSC);

    for (int i = 0; i < f->nparts; i++) {
        assert_int_equal(f->m->ops->remove(f->m, &f->parts[i]), 0);
        /* Deleting twice is not an error: the part is gone either way. */
        assert_int_equal(f->m->ops->remove(f->m, &f->parts[i]), 0);
    }
    assert_int_equal(inbox_count(f), 1);
    char *s = read_inbox_file(f, 2);
    assert_non_null(s);
    free(s);
}

static void test_gsm_alphabet_roundtrip(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    /* Every character of the GSM 03.38 default alphabet and its extension table, which must
     * travel as 7-bit text and come back unchanged, escapes included. */
    const char *alphabet = "@\xc2\xa3$\xc2\xa5\xc3\xa8\xc3\xa9\xc3\xb9\xc3\xac\xc3\xb2\xc3\x87\n"
                           "\xc3\x98\xc3\xb8\r\xc3\x85\xc3\xa5\xce\x94_\xce\xa6\xce\x93\xce\x9b"
                           "\xce\xa9\xce\xa0\xce\xa8\xce\xa3\xce\x98\xce\x9e\xc3\x86\xc3\xa6"
                           "\xc3\x9f\xc3\x89 !\"#\xc2\xa4%&'()*+,-./0123456789:;<=>?\xc2\xa1"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ\xc3\x84\xc3\x96\xc3\x91\xc3\x9c\xc2\xa7"
                           "\xc2\xbf"
                           "abcdefghijklmnopqrstuvwxyz\xc3\xa4\xc3\xb6\xc3\xb1\xc3\xbc"
                           "\xc3\xa0^{}\\[~]|\xe2\x82\xac";
    char text[1024];
    repeat_into(text, sizeof(text), alphabet, 2);
    int n = modem_dummy_inject(f->dir, "+6281", text, 3, NULL, 0, T_SMSC, err, sizeof(err));
    assert_int_equal(n, f->m->ops->count_parts(f->m, text));
    assert_int_equal(n, 2);
    connect_modem(f);
    read_all(f, true);
    assert_int_equal(f->nparts, n);
    const struct modem_part *p[4];
    char joined[2048];
    assert_int_equal(parts_from(f, "+6281", p, 4), n);
    join_set(p, n, 3, joined, sizeof(joined));
    assert_string_equal(joined, text);
    assert_int_equal(p[0]->coding, MODEM_CODING_GSM7);
}

int main(void)
{
    log_init("test_modem_dummy", false, LOGL_ERR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inject_read_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inject_numbering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gsm_alphabet_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
