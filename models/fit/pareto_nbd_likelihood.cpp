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

  const auto rows = [&](std::size_t begin, std::size_t end) {
    double sum = 0;
    try {
      for (std::size_t u = begin; u < end; ++u) {
        const auto i = static_cast<Eigen::Index>(u);
        const double x = data_.x[i], t_x = data_.t_x[i], T = data_.T[i];
        const double alive = -(p.r + x) * std::log(p.alpha + T) - p.s * std::log(p.beta + T);
        const double second = front[row_run_[u]] + pn::log_a0_from_f(p, x, t_x, T, log_f[row_tx_[u]], log_f[row_T_[u]]);
        const double hi = std::max(alive, second), lo = std::min(alive, second);
        sum += data_.weight[i] * (lo == -std::numeric_limits<double>::infinity() ? hi : hi + std::log1p(std::exp(lo - hi)));
      }
    } catch (const std::exception&) {
      sum = NaN;  // a quadrature that failed: outside the likelihood's domain for the optimiser
    }
    return std::array<double, 1>{sum};
  };
  return const_sum + chunked_sum<1>(static_cast<std::size_t>(data_.rows()), runner_, rows)[0];
}

}  // namespace clvsim::fit
