/* rtf-tapstats.h: counters of rules that DPDK's tap PMD made, read from
 * the kernel.
 *
 * The tap PMD (net_tap) implements rte_flow with TC flower filters on its
 * tap device (on the multiq qdisc 1:, which sees what the kernel hands the
 * PMD), and it has no COUNT action: rte_flow_query() cannot say how many
 * packets a rule took.  The filters themselves count, though: their first
 * action's statistics are the rule's hits.  The PMD names each filter by a
 * handle made from the rule's pointer (rtf-dpdk.c computes it), so the
 * provider finds a rule's filter by dumping the device's filters.
 *
 * This file has no DPDK in it: the fuzz target drives the reply parser.
 * Errors: 0 or a positive errno. */
#ifndef NICFLOW_RTF_TAPSTATS_H
#define NICFLOW_RTF_TAPSTATS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The qdisc the tap PMD's rules hang on: multiq with handle 1:. */
#define RTF_TAP_PARENT 0x00010000u

struct rtf_tc_count {
    uint64_t packets;
    uint64_t bytes;
};

/* Called for each flower filter of a dump: its handle and its first
 * action's counters (NULL if it has none). */
typedef void rtf_tapstats_cb(uint32_t handle, const struct rtf_tc_count *c,
                             void *aux);

/* Reads the counters of the flower filter with HANDLE under parent
 * RTF_TAP_PARENT of the device with IFINDEX (in the calling thread's
 * network namespace) into *C.  ENOENT if there is no such filter. */
int rtf_tapstats_read(int ifindex, uint32_t handle, struct rtf_tc_count *c);

/* The handles of the flower filters under RTF_TAP_PARENT of IFINDEX: the
 * first MAX into HANDLES, how many there are into *N. */
int rtf_tapstats_handles(int ifindex, uint32_t *handles, size_t max,
                         size_t *n);

/* Parses one datagram (LEN bytes at BUF, 4-byte aligned) of a filter dump
 * with sequence number SEQ, calling CB for each flower filter in it.
 * Returns 0 while the dump goes on, EOF (-1) at its end, or the positive
 * errno the kernel answered (EPROTO for a malformed message, which is
 * never half-read). */
int rtf_tapstats_parse(const uint8_t *buf, size_t len, uint32_t seq,
                       rtf_tapstats_cb *cb, void *aux);

#endif /* NICFLOW_RTF_TAPSTATS_H */
