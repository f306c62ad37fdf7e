/* ofctl-switch.c: nicflow-ofctl's commands about the switch itself —
 * show, dump-desc, dump-tables, dump-table-features, dump-table-desc,
 * mod-table, dump-ports, dump-ports-desc, mod-port, packet-out — and the ones that watch it:
 * monitor and snoop.  Replies print as ovs-ofctl prints them (its
 * ofp-print layout), through of_msg_format(). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "lib/daemon.h"
#include "ofctl/ofctl.h"
#include "ofctl/ofp-monitor.h"
#include "ofctl/ofp-packet.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-print.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "ofctl/text.h"

/* Prints every message of REPLIES as ofp-print does, one per line. */
static void
print_replies(struct buf *replies, size_t n)
{
    struct buf out = BUF_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        buf_clear(&out);
        of_msg_format_raw(replies[i].data, replies[i].len, &out);
        /* Some bodies end their last line themselves. */
        buf_chomp(&out);
        puts(buf_cstr(&out));
    }
    buf_destroy(&out);
}

/* Sends REQUEST, prints its replies, frees both. */
static void
dump_transaction(struct of_vconn *vc, struct buf *request)
{
    struct buf *replies;
    size_t n;

    ofctl_transact(vc, request, &replies, &n);
    print_replies(replies, n);
    of_vconn_free_replies(replies, n);
    buf_destroy(request);
}

/* Sends a body-less request of TYPE and prints the reply. */
static void
dump_trivial(struct of_vconn *vc, enum of_type type)
{
    struct buf req = BUF_INITIALIZER;

    of_switch_empty_encode(&req, type, of_vconn_version(vc), of_next_xid());
    dump_transaction(vc, &req);
}

/* Fetches the switch's ports into *PORTS: from the features reply in
 * OpenFlow 1.0, from a port-desc request later. */
static void
fetch_ports(struct of_vconn *vc, struct of_ports *ports)
{
    uint8_t version = of_vconn_version(vc);
    struct buf req = BUF_INITIALIZER;
    struct buf *replies;
    size_t n;

    memset(ports, 0, sizeof *ports);
    if (version == OF_V10) {
        struct of_features f;
        struct of_msg m;

        of_switch_empty_encode(&req, OF_T_FEATURES_REQUEST, version,
                               of_next_xid());
        ofctl_transact(vc, &req, &replies, &n);
        memset(&f, 0, sizeof f);
        if (n != 1 || of_msg_decode(replies[0].data, replies[0].len, &m)
            || of_features_reply_decode(&m, &f)) {
            ofctl_fatal("%s: bad features reply", of_vconn_name(vc));
        }
        *ports = f.ports;
        f.ports.ports = NULL;
        f.ports.n = 0;
        of_features_destroy(&f);
    } else {
        of_port_desc_request_encode(&req, version, of_next_xid(),
                                    OF_PORT_NONE);
        ofctl_transact(vc, &req, &replies, &n);
        for (size_t i = 0; i < n; i++) {
            struct of_ports part;
            struct of_msg m;

            memset(&part, 0, sizeof part);
            if (of_msg_decode(replies[i].data, replies[i].len, &m)
                || of_port_desc_reply_decode(&m, &part)) {
                ofctl_fatal("%s: bad port description reply",
                            of_vconn_name(vc));
            }
            ports->ports = xrealloc(ports->ports, (ports->n + part.n)
                                                      * sizeof *ports->ports);
            memcpy(ports->ports + ports->n, part.ports,
                   part.n * sizeof *part.ports);
            ports->n += part.n;
            of_ports_destroy(&part);
        }
    }
    of_vconn_free_replies(replies, n);
    buf_destroy(&req);
}

void
ofctl_load_port_names(const char *target)
{
    /* Kept for the life of the program: the names are in use until it
     * ends (or ofctl_unload_port_names()). */
    static struct of_ports ports;
    static struct of_port_name *map;
    struct of_vconn *vc = ofctl_open(target);

    of_ports_destroy(&ports);
    free(map);
    fetch_ports(vc, &ports);
    map = xcalloc(ports.n ? ports.n : 1, sizeof *map);
    for (size_t i = 0; i < ports.n; i++) {
        map[i].port = ports.ports[i].port_no;
        map[i].name = ports.ports[i].name;
    }
    of_port_names_set(map, ports.n);
    of_vconn_close(vc);
}

