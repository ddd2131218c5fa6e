/* store_confirm: see store_confirm.h. */
#include "store_confirm.h"

#include <stdlib.h>

int store_confirm_add(struct store *s, const char *sender, long long msg_id, long long seq,
                      const char *code, int ttl_s)
{
    char mbuf[STORE_NUMBUF], sbuf[STORE_NUMBUF], tbuf[STORE_NUMBUF];
    const char *params[] = {sender, store_param_ll(mbuf, true, msg_id),
                            store_param_ll(sbuf, true, seq), code,
                            store_param_ll(tbuf, true, ttl_s)};
    return store_exec(s,
                      "INSERT INTO confirmation (sender, sms_in_id, complaint_id, salt, code_hash,"
                      " expires_at)"
                      " SELECT $1, $2::bigint, $3::bigint, x.salt,"
                      "  sha256(convert_to(x.salt || $4, 'UTF8')),"
                      "  now() + make_interval(secs => $5::int)"
                      " FROM (SELECT gen_random_uuid()::text AS salt) x",
                      5, params);
}

struct taken {
    long long msg_id;
    char *text;
};

static void taken_from_row(const struct store_rows *r, int row, void *element)
{
    struct taken *t = element;
    t->msg_id = store_rows_ll(r, row, 0);
    t->text = store_rows_strdup(r, row, 1);
}

int store_confirm_take(struct store *s, const char *sender, const char *code, int max_attempts,
                       long long *msg_id, char **text)
{
    char abuf[STORE_NUMBUF];
    store_fmt_ll(abuf, max_attempts);
    const char *params[] = {sender, code, abuf};
    struct taken t = {0, NULL};
    bool found;
    *msg_id = 0;
    *text = NULL;
    if (store_query_row(s,
                        "UPDATE confirmation c SET used_at = now() FROM sms_in m"
                        " WHERE m.id = c.sms_in_id AND c.id = (SELECT id FROM confirmation"
                        "   WHERE sender = $1 AND used_at IS NULL AND expires_at > now()"
                        "   AND attempts < $3::int"
                        "   AND code_hash = sha256(convert_to(salt || $2, 'UTF8'))"
                        "   ORDER BY id DESC LIMIT 1 FOR UPDATE)"
                        " RETURNING c.sms_in_id, coalesce(m.text, '')",
                        3, params, taken_from_row, &t, &found) != 0) {
        return -1;
    }
    if (found) {
        if (t.text == NULL) {
            return -1;
        }
        *msg_id = t.msg_id;
        *text = t.text;
        return 0;
    }
    const char *who[] = {sender};
    return store_exec(s,
                      "UPDATE confirmation SET attempts = attempts + 1"
                      " WHERE sender = $1 AND used_at IS NULL AND expires_at > now()",
                      1, who);
}
