/* sim-profile.c: the simulated eswitch's device profile (sim-pipeline.h,
 * README.md): the profile file's text into struct halsim_profile, the
 * capabilities it gives, and the rules an ACL entry must follow to be
 * accepted "exactly as the profile says".  The device's state (ports,
 * counters, meters, room) is checked by sim-pipeline.c. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offload/hal-sim/sim-model.h"
#include "offload/hal-sim/sim-pipeline.h"

#define ARRAY_N(A) (sizeof(A) / sizeof *(A))
#define BIT(N) (1u << (N))

/* ---------------------------------------------------------------------
 * Fields and profile keys, as data.
 * --------------------------------------------------------------------- */

/* Width in bits, bytes in a nicflow_hal_match value, name for messages. */
static const struct {
    uint8_t bits, bytes;
    const char *name;
} fields[NICFLOW_HAL_F__N] = {
    [NICFLOW_HAL_F_IN_PORT] = { 32, 4, "in_port" },
    [NICFLOW_HAL_F_ETH_DST] = { 48, 6, "eth_dst" },
    [NICFLOW_HAL_F_ETH_SRC] = { 48, 6, "eth_src" },
    [NICFLOW_HAL_F_ETH_TYPE] = { 16, 2, "eth_type" },
    [NICFLOW_HAL_F_VLAN_TAGGED] = { 1, 1, "vlan_tagged" },
    [NICFLOW_HAL_F_VLAN_VID] = { 12, 2, "vlan_vid" },
    [NICFLOW_HAL_F_VLAN_PCP] = { 3, 1, "vlan_pcp" },
    [NICFLOW_HAL_F_IPV4_SRC] = { 32, 4, "ipv4_src" },
    [NICFLOW_HAL_F_IPV4_DST] = { 32, 4, "ipv4_dst" },
    [NICFLOW_HAL_F_IPV6_SRC] = { 128, 16, "ipv6_src" },
    [NICFLOW_HAL_F_IPV6_DST] = { 128, 16, "ipv6_dst" },
    [NICFLOW_HAL_F_IP_PROTO] = { 8, 1, "ip_proto" },
    [NICFLOW_HAL_F_IP_TOS] = { 8, 1, "ip_tos" },
    [NICFLOW_HAL_F_IP_TTL] = { 8, 1, "ip_ttl" },
    [NICFLOW_HAL_F_IP_FRAG] = { 2, 1, "ip_frag" },
    [NICFLOW_HAL_F_L4_SRC] = { 16, 2, "l4_src" },
    [NICFLOW_HAL_F_L4_DST] = { 16, 2, "l4_dst" },
    [NICFLOW_HAL_F_TCP_FLAGS] = { 12, 2, "tcp_flags" },
};

