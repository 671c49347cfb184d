#pragma once
//! Vectorised BG/NBD and MBG/NBD log-likelihoods and their gradients over a collapsed
//! summary, for the maximum-likelihood fit of large customer bases (bench/README.md: 1,000,000
//! customers in seconds), summed in fixed chunks with a deterministic reduction (parallel.h).
//!
//! BG/NBD, Fader, Hardie & Lee (2005), "Counting your customers the easy way", eq. (6):
//!   ln L_i = A1 + A2 + ln( exp(A3) + δ(x>0) exp(A4) ),
//!   A1 = lnΓ(r+x) − lnΓ(r) + r ln α,
//!   A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
//!   A3 = −(r+x) ln(α+T),
//!   A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
//! MBG/NBD, Batislam, Denizel & Filiztekin (2007) (models/purchase/mbg_nbd.h): the same with
//! b+x → b+x+1 in A2 and A4 (one more dropout coin survived), and the A4 term for every x
//! (a one-time buyer may have dropped out at time 0).
//! A1, A2 and the constant of A4 depend on x only and are computed once per distinct x;
//! the per-row work is two logarithms, one exponential and one log1p, as Eigen array
//! expressions (SIMD). The scalar references are models/purchase/bg_nbd.h and mbg_nbd.h.
#include <array>

#include "models/fit/parallel.h"
#include "models/fit/summary.h"

namespace clvsim::fit {

//! BG/NBD (or MBG/NBD) log-likelihood of a collapsed summary; parameters ordered {r, alpha, a, b}.
class BgNbdLikelihood {
public:
  //! Which model: BG/NBD, or MBG/NBD (dropout possible right after the first purchase).
  enum class Variant { bg_nbd, mbg_nbd };

  explicit BgNbdLikelihood(CollapsedSummary data, Variant variant = Variant::bg_nbd, ChunkRunner runner = {});

  //! Σ weight·ln L_i at theta = {r, alpha, a, b} (all > 0).
  double operator()(const std::array<double, 4>& theta) const;
  //! The same, and its gradient with respect to theta in `grad`.
  double value_and_gradient(const std::array<double, 4>& theta, std::array<double, 4>& grad) const;

  const CollapsedSummary& data() const { return data_; }

private:
  double evaluate(const std::array<double, 4>& theta, std::array<double, 4>* grad) const;
  CollapsedSummary data_;
  Variant variant_;
  ChunkRunner runner_;
  double total_weight_ = 0;
  Eigen::ArrayXd has_dropout_term_;  // 1 where the A4 term is present (x > 0, or always for MBG/NBD)
};

}  // namespace clvsim::fit
