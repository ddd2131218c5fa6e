/*
 * Unit tests for grammar: the table of messages lives in tests/data/grammar.tsv, so that a new way
 * of typing seen in the field is one line to add; the cases here are the ones a table cannot state
 * (very long text, where the body points, every prefix of every message).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsv.h"
#include "grammar.h"
#include "ticket.h"

#define LINE_MAX_LEN 1024
#define MAX_FIELDS 8
#define MAX_ROWS 400

/*
 * Parses a copy of the text in a buffer of exactly its size, so that the sanitizers see any read
 * past the terminating NUL, and checks that the body lies inside that copy. Returns the copy,
 * which the caller frees.
 */
static char *parse_exact(const char *text, struct grammar_result *r)
{
    size_t len = strlen(text);
    char *copy = malloc(len + 1);

    assert_non_null(copy);
    memcpy(copy, text, len + 1);
    grammar_parse(copy, r);
    assert_non_null(r->body);
    if (r->body < copy || r->body + r->body_len > copy + len) {
        fail_msg("\"%s\": the body does not point into the input", text);
    }
    assert_true(strlen(r->keyword) < GRAMMAR_KEYWORD_MAX);
    return copy;
}

static const char *ticket_state_name(enum grammar_ticket t)
{
    switch (t) {
    case GRAMMAR_TICKET_NONE:
        return "none";
    case GRAMMAR_TICKET_OK:
        return "ok";
    case GRAMMAR_TICKET_MISSING:
        return "missing";
    case GRAMMAR_TICKET_INVALID:
        return "invalid";
    }
    return "?";
}

/* The inputs of the data file, kept for the prefix test. */
static char *inputs[MAX_ROWS];
static int input_count;

static void check_row(int lineno, char **fields)
{
    struct grammar_result r;
    const char *want_keyword = strcmp(fields[5], "-") == 0 ? "" : fields[5];
    char *copy;

    tsv_unescape(fields[0]);
    tsv_unescape(fields[4]);
    copy = parse_exact(fields[0], &r);
    if (strcmp(grammar_command_name(r.command), fields[1]) != 0 ||
        strcmp(ticket_state_name(r.ticket), fields[2]) != 0 || r.body_len != strlen(fields[4]) ||
        memcmp(r.body, fields[4], r.body_len) != 0 || strcmp(r.keyword, want_keyword) != 0) {
        fail_msg("grammar.tsv line %d: \"%s\" gave %s %s body \"%.*s\" keyword \"%s\", expected %s "
                 "%s body \"%s\" keyword \"%s\"",
                 lineno, fields[0], grammar_command_name(r.command), ticket_state_name(r.ticket),
                 (int)r.body_len, r.body, r.keyword, fields[1], fields[2], fields[4], want_keyword);
    }
    if (r.ticket == GRAMMAR_TICKET_OK) {
        uint64_t want_seq = 0;

        /* The expected ticket is checked against ticket.c too, so a typo in the table shows. */
        if (ticket_parse(fields[3], &want_seq) != TICKET_OK ||
            ticket_from_seq(want_seq) != strtoull(fields[3], NULL, 10) || r.seq != want_seq) {
            fail_msg("grammar.tsv line %d: \"%s\" gave seq %llu, expected the ticket %s", lineno,
                     fields[0], (unsigned long long)r.seq, fields[3]);
        }
    } else if (r.ticket == GRAMMAR_TICKET_INVALID) {
        if (ticket_parse(fields[3], NULL) == TICKET_OK) {
            fail_msg("grammar.tsv line %d: %s is listed as invalid but is a ticket", lineno,
                     fields[3]);
        }
    } else if (strcmp(fields[3], "-") != 0) {
        fail_msg("grammar.tsv line %d: a ticket column for a command without one", lineno);
    }
    free(copy);
    if (input_count < MAX_ROWS) {
        inputs[input_count] = malloc(strlen(fields[0]) + 1);
        assert_non_null(inputs[input_count]);
        strcpy(inputs[input_count++], fields[0]);
    }
}

static void test_data_file(void **state)
{
    char path[1024], line[LINE_MAX_LEN];
    char *fields[MAX_FIELDS];
    int lineno = 0, n, rows = 0;
    FILE *f;

    (void)state;
    snprintf(path, sizeof path, "%s/grammar.tsv", TEST_DATA_DIR);
    f = fopen(path, "r");
    assert_non_null(f);
    while ((n = tsv_next(f, line, sizeof line, fields, MAX_FIELDS, &lineno)) > 0) {
        if (n != 6) {
            fail_msg("grammar.tsv line %d: %d fields, expected 6", lineno, n);
        }
        check_row(lineno, fields);
        rows++;
    }
    fclose(f);
    /* Guards against a data file that silently stopped being read (a renamed file, a bad split). */
    assert_true(rows >= 70);
}

/*
 * Every prefix of every message of the table, as a short or cut-off SMS would arrive: none may
 * read outside its buffer or point the body elsewhere.
 */
