#!/usr/bin/env python3
"""Reads and damages clvsim checkpoint journals for the tests (the layout of
engine/run/checkpoint.h, read here independently of clvsim).

usage:
  journal.py count FILE                  number of whole records with good CRCs
  journal.py records FILE                one line per record: offset, path, bytes, ok/bad
  journal.py flip FILE K                 flips one byte in the middle of record K's payload (0-based)
  journal.py flip-header FILE K          flips one byte of record K's length field
  journal.py cut FILE N                  cuts N bytes off the end of the file (a torn last record)
  journal.py kill-after FILE K PID [--tree]
                                         waits until FILE holds at least K whole records, then
                                         sends SIGKILL to PID (with --tree: to its child
                                         processes, e.g. mpirun's ranks, first); exits 1 if
                                         PID ends first
"""
import os
import signal
import struct
import sys
import time
import zlib

MAGIC = b"CLVSIMCK"
RECORD_MAGIC = 0x54494E55
RECORD_HEADER = 24


def records(data):
    """(offset, path, payload bytes, ok) of each record whose header is whole and sound."""
    if data[:8] != MAGIC:
        raise SystemExit("journal.py: not a clvsim checkpoint")
    bom, fmt, m = struct.unpack_from("<III", data, 8)
    at = 20 + m + 4
    out = []
    while at + RECORD_HEADER <= len(data):
        magic, path, length, pcrc, hcrc = struct.unpack_from("<IIQII", data, at)
        if magic != RECORD_MAGIC or zlib.crc32(data[at:at + 20]) != hcrc:
            break
        if at + RECORD_HEADER + length > len(data):
            break
        payload = data[at + RECORD_HEADER:at + RECORD_HEADER + length]
        out.append((at, path, length, zlib.crc32(payload) == pcrc))
        at += RECORD_HEADER + length
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd, path = argv[1], argv[2]
    if cmd == "count":
        print(sum(1 for r in records(read(path)) if r[3]))
    elif cmd == "records":
        for at, p, n, ok in records(read(path)):
            print(at, p, n, "ok" if ok else "bad")
    elif cmd in ("flip", "flip-header"):
        k = int(argv[3])
        data = bytearray(read(path))
        at, _, n, _ = records(bytes(data))[k]
        where = at + RECORD_HEADER + n // 2 if cmd == "flip" else at + 8
        data[where] ^= 0x5A
        with open(path, "r+b") as f:
            f.seek(where)
            f.write(bytes([data[where]]))
    elif cmd == "cut":
        n = int(argv[3])
        size = os.path.getsize(path)
        os.truncate(path, size - n)
    elif cmd == "kill-after":
        k, pid = int(argv[3]), int(argv[4])
        tree = "--tree" in argv[5:]
        while True:
            if not alive(pid):
                sys.exit("journal.py: process %d ended before %d records" % (pid, k))
            try:
                if sum(1 for r in records(read(path)) if r[3]) >= k:
                    for child in children(pid) if tree else []:
                        os.kill(child, signal.SIGKILL)
                    os.kill(pid, signal.SIGKILL)
                    return
            except (FileNotFoundError, SystemExit, struct.error):
                pass
            time.sleep(0.005)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
