#include "models/purchase/pareto_nbd.h"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "models/purchase/hypergeometric.h"

namespace clvsim::models::pareto_nbd {
namespace {

using boost::math::lgamma;

void check_params(const Params& p, const char* where)
{
  if (!(p.r > 0.0 && p.alpha > 0.0 && p.s > 0.0 && p.beta > 0.0) || !std::isfinite(p.r) || !std::isfinite(p.alpha) ||
      !std::isfinite(p.s) || !std::isfinite(p.beta)) {
    std::ostringstream os;
    os << "pareto_nbd::" << where << ": parameters must be finite and > 0, got r = " << p.r << ", alpha = " << p.alpha
       << ", s = " << p.s << ", beta = " << p.beta;
    throw std::domain_error(os.str());
  }
}

void check_customer(double x, double t_x, double T, const char* where)
{
  if (!(x >= 0.0) || !(t_x >= 0.0) || !(t_x <= T) || !std::isfinite(x) || !std::isfinite(T)) {
    std::ostringstream os;
    os << "pareto_nbd::" << where << ": need x >= 0 and 0 <= t_x <= T, got x = " << x << ", t_x = " << t_x
       << ", T = " << T;
    throw std::domain_error(os.str());
  }
}

double log_add(double u, double v)
{
  if (u == -std::numeric_limits<double>::infinity()) return v;
  if (v == -std::numeric_limits<double>::infinity()) return u;
  const double m = std::max(u, v);
  return m + std::log1p(std::exp(std::min(u, v) - m));
}

double expm1_over(double y)
{
  return y == 0.0 ? 1.0 : std::expm1(y) / y;
}

// Argument of the hypergeometric term at time t (in [0, 1)).
double hyp_argument(const Params& p, double t)
{
  return p.alpha >= p.beta ? (p.alpha - p.beta) / (p.alpha + t) : (p.beta - p.alpha) / (p.beta + t);
}

// ln F(t), F as in the header, via the Euler-transformed series 2F1(1, b'; r+s+x+1; z).
double log_f_series(const Params& p, double x, double t)
{
  const double c = p.r + p.s + x + 1.0;
  const double la = std::log(p.alpha + t), lb = std::log(p.beta + t);
  const double z = hyp_argument(p, t);
  if (p.alpha >= p.beta) {
    const double a[2] = {1.0, p.r + x};
    return -(p.r + x) * la - p.s * lb + log_pfq_series(2, a, 1, &c, z).log_abs;
  }
  const double a[2] = {1.0, p.s + 1.0};
  return (1.0 - p.r - x) * la - (p.s + 1.0) * lb + log_pfq_series(2, a, 1, &c, z).log_abs;
}

// ln A0 from A0 = (r+s+x) int_{t_x}^{T} (alpha+tau)^{-(r+x)} (beta+tau)^{-(s+1)} dtau.
double log_a0_quadrature(const Params& p, double x, double t_x, double T)
{
  const double la0 = std::log(p.alpha + t_x), lb0 = std::log(p.beta + t_x);
  // Integrand relative to its maximum at tau = t_x, so it lies in (0, 1].
  auto h = [&](double tau) {
    return std::exp(-(p.r + x) * (std::log(p.alpha + tau) - la0) - (p.s + 1.0) * (std::log(p.beta + tau) - lb0));
  };
  // Beyond (alpha+tau)/(alpha+t_x) = e^{40/(r+x)} the integrand is below e^{-40}: cut there so
  // the adaptive rule does not hunt for a sharp peak on a long interval.
  const double cut = t_x + (p.alpha + t_x) * std::expm1(40.0 / (p.r + x));
  const double hi = std::min(T, cut);
  const double integral =
      // 1e-10 relative: the 61-point error estimate cannot certify 1e-14, which made the
      // adaptive rule subdivide to depth 20 (about 1 s a call) on some customers.
      boost::math::quadrature::gauss_kronrod<double, 31>::integrate(h, t_x, hi, 8, 1e-10);
  return std::log(p.r + p.s + x) - (p.r + x) * la0 - (p.s + 1.0) * lb0 + std::log(integral);
}

// ln of the "alive at T" term, (alpha+T)^{-(r+x)} (beta+T)^{-s}.
double log_alive_term(const Params& p, double x, double T)
{
  return -(p.r + x) * std::log(p.alpha + T) - p.s * std::log(p.beta + T);
}

// ln A0 given the two tails (computed only where they are used: the series is the expensive part).
template <class TailTx, class TailT>
double log_a0_of_tails(const Params& p, double x, double t_x, double T, const TailTx& log_f_tx, const TailT& log_f_T)
{
  if (t_x >= T) return -std::numeric_limits<double>::infinity();
  if (hyp_argument(p, t_x) > 0.99) return log_a0_quadrature(p, x, t_x, T);
  const double lf_tx = log_f_tx();
  const double lf_T = log_f_T();
  const double d = lf_T - lf_tx;  // < 0 since F decreases
  // F(T)/F(t_x) close to 1 means a short interval: the difference would cancel, the
  // quadrature of a nearly constant integrand is exact to rounding.
  if (d > -0.05) return log_a0_quadrature(p, x, t_x, T);
  return lf_tx + std::log1p(-std::exp(d));
}

double log_a0_unchecked(const Params& p, double x, double t_x, double T)
{
  const auto f_tx = [&] { return log_f_series(p, x, t_x); };
  const auto f_T = [&] { return log_f_series(p, x, T); };
  return log_a0_of_tails(p, x, t_x, T, f_tx, f_T);
}

}  // namespace

double log_a0(const Params& p, double x, double t_x, double T)
{
  check_params(p, "log_a0");
  check_customer(x, t_x, T, "log_a0");
  return log_a0_unchecked(p, x, t_x, T);
}

double log_likelihood(const Params& p, double x, double t_x, double T)
{
  check_params(p, "log_likelihood");
  check_customer(x, t_x, T, "log_likelihood");
  const double log_front = lgamma(p.r + x) - lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta);
  const double log_second = std::log(p.s / (p.r + p.s + x)) + log_a0_unchecked(p, x, t_x, T);
  return log_front + log_add(log_alive_term(p, x, T), log_second);
}

