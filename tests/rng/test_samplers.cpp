//! Tests for engine/rng/samplers.h: each sampler's mean and variance against the exact
//! values, and goodness of fit (Kolmogorov-Smirnov for continuous laws, chi-square for
//! discrete ones) against Boost.Math, an implementation independent of the code under test.
//!
//! Choice of k: means and variances must lie within K = 4 standard errors. There are ~90
//! such checks; under a correct sampler each fails with probability 6.3e-5, so a false
//! failure anywhere has probability < 0.6%. Goodness-of-fit checks require p > 1e-4
//! (~35 checks: < 0.4%). The seeds are fixed, so the suite is deterministic anyway; these
//! bounds say how lucky a chosen seed would have to be. A real bias of a few standard
//! errors at n = 200,000 (e.g. a 1% error in a Poisson pmf cell) fails the chi-square test.
#include "engine/rng/samplers.h"

#include <gtest/gtest.h>
#include <boost/math/distributions/bernoulli.hpp>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/geometric.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/uniform.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

namespace bm = boost::math;
namespace rng = clvsim::rng;
using rng::Purpose;
using rng::Stream;

constexpr double K = 4.0;             // standard errors for moment checks (see file comment)
constexpr double MIN_P_VALUE = 1e-4;  // goodness-of-fit threshold (see file comment)
constexpr int N = 200000;             // draws per parameter setting

// n draws of f(stream) from one fixed stream; `id` separates the settings' streams.
template <class F>
std::vector<double> draw(std::uint32_t id, F f, int n = N)
{
  Stream s(20240601, 0, id, 0, Purpose::uncertainty);
  std::vector<double> x(n);
  for (auto& v : x) v = static_cast<double>(f(s));
  return x;
}

// Sample mean within K sqrt(var/n) of the exact mean; unbiased sample variance within
// K sqrt((mu4 - var^2)/n) = K var sqrt((excess kurtosis + 2)/n) of the exact variance.
template <class Dist>
void expect_moments(const std::vector<double>& x, const Dist& d, double shift, const std::string& label)
{
  const double n = static_cast<double>(x.size());
  double sum = 0;
  for (double v : x) sum += v;
  const double m = sum / n;
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  const double var = ss / (n - 1);
  const double mean_exact = bm::mean(d) + shift, var_exact = bm::variance(d);
  EXPECT_NEAR(m, mean_exact, K * std::sqrt(var_exact / n)) << label << " mean";
  EXPECT_NEAR(var, var_exact, K * var_exact * std::sqrt((bm::kurtosis_excess(d) + 2) / n)) << label << " variance";
}

// Kolmogorov-Smirnov p-value (asymptotic Kolmogorov law with Stephens' small-sample
// correction, Numerical Recipes 3rd ed. §14.3.3).
// Uses the first 100,000 draws: enough to see a CDF error of 0.006, and it keeps Boost's
// incomplete gamma and beta functions from dominating the suite's run time.
template <class Dist>
double ks_p_value(std::vector<double> x, const Dist& d)
{
  x.resize(std::min<std::size_t>(x.size(), 100000));
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  // Ties are compared as a group: the empirical CDF jumps from i/n to j/n at a value held
  // by draws i..j-1. A tie means rounding made an atom (e.g. beta(0.05, 0.05) puts 8% of
  // its mass within 1e-16 of 1, which rounds to 1.0), so the law's CDF is taken just below
  // the atom (the next double down) on the left of the jump and at it on the right.
  double dmax = 0;
  for (std::size_t i = 0, j = 0; i < x.size(); i = j) {
    while (j < x.size() && x[j] == x[i]) ++j;
    const double f = bm::cdf(d, x[i]);
    const double f_left = j - i > 1 ? bm::cdf(d, std::nextafter(x[i], -HUGE_VAL)) : f;
    dmax = std::max({dmax, std::fabs(f_left - i / n), std::fabs(f - j / n)});
  }
  const double lambda = (std::sqrt(n) + 0.12 + 0.11 / std::sqrt(n)) * dmax;
  if (lambda < 0.2) return 1.0;
  double q = 0;
  for (int j = 1; j <= 100; ++j) q += (j % 2 ? 2.0 : -2.0) * std::exp(-2.0 * j * j * lambda * lambda);
  return std::clamp(q, 0.0, 1.0);
}

