/* ofp-port.c: OpenFlow port descriptions, port-desc, port-status,
 * port-mod, port and queue statistics, queue-get-config.
 *
 * Layouts follow the OpenFlow 1.0, 1.3, 1.4 and 1.5 specifications; the
 * printed text follows Open vSwitch 3.1's ovs-ofctl, checked by
 * tests/unit/test-ofctl-msgs.c against text ovs-ofctl printed. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/match.h"
#include "ofctl/ofp-port.h"

/* Wire sizes. */
#define PORT10_LEN 48
#define PORT11_LEN 64
#define PORT14_LEN 40 /* Without properties. */
#define PORT14_ETH_PROP_LEN 32
#define PORT_STATS10_LEN 104
#define PORT_STATS13_LEN 112
#define PORT_STATS14_LEN 80
#define PORT_STATS14_ETH_PROP_LEN 40
#define QUEUE_STATS10_LEN 32
#define QUEUE_STATS13_LEN 40
#define QUEUE_STATS14_LEN 48

/* OpenFlow 1.4 property types used here. */
#define PORT14_PROP_ETHERNET 0
#define PORT_MOD14_PROP_ETHERNET 0
#define PORT_STATS14_PROP_ETHERNET 0

/* Queue property types. */
#define QUEUE_PROP_MIN_RATE 1
#define QUEUE_PROP_MAX_RATE 2
#define QUEUE_RATE_ABSENT UINT16_MAX

/* ---------------------------------------------------------------------
 * Port numbers and bits.
 * --------------------------------------------------------------------- */

#define OFPP11_OFFSET 0xffff0000u

enum of_err
of_port_from_ofp11(uint32_t port11, uint16_t *port)
{
    if (port11 < OF_PORT_MAX) {
        *port = (uint16_t) port11;
        return 0;
    }
    if (port11 >= OFPP11_OFFSET + OF_PORT_MAX) {
        *port = (uint16_t) (port11 - OFPP11_OFFSET);
        return 0;
    }
    return OF_ERR_OFPBAC_BAD_OUT_PORT;
}

uint32_t
of_port_to_ofp11(uint16_t port)
{
    return port < OF_PORT_MAX ? port : port + OFPP11_OFFSET;
}

/* Pulls a 1.1+ port number. */
static enum of_err
pull_port11(const uint8_t *p, uint16_t *port)
{
    return of_port_from_ofp11(of_get32(p), port);
}

/* OpenFlow 1.0 features: bits 0-6 are the same as 1.1's, bits 7-11
 * (copper .. pause_asym) are 1.1's bits 11-15. */
static uint32_t
features_from_ofp10(uint32_t f)
{
    return (f & 0x7f) | ((f & 0xf80) << 4);
}

static uint32_t
features_to_ofp10(uint32_t f)
{
    return (f & 0x7f) | ((f >> 4) & 0xf80);
}

uint32_t
of_port_features_speed(uint32_t f)
{
    static const struct {
        uint32_t bits;
        uint32_t kbps;
    } speeds[] = {
        { OF_PF_1TB_FD, 1000000000 },
        { OF_PF_100GB_FD, 100000000 },
        { OF_PF_40GB_FD, 40000000 },
        { OF_PF_10GB_FD, 10000000 },
        { OF_PF_1GB_HD | OF_PF_1GB_FD, 1000000 },
        { OF_PF_100MB_HD | OF_PF_100MB_FD, 100000 },
        { OF_PF_10MB_HD | OF_PF_10MB_FD, 10000 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(speeds); i++) {
        if (f & speeds[i].bits) {
            return speeds[i].kbps;
        }
    }
    return 0;
}

/* Bit names as ovs-ofctl prints them, in bit order. */
struct bit_name {
    uint32_t bit;
    const char *name;
};

static const struct bit_name config_names[] = {
    { OF_PC_PORT_DOWN, "PORT_DOWN" },
    { OF_PC_NO_STP, "NO_STP" },
    { OF_PC_NO_RECV, "NO_RECV" },
    { OF_PC_NO_RECV_STP, "NO_RECV_STP" },
    { OF_PC_NO_FLOOD, "NO_FLOOD" },
    { OF_PC_NO_FWD, "NO_FWD" },
    { OF_PC_NO_PACKET_IN, "NO_PACKET_IN" },
};

static const struct bit_name state_names[] = {
    { OF_PS_LINK_DOWN, "LINK_DOWN" },
    { OF_PS_BLOCKED, "BLOCKED" },
    { OF_PS_LIVE, "LIVE" },
};

static const struct bit_name feature_names[] = {
    { OF_PF_10MB_HD, "10MB-HD" },   { OF_PF_10MB_FD, "10MB-FD" },
    { OF_PF_100MB_HD, "100MB-HD" }, { OF_PF_100MB_FD, "100MB-FD" },
    { OF_PF_1GB_HD, "1GB-HD" },     { OF_PF_1GB_FD, "1GB-FD" },
    { OF_PF_10GB_FD, "10GB-FD" },   { OF_PF_40GB_FD, "40GB-FD" },
    { OF_PF_100GB_FD, "100GB-FD" }, { OF_PF_1TB_FD, "1TB-FD" },
    { OF_PF_OTHER, "OTHER" },       { OF_PF_COPPER, "COPPER" },
    { OF_PF_FIBER, "FIBER" },       { OF_PF_AUTONEG, "AUTO_NEG" },
    { OF_PF_PAUSE, "AUTO_PAUSE" },  { OF_PF_PAUSE_ASYM, "AUTO_PAUSE_ASYM" },
};

/* Appends the names of the bits of BITS separated by spaces, "0" if
 * there are none and any unnamed bits in hex, as ovs-ofctl does. */
static void
format_bits(struct buf *b, uint32_t bits, const struct bit_name *names,
            size_t n_names)
{
    bool first = true;

    if (!bits) {
        buf_put_char(b, '0');
        return;
    }
    for (size_t i = 0; i < n_names; i++) {
        if (bits & names[i].bit) {
            buf_printf(b, "%s%s", first ? "" : " ", names[i].name);
            bits &= ~names[i].bit;
            first = false;
        }
    }
    if (bits) {
        buf_printf(b, "%s0x%" PRIx32, first ? "" : " ", bits);
    }
}

static void
format_mac(struct buf *b, const uint8_t m[6])
{
    buf_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
               m[4], m[5]);
}

