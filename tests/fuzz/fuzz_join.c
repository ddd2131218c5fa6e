/*
 * libFuzzer target for multipart joining. The joining is done by PostgreSQL, in intake_batch()
 * (sql/repeatable/60_intake_batch.sql), so this target drives a real server: every input is read
 * as a stream of SMS parts that arrive at the daemon, each batch stored through store_intake()
 * in one call exactly as the intake stores a poll (store.c linked in, the same sender
 * normalisation, the same UTF-8 clean-up, batches committed as intake_poll commits them, the
 * multipart timeout's sweep in between). Every answer must be what storing the parts one by one
 * in order would give. A model of
 * what must have happened is kept alongside and compared with every answer and, at the end, with
 * the tables themselves. Any difference aborts, which libFuzzer reports as a crash.
 *
 * What is checked (PRODUCT.md, "What must never happen"):
 *   - every part is stored exactly once: a part read again is a 'duplicate' of the same message,
 *     any other part gets a row of its own, and no row is missing;
 *   - no message mixes senders, references or totals, and no message holds one part number twice;
 *   - a part never starts a message of its own while a message it could complete is open, so a
 *     complete set of parts ends in one message, never split;
 *   - a message is complete exactly when it holds parts 1..total, and its text is then its parts'
 *     UTF-16 units in part-number order, those of parts numbered one after the other decoded
 *     together (so that a surrogate pair cut by a part boundary is whole); 'complete' is answered
 *     once, by the part that completed it, 'late' by every part after that or after the timeout
 *     closed it, each with the message's text as the whole batch left it;
 *   - a single SMS (total 0 or 1) is a message of its own, with its text.
 * Which of several open messages a part joins when more than one could take it (a reference
 * reused while its earlier message is still open) is a matter of policy, not checked here.
 *
 * The database: LAPOR_FUZZ_JOIN_DB holds a libpq connection string for a database of its own,
 * which this target migrates and then empties after every input (tests/fuzz/run_join.sh starts a
 * private cluster for it). A second connection reads the tables after the parts are committed.
 *
 * Input format (bytes missing at the end read as 0); each step starts with one byte op:
 *   op % 8 in 0..3   a part: sender, reference, total 0..4, sequence 0..5, SMSC time, text
 *   op % 8 == 4      the part at index (next byte) of those sent so far, sent again
 *   op % 8 == 5      a whole message at once: 2..7 parts or 248..255, in one of four orders,
 *                    optionally with one part left out
 *   op % 8 == 6      commit the batch and begin the next; with op & 8 also run the timeout sweep
 *   op % 8 == 7      a part whose total and sequence are whole bytes (0..255)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msisdn.h"
#include "store.h"
#include "store_intake.h"
#include "store_schema.h"
#include "textcodec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Limits that keep one input to well under a second: 1,024 parts, 64 batches. */
#define MAX_CALLS 1024
#define MAX_TEXT 128
#define MAX_RAW 256

/* The same number in two spellings, another number, and an alphanumeric sender. */
static const char *const senders[] = {"+6281234500001", "081234500001", "+6281234500002",
                                      "LAPOR"};
#define NSENDERS (sizeof senders / sizeof senders[0])

/* SMSC times lie within the join window of the first part (intake.c joins within an hour), so
 * that the window never decides a join: a few minutes' steps from a fixed point. */
#define BASE_TIME 1767225600LL /* 2026-01-01 00:00:00 UTC */
#define JOIN_WINDOW_S 3600

struct part {
    int sender;     /* index into senders[] */
    char norm[MSISDN_MAX];
    int ref, total, seq; /* as handed to the store; all 0 for a single SMS */
    long long smsc_time; /* 0 for none */
    unsigned char udh[8];
    size_t udh_len;
    unsigned char raw[MAX_RAW]; /* the model's identity of the part: all it is, as a PDU is */
    size_t raw_len;
    unsigned char units[2 * MAX_TEXT]; /* its text as UTF-16BE, stored as sms_part.raw */
    size_t nunits;
    char text[MAX_TEXT * 3 + 1];
    long long msg_id; /* the message it went into, once stored */
};

enum state { ST_OPEN, ST_COMPLETE, ST_INCOMPLETE };

