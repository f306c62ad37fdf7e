#!/bin/bash
# Regenerates tests/unit/ofctl-golden.txt, the oracle for test-ofctl-text:
# every flow in the list at the end of this script (or in INPUT, one a
# line) is added to a real Open vSwitch
# 3.1 (ovs-vswitchd with a datapath_type=netdev bridge, in a scratch run
# directory) with "ovs-ofctl add-flow", read back with
# "ovs-ofctl --no-stats dump-flows", and written out as
#
#     INPUT<TAB>WHAT OVS-OFCTL PRINTED
#
# Flows that Open vSwitch rejects are reported on stderr and left out.
# Needs openvswitch-switch and openvswitch-common; runs as any user that
# may create files in a temporary directory.  Usage:
#     tests/unit/ofctl-golden.sh [INPUT [OUTPUT]]
# (INPUT "-" or absent: the list below).
set -eu
cd "$(dirname "$0")/../.."

# The userspace datapath creates kernel tap devices ("ovs-netdev" and one
# per bridge), which clash with any other Open vSwitch running on the
# machine: run in a network namespace of our own when we can.
if [ -z "${OFCTL_GOLDEN_NS:-}" ] && command -v unshare >/dev/null \
    && unshare -n true 2>/dev/null; then
    OFCTL_GOLDEN_NS=1 exec unshare -n "$0" "$@"
fi
in=${1:--}
out=${2:-tests/unit/ofctl-golden.txt}

for prog in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl; do
    if ! command -v "$prog" >/dev/null 2>&1 \
        && ! [ -x "/usr/sbin/$prog" ]; then
        echo "$0: $prog not found (install openvswitch-switch)" >&2
        exit 1
    fi
done
PATH=$PATH:/usr/sbin

run=$(mktemp -d)
# The bridge's internal port is a kernel tap device of the bridge's name,
# so the name must not clash with another Open vSwitch on the machine.
br=ofg$$
export OVS_RUNDIR=$run OVS_LOGDIR=$run OVS_DBDIR=$run
cleanup() {
    for d in ovs-vswitchd ovsdb-server; do
        if [ -f "$run/$d.pid" ]; then
            kill "$(cat "$run/$d.pid")" 2>/dev/null || true
        fi
    done
    sleep 0.2
    # Open vSwitch keeps its netdev bridge's tap device.
    ip link del "$br" 2>/dev/null || true
    rm -rf "$run"
}
trap cleanup EXIT

ovsdb-tool create "$run/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server -vconsole:off "$run/conf.db" --remote="punix:$run/db.sock" \
    --pidfile="$run/ovsdb-server.pid" --log-file="$run/ovsdb-server.log" \
    --detach
db=unix:$run/db.sock
ovs-vsctl --db="$db" --no-wait init
ovs-vswitchd -vconsole:off "$db" --pidfile="$run/ovs-vswitchd.pid" \
    --log-file="$run/ovs-vswitchd.log" --detach
ovs-vsctl --db="$db" add-br "$br" -- set bridge "$br" datapath_type=netdev

# State some flows refer to: Geneve option mappings for tun_metadata, and
# groups for group:N.
ovs-ofctl add-tlv-map "$br" \
    "{class=0xffff,type=0,len=4}->tun_metadata0,{class=0xffff,type=1,len=8}->tun_metadata1,{class=0xffff,type=2,len=124}->tun_metadata63"
for g in 1 2 5; do
    ovs-ofctl -O OpenFlow13 add-group "$br" "group_id=$g,type=all,bucket=output:1"
done