/* ---------------------------------------------------------------------
 * Port descriptions.
 * --------------------------------------------------------------------- */

static void
put_name(struct buf *b, const char *name)
{
    char wire[16] = { 0 };
    size_t n = strnlen(name, sizeof wire - 1);

    memcpy(wire, name, n);
    buf_put(b, wire, sizeof wire);
}

static void
get_name(char name[16], const uint8_t *p)
{
    memcpy(name, p, 15);
    name[15] = '\0';
}

void
of_port_put(struct buf *b, uint8_t version, const struct of_port *pp)
{
    if (version == OF_V10) {
        of_buf_put16(b, pp->port_no);
        buf_put(b, pp->hw_addr, 6);
        put_name(b, pp->name);
        of_buf_put32(b, pp->config & OF_PC_10_ALL);
        of_buf_put32(b, pp->state & (OF_PS_LINK_DOWN | OF_PS_STP_MASK));
        of_buf_put32(b, features_to_ofp10(pp->curr));
        of_buf_put32(b, features_to_ofp10(pp->advertised));
        of_buf_put32(b, features_to_ofp10(pp->supported));
        of_buf_put32(b, features_to_ofp10(pp->peer));
    } else if (version <= OF_V13) {
        of_buf_put32(b, of_port_to_ofp11(pp->port_no));
        of_buf_put32(b, 0);
        buf_put(b, pp->hw_addr, 6);
        of_buf_put16(b, 0);
        put_name(b, pp->name);
        of_buf_put32(b, pp->config & OF_PC_11_ALL);
        of_buf_put32(b, pp->state & 7);
        of_buf_put32(b, pp->curr);
        of_buf_put32(b, pp->advertised);
        of_buf_put32(b, pp->supported);
        of_buf_put32(b, pp->peer);
        of_buf_put32(b, pp->curr_speed);
        of_buf_put32(b, pp->max_speed);
    } else {
        size_t start = b->len, prop;

        of_buf_put32(b, of_port_to_ofp11(pp->port_no));
        of_buf_put16(b, 0); /* Length, set below. */
        of_buf_put16(b, 0);
        buf_put(b, pp->hw_addr, 6);
        of_buf_put16(b, 0);
        put_name(b, pp->name);
        of_buf_put32(b, pp->config & OF_PC_11_ALL);
        of_buf_put32(b, pp->state & 7);
        prop = of_prop_start(b, PORT14_PROP_ETHERNET);
        of_buf_put32(b, 0);
        of_buf_put32(b, pp->curr);
        of_buf_put32(b, pp->advertised);
        of_buf_put32(b, pp->supported);
        of_buf_put32(b, pp->peer);
        of_buf_put32(b, pp->curr_speed);
        of_buf_put32(b, pp->max_speed);
        of_prop_end(b, prop);
        of_put16(b->data + start + 4, (uint16_t) (b->len - start));
    }
}

/* The ethernet property of a 1.4 port. */
static enum of_err
pull_port14_eth(struct of_cursor *body, struct of_port *pp)
{
    const uint8_t *p;

    if (body->left != PORT14_ETH_PROP_LEN - 4) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    p = of_cursor_pull(body, body->left);
    pp->curr = of_get32(p + 4) & 0xffff;
    pp->advertised = of_get32(p + 8) & 0xffff;
    pp->supported = of_get32(p + 12) & 0xffff;
    pp->peer = of_get32(p + 16) & 0xffff;
    pp->curr_speed = of_get32(p + 20);
    pp->max_speed = of_get32(p + 24);
    return 0;
}

static enum of_err
pull_port14(struct of_cursor *c, struct of_port *pp)
{
    const uint8_t *p = of_cursor_peek(c, PORT14_LEN);
    struct of_cursor props;
    enum of_err err;
    size_t len;

    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    len = of_get16(p + 4);
    if (len < PORT14_LEN || len > c->left) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    of_cursor_pull(c, len);
    err = pull_port11(p, &pp->port_no);
    if (err) {
        return err;
    }
    memcpy(pp->hw_addr, p + 8, 6);
    get_name(pp->name, p + 16);
    pp->config = of_get32(p + 32) & OF_PC_11_ALL;
    pp->state = of_get32(p + 36) & 7;

    of_cursor_init(&props, p + PORT14_LEN, len - PORT14_LEN);
    while (props.left) {
        struct of_cursor body;
        uint16_t type;

        err = of_prop_pull(&props, &type, &body);
        if (err) {
            return err;
        }
        /* Other properties (optical, experimenter) carry nothing the
         * model holds; Open vSwitch ignores them too. */
        if (type == PORT14_PROP_ETHERNET) {
            err = pull_port14_eth(&body, pp);
            if (err) {
                return err;
            }
        }
    }
    return 0;
}

