#include "models/sim/kernel.h"

#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "models/sim/service.h"

#include <algorithm>
#include <cmath>

namespace clvsim::sim {

using rng::Purpose;
using rng::Stream;
using scenarios::PurchaseModel;
using scenarios::SpendModel;

void draw_traits(const SegmentModel& m, std::uint64_t seed, std::uint32_t path, std::uint64_t id,
                 float& lambda, float& churn, float& nu, float& sat)
{
  Stream s(seed, path, id, 0, Purpose::traits);
  // Draw order is fixed per model: rate trait, churn trait, spend trait.
  double lam = 0, ch = 0;
  switch (m.model) {
  case PurchaseModel::sbg_poisson:
    lam = rng::gamma(s, m.r, m.lambda_rate);
    ch = std::log1p(-rng::beta(s, m.a, m.b));  // log(1 - theta)
    break;
  case PurchaseModel::bg_nbd:
    lam = rng::gamma(s, m.r, m.lambda_rate);
    ch = rng::beta(s, m.a, m.b);  // p
    break;
  case PurchaseModel::pareto_nbd:
    lam = rng::gamma(s, m.r, m.lambda_rate);
    ch = rng::gamma(s, m.s, m.mu_rate);  // mu per period
    break;
  case PurchaseModel::sbg:
    ch = std::log1p(-rng::beta(s, m.a, m.b));
    break;
  }
  double v = 0;
  switch (m.spend) {
  case SpendModel::gamma_gamma: v = rng::gamma(s, m.q, m.gamma); break;
  case SpendModel::lognormal: v = m.log_median + m.customer_sigma * rng::normal(s); break;
  case SpendModel::fixed: v = 0; break;
  }
  lambda = static_cast<float>(lam);
  churn = static_cast<float>(ch);
  nu = static_cast<float>(v);
  Stream ss(seed, path, id, 0, Purpose::satisfaction);
  sat = static_cast<float>(std::clamp(m.initial_mean + m.initial_sd * rng::normal(ss), 0.0, 10.0));
}

namespace {

//! Value of one order before multipliers (SPEC §3.3).
inline double order_value(const SegmentModel& m, Stream& s, float nu)
{
  switch (m.spend) {
  case SpendModel::gamma_gamma: return rng::gamma(s, m.p, nu);
  case SpendModel::lognormal: return std::exp(nu + m.sigma * rng::normal(s));
  case SpendModel::fixed: break;
  }
  return m.fixed_value;
}

//! Everything the orders of one customer in one period add up to.
struct OrderSums {
  double revenue = 0, revenue_repeat = 0, contribution = 0, gross_margin = 0, cost_service = 0,
         cost_fulfilment = 0, cost_loyalty = 0, incidents = 0, contacts = 0, delta_sat = 0;
};

//! `n` orders of one customer (the first is the acquisition order when `first_is_acquisition`):
//! values, returns, incidents and contacts (SPEC §3.4, §5.1-5.2).
inline void place_orders(const SegmentModel& m, const PeriodContext& ctx, std::uint64_t id,
                         unsigned n, bool first_is_acquisition, double basket_multiplier,
                         bool member, float nu, OrderSums& o)
{
  Stream values(ctx.seed, ctx.path, id, ctx.period, Purpose::order_values);
  Stream returns(ctx.seed, ctx.path, id, ctx.period, Purpose::returns);
  Stream service(ctx.seed, ctx.path, id, ctx.period, Purpose::incidents);
  for (unsigned k = 0; k < n; ++k) {
    const double z = order_value(m, values, nu) * basket_multiplier;
    const bool returned = m.return_rate > 0 && rng::bernoulli(returns, m.return_rate);
    const double kept = returned ? 0.0 : z;
    o.revenue += kept;
    if (!(first_is_acquisition && k == 0)) o.revenue_repeat += kept;
    const double gm = m.gross_margin * kept;
    const double fulfil = m.fulfilment_cost + m.shipping_cost_paid + m.extra_order_cost +
                          (returned ? m.return_cost : 0.0);
    // Loyalty rewards on kept member orders, net of breakage (SPEC §7).
    const double reward = member ? m.loyalty_reward_cost_rate * kept : 0.0;
    o.gross_margin += gm;
    o.cost_fulfilment += fulfil;
    o.cost_loyalty += reward;
    o.delta_sat += m.order_satisfaction_bonus;
    double service_cost = 0;
    if (m.incident_probability > 0 && rng::bernoulli(service, m.incident_probability)) {
      // Contacts until one resolves the incident; the last allowed contact escalates and
      // always resolves it. Each waits Exponential(mean response time), each may be rude.
      int contacts = 1;
      bool resolved = rng::bernoulli(service, m.first_contact_resolution);
      while (!resolved && contacts < m.max_contacts) {
        ++contacts;
        resolved = rng::bernoulli(service, m.later_contact_resolution);
      }
      double wait_hours = 0;
      int impolite = 0;
      for (int c = 0; c < contacts; ++c) {
        wait_hours += m.response_time_hours * rng::exponential(service);
        if (m.impolite_probability > 0 && rng::bernoulli(service, m.impolite_probability))
          ++impolite;
      }
      const double compensation = m.compensation_ratio * z;
      service_cost = m.cost_per_contact * contacts + compensation;
      o.incidents += 1;
      o.contacts += contacts;
      // SPEC §5.2: how the incident feels.
      o.delta_sat += experience_delta(m.exp_base, m.exp_per_extra_contact, m.exp_per_log_wait,
                                      m.exp_per_impolite_contact, m.exp_per_compensation_ratio,
                                      contacts, wait_hours, impolite, m.compensation_ratio);
    } else {
      o.delta_sat += m.order_delta;
    }
    o.cost_service += service_cost;
    o.contribution += gm - fulfil - service_cost - reward;
  }
}

template <PurchaseModel MODEL>
void simulate_block(Block& b, const PeriodContext& ctx, std::span<TallyRow> tallies)
{
  const std::uint32_t t = ctx.period;
  const std::size_t n = b.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!(b.flags[i] & ALIVE)) continue;
    const SegmentModel& m = ctx.segments[b.segment[i]];
    TallyRow& tally = tallies[b.segment[i]];
    const std::uint64_t id = b.id[i];
    const bool acquisition = b.acq_period[i] == t && !(b.flags[i] & EXISTING);
    const double s_prev = b.sat[i];
    const bool member = (b.flags[i] & MEMBER) != 0;
    // Multipliers of SPEC §3.2: satisfaction at the end of the last period (§5.3), policies
    // and marketing (§6.3-6.4), loyalty membership (§7). Exactly 1 with no effects.
    double h = m.churn_sensitivity != 0.0 ? std::exp(m.churn_sensitivity * (m.reference - s_prev)) : 1.0;
    double mult = m.frequency_sensitivity != 0.0
                      ? std::exp(m.frequency_sensitivity * (s_prev - m.reference)) : 1.0;
    h *= m.hazard_multiplier;
    mult *= m.frequency_multiplier;
    if (member) {
      h *= m.loyalty_hazard;
      mult *= m.loyalty_frequency;
    }
    const std::uint32_t prior_orders = b.n_orders[i];