struct message {
    long long id;
    int first_part; /* index into parts[] of the part that started it */
    bool single;
    enum state state;
    int batch;   /* the batch (transaction) that created it */
    int nparts;
    int parts[MAX_CALLS]; /* indices into parts[], in order of arrival */
};

/* The model of one input: the distinct parts stored and the messages they make. */
static struct part parts[MAX_CALLS];
static int nparts;
static struct message *messages; /* MAX_CALLS of them, allocated once */
static int nmessages;
static int batch;

static struct store *store;
/* A second connection, through which the checks read what the first one committed. */
static struct store *reader;

/*
 * libFuzzer can see only the C code's branches, and what this target is about happens inside
 * PostgreSQL. These counters give it the server's side: each answer counts once under a number
 * made of what was sent and what came back, so an input that makes the database answer in a new
 * way is kept as interesting. libFuzzer reads them like its own coverage counters.
 */
__attribute__((section("__libfuzzer_extra_counters"), used)) static uint8_t extra[1024];

static void feature(unsigned n)
{
    uint8_t *c = &extra[n % sizeof extra];
    if (*c < 255) {
        (*c)++;
    }
}

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_join: broken: %s\n", what);
    abort();
}

static void check(bool cond, const char *what)
{
    if (!cond) {
        fail(what);
    }
}

/* ---- set-up ---- */

static struct store_rows *query(const char *sql)
{
    struct store_rows *r = store_query(reader, sql, 0, NULL);
    if (r == NULL) {
        fprintf(stderr, "fuzz_join: %s: %s\n", sql, store_error(reader));
        fail("a query of the checker failed");
    }
    return r;
}

