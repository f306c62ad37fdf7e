/* flow-text.c: flows in ovs-ofctl text (see flow-text.h). */
#include "ofctl/flow-text.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/text.h"

void
of_flow_init(struct of_flow *flow, enum of_flow_cmd cmd)
{
    memset(flow, 0, sizeof *flow);
    of_match_init_catchall(&flow->match);
    flow->priority = OF_DEFAULT_PRIORITY;
    flow->table_id = cmd == OF_FLOW_ADD ? 0 : OF_TABLE_ALL;
    flow->out_port = OF_PORT_NONE;
    flow->out_group = OF_GROUP_ANY;
    of_acts_init(&flow->acts);
}

void
of_flow_destroy(struct of_flow *flow)
{
    of_acts_destroy(&flow->acts);
}

bool
of_flow_equal(const struct of_flow *a, const struct of_flow *b)
{
    return of_match_equal(&a->match, &b->match) && a->priority == b->priority
           && a->table_id == b->table_id && a->flags == b->flags
           && a->cookie == b->cookie && a->cookie_mask == b->cookie_mask
           && a->idle_timeout == b->idle_timeout
           && a->hard_timeout == b->hard_timeout
           && a->importance == b->importance && a->out_port == b->out_port
           && a->out_group == b->out_group && a->has_actions == b->has_actions
           && of_acts_equal(&a->acts, &b->acts);
}

/* ---------------------------------------------------------------------
 * Keywords.
 * --------------------------------------------------------------------- */

/* Protocol shorthands (ovs-fields(7) "Shorthands"). */
static const struct {
    const char *name;
    uint16_t dl_type;
    int nw_proto; /* -1: none. */
} shorthands[] = {
    { "ip", ETH_TYPE_IP, -1 },     { "ipv6", ETH_TYPE_IPV6, -1 },
    { "icmp", ETH_TYPE_IP, 1 },    { "icmp6", ETH_TYPE_IPV6, 58 },
    { "tcp", ETH_TYPE_IP, 6 },     { "tcp6", ETH_TYPE_IPV6, 6 },
    { "udp", ETH_TYPE_IP, 17 },    { "udp6", ETH_TYPE_IPV6, 17 },
    { "sctp", ETH_TYPE_IP, 132 },  { "sctp6", ETH_TYPE_IPV6, 132 },
    { "arp", ETH_TYPE_ARP, -1 },   { "rarp", ETH_TYPE_RARP, -1 },
    { "mpls", ETH_TYPE_MPLS, -1 }, { "mplsm", ETH_TYPE_MPLS_MCAST, -1 },
};

/* Flow-mod settings, parsed into struct of_flow. */
enum setting {
    S_TABLE,
    S_PRIORITY,
    S_COOKIE,
    S_IDLE_TIMEOUT,
    S_HARD_TIMEOUT,
    S_IMPORTANCE,
    S_OUT_PORT,
    S_OUT_GROUP,
    S_FLAG,
    S_IGNORED, /* Statistics that dump-flows prints. */
};

static const struct {
    const char *name;
    enum setting setting;
    uint8_t flag;
    bool add_ok; /* Allowed for add-flow. */
} settings[] = {
    { "table", S_TABLE, 0, true },
    { "priority", S_PRIORITY, 0, true },
    { "cookie", S_COOKIE, 0, true },
    { "idle_timeout", S_IDLE_TIMEOUT, 0, true },
    { "hard_timeout", S_HARD_TIMEOUT, 0, true },
    { "importance", S_IMPORTANCE, 0, true },
    { "out_port", S_OUT_PORT, 0, false },
    { "out_group", S_OUT_GROUP, 0, false },
    { "send_flow_rem", S_FLAG, OF_FLOW_SEND_FLOW_REM, true },
    { "check_overlap", S_FLAG, OF_FLOW_CHECK_OVERLAP, true },
    { "reset_counts", S_FLAG, OF_FLOW_RESET_COUNTS, true },
    { "no_packet_counts", S_FLAG, OF_FLOW_NO_PKT_COUNTS, true },
    { "no_byte_counts", S_FLAG, OF_FLOW_NO_BYT_COUNTS, true },
    { "duration", S_IGNORED, 0, true },
    { "n_packets", S_IGNORED, 0, true },
    { "n_bytes", S_IGNORED, 0, true },
    { "idle_age", S_IGNORED, 0, true },
    { "hard_age", S_IGNORED, 0, true },
};

