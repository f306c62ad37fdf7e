#!/bin/bash
# Regenerates tests/unit/ofctl-match-golden.txt, the oracle for
# test-ofctl-match-wire: for every match in the list at the end of this
# script, plus the match part of every input of tests/unit/ofctl-golden.txt,
# the real ovs-ofctl (Open vSwitch 3.1) encodes a flow mod with
# "ovs-ofctl -mmmmm parse-flow" in three formats, and the match's bytes are
# cut out of its hex dump:
#
#     nxm    NXT_FLOW_MOD (-F nxm): match_len at 0x28, the NXM entries at
#            0x30 (without padding)
#     oxm13  OFPT_FLOW_MOD of OpenFlow 1.3: the ofp_match at 0x30, with its
#            padding
#     ofp10  OFPT_FLOW_MOD of OpenFlow 1.0 (-F openflow10): the 40-byte
#            ofp10_match at 0x08; left out when the match does not fit
#
# and written as MATCH<TAB>FORMAT<TAB>HEX.  MATCH is the flow text without
# its actions; the test appends "actions=drop" as this script does.  Needs
# only ovs-ofctl (no switch).  Usage:
#     tests/unit/ofctl-match-golden.sh [OUTPUT]
set -eu
cd "$(dirname "$0")/../.."
out=${1:-tests/unit/ofctl-match-golden.txt}

if ! command -v ovs-ofctl >/dev/null 2>&1; then
    echo "$0: ovs-ofctl not found (install openvswitch-common)" >&2
    exit 1
fi

# The hex bytes of an "ovs-ofctl -mmmmm" dump, one string without spaces.
dump_hex() {
    grep -E '^[0-9a-f]{8}  ' | cut -c11-58 | tr -d ' \n-'
}

# HEX from byte OFFSET, LEN bytes.
slice() {
    echo "${1:$((2 * $2)):$((2 * $3))}"
}

flow_of() {
    if [ -n "$1" ]; then
        printf '%s,actions=drop' "$1"
    else
        printf 'actions=drop'
    fi
}

