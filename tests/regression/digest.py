#!/usr/bin/env python3
"""Fixed-precision digest of a clvsim results file (and optional CSV outputs).

One line per dataset: its path, shape, the number of values, their sum and a SHA-256 of
the values written with 12 significant digits (a change anywhere in a dataset changes the
hash; the sum shows how large the change is). Provenance that differs from run to run
(creation time, command line, version, run time, file paths, the run's manifest and hash,
which fingerprint the version and inputs) is left out, and so is the
verbatim scenario text (a comment edited in an example is not a change of results); the
seed, paths, horizon and segments are in.

usage: digest.py RESULTS.h5 [OUTPUT.csv ...]
"""
import csv
import hashlib
import math
import sys

import h5py

DIGITS = 12
SKIPPED_ATTRS = {"created_utc", "command_line", "clvsim_version", "run_seconds", "scenario_path", "scenario_toml",
                 "run_manifest", "run_hash"}


def fmt(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, str):
        return v
    v = float(v)
    if math.isnan(v):
        return "nan"
    return "%.*g" % (DIGITS, v)


def line(name, shape, values):
    text = "\n".join(fmt(v) for v in values)
    sha = hashlib.sha256(text.encode()).hexdigest()[:16]
    numbers = [float(v) for v in values if not isinstance(v, (bytes, str))]
    finite = [v for v in numbers if not math.isnan(v)]
    total = fmt(math.fsum(finite)) if numbers else "-"
    return "%s %s n=%d sum=%s sha=%s" % (name, "x".join(map(str, shape)) or "scalar", len(values), total, sha)


def digest_h5(path):
    out = []
    with h5py.File(path, "r") as f:
        for key in sorted(f.attrs):
            if key in SKIPPED_ATTRS:
                continue
            value = f.attrs[key]
            values = list(value.flat) if hasattr(value, "flat") else [value]
            out.append(line("@" + key, getattr(value, "shape", ()), values))

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                values = list(data.flat) if hasattr(data, "flat") else [data]
                out.append(line(name, obj.shape, values))

        f.visititems(visit)
    return out


def digest_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    out = []
    for c, name in enumerate(header):
        values = []
        for row in rows:
            try:
                values.append(float(row[c]))
            except ValueError:
                values.append(row[c])
        out.append(line("csv:" + name, (len(rows),), values))
    return out


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    lines = digest_h5(argv[1])
    for extra in argv[2:]:
        lines += digest_csv(extra)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
