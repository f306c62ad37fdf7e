/* Tests of Geneve options in the userspace datapath: tnl_pop keeping them
 * (softpath/dp-execute-tnl.c), the datapath flow key's
 * OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS and its text (softpath/odp.c,
 * odp-format.c, odp-parse.c, odp-geneve.c) and tnl_push headers with
 * options. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "lib/coverage.h"
#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/dp-execute.h"
#include "softpath/odp.h"

#define MAC2 "eth(dst=00:00:00:00:00:02,src=00:00:00:00:00:01,"

/* A Geneve tnl_push over IPv4 with no options, vport 11. */
#define GN4_PLAIN                                                          \
    "tnl_push(tnl_port(11),header(size=50,type=5," MAC2 "dl_type=0x0800)," \
    "ipv4(src=1.1.1.1,dst=1.1.1.2,proto=17,tos=0,ttl=64,frag=0x4000),"     \
    "udp(src=0,dst=6081,csum=0x0),geneve(vni=0x7b)),out_port(1))"

struct capture {
    struct pkt *out;
    struct pkt *recirc;
    size_t n_out, n_recirc;
};

static void
cap_output(void *aux, struct pkt *p, uint32_t port NF_UNUSED)
{
    struct capture *c = aux;

    assert_null(c->out);
    c->out = p;
    c->n_out++;
}

static void
cap_recirc(void *aux, struct pkt *p, uint32_t id NF_UNUSED)
{
    struct capture *c = aux;

    assert_null(c->recirc);
    c->recirc = p;
    c->n_recirc++;
}

static bool
cap_tnl_port(void *aux NF_UNUSED, uint32_t port, uint32_t *type,
             uint16_t *dst_port)
{
    if (port != 11) {
        return false;
    }
    *type = ODP_TNL_TYPE_GENEVE;
    *dst_port = 6081;
    return true;
}

static void
run(struct capture *c, struct pkt *p, const void *acts, size_t len)
{
    struct dp_execute_hooks h = { .output = cap_output,
                                  .recirc = cap_recirc,
                                  .aux = c };
    struct dp_execute_tnl tnl = { .tnl_port = cap_tnl_port,
                                  .src_min = 50000,
                                  .src_max = 50000 };

    memset(c, 0, sizeof *c);
    dp_execute_actions_tnl(p, acts, len, &h, &tnl);
}

static struct pkt *
make_inner(void)
{
    struct pkt *p = pkt_new(200, PKT_DEFAULT_HEADROOM);
    struct flow f;

    memset(&f, 0, sizeof f);
    memcpy(f.dl_src.ea, "\x00\x11\x22\x33\x44\x55", 6);
    memcpy(f.dl_dst.ea, "\x00\x66\x77\x88\x99\xaa", 6);
    f.dl_type = htons(0x0800);
    f.nw_src = htonl(0x0a000001);
    f.nw_dst = htonl(0x0a000002);
    f.nw_proto = 17;
    f.nw_ttl = 64;
    f.tp_src = htons(1000);
    f.tp_dst = htons(53);
    assert_int_equal(flow_compose(p, &f, 22), 0);
    return p;
}

/* The GN4_PLAIN push with OPTS (LEN bytes) added. */
static void
push_with(struct odp_action_push_tnl *push, const uint8_t *opts, size_t len)
{
    struct buf acts = BUF_INITIALIZER;
    const struct nlattr *a;

    assert_int_equal(odp_actions_from_string(GN4_PLAIN, &acts, NULL), 0);
    a = (const struct nlattr *) acts.data;
    memset(push, 0, sizeof *push);
    memcpy(push, a + 1, a->nla_len - NLA_HDRLEN);
    buf_destroy(&acts);
    assert_int_equal(odp_tnl_push_add_geneve_opts(push, opts, len), 0);
}

/* Encapsulates a fresh inner frame with PUSH and returns the frame. */
static struct pkt *
encap(const struct odp_action_push_tnl *push)
{
    struct buf acts = BUF_INITIALIZER;
    struct capture c;

    odp_put_tnl_push(&acts, push);
    run(&c, make_inner(), acts.data, acts.len);
    buf_destroy(&acts);
    assert_int_equal(c.n_out, 1);
    return c.out;
}

