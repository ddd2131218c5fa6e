/*
 * grammar: reads an SMS the way people type it. Only the first word can be a command, so that a
 * complaint that merely mentions "cek" or "batal" later on is never taken for one.
 *
 * The body handed back always points into the caller's text, and only ASCII whitespace is trimmed
 * from it, so a UTF-8 sequence (an emoji, a curly quote) is never cut in half.
 */
#include "grammar.h"

#include "ascii.h"

#include <stdbool.h>
#include <string.h>

/* How the text after a keyword is read. */
enum keyword_kind {
    KW_COMPLAINT, /* free text: a complaint, confidential or not */
    KW_TICKET,    /* a ticket number, then the text that goes with it */
    KW_INFO,      /* a ticket number when one follows, else a plea for help */
    KW_HELP,      /* nothing needed */
};

/* Upper case, since the text is folded to upper case before it is compared. */
static const struct keyword {
    const char *word;
    enum keyword_kind kind;
    enum grammar_command command; /* the command the word names */
} keywords[] = {
    {"LAPOR", KW_COMPLAINT, GRAMMAR_COMPLAINT},
    {"RAHASIA", KW_COMPLAINT, GRAMMAR_CONFIDENTIAL},
    {"CEK", KW_TICKET, GRAMMAR_CHECK},
    {"STATUS", KW_TICKET, GRAMMAR_CHECK},
    {"TAMBAH", KW_TICKET, GRAMMAR_ADD},
    {"INFO", KW_INFO, GRAMMAR_ADD},
    {"BATAL", KW_TICKET, GRAMMAR_CANCEL},
    {"BANTUAN", KW_HELP, GRAMMAR_HELP},
    {"HELP", KW_HELP, GRAMMAR_HELP},
    {"TL", KW_TICKET, GRAMMAR_FOLLOWUP},
    {"SELESAI", KW_TICKET, GRAMMAR_CLOSE},
};

/* Every ticket we issue has at least this many digits; INFO needs this many to mean ADD. */
#define TICKET_MIN_DIGITS 7

/*
 * Whether the text at s continues a word. Besides ASCII letters, a two-byte UTF-8 sequence from
 * U+00C0 on (lead byte 0xC3..0xDF: accented Latin, Greek, Cyrillic, ...) counts, so that "BATALÉ"
 * is not read as BATAL; three- and four-byte sequences (emoji, curly quotes, dashes) and U+0080..
 * U+00BF (lead 0xC2: symbols such as the degree sign) do not, so "HELP🙏" is still HELP.
 */
static bool is_word_char(const char *s)
{
    unsigned char b = (unsigned char)*s;

    return ascii_is_letter(*s) || (b >= 0xC3 && b <= 0xDF);
}

/* Characters people put between the keyword and what follows it, and around ticket numbers. */
static bool is_lead_skip(char c)
{
    return ascii_is_space(c) || c == '#' || c == ':' || c == '.';
}

static bool is_ticket_skip(char c)
{
    return is_lead_skip(c) || c == '-';
}

static bool is_body_skip(char c)
{
    return ascii_is_space(c) || c == ':' || c == '.' || c == '-' || c == ',';
}

/* Skips the characters that match the predicate and returns where the others begin. */
static const char *skip(const char *p, bool (*pred)(char))
{
    while (*p != '\0' && pred(*p)) {
        p++;
    }
    return p;
}

/*
 * Returns the end of the command keyword at p, and its entry, when p starts with one followed by no
 * further letter; NULL otherwise, so that "CEKLIS" and "INFORMASI" stay ordinary words.
 */
static const char *match_keyword(const char *p, const struct keyword **kw)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        const char *w = keywords[i].word;
        size_t n = 0;

        while (w[n] != '\0' && ascii_to_upper(p[n]) == w[n]) {
            n++;
        }
        if (w[n] == '\0' && !is_word_char(p + n)) {
            *kw = &keywords[i];
            return p + n;
        }
    }
    return NULL;
}