static char *
parse_setting(struct of_flow *flow, enum of_flow_cmd cmd, int i,
              const char *key, const char *v)
{
    uint64_t x;

    switch (settings[i].setting) {
    case S_TABLE:
        if (!of_text_parse_uint(v, 254, &x)) {
            return xasprintf("unknown table \"%s\"", v);
        }
        flow->table_id = (uint8_t) x;
        return NULL;
    case S_PRIORITY:
        if (!of_text_parse_uint(v, UINT16_MAX, &x)) {
            return xasprintf("invalid priority \"%s\"", v);
        }
        flow->priority = (uint16_t) x;
        return NULL;
    case S_IDLE_TIMEOUT:
    case S_HARD_TIMEOUT:
    case S_IMPORTANCE:
        if (!of_text_parse_uint(v, UINT16_MAX, &x)) {
            return xasprintf("invalid %s \"%s\"", key, v);
        }
        if (settings[i].setting == S_IDLE_TIMEOUT) {
            flow->idle_timeout = (uint16_t) x;
        } else if (settings[i].setting == S_HARD_TIMEOUT) {
            flow->hard_timeout = (uint16_t) x;
        } else {
            flow->importance = (uint16_t) x;
        }
        return NULL;
    case S_COOKIE: {
        char *copy = xstrdup(v);
        char *slash = strchr(copy, '/');
        char *err = NULL;
        uint64_t mask = UINT64_MAX;
        if (slash) {
            *slash = '\0';
            if (!strcmp(slash + 1, "-1")) {
                mask = UINT64_MAX;
            } else if (!of_text_parse_uint(slash + 1, UINT64_MAX, &mask)) {
                err = xasprintf("invalid cookie mask \"%s\"", slash + 1);
            }
        }
        if (!err && !of_text_parse_uint(copy, UINT64_MAX, &x)) {
            err = xasprintf("invalid cookie \"%s\"", copy);
        }
        if (!err && cmd == OF_FLOW_ADD && slash) {
            err = xasprintf("flow additions cannot use a cookie mask");
        }
        if (!err && cmd != OF_FLOW_ADD && !slash) {
            err = xasprintf("cannot set cookie (to match on a cookie, "
                            "specify a mask, e.g. cookie=%s/-1)",
                            copy);
        }
        if (!err) {
            flow->cookie = x;
            flow->cookie_mask = cmd == OF_FLOW_ADD ? 0 : mask;
        }
        free(copy);
        return err;
    }
    case S_OUT_PORT:
        if (!of_port_parse(v, &flow->out_port)) {
            return xasprintf("%s: invalid or unknown port for out_port", v);
        }
        return NULL;
    case S_OUT_GROUP:
        if (!of_text_parse_uint(v, UINT32_MAX, &x)) {
            return xasprintf("invalid out_group \"%s\"", v);
        }
        flow->out_group = (uint32_t) x;
        return NULL;
    case S_FLAG:
        flow->flags |= settings[i].flag;
        return NULL;
    case S_IGNORED:
        return NULL;
    }
    return NULL;
}

/* dl_vlan and dl_vlan_pcp (and vlan_pcp) have OpenFlow 1.0 semantics:
 * they also require a VLAN header; dl_vlan=0xffff means "no VLAN". */
static char *
parse_vlan_field(struct of_match *m, const struct of_field *f, const char *v)
{
    uint64_t x;
    uint16_t tci = ntohs(m->flow.vlans[0].tci);
    uint16_t mask = ntohs(m->mask.vlans[0].tci);

    if (!of_text_parse_uint(v, UINT16_MAX, &x)) {
        if (of_text_parse_uint(v, UINT64_MAX, &x)) {
            return xasprintf("%s: value too large for 2-byte field %s", v,
                             f->name);
        }
        return xasprintf("%s: bad syntax for %s value", v, f->name);
    }
    if (f->id == OF_F_DL_VLAN) {
        if (x == 0xffff) {
            tci = 0;
            mask = 0xffff;
        } else {
            tci = (uint16_t) ((tci & ~VLAN_VID_MASK) | (x & VLAN_VID_MASK)
                              | VLAN_CFI);
            mask |= VLAN_VID_MASK | VLAN_CFI;
        }
    } else {
        if (x > 0xff) {
            return xasprintf("%s: value too large for 1-byte field %s", v,
                             f->name);
        }
        tci =
            (uint16_t) ((tci & ~VLAN_PCP_MASK)
                        | ((x << VLAN_PCP_SHIFT) & VLAN_PCP_MASK) | VLAN_CFI);
        mask |= VLAN_PCP_MASK | VLAN_CFI;
    }
    m->flow.vlans[0].tci = htons(tci & mask);
    m->mask.vlans[0].tci = htons(mask);
    return NULL;
}

