/* connmgr-handlers.c: what each OpenFlow message received by a bridge
 * does.  One row of 'handlers' per message type gives its handler and
 * whether it changes the switch (refused to secondary controllers with
 * OFPBRC_IS_SECONDARY, as OpenFlow requires); a type without a row is
 * answered with OFPBRC_BAD_TYPE.  Handlers return 0 or the error to send;
 * a bad message never closes the connection.
 *
 * Multipart replies longer than one message are split (OFPMPF_REPLY_MORE)
 * by send_chunked(), which measures every item alone first so that no
 * message exceeds the 64 kB limit, and by the flow-stats loop, which
 * backs out of an entry that does not fit. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/ofp-bundle.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-monitor.h"
#include "ofctl/ofp-packet.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "ofctl/vconn.h"
#include "vswitchd/connmgr-private.h"
#include "vswitchd/ofproto-private.h"
#include "vswitchd/ofproto-tlv.h"

VLOG_DEFINE_THIS_MODULE(connmgr_handlers);

COVERAGE_DEFINE(connmgr_error_reply);
COVERAGE_DEFINE(connmgr_flow_mod);
COVERAGE_DEFINE(connmgr_packet_out);
COVERAGE_DEFINE(connmgr_bundle_commit);
COVERAGE_DEFINE(connmgr_bundle_fail);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(30, 10);

/* The bundles a connection may have open at once. */
#define MAX_BUNDLES 16
/* Messages one bundle may hold. */
#define MAX_BUNDLE_MSGS 100000
/* The miss_send_len of a controller that has not set one
 * (OFP_DEFAULT_MISS_SEND_LEN). */
#define DEFAULT_MISS_SEND_LEN 128

typedef enum of_err handler_fn(struct ofconn *, const struct of_msg *);

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

static struct ofproto *
ofp(const struct ofconn *c)
{
    return c->mgr->ofproto;
}

/* Logs ERRP (the switch's explanation of an error it returns) and frees
 * it. */
static void
log_refusal(const struct ofconn *c, const struct of_msg *m, enum of_err err,
            char *errp)
{
    if (errp) {
        VLOG_INFO_RL(&rl, "%s: %s refused (%s): %s", c->name,
                     of_type_name(m->type), of_err_name(err), errp);
        free(errp);
    }
}

static void
send_and_free(struct ofconn *c, struct buf *b)
{
    ofconn_send(c, b);
    buf_destroy(b);
}

enum of_err
ofconn_send_chunked(struct ofconn *c, const struct of_msg *req,
                    const void *items, size_t n_items, ofconn_chunk_fn *encode)
{
    struct buf b = BUF_INITIALIZER;
    size_t *sizes = xcalloc(n_items ? n_items : 1, sizeof *sizes);
    size_t hdr_len;
    enum of_err err;

    /* The size of the empty reply and of each item in it. */
    err = encode(items, 0, 0, c->version, req->xid, &b);
    hdr_len = b.len;
    for (size_t i = 0; !err && i < n_items; i++) {
        err = encode(items, i, 1, c->version, req->xid, &b);
        sizes[i] = b.len - hdr_len;
    }
    for (size_t first = 0; !err && (first < n_items || !first);) {
        size_t n = 0, len = hdr_len;

        while (first + n < n_items
               && (len + sizes[first + n] <= OF_MSG_MAX || !n)) {
            len += sizes[first + n++];
        }
        err = encode(items, first, n, c->version, req->xid, &b);
        if (err) {
            break;
        }
        first += n;
        if (first < n_items) {
            of_msg_set_mp_flags(&b, OF_MP_MORE);
        }
        ofconn_send(c, &b);
        if (first >= n_items) {
            break;
        }
    }
    free(sizes);
    buf_destroy(&b);
    return err;
}

/* ---------------------------------------------------------------------
 * Session.
 * --------------------------------------------------------------------- */

void
ofconn_session_init(struct ofconn *c)
{
    /* Open vSwitch 3.1's defaults (ofputil_async_cfg_default()), the same
     * for controllers and service connections: a primary or equal
     * controller gets packet-ins and flow-removed messages, every role
     * gets port status, and nobody gets role status, table status
     * (vacancy events) or forwarded requests until it asks with a
     * set-async.  Invalid-TTL packet-ins are off too: an OpenFlow 1.0
     * controller turns them on with set-config's
     * OFPC_INVALID_TTL_TO_CONTROLLER.  (Role status is sent whatever the
     * configuration says: see send_role_status().)  Only the version
     * changes what is on, by the reasons it defines. */
    uint32_t pin = (1u << OF_PIN_NO_MATCH) | (1u << OF_PIN_ACTION);
    uint32_t rem = (1u << OF_RR_IDLE_TIMEOUT) | (1u << OF_RR_HARD_TIMEOUT)
                   | (1u << OF_RR_DELETE);

    if (c->version >= OF_V13) {
        rem |= 1u << OF_RR_GROUP_DELETE;
    }
    if (c->version >= OF_V14) {
        pin |= (1u << OF_PIN_ACTION_SET) | (1u << OF_PIN_GROUP)
               | (1u << OF_PIN_PACKET_OUT);
        rem |= (1u << OF_RR_METER_DELETE) | (1u << OF_RR_EVICTION);
    }
    memset(&c->async, 0, sizeof c->async);
    c->async.primary[OF_ASYNC_PACKET_IN] = pin;
    c->async.primary[OF_ASYNC_FLOW_REMOVED] = rem;
    c->async.primary[OF_ASYNC_PORT_STATUS] = 0x7;
    c->async.secondary[OF_ASYNC_PORT_STATUS] = 0x7;
    c->role = OF_ROLE_EQUAL;
    /* Controllers get 128 bytes of missed packets by default; service
     * connections nothing until they ask. */
    c->miss_send_len = c->service ? 0 : DEFAULT_MISS_SEND_LEN;
    c->pin_format = OF_NX_PIF_STANDARD;
}

