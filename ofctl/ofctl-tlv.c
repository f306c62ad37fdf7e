/* ofctl-tlv.c: nicflow-ofctl's Geneve option mapping commands —
 * add-tlv-map, del-tlv-map and dump-tlv-map — sent and printed as
 * ovs-ofctl 3.1 does: a mod goes out in the protocol a flow-mod would use
 * (in OpenFlow 1.0 after switching the connection to NXM, because the
 * switch's table only matters to NXM and OXM flows) and is followed by a
 * barrier; the dump prints the reply as ofp-print shows it. */
#include <stdio.h>
#include <stdlib.h>

#include "ofctl/ofctl.h"
#include "ofctl/ofp-print.h"
#include "ofctl/ofp-tlv.h"

/* The protocols ovs-ofctl finds usable for a TLV table mod. */
#define TLV_PROTOCOLS                                                \
    (OF_PROTO_NXM | OF_PROTO_NXM_TID | OF_PROTO_OF13 | OF_PROTO_OF14 \
     | OF_PROTO_OF15)

static void
send_tlv_mod(const char *target, enum of_tlv_cmd command, const char *text)
{
    struct of_tlv_table_mod tm = { .command = command };
    struct buf msg = BUF_INITIALIZER;
    struct of_vconn *vc;
    char *err;

    err = of_tlv_maps_parse(text, &tm.maps);
    if (err) {
        ofctl_fatal("%s", err);
    }
    vc = ofctl_open(target);
    ofctl_set_protocol(vc, TLV_PROTOCOLS);
    of_tlv_table_mod_encode(&msg, of_vconn_version(vc), of_next_xid(), &tm);
    ofctl_transact_noreply(vc, &msg, 1);
    buf_destroy(&msg);
    of_tlv_maps_destroy(&tm.maps);
    of_vconn_close(vc);
}

static void
cmd_add_tlv_map(int argc NF_UNUSED, char *argv[])
{
    send_tlv_mod(argv[1], OF_TLV_ADD, argv[2]);
}

static void
cmd_del_tlv_map(int argc, char *argv[])
{
    /* Without a list, every mapping goes (a clear), as in ovs-ofctl. */
    send_tlv_mod(argv[1], argc > 2 ? OF_TLV_DELETE : OF_TLV_CLEAR,
                 argc > 2 ? argv[2] : "");
}

static void
cmd_dump_tlv_map(int argc NF_UNUSED, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    struct buf req = BUF_INITIALIZER, out = BUF_INITIALIZER;
    struct buf *replies;
    size_t n;

    of_tlv_table_request_encode(&req, of_vconn_version(vc), of_next_xid());
    ofctl_transact(vc, &req, &replies, &n);
    for (size_t i = 0; i < n; i++) {
        buf_clear(&out);
        of_msg_format_raw(replies[i].data, replies[i].len, &out);
        buf_chomp(&out);
        puts(buf_cstr(&out));
    }
    of_vconn_free_replies(replies, n);
    buf_destroy(&out);
    buf_destroy(&req);
    of_vconn_close(vc);
}

const struct ofctl_command ofctl_tlv_commands[] = {
    { "add-tlv-map", "SWITCH MAP          add TLV option mappings", 2, 2,
      cmd_add_tlv_map },
    { "del-tlv-map", "SWITCH [MAP]        delete TLV option mappings", 1, 2,
      cmd_del_tlv_map },
    { "dump-tlv-map", "SWITCH             print TLV option mappings", 1, 1,
      cmd_dump_tlv_map },
    { NULL, NULL, 0, 0, NULL },
};