enum of_err
of_port_pull(struct of_cursor *c, uint8_t version, struct of_port *pp)
{
    const uint8_t *p;

    memset(pp, 0, sizeof *pp);
    if (version >= OF_V14) {
        return pull_port14(c, pp);
    }
    if (version == OF_V10) {
        p = of_cursor_pull(c, PORT10_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        pp->port_no = of_get16(p);
        memcpy(pp->hw_addr, p + 2, 6);
        get_name(pp->name, p + 8);
        pp->config = of_get32(p + 24) & OF_PC_10_ALL;
        pp->state = of_get32(p + 28) & (OF_PS_LINK_DOWN | OF_PS_STP_MASK);
        pp->curr = features_from_ofp10(of_get32(p + 32));
        pp->advertised = features_from_ofp10(of_get32(p + 36));
        pp->supported = features_from_ofp10(of_get32(p + 40));
        pp->peer = features_from_ofp10(of_get32(p + 44));
        pp->curr_speed = of_port_features_speed(pp->curr);
        pp->max_speed = of_port_features_speed(pp->supported);
        return 0;
    }
    p = of_cursor_pull(c, PORT11_LEN);
    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    memcpy(pp->hw_addr, p + 8, 6);
    get_name(pp->name, p + 16);
    pp->config = of_get32(p + 32) & OF_PC_11_ALL;
    pp->state = of_get32(p + 36) & 7;
    pp->curr = of_get32(p + 40) & 0xffff;
    pp->advertised = of_get32(p + 44) & 0xffff;
    pp->supported = of_get32(p + 48) & 0xffff;
    pp->peer = of_get32(p + 52) & 0xffff;
    pp->curr_speed = of_get32(p + 56);
    pp->max_speed = of_get32(p + 60);
    return pull_port11(p, &pp->port_no);
}

static void
format_state(struct buf *b, uint32_t state)
{
    uint32_t stp = state & OF_PS_STP_MASK;

    /* ovs-ofctl prints the STP state and the other bits with no space
     * between them ("STP_BLOCKLINK_DOWN"); nicflow matches it. */
    if (stp) {
        buf_put_cstr(b, stp == OF_PS_STP_LEARN     ? "STP_LEARN"
                        : stp == OF_PS_STP_FORWARD ? "STP_FORWARD"
                                                   : "STP_BLOCK");
        state &= ~OF_PS_STP_MASK;
        if (state) {
            format_bits(b, state, state_names, ARRAY_SIZE(state_names));
        }
    } else {
        format_bits(b, state, state_names, ARRAY_SIZE(state_names));
    }
    buf_put_char(b, '\n');
}

static void
format_features_line(struct buf *b, const char *label, uint32_t f)
{
    if (f) {
        buf_printf(b, "     %s", label);
        format_bits(b, f, feature_names, ARRAY_SIZE(feature_names));
        buf_put_char(b, '\n');
    }
}

void
of_port_format_desc(struct buf *b, const struct of_port *pp)
{
    size_t n = 0;

    /* ovs-ofctl stops the name at the first unprintable byte. */
    while (n < sizeof pp->name - 1 && pp->name[n] >= 0x20
           && pp->name[n] < 0x7f) {
        n++;
    }
    buf_put_char(b, ' ');
    of_port_format(b, pp->port_no);
    buf_printf(b, "(%.*s): addr:", (int) n, pp->name);
    format_mac(b, pp->hw_addr);
    buf_put_cstr(b, "\n     config:     ");
    format_bits(b, pp->config, config_names, ARRAY_SIZE(config_names));
    buf_put_cstr(b, "\n     state:      ");
    format_state(b, pp->state);
    format_features_line(b, "current:    ", pp->curr);
    format_features_line(b, "advertised: ", pp->advertised);
    format_features_line(b, "supported:  ", pp->supported);
    format_features_line(b, "peer:       ", pp->peer);
    buf_printf(b, "     speed: %" PRIu32 " Mbps now, %" PRIu32 " Mbps max\n",
               pp->curr_speed / 1000, pp->max_speed / 1000);
}

void
of_ports_destroy(struct of_ports *ports)
{
    free(ports->ports);
    ports->ports = NULL;
    ports->n = 0;
}

enum of_err
of_ports_pull(struct of_cursor *c, uint8_t version, struct of_ports *ports)
{
    size_t cap = 0;

    ports->ports = NULL;
    ports->n = 0;
    while (c->left) {
        enum of_err err;

        ports->ports =
            of_array_grow(ports->ports, ports->n, &cap, sizeof *ports->ports);
        err = of_port_pull(c, version, &ports->ports[ports->n]);
        if (err) {
            return err;
        }
        ports->n++;
    }
    return 0;
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct of_port *a = a_, *b = b_;
    return a->port_no < b->port_no ? -1 : a->port_no > b->port_no;
}

void
of_ports_format(struct buf *b, const struct of_ports *ports)
{
    struct of_port *sorted;

    if (!ports->n) {
        return;
    }
    sorted = xmalloc(ports->n * sizeof *sorted);
    memcpy(sorted, ports->ports, ports->n * sizeof *sorted);
    qsort(sorted, ports->n, sizeof *sorted, compare_ports);
    for (size_t i = 0; i < ports->n; i++) {
        of_port_format_desc(b, &sorted[i]);
    }
    free(sorted);
}

/* ---------------------------------------------------------------------
 * Port-desc.
 * --------------------------------------------------------------------- */

void
of_port_desc_request_encode(struct buf *b, uint8_t version, uint32_t xid,
                            uint16_t port_no)
{
    of_msg_start(b, OF_T_PORT_DESC_REQUEST, version, xid);
    if (version >= OF_V15) {
        of_buf_put32(b, of_port_to_ofp11(port_no));
        of_buf_put32(b, 0);
    }
    of_msg_finish(b);
}

enum of_err
of_port_desc_request_decode(const struct of_msg *msg, uint16_t *port_no)
{
    *port_no = OF_PORT_NONE;
    if (msg->version >= OF_V15) {
        if (msg->body_len != 8) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        return pull_port11(msg->body, port_no);
    }
    return msg->body_len ? OF_ERR_OFPBRC_BAD_LEN : 0;
}

void
of_port_desc_request_format(struct buf *b, uint16_t port_no)
{
    buf_put_cstr(b, " port=");
    of_port_format(b, port_no);
}

void
of_port_desc_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                          const struct of_ports *ports)
{
    of_msg_start(b, OF_T_PORT_DESC_REPLY, version, xid);
    for (size_t i = 0; i < ports->n; i++) {
        of_port_put(b, version, &ports->ports[i]);
    }
    of_msg_finish(b);
}

enum of_err
of_port_desc_reply_decode(const struct of_msg *msg, struct of_ports *ports)
{
    struct of_cursor c;

    of_cursor_init(&c, msg->body, msg->body_len);
    return of_ports_pull(&c, msg->version, ports);
}

void
of_port_desc_reply_format(struct buf *b, const struct of_ports *ports)
{
    buf_put_char(b, '\n');
    of_ports_format(b, ports);
}

/* ---------------------------------------------------------------------
 * Port status.
 * --------------------------------------------------------------------- */

