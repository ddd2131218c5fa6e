/*
 * modem_dummy: puts incoming SMS into the inbox of libGammu's dummy driver (a folder standing in
 * for a modem), as Gammu SMS backup files, the way a phone would have delivered them. The tests,
 * the benchmark and `lapor-smsctl inject` use it to play the radio; the daemon never does.
 * libGammu's splitter (modem_gammu_split) cuts the text into parts; everything else, the files
 * and their numbering, is done here without libGammu.
 */
#ifndef LAPOR_MODEM_DUMMY_H
#define LAPOR_MODEM_DUMMY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Puts an incoming SMS into a dummy-driver modem's inbox folder (device/sms/1), split into parts
 * the way a phone does. ref is the concatenation reference for a multipart message (-1 picks one).
 * When only is non-NULL, just the parts listed there (1-based, in that order) are written, so that
 * tests can deliver parts out of order or leave one out. smsc_time 0 means now.
 * Returns the number of parts the whole message has, or -1 with a reason in err.
 */
int modem_dummy_inject(const char *device, const char *sender, const char *utf8, int ref,
                       const int *only, size_t nonly, long long smsc_time, char *err,
                       size_t errcap);

/* While on, modem_dummy_inject numbers its files on from its last injection instead of scanning
 * the folder for the highest number each time: for putting in thousands of messages at once. */
void modem_dummy_inject_batch(bool on);

#endif