static void test_prefixes(void **state)
{
    (void)state;
    assert_true(input_count > 0);
    for (int i = 0; i < input_count; i++) {
        size_t len = strlen(inputs[i]);

        for (size_t cut = 0; cut <= len; cut++) {
            struct grammar_result r;
            char saved = inputs[i][cut];

            inputs[i][cut] = '\0';
            free(parse_exact(inputs[i], &r));
            inputs[i][cut] = saved;
        }
        free(inputs[i]);
    }
    input_count = 0;
}

/* A concatenated SMS can be long; the body is kept whole and points into the input. */
static void test_long_body(void **state)
{
    enum { BODY = 2000 };
    static const char head[] = "  TAMBAH #1000002: ";
    char *in = malloc(sizeof head - 1 + BODY + 3);
    struct grammar_result r;

    (void)state;
    assert_non_null(in);
    memcpy(in, head, sizeof head - 1);
    for (size_t i = 0; i < BODY; i++) {
        in[sizeof head - 1 + i] = (char)('a' + (int)(i % 26));
    }
    in[sizeof head - 1 + BODY / 2] = ' ';
    memcpy(in + sizeof head - 1 + BODY, " \n", 3);
    grammar_parse(in, &r);
    assert_int_equal(r.command, GRAMMAR_ADD);
    assert_int_equal(r.ticket, GRAMMAR_TICKET_OK);
    assert_int_equal(r.seq, 100000);
    assert_ptr_equal(r.body, in + sizeof head - 1);
    assert_int_equal(r.body_len, BODY);
    assert_string_equal(r.keyword, "");

    /* The same text as a complaint: its first word is far too long to be a keyword. */
    grammar_parse(in + sizeof head - 1, &r);
    assert_int_equal(r.command, GRAMMAR_COMPLAINT);
    assert_int_equal(r.ticket, GRAMMAR_TICKET_NONE);
    assert_ptr_equal(r.body, in + sizeof head - 1);
    assert_int_equal(r.body_len, BODY);
    assert_string_equal(r.keyword, "");

    /* A hashtag at its very end is still found. */
    memcpy(in + sizeof head - 1 + BODY - 6, " #PDAM", 6);
    grammar_parse(in + sizeof head - 1, &r);
    assert_int_equal(r.command, GRAMMAR_COMPLAINT);
    assert_int_equal(r.body_len, BODY);
    assert_string_equal(r.keyword, "PDAM");
    free(in);
}

/* Where exactly the body starts and ends, including when it is empty. */
static void test_body_pointers(void **state)
{
    static const struct {
        const char *in;
        size_t offset, len;
    } cases[] = {
        {"CEK 1000002", 11, 0},
        {"CEK 1000002   ", 14, 0},
        {"  LAPOR  jalan rusak \n", 9, 11},
        {"TL 1000002 - sudah", 13, 5},
        {"SELESAI #1000002: beres 👍 \r\n", 18, 10},
        {"RAHASIA LAPOR pungli", 14, 6},
        {"BATAL saja", 0, 10},
        {"BATAL ?", 6, 1},
        {"", 0, 0},
        {"   ", 3, 0},
        {"HELP me", 0, 7},
        {"HELP ?", 5, 1},
        {"“rusak”", 0, 11},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct grammar_result r;

        grammar_parse(cases[i].in, &r);
        if (r.body != cases[i].in + cases[i].offset || r.body_len != cases[i].len) {
            fail_msg("\"%s\": body at %td length %zu, expected %zu length %zu", cases[i].in,
                     r.body - cases[i].in, r.body_len, cases[i].offset, cases[i].len);
        }
    }
}

/*
 * grammar_parse_complaint: a TL or SELESAI from someone who is no liaison, or the mended text of a
 * complaint, read as the complaint it is. A command's words stay in its text.
 */
