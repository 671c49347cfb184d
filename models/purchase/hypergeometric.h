#pragma once
//! Generalised hypergeometric series for the closed forms of the purchase models.
//! Boost 1.74 has no 2F1 (only 0F1, 1F0, 1F1, 2F0 and a generic pFq), so this is a
//! careful power series, summed with a running scale factor so that huge intermediate
//! terms (large x in the BG/NBD and Pareto/NBD expressions) never overflow, plus the
//! linear transformations that move the argument into [0, 1).

namespace clvsim::models {

//! A real number as ln|v| and sign(v) in {-1, 0, +1}; v = sign * exp(log_abs).
struct SignedLog {
  double log_abs;
  int sign;
};

//! Power series sum_{n>=0} prod_i (a_i)_n / prod_j (b_j)_n * z^n / n!  (pFq, p <= 3,
//! q <= 2; unused slots are ignored) for |z| < 1, summed in scaled arithmetic.
//! Stops when the remaining tail, bounded geometrically by
//! |term| * rho / (1 - rho) with rho = max(|term ratio|, |z|), is below 1e-17 |sum|;
//! throws std::domain_error after max_terms terms or for a non-positive integer b_j.
SignedLog log_pfq_series(int p, const double* a, int q, const double* b, double z, long max_terms = 2'000'000);

//! Signed ln 2F1(a, b; c; z) for z < 1 (Abramowitz & Stegun 15.1.1).
//! z < 0: Pfaff transformation 2F1(a,b;c;z) = (1-z)^{-a} 2F1(a, c-b; c; z/(z-1)) (A&S 15.3.4);
//! 0 <= z < 1: the direct series or Euler's 2F1(a,b;c;z) = (1-z)^{c-a-b} 2F1(c-a, c-b; c; z)
//! (A&S 15.3.3), whichever has the smaller leading coefficient |a b| vs |(c-a)(c-b)|.
//! Converges for any z < 1, slowly as z -> 1 (about 40 / (1 - z) terms).
SignedLog log_hyp2f1_signed(double a, double b, double c, double z);

//! ln 2F1(a, b; c; z) for z < 1; throws std::domain_error unless 2F1 > 0.
double log_hyp2f1(double a, double b, double c, double z);

//! 2F1(a, b; c; z) for z < 1 (may overflow to inf where log_hyp2f1 would not).
double hyp2f1(double a, double b, double c, double z);

//! 3F2(a1, a2, a3; b1, b2; z) for |z| < 1 by the power series (no transformation).
double hyp3f2(double a1, double a2, double a3, double b1, double b2, double z);

}  // namespace clvsim::models