encode() {
    local match=$1 flow hex len
    flow=$(flow_of "$match")
    if hex=$(ovs-ofctl -F nxm -mmmmm parse-flow "$flow" 2>/dev/null \
        | dump_hex) && [ -n "$hex" ]; then
        len=$((16#$(slice "$hex" 40 2)))
        printf '%s\tnxm\t%s\n' "$match" "$(slice "$hex" 48 "$len")"
    else
        echo "$0: ovs-ofctl refuses \"$flow\" (NXM)" >&2
        return
    fi
    if hex=$(ovs-ofctl -O OpenFlow13 -mmmmm parse-flow "$flow" 2>/dev/null \
        | dump_hex) && [ -n "$hex" ]; then
        len=$((16#$(slice "$hex" 50 2)))
        len=$(((len + 7) / 8 * 8))
        printf '%s\toxm13\t%s\n' "$match" "$(slice "$hex" 48 "$len")"
    fi
    if hex=$(ovs-ofctl -F openflow10 -O OpenFlow10 -mmmmm parse-flow \
        "$flow" 2>/dev/null | dump_hex) && [ -n "$hex" ]; then
        printf '%s\tofp10\t%s\n' "$match" "$(slice "$hex" 8 40)"
    fi
}

# The match part of a flow line: settings that are not match fields and
# the actions removed.
strip_flow() {
    sed -e 's/[, ]*actions\?=.*$//' \
        -e 's/\(^\|[, ]\)\(cookie\|priority\|table\|idle_timeout\|hard_timeout\|importance\|duration\|n_packets\|n_bytes\|idle_age\|hard_age\|out_port\|out_group\)=[^, ]*//g' \
        -e 's/\(^\|[, ]\)\(send_flow_rem\|check_overlap\|reset_counts\|no_packet_counts\|no_byte_counts\)\([, ]\|$\)/\1/g' \
        -e 's/  */ /g' -e 's/ *, */,/g' -e 's/^[, ]*//' -e 's/[, ]*$//' \
        -e 's/ /,/g' -e 's/,,*/,/g'
}

matches() {
    cat <<'EOF'

in_port=1
in_port=65279
in_port=LOCAL
in_port=CONTROLLER
in_port=65534
dl_src=00:01:02:03:04:05
dl_dst=00:01:02:03:04:05
dl_dst=01:00:00:00:00:00/01:00:00:00:00:00
dl_src=00:00:00:00:00:00/01:00:00:00:00:00
dl_type=0x0800
dl_type=0x1234
dl_vlan=5
dl_vlan=0xffff
dl_vlan_pcp=3
dl_vlan=7,dl_vlan_pcp=5
vlan_tci=0
vlan_tci=0x1000/0x1000
vlan_tci=0x1234
vlan_tci=0xf123/0xffff
vlan_tci=0x0123/0x0fff
vlan_vid=0x1005
vlan_vid=0x1000/0x1000
vlan_pcp=3
ip
ipv6
arp
rarp
tcp
udp
sctp
icmp
icmp6
ip,nw_src=10.0.0.1
ip,nw_src=10.0.0.0/8
ip,nw_dst=192.168.1.0/24
ip,nw_src=10.1.2.3/255.0.255.0
ip,nw_src=1.2.3.4,nw_dst=5.6.7.8
ip,nw_tos=16
ip,ip_dscp=10
ip,nw_ecn=2
ip,nw_ttl=64
ip,nw_proto=47
ip,ip_frag=no
ip,ip_frag=first
ip,ip_frag=later
ip,ip_frag=yes
ip,ip_frag=not_later
ipv6,ip_frag=first
tcp,tp_src=80
tcp,tp_dst=443
tcp,tp_src=0x1000/0xf000
tcp,tcp_flags=+syn
tcp,tcp_flags=+syn-ack
tcp,tcp_flags=0x012
tcp,nw_src=1.1.1.1,tp_dst=22
udp,tp_src=53
udp,tp_dst=4789
udp,udp_src=0x0100/0xff00
sctp,tp_src=1,tp_dst=2
sctp,sctp_dst=0x10/0xf0
icmp,icmp_type=8
icmp,icmp_type=8,icmp_code=0
icmp,icmp_code=3
icmp6,icmp_type=128
icmp6,icmpv6_type=135,nd_target=fe80::1
icmp6,icmpv6_type=135,icmpv6_code=0,nd_target=fe80::1,nd_sll=00:11:22:33:44:55
icmp6,icmpv6_type=136,icmpv6_code=0,nd_target=fe80::/64,nd_tll=00:11:22:33:44:55
icmp6,icmpv6_type=136,icmpv6_code=0,nd_tll=00:11:22:00:00:00/ff:ff:ff:00:00:00
ipv6,ipv6_src=2001:db8::1
ipv6,ipv6_src=2001:db8::/32
ipv6,ipv6_dst=::1
ipv6,ipv6_dst=2001:db8::/ffff:ffff::ffff
ipv6,ipv6_label=0x12345
ipv6,ipv6_label=0x10000/0xf0000
ipv6,nw_tos=32,nw_ecn=1,nw_ttl=9
tcp6,tp_dst=80
udp6,tp_src=546
arp,arp_op=1
arp,arp_op=2,arp_spa=10.0.0.1
arp,arp_tpa=10.0.0.0/8
arp,arp_sha=00:01:02:03:04:05
arp,arp_tha=00:01:02:03:04:05/ff:ff:ff:00:00:00
rarp,arp_op=3
mpls
mpls,mpls_label=5
mpls,mpls_tc=3
mpls,mpls_bos=1
mpls,mpls_ttl=64
mpls,mpls_label=100,mpls_tc=1,mpls_bos=0,mpls_ttl=2
dl_type=0x8848,mpls_label=7
tun_id=0x1234
tun_id=0x1234/0xffff
tun_src=1.2.3.4
tun_dst=10.0.0.0/8
tun_ipv6_src=2001:db8::1
tun_ipv6_dst=2001:db8::/64
tun_flags=+oam
tun_flags=-oam
tun_flags=1
tun_gbp_id=10
tun_gbp_flags=0x1
tun_gbp_id=0x100/0xff00,tun_gbp_flags=0x80/0x80
tun_metadata0=0x1234
tun_metadata1=0x12345678
tun_metadata3=0x1234/0xff00
tun_metadata63=0x1
tun_metadata0=0x1,tun_metadata2=0x22,tun_metadata1=0x333
tun_id=5,tun_src=1.1.1.1,tun_dst=2.2.2.2,tun_metadata5=0xabcdef
reg0=5
reg1=0x10/0xf0
reg15=0xffffffff
reg0=1,reg3=3,reg7=7
xreg0=0x100000002
xreg3=0x1/0x1
xxreg0=0x1
xxreg1=0x100000000000000000000/0xffff00000000000000000000
pkt_mark=0x42
pkt_mark=0x100/0xf00
metadata=0x5
metadata=0x10/0xf0
recirc_id=5
dp_hash=0x12
dp_hash=0x10/0xf0
conj_id=7
actset_output=3
actset_output=LOCAL
ct_state=+trk
ct_state=+trk+est-new
ct_state=0x21
ct_zone=5
ct_mark=0x10
ct_mark=0x10/0xf0
ct_label=0x1
ct_label=0x100000000000000000000/0xf00000000000000000000
ct_state=+trk+new,ip,ct_nw_src=10.0.0.1
ct_state=+trk+est,ip,ct_nw_dst=10.0.0.0/8
ct_state=+trk+est,ipv6,ct_ipv6_src=2001:db8::1
ct_state=+trk+est,ipv6,ct_ipv6_dst=2001:db8::/32
ct_state=+trk+est,ip,ct_nw_proto=6,ct_tp_src=80,ct_tp_dst=443
ct_state=+trk+est,ip,ct_nw_proto=17,ct_tp_dst=0x100/0xff00
in_port=1,dl_src=00:01:02:03:04:05,dl_dst=06:07:08:09:0a:0b,dl_vlan=10,dl_vlan_pcp=2,tcp,nw_src=1.2.3.0/24,nw_dst=4.5.6.7,nw_tos=8,tp_src=1,tp_dst=2
in_port=2,tcp,tp_dst=80,reg0=1,metadata=2,ct_state=+trk,pkt_mark=3,tun_id=4,recirc_id=5,dp_hash=6,conj_id=7
priority=10,in_port=3,udp,nw_ttl=1,tp_src=67,tp_dst=68
EOF
}

{
    echo "# Generated by tests/unit/ofctl-match-golden.sh"
    echo "# with $(ovs-ofctl --version | head -1):" \
        "match<TAB>format<TAB>match bytes (hex)."
    {
        matches
        if [ -f tests/unit/ofctl-golden.txt ]; then
            grep -v '^#' tests/unit/ofctl-golden.txt | cut -f1 | strip_flow
        fi
    } | awk '!seen[$0]++' | while IFS= read -r m; do
        encode "$m"
    done
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "$0: wrote $(grep -vc '^#' "$out") cases to $out" >&2