// Pearson chi-square p-value for integer draws (minus `shift`) against a discrete Boost
// law: consecutive values are pooled until each cell expects >= 10 draws, and the last
// cell takes the whole upper tail (so the expected counts sum to n exactly).
template <class Dist>
double chi_square_p_value(const std::vector<double>& x, const Dist& d, double shift = 0)
{
  const double n = static_cast<double>(x.size());
  std::map<long long, double> counts;
  for (double v : x) counts[static_cast<long long>(v - shift)] += 1;
  auto cdf_below = [&](long long k) { return k <= 0 ? 0.0 : bm::cdf(d, double(k - 1)); };
  // Cell edges: cell i is [edges[i], edges[i+1]), the last is [edges.back(), inf).
  // The scan starts near the 1e-6 quantile (the first cell takes everything below) so that
  // large means do not cost a Boost call per value from 0.
  const double q_lo = bm::quantile(d, 1e-6);
  const long long k_lo = q_lo > 1 ? static_cast<long long>(q_lo) - 1 : 0;
  std::vector<long long> edges{0};
  double below = cdf_below(k_lo), acc = n * below;
  for (long long k = k_lo;; ++k) {
    const double pk = bm::pdf(d, double(k));
    below += pk;
    acc += n * pk;
    if (n * (1.0 - below) < 10) break;  // the rest is the last cell's upper tail
    if (acc >= 10) edges.push_back(k + 1), acc = 0;
  }
  if (edges.size() < 2) return 1.0;  // degenerate: (almost) everything in one cell
  double stat = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const bool last = i + 1 == edges.size();
    const double lo = cdf_below(edges[i]), hi = last ? 1.0 : cdf_below(edges[i + 1]);
    const double expected = n * (hi - lo);
    double observed = 0;
    for (auto it = counts.lower_bound(edges[i]); it != counts.end() && (last || it->first < edges[i + 1]); ++it)
      observed += it->second;
    stat += (observed - expected) * (observed - expected) / expected;
  }
  const double dof = static_cast<double>(edges.size() - 1);
  return bm::cdf(bm::complement(bm::chi_squared(dof), stat));
}

TEST(Samplers, Normal)
{
  const auto x = draw(1, [](Stream& s) { return rng::normal(s); });
  const bm::normal d(0, 1);
  expect_moments(x, d, 0, "normal");
  EXPECT_GT(ks_p_value(x, d), MIN_P_VALUE);
}

TEST(Samplers, Exponential)
{
  const auto x = draw(2, [](Stream& s) { return rng::exponential(s); });
  const bm::exponential d(1.0);
  for (double v : x) ASSERT_GT(v, 0.0);
  expect_moments(x, d, 0, "exponential");
  EXPECT_GT(ks_p_value(x, d), MIN_P_VALUE);
}

TEST(Samplers, Uniform)
{
  const auto x = draw(3, [](Stream& s) { return rng::uniform(s, -3.0, 5.0); });
  const bm::uniform_distribution<> d(-3.0, 5.0);
  for (double v : x) ASSERT_TRUE(v > -3.0 && v < 5.0);
  expect_moments(x, d, 0, "uniform(-3,5)");
  EXPECT_GT(ks_p_value(x, d), MIN_P_VALUE);
}

TEST(Samplers, Lognormal)
{
  std::uint32_t id = 10;
  for (auto [median, sigma] : {std::pair{50.0, 0.5}, std::pair{2.0, 1.0}}) {
    const auto x = draw(id++, [median = median, sigma = sigma](Stream& s) { return rng::lognormal(s, median, sigma); });
    const bm::lognormal d(std::log(median), sigma);
    const std::string label = "lognormal(" + std::to_string(median) + "," + std::to_string(sigma) + ")";
    expect_moments(x, d, 0, label);
    EXPECT_GT(ks_p_value(x, d), MIN_P_VALUE) << label;
  }
}

TEST(Samplers, GammaShapesWithRate)
{
  const double rate = 2.5;
  std::uint32_t id = 20;
  for (double shape : {0.1, 0.8, 1.0, 6.25, 100.0}) {
    const auto x = draw(id++, [=](Stream& s) { return rng::gamma(s, shape, rate); });
    const bm::gamma_distribution<> d(shape, 1.0 / rate);
    const std::string label = "gamma(" + std::to_string(shape) + ", rate 2.5)";
    for (double v : x) ASSERT_TRUE(std::isfinite(v) && v >= 0.0) << label;
    expect_moments(x, d, 0, label);
    EXPECT_GT(ks_p_value(x, d), MIN_P_VALUE) << label;
  }
}

TEST(Samplers, Beta)
{
  std::uint32_t id = 30;
  for (auto [a, b] :
       {std::pair{2.0, 60.0}, std::pair{0.8, 2.4}, std::pair{60.0, 2.0}, std::pair{0.8, 0.8}, std::pair{0.05, 0.05}}) {
    const auto x = draw(id++, [a = a, b = b](Stream& s) { return rng::beta(s, a, b); });
    const bm::beta_distribution<> d(a, b);
    const std::string label = "beta(" + std::to_string(a) + "," + std::to_string(b) + ")";
    for (double v : x) ASSERT_TRUE(v >= 0.0 && v <= 1.0) << label;
    expect_moments(x, d, 0, label);
    EXPECT_GT(ks_p_value(x, d), MIN_P_VALUE) << label;
  }
}

