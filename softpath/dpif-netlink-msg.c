/* dpif-netlink-msg.c: requests to and replies from openvswitch.ko's
 * generic netlink families, with no socket (see dpif-netlink-msg.h).
 *
 * Replies are untrusted input: every parser goes through parse_attrs(),
 * which checks each attribute against a policy table (the sizes
 * <linux/openvswitch.h> documents), so no parser reads an attribute's
 * payload without knowing it is there and large enough. */
#include "softpath/dpif-netlink-msg.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/odp.h"

/* ---------------------------------------------------------------------
 * Attribute policies.
 * --------------------------------------------------------------------- */

/* What an attribute must be: MIN..MAX payload bytes (MAX 0: no upper
 * bound), or a NUL-terminated string.  A type with no entry (all zero and
 * !USED) is ignored: newer kernels add attributes. */
struct attr_policy {
    bool used;
    bool string;
    uint16_t min, max;
};

#define P_FIXED(N)            \
    {                         \
        true, false, (N), (N) \
    }
#define P_RANGE(A, B)         \
    {                         \
        true, false, (A), (B) \
    }
#define P_ANY             \
    {                     \
        true, false, 0, 0 \
    }
#define P_STRING         \
    {                    \
        true, true, 1, 0 \
    }

/* Fills TB[0 .. N_POL - 1] with the attributes of the LEN-byte stream
 * DATA that POL knows, each checked.  Later duplicates win, as in the
 * kernel.  Returns 0 or EINVAL. */
static int
parse_attrs(const void *data, size_t len, const struct attr_policy *pol,
            size_t n_pol, const struct nlattr **tb)
{
    const struct nlattr *a = data;

    memset(tb, 0, n_pol * sizeof *tb);
    while (len >= sizeof(struct nlattr)) {
        if (a->nla_len < sizeof(struct nlattr) || a->nla_len > len) {
            return EINVAL;
        }
        uint16_t type = a->nla_type & NLA_TYPE_MASK;
        size_t plen = a->nla_len - sizeof(struct nlattr);
        if (type < n_pol && pol[type].used) {
            const struct attr_policy *p = &pol[type];
            if (plen < p->min || (p->max && plen > p->max)) {
                return EINVAL;
            }
            if (p->string && !memchr(mnl_attr_get_payload(a), '\0', plen)) {
                return EINVAL;
            }
            tb[type] = a;
        }
        size_t step = MNL_ALIGN(a->nla_len);
        if (step >= len) {
            return 0;
        }
        len -= step;
        a = (const struct nlattr *) ((const char *) a + step);
    }
    /* Trailing bytes too short for an attribute header: malformed. */
    return len ? EINVAL : 0;
}

/* Checks a generic netlink message of LEN bytes at MSG whose family
 * header is HDRLEN bytes (an ovs_header, or 0) and returns its attributes
 * in *ATTRS / *ATTRS_LEN and its command in *CMD. */
static int
genl_body(const void *msg, size_t len, size_t hdrlen, uint8_t *cmd,
          const void **fam_hdr, const void **attrs, size_t *attrs_len)
{
    const struct nlmsghdr *nlh = msg;
    size_t head = NLMSG_HDRLEN + GENL_HDRLEN + hdrlen;

    if (len < sizeof *nlh || nlh->nlmsg_len > len || nlh->nlmsg_len < head) {
        return EINVAL;
    }
    const struct genlmsghdr *g =
        (const void *) ((const char *) msg + NLMSG_HDRLEN);
    *cmd = g->cmd;
    *fam_hdr = (const char *) msg + NLMSG_HDRLEN + GENL_HDRLEN;
    /* The attributes start at the aligned end of the headers. */
    size_t start = NLMSG_HDRLEN + GENL_HDRLEN + MNL_ALIGN(hdrlen);
    if (start > nlh->nlmsg_len) {
        start = nlh->nlmsg_len;
    }
    *attrs = (const char *) msg + start;
    *attrs_len = nlh->nlmsg_len - start;
    return 0;
}

static const struct nlattr *attr_first(const void *data, size_t len);
static const struct nlattr *attr_next(const struct nlattr *a, size_t *left);

static uint32_t
get_u32(const struct nlattr *a)
{
    uint32_t v;
    memcpy(&v, mnl_attr_get_payload(a), sizeof v);
    return v;
}

static uint64_t
get_u64(const struct nlattr *a)
{
    uint64_t v;
    memcpy(&v, mnl_attr_get_payload(a), sizeof v);
    return v;
}

/* ---------------------------------------------------------------------
 * Requests.
 * --------------------------------------------------------------------- */

/* Starts a request: netlink, generic netlink and (if OVS_HDR) ovs_header
 * headers.  NULL if SIZE cannot hold them. */
static struct nlmsghdr *
start_msg(void *buf, size_t size, uint16_t family, uint16_t flags, uint8_t cmd,
          uint8_t version, bool ovs_hdr, int dp_ifindex)
{
    if (size
        < NLMSG_HDRLEN + GENL_HDRLEN + MNL_ALIGN(sizeof(struct ovs_header))) {
        return NULL;
    }
    memset(buf, 0,
           NLMSG_HDRLEN + GENL_HDRLEN + MNL_ALIGN(sizeof(struct ovs_header)));
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = family;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
    g->cmd = cmd;
    g->version = version;
    if (ovs_hdr) {
        struct ovs_header *oh = mnl_nlmsg_put_extra_header(nlh, sizeof *oh);
        oh->dp_ifindex = dp_ifindex;
    }
    return nlh;
}

