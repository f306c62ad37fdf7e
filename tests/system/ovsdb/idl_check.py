#!/usr/bin/env python3
"""idl_check.py REMOTE SCHEMA BRIDGE: exercises Open vSwitch's Python IDL
(ovs.db.idl) against the OVSDB server at REMOTE.  Prints one line per step,
"ok STEP" or "FAIL STEP: why", and exits 1 on the first failure:

  1. connects and receives the initial contents (has_ever_connected, the
     Bridge BRIDGE present);
  2. commits a transaction setting BRIDGE's external_ids:idl-check=yes,
     and sees the change come back through its monitor;
  3. commits a transaction inserting a Queue row (dscp=7) referenced from
     nothing (Queue is a root table) and reads back its permanent UUID;
  4. sees a change made by another client (ovs-vsctl add-br br-idl)
     arrive: change_seqno moves and the new bridge appears."""
import subprocess
import sys
import time

import ovs.db.idl
import ovs.poller

TIMEOUT = 20.0


def main():
    remote, schema, bridge = sys.argv[1:4]
    helper = ovs.db.idl.SchemaHelper(location=schema)
    helper.register_all()
    idl = ovs.db.idl.Idl(remote, helper)
    Txn = ovs.db.idl.Transaction

    def run_until(pred):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            idl.run()
            if pred():
                return True
            poller = ovs.poller.Poller()
            idl.wait(poller)
            poller.timer_wait(100)
            poller.block()
        return False

    def step(name, ok, why=""):
        if ok:
            print("ok " + name)
        else:
            print("FAIL %s: %s" % (name, why))
            idl.close()
            sys.exit(1)

    def find_bridge(name):
        for row in idl.tables["Bridge"].rows.values():
            if row.name == name:
                return row
        return None

    step("connect and read Bridge rows",
         run_until(lambda: idl.has_ever_connected() and find_bridge(bridge)),
         "bridge %s never appeared (connected: %s)"
         % (bridge, idl.has_ever_connected()))
    print("# bridges: %s" % sorted(r.name for r in
                                   idl.tables["Bridge"].rows.values()))

    br = find_bridge(bridge)
    txn = Txn(idl)
    ids = dict(br.external_ids)
    ids["idl-check"] = "yes"
    br.external_ids = ids
    status = txn.commit_block()
    step("commit external_ids change", status == Txn.SUCCESS,
         "status %s, error %s" % (status, txn.get_error()))
    step("see own change through the monitor",
         run_until(lambda: find_bridge(bridge) is not None and
                   find_bridge(bridge).external_ids.get("idl-check") == "yes"),
         "external_ids: %s" % find_bridge(bridge).external_ids)

    txn = Txn(idl)
    q = txn.insert(idl.tables["Queue"])
    q.dscp = [7]
    status = txn.commit_block()
    uuid = txn.get_insert_uuid(q.uuid)
    step("commit an insert", status == Txn.SUCCESS and uuid is not None,
         "status %s, error %s, uuid %s" % (status, txn.get_error(), uuid))
    step("see the inserted row",
         run_until(lambda: uuid in idl.tables["Queue"].rows and
                   idl.tables["Queue"].rows[uuid].dscp == [7]),
         "Queue rows: %s" % list(idl.tables["Queue"].rows))
    print("# inserted Queue %s" % uuid)

    seqno = idl.change_seqno
    subprocess.run(["ovs-vsctl", "--no-wait", "--timeout=10", "--db=" + remote,
                    "add-br", "br-idl"], check=True)
    step("see another client's change",
         run_until(lambda: idl.change_seqno != seqno and
                   find_bridge("br-idl") is not None),
         "change_seqno %s -> %s" % (seqno, idl.change_seqno))
    idl.close()


if __name__ == "__main__":
    main()