/* Profile match keys and the HAL field each stands for. */
static const struct {
    const char *name;
    uint16_t field;
} keys[HALSIM_K__N] = {
    [HALSIM_K_IN_PORT] = { "in_port", NICFLOW_HAL_F_IN_PORT },
    [HALSIM_K_ETH_SRC] = { "eth_src", NICFLOW_HAL_F_ETH_SRC },
    [HALSIM_K_ETH_DST] = { "eth_dst", NICFLOW_HAL_F_ETH_DST },
    [HALSIM_K_ETH_TYPE] = { "eth_type", NICFLOW_HAL_F_ETH_TYPE },
    [HALSIM_K_VLAN_VID] = { "vlan_vid", NICFLOW_HAL_F_VLAN_VID },
    [HALSIM_K_VLAN_PCP] = { "vlan_pcp", NICFLOW_HAL_F_VLAN_PCP },
    [HALSIM_K_IPV4_SRC] = { "ipv4_src", NICFLOW_HAL_F_IPV4_SRC },
    [HALSIM_K_IPV4_DST] = { "ipv4_dst", NICFLOW_HAL_F_IPV4_DST },
    [HALSIM_K_IPV6_SRC] = { "ipv6_src", NICFLOW_HAL_F_IPV6_SRC },
    [HALSIM_K_IPV6_DST] = { "ipv6_dst", NICFLOW_HAL_F_IPV6_DST },
    [HALSIM_K_IP_PROTO] = { "ip_proto", NICFLOW_HAL_F_IP_PROTO },
    [HALSIM_K_IP_TOS] = { "ip_tos", NICFLOW_HAL_F_IP_TOS },
    [HALSIM_K_IP_TTL] = { "ip_ttl", NICFLOW_HAL_F_IP_TTL },
    [HALSIM_K_IP_FRAG] = { "ip_frag", NICFLOW_HAL_F_IP_FRAG },
    [HALSIM_K_TP_SRC] = { "tp_src", NICFLOW_HAL_F_L4_SRC },
    [HALSIM_K_TP_DST] = { "tp_dst", NICFLOW_HAL_F_L4_DST },
    [HALSIM_K_ICMP_TYPE] = { "icmp_type", NICFLOW_HAL_F_L4_SRC },
    [HALSIM_K_ICMP_CODE] = { "icmp_code", NICFLOW_HAL_F_L4_DST },
    [HALSIM_K_TCP_FLAGS] = { "tcp_flags", NICFLOW_HAL_F_TCP_FLAGS },
};

/* Profile action words; the HAL action each enables (0: none, "drop" is
 * what an entry without REDIRECT does anyway). */
static const struct {
    const char *name;
    uint16_t hal;
} pactions[HALSIM_PA__N] = {
    [HALSIM_PA_OUTPUT] = { "output", NICFLOW_HAL_A_REDIRECT },
    [HALSIM_PA_MIRROR] = { "mirror", NICFLOW_HAL_A_MIRROR },
    [HALSIM_PA_DROP] = { "drop", 0 },
    [HALSIM_PA_PUSH_VLAN] = { "push_vlan", NICFLOW_HAL_A_VLAN_PUSH },
    [HALSIM_PA_POP_VLAN] = { "pop_vlan", NICFLOW_HAL_A_VLAN_POP },
    [HALSIM_PA_SET_ETH] = { "set_eth", NICFLOW_HAL_A_SET_FIELD },
    [HALSIM_PA_SET_IPV4] = { "set_ipv4", NICFLOW_HAL_A_SET_FIELD },
    [HALSIM_PA_SET_TP] = { "set_tp", NICFLOW_HAL_A_SET_FIELD },
    [HALSIM_PA_POLICE] = { "police", NICFLOW_HAL_A_POLICE },
    [HALSIM_PA_COUNT] = { "count", NICFLOW_HAL_A_COUNT },
    /* These two enable tables rather than one action: dec_ttl (with
     * set_eth) the L3 tables, tunnel_push (with a tunnel type and an
     * encap table) TUNNEL_ENCAP (sim-tables.c). */
    [HALSIM_PA_DEC_TTL] = { "dec_ttl", 0 },
    [HALSIM_PA_TUNNEL_PUSH] = { "tunnel_push", 0 },
};

/* The profile's "tunnels" words the model knows. */
static const char *const tunnel_words[] = {
    [NICFLOW_HAL_TUN_VXLAN] = "vxlan",
    [NICFLOW_HAL_TUN_GENEVE] = "geneve",
    [NICFLOW_HAL_TUN_GRE] = "gre",
};

/* The profile word that stands for each HAL action in messages. */
static const char *const action_words[NICFLOW_HAL_A__N] = {
    [NICFLOW_HAL_A_REDIRECT] = "output",
    [NICFLOW_HAL_A_MIRROR] = "mirror",
    [NICFLOW_HAL_A_VLAN_PUSH] = "push_vlan",
    [NICFLOW_HAL_A_VLAN_POP] = "pop_vlan",
    [NICFLOW_HAL_A_SET_FIELD] = "set_field",
    [NICFLOW_HAL_A_POLICE] = "police",
    [NICFLOW_HAL_A_COUNT] = "count",
    [NICFLOW_HAL_A_TUNNEL_ENCAP] = "tunnel_push",
};