# The flows: one ovs-ofctl add-flow argument a line, # for comments.
flows() {
    cat <<'FLOWS'
# From the seeds (Chinese Open vSwitch tutorials).
priority=3,in_port=100,dl_vlan=0xffff,actions=mod_vlan_vid:101,normal
in_port=3,dl_vlan=101,actions=strip_vlan,output:1
priority=1 idle_timeout=0,in_port=100,actions=mod_nw_src:9.181.137.1,normal
idle_timeout=0,dl_type=0x0800,nw_proto=1,actions=output:102
in_port=100,actions=drop
#
# Flow-mod settings.
actions=drop
actions=
priority=0,actions=drop
priority=65535,actions=drop
priority=32768,actions=drop
cookie=0x1234,actions=drop
cookie=0xffffffffffffffff,priority=7,actions=drop
table=5,actions=drop
idle_timeout=10,actions=drop
hard_timeout=20,actions=drop
cookie=0x1234,table=5,priority=0,idle_timeout=10,hard_timeout=20,importance=5,actions=drop
send_flow_rem,actions=drop
duration=5s,n_packets=3,n_bytes=100,idle_age=5,priority=4,actions=drop
in_port=1 actions=output:2
in_port=1,action=output:2
priority=5 , in_port=2 , actions=output:1 , output:3
#
# Metadata and pipeline fields.
in_port=1,actions=drop
in_port=65279,actions=drop
in_port=65280,actions=drop
in_port=0,actions=drop
in_port=LOCAL,actions=drop
in_port=local,actions=drop
in_port=65534,actions=drop
in_port=4294967294,actions=drop
in_port=IN_PORT,actions=drop
in_port=CONTROLLER,actions=drop
in_port=NORMAL,actions=drop
in_port=TABLE,actions=drop
in_port=FLOOD,actions=drop
in_port=ALL,actions=drop
in_port=ANY,actions=drop
in_port=NONE,actions=drop
metadata=5,actions=drop
metadata=0x5/0xff,actions=drop
metadata=0/0xff,actions=drop
metadata=0xffffffffffffffff,actions=drop
reg0=5,actions=drop
reg0=0,actions=drop
reg0=0/0xff,actions=drop
reg3=0x5/0xff,actions=drop
reg15=0xffffffff,actions=drop
reg7=0x80000000/0x80000000,actions=drop
reg3=1,xreg0=2,reg15=1,actions=drop
xreg0=0x100000002,actions=drop
xreg7=0x1/0x1,actions=drop
xreg3=0xffffffff00000000/0xffffffff00000000,actions=drop
xxreg0=0x1,actions=drop
xxreg3=0x1/0xffff,actions=drop
xxreg1=0x10000000000000000000000000000002,actions=drop
pkt_mark=5,actions=drop
pkt_mark=0x5/0xf,actions=drop
pkt_mark=0/0xf,actions=drop
conj_id=3,actions=drop
conj_id=0xffffffff,actions=drop
actset_output=5,actions=drop
actset_output=LOCAL,actions=drop
#
# Tunnel fields.
tun_id=5,actions=drop
tun_id=0,actions=drop
tun_id=0x5/0xff,actions=drop
tunnel_id=0x123456789abcdef0,actions=drop
tun_id=0x5/0xff,tunnel_id=0x7,actions=drop
tun_src=1.1.1.1,actions=drop
tun_dst=2.2.2.2,actions=drop
tun_src=1.1.1.0/24,tun_dst=1.2.3.4/255.255.0.255,actions=drop
tun_ipv6_src=2001:db8::1,actions=drop
tun_ipv6_src=2001:db8::1,tun_ipv6_dst=::2,actions=drop
tun_ipv6_dst=2001:db8::/64,actions=drop
tun_flags=+oam,actions=drop
tun_flags=-oam,actions=drop
tun_flags=0x1/0x1,actions=drop
tun_gbp_id=5,tun_gbp_flags=1,actions=drop
tun_gbp_id=0x10/0xf0,actions=drop
tun_metadata0=0x5,actions=drop
tun_metadata0=0x5/0xff,actions=drop
tun_metadata0=0x5/0xf,actions=drop
tun_metadata0=0x00000005,actions=drop
tun_metadata1=0x1234567890,tun_metadata0=1,actions=drop
tun_metadata63=0x1,actions=drop
tun_src=1.1.1.1,tun_dst=2.2.2.2,tun_ipv6_dst=::2,tun_gbp_flags=1,tun_flags=+oam,tun_ipv6_src=::1,tun_id=5,tun_gbp_id=3,tun_metadata1=1,tun_metadata0=2,actions=drop
#
# Connection tracking.
ct_state=+trk,actions=drop
ct_state=-trk,actions=drop
ct_state=+trk+new,actions=drop
ct_state=+new+trk,actions=drop
ct_state=+trk-inv,actions=drop
ct_state=+trk+est-new+rel-rpl+inv+snat+dnat,actions=drop
ct_state=+rpl+trk,actions=drop
ct_state=+snat-dnat,actions=drop
ct_state=0x21/0x21,actions=drop
ct_state=0,actions=drop
ct_state=0/0xff,actions=drop
ct_state=trk|new,actions=drop
ct_zone=5,actions=drop
ct_zone=0x10,actions=drop
ct_zone=65535,actions=drop
ct_mark=5,actions=drop
ct_mark=0,actions=drop
ct_mark=0x1/0x1,actions=drop
ct_label=0x5,actions=drop
ct_label=0,actions=drop
ct_label=0/0xff,actions=drop
ct_label=0x1/0x1,actions=drop
ct_label=0x1000000000000000000000000000000/0xf000000000000000000000000000000,actions=drop
ct_label=0xffffffffffffffffffffffffffffffff,actions=drop
ct_label=0x5/0xf,ct_mark=5,actions=drop
ip,ct_state=+new+trk,ct_nw_src=1.1.1.1,ct_nw_dst=2.2.2.2,ct_nw_proto=6,ct_tp_src=1,ct_tp_dst=2,actions=drop
ct_state=+est+trk,ct_nw_proto=6,actions=drop
ipv6,ct_state=+trk-inv,ct_ipv6_src=::1,actions=drop
ct_ipv6_dst=::2,ct_ipv6_src=::1,ct_tp_dst=2,ct_state=+trk+new,ipv6,ct_nw_proto=17,ct_tp_src=1,actions=drop
ct_state=+new,ip,ct_nw_src=1.1.1.0/24,actions=drop
ct_state=+new+trk,ct_nw_proto=6,ct_tp_src=5,actions=drop
ct_state=+new+trk,ct_nw_proto=17,ct_tp_dst=0x10/0xf0,actions=drop
ct_state=+trk+est,ip,ct_tp_dst=5,actions=drop
ct_state=+rel+trk,ip,ct_tp_src=1,actions=drop
ct_state=+new+trk,ip,nw_proto=17,ct_tp_src=1,actions=drop
#
# Ethernet and VLAN.
dl_src=00:11:22:33:44:55,actions=drop
dl_dst=ff:ff:ff:ff:ff:ff,actions=drop
eth_src=00:11:22:33:44:55,eth_dst=66:77:88:99:aa:bb,actions=drop
eth_src=01:00:00:00:00:00/01:00:00:00:00:00,eth_dst=ff:ff:ff:ff:ff:ff,actions=drop
dl_dst=01:80:c2:00:00:00/ff:ff:ff:ff:ff:f0,actions=drop
dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00,actions=drop
eth_src=00:00:00:00:00:00/00:00:00:00:00:00,actions=drop
dl_type=0x1234,actions=drop
dl_type=0x88cc,actions=drop
eth_type=0x0800,actions=drop
dl_type=0x86dd,actions=drop
dl_type=0x0806,actions=drop
dl_type=0x8035,actions=drop
dl_type=0x8847,actions=drop
dl_type=0x8848,actions=drop
dl_type=0x05ff,actions=drop
dl_vlan=100,actions=drop
dl_vlan=0,actions=drop
dl_vlan=4095,actions=drop
dl_vlan=4096,actions=drop
dl_vlan=0xffff,actions=drop
dl_vlan_pcp=3,actions=drop
dl_vlan_pcp=8,actions=drop
dl_vlan=100,dl_vlan_pcp=3,actions=drop
dl_vlan=0xffff,dl_vlan_pcp=2,actions=drop
dl_vlan_pcp=2,dl_vlan=0xffff,actions=drop
dl_vlan=5,vlan_tci=0x1006/0x1fff,actions=drop
vlan_tci=0,actions=drop
vlan_tci=0x1064/0x1fff,actions=drop
vlan_tci=0x1000/0x1000,actions=drop
vlan_tci=0x1064,actions=drop
vlan_tci=0x3064/0xf000,actions=drop
vlan_tci=0x0064/0x0fff,actions=drop
vlan_tci=0x1064/0xffff,actions=drop
vlan_tci=0x5064/0xffff,actions=drop
vlan_tci=0x1064/0x0fff,actions=drop
vlan_tci=0x1000/0xf000,actions=drop
vlan_tci=0x1000/0x1fff,actions=drop
vlan_tci=0x1005/0x1005,actions=drop
vlan_tci=0x0000/0xefff,actions=drop
vlan_tci=0x0064/0x1fff,actions=drop
vlan_tci=0x0000/0x1000,actions=drop
vlan_tci=0x1000/0x1000,dl_vlan_pcp=2,actions=drop
vlan_vid=0x1064,actions=drop
vlan_vid=0x1000/0x1000,actions=drop
vlan_vid=0x1064/0x1fff,actions=drop
vlan_pcp=3,actions=drop
dl_vlan=5,vlan_pcp=3,actions=drop
#
# MPLS.
mpls,mpls_label=5,actions=drop
mpls,mpls_label=5,mpls_tc=3,mpls_bos=1,mpls_ttl=64,actions=drop
mplsm,mpls_label=1048575,actions=drop
mpls,mpls_bos=0,actions=drop
mpls,mpls_bos=1,mpls_ttl=3,mpls_tc=2,mpls_label=6,dl_src=00:00:00:00:00:01,in_port=1,actions=drop
mpls,mpls_label=5,nw_src=1.1.1.1,actions=drop
ip,mpls_label=5,actions=drop
#
# IPv4.
ip,actions=drop
ip,nw_src=10.0.0.1,actions=drop
ip,nw_src=10.0.0.0/8,actions=drop
ip,nw_src=10.0.0.0/255.0.0.0,nw_dst=10.1.2.3/255.255.0.255,actions=drop
ip,nw_src=10.0.0.1/32,actions=drop
ip,nw_src=10.0.0.1/0,actions=drop
ip,ip_src=192.168.1.1,ip_dst=192.168.2.0/23,actions=drop
ip,nw_src=0.0.0.0/0.0.0.255,actions=drop
ip,nw_proto=50,actions=drop
ip,ip_proto=47,actions=drop
ip,nw_proto=58,actions=drop
ip,nw_tos=16,actions=drop
ip,nw_tos=0x10,actions=drop
ip,nw_tos=3,actions=drop
ip,nw_tos=252,actions=drop
ip,ip_dscp=10,actions=drop
ip,ip_dscp=63,actions=drop
ip,ip_dscp=10,ip_ecn=2,actions=drop
ip,nw_ecn=3,actions=drop
ip,nw_tos=4,nw_ecn=1,actions=drop
ip,nw_ttl=1,actions=drop
ip,nw_ttl=255,actions=drop
ip,ip_frag=no,actions=drop
ip,ip_frag=first,actions=drop
ip,ip_frag=later,actions=drop
ip,ip_frag=yes,actions=drop
ip,ip_frag=not_later,actions=drop
ip,nw_frag=no,actions=drop
dl_type=0x0800,actions=drop
ip,in_port=LOCAL,actions=drop
ip,nw_proto=99,nw_dst=1.1.1.1,vlan_tci=0x1005/0x1fff,actions=drop
nw_src=1.2.3.4,actions=drop
nw_proto=6,actions=drop
nw_ttl=5,actions=drop
ip_frag=no,actions=drop
#
# IPv6.
ipv6,actions=drop
ipv6,ipv6_src=2001:db8::1,actions=drop
ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::/32,ipv6_label=0x12345,actions=drop
ipv6,ipv6_src=2001:db8::1/ffff:ffff::,ipv6_label=0x5/0xf,actions=drop
ipv6,ipv6_src=2001:db8::1/ffff:0:ffff::,actions=drop
ipv6,ipv6_src=::/::ff,actions=drop
ipv6,ipv6_dst=fe80::/10,actions=drop
ipv6,ipv6_label=0x5,actions=drop
ipv6,ipv6_label=5,ipv6_src=::1,nw_proto=5,nw_ttl=1,nw_ecn=1,nw_tos=4,ip_frag=no,actions=drop
ipv6,ip_proto=6,actions=drop
ipv6,nw_proto=1,actions=drop
ipv6,nw_proto=58,actions=drop
ipv6,nw_tos=4,actions=drop
ipv6,nw_ttl=64,actions=drop
ipv6,ip_frag=later,actions=drop
eth_type=0x86dd,nw_proto=17,actions=drop
#
# ARP.
arp,actions=drop
rarp,actions=drop
arp,arp_op=1,actions=drop
arp,arp_op=2,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,actions=drop
arp,arp_op=1,arp_spa=1.1.1.1,arp_tpa=2.2.2.0/24,arp_sha=00:11:22:33:44:55,arp_tha=00:11:22:33:44:66/ff:ff:ff:00:00:00,actions=drop
arp,arp_tha=00:00:00:00:00:02,arp_sha=00:00:00:00:00:01,arp_op=2,arp_tpa=1.1.1.1,arp_spa=2.2.2.2,dl_dst=00:00:00:00:00:03,actions=drop
rarp,arp_op=3,actions=drop
rarp,arp_sha=00:00:00:00:00:01,actions=drop
arp,nw_src=1.2.3.4,nw_dst=5.6.7.8,nw_proto=1,actions=drop
arp,nw_tos=4,actions=drop
ip,arp_op=1,actions=drop
#
# Transport.
tcp,actions=drop
tcp6,actions=drop
udp,actions=drop
udp6,actions=drop
sctp,actions=drop
sctp6,actions=drop
icmp,actions=drop
icmp6,actions=drop
tcp,tp_dst=80,actions=drop
tcp,tp_src=1024,tp_dst=80,actions=drop
tcp,tcp_src=5,tcp_dst=6,actions=drop
tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=drop
tcp,tp_src=0x03e8/0xfff8,actions=drop
tcp,tp_dst=0/0xff,actions=drop
tcp,tp_dst=65535,actions=drop
tcp6,tp_dst=443,ipv6_dst=2001:db8::1,actions=drop
udp,udp_src=5,udp_dst=0x10/0xf0,actions=drop
udp,tp_dst=53,actions=drop
udp6,tp_src=5,actions=drop
sctp,sctp_src=5,sctp_dst=6,actions=drop
sctp6,tp_dst=5,actions=drop
tcp,tcp_flags=+syn,actions=drop
tcp,tcp_flags=+syn-ack,actions=drop
tcp,tcp_flags=-syn,actions=drop
tcp6,tcp_flags=+fin+syn+rst+psh+ack+urg+ece+cwr+ns,actions=drop
tcp,tcp_flags=0x12/0x12,actions=drop
tcp,tcp_flags=0x012,actions=drop
tcp,tcp_flags=0,actions=drop
tcp,tcp_flags=0/0xfff,actions=drop
tcp,tcp_flags=0x0/0x1,actions=drop
tcp,tcp_flags=0x800/0x800,actions=drop
tcp,tcp_flags=+[200],actions=drop
tcp,tcp_flags=syn|ack,actions=drop
tcp,ip_frag=yes,tp_dst=5,actions=drop
ip,ip_frag=later,tp_dst=5,actions=drop
icmp,icmp_type=8,icmp_code=0,actions=drop
icmp,icmp_code=1,icmp_type=3,nw_frag=no,actions=drop
icmp,ip_frag=later,icmp_type=5,actions=drop
icmp6,icmp_type=128,actions=drop
icmp6,icmpv6_type=135,icmpv6_code=0,nd_target=fe80::1,nd_sll=00:11:22:33:44:55,actions=drop
icmp6,icmpv6_type=136,icmpv6_code=0,nd_target=fe80::1/64,nd_tll=00:11:22:33:44:55,actions=drop
icmp6,icmp_type=135,actions=drop
icmp6,icmp_type=135,nd_sll=00:00:00:00:00:01,actions=drop
icmp6,icmp_type=135,icmp_code=0,nd_tll=00:00:00:00:00:01,actions=drop
icmp6,nd_target=::1,actions=drop
tcp,icmp_type=8,actions=drop
udp,tcp_flags=+syn,actions=drop
tp_dst=80,actions=drop
dl_type=0x0800,nw_proto=6,tp_dst=80,actions=drop
#
# Everything at once, to check the order.
tcp,tp_src=5,nw_ttl=3,actset_output=5,tun_metadata0=5,tun_gbp_id=5,tun_flags=+oam,tun_ipv6_src=::1,tun_id=5,reg1=5,ct_tp_src=5,ct_nw_proto=6,ct_state=+new+trk,ct_zone=5,ct_mark=5,ct_label=5,ct_nw_src=1.1.1.1,conj_id=5,pkt_mark=5,metadata=5,in_port=5,dl_vlan=5,dl_src=00:00:00:00:00:01,nw_src=1.1.1.1,nw_tos=4,nw_ecn=1,ip_frag=first,tcp_flags=+syn,actions=drop
priority=5,cookie=0x5,table=2,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_vlan=5,dl_vlan_pcp=3,udp,nw_src=1.2.3.4,nw_dst=1.2.3.0/24,nw_tos=8,nw_ecn=1,nw_ttl=5,ip_frag=no,tp_src=1,tp_dst=2,actions=output:3
in_port=2,dl_vlan_pcp=1,dl_dst=00:00:00:00:00:03,dl_type=0x1234,actions=drop
#
# Output actions.
actions=output:1
actions=1,2,3
actions=output:65279
actions=output:1,output:LOCAL,IN_PORT,FLOOD,ALL,NORMAL,CONTROLLER,LOCAL,in_port,flood,all,local,normal,controller:100,output:65279
actions=output:TABLE
actions=output(port=1,max_len=100)
actions=output:NXM_NX_REG0[0..15],output:reg1[],output:reg2[16..31]
actions=output:NXM_NX_REG0[]
actions=controller
actions=controller:100
actions=controller(max_len=0)
actions=controller(reason=no_match,max_len=100,id=5,userdata=01.02.03,pause)
actions=controller(reason=action),controller(reason=invalid_ttl),controller(max_len=65535),controller(id=0),controller:65535
actions=controller(reason=group),controller(reason=packet_out),controller(reason=action_set)
actions=controller(userdata=00.01.02.03.04,max_len=128)
actions=controller(pause)
actions=controller(id=3)
actions=controller(reason=no_match,meter_id=5)
actions=enqueue:1:2,enqueue(LOCAL,5)
actions=enqueue:LOCAL:0
actions=group:1
actions=group:2,group:5
actions=resubmit:5,resubmit(,5),resubmit(1,2),resubmit(IN_PORT,3),resubmit:LOCAL
actions=resubmit(,0)
ct_state=+trk+est,actions=resubmit(,5,ct)
ip,ct_state=+est,actions=resubmit(,5,ct)
ip,ct_state=+trk-inv,actions=resubmit(1,5,ct)
#
# Field writes.
actions=mod_dl_src:00:11:22:33:44:55,mod_dl_dst:00:11:22:33:44:66
ip,actions=mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8,mod_nw_tos:16,mod_nw_ecn:2,mod_nw_ttl:9
actions=mod_nw_src:1.2.3.4
actions=mod_nw_tos:8
tcp,actions=mod_tp_src:5,mod_tp_dst:6
actions=mod_tp_src:5
actions=set_field:1->reg0,set_field:0x5/0xff->reg1,set_field:00:11:22:33:44:55->eth_src
ip,actions=set_field:1.2.3.4->ip_src,set_field:1.2.3.0/255.255.255.0->ip_dst,set_field:5->nw_ttl
ipv6,actions=set_field:::1->ipv6_src
ipv6,actions=set_field:2001:db8::1->ipv6_dst,set_field:0x12345->ipv6_label
tcp,actions=set_field:80->tcp_dst,set_field:5->tp_src
udp,actions=set_field:53->udp_dst
sctp,actions=set_field:53->sctp_src
dl_vlan=5,actions=set_field:0x1005->vlan_vid,set_field:3->vlan_pcp
actions=set_field:5->tun_id,set_field:1.1.1.1->tun_dst,set_field:0x5->metadata,set_field:5->pkt_mark
actions=set_field:0x5/0xf5->reg0
actions=set_field:0x5/0xffff00->reg0
actions=set_field:1->xreg0,set_field:0x1->xxreg0
actions=set_field:0xff00000000000000000000000000ff01->xxreg1
mpls,actions=set_field:5->mpls_label,set_field:3->mpls_tc,set_field:5->mpls_ttl
ip,actions=set_field:1->ip_ecn,set_field:5->nw_ttl
ip,actions=set_field:0x5->ip_dscp
ip,actions=set_field:8->nw_tos
actions=set_field:0x5->tun_id,set_field:0x1->tun_flags
tcp,actions=set_field:0x5/0xf->tcp_src
ip,actions=set_field:1.2.3.4/255.255.0.0->ip_src
actions=set_field:00:11:22:33:44:55/ff:ff:ff:00:00:00->eth_dst
arp,actions=set_field:1->arp_op,set_field:1.1.1.1->arp_spa,set_field:00:00:00:00:00:01->arp_sha
icmp,actions=set_field:1->icmp_type,set_field:2->icmp_code
icmp6,icmp_type=135,icmp_code=0,actions=set_field:::1->nd_target,set_field:00:00:00:00:00:01->nd_sll
dl_vlan=5,actions=set_field:4->vlan_pcp
actions=set_field:0x5->tun_metadata0
actions=load:0x5->tun_metadata1[0..7]
actions=set_field:1->in_port
actions=load:1->NXM_NX_REG0[],load:0x5->reg1[0..7],load:0x12345->NXM_OF_ETH_SRC[0..23],load:5->OXM_OF_METADATA[]
actions=load:0x001122334455->NXM_OF_ETH_SRC[]
tcp,actions=load:5->NXM_OF_TCP_DST[]
ipv6,actions=load:0x1->NXM_NX_IPV6_SRC[0..63]
actions=load:0x5->NXM_OF_VLAN_TCI[]
actions=load:0->NXM_NX_REG0[],load:0x5->NXM_NX_REG0[0..3],load:0x1->NXM_NX_REG0[4]
actions=load:0xffff->NXM_NX_REG0[0..15]
actions=load:1->NXM_NX_REG5[31]
actions=move:NXM_NX_REG0[]->NXM_NX_REG1[],move:reg0[0..3]->reg1[4..7],move:eth_src[]->eth_dst[]
actions=move:NXM_OF_IN_PORT[]->NXM_NX_REG2[0..15]
ip,actions=move:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[]
actions=move:NXM_NX_TUN_ID[0..31]->NXM_NX_REG0[]
#
# VLAN and MPLS actions.
actions=strip_vlan
actions=pop_vlan
actions=mod_vlan_vid:5,mod_vlan_pcp:3
actions=mod_vlan_vid:0
actions=mod_vlan_vid:4095,output:1
dl_vlan=5,actions=mod_vlan_pcp:3,mod_vlan_vid:4
dl_vlan=10,actions=strip_vlan,output:2
mpls,actions=set_mpls_label:5,set_mpls_tc:3,set_mpls_ttl:9,dec_mpls_ttl
actions=set_mpls_label:5
actions=set_mpls_ttl:5
actions=dec_mpls_ttl
actions=push_mpls:0x8847
actions=push_mpls:0x8848,output:1
mpls,actions=pop_mpls:0x0800
actions=pop_mpls:0x0800
#
# Other actions.
ip,actions=dec_ttl,dec_ttl(1,2,3),dec_ttl()
actions=dec_ttl
actions=set_queue:5,pop_queue
actions=set_queue:0,output:1
actions=note:01.02.03,note:00,note:
actions=note:0102030405060708090a0b0c
actions=note:01,note:0102030405,note:010203040506
actions=conjunction(1,1/2)
actions=conjunction(1,1/2),conjunction(5,2/3)
actions=conjunction(4294967295,64/64)
actions=exit
actions=clone(output:1,set_field:1->reg0)
actions=clone(clone(output:1),output:2)
actions=check_pkt_larger(1500)->NXM_NX_REG0[0]
actions=check_pkt_larger(64)->reg5[7],output:1
actions=set_tunnel:5,set_tunnel64:5,set_tunnel:0x100000000
actions=set_tunnel:0xffffffff
actions=set_tunnel64:0xffffffffffffffff
actions=multipath(eth_src,50,modulo_n,1,0,NXM_NX_REG0[0..3])
actions=multipath(symmetric_l3l4+udp,1024,iter_hash,16,32,reg0[0..7])
actions=multipath(eth_src,0,hrw,2,0,reg1[])
actions=multipath(symmetric_l4,1,hash_threshold,4,0,reg2[0..1])
actions=bundle(eth_src,0,active_backup,ofport,members:1,2)
actions=bundle(symmetric_l4,50,hrw,ofport,members:1,LOCAL,5)
actions=bundle(nw_src,0,active_backup,ofport,slaves:1,2)
actions=bundle_load(eth_src,0,hrw,ofport,NXM_NX_REG0[],members:1,2,3)
actions=bundle_load(symmetric_l3l4,7,active_backup,ofport,reg1[0..15],members:4)
actions=fin_timeout(idle_timeout=5,hard_timeout=6)
actions=fin_timeout(idle_timeout=5)
actions=fin_timeout(hard_timeout=6)
actions=sample(probability=100,collector_set_id=1,obs_domain_id=2,obs_point_id=3)
actions=sample(probability=65535,collector_set_id=0,obs_domain_id=0,obs_point_id=0)
actions=sample(probability=1,collector_set_id=5,obs_domain_id=6,obs_point_id=7,sampling_port=3,ingress)
actions=sample(probability=10,egress)
actions=goto_table:1
actions=write_metadata:5
actions=write_metadata:0x5/0xff
#
# learn.
actions=learn(table=1)
actions=learn(table=0)
actions=learn(priority=0,cookie=0,idle_timeout=0)
actions=learn(table=1,idle_timeout=10,hard_timeout=20,priority=5,cookie=0x5,fin_idle_timeout=1,fin_hard_timeout=2,send_flow_rem,delete_learned,limit=10,result_dst=reg0[0],eth_type=0x800,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],nw_src=1.2.3.4,load:NXM_NX_REG0[]->NXM_NX_REG1[],load:5->reg2[],output:NXM_OF_IN_PORT[])
actions=learn(NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0x000000000000->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[])
actions=learn(in_port,eth_dst=eth_src,reg1[0..3]=reg2[4..7])
actions=learn(table=3,eth_type=0x86dd,ipv6_src=2001:db8::1,load:0x1->reg3[5])
#
# Conntrack actions.
actions=ct_clear
ip,actions=ct
ip,actions=ct()
ip,actions=ct_clear,ct,ct(commit),ct(zone=NXM_NX_REG0[0..15]),ct(nat),ct(commit,nat(dst=1.2.3.4)),ct(force,commit)
tcp,actions=ct(commit,zone=5,table=3,nat(src=1.2.3.4-1.2.3.5:100-200,random),exec(set_field:1->ct_mark),alg=ftp)
udp,actions=ct(alg=tftp,commit,table=1,zone=1)
ip,actions=ct(commit,exec(set_field:0x1/0xff->ct_mark,set_field:0x5->ct_label))
ip,actions=ct(commit,exec(load:0x1->NXM_NX_CT_LABEL[0..63],set_field:0x5/0xff->ct_label))
ip,actions=ct(nat)
ip,actions=ct(commit,nat(dst=10.0.0.1))
ip,actions=ct(commit,nat(src=10.0.0.1-10.0.0.255))
ip,actions=ct(commit,nat(src=10.0.0.1:80))
ip,actions=ct(commit,nat(src=10.0.0.1:80-90,hash,persistent))
ip,actions=ct(commit,nat(src=10.0.0.1,random,persistent))
ip,actions=ct(commit,nat(src))
ipv6,actions=ct(commit,nat(src=fe80::1))
ipv6,actions=ct(commit,nat(src=[fe80::1]:80))
ipv6,actions=ct(commit,nat(src=[2001:db8::1]-[2001:db8::2]:5-6,persistent,hash))
ip,actions=ct(zone=5,table=1)
ip,actions=ct(table=1,zone=NXM_NX_REG1[0..15])
tcp,actions=ct(commit,nat(src=10.0.0.1:5000))
ip,actions=ct(table=0,zone=65535),output:1
ip,actions=learn(table=2,hard_timeout=30,priority=100,dl_type=0x0800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],output:NXM_OF_IN_PORT[])
FLOWS
}

