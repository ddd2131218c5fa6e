/*
 * Unit tests for pdu: the PDUs themselves live in tests/data/pdu.tsv, printed by the modem
 * simulator's generator, so that a PDU seen in the field is one line to add. The cases here are the
 * ones a table cannot state: hex parsing at every byte value, every prefix of every good PDU, and
 * addresses and DCS values built octet by octet.
 *
 * Every PDU handed to pdu_peek here ends exactly at the start of an inaccessible page, so that a
 * read one byte past the end faults in a plain build as well as under AddressSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tsv.h"
#include "pdu.h"

#define LINE_MAX_LEN 1024
#define MAX_FIELDS 8
#define MAX_ROWS 128
#define PDU_CAP 256

struct row {
    int lineno;
    char name[64];
    unsigned char pdu[PDU_CAP];
    size_t len;
    int rc;
    char sender[32];
    int dcs;
    int udl;
    char problem[128]; /* "" when problem must be empty */
};

static struct row rows[MAX_ROWS];
static int nrows;

/* Start of a readable page that is followed by an unreadable one, and the page size. */
static unsigned char *guard_base;
static size_t guard_page;

/* "-" stands for an empty string in the data file, since an empty field is easy to miss. */
static void copy_field(char *dst, size_t cap, const char *src, int lineno)
{
    if (strcmp(src, "-") == 0) {
        src = "";
    }
    if (strlen(src) >= cap) {
        fail_msg("pdu.tsv line %d: field \"%s\" is too long", lineno, src);
    }
    snprintf(dst, cap, "%s", src);
}

/* Reads tests/data/pdu.tsv into rows; the tests that need it call this first. */
static void load_rows(void)
{
    char path[1024], line[LINE_MAX_LEN];
    char *fields[MAX_FIELDS];
    int lineno = 0, n;
    FILE *f;

    snprintf(path, sizeof path, "%s/pdu.tsv", TEST_DATA_DIR);
    f = fopen(path, "r");
    if (f == NULL) {
        fail_msg("cannot open %s", path);
    }
    nrows = 0;
    while ((n = tsv_next(f, line, sizeof line, fields, MAX_FIELDS, &lineno)) > 0) {
        struct row *r;
        long len;

        if (n != 7) {
            fail_msg("pdu.tsv line %d: %d fields, expected 7", lineno, n);
        }
        if (nrows == MAX_ROWS) {
            fail_msg("pdu.tsv has more than %d rows; raise MAX_ROWS", MAX_ROWS);
        }
        r = &rows[nrows++];
        r->lineno = lineno;
        copy_field(r->name, sizeof r->name, fields[0], lineno);
        len = pdu_from_hex(fields[1], r->pdu, sizeof r->pdu);
        if (len < 0) {
            fail_msg("pdu.tsv line %d: the hex does not parse", lineno);
        }
        r->len = (size_t)len;
        r->rc = atoi(fields[2]);
        copy_field(r->sender, sizeof r->sender, fields[3], lineno);
        r->dcs = atoi(fields[4]);
        r->udl = atoi(fields[5]);
        copy_field(r->problem, sizeof r->problem, fields[6], lineno);
    }
    fclose(f);
}

