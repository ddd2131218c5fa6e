/*
 * modem_conf: a modem's own copy of its configuration, and whether its device is there; see
 * include/modem_conf.h.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "modem_conf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *copy_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

int modem_conf_copy(struct conf_modem *copy, const struct conf_modem *cfg)
{
    *copy = *cfg;
    copy->connection = copy_or_empty(cfg->connection);
    copy->device = copy_or_empty(cfg->device);
    copy->model = copy_or_empty(cfg->model);
    copy->pin = copy_or_empty(cfg->pin);
    bool copied = copy->connection != NULL && copy->device != NULL && copy->model != NULL &&
                  copy->pin != NULL;
    return copied ? 0 : -1;
}

void modem_conf_free(struct conf_modem *copy)
{
    free(copy->connection);
    free(copy->device);
    free(copy->model);
    if (copy->pin != NULL) {
        modem_conf_wipe(copy->pin, strlen(copy->pin));
    }
    free(copy->pin);
}

/* explicit_bzero, because the compiler may drop a memset of memory that is about to be freed. */
void modem_conf_wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

bool modem_conf_device_missing(const struct conf_modem *cfg)
{
    /* A proxy connection's device is a command line, not a path. */
    if (strncmp(cfg->connection, "proxy", 5) == 0 || cfg->device[0] != '/') {
        return false;
    }
    struct stat st;
    return stat(cfg->device, &st) != 0 && errno == ENOENT;
}
