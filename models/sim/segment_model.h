#pragma once
//! Per-segment constants of the customer model in the units of one simulation period, so
//! the hot loop does no unit conversion and no lookups (docs/model.md §3.2: rates per time
//! unit x units per period; Gamma rates divide). The scenario layer resolves them from a
//! segment's behaviour (scenarios/segment_model.h).
#include "models/kinds.h"
#include "models/purchase/model.h"

namespace clvsim::sim {

struct SegmentModel {
  models::PurchaseModel model = models::PurchaseModel::sbg_poisson;
  models::PurchaseParams purchase;  //!< the purchase parameters as given, per purchase.time_unit
  // purchase, in period units: lambda ~ Gamma(r, lambda_rate); p, theta ~ Beta(a, b);
  // mu ~ Gamma(s, mu_rate); sBG theta ~ Beta(a, b) with a = alpha, b = beta.
  double r = 0, lambda_rate = 1, a = 1, b = 1, s = 1, mu_rate = 1, fee = 0;
  double order_a = 1, order_b = 1;  //!< bg_bb: an order's probability per opportunity p ~ Beta(order_a, order_b)
  double period_in_units = 1;       //!< one period in purchase.time_unit
  // spend
  models::SpendModel spend = models::SpendModel::fixed;
  double p = 1, q = 2, gamma = 1;                        //!< gamma_gamma
  double log_median = 0, sigma = 0, customer_sigma = 0;  //!< lognormal
  double fixed_value = 0;
  double log_growth_per_period = 0;  //!< ln(1+g) x period length in years
  // economics of an order
  double gross_margin = 0, return_rate = 0, return_cost = 0, fulfilment_cost = 0, shipping_cost_paid = 0;
  // service (docs/model.md §5.1-5.2)
  double incident_probability = 0, first_contact_resolution = 1, later_contact_resolution = 1;
  int max_contacts = 1;
  double response_time_hours = 0, impolite_probability = 0, cost_per_contact = 0, compensation_ratio = 0;
  double exp_base = 0, exp_per_extra_contact = 0, exp_per_log_wait = 0, exp_per_impolite_contact = 0,
         exp_per_compensation_ratio = 0;
  // satisfaction (docs/model.md §5.3)
  double initial_mean = 7.5, initial_sd = 1, decay = 0.1, order_delta = 0, churn_sensitivity = 0,
         frequency_sensitivity = 0, reference = 7.5;
  double satisfaction_noise_sd = 0;  //!< the innovation's sd (satisfaction.stationary; 0 without)
  // constant multipliers of post-sale policies and marketing contact (docs/model.md §6.3-6.4)
  double hazard_multiplier = 1, frequency_multiplier = 1;
  double extra_order_cost = 0;             //!< same-day shipping surcharge per order
  double order_satisfaction_bonus = 0;     //!< same-day shipping satisfaction per order
  double marketing_cost_per_customer = 0;  //!< emails x cost per email, per active customer-period
  // reviews (docs/model.md §6.1): probability of a review after an order, by NPS category
  double review_p_detractor = 0, review_p_passive = 0, review_p_promoter = 0;
  // referrals (docs/model.md §6.2): expected new customers per period by an active customer
  double referral_promoter_rate = 0, referral_passive_rate = 0;
  // loyalty programme (docs/model.md §7)
  bool loyalty = false;
  int loyalty_start_period = 0;
  unsigned loyalty_eligible_after_orders = 1;
  double loyalty_enrollment_probability = 0, loyalty_reward_cost_rate = 0, loyalty_cost_per_member = 0,
         loyalty_hazard = 1, loyalty_frequency = 1, loyalty_basket = 1, loyalty_satisfaction_bonus = 0,
         loyalty_referral = 1;
};

}  // namespace clvsim::sim