void
ofctl_unload_port_names(void)
{
    of_port_names_set(NULL, 0);
}

/* Finds the port that NAME names: a number, a reserved name or a port's
 * name.  Exits if there is none. */
static const struct of_port *
find_port(struct of_vconn *vc, const struct of_ports *ports, const char *name)
{
    uint16_t port_no;
    bool numeric = of_port_parse(name, &port_no);

    for (size_t i = 0; i < ports->n; i++) {
        if (numeric ? ports->ports[i].port_no == port_no
                    : !strcmp(ports->ports[i].name, name)) {
            return &ports->ports[i];
        }
    }
    ofctl_fatal("%s: couldn't find port `%s'", of_vconn_name(vc), name);
}

static void
cmd_show(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    uint8_t version = of_vconn_version(vc);
    struct buf req = BUF_INITIALIZER;

    of_switch_empty_encode(&req, OF_T_FEATURES_REQUEST, version,
                           of_next_xid());
    dump_transaction(vc, &req);
    if (version != OF_V10) {
        /* Only OpenFlow 1.0 lists the ports in the features reply. */
        of_port_desc_request_encode(&req, version, of_next_xid(),
                                    OF_PORT_NONE);
        dump_transaction(vc, &req);
    }
    dump_trivial(vc, OF_T_GET_CONFIG_REQUEST);
    of_vconn_close(vc);
}

static void
cmd_dump_desc(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);

    dump_trivial(vc, OF_T_DESC_REQUEST);
    of_vconn_close(vc);
}

static void
cmd_dump_tables(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);

    dump_trivial(vc, OF_T_TABLE_STATS_REQUEST);
    of_vconn_close(vc);
}

static void
cmd_dump_table_features(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    uint8_t version = of_vconn_version(vc);
    struct of_table_features_list none = { NULL, 0 };
    struct buf req = BUF_INITIALIZER;

    if (version < OF_V13) {
        ofctl_fatal("dump-table-features needs OpenFlow 1.3 or later "
                    "('-O OpenFlow13')");
    }
    of_table_features_encode(&req, OF_T_TABLE_FEATURES_REQUEST, version,
                             of_next_xid(), &none);

    /* The tables come in several replies; ovs-ofctl prints them as one
     * list, without the replies' headers, abbreviating repeats across
     * replies too. */
    struct of_table_features_list all = { NULL, 0 };
    struct buf out = BUF_INITIALIZER;
    struct buf *replies;
    size_t n;

    ofctl_transact(vc, &req, &replies, &n);
    for (size_t i = 0; i < n; i++) {
        struct of_table_features_list part = { NULL, 0 };
        struct of_msg m;

        if (of_msg_decode(replies[i].data, replies[i].len, &m)
            || of_table_features_decode(&m, &part)) {
            ofctl_fatal("%s: bad table features reply", of_vconn_name(vc));
        }
        all.tables =
            xrealloc(all.tables, (all.n + part.n) * sizeof *all.tables);
        memcpy(all.tables + all.n, part.tables, part.n * sizeof *part.tables);
        all.n += part.n;
        free(part.tables); /* The entries' contents moved to ALL. */
    }
    of_table_features_format(&out, version, &all);
    fputs(buf_cstr(&out), stdout);
    buf_destroy(&out);
    of_table_features_list_destroy(&all);
    of_vconn_free_replies(replies, n);
    buf_destroy(&req);
    of_vconn_close(vc);
}

/* The port number an optional PORT argument names (OF_PORT_NONE: all). */
static uint16_t
port_arg(struct of_vconn *vc, int argc, char *argv[], int i)
{
    uint16_t port = OF_PORT_NONE;

    if (argc > i && !of_port_parse(argv[i], &port)) {
        struct of_ports ports;
        port =
            find_port(vc, (fetch_ports(vc, &ports), &ports), argv[i])->port_no;
        of_ports_destroy(&ports);
    }
    return port;
}

