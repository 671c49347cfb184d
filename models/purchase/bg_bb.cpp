#include "models/purchase/bg_bb.h"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "models/purchase/hypergeometric.h"

namespace clvsim::models::bg_bb {
namespace {

using boost::math::lgamma;

void check_params(const Params& p, const char* where)
{
  if (!(p.alpha > 0.0 && p.beta > 0.0 && p.gamma > 0.0 && p.delta > 0.0) || !std::isfinite(p.alpha) ||
      !std::isfinite(p.beta) || !std::isfinite(p.gamma) || !std::isfinite(p.delta)) {
    std::ostringstream os;
    os << "bg_bb::" << where << ": parameters must be finite and > 0, got alpha = " << p.alpha << ", beta = " << p.beta
       << ", gamma = " << p.gamma << ", delta = " << p.delta;
    throw std::domain_error(os.str());
  }
}

void check_customer(int x, int t_x, int n, const char* where)
{
  if (n < 0 || x < 0 || t_x < x || t_x > n || (x == 0) != (t_x == 0)) {
    std::ostringstream os;
    os << "bg_bb::" << where << ": need integers 0 <= x <= t_x <= n with x = 0 iff t_x = 0, got x = " << x
       << ", t_x = " << t_x << ", n = " << n;
    throw std::domain_error(os.str());
  }
}

double lbeta(double a, double b)
{
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

// ln(sum exp(v)).
double log_sum_exp(const std::vector<double>& v)
{
  double m = -std::numeric_limits<double>::infinity();
  for (double e : v) m = std::max(m, e);
  if (!std::isfinite(m)) return m;
  double s = 0.0;
  for (double e : v) s += std::exp(e - m);
  return m + std::log(s);
}

// sum_{t=1}^{m} B(gamma, d0+t)/B(gamma, d0) = d0/(gamma-1) [1 - Gamma(gamma+d0) Gamma(1+d0+m) /
// (Gamma(1+d0) Gamma(gamma+d0+m))] (the telescoping sum behind FHS eqs. (7) and (13)); summed
// term by term near gamma = 1, where the closed form is 0/0.
double survival_sum(double gamma, double d0, double m)
{
  if (m <= 0.0) return 0.0;
  if (std::abs(gamma - 1.0) > 1e-5) {
    const double log_ratio = lgamma(gamma + d0) + lgamma(1.0 + d0 + m) - lgamma(1.0 + d0) - lgamma(gamma + d0 + m);
    return -d0 * std::expm1(log_ratio) / (gamma - 1.0);
  }
  double sum = 0.0, s = 1.0;
  for (long t = 1; t <= static_cast<long>(std::floor(m)); ++t) {
    s *= (d0 + t - 1.0) / (gamma + d0 + t - 1.0);  // B(gamma, d0+t)/B(gamma, d0)
    sum += s;
  }
  return sum;
}

}  // namespace

double log_likelihood(const Params& p, int x, int t_x, int n)
{
  check_params(p, "log_likelihood");
  check_customer(x, t_x, n, "log_likelihood");
  const double ab = lbeta(p.alpha, p.beta), gd = lbeta(p.gamma, p.delta);
  std::vector<double> terms;
  terms.reserve(static_cast<std::size_t>(n - t_x + 1));
  terms.push_back(lbeta(p.alpha + x, p.beta + n - x) - ab + lbeta(p.gamma, p.delta + n) - gd);
  for (int i = 0; i <= n - t_x - 1; ++i)
    terms.push_back(lbeta(p.alpha + x, p.beta + t_x - x + i) - ab + lbeta(p.gamma + 1.0, p.delta + t_x + i) - gd);
  return log_sum_exp(terms);
}

double prob_x(const Params& p, int x, int n)
{
  check_params(p, "prob_x");
  if (n < 0 || x < 0 || x > n) {
    std::ostringstream os;
    os << "bg_bb::prob_x: need integers 0 <= x <= n, got x = " << x << ", n = " << n;
    throw std::domain_error(os.str());
  }
  const double ab = lbeta(p.alpha, p.beta), gd = lbeta(p.gamma, p.delta);
  const auto lchoose = [](int a, int b) { return lgamma(a + 1.0) - lgamma(b + 1.0) - lgamma(a - b + 1.0); };
  std::vector<double> terms;
  terms.push_back(lchoose(n, x) + lbeta(p.alpha + x, p.beta + n - x) - ab + lbeta(p.gamma, p.delta + n) - gd);
  for (int i = x; i <= n - 1; ++i)
    terms.push_back(lchoose(i, x) + lbeta(p.alpha + x, p.beta + i - x) - ab + lbeta(p.gamma + 1.0, p.delta + i) - gd);
  return std::exp(log_sum_exp(terms));
}

double expected_transactions(const Params& p, double n)
{
  check_params(p, "expected_transactions");
  if (!(n >= 0.0) || !std::isfinite(n)) {
    std::ostringstream os;
    os << "bg_bb::expected_transactions: need n >= 0, got n = " << n;
    throw std::domain_error(os.str());
  }
  return p.alpha / (p.alpha + p.beta) * survival_sum(p.gamma, p.delta, n);
}

double p_alive(const Params& p, int x, int t_x, int n)
{
  const double ll = log_likelihood(p, x, t_x, n);
  return std::exp(lbeta(p.alpha + x, p.beta + n - x) - lbeta(p.alpha, p.beta) + lbeta(p.gamma, p.delta + n + 1.0) -
                  lbeta(p.gamma, p.delta) - ll);
}

double conditional_expected(const Params& p, double n_star, int x, int t_x, int n)
{
  const double ll = log_likelihood(p, x, t_x, n);
  if (!(n_star >= 0.0) || !std::isfinite(n_star)) {
    std::ostringstream os;
    os << "bg_bb::conditional_expected: need n* >= 0, got " << n_star;
    throw std::domain_error(os.str());
  }
  const double log_front = lbeta(p.alpha + x + 1.0, p.beta + n - x) - lbeta(p.alpha, p.beta) +
                           lbeta(p.gamma, p.delta + n) - lbeta(p.gamma, p.delta) - ll;
  return std::exp(log_front) * survival_sum(p.gamma, p.delta + n, n_star);
}

double dert(const Params& p, double d, int x, int t_x, int n)
{
  const double ll = log_likelihood(p, x, t_x, n);
  if (!(d > 0.0) || !std::isfinite(d)) {
    std::ostringstream os;
    os << "bg_bb::dert: need a discount rate per period > 0, got " << d;
    throw std::domain_error(os.str());
  }
  const double log_front = lbeta(p.alpha + x + 1.0, p.beta + n - x) - lbeta(p.alpha, p.beta) +
                           lbeta(p.gamma, p.delta + n + 1.0) - lbeta(p.gamma, p.delta) - std::log1p(d) - ll;
  const double c = p.delta + n + 1.0;
  return std::exp(log_front + log_hyp2f1(1.0, c, p.gamma + c, 1.0 / (1.0 + d)));
}

}  // namespace clvsim::models::bg_bb
