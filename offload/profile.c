/* profile.c: reading and validating hardware profiles (profile.h).
 *
 * The format is described twice, on purpose: for people and editors in
 * hw-profiles/schema.json, and for this validator in the member tables
 * below.  The tables are data, in the manner of a netlink policy: each
 * member has a kind, whether it is required, whether it is a fact group
 * that needs a source, and where its value goes in struct
 * offload_profile.  tests/unit/test-offload-profile.c compares the
 * tables' names with schema.json so the two cannot drift apart.
 *
 * jansson keeps no line numbers once a document has parsed, so semantic
 * errors name the JSON path of the offending member (RFC 6901 pointer
 * syntax) instead; syntax errors carry jansson's line and column. */
#include "offload/profile.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/util.h"

#ifndef NICFLOW_PROFILE_DIR
#define NICFLOW_PROFILE_DIR "hw-profiles"
#endif

/* ---------------------------------------------------------------------
 * Keyword tables.  Indexes are the enums of profile.h.
 * --------------------------------------------------------------------- */

static const char *const field_names[OPF__N + 1] = {
    [OPF_IN_PORT] = "in_port",
    [OPF_PKT_MARK] = "pkt_mark",
    [OPF_RECIRC_ID] = "recirc_id",
    [OPF_DP_HASH] = "dp_hash",
    [OPF_ETH_SRC] = "eth_src",
    [OPF_ETH_DST] = "eth_dst",
    [OPF_ETH_TYPE] = "eth_type",
    [OPF_VLAN_VID] = "vlan_vid",
    [OPF_VLAN_PCP] = "vlan_pcp",
    [OPF_CVLAN_VID] = "cvlan_vid",
    [OPF_CVLAN_PCP] = "cvlan_pcp",
    [OPF_MPLS_LABEL] = "mpls_label",
    [OPF_MPLS_TC] = "mpls_tc",
    [OPF_MPLS_BOS] = "mpls_bos",
    [OPF_MPLS_TTL] = "mpls_ttl",
    [OPF_IPV4_SRC] = "ipv4_src",
    [OPF_IPV4_DST] = "ipv4_dst",
    [OPF_IPV6_SRC] = "ipv6_src",
    [OPF_IPV6_DST] = "ipv6_dst",
    [OPF_IPV6_LABEL] = "ipv6_label",
    [OPF_IP_PROTO] = "ip_proto",
    [OPF_IP_TOS] = "ip_tos",
    [OPF_IP_TTL] = "ip_ttl",
    [OPF_IP_FRAG] = "ip_frag",
    [OPF_TP_SRC] = "tp_src",
    [OPF_TP_DST] = "tp_dst",
    [OPF_TCP_FLAGS] = "tcp_flags",
    [OPF_ICMP_TYPE] = "icmp_type",
    [OPF_ICMP_CODE] = "icmp_code",
    [OPF_ARP_OP] = "arp_op",
    [OPF_ARP_SPA] = "arp_spa",
    [OPF_ARP_TPA] = "arp_tpa",
    [OPF_ARP_SHA] = "arp_sha",
    [OPF_ARP_THA] = "arp_tha",
    [OPF_ND_TARGET] = "nd_target",
    [OPF_ND_SLL] = "nd_sll",
    [OPF_ND_TLL] = "nd_tll",
    [OPF_TUN_ID] = "tun_id",
    [OPF_TUN_IPV4_SRC] = "tun_ipv4_src",
    [OPF_TUN_IPV4_DST] = "tun_ipv4_dst",
    [OPF_TUN_IPV6_SRC] = "tun_ipv6_src",
    [OPF_TUN_IPV6_DST] = "tun_ipv6_dst",
    [OPF_TUN_TOS] = "tun_tos",
    [OPF_TUN_TTL] = "tun_ttl",
    [OPF_TUN_TP_SRC] = "tun_tp_src",
    [OPF_TUN_TP_DST] = "tun_tp_dst",
    [OPF_TUN_FLAGS] = "tun_flags",
    [OPF_CT_STATE] = "ct_state",
    [OPF_CT_ZONE] = "ct_zone",
    [OPF_CT_MARK] = "ct_mark",
    [OPF_CT_LABEL] = "ct_label",
    [OPF__N] = NULL,
};

/* Masking rules as they appear in a profile; OPM_NONE has no name there
 * (a field that cannot be matched is simply absent). */
static const char *const mask_names[] = { "exact", "prefix", "arbitrary",
                                          NULL };

