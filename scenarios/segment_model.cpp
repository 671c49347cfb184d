#include "scenarios/segment_model.h"

#include "models/purchase/registry.h"
#include "models/sim/service.h"

#include <algorithm>
#include <cmath>

namespace clvsim::scenarios {

sim::SegmentModel segment_model(const Behaviour& be, Period period)
{
  sim::SegmentModel m;
  const auto& pu = be.purchase;
  m.model = pu.model;
  // A rate per time unit times units per period is a rate per period; for a Gamma(k, rate)
  // trait that means dividing the rate parameter by the units per period.
  const double k = days_in(period) / days_in(pu.time_unit);
  m.period_in_units = k;
  m.purchase = {.model = pu.model,
                .r = pu.r,
                .alpha = pu.alpha,
                .a = pu.a,
                .b = pu.b,
                .s = pu.s,
                .beta = pu.beta,
                .gamma = pu.gamma,
                .delta = pu.delta,
                .fee = pu.fee};
  const auto& sp = be.spend;
  m.spend = sp.model;
  m.p = sp.p;
  m.q = sp.q;
  m.gamma = sp.gamma;
  m.log_median = std::log(sp.median > 0 ? sp.median : 1.0);
  m.sigma = sp.sigma;
  m.customer_sigma = sp.customer_sigma;
  m.fixed_value = sp.value;
  // The purchase model's own constants (after spend: sbg pays a fixed fee per period).
  models::visit_purchase_model(pu.model, [&](auto model) { decltype(model)::resolve(m.purchase, k, m); });
  m.log_growth_per_period = std::log1p(sp.growth_per_year_of_tenure) * days_in(period) / 365.25;

  const auto& ec = be.economics;
  m.gross_margin = ec.gross_margin;
  m.return_rate = ec.return_rate;
  m.return_cost = ec.return_cost;
  m.fulfilment_cost = ec.fulfilment_cost_per_order;
  m.shipping_cost_paid = 0.0;  // the shop pays shipping only under policies.free_shipping

  const auto& sv = be.service;
  m.incident_probability = sv.incident_probability;
  m.first_contact_resolution = sv.first_contact_resolution;
  m.later_contact_resolution = sv.later_contact_resolution;
  m.max_contacts = sv.max_contacts;
  m.response_time_hours = sv.response_time_hours;
  m.impolite_probability = 1.0 - sv.courtesy;
  m.cost_per_contact = sv.cost_per_contact;
  m.compensation_ratio = sv.compensation_ratio;
  m.exp_base = sv.experience.base;
  m.exp_per_extra_contact = sv.experience.per_extra_contact;
  m.exp_per_log_wait = sv.experience.per_log_wait;
  m.exp_per_impolite_contact = sv.experience.per_impolite_contact;
  m.exp_per_compensation_ratio = sv.experience.per_compensation_ratio;

  const auto& sa = be.satisfaction;
  m.initial_mean = sa.initial_mean;
  m.initial_sd = sa.initial_sd;
  m.decay = sa.decay;
  // a subscription payment is a renewal, not an order (docs/model.md §5.3)
  m.order_delta = be.purchase.model == PurchaseModel::sbg ? sa.renewal_delta : sa.order_delta;
  m.satisfaction_noise_sd = sa.stationary ? sim::satisfaction_noise_sd(sa.initial_sd, sa.decay) : 0.0;
  m.churn_sensitivity = sa.churn_sensitivity;
  m.frequency_sensitivity = sa.frequency_sensitivity;
  m.reference = sa.reference;

  // Post-sale policies (docs/model.md §6.3).
  const auto& pol = be.policies;
  if (pol.free_returns.enabled) {
    m.return_rate = std::min(1.0, m.return_rate + pol.free_returns.extra_return_rate);
    m.hazard_multiplier *= pol.free_returns.hazard_multiplier;
  }
  if (pol.free_shipping.enabled) {
    m.shipping_cost_paid = ec.shipping_cost_per_order;
    m.frequency_multiplier *= pol.free_shipping.frequency_multiplier;
  }
  if (pol.same_day_shipping.enabled) {
    m.extra_order_cost = pol.same_day_shipping.cost_per_order;
    m.order_satisfaction_bonus = pol.same_day_shipping.satisfaction_delta;
    m.incident_probability = std::min(1.0, m.incident_probability * pol.same_day_shipping.incident_multiplier);
  }
  // Marketing contact (docs/model.md §6.4).
  const auto& mk = be.marketing;
  const double f = mk.emails_per_period;
  m.frequency_multiplier *=
      1.0 + mk.uplift_per_email * std::min(f, mk.saturation_emails) * (0.5 + 0.5 * mk.personalization);
  m.hazard_multiplier *=
      1.0 + mk.fatigue_per_email * std::max(0.0, f - mk.fatigue_threshold) * (1.0 - mk.personalization);
  m.marketing_cost_per_customer = f * mk.cost_per_email;
  // Reviews (docs/model.md §6.1); a probability, so capped at 1.
  const auto& rv = be.reviews;
  m.review_p_passive = std::min(1.0, rv.probability * rv.solicitation_multiplier);
  m.review_p_detractor = std::min(1.0, rv.probability * rv.detractor_multiplier * rv.solicitation_multiplier);
  m.review_p_promoter = std::min(1.0, rv.probability * rv.promoter_multiplier * rv.solicitation_multiplier);
  // Referrals (docs/model.md §6.2).
  m.referral_promoter_rate = be.referrals.promoter_rate;
  m.referral_passive_rate = be.referrals.passive_rate;
  // Loyalty programme (docs/model.md §7).
  const auto& lo = be.loyalty;
  m.loyalty = lo.enabled;
  m.loyalty_start_period = lo.start_period;
  m.loyalty_eligible_after_orders = static_cast<unsigned>(std::max(1, lo.eligible_after_orders));
  m.loyalty_enrollment_probability = lo.enrollment_probability;
  m.loyalty_reward_cost_rate = lo.reward_rate * (1.0 - lo.breakage);
  m.loyalty_cost_per_member = lo.cost_per_member_per_period;
  m.loyalty_hazard = lo.hazard_multiplier;
  m.loyalty_frequency = lo.frequency_multiplier;
  m.loyalty_basket = lo.basket_multiplier;
  m.loyalty_satisfaction_bonus = lo.satisfaction_bonus;
  m.loyalty_referral = lo.referral_multiplier;
  if (!lo.enabled) {
    // A programme that is off (e.g. a variant that ends it) has no members' effects or
    // costs, even for customers who enrolled while it ran.
    m.loyalty_reward_cost_rate = 0.0;
    m.loyalty_cost_per_member = 0.0;
    m.loyalty_hazard = m.loyalty_frequency = m.loyalty_basket = m.loyalty_referral = 1.0;
  }
  return m;
}

}  // namespace clvsim::scenarios
