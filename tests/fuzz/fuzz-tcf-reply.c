/* Fuzz target: tc-flower's parsers of kernel replies.
 *
 * The input, less its first byte, is one netlink datagram (a stream of
 * messages) as the kernel would send it; the first byte picks where it
 * goes:
 *   0  the ack/echo matcher of a batch (tcf_nl_dispatch()) for four
 *      requests with sequence numbers 1..4;
 *   1  the dump handler (tcf_nl_dump_dispatch()) for a dump with
 *      sequence number 1;
 *   2  each message, whatever its type, into every message parser:
 *      acks, filters, links, devlink ports.
 * The buffer is exactly the input's size, so a read past it is caught.
 * Every filter that parses is printed, compared, counted and checked for
 * ownership, and, where it can be built again, goes through a build ->
 * parse -> build round whose two messages must be the same bytes.
 *
 * Seeds dump-tunnel-encap and dump-tunnel-decap are dumps of a real 6.1
 * kernel (tests/vm/t-tcf-tunnel.sh, tcf-driver's raw-dump): an encap
 * filter (tunnel_key set, mirred to a vxlan device) and a decap filter
 * (enc_* keys, tunnel_key unset first) after a foreign one.  Seeds
 * dump-geneve-opts-decap and dump-geneve-opts-encap likewise
 * (tests/vm/t-tcf-geneve-opts.sh): a decap filter matching two Geneve
 * options and an encap filter setting one, in the kernel's shape (every
 * option in one ENC_OPTS_GENEVE nest); request-geneve-opts (mode 2) is a
 * request of ours with options in the match and in a tunnel_key set, one
 * nest per option. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-nl.h"
#include "tc-flower/tcf-rep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tcf_filter ref, again;

/* Whether F has only what the builder can write. */
static bool
buildable(const struct tcf_filter *f)
{
    if (!f->n_actions || f->n_actions > TCF_MAX_ACTIONS) {
        return false;
    }
    for (size_t i = 0; i < f->n_actions; i++) {
        const struct tcf_action *a = &f->actions[i];
        if (a->type == TCF_A_OTHER || a->type == TCF_A_GACT
            || a->cookie_len > TCF_COOKIE_LEN
            || (a->type == TCF_A_PEDIT
                && (!a->pedit.n_keys
                    || a->pedit.n_keys > TCF_PEDIT_MAX_KEYS))) {
            return false;
        }
    }
    return true;
}

static void
exercise(const struct tcf_filter *f)
{
    static uint8_t m1[16384], m2[16384];
    struct buf text = BUF_INITIALIZER;
    struct offload_ufid ufid;
    uint64_t packets, bytes, hw;
    long long ago;
    char what[64];

    tcf_filter_format(&text, f);
    buf_destroy(&text);
    (void) tcf_filter_is_ours(f, f->parent, &ufid);
    (void) tcf_filter_agrees(&ref, f, what, sizeof what);
    (void) tcf_filter_agrees(f, &ref, what, sizeof what);
    tcf_filter_counters(f, &packets, &bytes, &hw, &ago);

    if (!buildable(f)) {
        return;
    }
    size_t n1 = tcf_msg_new_filter(m1, sizeof m1, 1, 0, f);
    if (!n1) {
        return;
    }
    if (tcf_msg_parse_filter((const struct nlmsghdr *) m1, &again)) {
        abort(); /* Our own message must parse. */
    }
    size_t n2 = tcf_msg_new_filter(m2, sizeof m2, 1, 0, &again);
    if (n1 != n2 || memcmp(m1, m2, n1)) {
        abort(); /* One round normalises; a second changes nothing. */
    }
}

static void
dump_cb(const struct tcf_filter *f, void *aux)
{
    (void) aux;
    exercise(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tcf_filter echoes[4], scratch;
    static bool inited;

    if (!size) {
        return 0;
    }
    if (!inited) {
        /* Something to compare with: one of ours. */
        tcf_filter_init(&ref, 3);
        ref.prio = TCF_PRIO_MIN;
        ref.handle = 1;
        ref.n_actions = 1;
        ref.actions[0].type = TCF_A_DROP;
        ref.actions[0].cookie_len = TCF_COOKIE_LEN;
        inited = true;
    }
    uint8_t mode = data[0] % 3;
    size--;
    uint8_t *buf = xmemdup(data + 1, size);

    if (mode == 0) {
        struct tcf_req reqs[4];
        memset(reqs, 0, sizeof reqs);
        for (int i = 0; i < 4; i++) {
            reqs[i].echo = &echoes[i];
        }
        size_t acked = tcf_nl_dispatch(buf, size, reqs, 4, 1);
        if (acked > 4) {
            abort();
        }
        for (int i = 0; i < 4; i++) {
            if (reqs[i].echoed) {
                exercise(&echoes[i]);
            }
            if (reqs[i].acked && reqs[i].ack.error < 0) {
                abort();
            }
        }
    } else if (mode == 1) {
        struct tcf_ack ack;
        int r =
            tcf_nl_dump_dispatch(buf, size, 1, dump_cb, NULL, &scratch, &ack);
        if (r < EOF) {
            abort();
        }
    } else {
        const uint8_t *p = buf;
        size_t left = size;
        const struct nlmsghdr *nlh;
        while ((nlh = tcf_msg_next(&p, &left, NULL))) {
            struct tcf_ack ack;
            struct offload_representor rep;
            (void) tcf_msg_parse_ack(nlh, &ack);
            if (!tcf_msg_parse_filter(nlh, &scratch)) {
                exercise(&scratch);
            }
            /* Shared actions (police actions of meters) from a dump. */
            struct tcf_action acts[4];
            size_t n_acts = 0;
            (void) tcf_msg_parse_actions(nlh, acts, 4, &n_acts);
            tcf_rep_init(&rep);
            (void) tcf_rep_parse_link(nlh, &rep);
            (void) tcf_rep_parse_devlink_port(nlh, 1, &rep);
            if (rep.port_name[sizeof rep.port_name - 1]) {
                abort();
            }
            (void) offload_representor_parse_name(rep.port_name, &rep);
        }
    }
    free(buf);
    return 0;
}
