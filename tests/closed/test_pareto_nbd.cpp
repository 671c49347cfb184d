// Pareto/NBD closed forms (models/purchase/pareto_nbd.h) against the published CDNOW P(alive),
// independent 30-digit mpmath evaluations and brute-force numerical integration over the
// Gamma(r, alpha) x Gamma(s, beta) mixing density of (lambda, mu).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "models/purchase/pareto_nbd.h"

namespace {

using clvsim::models::pareto_nbd::Params;
namespace pn = clvsim::models::pareto_nbd;

// Published CDNOW estimates (Fader, Hardie & Lee 2005; alpha < beta).
const Params CDNOW{0.553, 10.578, 0.606, 11.669};
// alpha > beta (series branch) and alpha >> beta (z -> 1 for small t_x: quadrature branch).
const Params ALPHA_GT_BETA{0.8, 20.0, 0.5, 2.0};
const Params ALPHA_GG_BETA{0.4, 50.0, 1.3, 0.3};

struct Customer {
  double x, t_x, T;
};

double pow_exp(double v, double x, double c)
{
  return x == 0.0 ? std::exp(-c * v) : std::exp(x * std::log(v) - c * v);
}

template <class F>
double integrate_half_line(F f, std::vector<double> cuts, double tol)
{
  std::sort(cuts.begin(), cuts.end());
  boost::math::quadrature::tanh_sinh<double> ts;
  boost::math::quadrature::exp_sinh<double> es;
  double total = 0.0, lo = 0.0;
  for (double c : cuts) {
    if (c <= lo) continue;
    total += ts.integrate(f, lo, c, tol);
    lo = c;
  }
  return total + es.integrate(f, lo, std::numeric_limits<double>::infinity(), tol);
}

// Gamma(shape, rate) density, written out (constant folded once) because the nested
// quadratures call it ~1e5 times per integral.
struct GammaDensity {
  double shape, rate, log_norm;
  GammaDensity(double k, double b) : shape(k), rate(b), log_norm(k * std::log(b) - std::lgamma(k)) {}
  double operator()(double v) const { return std::exp(log_norm + (shape - 1.0) * std::log(v) - rate * v); }
};

// int int k(lambda, mu) g(lambda) h(mu) dlambda dmu with g, h the Gamma mixing densities.
template <class K>
double mix(const Params& p, const Customer& c, K k)
{
  const GammaDensity g(p.r, p.alpha), h(p.s, p.beta);
  const double m1 = (p.r + c.x) / (p.alpha + c.T), m2 = (p.r + c.x) / (p.alpha + c.t_x);
  const double n1 = std::max(p.s, 1.0) / (p.beta + c.T), n2 = (p.s + 1.0) / (p.beta + c.t_x);
  auto over_mu = [&](double mu) {
    auto over_lambda = [&](double lam) {
      const double v = k(lam, mu);
      return v == 0.0 ? 0.0 : v * g(lam);
    };
    return integrate_half_line(over_lambda, {0.5 * m1, m1, m2, 2.0 * m2}, 1e-12) * h(mu);
  };
  return integrate_half_line(over_mu, {0.1 * n1, n1, n2, 10.0 * n2}, 1e-10);
}

// Individual-level Pareto/NBD likelihood (F&H note eq. (3)):
//   L = lambda^x e^{-(lambda+mu) T} + lambda^x mu/(lambda+mu) [e^{-(lambda+mu) t_x} - e^{-(lambda+mu) T}].
double individual_likelihood(double lam, double mu, const Customer& c)
{
  const double u = (lam + mu) * (c.T - c.t_x);
  const double phi = u == 0.0 ? 1.0 : -std::expm1(-u) / u;  // (1 - e^{-u})/u
  return pow_exp(lam, c.x, c.T) * std::exp(-mu * c.T) +
         pow_exp(lam, c.x, c.t_x) * mu * std::exp(-mu * c.t_x) * (c.T - c.t_x) * phi;
}

double brute_force_log_likelihood(const Params& p, const Customer& c)
{
  return std::log(mix(p, c, [&](double lam, double mu) { return individual_likelihood(lam, mu, c); }));
}

TEST(ParetoNbd, PAliveCdnowPublished)
{
  // Customer with x = 26, t_x = 30 weeks 6 days, T = 31 (F&H P(alive) illustration): 0.997874.
  EXPECT_NEAR(pn::p_alive(CDNOW, 26, 216.0 / 7.0, 31), 0.997874, 1e-5);
  // mpmath: F&H note eq. (24) with 2F1 at 30 digits.
  EXPECT_NEAR(pn::p_alive(CDNOW, 26, 216.0 / 7.0, 31), 0.99787426060994138181, 1e-12);
  EXPECT_NEAR(pn::p_alive(CDNOW, 2, 30.43, 38.86), 0.869167559153011199, 1e-12);
  EXPECT_NEAR(pn::p_alive(CDNOW, 0, 0, 78), 0.16235951036874201082, 1e-12);
}

TEST(ParetoNbd, LogLikelihoodEqualsNumericalIntegration)
{
  // Both hypergeometric branches (alpha < beta, alpha >= beta), the quadrature branch (z > 0.99:
  // ALPHA_GG_BETA with small t_x) and the short-interval branch (t_x close to T), x = 0 to 50.
  const std::vector<Customer> customers{{0, 0, 78}, {2, 30.43, 38.86}, {50, 20, 78}, {3, 0.1, 40}, {5, 39.9, 40}};
  for (const Params& p : {CDNOW, ALPHA_GT_BETA, ALPHA_GG_BETA}) {
    for (const Customer& c : customers) {
      EXPECT_NEAR(pn::log_likelihood(p, c.x, c.t_x, c.T), brute_force_log_likelihood(p, c), 1e-8)
          << "alpha = " << p.alpha << ", beta = " << p.beta << "; x = " << c.x << ", t_x = " << c.t_x
          << ", T = " << c.T;
    }
  }
}

TEST(ParetoNbd, LogLikelihoodAgainstMpmath)
{
  // F&H note eqs. (19)-(22) with mpmath's 2F1 at 30 digits, cross-checked there against the
  // integral form of A0.
  EXPECT_NEAR(pn::log_likelihood(CDNOW, 0, 0, 78), -0.59299080184282072617, 1e-12);
  EXPECT_NEAR(pn::log_likelihood(CDNOW, 2, 30.43, 38.86), -9.5542832451504057193, 1e-12);
  EXPECT_NEAR(pn::log_likelihood(CDNOW, 50, 20, 78), -30.424113084956059999, 1e-10);
  EXPECT_NEAR(pn::log_likelihood(ALPHA_GT_BETA, 50, 20, 78), -42.711602696999972164, 1e-10);
  EXPECT_NEAR(pn::log_likelihood(ALPHA_GT_BETA, 26, 216.0 / 7.0, 31), -43.920810747405389433, 1e-10);
  EXPECT_NEAR(pn::log_likelihood(ALPHA_GG_BETA, 3, 0.1, 40), -11.873917333155659258, 1e-10);
  EXPECT_NEAR(pn::log_likelihood(ALPHA_GG_BETA, 50, 70, 78), -104.09184058250866216, 1e-10);
}

TEST(ParetoNbd, StableForLargeCounts)
{
  for (const Params& p : {CDNOW, ALPHA_GT_BETA, ALPHA_GG_BETA}) {
    const double ll = pn::log_likelihood(p, 5000, 40, 78);
    EXPECT_TRUE(std::isfinite(ll));
    const double pa = pn::p_alive(p, 5000, 40, 78);
    EXPECT_GE(pa, 0.0);
    EXPECT_LE(pa, 1.0);
    EXPECT_NEAR(pn::p_alive(p, 5000, 78, 78), 1.0, 0.0);  // t_x = T: nothing to die in
  }
}

TEST(ParetoNbd, ExpectedRepeatEqualsNumericalIntegration)
{
  // E[X(t) | lambda, mu] = lambda/mu (1 - e^{-mu t}) (SMC 1987); lambda and mu are independent,
  // so the double integral is E[lambda] * E[(1 - e^{-mu t})/mu], each done numerically.
  for (const Params& p : {CDNOW, ALPHA_GT_BETA, ALPHA_GG_BETA}) {
    const GammaDensity g(p.r, p.alpha), h(p.s, p.beta);
    const double mean_lambda = integrate_half_line([&](double lam) { return lam * g(lam); }, {p.r / p.alpha}, 1e-12);
    for (double t : {1.0, 10.0, 39.0, 78.0}) {
      const double per_rate = integrate_half_line([&](double mu) { return -std::expm1(-mu * t) / mu * h(mu); },
                                                  {1.0 / t, 1.0 / p.beta}, 1e-12);
      const double brute = mean_lambda * per_rate;
      EXPECT_NEAR(pn::expected_repeat(p, t), brute, 1e-9 * std::max(1.0, brute))
          << "alpha = " << p.alpha << ", t = " << t;
    }
  }
  // mpmath, SMC eq. (17).
  EXPECT_NEAR(pn::expected_repeat(CDNOW, 39), 1.2130028442810159367, 1e-13);
  EXPECT_NEAR(pn::expected_repeat(CDNOW, 78), 1.9093981293136854572, 1e-13);
}

TEST(ParetoNbd, ExpectedRepeatAtSEqualsOne)
{
  // s = 1: r beta/alpha ln(1 + t/beta), and continuity from both sides.
  const Params one{0.553, 10.578, 1.0, 11.669};
  const double limit = 0.553 * 11.669 / 10.578 * std::log1p(39.0 / 11.669);
  EXPECT_NEAR(pn::expected_repeat(one, 39), limit, 1e-14);
  EXPECT_NEAR(pn::expected_repeat({0.553, 10.578, 1.0 + 1e-9, 11.669}, 39), limit, 1e-8);
  EXPECT_NEAR(pn::expected_repeat({0.553, 10.578, 1.0 - 1e-9, 11.669}, 39), limit, 1e-8);
}

TEST(ParetoNbd, ConditionalExpectedEqualsNumericalIntegration)
{
  // E[Y(t) | data] = int int P(alive at T, data | lambda, mu) E[Y(t) | lambda, mu, alive] g h
  //                  / int int L(lambda, mu | data) g h,
  // with P(alive at T, data | .) = lambda^x e^{-(lambda+mu) T}.
  const Customer c{2, 30.43, 38.86};
  const double t = 39.0;
  const double num = mix(CDNOW, c, [&](double lam, double mu) {
    return pow_exp(lam, c.x, c.T) * std::exp(-mu * c.T) * lam * -std::expm1(-mu * t) / mu;
  });
  const double den = std::exp(brute_force_log_likelihood(CDNOW, c));
  const double v = pn::conditional_expected(CDNOW, t, c.x, c.t_x, c.T);
  EXPECT_NEAR(v, num / den, 1e-8);
  EXPECT_NEAR(v, 1.4551231932576024824, 1e-12);  // mpmath, F&H note eq. (26)
}

TEST(ParetoNbd, RejectsInvalidInput)
{
  EXPECT_THROW(pn::log_likelihood({0.5, 1, 0, 1}, 1, 1, 2), std::domain_error);
  EXPECT_THROW(pn::p_alive(CDNOW, 1, 3, 2), std::domain_error);
}

}  // namespace
