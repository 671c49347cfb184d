#include "models/fit/bg_nbd_likelihood.h"

#include <cmath>

#include <boost/math/special_functions/digamma.hpp>

namespace clvsim::fit {

BgNbdLikelihood::BgNbdLikelihood(CollapsedSummary data) : data_(std::move(data))
{
  has_repeat_ = (data_.x > 0.0).cast<double>();
}

double BgNbdLikelihood::operator()(const std::array<double, 4>& theta) const
{
  return evaluate(theta, nullptr);
}

double BgNbdLikelihood::value_and_gradient(const std::array<double, 4>& theta,
                                           std::array<double, 4>& grad) const
{
  return evaluate(theta, &grad);
}

double BgNbdLikelihood::evaluate(const std::array<double, 4>& theta, std::array<double, 4>* grad) const
{
  using boost::math::digamma;
  const double r = theta[0], alpha = theta[1], a = theta[2], b = theta[3];
  const Eigen::Index m = data_.rows();
  if (m == 0) {
    if (grad) grad->fill(0.0);
    return 0.0;
  }

  // Per distinct x: A1 + A2 (summed with the run's weight), the constant of A4 (spread over
  // the run) and their derivatives.
  Eigen::ArrayXd c4(m);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double ln_alpha = std::log(alpha), ln_a = std::log(a);
  // Sum of the x-only terms weighted, and of their derivatives (they need no per-row work).
  double const_sum = 0, d_r_sum = 0, d_a_sum = 0, d_b_sum = 0;
  const double psi_r = grad ? digamma(r) : 0.0, psi_b = grad ? digamma(b) : 0.0,
               psi_ab = grad ? digamma(a + b) : 0.0;
  Eigen::ArrayXd inv_bx1;  // 1/(b+x-1) where x > 0
  if (grad) inv_bx1.resize(m);
  for (std::size_t k = 0; k + 1 < data_.run_start.size(); ++k) {
    const Eigen::Index s = data_.run_start[k], len = data_.run_start[k + 1] - s;
    const double x = data_.run_x[k];
    const double w = data_.weight.segment(s, len).sum();
    const double v = std::lgamma(r + x) - lg_r + r * ln_alpha + lg_ab + std::lgamma(b + x) - lg_b -
                     std::lgamma(a + b + x);
    const_sum += w * v;
    c4.segment(s, len).setConstant(x > 0 ? ln_a - std::log(b + x - 1.0) : 0.0);
    if (grad) {
      inv_bx1.segment(s, len).setConstant(x > 0 ? 1.0 / (b + x - 1.0) : 0.0);
      d_r_sum += w * (digamma(r + x) - psi_r + ln_alpha);
      d_a_sum += w * (psi_ab - digamma(a + b + x));
      d_b_sum += w * (psi_ab + digamma(b + x) - psi_b - digamma(a + b + x));
    }
  }

  const auto& x = data_.x;
  const auto& w = data_.weight;
  const Eigen::ArrayXd rx = x + r;
  const Eigen::ArrayXd ln_T = (data_.T + alpha).log();
  const Eigen::ArrayXd ln_tx = (data_.t_x + alpha).log();
  const Eigen::ArrayXd A3 = -rx * ln_T;
  // For x = 0 the second term is absent: push A4 to -inf-like so its weight is exactly 0.
  const Eigen::ArrayXd A4 = (has_repeat_ > 0).select(c4 - rx * ln_tx, -1e300);
  const Eigen::ArrayXd hi = A3.max(A4);
  const Eigen::ArrayXd e = -(A3 - A4).abs();
  const Eigen::ArrayXd ex = e.exp();  // <= 1
  const Eigen::ArrayXd lse = hi + ex.log1p();
  const double ll = const_sum + (w * lse).sum();

  if (grad) {
    // Softmax weights of the two terms: w3 + w4 = 1.
    const Eigen::ArrayXd inv = 1.0 / (1.0 + ex);
    const Eigen::ArrayXd w4 = (A4 > A3).select(inv, ex * inv) * has_repeat_;
    const Eigen::ArrayXd w3 = 1.0 - w4;
    const Eigen::ArrayXd ww3 = w * w3, ww4 = w * w4;
    (*grad)[0] = d_r_sum - (ww3 * ln_T).sum() - (ww4 * ln_tx).sum();
    (*grad)[1] = w.sum() * r / alpha - (ww3 * rx / (data_.T + alpha)).sum() -
                 (ww4 * rx / (data_.t_x + alpha)).sum();
    (*grad)[2] = d_a_sum + ww4.sum() / a;
    (*grad)[3] = d_b_sum - (ww4 * inv_bx1).sum();
  }
  return ll;
}

}  // namespace clvsim::fit
