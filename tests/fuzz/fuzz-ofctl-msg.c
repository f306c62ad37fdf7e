/* Fuzz target: the OpenFlow message decoders, the switch's view of what
 * a controller sends.
 *
 * The input is one message, whose header is forced to be consistent (its
 * length field says the input's length, so the fuzzer explores bodies
 * rather than framing, which of_msg_decode() checks first anyway) and
 * whose version byte is taken mod 7.  Every message is decoded and printed
 * through of_msg_format(), which reaches every decoder of the library.  A
 * flow-mod that decodes must encode again in its own protocol, and that
 * encoding must decode to a flow that prints the same: the decoder
 * accepts nothing the encoder cannot say back.  The same holds for the
 * TLV table messages, whose encoding is exactly the bytes received (their
 * pad bytes aside, which decoders ignore as Open vSwitch does).  The buffer is exactly the input's size, so
 * ASan catches any read past the message. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-print.h"
#include "ofctl/ofp-tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The protocol a decoded flow-mod came in. */
static enum of_protocol
protocol_of(const struct of_msg *m)
{
    if (m->type == OF_T_NXT_FLOW_MOD) {
        return OF_PROTO_NXM_TID;
    }
    switch (m->version) {
    case OF_V10:
        return OF_PROTO_OF10_TID;
    case OF_V13:
        return OF_PROTO_OF13;
    case OF_V14:
        return OF_PROTO_OF14;
    default:
        return OF_PROTO_OF15;
    }
}

/* Encodes FM in protocol P into B and decodes it back into *OUT; aborts
 * if either fails. */
static void
round_trip(const struct of_flow_mod *fm, enum of_protocol p, uint32_t xid,
           struct buf *b, struct of_flow_mod *out)
{
    struct of_msg m;

    if (of_flow_mod_encode(fm, p, xid, b)) {
        /* Only what OpenFlow 1.0 cannot carry (1.1+ instructions) may fail
         * to encode, and a 1.0 message cannot have decoded to those. */
        abort();
    }
    if (of_msg_decode(b->data, b->len, &m)
        || of_flow_mod_decode(&m, true, out)) {
        abort();
    }
}

/* MATCH printed after the one rewrite of its meaning that a round trip may
 * make: a match on "no 802.1Q header" (CFI 0 under the mask, no other bit
 * of the value set) says the same with any mask that keeps CFI — an
 * untagged frame's TCI is all zero — and OpenFlow 1.2+ can only say it as
 * vlan_vid=0, which decodes with mask 0x1fff (Open vSwitch does the same:
 * its NXM vlan_tci=0x0000 comes back from OXM as 0x0000/0x1fff).  The
 * caller frees the string. */
static char *
match_meaning(const struct of_match *match, uint16_t priority)
{
    struct of_match m = *match;
    uint16_t cfi = htons(0x1000);

    if ((m.mask.vlans[0].tci & cfi) && !(m.flow.vlans[0].tci & cfi)
        && !(m.flow.vlans[0].tci & m.mask.vlans[0].tci)) {
        m.flow.vlans[0].tci = 0;
        m.mask.vlans[0].tci = UINT16_MAX;
    }
    return of_match_to_string(&m, priority);
}

/* A flow-mod that decodes encodes again; that encoding decodes to a flow
 * with the same match, and is a fixed point (a second round gives the
 * same bytes and the same text).  Equal meaning rather than equal bytes on
 * the first round, because a few spellings have one meaning (a
 * tun_metadata value with leading zero bytes, load vs masked set_field in
 * 1.5, ...). */
static void
check_flow_mod(const struct of_msg *m)
{
    struct of_flow_mod fm, fm2, fm3;
    struct buf b1 = BUF_INITIALIZER, b2 = BUF_INITIALIZER;
    enum of_protocol p = protocol_of(m);

    if (of_flow_mod_decode(m, true, &fm)) {
        of_flow_destroy(&fm.flow);
        return;
    }
    round_trip(&fm, p, m->xid, &b1, &fm2);
    round_trip(&fm2, p, m->xid, &b2, &fm3);
    if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len)) {
        abort();
    }
    /* The match means the same after a round; the whole flow prints the
     * same from the first round on (an action may change spelling once:
     * a 1.5 load of some bits comes back as a masked set_field). */
    char *m1 = match_meaning(&fm.flow.match, fm.flow.priority);
    char *m2 = match_meaning(&fm2.flow.match, fm2.flow.priority);
    char *s2 = of_flow_to_string(&fm2.flow, OF_FLOW_FMT_FLAGS);
    char *s3 = of_flow_to_string(&fm3.flow, OF_FLOW_FMT_FLAGS);
    if (strcmp(m1, m2) || strcmp(s2, s3) || fm.command != fm2.command) {
        abort();
    }
    free(m1);
    free(m2);
    free(s2);
    free(s3);
    of_flow_destroy(&fm3.flow);
    of_flow_destroy(&fm2.flow);
    of_flow_destroy(&fm.flow);
    buf_destroy(&b1);
    buf_destroy(&b2);
}

/* A TLV table mod or reply that decodes encodes to the same bytes, pad
 * and reserved bytes zeroed. */
static void
check_tlv(const struct of_msg *m)
{
    struct buf b = BUF_INITIALIZER;
    uint8_t *want = xmemdup(m->data, m->len);
    size_t fixed = m->type == OF_T_NXT_TLV_TABLE_MOD ? 8 : 16;
    size_t body = (size_t) (m->body - m->data);

    if (m->type == OF_T_NXT_TLV_TABLE_MOD) {
        struct of_tlv_table_mod tm;
        if (of_tlv_table_mod_decode(m, &tm)) {
            goto out;
        }
        of_tlv_table_mod_encode(&b, m->version, m->xid, &tm);
        of_tlv_maps_destroy(&tm.maps);
        memset(want + body + 2, 0, 6);
    } else {
        struct of_tlv_table_reply r;
        if (of_tlv_table_reply_decode(m, &r)) {
            goto out;
        }
        of_tlv_table_reply_encode(&b, m->version, m->xid, &r);
        of_tlv_maps_destroy(&r.maps);
        memset(want + body + 6, 0, 10);
    }
    for (size_t at = body + fixed; at + 8 <= m->len; at += 8) {
        memset(want + at + 6, 0, 2);
    }
    if (b.len != m->len || memcmp(b.data, want, b.len)) {
        abort();
    }
out:
    free(want);
    buf_destroy(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out = BUF_INITIALIZER;
    struct of_msg m;
    uint8_t *p;

    if (size < 8 || size > 65535) {
        return 0;
    }
    p = xmemdup(data, size);
    p[0] %= 7;
    of_put16(p + 2, (uint16_t) size);

    if (!of_msg_decode(p, size, &m)) {
        of_msg_format(&m, &out);
        if (m.type == OF_T_FLOW_MOD || m.type == OF_T_NXT_FLOW_MOD) {
            check_flow_mod(&m);
        } else if (m.type == OF_T_NXT_TLV_TABLE_MOD
                   || m.type == OF_T_NXT_TLV_TABLE_REPLY) {
            check_tlv(&m);
        }
    }
    buf_destroy(&out);
    free(p);
    return 0;
}
