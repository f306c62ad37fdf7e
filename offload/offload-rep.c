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

/* Parses "<letters><number>" at *SP for the letters WORD; advances *SP. */
static bool
take_num(const char **sp, const char *word, int *num)
{
    size_t n = strlen(word);
    const char *s = *sp;
    char *end;

    if (strncmp(s, word, n) || !isdigit((unsigned char) s[n])) {
        return false;
    }
    long v = strtol(s + n, &end, 10);
    if (v < 0 || v > 65535) {
        return false;
    }
    *num = (int) v;
    *sp = end;
    return true;
}

void
offload_rep_parse_port_name(const char *s, struct offload_representor *rep)
{
    int controller, pf = -1, vf = -1, sf = -1, phys = -1;
    const char *p = s;

    rep->pf = rep->vf = rep->sf = -1;
    /* A controller prefix ("c1pf0vf2") names an external host's
     * functions; the rest reads the same. */
    take_num(&p, "c", &controller);
    if (take_num(&p, "pf", &pf)) {
        if (take_num(&p, "vf", &vf)) {
            rep->flavour = OFFLOAD_FLAVOUR_VF;
        } else if (take_num(&p, "sf", &sf)) {
            rep->flavour = OFFLOAD_FLAVOUR_SF;
        } else {
            rep->flavour = OFFLOAD_FLAVOUR_PF;
        }
    } else if (take_num(&p, "p", &phys)) {
        rep->flavour = OFFLOAD_FLAVOUR_UPLINK;
        pf = phys;
    } else {
        rep->flavour = OFFLOAD_FLAVOUR_OTHER;
        return;
    }
    if (*p) {
        /* Trailing text ("p0s1" split ports, say): not a form we know. */
        rep->flavour = OFFLOAD_FLAVOUR_OTHER;
        return;
    }
    rep->pf = pf;
    rep->vf = vf;
    rep->sf = sf;
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
        offload_rep_parse_port_name(rep->port_name, rep);
    } else {
        rep->flavour = OFFLOAD_FLAVOUR_OTHER;
    }
}