size_t
dpif_netlink_build_getfamily(void *buf, size_t size, const char *name)
{
    struct nlmsghdr *nlh = start_msg(buf, size, GENL_ID_CTRL, NLM_F_ACK,
                                     CTRL_CMD_GETFAMILY, 1, false, 0);
    if (!nlh
        || !mnl_attr_put_strz_check(nlh, size, CTRL_ATTR_FAMILY_NAME, name)) {
        return 0;
    }
    return nlh->nlmsg_len;
}

size_t
dpif_netlink_build_dp(void *buf, size_t size, uint16_t family, uint8_t cmd,
                      uint16_t flags, int dp_ifindex, const char *name,
                      uint32_t upcall_pid, uint32_t features)
{
    struct nlmsghdr *nlh = start_msg(buf, size, family, flags, cmd,
                                     OVS_DATAPATH_VERSION, true, dp_ifindex);
    if (!nlh) {
        return 0;
    }
    if (name && !mnl_attr_put_strz_check(nlh, size, OVS_DP_ATTR_NAME, name)) {
        return 0;
    }
    if (cmd == OVS_DP_CMD_NEW || cmd == OVS_DP_CMD_SET) {
        if (!mnl_attr_put_u32_check(nlh, size, OVS_DP_ATTR_UPCALL_PID,
                                    upcall_pid)
            || !mnl_attr_put_u32_check(nlh, size, OVS_DP_ATTR_USER_FEATURES,
                                       features)) {
            return 0;
        }
    }
    return nlh->nlmsg_len;
}

size_t
dpif_netlink_dp_pids_size(size_t n_pids)
{
    /* Headers, the features attribute, the pids attribute. */
    return NLMSG_HDRLEN + GENL_HDRLEN + MNL_ALIGN(sizeof(struct ovs_header))
           + 2 * MNL_ATTR_HDRLEN + 4 + MNL_ALIGN(n_pids * sizeof(uint32_t));
}

size_t
dpif_netlink_build_dp_pids(void *buf, size_t size, uint16_t family,
                           uint16_t flags, int dp_ifindex, uint32_t features,
                           const uint32_t *pids, size_t n_pids)
{
    /* The kernel refuses an empty array (EINVAL), and one attribute
     * holds at most 64 kB. */
    if (!n_pids || n_pids > (UINT16_MAX - MNL_ATTR_HDRLEN) / sizeof *pids) {
        return 0;
    }
    struct nlmsghdr *nlh = start_msg(buf, size, family, flags, OVS_DP_CMD_SET,
                                     OVS_DATAPATH_VERSION, true, dp_ifindex);
    if (!nlh
        || !mnl_attr_put_u32_check(nlh, size, OVS_DP_ATTR_USER_FEATURES,
                                   features)
        || !mnl_attr_put_check(nlh, size, OVS_DP_ATTR_PER_CPU_PIDS,
                               n_pids * sizeof *pids, pids)) {
        return 0;
    }
    return nlh->nlmsg_len;
}

size_t
dpif_netlink_build_vport(void *buf, size_t size, uint16_t family,
                         const struct dpif_netlink_vport_req *r)
{
    struct nlmsghdr *nlh = start_msg(buf, size, family, r->flags, r->cmd,
                                     OVS_VPORT_VERSION, true, r->dp_ifindex);
    if (!nlh) {
        return 0;
    }
    if (r->port_no != UINT32_MAX
        && !mnl_attr_put_u32_check(nlh, size, OVS_VPORT_ATTR_PORT_NO,
                                   r->port_no)) {
        return 0;
    }
    if (r->name
        && !mnl_attr_put_strz_check(nlh, size, OVS_VPORT_ATTR_NAME, r->name)) {
        return 0;
    }
    if (r->cmd == OVS_VPORT_CMD_NEW) {
        if (!mnl_attr_put_u32_check(nlh, size, OVS_VPORT_ATTR_TYPE, r->type)) {
            return 0;
        }
        /* UDP tunnels need their port (the kernel refuses a vxlan vport
         * without one); the value is host order. */
        if (r->type == OVS_VPORT_TYPE_VXLAN
            || r->type == OVS_VPORT_TYPE_GENEVE) {
            struct nlattr *opts =
                mnl_attr_nest_start_check(nlh, size, OVS_VPORT_ATTR_OPTIONS);
            if (!opts
                || !mnl_attr_put_u16_check(nlh, size, OVS_TUNNEL_ATTR_DST_PORT,
                                           r->dst_port)) {
                return 0;
            }
            mnl_attr_nest_end(nlh, opts);
        }
    }
    if (r->has_upcall_pid
        && !mnl_attr_put_u32_check(nlh, size, OVS_VPORT_ATTR_UPCALL_PID,
                                   r->upcall_pid)) {
        return 0;
    }
    return nlh->nlmsg_len;
}

/* Whether a payload of LEN bytes fits an attribute's 16-bit length. */
static bool
attr_fits(size_t len)
{
    return len <= UINT16_MAX - MNL_ATTR_HDRLEN;
}

size_t
dpif_netlink_flow_req_size(const struct dpif_netlink_flow_req *r)
{
    return 256 + MNL_ALIGN(r->key_len) + MNL_ALIGN(r->mask_len)
           + MNL_ALIGN(r->actions_len);
}

