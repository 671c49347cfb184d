#include "models/subscription.h"

#include "models/purchase/sbg.h"

#include <limits>

namespace clvsim::models {

SubscriptionClosedForm subscription_closed_form(double alpha, double beta, double d, int horizon)
{
  const sbg::Params p{alpha, beta};
  SubscriptionClosedForm out;
  for (int k = 0; k < horizon; ++k) out.retention.push_back(sbg::survival(p, k));
  if (d == 0.0 && !(alpha > 1.0)) {  // sum of S(k) diverges: sbg:: refuses it
    out.derl = out.del = std::numeric_limits<double>::infinity();
    return out;
  }
  out.derl = sbg::derl(p, d, 0);
  out.del = sbg::expected_discounted_lifetime(p, d);
  return out;
}

}  // namespace clvsim::models
