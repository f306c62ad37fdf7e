#!/usr/bin/env python3
"""mkdb.py DB SCHEMA: writes a new nicflow database file (the format of
ovsdb/log.h: a "NICFLOW-OVSDB 1" line, then "<length> <crc32c>\\n<json>\\n"
records; record 0 is the schema).  Used by the system tests until
nicflow-dbtool create exists.  Refuses to overwrite an existing file."""
import json
import os
import sys


def _table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_T = _table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = _T[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def record(obj):
    data = json.dumps(obj, separators=(",", ":")).encode()
    return b"%d %08x\n" % (len(data), crc32c(data)) + data + b"\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkdb.py DB SCHEMA")
    path, schema_path = sys.argv[1:]
    assert crc32c(b"123456789") == 0xE3069283
    with open(schema_path) as f:
        schema = json.load(f)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(b"NICFLOW-OVSDB 1\n" + record(schema))
        f.flush()
        os.fsync(f.fileno())


if __name__ == "__main__":
    main()
