#!/bin/bash
# nicflow-vsctl, the ovs-vsctl replacement, compared with ovs-vsctl 3.1.
#
# Two passes, each on a pair of fresh databases served alike: first by
# nicflow-dbd, then by Open vSwitch's ovsdb-server 3.1 (both with
# ovsdb/vswitch.ovsschema).  The same command lines (below: the seed
# tutorials' database commands, libvirt's port command line, every
# command, option and output format, and one case of each error class) run
# one after the other, each through ovs-vsctl --no-wait on database A and
# through nicflow-vsctl --no-wait on database B.  For each line the exit
# status, stdout and stderr must be the same once UUIDs are replaced by
# labels derived from the rows (tests/system/ovsdb/ovsdb_norm.py), and so
# must the two databases afterwards.  When ovs-vsctl left database A as it
# was (a query or an error), nicflow-vsctl also runs on database A, where
# its output must match ovs-vsctl's byte for byte (rows of "list" and
# "find" may come in another order: ovs-vsctl prints them in hash order).
# A failing command must leave the database unchanged.
#
# Then: waiting for nicflowd (next_cfg/cur_cfg) and the --timeout message,
# connection failures, the default --db, --dry-run, br-exists, --help.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ovs-vsctl ovsdb-server ovsdb-tool
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

V=$NF_BIN/nicflow-vsctl
check "nicflow-vsctl is built" test -x "$V"

