/* Unit tests for the counters of tap PMD rules (rteflow/rtf-tapstats.c):
 * the parser of the kernel's filter dumps, on dumps built here with
 * libmnl as the kernel writes them (a flower filter with a gact action and
 * its statistics), other filters, the dump's end, error replies and
 * malformed messages.  Reading a real device's filters is tested in the VM
 * lab (tests/vm/t-dpdk.sh).  Built with DPDK only, like the provider. */
#include "config.h"

#include <stdio.h>

#ifndef HAVE_DPDK
int
main(void)
{
    printf("1..1\nok 1 - rtf-tapstats # SKIP DPDK not found (libdpdk-dev)\n");
    return 0;
}
#else
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>

#include "rteflow/rtf-tapstats.h"

static uint64_t buf[1024];

/* What a parse found for one handle. */
struct find {
    uint32_t handle;
    bool *found;
    struct rtf_tc_count *c;
    size_t n_filters; /* Every flower filter the parse reported. */
};

static void
find_cb(uint32_t handle, const struct rtf_tc_count *c, void *aux_)
{
    struct find *aux = aux_;

    aux->n_filters++;
    if (handle == aux->handle && c) {
        *aux->found = true;
        *aux->c = *c;
    }
}

/* rtf_tapstats_parse() looking for HANDLE. */
static int
parse(const uint8_t *b, size_t len, uint32_t seq, uint32_t handle, bool *found,
      struct rtf_tc_count *c)
{
    struct find aux = { .handle = handle, .found = found, .c = c };
    return rtf_tapstats_parse(b, len, seq, find_cb, &aux);
}

/* Appends to the datagram at BUF (LEN bytes so far) a filter message
 * with HANDLE, kind KIND and, if STATS, a gact action with counters
 * PACKETS/BYTES (with the 64-bit packet count if PKT64).  Returns the new
 * length. */
static size_t
add_filter(size_t len, uint32_t seq, uint32_t handle, const char *kind,
           bool stats, uint64_t packets, uint64_t bytes, bool pkt64)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header((uint8_t *) buf + len);
    nlh->nlmsg_type = RTM_NEWTFILTER;
    nlh->nlmsg_flags = NLM_F_MULTI;
    nlh->nlmsg_seq = seq;
    struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_ifindex = 5;
    tcm->tcm_handle = handle;
    tcm->tcm_parent = RTF_TAP_PARENT;
    mnl_attr_put_strz(nlh, TCA_KIND, kind);
    struct nlattr *opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    mnl_attr_put_u16(nlh, 8 /* TCA_FLOWER_KEY_ETH_TYPE */, 0x0008);
    struct nlattr *acts = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    struct nlattr *act = mnl_attr_nest_start(nlh, 1);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "gact");
    if (stats) {
        struct nlattr *st = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
        uint8_t basic[16] = { 0 };
        uint32_t p32 = (uint32_t) packets;
        memcpy(basic, &bytes, 8);
        memcpy(basic + 8, &p32, 4);
        mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, basic);
        if (pkt64) {
            mnl_attr_put_u64(nlh, TCA_STATS_PKT64, packets);
        }
        mnl_attr_nest_end(nlh, st);
    }
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, acts);
    mnl_attr_nest_end(nlh, opts);
    return len + nlh->nlmsg_len;
}

static size_t
add_done(size_t len, uint32_t seq, int error, uint16_t type)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header((uint8_t *) buf + len);
    nlh->nlmsg_type = type;
    nlh->nlmsg_seq = seq;
    int32_t *e = mnl_nlmsg_put_extra_header(nlh, sizeof(struct nlmsgerr));
    *e = error;
    return len + nlh->nlmsg_len;
}

static void
test_found(void **state)
{
    struct rtf_tc_count c;
    bool found = false;
    size_t len = 0;

    /* Another filter first, then ours; the 64-bit count wins. */
    len = add_filter(len, 1, 0x77, "flower", true, 5, 50, false);
    len = add_filter(len, 1, 0xabcdef01, "flower", true, (1ULL << 32) + 3,
                     4500, true);
    assert_int_equal(parse((uint8_t *) buf, len, 1, 0xabcdef01, &found, &c),
                     0);
    assert_true(found);
    assert_int_equal(c.packets, (1ULL << 32) + 3);
    assert_int_equal(c.bytes, 4500);

    /* Only the 32-bit count. */
    found = false;
    assert_int_equal(parse((uint8_t *) buf, len, 1, 0x77, &found, &c), 0);
    assert_true(found);
    assert_int_equal(c.packets, 5);
    assert_int_equal(c.bytes, 50);
}

