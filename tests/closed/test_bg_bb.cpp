// BG/BB closed forms (models/purchase/bg_bb.h; Fader, Hardie & Shang 2010) against
// independent checks: the likelihood summed over every binary purchase history of n
// opportunities (each history (x, t_x) has C(t_x-1, x-1) sequences) is 1 and gives the pmf;
// the pmf's mean is E[X(n)]; P(alive), the conditional expectation and DERT against an exact
// simulation of the process conditioned on one history, and DERT against the discounted
// increments of the conditional expectation.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/purchase/bg_bb.h"

namespace {

namespace bb = clvsim::models::bg_bb;
using bb::Params;

// FHS (2010) estimates on the donations data.
const Params DONATIONS{1.204, 0.750, 0.657, 2.783};

double choose(int n, int k)
{
  return std::round(std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0)));
}

}  // namespace

TEST(BgBbClosed, LikelihoodOverAllHistoriesIsTheDistributionOfX)
{
  for (const Params& p : {DONATIONS, Params{0.4, 3.0, 1.0, 1.0}, Params{5.0, 0.5, 3.0, 30.0}}) {
    for (int n : {1, 6, 11}) {
      double total = 0, mean = 0;
      for (int x = 0; x <= n; ++x) {
        double px = 0;
        if (x == 0) px = std::exp(bb::log_likelihood(p, 0, 0, n));
        for (int t_x = std::max(x, 1); x > 0 && t_x <= n; ++t_x)
          px += choose(t_x - 1, x - 1) * std::exp(bb::log_likelihood(p, x, t_x, n));
        EXPECT_NEAR(px, bb::prob_x(p, x, n), 1e-13) << n << " " << x;
        total += px;
        mean += x * px;
      }
      EXPECT_NEAR(total, 1.0, 1e-12);
      EXPECT_NEAR(mean, bb::expected_transactions(p, n), 1e-12 * std::max(1.0, mean));
    }
  }
  // gamma = 1: the closed form of E[X(n)] is 0/0; the direct sum takes over continuously.
  const Params near{1.0, 1.0, 1.0 + 2e-5, 2.0}, at{1.0, 1.0, 1.0, 2.0};
  EXPECT_NEAR(bb::expected_transactions(near, 6), bb::expected_transactions(at, 6), 1e-4);
}

TEST(BgBbClosed, ConditionalFormsAgreeWithAnExactSimulation)
{
  // 3,000,000 customers simulated exactly over 6 + 5 opportunities; those with the history
  // x = 3, t_x = 4, n = 6 (about 2% of them) give the empirical P(alive at 7), mean
  // transactions in opportunities 7..11 and discounted transactions (d = 0.1, 5 opportunities
  // ahead, compared with the closed-form sum truncated alike). Each must be within 4 standard
  // errors (probability 6e-5 per check for a correct formula; fixed seed).
  const Params& p = DONATIONS;
  std::mt19937_64 rng(2010);
  std::gamma_distribution<double> ga(p.alpha, 1.0), gb(p.beta, 1.0), gg(p.gamma, 1.0), gd(p.delta, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int n = 6, ahead = 5;
  double m = 0, alive7 = 0, fut = 0, fut2 = 0, disc = 0, disc2 = 0;
  for (int i = 0; i < 3000000; ++i) {
    const double A = ga(rng), B = gb(rng), pr = A / (A + B), C = gg(rng), D = gd(rng), th = C / (C + D);
    int x = 0, t_x = 0, future = 0;
    bool alive = true, alive_at_7 = false;
    double discounted = 0;
    for (int t = 1; t <= n + ahead; ++t) {
      if (alive && u(rng) < th) alive = false;  // dies at the start of opportunity t
      if (t == n + 1) alive_at_7 = alive;
      const bool buys = alive && u(rng) < pr;
      if (t <= n && buys) {
        ++x;
        t_x = t;
      }
      if (t > n && buys) {
        ++future;
        discounted += std::pow(1.1, -(t - n));
      }
    }
    if (x != 3 || t_x != 4) continue;
    m += 1;
    alive7 += alive_at_7;
    fut += future;
    fut2 += double(future) * future;
    disc += discounted;
    disc2 += discounted * discounted;
  }
  const double pa = bb::p_alive(p, 3, 4, n);
  EXPECT_NEAR(alive7 / m, pa, 4 * std::sqrt(pa * (1 - pa) / m));
  const double mean = fut / m, se = std::sqrt((fut2 / m - mean * mean) / m);
  EXPECT_NEAR(mean, bb::conditional_expected(p, ahead, 3, 4, n), 4 * se);
  // Closed-form discounted transactions over 5 opportunities: increments of eq. (13).
  double closed = 0;
  for (int k = 1; k <= ahead; ++k)
    closed +=
        (bb::conditional_expected(p, k, 3, 4, n) - bb::conditional_expected(p, k - 1, 3, 4, n)) / std::pow(1.1, k);
  const double dmean = disc / m, dse = std::sqrt((disc2 / m - dmean * dmean) / m);
  EXPECT_NEAR(dmean, closed, 4 * dse);
}

TEST(BgBbClosed, DertIsTheDiscountedSumOfTheConditionalExpectation)
{
  // DERT (eq. 14) = sum_k [E[X(n, n+k)] - E[X(n, n+k-1)]] / (1+d)^k over all k (eq. 13),
  // truncated at 5000 opportunities (the tail is below 1.1^-5000).
  for (const auto& h : std::vector<std::array<int, 3>>{{3, 4, 6}, {0, 0, 6}, {6, 6, 6}, {1, 1, 10}}) {
    double sum = 0, previous = 0;
    for (int k = 1; k <= 5000; ++k) {
      const double c = bb::conditional_expected(DONATIONS, k, h[0], h[1], h[2]);
      sum += (c - previous) / std::pow(1.1, k);
      previous = c;
    }
    EXPECT_NEAR(bb::dert(DONATIONS, 0.1, h[0], h[1], h[2]), sum, 1e-10 * sum) << h[0] << " " << h[1];
  }
  EXPECT_THROW(bb::log_likelihood(DONATIONS, 3, 2, 6), std::domain_error);  // t_x < x
  EXPECT_THROW(bb::log_likelihood(DONATIONS, 0, 1, 6), std::domain_error);  // t_x without a transaction
}
