/* ofctl-dev.c: nicflow-ofctl's offline commands, which need no switch —
 * parse-flow(s) (text to flow-mod messages, printed back) and ofp-parse
 * (a file of binary OpenFlow messages, decoded and printed), as
 * ovs-ofctl's commands of the same names — plus encode-flows, which
 * writes the flow-mods of a flow file as binary messages for ofp-parse
 * and for benchmarks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/ofctl.h"
#include "ofctl/ofp-flow.h"

/* Parses every flow of TEXT (one per line, or the single flow ONE) and
 * returns them in *FLOWS. */
static size_t
parse_all(const char *file, const char *one, struct of_flow **flowsp)
{
    struct of_flow *flows = NULL;
    size_t n = 0, cap = 0;
    char *text = one ? NULL : ofctl_read_file(file);
    const char *pos = text;
    struct buf line = BUF_INITIALIZER;
    int line_no = 0;

    while (one ? n == 0 : of_flow_next_line(&pos, &line, &line_no)) {
        char *err;

        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            flows = xrealloc(flows, cap * sizeof *flows);
        }
        char *notice = NULL;
        err = of_flow_parse(&flows[n], one ? one : buf_cstr(&line),
                            OF_FLOW_ADD, NULL, &notice);
        if (notice) {
            fprintf(stderr, "%s:%d: %s\n", one ? "flow" : file, line_no,
                    notice);
            free(notice);
        }
        if (err) {
            if (one) {
                ofctl_fatal("%s", err);
            }
            ofctl_fatal("%s:%d: %s", file, line_no, err);
        }
        n++;
    }
    buf_destroy(&line);
    free(text);
    *flowsp = flows;
    return n;
}

/* The protocol for FLOWS among the allowed versions: the lowest allowed
 * version that can carry them all. */
static enum of_protocol
choose(const struct of_flow *flows, size_t n, unsigned *usablep)
{
    unsigned usable = OF_PROTO_ANY;

    for (size_t i = 0; i < n; i++) {
        usable &= of_protocols_usable_flow_mod(&flows[i], OF_FLOW_ADD);
    }
    *usablep = usable;
    for (uint8_t v = OF_V10; v <= OF_V15; v++) {
        if (ofctl_opts.versions & OF_VBIT(v)) {
            enum of_protocol p = of_protocol_choose(usable, v);
            if (p) {
                return p;
            }
        }
    }
    char *u = of_protocols_to_string(usable);
    ofctl_fatal("no usable protocol (usable: %s)", u);
}

static void
print_flow_mods(const struct of_flow *flows, size_t n, enum of_protocol p,
                FILE *binary)
{
    struct buf msg = BUF_INITIALIZER, out = BUF_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        struct of_flow_mod fm = {.flow = flows[i],
                                 .command = OF_FLOW_ADD,
                                 .buffer_id = UINT32_MAX,
                                 .new_cookie = UINT64_MAX};
        enum of_err err = of_flow_mod_encode(&fm, p, (uint32_t) i + 1, &msg);
        if (err) {
            ofctl_fatal("flow %zu: %s", i + 1, of_err_what(err));
        }
        if (binary) {
            if (fwrite(msg.data, 1, msg.len, binary) != msg.len) {
                ofctl_fatal("write failed (%s)", nf_strerror(errno));
            }
            continue;
        }
        /* Print what the bytes decode to, as ovs-ofctl does: this shows
         * the flow as the switch will see it. */
        struct of_flow_mod dm;
        struct of_msg m;
        err = of_msg_decode(msg.data, msg.len, &m);
        if (!err) {
            err = of_flow_mod_decode(&m, p == OF_PROTO_OF10_TID
                                             || p == OF_PROTO_NXM_TID,
                                     &dm);
        }
        if (err) {
            ofctl_fatal("flow %zu does not decode: %s", i + 1,
                        of_err_name(err));
        }
        buf_clear(&out);
        of_msg_format_header(&m, &out);
        buf_put_char(&out, ' ');
        of_flow_mod_format(&dm, m.version, &out);
        buf_put_char(&out, '\n');
        fwrite(out.data, 1, out.len, stdout);
        of_flow_destroy(&dm.flow);
    }
    buf_destroy(&msg);
    buf_destroy(&out);
}