/* Which profile action word lets SET_FIELD write each field; fields not
 * listed are not modelled. */
static const int8_t set_words[NICFLOW_HAL_F__N] = {
    [NICFLOW_HAL_F_IN_PORT] = -1,
    [NICFLOW_HAL_F_ETH_DST] = HALSIM_PA_SET_ETH,
    [NICFLOW_HAL_F_ETH_SRC] = HALSIM_PA_SET_ETH,
    [NICFLOW_HAL_F_ETH_TYPE] = -1,
    [NICFLOW_HAL_F_VLAN_TAGGED] = -1,
    [NICFLOW_HAL_F_VLAN_VID] = -1,
    [NICFLOW_HAL_F_VLAN_PCP] = -1,
    [NICFLOW_HAL_F_IPV4_SRC] = HALSIM_PA_SET_IPV4,
    [NICFLOW_HAL_F_IPV4_DST] = HALSIM_PA_SET_IPV4,
    [NICFLOW_HAL_F_IPV6_SRC] = -1,
    [NICFLOW_HAL_F_IPV6_DST] = -1,
    [NICFLOW_HAL_F_IP_PROTO] = -1,
    [NICFLOW_HAL_F_IP_TOS] = HALSIM_PA_SET_IPV4,
    [NICFLOW_HAL_F_IP_TTL] = HALSIM_PA_SET_IPV4,
    [NICFLOW_HAL_F_IP_FRAG] = -1,
    [NICFLOW_HAL_F_L4_SRC] = HALSIM_PA_SET_TP,
    [NICFLOW_HAL_F_L4_DST] = HALSIM_PA_SET_TP,
    [NICFLOW_HAL_F_TCP_FLAGS] = -1,
};

/* The order fields enter the one key template: the always-present ones
 * first, then the most useful, so that if a profile ever lists more than
 * NICFLOW_HAL_MAX_KEY_FIELDS (today there is room for all of them) the
 * least used ones are left out. */
static const uint16_t template_order[] = {
    NICFLOW_HAL_F_IN_PORT,   NICFLOW_HAL_F_ETH_TYPE, NICFLOW_HAL_F_VLAN_TAGGED,
    NICFLOW_HAL_F_ETH_DST,   NICFLOW_HAL_F_ETH_SRC,  NICFLOW_HAL_F_VLAN_VID,
    NICFLOW_HAL_F_IPV4_SRC,  NICFLOW_HAL_F_IPV4_DST, NICFLOW_HAL_F_IPV6_SRC,
    NICFLOW_HAL_F_IPV6_DST,  NICFLOW_HAL_F_IP_PROTO, NICFLOW_HAL_F_IP_FRAG,
    NICFLOW_HAL_F_L4_SRC,    NICFLOW_HAL_F_L4_DST,   NICFLOW_HAL_F_IP_TOS,
    NICFLOW_HAL_F_TCP_FLAGS, NICFLOW_HAL_F_VLAN_PCP, NICFLOW_HAL_F_IP_TTL,
};

unsigned
halsim_field_bytes(uint16_t field)
{
    return field < NICFLOW_HAL_F__N ? fields[field].bytes : 0;
}

const char *
halsim_key_name(enum halsim_key k)
{
    return k < HALSIM_K__N ? keys[k].name : "?";
}

/* ---------------------------------------------------------------------
 * Profiles.
 * --------------------------------------------------------------------- */

/* Reads the count member NAME of OBJ (a non-negative integer or
 * "unpublished"; missing counts as unpublished) into *N, or leaves *N
 * alone when unpublished.  Returns 0 or EINVAL with a message. */