static const char *const action_names[OPA__N + 1] = {
    [OPA_OUTPUT] = "output",
    [OPA_MIRROR] = "mirror",
    [OPA_DROP] = "drop",
    [OPA_PUSH_VLAN] = "push_vlan",
    [OPA_POP_VLAN] = "pop_vlan",
    [OPA_PUSH_MPLS] = "push_mpls",
    [OPA_POP_MPLS] = "pop_mpls",
    [OPA_SET_ETH] = "set_eth",
    [OPA_SET_IPV4] = "set_ipv4",
    [OPA_SET_IPV6] = "set_ipv6",
    [OPA_SET_TP] = "set_tp",
    [OPA_SET_MARK] = "set_mark",
    [OPA_SET_PRIORITY] = "set_priority",
    [OPA_DEC_TTL] = "dec_ttl",
    [OPA_POLICE] = "police",
    [OPA_COUNT] = "count",
    [OPA_TUNNEL_PUSH] = "tunnel_push",
    [OPA_TUNNEL_POP] = "tunnel_pop",
    [OPA_CT] = "ct",
    [OPA_CT_CLEAR] = "ct_clear",
    [OPA_RECIRC] = "recirc",
    [OPA_HASH] = "hash",
    [OPA_SAMPLE] = "sample",
    [OPA_USERSPACE] = "userspace",
    [OPA_TRUNC] = "trunc",
    [OPA_CLONE] = "clone",
    [OPA_CHECK_PKT_LEN] = "check_pkt_len",
    [OPA__N] = NULL,
};

static const char *const interface_names[] = { "tc", "rte_flow", "hal", NULL };

static const char *const tunnel_names[] = { "vxlan", "geneve",   "gre", "ipip",
                                            "gtpu",  "mpls_udp", NULL };

/* ---------------------------------------------------------------------
 * Member tables.
 * --------------------------------------------------------------------- */

enum pf_kind {
    PK_STRING,   /* A non-empty string -> char *. */
    PK_STRINGS,  /* An array of non-empty strings -> char **, size_t. */
    PK_KEYWORDS, /* An array of distinct keywords -> uint64_t bit set. */
    PK_MATCH,    /* Object: field name -> masking rule. */
    PK_COUNT,    /* Integer >= 0 or "unpublished". */
    PK_BOOL,     /* true or false. */
    PK_OBJECT,   /* Object with its own member table. */
    PK_SOURCES,  /* Object: fact group -> non-empty string. */
};

struct pf_member {
    const char *name; /* NULL ends a table. */
    enum pf_kind kind;
    bool required;
    bool sourced;   /* A fact group: needs /sources/<name>. */
    bool non_empty; /* PK_KEYWORDS: at least one entry. */
    size_t ofs;     /* Where the value goes in struct offload_profile. */
    size_t n_ofs;   /* PK_STRINGS: where its count goes. */
    const char *const *keywords;     /* PK_KEYWORDS. */
    const char *what;                /* PK_KEYWORDS: "action", ... */
    const struct pf_member *members; /* PK_OBJECT. */
};

#define OFS(M) offsetof(struct offload_profile, M)

static const struct pf_member tables_members[] = {
    { .name = "rules_per_port",
      .kind = PK_COUNT,
      .required = true,
      .ofs = OFS(rules_per_port) },
    { .name = "rules_per_device",
      .kind = PK_COUNT,
      .required = true,
      .ofs = OFS(rules_per_device) },
    { .name = "max_actions_per_rule",
      .kind = PK_COUNT,
      .required = true,
      .ofs = OFS(max_actions_per_rule) },
    { .name = NULL },
};

static const struct pf_member conntrack_members[] = {
    { .name = "supported",
      .kind = PK_BOOL,
      .required = true,
      .ofs = OFS(ct_supported) },
    { .name = "max_connections",
      .kind = PK_COUNT,
      .required = true,
      .ofs = OFS(ct_max_connections) },
    { .name = NULL },
};

static const struct pf_member meters_members[] = {
    { .name = "supported",
      .kind = PK_BOOL,
      .required = true,
      .ofs = OFS(meters_supported) },
    { .name = "count",
      .kind = PK_COUNT,
      .required = true,
      .ofs = OFS(meters_count) },
    { .name = NULL },
};

/* The top level.  Order matters twice: members are validated in this
 * order (so the first error reported is predictable), and the sourced
 * members' order is the order of struct offload_profile's 'sources'. */
