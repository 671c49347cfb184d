#include "engine/stats/summary.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace clvsim::stats {

namespace {
double sorted_quantile(const std::vector<double>& s, double q)
{
  if (s.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = (static_cast<double>(s.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}
}  // namespace

double Accumulator::std_error() const
{
  return n_ > 0 ? std::sqrt(variance() / static_cast<double>(n_)) : 0.0;
}

double quantile(std::vector<double> values, double q)
{
  std::sort(values.begin(), values.end());
  return sorted_quantile(values, q);
}

Summary summarize(std::span<const double> values)
{
  std::vector<double> s;
  s.reserve(values.size());
  for (double v : values)
    if (std::isfinite(v)) s.push_back(v);
  Summary out;
  out.n = s.size();
  if (s.empty()) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.mean = out.sd = out.se = out.p05 = out.p25 = out.p50 = out.p75 = out.p95 = out.min = out.max = nan;
    return out;
  }
  // Two-pass mean and variance in a fixed order: bitwise reproducible. Values that are all
  // the same (a cost fixed on every path) have that mean and sd 0 exactly, not the rounding
  // of sum / n (an sd of 1e-10 would read as Monte Carlo noise where there is none).
  const bool constant = std::all_of(s.begin(), s.end(), [&](double v) { return v == s.front(); });
  double sum = 0;
  for (double v : s) sum += v;
  out.mean = constant ? s.front() : sum / static_cast<double>(s.size());
  double ss = 0;
  if (!constant)
    for (double v : s) ss += (v - out.mean) * (v - out.mean);
  out.sd = s.size() > 1 ? std::sqrt(ss / static_cast<double>(s.size() - 1)) : 0.0;
  out.se = out.sd / std::sqrt(static_cast<double>(s.size()));
  std::sort(s.begin(), s.end());
  out.p05 = sorted_quantile(s, 0.05);
  out.p25 = sorted_quantile(s, 0.25);
  out.p50 = sorted_quantile(s, 0.50);
  out.p75 = sorted_quantile(s, 0.75);
  out.p95 = sorted_quantile(s, 0.95);
  out.min = s.front();
  out.max = s.back();
  return out;
}

}  // namespace clvsim::stats