static int
parse_count(const json_t *obj, const char *group, const char *name,
            uint32_t *n, const char *file, char *err, size_t err_size)
{
    const json_t *v = json_object_get(obj, name);

    if (!v
        || (json_is_string(v)
            && !strcmp(json_string_value(v), "unpublished"))) {
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0
        || json_integer_value(v) > UINT32_MAX) {
        halsim_msg(
            err, err_size,
            "%s: /%s/%s: expected a non-negative integer or \"unpublished\"",
            file, group, name);
        return EINVAL;
    }
    *n = json_integer_value(v);
    return 0;
}

/* Fills P from the parsed profile ROOT; see halsim_profile_parse(). */
static int
profile_from_json(const json_t *root, const char *file,
                  struct halsim_profile *p, char *err, size_t err_size)
{
    static const char *const rules[] = { NULL, "exact", "prefix",
                                         "arbitrary" };
    const json_t *name = json_object_get(root, "name");
    const json_t *match = json_object_get(root, "match");
    const json_t *actions = json_object_get(root, "actions");
    const json_t *tables = json_object_get(root, "tables");
    const json_t *meters = json_object_get(root, "meters");
    int error;

    if (!json_is_object(root)) {
        halsim_msg(err, err_size, "%s: expected a JSON object", file);
        return EINVAL;
    }
    if (!json_is_string(name) || !json_string_length(name)
        || json_string_length(name) >= sizeof p->name) {
        halsim_msg(err, err_size,
                   "%s: /name: expected a string of 1 to %zu bytes", file,
                   sizeof p->name - 1);
        return EINVAL;
    }
    snprintf(p->name, sizeof p->name, "%s", json_string_value(name));
    if (!json_is_object(tables)) {
        halsim_msg(err, err_size, "%s: /tables: required object missing",
                   file);
        return EINVAL;
    }
    if (match && !json_is_object(match)) {
        halsim_msg(err, err_size, "%s: /match: expected an object", file);
        return EINVAL;
    }
    for (size_t k = 0; k < HALSIM_K__N; k++) {
        const json_t *v = json_object_get(match, keys[k].name);
        size_t r;

        if (!v) {
            continue;
        }
        for (r = 1; r < ARRAY_N(rules); r++) {
            if (json_is_string(v) && !strcmp(json_string_value(v), rules[r])) {
                break;
            }
        }
        if (r == ARRAY_N(rules)) {
            halsim_msg(err, err_size,
                       "%s: /match/%s: expected \"exact\", \"prefix\" or "
                       "\"arbitrary\"",
                       file, keys[k].name);
            return EINVAL;
        }
        p->rule[k] = r;
    }
    if (actions && !json_is_array(actions)) {
        halsim_msg(err, err_size, "%s: /actions: expected an array", file);
        return EINVAL;
    }
    for (size_t i = 0; i < json_array_size(actions); i++) {
        const json_t *v = json_array_get(actions, i);

        if (!json_is_string(v)) {
            halsim_msg(err, err_size, "%s: /actions/%zu: expected a string",
                       file, i);
            return EINVAL;
        }
        /* Words the model does not know (tunnel_pop, ct...) are left
         * out: no HAL action of this ABI stands for them. */
        for (size_t a = 0; a < HALSIM_PA__N; a++) {
            if (!strcmp(json_string_value(v), pactions[a].name)) {
                p->actions |= BIT(a);
            }
        }
    }
    const json_t *tunnels = json_object_get(root, "tunnels");
    if (tunnels && !json_is_array(tunnels)) {
        halsim_msg(err, err_size, "%s: /tunnels: expected an array", file);
        return EINVAL;
    }
    for (size_t i = 0; i < json_array_size(tunnels); i++) {
        const json_t *v = json_array_get(tunnels, i);

        if (!json_is_string(v)) {
            halsim_msg(err, err_size, "%s: /tunnels/%zu: expected a string",
                       file, i);
            return EINVAL;
        }
        /* Other tunnel types (mplsoudp, ...) are not modelled. */
        for (size_t t = 1; t < ARRAY_N(tunnel_words); t++) {
            if (!strcmp(json_string_value(v), tunnel_words[t])) {
                p->tunnel_types |= NICFLOW_HAL_TUNNEL_BIT(t);
            }
        }
    }
    p->rules_per_port = 0;
    p->rules_per_device = 4096;
    p->max_actions = NICFLOW_HAL_MAX_ACTIONS;
    p->meters_count = 64;
    error = parse_count(tables, "tables", "rules_per_port", &p->rules_per_port,
                        file, err, err_size);
    error = error ? error
                  : parse_count(tables, "tables", "rules_per_device",
                                &p->rules_per_device, file, err, err_size);
    error = error ? error
                  : parse_count(tables, "tables", "max_actions_per_rule",
                                &p->max_actions, file, err, err_size);
    if (error) {
        return error;
    }
    if (meters && !json_is_object(meters)) {
        halsim_msg(err, err_size, "%s: /meters: expected an object", file);
        return EINVAL;
    }
    p->meters_supported = json_is_true(json_object_get(meters, "supported"));
    return parse_count(meters, "meters", "count", &p->meters_count, file, err,
                       err_size);
}

