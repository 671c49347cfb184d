#include "models/purchase/bg_nbd.h"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "models/purchase/hypergeometric.h"

namespace clvsim::models::bg_nbd {
namespace {

using boost::math::lgamma;

void check_params(const Params& p, const char* where)
{
  if (!(p.r > 0.0 && p.alpha > 0.0 && p.a > 0.0 && p.b > 0.0) || !std::isfinite(p.r) || !std::isfinite(p.alpha) ||
      !std::isfinite(p.a) || !std::isfinite(p.b)) {
    std::ostringstream os;
    os << "bg_nbd::" << where << ": parameters must be finite and > 0, got r = " << p.r << ", alpha = " << p.alpha
       << ", a = " << p.a << ", b = " << p.b;
    throw std::domain_error(os.str());
  }
}

void check_customer(double x, double t_x, double T, const char* where)
{
  if (!(x >= 0.0) || !(T >= 0.0) || (x > 0.0 && !(t_x >= 0.0 && t_x <= T)) || !std::isfinite(x) || !std::isfinite(T)) {
    std::ostringstream os;
    os << "bg_nbd::" << where << ": need x >= 0 and 0 <= t_x <= T, got x = " << x << ", t_x = " << t_x << ", T = " << T;
    throw std::domain_error(os.str());
  }
}

// ln(e^u + e^v) without overflow.
double log_add(double u, double v)
{
  const double m = std::max(u, v);
  return m + std::log1p(std::exp(std::min(u, v) - m));
}

// expm1(y)/y, equal to 1 at y = 0.
double expm1_over(double y)
{
  return y == 0.0 ? 1.0 : std::expm1(y) / y;
}

// ln of the dropout term relative to the alive term: ln[a/(b+x-1) ((alpha+T)/(alpha+t_x))^{r+x}].
double log_dropout_ratio(const Params& p, double x, double t_x, double T)
{
  return std::log(p.a / (p.b + x - 1.0)) + (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
}

}  // namespace

double log_likelihood(const Params& p, double x, double t_x, double T)
{
  check_params(p, "log_likelihood");
  check_customer(x, t_x, T, "log_likelihood");
  const double log_a1 = lgamma(p.r + x) - lgamma(p.r) + p.r * std::log(p.alpha);
  const double log_a2 = lgamma(p.a + p.b) + lgamma(p.b + x) - lgamma(p.b) - lgamma(p.a + p.b + x);
  const double log_a3 = -(p.r + x) * std::log(p.alpha + T);
  if (x <= 0.0) return log_a1 + log_a2 + log_a3;
  const double log_a4 = std::log(p.a / (p.b + x - 1.0)) - (p.r + x) * std::log(p.alpha + t_x);
  return log_a1 + log_a2 + log_add(log_a3, log_a4);
}

double expected_repeat(const Params& p, double t)
{
  check_params(p, "expected_repeat");
  if (!(t >= 0.0) || !std::isfinite(t)) {
    std::ostringstream os;
    os << "bg_nbd::expected_repeat: need t >= 0, got t = " << t;
    throw std::domain_error(os.str());
  }
  if (t == 0.0) return 0.0;
  const double one_minus_z = p.alpha / (p.alpha + t);
  if (one_minus_z < 1e-5) {
    // The series needs ~40/(1-z) terms here; integrate over p instead (lambda in closed form).
    const boost::math::beta_distribution<double> prior(p.a, p.b);
    boost::math::quadrature::tanh_sinh<double> integrator;
    auto f = [&](double q) {
      const double e = -std::expm1(-p.r * std::log1p(q * t / p.alpha));  // 1 - (alpha/(alpha+q t))^r
      return e / q * boost::math::pdf(prior, q);
    };
    return integrator.integrate(f, 0.0, 1.0, 1e-12);
  }
  const double z = t / (p.alpha + t);
  const double c = p.a + p.b - 1.0;
  const double L = -std::log1p(t / p.alpha);  // ln(1 - z)
  const double y = (p.a - 1.0) * L;
  const double first = -L * expm1_over(y);  // -(e^{(a-1)L} - 1)/(a-1)
  const double g = (c - p.r) * z / c * hyp3f2(c - p.r + 1.0, p.a, 1.0, c + 1.0, 2.0, z);
  return c * (first - std::exp(y) * g);
}

double p_alive(const Params& p, double x, double t_x, double T)
{
  check_params(p, "p_alive");
  check_customer(x, t_x, T, "p_alive");
  if (x <= 0.0) return 1.0;
  // 1/(1 + e^u) evaluated without overflow.
  const double u = log_dropout_ratio(p, x, t_x, T);
  return u > 0.0 ? std::exp(-u) / (1.0 + std::exp(-u)) : 1.0 / (1.0 + std::exp(u));
}

double conditional_expected(const Params& p, double t, double x, double t_x, double T)
{
  const double alive = p_alive(p, x, t_x, T);
  const Params posterior{p.r + x, p.alpha + T, p.a, p.b + x};
  return alive * expected_repeat(posterior, t);
}

double prob_x(const Params& p, double x, double t)
{
  check_params(p, "prob_x");
  if (!(x >= 0.0) || x != std::floor(x) || !(t >= 0.0) || !std::isfinite(t)) {
    std::ostringstream os;
    os << "bg_nbd::prob_x: need an integer x >= 0 and t >= 0, got x = " << x << ", t = " << t;
    throw std::domain_error(os.str());
  }
  if (t == 0.0) return x == 0.0 ? 1.0 : 0.0;
  const double log_beta_ab = lgamma(p.a) + lgamma(p.b) - lgamma(p.a + p.b);
  const double log_q = -std::log1p(t / p.alpha);    // ln(alpha/(alpha+t))
  const double log_1mq = -std::log1p(p.alpha / t);  // ln(t/(alpha+t))
  const double log_first = lgamma(p.a) + lgamma(p.b + x) - lgamma(p.a + p.b + x) - log_beta_ab + lgamma(p.r + x) -
                           lgamma(p.r) - lgamma(x + 1.0) + p.r * log_q + (x > 0.0 ? x * log_1mq : 0.0);
  double result = std::exp(log_first);
  if (x > 0.0) {
    const double log_b2 = lgamma(p.a + 1.0) + lgamma(p.b + x - 1.0) - lgamma(p.a + p.b + x) - log_beta_ab;
    // P(NB(r, alpha/(alpha+t)) >= x) = I_{t/(alpha+t)}(x, r).
    const double tail = boost::math::ibeta(x, p.r, t / (p.alpha + t));
    result += std::exp(log_b2) * tail;
  }
  return result;
}

}  // namespace clvsim::models::bg_nbd
