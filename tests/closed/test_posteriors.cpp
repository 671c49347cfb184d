// The posterior draws of existing customers' traits (each purchase model's posterior(),
// docs/model.md §3.6) against the conjugate updates of the models' likelihoods: the sample
// mean of 200,000 draws within K_SE = 5 standard errors of the exact posterior mean (eleven
// comparisons; a false alarm for a correct sampler has probability below 7e-6).
#include "engine/rng/stream.h"
#include "models/purchase/registry.h"
#include "models/sim/segment_model.h"

#include <gtest/gtest.h>
#include <boost/math/special_functions/digamma.hpp>

#include <array>
#include <cmath>

namespace {

using namespace clvsim;

constexpr int N = 200000;
constexpr double K_SE = 5.0;

struct Moments {
  double lambda_mean = 0, lambda_se = 0, churn_mean = 0, churn_se = 0;
};

template <class Model>
Moments draw(const sim::SegmentModel& m, const models::CustomerHistory& h)
{
  double sl = 0, sl2 = 0, sc = 0, sc2 = 0;
  for (int i = 0; i < N; ++i) {
    rng::Stream s(42, 0, static_cast<std::uint64_t>(i), 0, rng::Purpose::history);
    float lambda = 0, churn = 0;
    Model::posterior(s, m, h, lambda, churn);
    sl += lambda;
    sl2 += double(lambda) * lambda;
    sc += churn;
    sc2 += double(churn) * churn;
  }
  Moments r;
  r.lambda_mean = sl / N;
  r.lambda_se = std::sqrt((sl2 / N - r.lambda_mean * r.lambda_mean) / N);
  r.churn_mean = sc / N;
  r.churn_se = std::sqrt((sc2 / N - r.churn_mean * r.churn_mean) / N);
  return r;
}

//! Weekly parameters in a weekly simulation (one period = one time unit).
sim::SegmentModel weekly(double r, double alpha, double a, double b)
{
  sim::SegmentModel m;
  m.period_in_units = 1.0;
  m.r = r;
  m.lambda_rate = alpha;
  m.a = a;
  m.b = b;
  return m;
}

TEST(Posteriors, BgNbdUpdatesLambdaByXAndTAndPByX)
{
  // FHL 2005: lambda | x, T ~ Gamma(r + x, alpha + T); p | x, alive ~ Beta(a, b + x): the
  // customer survived x dropout chances, one after each repeat purchase.
  const auto m = weekly(0.243, 4.414, 0.793, 2.426);
  const models::CustomerHistory h{2, 30.43, 38.86, 0};
  const Moments d = draw<models::BgNbd>(m, h);
  EXPECT_NEAR(d.lambda_mean, (0.243 + 2) / (4.414 + 38.86), K_SE * d.lambda_se);
  EXPECT_NEAR(d.churn_mean, 0.793 / (0.793 + 2.426 + 2), K_SE * d.churn_se);
}

TEST(Posteriors, MbgNbdAlsoCountsTheFirstPurchasesDropoutChance)
{
  // MBG/NBD (Batislam, Denizel & Filiztekin 2007): a dropout chance after every purchase,
  // the first included, so p | x, alive ~ Beta(a, b + x + 1).
  const auto m = weekly(0.525, 6.183, 0.891, 1.614);
  for (double x : {0.0, 2.0}) {
    const models::CustomerHistory h{x, x > 0 ? 30.43 : 0.0, 38.86, 0};
    const Moments d = draw<models::MbgNbd>(m, h);
    EXPECT_NEAR(d.lambda_mean, (0.525 + x) / (6.183 + 38.86), K_SE * d.lambda_se) << "x = " << x;
    EXPECT_NEAR(d.churn_mean, 0.891 / (0.891 + 1.614 + x + 1), K_SE * d.churn_se) << "x = " << x;
  }
}

TEST(Posteriors, ParetoNbdUpdatesMuByTheObservedLifetime)
{
  // Pareto/NBD (Schmittlein, Morrison & Colombo 1987), given alive: mu | T ~ Gamma(s, beta + T).
  sim::SegmentModel m = weekly(0.553, 10.578, 1, 1);
  m.s = 0.606;
  m.mu_rate = 11.669;
  const models::CustomerHistory h{5, 20, 38, 0};
  const Moments d = draw<models::ParetoNbd>(m, h);
  EXPECT_NEAR(d.lambda_mean, (0.553 + 5) / (10.578 + 38), K_SE * d.lambda_se);
  EXPECT_NEAR(d.churn_mean, 0.606 / (11.669 + 38), K_SE * d.churn_se);
}

TEST(Posteriors, BgBbUpdatesPByTheOpportunitiesUsedAndThetaBySurvival)
{
  // BG/BB (Fader, Hardie & Shang 2010), given alive after the n opportunities observed:
  // p | x, n ~ Beta(alpha + x, beta + n - x) and theta | n ~ Beta(gamma, delta + n); churn
  // holds log(1 - theta), whose mean is digamma(delta + n) - digamma(gamma + delta + n).
  sim::SegmentModel m;
  m.order_a = 1.204;
  m.order_b = 0.750;
  m.a = 0.657;
  m.b = 2.783;
  for (const auto& [x, t_x, n] : {std::array<double, 3>{0, 0, 6}, std::array<double, 3>{3, 4, 6}}) {
    const models::CustomerHistory h{x, t_x, n, 0};
    const Moments d = draw<models::BgBb>(m, h);
    EXPECT_NEAR(d.lambda_mean, (1.204 + x) / (1.204 + 0.750 + n), K_SE * d.lambda_se) << "x = " << x;
    using boost::math::digamma;
    EXPECT_NEAR(d.churn_mean, digamma(2.783 + n) - digamma(0.657 + 2.783 + n), K_SE * d.churn_se) << "x = " << x;
  }
}

}  // namespace
