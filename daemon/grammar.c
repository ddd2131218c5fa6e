/*
 * grammar: reads an SMS the way people type it. Only the first word can be a command, so that a
 * complaint that merely mentions "cek" or "batal" later on is never taken for one.
 *
 * The body handed back always points into the caller's text, and only ASCII whitespace is trimmed
 * from it, so a UTF-8 sequence (an emoji, a curly quote) is never cut in half.
 */
#include "grammar.h"

#include <stdbool.h>
#include <string.h>

enum keyword_kind {
    KW_LAPOR,
    KW_RAHASIA,
    KW_CHECK,
    KW_ADD,
    KW_INFO,
    KW_CANCEL,
    KW_HELP,
    KW_FOLLOWUP,
    KW_CLOSE,
};

/* Upper case, since the text is folded to upper case before it is compared. */
static const struct {
    const char *word;
    enum keyword_kind kind;
} keywords[] = {
    {"LAPOR", KW_LAPOR}, {"RAHASIA", KW_RAHASIA}, {"CEK", KW_CHECK},     {"STATUS", KW_CHECK},
    {"TAMBAH", KW_ADD},  {"INFO", KW_INFO},       {"BATAL", KW_CANCEL},  {"BANTUAN", KW_HELP},
    {"HELP", KW_HELP},   {"TL", KW_FOLLOWUP},     {"SELESAI", KW_CLOSE},
};

/* Every ticket we issue has at least this many digits; INFO needs this many to mean ADD. */
#define TICKET_MIN_DIGITS 7

/* Own helpers rather than <ctype.h>, whose answers for bytes >= 0x80 depend on the locale. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ascii_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_alnum(char c)
{
    return is_ascii_letter(c) || is_digit(c);
}

static bool is_ascii_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

static char to_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/*
 * Whether the text at s continues a word. Besides ASCII letters, a two-byte UTF-8 sequence from
 * U+00C0 on (lead byte 0xC3..0xDF: accented Latin, Greek, Cyrillic, ...) counts, so that "BATALÉ"
 * is not read as BATAL; three- and four-byte sequences (emoji, curly quotes, dashes) and U+0080..
 * U+00BF (lead 0xC2: symbols such as the degree sign) do not, so "HELP🙏" is still HELP.
 */
static bool is_word_char(const char *s)
{
    unsigned char b = (unsigned char)*s;

    return is_ascii_letter(*s) || (b >= 0xC3 && b <= 0xDF);
}

/* Characters people put between the keyword and what follows it, and around ticket numbers. */
static bool is_lead_skip(char c)
{
    return is_space(c) || c == '#' || c == ':' || c == '.';
}

static bool is_ticket_skip(char c)
{
    return is_lead_skip(c) || c == '-';
}

static bool is_body_skip(char c)
{
    return is_space(c) || c == ':' || c == '.' || c == '-' || c == ',';
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
 * Returns the end of the command keyword at p, and its kind, when p starts with one followed by no
 * further letter; NULL otherwise, so that "CEKLIS" and "INFORMASI" stay ordinary words.
 */
static const char *match_keyword(const char *p, enum keyword_kind *kind)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        const char *w = keywords[i].word;
        size_t n = 0;

        while (w[n] != '\0' && to_upper(p[n]) == w[n]) {
            n++;
        }
        if (w[n] == '\0' && !is_word_char(p + n)) {
            *kind = keywords[i].kind;
            return p + n;
        }
    }
    return NULL;
}

/* Sets the body to [start, end) with ASCII whitespace trimmed from both ends. */
static void set_body(struct grammar_result *out, const char *start, const char *end)
{
    while (start < end && is_space(*start)) {
        start++;
    }
    while (end > start && is_space(end[-1])) {
        end--;
    }
    out->body = start;
    out->body_len = (size_t)(end - start);
}

/*
 * Whether the text holds nothing but whitespace and ASCII punctuation. Such a message ("?", "...",
 * "LAPOR :") asks nothing that a complaint could be filed for, so it gets the help text instead.
 */
static bool only_punct(const char *p)
{
    for (; *p != '\0'; p++) {
        if (!is_space(*p) && !is_ascii_punct(*p)) {
            return false;
        }
    }
    return true;
}