void
of_port_status_encode(struct buf *b, uint8_t version, uint32_t xid,
                      const struct of_port_status *ps)
{
    of_msg_start(b, OF_T_PORT_STATUS, version, xid);
    buf_put_u8(b, ps->reason);
    buf_put_zeros(b, 7);
    of_port_put(b, version, &ps->desc);
    of_msg_finish(b);
}

enum of_err
of_port_status_decode(const struct of_msg *msg, struct of_port_status *ps)
{
    struct of_cursor c;
    const uint8_t *p;
    enum of_err err;

    of_cursor_init(&c, msg->body, msg->body_len);
    p = of_cursor_pull(&c, 8);
    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    ps->reason = p[0];
    if (ps->reason > OF_PR_MODIFY) {
        return OF_ERR_NXBRC_BAD_REASON;
    }
    err = of_port_pull(&c, msg->version, &ps->desc);
    if (!err && c.left) {
        err = OF_ERR_OFPBRC_BAD_LEN;
    }
    return err;
}

void
of_port_status_format(struct buf *b, const struct of_port_status *ps)
{
    static const char *const reasons[] = { " ADD:", " DEL:", " MOD:" };

    buf_put_cstr(b, ps->reason <= OF_PR_MODIFY ? reasons[ps->reason]
                                               : " UNKNOWN:");
    of_port_format_desc(b, &ps->desc);
}

/* ---------------------------------------------------------------------
 * Port mod.
 * --------------------------------------------------------------------- */

void
of_port_mod_encode(struct buf *b, uint8_t version, uint32_t xid,
                   const struct of_port_mod *pm)
{
    of_msg_start(b, OF_T_PORT_MOD, version, xid);
    if (version == OF_V10) {
        of_buf_put16(b, pm->port_no);
        buf_put(b, pm->hw_addr, 6);
        of_buf_put32(b, pm->config & OF_PC_10_ALL);
        of_buf_put32(b, pm->mask & OF_PC_10_ALL);
        of_buf_put32(b, features_to_ofp10(pm->advertise));
        of_buf_put32(b, 0);
    } else {
        of_buf_put32(b, of_port_to_ofp11(pm->port_no));
        of_buf_put32(b, 0);
        buf_put(b, pm->hw_addr, 6);
        of_buf_put16(b, 0);
        of_buf_put32(b, pm->config & OF_PC_11_ALL);
        of_buf_put32(b, pm->mask & OF_PC_11_ALL);
        if (version <= OF_V13) {
            of_buf_put32(b, pm->advertise);
            of_buf_put32(b, 0);
        } else if (pm->advertise) {
            size_t prop = of_prop_start(b, PORT_MOD14_PROP_ETHERNET);
            of_buf_put32(b, pm->advertise);
            of_prop_end(b, prop);
        }
    }
    of_msg_finish(b);
}

enum of_err
of_port_mod_decode(const struct of_msg *msg, struct of_port_mod *pm)
{
    const uint8_t *p = msg->body;
    struct of_cursor props;
    enum of_err err;

    memset(pm, 0, sizeof *pm);
    if (msg->version == OF_V10) {
        if (msg->body_len != 24) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        pm->port_no = of_get16(p);
        memcpy(pm->hw_addr, p + 2, 6);
        pm->config = of_get32(p + 8) & OF_PC_10_ALL;
        pm->mask = of_get32(p + 12) & OF_PC_10_ALL;
        pm->advertise = features_from_ofp10(of_get32(p + 16));
        return 0;
    }
    if (msg->version <= OF_V13 ? msg->body_len != 32 : msg->body_len < 24) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    err = pull_port11(p, &pm->port_no);
    if (err) {
        return err;
    }
    memcpy(pm->hw_addr, p + 8, 6);
    pm->config = of_get32(p + 16) & OF_PC_11_ALL;
    pm->mask = of_get32(p + 20) & OF_PC_11_ALL;
    if (msg->version <= OF_V13) {
        pm->advertise = of_get32(p + 24) & 0xffff;
        return 0;
    }
    of_cursor_init(&props, p + 24, msg->body_len - 24);
    while (props.left) {
        struct of_cursor body;
        uint16_t type;

        err = of_prop_pull(&props, &type, &body);
        if (err) {
            return err;
        }
        if (type == PORT_MOD14_PROP_ETHERNET) {
            if (body.left != 4) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            pm->advertise = of_get32(body.p) & 0xffff;
        } else {
            /* Open vSwitch refuses properties it does not know in a
             * port-mod, since ignoring them would half-apply it. */
            return OF_ERR_OFPBPC_BAD_TYPE;
        }
    }
    return 0;
}

void
of_port_mod_format(struct buf *b, const struct of_port_mod *pm)
{
    buf_put_cstr(b, " port: ");
    of_port_format(b, pm->port_no);
    buf_put_cstr(b, ": addr:");
    format_mac(b, pm->hw_addr);
    buf_put_cstr(b, "\n     config: ");
    format_bits(b, pm->config, config_names, ARRAY_SIZE(config_names));
    buf_put_cstr(b, "\n     mask:   ");
    format_bits(b, pm->mask, config_names, ARRAY_SIZE(config_names));
    buf_put_cstr(b, "\n     advertise: ");
    if (pm->advertise) {
        format_bits(b, pm->advertise, feature_names,
                    ARRAY_SIZE(feature_names));
    } else {
        buf_put_cstr(b, "UNCHANGED");
    }
    buf_put_char(b, '\n');
}

/* ---------------------------------------------------------------------
 * Port statistics.
 * --------------------------------------------------------------------- */

/* Requests for one port (or all) share a layout: 1.0 a 16-bit port and 6
 * bytes of padding, 1.1+ a 32-bit port and 4. */
static void
put_port_and_pad(struct buf *b, uint8_t version, uint16_t port_no)
{
    if (version == OF_V10) {
        of_buf_put16(b, port_no);
        buf_put_zeros(b, 6);
    } else {
        of_buf_put32(b, of_port_to_ofp11(port_no));
        of_buf_put32(b, 0);
    }
}

