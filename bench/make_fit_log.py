#!/usr/bin/env python3
"""Writes a synthetic transaction log for the `clvsim fit` speed benchmark (bench/README.md,
"Calibration speed"): CUSTOMERS customers who make their first purchase on a day drawn
uniformly from the first 12 weeks of 1997 and are observed to 1998-06-30, like the CDNOW
cohort of Fader, Hardie & Lee (2005). Purchases follow the BG/NBD at the CDNOW estimates
(r = 0.243, alpha = 4.414 per week, a = 0.793, b = 2.426); each purchase's amount follows the
gamma-gamma spend model at p = 6.25, q = 3.74, gamma = 15.44 (rounded to cents). The default
1,000,000 customers give about 2.8 million rows; the output is deterministic for a seed.

usage: bench/make_fit_log.py OUT.csv [--customers N] [--seed S]
Standard library only (no numpy), about 15 s for the default size.
"""
import argparse
import datetime
import math
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()

    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    p_gg, q_gg, gamma_gg = 6.25, 3.74, 15.44
    rng = random.Random(args.seed)
    origin = datetime.date(1997, 1, 1)
    end_day = (datetime.date(1998, 6, 30) - origin).days  # last observed day, 545
    dates = [(origin + datetime.timedelta(days=d)).isoformat() for d in range(end_day + 1)]
    rows = 0
    with open(args.out, "w") as f:
        f.write("customer_id,date,amount\n")
        for c in range(1, args.customers + 1):
            first = rng.randrange(84)
            lam = rng.gammavariate(r, 1.0 / alpha) / 7.0  # per day
            pa, pb = rng.gammavariate(a, 1.0), rng.gammavariate(b, 1.0)
            drop = pa / (pa + pb)
            nu = rng.gammavariate(q_gg, 1.0 / gamma_gg)
            lines = []
            day = float(first)
            lines.append(f"{c},{dates[first]},{rng.gammavariate(p_gg, 1.0 / nu):.2f}\n")
            while lam > 0:
                day += rng.expovariate(lam)
                if day > end_day + 1 - 1e-9:
                    break
                d = min(int(math.floor(day)), end_day)
                lines.append(f"{c},{dates[d]},{rng.gammavariate(p_gg, 1.0 / nu):.2f}\n")
                if rng.random() < drop:
                    break
            f.write("".join(lines))
            rows += len(lines)
    print(f"{args.out}: {args.customers} customers, {rows} rows")


if __name__ == "__main__":
    main()
