/*
 * smsctl_cli: lapor-smsctl's command line: its usage, its own options (-c, -h, -V), the words and
 * flags of a command, and errors in words (a database error becomes what the operator can do
 * about it). The commands themselves are in smsctl.c.
 */
#ifndef LAPOR_SMSCTL_CLI_H
#define LAPOR_SMSCTL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "msisdn.h"

struct store;

/* The exit codes, as lapor-smsctl(8) documents them. */
enum { EXIT_DONE = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2 };

/* The whole usage (for --help, on stdout) or, for a command line that is not understood, its
 * command's own lines. */
void usage(FILE *f);

/* Reads the options before the command: -c FILE, -h/--help, -V/--version. -1 with *path and
 * *command (the index of the command in argv) set when a command is to run; else the exit code. */
int cli_global_options(int argc, char **argv, const char **path, int *command);

/* Notes which command runs (its name and first word), for the errors below. */
void cli_set_command(const char *name, const char *verb);

/* For a command line that is not understood: names what is wrong (the command's usage when
 * reason is NULL) and returns EXIT_USAGE. */
int usage_error(void);
int usage_problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Says what the database answered, in words where it means something to an operator (no schema
 * yet, no permission for this command): the exit code of a command that failed on it. */
int store_failed(struct store *s);

/* A connection to the database conninfo names; NULL, said on standard error, when there is none. */
struct store *cli_open_store(const char *conninfo);

#define WORDS_MAX 8

/* The flags and words of a command, and what was read from them before the database is asked. */
struct words {
    bool json;
    const char *reason;
    const char *by;
    const char *status;
    int n;
    const char *w[WORDS_MAX];
    long long ticket;        /* ticket: the ticket's sequence number */
    char number[MSISDN_MAX]; /* liaison add and remove, send: the phone number, normalised */
};

/* Reads a command's words and its flags (--json, --reason, --by, --status); -1 after naming what
 * is wrong. */
int read_words(int argc, char **argv, struct words *a);

/* Reads the one option a command takes (opts[0], whose getopt letters are shortopts), keeping
 * its argument in *value when value is not NULL. How often it was given, or -1 after naming what
 * else was. */
int read_only_option(int argc, char **argv, const char *shortopts, const struct option *opts,
                     const char **value);

/* Reads a message id (outbox retry, cancel): false after saying the word is no number. */
bool read_message_id(const char *word, long long *id);

/* Whether word is a calendar day written YYYY-MM-DD; false after saying it is not. */
bool read_date(const char *word);

/* Whether name is an outbox status; false after naming the ones there are. */
bool read_outbox_status(const char *name);

#endif
