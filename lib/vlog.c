/* vlog.c: per-module logging (see vlog.h).
 *
 * Output format, one line per message:
 *   2026-11-22T02:10:00.123Z|00042|module|LEVEL|message
 * which is the shape Open vSwitch log readers and grep habits expect. */
#include "vlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

static const char *const level_names[VLL_N_LEVELS] = {
    "OFF", "EMER", "ERR", "WARN", "INFO", "DBG",
};
static const int level_syslog[VLL_N_LEVELS] = {
    LOG_ALERT, LOG_ALERT, LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG,
};
static const char *const dest_names[VLF_N_DESTINATIONS] = {
    "console",
    "syslog",
    "file",
};

static pthread_mutex_t vlog_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct vlog_module *modules; /* Sorted by name. */
static char *log_file_name;
static int log_fd = -1;
static bool syslog_open;
static unsigned int msg_num;

/* Levels requested before a module registered (a module registers from a
 * constructor, so this matters only for modules in dlopen()ed plugins):
 * the defaults given by "any" settings apply to later modules too. */
static int default_levels[VLF_N_DESTINATIONS] = { VLL_INFO, VLL_ERR,
                                                  VLL_INFO };

static void
update_min_level(struct vlog_module *m)
{
    m->min_level = VLL_OFF;
    for (int d = 0; d < VLF_N_DESTINATIONS; d++) {
        /* The syslog destination counts only once it has been opened, so a
         * quiet daemon does not format messages nobody receives. */
        if (d == VLF_SYSLOG && !syslog_open) {
            continue;
        }
        if (d == VLF_FILE && log_fd < 0) {
            continue;
        }
        m->min_level = NF_MAX(m->min_level, m->levels[d]);
    }
}

static void
update_all_min_levels(void)
{
    for (struct vlog_module *m = modules; m; m = m->next) {
        update_min_level(m);
    }
}

void
vlog_register_module(struct vlog_module *m)
{
    pthread_mutex_lock(&vlog_mutex);
    struct vlog_module **p = &modules;
    while (*p && strcmp((*p)->name, m->name) < 0) {
        p = &(*p)->next;
    }
    if (*p != m) {
        memcpy(m->levels, default_levels, sizeof m->levels);
        m->next = *p;
        *p = m;
    }
    update_min_level(m);
    pthread_mutex_unlock(&vlog_mutex);
}

struct vlog_module *
vlog_module_from_name(const char *name)
{
    for (struct vlog_module *m = modules; m; m = m->next) {
        if (!strcasecmp(m->name, name)) {
            return m;
        }
    }
    return NULL;
}

const char *
vlog_level_to_string(enum vlog_level level)
{
    return level < VLL_N_LEVELS ? level_names[level] : "?";
}

int
vlog_level_from_string(const char *s)
{
    for (int i = 0; i < VLL_N_LEVELS; i++) {
        if (!strcasecmp(s, level_names[i])) {
            return i;
        }
    }
    /* Accept the longer spellings syslog users type. */
    if (!strcasecmp(s, "error")) {
        return VLL_ERR;
    } else if (!strcasecmp(s, "warning")) {
        return VLL_WARN;
    } else if (!strcasecmp(s, "debug")) {
        return VLL_DBG;
    }
    return -1;
}

static int
dest_from_string(const char *s)
{
    for (int i = 0; i < VLF_N_DESTINATIONS; i++) {
        if (!strcasecmp(s, dest_names[i])) {
            return i;
        }
    }
    return -1;
}

bool
vlog_is_enabled(const struct vlog_module *m, enum vlog_level level)
{
    return m->min_level >= (int) level;
}

static void
set_levels_locked(struct vlog_module *m, enum vlog_destination dest,
                  enum vlog_level level)
{
    for (int d = 0; d < VLF_N_DESTINATIONS; d++) {
        if (dest == VLF_N_DESTINATIONS || (int) dest == d) {
            if (m) {
                m->levels[d] = level;
            } else {
                default_levels[d] = level;
                for (struct vlog_module *i = modules; i; i = i->next) {
                    i->levels[d] = level;
                }
            }
        }
    }
    update_all_min_levels();
}