/* Runs tnl_pop(11) on P; returns the decapsulated packet or NULL. */
static struct pkt *
pop(struct pkt *p)
{
    struct buf acts = BUF_INITIALIZER;
    struct capture c;

    odp_put_tnl_pop(&acts, 11);
    run(&c, p, acts.data, acts.len);
    buf_destroy(&acts);
    assert_int_equal(c.n_out, 0);
    return c.recirc;
}

static const uint8_t opt1[] = {
    0xff, 0xff, 0x00, 0x01, 0x00, 0x00, 0x12, 0x34
};
static const uint8_t opts3[] = {
    0x01, 0x02, 0x80, 0x01, 0x0a, 0x0b, 0x0c, 0x0d, /* critical */
    0xff, 0xff, 0x00, 0x00,                         /* no data */
    0x00, 0x07, 0x05, 0x02, 1,    2,    3,    4,    5, 6, 7, 8,
};

/* tnl_push puts the options on the wire: opt_len, C bit, bytes. */
static void
test_push_opts(void **state NF_UNUSED)
{
    struct odp_action_push_tnl push;
    struct buf txt = BUF_INITIALIZER, acts = BUF_INITIALIZER;

    push_with(&push, opts3, sizeof opts3);
    assert_int_equal(push.header_len, 50 + sizeof opts3);
    odp_put_tnl_push(&acts, &push);
    odp_actions_format(&txt, acts.data, acts.len);
    buf_put_char(&txt, '\0');
    assert_string_equal(
        (char *) txt.data,
        "tnl_push(tnl_port(11),header(size=74,type=5," MAC2 "dl_type=0x0800),"
        "ipv4(src=1.1.1.1,dst=1.1.1.2,proto=17,tos=0,ttl=64,frag=0x4000),"
        "udp(src=0,dst=6081,csum=0x0),geneve(crit,vni=0x7b,options("
        "{class=0x102,type=0x80,len=4,0xa0b0c0d}{class=0xffff,type=0,len=0}"
        "{class=0x7,type=0x5,len=8,0x102030405060708}))),out_port(1))");
    buf_destroy(&txt);
    buf_destroy(&acts);

    struct pkt *e = encap(&push);
    const uint8_t *g = e->data + 14 + 20 + 8;
    assert_int_equal(g[0], sizeof opts3 / 4);
    assert_int_equal(g[1], 0x40);
    assert_memory_equal(g + 8, opts3, sizeof opts3);
    /* UDP length covers the options. */
    assert_int_equal((e->data[14 + 20 + 4] << 8) | e->data[14 + 20 + 5],
                     e->size - 14 - 20);
    pkt_delete(e);

    /* Refusals: not whole TLVs; more than 252 bytes; not Geneve. */
    push_with(&push, NULL, 0);
    uint8_t big[256];
    memset(big, 0, sizeof big);
    big[3] = 0x1f; /* 4 + 124 */
    big[128 + 3] = 0x1f;
    assert_int_equal(odp_tnl_push_add_geneve_opts(&push, opt1, 6), EINVAL);
    assert_int_equal(odp_tnl_push_add_geneve_opts(&push, big, 256), EINVAL);
    assert_int_equal(odp_tnl_push_add_geneve_opts(&push, big, 128), 0);
    assert_int_equal(odp_tnl_push_add_geneve_opts(&push, big, 128), EMSGSIZE);
    push.tnl_type = ODP_TNL_TYPE_VXLAN;
    assert_int_equal(odp_tnl_push_add_geneve_opts(&push, opt1, 8), EINVAL);
}

/* tnl_pop keeps the options (one, several, critical ones) as the packet's
 * tunnel metadata. */
