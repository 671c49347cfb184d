#pragma once
//! What one customer's orders of one period add up to (docs/model.md §3.4, §5.1-5.2, §7): the
//! order count's Poisson inversion, the incidents among the orders, each incident's contacts,
//! waits and courtesy, and the money and satisfaction of the orders. The one copy of this
//! arithmetic: the reference kernel (models/reference/kernel.cpp) and the fast kernel
//! (models/sim/kernel.cpp), its per-buyer path and its vectorised common cases, call these
//! functions, so the two kernels take the same decisions on the same random numbers.
#include "engine/rng/batch_samplers.h"
#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/rng/vmath.h"
#include "models/sim/block.h"
#include "models/sim/period.h"
#include "models/sim/segment_model.h"
#include "models/sim/service.h"

#include <cmath>
#include <cstdint>

namespace clvsim::sim {

//! Inversions of the Poisson and binomial laws run while the mean is below this (then the
//! sequential search stays short and its single-precision sums accurate); larger means use
//! the exact samplers of engine/rng/samplers.h on a stream of their own.
inline constexpr float POISSON_INVERSION_MAX_MEAN = 10.0f;

//! An Exp(1) from a word, -log u, u in (0, 1) (23 bits): the sbg_poisson clocks' initial
//! values and the order clock's restarts (docs/model.md §3.2).
[[gnu::always_inline]] inline float clock_gap(std::uint32_t w)
{
  return -rng::vmath::log_f(rng::word_uniform_f(w));
}

//! Poisson(mean) by sequential-search inversion from the uniform u (mean < 10, p0 = e^-mean),
//! in single precision; -1 when rounding left u above the whole pmf (then the caller
//! restarts from its fallback stream).
inline long poisson_inversion(float u, float mean, float p0)
{
  float p = p0;
  long k = 0;
  while (u > p) {
    u -= p;
    ++k;
    p *= mean / static_cast<float>(k);
    if (p == 0.0f) return -1;
  }
  return k;
}

//! Poisson(mean) for the orders of a customer-period: inversion of the uniform u (p0 =
//! e^-mean) when mean < 10, otherwise (or on an inversion restart) the exact sampler on the
//! customer's `orders` stream of the period.
inline std::uint32_t order_count(float u, float mean, float p0, const PeriodContext& ctx, std::uint64_t id)
{
  if (mean < POISSON_INVERSION_MAX_MEAN) {
    const long k = poisson_inversion(u, mean, p0);
    if (k >= 0) return static_cast<std::uint32_t>(k);
  }
  rng::Stream os(ctx.seed, ctx.path, id, ctx.period, rng::Purpose::orders);
  return rng::poisson(os, static_cast<double>(mean));
}

//! log(1 - q) of an incident probability q, the argument of incident_none_probability
//! (q capped at 1/2, beyond which the inversion is not used).
inline double incident_log1m_q(double q)
{
  return std::log1p(-std::min(q, 0.5));
}

//! (1 - q)^n = exp(n log(1 - q)), the probability that none of n orders has an incident.
inline double incident_none_probability(std::uint32_t n, double log1m_q)
{
  return rng::vmath::exp(static_cast<double>(n) * log1m_q);
}

//! Whether incident_count inverts u (q <= 1/2 and n q < 10) rather than sampling its stream.
inline bool incident_inverts(std::uint32_t n, double q)
{
  return q <= 0.5 && static_cast<double>(n) * q < static_cast<double>(POISSON_INVERSION_MAX_MEAN);
}

//! Binomial(n, q) incidents among n orders: inversion from u (word 2 of the customer's
//! `survival` block; BINV, as rng::binomial) when incident_inverts, otherwise (or on a
//! restart) from the incidents stream. f0 = incident_none_probability(n, log(1-q)).
inline std::uint32_t incident_count(double u, std::uint32_t n, double q, double f0, rng::Stream& service)
{
  if (!(q > 0.0) || n == 0) return 0;
  if (incident_inverts(n, q)) {
    double f = f0;
    const double r = q / (1.0 - q);
    std::uint32_t k = 0;
    bool ok = true;
    while (u > f) {
      u -= f;
      if (k == n || f == 0.0) {
        ok = false;
        break;
      }
      ++k;
      f *= r * static_cast<double>(n - k + 1) / static_cast<double>(k);
    }
    if (ok) return k;
  }
  return rng::binomial(service, n, q);
}

//! The number of incidents among a buyer's n orders: none when u <= (1-q)^n (the first step
//! of incident_count, the common case), else incident_count.
inline std::uint32_t incidents_of(double u, std::uint32_t n, double q, double f0, rng::Stream& service)
{
  if (!(q > 0.0)) return 0;
  if (u <= f0 && incident_inverts(n, q)) return 0;
  return incident_count(u, n, q, f0, service);
}

//! Value of one order before multipliers (docs/model.md §3.3).
inline double order_value(const SegmentModel& m, rng::Stream& s, float nu)
{
  switch (m.spend) {
    case models::SpendModel::gamma_gamma:
      return rng::gamma(s, m.p, nu);
    case models::SpendModel::lognormal:
      return std::exp(nu + m.sigma * rng::normal(s));
    case models::SpendModel::fixed:
      break;
  }
  return m.fixed_value;
}

//! Expected value of one order before multipliers given the spend trait nu (docs/model.md §3.3):
//! p / nu (gamma-gamma), exp(nu + sigma^2 / 2) (lognormal), the fixed value.
inline double expected_order_value(const SegmentModel& m, float nu)
{
  switch (m.spend) {
    case models::SpendModel::gamma_gamma:
      return m.p / static_cast<double>(nu);
    case models::SpendModel::lognormal:
      return std::exp(static_cast<double>(nu) + 0.5 * m.sigma * m.sigma);
    case models::SpendModel::fixed:
      break;
  }
  return m.fixed_value;
}

//! Whether the n order values of a period are accounted as one total: gamma-gamma spend,
//! whose sum is one draw Gamma(n p, nu) (exact: a sum of independent Gamma(p, nu)), or a
//! fixed value, whose sum is n times it (fixed_total), either without compensation (which
//! needs each incident order's value). With returns, the orders' return draws come first (as
//! per order) and the total is over the n - r kept orders only, as returned values are never
//! used.
inline bool aggregate_spend(const SegmentModel& m)
{
  return (m.spend == models::SpendModel::gamma_gamma || m.spend == models::SpendModel::fixed) &&
         m.compensation_ratio == 0.0;
}

//! The total of `kept` orders of a fixed value, in the single precision of a drawn total
//! (both kernels: the reference's draw_spend and the fast kernel's spend batch).
inline float fixed_total(double value, std::uint32_t kept)
{
  return static_cast<float>(value * static_cast<double>(kept));
}

//! Fulfilment cost of n orders, `returned` of them returned (docs/model.md §3.4): per order
//! the fulfilment cost, shipping when the shop pays it and the same-day surcharge
//! (`per_order`), per return its cost.
inline double fulfilment_cost(double per_order, double n, double return_cost, double returned)
{
  return per_order * n + return_cost * returned;
}

//! Contribution of a customer's orders of a period before service costs (docs/model.md
//! §3.4): gross margin on the kept revenue, less fulfilment and loyalty rewards.
inline double orders_contribution(double gross_margin, double kept, double fulfilment, double reward)
{
  return gross_margin * kept - fulfilment - reward;
}

//! Satisfaction change of n orders of which `incidents` had an incident, before the
//! incidents' own changes (docs/model.md §5.2, §6.3): the same-day bonus on every order and
//! order_delta on each order without an incident.
inline double orders_satisfaction_delta(double bonus, double order_delta, double n, double incidents)
{
  return std::fma(order_delta, n - incidents, bonus * n);
}

//! Cost of one incident (docs/model.md §5.1): its contacts and the compensation paid.
inline double incident_cost(double cost_per_contact, double contacts, double compensation)
{
  return cost_per_contact * contacts + compensation;
}

//! Expected contacts of one incident (docs/model.md §5.1): the first, then while unresolved
//! (1 - first_contact_resolution, then 1 - later_contact_resolution each) up to max_contacts.
inline double expected_contacts(const SegmentModel& m)
{
  double e = 1.0, unresolved = 1.0 - m.first_contact_resolution;
  for (int c = 2; c <= m.max_contacts; ++c) {
    e += unresolved;
    unresolved *= 1.0 - m.later_contact_resolution;
  }
  return e;
}

//! Expected contribution of one order (place_orders and incident in expectation, docs/model.md
//! §3.4, §5.1): the gross margin on its kept value less fulfilment, returns, the member's
//! reward and the expected incident cost; `basket` the growth and loyalty basket multiplier.
inline double expected_order_contribution(const SegmentModel& m, float nu, bool member, double basket)
{
  const double z = expected_order_value(m, nu) * basket;
  const double kept = (1.0 - m.return_rate) * z;
  const double fulfil =
      fulfilment_cost(m.fulfilment_cost + m.shipping_cost_paid + m.extra_order_cost, 1.0, m.return_cost, m.return_rate);
  const double reward = member ? m.loyalty_reward_cost_rate * kept : 0.0;
  const double incidents =
      m.incident_probability * incident_cost(m.cost_per_contact, expected_contacts(m), m.compensation_ratio * z);
  return orders_contribution(m.gross_margin, kept, fulfil, reward) - incidents;
}

//! The cost lines of n orders, `returned` of them returned (docs/model.md §3.4): fulfilment
//! and the same-day surcharge, shipping when the shop pays it, return costs. Their sum is
//! fulfilment_cost(fulfilment + shipping + surcharge, n, return_cost, returned).
struct FulfilmentLines {
  double fulfilment, shipping, returns;
};
inline FulfilmentLines fulfilment_lines(const SegmentModel& m, double n, double returned)
{
  return {(m.fulfilment_cost + m.extra_order_cost) * n, m.shipping_cost_paid * n, m.return_cost * returned};
}

//! Everything the orders of one customer in one period add up to.
struct OrderSums {
  double revenue = 0, revenue_repeat = 0, contribution = 0;
  double cost_service = 0, cost_compensation = 0;  //!< contacts; compensation paid
  double cost_fulfilment = 0, cost_shipping = 0,
         cost_returns = 0;  //!< per order (with the same-day surcharge); shipping the shop pays; returns
  double cost_loyalty = 0, incidents = 0, contacts = 0, delta_sat = 0;
};

//! Adds the cost lines of n orders (fulfilment_lines) to o.
inline void add_fulfilment(const SegmentModel& m, double n, double returned, OrderSums& o)
{
  const FulfilmentLines f = fulfilment_lines(m, n, returned);
  o.cost_fulfilment += f.fulfilment;
  o.cost_shipping += f.shipping;
  o.cost_returns += f.returns;
}

//! One incident (docs/model.md §5.1-5.2): contacts until one resolves it; the last allowed
//! contact escalates and always resolves it. Each waits Exponential(mean response time),
//! each may be rude. Adds its cost and satisfaction change to `o`; `z` is the order's value.
//! Draws from the incidents stream: a resolution uniform per contact, then per contact its
//! wait and (when contacts can be impolite) its courtesy.
inline void incident(const SegmentModel& m, rng::Stream& service, double z, OrderSums& o)
{
  int contacts = 1;
  bool resolved = rng::bernoulli(service, m.first_contact_resolution);
  while (!resolved && contacts < m.max_contacts) {
    ++contacts;
    resolved = rng::bernoulli(service, m.later_contact_resolution);
  }
  double wait_hours = 0;
  int impolite = 0;
  for (int c = 0; c < contacts; ++c) {
    // Exponential(mean response time) by inversion, one rounding
    wait_hours = std::fma(m.response_time_hours, -rng::vmath::log(service.uniform()), wait_hours);
    if (m.impolite_probability > 0 && rng::bernoulli(service, m.impolite_probability)) ++impolite;
  }
  const double compensation = m.compensation_ratio * z;
  const double service_cost = incident_cost(m.cost_per_contact, contacts, compensation);
  o.incidents += 1;
  o.contacts += contacts;
  o.cost_service += m.cost_per_contact * contacts;
  o.cost_compensation += compensation;
  o.contribution -= service_cost;
  o.delta_sat += experience_delta(m.exp_base, m.exp_per_extra_contact, m.exp_per_log_wait, m.exp_per_impolite_contact,
                                  m.exp_per_compensation_ratio, static_cast<double>(contacts), wait_hours,
                                  static_cast<double>(impolite), m.compensation_ratio);
}

//! `n` orders of one customer with `k_inc` incidents among them (the first is the
//! acquisition order when `first_is_acquisition`), with the basket multiplier of growth and
//! loyalty. With aggregate spend, `total` is the sum of the kept values, `returned` the
//! number of returned orders and `first` the acquisition order's share of the total;
//! otherwise values (and returns) are drawn here, one per order, from the customer's
//! order_values and returns streams of the period (docs/model.md §3.4, §5.1-5.2, §7).
inline void place_orders(const SegmentModel& m, const PeriodContext& ctx, std::uint64_t id, unsigned n, unsigned k_inc,
                         bool first_is_acquisition, double basket_multiplier, bool member, float nu, bool aggregate,
                         double total, double first, unsigned returned, rng::Stream& service, OrderSums& o)
{
  const double per_order_fulfil = m.fulfilment_cost + m.shipping_cost_paid + m.extra_order_cost;
  if (aggregate) {
    const double kept = total * basket_multiplier;
    o.revenue += kept;
    o.revenue_repeat += first_is_acquisition ? (total - first) * basket_multiplier : kept;
    const double fulfil = fulfilment_cost(per_order_fulfil, n, m.return_cost, returned);
    const double reward = member ? m.loyalty_reward_cost_rate * kept : 0.0;
    add_fulfilment(m, n, returned, o);
    o.cost_loyalty += reward;
    o.contribution += orders_contribution(m.gross_margin, kept, fulfil, reward);
    o.delta_sat += orders_satisfaction_delta(m.order_satisfaction_bonus, m.order_delta, n, k_inc);
    for (unsigned k = 0; k < k_inc; ++k) incident(m, service, 0.0, o);
    return;
  }
  o.delta_sat += m.order_satisfaction_bonus * n;
  rng::Stream values(ctx.seed, ctx.path, id, ctx.period, rng::Purpose::order_values);
  rng::Stream returns(ctx.seed, ctx.path, id, ctx.period, rng::Purpose::returns);
  for (unsigned k = 0; k < n; ++k) {
    const double z = order_value(m, values, nu) * basket_multiplier;
    const bool is_returned = m.return_rate > 0 && rng::bernoulli(returns, m.return_rate);
    const double kept = is_returned ? 0.0 : z;
    o.revenue += kept;
    if (!(first_is_acquisition && k == 0)) o.revenue_repeat += kept;
    const double fulfil = fulfilment_cost(per_order_fulfil, 1.0, m.return_cost, is_returned ? 1.0 : 0.0);
    // Loyalty rewards on kept member orders, net of breakage (docs/model.md §7).
    const double reward = member ? m.loyalty_reward_cost_rate * kept : 0.0;
    add_fulfilment(m, 1.0, is_returned ? 1.0 : 0.0, o);
    o.cost_loyalty += reward;
    o.contribution += orders_contribution(m.gross_margin, kept, fulfil, reward);
    if (k < k_inc)
      incident(m, service, z, o);
    else
      o.delta_sat += m.order_delta;
  }
}

//! A buyer's order values of a period when they are drawn as totals (aggregate_spend):
//! the kept orders' total, the acquisition order's share of it and the returned orders.
struct Spend {
  bool aggregate = false;  //!< false: place_orders draws the values one per order
  double total = 0, first = 0;
  std::uint32_t returned = 0;
};

//! Whether a buyer's n order values are one total (aggregate_spend): a Gamma(n p, nu) drawn
//! with the other buyers' in a batch, or n fixed values; not an acquisition period with
//! several orders, whose first order is valued apart.
inline bool one_total(const SegmentModel& m, std::uint32_t n, bool acquisition)
{
  return aggregate_spend(m) && (m.spend == models::SpendModel::fixed || m.p > 0.0) && !(acquisition && n > 1);
}

//! The spend of an acquisition period with n > 1 orders and aggregate spend without returns:
//! the first order's value and the other n - 1 orders' total, from the order_values stream
//! (fixed values: the value and fixed_total of n); with returns the values are drawn per
//! order (Spend::aggregate false).
inline Spend spend_drawn_apart(const SegmentModel& m, const PeriodContext& ctx, std::uint64_t id, std::uint32_t n,
                               float nu)
{
  Spend sp;
  if (!aggregate_spend(m) || m.return_rate > 0) return sp;
  sp.aggregate = true;
  if (m.spend == models::SpendModel::fixed) {
    sp.first = m.fixed_value;
    sp.total = fixed_total(m.fixed_value, n);
    return sp;
  }
  rng::Stream values(ctx.seed, ctx.path, id, ctx.period, rng::Purpose::order_values);
  sp.first = rng::gamma(values, m.p, nu);
  sp.total = sp.first + rng::gamma(values, m.p * (n - 1), nu);
  return sp;
}

//! The spend of a buyer whose n values are one total (one_total): `total` of the kept ones,
//! `returned` of them returned; the acquisition order is the whole of a one-order
//! acquisition period.
inline Spend spend_as_total(double total, std::uint32_t returned, std::uint32_t n, bool acquisition)
{
  Spend sp;
  sp.aggregate = true;
  sp.total = total;
  sp.returned = returned;
  if (acquisition && n == 1) sp.first = total;
  return sp;
}

//! A buyer's n orders of a period (docs/model.md §3.4, §5.1-5.2, §7): the incidents among
//! them (incidents_of, from its incident uniform u_incident and f0 = (1-q)^n), the basket
//! multiplier of growth with tenure (periods since acquisition) and loyalty, and
//! place_orders; `service` is the customer's incidents stream of the period.
inline OrderSums account_orders(const SegmentModel& m, const PeriodContext& ctx, std::uint64_t id, std::uint32_t n,
                                bool acquisition, bool member, std::uint32_t tenure, float nu, double u_incident,
                                double f0, const Spend& sp, rng::Stream& service)
{
  const std::uint32_t incidents = incidents_of(u_incident, n, m.incident_probability, f0, service);
  double basket =
      m.log_growth_per_period != 0.0 ? std::exp(m.log_growth_per_period * static_cast<double>(tenure)) : 1.0;
  if (member) basket *= m.loyalty_basket;
  OrderSums o;
  place_orders(m, ctx, id, n, incidents, acquisition, basket, member, nu, sp.aggregate, sp.total, sp.first, sp.returned,
               service, o);
  return o;
}

//! The loyalty programme's one offer to a customer (docs/model.md §7): in the period of its
//! eligible order, when it is no member yet and was never offered; it joins with the
//! enrolment probability (the loyalty stream). Returns its new flags (OFFERED, MEMBER) and
//! adds the joining bonus to `delta_sat`.
inline std::uint8_t loyalty_offer(const SegmentModel& m, std::uint8_t flags, std::uint32_t orders_so_far,
                                  const PeriodContext& ctx, std::uint64_t id, double& delta_sat)
{
  if (!m.loyalty || (flags & MEMBER) || (flags & OFFERED) || static_cast<int>(ctx.period) < m.loyalty_start_period ||
      orders_so_far < m.loyalty_eligible_after_orders)
    return flags;
  std::uint8_t now = static_cast<std::uint8_t>(flags | OFFERED);
  rng::Stream offer(ctx.seed, ctx.path, id, ctx.period, rng::Purpose::loyalty);
  if (rng::bernoulli(offer, m.loyalty_enrollment_probability)) {
    now = static_cast<std::uint8_t>(now | MEMBER);
    delta_sat += m.loyalty_satisfaction_bonus;
  }
  return now;
}

//! Adds a buyer's orders of a period to its segment's tallies (gross margin apart: see the kernels).
inline void tally_orders(TallyRow& t, const OrderSums& o, std::uint32_t n, bool acquisition)
{
  t[T_ORDERS] += n;
  t[T_ORDERS_REPEAT] += n - (acquisition ? 1 : 0);
  t[T_REVENUE] += o.revenue;
  t[T_REVENUE_REPEAT] += o.revenue_repeat;
  t[T_COST_SERVICE] += o.cost_service;
  t[T_COST_COMPENSATION] += o.cost_compensation;
  t[T_COST_FULFILMENT] += o.cost_fulfilment;
  t[T_COST_SHIPPING] += o.cost_shipping;
  t[T_COST_RETURNS] += o.cost_returns;
  t[T_COST_LOYALTY] += o.cost_loyalty;
  t[T_INCIDENTS] += o.incidents;
  t[T_CONTACTS] += o.contacts;
}

}  // namespace clvsim::sim
