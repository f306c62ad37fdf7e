/* ofctl-dev.c: nicflow-ofctl's offline commands, which need no switch —
 * parse-flow(s) (text to flow-mod messages, printed back) and ofp-parse
 * (a file of binary OpenFlow messages, decoded and printed), as
 * ovs-ofctl's commands of the same names — plus encode-flows, which
 * writes the flow-mods of a flow file as binary messages for ofp-parse
 * and for benchmarks. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/ofctl.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-print.h"

/* parse-flows reads the file once.  The protocol depends on every flow,
 * so each flow is encoded with the protocol the flows so far allow and
 * kept as bytes (far smaller than a parsed flow); the few encoded before
 * the protocol last changed are parsed again at the end. */
struct dev_entry {
    size_t ofs, len;      /* Its message in the byte store. */
    enum of_protocol p;   /* The protocol it was encoded with. */
    const char *line_pos; /* Where its text starts, to parse again. */
    int line_no;
};

static enum of_protocol
choose_usable(unsigned usable, bool fatal)
{
    for (uint8_t v = OF_V10; v <= OF_V15; v++) {
        if (ofctl_opts.versions & OF_VBIT(v)) {
            enum of_protocol p = of_protocol_choose(usable, v);
            if (p) {
                return p;
            }
        }
    }
    if (fatal) {
        char *u = of_protocols_to_string(usable);
        ofctl_fatal("no usable protocol (usable: %s)", u);
    }
    return 0;
}

/* Parses the flow whose text starts at *POS. */
static void
parse_one(const char *name, const char **pos, int *line_no, struct buf *line,
          struct of_flow *flow, bool notices)
{
    char *notice = NULL;
    char *err;

    of_flow_next_line(pos, line, line_no);
    err = of_flow_parse(flow, buf_cstr(line), OF_FLOW_ADD, NULL,
                        notices ? &notice : NULL);
    if (err) {
        ofctl_fatal("%s:%d: %s", name, *line_no, err);
    }
    if (notice) {
        fprintf(stderr, "%s: %s:%d: %s\n", nf_program_name, name, *line_no,
                notice);
        free(notice);
    }
}

static void
encode_one(struct of_flow *f, enum of_protocol p, uint32_t xid,
           struct buf *msg)
{
    struct of_flow_mod fm = { .flow = *f,
                              .command = OF_FLOW_ADD,
                              .buffer_id = UINT32_MAX,
                              .new_cookie = UINT64_MAX };
    enum of_err err = of_flow_mod_encode(&fm, p, xid, msg);

    if (err) {
        ofctl_fatal("flow %" PRIu32 ": %s", xid, of_err_what(err));
    }
}

/* Parses FILE's flows (or the single flow ONE) and prints the flow-mods
 * they make, as ovs-ofctl parse-flows does, or, with BINARY, writes the
 * messages there (encode-flows). */