static void
test_not_found(void **state)
{
    struct rtf_tc_count c = { 0, 0 };
    bool found = false;
    size_t len = 0;

    /* Another handle, a filter of another kind, one without statistics,
     * and a message of another dump (sequence number 2). */
    len = add_filter(len, 1, 0x77, "flower", true, 5, 50, false);
    len = add_filter(len, 1, 0x99, "u32", true, 5, 50, false);
    len = add_filter(len, 1, 0x98, "flower", false, 0, 0, false);
    len = add_filter(len, 2, 0x97, "flower", true, 5, 50, false);
    for (uint32_t h = 0x96; h <= 0x99; h++) {
        assert_int_equal(parse((uint8_t *) buf, len, 1, h, &found, &c), 0);
        assert_false(found);
    }
    assert_int_equal(c.packets, 0);
}

static void
test_end_and_errors(void **state)
{
    struct rtf_tc_count c = { 0, 0 };
    bool found = false;
    size_t len;

    len = add_done(0, 1, 0, NLMSG_DONE);
    assert_int_equal(parse((uint8_t *) buf, len, 1, 1, &found, &c), EOF);
    len = add_done(0, 1, -ENODEV, NLMSG_ERROR);
    assert_int_equal(parse((uint8_t *) buf, len, 1, 1, &found, &c), ENODEV);
    /* An error of another request is not this dump's. */
    len = add_done(0, 3, -ENODEV, NLMSG_ERROR);
    assert_int_equal(parse((uint8_t *) buf, len, 1, 1, &found, &c), 0);

    /* A filter message too short for its tcmsg. */
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWTFILTER;
    nlh->nlmsg_seq = 1;
    nlh->nlmsg_len += 8;
    assert_int_equal(parse((uint8_t *) buf, nlh->nlmsg_len, 1, 1, &found, &c),
                     EPROTO);
    /* A message longer than the datagram is refused, not read. */
    len = add_filter(0, 1, 0x77, "flower", true, 5, 50, false);
    assert_int_equal(parse((uint8_t *) buf, len - 4, 1, 0x77, &found, &c),
                     EPROTO);
    assert_false(found);
}

/* The last message of a datagram may end unaligned, and its attributes
 * must end with it: a TCA_KIND that claims the bytes after the message
 * (here "r\0", planted right behind it, where the old walk, which went
 * on to the next multiple of 4, read them) is no attribute at all. */
static void
test_unaligned_end(void **state)
{
    (void) state;
    uint8_t *b = (uint8_t *) buf;
    struct nlmsghdr *nlh = (struct nlmsghdr *) b;
    const size_t tcm_end = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct tcmsg));
    struct rtf_tc_count c = { 0, 0 };
    bool found = false;

    memset(buf, 0, sizeof buf);
    nlh->nlmsg_type = RTM_NEWTFILTER;
    nlh->nlmsg_seq = 1;
    ((struct tcmsg *) (b + NLMSG_HDRLEN))->tcm_handle = 0x77;
    struct nlattr *kind = (struct nlattr *) (b + tcm_end);
    kind->nla_type = TCA_KIND;
    kind->nla_len = sizeof *kind + 7; /* "flower\0" */
    memcpy(kind + 1, "flower", 7);
    /* The message ends 2 bytes before its attribute does. */
    nlh->nlmsg_len = (uint32_t) (tcm_end + kind->nla_len - 2);
    assert_int_equal(nlh->nlmsg_len % 4, 1);

    struct find aux = { .handle = 0x77, .found = &found, .c = &c };
    assert_int_equal(rtf_tapstats_parse(b, nlh->nlmsg_len, 1, find_cb, &aux),
                     0);
    assert_int_equal(aux.n_filters, 0);
    assert_false(found);

    /* The same attribute whole is a flower filter (without counters). */
    nlh->nlmsg_len = (uint32_t) (tcm_end + kind->nla_len);
    assert_int_equal(rtf_tapstats_parse(b, nlh->nlmsg_len, 1, find_cb, &aux),
                     0);
    assert_int_equal(aux.n_filters, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_end_and_errors),
        cmocka_unit_test(test_unaligned_end),
    };
    return cmocka_run_group_tests_name("rtf-tapstats", tests, NULL, NULL);
}
#endif /* HAVE_DPDK */