size_t
dpif_netlink_build_flow(void *buf, size_t size, uint16_t family,
                        const struct dpif_netlink_flow_req *r)
{
    struct nlmsghdr *nlh = start_msg(buf, size, family, r->flags, r->cmd,
                                     OVS_FLOW_VERSION, true, r->dp_ifindex);
    if (!nlh || !attr_fits(r->key_len) || !attr_fits(r->mask_len)
        || !attr_fits(r->actions_len)) {
        return 0;
    }
    if ((r->key
         && !mnl_attr_put_check(nlh, size, OVS_FLOW_ATTR_KEY, r->key_len,
                                r->key))
        || (r->mask
            && !mnl_attr_put_check(nlh, size, OVS_FLOW_ATTR_MASK, r->mask_len,
                                   r->mask))
        || (r->actions
            && !mnl_attr_put_check(nlh, size, OVS_FLOW_ATTR_ACTIONS,
                                   r->actions_len, r->actions))
        || (r->ufid
            && !mnl_attr_put_check(nlh, size, OVS_FLOW_ATTR_UFID, 16, r->ufid))
        || (r->ufid_flags
            && !mnl_attr_put_u32_check(nlh, size, OVS_FLOW_ATTR_UFID_FLAGS,
                                       r->ufid_flags))
        || (r->clear
            && !mnl_attr_put_check(nlh, size, OVS_FLOW_ATTR_CLEAR, 0, NULL))) {
        return 0;
    }
    return nlh->nlmsg_len;
}

size_t
dpif_netlink_execute_size(size_t packet_len, size_t actions_len)
{
    return 256 + MNL_ALIGN(packet_len) + MNL_ALIGN(actions_len);
}

size_t
dpif_netlink_build_execute(void *buf, size_t size, uint16_t family,
                           int dp_ifindex, const void *packet,
                           size_t packet_len, uint32_t in_port,
                           const void *actions, size_t actions_len)
{
    struct nlmsghdr *nlh =
        start_msg(buf, size, family, NLM_F_ACK, OVS_PACKET_CMD_EXECUTE,
                  OVS_PACKET_VERSION, true, dp_ifindex);
    if (!nlh || !attr_fits(packet_len) || !attr_fits(actions_len)
        || !mnl_attr_put_check(nlh, size, OVS_PACKET_ATTR_PACKET, packet_len,
                               packet)) {
        return 0;
    }
    /* The kernel extracts the flow from the packet itself; the key only
     * gives the metadata, here the input port. */
    struct nlattr *key =
        mnl_attr_nest_start_check(nlh, size, OVS_PACKET_ATTR_KEY);
    if (!key
        || !mnl_attr_put_u32_check(nlh, size, OVS_KEY_ATTR_IN_PORT, in_port)) {
        return 0;
    }
    mnl_attr_nest_end(nlh, key);
    if (!mnl_attr_put_check(nlh, size, OVS_PACKET_ATTR_ACTIONS, actions_len,
                            actions)) {
        return 0;
    }
    return nlh->nlmsg_len;
}

size_t
dpif_netlink_build_meter(void *buf, size_t size, uint16_t family, uint8_t cmd,
                         int dp_ifindex, uint32_t id, bool kbps,
                         const struct dpif_netlink_band *bands, size_t n_bands)
{
    struct nlmsghdr *nlh = start_msg(buf, size, family, NLM_F_ACK, cmd,
                                     OVS_METER_VERSION, true, dp_ifindex);
    if (!nlh) {
        return 0;
    }
    if (cmd == OVS_METER_CMD_FEATURES) {
        return nlh->nlmsg_len;
    }
    if (!mnl_attr_put_u32_check(nlh, size, OVS_METER_ATTR_ID, id)) {
        return 0;
    }
    if (cmd != OVS_METER_CMD_SET) {
        return nlh->nlmsg_len;
    }
    if (kbps && !mnl_attr_put_check(nlh, size, OVS_METER_ATTR_KBPS, 0, NULL)) {
        return 0;
    }
    struct nlattr *nest =
        mnl_attr_nest_start_check(nlh, size, OVS_METER_ATTR_BANDS);
    if (!nest) {
        return 0;
    }
    for (size_t i = 0; i < n_bands; i++) {
        struct nlattr *band =
            mnl_attr_nest_start_check(nlh, size, OVS_BAND_ATTR_UNSPEC);
        if (!band
            || !mnl_attr_put_u32_check(nlh, size, OVS_BAND_ATTR_TYPE,
                                       bands[i].type)
            || !mnl_attr_put_u32_check(nlh, size, OVS_BAND_ATTR_RATE,
                                       bands[i].rate)
            || !mnl_attr_put_u32_check(nlh, size, OVS_BAND_ATTR_BURST,
                                       bands[i].burst)) {
            return 0;
        }
        mnl_attr_nest_end(nlh, band);
    }
    mnl_attr_nest_end(nlh, nest);
    return nlh->nlmsg_len;
}

/* ---------------------------------------------------------------------
 * Replies.
 * --------------------------------------------------------------------- */

int
dpif_netlink_parse_error(const void *msg, size_t len, int *error,
                         const char **ext_msg)
{
    const struct nlmsghdr *nlh = msg;
    const struct nlmsgerr *e;

    if (ext_msg) {
        *ext_msg = NULL;
    }
    if (len < sizeof *nlh || nlh->nlmsg_len > len
        || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int)
        || nlh->nlmsg_type != NLMSG_ERROR) {
        return EINVAL;
    }
    e = (const void *) ((const char *) msg + NLMSG_HDRLEN);
    /* The kernel sends 0 or -errno (at most 4095); anything else is not
     * an error number (and negating INT_MIN would overflow). */
    *error = (e->error == 0                       ? 0
              : e->error < 0 && e->error >= -4095 ? -e->error
                                                  : EPROTO);
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !ext_msg) {
        return 0;
    }
    /* The TLVs follow the quoted request: its header only when capped. */
    size_t ofs = NLMSG_HDRLEN + sizeof(int);
    if (nlh->nlmsg_len < ofs + sizeof(struct nlmsghdr)) {
        return 0;
    }
    size_t quoted = nlh->nlmsg_flags & NLM_F_CAPPED ? sizeof(struct nlmsghdr)
                                                    : e->msg.nlmsg_len;
    if (quoted < sizeof(struct nlmsghdr) || quoted > nlh->nlmsg_len - ofs) {
        return 0;
    }
    ofs += MNL_ALIGN(quoted);
    if (ofs >= nlh->nlmsg_len) {
        return 0;
    }
    static const struct attr_policy pol[] = {
        [NLMSGERR_ATTR_MSG] = P_STRING,
    };
    const struct nlattr *tb[ARRAY_SIZE(pol)];
    if (!parse_attrs((const char *) msg + ofs, nlh->nlmsg_len - ofs, pol,
                     ARRAY_SIZE(pol), tb)
        && tb[NLMSGERR_ATTR_MSG]) {
        *ext_msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
    }
    return 0;
}

