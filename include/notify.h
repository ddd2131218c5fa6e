/*
 * notify: tells systemd how the daemon is doing (Type=notify): READY=1 once it runs, a one-line
 * STATUS=, and WATCHDOG=1 pings. Speaks the datagram protocol of $NOTIFY_SOCKET itself, so that
 * no library is needed; outside systemd every call does nothing.
 */
#ifndef LAPOR_NOTIFY_H
#define LAPOR_NOTIFY_H

/* Reads $NOTIFY_SOCKET and $WATCHDOG_USEC (and forgets them, so the modem worker does not see
 * them). */
void notify_init(void);

/* Sends one state line such as "READY=1" or "STATUS=...". */
void notify_send(const char *state);

/* Sends WATCHDOG=1 when half the watchdog interval has passed since the last ping. */
void notify_watchdog(void);

#endif