TEST(Samplers, Poisson)
{
  std::uint32_t id = 40;
  // Means straddle the inversion / PTRS switch at 10; 1e6 checks PTRS's large-mean form.
  for (double mean : {0.01, 0.5, 3.0, 9.99, 10.0, 30.0, 1000.0, 1e6}) {
    const auto x = draw(id++, [=](Stream& s) { return rng::poisson(s, mean); });
    const bm::poisson_distribution<> d(mean);
    const std::string label = "poisson(" + std::to_string(mean) + ")";
    expect_moments(x, d, 0, label);
    EXPECT_GT(chi_square_p_value(x, d), MIN_P_VALUE) << label;
  }
}

TEST(Samplers, Binomial)
{
  std::uint32_t id = 60;
  // n p' < 10 uses inversion, >= 10 BTRS; p > 1/2 goes through the n - X reflection.
  const std::pair<std::uint32_t, double> cases[] = {{20, 0.3},     {50, 0.95},         {30, 0.5},
                                                    {100, 0.1},    {1000, 0.3},        {1000, 0.7},
                                                    {200000, 0.9}, {1000000000, 1e-8}, {2000000, 0.5}};
  for (auto [n, p] : cases) {
    const auto x = draw(id++, [n = n, p = p](Stream& s) { return rng::binomial(s, n, p); });
    const bm::binomial_distribution<> d(n, p);
    const std::string label = "binomial(" + std::to_string(n) + "," + std::to_string(p) + ")";
    for (double v : x) ASSERT_LE(v, double(n)) << label;
    expect_moments(x, d, 0, label);
    EXPECT_GT(chi_square_p_value(x, d), MIN_P_VALUE) << label;
  }
}

// Boost's geometric counts failures before the first success; ours counts trials, so the
// draws are shifted by one.
TEST(Samplers, Geometric)
{
  std::uint32_t id = 80;
  for (double p : {0.7, 0.05}) {
    const auto x = draw(id++, [=](Stream& s) { return rng::geometric(s, p); });
    const bm::geometric_distribution<> d(p);
    const std::string label = "geometric(" + std::to_string(p) + ")";
    for (double v : x) ASSERT_GE(v, 1.0) << label;
    expect_moments(x, d, 1.0, label);
    EXPECT_GT(chi_square_p_value(x, d, 1.0), MIN_P_VALUE) << label;
  }
}

TEST(Samplers, Bernoulli)
{
  std::uint32_t id = 90;
  for (double p : {0.3, 0.001}) {
    const auto x = draw(id++, [=](Stream& s) { return rng::bernoulli(s, p) ? 1 : 0; });
    const bm::bernoulli_distribution<> d(p);
    expect_moments(x, d, 0, "bernoulli(" + std::to_string(p) + ")");
  }
}

TEST(Samplers, DegenerateParameters)
{
  Stream s(5, 0, 0, 0, Purpose::uncertainty);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(rng::poisson(s, 0.0), 0u);
    EXPECT_EQ(rng::binomial(s, 0, 0.5), 0u);
    EXPECT_EQ(rng::binomial(s, 40, 0.0), 0u);
    EXPECT_EQ(rng::binomial(s, 40, 1.0), 40u);
    EXPECT_EQ(rng::geometric(s, 1.0), 1u);
    EXPECT_FALSE(rng::bernoulli(s, 0.0));
    EXPECT_TRUE(rng::bernoulli(s, 1.0));
    const double b = rng::beta(s, 0.001, 0.001);  // both gammas underflow: log-space path
    EXPECT_TRUE(b >= 0.0 && b <= 1.0) << b;
    const double g = rng::gamma(s, 0.001, 1.0);
    EXPECT_TRUE(std::isfinite(g) && g >= 0.0) << g;
  }
  EXPECT_EQ(rng::geometric(s, 1e-12) >= 1u, true);
}

// Samplers keep no state of their own: the same stream gives the same draws, whatever
// was drawn from other streams in between.
TEST(Samplers, PureFunctionsOfTheStream)
{
  auto run = [](bool interleave) {
    Stream s(11, 2, 3, 4, Purpose::orders), other(99, 0, 0, 0, Purpose::traits);
    std::vector<double> out;
    for (int i = 0; i < 200; ++i) {
      out.push_back(rng::normal(s));
      out.push_back(rng::gamma(s, 0.8, 1.6));
      out.push_back(rng::beta(s, 2, 60));
      out.push_back(rng::poisson(s, i % 2 ? 0.5 : 30.0));
      out.push_back(rng::binomial(s, 500, 0.2));
      out.push_back(rng::geometric(s, 0.3));
      if (interleave) {
        rng::normal(other);
        rng::gamma(other, 6.25, 3.74);
      }
    }
    return out;
  };
  EXPECT_EQ(run(false), run(true));
}

}  // namespace
