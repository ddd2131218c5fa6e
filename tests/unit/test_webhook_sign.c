/*
 * Unit tests for webhook_sign: the HMAC is HMAC-SHA256 (RFC 4231's test cases 2 and 6, the
 * latter with a key longer than SHA-256's block), and a delivery's signature covers the
 * timestamp, a dot and the body, as a receiver computes it (the value was made with Python's
 * hmac module).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "webhook_sign.h"

static void test_hmac_sha256_rfc4231(void **state)
{
    (void)state;
    char hex[WEBHOOK_SIGN_HEX];
    const char *msg = "what do ya want for nothing?";
    assert_int_equal(webhook_hmac_hex("Jefe", 4, msg, strlen(msg), hex), 0);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    char key[131];
    memset(key, 0xaa, sizeof key);
    msg = "Test Using Larger Than Block-Size Key - Hash Key First";
    assert_int_equal(webhook_hmac_hex(key, sizeof key, msg, strlen(msg), hex), 0);
    assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_signature_covers_timestamp_and_body(void **state)
{
    (void)state;
    char hex[WEBHOOK_SIGN_HEX], other[WEBHOOK_SIGN_HEX];
    const char *secret = "0123456789abcdef0123";
    const char *body = "{\"ticket\":\"1000002\"}";
    assert_int_equal(webhook_sign(secret, "1765000000", body, hex), 0);
    assert_string_equal(hex, "7521ba5309fb379e748774b27961ba73de3152f73d5a81496a515b1dd3228345");
    /* Another time or another body is another signature: a replay cannot be re-dated. */
    assert_int_equal(webhook_sign(secret, "1765000001", body, other), 0);
    assert_string_not_equal(hex, other);
    assert_int_equal(webhook_sign(secret, "1765000000", "{\"ticket\":\"1000015\"}", other), 0);
    assert_string_not_equal(hex, other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_sha256_rfc4231),
        cmocka_unit_test(test_signature_covers_timestamp_and_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