static void
test_pop_opts(void **state NF_UNUSED)
{
    static const struct {
        const uint8_t *opts;
        size_t len;
    } cases[] = {
        { NULL, 0 },
        { opt1, sizeof opt1 },
        { opts3, sizeof opts3 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct odp_action_push_tnl push;
        push_with(&push, cases[i].opts, cases[i].len);
        struct pkt *p = pop(encap(&push));
        assert_non_null(p);
        assert_int_equal(p->tunnel.opts.len, cases[i].len);
        if (cases[i].len) {
            assert_memory_equal(p->tunnel.opts.data, cases[i].opts,
                                cases[i].len);
        }
        assert_int_equal(p->tunnel.opts.present, 0);
        assert_true(p->tunnel.tun_id == PKT_HTONLL(0x7b));

        /* The flow key carries them too. */
        struct flow f;
        flow_extract(p, &f);
        assert_memory_equal(&f.tunnel.opts, &p->tunnel.opts,
                            sizeof f.tunnel.opts);
        pkt_delete(p);
    }
}

/* Options that do not fit their area are dropped and counted. */
static void
test_pop_truncated(void **state NF_UNUSED)
{
    struct odp_action_push_tnl push;
    unsigned long long before = coverage_get("tnl_pop_geneve_opts_truncated");

    push_with(&push, opts3, sizeof opts3);
    struct pkt *e = encap(&push);
    /* The last option claims 3 words of data where 2 are left. */
    e->data[14 + 20 + 8 + 8 + 12 + 3] = 0x03;
    assert_null(pop(e));
    assert_int_equal(coverage_get("tnl_pop_geneve_opts_truncated"),
                     before + 1);

    /* opt_len larger than what follows the header. */
    e = encap(&push);
    e->data[14 + 20 + 8] = 0x3f;
    assert_null(pop(e));
    assert_int_equal(coverage_get("tnl_pop_geneve_opts_truncated"),
                     before + 2);
}

/* A tunnel flow with options: key and mask attributes, text, parse. */
static void
test_key_round_trip(void **state NF_UNUSED)
{
    struct flow f, m, f2, m2;
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf txt = BUF_INITIALIZER;
    char *err = NULL;

    memset(&f, 0, sizeof f);
    memset(&m, 0, sizeof m);
    f.in_port = 3;
    f.dl_type = htons(0x0800);
    f.tunnel.tun_id = PKT_HTONLL(0x7b);
    f.tunnel.ip_src = htonl(0x01010101);
    f.tunnel.ip_dst = htonl(0x01010102);
    f.tunnel.ttl = 64;
    f.tunnel.flags = PKT_TUN_F_KEY | PKT_TUN_F_CSUM;
    f.tunnel.opts.len = sizeof opts3;
    memcpy(f.tunnel.opts.data, opts3, sizeof opts3);

    m.in_port = UINT32_MAX;
    m.recirc_id = UINT32_MAX;
    m.dl_type = 0xffff;
    m.tunnel.tun_id = UINT64_MAX;
    m.tunnel.ip_src = UINT32_MAX;
    m.tunnel.ip_dst = UINT32_MAX;
    m.tunnel.flags = PKT_TUN_F_KEY | PKT_TUN_F_CSUM | PKT_TUN_F_DONT_FRAGMENT;
    /* Every header exactly; the first option's data; the third's low
     * half. */
    m.tunnel.opts.len = 0xff;
    memset(m.tunnel.opts.data, 0xff, 8);
    memset(m.tunnel.opts.data + 8, 0xff, 4);
    memset(m.tunnel.opts.data + 12, 0xff, 4);
    memset(m.tunnel.opts.data + 20, 0xff, 4);

    odp_flow_to_key(&key, &f, &m);
    odp_flow_to_mask(&mask, &f, &m);
    odp_flow_format(&txt, key.data, key.len, mask.data, mask.len);
    buf_put_char(&txt, '\0');
    assert_string_equal(
        (char *) txt.data,
        "recirc_id(0),tunnel(tun_id=0x7b,src=1.1.1.1,dst=1.1.1.2,"
        "geneve({class=0x102,type=0x80,len=4,0xa0b0c0d}"
        "{class=0xffff,type=0,len=0}"
        "{class=0x7,type=0x5,len=8,0x5060708/0xffffffff}),"
        "flags(-df+csum+key)),in_port(3),eth(),eth_type(0x0800)");

    /* And back: the same flow and mask. */
    struct buf k2 = BUF_INITIALIZER, m2b = BUF_INITIALIZER;
    if (odp_flow_from_string((char *) txt.data, &k2, &m2b, &err)) {
        fail_msg("%s", err);
    }
    assert_int_equal(odp_key_to_flow(k2.data, k2.len, &f2, &err), 0);
    assert_int_equal(odp_mask_to_flow(m2b.data, m2b.len, &m2, &err), 0);
    assert_int_equal(f2.tunnel.opts.len, sizeof opts3);
    assert_memory_equal(f2.tunnel.opts.data, opts3, 12 + 4);
    /* The masked-out bytes come back as zero. */
    assert_memory_equal(f2.tunnel.opts.data + 16, "\0\0\0\0\x05\x06\x07\x08",
                        8);
    assert_int_equal(m2.tunnel.opts.len, 0xff);
    assert_memory_equal(&m2.tunnel.opts, &m.tunnel.opts, sizeof m.tunnel.opts);

    /* An exact key (no mask) prints without masks, and a packet without
     * options but with its options matched says so: geneve(). */
    buf_clear(&txt);
    buf_clear(&key);
    odp_flow_to_key(&key, &f, NULL);
    odp_flow_format(&txt, key.data, key.len, NULL, 0);
    buf_put_char(&txt, '\0');
    assert_non_null(strstr((char *) txt.data,
                           "geneve({class=0x102,type=0x80,len=4,0xa0b0c0d}"
                           "{class=0xffff,type=0,len=0}{class=0x7,type=0x5,"
                           "len=8,0x102030405060708})"));
    f.tunnel.opts.len = 0;
    memset(f.tunnel.opts.data, 0, sizeof f.tunnel.opts.data);
    memset(m.tunnel.opts.data, 0, sizeof m.tunnel.opts.data);
    buf_clear(&txt);
    buf_clear(&key);
    buf_clear(&mask);
    odp_flow_to_key(&key, &f, &m);
    odp_flow_to_mask(&mask, &f, &m);
    odp_flow_format(&txt, key.data, key.len, mask.data, mask.len);
    buf_put_char(&txt, '\0');
    assert_non_null(strstr((char *) txt.data, ",geneve(),flags("));

    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&txt);
    buf_destroy(&k2);
    buf_destroy(&m2b);
}

