/*
 * modem_dummy: writes incoming SMS into a dummy-driver modem's inbox; see include/modem_dummy.h.
 */
#include "modem_dummy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "modem.h"

/* The dummy driver's highest message file name; a file named 10000 ends its enumeration. */
#define DUMMY_MAX_FILE 9999
/* Room for one part as a backup file. */
#define DUMMY_FILE_MAX 8192

/* In a batch, one scan of the folder serves all injections: each goes on from where the last one
 * ended, and a name taken meanwhile (or a wrap past 9999) is skipped by place_file's link(). */
static struct {
    bool on;
    char dir[4096]; /* the folder the last injection wrote to */
    int next;       /* the number to try first there; 0 when unknown */
} batch;

void modem_dummy_inject_batch(bool on)
{
    batch.on = on;
}

/* Appends formatted text to a fixed buffer; false once it does not fit. */
static bool append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (r < 0 || (size_t)r >= cap - *len) {
        return false;
    }
    *len += (size_t)r;
    return true;
}

/* Appends bytes as upper-case hex digits. */
static bool append_hex(char *buf, size_t cap, size_t *len, const unsigned char *bytes, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        ok = append(buf, cap, len, "%c%c", hex[bytes[i] >> 4], hex[bytes[i] & 0x0F]);
    }
    return ok;
}

/* Renders one part as a Gammu SMS backup file (the dummy driver's message format). */
static bool render_backup(char *buf, size_t cap, size_t *len, const struct modem_split_part *part,
                          const char *sender, const struct tm *sent)
{
    *len = 0;
    bool ok = append(buf, cap, len, "[SMSBackup000]\n") &&
              append(buf, cap, len, "Sent = %04d%02d%02dT%02d%02d%02d\n", sent->tm_year + 1900,
                     sent->tm_mon + 1, sent->tm_mday, sent->tm_hour, sent->tm_min, sent->tm_sec) &&
              append(buf, cap, len, "State = UnRead\n") &&
              append(buf, cap, len, "Number = \"%s\"\n", sender) &&
              append(buf, cap, len, "Coding = %s\n", part->unicode ? "Unicode" : "Default");
    if (ok && part->udh_len > 0) {
        if (part->udh_len > sizeof(part->udh)) {
            return false;
        }
        ok = append(buf, cap, len, "UDH = ") &&
             append_hex(buf, cap, len, part->udh, part->udh_len) && append(buf, cap, len, "\n");
    }
    /* Gammu's own habit: the UTF-16BE text as hex, 200 digits (50 units) a line. */
    for (size_t line = 0; ok && line * 50 < part->units; line++) {
        size_t first = line * 50;
        size_t units = part->units - first < 50 ? part->units - first : 50;
        ok = append(buf, cap, len, "Text%02zu = ", line) &&
             append_hex(buf, cap, len, &part->text[2 * first], 2 * units) &&
             append(buf, cap, len, "\n");
    }
    return ok;
}

/* The highest message file number in dir, 0 when there is none. */
static int highest_number(const char *dir)
{
    DIR *d = opendir(dir);
    int best = 0;
    if (d == NULL) {
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *s = de->d_name;
        int v = 0;
        size_t i = 0;
        for (; s[i] >= '0' && s[i] <= '9' && i < 6; i++) {
            v = v * 10 + (s[i] - '0');
        }
        if (i > 0 && s[i] == '\0' && s[0] != '0' && v <= DUMMY_MAX_FILE && v > best) {
            best = v;
        }
    }
    closedir(d);
    return best;
}

/* Writes content to a new file at path. 0, or -1 with a reason in err and no file left. */
static int write_new_file(const char *path, const char *content, size_t len, char *err,
                          size_t errcap)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        snprintf(err, errcap, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, content + off, len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
            close(fd);
            unlink(path);
            return -1;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    return 0;
}

/*
 * Writes content under a temporary name, then links it to the first free number from *next on
 * (wrapping after 9999), so that the driver never sees a half-written file and an existing
 * message is never overwritten. Advances *next past the number used.
 */
static int place_file(const char *dir, const char *content, size_t len, int *next, char *err,
                      size_t errcap)
{
    static unsigned counter;
    char tmp[4096];
    char final[4096];
    int r = snprintf(tmp, sizeof(tmp), "%s/.inject-%ld-%u", dir, (long)getpid(), counter++);
    if (r < 0 || (size_t)r >= sizeof(tmp)) {
        snprintf(err, errcap, "path too long: %s", dir);
        return -1;
    }
    if (write_new_file(tmp, content, len, err, errcap) != 0) {
        return -1;
    }
    int n = *next;
    for (int tries = 0; tries < DUMMY_MAX_FILE; tries++) {
        if (n < 1 || n > DUMMY_MAX_FILE) {
            n = 1;
        }
        snprintf(final, sizeof(final), "%s/%d", dir, n);
        if (link(tmp, final) == 0) {
            unlink(tmp);
            *next = n + 1;
            return 0;
        }
        if (errno != EEXIST) {
            snprintf(err, errcap, "cannot link %s: %s", final, strerror(errno));
            unlink(tmp);
            return -1;
        }
        n++;
    }
    unlink(tmp);
    snprintf(err, errcap, "the inbox %s is full", dir);
    return -1;
}