double expected_repeat(const Params& p, double t)
{
  check_params(p, "expected_repeat");
  if (!(t >= 0.0) || !std::isfinite(t)) {
    std::ostringstream os;
    os << "pareto_nbd::expected_repeat: need t >= 0, got t = " << t;
    throw std::domain_error(os.str());
  }
  const double L = std::log1p(t / p.beta);  // -ln(beta/(beta+t))
  // [1 - (beta/(beta+t))^{s-1}]/(s-1) = -expm1(y)/(s-1) = L expm1(y)/y with y = -(s-1)L,
  // so s = 1 (y = 0) gives the limit L exactly.
  const double y = -(p.s - 1.0) * L;
  return p.r * p.beta / p.alpha * L * expm1_over(y);
}

double p_alive(const Params& p, double x, double t_x, double T)
{
  check_params(p, "p_alive");
  check_customer(x, t_x, T, "p_alive");
  const double u = std::log(p.s / (p.r + p.s + x)) + log_a0_unchecked(p, x, t_x, T) - log_alive_term(p, x, T);
  return u > 0.0 ? std::exp(-u) / (1.0 + std::exp(-u)) : 1.0 / (1.0 + std::exp(u));
}

double conditional_expected(const Params& p, double t, double x, double t_x, double T)
{
  const double alive = p_alive(p, x, t_x, T);
  return alive * expected_repeat({p.r + x, p.alpha + T, p.s, p.beta + T}, t);
}

double log_f(const Params& p, double x, double t)
{
  check_params(p, "log_f");
  return log_f_series(p, x, t);
}

double series_argument(const Params& p, double t)
{
  return hyp_argument(p, t);
}

double log_a0_from_f(const Params& p, double x, double t_x, double T, double log_f_tx, double log_f_T)
{
  const auto f_tx = [&] { return log_f_tx; };
  const auto f_T = [&] { return log_f_T; };
  return log_a0_of_tails(p, x, t_x, T, f_tx, f_T);
}

}  // namespace clvsim::models::pareto_nbd
