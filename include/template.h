/*
 * template: reply texts with {name} placeholders, filled at send time, and the check that a filled
 * template always fits one GSM 7-bit SMS.
 *
 * Pure module: libc only.
 */
#ifndef LAPOR_TEMPLATE_H
#define LAPOR_TEMPLATE_H

#include <stddef.h>

/* One placeholder a template may use, with the longest value it can take (in characters; values
 * are digits or GSM 7-bit text of single septets). */
struct template_var {
    const char *name;
    size_t max_len;
};

/* Septets of one single-part GSM 7-bit SMS. */
#define TEMPLATE_SMS_SEPTETS 160

/*
 * Replaces each {name} with values[i] where names[i] == name. "{{" writes a single "{".
 * Returns the length written (without NUL), -1 when outcap is too small, -2 on an unknown or
 * unterminated placeholder.
 */
long template_fill(const char *tmpl, const char *const *names, const char *const *values, size_t n,
                   char *out, size_t outcap);

/*
 * Checks that tmpl uses only the given placeholders, is GSM 7-bit text, and filled with the longest
 * values still fits TEMPLATE_SMS_SEPTETS. Returns 0 when it does; otherwise -1 with a reason in err
 * (e.g. "needs 171 of 160 characters with the longest ticket").
 */
int template_check(const char *tmpl, const struct template_var *vars, size_t nvars, char *err,
                   size_t errcap);

#endif
