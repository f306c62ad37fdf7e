/* profile.h: hardware profiles ("hw-profiles"): what one device can
 * offload, read from JSON files and checked against datapath flows.
 *
 * A profile (hw-profiles/<name>.json, format in hw-profiles/schema.json
 * and hw-profiles/README.md) lists the interfaces a device is driven
 * through, the flow fields it matches with the masking rule of each, its
 * actions, table sizes, tunnel types, conntrack and meter support and
 * known quirks, each group of facts with its source.  The offload manager
 * binds a port to a profile (by the port's driver name, or explicitly
 * with Interface other_config:hw-profile=NAME) and calls
 * offload_profile_check() before it offers a flow to any provider, so
 * that a flow the device cannot take is refused with the profile rule
 * that refused it instead of a provider's guess.
 *
 * Life cycle.  offload_profile_set_load() reads every *.json file of a
 * directory once (at start or on a reload); the set is immutable after
 * that, so any thread may read it and call offload_profile_check()
 * without locks.  A file that fails to parse or validate is not a
 * profile: the set keeps its error instead (hw-profile/list shows it) and
 * the ports bound to it are to run with offload disabled.
 *
 * Error texts (exact formats, tests rely on them):
 *   syntax:    "<file>:<line>:<column>: <jansson's message>", with
 *              jansson's position (the end of the token where parsing
 *              stopped); duplicate keys are syntax errors
 *   semantics: "<file>: <JSON path>: <what is wrong>", for example
 *              "cx6dx.json: /match/ipv4_src: expected \"exact\",
 *              \"prefix\" or \"arbitrary\"" (one line)
 * where <file> is the file's base name. */
#ifndef NICFLOW_OFFLOAD_PROFILE_H
#define NICFLOW_OFFLOAD_PROFILE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "lib/buf.h"

struct flow;

/* The flow fields a profile can name under "match", in nicflow's field
 * names.  ct_* are part of the format but struct flow does not carry
 * conntrack fields, so offload_profile_check() cannot see them; the
 * caller that has them must check offload_profile_match_rule(). */
enum offload_profile_field {
    OPF_IN_PORT,
    OPF_PKT_MARK,
    OPF_RECIRC_ID,
    OPF_DP_HASH,
    OPF_ETH_SRC,
    OPF_ETH_DST,
    OPF_ETH_TYPE,
    OPF_VLAN_VID,
    OPF_VLAN_PCP,
    OPF_CVLAN_VID,
    OPF_CVLAN_PCP,
    OPF_MPLS_LABEL,
    OPF_MPLS_TC,
    OPF_MPLS_BOS,
    OPF_MPLS_TTL,
    OPF_IPV4_SRC,
    OPF_IPV4_DST,
    OPF_IPV6_SRC,
    OPF_IPV6_DST,
    OPF_IPV6_LABEL,
    OPF_IP_PROTO,
    OPF_IP_TOS,
    OPF_IP_TTL,
    OPF_IP_FRAG,
    OPF_TP_SRC,
    OPF_TP_DST,
    OPF_TCP_FLAGS,
    OPF_ICMP_TYPE,
    OPF_ICMP_CODE,
    OPF_ARP_OP,
    OPF_ARP_SPA,
    OPF_ARP_TPA,
    OPF_ARP_SHA,
    OPF_ARP_THA,
    OPF_ND_TARGET,
    OPF_ND_SLL,
    OPF_ND_TLL,
    OPF_TUN_ID,
    OPF_TUN_IPV4_SRC,
    OPF_TUN_IPV4_DST,
    OPF_TUN_IPV6_SRC,
    OPF_TUN_IPV6_DST,
    OPF_TUN_TOS,
    OPF_TUN_TTL,
    OPF_TUN_TP_SRC,
    OPF_TUN_TP_DST,
    OPF_TUN_FLAGS,
    OPF_CT_STATE,
    OPF_CT_ZONE,
    OPF_CT_MARK,
    OPF_CT_LABEL,
    OPF__N
};

/* How a profile lets a field be masked.  NONE: the field cannot be
 * matched at all (absent from "match"). */
enum offload_profile_mask {
    OPM_NONE = 0,
    OPM_EXACT,     /* All of the field's bits, or none. */
    OPM_PREFIX,    /* Leading ones (a CIDR prefix), or none. */
    OPM_ARBITRARY, /* Any mask. */
};

/* Actions, as the format names them.  Each datapath action
 * (OVS_ACTION_ATTR_*) maps to one of these; see profile-check.c. */
