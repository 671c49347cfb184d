#pragma once
//! Exact samplers over a counter-based Stream (docs/model.md §10). Header-only and inline: the hot
//! loop calls these millions of times a second, so there is no heap allocation, no state
//! beyond the Stream, and no hidden caching (a cached second normal would make a draw
//! depend on the previous call, breaking the "pure function of the stream" contract).
//!
//! Exactness: every sampler is an exact method (inversion or rejection) whose only
//! departures from the target law are double rounding and the 32-bit resolution of
//! Stream::uniform() (each uniform lies on a grid of spacing 2^-32 inside (0, 1), so
//! inversion-based tails are cut at probability 2^-33, e.g. exponential() <= 22.9).
//! No normal or other approximations are used for any parameter range.
//!
//! Preconditions (asserted in debug builds, never re-validated: the scenario loader
//! validates): parameters finite; shape, rate, a, b, sigma > 0 where named; Poisson mean
//! in [0, 1e9]; probabilities in [0, 1] (geometric: (0, 1]).
#include "engine/rng/stream.h"

#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>

namespace clvsim::rng {

namespace detail {

//! 0.5 * log(2 pi).
inline constexpr double HALF_LOG_2PI = 0.91893853320467274178;

//! Stirling-series remainder fc(k) = log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2].
//! Tabulated for k < 30 (values computed with mpmath at 40 digits); for k >= 30 the series
//! 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7), x = k + 1, whose next term is below
//! 3.2e-17 (Abramowitz & Stegun 6.1.41). Used by the PTRS and BTRS acceptance tests.
inline double stirling_tail(double k)
{
  static constexpr double TABLE[30] = {
      0.081061466795327258,  0.041340695955409294,  0.027677925684998339,  0.020790672103765093,
      0.016644691189821192,  0.013876128823070748,  0.01189670994589177,   0.010411265261972096,
      0.0092554621827127329, 0.0083305634333628713, 0.0075736754879518408, 0.0069428401072095299,
      0.0064089941880042071, 0.0059513701127588477, 0.0055547335519628014, 0.0052076559196096404,
      0.0049013959484347379, 0.0046291537493340286, 0.0043855602492323243, 0.0041663196919969225,
      0.0039679542186408596, 0.0037876180684444346, 0.0036229602246830947, 0.003472021382978767,
      0.0033331556367280929, 0.003204970228055038,  0.0030862786826087771, 0.0029760639835504088,
      0.0028734493623524664, 0.0027776749297526936};
  if (k < 30.0) return TABLE[static_cast<int>(k)];
  const double x = k + 1.0, x2 = 1.0 / (x * x);
  return (1.0 / 12.0 - x2 * (1.0 / 360.0 - x2 * (1.0 / 1260.0 - x2 * (1.0 / 1680.0)))) / x;
}

//! Marsaglia & Tsang (2000) "A simple method for generating gamma variables", ACM TOMS
//! 26(3):363-372, for shape >= 1 with d = shape - 1/3, c = 1/sqrt(9d); unit rate.
inline double gamma_marsaglia_tsang(Stream& s, double d, double c);

//! log of a Gamma(shape, 1) variate, finite even when the variate itself would underflow
//! (shape < 1: log G(shape+1) + log(U)/shape, Marsaglia & Tsang 2000, §6).
inline double log_gamma_variate(Stream& s, double shape);

}  // namespace detail

//! Uniform on (low, high): low + (high - low) U with U = Stream::uniform() in (0, 1).
inline double uniform(Stream& s, double low, double high)
{
  return low + (high - low) * s.uniform();
}

//! Bernoulli(p): U < p. Exactly false for p <= 0 and exactly true for p >= 1 (U is never 0
//! or 1). One 32-bit word.
inline bool bernoulli(Stream& s, double p)
{
  return s.uniform() < p;
}

//! Standard normal by Marsaglia's polar method (Marsaglia & Bray 1964, "A convenient method
//! for generating normal variables", SIAM Review 6(3)): X, Y uniform on (-1, 1), accept
//! S = X^2 + Y^2 < 1 (probability pi/4), return X sqrt(-2 log S / S). Only the first of
//! the pair is returned (no caching, see the file comment). S > 0 always: 2U - 1 is an odd
//! multiple of 2^-32, never 0.
inline double normal(Stream& s)
{
  for (;;) {
    const double x = 2.0 * s.uniform() - 1.0;
    const double y = 2.0 * s.uniform() - 1.0;
    const double r2 = x * x + y * y;
    if (r2 < 1.0) return x * std::sqrt(-2.0 * std::log(r2) / r2);
  }
}

//! Exponential with mean 1 by inversion: -log(U) (Devroye 1986, "Non-Uniform Random
//! Variate Generation", §II.2.1). Range (0, 22.9] from U's 32-bit grid.
inline double exponential(Stream& s)
{
  return -std::log(s.uniform());
}

//! Log-normal with the given median (= exp(mu)) and log-scale sigma: median exp(sigma Z),
//! Z = normal(s). Mean median exp(sigma^2 / 2).
inline double lognormal(Stream& s, double median, double sigma)
{
  return median * std::exp(sigma * normal(s));
}

namespace detail {

inline double gamma_marsaglia_tsang(Stream& s, double d, double c)
{
  for (;;) {
    double x, v;
    do {
      x = normal(s);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = s.uniform();
    const double x2 = x * x;
    // Squeeze (accepts ~98% without a log), then the exact test.
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

inline double log_gamma_variate(Stream& s, double shape)
{
  if (shape >= 1.0) {
    const double d = shape - 1.0 / 3.0;
    return std::log(gamma_marsaglia_tsang(s, d, 1.0 / std::sqrt(9.0 * d)));
  }
  const double d = shape + 2.0 / 3.0;
  const double g = gamma_marsaglia_tsang(s, d, 1.0 / std::sqrt(9.0 * d));
  return std::log(g) + std::log(s.uniform()) / shape;
}

}  // namespace detail

//! Gamma(shape, rate), density rate^shape x^(shape-1) e^(-rate x) / Gamma(shape), mean
//! shape/rate, any shape > 0. Marsaglia & Tsang (2000), ACM TOMS 26(3):363-372: for
//! shape >= 1 the transformed-rejection method with a normal proposal; for shape < 1,
//! G(shape) = G(shape + 1) U^(1/shape) (their §6). For very small shapes (< ~0.01) the
//! result can underflow to 0, as the true law puts that much mass below 1e-308; use
//! beta() or detail::log_gamma_variate where the log is needed.
inline double gamma(Stream& s, double shape, double rate)
{
  assert(shape > 0.0 && rate > 0.0);
  if (shape >= 1.0) {
    const double d = shape - 1.0 / 3.0;
    return detail::gamma_marsaglia_tsang(s, d, 1.0 / std::sqrt(9.0 * d)) / rate;
  }
  const double d = shape + 2.0 / 3.0;
  const double g = detail::gamma_marsaglia_tsang(s, d, 1.0 / std::sqrt(9.0 * d));
  return g * std::exp(std::log(s.uniform()) / shape) / rate;
}

//! Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b) independent (Devroye 1986,
//! §IX.4.1). When a or b < 1 the ratio is formed from the logs, 1 / (1 + exp(log Y -
//! log X)), so tiny shapes (both variates underflowing) still give a value in [0, 1].
inline double beta(Stream& s, double a, double b)
{
  assert(a > 0.0 && b > 0.0);
  if (a >= 1.0 && b >= 1.0) {
    const double da = a - 1.0 / 3.0, db = b - 1.0 / 3.0;
    const double x = detail::gamma_marsaglia_tsang(s, da, 1.0 / std::sqrt(9.0 * da));
    const double y = detail::gamma_marsaglia_tsang(s, db, 1.0 / std::sqrt(9.0 * db));
    return x / (x + y);
  }
  const double log_x = detail::log_gamma_variate(s, a);
  const double log_y = detail::log_gamma_variate(s, b);
  return 1.0 / (1.0 + std::exp(log_y - log_x));
}

//! Poisson(mean), exact for every mean in [0, 1e9]; mean 0 gives 0.
//! mean < 10: sequential-search inversion (Devroye 1986, §X.3.3), ~mean + 1 steps.
//! mean >= 10: PTRS, transformed rejection with squeeze (Hörmann 1993, "The transformed
//! rejection method for generating Poisson random variables", Insurance: Mathematics and
//! Economics 12:39-45), ~1.15 iterations of two uniforms. The acceptance test uses a
//! Stirling form of log p(k) that does not cancel catastrophically for large means.
inline std::uint32_t poisson(Stream& s, double mean)
{
  assert(mean >= 0.0 && mean <= 1e9);
  if (mean < 10.0) {
    const double p0 = std::exp(-mean);
    for (;;) {
      double u = s.uniform(), p = p0;
      std::uint32_t k = 0;
      while (u > p) {
        u -= p;
        ++k;
        p *= mean / k;
        if (p == 0.0) break;  // rounding left u above the whole pmf (never in practice)
      }
      if (p != 0.0) return k;
    }
  }
  const double slam = std::sqrt(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = s.uniform() - 0.5;
    const double v = s.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (k < 0.0) continue;
    if (us >= 0.07 && v <= vr) return static_cast<std::uint32_t>(k);
    if (us < 0.013 && v > us) continue;
    // log p(k) = -mean + k log(mean) - log(k!), written with log(k!) in Stirling form:
    // k log(mean/(k+1)) + (k + 1 - mean) - log(k+1)/2 - log(2 pi)/2 - fc(k).
    const double log_pk = k * std::log1p((mean - k - 1.0) / (k + 1.0)) + (k + 1.0 - mean) - 0.5 * std::log(k + 1.0) -
                          detail::HALF_LOG_2PI - detail::stirling_tail(k);
    if (std::log(v * inv_alpha / (a / (us * us) + b)) <= log_pk) return static_cast<std::uint32_t>(k);
  }
}

//! Geometric(p): the number of Bernoulli(p) trials up to and including the first success,
//! values 1, 2, ...; P(X = k) = (1-p)^(k-1) p, mean 1/p. Inversion: 1 + floor(E /
//! -log(1-p)) with E = exponential(s) (Devroye 1986, §X.2); saturates at 2^32 - 1.
inline std::uint32_t geometric(Stream& s, double p)
{
  assert(p > 0.0 && p <= 1.0);
  if (p >= 1.0) return 1;
  const double k = std::floor(exponential(s) / -std::log1p(-p));
  return k >= 4294967294.0 ? std::numeric_limits<std::uint32_t>::max() : static_cast<std::uint32_t>(k) + 1u;
}

namespace detail {

//! Binomial(n, p) for p <= 1/2 and n p < 10 by sequential-search inversion from 0
//! (Kachitvichyanukul & Schmeiser 1988, algorithm BINV), ~n p + 1 steps.
inline std::uint32_t binomial_inversion(Stream& s, std::uint32_t n, double p)
{
  const double f0 = std::exp(static_cast<double>(n) * std::log1p(-p));
  const double r = p / (1.0 - p);
  for (;;) {
    double u = s.uniform(), f = f0;
    std::uint32_t k = 0;
    bool ok = true;
    while (u > f) {
      u -= f;
      if (k == n || f == 0.0) {  // rounding left u above the whole pmf (never in practice)
        ok = false;
        break;
      }
      ++k;
      f *= r * static_cast<double>(n - k + 1) / static_cast<double>(k);
    }
    if (ok) return k;
  }
}

//! Binomial(n, p) for p <= 1/2 and n p >= 10 by BTRS, transformed rejection with squeeze
//! (Hörmann 1993, "The generation of binomial random variates", J. Statist. Comput.
//! Simul. 46:101-110), ~1.2 iterations of two uniforms. The acceptance test compares with
//! log(f(k)/f(m)), m the mode, in the Stirling form that stays accurate for large n.
inline std::uint32_t binomial_btrs(Stream& s, std::uint32_t n_int, double p)
{
  const double n = static_cast<double>(n_int), q = 1.0 - p;
  const double spq = std::sqrt(n * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double vr = 0.92 - 4.2 / b;
  const double r = p / q;
  const double m = std::floor((n + 1.0) * p);
  const double fc_m = stirling_tail(m) + stirling_tail(n - m);
  for (;;) {
    const double u = s.uniform() - 0.5;
    const double v = s.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return static_cast<std::uint32_t>(k);
    // log f(k)/f(m) = log(m! (n-m)! / (k! (n-k)!)) + (k - m) log r, Stirling form:
    const double log_ratio =
        (m + 0.5) * std::log((m + 1.0) / (r * (n - m + 1.0))) + (n + 1.0) * std::log1p((k - m) / (n - k + 1.0)) +
        (k + 0.5) * std::log(r * (n - k + 1.0) / (k + 1.0)) + fc_m - stirling_tail(k) - stirling_tail(n - k);
    if (std::log(v * alpha / (a / (us * us) + b)) <= log_ratio) return static_cast<std::uint32_t>(k);
  }
}

}  // namespace detail

//! Binomial(n, p), exact for all n and p in [0, 1]. With p' = min(p, 1-p) (and n - X when
//! p > 1/2): n p' < 10 uses inversion (Kachitvichyanukul & Schmeiser 1988, BINV),
//! otherwise BTRS (Hörmann 1993, J. Statist. Comput. Simul. 46:101-110).
inline std::uint32_t binomial(Stream& s, std::uint32_t n, double p)
{
  assert(p >= 0.0 && p <= 1.0);
  if (n == 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return n;
  const bool flip = p > 0.5;
  const double pp = flip ? 1.0 - p : p;  // exact for p in (1/2, 1) (Sterbenz)
  const std::uint32_t k =
      static_cast<double>(n) * pp < 10.0 ? detail::binomial_inversion(s, n, pp) : detail::binomial_btrs(s, n, pp);
  return flip ? n - k : k;
}

}  // namespace clvsim::rng
