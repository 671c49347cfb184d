#!/usr/bin/env python3
"""Checks the numbers a `clvsim fit --report` page draws against the transaction log and
`clvsim fit --json`, computed here independently of clvsim.

usage: check_fit_data.py DATA.json FIT.json LOG.csv CALIBRATION_END HOLDOUT_END CONSOLE.txt

DATA.json: the report's data block as the browser parsed it; FIT.json: `clvsim fit --json`
of the same fit; CONSOLE.txt: the console output of the same fit (its holdout lines).
Actual transactions (the tracking curves, the holdout means by frequency, m_x) are counted
again from the log with the conventions of tests/data/README.md (same-day purchases merged,
week = 7 days); parameters must equal the JSON's; BG/NBD's P(alive) is evaluated again
from its closed form. Unknown data-set kinds fail.
"""
import csv
import datetime as dt
import json
import math
import re
import sys
from collections import defaultdict

failures = []


def fail(msg):
    failures.append(msg)


def day(s):
    return dt.date.fromisoformat(s).toordinal()


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    fit = json.load(open(sys.argv[2], encoding="utf-8"))
    cal_end, hold_end = day(sys.argv[4]), day(sys.argv[5])
    console = open(sys.argv[6], encoding="utf-8").read()

    # The log: purchase days per customer (same-day purchases merged, amounts summed).
    days = defaultdict(dict)
    with open(sys.argv[3], encoding="utf-8") as f:
        for row in csv.DictReader(f):
            d = day(row["date"])
            days[row["customer_id"]][d] = days[row["customer_id"]].get(d, 0.0) + float(row["amount"])
    cohort = {c: sorted(ds.items()) for c, ds in days.items() if min(ds) <= cal_end}
    origin = min(ds[0][0] for ds in cohort.values())
    x = {c: sum(1 for d, _ in ds[1:] if d <= cal_end) for c, ds in cohort.items()}
    x_star = {c: sum(1 for d, _ in ds if cal_end < d <= hold_end) for c, ds in cohort.items()}
    m_x = {c: sum(a for d, a in ds[1:] if d <= cal_end) / x[c] for c, ds in cohort.items() if x[c] > 0}
    repeat_days = sorted(d for ds in cohort.values() for d, _ in ds[1:] if d <= hold_end)

    def cumulative_to(last):
        return sum(1 for d in repeat_days if d <= last)

    counts = defaultdict(int)
    for name, rows in data["datasets"].items():
        src = data["sources"][name]
        kind = src["kind"]
        counts[kind] += 1
        where = f"{name} ({kind})"
        if kind == "fit_parameters":
            for r in rows:
                m = fit["models"][r["model"]]
                if r["estimate"] != m["params"][r["parameter"]] or r["se"] != m["se"][r["parameter"]] or \
                        r["log_likelihood"] != m["log_likelihood"]:
                    fail(f"{where}: {r} differs from fit --json {m}")
        elif kind in ("fit_tracking_cumulative", "fit_tracking_period"):
            actual = sorted((r["x"], r["y"]) for r in rows if r["series"] == "actual")
            previous = 0
            for k, y in actual:
                c = cumulative_to(min(hold_end, origin + 7 * k - 1))
                want = c if kind == "fit_tracking_cumulative" else c - previous
                previous = c
                if y != want:
                    fail(f"{where}: week {k} actual {y}, counted {want}")
            if kind == "fit_tracking_cumulative" and actual[-1][1] != len(repeat_days):
                fail(f"{where}: ends at {actual[-1][1]}, the log has {len(repeat_days)} repeat transactions")
            if len([r for r in rows if r["series"] == src["model"]]) != len(actual):
                fail(f"{where}: the model's series has another length")
        elif kind == "fit_conditional":
            total_expected = 0.0
            for r in rows:
                g = r["x"]
                members = [c for c in cohort if (x[c] >= 7 if g == "7+" else x[c] == int(g))]
                if r["customers"] != len(members):
                    fail(f"{where}: group {g} has {r['customers']} customers, counted {len(members)}")
                if r["series"] == "actual":
                    want = sum(x_star[c] for c in members) / len(members)
                    if abs(r["y"] - want) > 1e-12 * max(1, want):
                        fail(f"{where}: group {g} actual mean {r['y']}, counted {want}")
                else:
                    total_expected += r["y"] * r["customers"]
            m = re.search(rf"^\s*{src['model']}\s+expected\s+([0-9.]+)", console, re.M)
            if not m or abs(total_expected - float(m.group(1))) > 0.05 + 1e-9:
                fail(f"{where}: expected holdout total {total_expected}, console says {m and m.group(1)}")
        elif kind == "fit_p_alive":
            model = src["model"]
            p = fit["models"][model]["params"]
            for r in rows:
                if not 0 <= r["p_alive"] <= 1:
                    fail(f"{where}: P(alive) {r['p_alive']} outside [0, 1]")
                if model == "bg_nbd":
                    xx, tx, T = r["frequency"], r["recency"], src["T"]
                    want = 1.0 if xx == 0 else 1 / (1 + p["a"] / (p["b"] + xx - 1) *
                                                    ((p["alpha"] + T) / (p["alpha"] + tx)) ** (p["r"] + xx))
                    if abs(r["p_alive"] - want) > 1e-9:
                        fail(f"{where}: x={xx} t_x={tx} P(alive) {r['p_alive']}, closed form {want}")
            by_x = defaultdict(list)
            for r in rows:
                by_x[r["frequency"]].append((r["recency"], r["p_alive"]))
            for xx, pts in by_x.items():
                ys = [y for _, y in sorted(pts)]
                if xx > 0 and any(b < a - 1e-12 for a, b in zip(ys, ys[1:])):
                    fail(f"{where}: P(alive) at x={xx} falls as the last purchase gets more recent")
        elif kind == "fit_m_x":
            got = sorted(r["value"] for r in rows)
            want = sorted(v for v in m_x.values() if v > 0)
            if len(got) != len(want) or any(abs(a - b) > 1e-9 * max(1, b) for a, b in zip(got, want)):
                fail(f"{where}: {len(got)} m_x values differ from the log's {len(want)}")
        elif kind in ("fit_calibration_end", "fit_m_x_means"):
            if not rows:
                fail(f"{where}: no markers")
        else:
            fail(f"{where}: unknown kind of data set; teach check_fit_data.py where its numbers come from")

    if failures:
        for m in failures[:40]:
            print("FAIL:", m)
        sys.exit(1)
    print(f"{sys.argv[1]}: {len(data['datasets'])} data sets agree with the log and fit --json: " +
          ", ".join(f"{k} x{n}" for k, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
