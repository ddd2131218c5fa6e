/*
 * smsctl_archive: `lapor-smsctl archive --older-than DAYS [--batch N]`, retention. Closed tickets
 * whose closing is older than DAYS move with everything that hangs from them into the archive
 * tables (lapor_archive() in sql/repeatable/70_archive.sql), a batch of tickets per transaction.
 */
#ifndef LAPOR_SMSCTL_ARCHIVE_H
#define LAPOR_SMSCTL_ARCHIVE_H

#include "conf.h"

/* The command: its exit code (0 done, 1 the database failed, 2 the command line is wrong). */
int smsctl_archive(const struct conf *c, int argc, char **argv);

#endif
