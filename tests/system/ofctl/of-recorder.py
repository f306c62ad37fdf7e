#!/usr/bin/python3
"""A minimal OpenFlow switch that records what a controller sends.

Listens on a Unix socket, answers HELLO (with the version the client
offers, capped to --max-version), ECHO, FEATURES, BARRIER and the flow
format / table-id extensions as a switch would, and writes every received
message as one line of hex to --out.  Used to capture the exact bytes
ovs-ofctl and nicflow-ofctl send, for golden tests.  Serves connections
one after another until killed.
"""
import argparse
import os
import socket
import struct
import sys


def recv_msg(conn):
    hdr = b""
    while len(hdr) < 8:
        chunk = conn.recv(8 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    length = struct.unpack("!H", hdr[2:4])[0]
    body = b""
    while len(body) < length - 8:
        chunk = conn.recv(length - 8 - len(body))
        if not chunk:
            return None
        body += chunk
    return hdr + body


def msg(version, mtype, xid, body=b""):
    return struct.pack("!BBHI", version, mtype, 8 + len(body), xid) + body


def serve(conn, out, max_version):
    version = None
    while True:
        m = recv_msg(conn)
        if m is None:
            return
        out.write(m.hex() + "\n")
        out.flush()
        v, t, _, xid = struct.unpack("!BBHI", m[:8])
        if t == 0:  # HELLO: agree on the highest common version.
            offered = v
            body = m[8:]
            if len(body) >= 8 and struct.unpack("!HH", body[:4])[0] == 1:
                bitmap = struct.unpack("!I", body[4:8])[0]
                offered = max(i for i in range(32) if bitmap & (1 << i)
                              and i <= max_version)
            version = min(offered, max_version)
            conn.sendall(msg(version, 0, xid))
        elif t == 2:  # ECHO_REQUEST
            conn.sendall(msg(v, 3, xid, m[8:]))
        elif t == 5:  # FEATURES_REQUEST
            if v == 1:
                body = struct.pack("!QIB3xII", 0x1234, 256, 254, 0xc7, 0xfff)
            else:
                body = struct.pack("!QIBB2xII", 0x1234, 256, 254, 0, 0x4f, 0)
            conn.sendall(msg(v, 6, xid, body))
        elif (v == 1 and t == 18) or (v > 1 and t == 20):  # BARRIER
            conn.sendall(msg(v, t + 1, xid))
        elif v > 1 and t == 18 and m[8:10] == b"\0\x0c":
            # Table features, which ovs-ofctl asks for to name tables: one
            # table with the eight required properties, all empty.
            props = b"".join(struct.pack("!HH4x", p, 4)
                             for p in (0, 2, 4, 6, 8, 10, 12, 14))
            feat = struct.pack("!HB5x32sQQII", 64 + len(props), 0, b"", 0,
                               0, 0, 1000) + props
            conn.sendall(msg(v, 19, xid, b"\0\x0c" + b"\0" * 6 + feat))
        elif (v == 1 and t == 16) or (v > 1 and t == 18):  # stats request
            # An empty reply of the same multipart type ends the request.
            stype = m[8:10]
            if v == 1:
                rest = m[12:] if stype == b"\xff\xff" else b""
                body = stype + b"\x00\x00" + (rest[:8] + b"\x00" * 4
                                              if rest else b"")
                if stype == b"\x00\x02":
                    body += b"\x00" * 24
                conn.sendall(msg(v, 17, xid, body))
            else:
                rest = m[16:24] if stype == b"\xff\xff" else b""
                body = stype + b"\x00" * 6 + rest
                if stype == b"\x00\x02":
                    body += b"\x00" * 24
                conn.sendall(msg(v, 19, xid, body))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-version", type=int, default=6)
    args = ap.parse_args()
    try:
        os.unlink(args.socket)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(args.socket)
    s.listen(4)
    with open(args.out, "a") as out:
        out.write("# ready\n")
        out.flush()
        while True:
            conn, _ = s.accept()
            with conn:
                try:
                    serve(conn, out, args.max_version)
                except (ConnectionResetError, BrokenPipeError):
                    pass
            out.write("# closed\n")
            out.flush()


if __name__ == "__main__":
    sys.exit(main())
