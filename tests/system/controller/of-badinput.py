#!/usr/bin/python3
"""Sends malformed and unsupported OpenFlow 1.3 messages to a switch.

Usage: of-badinput.py TARGET [--expect]
TARGET is unix:PATH or tcp:IP:PORT.  For each case of CASES below it
connects (a fresh connection for cases that may close it, the shared one
otherwise), exchanges hellos, sends the case's bytes, and reports what
came back: the error's type and code, "closed" when the switch hung up,
or "none".  On the shared connection each case is followed by an echo
request that must be answered (the connection stays usable).  Prints one
line per case, "NAME: RESULT"; with --expect, also compares each result
with the expected one and exits 1 on any difference (printing it).

The expectations are what Open vSwitch 3.1's ovs-vswitchd answers; the
test runs this script against one to keep them honest.
"""
import socket
import struct
import sys

V13 = 4
XID = 0x5a5a0001
ECHO_XID = 0x5a5a00ee
BARRIER_XID = 0x5a5a00bb

# Message types (OpenFlow 1.3).
T_HELLO, T_ERROR, T_ECHO_REQ, T_ECHO_REPLY, T_EXPERIMENTER = 0, 1, 2, 3, 4
T_FLOW_MOD, T_MULTIPART_REQ, T_BARRIER_REQ, T_BARRIER_REPLY = 14, 18, 20, 21


def header(version, mtype, body, length=None, xid=XID):
    if length is None:
        length = 8 + len(body)
    return struct.pack("!BBHI", version, mtype, length, xid) + body


def oxm(field, value):
    """An OpenFlow basic OXM TLV without mask."""
    return struct.pack("!HBB", 0x8000, field << 1, len(value)) + value


def match(*tlvs, extra_len=0):
    """An ofp_match of OXM TLVS, padded to 8; EXTRA_LEN lies about the
    length."""
    body = b"".join(tlvs)
    m = struct.pack("!HH", 1, 4 + len(body) + extra_len) + body
    return m + b"\0" * (-len(m) % 8)


def output(port, max_len=0xffff):
    return struct.pack("!HHIH6x", 0, 16, port, max_len)


def apply_actions(*actions):
    body = b"".join(actions)
    return struct.pack("!HH4x", 4, 8 + len(body)) + body


def flow_mod(m, instructions=b"", command=0, table=0, priority=100):
    body = struct.pack("!QQBBHHHIIIH2x", 0, 0, table, command, 0, 0, priority,
                       0xffffffff, 0xffffffff, 0xffffffff, 0)
    return header(V13, T_FLOW_MOD, body + m + instructions)


IN_PORT_1 = oxm(0, struct.pack("!I", 1))
ETH_IP = oxm(5, struct.pack("!H", 0x0800))
IP_TCP = oxm(10, b"\x06")
TCP_DST_80 = oxm(14, struct.pack("!H", 80))

# (name, bytes, expected result (or a tuple of acceptable ones), fresh
# connection?).  Error codes are OpenFlow 1.3's.
CASES = [
    # A version other than the one agreed on: the specification asks for
    # OFPBRC_BAD_VERSION; Open vSwitch drops the connection instead (and
    # answers echo requests of any version).
    ("features request in OpenFlow 1.2", header(3, 5, b""),
     ("error 1/0", "closed"), True),
    ("flow-mod in unknown version 0x09", header(9, T_FLOW_MOD, b"\0" * 40),
     ("error 1/0", "closed"), True),
    # A message type nobody defined.
    ("unknown message type 0xfe", header(V13, 0xfe, b""), "error 1/1", False),
    # A header shorter than itself: the stream cannot be resynchronised.
    ("header length 4", header(V13, T_ECHO_REQ, b"", length=4),
     ("closed", "error 1/6 closed"),
     True),
    # A body too short for its type.
    ("flow-mod of 8 bytes", header(V13, T_FLOW_MOD, b""), "error 1/6", False),
    ("features request with a body",
     header(V13, 5, b"\0" * 8), "error 1/6", False),
    # Inner lengths larger than the data.
    ("flow-mod match length past the end",
     flow_mod(match(IN_PORT_1, extra_len=200)), "error 4/1", False),
    ("flow-mod instruction length past the end",
     flow_mod(match(), struct.pack("!HH4x", 4, 64)), "error 3/7", False),
    # Bad matches.
    ("flow-mod match on an unknown OXM field",
     flow_mod(match(oxm(120, b"\0\0"))), "error 4/6", False),
    ("flow-mod tcp_dst without ip_proto",
     flow_mod(match(ETH_IP, TCP_DST_80)), "error 4/9", False),
    ("flow-mod duplicate in_port",
     flow_mod(match(IN_PORT_1, IN_PORT_1)), "error 4/10", False),
    ("flow-mod match type 7", flow_mod(struct.pack("!HH4x", 7, 4)),
     "error 4/0", False),
    # Bad actions.
    ("flow-mod output to port 0xfffffe00",
     flow_mod(match(), apply_actions(output(0xfffffe00))), "error 2/4",
     False),
    ("flow-mod unknown action type 0x1234",
     flow_mod(match(), apply_actions(struct.pack("!HH4x", 0x1234, 8))),
     "error 2/0", False),
    ("flow-mod action length 12",
     flow_mod(match(), apply_actions(struct.pack("!HHI", 0, 12, 1) + b"\0"
                                     * 8)), "error 2/1", False),
    ("flow-mod unknown instruction type 0x77",
     flow_mod(match(), struct.pack("!HH4x", 0x77, 8)), "error 3/0", False),
    ("flow-mod goto_table backwards",
     flow_mod(match(), struct.pack("!HHB3x", 1, 8, 0), table=1),
     "error 3/2", False),
    ("flow-mod unknown command 9", flow_mod(match(), command=9), "error 5/6",
     False),
    # Multipart requests.
    ("multipart of unknown type 0x99",
     header(V13, T_MULTIPART_REQ, struct.pack("!HH4x", 0x99, 0)),
     "error 1/2", False),
    ("multipart flow stats without a body",
     header(V13, T_MULTIPART_REQ, struct.pack("!HH4x", 1, 0)), "error 1/6",
     False),
    # Experimenter messages.
    ("experimenter 0x00abcdef", header(V13, T_EXPERIMENTER,
                                       struct.pack("!II", 0xabcdef, 1) +
                                       b"garbage!"), "error 1/3", False),
    ("Nicira experimenter subtype 0xdead",
     header(V13, T_EXPERIMENTER, struct.pack("!II", 0x2320, 0xdead) +
            b"\xff" * 16), "error 1/4", False),
    ("experimenter message of 12 bytes",
     header(V13, T_EXPERIMENTER, struct.pack("!I", 0x2320)), "error 1/6",
     False),
    ("multipart experimenter garbage",
     header(V13, T_MULTIPART_REQ, struct.pack("!HH4xII", 0xffff, 0,
                                              0xabcdef, 7) + b"\xee" * 8),
     "error 1/3", False),
]


