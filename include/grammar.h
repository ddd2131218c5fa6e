/*
 * grammar: what a citizen's (or a liaison's) SMS asks for, read the way people type: any case,
 * extra spaces and newlines, '#', ':' or '.' around the keyword or the ticket number, "no" or
 * "tiket" before it, and no space at all between a keyword and its number (CEK1000002).
 *
 * A message is a command only when it reads as one; anything else is a complaint:
 * - CEK, STATUS, TAMBAH, INFO, BATAL: followed by a ticket attempt (a run of 7 to 11 digits that
 *   is no phone number, or a shorter one with nothing after it but digits and punctuation), or by
 *   nothing at all (the number is then missing). "cek 3 kali ke puskesmas" is a complaint.
 * - BANTUAN, HELP, INFO, '?': help only with nothing but filler (LAPOR, RAHASIA, 1708,
 *   punctuation) around them; an empty message, or one of filler alone, is help too.
 * - TL, SELESAI: read as commands whatever follows; they are a liaison's words, and the caller,
 *   who knows the sender, reads them as a complaint (grammar_parse_complaint) from anyone else.
 * - YA followed by exactly GRAMMAR_CODE_DIGITS digits (and filler): the answer to a confirmation
 *   code; YA with anything else begins a complaint.
 *
 * Pure module: libc only. It says what the text asks; whether the sender may ask it is for the
 * intake to decide.
 */
#ifndef LAPOR_GRAMMAR_H
#define LAPOR_GRAMMAR_H

#include <stddef.h>
#include <stdint.h>

#include "ticket.h"

enum grammar_command {
    GRAMMAR_COMPLAINT,    /* free text, with an optional leading LAPOR dropped */
    GRAMMAR_CONFIDENTIAL, /* RAHASIA <text>: a complaint whose sender agencies never see */
    GRAMMAR_CHECK,        /* CEK / STATUS <ticket> */
    GRAMMAR_ADD,          /* TAMBAH / INFO <ticket> <text> */
    GRAMMAR_CANCEL,       /* BATAL <ticket> */
    GRAMMAR_HELP,         /* BANTUAN / HELP / INFO / ?, an empty message, or filler alone */
    GRAMMAR_FOLLOWUP,     /* TL <ticket> <text>, from a liaison */
    GRAMMAR_CLOSE,        /* SELESAI <ticket> [text], from a liaison */
    GRAMMAR_CONFIRM,      /* YA <code>: the body is the code's digits (module confirm) */
};

/* The digits of a confirmation code. */
#define GRAMMAR_CODE_DIGITS 6

/* What became of the ticket number of a command that takes one. */
enum grammar_ticket {
    GRAMMAR_TICKET_NONE = 0, /* the command takes none (complaints, help) */
    GRAMMAR_TICKET_OK,       /* seq holds the ticket's sequence number */
    GRAMMAR_TICKET_MISSING,  /* the command needs one and none was given */
    GRAMMAR_TICKET_INVALID,  /* digits were given but are no ticket (wrong check digit, length) */
};

#define GRAMMAR_KEYWORD_MAX 32

struct grammar_result {
    enum grammar_command command;
    enum grammar_ticket ticket;
    uint64_t seq;     /* when ticket is GRAMMAR_TICKET_OK */
    const char *body; /* the text that goes with the command (points into the input, */
    size_t body_len;  /*   trimmed of surrounding whitespace); empty when there is none */
    /* For complaints: the routing keyword candidate, upper case ASCII letters and digits: the first
     * #hashtag in the text, else the first word of the body when it is a plain word of letters
     * and digits; "" when there is none. Whether an agency has this keyword is for the caller. */
    char keyword[GRAMMAR_KEYWORD_MAX];
};

/* Reads valid UTF-8 text. Never fails: anything that is no command is a complaint (or help when
 * it holds only filler). */
void grammar_parse(const char *utf8, struct grammar_result *out);

/*
 * Reads the text as the complaint it is when it is not taken as a command: a TL or SELESAI from
 * someone who is no liaison, or the mended text of a complaint. A command's words become the
 * complaint's text; LAPOR and RAHASIA are read as grammar_parse reads them; filler alone is help.
 */
void grammar_parse_complaint(const char *utf8, struct grammar_result *out);

/* The command's name, for logs and tests ("complaint", "check", ...). */
const char *grammar_command_name(enum grammar_command c);

#endif