static void
bundle_free(struct ofbundle *bd)
{
    for (size_t i = 0; i < bd->n_msgs; i++) {
        buf_destroy(&bd->msgs[i]);
        ofproto_rule_free(bd->rules[i]);
    }
    free(bd->msgs);
    free(bd->rules);
    free(bd->types);
    free(bd);
}

void
ofconn_session_free(struct ofconn *c)
{
    struct ofbundle *bd, *next;

    DLIST_FOR_EACH_SAFE (bd, next, node, &c->bundles) {
        dlist_remove(&bd->node);
        bundle_free(bd);
    }
    free(c->monitors);
    c->monitors = NULL;
    c->n_monitors = 0;
}

/* ---------------------------------------------------------------------
 * Simple requests.
 * --------------------------------------------------------------------- */

static enum of_err
h_ignore(struct ofconn *c, const struct of_msg *m)
{
    return 0;
}

static enum of_err
h_error(struct ofconn *c, const struct of_msg *m)
{
    struct buf b = BUF_INITIALIZER;

    of_vconn_format_error(m, &b);
    VLOG_INFO_RL(&rl, "%s: received %s", c->name, buf_cstr(&b));
    buf_destroy(&b);
    return 0;
}

static enum of_err
h_echo_request(struct ofconn *c, const struct of_msg *m)
{
    struct buf b = BUF_INITIALIZER;

    of_echo_reply_for(&b, m);
    send_and_free(c, &b);
    return 0;
}

static enum of_err
h_barrier(struct ofconn *c, const struct of_msg *m)
{
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    /* Every request is finished by the time the next one is read. */
    of_switch_empty_encode(&b, OF_T_BARRIER_REPLY, c->version, m->xid);
    send_and_free(c, &b);
    return 0;
}

static void
collect_port(const struct ofproto_port *pp, void *ports_)
{
    struct of_ports *ports = ports_;

    ofproto_port_to_of(pp, &ports->ports[ports->n++]);
}

void
ofconn_get_ports(const struct ofproto *p, struct of_ports *ports)
{
    ports->ports = xcalloc(p->n_ports ? p->n_ports : 1, sizeof *ports->ports);
    ports->n = 0;
    ofproto_port_for_each(p, collect_port, ports);
}

static enum of_err
h_features(struct ofconn *c, const struct of_msg *m)
{
    struct of_features f = {
        .datapath_id = ofp(c)->dpid,
        .n_buffers = 0,
        .n_tables = OFPROTO_N_VISIBLE_TABLES,
        .capabilities =
            (OF_CAP_FLOW_STATS | OF_CAP_TABLE_STATS | OF_CAP_PORT_STATS
             | OF_CAP_QUEUE_STATS | OF_CAP_GROUP_STATS | OF_CAP_BUNDLES
             | OF_CAP_ARP_MATCH_IP),
        .actions = OF_ACT10_ALL,
    };
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    if (c->version == OF_V10) {
        ofconn_get_ports(ofp(c), &f.ports);
    }
    of_features_reply_encode(&b, c->version, m->xid, &f);
    of_features_destroy(&f);
    send_and_free(c, &b);
    return 0;
}

/* Invalid-TTL packet-ins are a packet-in reason of the asynchronous
 * configuration, for a primary or equal controller, which OpenFlow 1.0's
 * switch configuration flag OFPC_INVALID_TTL_TO_CONTROLLER (the only
 * version where nicflow accepts it) reads and writes, as in Open
 * vSwitch. */
static const uint32_t invalid_ttl_bit = 1u << OF_PIN_INVALID_TTL;

static enum of_err
h_get_config(struct ofconn *c, const struct of_msg *m)
{
    struct of_switch_config sc = {
        .flags = (uint16_t) ofp(c)->frag_handling,
        .miss_send_len = c->miss_send_len,
    };
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    if (c->version == OF_V10
        && (c->async.primary[OF_ASYNC_PACKET_IN] & invalid_ttl_bit)) {
        sc.flags |= OF_CONFIG_INVALID_TTL_TO_CONTROLLER;
    }
    of_switch_config_encode(&b, OF_T_GET_CONFIG_REPLY, c->version, m->xid,
                            &sc);
    send_and_free(c, &b);
    return 0;
}

