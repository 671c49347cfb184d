#pragma once
//! Statistics across paths: mean, sd, standard error and quantiles of stored per-path values.
#include <cstddef>
#include <span>
#include <vector>

namespace clvsim::stats {

//! Summary of a sample. sd uses n-1 (0 for n < 2); se = sd/sqrt(n). Quantiles are the
//! linear interpolation of the order statistics (Hyndman & Fan 1996, type 7, the
//! numpy/R default). Non-finite values (e.g. roi with zero cost) are skipped; `n` counts
//! the finite ones and every field is NaN when there are none.
struct Summary {
  std::size_t n = 0;
  double mean = 0, sd = 0, se = 0, p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0, min = 0, max = 0;
};

Summary summarize(std::span<const double> values);

//! Quantile q in [0, 1] of a sample (type 7); NaN for an empty sample.
double quantile(std::vector<double> values, double q);

//! Mergeable running mean/variance (Welford; Chan, Golub & LeVeque 1979 for merge).
class Accumulator {
public:
  void add(double x)
  {
    ++n_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
  }
  void merge(const Accumulator& o)
  {
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    const double n = static_cast<double>(n_ + o.n_);
    const double d = o.mean_ - mean_;
    mean_ += d * static_cast<double>(o.n_) / n;
    m2_ += o.m2_ + d * d * static_cast<double>(n_) * static_cast<double>(o.n_) / n;
    n_ += o.n_;
  }
  std::size_t count() const { return n_; }
  double mean() const { return mean_; }
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  double std_error() const;

private:
  std::size_t n_ = 0;
  double mean_ = 0, m2_ = 0;
};

}  // namespace clvsim::stats
