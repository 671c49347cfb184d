#!/usr/bin/env python3
"""Checks that the numbers a clvsim HTML report draws are the results file's.

usage: check_data.py DATA.json RESULTS.h5

DATA.json is the report's data block as the browser parsed it (check_report.cjs
--data-out). Every data set names its source; a data set equal to a results-file dataset
must match it exactly (the JSON numbers are shortest round-trip decimals), one computed
from results-file datasets (statistics across paths, paired differences, discounted
sums) is computed again here with numpy, independently of clvsim, and must agree to
1e-9 relative. A data set of a kind this script does not know fails the check, so a new
chart cannot slip in unchecked. Reads the file with h5py (not with clvsim).
"""
import json
import math
import sys

import h5py
import numpy as np

STATS = ["mean", "sd", "p05", "p25", "p50", "p75", "p95"]
failures = []


def fail(msg):
    failures.append(msg)


def same(a, b):
    """Exact equality, None (JSON null) standing for NaN and infinities."""
    if a is None:
        return b is None or not math.isfinite(b)
    if b is None or not math.isfinite(b):
        return False
    return a == b


def close(a, b, scale=1.0, rel=1e-9):
    if a is None:
        return b is None or not math.isfinite(b)
    if b is None or not math.isfinite(b):
        return False
    return abs(a - b) <= rel * max(abs(a), abs(b), scale) + 1e-12


