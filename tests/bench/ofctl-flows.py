#!/usr/bin/python3
"""Writes N varied OpenFlow flows (ovs-ofctl syntax), one per line, for the
OpenFlow benchmarks: a mix of L2, L3 and L4 matches with masks, registers
and metadata, and actions from output to set_field, ct and resubmit.
Deterministic for a given N.  Usage: ofctl-flows.py N > FILE"""
import random
import sys

n = int(sys.argv[1])
rnd = random.Random(4)
matches = [
    lambda i: "in_port=%d,dl_src=02:00:00:%02x:%02x:%02x" % (
        i % 60000 + 1, i >> 16 & 255, i >> 8 & 255, i & 255),
    lambda i: "ip,nw_src=10.%d.%d.0/24,nw_dst=192.168.%d.%d" % (
        i >> 16 & 255, i >> 8 & 255, i >> 8 & 255, i & 255),
    lambda i: "tcp,nw_dst=172.16.%d.%d,tp_dst=%d" % (
        i >> 8 & 255, i & 255, i % 65535 + 1),
    lambda i: "udp,dl_vlan=%d,nw_src=10.0.%d.%d,tp_src=%d" % (
        i % 4094 + 1, i >> 8 & 255, i & 255, i % 1000 + 1000),
    lambda i: "reg0=%d,reg1=0x%x/0xffff,metadata=%d" % (i, i & 0xffff, i % 97),
    lambda i: "ipv6,ipv6_src=2001:db8::%x:%x/112,ipv6_dst=2001:db8:1::%x" % (
        i >> 16, i & 0xffff, i & 0xffff),
    lambda i: "tcp,ct_state=+trk+est,ct_zone=%d,tcp_flags=+syn-ack" % (
        i % 65535),
    lambda i: "arp,arp_tpa=10.1.%d.%d,arp_op=1" % (i >> 8 & 255, i & 255),
]
actions = [
    lambda i: "output:%d" % (i % 100 + 1),
    lambda i: "mod_vlan_vid:%d,output:%d" % (i % 4094 + 1, i % 50 + 1),
    lambda i: "set_field:%d->reg2,resubmit(,%d)" % (i, i % 10 + 1),
    lambda i: "ct(commit,zone=%d),output:%d" % (i % 1000, i % 8 + 1),
    lambda i: "dec_ttl,mod_dl_src:02:00:00:00:00:%02x,output:2" % (i & 255),
    lambda i: "load:0x%x->NXM_NX_REG3[0..15],goto_table:%d" % (
        i & 0xffff, i % 5 + 1),
    lambda i: "strip_vlan,normal",
    lambda i: "drop",
]
out = sys.stdout
for i in range(n):
    m = matches[rnd.randrange(len(matches))](i)
    a = actions[rnd.randrange(len(actions))](i)
    if a.startswith(("ct(", "dec_ttl")) and not m.startswith(
            ("ip", "tcp", "udp")):
        # Connection tracking and TTLs need an IP match.
        a = "output:1"
    if "goto_table" in a or "resubmit" in a:
        table = 0
    else:
        table = rnd.randrange(8)
    out.write("table=%d,priority=%d,cookie=0x%x,%s,actions=%s\n" % (
        table, rnd.randrange(1, 65535), i, m, a))
