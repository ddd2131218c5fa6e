/*
 * grammar: reads an SMS the way people type it. Only the first word can be a command, so that a
 * complaint that merely mentions "cek" or "batal" later on is never taken for one; and a first
 * word is a command only when what follows reads as one (a ticket number, or nothing but filler),
 * so that "cek kesehatan gratis ..." or "Bantuan PKH belum cair" stays a complaint. When in doubt,
 * a complaint: a citizen who wanted a command loses nothing by getting a ticket.
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
    KW_COMPLAINT, /* free text: a complaint, confidential or not; alone, filler */
    KW_TICKET,    /* a citizen's command: only with a ticket number (or nothing) after it */
    KW_INFO,      /* KW_TICKET with a ticket number, else a help word */
    KW_HELP,      /* a help word: help only with nothing but filler around it */
    KW_LIAISON,   /* a liaison's command, whatever follows: the caller knows who may send it */
    KW_CONFIRM,   /* the answer to a confirmation code: only with exactly its digits after it */
};

/* The words of each command, in upper case, since the text is folded to upper case before it is
 * compared. */
static const struct keyword {
    enum grammar_command command;
    enum keyword_kind kind;
    const char *words[3]; /* the word and any other that means the same */
} keywords[] = {
    {GRAMMAR_COMPLAINT, KW_COMPLAINT, {"LAPOR"}},
    {GRAMMAR_CONFIDENTIAL, KW_COMPLAINT, {"RAHASIA"}},
    {GRAMMAR_CHECK, KW_TICKET, {"CEK", "STATUS"}},
    {GRAMMAR_ADD, KW_TICKET, {"TAMBAH"}},
    {GRAMMAR_ADD, KW_INFO, {"INFO"}},
    {GRAMMAR_CANCEL, KW_TICKET, {"BATAL"}},
    {GRAMMAR_HELP, KW_HELP, {"BANTUAN", "HELP"}},
    {GRAMMAR_FOLLOWUP, KW_LIAISON, {"TL"}},
    {GRAMMAR_CLOSE, KW_LIAISON, {"SELESAI"}},
    {GRAMMAR_CONFIRM, KW_CONFIRM, {"YA"}},
};

/* Words people put between a command and its ticket number ("cek no tiket 1000002", "tambah info
 * 1000002 ...", "cek status laporan 1000002"). */
static const char *const ticket_words[] = {"TIKET", "TICKET",  "NO",     "NOMOR", "NOMER",
                                           "NMR",   "LAPORAN", "STATUS", "INFO"};

/* Every ticket we issue has at least this many digits; a run this long is a ticket attempt. */
#define TICKET_MIN_DIGITS 7
/* One digit more than the longest ticket is still a mistyped one; a longer run (an identity card
 * number, a phone number written internationally) is no ticket at all. */
#define TICKET_ATTEMPT_MAX_DIGITS (TICKET_MAX_DIGITS + 1)
/* A run this long beginning with 0 is a phone number: no ticket begins with 0. */
#define PHONE_MIN_DIGITS 10

