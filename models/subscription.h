#pragma once
//! What a subscription (purchase.model = "sbg") is worth and how long it lasts, in closed form
//! (docs/model.md §11.6): the sBG formulas of models/purchase/sbg.h evaluated for a new
//! subscriber, for the layers that may not name a concrete purchase model (engine/run).
#include <vector>

namespace clvsim::models {

//! The closed forms of one sBG law theta ~ Beta(alpha, beta) for a subscriber who has just
//! paid their first period (F&H 2007, 2010; sbg::survival, sbg::derl,
//! sbg::expected_discounted_lifetime).
struct SubscriptionClosedForm {
  //! retention[k] = S(k) = P(still subscribed after k renewal decisions), k = 0 .. horizon - 1
  //! (retention[0] = 1): the expected share of a cohort that started together still paying
  //! in its (k+1)-th period.
  std::vector<double> retention;
  //! DERL(d | 0): expected discounted number of further payments after the first, each
  //! discounted to the first payment's period (F&H 2010 eq. 6 with n = 0). +inf when d = 0
  //! and alpha <= 1.
  double derl = 0;
  //! DEL(d) = 1 + DERL(d | 0)/(1+d): expected discounted number of payments, the first
  //! included (F&H 2010 eq. 3). +inf when d = 0 and alpha <= 1.
  double del = 0;
};

//! The closed forms for alpha, beta > 0, the discount rate per period d >= 0 and `horizon`
//! retention values. Throws std::domain_error for parameters sbg:: rejects.
SubscriptionClosedForm subscription_closed_form(double alpha, double beta, double discount_rate_per_period,
                                                int horizon);

}  // namespace clvsim::models
