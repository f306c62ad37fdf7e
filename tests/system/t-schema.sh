#!/bin/bash
# ovsdb/vswitch.ovsschema, nicflow's own copy of the Open_vSwitch database
# schema: Open vSwitch's tools accept it, and its tables, columns, types and
# constraints are exactly those of the schema Open vSwitch 3.1 installs, so
# that every ovs-vsctl command works against nicflow-dbd.  Needs no root.
. "$(dirname "$0")/lib.sh"
require_cmd python3
make_tmpdir
schema=$NF_TOP/ovsdb/vswitch.ovsschema
reference=/usr/share/openvswitch/vswitch.ovsschema

check "schema is valid JSON" python3 -m json.tool "$schema"
check_output "schema is named Open_vSwitch" '^Open_vSwitch$' \
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' \
    "$schema"

if command -v ovsdb-tool >/dev/null; then
    check "ovsdb-tool create accepts the schema" \
        ovsdb-tool create "$NF_TMP/conf.db" "$schema"
    check_output "ovsdb-tool reads the created database's version" \
        '^[0-9]+\.[0-9]+\.[0-9]+$' ovsdb-tool db-version "$NF_TMP/conf.db"
else
    skip "ovsdb-tool create accepts the schema" "ovsdb-tool not installed"
fi

if [ ! -f "$reference" ]; then
    skip "schema matches Open vSwitch's" "$reference not installed"
    finish
fi

# Prints one "ok"/"not ok" line per aspect; every difference follows as a
# "# " line.  Types are compared in a normal form, so that "string" and
# {"key": {"type": "string"}, "min": 1, "max": 1} are the same; "cksum" and
# the order of tables, columns and enum members do not matter.
python3 - "$schema" "$reference" "$NF_TEST" <<'PY'
import json, sys

def atom(a):
    a = {"type": a} if isinstance(a, str) else dict(a)
    if "enum" in a:
        e = a["enum"]
        a["enum"] = (sorted(e[1]) if isinstance(e, list) and e[:1] == ["set"]
                     else [e])
    if "refTable" in a:
        a.setdefault("refType", "strong")
    return a

def column_type(t):
    if isinstance(t, str) or "key" not in t:
        t = {"key": t}
    n = {"key": atom(t["key"]), "min": t.get("min", 1), "max": t.get("max", 1)}
    if "value" in t:
        n["value"] = atom(t["value"])
    return n

def normal(schema):
    tables = {}
    for name, t in schema["tables"].items():
        tables[name] = {
            "isRoot": t.get("isRoot", False),
            "maxRows": t.get("maxRows"),
            "indexes": sorted(sorted(i) for i in t.get("indexes", [])),
            "columns": {c: {"type": column_type(v["type"]),
                            "ephemeral": v.get("ephemeral", False),
                            "mutable": v.get("mutable", True)}
                        for c, v in t["columns"].items()},
        }
    return tables

ours_raw, ref_raw = (json.load(open(p)) for p in sys.argv[1:3])
test = sys.argv[3]
ours, ref = normal(ours_raw), normal(ref_raw)
show = lambda v: json.dumps(v, sort_keys=True)
aspects = {"version": [], "tables": [], "columns": [], "types": [],
           "table constraints": [], "column flags": []}

if ours_raw.get("version") != ref_raw.get("version"):
    aspects["version"].append("ours %s, Open vSwitch's %s"
                              % (ours_raw.get("version"), ref_raw.get("version")))
for t in sorted(set(ours) ^ set(ref)):
    aspects["tables"].append("table %s only in %s"
                             % (t, "ours" if t in ours else "Open vSwitch's"))
for t in sorted(set(ours) & set(ref)):
    a, b = ours[t], ref[t]
    for p in ("isRoot", "maxRows", "indexes"):
        if a[p] != b[p]:
            aspects["table constraints"].append(
                "%s %s: ours %s, Open vSwitch's %s" % (t, p, show(a[p]), show(b[p])))
    for c in sorted(set(a["columns"]) ^ set(b["columns"])):
        aspects["columns"].append("%s.%s only in %s" % (
            t, c, "ours" if c in a["columns"] else "Open vSwitch's"))
    for c in sorted(set(a["columns"]) & set(b["columns"])):
        x, y = a["columns"][c], b["columns"][c]
        if x["type"] != y["type"]:
            aspects["types"].append("%s.%s: ours %s, Open vSwitch's %s"
                                    % (t, c, show(x["type"]), show(y["type"])))
        for p in ("ephemeral", "mutable"):
            if x[p] != y[p]:
                aspects["column flags"].append(
                    "%s.%s %s: ours %s, Open vSwitch's %s" % (t, c, p, x[p], y[p]))

n_cols = sum(len(t["columns"]) for t in ref.values())
status = 0
for aspect, diffs in aspects.items():
    name = "same %s as Open vSwitch's schema (%d tables, %d columns)" % (
        aspect, len(ref), n_cols)
    if diffs:
        print("not ok - %s: %s" % (test, name))
        for d in diffs:
            print("# " + d)
        status = 1
    else:
        print("ok - %s: %s" % (test, name))
sys.exit(status)
PY
[ $? = 0 ] || NF_FAILED=1
finish