/* Copies len bytes at s, upper cased, as the keyword. */
static void set_keyword(struct grammar_result *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out->keyword[i] = to_upper(s[i]);
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
        while (tag + n < end && is_alnum(tag[n])) {
            letter = letter || is_ascii_letter(tag[n]);
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

    while (word < len && !is_space(body[word])) {
        word++;
    }
    while (n < word && is_alnum(body[n])) {
        n++;
    }
    for (size_t i = n; i < word; i++) {
        if (!is_ascii_punct(body[i])) {
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
    if (!is_digit(*p)) {
        out->ticket = GRAMMAR_TICKET_MISSING;
        set_body(out, p, p + strlen(p));
        return;
    }
    /* One digit more than a ticket may have is enough for ticket_parse to refuse the length. */
    for (; is_digit(*p); p++) {
        if (n < sizeof digits - 1) {
            digits[n++] = *p;
        }
    }
    digits[n] = '\0';
    /* ticket_parse writes seq only on success, so a refused number leaves it 0 from the reset. */
    out->ticket =
        ticket_parse(digits, &out->seq) == TICKET_OK ? GRAMMAR_TICKET_OK : GRAMMAR_TICKET_INVALID;
    p = skip(p, is_body_skip);
    set_body(out, p, p + strlen(p));
}

/* Counts the digits of the ticket-like number, if any, that follows INFO at p. */
static size_t info_digits(const char *p)
{
    size_t n = 0;

    p = skip(p, is_ticket_skip);
    while (is_digit(p[n])) {
        n++;
    }
    return n;
}

void grammar_parse(const char *utf8, struct grammar_result *out)
{
    const char *p, *after;
    enum keyword_kind kind;

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
    after = match_keyword(p, &kind);
    if (after == NULL) {
        complaint(out, GRAMMAR_COMPLAINT, p);
        return;
    }
    switch (kind) {
    case KW_LAPOR:
    case KW_RAHASIA: {
        /*
         * LAPOR and RAHASIA may come in either order ("RAHASIA LAPOR ...", "LAPOR RAHASIA ...");
         * either way the text is confidential, and only one of each is dropped.
         */
        enum keyword_kind other_kind;
        const char *next = skip(after, is_lead_skip);
        const char *other = match_keyword(next, &other_kind);
        bool confidential = kind == KW_RAHASIA;

        if (other != NULL && other_kind != kind &&
            (other_kind == KW_LAPOR || other_kind == KW_RAHASIA)) {
            confidential = true;
            after = other;
        }
        /* The '#' of a hashtag right after the keyword stays: it is part of the citizen's text. */
        complaint(out, confidential ? GRAMMAR_CONFIDENTIAL : GRAMMAR_COMPLAINT,
                  skip(after, is_body_skip));
        return;
    }
    case KW_CHECK:
        ticket_command(out, GRAMMAR_CHECK, after);
        return;
    case KW_ADD:
        ticket_command(out, GRAMMAR_ADD, after);
        return;
    case KW_INFO:
        /*
         * INFO is both the English for TAMBAH and a plea for help. Only a number as long as a
         * ticket makes it ADD; "INFO", "INFO 1708" or "INFO jalan" get the help text.
         */
        if (info_digits(after) >= TICKET_MIN_DIGITS) {
            ticket_command(out, GRAMMAR_ADD, after);
            return;
        }
        after = skip(after, is_body_skip);
        set_body(out, after, after + strlen(after));
        return;
    case KW_CANCEL:
        ticket_command(out, GRAMMAR_CANCEL, after);
        return;
    case KW_HELP:
        after = skip(after, is_body_skip);
        set_body(out, after, after + strlen(after));
        return;
    case KW_FOLLOWUP:
        ticket_command(out, GRAMMAR_FOLLOWUP, after);
        return;
    case KW_CLOSE:
        ticket_command(out, GRAMMAR_CLOSE, after);
        return;
    }
}

const char *grammar_command_name(enum grammar_command c)
{
    switch (c) {
    case GRAMMAR_COMPLAINT:
        return "complaint";
    case GRAMMAR_CONFIDENTIAL:
        return "confidential";
    case GRAMMAR_CHECK:
        return "check";
    case GRAMMAR_ADD:
        return "add";
    case GRAMMAR_CANCEL:
        return "cancel";
    case GRAMMAR_HELP:
        return "help";
    case GRAMMAR_FOLLOWUP:
        return "followup";
    case GRAMMAR_CLOSE:
        return "close";
    }
    return "unknown";
}
