#!/usr/bin/env python3
"""Packets per second an iperf3 UDP test delivered, from its JSON report.

    iperf-udp-pps.py REPORT.json LEN

Prints the figure ("null" when the report has none).  Delivered datagrams
are the receiver's byte count divided by the datagram length LEN, not
iperf3's "packets - lost_packets": the receiver derives both of those from
the highest sequence number it saw, and one datagram that is not part of
the stream wrecks them: a run here reported minus 700 million, its
receiver having counted 4 bytes beyond a whole number of datagrams (a
second copy of iperf3's 4-byte UDP connect message, read as data with a
sequence number from whatever its buffer held; the switch then delivered
every frame twice, an afpacket fanout bug since fixed).  A byte count that
is not a whole number of datagrams says a stray was there; the remainder is
left out and noted on stderr, and so are datagrams the receiver saw out of
order (a duplicate is one of them, and the byte count includes it)."""
import json
import sys


def main():
    path, size = sys.argv[1], int(sys.argv[2])
    try:
        end = json.load(open(path))["end"]
        rcv = end["sum_received"]
        nbytes, secs = int(rcv["bytes"]), float(rcv["seconds"])
    except Exception:
        print("null")
        return
    if size <= 0 or secs <= 0:
        print("null")
        return
    if nbytes % size:
        sys.stderr.write("%s: %d bytes received, not a whole number of "
                         "%d-byte datagrams (%d stray bytes left out)\n"
                         % (path, nbytes, size, nbytes % size))
    ooo = sum(int(s.get("udp", {}).get("out_of_order", 0))
              for s in end.get("streams", []))
    if ooo:
        sys.stderr.write("%s: %d datagrams out of order (duplicates among "
                         "them would be counted as delivered)\n" % (path, ooo))
    print("%.0f" % ((nbytes // size) / secs))


main()