/* True if M matches all of F's bits or none of them. */
static bool
field_is_exact(const struct of_match *m, const struct of_field *f)
{
    union of_value value, mask;

    of_match_get(m, f, &value, &mask);
    return of_value_is_zero(f, &mask) || of_value_is_all_ones(f, &mask);
}

static char *
parse_field(struct of_match *m, const struct of_field *f, const char *v)
{
    union of_value value, mask;

    if (!*v) {
        return NULL; /* "tp_dst=" leaves the field wildcarded. */
    }
    if (f->id == OF_F_DL_VLAN || f->id == OF_F_DL_VLAN_PCP
        || f->id == OF_F_VLAN_PCP) {
        return parse_vlan_field(m, f, v);
    }
    char *err = of_field_parse(f, v, &value, &mask);
    if (!err && of_match_set(m, f, &value, &mask)) {
        err = xasprintf("%s: tunnel metadata needs more than %d bytes", v,
                        OF_TUN_MD_SPACE);
    }
    return err;
}

/* What the switch rejects outright, beyond what normalisation drops. */
static char *
check_match(const struct of_match *m)
{
    static const enum of_field_id ct_tuple[] = {
        OF_F_CT_NW_SRC,   OF_F_CT_NW_DST, OF_F_CT_IPV6_SRC, OF_F_CT_IPV6_DST,
        OF_F_CT_NW_PROTO, OF_F_CT_TP_SRC, OF_F_CT_TP_DST,
    };
    for (size_t i = 0; i < ARRAY_SIZE(ct_tuple); i++) {
        const struct of_field *f = of_field_from_id(ct_tuple[i]);
        if (of_match_has(m, f) && !of_match_prereqs_ok(m, f)) {
            return xasprintf(
                "%s: prerequisites not met (needs a valid "
                "ct_state such as +new, +est, +rel or "
                "+trk-inv%s)",
                f->name,
                f->prereq == OF_PRQ_CT && f->id != OF_F_CT_NW_PROTO
                        && f->id != OF_F_CT_TP_SRC && f->id != OF_F_CT_TP_DST
                    ? ", and the matching IP version"
                    : "");
        }
    }
    if ((m->mask.nw_frag & FLOW_NW_FRAG_LATER)
        && (m->flow.nw_frag & FLOW_NW_FRAG_LATER)
        && (m->mask.tp_src || m->mask.tp_dst || m->mask.tcp_flags)
        && m->mask.nw_proto == 0xff
        && (m->flow.nw_proto == 6 || m->flow.nw_proto == 17
            || m->flow.nw_proto == 132)) {
        return xasprintf("tp_src/tp_dst: prerequisites not met (later "
                         "fragments carry no transport header)");
    }
    return NULL;
}

/* Finds "action=" or "actions=" starting a keyword in S. */
static char *
find_actions(char *s)
{
    for (char *p = s; (p = strstr(p, "action")) != NULL; p++) {
        if (p != s && !strchr(", \t\r\n", p[-1])) {
            continue;
        }
        char *q = p + strlen("action");
        if (*q == 's') {
            q++;
        }
        while (*q == ' ' || *q == '\t') {
            q++;
        }
        if (*q == '=' || *q == ':') {
            return p;
        }
    }
    return NULL;
}

static char *
located(const char *what, size_t ofs, char *why)
{
    char *msg = xasprintf("%s (offset %zu): %s", what, ofs, why);
    free(why);
    return msg;
}