static enum of_err
pull_port_and_pad(const struct of_msg *msg, uint16_t *port_no)
{
    if (msg->body_len != 8) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    if (msg->version == OF_V10) {
        *port_no = of_get16(msg->body);
        return 0;
    }
    return pull_port11(msg->body, port_no);
}

void
of_port_stats_request_encode(struct buf *b, uint8_t version, uint32_t xid,
                             uint16_t port_no)
{
    of_msg_start(b, OF_T_PORT_STATS_REQUEST, version, xid);
    put_port_and_pad(b, version, port_no);
    of_msg_finish(b);
}

enum of_err
of_port_stats_request_decode(const struct of_msg *msg, uint16_t *port_no)
{
    return pull_port_and_pad(msg, port_no);
}

void
of_port_stats_request_format(struct buf *b, uint16_t port_no)
{
    buf_put_cstr(b, " port_no=");
    of_port_format(b, port_no);
}

void
of_port_stats_list_destroy(struct of_port_stats_list *list)
{
    free(list->stats);
    list->stats = NULL;
    list->n = 0;
}

/* The counters in the order OpenFlow 1.0-1.3 send them. */
static void
put_counters(struct buf *b, const struct of_port_stats *s, bool all)
{
    of_buf_put64(b, s->rx_packets);
    of_buf_put64(b, s->tx_packets);
    of_buf_put64(b, s->rx_bytes);
    of_buf_put64(b, s->tx_bytes);
    of_buf_put64(b, s->rx_dropped);
    of_buf_put64(b, s->tx_dropped);
    of_buf_put64(b, s->rx_errors);
    of_buf_put64(b, s->tx_errors);
    if (all) {
        of_buf_put64(b, s->rx_frame_err);
        of_buf_put64(b, s->rx_over_err);
        of_buf_put64(b, s->rx_crc_err);
        of_buf_put64(b, s->collisions);
    }
}

static void
get_counters(const uint8_t *p, struct of_port_stats *s, bool all)
{
    s->rx_packets = of_get64(p);
    s->tx_packets = of_get64(p + 8);
    s->rx_bytes = of_get64(p + 16);
    s->tx_bytes = of_get64(p + 24);
    s->rx_dropped = of_get64(p + 32);
    s->tx_dropped = of_get64(p + 40);
    s->rx_errors = of_get64(p + 48);
    s->tx_errors = of_get64(p + 56);
    if (all) {
        s->rx_frame_err = of_get64(p + 64);
        s->rx_over_err = of_get64(p + 72);
        s->rx_crc_err = of_get64(p + 80);
        s->collisions = of_get64(p + 88);
    }
}

void
of_port_stats_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                           const struct of_port_stats_list *list)
{
    of_msg_start(b, OF_T_PORT_STATS_REPLY, version, xid);
    for (size_t i = 0; i < list->n; i++) {
        const struct of_port_stats *s = &list->stats[i];

        if (version == OF_V10) {
            of_buf_put16(b, s->port_no);
            buf_put_zeros(b, 6);
            put_counters(b, s, true);
        } else if (version <= OF_V13) {
            of_buf_put32(b, of_port_to_ofp11(s->port_no));
            of_buf_put32(b, 0);
            put_counters(b, s, true);
            of_buf_put32(b, s->duration_sec);
            of_buf_put32(b, s->duration_nsec);
        } else {
            size_t start = b->len, prop;

            of_buf_put16(b, 0); /* Length, set below. */
            of_buf_put16(b, 0);
            of_buf_put32(b, of_port_to_ofp11(s->port_no));
            of_buf_put32(b, s->duration_sec);
            of_buf_put32(b, s->duration_nsec);
            put_counters(b, s, false);
            prop = of_prop_start(b, PORT_STATS14_PROP_ETHERNET);
            of_buf_put32(b, 0);
            of_buf_put64(b, s->rx_frame_err);
            of_buf_put64(b, s->rx_over_err);
            of_buf_put64(b, s->rx_crc_err);
            of_buf_put64(b, s->collisions);
            of_prop_end(b, prop);
            of_put16(b->data + start, (uint16_t) (b->len - start));
        }
    }
    of_msg_finish(b);
}

static enum of_err
pull_port_stats14(struct of_cursor *c, struct of_port_stats *s)
{
    const uint8_t *p = of_cursor_peek(c, PORT_STATS14_LEN);
    struct of_cursor props;
    enum of_err err;
    size_t len;

    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    len = of_get16(p);
    if (len < PORT_STATS14_LEN || len > c->left) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    of_cursor_pull(c, len);
    err = pull_port11(p + 4, &s->port_no);
    if (err) {
        return err;
    }
    s->duration_sec = of_get32(p + 8);
    s->duration_nsec = of_get32(p + 12);
    get_counters(p + 16, s, false);
    /* Without an ethernet property these counters are unknown. */
    s->rx_frame_err = s->rx_over_err = s->rx_crc_err = s->collisions =
        UINT64_MAX;

    of_cursor_init(&props, p + PORT_STATS14_LEN, len - PORT_STATS14_LEN);
    while (props.left) {
        struct of_cursor body;
        uint16_t type;

        err = of_prop_pull(&props, &type, &body);
        if (err) {
            return err;
        }
        if (type == PORT_STATS14_PROP_ETHERNET) {
            if (body.left != PORT_STATS14_ETH_PROP_LEN - 4) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            s->rx_frame_err = of_get64(body.p + 4);
            s->rx_over_err = of_get64(body.p + 12);
            s->rx_crc_err = of_get64(body.p + 20);
            s->collisions = of_get64(body.p + 28);
        }
        /* Optical and experimenter statistics are not modelled. */
    }
    return 0;
}

enum of_err
of_port_stats_reply_decode(const struct of_msg *msg,
                           struct of_port_stats_list *list)
{
    size_t fixed = (msg->version == OF_V10   ? PORT_STATS10_LEN
                    : msg->version <= OF_V13 ? PORT_STATS13_LEN
                                             : 0);
    struct of_cursor c;
    size_t cap = 0;

    list->stats = NULL;
    list->n = 0;
    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        struct of_port_stats *s;
        enum of_err err = 0;
        const uint8_t *p;