    // 1. survival (not in the acquisition period) and 2. the number of orders.
    unsigned orders = 0;
    bool drops_out = false;
    Stream surv(ctx.seed, ctx.path, id, t, Purpose::survival);
    if constexpr (MODEL == PurchaseModel::sbg_poisson || MODEL == PurchaseModel::sbg) {
      if (acquisition) {
        orders = 1;
      } else {
        // survive with probability (1-theta)^h; churn holds log(1-theta)
        if (!(surv.uniform() < std::exp(h * b.churn[i]))) {
          b.flags[i] &= static_cast<std::uint8_t>(~ALIVE);
          tally[T_CHURNED] += 1;
          // ordering probability of loyal vs one-time customers counts those at risk too
          if (prior_orders >= static_cast<std::uint32_t>(ctx.loyal_min_orders)) tally[T_LOYAL_AT_RISK] += 1;
          else if (prior_orders == 1) tally[T_ONETIME_AT_RISK] += 1;
          continue;
        }
        if constexpr (MODEL == PurchaseModel::sbg) {
          orders = 1;
        } else {
          Stream os(ctx.seed, ctx.path, id, t, Purpose::orders);
          orders = rng::poisson(os, b.lambda[i] * mult);
        }
      }
    } else if constexpr (MODEL == PurchaseModel::bg_nbd) {
      // Repeat orders arrive as a Poisson process with rate lambda*m over the whole period
      // (exact in continuous time: the acquisition is at the start of its period); after
      // each repeat order the customer drops out with probability p' = 1 - (1-p)^h. Orders
      // placed = min(arrivals, index of the first dropout).
      Stream os(ctx.seed, ctx.path, id, t, Purpose::orders);
      const unsigned arrivals = rng::poisson(os, b.lambda[i] * mult);
      unsigned repeat = arrivals;
      if (arrivals > 0) {
        const double p = b.churn[i];
        const double p_eff = h == 1.0 ? p : -std::expm1(h * std::log1p(-p));
        const unsigned until_dropout = p_eff >= 1.0 ? 1u : rng::geometric(surv, p_eff);
        if (until_dropout <= arrivals) {
          repeat = until_dropout;
          drops_out = true;
        }
      }
      orders = repeat + (acquisition ? 1u : 0u);
    } else {  // pareto_nbd
      // Exponential lifetime with rate mu*h: if it ends inside the period, orders come only
      // from the part of the period the customer was alive (memoryless, so exact).
      const double mu = b.churn[i] * h;
      double alive_fraction = 1.0;
      if (mu > 0) {
        const double death = rng::exponential(surv) / mu;  // in periods
        if (death < 1.0) {
          alive_fraction = death;
          drops_out = true;
        }
      }
      Stream os(ctx.seed, ctx.path, id, t, Purpose::orders);
      orders = rng::poisson(os, b.lambda[i] * mult * alive_fraction) + (acquisition ? 1u : 0u);
    }

