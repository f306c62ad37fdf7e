#!/usr/bin/env python3
"""Packets per second an iperf3 UDP test delivered, from its JSON report.

    iperf-udp-pps.py REPORT.json LEN

Prints the figure ("null" when the report has none).  Delivered datagrams
are the receiver's byte count divided by the datagram length LEN, not
iperf3's "packets - lost_packets": the receiver derives both of those from
the highest sequence number it saw, and one datagram that is not part of
the stream wrecks them: a run here reported minus 700 million, its
receiver having counted 4 bytes beyond a whole number of datagrams (the
size of iperf3's UDP connect message, read as data with a sequence number
from whatever its buffer held).  A byte count that is
not a whole number of datagrams says a stray was there; the remainder is
left out and noted on stderr."""
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
    print("%.0f" % ((nbytes // size) / secs))


main()
