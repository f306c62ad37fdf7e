/* offload-rep.c: what a switchdev representor says of itself, read from
 * sysfs (/sys/class/net/NAME/phys_switch_id and phys_port_name, the
 * rtnetlink IFLA_PHYS_SWITCH_ID and IFLA_PHYS_PORT_NAME).  Sysfs needs no
 * socket and no privileges, and a plain netdev simply lacks the files. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "offload/offload-private.h"

static const char *const flavour_names[] = {
    [OFFLOAD_FLAVOUR_NONE] = "none", [OFFLOAD_FLAVOUR_UPLINK] = "uplink",
    [OFFLOAD_FLAVOUR_PF] = "pf",     [OFFLOAD_FLAVOUR_VF] = "vf",
    [OFFLOAD_FLAVOUR_SF] = "sf",     [OFFLOAD_FLAVOUR_OTHER] = "other",
};

const char *
offload_flavour_name(enum offload_port_flavour f)
{
    return (unsigned) f < ARRAY_SIZE(flavour_names) ? flavour_names[f]
                                                    : "other";
}

/* Reads the first line of sysfs attribute ATTR of netdev NAME into BUF
 * (without the newline).  Returns false if there is none. */
static bool
read_attr(const char *name, const char *attr, char *buf, size_t size)
{
    char path[128];
    bool ok = false;

    snprintf(path, sizeof path, "/sys/class/net/%s/%s", name, attr);
    FILE *f = fopen(path, "re");
    if (!f) {
        return false;
    }
    if (fgets(buf, (int) size, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        ok = buf[0] != '\0';
    }
    fclose(f);
    return ok;
}

/* Parses WORD followed by a decimal number at *SP, advancing past both. */
static bool
take_num(const char **sp, const char *word, int *num)
{
    const char *s = *sp;
    size_t n = strlen(word);
    long v = 0;

    if (strncmp(s, word, n) || !isdigit((unsigned char) s[n])) {
        return false;
    }
    for (s += n; isdigit((unsigned char) *s); s++) {
        v = v * 10 + (*s - '0');
        if (v > 0xffff) {
            return false;
        }
    }
    *num = (int) v;
    *sp = s;
    return true;
}

bool
offload_representor_parse_name(const char *name,
                               struct offload_representor *rep)
{
    const char *s = name;
    int ctl, pf, n;

    (void) take_num(&s, "c", &ctl); /* The controller says nothing here. */
    if (take_num(&s, "pf", &pf)) {
        if (!*s) {
            rep->flavour = OFFLOAD_FLAVOUR_PF;
            rep->pf = pf, rep->vf = rep->sf = -1;
            return true;
        }
        if (take_num(&s, "vf", &n) && !*s) {
            rep->flavour = OFFLOAD_FLAVOUR_VF;
            rep->pf = pf, rep->vf = n, rep->sf = -1;
            return true;
        }
        if (take_num(&s, "sf", &n) && !*s) {
            rep->flavour = OFFLOAD_FLAVOUR_SF;
            rep->pf = pf, rep->sf = n, rep->vf = -1;
            return true;
        }
        return false;
    }
    /* "p0" names a physical port, not a PF: no pf number. */
    if (s == name && take_num(&s, "p", &n) && !*s) {
        rep->flavour = OFFLOAD_FLAVOUR_UPLINK;
        rep->pf = rep->vf = rep->sf = -1;
        return true;
    }
    return false;
}

void
offload_rep_read(const char *name, struct offload_representor *rep)
{
    char line[128];

    memset(rep, 0, sizeof *rep);
    rep->flavour = OFFLOAD_FLAVOUR_NONE;
    rep->pf = rep->vf = rep->sf = -1;
    /* A name that could leave /sys/class/net is not a netdev's. */
    if (!name || !name[0] || strchr(name, '/') || !strcmp(name, ".")
        || !strcmp(name, "..")) {
        return;
    }
    if (!read_attr(name, "phys_switch_id", line, sizeof line)) {
        return;
    }
    /* The switch id prints as hex digits, two per byte. */
    size_t len = strlen(line);
    for (size_t i = 0; i + 1 < len && rep->switch_id_len < 32; i += 2) {
        unsigned byte;

        if (sscanf(line + i, "%2x", &byte) != 1) {
            rep->switch_id_len = 0;
            return;
        }
        rep->switch_id[rep->switch_id_len++] = (uint8_t) byte;
    }
    if (read_attr(name, "phys_port_name", line, sizeof line)) {
        snprintf(rep->port_name, sizeof rep->port_name, "%s", line);
        if (!offload_representor_parse_name(rep->port_name, rep)) {
            rep->flavour = OFFLOAD_FLAVOUR_OTHER;
        }
    } else {
        rep->flavour = OFFLOAD_FLAVOUR_OTHER;
    }
}