static void
cmd_dump_ports(int argc, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    struct buf req = BUF_INITIALIZER;

    of_port_stats_request_encode(&req, of_vconn_version(vc), of_next_xid(),
                                 port_arg(vc, argc, argv, 2));
    dump_transaction(vc, &req);
    of_vconn_close(vc);
}

static void
cmd_dump_ports_desc(int argc, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    uint8_t version = of_vconn_version(vc);
    uint16_t port = port_arg(vc, argc, argv, 2);
    struct buf req = BUF_INITIALIZER;

    if (version == OF_V10 || version >= OF_V15 || port == OF_PORT_NONE) {
        of_port_desc_request_encode(&req, version, of_next_xid(), port);
        dump_transaction(vc, &req);
    } else {
        /* Before 1.5 a port-desc request names no port: ask for all and
         * show the one, under the reply's header, as ovs-ofctl does. */
        struct buf *replies;
        size_t n;
        struct buf out = BUF_INITIALIZER;

        of_port_desc_request_encode(&req, version, of_next_xid(),
                                    OF_PORT_NONE);
        ofctl_transact(vc, &req, &replies, &n);
        for (size_t i = 0; i < n; i++) {
            struct of_ports ports;
            struct of_msg m;

            memset(&ports, 0, sizeof ports);
            if (of_msg_decode(replies[i].data, replies[i].len, &m)
                || of_port_desc_reply_decode(&m, &ports)) {
                ofctl_fatal("%s: bad port description reply",
                            of_vconn_name(vc));
            }
            if (!i) {
                of_msg_format_header(&m, &out);
                buf_put_char(&out, '\n');
            }
            for (size_t j = 0; j < ports.n; j++) {
                if (ports.ports[j].port_no == port) {
                    of_port_format_desc(&out, &ports.ports[j]);
                }
            }
            of_ports_destroy(&ports);
        }
        fputs(buf_cstr(&out), stdout);
        buf_destroy(&out);
        buf_destroy(&req);
        of_vconn_free_replies(replies, n);
    }
    of_vconn_close(vc);
}

/* mod-port's actions: a config bit to clear or set. */
static const struct {
    const char *name;
    uint32_t bit;
    bool set; /* The bit set means the named state is OFF, mostly. */
} port_actions[] = {
    { "up", OF_PC_PORT_DOWN, false },
    { "down", OF_PC_PORT_DOWN, true },
    { "stp", OF_PC_NO_STP, false },
    { "no-stp", OF_PC_NO_STP, true },
    { "receive", OF_PC_NO_RECV, false },
    { "no-receive", OF_PC_NO_RECV, true },
    { "receive-stp", OF_PC_NO_RECV_STP, false },
    { "no-receive-stp", OF_PC_NO_RECV_STP, true },
    { "forward", OF_PC_NO_FWD, false },
    { "no-forward", OF_PC_NO_FWD, true },
    { "flood", OF_PC_NO_FLOOD, false },
    { "no-flood", OF_PC_NO_FLOOD, true },
    { "packet-in", OF_PC_NO_PACKET_IN, false },
    { "no-packet-in", OF_PC_NO_PACKET_IN, true },
};

static void
cmd_mod_port(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    struct of_port_mod pm;
    struct of_ports ports;
    const struct of_port *p;
    struct buf req = BUF_INITIALIZER;
    size_t i;

    for (i = 0; i < sizeof port_actions / sizeof *port_actions; i++) {
        if (!strcasecmp(argv[3], port_actions[i].name)) {
            break;
        }
    }
    if (i == sizeof port_actions / sizeof *port_actions) {
        ofctl_fatal("unknown mod-port command '%s' (use up, down, stp, "
                    "receive, receive-stp, forward, flood, packet-in or "
                    "their no- forms)",
                    argv[3]);
    }
    fetch_ports(vc, &ports);
    p = find_port(vc, &ports, argv[2]);

    memset(&pm, 0, sizeof pm);
    pm.port_no = p->port_no;
    memcpy(pm.hw_addr, p->hw_addr, sizeof pm.hw_addr);
    pm.mask = port_actions[i].bit;
    pm.config = port_actions[i].set ? port_actions[i].bit : 0;
    of_port_mod_encode(&req, of_vconn_version(vc), of_next_xid(), &pm);
    ofctl_transact_noreply(vc, &req, 1);
    buf_destroy(&req);
    of_ports_destroy(&ports);
    of_vconn_close(vc);
}

