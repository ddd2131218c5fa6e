/*
 * libgammu: the one place where the project includes libGammu's own header, gammu.h. Only the
 * libGammu backend includes it: modem_gammu.c and the parts it was split into when it outgrew one
 * file (modem_status.c, modem_ussd.c, modem_split.c). Every other module reaches a modem through
 * modem.h and sees libGammu's state machine, if at all, as an opaque pointer.
 */
#ifndef LAPOR_LIBGAMMU_H
#define LAPOR_LIBGAMMU_H

#include <gammu.h>

#endif