int
dpif_netlink_parse_family(const void *msg, size_t len, const char **name,
                          uint16_t *id)
{
    static const struct attr_policy pol[] = {
        [CTRL_ATTR_FAMILY_ID] = P_FIXED(2),
        [CTRL_ATTR_FAMILY_NAME] = P_STRING,
    };
    const struct nlattr *tb[ARRAY_SIZE(pol)];
    const void *hdr, *attrs;
    size_t attrs_len;
    uint8_t cmd;

    if (genl_body(msg, len, 0, &cmd, &hdr, &attrs, &attrs_len)
        || ((const struct nlmsghdr *) msg)->nlmsg_type != GENL_ID_CTRL
        || cmd != CTRL_CMD_NEWFAMILY) {
        return EPROTO;
    }
    if (parse_attrs(attrs, attrs_len, pol, ARRAY_SIZE(pol), tb)
        || !tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_FAMILY_NAME]) {
        return EINVAL;
    }
    *id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
    *name = mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]);
    return 0;
}

/* The common part of the ovs_* replies: the ovs_header and attributes. */
static int
ovs_body(const void *msg, size_t len, uint8_t *cmd, int *dp_ifindex,
         const void **attrs, size_t *attrs_len)
{
    const void *hdr;
    struct ovs_header oh;

    if (genl_body(msg, len, sizeof oh, cmd, &hdr, attrs, attrs_len)
        || ((const struct nlmsghdr *) msg)->nlmsg_type < NLMSG_MIN_TYPE) {
        return EPROTO;
    }
    memcpy(&oh, hdr, sizeof oh);
    *dp_ifindex = oh.dp_ifindex;
    return 0;
}

int
dpif_netlink_parse_dp(const void *msg, size_t len, struct dpif_netlink_dp *dp)
{
    static const struct attr_policy pol[] = {
        [OVS_DP_ATTR_NAME] = P_STRING,
        [OVS_DP_ATTR_STATS] = P_FIXED(sizeof(struct ovs_dp_stats)),
        /* Older kernels sent a shorter megaflow stats structure. */
        [OVS_DP_ATTR_MEGAFLOW_STATS] =
            P_RANGE(16, sizeof(struct ovs_dp_megaflow_stats)),
        [OVS_DP_ATTR_USER_FEATURES] = P_FIXED(4),
        [OVS_DP_ATTR_PER_CPU_PIDS] = P_ANY, /* u32s: checked below. */
    };
    const struct nlattr *tb[ARRAY_SIZE(pol)];
    const void *attrs;
    size_t attrs_len;
    uint8_t cmd;

    memset(dp, 0, sizeof *dp);
    if (ovs_body(msg, len, &cmd, &dp->dp_ifindex, &attrs, &attrs_len)) {
        return EPROTO;
    }
    if (parse_attrs(attrs, attrs_len, pol, ARRAY_SIZE(pol), tb)
        || !tb[OVS_DP_ATTR_NAME]) {
        return EINVAL;
    }
    dp->name = mnl_attr_get_str(tb[OVS_DP_ATTR_NAME]);
    if (tb[OVS_DP_ATTR_STATS]) {
        dp->has_stats = true;
        memcpy(&dp->stats, mnl_attr_get_payload(tb[OVS_DP_ATTR_STATS]),
               sizeof dp->stats);
    }
    if (tb[OVS_DP_ATTR_MEGAFLOW_STATS]) {
        dp->has_megaflow_stats = true;
        memcpy(&dp->megaflow_stats,
               mnl_attr_get_payload(tb[OVS_DP_ATTR_MEGAFLOW_STATS]),
               mnl_attr_get_payload_len(tb[OVS_DP_ATTR_MEGAFLOW_STATS]));
    }
    if (tb[OVS_DP_ATTR_USER_FEATURES]) {
        dp->user_features = get_u32(tb[OVS_DP_ATTR_USER_FEATURES]);
    }
    if (tb[OVS_DP_ATTR_PER_CPU_PIDS]) {
        const struct nlattr *a = tb[OVS_DP_ATTR_PER_CPU_PIDS];
        size_t plen = mnl_attr_get_payload_len(a);
        if (plen % sizeof(uint32_t)) {
            return EINVAL;
        }
        dp->per_cpu_pids = mnl_attr_get_payload(a);
        dp->n_per_cpu_pids = plen / sizeof(uint32_t);
    }
    return 0;
}

uint32_t
dpif_netlink_dp_pid(const struct dpif_netlink_dp *dp, size_t i)
{
    uint32_t pid;

    memcpy(&pid, (const uint8_t *) dp->per_cpu_pids + i * sizeof pid,
           sizeof pid);
    return pid;
}

