#include "models/fit/bg_nbd_likelihood.h"

#include <cmath>

#include <boost/math/special_functions/digamma.hpp>

namespace clvsim::fit {

BgNbdLikelihood::BgNbdLikelihood(CollapsedSummary data, Variant variant, ChunkRunner runner)
    : data_(std::move(data)), variant_(variant), runner_(std::move(runner))
{
  has_dropout_term_ =
      variant_ == Variant::mbg_nbd ? Eigen::ArrayXd::Ones(data_.rows()).eval() : (data_.x > 0.0).cast<double>().eval();
  total_weight_ = data_.weight.sum();
}

double BgNbdLikelihood::operator()(const std::array<double, 4>& theta) const
{
  return evaluate(theta, nullptr);
}

double BgNbdLikelihood::value_and_gradient(const std::array<double, 4>& theta, std::array<double, 4>& grad) const
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
  // BG/NBD: b+x−1 and a+b+x in A2/A4 for x > 0; MBG/NBD: b+x and a+b+x+1 for every x.
  const double shift = variant_ == Variant::mbg_nbd ? 1.0 : 0.0;

  // Per distinct x: A1 + A2 (summed with the run's weight), the constant of A4 (spread over
  // the run) and their derivatives.
  Eigen::ArrayXd c4(m);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double ln_alpha = std::log(alpha), ln_a = std::log(a);
  // Sum of the x-only terms weighted, and of their derivatives (they need no per-row work).
  double const_sum = 0, d_r_sum = 0, d_a_sum = 0, d_b_sum = 0;
  const double psi_r = grad ? digamma(r) : 0.0, psi_b = grad ? digamma(b) : 0.0, psi_ab = grad ? digamma(a + b) : 0.0;
  Eigen::ArrayXd inv_bx1;  // 1/(b+x−1+shift) where the A4 term is present
  if (grad) inv_bx1.resize(m);
  for (std::size_t k = 0; k + 1 < data_.run_start.size(); ++k) {
    const Eigen::Index s = data_.run_start[k], len = data_.run_start[k + 1] - s;
    const double x = data_.run_x[k];
    const bool dropout_term = x > 0 || shift > 0;
    const double w = data_.weight.segment(s, len).sum();
    const double v = std::lgamma(r + x) - lg_r + r * ln_alpha + lg_ab + std::lgamma(b + x + shift) - lg_b -
                     std::lgamma(a + b + x + shift);
    const_sum += w * v;
    c4.segment(s, len).setConstant(dropout_term ? ln_a - std::log(b + x - 1.0 + shift) : 0.0);
    if (grad) {
      inv_bx1.segment(s, len).setConstant(dropout_term ? 1.0 / (b + x - 1.0 + shift) : 0.0);
      d_r_sum += w * (digamma(r + x) - psi_r + ln_alpha);
      d_a_sum += w * (psi_ab - digamma(a + b + x + shift));
      d_b_sum += w * (psi_ab + digamma(b + x + shift) - psi_b - digamma(a + b + x + shift));
    }
  }

  // The per-row terms, in fixed chunks: [0] Σ w·lse, [1] Σ w3·ln(α+T), [2] Σ w4·ln(α+t_x),
  // [3] Σ w3·(r+x)/(α+T), [4] Σ w4·(r+x)/(α+t_x), [5] Σ w4, [6] Σ w4/(b+x−1+shift).
  const auto part = [&](std::size_t begin, std::size_t end) {
    std::array<double, 7> out{};
    const auto s = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
    const auto x = data_.x.segment(s, len);
    const auto w = data_.weight.segment(s, len);
    const auto has4 = has_dropout_term_.segment(s, len);
    const Eigen::ArrayXd rx = x + r;
    const Eigen::ArrayXd ln_T = (data_.T.segment(s, len) + alpha).log();
    const Eigen::ArrayXd ln_tx = (data_.t_x.segment(s, len) + alpha).log();
    const Eigen::ArrayXd A3 = -rx * ln_T;
    // Without the second term push A4 to -inf-like so its weight is exactly 0.
    const Eigen::ArrayXd A4 = (has4 > 0).select(c4.segment(s, len) - rx * ln_tx, -1e300);
    const Eigen::ArrayXd hi = A3.max(A4);
    const Eigen::ArrayXd e = -(A3 - A4).abs();
    const Eigen::ArrayXd ex = e.exp();  // <= 1
    out[0] = (w * (hi + ex.log1p())).sum();
    if (grad) {
      // Softmax weights of the two terms: w3 + w4 = 1.
      const Eigen::ArrayXd inv = 1.0 / (1.0 + ex);
      const Eigen::ArrayXd w4 = (A4 > A3).select(inv, ex * inv) * has4;
      const Eigen::ArrayXd ww3 = w * (1.0 - w4), ww4 = w * w4;
      out[1] = (ww3 * ln_T).sum();
      out[2] = (ww4 * ln_tx).sum();
      out[3] = (ww3 * rx / (data_.T.segment(s, len) + alpha)).sum();
      out[4] = (ww4 * rx / (data_.t_x.segment(s, len) + alpha)).sum();
      out[5] = ww4.sum();
      out[6] = (ww4 * inv_bx1.segment(s, len)).sum();
    }
    return out;
  };
  const auto sums = chunked_sum<7>(static_cast<std::size_t>(m), runner_, part);
  if (grad) {
    (*grad)[0] = d_r_sum - sums[1] - sums[2];
    (*grad)[1] = total_weight_ * r / alpha - sums[3] - sums[4];
    (*grad)[2] = d_a_sum + sums[5] / a;
    (*grad)[3] = d_b_sum - sums[6];
  }
  return const_sum + sums[0];
}

}  // namespace clvsim::fit