/* Text with a Geneve option matched on part of its fields, as Open
 * vSwitch's dpctl writes it, and what is refused. */
static void
test_parse(void **state NF_UNUSED)
{
    static const char *const good[] = {
        "tunnel(tun_id=0x7b,dst=1.1.1.2,geneve({class=0xffff,type=0,len=4,"
        "0x1234}),flags(+key)),in_port(3)",
        "tunnel(geneve({class=0xffff/0xff00,len=4,0x1234/0xff00}),"
        "tun_id=0x7b),in_port(3)",
        "tunnel(tun_id=0x7b,geneve()),in_port(3)",
    };
    static const char *const bad[] = {
        "tunnel(geneve({class=0x1,type=0,len=3,0x1})),in_port(3)",
        "tunnel(geneve({class=0x1,type=0,len=4,0x1234567890})),in_port(3)",
        "tunnel(geneve({class=0x1,type=0,len=4,0x1)),in_port(3)",
        "tunnel(geneve({class=0x10000,type=0,len=4,0x1})),in_port(3)",
    };

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        struct buf k = BUF_INITIALIZER, m = BUF_INITIALIZER;
        struct flow f, fm;
        char *err = NULL;
        if (odp_flow_from_string(good[i], &k, &m, &err)) {
            fail_msg("%s: %s", good[i], err);
        }
        assert_int_equal(odp_key_to_flow(k.data, k.len, &f, &err), 0);
        assert_int_equal(odp_mask_to_flow(m.data, m.len, &fm, &err), 0);
        assert_int_equal(fm.tunnel.opts.len, 0xff);
        assert_true(f.tunnel.tun_id == PKT_HTONLL(0x7b));
        if (i < 2) {
            assert_int_equal(f.tunnel.opts.len, 8);
            assert_int_equal(f.tunnel.opts.data[3], 1);
        } else {
            assert_int_equal(f.tunnel.opts.len, 0);
        }
        if (i == 1) {
            /* class 0xff00 of 0xffff, type not matched, length exact. */
            assert_memory_equal(fm.tunnel.opts.data,
                                "\xff\x00\x00\xff\x00\x00\xff\x00", 8);
            assert_memory_equal(f.tunnel.opts.data,
                                "\xff\x00\x00\x01\x00\x00\x12\x00", 8);
        }
        buf_destroy(&k);
        buf_destroy(&m);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct buf k = BUF_INITIALIZER, m = BUF_INITIALIZER;
        char *err = NULL;
        assert_int_equal(odp_flow_from_string(bad[i], &k, &m, &err), EINVAL);
        assert_non_null(err);
        free(err);
        buf_destroy(&k);
        buf_destroy(&m);
    }

    /* A key whose options are not whole TLVs is refused by the decoder. */
    struct buf k = BUF_INITIALIZER;
    struct flow f;
    char *err = NULL;
    size_t t = odp_put_nested_start(&k, OVS_KEY_ATTR_TUNNEL);
    struct nlattr *a = buf_put_zeros(&k, NLA_HDRLEN + 8);
    a->nla_type = OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS;
    a->nla_len = NLA_HDRLEN + 8;
    ((uint8_t *) (a + 1))[3] = 2; /* 8 bytes of data claimed, 4 there. */
    odp_put_nested_end(&k, t);
    assert_int_equal(odp_key_to_flow(k.data, k.len, &f, &err), EINVAL);
    assert_non_null(strstr(err, "geneve"));
    free(err);
    buf_destroy(&k);
}