static void
cmd_dump_table_desc(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);

    if (of_vconn_version(vc) < OF_V14) {
        ofctl_fatal("dump-table-desc needs OpenFlow 1.4 or later "
                    "('-O OpenFlow14')");
    }
    dump_trivial(vc, OF_T_TABLE_DESC_REQUEST);
    of_vconn_close(vc);
}

/* The descriptions of all the tables the switch behind VC describes
 * (OpenFlow 1.4+), in *TDS (freed by the caller) and *N. */
static void
fetch_table_descs(struct of_vconn *vc, struct of_table_desc **tds, size_t *n)
{
    struct buf req = BUF_INITIALIZER;
    struct buf *replies;
    size_t n_replies;

    *tds = NULL;
    *n = 0;
    of_switch_empty_encode(&req, OF_T_TABLE_DESC_REQUEST, of_vconn_version(vc),
                           of_next_xid());
    ofctl_transact(vc, &req, &replies, &n_replies);
    for (size_t i = 0; i < n_replies; i++) {
        struct of_table_desc *part;
        struct of_msg m;
        size_t n_part;

        if (of_msg_decode(replies[i].data, replies[i].len, &m)
            || of_table_desc_reply_decode(&m, &part, &n_part)) {
            ofctl_fatal("%s: bad table description reply", of_vconn_name(vc));
        }
        *tds = xrealloc(*tds, (*n + n_part + 1) * sizeof **tds);
        memcpy(*tds + *n, part, n_part * sizeof *part);
        *n += n_part;
        free(part);
    }
    of_vconn_free_replies(replies, n_replies);
    buf_destroy(&req);
}

/* Table TABLE_ID's description among the N in TDS, or NULL. */
static const struct of_table_desc *
find_table_desc(const struct of_table_desc *tds, size_t n, uint8_t table_id)
{
    for (size_t i = 0; i < n; i++) {
        if (tds[i].table_id == table_id) {
            return &tds[i];
        }
    }
    return NULL;
}

/* An OpenFlow 1.4+ mod-table setting: eviction on or off, or vacancy
 * events on (with thresholds LOW and HIGH) or off. */
struct table_setting {
    bool eviction; /* Eviction rather than vacancy events. */
    bool on;
    uint8_t low, high;
};

/* Fills TM, the table-mod ovs-ofctl 3.1 sends for table TABLE_ID and
 * setting SET, where TD is the table's description (NULL if the switch
 * gives none).  A table-mod carries the table's whole configuration, so
 * the setting the command does not change is sent as TD has it: for
 * evict and noevict, vacancy events and their thresholds (else the
 * switch would turn the events off, or reset the thresholds to 0/0); for
 * vacancy and novacancy, eviction and its flags. */
static void
table_mod_from_desc(uint8_t table_id, const struct table_setting *set,
                    const struct of_table_desc *td, struct of_table_mod *tm)
{
    memset(tm, 0, sizeof *tm);
    tm->table_id = table_id;
    if (set->eviction) {
        tm->config = set->on ? OF_TC14_EVICTION : 0;
        if (td && (td->config & OF_TC14_VACANCY_EVENTS)) {
            tm->config |= OF_TC14_VACANCY_EVENTS;
            tm->has_vacancy = true;
            tm->vacancy_down = td->vacancy_down;
            tm->vacancy_up = td->vacancy_up;
        }
    } else {
        if (set->on) {
            tm->config = OF_TC14_VACANCY_EVENTS;
            tm->has_vacancy = true;
            tm->vacancy_down = set->low;
            tm->vacancy_up = set->high;
        }
        if (td) {
            tm->config |= td->config & OF_TC14_EVICTION;
            tm->has_eviction_flags = td->has_eviction_flags;
            tm->eviction_flags = td->eviction_flags;
        }
    }
}

