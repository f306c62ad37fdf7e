/* ofctl-bench: OpenFlow codec throughput, one core.
 *
 *   ofctl-bench FLOWS-FILE [--seconds=S]
 *
 * Parses every flow of the file (flows/s), then for OpenFlow 1.0 (NXM
 * with table ids, as ovs-ofctl would send these flows), 1.3 and 1.5
 * encodes all of them as flow-mods again and again for S seconds
 * (messages/s), and decodes the encoded messages likewise, checking that
 * each decodes.  Prints one JSON object.  There is no Open vSwitch
 * counterpart to link against; tests/bench/ofctl.sh compares the
 * command-line programs instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "ofctl/ofp-flow.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
    double seconds = 2;
    const char *file = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--seconds=", 10)) {
            seconds = atof(argv[i] + 10);
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        fprintf(stderr, "usage: %s FLOWS-FILE [--seconds=S]\n", argv[0]);
        return 1;
    }
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        return 1;
    }

    struct of_flow *flows = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    double t0 = now();
    while (getline(&line, &lcap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            flows = xrealloc(flows, cap * sizeof *flows);
        }
        char *err = of_flow_parse(&flows[n], line, OF_FLOW_ADD, NULL, NULL);
        if (err) {
            fprintf(stderr, "%s: %s\n", line, err);
            return 1;
        }
        n++;
    }
    double parse_rate = n / (now() - t0);
    fclose(f);
    free(line);

    static const struct {
        enum of_protocol p;
        const char *name;
    } protos[] = {
        { OF_PROTO_NXM_TID, "of10_nxm" },
        { OF_PROTO_OF13, "of13" },
        { OF_PROTO_OF15, "of15" },
    };
    printf("{\"flows\": %zu, \"parse_flows_per_sec\": %.0f", n, parse_rate);
    for (size_t pi = 0; pi < ARRAY_SIZE(protos); pi++) {
        struct buf *msgs = xcalloc(n, sizeof *msgs);
        size_t done = 0;
        double start = now(), t;

        /* Encoding. */
        do {
            for (size_t i = 0; i < n; i++) {
                struct of_flow_mod fm = { .flow = flows[i],
                                          .command = OF_FLOW_ADD,
                                          .buffer_id = UINT32_MAX,
                                          .new_cookie = UINT64_MAX };
                if (of_flow_mod_encode(&fm, protos[pi].p, (uint32_t) i,
                                       &msgs[i])) {
                    fprintf(stderr, "flow %zu does not encode\n", i);
                    return 1;
                }
            }
            done += n;
            t = now() - start;
        } while (t < seconds);
        double enc_rate = done / t;

        /* Decoding. */
        done = 0;
        start = now();
        do {
            for (size_t i = 0; i < n; i++) {
                struct of_msg m;
                struct of_flow_mod fm;
                if (of_msg_decode(msgs[i].data, msgs[i].len, &m)
                    || of_flow_mod_decode(&m, true, &fm)) {
                    fprintf(stderr, "message %zu does not decode\n", i);
                    return 1;
                }
                of_flow_destroy(&fm.flow);
            }
            done += n;
            t = now() - start;
        } while (t < seconds);
        double dec_rate = done / t;

        printf(", \"%s_encode_msgs_per_sec\": %.0f, \"%s_decode_msgs_per_sec\""
               ": %.0f",
               protos[pi].name, enc_rate, protos[pi].name, dec_rate);
        for (size_t i = 0; i < n; i++) {
            buf_destroy(&msgs[i]);
        }
        free(msgs);
    }
    printf("}\n");
    for (size_t i = 0; i < n; i++) {
        of_flow_destroy(&flows[i]);
    }
    free(flows);
    return 0;
}