int
dpif_netlink_parse_vport(const void *msg, size_t len,
                         struct dpif_netlink_vport *v)
{
    static const struct attr_policy pol[] = {
        [OVS_VPORT_ATTR_PORT_NO] = P_FIXED(4),
        [OVS_VPORT_ATTR_TYPE] = P_FIXED(4),
        [OVS_VPORT_ATTR_NAME] = P_STRING,
        [OVS_VPORT_ATTR_OPTIONS] = P_ANY,
        [OVS_VPORT_ATTR_UPCALL_PID] = P_ANY,
        [OVS_VPORT_ATTR_STATS] = P_FIXED(sizeof(struct ovs_vport_stats)),
    };
    static const struct attr_policy opt_pol[] = {
        [OVS_TUNNEL_ATTR_DST_PORT] = P_FIXED(2),
    };
    const struct nlattr *tb[ARRAY_SIZE(pol)];
    const struct nlattr *otb[ARRAY_SIZE(opt_pol)];
    const void *attrs;
    size_t attrs_len;
    uint8_t cmd;

    memset(v, 0, sizeof *v);
    if (ovs_body(msg, len, &cmd, &v->dp_ifindex, &attrs, &attrs_len)) {
        return EPROTO;
    }
    if (parse_attrs(attrs, attrs_len, pol, ARRAY_SIZE(pol), tb)
        || !tb[OVS_VPORT_ATTR_PORT_NO] || !tb[OVS_VPORT_ATTR_TYPE]
        || !tb[OVS_VPORT_ATTR_NAME]) {
        return EINVAL;
    }
    v->port_no = get_u32(tb[OVS_VPORT_ATTR_PORT_NO]);
    v->type = get_u32(tb[OVS_VPORT_ATTR_TYPE]);
    v->name = mnl_attr_get_str(tb[OVS_VPORT_ATTR_NAME]);
    if (tb[OVS_VPORT_ATTR_STATS]) {
        v->has_stats = true;
        memcpy(&v->stats, mnl_attr_get_payload(tb[OVS_VPORT_ATTR_STATS]),
               sizeof v->stats);
    }
    if (tb[OVS_VPORT_ATTR_UPCALL_PID]
        && mnl_attr_get_payload_len(tb[OVS_VPORT_ATTR_UPCALL_PID]) >= 4) {
        v->upcall_pid = get_u32(tb[OVS_VPORT_ATTR_UPCALL_PID]);
    }
    if (tb[OVS_VPORT_ATTR_OPTIONS]) {
        const struct nlattr *o = tb[OVS_VPORT_ATTR_OPTIONS];
        if (parse_attrs(mnl_attr_get_payload(o), mnl_attr_get_payload_len(o),
                        opt_pol, ARRAY_SIZE(opt_pol), otb)) {
            return EINVAL;
        }
        if (otb[OVS_TUNNEL_ATTR_DST_PORT]) {
            v->has_dst_port = true;
            v->dst_port = mnl_attr_get_u16(otb[OVS_TUNNEL_ATTR_DST_PORT]);
        }
    }
    return 0;
}

int
dpif_netlink_parse_flow(const void *msg, size_t len,
                        struct dpif_netlink_flow *f)
{
    static const struct attr_policy pol[] = {
        [OVS_FLOW_ATTR_KEY] = P_ANY,
        [OVS_FLOW_ATTR_ACTIONS] = P_ANY,
        [OVS_FLOW_ATTR_STATS] = P_FIXED(sizeof(struct ovs_flow_stats)),
        [OVS_FLOW_ATTR_TCP_FLAGS] = P_FIXED(1),
        [OVS_FLOW_ATTR_USED] = P_FIXED(8),
        [OVS_FLOW_ATTR_MASK] = P_ANY,
        [OVS_FLOW_ATTR_UFID] = P_RANGE(1, 16),
    };
    const struct nlattr *tb[ARRAY_SIZE(pol)];
    const void *attrs;
    size_t attrs_len;
    uint8_t cmd;

    memset(f, 0, sizeof *f);
    if (ovs_body(msg, len, &cmd, &f->dp_ifindex, &attrs, &attrs_len)) {
        return EPROTO;
    }
    if (parse_attrs(attrs, attrs_len, pol, ARRAY_SIZE(pol), tb)) {
        return EINVAL;
    }
    /* A reply names its flow by key or ufid (terse replies omit the
     * key). */
    if (!tb[OVS_FLOW_ATTR_KEY] && !tb[OVS_FLOW_ATTR_UFID]) {
        return EINVAL;
    }
    if (tb[OVS_FLOW_ATTR_KEY]) {
        f->key = mnl_attr_get_payload(tb[OVS_FLOW_ATTR_KEY]);
        f->key_len = mnl_attr_get_payload_len(tb[OVS_FLOW_ATTR_KEY]);
    }
    if (tb[OVS_FLOW_ATTR_MASK]) {
        f->mask = mnl_attr_get_payload(tb[OVS_FLOW_ATTR_MASK]);
        f->mask_len = mnl_attr_get_payload_len(tb[OVS_FLOW_ATTR_MASK]);
    }
    if (tb[OVS_FLOW_ATTR_ACTIONS]) {
        f->actions = mnl_attr_get_payload(tb[OVS_FLOW_ATTR_ACTIONS]);
        f->actions_len = mnl_attr_get_payload_len(tb[OVS_FLOW_ATTR_ACTIONS]);
    }
    if (tb[OVS_FLOW_ATTR_UFID]) {
        f->has_ufid = true;
        memcpy(f->ufid, mnl_attr_get_payload(tb[OVS_FLOW_ATTR_UFID]),
               mnl_attr_get_payload_len(tb[OVS_FLOW_ATTR_UFID]));
    }
    if (tb[OVS_FLOW_ATTR_STATS]) {
        f->has_stats = true;
        memcpy(&f->stats, mnl_attr_get_payload(tb[OVS_FLOW_ATTR_STATS]),
               sizeof f->stats);
    }
    if (tb[OVS_FLOW_ATTR_TCP_FLAGS]) {
        f->tcp_flags = mnl_attr_get_u8(tb[OVS_FLOW_ATTR_TCP_FLAGS]);
    }
    if (tb[OVS_FLOW_ATTR_USED]) {
        f->used = get_u64(tb[OVS_FLOW_ATTR_USED]);
    }
    return 0;
}