static void
parse_flows(const char *file, const char *one)
{
    struct of_flow *flows;
    size_t n = parse_all(file, one, &flows);
    unsigned usable;
    enum of_protocol p = choose(flows, n, &usable);
    char *u = of_protocols_to_string(usable);

    printf("usable protocols: %s\nchosen protocol: %s\n", u,
           of_protocol_name(p));
    free(u);
    print_flow_mods(flows, n, p, NULL);
    for (size_t i = 0; i < n; i++) {
        of_flow_destroy(&flows[i]);
    }
    free(flows);
}

static void
cmd_parse_flow(int argc NF_UNUSED, char *argv[])
{
    parse_flows(NULL, argv[1]);
}

static void
cmd_parse_flows(int argc NF_UNUSED, char *argv[])
{
    parse_flows(argv[1], NULL);
}

static void
cmd_encode_flows(int argc NF_UNUSED, char *argv[])
{
    struct of_flow *flows;
    size_t n = parse_all(argv[1], NULL, &flows);
    unsigned usable;
    enum of_protocol p = choose(flows, n, &usable);
    FILE *f = fopen(argv[2], "wb");

    if (!f) {
        ofctl_fatal("%s: open failed (%s)", argv[2], nf_strerror(errno));
    }
    print_flow_mods(flows, n, p, f);
    if (fclose(f)) {
        ofctl_fatal("%s: write failed (%s)", argv[2], nf_strerror(errno));
    }
    for (size_t i = 0; i < n; i++) {
        of_flow_destroy(&flows[i]);
    }
    free(flows);
}

/* ofp-parse FILE: every message of a binary file, decoded and printed.
 * Flow-mods (1.0 with table ids off, NXM, 1.3+) print in full; other
 * messages print their header line. */
static void
cmd_ofp_parse(int argc NF_UNUSED, char *argv[])
{
    FILE *f = strcmp(argv[1], "-") ? fopen(argv[1], "rb") : stdin;
    struct buf data = BUF_INITIALIZER, out = BUF_INITIALIZER;
    char tmp[65536];
    size_t n, ofs = 0;

    if (!f) {
        ofctl_fatal("%s: open failed (%s)", argv[1], nf_strerror(errno));
    }
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        buf_put(&data, tmp, n);
    }
    if (f != stdin) {
        fclose(f);
    }
    while (data.len - ofs >= 8) {
        const uint8_t *p = data.data + ofs;
        size_t len = of_get16(p + 2);
        struct of_msg m;
        enum of_err err;

        if (len < 8 || len > data.len - ofs) {
            ofctl_fatal("%s: message at offset %zu has bad length %zu",
                        argv[1], ofs, len);
        }
        buf_clear(&out);
        err = of_msg_decode(p, len, &m);
        if (err) {
            buf_printf(&out, "***decode error: %s***", of_err_name(err));
        } else {
            of_msg_format_header(&m, &out);
            if (m.type == OF_T_FLOW_MOD || m.type == OF_T_NXT_FLOW_MOD) {
                struct of_flow_mod fm;
                err = of_flow_mod_decode(&m, false, &fm);
                if (err) {
                    buf_printf(&out, " ***decode error: %s***",
                               of_err_name(err));
                } else {
                    buf_put_char(&out, ' ');
                    of_flow_mod_format(&fm, m.version, &out);
                    of_flow_destroy(&fm.flow);
                }
            }
        }
        buf_put_char(&out, '\n');
        fwrite(out.data, 1, out.len, stdout);
        ofs += len;
    }
    buf_destroy(&data);
    buf_destroy(&out);
}

const struct ofctl_command ofctl_dev_commands[] = {
    {"parse-flow", "FLOW                 print FLOW as flow-mod message", 1,
     1, cmd_parse_flow},
    {"parse-flows", "FILE               print FILE's flows as flow-mods", 1,
     1, cmd_parse_flows},
    {"encode-flows", "FILE OUT          write FILE's flow-mods to OUT", 2,
     2, cmd_encode_flows},
    {"ofp-parse", "FILE                 print messages read from FILE", 1, 1,
     cmd_ofp_parse},
    {NULL, NULL, 0, 0, NULL},
};