    tally[T_ACTIVE] += 1;
    if (!acquisition) {
      if (prior_orders >= static_cast<std::uint32_t>(ctx.loyal_min_orders)) {
        tally[T_LOYAL_AT_RISK] += 1;
        tally[T_LOYAL_ORDERED] += orders > 0 ? 1.0 : 0.0;
      } else if (prior_orders == 1) {
        tally[T_ONETIME_AT_RISK] += 1;
        tally[T_ONETIME_ORDERED] += orders > 0 ? 1.0 : 0.0;
      }
    }

    double delta_sat = 0;
    // Per active customer-period costs: marketing emails and loyalty membership.
    const double period_cost = m.marketing_cost_per_customer + (member ? m.loyalty_cost_per_member : 0.0);
    if (period_cost != 0.0) {
      tally[T_COST_MARKETING] += m.marketing_cost_per_customer;
      tally[T_COST_LOYALTY] += member ? m.loyalty_cost_per_member : 0.0;
      b.clv[i] -= static_cast<float>(ctx.discount[t - b.acq_period[i]] * period_cost);
    }
    if (orders > 0) {
      const double tenure = static_cast<double>(t - b.acq_period[i]);
      double basket = m.log_growth_per_period != 0.0 ? std::exp(m.log_growth_per_period * tenure) : 1.0;
      if (member) basket *= m.loyalty_basket;
      OrderSums o;
      place_orders(m, ctx, id, orders, acquisition, basket, member, b.nu[i], o);
      tally[T_ORDERS] += orders;
      tally[T_ORDERS_REPEAT] += orders - (acquisition ? 1 : 0);
      tally[T_REVENUE] += o.revenue;
      tally[T_REVENUE_REPEAT] += o.revenue_repeat;
      tally[T_GROSS_MARGIN] += o.gross_margin;
      tally[T_COST_SERVICE] += o.cost_service;
      tally[T_COST_FULFILMENT] += o.cost_fulfilment;
      tally[T_COST_LOYALTY] += o.cost_loyalty;
      tally[T_INCIDENTS] += o.incidents;
      tally[T_CONTACTS] += o.contacts;
      b.n_orders[i] = prior_orders + orders;
      b.revenue[i] += static_cast<float>(o.revenue);
      b.clv[i] += static_cast<float>(ctx.discount[t - b.acq_period[i]] * o.contribution);
      delta_sat = o.delta_sat;
      // 3a. loyalty enrolment: one offer, in the period of the eligible order (SPEC §7).
      if (m.loyalty && !member && !(b.flags[i] & OFFERED) &&
          static_cast<int>(t) >= m.loyalty_start_period &&
          b.n_orders[i] >= m.loyalty_eligible_after_orders) {
        b.flags[i] |= OFFERED;
        Stream ls(ctx.seed, ctx.path, id, t, Purpose::loyalty);
        if (rng::bernoulli(ls, m.loyalty_enrollment_probability)) {
          b.flags[i] |= MEMBER;
          delta_sat += m.loyalty_satisfaction_bonus;
        }
      }
    }