        list->stats =
            of_array_grow(list->stats, list->n, &cap, sizeof *list->stats);
        s = &list->stats[list->n];
        memset(s, 0, sizeof *s);
        if (!fixed) {
            err = pull_port_stats14(&c, s);
        } else if (!(p = of_cursor_pull(&c, fixed))) {
            err = OF_ERR_OFPBRC_BAD_LEN;
        } else if (msg->version == OF_V10) {
            s->port_no = of_get16(p);
            get_counters(p + 8, s, true);
            s->duration_sec = UINT32_MAX;
        } else {
            err = pull_port11(p, &s->port_no);
            get_counters(p + 8, s, true);
            s->duration_sec = of_get32(p + 104);
            s->duration_nsec = of_get32(p + 108);
        }
        if (err) {
            return err;
        }
        list->n++;
    }
    return 0;
}

/* Appends a duration as ovs-ofctl does: milliseconds when the
 * nanoseconds are a whole number of them, else all nine digits. */
static void
format_duration(struct buf *b, uint32_t sec, uint32_t nsec)
{
    if (nsec % 1000000 == 0) {
        buf_printf(b, "%" PRIu32 ".%03" PRIu32 "s", sec, nsec / 1000000);
    } else {
        buf_printf(b, "%" PRIu32 ".%09" PRIu32 "s", sec, nsec);
    }
}

/* Appends "NAME=VALUE" with "?" for an unavailable counter, and SEP. */
static void
format_counter(struct buf *b, const char *name, uint64_t v, const char *sep)
{
    if (v == UINT64_MAX) {
        buf_printf(b, "%s=?%s", name, sep);
    } else {
        buf_printf(b, "%s=%" PRIu64 "%s", name, v, sep);
    }
}

void
of_port_stats_reply_format(struct buf *b,
                           const struct of_port_stats_list *list)
{
    buf_printf(b, " %zu ports\n", list->n);
    for (size_t i = 0; i < list->n; i++) {
        const struct of_port_stats *s = &list->stats[i];

        /* ovs-ofctl right-aligns one-digit port numbers. */
        buf_put_cstr(b, s->port_no < 10 ? "  port  " : "  port ");
        of_port_format(b, s->port_no);
        buf_put_cstr(b, ": rx ");
        format_counter(b, "pkts", s->rx_packets, ", ");
        format_counter(b, "bytes", s->rx_bytes, ", ");
        format_counter(b, "drop", s->rx_dropped, ", ");
        format_counter(b, "errs", s->rx_errors, ", ");
        format_counter(b, "frame", s->rx_frame_err, ", ");
        format_counter(b, "over", s->rx_over_err, ", ");
        format_counter(b, "crc", s->rx_crc_err, "\n");
        buf_put_cstr(b, "           tx ");
        format_counter(b, "pkts", s->tx_packets, ", ");
        format_counter(b, "bytes", s->tx_bytes, ", ");
        format_counter(b, "drop", s->tx_dropped, ", ");
        format_counter(b, "errs", s->tx_errors, ", ");
        format_counter(b, "coll", s->collisions, "\n");
        if (s->duration_sec != UINT32_MAX) {
            buf_put_cstr(b, "           duration=");
            format_duration(b, s->duration_sec, s->duration_nsec);
            buf_put_char(b, '\n');
        }
    }
}

/* ---------------------------------------------------------------------
 * Queue statistics.
 * --------------------------------------------------------------------- */

void
of_queue_stats_request_encode(struct buf *b, uint8_t version, uint32_t xid,
                              uint16_t port_no, uint32_t queue_id)
{
    of_msg_start(b, OF_T_QUEUE_STATS_REQUEST, version, xid);
    if (version == OF_V10) {
        /* OpenFlow 1.0 spells "every port" OFPP_ALL here. */
        of_buf_put16(b, port_no == OF_PORT_NONE ? OF_PORT_ALL : port_no);
        of_buf_put16(b, 0);
    } else {
        of_buf_put32(b, of_port_to_ofp11(port_no));
    }
    of_buf_put32(b, queue_id);
    of_msg_finish(b);
}

enum of_err
of_queue_stats_request_decode(const struct of_msg *msg, uint16_t *port_no,
                              uint32_t *queue_id)
{
    if (msg->body_len != 8) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    *queue_id = of_get32(msg->body + 4);
    if (msg->version == OF_V10) {
        *port_no = of_get16(msg->body);
        if (*port_no == OF_PORT_ALL) {
            *port_no = OF_PORT_NONE;
        }
        return 0;
    }
    return pull_port11(msg->body, port_no);
}

static void
format_queue_id(struct buf *b, uint32_t queue_id)
{
    if (queue_id == OF_QUEUE_ALL) {
        buf_put_cstr(b, "ALL");
    } else {
        buf_printf(b, "%" PRIu32, queue_id);
    }
}

void
of_queue_stats_request_format(struct buf *b, uint16_t port_no,
                              uint32_t queue_id)
{
    buf_put_cstr(b, " port=");
    of_port_format(b, port_no);
    buf_put_cstr(b, " queue=");
    format_queue_id(b, queue_id);
}

void
of_queue_stats_list_destroy(struct of_queue_stats_list *list)
{
    free(list->stats);
    list->stats = NULL;
    list->n = 0;
}

void
of_queue_stats_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                            const struct of_queue_stats_list *list)
{
    of_msg_start(b, OF_T_QUEUE_STATS_REPLY, version, xid);
    for (size_t i = 0; i < list->n; i++) {
        const struct of_queue_stats *s = &list->stats[i];

        if (version == OF_V10) {
            of_buf_put16(b, s->port_no);
            of_buf_put16(b, 0);
        } else {
            if (version >= OF_V14) {
                of_buf_put16(b, QUEUE_STATS14_LEN);
                buf_put_zeros(b, 6);
            }
            of_buf_put32(b, of_port_to_ofp11(s->port_no));
        }
        of_buf_put32(b, s->queue_id);
        of_buf_put64(b, s->tx_bytes);
        of_buf_put64(b, s->tx_packets);
        of_buf_put64(b, s->tx_errors);
        if (version != OF_V10) {
            of_buf_put32(b, s->duration_sec);
            of_buf_put32(b, s->duration_nsec);
        }
    }
    of_msg_finish(b);
}

