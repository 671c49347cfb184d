#include "models/purchase/mbg_nbd.h"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "models/purchase/bg_nbd.h"

namespace clvsim::models::mbg_nbd {
namespace {

using boost::math::lgamma;

void check_params(const Params& p, const char* where)
{
  if (!(p.r > 0.0 && p.alpha > 0.0 && p.a > 0.0 && p.b > 0.0) || !std::isfinite(p.r) || !std::isfinite(p.alpha) ||
      !std::isfinite(p.a) || !std::isfinite(p.b)) {
    std::ostringstream os;
    os << "mbg_nbd::" << where << ": parameters must be finite and > 0, got r = " << p.r << ", alpha = " << p.alpha
       << ", a = " << p.a << ", b = " << p.b;
    throw std::domain_error(os.str());
  }
}

void check_customer(double x, double t_x, double T, const char* where)
{
  if (!(x >= 0.0) || !(T >= 0.0) || !(t_x >= 0.0 && t_x <= T) || !std::isfinite(x) || !std::isfinite(T)) {
    std::ostringstream os;
    os << "mbg_nbd::" << where << ": need x >= 0 and 0 <= t_x <= T, got x = " << x << ", t_x = " << t_x
       << ", T = " << T;
    throw std::domain_error(os.str());
  }
}

// ln[a/(b+x) ((alpha+T)/(alpha+t_x))^{r+x}]: the dropped-out term relative to the alive one.
double log_dropout_ratio(const Params& p, double x, double t_x, double T)
{
  return std::log(p.a / (p.b + x)) + (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
}

}  // namespace

double log_likelihood(const Params& p, double x, double t_x, double T)
{
  check_params(p, "log_likelihood");
  check_customer(x, t_x, T, "log_likelihood");
  const double log_a1 = lgamma(p.r + x) - lgamma(p.r) + p.r * std::log(p.alpha);
  const double log_a2 = lgamma(p.a + p.b) + lgamma(p.b + x + 1.0) - lgamma(p.b) - lgamma(p.a + p.b + x + 1.0);
  const double log_a3 = -(p.r + x) * std::log(p.alpha + T);
  const double u = log_dropout_ratio(p, x, t_x, T);  // ln(A4/A3)
  const double log1p_exp = u > 0.0 ? u + std::log1p(std::exp(-u)) : std::log1p(std::exp(u));
  return log_a1 + log_a2 + log_a3 + log1p_exp;
}

double expected_repeat(const Params& p, double t)
{
  check_params(p, "expected_repeat");
  return p.b / (p.a + p.b) * bg_nbd::expected_repeat({p.r, p.alpha, p.a, p.b + 1.0}, t);
}

double p_alive(const Params& p, double x, double t_x, double T)
{
  check_params(p, "p_alive");
  check_customer(x, t_x, T, "p_alive");
  const double u = log_dropout_ratio(p, x, t_x, T);
  return u > 0.0 ? std::exp(-u) / (1.0 + std::exp(-u)) : 1.0 / (1.0 + std::exp(u));
}

double conditional_expected(const Params& p, double t, double x, double t_x, double T)
{
  const double alive = p_alive(p, x, t_x, T);
  return alive * bg_nbd::expected_repeat({p.r + x, p.alpha + T, p.a, p.b + x + 1.0}, t);
}

double prob_x(const Params& p, double x, double t)
{
  check_params(p, "prob_x");
  if (!(x >= 0.0) || x != std::floor(x) || !(t >= 0.0) || !std::isfinite(t)) {
    std::ostringstream os;
    os << "mbg_nbd::prob_x: need an integer x >= 0 and t >= 0, got x = " << x << ", t = " << t;
    throw std::domain_error(os.str());
  }
  const double log_beta_ab = lgamma(p.a) + lgamma(p.b) - lgamma(p.a + p.b);
  // Dropped out at time 0 or after the x-th repeat purchase: B(a+1, b+x)/B(a, b) P(N >= x).
  const double log_b2 = lgamma(p.a + 1.0) + lgamma(p.b + x) - lgamma(p.a + p.b + x + 1.0) - log_beta_ab;
  if (t == 0.0) return x == 0.0 ? 1.0 : 0.0;
  const double log_q = -std::log1p(t / p.alpha);    // ln(alpha/(alpha+t))
  const double log_1mq = -std::log1p(p.alpha / t);  // ln(t/(alpha+t))
  const double log_first = lgamma(p.a) + lgamma(p.b + x + 1.0) - lgamma(p.a + p.b + x + 1.0) - log_beta_ab +
                           lgamma(p.r + x) - lgamma(p.r) - lgamma(x + 1.0) + p.r * log_q +
                           (x > 0.0 ? x * log_1mq : 0.0);
  const double tail = x > 0.0 ? boost::math::ibeta(x, p.r, t / (p.alpha + t)) : 1.0;
  return std::exp(log_first) + std::exp(log_b2) * tail;
}

double discounted_expected_transactions(const Params& p, double x, double t_x, double T, int periods,
                                        double period_length, double d)
{
  if (periods < 0 || !(period_length > 0.0) || !(d >= 0.0) || !std::isfinite(d)) {
    std::ostringstream os;
    os << "mbg_nbd::discounted_expected_transactions: need periods >= 0, period_length > 0 and a discount "
          "rate >= 0, got "
       << periods << ", " << period_length << ", " << d;
    throw std::domain_error(os.str());
  }
  double sum = 0.0, previous = 0.0, factor = 1.0;
  for (int k = 1; k <= periods; ++k) {
    const double cumulative = conditional_expected(p, k * period_length, x, t_x, T);
    factor /= 1.0 + d;
    sum += (cumulative - previous) * factor;
    previous = cumulative;
  }
  return sum;
}

}  // namespace clvsim::models::mbg_nbd