static enum of_err
h_set_config(struct ofconn *c, const struct of_msg *m)
{
    struct of_switch_config sc;
    enum of_err err = of_switch_config_decode(m, &sc);
    uint16_t frag;

    if (err) {
        return err;
    }
    frag = sc.flags & OF_CONFIG_FRAG_MASK;
    /* Fragment handling is the switch's; a secondary may not change it,
     * and reassembly is not offered (Open vSwitch ignores it too). */
    if (c->role != OF_ROLE_SECONDARY && frag != OF_CONFIG_FRAG_REASM
        && frag != ofp(c)->frag_handling) {
        ofp(c)->frag_handling = frag;
        ofp(c)->generation++;
    } else if (frag == OF_CONFIG_FRAG_REASM) {
        VLOG_INFO_RL(&rl, "%s: fragment reassembly is not supported", c->name);
    }
    if (c->version == OF_V10) {
        if (sc.flags & OF_CONFIG_INVALID_TTL_TO_CONTROLLER) {
            c->async.primary[OF_ASYNC_PACKET_IN] |= invalid_ttl_bit;
        } else {
            c->async.primary[OF_ASYNC_PACKET_IN] &= ~invalid_ttl_bit;
        }
    }
    c->miss_send_len = sc.miss_send_len;
    return 0;
}

static enum of_err
h_desc(struct ofconn *c, const struct of_msg *m)
{
    struct of_desc d;
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    memset(&d, 0, sizeof d);
    snprintf(d.mfr_desc, sizeof d.mfr_desc, "nicflow");
    snprintf(d.hw_desc, sizeof d.hw_desc, "nicflow");
    snprintf(d.sw_desc, sizeof d.sw_desc, "%s", nf_version());
    snprintf(d.serial_num, sizeof d.serial_num, "None");
    snprintf(d.dp_desc, sizeof d.dp_desc, "None");
    of_desc_reply_encode(&b, c->version, m->xid, &d);
    send_and_free(c, &b);
    return 0;
}

/* ---------------------------------------------------------------------
 * Roles and asynchronous configuration.
 * --------------------------------------------------------------------- */

/* Tells C, an OpenFlow 1.4+ connection, that its role changed for REASON.
 * Open vSwitch 3.1 sends this to every connection a new primary demotes,
 * service connections included, whatever their asynchronous
 * configuration says about role status (its default has it off), so
 * this does not ask ofconn_wants_async().  (Open vSwitch also tells
 * OpenFlow 1.3 connections, with the ONF extension nicflow does not
 * implement.) */
static void
send_role_status(struct ofconn *c, enum of_role_reason reason)
{
    struct of_role_status rs = {
        .role = c->role,
        .reason = (uint8_t) reason,
        .generation_id = (c->mgr->have_generation_id ? c->mgr->generation_id
                                                     : OF_GENERATION_NONE),
    };
    struct buf b = BUF_INITIALIZER;

    if (c->dead || c->state != OFCONN_ACTIVE || c->version < OF_V14) {
        return;
    }
    of_role_status_encode(&b, c->version, 0, &rs);
    send_and_free(c, &b);
}

static enum of_err
h_role(struct ofconn *c, const struct of_msg *m)
{
    struct connmgr *mgr = c->mgr;
    struct of_role_msg rm, reply;
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_role_decode(m, &rm);

    if (err) {
        return err;
    }
    if (rm.role != OF_ROLE_NOCHANGE) {
        if (rm.role != OF_ROLE_EQUAL
            && rm.generation_id != OF_GENERATION_NONE) {
            /* Generation ids compare as the spec says: by the sign of
             * the 64-bit difference, so they may wrap. */
            if (mgr->have_generation_id
                && (int64_t) (rm.generation_id - mgr->generation_id) < 0) {
                return OF_ERR_OFPRRFC_STALE;
            }
            mgr->have_generation_id = true;
            mgr->generation_id = rm.generation_id;
        }
        if (rm.role == OF_ROLE_PRIMARY) {
            struct ofconn *o;

            DLIST_FOR_EACH (o, node, &mgr->conns) {
                if (o != c && o->role == OF_ROLE_PRIMARY) {
                    o->role = OF_ROLE_SECONDARY;
                    send_role_status(o, OF_ROLE_REASON_PRIMARY_REQUEST);
                }
            }
        }
        /* Roles show in the Controller table (this one's, and those of
         * the primaries it demoted). */
        mgr->status_seqno++;
        c->role = rm.role;
    }
    reply.role = c->role;
    reply.generation_id =
        (mgr->have_generation_id && m->type == OF_T_ROLE_REQUEST
             ? mgr->generation_id
             : OF_GENERATION_NONE);
    of_role_encode(&b,
                   m->type == OF_T_ROLE_REQUEST ? OF_T_ROLE_REPLY
                                                : OF_T_NXT_ROLE_REPLY,
                   c->version, m->xid, &reply);
    send_and_free(c, &b);
    return 0;
}

static enum of_err
h_get_async(struct ofconn *c, const struct of_msg *m)
{
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    of_async_config_encode(&b, OF_T_GET_ASYNC_REPLY, c->version, m->xid,
                           &c->async);
    send_and_free(c, &b);
    return 0;
}

static enum of_err
h_set_async(struct ofconn *c, const struct of_msg *m)
{
    struct of_async_config ac;
    /* An OpenFlow 1.4+ set-async changes only the properties it carries;
     * the others keep the connection's current configuration. */
    enum of_err err = of_async_config_decode(m, &c->async, &ac);

    if (err) {
        return err;
    }
    c->async = ac;
    /* A service connection that asks for asynchronous messages gets them
     * from then on, as in Open vSwitch: without a miss_send_len it would
     * get none (ofconn_wants_async()). */
    if (c->service && !c->miss_send_len) {
        c->miss_send_len = DEFAULT_MISS_SEND_LEN;
    }
    return 0;
}

