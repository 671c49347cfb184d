#include "models/fit/gamma_gamma_likelihood.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/special_functions/digamma.hpp>

namespace clvsim::fit {

GammaGammaLikelihood::GammaGammaLikelihood(std::span<const double> x, std::span<const double> m_x,
                                           std::span<const double> weight)
{
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return x[l] < x[r]; });
  const auto m = static_cast<Eigen::Index>(n);
  x_.resize(m);
  m_.resize(m);
  w_.resize(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const std::size_t o = order[static_cast<std::size_t>(i)];
    x_[i] = x[o];
    m_[i] = m_x[o];
    w_[i] = weight.empty() ? 1.0 : weight[o];
  }
  mx_ = m_ * x_;
  customers_ = w_.sum();
  const Eigen::ArrayXd ln_m = m_.log();
  for (Eigen::Index i = 0; i < m; ++i) {
    if (i == 0 || x_[i] != x_[i - 1]) {
      run_start_.push_back(i);
      run_x_.push_back(x_[i]);
      run_n_.push_back(0.0);
      run_sum_ln_m_.push_back(0.0);
    }
    run_n_.back() += w_[i];
    run_sum_ln_m_.back() += w_[i] * ln_m[i];
  }
  run_start_.push_back(m);
}

double GammaGammaLikelihood::operator()(const std::array<double, 3>& theta) const
{
  return evaluate(theta, nullptr);
}

double GammaGammaLikelihood::value_and_gradient(const std::array<double, 3>& theta, std::array<double, 3>& grad) const
{
  return evaluate(theta, &grad);
}

double GammaGammaLikelihood::evaluate(const std::array<double, 3>& theta, std::array<double, 3>* grad) const
{
  using boost::math::digamma;
  const double p = theta[0], q = theta[1], g = theta[2];
  const Eigen::Index m = x_.size();
  const double lg_q = std::lgamma(q), ln_g = std::log(g);
  const double psi_q = grad ? digamma(q) : 0.0;
  double ll = 0, dp = 0, dq = 0;
  // (px + q) per row for the last term and its derivatives.
  Eigen::ArrayXd pxq(m);
  for (std::size_t k = 0; k + 1 < run_start_.size(); ++k) {
    const Eigen::Index s = run_start_[k], len = run_start_[k + 1] - s;
    const double x = run_x_[k], n = run_n_[k], px = p * x;
    ll += n * (std::lgamma(px + q) - std::lgamma(px) - lg_q + q * ln_g + px * std::log(x)) +
          (px - 1.0) * run_sum_ln_m_[k];
    pxq.segment(s, len).setConstant(px + q);
    if (grad) {
      const double psi_pxq = digamma(px + q);
      dp += n * x * (psi_pxq - digamma(px) + std::log(x)) + x * run_sum_ln_m_[k];
      dq += n * (psi_pxq - psi_q + ln_g);
    }
  }
  const Eigen::ArrayXd ln_gm = (mx_ + g).log();
  ll -= (w_ * pxq * ln_gm).sum();
  if (grad) {
    (*grad)[0] = dp - (w_ * x_ * ln_gm).sum();
    (*grad)[1] = dq - (w_ * ln_gm).sum();
    (*grad)[2] = customers_ * q / g - (w_ * pxq / (mx_ + g)).sum();
  }
  return ll;
}

}  // namespace clvsim::fit
