/* udp-flood: sends 64-byte UDP frames, each with one of N distinct
 * 5-tuples, round and round, out of one interface through an AF_PACKET
 * socket.  tests/bench/nicflowd.sh uses it to make a switch set up one
 * datapath flow per tuple: the first packet of each tuple misses, and the
 * ones of later rounds retry the misses a full upcall queue dropped.
 *
 *   udp-flood IFNAME N [PPS [SECONDS]]
 *
 * PPS 0 (the default) sends as fast as the socket takes them; SECONDS
 * (default 120) bounds the run in case the caller dies without stopping
 * it.  SIGTERM or SIGINT ends it; the frames sent are reported on stderr.
 *
 * Tuple i: 10.88.0.1 -> 10.99.(1 + i % 3).(1 + i % 250), UDP source port
 * 1024 + i % 60000, destination port 1024 + i / 60000, so the (source,
 * destination) port pair alone tells the tuples apart.  The Ethernet
 * destination is no host's, so the receiving namespace drops the frames
 * quietly instead of answering with ICMP that would make misses of its
 * own. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_LEN 60 /* 64 on the wire with the FCS. */
#define BATCH 64

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void) sig;
    stop = 1;
}

static uint16_t
ip_csum(const uint8_t *h, size_t len)
{
    uint32_t s = 0;

    for (size_t i = 0; i < len; i += 2) {
        s += (uint32_t) (h[i] << 8 | h[i + 1]);
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (uint16_t) ~s;
}

/* Writes tuple I's frame into F. */
static void
build_frame(uint8_t *f, unsigned long i)
{
    static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0x99, 0x02 };
    static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0x99, 0x01 };

    memset(f, 0, FRAME_LEN);
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    f[12] = 0x08; /* IPv4 */
    f[13] = 0x00;

    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[2] = 0;
    ip[3] = FRAME_LEN - 14;
    ip[8] = 64;  /* TTL */
    ip[9] = 17;  /* UDP */
    ip[12] = 10; /* 10.88.0.1 */
    ip[13] = 88;
    ip[14] = 0;
    ip[15] = 1;
    ip[16] = 10; /* 10.99.x.y */
    ip[17] = 99;
    ip[18] = (uint8_t) (1 + i % 3);
    ip[19] = (uint8_t) (1 + i % 250);
    uint16_t c = ip_csum(ip, 20);
    ip[10] = (uint8_t) (c >> 8);
    ip[11] = (uint8_t) c;

    uint8_t *udp = ip + 20;
    uint16_t sport = (uint16_t) (1024 + i % 60000);
    uint16_t dport = (uint16_t) (1024 + i / 60000);
    udp[0] = (uint8_t) (sport >> 8);
    udp[1] = (uint8_t) sport;
    udp[2] = (uint8_t) (dport >> 8);
    udp[3] = (uint8_t) dport;
    udp[5] = FRAME_LEN - 14 - 20; /* Length; checksum 0: none. */
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s IFNAME N [PPS [SECONDS]]\n", argv[0]);
        return 2;
    }
    const char *ifname = argv[1];
    unsigned long n = strtoul(argv[2], NULL, 10);
    double pps = argc > 3 ? strtod(argv[3], NULL) : 0;
    double seconds = argc > 4 ? strtod(argv[4], NULL) : 120;
    if (!n || n > 60000ul * 60000ul) {
        fprintf(stderr, "%s: N must be 1 .. 3600000000\n", argv[0]);
        return 2;
    }

    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) {
        perror("socket(AF_PACKET)");
        return 1;
    }
    /* The qdisc adds nothing here but cost per frame. */
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_IP);
    sll.sll_ifindex = (int) if_nametoindex(ifname);
    sll.sll_halen = 6;
    if (!sll.sll_ifindex) {
        fprintf(stderr, "%s: no interface %s\n", argv[0], ifname);
        return 1;
    }

    /* Every frame is built once: the run only sends. */
    uint8_t *frames = malloc(n * FRAME_LEN);
    if (!frames) {
        perror("malloc");
        return 1;
    }
    for (unsigned long i = 0; i < n; i++) {
        build_frame(frames + i * FRAME_LEN, i);
    }

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    unsigned long next = 0, sent = 0;
    double t0 = now_s();
    while (!stop) {
        double t = now_s() - t0;
        if (t >= seconds) {
            break;
        }
        if (pps > 0 && (double) sent > t * pps) {
            /* Ahead of the rate: wait for it to catch up. */
            double ahead = ((double) sent - t * pps) / pps;
            struct timespec ts = {
                .tv_sec = (time_t) ahead,
                .tv_nsec = (long) ((ahead - (double) (time_t) ahead) * 1e9),
            };
            nanosleep(&ts, NULL);
            continue;
        }
        memset(msgs, 0, sizeof msgs);
        unsigned long k_next = next;
        for (int k = 0; k < BATCH; k++) {
            iov[k].iov_base = frames + k_next * FRAME_LEN;
            iov[k].iov_len = FRAME_LEN;
            msgs[k].msg_hdr.msg_iov = &iov[k];
            msgs[k].msg_hdr.msg_iovlen = 1;
            msgs[k].msg_hdr.msg_name = &sll;
            msgs[k].msg_hdr.msg_namelen = sizeof sll;
            k_next = k_next + 1 == n ? 0 : k_next + 1;
        }
        int r = sendmmsg(fd, msgs, BATCH, 0);
        if (r < 0) {
            if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
                continue; /* The same frames again. */
            }
            perror("sendmmsg");
            break;
        }
        /* Frames the socket did not take are sent next: none is skipped,
         * so every tuple comes round once per N frames. */
        next = (next + (unsigned long) r) % n;
        sent += (unsigned long) r;
    }
    double dt = now_s() - t0;
    fprintf(stderr, "udp-flood: %lu frames in %.2f s (%.0f/s)\n", sent, dt,
            dt > 0 ? (double) sent / dt : 0.0);
    free(frames);
    close(fd);
    return 0;
}