enum of_err
of_queue_stats_reply_decode(const struct of_msg *msg,
                            struct of_queue_stats_list *list)
{
    uint8_t v = msg->version;
    struct of_cursor c;
    size_t cap = 0;

    list->stats = NULL;
    list->n = 0;
    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        struct of_queue_stats *s;
        enum of_err err = 0;
        const uint8_t *p;
        size_t len = (v == OF_V10   ? QUEUE_STATS10_LEN
                      : v <= OF_V13 ? QUEUE_STATS13_LEN
                                    : QUEUE_STATS14_LEN);

        if (v >= OF_V14) {
            /* OpenFlow 1.4 entries carry their length; properties, of
             * which the spec defines none, follow the fixed part. */
            p = of_cursor_peek(&c, 2);
            if (!p || of_get16(p) < QUEUE_STATS14_LEN
                || of_get16(p) > c.left) {
                return OF_ERR_OFPBRC_BAD_LEN;
            }
            len = of_get16(p);
        }
        p = of_cursor_pull(&c, len);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        list->stats =
            of_array_grow(list->stats, list->n, &cap, sizeof *list->stats);
        s = &list->stats[list->n];
        memset(s, 0, sizeof *s);
        if (v == OF_V10) {
            s->port_no = of_get16(p);
            s->duration_sec = UINT32_MAX;
        } else {
            if (v >= OF_V14) {
                p += 8;
            }
            err = pull_port11(p, &s->port_no);
            s->duration_sec = of_get32(p + 32);
            s->duration_nsec = of_get32(p + 36);
        }
        s->queue_id = of_get32(p + 4);
        s->tx_bytes = of_get64(p + 8);
        s->tx_packets = of_get64(p + 16);
        s->tx_errors = of_get64(p + 24);
        if (err) {
            return err;
        }
        list->n++;
    }
    return 0;
}

void
of_queue_stats_reply_format(struct buf *b,
                            const struct of_queue_stats_list *list)
{
    buf_printf(b, " %zu queues\n", list->n);
    for (size_t i = 0; i < list->n; i++) {
        const struct of_queue_stats *s = &list->stats[i];

        buf_put_cstr(b, "  port ");
        of_port_format(b, s->port_no);
        buf_put_cstr(b, " queue ");
        format_queue_id(b, s->queue_id);
        buf_put_cstr(b, ": ");
        format_counter(b, "bytes", s->tx_bytes, ", ");
        format_counter(b, "pkts", s->tx_packets, ", ");
        format_counter(b, "errors", s->tx_errors, ", ");
        if (s->duration_sec == UINT32_MAX) {
            buf_put_cstr(b, "duration=?\n");
        } else {
            buf_put_cstr(b, "duration=");
            format_duration(b, s->duration_sec, s->duration_nsec);
            buf_put_char(b, '\n');
        }
    }
}

/* ---------------------------------------------------------------------
 * Queue get-config.
 * --------------------------------------------------------------------- */

void
of_queue_get_config_request_encode(struct buf *b, uint8_t version,
                                   uint32_t xid, uint16_t port_no)
{
    of_msg_start(b, OF_T_QUEUE_GET_CONFIG_REQUEST, version, xid);
    if (version == OF_V10) {
        of_buf_put16(b, port_no);
        of_buf_put16(b, 0);
    } else {
        of_buf_put32(b, of_port_to_ofp11(port_no));
        of_buf_put32(b, 0);
    }
    of_msg_finish(b);
}

enum of_err
of_queue_get_config_request_decode(const struct of_msg *msg, uint16_t *port_no)
{
    if (msg->version == OF_V10) {
        if (msg->body_len != 4) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        *port_no = of_get16(msg->body);
        return 0;
    }
    return pull_port_and_pad(msg, port_no);
}

void
of_queue_get_config_request_format(struct buf *b, uint16_t port_no)
{
    buf_put_cstr(b, " port=");
    of_port_format(b, port_no);
}

void
of_queue_config_reply_destroy(struct of_queue_config_reply *r)
{
    free(r->queues);
    r->queues = NULL;
    r->n = 0;
}

static void
put_queue_rate(struct buf *b, uint16_t type, uint16_t rate)
{
    if (rate != QUEUE_RATE_ABSENT) {
        of_buf_put16(b, type);
        of_buf_put16(b, 16);
        of_buf_put32(b, 0);
        of_buf_put16(b, rate);
        buf_put_zeros(b, 6);
    }
}

void
of_queue_get_config_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                                 const struct of_queue_config_reply *r)
{
    of_msg_start(b, OF_T_QUEUE_GET_CONFIG_REPLY, version, xid);
    if (version == OF_V10) {
        of_buf_put16(b, r->port_no);
        buf_put_zeros(b, 6);
    } else {
        of_buf_put32(b, of_port_to_ofp11(r->port_no));
        of_buf_put32(b, 0);
    }
    for (size_t i = 0; i < r->n; i++) {
        const struct of_queue_config *q = &r->queues[i];
        size_t start = b->len, len_ofs;

        of_buf_put32(b, q->queue_id);
        if (version == OF_V10) {
            len_ofs = b->len;
            of_buf_put16(b, 0);
            of_buf_put16(b, 0);
        } else {
            of_buf_put32(b, of_port_to_ofp11(q->port_no));
            len_ofs = b->len;
            of_buf_put16(b, 0);
            buf_put_zeros(b, 6);
        }
        put_queue_rate(b, QUEUE_PROP_MIN_RATE, q->min_rate);
        if (version != OF_V10) {
            put_queue_rate(b, QUEUE_PROP_MAX_RATE, q->max_rate);
        }
        of_put16(b->data + len_ofs, (uint16_t) (b->len - start));
    }
    of_msg_finish(b);
}