int
dpif_netlink_parse_upcall(const void *msg, size_t len,
                          struct dpif_netlink_upcall *u)
{
    static const struct attr_policy pol[] = {
        [OVS_PACKET_ATTR_PACKET] = P_RANGE(1, 0),
        [OVS_PACKET_ATTR_KEY] = P_ANY,
        [OVS_PACKET_ATTR_USERDATA] = P_ANY,
    };
    const struct nlattr *tb[ARRAY_SIZE(pol)];
    const void *attrs;
    size_t attrs_len;

    memset(u, 0, sizeof *u);
    if (ovs_body(msg, len, &u->cmd, &u->dp_ifindex, &attrs, &attrs_len)
        || (u->cmd != OVS_PACKET_CMD_MISS
            && u->cmd != OVS_PACKET_CMD_ACTION)) {
        return EPROTO;
    }
    if (parse_attrs(attrs, attrs_len, pol, ARRAY_SIZE(pol), tb)
        || !tb[OVS_PACKET_ATTR_PACKET] || !tb[OVS_PACKET_ATTR_KEY]) {
        return EINVAL;
    }
    u->packet = mnl_attr_get_payload(tb[OVS_PACKET_ATTR_PACKET]);
    u->packet_len = mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_PACKET]);
    u->key = mnl_attr_get_payload(tb[OVS_PACKET_ATTR_KEY]);
    u->key_len = mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_KEY]);
    if (tb[OVS_PACKET_ATTR_USERDATA]) {
        u->userdata = mnl_attr_get_payload(tb[OVS_PACKET_ATTR_USERDATA]);
        u->userdata_len =
            mnl_attr_get_payload_len(tb[OVS_PACKET_ATTR_USERDATA]);
    }
    return 0;
}

int
dpif_netlink_parse_meter(const void *msg, size_t len,
                         struct dpif_netlink_meter *m)
{
    static const struct attr_policy pol[] = {
        [OVS_METER_ATTR_ID] = P_FIXED(4),
        [OVS_METER_ATTR_STATS] = P_FIXED(sizeof(struct ovs_flow_stats)),
        [OVS_METER_ATTR_BANDS] = P_ANY,
        [OVS_METER_ATTR_MAX_METERS] = P_FIXED(4),
        [OVS_METER_ATTR_MAX_BANDS] = P_FIXED(4),
    };
    static const struct attr_policy band_pol[] = {
        [OVS_BAND_ATTR_TYPE] = P_FIXED(4),
        [OVS_BAND_ATTR_RATE] = P_FIXED(4),
        [OVS_BAND_ATTR_BURST] = P_FIXED(4),
        [OVS_BAND_ATTR_STATS] = P_FIXED(sizeof(struct ovs_flow_stats)),
    };
    const struct nlattr *tb[ARRAY_SIZE(pol)];
    const void *attrs;
    size_t attrs_len;
    uint8_t cmd;
    int dp_ifindex;

