#pragma once
//! Vectorised BG/NBD log-likelihood and its gradient over a collapsed summary, for the
//! maximum-likelihood fit of large customer bases (bench/README.md: 1,000,000 customers in seconds).
//!
//! Fader, Hardie & Lee (2005), "Counting your customers the easy way", eq. (6):
//!   ln L_i = A1 + A2 + ln( exp(A3) + δ(x>0) exp(A4) ),
//!   A1 = lnΓ(r+x) − lnΓ(r) + r ln α,
//!   A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
//!   A3 = −(r+x) ln(α+T),
//!   A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
//! A1, A2 and the constant of A4 depend on x only and are computed once per distinct x;
//! the per-row work is two logarithms, one exponential and one log1p, as Eigen array
//! expressions (SIMD). The scalar reference is models/purchase/bg_nbd.h.
#include <array>

#include "models/fit/summary.h"

namespace clvsim::fit {

//! BG/NBD log-likelihood of a collapsed summary; parameters ordered {r, alpha, a, b}.
class BgNbdLikelihood {
public:
  explicit BgNbdLikelihood(CollapsedSummary data);

  //! Σ weight·ln L_i at theta = {r, alpha, a, b} (all > 0).
  double operator()(const std::array<double, 4>& theta) const;
  //! The same, and its gradient with respect to theta in `grad`.
  double value_and_gradient(const std::array<double, 4>& theta, std::array<double, 4>& grad) const;

  const CollapsedSummary& data() const { return data_; }

private:
  double evaluate(const std::array<double, 4>& theta, std::array<double, 4>* grad) const;
  CollapsedSummary data_;
  Eigen::ArrayXd has_repeat_;  // 1 where x > 0
};

}  // namespace clvsim::fit
