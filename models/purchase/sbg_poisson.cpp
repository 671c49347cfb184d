#include "models/purchase/sbg_poisson.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace clvsim::models::sbg_poisson {

double expected_orders(const Params& p, int periods)
{
  if (!(p.a > 0.0 && p.b > 0.0 && p.r > 0.0 && p.alpha > 0.0) || !std::isfinite(p.a) || !std::isfinite(p.b) ||
      !std::isfinite(p.r) || !std::isfinite(p.alpha)) {
    std::ostringstream os;
    os << "sbg_poisson::expected_orders: parameters must be finite and > 0, got a = " << p.a << ", b = " << p.b
       << ", r = " << p.r << ", alpha = " << p.alpha;
    throw std::domain_error(os.str());
  }
  if (periods <= 0) return 0.0;
  // S(t) by the retention recursion S(t) = S(t-1) (b+t-1)/(a+b+t-1) (F&H 2007 eq. (4)).
  double s = 1.0, sum = 0.0;
  for (int t = 1; t < periods; ++t) {
    s *= (p.b + t - 1.0) / (p.a + p.b + t - 1.0);
    sum += s;
  }
  return 1.0 + p.r / p.alpha * sum;
}

}  // namespace clvsim::models::sbg_poisson
