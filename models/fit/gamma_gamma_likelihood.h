#pragma once
//! Vectorised gamma-gamma log-likelihood and its gradient over the repeat buyers, for fits of
//! large customer bases (the scalar reference is models/spend/gamma_gamma.h; the per-customer
//! version costs three lgamma calls per customer and evaluation, which makes a 400,000-buyer
//! fit take minutes).
//!
//! Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves", JMR 42(4), appendix:
//!   ln f(m_x | p, q, gamma; x) = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln gamma
//!                                + (px−1) ln m_x + px ln x − (px+q) ln(gamma + m_x x).
//! Everything but the last term depends on x only (summed once per distinct x) or on m_x only
//! (ln m_x, precomputed); per customer and evaluation there is one logarithm.
#include <array>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace clvsim::fit {

//! Gamma-gamma log-likelihood of customers with x >= 1 and m_x > 0; parameters {p, q, gamma}.
class GammaGammaLikelihood {
public:
  //! Requires x[i] >= 1 and m_x[i] > 0 for every i; `weight[i]` (empty: 1 each) is the
  //! number of customers row i stands for.
  GammaGammaLikelihood(std::span<const double> x, std::span<const double> m_x, std::span<const double> weight = {});

  double operator()(const std::array<double, 3>& theta) const;
  //! The log-likelihood and its gradient with respect to {p, q, gamma}.
  double value_and_gradient(const std::array<double, 3>& theta, std::array<double, 3>& grad) const;

  double customers() const { return customers_; }

private:
  double evaluate(const std::array<double, 3>& theta, std::array<double, 3>* grad) const;
  Eigen::ArrayXd x_, m_, mx_, w_;  // sorted by x; mx_ = m_x·x; w_ the rows' weights
  double customers_ = 0;
  std::vector<Eigen::Index> run_start_;
  std::vector<double> run_x_, run_n_;
  // Per-x sums, fixed by the data: Σ ln m_x and Σ x ln x over each run.
  std::vector<double> run_sum_ln_m_;
};

}  // namespace clvsim::fit