void
vlog_set_levels(struct vlog_module *m, enum vlog_destination dest,
                enum vlog_level level)
{
    pthread_mutex_lock(&vlog_mutex);
    set_levels_locked(m, dest, level);
    pthread_mutex_unlock(&vlog_mutex);
}

int
vlog_set_levels_from_string(const char *spec, char **errp)
{
    struct vlog_module *module = NULL;
    int dest = VLF_N_DESTINATIONS;
    int level = VLL_DBG;
    bool have_module = false, have_dest = false, have_level = false;
    char *copy = xstrdup(spec), *save = NULL;
    int error = 0;

    *errp = NULL;
    for (char *w = strtok_r(copy, ": \t", &save); w;
         w = strtok_r(NULL, ": \t", &save)) {
        int v;
        if (!strcasecmp(w, "any")) {
            /* "any" is the wildcard for whichever of module or destination
             * is still unset, in that order. */
            if (!have_module) {
                have_module = true;
            } else if (!have_dest) {
                have_dest = true;
            } else {
                *errp =
                    xasprintf("\"any\" given more than twice in \"%s\"", spec);
                error = EINVAL;
                break;
            }
        } else if ((v = dest_from_string(w)) >= 0 && !have_dest) {
            dest = v;
            have_dest = true;
        } else if ((v = vlog_level_from_string(w)) >= 0 && !have_level) {
            level = v;
            have_level = true;
        } else if (!have_module && (module = vlog_module_from_name(w))) {
            have_module = true;
        } else {
            *errp = xasprintf("unknown module, destination or level \"%s\" "
                              "(destinations: console, syslog, file; levels: "
                              "off, emer, err, warn, info, dbg; modules: see "
                              "vlog/list)",
                              w);
            error = EINVAL;
            break;
        }
    }
    if (!error) {
        vlog_set_levels(module, dest, level);
    }
    free(copy);
    return error;
}

char *
vlog_list(void)
{
    struct buf b = BUF_INITIALIZER;

    buf_printf(&b, "                 console    syslog    file\n");
    buf_printf(&b, "                 -------    ------    ------\n");
    pthread_mutex_lock(&vlog_mutex);
    for (struct vlog_module *m = modules; m; m = m->next) {
        buf_printf(&b, "%-16s  %4s       %4s       %4s\n", m->name,
                   level_names[m->levels[VLF_CONSOLE]],
                   level_names[m->levels[VLF_SYSLOG]],
                   level_names[m->levels[VLF_FILE]]);
    }
    pthread_mutex_unlock(&vlog_mutex);
    return buf_steal_cstr(&b);
}

static char *
default_log_file(void)
{
    const char *dir = getenv("NICFLOW_LOGDIR");
    return xasprintf("%s/%s.log", dir && *dir ? dir : "/var/log/nicflow",
                     nf_program_name);
}

int
vlog_set_log_file(const char *path)
{
    char *name = path ? xstrdup(path) : default_log_file();
    int fd = open(name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
        int error = errno;
        fprintf(stderr, "%s: could not open log file %s: %s\n",
                nf_program_name, name, nf_strerror(error));
        free(name);
        return error;
    }
    pthread_mutex_lock(&vlog_mutex);
    if (log_fd >= 0) {
        close(log_fd);
    }
    free(log_file_name);
    log_file_name = name;
    log_fd = fd;
    update_all_min_levels();
    pthread_mutex_unlock(&vlog_mutex);
    return 0;
}

int
vlog_reopen_log_file(void)
{
    char *name = NULL;
    pthread_mutex_lock(&vlog_mutex);
    if (log_file_name) {
        name = xstrdup(log_file_name);
    }
    pthread_mutex_unlock(&vlog_mutex);
    if (!name) {
        return 0;
    }
    int error = vlog_set_log_file(name);
    free(name);
    return error;
}