static const struct pf_member profile_members[] = {
    { .name = "name", .kind = PK_STRING, .required = true, .ofs = OFS(name) },
    { .name = "description",
      .kind = PK_STRING,
      .required = true,
      .ofs = OFS(description) },
    { .name = "drivers",
      .kind = PK_STRINGS,
      .required = true,
      .sourced = true,
      .ofs = OFS(drivers),
      .n_ofs = OFS(n_drivers) },
    { .name = "interfaces",
      .kind = PK_KEYWORDS,
      .required = true,
      .sourced = true,
      .non_empty = true,
      .ofs = OFS(interfaces),
      .keywords = interface_names,
      .what = "interface" },
    { .name = "match",
      .kind = PK_MATCH,
      .required = true,
      .sourced = true,
      .ofs = OFS(match) },
    { .name = "actions",
      .kind = PK_KEYWORDS,
      .required = true,
      .sourced = true,
      .non_empty = true,
      .ofs = OFS(actions),
      .keywords = action_names,
      .what = "action" },
    { .name = "tables",
      .kind = PK_OBJECT,
      .required = true,
      .sourced = true,
      .members = tables_members },
    { .name = "tunnels",
      .kind = PK_KEYWORDS,
      .required = true,
      .sourced = true,
      .ofs = OFS(tunnels),
      .keywords = tunnel_names,
      .what = "tunnel type" },
    { .name = "conntrack",
      .kind = PK_OBJECT,
      .required = true,
      .sourced = true,
      .members = conntrack_members },
    { .name = "meters",
      .kind = PK_OBJECT,
      .required = true,
      .sourced = true,
      .members = meters_members },
    { .name = "quirks",
      .kind = PK_STRINGS,
      .required = true,
      .sourced = true,
      .ofs = OFS(quirks),
      .n_ofs = OFS(n_quirks) },
    { .name = "sources", .kind = PK_SOURCES, .required = true },
    { .name = NULL },
};

/* Names of the members of TABLE, NULL-terminated (static storage). */
#define MAX_MEMBERS 16
static const char *const *
member_names(const struct pf_member *table, bool sourced_only,
             const char **names)
{
    size_t n = 0;

    for (const struct pf_member *m = table; m->name; m++) {
        if (!sourced_only || m->sourced) {
            names[n++] = m->name;
        }
    }
    names[n] = NULL;
    return names;
}

const char *const *
offload_profile_format_names(const char *path)
{
    static const char *top[MAX_MEMBERS], *sources[MAX_MEMBERS];
    static const char *tables[MAX_MEMBERS], *ct[MAX_MEMBERS];
    static const char *meters[MAX_MEMBERS];
    static const struct {
        const char *path;
        const char *const *names;
    } fixed[] = {
        { "/match", field_names },
        { "/match/ANY", mask_names },
        { "/actions/ANY", action_names },
        { "/interfaces/ANY", interface_names },
        { "/tunnels/ANY", tunnel_names },
    };

    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
        if (!strcmp(path, fixed[i].path)) {
            return fixed[i].names;
        }
    }
    if (!strcmp(path, "/")) {
        return member_names(profile_members, false, top);
    } else if (!strcmp(path, "/sources")) {
        return member_names(profile_members, true, sources);
    } else if (!strcmp(path, "/tables")) {
        return member_names(tables_members, false, tables);
    } else if (!strcmp(path, "/conntrack")) {
        return member_names(conntrack_members, false, ct);
    } else if (!strcmp(path, "/meters")) {
        return member_names(meters_members, false, meters);
    }
    return NULL;
}

const char *
offload_profile_field_name(enum offload_profile_field f)
{
    return f < OPF__N ? field_names[f] : "?";
}

const char *
offload_profile_mask_name(enum offload_profile_mask m)
{
    return m == OPM_NONE        ? "none"
           : m <= OPM_ARBITRARY ? mask_names[m - 1]
                                : "?";
}

const char *
offload_profile_action_name(enum offload_profile_action a)
{
    return a < OPA__N ? action_names[a] : "?";
}

enum offload_profile_mask
offload_profile_match_rule(const struct offload_profile *p,
                           enum offload_profile_field f)
{
    return f < OPF__N ? p->match[f] : OPM_NONE;
}

/* ---------------------------------------------------------------------
 * Validation.
 * --------------------------------------------------------------------- */

struct pf_ctx {
    const char *file; /* Base name, for messages. */
    char path[256];   /* JSON pointer of the member being validated. */
    size_t path_len;
    char *error; /* The first error, complete with file and path. */
};