int
halsim_profile_parse(const char *text, size_t len, const char *file,
                     struct halsim_profile *profile, char *err,
                     size_t err_size)
{
    json_error_t jerr;
    json_t *root;
    int error;

    memset(profile, 0, sizeof *profile);
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        halsim_msg(err, err_size, "%s:%d:%d: %s", file, jerr.line, jerr.column,
                   jerr.text);
        return EINVAL;
    }
    error = profile_from_json(root, file, profile, err, err_size);
    json_decref(root);
    return error;
}

/* ---------------------------------------------------------------------
 * Capabilities.
 * --------------------------------------------------------------------- */

/* Whether the profile lists the key(s) that stand for FIELD. */
static bool
profile_has_field(const struct halsim_profile *p, uint16_t field)
{
    for (size_t k = 0; k < HALSIM_K__N; k++) {
        if (keys[k].field == field && p->rule[k] != HALSIM_MASK_NONE) {
            return true;
        }
    }
    return false;
}

void
halsim_profile_caps(const struct halsim_profile *p,
                    struct nicflow_hal_caps *caps)
{
    struct nicflow_hal_key_template *t = &caps->templates[0];

    memset(caps, 0, sizeof *caps);
    caps->struct_size = sizeof *caps;
    snprintf(caps->profile, sizeof caps->profile, "%s", p->name);
    caps->acl = (struct nicflow_hal_table_caps){ 1, p->rules_per_device };
    caps->fdb = (struct nicflow_hal_table_caps){ 0, 0 };
    if (p->actions & BIT(HALSIM_PA_COUNT)) {
        caps->counters =
            (struct nicflow_hal_table_caps){ 1, p->rules_per_device };
    }
    if (p->meters_supported) {
        caps->meters = (struct nicflow_hal_table_caps){ 1, p->meters_count };
    }
    for (size_t a = 0; a < HALSIM_PA__N; a++) {
        if ((p->actions & BIT(a)) && pactions[a].hal) {
            caps->acl_actions |= NICFLOW_HAL_ACTION_BIT(pactions[a].hal);
        }
    }
    caps->acl_priority_max = 0xffff;
    caps->n_templates = 1;
    t->id = 0;
    snprintf(t->name, sizeof t->name, "profile");
    for (size_t i = 0; i < ARRAY_N(template_order); i++) {
        uint16_t f = template_order[i];

        if (t->n_fields < NICFLOW_HAL_MAX_KEY_FIELDS
            && (i < 3 || profile_has_field(p, f))) {
            t->fields[t->n_fields++] =
                (struct nicflow_hal_key_field){ f, fields[f].bits };
        }
    }
    t->n_slices = 1;
    t->entries_per_slice = p->rules_per_device;
}

/* ---------------------------------------------------------------------
 * Entry checks.
 * --------------------------------------------------------------------- */

