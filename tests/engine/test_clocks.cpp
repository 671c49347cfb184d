// sbg_poisson's clocks (models/sim/kernel.cpp): the kernel runs survival and orders on two
// Exp(1) clocks per customer instead of per-period uniforms. Aggregate means are checked by
// test_statistical.cpp; these tests look at the distribution of each customer's order count,
// read from the kernel's per-customer arrays, against the Poisson law it must follow.
//
// Set-up: no churn to speak of (theta ~ Beta(0.001, 1000), mean 1e-6) and an order rate that
// is all but fixed: lambda ~ Gamma(r = 10^4, rate 10^4 / 1.5), so lambda = 1.5 +- 1.5%. The
// count of a period is then negative binomial (the exact Gamma-Poisson mixture), close to
// Poisson(1.5), so about 1.9% of the buyers' counts go past the lockstep inversion's five
// steps into the one-at-a-time path.
//
// Choice of thresholds: the chi-square statistic over 7 cells (6 degrees of freedom) is
// compared with 22.46, its 0.999 quantile; mean and variance use k = 4 standard errors
// (P(|z| > 4) = 6.3e-5). Seeds are fixed, so the tests are deterministic; a count law off by
// a few percent in any cell (e.g. one arrival too many or too few when the clock crosses the
// period's end, or a clock not restarted) moves the statistic far past the threshold.
#include "models/sim/kernel.h"
#include "models/sim/segment_model.h"
#include "models/sim/traits.h"
#include "scenarios/loader.h"
#include "scenarios/segment_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace clvsim;

constexpr double LAMBDA = 1.5, SHAPE = 1.0e4;

//! Every customer's order count after `horizon` periods (the first one the acquisition
//! order), N customers in blocks of 4096, seed `seed`.
std::vector<std::uint32_t> order_counts(int horizon, std::uint64_t n, std::uint64_t seed)
{
  const std::string toml = R"([simulation]
horizon = )" + std::to_string(horizon) +
                           R"(
[population]
initial_customers = 1000
[purchase]
model = "sbg_poisson"
a = 0.001
b = 1000.0
r = 10000.0
alpha = 6666.666666666667
[spend]
model = "fixed"
value = 50.0
[satisfaction]
churn_sensitivity = 0.0
)";
  const auto sc = scenarios::load_string(toml, "clocks.toml", ".");
  const std::vector<sim::SegmentModel> segments = {
      scenarios::segment_model(sc.segments.front().behaviour, sc.simulation.period)};
  std::vector<double> discount(static_cast<std::size_t>(horizon) + 1, 1.0);
  constexpr std::uint64_t B = 4096;
  std::vector<sim::Block> blocks((n + B - 1) / B);
  for (std::uint64_t id = 0; id < n; ++id) {
    float lambda, churn, nu, sat, sclock, oclock;
    sim::draw_traits(segments[0], seed, 0, id, lambda, churn, nu, sat);
    sim::draw_clocks(seed, 0, 1, &id, &sclock, &oclock);
    blocks[id / B].push_back(id, 0, 0, sim::ALIVE | sim::INITIAL, 0, lambda, churn, nu, sat, sclock, oclock);
  }
  std::vector<sim::TallyRow> tallies(1);
  std::vector<std::uint32_t> counts;
  for (auto& b : blocks) {
    for (int t = 0; t < horizon; ++t) {
      sim::PeriodContext ctx;
      ctx.seed = seed;
      ctx.period = static_cast<std::uint32_t>(t);
      ctx.segments = segments;
      ctx.discount = discount;
      sim::simulate_period(b, ctx, tallies);
    }
    sim::flush_live(b);
    counts.insert(counts.end(), b.n_orders.begin(), b.n_orders.end());
  }
  return counts;
}

//! P(K = k) of the Gamma(SHAPE, SHAPE / (periods LAMBDA))-Poisson mixture: negative binomial
//! with mean periods x LAMBDA.
double nb_pmf(int k, double periods)
{
  const double mean = periods * LAMBDA, p = SHAPE / (SHAPE + mean);
  return std::exp(std::lgamma(k + SHAPE) - std::lgamma(k + 1.0) - std::lgamma(SHAPE) + SHAPE * std::log(p) +
                  k * std::log1p(-p));
}

TEST(Clocks, OrdersOfOnePeriodFollowThePoissonLaw)
{
  // horizon 2: the acquisition order, then one period of orders from the clock
  constexpr std::uint64_t N = 40000;
  const auto counts = order_counts(2, N, 17);
  std::vector<double> seen(7, 0.0);
  for (std::uint32_t c : counts) {
    ASSERT_GE(c, 1u);
    seen[std::min<std::size_t>(c - 1, 6)] += 1;
  }
  double chi2 = 0, below = 0;
  for (int k = 0; k < 7; ++k) {
    const double p = k < 6 ? nb_pmf(k, 1.0) : 1.0 - below;
    below += p;
    const double expected = p * static_cast<double>(N);
    chi2 += (seen[static_cast<std::size_t>(k)] - expected) * (seen[static_cast<std::size_t>(k)] - expected) / expected;
  }
  EXPECT_LT(chi2, 22.46) << "P(0) seen " << seen[0] / N << " expected " << nb_pmf(0, 1.0);
}

TEST(Clocks, OrdersOverTwelvePeriodsHaveThePoissonMeanAndVariance)
{
  // twelve periods after the acquisition: counts are independent across periods only if the
  // clock restarts correctly, and then the total is the mixture with mean 12 LAMBDA
  constexpr std::uint64_t N = 40000;
  const auto counts = order_counts(13, N, 23);
  double sum = 0, sum2 = 0;
  for (std::uint32_t c : counts) {
    const double x = static_cast<double>(c) - 1.0;  // the repeat orders
    sum += x;
    sum2 += x * x;
  }
  const double n = static_cast<double>(N), mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
  const double m = 12.0 * LAMBDA, v = m + m * m / SHAPE;  // negative binomial mean and variance
  EXPECT_NEAR(mean, m, 4.0 * std::sqrt(v / n));
  // SE of a sample variance: sqrt((mu4 - v^2) / n), mu4 of a Poisson(m) = m + 3 m^2 (the
  // mixture's extra spread is negligible at this shape)
  EXPECT_NEAR(var, v, 4.0 * std::sqrt((m + 3.0 * m * m - v * v) / n));
}

}  // namespace
