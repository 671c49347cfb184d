#!/usr/bin/env python3
"""Compare two Google Benchmark JSON files (a saved baseline and a new run).

    bench/compare_baseline.py BASELINE.json NEW.json [--threshold 0.05]

For every benchmark present in both (the median aggregate when repetitions were used),
prints the baseline and new real time and items per second and the speed-up
(baseline time / new time). Exits 1 when any benchmark got slower by more than the
threshold (default 5%), so it can guard a change; 0 otherwise. Standard library only.
"""
import argparse
import json
import sys


def load(path):
    with open(path) as f:
        doc = json.load(f)
    rows = {}
    for b in doc.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        agg = b.get("aggregate_name")
        if agg not in (None, "median"):
            continue
        if agg is None and name in rows:  # keep a median aggregate over single runs
            continue
        rows[name] = b
    return rows


def to_ns(b):
    unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
    return b["real_time"] * unit


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("new")
    ap.add_argument("--threshold", type=float, default=0.05)
    a = ap.parse_args()
    base, new = load(a.baseline), load(a.new)
    common = [n for n in base if n in new]
    if not common:
        print("no benchmarks in common", file=sys.stderr)
        return 2
    slower = 0
    print(f"{'benchmark':<60} {'base time':>12} {'new time':>12} {'speed-up':>9}  {'new items/s':>12}")
    for n in common:
        tb, tn = to_ns(base[n]), to_ns(new[n])
        speed = tb / tn if tn > 0 else float("inf")
        flag = ""
        if speed < 1 - a.threshold:
            slower += 1
            flag = "  SLOWER"
        ips = new[n].get("items_per_second")
        ips_s = f"{ips / 1e6:10.2f} M" if ips else ""
        print(f"{n:<60} {fmt_time(tb):>12} {fmt_time(tn):>12} {speed:8.2f}x  {ips_s:>12}{flag}")
    only = sorted(set(base) ^ set(new))
    if only:
        print(f"\n{len(only)} benchmark(s) only in one file: " + ", ".join(only[:10]))
    return 1 if slower else 0


if __name__ == "__main__":
    sys.exit(main())