static void
parse_flows(const char *file, const char *one, FILE *binary)
{
    char *text = file ? ofctl_read_file(file) : xasprintf("%s\n", one);
    const char *name = file ? file : "flow";
    struct dev_entry *entries = NULL;
    size_t n = 0, cap = 0;
    struct buf store = BUF_INITIALIZER, line = BUF_INITIALIZER;
    struct buf msg = BUF_INITIALIZER, out = BUF_INITIALIZER;
    unsigned usable = OF_PROTO_ANY;
    const char *pos = text;
    int line_no = 0;

    for (;;) {
        const char *start = pos;
        int start_no = line_no;
        struct of_flow flow;
        enum of_protocol p;

        /* Skip blank and comment lines to find the flow's own start. */
        if (!of_flow_next_line(&pos, &line, &line_no)) {
            break;
        }
        pos = start;
        line_no = start_no;
        parse_one(name, &pos, &line_no, &line, &flow, true);
        usable &= of_protocols_usable_flow_mod(&flow, OF_FLOW_ADD);
        p = choose_usable(usable, false);
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            entries = xrealloc(entries, cap * sizeof *entries);
        }
        entries[n] = (struct dev_entry){ store.len, 0, p, start, start_no };
        if (p) {
            encode_one(&flow, p, (uint32_t) n + 1, &msg);
            buf_put(&store, msg.data, msg.len);
            entries[n].len = msg.len;
        }
        n++;
        of_flow_destroy(&flow);
    }

    enum of_protocol final = choose_usable(usable, true);
    if (!binary) {
        char *u = of_protocols_to_string(usable);
        printf("usable protocols: %s\nchosen protocol: %s\n", u,
               of_protocol_name(final));
        free(u);
    }

    for (size_t i = 0; i < n; i++) {
        const uint8_t *data = store.data + entries[i].ofs;
        size_t len = entries[i].len;
        struct of_flow_mod dm;
        struct of_msg m;
        enum of_err err;

        if (entries[i].p != final) {
            struct of_flow flow;
            const char *at = entries[i].line_pos;
            int no = entries[i].line_no;
            parse_one(name, &at, &no, &line, &flow, false);
            encode_one(&flow, final, (uint32_t) i + 1, &msg);
            of_flow_destroy(&flow);
            data = msg.data;
            len = msg.len;
        }
        if (binary) {
            if (fwrite(data, 1, len, binary) != len) {
                ofctl_fatal("write failed (%s)", nf_strerror(errno));
            }
            continue;
        }
        /* Print what the bytes decode to, as ovs-ofctl does: this shows
         * the flow as the switch will see it. */
        err = of_msg_decode(data, len, &m);
        if (!err) {
            err = of_flow_mod_decode(
                &m, final == OF_PROTO_OF10_TID || final == OF_PROTO_NXM_TID,
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
    free(entries);
    buf_destroy(&store);
    buf_destroy(&line);
    buf_destroy(&msg);
    buf_destroy(&out);
    free(text);
}

static void
cmd_parse_flow(int argc NF_UNUSED, char *argv[])
{
    parse_flows(NULL, argv[1], NULL);
}

static void
cmd_parse_flows(int argc NF_UNUSED, char *argv[])
{
    parse_flows(argv[1], NULL, NULL);
}

static void
cmd_encode_flows(int argc NF_UNUSED, char *argv[])
{
    FILE *f = fopen(argv[2], "wb");

    if (!f) {
        ofctl_fatal("%s: open failed (%s)", argv[2], nf_strerror(errno));
    }
    parse_flows(argv[1], NULL, f);
    if (fclose(f)) {
        ofctl_fatal("%s: write failed (%s)", argv[2], nf_strerror(errno));
    }
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

        if (len < 8 || len > data.len - ofs) {
            ofctl_fatal("%s: message at offset %zu has bad length %zu",
                        argv[1], ofs, len);
        }
        buf_clear(&out);
        /* Every message prints as ofp-print shows it; a flow-mod's table
         * in a 1.0 command is accepted, as ovs-ofctl's printer does. */
        of_msg_format_raw(p, len, &out);
        buf_put_char(&out, '\n');
        fwrite(out.data, 1, out.len, stdout);
        ofs += len;
    }
    buf_destroy(&data);
    buf_destroy(&out);
}

const struct ofctl_command ofctl_dev_commands[] = {
    { "parse-flow", "FLOW                 print FLOW as flow-mod message", 1,
      1, cmd_parse_flow },
    { "parse-flows", "FILE               print FILE's flows as flow-mods", 1,
      1, cmd_parse_flows },
    { "encode-flows", "FILE OUT          write FILE's flow-mods to OUT", 2, 2,
      cmd_encode_flows },
    { "ofp-parse", "FILE                 print messages read from FILE", 1, 1,
      cmd_ofp_parse },
    { NULL, NULL, 0, 0, NULL },
};