tmp=$(mktemp)
n_ok=0
n_bad=0
while IFS= read -r flow || [ -n "$flow" ]; do
    case $flow in '' | '#'*) continue ;; esac
    ovs-ofctl del-flows "$br"
    if err=$(ovs-ofctl add-flow "$br" "$flow" 2>&1); then
        dump=$(ovs-ofctl --no-stats dump-flows "$br" | sed 's/^ //')
        if [ "$(printf '%s\n' "$dump" | wc -l)" != 1 ]; then
            echo "unexpected dump for: $flow" >&2
            printf '%s\n' "$dump" >&2
            n_bad=$((n_bad + 1))
            continue
        fi
        printf '%s\t%s\n' "$flow" "$dump" >>"$tmp"
        n_ok=$((n_ok + 1))
    else
        echo "rejected by Open vSwitch: $flow" >&2
        printf '%s\n' "$err" | sed 's/^/    /' | head -3 >&2
        n_bad=$((n_bad + 1))
    fi
done < <(if [ "$in" = - ]; then flows; else cat "$in"; fi)

{
    echo "# Generated by tests/unit/ofctl-golden.sh"
    echo "# with $(ovs-ofctl --version | head -1): input<TAB>dump-flows output."
    cat "$tmp"
} >"$out"
rm -f "$tmp"
echo "$out: $n_ok flows, $n_bad rejected or skipped" >&2