/* Writes FIELD's full mask (its low 'bits' bits, right-aligned in its
 * bytes) into MASK. */
static void
full_mask(uint16_t field, uint8_t mask[NICFLOW_HAL_VALUE_MAX])
{
    unsigned bits = fields[field].bits;

    memset(mask, 0, NICFLOW_HAL_VALUE_MAX);
    for (int i = fields[field].bytes - 1; i >= 0 && bits; i--) {
        mask[i] = bits >= 8 ? 0xff : (1u << bits) - 1;
        bits -= bits >= 8 ? 8 : bits;
    }
}

/* Whether MASK (of FIELD, within its width) is leading ones, then zeros. */
static bool
is_prefix(uint16_t field, const uint8_t *mask)
{
    bool zero_seen = false;

    for (int b = fields[field].bits - 1; b >= 0; b--) {
        bool one = mask[fields[field].bytes - 1 - b / 8] & (1u << (b % 8));

        if (one && zero_seen) {
            return false;
        }
        zero_seen |= !one;
    }
    return true;
}

bool
halsim_is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Whether MASK has bits outside FIELD's width. */
static bool
mask_too_wide(uint16_t field, const uint8_t *mask)
{
    uint8_t full[NICFLOW_HAL_VALUE_MAX];

    full_mask(field, full);
    for (size_t i = 0; i < NICFLOW_HAL_VALUE_MAX; i++) {
        if (mask[i] & ~full[i]) {
            return true;
        }
    }
    return false;
}

/* The profile key whose masking rule applies to FIELD; ICMP tells which
 * of tp_* and icmp_* the L4 fields stand for. */
static enum halsim_key
field_key(uint16_t field, bool icmp)
{
    switch (field) {
    case NICFLOW_HAL_F_L4_SRC:
        return icmp ? HALSIM_K_ICMP_TYPE : HALSIM_K_TP_SRC;
    case NICFLOW_HAL_F_L4_DST:
        return icmp ? HALSIM_K_ICMP_CODE : HALSIM_K_TP_DST;
    default:
        for (size_t k = 0; k < HALSIM_K__N; k++) {
            if (keys[k].field == field) {
                return k;
            }
        }
        return HALSIM_K__N; /* VLAN_TAGGED: no key of its own. */
    }
}

/* Checks E's matches against the template (fields TEMPLATE) and the
 * masking rules of P. */
static int
check_matches(const struct halsim_profile *p, uint32_t template,
              const struct nicflow_hal_acl_entry *e, char *err,
              size_t err_size)
{
    uint32_t seen = 0;
    bool icmp = false;

    for (size_t i = 0; i < e->n_matches; i++) {
        const struct nicflow_hal_match *m = &e->matches[i];

        if (m->field >= NICFLOW_HAL_F__N || !(template & BIT(m->field))) {
            halsim_msg(err, err_size, "sim: field %s is not in key template 0",
                       m->field < NICFLOW_HAL_F__N ? fields[m->field].name
                                                   : "?");
            return EINVAL;
        }
        if (seen & BIT(m->field)) {
            halsim_msg(err, err_size, "sim: field %s matched twice",
                       fields[m->field].name);
            return EINVAL;
        }
        seen |= BIT(m->field);
        if (mask_too_wide(m->field, m->mask)) {
            halsim_msg(err, err_size, "sim: mask of %s wider than its %u bits",
                       fields[m->field].name, fields[m->field].bits);
            return EINVAL;
        }
        if (m->field == NICFLOW_HAL_F_IP_PROTO && m->mask[0] == 0xff
            && (m->value[0] == 1 || m->value[0] == 58)) {
            icmp = true;
        }
    }
    for (size_t i = 0; i < e->n_matches; i++) {
        const struct nicflow_hal_match *m = &e->matches[i];
        enum halsim_key k = field_key(m->field, icmp);
        uint8_t full[NICFLOW_HAL_VALUE_MAX];
        int rule;

        if (halsim_is_zero(m->mask, sizeof m->mask)) {
            continue;
        }
        /* The always-present fields follow "exact" when the profile does
         * not list them; VLAN_TAGGED is a single bit. */
        rule = k == HALSIM_K__N ? HALSIM_MASK_ARBITRARY : p->rule[k];
        if (rule == HALSIM_MASK_NONE
            && (k == HALSIM_K_IN_PORT || k == HALSIM_K_ETH_TYPE)) {
            rule = HALSIM_MASK_EXACT;
        }
        full_mask(m->field, full);
        if (rule == HALSIM_MASK_NONE) {
            halsim_msg(err, err_size, "profile %s: no match on %s", p->name,
                       keys[k].name);
            return EOPNOTSUPP;
        } else if (rule == HALSIM_MASK_EXACT
                   && memcmp(m->mask, full, sizeof full)) {
            halsim_msg(err, err_size, "profile %s: %s takes exact masks only",
                       p->name, keys[k].name);
            return EOPNOTSUPP;
        } else if (rule == HALSIM_MASK_PREFIX
                   && !is_prefix(m->field, m->mask)) {
            halsim_msg(err, err_size, "profile %s: %s takes prefix masks only",
                       p->name, keys[k].name);
            return EOPNOTSUPP;
        }
    }
    return 0;
}