/* The tables "mod-table SWITCH all" changes one by one, as ovs-ofctl
 * does: 0 to 253 (it stops below OFPTT_MAX). */
#define MOD_TABLE_ALL_N 254

/* ovs-ofctl's mod-table: in OpenFlow 1.4+ "evict", "noevict",
 * "vacancy:LOW,HIGH", "novacancy", each table's other setting read first
 * and kept (table_mod_from_desc()), "all" one table-mod per table; in
 * 1.1 and 1.2 (which nicflow does not speak) the table-miss behaviour
 * "drop", "continue", "controller".  One deliberate difference: with
 * "all", ovs-ofctl 3.1 gives vacancy:LOW,HIGH or novacancy to table 0
 * only and table 0's eviction to every table (its fetch_table_desc()
 * leaves state in the table-mod it reuses from table to table); here
 * every table gets the setting and keeps its own eviction. */
static void
cmd_mod_table(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    uint8_t version = of_vconn_version(vc);
    const char *setting = argv[3];
    struct table_setting set = { false, false, 0, 0 };
    bool all = !strcasecmp(argv[2], "all");
    uint8_t table_id = 0;
    uint64_t id;

    if (!all) {
        if (!of_text_parse_uint(argv[2], 254, &id)) {
            ofctl_fatal("%s: table id must be a number from 0 to 254 or "
                        "\"all\"",
                        argv[2]);
        }
        table_id = (uint8_t) id;
    }

    static const struct {
        const char *name;
        uint32_t config;
    } misses[] = { { "controller", 0 }, { "continue", 1 }, { "drop", 2 } };
    for (size_t i = 0; i < ARRAY_SIZE(misses); i++) {
        if (!strcasecmp(setting, misses[i].name)) {
            struct of_table_mod tm = { .table_id =
                                           all ? OF_TABLE_ALL : table_id,
                                       .config = misses[i].config };
            struct buf req = BUF_INITIALIZER;

            if (version != OF_V11 && version != OF_V12) {
                ofctl_fatal("mod-table %s: table-miss behaviour is an "
                            "OpenFlow 1.1 and 1.2 setting ('-O "
                            "OpenFlow11' or '-O OpenFlow12')",
                            setting);
            }
            of_table_mod_encode(&req, version, of_next_xid(), &tm);
            ofctl_transact_noreply(vc, &req, 1);
            buf_destroy(&req);
            of_vconn_close(vc);
            return;
        }
    }

    if (!strcasecmp(setting, "evict") || !strcasecmp(setting, "noevict")) {
        set.eviction = true;
        set.on = !strcasecmp(setting, "evict");
    } else if (!strncasecmp(setting, "vacancy:", 8)) {
        unsigned int low, high;
        int end = 0;

        if (sscanf(setting + 8, "%u,%u%n", &low, &high, &end) != 2
            || setting[8 + end] || low > high || high > 100) {
            ofctl_fatal("%s: expected vacancy:LOW,HIGH with 0 <= LOW <= "
                        "HIGH <= 100",
                        setting);
        }
        set.on = true;
        set.low = (uint8_t) low;
        set.high = (uint8_t) high;
    } else if (strcasecmp(setting, "novacancy")) {
        ofctl_fatal("unknown mod-table setting '%s' (use evict, noevict, "
                    "vacancy:LOW,HIGH or novacancy; drop, continue or "
                    "controller in OpenFlow 1.1 and 1.2)",
                    setting);
    }
    if (version < OF_V14) {
        ofctl_fatal("mod-table %s needs OpenFlow 1.4 or later ('-O "
                    "OpenFlow14')",
                    setting);
    }

    struct of_table_desc *tds;
    size_t n_tds;
    size_t n = all ? MOD_TABLE_ALL_N : 1;
    struct buf *reqs = xcalloc(n, sizeof *reqs);

    fetch_table_descs(vc, &tds, &n_tds);
    for (size_t i = 0; i < n; i++) {
        uint8_t t = all ? (uint8_t) i : table_id;
        struct of_table_mod tm;

        table_mod_from_desc(t, &set, find_table_desc(tds, n_tds, t), &tm);
        buf_init(&reqs[i]);
        of_table_mod_encode(&reqs[i], version, of_next_xid(), &tm);
    }
    ofctl_transact_noreply(vc, reqs, n);
    for (size_t i = 0; i < n; i++) {
        buf_destroy(&reqs[i]);
    }
    free(reqs);
    free(tds);
    of_vconn_close(vc);
}

