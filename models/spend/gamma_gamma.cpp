#include "models/spend/gamma_gamma.h"

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace clvsim::models::gamma_gamma {
namespace {

void check_params(const Params& p, const char* where)
{
  if (!(p.p > 0.0 && p.q > 0.0 && p.gamma > 0.0) || !std::isfinite(p.p) || !std::isfinite(p.q) ||
      !std::isfinite(p.gamma)) {
    std::ostringstream os;
    os << "gamma_gamma::" << where << ": parameters must be finite and > 0, got p = " << p.p << ", q = " << p.q
       << ", gamma = " << p.gamma;
    throw std::domain_error(os.str());
  }
}

void check_customer(double x, double m_x, const char* where)
{
  if (!(x > 0.0) || !(m_x > 0.0) || !std::isfinite(x) || !std::isfinite(m_x)) {
    std::ostringstream os;
    os << "gamma_gamma::" << where << ": need x > 0 and m_x > 0, got x = " << x << ", m_x = " << m_x;
    throw std::domain_error(os.str());
  }
}

}  // namespace

double log_likelihood(const Params& p, double x, double m_x)
{
  check_params(p, "log_likelihood");
  check_customer(x, m_x, "log_likelihood");
  using boost::math::lgamma;
  const double px = p.p * x;
  return lgamma(px + p.q) - lgamma(px) - lgamma(p.q) + p.q * std::log(p.gamma) + (px - 1.0) * std::log(m_x) +
         px * std::log(x) - (px + p.q) * std::log(p.gamma + m_x * x);
}

double conditional_expected_value(const Params& p, double x, double m_x)
{
  check_params(p, "conditional_expected_value");
  check_customer(x, m_x, "conditional_expected_value");
  const double denom = p.p * x + p.q - 1.0;
  if (!(denom > 0.0)) {
    std::ostringstream os;
    os << "gamma_gamma::conditional_expected_value: needs p x + q > 1, got p = " << p.p << ", x = " << x
       << ", q = " << p.q;
    throw std::domain_error(os.str());
  }
  return (p.gamma + m_x * x) * p.p / denom;
}

double population_mean(const Params& p)
{
  check_params(p, "population_mean");
  if (!(p.q > 1.0)) {
    std::ostringstream os;
    os << "gamma_gamma::population_mean: the mean p gamma/(q-1) needs q > 1, got q = " << p.q;
    throw std::domain_error(os.str());
  }
  return p.p * p.gamma / (p.q - 1.0);
}

}  // namespace clvsim::models::gamma_gamma