static void test_complaint_reading(void **state)
{
    static const struct {
        const char *in, *command, *body, *keyword;
    } cases[] = {
        {"TL 1000002 petugas dijadwalkan besok", "complaint",
         "TL 1000002 petugas dijadwalkan besok", "TL"},
        {"tl jln di desa kami rusak parah", "complaint", "tl jln di desa kami rusak parah", "TL"},
        {"Selesai sekolah anak sy tdk dpt ijazah", "complaint",
         "Selesai sekolah anak sy tdk dpt ijazah", "SELESAI"},
        {"  SELESAI #1000002: #pdam masih mati\n", "complaint",
         "SELESAI #1000002: #pdam masih mati", "PDAM"},
        {"\nTL", "complaint", "TL", "TL"},
        {"CEK 1000002 air masih mati", "complaint", "CEK 1000002 air masih mati", "CEK"},
        {"LAPOR jalan rusak", "complaint", "jalan rusak", "JALAN"},
        {"RAHASIA pungli di kelurahan", "confidential", "pungli di kelurahan", "PUNGLI"},
        {"bantuan 1708", "help", "1708", ""},
        {"", "help", "", ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct grammar_result r;
        const char *in = cases[i].in;

        grammar_parse_complaint(in, &r);
        if (strcmp(grammar_command_name(r.command), cases[i].command) != 0 ||
            r.ticket != GRAMMAR_TICKET_NONE || r.seq != 0 || r.body < in ||
            r.body + r.body_len > in + strlen(in) || r.body_len != strlen(cases[i].body) ||
            memcmp(r.body, cases[i].body, r.body_len) != 0 ||
            strcmp(r.keyword, cases[i].keyword) != 0) {
            fail_msg("\"%s\" read as a complaint gave %s body \"%.*s\" keyword \"%s\"", in,
                     grammar_command_name(r.command), (int)r.body_len, r.body, r.keyword);
        }
    }
}

/*
 * Real complaints (../shared/data, skipped where absent), as they are and behind each command or
 * help word a complaint may begin with: every one is a complaint whose text is all the citizen
 * typed.
 */
static void test_real_reports(void **state)
{
    static const char *const leads[] = {
        "",     "Bantuan ", "bantuan: ", "HELP ",   "info ",  "Info, ",
        "cek ", "CEK: ",    "status ",   "tambah ", "batal ", "lapor info "};
    const char *path = getenv("LAPOR_DATA_TSV");
    char fallback[1024], *line = NULL, *text = NULL;
    size_t cap = 0;
    int reports = 0;
    FILE *f;

    (void)state;
    snprintf(fallback, sizeof fallback, "%s/../../../shared/data/lapor-reports-2017.tsv",
             TEST_DATA_DIR);
    f = fopen(path != NULL ? path : fallback, "r");
    if (f == NULL) {
        print_message("no real reports (../shared/data/lapor-reports-2017.tsv): skipped\n");
        skip();
    }
    while (getline(&line, &cap, f) > 0) {
        char *report = strchr(line, '\t');

        if (report == NULL) {
            continue;
        }
        report[strcspn(report, "\r\n")] = '\0';
        report++;
        text = realloc(text, strlen(report) + 32);
        assert_non_null(text);
        for (size_t i = 0; i < sizeof leads / sizeof leads[0]; i++) {
            struct grammar_result r;
            const char *want;

            snprintf(text, strlen(report) + 32, "%s%s", leads[i], report);
            /* "lapor " is dropped, as it always is; every other lead stays in the text. */
            want = strncmp(leads[i], "lapor ", 6) == 0 ? text + 6 : text;
            grammar_parse(text, &r);
            if (r.command != GRAMMAR_COMPLAINT || r.body != want || r.body_len != strlen(want)) {
                fail_msg("real report \"%.60s...\" read as %s", text,
                         grammar_command_name(r.command));
            }
        }
        reports++;
    }
    free(text);
    free(line);
    fclose(f);
    assert_true(reports > 1000);
}

/* Results are written whole: nothing from an earlier parse may show through. */
static void test_result_reset(void **state)
{
    struct grammar_result r;

    (void)state;
    grammar_parse("CEK 1000002", &r);
    assert_int_equal(r.seq, 100000);
    grammar_parse("PDAM air keruh", &r);
    assert_int_equal(r.ticket, GRAMMAR_TICKET_NONE);
    assert_int_equal(r.seq, 0);
    grammar_parse("CEK 1000003", &r);
    assert_int_equal(r.ticket, GRAMMAR_TICKET_INVALID);
    assert_int_equal(r.seq, 0);
    assert_string_equal(r.keyword, "");
}

static void test_null_input(void **state)
{
    struct grammar_result r;

    (void)state;
    grammar_parse(NULL, &r);
    assert_int_equal(r.command, GRAMMAR_HELP);
    assert_int_equal(r.ticket, GRAMMAR_TICKET_NONE);
    assert_non_null(r.body);
    assert_int_equal(r.body_len, 0);
    assert_string_equal(r.keyword, "");
    grammar_parse_complaint(NULL, &r);
    assert_int_equal(r.command, GRAMMAR_HELP);
    assert_non_null(r.body);
    assert_int_equal(r.body_len, 0);
}

static void test_command_names(void **state)
{
    (void)state;
    assert_string_equal(grammar_command_name(GRAMMAR_COMPLAINT), "complaint");
    assert_string_equal(grammar_command_name(GRAMMAR_CONFIDENTIAL), "confidential");
    assert_string_equal(grammar_command_name(GRAMMAR_CHECK), "check");
    assert_string_equal(grammar_command_name(GRAMMAR_ADD), "add");
    assert_string_equal(grammar_command_name(GRAMMAR_CANCEL), "cancel");
    assert_string_equal(grammar_command_name(GRAMMAR_HELP), "help");
    assert_string_equal(grammar_command_name(GRAMMAR_FOLLOWUP), "followup");
    assert_string_equal(grammar_command_name(GRAMMAR_CLOSE), "close");
}

int main(void)
{
    /* test_prefixes reuses the inputs test_data_file read, so it must run after it. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_file),     cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_long_body),     cmocka_unit_test(test_body_pointers),
        cmocka_unit_test(test_result_reset),  cmocka_unit_test(test_null_input),
        cmocka_unit_test(test_command_names), cmocka_unit_test(test_complaint_reading),
        cmocka_unit_test(test_real_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
