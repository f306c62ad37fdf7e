#!/usr/bin/python3
"""Sends OpenFlow messages to a switch and prints the replies as hex.

Usage: of-client.py SOCKET VERSION HEX...  Connects to the Unix socket,
exchanges hellos for VERSION, sends each HEX message (its xid is kept),
then a barrier request, and prints every message received until the
barrier reply, one hex line each.  Used to capture real Open vSwitch
replies for golden tests.
"""
import socket
import struct
import sys


def recv_msg(conn):
    data = b""
    while len(data) < 8:
        chunk = conn.recv(8 - len(data))
        if not chunk:
            return None
        data += chunk
    length = struct.unpack("!H", data[2:4])[0]
    while len(data) < length:
        chunk = conn.recv(length - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main():
    path, version = sys.argv[1], int(sys.argv[2])
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    conn.sendall(struct.pack("!BBHI", version, 0, 8, 0x7fff0000))
    hello = recv_msg(conn)
    if hello is None or hello[1] != 0:
        sys.exit("no hello from switch")
    for h in sys.argv[3:]:
        conn.sendall(bytes.fromhex(h.replace(" ", "")))
    barrier = 18 if version == 1 else 20
    conn.sendall(struct.pack("!BBHI", version, barrier, 8, 0x7fff0001))
    while True:
        m = recv_msg(conn)
        if m is None:
            sys.exit("connection closed before barrier reply")
        if m[1] == barrier + 1 and m[4:8] == b"\x7f\xff\x00\x01":
            break
        print(m.hex())


if __name__ == "__main__":
    main()