char *
of_flow_parse(struct of_flow *flow, const char *s, enum of_flow_cmd cmd,
              size_t *err_ofs, char **notice)
{
    char *copy = xstrdup(s);
    char *acts_kw = find_actions(copy);
    char *acts_text = NULL;
    char *pos, *key, *value, *err = NULL;
    size_t ofs = 0;
    bool adding = cmd == OF_FLOW_ADD || cmd == OF_FLOW_MODIFY
                  || cmd == OF_FLOW_MODIFY_STRICT;

    of_flow_init(flow, cmd);
    if (notice) {
        *notice = NULL;
    }
    if (acts_kw) {
        acts_text = acts_kw + strcspn(acts_kw, "=:") + 1;
        if (!adding) {
            ofs = (size_t) (acts_kw - copy);
            err = located("actions", ofs,
                          xasprintf("actions are not allowed when "
                                    "deleting flows"));
            goto out;
        }
        *acts_kw = '\0';
    } else if (adding) {
        ofs = strlen(s);
        err = located("actions", ofs, xasprintf("must specify an action"));
        goto out;
    }

    pos = copy;
    while (of_text_next_kv(&pos, &key, &value, NULL)) {
        const struct of_field *f;
        ofs = (size_t) (key - copy);
        if (!value) {
            err = located(key, ofs, xasprintf("unbalanced parentheses"));
            goto out;
        }

        size_t i;
        for (i = 0; i < ARRAY_SIZE(shorthands); i++) {
            /* The first letter weeds out most rows without a call. */
            if (key[0] == shorthands[i].name[0]
                && !strcmp(key, shorthands[i].name)) {
                break;
            }
        }
        if (i < ARRAY_SIZE(shorthands)) {
            struct of_match *m = &flow->match;
            m->flow.dl_type = htons(shorthands[i].dl_type);
            m->mask.dl_type = 0xffff;
            if (shorthands[i].nw_proto >= 0) {
                m->flow.nw_proto = (uint8_t) shorthands[i].nw_proto;
                m->mask.nw_proto = 0xff;
            }
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(settings); i++) {
            if (key[0] == settings[i].name[0]
                && !strcmp(key, settings[i].name)) {
                break;
            }
        }
        if (i < ARRAY_SIZE(settings)
            && (settings[i].add_ok || cmd != OF_FLOW_ADD)) {
            if (settings[i].setting != S_FLAG
                && settings[i].setting != S_IGNORED
                && value == of_text_no_value) {
                err = located(key, ofs, xasprintf("%s needs a value", key));
                goto out;
            }
            err = parse_setting(flow, cmd, (int) i, key, value);
            if (err) {
                err = located(key, ofs, err);
                goto out;
            }
            continue;
        }
        f = of_field_from_name(key);
        if (!f) {
            err = located(key, ofs, xasprintf("unknown keyword %s", key));
            goto out;
        }
        err = parse_field(&flow->match, f, value);
        if (err) {
            err = located(key, ofs, err);
            goto out;
        }
        if ((f->id == OF_F_VLAN_TCI && !field_is_exact(&flow->match, f))
            || (f->id == OF_F_VLAN_VID && strchr(value, '/'))
            || f->id == OF_F_SCTP_SRC || f->id == OF_F_SCTP_DST) {
            /* ovs-ofctl decides by the field as written: OpenFlow 1.0
             * matches vlan_tci only exactly, vlan_vid not masked, and
             * has no sctp_src/sctp_dst (tp_src/tp_dst it has). */
            flow->nxm_only = true;
        }
    }

    /* Like ovs-ofctl: quietly drop what the prerequisites do not allow. */
    struct buf dropped = BUF_INITIALIZER;
    if (of_match_normalize(&flow->match, &dropped) && notice) {
        *notice = xasprintf("dropped %s from the match: prerequisites not "
                            "met",
                            buf_cstr(&dropped));
    }
    buf_destroy(&dropped);
    if (adding && (err = check_match(&flow->match))) {
        ofs = 0;
        err = located("match", 0, err);
        goto out;
    }

    if (acts_text) {
        struct of_act_parse_ctx ctx = { .match = &flow->match, .base = copy };
        flow->has_actions = true;
        /* Parse from the caller's text so that offsets are right even
         * though COPY was cut at the actions keyword. */
        ctx.base = s;
        err = of_acts_parse(s + (acts_text - copy), &flow->acts, &ctx);
        if (err) {
            ofs = ctx.err_ofs;
            err = located("actions", ofs, err);
            goto out;
        }
        err = of_acts_check(&flow->acts, &flow->match);
        if (!err) {
            OF_ACT_FOR_EACH(a, flow->acts.buf.data, flow->acts.buf.len)
            {
                const struct of_act_u32 *u = (const void *) a;
                if (a->type == OF_ACT_GOTO_TABLE
                    && flow->table_id != OF_TABLE_ALL && flow->table_id
                    && u->value <= flow->table_id) {
                    err = xasprintf("goto_table:%" PRIu32 " must name a "
                                    "later table than %u",
                                    u->value, flow->table_id);
                }
            }
        }
        if (err) {
            ofs = (size_t) (acts_text - copy);
            err = located("actions", ofs, err);
            goto out;
        }
    }

out:
    if (err) {
        if (err_ofs) {
            *err_ofs = ofs;
        }
        if (notice) {
            free(*notice);
            *notice = NULL;
        }
    }
    free(copy);
    return err;
}

