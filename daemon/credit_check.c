/* credit_check: see credit_check.h. */
#include "credit_check.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store_status.h"

/* The operator's answer did not say what the pattern looks for: kept, so that an operator can
 * see what the network said and fix credit.pattern. */
static void unreadable(struct credit_state *c, const char *answer)
{
    snprintf(c->answer, sizeof c->answer, "%s", answer);
    snprintf(c->error, sizeof c->error, "credit.pattern does not match the answer: %s", answer);
    log_warn("credit check: %s", c->error);
}

static void found(struct credit_state *c, const struct conf_credit *cfg, double amount,
                  const char *answer)
{
    c->known = true;
    c->amount = amount;
    c->checked_at = (long long)time(NULL);
    c->error[0] = '\0';
    snprintf(c->answer, sizeof c->answer, "%s", answer);
    if (credit_low(c, cfg->threshold)) {
        log_warn("credit check: %.2f, under the threshold of %d: top the SIM up", amount,
                 cfg->threshold);
    } else {
        log_info("credit check: %.2f", amount);
    }
}

void credit_check_if_due(struct credit_state *c, const struct conf_credit *cfg, struct modem *m,
                         long long now_ms)
{
    if (cfg->ussd[0] == '\0' || c->unsupported || now_ms < c->next_ms) {
        return;
    }
    c->next_ms = now_ms + cfg->interval_s * 1000LL;
    c->unsaved = true;
    char answer[800] = "", err[256] = "USSD not supported by this modem";
    int rc = m->ops->ussd != NULL
                 ? m->ops->ussd(m, cfg->ussd, answer, sizeof answer, err, sizeof err)
                 : 1;
    double amount;
    if (rc == 1) {
        c->unsupported = true;
        snprintf(c->error, sizeof c->error, "not supported: %.180s", err);
        log_warn("credit check: %s; the credit is not checked again", c->error);
    } else if (rc != 0) {
        snprintf(c->error, sizeof c->error, "failed: %.180s", err);
        log_warn("credit check %s", c->error);
    } else if (credit_parse(cfg->pattern, answer, &amount) != 0) {
        unreadable(c, answer);
    } else {
        found(c, cfg, amount, answer);
    }
}

int credit_save(struct credit_state *c, const struct conf_credit *cfg, struct store *s,
                const char *instance)
{
    if (!c->unsaved) {
        return 0;
    }
    struct store_credit row = {
        .instance = instance,
        .known = c->known,
        .amount = c->amount,
        .answer = c->answer,
        .checked_at = c->checked_at,
        .error = c->error,
        .low = credit_low(c, cfg->threshold),
    };
    if (store_heartbeat_credit(s, &row) != 0) {
        return -1;
    }
    c->unsaved = false;
    return 0;
}