/* Appends "/TOKEN" to the path, escaped as RFC 6901 says ('~' -> "~0",
 * '/' -> "~1"), truncated (never overflowing) if the document nests
 * long names.  Returns the previous length, for path_pop(). */
static size_t
path_push(struct pf_ctx *ctx, const char *token)
{
    size_t old = ctx->path_len, n = old;
    const size_t cap = sizeof ctx->path - 1;

    if (n < cap) {
        ctx->path[n++] = '/';
    }
    for (const char *c = token; *c && n < cap; c++) {
        if ((*c == '~' || *c == '/') && n + 1 < cap) {
            ctx->path[n++] = '~';
            ctx->path[n++] = *c == '~' ? '0' : '1';
        } else if (*c != '~' && *c != '/') {
            ctx->path[n++] = *c;
        } else {
            break;
        }
    }
    ctx->path[n] = '\0';
    ctx->path_len = n;
    return old;
}

static size_t
path_push_index(struct pf_ctx *ctx, size_t i)
{
    char s[24];

    snprintf(s, sizeof s, "%zu", i);
    return path_push(ctx, s);
}

static void
path_pop(struct pf_ctx *ctx, size_t old)
{
    ctx->path_len = old;
    ctx->path[old] = '\0';
}

/* Records "<file>: <path>: <message>" unless an error is already kept;
 * returns false so that callers can 'return fail(...)'. */
static bool NF_PRINTF(2, 3) fail(struct pf_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->error) {
        va_list args;

        va_start(args, fmt);
        char *msg = xvasprintf(fmt, args);
        va_end(args);
        ctx->error = xasprintf("%s: %s: %s", ctx->file,
                               ctx->path_len ? ctx->path : "/", msg);
        free(msg);
    }
    return false;
}

static const char *
json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
    default:
        return "null";
    }
}

/* Index of S in the NULL-terminated WORDS, or -1. */
static int
keyword_index(const char *const *words, const char *s)
{
    for (int i = 0; words[i]; i++) {
        if (!strcmp(words[i], s)) {
            return i;
        }
    }
    return -1;
}

static bool
get_string(struct pf_ctx *ctx, const json_t *j, char **out)
{
    if (!json_is_string(j) || !json_string_length(j)) {
        return fail(ctx, "expected a non-empty string, got %s",
                    json_is_string(j) ? "an empty string" : json_kind(j));
    }
    *out = xstrdup(json_string_value(j));
    return true;
}

static bool
get_strings(struct pf_ctx *ctx, const json_t *j, char ***outp, size_t *np)
{
    if (!json_is_array(j)) {
        return fail(ctx, "expected an array of strings, got %s", json_kind(j));
    }
    size_t n = json_array_size(j);
    char **v = xcalloc(n ? n : 1, sizeof *v);
    *outp = v;
    *np = 0;
    for (size_t i = 0; i < n; i++) {
        size_t old = path_push_index(ctx, i);
        if (!get_string(ctx, json_array_get(j, i), &v[i])) {
            return false;
        }
        *np = i + 1;
        path_pop(ctx, old);
    }
    return true;
}

static bool
get_keywords(struct pf_ctx *ctx, const struct pf_member *m, const json_t *j,
             uint64_t *bits)
{
    if (!json_is_array(j)) {
        return fail(ctx, "expected an array of %s names, got %s", m->what,
                    json_kind(j));
    }
    if (m->non_empty && !json_array_size(j)) {
        return fail(ctx, "expected at least one %s", m->what);
    }
    *bits = 0;
    for (size_t i = 0; i < json_array_size(j); i++) {
        const json_t *e = json_array_get(j, i);
        size_t old = path_push_index(ctx, i);
        if (!json_is_string(e)) {
            return fail(ctx, "expected %s name, got %s",
                        m->what[0] == 'a' || m->what[0] == 'i' ? "an" : "a",
                        json_kind(e));
        }
        int k = keyword_index(m->keywords, json_string_value(e));
        if (k < 0) {
            return fail(ctx, "unknown %s \"%s\"", m->what,
                        json_string_value(e));
        }
        if (*bits & (UINT64_C(1) << k)) {
            return fail(ctx, "\"%s\" listed twice", json_string_value(e));
        }
        *bits |= UINT64_C(1) << k;
        path_pop(ctx, old);
    }
    return true;
}