static void
cmd_packet_out(int argc, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    struct of_packet_out po;
    struct buf req = BUF_INITIALIZER;
    char *err;
    enum of_err e;

    of_packet_out_init(&po);
    if (argc == 3) {
        err = of_packet_out_parse(&po, argv[2]);
    } else if (argc >= 5) {
        /* The old form: IN_PORT ACTIONS PACKET..., one packet-out each. */
        struct buf *msgs = xcalloc((size_t) argc - 4, sizeof *msgs);
        for (int i = 4; i < argc; i++) {
            of_packet_out_destroy(&po);
            err = of_packet_out_parse_args(&po, argv[2], argv[3], argv[i]);
            if (err) {
                ofctl_fatal("%s", err);
            }
            e = of_packet_out_encode(&po, of_vconn_version(vc), of_next_xid(),
                                     &msgs[i - 4]);
            if (e) {
                ofctl_fatal("packet-out cannot be encoded: %s",
                            of_err_what(e));
            }
        }
        ofctl_transact_noreply(vc, msgs, (size_t) argc - 4);
        for (int i = 0; i < argc - 4; i++) {
            buf_destroy(&msgs[i]);
        }
        free(msgs);
        of_packet_out_destroy(&po);
        of_vconn_close(vc);
        return;
    } else {
        ofctl_fatal("packet-out needs \"in_port=...,packet=...,actions=...\" "
                    "or IN_PORT ACTIONS PACKET...");
    }
    if (err) {
        ofctl_fatal("%s", err);
    }
    e = of_packet_out_encode(&po, of_vconn_version(vc), of_next_xid(), &req);
    if (e) {
        ofctl_fatal("packet-out cannot be encoded in OpenFlow %s: %s",
                    of_version_short(of_vconn_version(vc)), of_err_what(e));
    }
    ofctl_transact_noreply(vc, &req, 1);
    buf_destroy(&req);
    of_packet_out_destroy(&po);
    of_vconn_close(vc);
}

/* Prints MSG as monitor and snoop do: with --timestamp, the time first. */
static void
print_watched(const struct buf *msg)
{
    struct buf out = BUF_INITIALIZER;

    if (ofctl_opts.timestamp) {
        struct timeval tv;
        struct tm tm;
        char when[32];

        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        buf_printf(&out, "%s.%03ld ", when, (long) tv.tv_usec / 1000);
    }
    of_msg_format_raw(msg->data, msg->len, &out);
    buf_chomp(&out);
    puts(buf_cstr(&out));
    fflush(stdout);
    buf_destroy(&out);
}

/* Receives and prints messages until the connection ends (or, with -t,
 * until the timeout passes without one). */
static void
watch(struct of_vconn *vc)
{
    struct buf msg = BUF_INITIALIZER;

    for (;;) {
        char *err = NULL;
        int error = of_vconn_recv(vc, &msg, &err);

        if (error == ETIMEDOUT) {
            free(err);
            break;
        }
        if (error) {
            ofctl_fatal("%s", err);
        }
        print_watched(&msg);
    }
    buf_destroy(&msg);
}