def summary(values):
    """stats::summarize: non-finite values skipped, sd with n-1, type-7 quantiles."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {k: float("nan") for k in STATS}
    q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {"mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1)) if v.size > 1 else 0.0,
            "p05": q[0], "p25": q[1], "p50": q[2], "p75": q[3], "p95": q[4]}


def discount_factors(f):
    """delta^t recovered as clvsim does (decisions.h): at the path with the largest |profit_t|."""
    h = int(f.attrs["horizon"])
    best_profit = np.zeros(h)
    best_step = np.full(h, np.nan)
    for v in f["variants"]:
        pp = f["variants"][v]["path_periods"]
        profit = pp["profit"][...]
        cum = pp["profit_cumulative_discounted"][...]
        step = np.diff(np.concatenate([np.zeros((cum.shape[0], 1)), cum], axis=1), axis=1)
        for t in range(h):
            col = np.abs(profit[:, t])
            col[~np.isfinite(col)] = 0
            p = int(np.argmax(col))
            if col[p] > abs(best_profit[t]):
                best_profit[t] = profit[p, t]
                best_step[t] = step[p, t]
    d = np.full(h, np.nan)
    d[0] = 1.0
    for t in range(1, h):
        if best_profit[t] != 0:
            d[t] = best_step[t] / best_profit[t]
    return d


def check(data, f):
    h = int(f.attrs["horizon"])
    variants = f["variants"]
    comparisons = f["comparisons"] if "comparisons" in f else {}
    counts = {}
    for name, rows in data["datasets"].items():
        src = data["sources"][name]
        kind = src["kind"]
        counts[kind] = counts.get(kind, 0) + 1
        where = f"{name} ({kind})"
        if kind == "period_stats":
            for r in rows:
                ds = variants[r["variant"]]["periods"][src["kpi"]]
                for i, s in enumerate(STATS):
                    if not same(r[s], float(ds[i, r["t"]])):
                        fail(f"{where}: {r['variant']} t={r['t']} {s} = {r[s]}, file {ds[i, r['t']]}")
        elif kind == "comparison_paths":
            for r in rows:
                x = float(comparisons[r["name"]]["paths"][src["metric"]][r["path"]])
                if not same(r["value"], x):
                    fail(f"{where}: {r['name']} path {r['path']} = {r['value']}, file {x}")
        elif kind == "paired_difference":
            for r in rows:
                a = comparisons[r["a"]]["paths"][src["metric"]][r["path"]]
                b = comparisons[r["b"]]["paths"][src["metric"]][r["path"]]
                if not same(r["value"], float(a - b)):
                    fail(f"{where}: {r['a']} - {r['b']} path {r['path']} = {r['value']}, file {a - b}")
        elif kind == "net_gain":
            inv = src["investment"]
            gain = variants[inv]["path_periods"]["profit_cumulative_discounted"][...] - \
                variants["baseline"]["path_periods"]["profit_cumulative_discounted"][...]
            scale = float(np.nanmax(np.abs(gain))) if gain.size else 1.0
            for r in rows:
                s = summary(gain[:, r["t"]])
                for k in STATS:
                    if not close(r[k], s[k], scale):
                        fail(f"{where}: t={r['t']} {k} = {r[k]}, recomputed {s[k]}")
        elif kind == "payback_median":
            # The median with "never" (NaN) as +infinity, type 7 (the payback p50 of docs/model.md §11).
            p = np.sort(np.where(np.isnan(comparisons[src["investment"]]["paths"]["payback_period"][...]), np.inf,
                                 comparisons[src["investment"]]["paths"]["payback_period"][...]))
            hpos = (len(p) - 1) * 0.5
            lo, hi = int(math.floor(hpos)), min(int(math.floor(hpos)) + 1, len(p) - 1)
            m = p[lo] if hpos == lo or p[lo] == p[hi] else (math.inf if math.isinf(p[hi]) else p[lo] + (hpos - lo) * (p[hi] - p[lo]))
            for r in rows:
                if not close(r["x"], m):
                    fail(f"{where}: median payback {r['x']}, recomputed {m}")
        elif kind == "why":
            inv = src["investment"]
            d = discount_factors(f)
            v, b = variants[inv]["path_periods"], variants["baseline"]["path_periods"]

            def npv(kpi):
                return ((v[kpi][...] - b[kpi][...]) * d).sum(axis=1)

            lines = {"revenue": npv("revenue"), "gross_margin": npv("gross_margin")}
            lines["cost_of_goods"] = lines["revenue"] - lines["gross_margin"]
            for k in v:
                if k.startswith("cost_") and k != "cost_investment":
                    lines[k] = npv(k)
            for k in ("delta_npv", "cost_npv", "net_npv"):
                lines[k] = comparisons[inv]["paths"][k][...]
            scale = float(np.max(np.abs(lines["revenue"]))) + float(np.max(np.abs(lines["delta_npv"])))
            seen = set()
            running = 0.0
            for r in sorted(rows, key=lambda r: r["order"]):
                seen.add(r["line"])
                if r["line"] == "other":
                    continue
                m = float(np.mean(lines[r["line"]]))
                if not close(r["mean"], m, scale, 1e-9):
                    fail(f"{where}: {r['line']} mean {r['mean']}, recomputed {m}")
                # The waterfall adds up: steps move the running total, subtotals restart from 0.
                if r["role"] == "step":
                    running += r["sign"] * r["mean"]
                    if not close(r["end"], running, scale, 1e-9):
                        fail(f"{where}: {r['line']} ends at {r['end']}, running total {running}")
                else:
                    if r["role"] == "subtotal" and not close(running, r["mean"], scale, 1e-6):
                        fail(f"{where}: the lines above {r['line']} add up to {running}, not {r['mean']}")
                    running = r["mean"]
            missing = (set(lines) - seen)
            if missing:
                fail(f"{where}: lines {sorted(missing)} of the file are not in the waterfall")
        elif kind == "sensitivity":
            g = f["sensitivity"][src["output"]]
            names = [p.decode() if isinstance(p, bytes) else p for p in g["parameter"][...]]
            # the inputs that can move the output (reaches 1; files without it: all)
            shown = [i for i in range(len(names)) if "reaches" not in g or g["reaches"][i] == 1]
            params = [names[i] for i in shown]
            if [r["parameter"] for r in rows] != params:
                fail(f"{where}: parameters {[r['parameter'] for r in rows]} != file {params}")
            for r, i in zip(rows, shown):
                for k in ("spearman", "tornado_low", "tornado_high", "p_value"):
                    if not same(r[k], float(g[k][i])):
                        fail(f"{where}: {r['parameter']} {k} = {r[k]}, file {g[k][i]}")
        elif kind == "sweep":
            for r in rows:
                g = variants[r["variant"]]
                s = summary(g["paths"][src["kpi"]][...])
                for k in ("mean", "p05", "p25", "p50", "p75", "p95"):
                    if not close(r[k], s[k], abs(s["mean"])):
                        fail(f"{where}: {r['variant']} {k} = {r[k]}, recomputed {s[k]}")
                xs = [float(g.attrs[a]) for a in g.attrs if a.startswith("sweep.") and float(g.attrs[a]) == r["x"]]
                if not xs:
                    fail(f"{where}: {r['variant']} x = {r['x']} is none of its sweep attributes")
        elif kind == "clv_histogram":
            for r in rows:
                g = variants[r["variant"]]["clv_histogram"]
                i = next((k for k in range(len(g["counts"])) if float(g["edges"][k]) == r["lo"]), None)
                if i is None or not (same(r["hi"], float(g["edges"][i + 1])) and same(r["count"], float(g["counts"][i]))):
                    fail(f"{where}: {r['variant']} bin {r['lo']}..{r['hi']} ({r['count']}) not in the file")
        elif kind == "concentration":
            for r in rows:
                g = variants[r["variant"]]["concentration"]
                x = list(g["top_share_of_customers"][...])
                i = x.index(r["top_share_of_customers"]) if r["top_share_of_customers"] in x else None
                if i is None or not same(r["share_of_revenue"], float(g["share_of_revenue"][i])):
                    fail(f"{where}: {r['variant']} point {r} not in the file")
        elif kind == "segment_paths":
            for r in rows:
                s = summary(variants[r["variant"]]["segments"][r["segment"]]["paths"][src["kpi"]][...])
                for k in ("mean", "p05", "p50", "p95"):
                    if not close(r[k], s[k], abs(s["mean"])):
                        fail(f"{where}: {r['variant']}/{r['segment']} {k} = {r[k]}, recomputed {s[k]}")
        elif kind == "segment_delta":
            for r in rows:
                a = variants[r["investment"]]["segments"][r["segment"]]["paths"][src["kpi"]][...]
                b = variants["baseline"]["segments"][r["segment"]]["paths"][src["kpi"]][...]
                s = summary(a - b)
                for k in ("mean", "p05", "p50", "p95"):
                    if not close(r[k], s[k], float(np.max(np.abs(a - b))) if a.size else 1.0):
                        fail(f"{where}: {r['investment']}/{r['segment']} {k} = {r[k]}, recomputed {s[k]}")
        elif kind == "panel_labels":
            for r in rows:
                if not r["label"].startswith(str(r["name"])) and " beats " not in r["label"]:
                    fail(f"{where}: label {r['label']!r} does not name {r['name']!r}")
        elif kind == "subscription_mrr":
            months = float(f["subscription"].attrs["months_per_period"])
            for r in rows:
                col = variants[r["variant"]]["path_periods"]["revenue"][:, r["x"]] / months
                want = summary(col)[r["stat"]]
                if not close(r["y"], want, float(np.max(np.abs(col))) if col.size else 1.0):
                    fail(f"{where}: {r['series']} at {r['x']} = {r['y']}, recomputed {want}")
        elif kind == "subscription_retention":
            for r in rows:
                if r["stat"] == "closed_form":
                    want = float(f["subscription"]["retention_closed_form"][r["x"]])
                    ok = same(r["y"], want)
                else:
                    want = summary(variants[r["variant"]]["subscription"]["retention_by_tenure"][:, r["x"]])["mean"]
                    ok = close(r["y"], want)
                if not ok:
                    fail(f"{where}: {r['series']} at tenure {r['x']} = {r['y']}, from the file {want}")
        else:
            fail(f"{where}: unknown kind of data set; teach check_data.py where its numbers come from")
    return counts


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    with h5py.File(sys.argv[2], "r") as f:
        counts = check(data, f)
    if failures:
        for m in failures[:40]:
            print("FAIL:", m)
        print(f"{len(failures)} mismatches")
        sys.exit(1)
    print(f"{sys.argv[1]}: {len(data['datasets'])} data sets agree with {sys.argv[2]}: " +
          ", ".join(f"{k} x{n}" for k, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