static bool
get_match(struct pf_ctx *ctx, const json_t *j, enum offload_profile_mask *v)
{
    const char *key;
    json_t *value;

    if (!json_is_object(j)) {
        return fail(ctx, "expected an object, got %s", json_kind(j));
    }
    json_object_foreach ((json_t *) j, key, value) {
        size_t old = path_push(ctx, key);
        int f = keyword_index(field_names, key);
        if (f < 0) {
            return fail(ctx, "unknown field");
        }
        int r = json_is_string(value)
                    ? keyword_index(mask_names, json_string_value(value))
                    : -1;
        if (r < 0) {
            return fail(ctx, "expected \"exact\", \"prefix\" or "
                             "\"arbitrary\"");
        }
        v[f] = (enum offload_profile_mask)(r + 1);
        path_pop(ctx, old);
    }
    return true;
}

static bool
get_count(struct pf_ctx *ctx, const json_t *j, struct offload_profile_count *c)
{
    if (json_is_integer(j) && json_integer_value(j) >= 0) {
        c->published = true;
        c->n = (uint64_t) json_integer_value(j);
        return true;
    } else if (json_is_string(j)
               && !strcmp(json_string_value(j), "unpublished")) {
        c->published = false;
        c->n = 0;
        return true;
    }
    return fail(ctx, "expected a non-negative integer or \"unpublished\"");
}

static bool validate_object(struct pf_ctx *, const struct pf_member *table,
                            const json_t *, struct offload_profile *);

static bool
get_sources(struct pf_ctx *ctx, const json_t *j, const json_t *doc,
            struct offload_profile *p)
{
    const char *names_buf[MAX_MEMBERS];
    const char *const *names = member_names(profile_members, true, names_buf);
    const char *key;
    json_t *value;

    if (!json_is_object(j)) {
        return fail(ctx, "expected an object, got %s", json_kind(j));
    }
    json_object_foreach ((json_t *) j, key, value) {
        size_t old = path_push(ctx, key);
        if (keyword_index(names, key) < 0) {
            return fail(ctx, "unknown field");
        }
        path_pop(ctx, old);
    }

    size_t n = 0;
    while (names[n]) {
        n++;
    }
    p->sources = xcalloc(n, sizeof *p->sources);
    p->n_sources = n;
    for (size_t i = 0; i < n; i++) {
        size_t old = path_push(ctx, names[i]);
        const json_t *s = json_object_get(j, names[i]);
        if (!s) {
            /* Every sourced member is required too, so DOC has it. */
            nf_assert(json_object_get(doc, names[i]));
            return fail(ctx, "missing (every fact group needs a source)");
        }
        if (!get_string(ctx, s, &p->sources[i])) {
            return false;
        }
        path_pop(ctx, old);
    }
    return true;
}

static bool
validate_member(struct pf_ctx *ctx, const struct pf_member *m,
                const json_t *value, const json_t *doc,
                struct offload_profile *p)
{
    char *base = (char *) p;

    switch (m->kind) {
    case PK_STRING:
        return get_string(ctx, value, (char **) (base + m->ofs));
    case PK_STRINGS:
        return get_strings(ctx, value, (char ***) (base + m->ofs),
                           (size_t *) (base + m->n_ofs));
    case PK_KEYWORDS:
        return get_keywords(ctx, m, value, (uint64_t *) (base + m->ofs));
    case PK_MATCH:
        return get_match(ctx, value,
                         (enum offload_profile_mask *) (base + m->ofs));
    case PK_COUNT:
        return get_count(ctx, value,
                         (struct offload_profile_count *) (base + m->ofs));
    case PK_BOOL:
        if (!json_is_boolean(value)) {
            return fail(ctx, "expected true or false, got %s",
                        json_kind(value));
        }
        *(bool *) (base + m->ofs) = json_is_true(value);
        return true;
    case PK_OBJECT:
        return validate_object(ctx, m->members, value, p);
    case PK_SOURCES:
        return get_sources(ctx, value, doc, p);
    }
    return fail(ctx, "internal error: member kind %d", (int) m->kind);
}

/* Validates the object J against TABLE into P: no unknown members, every
 * required member present, each value of its kind.  Unknown members are
 * reported first, in document order. */
static bool
validate_object(struct pf_ctx *ctx, const struct pf_member *table,
                const json_t *j, struct offload_profile *p)
{
    const char *key;
    json_t *value;

    if (!json_is_object(j)) {
        return fail(ctx, "expected an object, got %s", json_kind(j));
    }
    json_object_foreach ((json_t *) j, key, value) {
        const struct pf_member *m = table;
        while (m->name && strcmp(m->name, key)) {
            m++;
        }
        if (!m->name) {
            size_t old = path_push(ctx, key);
            fail(ctx, "unknown field");
            path_pop(ctx, old);
            return false;
        }
    }
    for (const struct pf_member *m = table; m->name; m++) {
        const json_t *v = json_object_get(j, m->name);
        size_t old = path_push(ctx, m->name);
        if (!v) {
            if (m->required) {
                return fail(ctx, "required field missing");
            }
        } else if (!validate_member(ctx, m, v, j, p)) {
            return false;
        }
        path_pop(ctx, old);
    }
    return true;
}

