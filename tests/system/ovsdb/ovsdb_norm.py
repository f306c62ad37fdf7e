"""ovsdb_norm.py: makes the output of two OVSDB servers comparable by
replacing every row UUID (random, so different on each server) with a
stable label derived from the row itself:

  - a row with a "name" column: Table(name), e.g. Port(p1);
  - the single Open_vSwitch row: Open_vSwitch;
  - a row without a name: the place that refers to it, e.g.
    QoS<Port(p1).qos> or Queue<QoS<Port(p1).qos>.queues[0]>; the
    smallest such place if several;
  - anything else (a UUID no row in the database has, such as a row that was
    created and garbage-collected at once): uuid#N, N counting first
    appearances, which is stable as long as both servers produce the same
    sequence of outputs.

A Labeler keeps its labels for the whole run: a row that is deleted keeps
the label it had."""
import json
import re

UUID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _atoms(value):
    """Yields (key, atom) for every atom of a datum in JSON form, KEY being
    the map key (as text) for map values, else None."""
    if isinstance(value, list) and len(value) == 2 and value[0] == "set":
        for a in value[1]:
            yield None, a
    elif isinstance(value, list) and len(value) == 2 and value[0] == "map":
        for k, v in value[1]:
            yield json.dumps(k), v
    else:
        yield None, value


class Labeler:
    def __init__(self):
        self.labels = {}
        self.unknown = 0
        self.unnamed = 0

    def update(self, tables):
        """Learns labels from TABLES ({table: {uuid: row}}, as rpc.dump())."""
        new = {}
        for t, rows in tables.items():
            for u, row in rows.items():
                if u in self.labels:
                    continue
                if t == "Open_vSwitch":
                    new[u] = "Open_vSwitch"
                elif isinstance(row.get("name"), str):
                    new[u] = "%s(%s)" % (t, row["name"])
        self.labels.update(new)
        # Rows without names: label by the smallest referring place, and
        # repeat while that labels more rows (references nest).
        table_of = {u: t for t, rows in tables.items() for u in rows}
        progress = True
        while progress:
            progress = False
            places = {}
            for t, rows in tables.items():
                for u, row in rows.items():
                    if u not in self.labels:
                        continue
                    for col, value in row.items():
                        for key, atom in _atoms(value):
                            if (isinstance(atom, list) and len(atom) == 2
                                    and atom[0] == "uuid"
                                    and atom[1] in table_of
                                    and atom[1] not in self.labels):
                                place = "%s<%s.%s%s>" % (
                                    table_of[atom[1]], self.labels[u], col,
                                    "[%s]" % key if key else "")
                                old = places.get(atom[1])
                                if old is None or place < old:
                                    places[atom[1]] = place
            if places:
                self.labels.update(places)
                progress = True
        for t, rows in tables.items():
            rest = [u for u in rows if u not in self.labels]
            for u in sorted(rest, key=lambda u: json.dumps(rows[u],
                                                           sort_keys=True)):
                if u not in self.labels:
                    self.unnamed += 1
                    self.labels[u] = "%s#%d" % (t, self.unnamed)

    def label(self, uuid):
        if uuid not in self.labels:
            self.unknown += 1
            self.labels[uuid] = "uuid#%d" % self.unknown
        return self.labels[uuid]

    def text(self, s):
        """S with every UUID replaced by its label."""
        return UUID_RE.sub(lambda m: self.label(m.group(0)), s)


def _sort_brackets(line):
    """Sorts the comma-separated elements of each [...] in LINE (ovs-vsctl
    prints sets of references in UUID order, which differs per server)."""
    def fix(m):
        items = m.group(1).split(", ")
        return "[" + ", ".join(sorted(items)) + "]"
    return re.sub(r"\[([^\[\]]*)\]", fix, line)


def _tree_sort(lines):
    """Sorts every level of an indented listing (ovs-vsctl show)."""
    def parse(i, indent):
        nodes = []
        while i < len(lines):
            ind = len(lines[i]) - len(lines[i].lstrip(" "))
            if ind < indent:
                break
            head = lines[i]
            i += 1
            children, i = parse(i, ind + 1)
            nodes.append((head, children))
        return nodes, i

    def render(nodes):
        out = []
        for head, children in sorted(nodes, key=lambda n: (n[0],
                                                           render(n[1]))):
            out.append(head)
            out.extend(render(children))
        return out

    tree, _ = parse(0, 0)
    return render(tree)


LOG_PREFIX_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\|\d+\|",
                           re.M)


# ovsdb-server names the two rows of a duplicate index value in an order
# that varies from run to run (either may come first).
DUP_ROWS_RE = re.compile(r"First row, with UUID (\S+), ([^.]*)\.  "
                         r"Second row, with UUID (\S+), ([^.]*)\.")


def _dup_rows(m):
    a, b = sorted([(m.group(1), m.group(2)), (m.group(3), m.group(4))])
    return ("First row, with UUID %s, %s.  Second row, with UUID %s, %s."
            % (a + b))


def stderr(labeler, s):
    """Normalises ovs-vsctl's stderr: labels, no log timestamps, the rows
    of a duplicate index error in one order."""
    return DUP_ROWS_RE.sub(_dup_rows, LOG_PREFIX_RE.sub("", labeler.text(s)))


def text(labeler, s, show=False):
    """Normalises ovs-vsctl output S: labels, sets sorted, records
    (blocks separated by blank lines, or the rows of --format=json) sorted,
    and for "show" the tree sorted."""
    s = labeler.text(s)
    if s.startswith('{"data":'):
        try:
            doc = json.loads(s)
            doc["data"] = sorted(([_datum(v) for v in r] for r in doc["data"]),
                                 key=json.dumps)
            return json.dumps(doc, sort_keys=True) + "\n"
        except ValueError:
            pass
    lines = [_sort_brackets(l) for l in s.split("\n")]
    if show:
        return "\n".join(_tree_sort([l for l in lines if l]))
    blocks = "\n".join(lines).split("\n\n")
    if len(blocks) > 1:
        blocks = sorted(b.strip("\n") for b in blocks if b.strip("\n"))
        return "\n\n".join(blocks) + "\n"
    return "\n".join(lines)


def _datum(v):
    """A datum in JSON form with its elements in a canonical order."""
    if isinstance(v, list) and len(v) == 2 and v[0] == "set":
        return ["set", sorted((_datum(a) for a in v[1]), key=json.dumps)]
    if isinstance(v, list) and len(v) == 2 and v[0] == "map":
        return ["map", sorted(([_datum(k), _datum(x)] for k, x in v[1]),
                              key=json.dumps)]
    return v


def vsctl_json_table(labeler, s):
    """Normalises the output of "ovs-vsctl --format=json list TABLE": a
    list of rows, each {heading: value}, sorted by _uuid label."""
    doc = json.loads(labeler.text(s))
    rows = []
    for r in doc["data"]:
        rows.append({h: _datum(v) for h, v in zip(doc["headings"], r)})
    return sorted(rows, key=lambda r: json.dumps(r.get("_uuid")))


def dump_rows(labeler, tables):
    """rpc.dump() output with labels for UUIDs and canonical datums."""
    out = {}
    for t, rows in tables.items():
        out[t] = {labeler.label(u): {c: _datum(json.loads(
            labeler.text(json.dumps(v)))) for c, v in row.items()}
            for u, row in rows.items()}
    return out