    memset(m, 0, sizeof *m);
    if (ovs_body(msg, len, &cmd, &dp_ifindex, &attrs, &attrs_len)) {
        return EPROTO;
    }
    if (parse_attrs(attrs, attrs_len, pol, ARRAY_SIZE(pol), tb)) {
        return EINVAL;
    }
    if (tb[OVS_METER_ATTR_ID]) {
        m->has_id = true;
        m->id = get_u32(tb[OVS_METER_ATTR_ID]);
    }
    if (tb[OVS_METER_ATTR_MAX_METERS]) {
        m->max_meters = get_u32(tb[OVS_METER_ATTR_MAX_METERS]);
    }
    if (tb[OVS_METER_ATTR_MAX_BANDS]) {
        m->max_bands = get_u32(tb[OVS_METER_ATTR_MAX_BANDS]);
    }
    if (tb[OVS_METER_ATTR_STATS]) {
        m->has_stats = true;
        memcpy(&m->stats, mnl_attr_get_payload(tb[OVS_METER_ATTR_STATS]),
               sizeof m->stats);
    }
    if (tb[OVS_METER_ATTR_BANDS]) {
        const struct nlattr *bands = tb[OVS_METER_ATTR_BANDS];
        size_t left = mnl_attr_get_payload_len(bands);
        /* Each band is a nest of its own; the bands attribute's payload
         * must be nothing but such nests. */
        if (left && !attr_first(mnl_attr_get_payload(bands), left)) {
            return EINVAL;
        }
        for (const struct nlattr *b =
                 attr_first(mnl_attr_get_payload(bands), left);
             b; b = attr_next(b, &left)) {
            const struct nlattr *btb[ARRAY_SIZE(band_pol)];
            if (parse_attrs(mnl_attr_get_payload(b), b->nla_len - sizeof *b,
                            band_pol, ARRAY_SIZE(band_pol), btb)) {
                return EINVAL;
            }
            if (btb[OVS_BAND_ATTR_TYPE]) {
                uint32_t t = get_u32(btb[OVS_BAND_ATTR_TYPE]);
                if (t < 32) {
                    m->band_types |= 1u << t;
                }
            }
            if (btb[OVS_BAND_ATTR_STATS]
                && m->n_bands < DPIF_NETLINK_MAX_BANDS) {
                memcpy(&m->band_stats[m->n_bands++],
                       mnl_attr_get_payload(btb[OVS_BAND_ATTR_STATS]),
                       sizeof m->band_stats[0]);
            }
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Translation.
 * --------------------------------------------------------------------- */

/* nicflow port types and the vports that serve them. */
static const struct {
    const char *name;
    uint32_t vport_type;
    uint16_t dst_port; /* Default UDP port of a UDP tunnel, else 0. */
} port_types[] = {
    { "system", OVS_VPORT_TYPE_NETDEV, 0 },
    { "afpacket", OVS_VPORT_TYPE_NETDEV, 0 },
    { "internal", OVS_VPORT_TYPE_INTERNAL, 0 },
    { "tap", OVS_VPORT_TYPE_INTERNAL, 0 },
    { "gre", OVS_VPORT_TYPE_GRE, 0 },
    { "vxlan", OVS_VPORT_TYPE_VXLAN, 4789 },
    { "geneve", OVS_VPORT_TYPE_GENEVE, 6081 },
};

int
dpif_netlink_port_type(const char *type, const char *options,
                       uint32_t *vport_type, uint16_t *dst_port, char **errp)
{
    size_t i;

    if (!type || !*type) {
        type = "system";
    }
    for (i = 0; i < ARRAY_SIZE(port_types); i++) {
        if (!strcmp(type, port_types[i].name)) {
            break;
        }
    }
    if (i == ARRAY_SIZE(port_types)) {
        if (!strcmp(type, "dummy")) {
            nf_give_error(errp,
                          xstrdup("dummy ports exist only in the userspace "
                                  "datapath (type netdev); the kernel "
                                  "datapath needs a real network device"));
            return EOPNOTSUPP;
        }
        nf_give_error(errp,
                      xasprintf("%s: port type not supported by the kernel "
                                "datapath (supported: system, internal, "
                                "gre, vxlan, geneve)",
                                type));
        return EINVAL;
    }
    *vport_type = port_types[i].vport_type;
    *dst_port = port_types[i].dst_port;

    /* Options: only dst_port, and only on UDP tunnels. */
    char *copy = xstrdup(options ? options : "");
    char *save = NULL;
    int error = 0;
    for (char *item = strtok_r(copy, ",", &save); item && !error;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        long long v;

        if (eq) {
            *eq = '\0';
        }
        if (!port_types[i].dst_port || strcmp(item, "dst_port")) {
            nf_give_error(errp,
                          xasprintf("%s: port type %s takes no \"%s\" option "
                                    "in the kernel datapath",
                                    type, type, item));
            error = EINVAL;
        } else if (!eq || nf_parse_int(eq + 1, 1, 65535, &v)) {
            nf_give_error(errp, xasprintf("%s: dst_port must be 1 to 65535",
                                          eq ? eq + 1 : ""));
            error = EINVAL;
        } else {
            *dst_port = (uint16_t) v;
        }
    }
    free(copy);
    return error;
}

const char *
dpif_netlink_vport_type_name(uint32_t vport_type)
{
    switch (vport_type) {
    case OVS_VPORT_TYPE_NETDEV:
        return "system";
    case OVS_VPORT_TYPE_INTERNAL:
        return "internal";
    case OVS_VPORT_TYPE_GRE:
        return "gre";
    case OVS_VPORT_TYPE_VXLAN:
        return "vxlan";
    case OVS_VPORT_TYPE_GENEVE:
        return "geneve";
    default:
        return "unknown";
    }
}

/* Where the actions nested in an action are: the attribute type inside
 * ACTION's payload that holds them (0: the payload itself is actions), or
 * -1 for an action that holds none. */
static int
nested_actions(uint16_t action, uint16_t inner[2])
{
    switch (action) {
    case OVS_ACTION_ATTR_SAMPLE:
        inner[0] = OVS_SAMPLE_ATTR_ACTIONS;
        inner[1] = UINT16_MAX;
        return 1;
    case OVS_ACTION_ATTR_CLONE:
        return 0;
    case OVS_ACTION_ATTR_CHECK_PKT_LEN:
        inner[0] = OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER;
        inner[1] = OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL;
        return 1;
    case OVS_ACTION_ATTR_DEC_TTL:
        inner[0] = OVS_DEC_TTL_ATTR_ACTION;
        inner[1] = UINT16_MAX;
        return 1;
    default:
        return -1;
    }
}

/* Attribute iteration that stops at the first malformed attribute:
 * attr_first() is the first attribute of the LEN-byte stream DATA (NULL
 * if there is none or it does not fit), attr_next() the one after A,
 * where *LEFT counts the bytes from A on (updated). */
static const struct nlattr *
attr_first(const void *data, size_t len)
{
    const struct nlattr *a = data;
    return (len >= sizeof *a && a->nla_len >= sizeof *a && a->nla_len <= len
                ? a
                : NULL);
}

static const struct nlattr *
attr_next(const struct nlattr *a, size_t *left)
{
    size_t step = MNL_ALIGN(a->nla_len);
    if (step >= *left) {
        return NULL;
    }
    *left -= step;
    return attr_first((const char *) a + step, *left);
}

static int
check_actions(const void *actions, size_t len, int depth, char **errp)
{
    if (depth > ODP_MAX_NESTING) {
        nf_give_error(errp, xstrdup("actions nested too deeply"));
        return EINVAL;
    }
    size_t left = len;
    for (const struct nlattr *a = attr_first(actions, left); a;
         a = attr_next(a, &left)) {
        uint16_t type = a->nla_type & NLA_TYPE_MASK;
        const void *payload = mnl_attr_get_payload(a);
        size_t plen = a->nla_len - sizeof *a;
        uint16_t inner[2];
        int kind;

        if (type == ODP_ACTION_ATTR_TUNNEL_PUSH
            || type == ODP_ACTION_ATTR_TUNNEL_POP) {
            nf_give_error(
                errp,
                xasprintf("%s: a userspace-datapath action; the kernel "
                          "datapath tunnels through vxlan/geneve/gre "
                          "ports with set(tunnel(...)) instead",
                          type == ODP_ACTION_ATTR_TUNNEL_PUSH ? "tnl_push"
                                                              : "tnl_pop"));
            return EINVAL;
        }
        kind = nested_actions(type, inner);
        if (kind == 0) {
            int error = check_actions(payload, plen, depth + 1, errp);
            if (error) {
                return error;
            }
        } else if (kind == 1) {
            size_t bleft = plen;
            for (const struct nlattr *b = attr_first(payload, bleft); b;
                 b = attr_next(b, &bleft)) {
                uint16_t t = b->nla_type & NLA_TYPE_MASK;
                if (t == inner[0] || t == inner[1]) {
                    int error =
                        check_actions(mnl_attr_get_payload(b),
                                      b->nla_len - sizeof *b, depth + 1, errp);
                    if (error) {
                        return error;
                    }
                }
            }
        }
    }
    return 0;
}

int
dpif_netlink_check_actions(const void *actions, size_t len, char **errp)
{
    return check_actions(actions, len, 0, errp);
}

void
dpif_netlink_filter_key(const void *key, size_t len, struct buf *out)
{
    size_t left = len;

    for (const struct nlattr *a = attr_first(key, left); a;
         a = attr_next(a, &left)) {
        uint16_t type = a->nla_type & NLA_TYPE_MASK;
        const struct odp_key_policy *p = odp_key_policy(type);

        if (p && p->name && p->len != ODP_LEN_NONE) {
            size_t start = out->len;
            buf_put(out, a, a->nla_len);
            buf_put_zeros(out, MNL_ALIGN(a->nla_len) - a->nla_len);
            /* The copy's header without the kernel's flag bits. */
            struct nlattr *c = (struct nlattr *) (out->data + start);
            c->nla_type = type;
        }
    }
}

static void
complete_key(const void *key, size_t len, int depth, struct buf *out)
{
    bool tcp = false, tcp_flags = false;
    size_t left = len;

    for (const struct nlattr *a = attr_first(key, left); a;
         a = attr_next(a, &left)) {
        uint16_t type = a->nla_type & NLA_TYPE_MASK;

        tcp |= type == OVS_KEY_ATTR_TCP;
        tcp_flags |= type == OVS_KEY_ATTR_TCP_FLAGS;
        if (type == OVS_KEY_ATTR_ENCAP && depth < ODP_MAX_NESTING) {
            size_t start = out->len;
            buf_put(out, a, sizeof *a);
            complete_key(mnl_attr_get_payload(a), a->nla_len - sizeof *a,
                         depth + 1, out);
            struct nlattr *c = (struct nlattr *) (out->data + start);
            c->nla_len = (uint16_t) (out->len - start);
            continue;
        }
        buf_put(out, a, a->nla_len);
        buf_put_zeros(out, MNL_ALIGN(a->nla_len) - a->nla_len);
    }
    if (tcp && !tcp_flags) {
        struct nlattr h = { .nla_len = sizeof h + 2,
                            .nla_type = OVS_KEY_ATTR_TCP_FLAGS };
        buf_put(out, &h, sizeof h);
        buf_put_zeros(out, 4); /* The value 0, padded. */
    }
}

void
dpif_netlink_complete_key(const void *key, size_t len, struct buf *out)
{
    complete_key(key, len, 0, out);
}

static size_t
fill_pids(void *actions, size_t len, uint32_t pid, int depth)
{
    size_t n = 0;
    size_t left = len;

    if (depth > ODP_MAX_NESTING) {
        return 0;
    }
    /* The iterators take const pointers; the attributes are in ACTIONS,
     * which the caller lets us change. */
    for (const struct nlattr *a = attr_first(actions, left); a;
         a = attr_next(a, &left)) {
        uint16_t type = a->nla_type & NLA_TYPE_MASK;
        uint8_t *payload = (uint8_t *) actions
                           + ((const uint8_t *) a - (const uint8_t *) actions)
                           + sizeof *a;
        size_t plen = a->nla_len - sizeof *a;
        uint16_t inner[2];
        int kind = nested_actions(type, inner);

        if (type == OVS_ACTION_ATTR_USERSPACE) {
            size_t uleft = plen;
            for (const struct nlattr *u = attr_first(payload, uleft); u;
                 u = attr_next(u, &uleft)) {
                if ((u->nla_type & NLA_TYPE_MASK) == OVS_USERSPACE_ATTR_PID
                    && u->nla_len == sizeof *u + 4) {
                    uint8_t *v =
                        payload + ((const uint8_t *) u - payload) + sizeof *u;
                    uint32_t old;
                    memcpy(&old, v, 4);
                    if (!old) {
                        memcpy(v, &pid, 4);
                        n++;
                    }
                }
            }
        } else if (kind == 0) {
            n += fill_pids(payload, plen, pid, depth + 1);
        } else if (kind == 1) {
            size_t bleft = plen;
            for (const struct nlattr *b = attr_first(payload, bleft); b;
                 b = attr_next(b, &bleft)) {
                uint16_t t = b->nla_type & NLA_TYPE_MASK;
                if (t == inner[0] || t == inner[1]) {
                    uint8_t *bp =
                        payload + ((const uint8_t *) b - payload) + sizeof *b;
                    n += fill_pids(bp, b->nla_len - sizeof *b, pid, depth + 1);
                }
            }
        }
    }
    return n;
}

size_t
dpif_netlink_fill_userspace_pids(void *actions, size_t len, uint32_t pid)
{
    return fill_pids(actions, len, pid, 0);
}