/* Sets the body to [start, end) with ASCII whitespace trimmed from both ends. */
static void set_body(struct grammar_result *out, const char *start, const char *end)
{
    while (start < end && ascii_is_space(*start)) {
        start++;
    }
    while (end > start && ascii_is_space(end[-1])) {
        end--;
    }
    out->body = start;
    out->body_len = (size_t)(end - start);
}

/* Sets the body to the rest of the text from p, past the separators that may follow a keyword. */
static void set_body_after(struct grammar_result *out, const char *p)
{
    p = skip(p, is_body_skip);
    set_body(out, p, p + strlen(p));
}

/*
 * Whether the text holds nothing but whitespace and ASCII punctuation. Such a message ("?", "...",
 * "LAPOR :") asks nothing that a complaint could be filed for, so it gets the help text instead.
 */
static bool only_punct(const char *p)
{
    for (; *p != '\0'; p++) {
        if (!ascii_is_space(*p) && !ascii_is_punct(*p)) {
            return false;
        }
    }
    return true;
}

/* Copies len bytes at s, upper cased, as the keyword. */
static void set_keyword(struct grammar_result *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out->keyword[i] = ascii_to_upper(s[i]);
    }
    out->keyword[len] = '\0';
}

/*
 * Looks for the first #hashtag in the body. A tag of digits alone is skipped: it is a ticket
 * reference (#1000002), and a later real tag should still route the complaint. Tags too short,
 * too long (a shortened one could match another agency) or glued to a non-ASCII letter are skipped
 * too rather than cut.
 */
static bool find_hashtag(struct grammar_result *out, const char *body, size_t len)
{
    const char *end = body + len;

    for (const char *p = body; p < end; p++) {
        const char *tag = p + 1;
        size_t n = 0;
        bool letter = false;

        if (*p != '#') {
            continue;
        }
        while (tag + n < end && ascii_is_alnum(tag[n])) {
            letter = letter || ascii_is_letter(tag[n]);
            n++;
        }
        if (letter && n >= 2 && n < GRAMMAR_KEYWORD_MAX &&
            (tag + n == end || !is_word_char(tag + n))) {
            set_keyword(out, tag, n);
            return true;
        }
    }
    return false;
}

/*
 * Takes the first word of the body as the keyword when it is a plain word of ASCII letters and
 * digits. The word ends at whitespace; punctuation at its end ("PDAM:", "PDAM,") is set aside, but
 * punctuation inside it ("Jl.Sudirman") makes it no plain word.
 */
static void first_word(struct grammar_result *out, const char *body, size_t len)
{
    size_t word = 0, n = 0;

    while (word < len && !ascii_is_space(body[word])) {
        word++;
    }
    while (n < word && ascii_is_alnum(body[n])) {
        n++;
    }
    for (size_t i = n; i < word; i++) {
        if (!ascii_is_punct(body[i])) {
            return;
        }
    }
    if (n >= 2 && n < GRAMMAR_KEYWORD_MAX) {
        set_keyword(out, body, n);
    }
}

/* A complaint (plain or confidential) whose body starts at p, or help when it has no text. */
static void complaint(struct grammar_result *out, enum grammar_command command, const char *p)
{
    if (only_punct(p)) {
        out->command = GRAMMAR_HELP;
        set_body(out, p, p);
        return;
    }
    out->command = command;
    set_body(out, p, p + strlen(p));
    if (!find_hashtag(out, out->body, out->body_len)) {
        first_word(out, out->body, out->body_len);
    }
}

/*
 * Reads the ticket number that follows a command keyword at p, and the body after it. The whole
 * run of digits goes to ticket_parse, never just its first TICKET_MAX_DIGITS, so that a number
 * with an extra digit is refused instead of being read as another ticket.
 */