/* set(tunnel(...)) with options, as the kernel datapath's Geneve output
 * gets them; the executor's set takes them into the packet. */
static void
test_set_tunnel(void **state NF_UNUSED)
{
    struct pkt_tunnel t;
    struct buf acts = BUF_INITIALIZER, txt = BUF_INITIALIZER;

    memset(&t, 0, sizeof t);
    t.tun_id = PKT_HTONLL(5);
    t.ip_dst = htonl(0x0a000009);
    t.ttl = 64;
    t.tp_dst = htons(6081);
    t.flags = PKT_TUN_F_KEY;
    t.opts.len = sizeof opt1;
    memcpy(t.opts.data, opt1, sizeof opt1);
    odp_put_set_tunnel(&acts, &t);
    odp_actions_format(&txt, acts.data, acts.len);
    buf_put_char(&txt, '\0');
    assert_string_equal((char *) txt.data,
                        "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,"
                        "tp_dst=6081,geneve({class=0xffff,type=0,len=4,"
                        "0x1234}),flags(key)))");
    assert_int_equal(odp_actions_validate(acts.data, acts.len, NULL), 0);

    struct capture c;
    run(&c, make_inner(), acts.data, acts.len);
    assert_int_equal(c.n_out + c.n_recirc, 0);
    buf_destroy(&txt);

    /* And parsed back from the text, the same bytes. */
    struct buf acts2 = BUF_INITIALIZER;
    char *err = NULL;
    if (odp_actions_from_string("set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,"
                                "tp_dst=6081,geneve({class=0xffff,type=0,"
                                "len=4,0x1234}),flags(key))),2",
                                &acts2, &err)) {
        fail_msg("%s", err);
    }
    run(&c, make_inner(), acts2.data, acts2.len);
    assert_int_equal(c.n_out, 1);
    assert_int_equal(c.out->tunnel.opts.len, sizeof opt1);
    assert_memory_equal(c.out->tunnel.opts.data, opt1, sizeof opt1);
    pkt_delete(c.out);
    buf_destroy(&acts);
    buf_destroy(&acts2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_opts),
        cmocka_unit_test(test_pop_opts),
        cmocka_unit_test(test_pop_truncated),
        cmocka_unit_test(test_key_round_trip),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_set_tunnel),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
