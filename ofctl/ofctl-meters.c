/* ofctl-meters.c: nicflow-ofctl's meter commands — add-meter, mod-meter,
 * del-meters, dump-meters, meter-stats and meter-features — with
 * ovs-ofctl's arguments, messages and output. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/ofctl.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-print.h"

/* Meters exist from OpenFlow 1.3 on. */
#define METER_PROTOCOLS (OF_PROTO_OF13 | OF_PROTO_OF14 | OF_PROTO_OF15)

/* Opens TARGET for a meter command, refusing as ovs-ofctl does (and in
 * its words, which speak of flow formats) when no version that carries
 * meters is allowed or agreed on. */
static struct of_vconn *
open_for_meters(const char *target)
{
    unsigned allowed = 0;
    struct of_vconn *vc;

    for (uint8_t v = OF_V10; v <= OF_V15; v++) {
        if (ofctl_opts.versions & OF_VBIT(v)) {
            allowed |= of_protocols_of_version(v);
        }
    }
    /* ovs-ofctl names a version's variants with table ids under the
     * plain name ("OpenFlow10,NXM"). */
    allowed &= ~(OF_PROTO_OF10_TID | OF_PROTO_NXM_TID);
    if (!(allowed & METER_PROTOCOLS)) {
        char *u = of_protocols_to_string(METER_PROTOCOLS);
        char *a = of_protocols_to_string(allowed);
        ofctl_fatal("none of the usable flow formats (%s) is among the "
                    "allowed flow formats (%s); use -O to allow another "
                    "OpenFlow version",
                    u, a);
    }
    vc = ofctl_open(target);
    if (of_vconn_version(vc) < OF_V13) {
        char *u = of_protocols_to_string(METER_PROTOCOLS);
        ofctl_fatal("switch does not support any of the usable flow "
                    "formats (%s)",
                    u);
    }
    return vc;
}

/* Parses TEXT (NULL: none given) for COMMAND into M; exits with the
 * parser's message on error.  With no text, M is every meter. */
static void
parse_meter(struct of_meter *m, const char *text, enum of_meter_cmd command)
{
    char *err;

    if (!text) {
        of_meter_init(m);
        m->command = command;
        m->meter_id = OF_METER_ALL;
        return;
    }
    err = of_meter_parse(m, text, command);
    if (err) {
        ofctl_fatal("%s", err);
    }
}

static void
meter_mod(const char *target, const char *text, enum of_meter_cmd command)
{
    struct of_meter m;
    struct of_vconn *vc;
    struct buf msg = BUF_INITIALIZER;

    parse_meter(&m, text, command);
    vc = open_for_meters(target);
    of_meter_mod_encode(&m, of_vconn_version(vc), of_next_xid(), &msg);
    ofctl_transact_noreply(vc, &msg, 1);
    buf_destroy(&msg);
    of_vconn_close(vc);
}

/* Appends DURATION as ovs-ofctl prints it: whole seconds, then three
 * decimals when the nanoseconds are whole milliseconds (the precision of
 * most Open vSwitch clocks), else as many as needed, then "s". */
static void
format_duration(uint32_t sec, uint32_t nsec, struct buf *b)
{
    buf_printf(b, "%" PRIu32, sec);
    if (nsec && nsec % 1000000 == 0) {
        buf_printf(b, ".%03" PRIu32, nsec / 1000000);
    } else if (nsec) {
        char frac[16];
        int len = snprintf(frac, sizeof frac, "%09" PRIu32, nsec);
        while (len > 0 && frac[len - 1] == '0') {
            frac[--len] = '\0';
        }
        buf_printf(b, ".%s", frac);
    }
    buf_put_char(b, 's');
}

/* Prints a meter stats reply M as ovs-ofctl does: the header line, then
 * each meter after an empty line, its bands one per line.  (The shared
 * printer of_meter_msg_format() does not separate the meters and prints
 * all nine decimals of their durations, so this command prints them
 * itself until ofp-meter.c is fixed.) */