enum offload_profile_action {
    OPA_OUTPUT,
    OPA_MIRROR, /* More than one output in one rule. */
    OPA_DROP,
    OPA_PUSH_VLAN,
    OPA_POP_VLAN,
    OPA_PUSH_MPLS,
    OPA_POP_MPLS,
    OPA_SET_ETH,
    OPA_SET_IPV4,
    OPA_SET_IPV6,
    OPA_SET_TP,
    OPA_SET_MARK,
    OPA_SET_PRIORITY,
    OPA_DEC_TTL,
    OPA_POLICE,
    OPA_COUNT,
    OPA_TUNNEL_PUSH,
    OPA_TUNNEL_POP,
    OPA_CT,
    OPA_CT_CLEAR,
    OPA_RECIRC,
    OPA_HASH,
    OPA_SAMPLE,
    OPA_USERSPACE,
    OPA_TRUNC,
    OPA_CLONE,
    OPA_CHECK_PKT_LEN,
    OPA__N
};

/* A table size or count: a number, or "unpublished" when the vendor does
 * not document it (profiles never guess a number). */
struct offload_profile_count {
    bool published;
    uint64_t n; /* Meaningful only if PUBLISHED. */
};

/* One validated profile.  Every string is owned by the profile set. */
struct offload_profile {
    char *name; /* Equals the file name without ".json". */
    char *file; /* Full path of the file it came from. */
    char *description;
    char **drivers; /* Driver names it binds to (ethtool -i "driver"). */
    size_t n_drivers;
    uint64_t interfaces; /* Bit i: offload_profile_format_names(
                          * "/interfaces/ANY")[i]. */
    enum offload_profile_mask match[OPF__N];
    uint64_t actions; /* Bit (1 << enum offload_profile_action). */
    struct offload_profile_count rules_per_port;
    struct offload_profile_count rules_per_device;
    struct offload_profile_count max_actions_per_rule;
    uint64_t tunnels; /* Bit i: offload_profile_format_names(
                       * "/tunnels/ANY")[i]. */
    bool ct_supported;
    struct offload_profile_count ct_max_connections;
    bool meters_supported;
    struct offload_profile_count meters_count;
    char **quirks;
    size_t n_quirks;
    /* Sources, by fact group name ("match", "actions", ...), in the
     * order of offload_profile_format_names("/sources"). */
    char **sources;
    size_t n_sources;
};

struct offload_profile_set;

/* The profile directory: $NICFLOW_PROFILE_DIR if set and non-empty, else
 * the build tree's hw-profiles/ (compiled in by offload/build.mk). */
const char *offload_profile_default_dir(void);

/* Reads every "*.json" file of DIR but schema.json (NULL: offload_profile_default_dir())
 * in name order into a new set in *SETP.  A file that does not parse or
 * validate is skipped and its error kept in the set.  Returns 0 (even if some files failed), or
 * a positive errno if DIR itself cannot be read, with *SETP NULL and a
 * message in *ERRP (caller frees; ERRP may be NULL). */
int offload_profile_set_load(const char *dir,
                             struct offload_profile_set **setp, char **errp);

/* Frees SET and every profile in it.  NULL is allowed. */
void offload_profile_set_destroy(struct offload_profile_set *set);

/* The number of valid profiles in SET, and profile I (0 <= I < count), in
 * file name order. */
size_t offload_profile_set_count(const struct offload_profile_set *set);
const struct offload_profile *
offload_profile_set_get(const struct offload_profile_set *set, size_t i);

/* The number of files that failed, and the error of file I (the formats
 * in this header's comment). */
size_t offload_profile_set_n_errors(const struct offload_profile_set *set);
const char *offload_profile_set_error(const struct offload_profile_set *set,
                                      size_t i);

/* The valid profile named NAME, or NULL. */
const struct offload_profile *
offload_profile_find(const struct offload_profile_set *set, const char *name);

/* The first valid profile (in file name order) that lists DRIVER, or
 * NULL. */
const struct offload_profile *
offload_profile_find_by_driver(const struct offload_profile_set *set,
                               const char *driver);

/* If the file for profile NAME (NAME.json) failed to load, or a failed
 * file listed DRIVER under "drivers" (DRIVER may be NULL; the list is
 * read best effort from what did parse), returns its error so that the
 * caller can keep offload off for the port and say why; else NULL. */
const char *offload_profile_find_error(const struct offload_profile_set *set,
                                       const char *name, const char *driver);

