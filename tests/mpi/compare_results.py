#!/usr/bin/env python3
"""Bitwise comparison of two clvsim results files.

Every dataset and every attribute of every group must hold the same bytes (NaN payloads
included) in both files, with the same names, shapes and types; only the provenance that
differs from run to run is left out: created_utc, run_seconds and command_line (a resumed
or MPI run has other options on its command line). Prints one line per difference and
exits 1 when there is any, 0 when the files are equal.

usage: compare_results.py EXPECTED.h5 ACTUAL.h5
"""
import sys

import h5py
import numpy as np

SKIPPED_ATTRS = {"created_utc", "run_seconds", "command_line"}


def as_bytes(value):
    if isinstance(value, (bytes, str)):
        return value.encode() if isinstance(value, str) else value
    a = np.asarray(value)
    if a.dtype.kind == "O":
        return repr([x if isinstance(x, bytes) else str(x).encode() for x in a.flat]).encode()
    return a.dtype.str.encode() + repr(a.shape).encode() + a.tobytes()


def collect(path):
    items = {}
    with h5py.File(path, "r") as f:
        def attrs(name, obj):
            for key in obj.attrs:
                if name == "/" and key in SKIPPED_ATTRS:
                    continue
                items["%s@%s" % (name, key)] = as_bytes(obj.attrs[key])

        attrs("/", f)

        def visit(name, obj):
            attrs(name, obj)
            if isinstance(obj, h5py.Dataset):
                items[name] = as_bytes(obj[()])
            else:
                items[name + "/"] = b"group"

        f.visititems(visit)
    return items


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    a, b = collect(argv[1]), collect(argv[2])
    problems = []
    for key in sorted(set(a) | set(b)):
        if key not in a:
            problems.append("only in %s: %s" % (argv[2], key))
        elif key not in b:
            problems.append("only in %s: %s" % (argv[1], key))
        elif a[key] != b[key]:
            problems.append("differs: %s" % key)
    for p in problems[:50]:
        print(p)
    if len(problems) > 50:
        print("... and %d more differences" % (len(problems) - 50))
    if problems:
        print("%s and %s differ in %d of %d items" % (argv[1], argv[2], len(problems), len(a)))
        return 1
    print("bitwise equal: %d items" % len(a))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