# The command lines, one per line in shell quoting; "#" starts a comment.
cat >"$NF_TMP/commands.txt" <<'EOF'
# An empty database.
init
show
list-br
list Open_vSwitch
get Open_vSwitch . next_cfg bridges
# Seed tutorials: bridges, ports, VLANs, patch ports, tunnels, DPDK.
add-br br0
add-br br1
add-br ovsbr
add-br lu-br0
add-br br-vxlan
add-port br0 p1
add-port br0 tap0
add-port br0 tap1
add-port br0 veth-a
add-port br1 veth-b
add-port br0 eth0
add-port lu-br0 veth0
add-port lu-br0 vxlan0
add-port br0 p0 -- set Interface p0 type=internal
set Interface p0 type=internal
set Port p1 tag=100
add-port br0 vlan10 tag=10 -- set Interface vlan10 type=internal
add-port br0 gre0 -- set Interface gre0 type=gre options:remote_ip=1.2.3.4
add-port br-vxlan tun0 -- set Interface tun0 type=vxlan options:remote_ip=192.168.7.21
--may-exist add-br br-int -- set Bridge br-int datapath_type=netdev -- br-set-external-id br-int bridge-id br-int -- set bridge br-int fail-mode=standalone
--may-exist add-br br-phy -- set Bridge br-phy datapath_type=netdev -- br-set-external-id br-phy bridge-id br-phy -- set bridge br-phy fail-mode=standalone other_config:hwaddr=02:00:00:00:00:01
--timeout 10 add-port br-phy dpdk0 -- set Interface dpdk0 type=dpdk options:dpdk-devargs=0000:06:00.0
--timeout 10 add-port br-phy eth1
add-port br-int vxlan0 -- set interface vxlan0 type=vxlan options:remote_ip=172.168.1.2
add-port br-int tap5 -- set Interface tap5 type=internal
-- add-port br0 patch0 -- set interface patch0 type=patch options:peer=patch1 -- add-port br1 patch1 -- set interface patch1 type=patch options:peer=patch0
set-controller br0 tcp:192.168.1.10:6633
get-controller br0
del-controller br0
get-controller br0
list-br
list-ports br0
show
show br0
del-br lu-br0
# libvirt (the exact command line, twice: the second run replaces the
# port) and os-vif.
--timeout=5 -- --if-exists del-port vnet0 -- add-port br0 vnet0 -- set Interface vnet0 "external-ids:attached-mac=\"52:54:00:71:b1:b6\"" -- set Interface vnet0 "external-ids:iface-id=\"7c9c0d6a-0a3c-4bc6-9d2e-6b6a6ad6f3c1\"" -- set Interface vnet0 "external-ids:vm-id=\"2b8a1c4e-5a55-4d3e-8f0e-1b5e2f7c9d10\"" -- set Interface vnet0 external-ids:iface-status=active
--timeout=5 -- --if-exists del-port vnet0 -- add-port br0 vnet0 -- set Interface vnet0 "external-ids:attached-mac=\"52:54:00:71:b1:b6\"" -- set Interface vnet0 "external-ids:iface-id=\"7c9c0d6a-0a3c-4bc6-9d2e-6b6a6ad6f3c1\"" -- set Interface vnet0 "external-ids:vm-id=\"2b8a1c4e-5a55-4d3e-8f0e-1b5e2f7c9d10\"" -- set Interface vnet0 external-ids:iface-status=active
get Interface vnet0 external_ids
get Interface vnet0 external_ids:iface-id external-ids:attached-mac
--timeout=5 -- --if-exists del-port tap5b4345ea-d5 -- add-port br-int tap5b4345ea-d5 -- set Interface tap5b4345ea-d5 "external-ids:attached-mac=\"fa:16:3e:50:1b:5b\"" -- set Interface tap5b4345ea-d5 "external-ids:iface-id=\"5b4345ea-d5ea-4285-be99-0e4cadf1600a\"" -- set Interface tap5b4345ea-d5 "external-ids:vm-id=\"0aa2d71e-9b41-4c88-9038-e4d042b6502a\"" -- set Interface tap5b4345ea-d5 external-ids:iface-status=active
--timeout=5 -- --if-exists del-port tapcea211ae-10
# Fake bridges.
add-br vb0 br0 100
--may-exist add-br vb0 br0 100
--may-exist add-br vb0 br0 101
--may-exist add-br vb0 br1 100
--may-exist add-br vb0
--may-exist add-br br0 br1 5
add-br vb1 vb0 7
add-br vb2 nosuch 5
add-br vb3 br0 100
add-br vb4 br0 5000
add-br vb5 br0
add-port vb0 vp1
add-port vb0 vp2 other_config:x=y
br-to-vlan vb0
br-to-parent vb0
br-to-vlan br0
br-to-parent br0
br-set-external-id vb0 k1 v1
br-get-external-id vb0
br-get-external-id vb0 k1
get Port vb0 external_ids
--real list-br
--fake list-br
list-ports vb0
list-ifaces vb0
port-to-br tap0
port-to-br vp1
iface-to-br vp2
list-ports br0
del-port br0 vp1
del-port vb0 vp1
# External IDs.
br-set-external-id br0 owner test
br-set-external-id br0 a-key "a value"
br-get-external-id br0
br-get-external-id br0 owner
br-get-external-id br0 nosuch
br-set-external-id br0 owner
br-get-external-id br0
br-set-external-id nosuch owner x
# Output formats.
list Port p1
list Bridge br0
--columns=name,tag,trunks list Port p1 tap0
--format=table --columns=name,tag,external_ids list Port p1 tap0
--format=table --no-headings --columns=name,tag list Port p1
--format=csv --columns=name,tag,external_ids list Port p1
--format=csv --no-headings list Interface vnet0
--format=json list Port p1
--format=json --pretty --columns=name,external_ids,tag,trunks list Port p1
--format=html --columns=_uuid,name,interfaces,external_ids list Port p1
--format=html --data=bare --columns=name,interfaces list Port p1
--format=list --data=json --columns=_uuid,name,interfaces list Port p1
--format=table --data=bare --columns=name,external_ids list Interface vnet0
--data=json get Interface vnet0 external_ids
--bare --columns=name list Bridge br0
--bare --columns=name find Interface type=internal
--oneline list-br -- list-ports br0 -- br-get-external-id br0
--oneline get Interface vnet0 external_ids:attached-mac
--no-headings list Port p1
-- list Port p1 -- list Interface p1
--format=csv list Port p1 -- --columns=name list Bridge br0
--format=json --columns=name list Bridge br0 br1 -- --columns=name,tag list Port p1
list Bridge
list Port
list Interface
--columns=name,_uuid find Port tag=100
# Table and column abbreviations, record look-up.
list bri br0
--columns=name list int p0
get int gre0 ty
get Port p1 ta
get Bridge br0 f
get Bridge br0 fail-mode
list i
list f
list Op .
get open . bridges
list Flow_Table
get Bridge br0 _uuid
get Port p1 -uuid
get Open_vSwitch . _uuid
-- --id=@nf create NetFlow targets=\"10.0.0.1:2055\" -- set Bridge br0 netflow=@nf
list NetFlow br0
get NetFlow br0 targets
set NetFlow br0 active_timeout=30
-- --id=@s create sFlow agent=eth0 targets=\"10.0.0.1:6343\" -- set Bridge br1 sflow=@s
get sFlow br1 agent targets
-- --id=@i create IPFIX targets=\"10.0.0.1:4739\" -- set Bridge br0 ipfix=@i
get IPFIX br0 targets
-- --id=@b get Bridge br0 -- create Flow_Sample_Collector_Set id=5 bridge=@b
get Flow_Sample_Collector_Set 5 id
list Flow_Sample_Collector_Set 5
set-controller br0 tcp:127.0.0.1:6653
get Controller br0 target
set Controller br0 inactivity_probe=5000
set-controller br0 tcp:127.0.0.1:6653 ptcp:6654
list Controller br0
set-controller br0 tcp:127.0.0.1:6653
-- set Port p1 qos=@q -- --id=@q create QoS type=linux-htb other-config:max-rate=1000000 queues=0=@q0,1=@q1 -- --id=@q0 create Queue other-config:min-rate=100000 -- --id=@q1 create Queue other-config:min-rate=500000
list QoS p1
get QoS p1 type queues
get Port p1 qos
list Queue
list SSL .
# Generic database commands.
get Port p1 tag name
get Port nosuch tag
--if-exists get Port nosuch tag
get Interface gre0 options:remote_ip
get Interface gre0 options:nosuch
--if-exists get Interface gre0 options:nosuch
--if-exists --id=@x get Port p1
--id=x get Port p1
-- --id=@p get Port p1 -- --id=@p get Port tap0
-- set Port p1 other_config:x=@p -- --id=@p get Port tap0
get Port p1 tag:x
set Port p1 tag:x=1
set Port p1 trunks=1,2,3 vlan_mode=trunk
get Port p1 trunks
set Port p1 trunks=10-15
get Port p1 trunks
set Port p1 trunks=[]
set Port tap0 tag=200 other_config:a=1 other-config:b="x y"
get Port tap0 other_config
set Port tap0 other_config={c=3,d=4}
get Port tap0 other_config
set Port tap0 other_config:c="\"q\""
get Port tap0 other_config:c
set Bridge br0 flood_vlans=10,20 protocols=OpenFlow13,OpenFlow15
get Bridge br0 flood_vlans protocols
add Bridge br0 flood_vlans 30 40
add Bridge br0 other_config k=v k2=v2
remove Bridge br0 flood_vlans 20
remove Bridge br0 other_config k
remove Bridge br0 other_config k2=wrong
remove Bridge br0 other_config k2=v2
get Bridge br0 flood_vlans other_config
--if-exists remove Bridge br0 protocols OpenFlow15
--if-exists set Bridge nosuch stp_enable=true
--if-exists add Bridge nosuch flood_vlans 1
--if-exists clear Bridge nosuch flood_vlans
clear Bridge br0 flood_vlans protocols
get Bridge br0 flood_vlans protocols
set Open_vSwitch . external_ids:system-id=abc other_config:x=1
get Open_vSwitch . external_ids other_config
clear Open_vSwitch . other_config
find Port tag=100
find Port tag!=100 --columns=name
--columns=name find Port tag!=100
--columns=name find Port tag>=100
--columns=name find Port tag<150
--columns=name find Port "trunks{>=}[]"
--columns=name find Interface type=internal
--columns=name find Interface options:remote_ip=1.2.3.4
--columns=name find Interface "options:remote_ip!=1.2.3.4"
--columns=name find Interface "external_ids:iface-status{=}active"
--columns=name find Bridge "flood_vlans{<=}[1,2]"
--format=json --columns=name,tag find Port tag=100
find Port nosuchcol=1
find Port tag
find Port tag~1
--columns=name,nosuch list Port p1
--columns= list Port p1
-- --id=@m create Mirror name=m0 select-all=true -- add Bridge br0 mirrors @m
list Mirror m0
-- --id=@p get Port tap0 -- --id=@o get Port p0 -- --id=@m create Mirror name=m1 select-dst-port=@p select-src-port=@p output-port=@o -- add Bridge br0 mirrors @m
get Mirror m1 select_src_port output_port
remove Bridge br0 mirrors m0
-- --id=@m get Mirror m0 -- remove Bridge br0 mirrors @m
-- --id=@m create Mirror name=m1 -- add Bridge br1 mirrors @m
get Mirror m1 name
create Manager target=\"ptcp:6699\"
-- --id=@q create Queue other-config:min-rate=1
create Port name=x
-- --id=@i create Interface name=orphan
-- --id=@a create Queue -- --id=@a create Queue
--id=foo create Queue
set Port p1 qos=@nosuch
-- --id=@q create Queue other-config:min-rate=2 -- set Port p1 qos=@q
wait-until Bridge br0
wait-until Port p1 tag=100
wait-until Interface p0 type=internal -- get Interface p0 type
destroy Manager ptcp:6699
--if-exists destroy Manager nosuch
destroy Manager nosuch
destroy Port p1
destroy Bridge br-phy
--all destroy Queue x
--all --if-exists destroy Queue
-- clear Port p1 qos -- --all destroy QoS -- --all destroy Queue
list Queue
comment hello -- list-br
# Error classes, each also checked to leave the database unchanged.
nosuch-command
list-br --may-exist
--may-exist list-br
-- --may-exist list-br
--id=@x list-br
--columns list Port
--may-exist --may-exist add-br br0
--may-exist -- list-br
add-br
add-br a b
set Bridge
list Nosuchtable
set Bridge br0 nosuchcolumn=1
set Bridge br0 name=
set Bridge br0 name=x
set Bridge br0 flood_vlans=[1,2,
set Bridge br0 other_config={a=b
set Bridge br0 other_config=a
set Bridge br0 other_config=
set Bridge br0 other_config:=
set Bridge br0 external_ids:k=""
set Port p1 tag=abc
set Port p1 tag=1,2
set Port p1 tag=5000
set Port p1 trunks=5-1
set Port p1 trunks=1-5000
set Port p1 trunks=1,1
set Port p1 "lacp=\"activ"
set Bridge br0 fail_mode=bogus
set Bridge br0 stp_enable=maybe
set Interface p1 ofport_request=-5
set Interface p1 mac_in_use=x
add Port p1 tag 6
add Port p1 tag 8 9
add Port p1 tag 100
add Port p1 tag 6 -- add Port p1 tag 7
add Port p1 tag 7 -- remove Port p1 tag 100
clear Port p1 tag -- add Port p1 tag 8 9
set Port p1 tag=100
add Bridge br0 other_config a=1
add Bridge br0 other_config a=3 b=4
set Bridge br0 other_config:b=1 -- add Bridge br0 other_config b=2 c=3 -- get Bridge br0 other_config
add Bridge br0 other_config d=5 -- get Bridge br0 other_config
add Bridge br0 flood_vlans 5 -- remove Bridge br0 flood_vlans 5 -- add Bridge br0 flood_vlans 6
remove Bridge br0 other_config a b c d -- clear Bridge br0 flood_vlans
add Port p1 other_config x
remove Port p1 name p1
remove Bridge br0 mirrors m0
clear Bridge br0 name
clear Port p1 bond_updelay
add-br br0
--may-exist add-br br0 -- add-br br0
add-port br0 p1
add-port br1 p1
add-port br0 br1
add-port nosuch p9
add-port br0 p9 nosuch=1
add-port br0 p9 tag=x
--may-exist add-port br1 p1
--may-exist add-port br0 p1
add-bond br0 bond9 p1 p8
add-bond br0 bond9 p8 p9 tag=1 -- add-bond br0 bond8 p10 x=1
del-port br0 nosuch
del-port nosuch
del-port br0
del-port br0 br0
del-port br1 p1
del-port br0 vp2
--with-iface del-port nosuch
del-br nosuch
br-to-vlan nosuch
br-to-parent nosuch
port-to-br nosuch
port-to-br br0
iface-to-br nosuch
list-ports nosuch
list-ifaces nosuch
get-controller nosuch
set-controller vb0 tcp:1.2.3.4:6653
del-controller vb0
set-fail-mode br0 bogus
set-fail-mode vb0 secure
get-fail-mode nosuch
del-fail-mode nosuch
set-ssl a b
add-bond-iface nosuch x
del-bond-iface nosuch
# Bonds.
add-bond br0 bond0 b1 b2
add-bond br0 bond1 b3 b4 lacp=active bond_mode=balance-tcp
--fake-iface add-bond br0 bond2 b5 b6
--may-exist add-bond br0 bond0 b1 b2
--may-exist add-bond br0 bond0 b2 b1
--may-exist add-bond br0 bond0 b1 b9
--may-exist add-bond br1 bond0 b1 b2
add-bond br0 bond3 b7
get Port bond2 bond_fake_iface
add-bond-iface bond0 b7
--may-exist add-bond-iface bond0 b7
--may-exist add-bond-iface bond1 b7
add-bond-iface bond0 b3
del-bond-iface bond0 b7
del-bond-iface b2
del-bond-iface bond0 b2
del-bond-iface bond1 b1
--if-exists del-bond-iface nosuch
list-ifaces br0
iface-to-br b3
port-to-br bond1
# Fail mode, managers, SSL.
set-fail-mode br0 secure
get-fail-mode br0
get-fail-mode vb0
get-fail-mode br1
del-fail-mode br0
get-fail-mode br0
set-manager ptcp:6640 tcp:127.0.0.1:6641
get-manager
--inactivity-probe=3000 set-manager ptcp:6640
list Manager
del-manager
get-manager
set-manager bogus
set-controller br1 bogus-target
--inactivity-probe=7000 set-controller br1 tcp:10.0.0.1:6653
get Controller br1 inactivity_probe
get-ssl
set-ssl /etc/nicflow/key.pem /etc/nicflow/cert.pem /etc/nicflow/ca.pem
get-ssl
--bootstrap set-ssl /k /c /ca
get-ssl
list SSL
del-ssl
get-ssl
# Deleting.
del-port tap1
del-port br0 tap0
--if-exists del-port br0 nosuch
--if-exists del-port br0
--with-iface del-port b3
--with-iface del-port bond2
del-port bond0
del-br vb0
--if-exists del-br nosuch
list-ports br0
show
emer-reset
show
list Mirror
list NetFlow
get Bridge br-phy other_config
del-br br1
del-br br0
list-br
show
list Port
EOF

# The runner: PASS REF-REMOTE GOT-REMOTE.
cat >"$NF_TMP/compare.py" <<'EOF'
import json, os, re, shlex, subprocess, sys
sys.path.insert(0, os.environ["NF_OVSDB_DIR"])
import ovsdb_norm  # noqa: E402
import rpc  # noqa: E402

name, ref_db, got_db, commands, vsctl = sys.argv[1:6]
failed = False


def run(prog, db, args):
    argv = [prog, "--no-wait", "--timeout=10", "--db=" + db] + args
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                           errors="backslashreplace")
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def fix_err(err, db):
    """The program name and the remote vary; the log prefix too."""
    err = re.sub(r"^nicflow-vsctl: ", "ovs-vsctl: ", err, flags=re.M)
    err = ovsdb_norm.LOG_PREFIX_RE.sub("", err)
    return err.replace(db, "DB")


def dump_norm(lab, tables):
    """Each table's rows, labelled, as a sorted list: rows without a name
    of their own may share a label (two controllers of one bridge)."""
    out = {}
    for t, rows in tables.items():
        out[t] = sorted(
            json.dumps({c: ovsdb_norm._datum(json.loads(lab.text(
                json.dumps(v)))) for c, v in row.items()}, sort_keys=True)
            for row in rows.values())
    return out


HTML_UUID_RE = re.compile(r">[0-9a-f]{8}</a>")


def new_uuids(known, s):
    return ovsdb_norm.UUID_RE.sub(
        lambda m: m.group(0) if m.group(0) in known else "NEW-UUID", s)


def exact_norm(args, out):
    """Row order of "list" and "find" follows ovs-vsctl's hash table."""
    if not ({"list", "find"} & set(args)):
        return out
    if out.startswith('{"data":'):
        docs = []
        for line in out.splitlines():
            d = json.loads(line)
            d["data"].sort(key=json.dumps)
            docs.append(json.dumps(d, sort_keys=True))
        return "\n".join(docs)
    if "\n\n" in out:
        return "\n\n".join(sorted(b.strip("\n") for b in out.split("\n\n")))
    return "\n".join(sorted(out.splitlines()))


lab_ref, lab_got = ovsdb_norm.Labeler(), ovsdb_norm.Labeler()
dump_ref = rpc.dump(ref_db, "Open_vSwitch")
dump_got = rpc.dump(got_db, "Open_vSwitch")
n = 0
for lineno, line in enumerate(open(commands), 1):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    args = shlex.split(line)
    n += 1
    diags = []
    r = run("ovs-vsctl", ref_db, args)
    g = run(vsctl, got_db, args)
    new_ref = rpc.dump(ref_db, "Open_vSwitch")
    new_got = rpc.dump(got_db, "Open_vSwitch")
    lab_ref.update(new_ref)
    lab_got.update(new_got)
    show = "show" in args
    # The HTML format shows 8 digits of a UUID, which labels cannot name.
    rh, gh = (HTML_UUID_RE.sub(">UUID</a>", x[1]) for x in (r, g))
    rn = (r[0], ovsdb_norm.text(lab_ref, rh, show=show),
          ovsdb_norm.stderr(lab_ref, fix_err(r[2], ref_db)))
    gn = (g[0], ovsdb_norm.text(lab_got, gh, show=show),
          ovsdb_norm.stderr(lab_got, fix_err(g[2], got_db)))
    for i, what in enumerate(("exit status", "stdout", "stderr")):
        if rn[i] != gn[i]:
            diags.append("%s differs:\n ovs-vsctl:     %s\n nicflow-vsctl: %s"
                         % (what, json.dumps(rn[i]), json.dumps(gn[i])))
    dr, dg = dump_norm(lab_ref, new_ref), dump_norm(lab_got, new_got)
    for t in sorted(set(dr) | set(dg)):
        a, b = dr.get(t, []), dg.get(t, [])
        if a != b:
            diags.append("table %s differs afterwards:\n ovs-vsctl only:     "
                         "%s\n nicflow-vsctl only: %s"
                         % (t, [x for x in a if x not in b],
                            [x for x in b if x not in a]))
    if r[0] != 0 and new_got != dump_got:
        diags.append("the failing command changed the database")
    if new_ref == dump_ref:
        # Nothing changed: the same command on the same data must print
        # exactly the same.
        s = run(vsctl, ref_db, args)
        if rpc.dump(ref_db, "Open_vSwitch") != new_ref:
            diags.append("on the same database: nicflow-vsctl changed it")
        # A UUID that no row has (a row that was not kept) is random.
        known = {u for rows in new_ref.values() for u in rows}
        s = (s[0], new_uuids(known, s[1]), s[2])
        r = (r[0], new_uuids(known, r[1]), r[2])
        same_err = fix_err(s[2], ref_db)
        want_err = fix_err(r[2], ref_db)
        if "transaction error" in want_err:
            same_err = want_err  # Names rows it inserted: random UUIDs.
        if (s[0], exact_norm(args, s[1]), same_err) != \
                (r[0], exact_norm(args, r[1]), want_err):
            diags.append("on the same database:\n ovs-vsctl:     %s\n "
                         "nicflow-vsctl: %s"
                         % (json.dumps(r), json.dumps(s)))
    dump_ref, dump_got = new_ref, new_got
    what = "%s: line %d: %s" % (name, lineno, line)
    if len(what) > 140:
        what = what[:137] + "..."
    if diags:
        failed = True
        print("not ok - vsctl: " + what)
        for d in diags:
            for l in d.split("\n"):
                print("# " + l)
    else:
        print("ok - vsctl: " + what)
print("ok - vsctl: %s: %d command lines compared" % (name, n)
      if n > 200 else "not ok - vsctl: %s: only %d command lines" % (name, n))
sys.exit(1 if failed else 0)
EOF
export NF_OVSDB_DIR

# start_dbd_pair: two nicflow-dbd; B serves the default socket.
start_dbd_pair() {
    create_db "$NF_TMP/a.db" && create_db "$NICFLOW_DBDIR/conf.db" || return 1
    "$NF_BIN/nicflow-dbd" "$NF_TMP/a.db" --remote="punix:$NF_TMP/a.sock" \
        --detach --pidfile="$NF_TMP/a.pid" --log-file="$NF_TMP/a.log" \
        --unixctl="$NF_TMP/a.ctl" || return 1
    on_exit "kill \$(cat '$NF_TMP/a.pid')"
    start_dbd "$NICFLOW_DBDIR/conf.db"
}

# start_ovs_pair: two ovsdb-server 3.1 on databases of our schema.
start_ovs_pair() {
    local s
    for s in c d; do
        ovsdb-tool create "$NF_TMP/$s.db" "$NF_SCHEMA" || return 1
        ovsdb-server "$NF_TMP/$s.db" --remote="punix:$NF_TMP/$s.sock" \
            --unixctl="$NF_TMP/$s.ctl" --pidfile="$NF_TMP/$s.pid" \
            --log-file="$NF_TMP/$s.log" --detach --no-chdir \
            -vconsole:off || return 1
        on_exit "kill \$(cat '$NF_TMP/$s.pid')"
    done
}

check_here "two nicflow-dbd start" start_dbd_pair
python3 "$NF_TMP/compare.py" nicflow-dbd "unix:$NF_TMP/a.sock" \
    "unix:$DBD_SOCK" "$NF_TMP/commands.txt" "$V" || NF_FAILED=1
check_here "two ovsdb-server 3.1 start" start_ovs_pair
python3 "$NF_TMP/compare.py" ovsdb-server "unix:$NF_TMP/c.sock" \
    "unix:$NF_TMP/d.sock" "$NF_TMP/commands.txt" "$V" || NF_FAILED=1

# same_result NAME ARGS...: ovs-vsctl and nicflow-vsctl, each against a
# fresh nicflow-dbd database of its own, exit alike and print the same
# (stderr with log prefixes, program name and the remote normalised).
norm_err() {
    sed -E -e 's/^[0-9T:.Z-]+\|[0-9]+\|//' -e 's/^nicflow-vsctl: /ovs-vsctl: /' \
        -e "s#$1#DB#g"
}

# Waiting for nicflowd: a chain that writes bumps next_cfg and returns once
# cur_cfg reaches it (set here by hand, as nicflowd would).
D=unix:$DBD_SOCK
"$V" --no-wait --db="$D" --if-exists del-br brw >/dev/null 2>&1
cfg=$("$V" --db="$D" get Open_vSwitch . next_cfg)
"$V" --db="$D" --timeout=20 add-br brw >"$NF_TMP/wait.out" 2>&1 &
waiter=$!
on_exit "kill $waiter"
for i in $(seq 50); do
    [ "$(ovs-vsctl --no-wait --db="$D" get Open_vSwitch . next_cfg)" = \
      $((cfg + 1)) ] && break
    sleep 0.1
done
sleep 0.3
if kill -0 $waiter 2>/dev/null; then
    ok "without --no-wait, add-br waits for cur_cfg"
else
    fail "without --no-wait, add-br waits for cur_cfg"
    diag "$(cat "$NF_TMP/wait.out")"
fi
ovs-vsctl --no-wait --db="$D" set Open_vSwitch . cur_cfg=$((cfg + 1))
for i in $(seq 50); do
    kill -0 $waiter 2>/dev/null || break
    sleep 0.1
done
if ! kill -0 $waiter 2>/dev/null && wait $waiter; then
    ok "add-br returns once cur_cfg reaches next_cfg"
else
    fail "add-br returns once cur_cfg reaches next_cfg"
    diag "$(cat "$NF_TMP/wait.out")"
fi
check_output "a read-only chain does not wait" '^brw$' \
    "$V" --db="$D" --timeout=5 list-br

# The timeout: both programs die of SIGALRM after logging why.
a=$(ovs-vsctl --db="$D" --timeout=1 add-br brt1 2>&1 >/dev/null); ra=$?
b=$("$V" --db="$D" --timeout=1 add-br brt2 2>&1 >/dev/null); rb=$?
a=$(norm_err "$D" <<<"$a"); b=$(norm_err "$D" <<<"$b")
if [ "$ra" = "$rb" ] && [ "$ra" = 142 ] && [ "$a" = "$b" ]; then
    ok "--timeout expires like ovs-vsctl's (status 142, same message)"
else
    fail "--timeout expires like ovs-vsctl's (status 142, same message)"
    diag "ovs-vsctl ($ra): $a" "nicflow-vsctl ($rb): $b"
fi

# Connection failures, the default --db, --dry-run, br-exists.
for db in "unix:$NF_TMP/nosuch.sock" "tcp:127.0.0.1:1"; do
    a=$(ovs-vsctl --no-wait --db="$db" list-br 2>&1); ra=$?
    b=$("$V" --no-wait --db="$db" list-br 2>&1); rb=$?
    if [ "$ra" = "$rb" ] && [ "$(norm_err x <<<"$a")" = "$(norm_err x <<<"$b")" ]; then
        ok "connection failure to $db"
    else
        fail "connection failure to $db"
        diag "ovs-vsctl ($ra): $a" "nicflow-vsctl ($rb): $b"
    fi
done
check_output "the default --db is unix:\$NICFLOW_RUNDIR/db.sock" 'brw' \
    "$V" --no-wait list-br
before=$("$V" --no-wait list-br | paste -sd,)
check_output "--dry-run prints the would-be result" \
    '^[0-9a-f]{8}-' "$V" --no-wait --dry-run -- add-br brd -- create Manager target=x
check_output "--dry-run commits nothing" "^$before\$" \
    bash -c "'$V' --no-wait list-br | paste -sd,"
check "br-exists: an existing bridge" "$V" --no-wait br-exists brw
"$V" --no-wait br-exists nosuch; rc=$?
if [ $rc = 2 ]; then ok "br-exists: exit status 2 for a missing bridge"
else fail "br-exists: exit status 2 for a missing bridge (got $rc)"; fi
"$V" --no-wait add-br brx -- br-exists nosuch -- add-br bry; rc=$?
check_output "br-exists ends the chain with nothing committed (status $rc)" \
    '^0$' bash -c "'$V' --no-wait list-br | grep -cE '^br[xy]$'; true"

# --help lists every command ovs-vsctl has that nicflow-vsctl implements.
help=$("$V" --help)
missing=
for c in init show emer-reset add-br del-br list-br br-exists br-to-vlan \
         br-to-parent br-set-external-id br-get-external-id list-ports \
         add-port add-bond add-bond-iface del-bond-iface del-port port-to-br \
         list-ifaces iface-to-br get-controller del-controller \
         set-controller get-fail-mode del-fail-mode set-fail-mode \
         get-manager del-manager set-manager get-ssl del-ssl set-ssl list \
         find get set add remove clear create destroy wait-until; do
    grep -qE "^  $c( |$)" <<<"$help" || missing="$missing $c"
done
if [ -z "$missing" ]; then ok "--help lists every command"
else fail "--help lists every command"; diag "missing:$missing"; fi
check_output "--version" '^nicflow-vsctl \(nicflow\) ' "$V" --version
finish
