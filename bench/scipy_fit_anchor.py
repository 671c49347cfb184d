#!/usr/bin/env python3
"""The scipy anchor of bench/README.md "Calibration speed": the same fit as
`clvsim fit LOG.csv --calibration-end 1997-09-30 --json` (BG/NBD + gamma-gamma), written as an
analyst would with numpy and scipy (Debian's python3-scipy): read the log, merge same-day
purchases, build the Fader-Hardie-Lee summary in weeks, collapse identical (x, t_x, T) into
weights, and maximise both log-likelihoods on log-parameters with scipy.optimize.minimize
(L-BFGS-B, numerical gradients). Prints the estimates and the wall time of each phase.

usage: bench/scipy_fit_anchor.py LOG.csv [--calibration-end 1997-09-30]
"""
import argparse
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln


def bgnbd_nll(logp, x, tx, T, w):
    r, alpha, a, b = np.exp(logp)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    A4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return -(w * (A1 + A2 + np.logaddexp(A3, A4))).sum()


def gg_nll(logp, x, m):
    p, q, g = np.exp(logp)
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + (p * x - 1) * np.log(m)
          + p * x * np.log(x) - (p * x + q) * np.log(g + m * x))
    return -ll.sum()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--calibration-end", default="1997-09-30")
    args = ap.parse_args()
    t0 = time.perf_counter()
    raw = np.loadtxt(args.log, delimiter=",", skiprows=1, dtype=str)
    cust = raw[:, 0].astype(np.int64)
    day = raw[:, 1].astype("datetime64[D]").astype(np.int64)
    amount = raw[:, 2].astype(float)
    end = np.datetime64(args.calibration_end).astype(np.int64)
    t1 = time.perf_counter()
    # Merge same-day purchases, keep the calibration period.
    order = np.lexsort((day, cust))
    cust, day, amount = cust[order], day[order], amount[order]
    key = np.stack([cust, day])
    first_of_day = np.ones(len(cust), bool)
    first_of_day[1:] = (np.diff(cust) != 0) | (np.diff(day) != 0)
    idx = np.cumsum(first_of_day) - 1
    amt = np.bincount(idx, weights=amount)
    cust, day = cust[first_of_day], day[first_of_day]
    first_day = np.minimum.reduceat(day, np.flatnonzero(np.r_[True, np.diff(cust) != 0]))
    starts = np.flatnonzero(np.r_[True, np.diff(cust) != 0])
    cid = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(cust)]))
    f = first_day[cid]
    cal = (day <= end) & (day > f)
    x = np.bincount(cid, weights=cal, minlength=len(starts))
    last = np.where(cal, day, f)
    last_day = np.maximum.reduceat(last, starts)
    m_sum = np.bincount(cid, weights=np.where(cal, amt, 0.0), minlength=len(starts))
    keep = first_day <= end
    x, last_day, fd, m_sum = x[keep], last_day[keep], first_day[keep], m_sum[keep]
    tx = (last_day - fd) / 7.0
    T = (end - fd) / 7.0
    t2 = time.perf_counter()
    rows, w = np.unique(np.stack([x, tx, T], axis=1), axis=0, return_counts=True)
    res = minimize(bgnbd_nll, np.zeros(4), args=(rows[:, 0], rows[:, 1], rows[:, 2], w), method="L-BFGS-B")
    t3 = time.perf_counter()
    rep = x > 0
    mx = m_sum[rep] / x[rep]
    res2 = minimize(gg_nll, np.log([1.0, 2.0, mx.mean()]), args=(x[rep], mx), method="L-BFGS-B")
    t4 = time.perf_counter()
    print("bg_nbd", np.exp(res.x), -res.fun, "gamma_gamma", np.exp(res2.x), -res2.fun)
    print(f"read {t1 - t0:.2f} s, summary {t2 - t1:.2f} s, bg_nbd {t3 - t2:.2f} s ({len(w)} rows), "
          f"gamma_gamma {t4 - t3:.2f} s, total {t4 - t0:.2f} s")


if __name__ == "__main__":
    main()