/*
 * Whether the text at s continues a word. Besides ASCII letters, a two-byte UTF-8 sequence from
 * U+00C0 on (lead byte 0xC3..0xDF: accented Latin, Greek, Cyrillic, ...) counts, so that "BATALÉ"
 * is not read as BATAL; three- and four-byte sequences (emoji, curly quotes, dashes) and U+0080..
 * U+00BF (lead 0xC2: symbols such as the degree sign) do not, so "HELP🙏" begins with HELP.
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

static bool is_filler_char(char c)
{
    return ascii_is_space(c) || ascii_is_punct(c);
}

/* What may follow a short number for it to be read as a ticket attempt ("CEK 1000 0002"). */
static bool is_number_filler(char c)
{
    return ascii_is_digit(c) || is_filler_char(c);
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
 * Returns the end of the (upper case) word w at p, in any case, when no further letter follows;
 * NULL otherwise, so that "CEKLIS" and "INFORMASI" stay ordinary words.
 */
static const char *match_word(const char *p, const char *w)
{
    size_t n = 0;

    while (w[n] != '\0' && ascii_to_upper(p[n]) == w[n]) {
        n++;
    }
    return w[n] == '\0' && !is_word_char(p + n) ? p + n : NULL;
}

/* Returns the end of the command keyword at p, and its entry; NULL when p starts with none. */
static const char *match_keyword(const char *p, const struct keyword **kw)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        const struct keyword *k = &keywords[i];
        for (size_t w = 0; w < sizeof k->words / sizeof k->words[0] && k->words[w] != NULL; w++) {
            const char *end = match_word(p, k->words[w]);

            if (end != NULL) {
                *kw = &keywords[i];
                return end;
            }
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

/* Whether the text holds nothing but whitespace and ASCII punctuation: no text to file. */
static bool only_punct(const char *p)
{
    return *skip(p, is_filler_char) == '\0';
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

/* Skips what may stand between a command and its ticket number: separators and ticket_words. */
static const char *skip_to_ticket(const char *p)
{
    for (;;) {
        const char *end = NULL;

        p = skip(p, is_ticket_skip);
        for (size_t i = 0; end == NULL && i < sizeof ticket_words / sizeof ticket_words[0]; i++) {
            end = match_word(p, ticket_words[i]);
        }
        if (end == NULL) {
            return p;
        }
        p = end;
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
    p = skip_to_ticket(p);
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

/*
 * LAPOR or RAHASIA at the start, ending at after: the complaint that follows. They may come in
 * either order ("RAHASIA LAPOR ...", "LAPOR RAHASIA ..."); either way the text is confidential,
 * and only one of each is dropped.
 */
static void lapor_or_secret(struct grammar_result *out, const struct keyword *kw, const char *after)
{
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
}

/* Returns the end of the filler word at p (LAPOR, RAHASIA, a help word, or 1708), else NULL. */
static const char *match_filler(const char *p)
{
    const struct keyword *kw;
    const char *end = match_keyword(p, &kw);

    if (end != NULL) {
        return kw->kind == KW_COMPLAINT || kw->kind == KW_HELP || kw->kind == KW_INFO ? end : NULL;
    }
    end = match_word(p, "1708");
    return end != NULL && !ascii_is_digit(*end) ? end : NULL;
}

/*
 * Whether the text holds nothing but filler: ASCII punctuation and whitespace, the help words, and
 * the words that say where the SMS goes (LAPOR, RAHASIA, 1708). Such a message ("?", "LAPOR :",
 * "info 1708") asks nothing that a complaint could be filed for, so it gets the help text.
 */
static bool only_filler(const char *p)
{
    for (;;) {
        p = skip(p, is_filler_char);
        if (*p == '\0') {
            return true;
        }
        p = match_filler(p);
        if (p == NULL) {
            return false;
        }
    }
}

/*
 * Whether what follows a citizen's command keyword at p makes it a command: a ticket attempt, or
 * nothing at all (the command then lacks its number). A ticket attempt is a run of 7 to 11 digits
 * that is no phone number, or a shorter run with nothing after it but digits and punctuation
 * ("cek 123"); a shorter number followed by words is part of a complaint ("cek 3 kali ...").
 */
static bool command_follows(const char *p)
{
    size_t n = 0;

    p = skip_to_ticket(p);
    while (ascii_is_digit(p[n])) {
        n++;
    }
    if (n == 0) {
        return only_punct(p);
    }
    if (n > TICKET_ATTEMPT_MAX_DIGITS || (p[0] == '0' && n >= PHONE_MIN_DIGITS)) {
        return false;
    }
    return n >= TICKET_MIN_DIGITS || *skip(p + n, is_number_filler) == '\0';
}

/* YA and a confirmation code: the body is the code's digits. Anything else after YA ("Ya ampun,
 * jalan rusak lagi") begins a complaint. */
static void confirm_command(struct grammar_result *out, const char *p, const char *after)
{
    const char *code = skip(after, is_body_skip);
    size_t n = 0;
    while (ascii_is_digit(code[n])) {
        n++;
    }
    if (n != GRAMMAR_CODE_DIGITS || *skip(code + n, is_filler_char) != '\0') {
        complaint(out, GRAMMAR_COMPLAINT, p);
        return;
    }
    out->command = GRAMMAR_CONFIRM;
    set_body(out, code, code + n);
}

/* The result of a message that asks nothing: help, with no body. */
static void reset(struct grammar_result *out)
{
    memset(out, 0, sizeof *out);
    out->command = GRAMMAR_HELP;
    out->ticket = GRAMMAR_TICKET_NONE;
    out->body = "";
}

void grammar_parse(const char *utf8, struct grammar_result *out)
{
    const char *p, *after;
    const struct keyword *kw = NULL;

    reset(out);
    if (utf8 == NULL) {
        return;
    }
    p = skip(utf8, is_lead_skip);
    after = match_keyword(p, &kw);
    if (only_filler(p)) {
        /* Nothing a complaint could be filed for ("?", "LAPOR", "bantuan 1708"): help. */
        bool help_word = after != NULL && (kw->kind == KW_HELP || kw->kind == KW_INFO);
        set_body_after(out, help_word ? after : p + strlen(p));
        return;
    }
    if (after == NULL) {
        complaint(out, GRAMMAR_COMPLAINT, p);
        return;
    }
    switch (kw->kind) {
    case KW_COMPLAINT:
        lapor_or_secret(out, kw, after);
        return;
    case KW_TICKET:
    case KW_INFO:
        if (command_follows(after)) {
            ticket_command(out, kw->command, after);
            return;
        }
        complaint(out, GRAMMAR_COMPLAINT, p);
        return;
    case KW_HELP:
        /* A help word with more than filler around it begins a complaint ("Bantuan PKH ..."). */
        complaint(out, GRAMMAR_COMPLAINT, p);
        return;
    case KW_LIAISON:
        ticket_command(out, kw->command, after);
        return;
    case KW_CONFIRM:
        confirm_command(out, p, after);
        return;
    }
}

void grammar_parse_complaint(const char *utf8, struct grammar_result *out)
{
    grammar_parse(utf8, out);
    if (utf8 != NULL && out->command != GRAMMAR_COMPLAINT && out->command != GRAMMAR_CONFIDENTIAL &&
        out->command != GRAMMAR_HELP) {
        reset(out);
        complaint(out, GRAMMAR_COMPLAINT, skip(utf8, is_lead_skip));
    }
}

static const char *const command_names[] = {
    [GRAMMAR_COMPLAINT] = "complaint", [GRAMMAR_CONFIDENTIAL] = "confidential",
    [GRAMMAR_CHECK] = "check",         [GRAMMAR_ADD] = "add",
    [GRAMMAR_CANCEL] = "cancel",       [GRAMMAR_HELP] = "help",
    [GRAMMAR_FOLLOWUP] = "followup",   [GRAMMAR_CLOSE] = "close",
    [GRAMMAR_CONFIRM] = "confirm",
};
_Static_assert(sizeof command_names / sizeof command_names[0] == GRAMMAR_CONFIRM + 1,
               "every command has a name");

const char *grammar_command_name(enum grammar_command c)
{
    if ((size_t)c < sizeof command_names / sizeof command_names[0]) {
        return command_names[c];
    }
    return "unknown";
}
