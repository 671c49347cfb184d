#include "models/purchase/hypergeometric.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace clvsim::models {
namespace {

constexpr double RESCALE = 1e200;                   // when |sum| or |term| passes this, divide both by it
constexpr double LOG_RESCALE = 460.51701859880914;  // ln(1e200)
constexpr double TAIL_TOL = 1e-17;

bool is_nonpositive_integer(double v)
{
  return v <= 0.0 && v == std::floor(v);
}

std::string describe(int p, const double* a, int q, const double* b, double z)
{
  std::ostringstream os;
  os.precision(17);
  os << p << "F" << q << "(";
  for (int i = 0; i < p; ++i) os << (i ? ", " : "") << a[i];
  os << "; ";
  for (int j = 0; j < q; ++j) os << (j ? ", " : "") << b[j];
  os << "; " << z << ")";
  return os.str();
}

}  // namespace

SignedLog log_pfq_series(int p, const double* a, int q, const double* b, double z, long max_terms)
{
  if (p < 0 || p > 3 || q < 0 || q > 2) throw std::domain_error("log_pfq_series: p <= 3, q <= 2");
  if (!(std::abs(z) < 1.0)) throw std::domain_error("hypergeometric series needs |z| < 1: " + describe(p, a, q, b, z));
  for (int j = 0; j < q; ++j)
    if (is_nonpositive_integer(b[j]))
      throw std::domain_error("hypergeometric series with a non-positive integer lower parameter: " +
                              describe(p, a, q, b, z));
  if (z == 0.0) return {0.0, 1};

  double term = 1.0, sum = 1.0, log_scale = 0.0;
  for (long n = 0; n < max_terms; ++n) {
    const double dn = static_cast<double>(n);
    double ratio = z / (dn + 1.0);
    for (int i = 0; i < p; ++i) ratio *= a[i] + dn;
    for (int j = 0; j < q; ++j) ratio /= b[j] + dn;
    term *= ratio;
    if (term == 0.0) break;  // a terminating series (an upper parameter is -n) or underflow
    sum += term;
    if (std::abs(sum) > RESCALE || std::abs(term) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      log_scale += LOG_RESCALE;
    }
    // Tail bound: for the positive-parameter series met here the term ratio tends to z
    // monotonically after the first few terms, so sum_{k>n} |t_k| <= |t_n| rho / (1 - rho).
    const double rho = std::max(std::abs(ratio), std::abs(z));
    if (n >= 1 && rho < 1.0 && std::abs(term) * rho / (1.0 - rho) <= TAIL_TOL * std::abs(sum))
      return {std::log(std::abs(sum)) + log_scale, sum > 0.0 ? 1 : (sum < 0.0 ? -1 : 0)};
  }
  if (term == 0.0)
    return {sum == 0.0 ? -std::numeric_limits<double>::infinity() : std::log(std::abs(sum)) + log_scale,
            sum > 0.0 ? 1 : (sum < 0.0 ? -1 : 0)};
  throw std::domain_error("hypergeometric series did not converge in " + std::to_string(max_terms) +
                          " terms: " + describe(p, a, q, b, z));
}

SignedLog log_hyp2f1_signed(double a, double b, double c, double z)
{
  if (!(z < 1.0) || std::isnan(a) || std::isnan(b) || std::isnan(c)) {
    std::ostringstream os;
    os.precision(17);
    os << "log_hyp2f1 needs z < 1 and finite parameters: 2F1(" << a << ", " << b << "; " << c << "; " << z << ")";
    throw std::domain_error(os.str());
  }
  if (z < 0.0) {
    // Pfaff: 2F1(a,b;c;z) = (1-z)^{-a} 2F1(a, c-b; c; w), w = z/(z-1) in (0, 1). Take the
    // form whose leading power and series are milder (the other one swaps a and b).
    const double w = z / (z - 1.0);
    const double l1mz = std::log1p(-z);
    const bool swap = std::abs(b * (c - a)) < std::abs(a * (c - b));
    const double pa = swap ? b : a, pb = swap ? a : b;
    SignedLog inner = log_hyp2f1_signed(pa, c - pb, c, w);
    inner.log_abs += -pa * l1mz;
    return inner;
  }
  const double direct = std::abs(a * b);
  const double euler = std::abs((c - a) * (c - b));
  if (euler < direct) {
    const double ab[2] = {c - a, c - b};
    SignedLog s = log_pfq_series(2, ab, 1, &c, z);
    s.log_abs += (c - a - b) * std::log1p(-z);
    return s;
  }
  const double ab[2] = {a, b};
  return log_pfq_series(2, ab, 1, &c, z);
}

double log_hyp2f1(double a, double b, double c, double z)
{
  const SignedLog s = log_hyp2f1_signed(a, b, c, z);
  if (s.sign <= 0) {
    std::ostringstream os;
    os.precision(17);
    os << "log_hyp2f1: 2F1(" << a << ", " << b << "; " << c << "; " << z << ") is not positive";
    throw std::domain_error(os.str());
  }
  return s.log_abs;
}

double hyp2f1(double a, double b, double c, double z)
{
  const SignedLog s = log_hyp2f1_signed(a, b, c, z);
  return s.sign * std::exp(s.log_abs);
}

double hyp3f2(double a1, double a2, double a3, double b1, double b2, double z)
{
  const double a[3] = {a1, a2, a3};
  const double b[2] = {b1, b2};
  const SignedLog s = log_pfq_series(3, a, 2, b, z);
  return s.sign * std::exp(s.log_abs);
}

}  // namespace clvsim::models
