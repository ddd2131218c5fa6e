/*
 * Unit tests for modem_wire: read records travel whole, take only the bytes a part uses, and a
 * malformed one is refused whatever its lengths say.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "modem_wire.h"

static void sample_part(struct modem_part *p)
{
    memset(p, 0, sizeof *p);
    p->location = 10042;
    strcpy(p->sender, "+6281234567890");
    p->pid = -1;
    strcpy(p->smsc, "+62816124");
    p->smsc_time = 1700000000;
    p->coding = MODEM_CODING_UCS2;
    p->msg_class = -1;
    p->concat_ref = 77;
    p->concat_total = 2;
    p->concat_seq = 1;
    strcpy(p->text, "Jalan rusak di depan sekolah");
    memcpy(p->udh, "\x05\x00\x03\x4d\x02\x01", 6);
    p->udh_len = 6;
    for (size_t i = 0; i < 56; i++) {
        p->raw[i] = (unsigned char)(i % 2 ? p->text[i / 2] : 0);
    }
    p->raw_len = 56;
}

static void records_travel_whole(void **state)
{
    (void)state;
    unsigned char buf[3 * WIRE_RECORD_MAX];
    struct modem_part sent, got;
    sample_part(&sent);
    size_t pos = 0;
    assert_int_equal(wire_put_record(buf, sizeof buf, &pos, MODEM_READ_PART, &sent), 0);
    assert_true(pos < 600); /* only the bytes used travel */
    assert_int_equal(wire_put_record(buf, sizeof buf, &pos, MODEM_READ_END, NULL), 0);
    size_t len = pos, at = 0;
    enum modem_read_result r;
    memset(&got, 0xAA, sizeof got);
    assert_int_equal(wire_take_record(buf, len, &at, &r, &got), 0);
    assert_int_equal(r, MODEM_READ_PART);
    assert_memory_equal(&got, &sent, offsetof(struct modem_part, text));
    assert_memory_equal(got.text, sent.text, sizeof got.text);
    assert_memory_equal(got.udh, sent.udh, sizeof got.udh);
    assert_memory_equal(got.raw, sent.raw, sizeof got.raw);
    assert_int_equal(got.udh_len, 6);
    assert_int_equal(got.raw_len, 56);
    assert_int_equal(wire_take_record(buf, len, &at, &r, &got), 0);
    assert_int_equal(r, MODEM_READ_END);
    assert_int_equal(at, len);
}

static void room_is_checked(void **state)
{
    (void)state;
    unsigned char buf[64];
    struct modem_part part;
    sample_part(&part);
    size_t pos = 0;
    assert_int_equal(wire_put_record(buf, sizeof buf, &pos, MODEM_READ_PART, &part), -1);
    assert_int_equal(pos, 0);
    assert_int_equal(wire_put_record(buf, sizeof buf, &pos, MODEM_READ_END, NULL), 0);
    assert_int_equal(pos, sizeof(int32_t));
}

/* Every cut of a record is refused; so are lengths past the part's buffers. */
static void malformed_is_refused(void **state)
{
    (void)state;
    unsigned char *buf = malloc(WIRE_RECORD_MAX);
    struct modem_part *part = malloc(sizeof *part);
    assert_non_null(buf);
    assert_non_null(part);
    sample_part(part);
    size_t len = 0;
    assert_int_equal(wire_put_record(buf, WIRE_RECORD_MAX, &len, MODEM_READ_PART, part), 0);
    enum modem_read_result r;
    for (size_t cut = 0; cut < len; cut++) {
        size_t at = 0;
        assert_int_equal(wire_take_record(buf, cut, &at, &r, part), -1);
        assert_int_equal(at, 0);
    }
    /* The text's length: as long as the whole buffer, leaving no room for its end. */
    size_t lens_at = sizeof(int32_t) + offsetof(struct modem_part, text);
    uint32_t huge = sizeof part->text;
    memcpy(buf + lens_at, &huge, sizeof huge);
    size_t at = 0;
    assert_int_equal(wire_take_record(buf, WIRE_RECORD_MAX, &at, &r, part), -1);
    free(buf);
    free(part);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_travel_whole),
        cmocka_unit_test(room_is_checked),
        cmocka_unit_test(malformed_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