static void
print_meter_stats_reply(const struct of_msg *m)
{
    struct buf out = BUF_INITIALIZER;
    struct of_meter_stats *ms;
    size_t n;
    enum of_err err = of_meter_stats_reply_decode(m, &ms, &n);

    if (err) {
        ofctl_fatal("bad meter stats reply from switch: %s", of_err_name(err));
    }
    of_msg_format_header(m, &out);
    for (size_t i = 0; i < n; i++) {
        buf_printf(&out,
                   "\nmeter:%" PRIu32 " flow_count:%" PRIu32
                   " packet_in_count:%" PRIu64 " byte_in_count:%" PRIu64
                   " duration:",
                   ms[i].meter_id, ms[i].flow_count, ms[i].packet_in_count,
                   ms[i].byte_in_count);
        format_duration(ms[i].duration_sec, ms[i].duration_nsec, &out);
        buf_put_cstr(&out, " bands:\n");
        for (size_t j = 0; j < ms[i].n_bands; j++) {
            buf_printf(
                &out, "%zu: packet_count:%" PRIu64 " byte_count:%" PRIu64 "\n",
                j, ms[i].bands[j].packets, ms[i].bands[j].bytes);
        }
    }
    if (!out.len || out.data[out.len - 1] != '\n') {
        buf_put_char(&out, '\n');
    }
    fputs(buf_cstr(&out), stdout);
    buf_destroy(&out);
    free(ms);
}

/* Sends REQUEST and prints the replies as ovs-ofctl does: each with its
 * header line and then its body as "ovs-ofctl ofp-print" shows it. */
static void
dump_transaction(struct of_vconn *vc, const struct buf *request)
{
    struct buf *replies;
    size_t n;

    ofctl_transact(vc, request, &replies, &n);
    for (size_t i = 0; i < n; i++) {
        struct buf out = BUF_INITIALIZER;
        struct of_msg m;

        if (!of_msg_decode(replies[i].data, replies[i].len, &m)
            && m.type == OF_T_METER_STATS_REPLY) {
            print_meter_stats_reply(&m);
            continue;
        }
        enum of_err err =
            of_msg_format_raw(replies[i].data, replies[i].len, &out);

        fputs(buf_cstr(&out), stdout);
        putchar('\n');
        buf_destroy(&out);
        if (err) {
            ofctl_fatal("bad reply from switch: %s", of_err_name(err));
        }
    }
    of_vconn_free_replies(replies, n);
}

/* dump-meters and meter-stats: the meter is given as del-meters takes it
 * ("meter=1"); none means every meter. */
static void
meter_request(const char *target, const char *text, enum of_type type)
{
    struct of_meter m;
    struct of_vconn *vc;
    struct buf req = BUF_INITIALIZER;

    parse_meter(&m, text, OF_MC_DELETE);
    vc = open_for_meters(target);
    of_meter_request_encode(type, m.meter_id, of_vconn_version(vc),
                            of_next_xid(), &req);
    dump_transaction(vc, &req);
    buf_destroy(&req);
    of_vconn_close(vc);
}

static void
cmd_add_meter(int argc NF_UNUSED, char *argv[])
{
    meter_mod(argv[1], argv[2], OF_MC_ADD);
}

static void
cmd_mod_meter(int argc NF_UNUSED, char *argv[])
{
    meter_mod(argv[1], argv[2], OF_MC_MODIFY);
}

static void
cmd_del_meters(int argc, char *argv[])
{
    meter_mod(argv[1], argc > 2 ? argv[2] : NULL, OF_MC_DELETE);
}

static void
cmd_dump_meters(int argc, char *argv[])
{
    meter_request(argv[1], argc > 2 ? argv[2] : NULL,
                  OF_T_METER_CONFIG_REQUEST);
}

static void
cmd_meter_stats(int argc, char *argv[])
{
    meter_request(argv[1], argc > 2 ? argv[2] : NULL,
                  OF_T_METER_STATS_REQUEST);
}

static void
cmd_meter_features(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = open_for_meters(argv[1]);
    struct buf req = BUF_INITIALIZER;

    of_msg_start(&req, OF_T_METER_FEATURES_REQUEST, of_vconn_version(vc),
                 of_next_xid());
    of_msg_finish(&req);
    dump_transaction(vc, &req);
    buf_destroy(&req);
    of_vconn_close(vc);
}

const struct ofctl_command ofctl_meter_commands[] = {
    { "add-meter", "SWITCH METER        add meter described by METER", 2, 2,
      cmd_add_meter },
    { "mod-meter", "SWITCH METER        modify specific METER", 2, 2,
      cmd_mod_meter },
    { "del-meters", "SWITCH [METER]     delete meters matching METER", 1, 2,
      cmd_del_meters },
    { "dump-meters", "SWITCH [METER]    print METER configuration", 1, 2,
      cmd_dump_meters },
    { "meter-stats", "SWITCH [METER]    print meter statistics", 1, 2,
      cmd_meter_stats },
    { "meter-features", "SWITCH         print meter features", 1, 1,
      cmd_meter_features },
    { NULL, NULL, 0, 0, NULL },
};