static void ticket_command(struct grammar_result *out, enum grammar_command command, const char *p)
{
    char digits[TICKET_MAX_DIGITS + 2];
    size_t n = 0;

    out->command = command;
    p = skip(p, is_ticket_skip);
    if (!ascii_is_digit(*p)) {
        out->ticket = GRAMMAR_TICKET_MISSING;
        set_body(out, p, p + strlen(p));
        return;
    }
    /* One digit more than a ticket may have is enough for ticket_parse to refuse the length. */
    for (; ascii_is_digit(*p); p++) {
        if (n < sizeof digits - 1) {
            digits[n++] = *p;
        }
    }
    digits[n] = '\0';
    /* ticket_parse writes seq only on success, so a refused number leaves it 0 from the reset. */
    out->ticket =
        ticket_parse(digits, &out->seq) == TICKET_OK ? GRAMMAR_TICKET_OK : GRAMMAR_TICKET_INVALID;
    set_body_after(out, p);
}

/* Counts the digits of the ticket-like number, if any, that follows INFO at p. */
static size_t info_digits(const char *p)
{
    size_t n = 0;

    p = skip(p, is_ticket_skip);
    while (ascii_is_digit(p[n])) {
        n++;
    }
    return n;
}

void grammar_parse(const char *utf8, struct grammar_result *out)
{
    const char *p, *after;
    const struct keyword *kw;

    memset(out, 0, sizeof *out);
    out->command = GRAMMAR_HELP;
    out->ticket = GRAMMAR_TICKET_NONE;
    out->body = "";
    if (utf8 == NULL) {
        return;
    }
    p = skip(utf8, is_lead_skip);
    if (only_punct(p)) {
        set_body(out, p, p);
        return;
    }
    after = match_keyword(p, &kw);
    if (after == NULL) {
        complaint(out, GRAMMAR_COMPLAINT, p);
        return;
    }
    switch (kw->kind) {
    case KW_COMPLAINT: {
        /*
         * LAPOR and RAHASIA may come in either order ("RAHASIA LAPOR ...", "LAPOR RAHASIA ...");
         * either way the text is confidential, and only one of each is dropped.
         */
        const struct keyword *other_kw;
        const char *next = skip(after, is_lead_skip);
        const char *other = match_keyword(next, &other_kw);
        enum grammar_command command = kw->command;

        if (other != NULL && other_kw->kind == KW_COMPLAINT && other_kw->command != command) {
            command = GRAMMAR_CONFIDENTIAL;
            after = other;
        }
        /* The '#' of a hashtag right after the keyword stays: it is part of the citizen's text. */
        complaint(out, command, skip(after, is_body_skip));
        return;
    }
    case KW_TICKET:
        ticket_command(out, kw->command, after);
        return;
    case KW_INFO:
        /*
         * INFO is both the English for TAMBAH and a plea for help. Only a number as long as a
         * ticket makes it ADD; "INFO", "INFO 1708" or "INFO jalan" get the help text.
         */
        if (info_digits(after) >= TICKET_MIN_DIGITS) {
            ticket_command(out, kw->command, after);
            return;
        }
        set_body_after(out, after);
        return;
    case KW_HELP:
        set_body_after(out, after);
        return;
    }
}

static const char *const command_names[] = {
    [GRAMMAR_COMPLAINT] = "complaint", [GRAMMAR_CONFIDENTIAL] = "confidential",
    [GRAMMAR_CHECK] = "check",         [GRAMMAR_ADD] = "add",
    [GRAMMAR_CANCEL] = "cancel",       [GRAMMAR_HELP] = "help",
    [GRAMMAR_FOLLOWUP] = "followup",   [GRAMMAR_CLOSE] = "close",
};
_Static_assert(sizeof command_names / sizeof command_names[0] == GRAMMAR_CLOSE + 1,
               "every command has a name");

const char *grammar_command_name(enum grammar_command c)
{
    if ((size_t)c < sizeof command_names / sizeof command_names[0]) {
        return command_names[c];
    }
    return "unknown";
}
