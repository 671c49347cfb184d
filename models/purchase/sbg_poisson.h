#pragma once
//! sBG/Poisson: contractual-style survival (sBG, Fader & Hardie 2007) with Poisson orders in
//! each period the customer survives (SPEC §3.2): theta ~ Beta(a, b), lambda ~ Gamma(r, alpha).
//! The customer places its acquisition order in period 0; in each later period it first
//! survives with probability 1 - theta, then places n ~ Poisson(lambda) orders.

namespace clvsim::models::sbg_poisson {

//! sBG/Poisson parameters: a, b (Beta of theta), r, alpha (Gamma shape, rate of lambda per period).
struct Params {
  double a, b, r, alpha;
};

//! Expected orders of a new customer over its first `periods` periods (0 .. periods-1):
//!   1 + (r/alpha) sum_{t=1}^{periods-1} S(t),  S(t) = B(a, b+t)/B(a, b)  (F&H 2007 eq. (3)),
//! since lambda and theta are independent and E[lambda] = r/alpha. 0 for periods <= 0.
double expected_orders(const Params& params, int periods);

}  // namespace clvsim::models::sbg_poisson