    // 3. satisfaction: add the period's deltas, clamp, decay toward the initial mean.
    const double s = update_satisfaction(s_prev, delta_sat, m.initial_mean, m.decay);
    b.sat[i] = static_cast<float>(s);
    const int category = nps_category(s);

    // Reviews of this period's orders (SPEC §6.1), by the category the customer ends in.
    const double review_p = category > 0 ? m.review_p_promoter
                            : category == 0 ? m.review_p_passive : m.review_p_detractor;
    if (review_p > 0 && orders > 0) {
      Stream rs(ctx.seed, ctx.path, id, t, Purpose::reviews);
      const double stars = review_stars(s);
      for (unsigned k = 0; k < orders; ++k) {
        if (rng::bernoulli(rs, review_p)) {
          tally[T_REVIEWS] += 1;
          tally[T_STARS] += stars;
          if (stars <= 2) tally[T_REVIEWS_NEGATIVE] += 1;
        }
      }
    }

    if (drops_out) {
      b.flags[i] &= static_cast<std::uint8_t>(~ALIVE);
      tally[T_CHURNED] += 1;
      continue;
    }
    // 4. end of period: NPS category of round(S) among customers still active, and the
    // referrals this customer will bring next period (SPEC §6.2).
    const bool now_member = (b.flags[i] & MEMBER) != 0;
    tally[T_ALIVE_END] += 1;
    tally[T_SAT_SUM] += s;
    tally[T_MEMBERS] += now_member ? 1.0 : 0.0;
    double referral_rate = 0.0;
    if (category > 0) {
      tally[T_PROMOTERS] += 1;
      referral_rate = m.referral_promoter_rate;
    } else if (category == 0) {
      tally[T_PASSIVES] += 1;
      referral_rate = m.referral_passive_rate;
    } else {
      tally[T_DETRACTORS] += 1;
    }
    if (referral_rate > 0) tally[T_REFERRAL_RATE] += referral_rate * (now_member ? m.loyalty_referral : 1.0);
  }
}

}  // namespace

void simulate_period(Block& block, const PeriodContext& ctx, std::span<TallyRow> tallies)
{
  // The model is the same for every segment (segments override parameters, not the model),
  // so the hot loop is monomorphic.
  switch (ctx.segments[0].model) {
  case PurchaseModel::sbg_poisson: simulate_block<PurchaseModel::sbg_poisson>(block, ctx, tallies); break;
  case PurchaseModel::sbg: simulate_block<PurchaseModel::sbg>(block, ctx, tallies); break;
  case PurchaseModel::bg_nbd: simulate_block<PurchaseModel::bg_nbd>(block, ctx, tallies); break;
  case PurchaseModel::pareto_nbd: simulate_block<PurchaseModel::pareto_nbd>(block, ctx, tallies); break;
  }
}

}  // namespace clvsim::sim