static void
free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

void
offload_profile_destroy(struct offload_profile *p)
{
    if (p) {
        free(p->name);
        free(p->file);
        free(p->description);
        free_strings(p->drivers, p->n_drivers);
        free_strings(p->quirks, p->n_quirks);
        free_strings(p->sources, p->n_sources);
        free(p);
    }
}

static const char *
base_name(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? slash + 1 : file;
}

/* Validates the parsed document DOC of FILE.  On success returns a new
 * profile; otherwise NULL with the message in *ERRP. */
static struct offload_profile *
profile_from_json(const char *file, const json_t *doc, char **errp)
{
    struct pf_ctx ctx = { .file = base_name(file) };
    struct offload_profile *p = xzalloc(sizeof *p);

    if (validate_object(&ctx, profile_members, doc, p)) {
        /* The name is how ports and people refer to a profile and how a
         * failed file is matched to the ports it would have served, so
         * it must be the file's own name. */
        size_t len = strlen(ctx.file);
        if (len < 5 || strcmp(ctx.file + len - 5, ".json")
            || strlen(p->name) != len - 5
            || strncmp(p->name, ctx.file, len - 5)) {
            path_push(&ctx, "name");
            fail(&ctx, "\"%s\" does not match the file name", p->name);
        }
    }
    if (ctx.error) {
        offload_profile_destroy(p);
        *errp = ctx.error;
        return NULL;
    }
    p->file = xstrdup(file);
    return p;
}

static char *
syntax_error(const char *file, const json_error_t *e)
{
    return xasprintf("%s:%d:%d: %s", base_name(file), e->line, e->column,
                     e->text);
}

