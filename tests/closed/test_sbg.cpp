// sBG and sBG/Poisson closed forms (models/purchase/sbg.h, sbg_poisson.h) against the
// product of retention rates, direct summation of the discounted series, the published
// F&H (2007) fits and std::beta.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/purchase/sbg.h"
#include "models/purchase/sbg_poisson.h"

namespace {

using clvsim::models::sbg::Params;
namespace sbg = clvsim::models::sbg;

// Fader & Hardie (2007), "How to project customer retention": MLEs on the first 7 years of
// the "regular" and "high end" cohorts.
const Params REGULAR{0.704, 1.182};
const Params HIGH_END{0.668, 3.806};
const std::vector<double> REGULAR_ALIVE{1000, 631, 468, 382, 326, 289, 262, 241};
const std::vector<double> HIGH_END_ALIVE{1000, 869, 743, 653, 593, 551, 517, 491};

// sum_{t>=0} S(t) z^t by direct summation with the retention-rate recursion
// S(t) = S(t-1) (beta+t-1)/(alpha+beta+t-1) (F&H 2007 eq. (4)), 10^5 terms.
double direct_sum(const Params& p, double z, int from)
{
  double s = 1.0, sum = 0.0, disc = 1.0;
  for (int t = 0; t < 100000; ++t) {
    if (t > 0) s *= (p.beta + t - 1.0) / (p.alpha + p.beta + t - 1.0);
    if (t >= from) {
      sum += s * disc;
      disc *= z;
    }
  }
  return sum;
}

TEST(Sbg, SurvivalEqualsProductOfRetentionRates)
{
  for (const Params& p : {REGULAR, HIGH_END}) {
    double product = 1.0;
    for (int t = 0; t <= 200; ++t) {
      if (t > 0) product *= (p.beta + t - 1.0) / (p.alpha + p.beta + t - 1.0);
      EXPECT_NEAR(sbg::survival(p, t), product, 1e-14 * std::max(product, 1e-3)) << "t = " << t;
      if (t > 0) {
        EXPECT_NEAR(sbg::churn_probability(p, t), sbg::survival(p, t - 1.0) - sbg::survival(p, t), 1e-15);
      }
    }
    // Real t: B(alpha, beta+t)/B(alpha, beta) with std::beta.
    for (double t : {0.5, 2.5, 17.25}) {
      EXPECT_NEAR(sbg::survival(p, t), std::beta(p.alpha, p.beta + t) / std::beta(p.alpha, p.beta), 1e-13);
    }
  }
}

TEST(Sbg, CohortLogLikelihoodReproducesPublishedFits)
{
  // F&H (2007) report LL = -1680.3 (regular) and -1611.2 (high end) at their MLEs.
  EXPECT_NEAR(sbg::log_likelihood_survival(REGULAR, REGULAR_ALIVE), -1680.3, 0.05);
  EXPECT_NEAR(sbg::log_likelihood_survival(HIGH_END, HIGH_END_ALIVE), -1611.2, 0.05);
  // mpmath at 30 digits (eq. (6) with B(.,.) ratios).
  EXPECT_NEAR(sbg::log_likelihood_survival(REGULAR, REGULAR_ALIVE), -1680.2651905533524997, 1e-9);
  EXPECT_NEAR(sbg::log_likelihood_survival(HIGH_END, HIGH_END_ALIVE), -1611.1581503549219012, 1e-9);
  // The published values are (rounded) maxima: moving either parameter by 2% lowers LL.
  for (const auto& [p, data] : {std::pair{REGULAR, REGULAR_ALIVE}, std::pair{HIGH_END, HIGH_END_ALIVE}}) {
    const double best = sbg::log_likelihood_survival(p, data);
    for (double f : {0.98, 1.02}) {
      EXPECT_LT(sbg::log_likelihood_survival({p.alpha * f, p.beta}, data), best);
      EXPECT_LT(sbg::log_likelihood_survival({p.alpha, p.beta * f}, data), best);
    }
  }
  EXPECT_THROW(sbg::log_likelihood_survival(REGULAR, {100, 120}), std::domain_error);
}

TEST(Sbg, DiscountedLifetimesEqualDirectSummation)
{
  for (const Params& p : {REGULAR, HIGH_END}) {
    for (double d : {0.1, 0.01}) {
      const double z = 1.0 / (1.0 + d);
      const double del = sbg::expected_discounted_lifetime(p, d);
      EXPECT_NEAR(del, direct_sum(p, z, 0), 1e-10 * del) << "alpha = " << p.alpha << ", d = " << d;
      for (int n : {0, 1, 4, 10}) {
        // DERL(d | n) = sum_{k>=0} S(n+1+k)/S(n) z^k.
        const double direct = direct_sum(p, z, n + 1) / sbg::survival(p, n);
        EXPECT_NEAR(sbg::derl(p, d, n), direct, 1e-9 * direct) << "n = " << n << ", d = " << d;
      }
      // DEL = 1 + DERL(d | 0)/(1+d): the acquisition payment, then the renewals one period on.
      EXPECT_NEAR(del, 1.0 + sbg::derl(p, d, 0) * z, 1e-12 * del);
    }
  }
  // mpmath: 2F1(1, beta; alpha+beta; 1/1.1) and F&H 2010 eq. (6) for n = 4.
  EXPECT_NEAR(sbg::expected_discounted_lifetime(REGULAR, 0.1), 3.6951474055745740929, 1e-12);
  EXPECT_NEAR(sbg::derl(REGULAR, 0.1, 4), 5.8944228598441600018, 1e-12);
  EXPECT_NEAR(sbg::derl(HIGH_END, 0.01, 10), 35.902170776644640165, 1e-10);
}

TEST(Sbg, UndiscountedLifetimeForAlphaAboveOne)
{
  // d = 0: E[T] = (alpha+beta-1)/(alpha-1); direct sum converges like N^{1-alpha}.
  const Params p{3.5, 2.0};
  EXPECT_NEAR(sbg::expected_discounted_lifetime(p, 0.0), direct_sum(p, 1.0, 0), 1e-9);
  EXPECT_NEAR(sbg::derl(p, 0.0, 3), direct_sum(p, 1.0, 4) / sbg::survival(p, 3), 1e-9);
  EXPECT_THROW(sbg::expected_discounted_lifetime(REGULAR, 0.0), std::domain_error);
}

TEST(SbgPoisson, ExpectedOrders)
{
  namespace sp = clvsim::models::sbg_poisson;
  const sp::Params p{0.704, 1.182, 2.0, 4.0};
  EXPECT_EQ(sp::expected_orders(p, 0), 0.0);
  EXPECT_EQ(sp::expected_orders(p, 1), 1.0);  // only the acquisition order
  for (int periods : {2, 5, 24}) {
    double sum = 0.0;
    for (int t = 1; t < periods; ++t) sum += std::beta(p.a, p.b + t) / std::beta(p.a, p.b);
    EXPECT_NEAR(sp::expected_orders(p, periods), 1.0 + p.r / p.alpha * sum, 1e-13);
  }
}

}  // namespace
