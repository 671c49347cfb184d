// MBG/NBD closed forms (models/purchase/mbg_nbd.h) against independent evaluations: the
// likelihood against numerical integration over lambda of the individual-level likelihood
// (Batislam, Denizel & Filiztekin 2007, the p-moments as Beta functions), E[X(t)] and the
// conditional expectation against the hypergeometric forms as printed (Boost-free 2F1 power
// series of models/purchase/hypergeometric.h instead of the Euler-transformed 3F2 path), the
// pmf against its normalisation and mean, and an exact simulation of the process.
#include <gtest/gtest.h>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <random>

#include "models/purchase/hypergeometric.h"
#include "models/purchase/mbg_nbd.h"

namespace {

namespace mbg = clvsim::models::mbg_nbd;
using mbg::Params;

// The CDNOW estimates of the MBG/NBD quoted by lifetimes' tests.
const Params CDNOW{0.525, 6.183, 0.891, 1.614};

double lbeta(double a, double b)
{
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

// int over lambda ~ Gamma(r, alpha) of lambda^x [E(1-p)^{x+1} e^{-lambda T} + E p(1-p)^x e^{-lambda t_x}].
double brute_likelihood(const Params& p, double x, double t_x, double T)
{
  const double alive = std::exp(lbeta(p.a, p.b + x + 1) - lbeta(p.a, p.b));
  const double dead = std::exp(lbeta(p.a + 1, p.b + x) - lbeta(p.a, p.b));
  const double log_norm = p.r * std::log(p.alpha) - std::lgamma(p.r);
  auto f = [&](double lam) {
    if (lam <= 0) return 0.0;
    const double base = log_norm + (p.r - 1 + x) * std::log(lam) - p.alpha * lam;
    return alive * std::exp(base - lam * T) + dead * std::exp(base - lam * t_x);
  };
  boost::math::quadrature::tanh_sinh<double> ts;
  boost::math::quadrature::exp_sinh<double> es;
  return ts.integrate(f, 0.0, 1.0, 1e-12) + es.integrate(f, 1.0, std::numeric_limits<double>::infinity(), 1e-12);
}

}  // namespace

TEST(MbgNbdClosed, LikelihoodMatchesNumericalIntegration)
{
  for (const auto& c : std::vector<std::array<double, 3>>{
           {0, 0, 38.86}, {2, 30.43, 38.86}, {1, 1.71, 38.86}, {12, 30, 31}, {0, 0, 0.5}})
    EXPECT_NEAR(mbg::log_likelihood(CDNOW, c[0], c[1], c[2]), std::log(brute_likelihood(CDNOW, c[0], c[1], c[2])), 1e-9)
        << c[0] << " " << c[1] << " " << c[2];
}

TEST(MbgNbdClosed, ExpectationsMatchThePrintedHypergeometricForms)
{
  using clvsim::models::hyp2f1;
  const Params& p = CDNOW;
  for (double t : {1.0, 10.0, 39.0, 78.0}) {
    const double printed =
        p.b / (p.a - 1) *
        (1 - std::pow(p.alpha / (p.alpha + t), p.r) * hyp2f1(p.r, p.b + 1, p.a + p.b, t / (p.alpha + t)));
    EXPECT_NEAR(mbg::expected_repeat(p, t), printed, 1e-10 * printed) << t;
  }
  // W&H (2008): E[Y(t) | x, t_x, T].
  for (const auto& c : std::vector<std::array<double, 3>>{{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 36}}) {
    const double x = c[0], t_x = c[1], T = c[2], t = 39.0;
    const double num = (p.a + p.b + x) / (p.a - 1) *
                       (1 - std::pow((p.alpha + T) / (p.alpha + T + t), p.r + x) *
                                hyp2f1(p.r + x, p.b + x + 1, p.a + p.b + x, t / (p.alpha + T + t)));
    const double den = 1 + p.a / (p.b + x) * std::pow((p.alpha + T) / (p.alpha + t_x), p.r + x);
    EXPECT_NEAR(mbg::conditional_expected(p, t, x, t_x, T), num / den, 1e-9 * num / den) << x;
    EXPECT_NEAR(mbg::p_alive(p, x, t_x, T), 1 / den, 1e-14);
  }
  // A one-time buyer can be gone (the BG/NBD would say 1).
  EXPECT_LT(mbg::p_alive(p, 0, 0, 38.86), 0.9);
  // No discounting: the expected-transactions sum is the conditional expectation over the span.
  EXPECT_NEAR(mbg::discounted_expected_transactions(p, 2, 30.43, 38.86, 12, 4.0, 0.0),
              mbg::conditional_expected(p, 48.0, 2, 30.43, 38.86), 1e-12);
  EXPECT_LT(mbg::discounted_expected_transactions(p, 2, 30.43, 38.86, 12, 4.0, 0.01),
            mbg::conditional_expected(p, 48.0, 2, 30.43, 38.86));
}

TEST(MbgNbdClosed, PmfSumsToOneWithTheExpectedMean)
{
  for (double t : {5.0, 39.0}) {
    double total = 0, mean = 0;
    for (int x = 0; x < 400; ++x) {
      const double q = mbg::prob_x(CDNOW, x, t);
      total += q;
      mean += x * q;
    }
    EXPECT_NEAR(total, 1.0, 1e-10) << t;
    EXPECT_NEAR(mean, mbg::expected_repeat(CDNOW, t), 1e-8) << t;
  }
}

TEST(MbgNbdClosed, ExactSimulationAgreesWithTheClosedForms)
{
  // 400,000 customers simulated exactly (dropout coin at time 0 and after each repeat
  // purchase); the mean count of repeat purchases in (0, 39] and the share of one-time
  // buyers still alive at 39 must lie within 4 standard errors of the closed forms (|z| > 4
  // has probability 6e-5: a failure is a wrong formula, not bad luck; the seed is fixed).
  const Params& p = CDNOW;
  std::mt19937_64 rng(7);
  std::gamma_distribution<double> lam_d(p.r, 1.0 / p.alpha), ga(p.a, 1.0), gb(p.b, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int n = 400000;
  const double T = 39.0;
  double sum = 0, sum2 = 0, zero = 0, zero_alive = 0;
  for (int i = 0; i < n; ++i) {
    const double lam = lam_d(rng), A = ga(rng), B = gb(rng), drop = A / (A + B);
    bool alive = u(rng) >= drop;  // the coin at time 0
    int x = 0;
    double t = 0;
    while (alive) {
      t += -std::log(1.0 - u(rng)) / lam;
      if (t > T) break;
      ++x;
      if (u(rng) < drop) alive = false;
    }
    sum += x;
    sum2 += double(x) * x;
    if (x == 0) {
      zero += 1;
      zero_alive += alive;
    }
  }
  const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
  EXPECT_NEAR(mean, mbg::expected_repeat(p, T), 4 * se);
  const double share = zero_alive / zero, pa = mbg::p_alive(p, 0, 0, T);
  EXPECT_NEAR(share, pa, 4 * std::sqrt(pa * (1 - pa) / zero));
}
