// Gamma-gamma spend model (models/spend/gamma_gamma.h) against numerical integration over nu.
#include <gtest/gtest.h>

#include <boost/math/distributions/gamma.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <limits>

#include "models/spend/gamma_gamma.h"

namespace {

using clvsim::models::gamma_gamma::Params;
namespace gg = clvsim::models::gamma_gamma;

// Published CDNOW estimates (Fader, Hardie & Lee 2005, "RFM and CLV").
const Params CDNOW{6.25, 3.74, 15.44};

// int_0^inf f(m_x | nu) g(nu) k(nu) dnu, with m_x | nu ~ Gamma(p x, rate nu x) (the mean of x
// Gamma(p, nu) values) and nu ~ Gamma(q, rate gamma), densities from Boost.Math.
template <class K>
double over_nu(const Params& p, double x, double m_x, K k)
{
  const boost::math::gamma_distribution<double> prior(p.q, 1.0 / p.gamma);
  auto f = [&](double nu) {
    const boost::math::gamma_distribution<double> mean_value(p.p * x, 1.0 / (nu * x));
    return boost::math::pdf(mean_value, m_x) * boost::math::pdf(prior, nu) * k(nu);
  };
  const double mode = (p.p * x + p.q) / (p.gamma + m_x * x);  // posterior scale of nu
  boost::math::quadrature::tanh_sinh<double> ts;
  boost::math::quadrature::exp_sinh<double> es;
  return ts.integrate(f, 0.0, 0.5 * mode, 1e-12) + ts.integrate(f, 0.5 * mode, 2.0 * mode, 1e-12) +
         es.integrate(f, 2.0 * mode, std::numeric_limits<double>::infinity(), 1e-12);
}

struct Customer {
  double x, m_x;
};
const Customer CUSTOMERS[] = {{1, 20.0}, {2, 35.5}, {5, 12.3}, {30, 48.0}};

TEST(GammaGamma, LogLikelihoodEqualsNumericalIntegration)
{
  for (const Customer& c : CUSTOMERS) {
    const double brute = std::log(over_nu(CDNOW, c.x, c.m_x, [](double) { return 1.0; }));
    EXPECT_NEAR(gg::log_likelihood(CDNOW, c.x, c.m_x), brute, 1e-9) << "x = " << c.x;
  }
}

TEST(GammaGamma, ConditionalExpectedValueEqualsNumericalIntegration)
{
  // E[Z | x, m_x] = E[p/nu | x, m_x].
  for (const Customer& c : CUSTOMERS) {
    const double den = over_nu(CDNOW, c.x, c.m_x, [](double) { return 1.0; });
    const double num = over_nu(CDNOW, c.x, c.m_x, [&](double nu) { return CDNOW.p / nu; });
    EXPECT_NEAR(gg::conditional_expected_value(CDNOW, c.x, c.m_x), num / den, 1e-9 * num / den) << "x = " << c.x;
  }
  // Shrinkage: a one-order customer lies between its own value and the population mean.
  const double pop = gg::population_mean(CDNOW);
  const double one = gg::conditional_expected_value(CDNOW, 1, 100.0);
  EXPECT_GT(one, pop);
  EXPECT_LT(one, 100.0);
}

TEST(GammaGamma, PopulationMean)
{
  // E[p/nu] under nu ~ Gamma(q, gamma), numerically.
  const boost::math::gamma_distribution<double> prior(CDNOW.q, 1.0 / CDNOW.gamma);
  boost::math::quadrature::exp_sinh<double> es;
  const double brute = es.integrate([&](double nu) { return CDNOW.p / nu * boost::math::pdf(prior, nu); }, 0.0,
                                    std::numeric_limits<double>::infinity(), 1e-12);
  EXPECT_NEAR(gg::population_mean(CDNOW), brute, 1e-9 * brute);
  EXPECT_NEAR(gg::population_mean(CDNOW), 6.25 * 15.44 / 2.74, 1e-12);
  EXPECT_THROW(gg::population_mean({1.0, 0.9, 1.0}), std::domain_error);
}

}  // namespace
