/* Fuzz target: the rtnetlink reply parsers of the afpacket port's
 * rx-after-tc macvlan (softpath/netdev-afpacket-rxtc.c).
 *
 * The input is one netlink message as the kernel could have sent it, its
 * length field forced to the input's size (the receive loop only passes
 * on messages that fit what was read, as mnl_nlmsg_ok() checks).  The
 * buffer is that size rounded up to netlink's 4-byte alignment (libmnl
 * walks attributes up to the aligned end, and a receive buffer always
 * has that room), so any read past it is caught.
 * Both parsers must return without crashing; a link that parses has a
 * NUL-terminated name, and an acknowledgement's text is a string. */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/netdev-afpacket-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < sizeof(struct nlmsghdr) || size > 65536) {
        return 0;
    }
    struct nlmsghdr *nlh = xzalloc(NLMSG_ALIGN(size));
    memcpy(nlh, data, size);
    nlh->nlmsg_len = (uint32_t) size;

    struct netdev_afpacket_rxtc_link link;
    memset(&link, 0, sizeof link);
    if (!netdev_afpacket_rxtc_parse_link(nlh, &link)
        && strnlen(link.name, sizeof link.name) == sizeof link.name) {
        abort();
    }

    char *msg = NULL;
    netdev_afpacket_rxtc_parse_ack(nlh, &msg);
    if (msg) {
        (void) strlen(msg);
        free(msg);
    }
    free(nlh);
    return 0;
}
