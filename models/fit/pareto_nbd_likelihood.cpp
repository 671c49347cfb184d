#include "models/fit/pareto_nbd_likelihood.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include "models/purchase/pareto_nbd.h"

namespace clvsim::fit {

ParetoNbdLikelihood::ParetoNbdLikelihood(const CollapsedSummary& data, ChunkRunner runner)
    : data_(data), runner_(std::move(runner))
{
  const auto m = static_cast<std::size_t>(data_.rows());
  row_tx_.resize(m);
  row_T_.resize(m);
  row_run_.resize(m);
  std::map<std::pair<double, double>, std::uint32_t> index;
  const auto key = [&](double x, double t) {
    const auto [it, inserted] = index.try_emplace({x, t}, static_cast<std::uint32_t>(pair_x_.size()));
    if (inserted) {
      pair_x_.push_back(x);
      pair_t_.push_back(t);
    }
    return it->second;
  };
  for (std::size_t k = 0; k + 1 < data_.run_start.size(); ++k)
    for (auto i = data_.run_start[k]; i < data_.run_start[k + 1]; ++i) {
      const auto u = static_cast<std::size_t>(i);
      row_run_[u] = static_cast<std::uint32_t>(k);
      row_tx_[u] = key(data_.x[i], data_.t_x[i]);
      row_T_[u] = key(data_.x[i], data_.T[i]);
    }
}

double ParetoNbdLikelihood::operator()(const std::array<double, 4>& theta) const
{
  namespace pn = models::pareto_nbd;
  constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
  const pn::Params p{theta[0], theta[1], theta[2], theta[3]};
  if (!(p.r > 0 && p.alpha > 0 && p.s > 0 && p.beta > 0) || !std::isfinite(p.r + p.alpha + p.s + p.beta)) return NaN;

  // ln F per distinct (x, t), where the series is used (its argument at most 0.99; beyond it
  // the rows take the integral form and never read it).
  std::vector<double> log_f(pair_x_.size(), NaN);
  std::vector<char> failed(chunk_count(pair_x_.size()), 0);
  const auto pairs = [&](std::size_t begin, std::size_t end) {
    try {
      for (std::size_t j = begin; j < end; ++j)
        if (pn::series_argument(p, pair_t_[j]) <= 0.99) log_f[j] = pn::log_f(p, pair_x_[j], pair_t_[j]);
    } catch (const std::exception&) {
      failed[begin / CHUNK_ROWS] = 1;
    }
    return std::array<double, 1>{};
  };
  chunked_sum<1>(pair_x_.size(), runner_, pairs);
  if (std::any_of(failed.begin(), failed.end(), [](char c) { return c != 0; })) return NaN;

  // The x-only terms per run of equal x.
  const std::size_t runs = data_.run_x.size();
  std::vector<double> front(runs);
  const double lg_r = std::lgamma(p.r), front_common = p.r * std::log(p.alpha) + p.s * std::log(p.beta);
  double const_sum = 0;
  for (std::size_t k = 0; k < runs; ++k) {
    const double x = data_.run_x[k];
    const double w = data_.weight.segment(data_.run_start[k], data_.run_start[k + 1] - data_.run_start[k]).sum();
    const_sum += w * (std::lgamma(p.r + x) - lg_r + front_common);
    front[k] = std::log(p.s / (p.r + p.s + x));
  }

  // Per row, as Eigen array expressions (SIMD): the alive term, the common case of ln A0,
  // ln F(t_x) + ln(1 − F(T)/F(t_x)), and the log-sum-exp. The rows where log_a0_from_f takes
  // another branch (t_x = T; the series not used at t_x, marked by a NaN ln F; F(T)/F(t_x) >
  // e^-0.05) are redone one by one through it, so every row gets exactly its branch.
  const auto rows = [&](std::size_t begin, std::size_t end) {
    const auto s0 = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
    Eigen::ArrayXd lf_tx(len), lf_T(len), front_row(len);
    for (Eigen::Index k = 0; k < len; ++k) {
      const auto u = begin + static_cast<std::size_t>(k);
      lf_tx[k] = log_f[row_tx_[u]];
      lf_T[k] = log_f[row_T_[u]];
      front_row[k] = front[row_run_[u]];
    }
    const auto x = data_.x.segment(s0, len), t_x = data_.t_x.segment(s0, len), T = data_.T.segment(s0, len);
    const Eigen::ArrayXd alive = -(x + p.r) * (T + p.alpha).log() - p.s * (T + p.beta).log();
    const Eigen::ArrayXd d = lf_T - lf_tx;
    // ln(1 − e^d) and below ln(1 + e^(lo−hi)) with Eigen's vectorised log rather than log1p
    // (a scalar libm call per element): the arguments are bounded away from the cancellation
    // (e^d <= e^-0.05; 1 + e^(lo−hi) in (1, 2]), and the absolute error, ~1e-16, is what counts
    // in a sum of terms of order 10.
    Eigen::ArrayXd second = front_row + lf_tx + (1.0 - d.exp()).log();
    try {
      for (Eigen::Index k = 0; k < len; ++k)
        if (!(t_x[k] < T[k]) || !(d[k] <= -0.05))
          second[k] = front_row[k] + pn::log_a0_from_f(p, x[k], t_x[k], T[k], lf_tx[k], lf_T[k]);
    } catch (const std::exception&) {
      return std::array<double, 1>{NaN};  // a quadrature that failed: outside the domain for the optimiser
    }
    const Eigen::ArrayXd hi = alive.max(second), lo = alive.min(second);
    // lo = −inf (A0 = 0 at t_x = T): the alive term alone.
    const Eigen::ArrayXd lse =
        (lo == -std::numeric_limits<double>::infinity()).select(hi, hi + (1.0 + (lo - hi).exp()).log());
    return std::array<double, 1>{(data_.weight.segment(s0, len) * lse).sum()};
  };
  return const_sum + chunked_sum<1>(static_cast<std::size_t>(data_.rows()), runner_, rows)[0];
}

}  // namespace clvsim::fit
