/* Unit tests for tc-flower/tcf-rep: representor port names, and the
 * rtnetlink link and devlink port replies hand-built in the kernel's
 * shape. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "tc-flower/tcf-rep.h"

static void
test_port_names(void **state)
{
    (void) state;
    static const struct {
        const char *name;
        bool ok;
        enum offload_port_flavour flavour;
        int pf, vf, sf;
    } names[] = {
        { "p0", true, OFFLOAD_FLAVOUR_UPLINK, -1, -1, -1 },
        { "p12", true, OFFLOAD_FLAVOUR_UPLINK, -1, -1, -1 },
        { "pf0", true, OFFLOAD_FLAVOUR_PF, 0, -1, -1 },
        { "pf0vf3", true, OFFLOAD_FLAVOUR_VF, 0, 3, -1 },
        { "pf1sf7", true, OFFLOAD_FLAVOUR_SF, 1, -1, 7 },
        { "c1pf0vf2", true, OFFLOAD_FLAVOUR_VF, 0, 2, -1 },
        { "c1pf2", true, OFFLOAD_FLAVOUR_PF, 2, -1, -1 },
        { "", false, 0, 0, 0, 0 },
        { "p", false, 0, 0, 0, 0 },
        { "pf", false, 0, 0, 0, 0 },
        { "pf0vf", false, 0, 0, 0, 0 },
        { "pf0vf3x", false, 0, 0, 0, 0 },
        { "c1p0", false, 0, 0, 0, 0 },
        { "eth0", false, 0, 0, 0, 0 },
        { "pf99999999", false, 0, 0, 0, 0 },
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct offload_representor rep;
        tcf_rep_init(&rep);
        bool ok = offload_representor_parse_name(names[i].name, &rep);
        if (ok != names[i].ok) {
            fail_msg("%s: parsed %d", names[i].name, ok);
        }
        if (!ok) {
            assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_NONE);
            assert_int_equal(rep.pf, -1);
            continue;
        }
        assert_int_equal(rep.flavour, names[i].flavour);
        assert_int_equal(rep.pf, names[i].pf);
        assert_int_equal(rep.vf, names[i].vf);
        assert_int_equal(rep.sf, names[i].sf);
    }
}

static void
test_link(void **state)
{
    (void) state;
    uint8_t buf[512];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct offload_representor rep;
    const uint8_t id[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };

    nlh->nlmsg_type = RTM_NEWLINK;
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_index = 5;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "enp3s0f0_1");
    mnl_attr_put(nlh, IFLA_PHYS_SWITCH_ID, sizeof id, id);
    mnl_attr_put_strz(nlh, IFLA_PHYS_PORT_NAME, "pf0vf1");
    tcf_rep_init(&rep);
    assert_int_equal(tcf_rep_parse_link(nlh, &rep), 0);
    assert_int_equal(rep.switch_id_len, 8);
    assert_memory_equal(rep.switch_id, id, 8);
    assert_string_equal(rep.port_name, "pf0vf1");

    /* A veth: neither attribute. */
    nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "v0a");
    tcf_rep_init(&rep);
    assert_int_equal(tcf_rep_parse_link(nlh, &rep), 0);
    assert_int_equal(rep.switch_id_len, 0);
    assert_string_equal(rep.port_name, "");
    assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_NONE);

    /* A switch id longer than any the kernel makes. */
    uint8_t big[40] = { 0 };
    mnl_attr_put(nlh, IFLA_PHYS_SWITCH_ID, sizeof big, big);
    assert_int_equal(tcf_rep_parse_link(nlh, &rep), EINVAL);
}

static struct nlmsghdr *
devlink_port(uint8_t *buf, uint32_t ifindex, uint16_t flavour, int pf, int vf,
             int sf)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);

    nlh->nlmsg_type = 0x20;
    g->cmd = DEVLINK_CMD_PORT_NEW;
    mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, "pci");
    mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, "0000:03:00.0");
    mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, 65537);
    mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_NETDEV_IFINDEX, ifindex);
    mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_FLAVOUR, flavour);
    if (pf >= 0) {
        mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_PCI_PF_NUMBER, pf);
    }
    if (vf >= 0) {
        mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_PCI_VF_NUMBER, vf);
    }
    if (sf >= 0) {
        mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_PCI_SF_NUMBER, sf);
    }
    return nlh;
}

static void
test_devlink_port(void **state)
{
    (void) state;
    uint8_t buf[512];
    struct offload_representor rep;

    tcf_rep_init(&rep);
    assert_true(tcf_rep_parse_devlink_port(
        devlink_port(buf, 7, DEVLINK_PORT_FLAVOUR_PCI_VF, 0, 3, -1), 7, &rep));
    assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_VF);
    assert_int_equal(rep.pf, 0);
    assert_int_equal(rep.vf, 3);
    assert_int_equal(rep.sf, -1);

    tcf_rep_init(&rep);
    assert_true(tcf_rep_parse_devlink_port(
        devlink_port(buf, 7, DEVLINK_PORT_FLAVOUR_PCI_SF, 1, -1, 9), 7, &rep));
    assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_SF);
    assert_int_equal(rep.sf, 9);

    tcf_rep_init(&rep);
    assert_true(tcf_rep_parse_devlink_port(
        devlink_port(buf, 7, DEVLINK_PORT_FLAVOUR_PHYSICAL, -1, -1, -1), 7,
        &rep));
    assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_UPLINK);

    tcf_rep_init(&rep);
    assert_true(tcf_rep_parse_devlink_port(
        devlink_port(buf, 7, DEVLINK_PORT_FLAVOUR_CPU, -1, -1, -1), 7, &rep));
    assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_OTHER);

    /* Another netdev's port is not ours. */
    tcf_rep_init(&rep);
    assert_false(tcf_rep_parse_devlink_port(
        devlink_port(buf, 8, DEVLINK_PORT_FLAVOUR_PCI_VF, 0, 3, -1), 7, &rep));
    assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_NONE);

    /* Truncated. */
    struct nlmsghdr *nlh =
        devlink_port(buf, 7, DEVLINK_PORT_FLAVOUR_PCI_VF, 0, 3, -1);
    nlh->nlmsg_len = NLMSG_HDRLEN + 2;
    assert_false(tcf_rep_parse_devlink_port(nlh, 7, &rep));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port_names),
        cmocka_unit_test(test_link),
        cmocka_unit_test(test_devlink_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