void
vlog_close_log_file(void)
{
    pthread_mutex_lock(&vlog_mutex);
    if (log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
    free(log_file_name);
    log_file_name = NULL;
    update_all_min_levels();
    pthread_mutex_unlock(&vlog_mutex);
}

const char *
vlog_get_log_file(void)
{
    return log_file_name;
}

void
vlog_init_syslog(void)
{
    pthread_mutex_lock(&vlog_mutex);
    if (!syslog_open) {
        openlog(nf_program_name, LOG_NDELAY | LOG_PID, LOG_DAEMON);
        syslog_open = true;
        update_all_min_levels();
    }
    pthread_mutex_unlock(&vlog_mutex);
}

static void
write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t r = write(fd, s, n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        s += r;
        n -= (size_t) r;
    }
}

static void
vlog_valist(const struct vlog_module *m, enum vlog_level level,
            const char *prefix, const char *fmt, va_list args)
{
    struct buf b = BUF_INITIALIZER;
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);

    pthread_mutex_lock(&vlog_mutex);
    unsigned int num = ++msg_num;
    buf_printf(&b, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ|%05u|%s|%s|",
               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
               tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, num, m->name,
               level_names[level]);
    size_t header_len = b.len;
    if (prefix) {
        buf_put_cstr(&b, prefix);
    }
    buf_vprintf(&b, fmt, args);
    buf_chomp(&b);
    buf_put_char(&b, '\n');

    if (m->levels[VLF_CONSOLE] >= (int) level) {
        write_all(STDERR_FILENO, (const char *) b.data, b.len);
    }
    if (log_fd >= 0 && m->levels[VLF_FILE] >= (int) level) {
        write_all(log_fd, (const char *) b.data, b.len);
    }
    if (syslog_open && m->levels[VLF_SYSLOG] >= (int) level) {
        b.data[b.len - 1] = '\0';
        syslog(level_syslog[level], "%s", (char *) b.data + header_len);
    }
    pthread_mutex_unlock(&vlog_mutex);
    buf_destroy(&b);
}

void
vlog(const struct vlog_module *m, enum vlog_level level, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vlog_valist(m, level, NULL, fmt, args);
    va_end(args);
}

/* Token bucket: each message costs 60000 tokens (one minute in msec), and
 * the bucket refills at PER_MINUTE tokens per msec, so PER_MINUTE messages
 * a minute pass in the long run and BURST may pass at once. */
static bool
rate_limit_allows(struct vlog_rate_limit *rl, unsigned int *dropped)
{
    long long now = nf_time_msec();
    bool ok;

    pthread_mutex_lock(&vlog_mutex);
    if (!rl->last_fill) {
        rl->last_fill = now;
    }
    unsigned long long cap = (unsigned long long) rl->burst * 60000;
    unsigned long long add =
        (unsigned long long) (now - rl->last_fill) * rl->per_minute;
    unsigned long long tokens = NF_MIN(cap, rl->tokens + add);
    rl->last_fill = now;
    if (tokens >= 60000) {
        rl->tokens = (unsigned int) (tokens - 60000);
        *dropped = rl->n_dropped;
        rl->n_dropped = 0;
        ok = true;
    } else {
        rl->tokens = (unsigned int) tokens;
        rl->n_dropped++;
        ok = false;
    }
    pthread_mutex_unlock(&vlog_mutex);
    return ok;
}

void
vlog_rl(const struct vlog_module *m, enum vlog_level level,
        struct vlog_rate_limit *rl, const char *fmt, ...)
{
    unsigned int dropped;
    if (!rate_limit_allows(rl, &dropped)) {
        return;
    }
    char prefix[64] = "";
    if (dropped) {
        snprintf(prefix, sizeof prefix, "(%u similar messages dropped) ",
                 dropped);
    }
    va_list args;
    va_start(args, fmt);
    vlog_valist(m, level, dropped ? prefix : NULL, fmt, args);
    va_end(args);
}