int
offload_profile_parse(const char *file, const void *data, size_t len,
                      struct offload_profile **profilep, char **errp)
{
    json_error_t jerr;
    char *err = NULL;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);

    *profilep = NULL;
    if (!doc) {
        err = syntax_error(file, &jerr);
    } else {
        *profilep = profile_from_json(file, doc, &err);
        json_decref(doc);
    }
    if (err) {
        nf_give_error(errp, err);
        return EINVAL;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Sets.
 * --------------------------------------------------------------------- */

struct pf_error {
    char *stem; /* File name without ".json". */
    char *msg;
    char **drivers; /* Best effort, from what parsed. */
    size_t n_drivers;
};

struct offload_profile_set {
    struct offload_profile **profiles;
    size_t n_profiles;
    struct pf_error *errors;
    size_t n_errors;
};

const char *
offload_profile_default_dir(void)
{
    const char *env = getenv("NICFLOW_PROFILE_DIR");
    return env && *env ? env : NICFLOW_PROFILE_DIR;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The driver names DOC lists, read without validating the rest, so that
 * a broken profile still keeps the ports it would serve off offload. */
static void
salvage_drivers(const json_t *doc, struct pf_error *e)
{
    const json_t *d =
        json_is_object(doc) ? json_object_get(doc, "drivers") : NULL;

    if (!json_is_array(d)) {
        return;
    }
    e->drivers = xcalloc(json_array_size(d) + 1, sizeof *e->drivers);
    for (size_t i = 0; i < json_array_size(d); i++) {
        const json_t *s = json_array_get(d, i);
        if (json_is_string(s)) {
            e->drivers[e->n_drivers++] = xstrdup(json_string_value(s));
        }
    }
}

static void
load_file(struct offload_profile_set *set, const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    json_error_t jerr;
    char *err = NULL;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    struct offload_profile *p = NULL;

    if (!doc) {
        err = syntax_error(path, &jerr);
    } else {
        p = profile_from_json(path, doc, &err);
    }
    if (p) {
        set->profiles = xrealloc(set->profiles, (set->n_profiles + 1)
                                                    * sizeof *set->profiles);
        set->profiles[set->n_profiles++] = p;
    } else {
        set->errors =
            xrealloc(set->errors, (set->n_errors + 1) * sizeof *set->errors);
        struct pf_error *e = &set->errors[set->n_errors++];
        memset(e, 0, sizeof *e);
        e->stem = xstrndup(name, strlen(name) - 5);
        e->msg = err;
        if (doc) {
            salvage_drivers(doc, e);
        }
    }
    json_decref(doc);
    free(path);
}

int
offload_profile_set_load(const char *dir, struct offload_profile_set **setp,
                         char **errp)
{
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;

    *setp = NULL;
    if (!dir) {
        dir = offload_profile_default_dir();
    }
    DIR *d = opendir(dir);
    if (!d) {
        int error = errno;
        if (errp) {
            *errp = xasprintf("hw-profiles directory %s: %s", dir,
                              strerror(error));
        }
        return error;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        /* schema.json sits beside the profiles: it describes them and
         * is not one. */
        if (de->d_name[0] != '.' && len > 5
            && !strcmp(de->d_name + len - 5, ".json")
            && strcmp(de->d_name, "schema.json")) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xstrdup(de->d_name);
        }
    }
    closedir(d);
    if (n) {
        qsort(names, n, sizeof *names, compare_names);
    }

    struct offload_profile_set *set = xzalloc(sizeof *set);
    for (size_t i = 0; i < n; i++) {
        load_file(set, dir, names[i]);
    }
    free_strings(names, n);
    *setp = set;
    return 0;
}

void
offload_profile_set_destroy(struct offload_profile_set *set)
{
    if (!set) {
        return;
    }
    for (size_t i = 0; i < set->n_profiles; i++) {
        offload_profile_destroy(set->profiles[i]);
    }
    free(set->profiles);
    for (size_t i = 0; i < set->n_errors; i++) {
        free(set->errors[i].stem);
        free(set->errors[i].msg);
        free_strings(set->errors[i].drivers, set->errors[i].n_drivers);
    }
    free(set->errors);
    free(set);
}

size_t
offload_profile_set_count(const struct offload_profile_set *set)
{
    return set->n_profiles;
}

const struct offload_profile *
offload_profile_set_get(const struct offload_profile_set *set, size_t i)
{
    return i < set->n_profiles ? set->profiles[i] : NULL;
}

size_t
offload_profile_set_n_errors(const struct offload_profile_set *set)
{
    return set->n_errors;
}

const char *
offload_profile_set_error(const struct offload_profile_set *set, size_t i)
{
    return i < set->n_errors ? set->errors[i].msg : NULL;
}

const struct offload_profile *
offload_profile_find(const struct offload_profile_set *set, const char *name)
{
    for (size_t i = 0; i < set->n_profiles; i++) {
        if (!strcmp(set->profiles[i]->name, name)) {
            return set->profiles[i];
        }
    }
    return NULL;
}

static bool
has_string(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v[i], s)) {
            return true;
        }
    }
    return false;
}

const struct offload_profile *
offload_profile_find_by_driver(const struct offload_profile_set *set,
                               const char *driver)
{
    for (size_t i = 0; i < set->n_profiles; i++) {
        const struct offload_profile *p = set->profiles[i];
        if (has_string(p->drivers, p->n_drivers, driver)) {
            return p;
        }
    }
    return NULL;
}

const char *
offload_profile_find_error(const struct offload_profile_set *set,
                           const char *name, const char *driver)
{
    for (size_t i = 0; i < set->n_errors; i++) {
        const struct pf_error *e = &set->errors[i];
        if ((name && !strcmp(e->stem, name))
            || (driver && has_string(e->drivers, e->n_drivers, driver))) {
            return e->msg;
        }
    }
    return NULL;
}