class Conn:
    def __init__(self, target):
        if target.startswith("unix:"):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(target[5:])
        elif target.startswith("tcp:"):
            host, port = target[4:].rsplit(":", 1)
            self.sock = socket.create_connection((host, int(port)))
        else:
            sys.exit("bad target %s" % target)
        self.sock.settimeout(10)
        self.sock.sendall(header(V13, T_HELLO,
                                 struct.pack("!HHI", 1, 8, 1 << V13),
                                 xid=1))
        m = self.recv()
        if m is None or m[1] != T_HELLO:
            sys.exit("no hello from the switch")

    def recv(self):
        data = b""
        try:
            while len(data) < 8:
                chunk = self.sock.recv(8 - len(data))
                if not chunk:
                    return None
                data += chunk
            length = struct.unpack("!H", data[2:4])[0]
            while len(data) < length:
                chunk = self.sock.recv(length - len(data))
                if not chunk:
                    return None
                data += chunk
        except (ConnectionResetError, socket.timeout):
            return None
        return data

    def exchange(self, msg):
        """Sends MSG then a barrier; returns the result string."""
        try:
            self.sock.sendall(msg + header(V13, T_BARRIER_REQ, b"",
                                           xid=BARRIER_XID))
        except (BrokenPipeError, ConnectionResetError):
            return "closed"
        result = "none"
        while True:
            m = self.recv()
            if m is None:
                return result + " closed" if result != "none" else "closed"
            if m[1] == T_ERROR and m[4:8] == struct.pack("!I", XID):
                etype, ecode = struct.unpack("!HH", m[8:12])
                result = "error %d/%d" % (etype, ecode)
            elif m[1] == T_BARRIER_REPLY and \
                    m[4:8] == struct.pack("!I", BARRIER_XID):
                return result

    def echo_works(self):
        self.sock.sendall(header(V13, T_ECHO_REQ, b"ping", xid=ECHO_XID))
        while True:
            m = self.recv()
            if m is None:
                return False
            if m[1] == T_ECHO_REPLY and m[4:8] == struct.pack("!I", ECHO_XID):
                return m[8:] == b"ping"


def main():
    target = sys.argv[1]
    expect = "--expect" in sys.argv[2:]
    shared = Conn(target)
    status = 0
    for name, msg, want, fresh in CASES:
        conn = Conn(target) if fresh else shared
        got = conn.exchange(msg)
        if fresh:
            conn.sock.close()
        elif not shared.echo_works():
            got += " (echo then failed)"
            shared = Conn(target)
        print("%s: %s" % (name, got))
        wants = want if isinstance(want, tuple) else (want,)
        if expect and got not in wants:
            print("  expected: %s" % " or ".join(wants))
            status = 1
    # A message whose header promises more than ever comes: the switch
    # waits for it, and must cope with the peer going away mid-message.
    conn = Conn(target)
    conn.sock.sendall(header(V13, T_ECHO_REQ, b"x" * 8, length=1000))
    conn.sock.close()
    print("echo shared connection after all cases: %s" %
          ("works" if shared.echo_works() else "FAILED"))
    if not shared.echo_works():
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
