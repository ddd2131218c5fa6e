/*
 * ticket: Damm check digits for the ticket numbers citizens type back to us.
 *
 * Damm is used rather than Luhn because it catches every single wrong digit and every swap of two
 * neighbouring digits, and needs no weights: one table lookup per digit.
 */
#include "ticket.h"

#include <stddef.h>

/*
 * A weakly totally anti-symmetric quasigroup of order 10, the one Damm published. Its diagonal is
 * zero, so running a number followed by its check digit through the table ends in 0.
 */
static const unsigned char damm_table[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int ticket_check_digit(uint64_t n)
{
    /* UINT64_MAX has 20 decimal digits. */
    unsigned char digits[20];
    size_t count = 0;
    int interim = 0;

    /* The digits come out least significant first, and Damm reads them most significant first. */
    do {
        digits[count++] = (unsigned char)(n % 10);
        n /= 10;
    } while (n > 0);
    while (count > 0) {
        interim = damm_table[interim][digits[--count]];
    }
    return interim;
}

uint64_t ticket_from_seq(uint64_t seq)
{
    return seq * 10 + (uint64_t)ticket_check_digit(seq);
}

enum ticket_parse_result ticket_parse(const char *digits, uint64_t *seq)
{
    uint64_t value = 0;
    size_t len = 0;
    int interim = 0;

    if (digits == NULL) {
        return TICKET_NOT_NUMBER;
    }
    for (; digits[len] != '\0'; len++) {
        if (len >= TICKET_MAX_DIGITS || digits[len] < '0' || digits[len] > '9') {
            return TICKET_NOT_NUMBER;
        }
        value = value * 10 + (uint64_t)(digits[len] - '0');
        interim = damm_table[interim][digits[len] - '0'];
    }
    /*
     * No ticket we issue begins with 0. A leading zero is a digit inserted before the number, which
     * Damm cannot see (0 keeps its running state at 0), so it is refused here instead.
     */
    if (len < 7 || digits[0] == '0') {
        return TICKET_NOT_NUMBER;
    }
    if (interim != 0) {
        return TICKET_BAD_CHECK;
    }
    if (seq != NULL) {
        *seq = value / 10;
    }
    return TICKET_OK;
}