/* Parses and validates one profile from the LEN bytes at DATA, as if read
 * from the file FILE (its base name is used in messages and must be
 * NAME.json for a profile named NAME).  Returns 0 and a new profile in
 * *PROFILEP (free with offload_profile_destroy()), or EINVAL with a
 * message in *ERRP (caller frees) and *PROFILEP NULL.  For tests and the
 * fuzz target; offload_profile_set_load() uses the same code. */
int offload_profile_parse(const char *file, const void *data, size_t len,
                          struct offload_profile **profilep, char **errp);

/* Frees a profile from offload_profile_parse().  NULL is allowed. */
void offload_profile_destroy(struct offload_profile *profile);

/* Checks the datapath flow FLOW/MASK (decoded key and mask) with
 * ACTIONS_LEN bytes of OVS_ACTION_ATTR_* netlink ACTIONS against
 * PROFILE.  Returns 0 if the profile allows it; otherwise fills WHY and
 * returns its code:
 *   OFFLOAD_R_UNSUPPORTED_MATCH  "profile <name>: no match on <field>",
 *                                "profile <name>: <field> must be matched
 *                                exactly",
 *                                "profile <name>: <field> must be matched
 *                                by prefix"
 *   OFFLOAD_R_UNSUPPORTED_ACTION "profile <name>: action <action> not
 *                                supported",
 *                                "profile <name>: <n> actions, at most <m>
 *                                per rule"
 * A field counts as matched when any bit of it is set in MASK, except
 * recirc_id with the value 0: every device handles a packet's first
 * pass, so only a match on a later pass needs "recirc_id".  Which
 * field a shared member of struct flow stands for follows the key's
 * eth_type and ip_proto (nw_src is ipv4_src for IPv4, arp_spa for ARP;
 * tp_src is icmp_type for ICMP).  The VLAN TPID and tag-present bit are
 * implied by any VLAN match and not checked on their own.  Malformed
 * actions are refused as OFFLOAD_R_UNSUPPORTED_ACTION. */
int offload_profile_check(const struct offload_profile *profile,
                          const struct flow *flow, const struct flow *mask,
                          const void *actions, size_t actions_len,
                          struct offload_reason *why);

/* Checks that a port holding N_PORT rules on a device holding N_DEVICE
 * rules has room for one more under PROFILE's published table sizes.
 * Returns 0, or OFFLOAD_R_TABLE_FULL with "profile <name>: table full:
 * <n>/<max> rules per port" (or "per device") in WHY.  Unpublished sizes
 * never refuse.  WHY may be NULL (so may offload_profile_check()'s). */
int offload_profile_check_room(const struct offload_profile *profile,
                               uint64_t n_port, uint64_t n_device,
                               struct offload_reason *why);

/* PROFILE's masking rule for FIELD (OPM_NONE if it cannot match it). */
enum offload_profile_mask
offload_profile_match_rule(const struct offload_profile *profile,
                           enum offload_profile_field field);

/* Names: of a field ("ipv4_src"), a masking rule ("prefix"), an action
 * ("push_vlan"). */
const char *offload_profile_field_name(enum offload_profile_field);
const char *offload_profile_mask_name(enum offload_profile_mask);
const char *offload_profile_action_name(enum offload_profile_action);

/* The names the validator accepts at PATH of the format, NULL-terminated,
 * so that a test can compare them with hw-profiles/schema.json ("ANY"
 * stands for every member or element):
 *   "/"                top-level members
 *   "/match"           match field names
 *   "/match/ANY"       masking rules
 *   "/actions/ANY"     action names
 *   "/interfaces/ANY"  interface names
 *   "/tunnels/ANY"     tunnel types
 *   "/tables", "/conntrack", "/meters"  their members
 *   "/sources"         fact groups (the members that need a source)
 * Returns NULL for any other PATH.  The result lives in static storage
 * rebuilt by each call: not for concurrent use (tests only). */
const char *const *offload_profile_format_names(const char *path);

/* Appends the hw-profile/list text: one line per valid profile
 *   "<name>: <description> (drivers: <d1>,<d2>|-; interfaces: tc,...)"
 * then one line per failed file
 *   "error: <the error message>"
 * then "profiles: <n> loaded, <m> failed". */
void offload_profile_format_list(const struct offload_profile_set *set,
                                 struct buf *out);

/* Appends the hw-profile/show NAME text: every fact of PROFILE with its
 * source (see hw-profiles/README.md for the layout). */
void offload_profile_format_show(const struct offload_profile *profile,
                                 struct buf *out);

#endif /* NICFLOW_OFFLOAD_PROFILE_H */
