/*
 * Unit tests for modem_trace: the raw PDU found in libGammu 1.42's trace, as its AT driver wrote
 * it for the modem simulator (lines copied from a real trace), however the pieces arrive.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "modem_trace.h"

/* The PDU of an SMS from the alphanumeric sender INFO_P@B, as the listing shows it. */
#define PDU_HEX "00040ED049A7F1198102840000423051800300820AE830FB0D22D7DDE930"

/* A listing and the decoding of its first message, as GetNextSMS traces them. */
static const char listing[] = "Getting SMS locations\n"
                              "SENDING frame type 0x00/length 0x0A/10\n"
                              "1 \"AT+CMGL=4\"\n"
                              "2 \"+CMGL: 1,0,,29\"\n"
                              "3 \"" PDU_HEX "\"\n"
                              "4 \"OK\"\n"
                              "Read 1 SMS locations\n"
                              "Cache status: Found: 0, count: 1\n"
                              "Getting message from cache\n" PDU_HEX "\n"
                              "Number Length=0\n"
                              "SMS PID: 0x00\n";

static int lines_seen;

static void count_line(const char *line, void *data)
{
    (void)data;
    assert_true(strlen(line) > 0);
    lines_seen++;
}

static void assert_pdu(const struct modem_trace *t)
{
    unsigned char want[64];
    for (size_t i = 0; i < sizeof PDU_HEX / 2; i++) {
        sscanf(PDU_HEX + 2 * i, "%2hhx", &want[i]);
    }
    assert_int_equal(t->pdu_len, (long)(sizeof PDU_HEX / 2));
    assert_memory_equal(t->pdu, want, sizeof PDU_HEX / 2);
}

static void test_listing_whole_and_in_pieces(void **state)
{
    (void)state;
    static struct modem_trace t;
    modem_trace_init(&t);
    assert_int_equal(t.pdu_len, -1);
    lines_seen = 0;
    modem_trace_feed(&t, listing, count_line, NULL);
    assert_pdu(&t);
    assert_int_equal(lines_seen, 12);

    /* One character at a time, as a logger may be called. */
    for (size_t step = 1; step < 8; step++) {
        modem_trace_init(&t);
        for (size_t i = 0; i < sizeof listing - 1; i += step) {
            char piece[8] = "";
            memcpy(piece, listing + i,
                   i + step < sizeof listing - 1 ? step : sizeof listing - 1 - i);
            modem_trace_feed(&t, piece, NULL, NULL);
        }
        assert_pdu(&t);
    }
}

/* AT+CMGR's answer: the PDU is the line after the +CMGR line, quoted and numbered. */
static void test_cmgr_answer(void **state)
{
    (void)state;
    static struct modem_trace t;
    modem_trace_init(&t);
    modem_trace_feed(&t, "1 \"AT+CMGR=1\"\n2 \"+CMGR: 0,,29\"\n3 \"" PDU_HEX "\"\n4 \"OK\"\n", NULL,
                     NULL);
    assert_pdu(&t);
}

/* Forgotten before each read; a line that is not hex after the announcement leaves no PDU; a
 * line cut by the buffer is no PDU either. */
static void test_forget_and_garbage(void **state)
{
    (void)state;
    static struct modem_trace t;
    modem_trace_init(&t);
    modem_trace_feed(&t, listing, NULL, NULL);
    modem_trace_forget(&t);
    assert_int_equal(t.pdu_len, -1);
    modem_trace_feed(&t, "Getting message from cache\nnot hex at all\n", NULL, NULL);
    assert_int_equal(t.pdu_len, -1);
    modem_trace_feed(&t, "Getting message from cache\n", NULL, NULL);
    static char longline[sizeof t.line + 100];
    memset(longline, 'A', sizeof longline - 2);
    longline[sizeof longline - 2] = '\n';
    modem_trace_feed(&t, longline, NULL, NULL);
    assert_int_equal(t.pdu_len, -1);
    /* Lines in between make no PDU of a later hex line. */
    modem_trace_forget(&t);
    modem_trace_feed(&t, "Getting message from cache\nSMS PID: 0x00\n" PDU_HEX "\n", NULL, NULL);
    assert_int_equal(t.pdu_len, -1);
}

static void count_answer(void *arg)
{
    (*(int *)arg)++;
}

/* Each answer the modem sends ("RECEIVED frame", however the pieces arrive) is told, and nothing
 * else: not the commands sent, not the lines of the answer. */
static void test_answers_told(void **state)
{
    (void)state;
    static const char two_answers[] = "SENDING frame type 0x00/length 0x03/3\n"
                                      "41A|54T|0D                                 AT.\n"
                                      "1 \"AT\"\n"
                                      "2 \"OK\"\n"
                                      "RECEIVED frame type 0x00/length 0x09/9\n"
                                      "41A|54T|0D |0D |0A |4FO|4BK|0D |0A         AT...OK..\n"
                                      "SENDING frame type 0x00/length 0x08/8\n"
                                      "RECEIVED frame type 0x00/length 0x19/25\n";
    static struct modem_trace t;
    int answers = 0;
    modem_trace_on_answer(count_answer, &answers);
    modem_trace_init(&t);
    modem_trace_feed(&t, two_answers, NULL, NULL);
    assert_int_equal(answers, 2);
    for (size_t i = 0; i < sizeof two_answers - 1; i++) {
        char piece[2] = {two_answers[i], '\0'};
        modem_trace_feed(&t, piece, NULL, NULL);
    }
    assert_int_equal(answers, 4);
    modem_trace_feed(&t, listing, NULL, NULL);
    assert_int_equal(answers, 4);
    assert_pdu(&t);
    modem_trace_on_answer(NULL, NULL);
    modem_trace_feed(&t, two_answers, NULL, NULL);
    assert_int_equal(answers, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listing_whole_and_in_pieces),
        cmocka_unit_test(test_cmgr_answer),
        cmocka_unit_test(test_forget_and_garbage),
        cmocka_unit_test(test_answers_told),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