static int setup(void **state)
{
    void *map;
    long page;
    int fd;

    (void)state;
    /* /dev/zero rather than MAP_ANONYMOUS, which _POSIX_C_SOURCE=200809L does not expose. */
    page = sysconf(_SC_PAGESIZE);
    if (page <= 0) {
        return -1;
    }
    fd = open("/dev/zero", O_RDWR);
    if (fd < 0) {
        return -1;
    }
    guard_page = (size_t)page;
    map = mmap(NULL, 2 * guard_page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        return -1;
    }
    guard_base = map;
    if (mprotect(guard_base + guard_page, guard_page, PROT_NONE) != 0) {
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (guard_base != NULL) {
        munmap(guard_base, 2 * guard_page);
        guard_base = NULL;
    }
    return 0;
}

/* Copies n bytes so that they end where the unreadable page begins, and returns where they start.
 */
static const unsigned char *guarded(const unsigned char *src, size_t n)
{
    unsigned char *dst;

    assert_true(n <= guard_page);
    dst = guard_base + guard_page - n;
    if (n > 0) {
        memcpy(dst, src, n);
    }
    return dst;
}

/* pdu_peek on a guarded copy, with out first filled with garbage so that nothing stale survives. */
static int peek(const unsigned char *pdu, size_t n, struct pdu_peek *out)
{
    int rc;

    memset(out, 0x5A, sizeof *out);
    rc = pdu_peek(guarded(pdu, n), n, out);
    /* Callers log these strings, so they must be terminated whatever the input was. */
    assert_non_null(memchr(out->sender, '\0', sizeof out->sender));
    assert_non_null(memchr(out->problem, '\0', sizeof out->problem));
    /* The documented contract: 0 exactly when nothing is wrong. */
    if ((rc == 0) != (out->problem[0] == '\0')) {
        fail_msg("pdu_peek returned %d with problem \"%s\"", rc, out->problem);
    }
    assert_true(rc == 0 || rc == -1);
    return rc;
}

static const struct row *find_row(const char *name)
{
    load_rows();
    for (int i = 0; i < nrows; i++) {
        if (strcmp(rows[i].name, name) == 0) {
            return &rows[i];
        }
    }
    fail_msg("pdu.tsv has no row named %s", name);
    /* fail_msg does not return, but the compiler cannot know that. */
    abort();
}

static void test_from_hex_cases(void **state)
{
    static const struct {
        const char *hex;
        size_t cap;
        long rc;
        const char *bytes; /* the expected output when rc >= 0 */
    } cases[] = {
        {"", 4, 0, ""},
        {"", 0, 0, ""},
        {"00", 4, 1, "\x00"},
        {"41", 1, 1, "A"},
        {"ABCDEF", 3, 3, "\xAB\xCD\xEF"},
        {"abcdef", 3, 3, "\xAB\xCD\xEF"},
        {"aBcDeF", 3, 3, "\xAB\xCD\xEF"},
        {"Ff0a", 2, 2, "\xFF\x0A"},
        {"0", 4, -1, NULL},
        {"ABC", 4, -1, NULL},
        {"00112", 4, -1, NULL},
        {"0G", 4, -1, NULL},
        {"g0", 4, -1, NULL},
        {"0x41", 4, -1, NULL},
        {" 041", 4, -1, NULL},
        {"41 ", 4, -1, NULL},
        {"41\r\n", 4, -1, NULL},
        {"-1", 4, -1, NULL},
        {"+1", 4, -1, NULL},
        {"\xC3\xA9", 4, -1, NULL},
        {"0011", 2, 2, "\x00\x11"},
        {"0011", 1, -1, NULL},
        {"00", 0, -1, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char out[8];
        long rc = pdu_from_hex(cases[i].hex, out, cases[i].cap);

        if (rc != cases[i].rc) {
            fail_msg("pdu_from_hex(\"%s\", cap %zu) gave %ld, expected %ld", cases[i].hex,
                     cases[i].cap, rc, cases[i].rc);
        }
        if (rc > 0 && memcmp(out, cases[i].bytes, (size_t)rc) != 0) {
            fail_msg("pdu_from_hex(\"%s\") gave the wrong bytes", cases[i].hex);
        }
    }
}

/* Both spellings of every octet value, so that no digit or case is decoded wrongly. */
static void test_from_hex_every_byte(void **state)
{
    char upper[2 * 256 + 1], lower[2 * 256 + 1];
    unsigned char out[256];

    (void)state;
    for (int v = 0; v < 256; v++) {
        snprintf(upper + 2 * v, 3, "%02X", (unsigned)v);
        snprintf(lower + 2 * v, 3, "%02x", (unsigned)v);
    }
    memset(out, 0, sizeof out);
    assert_int_equal(pdu_from_hex(upper, out, sizeof out), 256);
    for (int v = 0; v < 256; v++) {
        assert_int_equal(out[v], v);
    }
    memset(out, 0, sizeof out);
    assert_int_equal(pdu_from_hex(lower, out, sizeof out), 256);
    for (int v = 0; v < 256; v++) {
        assert_int_equal(out[v], v);
    }
}

/* Every character that is not a hex digit is refused, in either position of the pair. */
static void test_from_hex_every_char(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        bool digit = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
        char hi[] = "?0", lo[] = "0?";
        unsigned char out[1];

        hi[0] = (char)c;
        lo[1] = (char)c;
        if ((pdu_from_hex(hi, out, 1) == 1) != digit || (pdu_from_hex(lo, out, 1) == 1) != digit) {
            fail_msg("pdu_from_hex treats character 0x%02X wrongly", (unsigned)c);
        }
    }
}

/* The capacity is a hard limit: nothing is written past it, even on the way to failing. */
static void test_from_hex_capacity(void **state)
{
    unsigned char out[8];

    (void)state;
    memset(out, 0xEE, sizeof out);
    assert_int_equal(pdu_from_hex("01020304", out, 4), 4);
    assert_memory_equal(out, "\x01\x02\x03\x04\xEE\xEE\xEE\xEE", 8);

    memset(out, 0xEE, sizeof out);
    assert_int_equal(pdu_from_hex("0102030405", out, 4), -1);
    assert_memory_equal(out + 4, "\xEE\xEE\xEE\xEE", 4);

    memset(out, 0xEE, sizeof out);
    assert_int_equal(pdu_from_hex("01", out, 0), -1);
    assert_int_equal(out[0], 0xEE);

    /* A hex line longer than any real PDU must be refused by a buffer of PDU size. */
    char big[2 * 200 + 3];
    unsigned char buf[200];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(pdu_from_hex(big, buf, sizeof buf), -1);
    big[2 * 200] = '\0';
    assert_int_equal(pdu_from_hex(big, buf, sizeof buf), 200);
}

static void test_data_file(void **state)
{
    (void)state;
    load_rows();
    for (int i = 0; i < nrows; i++) {
        const struct row *r = &rows[i];
        struct pdu_peek out;
        int rc = peek(r->pdu, r->len, &out);

        if (rc != r->rc || strcmp(out.sender, r->sender) != 0 || out.dcs != r->dcs ||
            out.udl != r->udl) {
            fail_msg("pdu.tsv line %d (%s): got %d \"%s\" dcs %d udl %d, expected %d \"%s\" dcs %d "
                     "udl %d (problem \"%s\")",
                     r->lineno, r->name, rc, out.sender, out.dcs, out.udl, r->rc, r->sender, r->dcs,
                     r->udl, out.problem);
        }
        if (r->problem[0] == '\0' ? out.problem[0] != '\0'
                                  : strstr(out.problem, r->problem) == NULL) {
            fail_msg("pdu.tsv line %d (%s): problem \"%s\", expected \"%s\"", r->lineno, r->name,
                     out.problem, r->problem[0] ? r->problem : "(none)");
        }
    }
    /* Guards against a data file that silently stopped being read (a renamed file, a bad split). */
    assert_true(nrows >= 40);
}

/* Offset just past a status report's recipient address, or len when the PDU does not reach it. */
static size_t report_address_end(const unsigned char *p, size_t len)
{
    size_t pos = 1 + (size_t)p[0] + 2; /* SMSC, first octet, message reference */

    if (pos + 2 > len) {
        return len;
    }
    return pos + 2 + ((size_t)p[pos] + 1) / 2;
}

/*
 * Every proper prefix of every sound PDU is refused. A modem that drops the end of a line must not
 * yield a message whose sender or length was read from bytes that never came.
 */
static void test_every_prefix(void **state)
{
    int checked = 0;

    (void)state;
    load_rows();
    for (int i = 0; i < nrows; i++) {
        const struct row *r = &rows[i];
        struct pdu_peek full;

        if (r->rc != 0) {
            continue;
        }
        assert_int_equal(peek(r->pdu, r->len, &full), 0);
        for (size_t n = 0; n < r->len; n++) {
            struct pdu_peek out;
            int rc = peek(r->pdu, n, &out);

            /* A status report is only read up to its recipient address, so a cut after that is
             * not something pdu_peek looks for; it must still be read safely. */
            if (full.mti == 2 && n >= report_address_end(r->pdu, r->len)) {
                continue;
            }
            /* Cutting off 0xFF padding leaves the whole message. */
            size_t pad = 0;
            while (n + pad < r->len && r->pdu[n + pad] == 0xFF) {
                pad++;
            }
            if (n + pad == r->len) {
                continue;
            }
            if (rc != -1) {
                fail_msg("%s (pdu.tsv line %d) cut to %zu of %zu bytes was accepted", r->name,
                         r->lineno, n, r->len);
            }
            checked++;
        }
    }
    /* About a thousand prefixes today; far fewer means rows stopped being read as sound. */
    assert_true(checked >= 900);
}

/* The message type and header flag, which the table does not have columns for. */
static void test_mti_and_udhi(void **state)
{
    static const struct {
        const char *name;
        int mti;
        bool udhi;
    } cases[] = {
        {"gsm7_plain", 0, false},       {"alnum_sender", 0, false},
        {"concat8_part1", 0, true},     {"concat16_part1", 0, true},
        {"ucs2_concat_part2", 0, true}, {"malformed_status_report", 2, false},
        {"submit_mti1", 1, false},      {"reserved_mti3", 3, false},
        {"empty", -1, false},           {"smsc_past_end", -1, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct row *r = find_row(cases[i].name);
        struct pdu_peek out;

        peek(r->pdu, r->len, &out);
        if (out.mti != cases[i].mti || out.udhi != cases[i].udhi) {
            fail_msg("%s: mti %d udhi %d, expected %d %d", r->name, out.mti, out.udhi, cases[i].mti,
                     cases[i].udhi);
        }
    }
}

/*
 * Builds an SMS-DELIVER with no SMSC, the given sender address octets, DCS and UDL, followed by
 * data_len octets of 0x41. Returns its length.
 */
static size_t build_deliver(unsigned char *p, unsigned first, const unsigned char *addr,
                            size_t addr_len, unsigned dcs, unsigned udl, size_t data_len)
{
    static const unsigned char scts[7] = {0x42, 0x30, 0x51, 0x80, 0x03, 0x00, 0x82};
    size_t n = 0;

    p[n++] = 0x00;
    p[n++] = (unsigned char)first;
    memcpy(p + n, addr, addr_len);
    n += addr_len;
    p[n++] = 0x00; /* TP-PID */
    p[n++] = (unsigned char)dcs;
    memcpy(p + n, scts, sizeof scts);
    n += sizeof scts;
    p[n++] = (unsigned char)udl;
    memset(p + n, 0x41, data_len);
    return n + data_len;
}

/* Addresses longer than the sender buffer are cut, not overflowed, and odd digits are spelt out. */
static void test_addresses(void **state)
{
    unsigned char addr[2 + 32], pdu[PDU_CAP];
    struct pdu_peek out;
    size_t len;

    (void)state;
    /* 40 international digits, the most the module reads: '+' and all 40 digits. */
    addr[0] = 40;
    addr[1] = 0x91;
    memset(addr + 2, 0x21, 20);
    len = build_deliver(pdu, 0x04, addr, 22, 0x00, 0, 0);
    assert_int_equal(peek(pdu, len, &out), 0);
    assert_int_equal(strlen(out.sender), 41);
    assert_memory_equal(out.sender, "+1212121212", 11);
    assert_false(out.sender_alnum);

    /* The same length as alphanumeric: 22 septets of text (0x21 octets unpack to "!B" and on),
     * each of which fits. */
    addr[1] = 0xD0;
    len = build_deliver(pdu, 0x04, addr, 22, 0x00, 0, 0);
    assert_int_equal(peek(pdu, len, &out), 0);
    assert_true(out.sender_alnum);
    assert_true(strlen(out.sender) < sizeof out.sender);
    assert_memory_equal(out.sender, "!B", 2);

    /* One digit more than the module allows is refused even though the octets are there. */
    addr[0] = 41;
    addr[1] = 0x91;
    memset(addr + 2, 0x21, 21);
    len = build_deliver(pdu, 0x04, addr, 23, 0x00, 0, 0);
    assert_int_equal(peek(pdu, len, &out), -1);
    assert_string_equal(out.sender, "");

    /* Semi-octets A to F are not digits: A and B are '*' and '#', the rest are shown as '?'. */
    static const unsigned char odd[] = {6, 0x81, 0xBA, 0xDC, 0xFE};
    len = build_deliver(pdu, 0x04, odd, sizeof odd, 0x00, 0, 0);
    assert_int_equal(peek(pdu, len, &out), 0);
    assert_string_equal(out.sender, "*#????");

    /* An odd digit count ends in a filler nibble, which is not part of the number. */
    static const unsigned char shortcode[] = {3, 0x81, 0x71, 0xF0};
    len = build_deliver(pdu, 0x04, shortcode, sizeof shortcode, 0x00, 0, 0);
    assert_int_equal(peek(pdu, len, &out), 0);
    assert_string_equal(out.sender, "170");

    /* An empty address is legal in structure and yields an empty sender. */
    static const unsigned char none[] = {0, 0x81};
    len = build_deliver(pdu, 0x04, none, sizeof none, 0x00, 0, 0);
    assert_int_equal(peek(pdu, len, &out), 0);
    assert_string_equal(out.sender, "");
}

/*
 * The alphabet decides whether the UDL counts septets or octets. A UDL of 141 with 141 octets of
 * data is fine as 7-bit text and too long as 8-bit or UCS-2, so it tells the two apart for every
 * DCS whose alphabet TS 23.038 defines without compression.
 */
static void test_dcs_alphabets(void **state)
{
    static const unsigned char addr[] = {0x0C, 0x91, 0x26, 0x18, 0x32, 0x54, 0x76, 0x98};
    unsigned char pdu[PDU_CAP];

    (void)state;
    for (unsigned dcs = 0; dcs < 256; dcs++) {
        bool septets;
        struct pdu_peek out;
        size_t len;
        int rc;

        if (dcs < 0x80) {
            if ((dcs & 0x20) != 0 || ((dcs >> 2) & 3) == 3) {
                continue; /* compressed, or the reserved alphabet */
            }
            septets = ((dcs >> 2) & 3) == 0;
        } else if (dcs < 0xC0) {
            continue; /* reserved coding groups */
        } else if (dcs < 0xE0) {
            septets = true;
        } else if (dcs < 0xF0) {
            septets = false;
        } else {
            septets = (dcs & 4) == 0;
        }
        /* Exactly the octets the length needs: more would be octets after the user data. */
        len = build_deliver(pdu, 0x04, addr, sizeof addr, dcs, 141, septets ? 124 : 141);
        rc = peek(pdu, len, &out);
        if (septets ? rc != 0 : (rc != -1 || strstr(out.problem, "at most 140") == NULL)) {
            fail_msg("DCS 0x%02X: got %d \"%s\", expected %s", dcs, rc, out.problem,
                     septets ? "7-bit" : "octets");
        }
        /* 140 octets is the most one SMS carries, in any alphabet. */
        len = build_deliver(pdu, 0x04, addr, sizeof addr, dcs, 140, septets ? 123 : 140);
        assert_int_equal(peek(pdu, len, &out), 0);
    }
}

/* A sound PDU read after a broken one reports no problem: nothing carries over in out. */
static void test_no_stale_state(void **state)
{
    const struct row *bad = find_row("malformed_udl200");
    const struct row *good = find_row("gsm7_plain");
    struct pdu_peek out;

    (void)state;
    assert_int_equal(pdu_peek(bad->pdu, bad->len, &out), -1);
    assert_int_equal(pdu_peek(good->pdu, good->len, &out), 0);
    assert_string_equal(out.problem, "");
    assert_int_equal(pdu_peek(NULL, 0, &out), -1);
    assert_string_equal(out.problem, "empty PDU");
    assert_string_equal(out.sender, "");
    assert_int_equal(out.mti, -1);
    assert_int_equal(out.dcs, -1);
    assert_int_equal(out.udl, -1);
}

/* What the table has no columns for: which senders are alphanumeric ids, and TP-PID. */
static void test_alnum_and_pid(void **state)
{
    static const struct {
        const char *name;
        bool alnum;
        int pid;
        bool broken; /* pdu_broken_deliver */
    } cases[] = {
        {"gsm7_plain", false, 0, false},
        {"alnum_sender", true, 0, false},
        {"alnum_underscore_at", true, 0, false},
        {"alnum_digits", true, 0, false},
        {"alnum_plus_digits", true, 0, false},
        {"national_sender", false, 0, false},
        {"pid_type0", false, 0x40, false},
        {"extra_octets_two", false, 0, true},
        {"padded_ff", false, 0, false},
        {"udh_longer_gsm7", false, 0, true},
        {"malformed_status_report", false, -1, false},
        {"submit_mti1", false, -1, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct row *r = find_row(cases[i].name);
        struct pdu_peek out;

        peek(r->pdu, r->len, &out);
        if (out.sender_alnum != cases[i].alnum || out.pid != cases[i].pid ||
            pdu_broken_deliver(&out) != cases[i].broken) {
            fail_msg("%s: alnum %d pid %d broken %d, expected %d %d %d", r->name, out.sender_alnum,
                     out.pid, pdu_broken_deliver(&out), cases[i].alnum, cases[i].pid,
                     cases[i].broken);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_hex_cases),      cmocka_unit_test(test_from_hex_every_byte),
        cmocka_unit_test(test_from_hex_every_char), cmocka_unit_test(test_from_hex_capacity),
        cmocka_unit_test(test_data_file),           cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_mti_and_udhi),        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_dcs_alphabets),       cmocka_unit_test(test_no_stale_state),
        cmocka_unit_test(test_alnum_and_pid),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