static enum of_err
h_nx_setting(struct ofconn *c, const struct of_msg *m)
{
    uint32_t value;
    enum of_err err = of_nx_setting_decode(m, &value);

    if (err) {
        return err;
    }
    switch (m->type) {
    case OF_T_NXT_SET_FLOW_FORMAT:
        c->nxm = value == OF_NX_FF_NXM;
        break;
    case OF_T_NXT_FLOW_MOD_TABLE_ID:
        c->table_id_ext = value != 0;
        break;
    case OF_T_NXT_SET_PACKET_IN_FORMAT:
        c->pin_format = value;
        break;
    case OF_T_NXT_SET_CONTROLLER_ID:
        c->controller_id = (uint16_t) value;
        break;
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Changes: flow, group, meter, port and table mods, packet-out.  Each
 * "apply" function runs inside the ofproto's transaction, so that bundles
 * can apply several and then commit or abort them together.
 * --------------------------------------------------------------------- */

static enum of_err
apply_flow_mod(struct ofconn *c, const struct of_msg *m, char **errp)
{
    struct of_flow_mod fm;
    enum of_err err = of_flow_mod_decode(m, c->table_id_ext, &fm);

    if (err) {
        return err;
    }
    COVERAGE_INC(connmgr_flow_mod);
    if (fm.flow.table_id == OFPROTO_HIDDEN_TABLE) {
        /* The bridge's own table, hidden from controllers. */
        *errp = xasprintf("table %d is reserved", OFPROTO_HIDDEN_TABLE);
        err = OF_ERR_OFPBRC_EPERM;
    } else if (fm.flow.table_id != OF_TABLE_ALL
               && fm.flow.table_id >= OFPROTO_N_VISIBLE_TABLES) {
        err = OF_ERR_OFPBRC_BAD_TABLE_ID;
    } else {
        /* Buffers are not kept (n_buffers is 0): a buffer id has nothing
         * to release and is ignored, as Open vSwitch does. */
        err = ofproto_flow_mod_in_txn(ofp(c), &fm.flow, fm.command,
                                      fm.new_cookie, errp);
    }
    of_flow_destroy(&fm.flow);
    return err;
}

static enum of_err
apply_group_mod(struct ofconn *c, const struct of_msg *m, char **errp)
{
    struct of_group g;
    enum of_err err = of_group_mod_decode(m, &g);

    if (!err) {
        err = ofproto_group_mod_in_txn(ofp(c), &g, errp);
    }
    of_group_destroy(&g);
    return err;
}

static enum of_err
apply_meter_mod(struct ofconn *c, const struct of_msg *m, char **errp)
{
    struct of_meter mm;
    enum of_err err = of_meter_mod_decode(m, &mm);

    if (err) {
        return err;
    }
    return (enum of_err) ofproto_meter_mod_in_txn(ofp(c), &mm, errp);
}

static enum of_err
apply_port_mod(struct ofconn *c, const struct of_msg *m, char **errp)
{
    struct of_port_mod pm;
    enum of_err err = of_port_mod_decode(m, &pm);

    if (err) {
        return err;
    }
    return (enum of_err) ofproto_port_mod_in_txn(ofp(c), &pm, errp);
}

typedef enum of_err apply_fn(struct ofconn *, const struct of_msg *,
                             char **errp);

/* Runs APPLY in a transaction of its own. */
static enum of_err
apply_now(struct ofconn *c, const struct of_msg *m, apply_fn *apply)
{
    struct ofproto *p = ofp(c);
    char *errp = NULL;
    enum of_err err;

    ofproto_txn_begin(p);
    err = apply(c, m, &errp);
    if (err) {
        ofproto_txn_abort(p);
        log_refusal(c, m, err, errp);
    } else {
        ofproto_txn_commit(p);
        free(errp);
    }
    return err;
}

static enum of_err
h_flow_mod(struct ofconn *c, const struct of_msg *m)
{
    return apply_now(c, m, apply_flow_mod);
}

static enum of_err
h_group_mod(struct ofconn *c, const struct of_msg *m)
{
    return apply_now(c, m, apply_group_mod);
}

static enum of_err
h_meter_mod(struct ofconn *c, const struct of_msg *m)
{
    return apply_now(c, m, apply_meter_mod);
}

static enum of_err
h_port_mod(struct ofconn *c, const struct of_msg *m)
{
    return apply_now(c, m, apply_port_mod);
}

static enum of_err
h_table_mod(struct ofconn *c, const struct of_msg *m)
{
    struct of_table_mod tm;
    enum of_err err = of_table_mod_decode(m, &tm);

    if (err) {
        return err;
    }
    if (tm.table_id != OF_TABLE_ALL
        && tm.table_id >= OFPROTO_N_VISIBLE_TABLES) {
        return OF_ERR_OFPTMFC_BAD_TABLE;
    }
    if (c->version < OF_V14) {
        /* Before 1.4 the bits meant table-miss behaviour, which Open
         * vSwitch ignores; eviction and vacancy events are 1.4 settings,
         * which such a table-mod leaves as they are. */
        return 0;
    }
    for (size_t i = 0; i < OFPROTO_N_VISIBLE_TABLES; i++) {
        if (tm.table_id == OF_TABLE_ALL || tm.table_id == i) {
            /* Turning eviction on evicts down to the table's limit. */
            ofp(c)->tables[i].config =
                tm.config & (OF_TC14_EVICTION | OF_TC14_VACANCY_EVENTS);
            ofproto_table_config_changed(ofp(c), (uint8_t) i);
            /* A 1.4 table-mod always says whether vacancy events are on;
             * without the vacancy property its thresholds are zero, which
             * Open vSwitch keeps as they come. */
            ofproto_table_set_vacancy(ofp(c), (uint8_t) i,
                                      tm.config & OF_TC14_VACANCY_EVENTS,
                                      tm.has_vacancy ? tm.vacancy_down : 0,
                                      tm.has_vacancy ? tm.vacancy_up : 0);
        }
    }
    return 0;
}

/* Maps a packet_out callback's errno to what the controller is told. */
static enum of_err
packet_out_error(int error)
{
    switch (error) {
    case ENODEV:
    case ENOENT:
        return OF_ERR_OFPBAC_BAD_OUT_PORT;
    case EINVAL:
        return OF_ERR_OFPBRC_BAD_PACKET;
    case EOPNOTSUPP:
        return OF_ERR_OFPBAC_BAD_TYPE;
    default:
        return OF_ERR_OFPBRC_UNKNOWN;
    }
}

/* Checks packet-out PO before it is run. */
static enum of_err
check_packet_out(struct ofconn *c, const struct of_packet_out *po)
{
    uint16_t in_port = of_match_get_in_port(&po->match);

    if (po->buffer_id != OF_BUFFER_NONE) {
        return OF_ERR_OFPBRC_BUFFER_UNKNOWN;
    }
    if (in_port >= OF_PORT_MAX && in_port != OF_PORT_LOCAL
        && in_port != OF_PORT_CONTROLLER && in_port != OF_PORT_NONE) {
        return OF_ERR_OFPBRC_BAD_PORT;
    }
    OF_ACT_FOR_EACH(a, po->acts.buf.data, po->acts.buf.len)
    {
        if (a->type == OF_ACT_GROUP
            && !ofproto_group_lookup(ofp(c),
                                     ((const struct of_act_u32 *) a)->value)) {
            return OF_ERR_OFPBAC_BAD_OUT_GROUP;
        }
        if (a->type == OF_ACT_GOTO_TABLE || a->type == OF_ACT_METER
            || a->type == OF_ACT_WRITE_METADATA) {
            return OF_ERR_OFPBIC_UNSUP_INST;
        }
    }
    return 0;
}

static enum of_err
run_packet_out(struct ofconn *c, const struct of_packet_out *po)
{
    struct ofproto *p = ofp(c);
    char *errp = NULL;
    int error;

    COVERAGE_INC(connmgr_packet_out);
    if (!p->ops || !p->ops->packet_out) {
        return 0;
    }
    error = p->ops->packet_out(p->aux, of_match_get_in_port(&po->match),
                               &po->acts, po->packet, po->packet_len, &errp);
    if (error) {
        VLOG_INFO_RL(&rl, "%s: packet-out failed: %s", c->name,
                     errp ? errp : nf_strerror(error));
        free(errp);
        return packet_out_error(error);
    }
    free(errp);
    return 0;
}

static enum of_err
h_packet_out(struct ofconn *c, const struct of_msg *m)
{
    struct of_packet_out po;
    enum of_err err = of_packet_out_decode(m, &po);

    if (!err) {
        err = check_packet_out(c, &po);
    }
    if (!err) {
        err = run_packet_out(c, &po);
    }
    of_packet_out_destroy(&po);
    return err;
}

/* ---------------------------------------------------------------------
 * Bundles.
 * --------------------------------------------------------------------- */

static struct ofbundle *
find_bundle(struct ofconn *c, uint32_t id)
{
    struct ofbundle *bd;

    DLIST_FOR_EACH (bd, node, &c->bundles) {
        if (bd->id == id) {
            return bd;
        }
    }
    return NULL;
}

static struct ofbundle *
open_bundle(struct ofconn *c, uint32_t id, uint16_t flags)
{
    struct ofbundle *bd = xzalloc(sizeof *bd);

    bd->id = id;
    bd->flags = flags;
    dlist_push_back(&c->bundles, &bd->node);
    return bd;
}

static void
send_bundle_reply(struct ofconn *c, const struct of_msg *m,
                  const struct of_bundle_ctrl *req,
                  enum of_bundle_ctrl_type type)
{
    struct of_bundle_ctrl reply = *req;
    struct buf b = BUF_INITIALIZER;

    reply.type = type;
    reply.props_len = 0;
    of_bundle_ctrl_encode(&reply, c->version, m->xid, &b);
    send_and_free(c, &b);
}

/* The apply function for a bundled message of TYPE, or NULL. */
static apply_fn *
bundle_apply_fn(enum of_type type)
{
    switch (type) {
    case OF_T_FLOW_MOD:
    case OF_T_NXT_FLOW_MOD:
        return apply_flow_mod;
    case OF_T_GROUP_MOD:
        return apply_group_mod;
    case OF_T_PORT_MOD:
        return apply_port_mod;
    case OF_T_METER_MOD:
        return apply_meter_mod;
    default:
        return NULL;
    }
}

/* Applies every message of BD atomically: all of them or, if one fails,
 * none (its error goes to the controller with that message's xid).
 * Packet-outs run only once everything else has been committed. */
static enum of_err
commit_bundle(struct ofconn *c, struct ofbundle *bd)
{
    struct ofproto *p = ofp(c);
    enum of_err err = 0;

    ofproto_txn_begin(p);
    /* Most messages of a big bundle are flow-mods of one change each. */
    ofproto_txn_reserve(p, bd->n_msgs);
    for (size_t i = 0; i < bd->n_msgs && !err; i++) {
        struct of_msg m;
        apply_fn *apply;
        char *errp = NULL;

        if (bd->rules[i]) {
            /* An add whose rule was made when it arrived: its message
             * was checked then, and is decoded again only to report a
             * failure. */
            COVERAGE_INC(connmgr_flow_mod);
            err = ofproto_flow_add_prepared_in_txn(p, bd->rules[i], &errp);
            if (!err) {
                bd->rules[i] = NULL; /* Its table's now. */
                continue;
            }
            if (of_msg_decode(bd->msgs[i].data, bd->msgs[i].len, &m)) {
                /* It decoded when it arrived; this cannot happen. */
                free(errp);
                ofconn_send_error(c, err, bd->msgs[i].data, bd->msgs[i].len);
                break;
            }
        } else {
            err = of_msg_decode(bd->msgs[i].data, bd->msgs[i].len, &m);
            if (err) {
                ofconn_send_error(c, err, bd->msgs[i].data, bd->msgs[i].len);
                break;
            }
            apply = bundle_apply_fn(m.type);
            if (!apply) {
                continue;
            }
            err = apply(c, &m, &errp);
        }
        if (err) {
            log_refusal(c, &m, err, errp);
            ofconn_send_error(c, err, m.data, m.len);
        } else {
            free(errp);
        }
    }
    if (err) {
        COVERAGE_INC(connmgr_bundle_fail);
        ofproto_txn_abort(p);
        return OF_ERR_OFPBFC_MSG_FAILED;
    }
    ofproto_txn_commit(p);
    COVERAGE_INC(connmgr_bundle_commit);
    for (size_t i = 0; i < bd->n_msgs; i++) {
        struct of_msg m;
        struct of_packet_out po;

        if (bd->types[i] != OF_T_PACKET_OUT
            || of_msg_decode(bd->msgs[i].data, bd->msgs[i].len, &m)
            || of_packet_out_decode(&m, &po)) {
            continue;
        }
        err = run_packet_out(c, &po);
        if (err) {
            ofconn_send_error(c, err, m.data, m.len);
        }
        of_packet_out_destroy(&po);
    }
    return 0;
}

static enum of_err
h_bundle_control(struct ofconn *c, const struct of_msg *m)
{
    struct of_bundle_ctrl bc;
    struct ofbundle *bd;
    enum of_err err = of_bundle_ctrl_decode(m, &bc);

    if (err) {
        return err;
    }
    bd = find_bundle(c, bc.bundle_id);
    switch (bc.type) {
    case OF_BCT_OPEN_REQUEST:
        if (bd) {
            return OF_ERR_OFPBFC_BAD_ID;
        }
        if (dlist_size(&c->bundles) >= MAX_BUNDLES) {
            return OF_ERR_OFPBFC_OUT_OF_BUNDLES;
        }
        open_bundle(c, bc.bundle_id, bc.flags);
        send_bundle_reply(c, m, &bc, OF_BCT_OPEN_REPLY);
        return 0;

    case OF_BCT_CLOSE_REQUEST:
        if (!bd) {
            return OF_ERR_OFPBFC_BAD_ID;
        }
        if (bd->closed) {
            return OF_ERR_OFPBFC_BUNDLE_CLOSED;
        }
        if (bd->flags != bc.flags) {
            return OF_ERR_OFPBFC_BAD_FLAGS;
        }
        bd->closed = true;
        send_bundle_reply(c, m, &bc, OF_BCT_CLOSE_REPLY);
        return 0;

    case OF_BCT_COMMIT_REQUEST:
        if (!bd) {
            return OF_ERR_OFPBFC_BAD_ID;
        }
        if (bd->flags != bc.flags) {
            err = OF_ERR_OFPBFC_BAD_FLAGS;
        } else {
            err = commit_bundle(c, bd);
        }
        /* The reply goes before the bundle's messages are freed: the
         * client waits for it, not for that. */
        if (!err) {
            send_bundle_reply(c, m, &bc, OF_BCT_COMMIT_REPLY);
        }
        /* A bundle is gone after a commit, whether it worked or not. */
        dlist_remove(&bd->node);
        bundle_free(bd);
        return err;

    case OF_BCT_DISCARD_REQUEST:
        if (!bd) {
            return OF_ERR_OFPBFC_BAD_ID;
        }
        dlist_remove(&bd->node);
        bundle_free(bd);
        send_bundle_reply(c, m, &bc, OF_BCT_DISCARD_REPLY);
        return 0;

    case OF_BCT_OPEN_REPLY:
    case OF_BCT_CLOSE_REPLY:
    case OF_BCT_COMMIT_REPLY:
    case OF_BCT_DISCARD_REPLY:
    default:
        return OF_ERR_OFPBFC_BAD_TYPE;
    }
}

/* Decodes the inner message of a bundle-add fully, so that a malformed
 * one is refused when it is added rather than at commit. */
static enum of_err
check_bundled(struct ofconn *c, const struct of_msg *m, struct rule **rulep)
{
    enum of_err err;

    *rulep = NULL;
    switch (m->type) {
    case OF_T_FLOW_MOD:
    case OF_T_NXT_FLOW_MOD: {
        struct of_flow_mod fm;
        err = of_flow_mod_decode(m, c->table_id_ext, &fm);
        if (!err && fm.command == OF_FLOW_ADD
            && fm.flow.table_id < OFPROTO_N_VISIBLE_TABLES) {
            /* Decoded already: its rule is made now, while the
             * controller is still sending, rather than at commit. */
            *rulep = ofproto_rule_prepare(ofp(c), &fm.flow);
        }
        of_flow_destroy(&fm.flow);
        return err;
    }
    case OF_T_GROUP_MOD: {
        struct of_group g;
        err = of_group_mod_decode(m, &g);
        of_group_destroy(&g);
        return err;
    }
    case OF_T_PORT_MOD: {
        struct of_port_mod pm;
        return of_port_mod_decode(m, &pm);
    }
    case OF_T_METER_MOD: {
        struct of_meter mm;
        return of_meter_mod_decode(m, &mm);
    }
    case OF_T_PACKET_OUT: {
        struct of_packet_out po;
        err = of_packet_out_decode(m, &po);
        if (!err) {
            err = check_packet_out(c, &po);
        }
        of_packet_out_destroy(&po);
        return err;
    }
    default:
        return OF_ERR_OFPBFC_MSG_UNSUP;
    }
}

static enum of_err
h_bundle_add(struct ofconn *c, const struct of_msg *m)
{
    struct of_bundle_add ba;
    struct ofbundle *bd;
    struct of_msg inner;
    struct rule *rule = NULL;
    enum of_err err = of_bundle_add_decode(m, &ba);

    if (err) {
        return err;
    }
    err = of_msg_decode(ba.msg, ba.msg_len, &inner);
    if (!err) {
        err = check_bundled(c, &inner, &rule);
    }
    if (err) {
        /* The error names the inner message, as Open vSwitch does. */
        ofconn_send_error(c, err, ba.msg, ba.msg_len);
        of_bundle_add_destroy(&ba);
        return 0;
    }
    bd = find_bundle(c, ba.bundle_id);
    if (!bd) {
        /* Adding to a bundle that is not open opens it. */
        if (dlist_size(&c->bundles) >= MAX_BUNDLES) {
            err = OF_ERR_OFPBFC_OUT_OF_BUNDLES;
            goto out;
        }
        bd = open_bundle(c, ba.bundle_id, ba.flags);
    } else if (bd->closed) {
        err = OF_ERR_OFPBFC_BUNDLE_CLOSED;
        goto out;
    } else if (bd->flags != ba.flags) {
        err = OF_ERR_OFPBFC_BAD_FLAGS;
        goto out;
    }
    if (bd->n_msgs >= MAX_BUNDLE_MSGS) {
        err = OF_ERR_OFPBFC_MSG_TOO_MANY;
        goto out;
    }
    if (bd->n_msgs == bd->cap_msgs) {
        bd->cap_msgs = bd->cap_msgs ? 2 * bd->cap_msgs : 16;
        bd->msgs = xrealloc(bd->msgs, bd->cap_msgs * sizeof *bd->msgs);
        bd->rules = xrealloc(bd->rules, bd->cap_msgs * sizeof *bd->rules);
        bd->types = xrealloc(bd->types, bd->cap_msgs * sizeof *bd->types);
    }
    buf_init(&bd->msgs[bd->n_msgs]);
    buf_put(&bd->msgs[bd->n_msgs], ba.msg, ba.msg_len);
    bd->types[bd->n_msgs] = inner.type;
    bd->rules[bd->n_msgs++] = rule;
    rule = NULL;

out:
    ofproto_rule_free(rule);
    of_bundle_add_destroy(&ba);
    return err;
}

/* ---------------------------------------------------------------------
 * Dispatch.
 * --------------------------------------------------------------------- */

/* Handler flags. */
#define H_CHANGES 0x1 /* Changes the switch: not from secondaries. */

struct handler {
    handler_fn *cb;
    unsigned flags;
};

static const struct handler handlers[OF_N_TYPES] = {
    [OF_T_HELLO] = { h_ignore, 0 },
    [OF_T_ERROR] = { h_error, 0 },
    [OF_T_ECHO_REQUEST] = { h_echo_request, 0 },
    [OF_T_ECHO_REPLY] = { h_ignore, 0 },
    [OF_T_FEATURES_REQUEST] = { h_features, 0 },
    [OF_T_GET_CONFIG_REQUEST] = { h_get_config, 0 },
    [OF_T_SET_CONFIG] = { h_set_config, 0 },
    [OF_T_PACKET_OUT] = { h_packet_out, H_CHANGES },
    [OF_T_FLOW_MOD] = { h_flow_mod, H_CHANGES },
    [OF_T_NXT_FLOW_MOD] = { h_flow_mod, H_CHANGES },
    [OF_T_GROUP_MOD] = { h_group_mod, H_CHANGES },
    [OF_T_PORT_MOD] = { h_port_mod, H_CHANGES },
    [OF_T_TABLE_MOD] = { h_table_mod, H_CHANGES },
    [OF_T_METER_MOD] = { h_meter_mod, H_CHANGES },
    [OF_T_BARRIER_REQUEST] = { h_barrier, 0 },
    [OF_T_QUEUE_GET_CONFIG_REQUEST] = { connmgr_handle_queue_get_config, 0 },
    [OF_T_ROLE_REQUEST] = { h_role, 0 },
    [OF_T_NXT_ROLE_REQUEST] = { h_role, 0 },
    [OF_T_GET_ASYNC_REQUEST] = { h_get_async, 0 },
    [OF_T_SET_ASYNC] = { h_set_async, 0 },
    [OF_T_NXT_SET_ASYNC_CONFIG] = { h_set_async, 0 },
    [OF_T_BUNDLE_CONTROL] = { h_bundle_control, H_CHANGES },
    [OF_T_ONFT_BUNDLE_CONTROL] = { h_bundle_control, H_CHANGES },
    [OF_T_BUNDLE_ADD] = { h_bundle_add, H_CHANGES },
    [OF_T_ONFT_BUNDLE_ADD] = { h_bundle_add, H_CHANGES },
    [OF_T_DESC_REQUEST] = { h_desc, 0 },
    [OF_T_FLOW_STATS_REQUEST] = { connmgr_handle_flow_stats, 0 },
    [OF_T_NXST_FLOW_REQUEST] = { connmgr_handle_flow_stats, 0 },
    [OF_T_AGGREGATE_REQUEST] = { connmgr_handle_flow_stats, 0 },
    [OF_T_NXST_AGGREGATE_REQUEST] = { connmgr_handle_flow_stats, 0 },
    [OF_T_TABLE_STATS_REQUEST] = { connmgr_handle_table_stats, 0 },
    [OF_T_PORT_STATS_REQUEST] = { connmgr_handle_port_stats, 0 },
    [OF_T_QUEUE_STATS_REQUEST] = { connmgr_handle_queue_stats, 0 },
    [OF_T_GROUP_STATS_REQUEST] = { connmgr_handle_group_stats, 0 },
    [OF_T_GROUP_DESC_REQUEST] = { connmgr_handle_group_desc, 0 },
    [OF_T_GROUP_FEATURES_REQUEST] = { connmgr_handle_group_features, 0 },
    [OF_T_METER_STATS_REQUEST] = { connmgr_handle_meter_stats, 0 },
    [OF_T_METER_CONFIG_REQUEST] = { connmgr_handle_meter_config, 0 },
    [OF_T_METER_FEATURES_REQUEST] = { connmgr_handle_meter_features, 0 },
    [OF_T_TABLE_FEATURES_REQUEST] = { connmgr_handle_table_features, 0 },
    [OF_T_TABLE_DESC_REQUEST] = { connmgr_handle_table_desc, 0 },
    [OF_T_PORT_DESC_REQUEST] = { connmgr_handle_port_desc, 0 },
    [OF_T_FLOW_MONITOR_REQUEST] = { connmgr_handle_flow_monitor, 0 },
    [OF_T_NXST_FLOW_MONITOR_REQUEST] = { connmgr_handle_flow_monitor, 0 },
    [OF_T_NXT_FLOW_MONITOR_CANCEL] = { connmgr_handle_monitor_cancel, 0 },
    [OF_T_NXT_SET_FLOW_FORMAT] = { h_nx_setting, 0 },
    [OF_T_NXT_FLOW_MOD_TABLE_ID] = { h_nx_setting, 0 },
    [OF_T_NXT_SET_PACKET_IN_FORMAT] = { h_nx_setting, 0 },
    [OF_T_NXT_SET_CONTROLLER_ID] = { h_nx_setting, 0 },
    [OF_T_NXT_TLV_TABLE_MOD] = { ofproto_tlv_handle_mod, H_CHANGES },
    [OF_T_NXT_TLV_TABLE_REQUEST] = { ofproto_tlv_handle_request, 0 },
};

void
ofconn_handle(struct ofconn *c, const struct of_msg *m)
{
    const struct handler *h =
        (unsigned) m->type < OF_N_TYPES ? &handlers[m->type] : NULL;
    enum of_err err;

    if (!h || !h->cb) {
        /* Replies and asynchronous messages are not for a switch. */
        err = OF_ERR_OFPBRC_BAD_TYPE;
    } else if ((h->flags & H_CHANGES) && c->role == OF_ROLE_SECONDARY) {
        err = OF_ERR_OFPBRC_IS_SECONDARY;
    } else {
        err = h->cb(c, m);
    }
    if (err) {
        COVERAGE_INC(connmgr_error_reply);
        VLOG_DBG_RL(&rl, "%s: %s: %s", c->name, of_type_name(m->type),
                    of_err_name(err));
        ofconn_send_error(c, err, m->data, m->len);
    }
}
