#!/usr/bin/env python3
"""Control-socket request/reply rate over one connection.

Usage: unixctl_rr.py SOCKET N

Sends N "version" requests one after another (each waits for its reply),
the way a monitoring script polling a daemon does, and prints the elapsed
seconds.  Works against any daemon that speaks the ovs-appctl protocol.
"""
import json
import socket
import sys
import time


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    dec = json.JSONDecoder()
    buf = ""
    start = time.monotonic()
    for i in range(n):
        s.sendall(json.dumps({"id": i, "method": "version",
                              "params": []}).encode())
        while True:
            try:
                msg, end = dec.raw_decode(buf.lstrip())
            except ValueError:
                chunk = s.recv(65536)
                if not chunk:
                    raise SystemExit("connection closed")
                buf += chunk.decode()
                continue
            buf = buf.lstrip()[end:]
            if msg.get("id") != i or msg.get("error") is not None:
                raise SystemExit("bad reply: %r" % msg)
            break
    print("%.6f" % (time.monotonic() - start))


main()
