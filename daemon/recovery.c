/* recovery: see recovery.h. */
#include "recovery.h"

#include <string.h>

void recovery_init(struct recovery *r)
{
    memset(r, 0, sizeof *r);
}

/* The first step at or above from that this modem can do; reopening always can. */
static enum recovery_step first_possible(const struct recovery *r, enum recovery_step from)
{
    for (int s = from; s < RECOVERY_REOPEN; s++) {
        if (!r->cannot[s])
            return (enum recovery_step)s;
    }
    return RECOVERY_REOPEN;
}

enum recovery_step recovery_failed(struct recovery *r)
{
    r->failures++;
    enum recovery_step next =
        r->step == RECOVERY_NONE ? RECOVERY_RECONNECT : (enum recovery_step)(r->step + 1);
    if (next > RECOVERY_REOPEN)
        next = RECOVERY_REOPEN;
    r->step = first_possible(r, next);
    return r->step;
}

enum recovery_step recovery_cannot(struct recovery *r, enum recovery_step step)
{
    if (step > RECOVERY_NONE && step < RECOVERY_REOPEN) {
        r->cannot[step] = true;
        r->step = first_possible(r, (enum recovery_step)(step + 1));
    }
    return r->step;
}

bool recovery_worked(struct recovery *r, long long now_s)
{
    if (r->step == RECOVERY_NONE)
        return false;
    r->last_worked = r->step;
    r->last_worked_at = now_s;
    r->recoveries++;
    r->step = RECOVERY_NONE;
    r->failures = 0;
    return true;
}

const char *recovery_step_name(enum recovery_step step)
{
    switch (step) {
    case RECOVERY_RECONNECT:
        return "reconnect";
    case RECOVERY_SOFT_RESET:
        return "soft reset";
    case RECOVERY_HARD_RESET:
        return "hard reset";
    case RECOVERY_REOPEN:
        return "reopen";
    case RECOVERY_NONE:
        break;
    }
    return "";
}