/* Checks E's actions against P, whose caps have ACL_ACTIONS. */
static int
check_actions(const struct halsim_profile *p, uint32_t acl_actions,
              const struct nicflow_hal_acl_entry *e, char *err,
              size_t err_size)
{
    if (e->n_actions > p->max_actions) {
        halsim_msg(err, err_size, "profile %s: more than %u actions per rule",
                   p->name, p->max_actions);
        return EOPNOTSUPP;
    }
    for (size_t i = 0; i < e->n_actions; i++) {
        const struct nicflow_hal_action *a = &e->actions[i];

        if (!a->type || a->type >= NICFLOW_HAL_A__N) {
            halsim_msg(err, err_size, "sim: unknown action type %u", a->type);
            return EINVAL;
        }
        /* SET_FIELD is refused below by the word its field needs
         * (set_eth, set_ipv4, set_tp), which says more. */
        if (a->type != NICFLOW_HAL_A_SET_FIELD
            && !(acl_actions & NICFLOW_HAL_ACTION_BIT(a->type))) {
            halsim_msg(err, err_size, "profile %s: no %s", p->name,
                       action_words[a->type]);
            return EOPNOTSUPP;
        }
        switch (a->type) {
        case NICFLOW_HAL_A_VLAN_PUSH:
            if (a->tpid != 0x8100 && a->tpid != 0x88a8) {
                halsim_msg(err, err_size, "sim: push_vlan of TPID 0x%04x",
                           a->tpid);
                return EINVAL;
            }
            break;
        case NICFLOW_HAL_A_SET_FIELD:
            if (a->field >= NICFLOW_HAL_F__N
                || mask_too_wide(a->field, a->mask)) {
                halsim_msg(err, err_size, "sim: bad set_field of field %u",
                           a->field);
                return EINVAL;
            }
            if (set_words[a->field] < 0) {
                halsim_msg(err, err_size,
                           "sim: set_field of %s is not modelled",
                           fields[a->field].name);
                return EOPNOTSUPP;
            }
            if (!(p->actions & BIT(set_words[a->field]))) {
                halsim_msg(err, err_size,
                           "profile %s: no %s (set_field of %s)", p->name,
                           pactions[set_words[a->field]].name,
                           fields[a->field].name);
                return EOPNOTSUPP;
            }
            break;
        }
    }
    return 0;
}

int
halsim_profile_check_entry(const struct halsim_profile *p, uint32_t template,
                           uint32_t acl_actions,
                           const struct nicflow_hal_acl_entry *e, char *err,
                           size_t err_size)
{
    int error = check_matches(p, template, e, err, err_size);

    return error ? error : check_actions(p, acl_actions, e, err, err_size);
}