/* A reference for a multipart message when the caller lets us pick one. */
static int random_ref(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint32_t x = (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 7) ^ ((uint32_t)getpid() << 13);
    x ^= x >> 16;
    x *= 0x45d9f3bu;
    x ^= x >> 16;
    return (int)(x & 0xFF);
}

/* The sender goes into the backup file's Number line as it is. */
static int check_sender(const char *sender, char *err, size_t errcap)
{
    size_t slen = strlen(sender);
    if (slen == 0 || slen > MODEM_GAMMU_NUMBER_LENGTH) {
        snprintf(err, errcap, "the sender must have 1 to 200 bytes");
        return -1;
    }
    for (size_t i = 0; i < slen; i++) {
        if ((unsigned char)sender[i] < 0x20 || sender[i] == 0x7F) {
            /* A line break would end the backup file's Number line early. */
            snprintf(err, errcap, "the sender holds a control character");
            return -1;
        }
    }
    return 0;
}

/* Makes device/sms/1 in dir (cap bytes), the inbox folder: the driver makes it on connect, but a
 * message may be injected before that. */
static int make_inbox(const char *device, char *dir, size_t cap, char *err, size_t errcap)
{
    int r = snprintf(dir, cap, "%s/sms", device);
    if (r < 0 || (size_t)r >= cap - 3) {
        snprintf(err, errcap, "path too long: %s", device);
        return -1;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errcap, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    strcat(dir, "/1");
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errcap, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* The number to try first for a new file in dir. */
static int first_free_number(const char *dir)
{
    if (batch.on && strcmp(batch.dir, dir) == 0 && batch.next > 0) {
        return batch.next;
    }
    snprintf(batch.dir, sizeof batch.dir, "%s", dir);
    return highest_number(dir) + 1;
}

/* Writes the parts listed in only (all n in order when only is NULL) as files in dir. */
static int write_parts(const char *dir, const struct modem_split_part *parts, int n,
                       const int *only, size_t nonly, const char *sender, const struct tm *sent,
                       char *err, size_t errcap)
{
    char *content = malloc(DUMMY_FILE_MAX);
    if (content == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    int rc = 0;
    int next = first_free_number(dir);
    size_t count = only != NULL ? nonly : (size_t)n;
    for (size_t k = 0; k < count && rc == 0; k++) {
        int idx = only != NULL ? only[k] : (int)k + 1;
        size_t len;
        if (!render_backup(content, DUMMY_FILE_MAX, &len, &parts[idx - 1], sender, sent)) {
            snprintf(err, errcap, "a message part does not fit the backup format");
            rc = -1;
        } else if (place_file(dir, content, len, &next, err, errcap) != 0) {
            batch.next = 0;
            rc = -1;
        } else {
            batch.next = next;
        }
    }
    free(content);
    return rc;
}

int modem_dummy_inject(const char *device, const char *sender, const char *utf8, int ref,
                       const int *only, size_t nonly, long long smsc_time, char *err, size_t errcap)
{
    char spare[256];
    if (err == NULL || errcap == 0) {
        err = spare; /* the steps below always have somewhere to say why */
        errcap = sizeof spare;
    }
    if (device == NULL || sender == NULL || utf8 == NULL) {
        snprintf(err, errcap, "device, sender and text are required");
        return -1;
    }
    if (check_sender(sender, err, errcap) != 0) {
        return -1;
    }
    if (ref > 255) {
        snprintf(err, errcap, "the concatenation reference must be 0..255");
        return -1;
    }
    if (ref < 0) {
        ref = random_ref();
    }
    char dir[4096];
    if (make_inbox(device, dir, sizeof dir, err, errcap) != 0) {
        return -1;
    }
    struct modem_split_part *parts = malloc(MODEM_GAMMU_MAX_PARTS * sizeof *parts);
    if (parts == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    int n = modem_gammu_split(utf8, ref, parts, err, errcap);
    for (size_t k = 0; n > 0 && only != NULL && k < nonly; k++) {
        if (only[k] < 1 || only[k] > n) {
            snprintf(err, errcap, "no such part to deliver");
            n = -1;
        }
    }
    time_t when = smsc_time != 0 ? (time_t)smsc_time : time(NULL);
    struct tm sent;
    if (n > 0 && gmtime_r(&when, &sent) == NULL) {
        snprintf(err, errcap, "invalid SMSC time");
        n = -1;
    }
    if (n > 0 && write_parts(dir, parts, n, only, nonly, sender, &sent, err, errcap) != 0) {
        n = -1;
    }
    free(parts);
    return n;
}