int
offload_profile_check_room(const struct offload_profile *p, uint64_t n_port,
                           uint64_t n_device, struct offload_reason *why)
{
    if (p->rules_per_port.published && n_port >= p->rules_per_port.n) {
        if (why) {
            offload_reason_set(
                why, OFFLOAD_R_TABLE_FULL,
                "profile %s: table full: %llu/%llu rules per port", p->name,
                (unsigned long long) n_port,
                (unsigned long long) p->rules_per_port.n);
        }
        return OFFLOAD_R_TABLE_FULL;
    }
    if (p->rules_per_device.published && n_device >= p->rules_per_device.n) {
        if (why) {
            offload_reason_set(why, OFFLOAD_R_TABLE_FULL,
                               "profile %s: table full: %llu/%llu rules per "
                               "device",
                               p->name, (unsigned long long) n_device,
                               (unsigned long long) p->rules_per_device.n);
        }
        return OFFLOAD_R_TABLE_FULL;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Text.
 * --------------------------------------------------------------------- */

static void
put_bits(struct buf *out, uint64_t bits, const char *const *names)
{
    bool any = false;

    for (int i = 0; names[i]; i++) {
        if (bits & (UINT64_C(1) << i)) {
            buf_printf(out, "%s%s", any ? "," : "", names[i]);
            any = true;
        }
    }
    if (!any) {
        buf_put_cstr(out, "-");
    }
}

static void
put_list(struct buf *out, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s%s", i ? "," : "", v[i]);
    }
    if (!n) {
        buf_put_cstr(out, "-");
    }
}

static void
put_count(struct buf *out, const char *label,
          const struct offload_profile_count *c)
{
    if (c->published) {
        buf_printf(out, "%s %llu", label, (unsigned long long) c->n);
    } else {
        buf_printf(out, "%s unpublished", label);
    }
}

void
offload_profile_format_list(const struct offload_profile_set *set,
                            struct buf *out)
{
    for (size_t i = 0; i < set->n_profiles; i++) {
        const struct offload_profile *p = set->profiles[i];
        buf_printf(out, "%s: %s (drivers: ", p->name, p->description);
        put_list(out, p->drivers, p->n_drivers);
        buf_put_cstr(out, "; interfaces: ");
        put_bits(out, p->interfaces, interface_names);
        buf_put_cstr(out, ")\n");
    }
    for (size_t i = 0; i < set->n_errors; i++) {
        buf_printf(out, "error: %s\n", set->errors[i].msg);
    }
    buf_printf(out, "profiles: %zu loaded, %zu failed\n", set->n_profiles,
               set->n_errors);
}

/* The source of fact group GROUP. */
static const char *
source_of(const struct offload_profile *p, const char *group)
{
    const char *buf[MAX_MEMBERS];
    const char *const *names = member_names(profile_members, true, buf);
    int i = keyword_index(names, group);

    return i >= 0 && (size_t) i < p->n_sources ? p->sources[i] : "-";
}

void
offload_profile_format_show(const struct offload_profile *p, struct buf *out)
{
    buf_printf(out, "profile %s: %s\n", p->name, p->description);
    buf_printf(out, "  file: %s\n", p->file ? p->file : "-");

    buf_put_cstr(out, "  drivers: ");
    put_list(out, p->drivers, p->n_drivers);
    buf_printf(out, "\n    source: %s\n", source_of(p, "drivers"));

    buf_put_cstr(out, "  interfaces: ");
    put_bits(out, p->interfaces, interface_names);
    buf_printf(out, "\n    source: %s\n", source_of(p, "interfaces"));

    buf_put_cstr(out, "  match:");
    bool any = false;
    for (int f = 0; f < OPF__N; f++) {
        if (p->match[f] != OPM_NONE) {
            buf_printf(out, " %s(%s)", field_names[f],
                       offload_profile_mask_name(p->match[f]));
            any = true;
        }
    }
    buf_printf(out, "%s\n    source: %s\n", any ? "" : " -",
               source_of(p, "match"));

    buf_put_cstr(out, "  actions: ");
    put_bits(out, p->actions, action_names);
    buf_printf(out, "\n    source: %s\n", source_of(p, "actions"));

    buf_put_cstr(out, "  tables: ");
    put_count(out, "rules_per_port", &p->rules_per_port);
    put_count(out, ", rules_per_device", &p->rules_per_device);
    put_count(out, ", max_actions_per_rule", &p->max_actions_per_rule);
    buf_printf(out, "\n    source: %s\n", source_of(p, "tables"));

    buf_put_cstr(out, "  tunnels: ");
    put_bits(out, p->tunnels, tunnel_names);
    buf_printf(out, "\n    source: %s\n", source_of(p, "tunnels"));

    buf_printf(out, "  conntrack: %s, ", p->ct_supported ? "yes" : "no");
    put_count(out, "max_connections", &p->ct_max_connections);
    buf_printf(out, "\n    source: %s\n", source_of(p, "conntrack"));

    buf_printf(out, "  meters: %s, ", p->meters_supported ? "yes" : "no");
    put_count(out, "count", &p->meters_count);
    buf_printf(out, "\n    source: %s\n", source_of(p, "meters"));

    buf_printf(out, "  quirks: %zu\n", p->n_quirks);
    for (size_t i = 0; i < p->n_quirks; i++) {
        buf_printf(out, "    - %s\n", p->quirks[i]);
    }
    buf_printf(out, "    source: %s\n", source_of(p, "quirks"));
}