/* ---------------------------------------------------------------------
 * Printing.
 * --------------------------------------------------------------------- */

void
of_flow_format(const struct of_flow *flow, const struct of_flow_stats *st,
               unsigned options, struct buf *b)
{
    size_t match_start;

    if (st || flow->cookie) {
        buf_printf(b, "cookie=0x%" PRIx64 ", ", flow->cookie);
    }
    if (st) {
        buf_printf(b, "duration=%" PRIu32 ".%03" PRIu32 "s, ",
                   st->duration_sec, st->duration_nsec / 1000000);
    }
    if (st || (flow->table_id && flow->table_id != OF_TABLE_ALL)) {
        buf_printf(b, "table=%u, ", flow->table_id);
    }
    if (st) {
        buf_printf(b, "n_packets=%" PRIu64 ", n_bytes=%" PRIu64 ", ",
                   st->n_packets, st->n_bytes);
    }
    if (flow->idle_timeout) {
        buf_printf(b, "idle_timeout=%u, ", flow->idle_timeout);
    }
    if (flow->hard_timeout) {
        buf_printf(b, "hard_timeout=%u, ", flow->hard_timeout);
    }
    if (options & OF_FLOW_FMT_FLAGS) {
        static const struct {
            uint8_t flag;
            const char *name;
        } flags[] = {
            { OF_FLOW_SEND_FLOW_REM, "send_flow_rem" },
            { OF_FLOW_CHECK_OVERLAP, "check_overlap" },
            { OF_FLOW_RESET_COUNTS, "reset_counts" },
            { OF_FLOW_NO_PKT_COUNTS, "no_packet_counts" },
            { OF_FLOW_NO_BYT_COUNTS, "no_byte_counts" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
            if (flow->flags & flags[i].flag) {
                buf_printf(b, "%s ", flags[i].name);
            }
        }
        if (flow->importance) {
            buf_printf(b, "importance=%u, ", flow->importance);
        }
    }
    if (st && st->idle_age >= 0) {
        buf_printf(b, "idle_age=%d, ", st->idle_age);
    }
    if (st && st->hard_age >= 0) {
        buf_printf(b, "hard_age=%d, ", st->hard_age);
    }
    match_start = b->len;
    of_match_format(&flow->match, flow->priority, b);
    if (b->len > match_start) {
        buf_put_char(b, ' ');
    }
    buf_put_cstr(b, "actions=");
    of_acts_format_view(&flow->acts, options & OF_FLOW_FMT_OF11 ? 4 : 1, b);
}

char *
of_flow_to_string(const struct of_flow *flow, unsigned options)
{
    struct buf b = BUF_INITIALIZER;
    of_flow_format(flow, NULL, options, &b);
    return buf_steal_cstr(&b);
}

bool
of_flow_next_line(const char **pos, struct buf *line, int *line_no)
{
    const char *p = *pos;

    while (*p) {
        buf_clear(line);
        bool comment = false;
        for (;;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t) (nl - p) : strlen(p);
            (*line_no)++;
            if (!comment) {
                const char *hash = memchr(p, '#', len);
                buf_put(line, p, hash ? (size_t) (hash - p) : len);
                comment = hash != NULL;
            }
            p += len + (nl ? 1 : 0);
            buf_chomp(line);
            /* A backslash at the end joins the next line. */
            if (!comment && line->len && line->data[line->len - 1] == '\\'
                && *p) {
                line->len--;
                continue;
            }
            break;
        }
        const char *t = buf_cstr(line);
        while (*t == ' ' || *t == '\t' || *t == '\r') {
            t++;
        }
        if (*t) {
            *pos = p;
            return true;
        }
    }
    *pos = p;
    return false;
}