static void
cmd_monitor(int argc, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    uint8_t version = of_vconn_version(vc);
    struct buf req = BUF_INITIALIZER;

    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        long long miss_len;

        if (!nf_parse_int(arg, 0, 65535, &miss_len)) {
            /* The miss length: ask for packet-ins of that many bytes. */
            struct of_switch_config sc = {
                .flags = OF_CONFIG_FRAG_NORMAL,
                .miss_send_len = (uint16_t) miss_len,
            };
            of_switch_config_encode(&req, OF_T_SET_CONFIG, version,
                                    of_next_xid(), &sc);
            ofctl_transact_noreply(vc, &req, 1);
        } else if (!strncmp(arg, "watch:", 6)) {
            struct of_flow_monitor_request r;
            char *err = of_flow_monitor_parse(&r, arg);
            enum of_err e;

            if (err) {
                ofctl_fatal("%s", err);
            }
            e = of_flow_monitor_request_encode(
                &r, 1,
                version >= OF_V14 ? OF_T_FLOW_MONITOR_REQUEST
                                  : OF_T_NXST_FLOW_MONITOR_REQUEST,
                version, of_next_xid(), &req);
            if (e) {
                ofctl_fatal("flow monitor cannot be requested: %s",
                            of_err_what(e));
            }
            /* The initial flows come back as replies to the request;
             * print them as they come, with everything else. */
            char *serr = NULL;
            if (of_vconn_send(vc, &req, &serr)) {
                ofctl_fatal("%s", serr);
            }
        } else if (!strcmp(arg, "invalid_ttl")) {
            /* Open vSwitch sends packets with an invalid TTL to the
             * controller when asked through the 1.0 config flag. */
            struct of_switch_config sc = {
                .flags = OF_CONFIG_INVALID_TTL_TO_CONTROLLER,
                .miss_send_len = 0,
            };
            of_switch_config_encode(&req, OF_T_SET_CONFIG, version,
                                    of_next_xid(), &sc);
            ofctl_transact_noreply(vc, &req, 1);
        } else {
            ofctl_fatal("%s: unknown monitor argument (use a miss length, "
                        "invalid_ttl or watch:[SPEC...])",
                        arg);
        }
    }
    buf_destroy(&req);
    watch(vc);
    of_vconn_close(vc);
}

static void
cmd_snoop(int argc NF_UNUSED, char *argv[])
{
    char *sock = of_vconn_bridge_socket(argv[1]);
    char *target;
    struct of_vconn *vc;

    if (sock) {
        /* A bridge's snoop socket sits beside its management socket. */
        size_t len = strlen(sock);
        sock[len - 5] = '\0'; /* strip ".mgmt" */
        target = xasprintf("unix:%s.snoop", sock);
    } else {
        target = xstrdup(argv[1]);
    }
    vc = ofctl_open(target);
    watch(vc);
    of_vconn_close(vc);
    free(target);
    free(sock);
}

const struct ofctl_command ofctl_switch_commands[] = {
    { "show", "SWITCH                    show OpenFlow information", 1, 1,
      cmd_show },
    { "dump-desc", "SWITCH               print switch description", 1, 1,
      cmd_dump_desc },
    { "dump-tables", "SWITCH             print table stats", 1, 1,
      cmd_dump_tables },
    { "dump-table-features", "SWITCH     print table features", 1, 1,
      cmd_dump_table_features },
    { "dump-table-desc", "SWITCH         print table description", 1, 1,
      cmd_dump_table_desc },
    { "mod-table", "SWITCH TABLE SETTING  modify flow table behavior", 3, 3,
      cmd_mod_table },
    { "dump-ports", "SWITCH [PORT]       print port statistics", 1, 2,
      cmd_dump_ports },
    { "dump-ports-desc", "SWITCH [PORT]  print port descriptions", 1, 2,
      cmd_dump_ports_desc },
    { "mod-port", "SWITCH PORT ACTION     modify port behavior", 3, 3,
      cmd_mod_port },
    { "packet-out", "SWITCH PACKET-OUT   execute actions on a packet", 2, 64,
      cmd_packet_out },
    { "monitor",
      "SWITCH [MISS-LEN] [invalid_ttl] [watch:[...]]  print "
      "packets received from SWITCH",
      1, 8, cmd_monitor },
    { "snoop", "SWITCH                   snoop on SWITCH and its controller",
      1, 1, cmd_snoop },
    { NULL, NULL, 0, 0, NULL },
};
