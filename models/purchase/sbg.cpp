#include "models/purchase/sbg.h"

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "models/purchase/hypergeometric.h"

namespace clvsim::models::sbg {
namespace {

void check_params(const Params& p, const char* where)
{
  if (!(p.alpha > 0.0 && p.beta > 0.0) || !std::isfinite(p.alpha) || !std::isfinite(p.beta)) {
    std::ostringstream os;
    os << "sbg::" << where << ": parameters must be finite and > 0, got alpha = " << p.alpha << ", beta = " << p.beta;
    throw std::domain_error(os.str());
  }
}

void check_discount(double d, const char* where)
{
  if (!(d >= 0.0) || !std::isfinite(d)) {
    std::ostringstream os;
    os << "sbg::" << where << ": discount_rate_per_period must be >= 0, got " << d;
    throw std::domain_error(os.str());
  }
}

}  // namespace

double survival(const Params& p, double t)
{
  check_params(p, "survival");
  if (!(t >= 0.0)) {
    std::ostringstream os;
    os << "sbg::survival: need t >= 0, got t = " << t;
    throw std::domain_error(os.str());
  }
  if (t == 0.0) return 1.0;
  using boost::math::tgamma_delta_ratio;
  return tgamma_delta_ratio(p.beta + t, p.alpha) / tgamma_delta_ratio(p.beta, p.alpha);
}

double churn_probability(const Params& p, int t)
{
  check_params(p, "churn_probability");
  if (t < 1) {
    std::ostringstream os;
    os << "sbg::churn_probability: the churn period t is 1, 2, ..., got t = " << t;
    throw std::domain_error(os.str());
  }
  return survival(p, t - 1.0) * p.alpha / (p.alpha + p.beta + t - 1.0);
}

double log_likelihood_survival(const Params& p, const std::vector<double>& n)
{
  check_params(p, "log_likelihood_survival");
  if (n.empty()) throw std::domain_error("sbg::log_likelihood_survival: empty survival table");
  for (std::size_t t = 0; t < n.size(); ++t) {
    if (!(n[t] >= 0.0) || (t > 0 && n[t] > n[t - 1])) {
      std::ostringstream os;
      os << "sbg::log_likelihood_survival: alive_by_period must be >= 0 and non-increasing, got "
         << "alive_by_period[" << t << "] = " << n[t];
      if (t > 0) os << " after " << n[t - 1];
      throw std::domain_error(os.str());
    }
  }
  double ll = 0.0;
  // S(t) by the retention-rate recursion S(t) = S(t-1) (beta+t-1)/(alpha+beta+t-1), in logs.
  double log_s = 0.0;
  for (std::size_t t = 1; t < n.size(); ++t) {
    const double k = static_cast<double>(t);
    const double log_churn = log_s + std::log(p.alpha / (p.alpha + p.beta + k - 1.0));
    const double lost = n[t - 1] - n[t];
    if (lost > 0.0) ll += lost * log_churn;
    log_s += std::log((p.beta + k - 1.0) / (p.alpha + p.beta + k - 1.0));
  }
  if (n.back() > 0.0) ll += n.back() * log_s;
  return ll;
}

double expected_discounted_lifetime(const Params& p, double d)
{
  check_params(p, "expected_discounted_lifetime");
  check_discount(d, "expected_discounted_lifetime");
  if (d == 0.0) {
    if (!(p.alpha > 1.0)) {
      std::ostringstream os;
      os << "sbg::expected_discounted_lifetime: undiscounted expected lifetime is infinite for "
         << "alpha <= 1, got alpha = " << p.alpha;
      throw std::domain_error(os.str());
    }
    return (p.alpha + p.beta - 1.0) / (p.alpha - 1.0);
  }
  return hyp2f1(1.0, p.beta, p.alpha + p.beta, 1.0 / (1.0 + d));
}

double derl(const Params& p, double d, int renewals)
{
  check_params(p, "derl");
  check_discount(d, "derl");
  if (renewals < 0) {
    std::ostringstream os;
    os << "sbg::derl: renewals must be >= 0, got " << renewals;
    throw std::domain_error(os.str());
  }
  const double bn = p.beta + renewals;
  const double renew = bn / (p.alpha + bn);  // B(alpha, beta+n+1)/B(alpha, beta+n)
  if (d == 0.0) {
    // sum_{k>=0} S(n+1+k)/S(n): the posterior (Beta(alpha, beta+n)) expected lifetime minus one.
    if (!(p.alpha > 1.0)) {
      std::ostringstream os;
      os << "sbg::derl: undiscounted residual lifetime is infinite for alpha <= 1, got alpha = " << p.alpha;
      throw std::domain_error(os.str());
    }
    return (p.alpha + bn - 1.0) / (p.alpha - 1.0) - 1.0;
  }
  return renew * hyp2f1(1.0, bn + 1.0, p.alpha + bn + 1.0, 1.0 / (1.0 + d));
}

}  // namespace clvsim::models::sbg