static enum of_err
pull_queue_props(struct of_cursor *props, struct of_queue_config *q)
{
    while (props->left) {
        const uint8_t *h = of_cursor_peek(props, 8);
        uint16_t type, len;

        if (!h) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        type = of_get16(h);
        len = of_get16(h + 2);
        if (len < 8 || len % 8 || len > props->left) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        if (type == QUEUE_PROP_MIN_RATE || type == QUEUE_PROP_MAX_RATE) {
            if (len != 16) {
                return OF_ERR_OFPBRC_BAD_LEN;
            }
            if (type == QUEUE_PROP_MIN_RATE) {
                q->min_rate = of_get16(h + 8);
            } else {
                q->max_rate = of_get16(h + 8);
            }
        }
        /* Other properties (experimenter ones) are skipped. */
        of_cursor_pull(props, len);
    }
    return 0;
}

enum of_err
of_queue_get_config_reply_decode(const struct of_msg *msg,
                                 struct of_queue_config_reply *r)
{
    bool v10 = msg->version == OF_V10;
    size_t qhdr = v10 ? 8 : 16;
    struct of_cursor c;
    const uint8_t *p;
    enum of_err err;
    size_t cap = 0;

    r->queues = NULL;
    r->n = 0;
    of_cursor_init(&c, msg->body, msg->body_len);
    p = of_cursor_pull(&c, 8);
    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    if (v10) {
        r->port_no = of_get16(p);
    } else {
        err = pull_port11(p, &r->port_no);
        if (err) {
            return err;
        }
    }
    while (c.left) {
        struct of_queue_config *q;
        struct of_cursor props;
        size_t len;

        p = of_cursor_peek(&c, qhdr);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        len = of_get16(p + (v10 ? 4 : 8));
        if (len < qhdr || len > c.left) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        of_cursor_pull(&c, len);
        r->queues = of_array_grow(r->queues, r->n, &cap, sizeof *r->queues);
        q = &r->queues[r->n];
        q->queue_id = of_get32(p);
        q->port_no = r->port_no;
        q->min_rate = q->max_rate = QUEUE_RATE_ABSENT;
        if (!v10) {
            err = pull_port11(p + 4, &q->port_no);
            if (err) {
                return err;
            }
        }
        of_cursor_init(&props, p + qhdr, len - qhdr);
        err = pull_queue_props(&props, q);
        if (err) {
            return err;
        }
        r->n++;
    }
    return 0;
}

static void
format_queue_rate(struct buf *b, const char *name, uint16_t rate)
{
    if (rate <= 1000) {
        buf_printf(b, " %s:%u.%u%%", name, rate / 10, rate % 10);
    } else if (rate < QUEUE_RATE_ABSENT) {
        buf_printf(b, " %s:(disabled)", name);
    }
}

void
of_queue_get_config_reply_format(struct buf *b,
                                 const struct of_queue_config_reply *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct of_queue_config *q = &r->queues[i];

        /* ovs-ofctl names the port before the first queue and again
         * whenever it changes. */
        if (!i || q->port_no != r->queues[i - 1].port_no) {
            buf_put_cstr(b, " port=");
            of_port_format(b, q->port_no);
            buf_put_char(b, '\n');
        }
        buf_printf(b, "queue %" PRIu32 ":", q->queue_id);
        format_queue_rate(b, "min_rate", q->min_rate);
        format_queue_rate(b, "max_rate", q->max_rate);
        buf_put_char(b, '\n');
    }
}

/* ---------------------------------------------------------------------
 * Printing.
 * --------------------------------------------------------------------- */

enum of_err
of_port_msg_format(struct buf *b, const struct of_msg *msg)
{
    enum of_err err;

    switch (msg->type) {
    case OF_T_PORT_DESC_REQUEST: {
        uint16_t port;
        err = of_port_desc_request_decode(msg, &port);
        if (!err) {
            of_port_desc_request_format(b, port);
        }
        return err;
    }
    case OF_T_PORT_DESC_REPLY: {
        struct of_ports ports;
        err = of_port_desc_reply_decode(msg, &ports);
        if (!err) {
            of_port_desc_reply_format(b, &ports);
        }
        of_ports_destroy(&ports);
        return err;
    }
    case OF_T_PORT_STATUS: {
        struct of_port_status ps;
        err = of_port_status_decode(msg, &ps);
        if (!err) {
            of_port_status_format(b, &ps);
        }
        return err;
    }
    case OF_T_PORT_MOD: {
        struct of_port_mod pm;
        err = of_port_mod_decode(msg, &pm);
        if (!err) {
            of_port_mod_format(b, &pm);
        }
        return err;
    }
    case OF_T_PORT_STATS_REQUEST: {
        uint16_t port;
        err = of_port_stats_request_decode(msg, &port);
        if (!err) {
            of_port_stats_request_format(b, port);
        }
        return err;
    }
    case OF_T_PORT_STATS_REPLY: {
        struct of_port_stats_list list;
        err = of_port_stats_reply_decode(msg, &list);
        if (!err) {
            of_port_stats_reply_format(b, &list);
        }
        of_port_stats_list_destroy(&list);
        return err;
    }
    case OF_T_QUEUE_STATS_REQUEST: {
        uint16_t port;
        uint32_t queue;
        err = of_queue_stats_request_decode(msg, &port, &queue);
        if (!err) {
            of_queue_stats_request_format(b, port, queue);
        }
        return err;
    }
    case OF_T_QUEUE_STATS_REPLY: {
        struct of_queue_stats_list list;
        err = of_queue_stats_reply_decode(msg, &list);
        if (!err) {
            of_queue_stats_reply_format(b, &list);
        }
        of_queue_stats_list_destroy(&list);
        return err;
    }
    case OF_T_QUEUE_GET_CONFIG_REQUEST: {
        uint16_t port;
        err = of_queue_get_config_request_decode(msg, &port);
        if (!err) {
            of_queue_get_config_request_format(b, port);
        }
        return err;
    }
    case OF_T_QUEUE_GET_CONFIG_REPLY: {
        struct of_queue_config_reply r;
        err = of_queue_get_config_reply_decode(msg, &r);
        if (!err) {
            of_queue_get_config_reply_format(b, &r);
        }
        of_queue_config_reply_destroy(&r);
        return err;
    }
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}