static void exec_ok(const char *sql)
{
    if (store_exec(reader, sql, 0, NULL) != 0) {
        fprintf(stderr, "fuzz_join: %s: %s\n", sql, store_error(reader));
        fail("a statement of the checker failed");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *conninfo = getenv("LAPOR_FUZZ_JOIN_DB");
    if (conninfo == NULL || conninfo[0] == '\0') {
        fputs("fuzz_join: set LAPOR_FUZZ_JOIN_DB to the connection string of a database of its "
              "own (tests/fuzz/run_join.sh starts one)\n",
              stderr);
        exit(2);
    }
    store = store_new(conninfo);
    int from, to;
    if (store == NULL || store_connect(store) != 0 || store_migrate(store, &from, &to) != 0) {
        fprintf(stderr, "fuzz_join: %s\n", store ? store_error(store) : "out of memory");
        exit(2);
    }
    reader = store_new(conninfo);
    if (reader == NULL || store_connect(reader) != 0) {
        fprintf(stderr, "fuzz_join: %s\n", reader ? store_error(reader) : "out of memory");
        exit(2);
    }
    /* The target empties sms_in after each input: refuse a database where that would lose
     * anything, i.e. one that has ever made a complaint. */
    struct store_rows *r =
        query("SELECT (SELECT count(*) FROM complaint) + (SELECT count(*) FROM outbox)");
    if (store_rows_ll(r, 0, 0) != 0) {
        fputs("fuzz_join: this database holds complaints; give the target one of its own\n",
              stderr);
        exit(2);
    }
    store_rows_free(r);
    exec_ok("DELETE FROM sms_part");
    exec_ok("DELETE FROM sms_in");
    messages = calloc(MAX_CALLS, sizeof *messages);
    if (messages == NULL) {
        exit(2);
    }
    return 0;
}

/* ---- reading the input ---- */

struct input {
    const uint8_t *data;
    size_t size, at;
};

static unsigned next(struct input *in)
{
    return in->at < in->size ? in->data[in->at++] : 0;
}

static bool more(const struct input *in)
{
    return in->at < in->size;
}

/* Fills what a part carries besides its numbers: normalised sender, header, raw bytes. */
static void finish_part(struct part *p, bool ref16, int udh_total, int udh_seq)
{
    /* As intake.c: a number that does not normalise is kept as it came. */
    if (msisdn_normalise(senders[p->sender], p->norm, sizeof p->norm) < 0) {
        snprintf(p->norm, sizeof p->norm, "%s", senders[p->sender]);
    }
    /* The concatenation element exactly as the phone sent it (3GPP TS 23.040 9.2.3.24.1 and
     * .24.8). A total of 0 still has its header; only the modem layer reads it as no
     * concatenation and passes zeros. */
    p->udh_len = 0;
    if (udh_total >= 0) {
        if (ref16) {
            const unsigned char h[] = {6, 0x08, 4, (unsigned char)(p->ref >> 8),
                                       (unsigned char)p->ref, (unsigned char)udh_total,
                                       (unsigned char)udh_seq};
            memcpy(p->udh, h, sizeof h);
            p->udh_len = sizeof h;
        } else {
            const unsigned char h[] = {5, 0x00, 3, (unsigned char)p->ref, (unsigned char)udh_total,
                                       (unsigned char)udh_seq};
            memcpy(p->udh, h, sizeof h);
            p->udh_len = sizeof h;
        }
    }
    /* The raw PDU holds everything the part is, so two parts have the same raw bytes exactly when
     * they are the same part; a stand-in made of the same fields keeps that true. */
    size_t n = 0;
    size_t slen = strlen(senders[p->sender]);
    memcpy(p->raw + n, senders[p->sender], slen);
    n += slen;
    p->raw[n++] = 0;
    for (int i = 0; i < 8; i++) {
        p->raw[n++] = (unsigned char)((unsigned long long)p->smsc_time >> (8 * i));
    }
    memcpy(p->raw + n, p->udh, p->udh_len);
    n += p->udh_len;
    size_t tlen = 2 * p->nunits;
    if (tlen > MAX_RAW - n) {
        tlen = MAX_RAW - n;
    }
    memcpy(p->raw + n, p->units, tlen);
    p->raw_len = n + tlen;
}

/* The part's text from its units, as the modem layer makes it (modem_decode_utf16). */
static void text_from_units(struct part *p)
{
    long n = text_utf16be_to_utf8(p->units, p->nunits, p->text, sizeof p->text);
    check(n >= 0, "text_utf16be_to_utf8 refused its own capacity");
}

/* The SMSC time from one byte: 0 for none, else steps of 14 s (at most 3,570 s apart). */
static long long smsc_time_of(unsigned b)
{
    return b == 0 ? 0 : BASE_TIME + 14LL * b;
}

/* UCS-2 text: letters, and halves of surrogate pairs often enough that a pair is cut by a part
 * boundary, or left alone. */
static void text_of(struct input *in, struct part *p)
{
    p->nunits = next(in) % 12;
    for (size_t i = 0; i < p->nunits; i++) {
        unsigned b = next(in);
        unsigned u = (b & 0xC0) == 0xC0   ? 0xD83D
                     : (b & 0xC0) == 0x80 ? 0xDE00 | (b & 0x3F)
                                          : 'a' + b % 26;
        p->units[2 * i] = (unsigned char)(u >> 8);
        p->units[2 * i + 1] = (unsigned char)u;
    }
    text_from_units(p);
}

/* One part from the input. wide: total and sequence are whole bytes rather than small numbers. */
static void read_part(struct input *in, struct part *p, bool wide)
{
    memset(p, 0, sizeof *p);
    unsigned s = next(in);
    unsigned r = next(in);
    unsigned t = next(in);
    unsigned q = next(in);
    p->sender = (int)(s % NSENDERS);
    bool ref16 = (s & 4) != 0;
    /* Few references, so that they meet; the 16-bit ones reach above 255 as well. */
    p->ref = (int)(r & 7);
    if (ref16) {
        p->ref |= (int)((r >> 3) & 3) << 8;
    }
    int total = wide ? (int)t : (int)(t % 5);
    int seq = wide ? (int)q : (int)(q % 6);
    p->smsc_time = smsc_time_of(next(in));
    text_of(in, p);
    p->total = total;
    p->seq = seq;
    if (total == 0) {
        /* mg_parse_concat: a total of 0 is no concatenation; reference and number are dropped. */
        p->ref = 0;
        p->seq = 0;
    }
    /* A single SMS usually has no header at all; with s & 8 it has one that says total 0. */
    bool header = total != 0 || (s & 8) != 0;
    finish_part(p, ref16, header ? total : -1, seq);
}

/* ---- the model ---- */

static struct message *find_message(long long id)
{
    for (int i = 0; i < nmessages; i++) {
        if (messages[i].id == id) {
            return &messages[i];
        }
    }
    return NULL;
}

static bool same_part(const struct part *a, const struct part *b)
{
    return a->raw_len == b->raw_len && memcmp(a->raw, b->raw, a->raw_len) == 0;
}

/* Parts 1..total all there. */
static bool covered(const struct message *m)
{
    const struct part *first = &parts[m->first_part];
    for (int want = 1; want <= first->total; want++) {
        bool have = false;
        for (int i = 0; i < m->nparts && !have; i++) {
            have = parts[m->parts[i]].seq == want;
        }
        if (!have) {
            return false;
        }
    }
    return true;
}

static bool has_seq(const struct message *m, int seq)
{
    for (int i = 0; i < m->nparts; i++) {
        if (parts[m->parts[i]].seq == seq) {
            return true;
        }
    }
    return false;
}

/* Whether part p may join message m: same sender, reference and total, its number not there. */
static bool may_join(const struct message *m, const struct part *p)
{
    const struct part *f = &parts[m->first_part];
    return !m->single && strcmp(f->norm, p->norm) == 0 && f->ref == p->ref &&
           f->total == p->total && !has_seq(m, p->seq);
}

/* Decodes the units of a run of parts numbered one after the other onto buf at *n. */
static void run_out(const unsigned char *run, size_t nunits, char *buf, size_t cap, size_t *n)
{
    long got = text_utf16be_to_utf8(run, nunits, buf + *n, cap - *n);
    check(got >= 0, "joined text buffer too small");
    *n += (size_t)got;
}

/* The joined text: the parts' units in part-number order (numbers are distinct in a message),
 * each run of numbers one after the other decoded as one. Written into buf, which holds
 * MAX_CALLS texts. */
static void joined_text(const struct message *m, char *buf, size_t cap)
{
    static unsigned char run[MAX_CALLS * 2 * MAX_TEXT];
    size_t n = 0, nrun = 0;
    int prev = 0;
    buf[0] = '\0';
    bool used[MAX_CALLS] = {false};
    for (int k = 0; k < m->nparts; k++) {
        int best = -1;
        for (int i = 0; i < m->nparts; i++) {
            if (!used[i] && (best < 0 || parts[m->parts[i]].seq < parts[m->parts[best]].seq)) {
                best = i;
            }
        }
        used[best] = true;
        const struct part *p = &parts[m->parts[best]];
        if (nrun > 0 && p->seq != prev + 1) {
            run_out(run, nrun, buf, cap, &n);
            nrun = 0;
        }
        memcpy(run + 2 * nrun, p->units, 2 * p->nunits);
        nrun += p->nunits;
        prev = p->seq;
    }
    run_out(run, nrun, buf, cap, &n);
}

static char joined_buf[MAX_CALLS * (MAX_TEXT * 3) + 1];

/* ---- feeding parts ---- */

static const char *const outcome_names[] = {"duplicate", "single", "waiting", "complete", "late"};

static int calls;

/* The parts of the current batch, sent to the store together when it ends, as intake_poll sends
 * a poll's parts: copies, with the op that made each. */
static struct part pending[MAX_CALLS];
static unsigned pending_op[MAX_CALLS];
static struct store_part_in pending_in[MAX_CALLS];
static struct store_part_out pending_out[MAX_CALLS];
static int npending;

static void check_answer(const struct part *p, unsigned op, struct store_part_out out);
static void check_later(void);
/* The texts closing parts of the batch came with, and their messages. */
static long long later_msg[MAX_CALLS];
static char *later_text[MAX_CALLS];
static int nlater;

/* Queues part p (already filled in) for the batch. */
static void send_part(const struct part *p, unsigned op)
{
    if (calls >= MAX_CALLS) {
        return;
    }
    calls++;
    pending[npending] = *p;
    pending_op[npending] = op;
    npending++;
}

/* Stores the batch's parts in one call, as the intake would, and checks each answer in order. */
static void flush_parts(void)
{
    for (int i = 0; i < npending; i++) {
        const struct part *p = &pending[i];
        pending_in[i] = (struct store_part_in){
            .instance = "fuzz",
            .sender = p->norm,
            .sender_raw = senders[p->sender],
            .smsc = "+6281100000",
            .smsc_time = p->smsc_time,
            .coding = "ucs2",
            .msg_class = -1,
            .kind = "text",
            .concat_ref = p->ref,
            .concat_total = p->total,
            .concat_seq = p->seq,
            .udh = p->udh_len > 0 ? p->udh : NULL,
            .udh_len = p->udh_len,
            .raw = p->units,
            .raw_len = 2 * p->nunits,
            .text = p->text,
            .join_window_s = JOIN_WINDOW_S,
        };
    }
    struct store_intake_batch b = {
        .parts = pending_in, .n_parts = (size_t)npending, .part_out = pending_out};
    if (npending > 0 && store_intake(store, &b) != 0) {
        fprintf(stderr, "fuzz_join: store_intake: %s\n", store_error(store));
        fail("storing a batch failed");
    }
    feature(760 + (unsigned)(npending > 15 ? 15 : npending));
    for (int i = 0; i < npending; i++) {
        check_answer(&pending[i], pending_op[i], pending_out[i]);
    }
    check_later();
    npending = 0;
}

/* Checks what became of part p against the model, which it updates. Takes out's text. */
static void check_answer(const struct part *p, unsigned op, struct store_part_out out)
{
    int seen = -1;
    for (int i = 0; i < nparts && seen < 0; i++) {
        if (same_part(&parts[i], p)) {
            seen = i;
        }
    }
    bool multipart = p->total > 1;
    unsigned seqclass = p->seq == 0 ? 0 : p->seq <= p->total ? 1 : 2;
    feature(((unsigned)out.outcome * 8 + (op % 8)) * 16 + (multipart ? 4 : 0) + seqclass);

    if (seen >= 0) {
        check(out.outcome == STORE_PART_DUPLICATE, "a part sent again was not a duplicate");
        check(out.msg_id == parts[seen].msg_id, "a duplicate named another message");
        check(out.text == NULL, "a duplicate came with a text");
        free(out.text);
        return;
    }
    check(out.outcome != STORE_PART_DUPLICATE, "a new part was taken for a duplicate");
    check(nparts < MAX_CALLS, "too many parts");
    int idx = nparts++;
    parts[idx] = *p;
    parts[idx].msg_id = out.msg_id;

    struct message *m = find_message(out.msg_id);
    if (!multipart) {
        check(out.outcome == STORE_PART_SINGLE, "a single SMS was not answered 'single'");
        check(m == NULL, "a single SMS joined an existing message");
        check(out.complete, "a single SMS is not complete");
        check(out.text != NULL && strcmp(out.text, p->text) == 0, "a single SMS lost its text");
        m = &messages[nmessages++];
        memset(m, 0, sizeof *m);
        *m = (struct message){.id = out.msg_id, .first_part = idx, .single = true,
                              .state = ST_COMPLETE, .batch = batch};
        m->parts[m->nparts++] = idx;
        free(out.text);
        return;
    }

    check(out.outcome != STORE_PART_SINGLE, "a part of a multipart message was 'single'");
    if (m == NULL) {
        /* A new message is right only when no message could have taken the part. */
        for (int i = 0; i < nmessages; i++) {
            check(!may_join(&messages[i], p),
                  "a part started a new message while one it fits was there");
        }
        m = &messages[nmessages++];
        memset(m, 0, sizeof *m);
        m->id = out.msg_id;
        m->first_part = idx;
        m->state = ST_OPEN;
        m->batch = batch;
    } else {
        check(!m->single, "a part joined a single SMS");
        const struct part *f = &parts[m->first_part];
        check(strcmp(f->norm, p->norm) == 0, "a message mixes two senders");
        check(f->ref == p->ref, "a message mixes two references");
        check(f->total == p->total, "a message mixes two totals");
        check(!has_seq(m, p->seq), "a message holds one part number twice");
    }
    m->parts[m->nparts++] = idx;
    bool now_covered = covered(m);
    check(out.complete == now_covered, "msg_complete does not say whether parts 1..total are in");

    enum store_part_outcome want;
    if (m->state == ST_OPEN) {
        want = now_covered ? STORE_PART_COMPLETE : STORE_PART_WAITING;
    } else {
        want = STORE_PART_LATE;
    }
    if (out.outcome != want) {
        fprintf(stderr, "fuzz_join: part %d/%d (ref %d) answered '%s', expected '%s'\n", p->seq,
                p->total, p->ref, outcome_names[out.outcome], outcome_names[want]);
        fail("wrong outcome");
    }
    if (want == STORE_PART_WAITING) {
        check(out.text == NULL, "a waiting part came with a text");
        free(out.text);
    } else {
        /* The text is the one the whole batch leaves: checked when all answers are in. */
        check(out.text != NULL, "a closing part came without a text");
        later_msg[nlater] = m->id;
        later_text[nlater++] = out.text;
        if (now_covered) {
            m->state = ST_COMPLETE;
        }
    }
    feature(640 + (unsigned)(m->nparts > 15 ? 15 : m->nparts) * 4 + m->state);
}

/* The texts of the batch's closing parts against their messages as the batch left them. */
static void check_later(void)
{
    for (int i = 0; i < nlater; i++) {
        joined_text(find_message(later_msg[i]), joined_buf, sizeof joined_buf);
        check(strcmp(later_text[i], joined_buf) == 0,
              "the joined text is not the parts' units in part-number order");
        free(later_text[i]);
    }
    nlater = 0;
}

/* A whole message of one sender and reference, in one of several orders. */
static void send_burst(struct input *in, unsigned op)
{
    struct part p;
    memset(&p, 0, sizeof p);
    unsigned s = next(in);
    unsigned r = next(in);
    unsigned t = next(in);
    unsigned o = next(in);
    unsigned when = next(in);
    unsigned letter = next(in);
    p.sender = (int)(s % NSENDERS);
    bool ref16 = (s & 4) != 0;
    p.ref = (int)(r & 7) | (ref16 ? (int)((r >> 3) & 3) << 8 : 0);
    int total = t >= 0xf8 ? (int)t : 2 + (int)(t % 6);
    bool drop = (o & 0x80) != 0;
    int dropped = 1 + (int)((o >> 2) & 0x1f) % total;
    int start = (int)((o >> 2) & 0x1f) % total;
    for (int i = 0; i < total; i++) {
        int seq;
        switch (o & 3) {
        case 0:
            seq = i + 1;
            break;
        case 1:
            seq = total - i;
            break;
        case 2:
            seq = (start + i) % total + 1;
            break;
        default: /* even numbers first, then odd */
            seq = i < total / 2 ? 2 * (i + 1) : 2 * (i - total / 2) + 1;
            break;
        }
        if (drop && seq == dropped) {
            continue;
        }
        p.total = total;
        p.seq = seq;
        p.smsc_time = smsc_time_of(when);
        char text[16];
        snprintf(text, sizeof text, "%c%d.", 'a' + (int)(letter % 26), seq);
        long nunits = text_utf8_to_utf16be(text, p.units, MAX_TEXT);
        check(nunits >= 0, "a burst's text did not encode");
        p.nunits = (size_t)nunits;
        text_from_units(&p);
        finish_part(&p, ref16, total, seq);
        send_part(&p, op);
    }
}

/* The multipart timeout's sweep, as intake_expire runs it, with a timeout of 0: every message
 * still open from an earlier batch is closed as incomplete, with the text it has. */
static void sweep(void)
{
    struct store_msg *closed;
    size_t n;
    if (store_expire_open(store, 0, MAX_CALLS, &closed, &n) != 0) {
        fprintf(stderr, "fuzz_join: store_expire_open: %s\n", store_error(store));
        fail("the sweep failed");
    }
    int expected = 0;
    for (int i = 0; i < nmessages; i++) {
        if (messages[i].state == ST_OPEN && messages[i].batch < batch) {
            expected++;
        }
    }
    check((int)n == expected, "the sweep closed other messages than the open ones of earlier "
                              "batches");
    for (size_t k = 0; k < n; k++) {
        struct message *m = find_message(closed[k].id);
        check(m != NULL && m->state == ST_OPEN && m->batch < batch, "the sweep closed a message "
                                                                    "it should not have");
        check(strcmp(closed[k].sender, parts[m->first_part].norm) == 0,
              "the sweep gave a message another sender");
        joined_text(m, joined_buf, sizeof joined_buf);
        check(strcmp(closed[k].text, joined_buf) == 0,
              "the sweep's text is not the parts' units in part-number order");
        m->state = ST_INCOMPLETE;
    }
    feature(720 + (unsigned)(n > 7 ? 7 : n));
    store_msgs_free(closed, n);
}

static void begin(void)
{
    if (store_begin(store) != 0) {
        fprintf(stderr, "fuzz_join: BEGIN: %s\n", store_error(store));
        fail("BEGIN failed");
    }
}

static void commit(void)
{
    flush_parts();
    if (store_commit(store) != 0) {
        fprintf(stderr, "fuzz_join: COMMIT: %s\n", store_error(store));
        fail("COMMIT failed");
    }
    batch++;
}

/* ---- the tables against the model ---- */

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static void check_tables(void)
{
    struct store_rows *r = query("SELECT encode(raw, 'hex'), sms_in_id, text,"
                                 " coalesce(concat_seq, 0) FROM sms_part ORDER BY id");
    check(store_rows_count(r) == nparts, "the number of stored parts differs from the parts sent");
    char rawhex[2 * MAX_RAW + 1];
    static bool used[MAX_CALLS];
    memset(used, 0, sizeof used);
    for (int i = 0; i < nparts; i++) {
        /* Parts placed together may be inserted before those of an earlier, harder group of the
         * same batch: each part is looked for among all rows not matched yet, by its units, its
         * message and its number, so that a part stored twice cannot stand in for a lost one. */
        hex(parts[i].units, 2 * parts[i].nunits, rawhex);
        int row = -1;
        for (int k = 0; k < store_rows_count(r) && row < 0; k++) {
            if (!used[k] && strcmp(store_rows_text(r, k, 0), rawhex) == 0 &&
                store_rows_ll(r, k, 1) == parts[i].msg_id && store_rows_ll(r, k, 3) == parts[i].seq) {
                row = k;
            }
        }
        if (row >= 0) {
            used[row] = true;
        }
        check(row >= 0, "a part is missing from the message it was answered with");
        check(strcmp(store_rows_text(r, row, 2), parts[i].text) == 0,
              "a stored part lost its text");
    }
    store_rows_free(r);

    r = query("SELECT id, sender, concat_ref, concat_total, state, text FROM sms_in ORDER BY id");
    check(store_rows_count(r) == nmessages, "the number of messages differs from the model's");
    for (int i = 0; i < store_rows_count(r); i++) {
        const struct message *m = find_message(store_rows_ll(r, i, 0));
        check(m != NULL, "a message the answers never named");
        const struct part *f = &parts[m->first_part];
        check(strcmp(store_rows_text(r, i, 1), f->norm) == 0, "a message has another sender");
        if (m->single) {
            check(store_rows_isnull(r, i, 2) && store_rows_isnull(r, i, 3),
                  "a single SMS has a reference or total");
        } else {
            check(!store_rows_isnull(r, i, 2) && store_rows_ll(r, i, 2) == f->ref &&
                      !store_rows_isnull(r, i, 3) && store_rows_ll(r, i, 3) == f->total,
                  "a message has another reference or total than its parts");
        }
        static const char *const names[] = {"open", "complete", "incomplete"};
        check(strcmp(store_rows_text(r, i, 4), names[m->state]) == 0,
              "a message is in the wrong state");
        if (m->state == ST_OPEN) {
            check(store_rows_isnull(r, i, 5), "an open message has a text");
        } else {
            joined_text(m, joined_buf, sizeof joined_buf);
            check(!store_rows_isnull(r, i, 5) && strcmp(store_rows_text(r, i, 5), joined_buf) == 0,
                  "a closed message's text is not its parts' units in part-number order");
        }
    }
    store_rows_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    struct input in = {.data = data, .size = size, .at = 0};
    nparts = 0;
    nmessages = 0;
    batch = 0;
    calls = 0;
    npending = 0;

    begin();
    while (more(&in) && calls < MAX_CALLS && batch < 64) {
        unsigned op = next(&in);
        struct part p;
        switch (op % 8) {
        case 4:
            if (nparts > 0) {
                send_part(&parts[next(&in) % (unsigned)nparts], op);
            }
            break;
        case 5:
            send_burst(&in, op);
            break;
        case 6:
            commit();
            begin();
            if (op & 8) {
                sweep();
            }
            break;
        case 7:
            read_part(&in, &p, true);
            send_part(&p, op);
            break;
        default:
            read_part(&in, &p, false);
            send_part(&p, op);
            break;
        }
    }
    commit();
    check_tables();
    feature(740 + (unsigned)(nmessages > 31 ? 31 : nmessages));

    /* Each input starts from empty tables. */
    exec_ok("DELETE FROM sms_part");
    exec_ok("DELETE FROM sms_in");
    return 0;
}
