/*
 * Unit tests for outbox: what it keeps when the database fails while replies are being sent. The
 * database is stood in for by this file's own store_outbox functions (the linker takes them
 * before the library's), the modem by a table of two operations.
 *
 * outbox.c once asked realloc for 0 bytes when a failed batch had sent nothing: glibc then frees
 * the list of parts waiting to be recorded and returns NULL, leaving the outbox pointing at freed
 * memory. A second such failure freed it, and outbox_free freed it again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "modem.h"
#include "outbox.h"
#include "store_outbox.h"

/* The stand-in database: whether each kind of statement succeeds, and what it was told. */
static struct {
    bool begin_ok;
    bool conclude_ok;
    int claims;  /* replies claimed so far; each claim takes one new reply */
    int settled; /* parts recorded after the fact */
    long long settled_id;
    int settled_seq;
    int settled_ref;
} db;

int store_outbox_claim(struct store *s, const char *owner, const char *instance, int lease_s,
                       int grace_s, int limit, struct store_reply **out, size_t *n)
{
    (void)s, (void)owner, (void)instance, (void)lease_s, (void)grace_s, (void)limit;
    struct store_reply *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->id = ++db.claims;
    r->destination = strdup("+6281234567890");
    r->text = strdup("LAPOR! Terima kasih, laporan Anda diterima.");
    *out = r;
    *n = 1;
    return 0;
}

void store_replies_free(struct store_reply *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].destination);
        free(r[i].text);
    }
    free(r);
}

int store_outbox_part_begin(struct store *s, const char *owner, const char *instance,
                            const struct store_part_result *done, size_t n_done, long long id,
                            int seq, int parts, bool *begun)
{
    (void)s, (void)owner, (void)instance, (void)done, (void)n_done, (void)id, (void)seq;
    (void)parts;
    *begun = db.begin_ok;
    return db.begin_ok ? 0 : -1;
}

int store_outbox_conclude(struct store *s, const char *owner, const struct store_part_result *p,
                          size_t np, const struct store_reply_result *r, size_t nr)
{
    (void)s, (void)owner, (void)p, (void)np, (void)r, (void)nr;
    return db.conclude_ok ? 0 : -1;
}

int store_outbox_settle(struct store *s, long long id, const char *owner, int seq,
                        const char *status, int msg_ref, int parts)
{
    (void)s, (void)owner, (void)parts;
    assert_string_equal(status, "sent");
    db.settled++;
    db.settled_id = id;
    db.settled_seq = seq;
    db.settled_ref = msg_ref;
    return 0;
}

int store_outbox_recover(struct store *s, const char *owner, const char *instance, bool own,
                         int *requeued, int *unknown)
{
    (void)s, (void)owner, (void)instance, (void)own;
    *requeued = 0;
    *unknown = 0;
    return 0;
}

/* The modem: every reply is one part, and the network takes every part. */
static int one_part(struct modem *m, const char *utf8)
{
    (void)m, (void)utf8;
    return 1;
}

static enum modem_send_result taken(struct modem *m, const char *number, const char *utf8, int ref,
                                    int index, int *msg_ref, char *err, size_t errcap)
{
    (void)m, (void)number, (void)utf8, (void)ref, (void)index, (void)err, (void)errcap;
    *msg_ref = 42;
    return MODEM_SEND_OK;
}

static const struct modem_ops fake_ops = {
    .name = "fake", .count_parts = one_part, .send_part = taken};

static struct outbox *new_outbox(struct conf *c, struct modem *m)
{
    memset(&db, 0, sizeof db);
    memset(c, 0, sizeof *c);
    static char instance[] = "test1";
    c->instance = instance;
    c->lease_s = 60;
    c->retry = (struct conf_retry){.max_attempts = 3, .first_delay_s = 10, .max_delay_s = 60};
    *m = (struct modem){.ops = &fake_ops};
    struct outbox *o = outbox_new(c, NULL, m, "test1:1:1");
    assert_non_null(o);
    return o;
}

/* The database fails before the first part is begun, twice: nothing was sent, nothing is kept,
 * and the outbox is freed once (the old code freed its list in the second failure and again in
 * outbox_free: glibc and ASan both stop on that). */
static void test_two_failures_with_nothing_sent(void **state)
{
    (void)state;
    struct conf c;
    struct modem m;
    struct outbox *o = new_outbox(&c, &m);
    assert_int_equal(outbox_run(o, 10), OUTBOX_DB_ERROR);
    assert_int_equal(outbox_run(o, 10), OUTBOX_DB_ERROR);
    db.begin_ok = db.conclude_ok = true;
    assert_int_equal(outbox_recover(o, true), 0);
    assert_int_equal(db.settled, 0);
    outbox_free(o);
}

/* Failures with nothing sent around one in which a part went out: that part, and only it, is
 * recorded as sent once the database is back (the old code wrote it into freed memory). */
static void test_sent_part_kept_through_failures(void **state)
{
    (void)state;
    struct conf c;
    struct modem m;
    struct outbox *o = new_outbox(&c, &m);
    assert_int_equal(outbox_run(o, 10), OUTBOX_DB_ERROR); /* reply 1: not begun */
    assert_int_equal(outbox_run(o, 10), OUTBOX_DB_ERROR); /* reply 2: not begun */
    db.begin_ok = true;
    assert_int_equal(outbox_run(o, 10), OUTBOX_DB_ERROR); /* reply 3: sent, not concluded */
    db.begin_ok = false;
    assert_int_equal(outbox_run(o, 10), OUTBOX_DB_ERROR); /* reply 4: not begun */
    assert_int_equal(db.settled, 0);
    db.begin_ok = db.conclude_ok = true;
    assert_int_equal(outbox_recover(o, true), 0);
    assert_int_equal(db.settled, 1);
    assert_int_equal(db.settled_id, 3);
    assert_int_equal(db.settled_seq, 1);
    assert_int_equal(db.settled_ref, 42);
    /* Recorded once: a second recovery has nothing left to settle. */
    assert_int_equal(outbox_recover(o, true), 0);
    assert_int_equal(db.settled, 1);
    outbox_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_failures_with_nothing_sent),
        cmocka_unit_test(test_sent_part_kept_through_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
