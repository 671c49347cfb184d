#include "models/reference/kernel.h"

#include "engine/rng/batch_samplers.h"
#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/rng/vmath.h"
#include "models/purchase/registry.h"
#include "models/sim/orders.h"
#include "models/sim/service.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace clvsim::reference {

using models::State;
using models::Survival;
using rng::Purpose;
using rng::Stream;
using sim::Block;
using sim::LiveState;
using sim::PeriodContext;
using sim::SegmentModel;
using sim::TallyRow;

namespace {

//! One live customer of a block in one period: where its state is, who it is, and what the
//! period's parameters are for its segment.
struct Customer {
  Block& block;
  std::size_t lane;  //!< index in block.live
  std::uint64_t id;
  const SegmentModel& m;
  TallyRow& tally;
  bool acquisition;        //!< this period is its acquisition period (it places its first order)
  bool member;             //!< a loyalty member at the start of the period
  std::uint32_t acquired;  //!< its acquisition period

  LiveState& live() const { return block.live; }
};

//! Block 0 of the customer's `survival` stream of the period: the words that decide survival
//! and orders (which word does what depends on the purchase model, docs/model.md §10), and
//! word 2, the uniform that decides whether its orders have incidents.
std::array<std::uint32_t, 4> survival_words(const PeriodContext& ctx, std::uint64_t id)
{
  Stream s(ctx.seed, ctx.path, id, ctx.period, Purpose::survival);
  return {s.next_u32(), s.next_u32(), s.next_u32(), s.next_u32()};
}

//! Step 1: the hazard and frequency multipliers from satisfaction at the end of the last
//! period, policies, marketing and loyalty (docs/model.md §3.2, §5.3), in single precision.
struct Multipliers {
  float hazard = 1.0f, frequency = 1.0f;
};

Multipliers multipliers_of(const Customer& c)
{
  const SegmentModel& m = c.m;
  const float s = c.live().sat[c.lane];
  const float one = 1.0f;
  return {sim::hazard_multiplier<float>(static_cast<float>(m.churn_sensitivity), static_cast<float>(m.reference), s,
                                        static_cast<float>(m.hazard_multiplier),
                                        c.member ? static_cast<float>(m.loyalty_hazard) : one),
          sim::frequency_multiplier<float>(static_cast<float>(m.frequency_sensitivity), static_cast<float>(m.reference),
                                           s, static_cast<float>(m.frequency_multiplier),
                                           c.member ? static_cast<float>(m.loyalty_frequency) : one)};
}

//! Step 2: survival and orders, by the purchase model (models/purchase/registry.h), from
//! words 0 and 1 of the customer's survival block; models with clocks run them down.
Survival survive(const Customer& c, const Multipliers& mu, const std::array<std::uint32_t, 4>& w,
                 const PeriodContext& ctx)
{
  LiveState& L = c.live();
  const std::size_t i = c.lane;
  models::StepInput in;
  in.lambda = L.lambda[i];
  in.churn = L.churn[i];
  in.hazard = mu.hazard;
  in.frequency = mu.frequency;
  in.p0 = rng::vmath::exp_f(-(in.lambda * in.frequency));
  in.acquisition = c.acquisition;
  models::Clocks clocks{L.sclock[i], L.oclock[i]};
  const Survival s = models::visit_purchase_model(
      c.m.model, [&](auto model) { return decltype(model)::step(in, clocks, w[0], w[1], ctx, c.id); });
  L.sclock[i] = clocks.survival;
  L.oclock[i] = clocks.order;
  return s;
}

//! Step 2's tallies: customers active in the period, churned at its start, and the ordering
//! of loyal (kpi.loyal_min_orders or more orders before) and one-time customers at risk.
void tally_survival(const Customer& c, const Survival& s, std::uint32_t prior_orders, const PeriodContext& ctx)
{
  const bool alive = s.state != State::churned;
  c.tally[sim::T_ACTIVE] += alive ? 1.0 : 0.0;
  c.tally[sim::T_CHURNED] += alive ? 0.0 : 1.0;
  if (c.acquisition) return;
  const double ordered = alive && s.orders > 0 ? 1.0 : 0.0;
  if (prior_orders >= static_cast<std::uint32_t>(ctx.loyal_min_orders)) {
    c.tally[sim::T_LOYAL_AT_RISK] += 1;
    c.tally[sim::T_LOYAL_ORDERED] += ordered;
  } else if (prior_orders == 1) {
    c.tally[sim::T_ONETIME_AT_RISK] += 1;
    c.tally[sim::T_ONETIME_ORDERED] += ordered;
  }
}

//! Step 3: the costs of an active customer-period (marketing e-mails, loyalty membership;
//! docs/model.md §6.4, §7), charged to its CLV.
void period_costs(const Customer& c, const PeriodContext& ctx)
{
  const double marketing = c.m.marketing_cost_per_customer;
  const double membership = c.member ? c.m.loyalty_cost_per_member : 0.0;
  const double cost = marketing + membership;
  if (cost == 0.0) return;
  c.tally[sim::T_COST_MARKETING] += marketing;
  c.tally[sim::T_COST_LOYALTY] += membership;
  c.live().clv[c.lane] -= static_cast<float>(ctx.discount[ctx.period - c.acquired] * cost);
}

//! A buyer's order values when they are totals (sim::one_total): the returned orders first
//! (one Bernoulli per order from the returns stream), then the kept orders' total
//! Gamma((n - returned) p, 1) / nu from the order_values stream (fixed values:
//! sim::fixed_total of the kept orders); an acquisition period with
//! more than one order values its first order apart (sim::spend_drawn_apart).
sim::Spend draw_spend(const Customer& c, std::uint32_t n, const PeriodContext& ctx)
{
  const SegmentModel& m = c.m;
  const float nu = c.live().nu[c.lane];
  if (!sim::one_total(m, n, c.acquisition)) return sim::spend_drawn_apart(m, ctx, c.id, n, nu);
  std::uint32_t returned = 0;
  if (m.return_rate > 0) {
    Stream returns(ctx.seed, ctx.path, c.id, ctx.period, Purpose::returns);
    for (std::uint32_t k = 0; k < n; ++k) returned += rng::bernoulli(returns, m.return_rate) ? 1u : 0u;
  }
  if (m.spend == models::SpendModel::fixed)
    return sim::spend_as_total(sim::fixed_total(m.fixed_value, n - returned), returned, n, c.acquisition);
  const float shape = static_cast<float>(m.p * (n - returned));
  const float total = rng::gamma_f(ctx.seed, ctx.path, c.id, ctx.period, Purpose::order_values, shape) / nu;
  return sim::spend_as_total(total, returned, n, c.acquisition);
}

//! Step 4: a buyer's n orders: values, returns, incidents (word 2 of its survival block),
//! contacts, costs and satisfaction (sim::account_orders), then its loyalty offer. Returns
//! the period's satisfaction change.
float place_orders(const Customer& c, std::uint32_t n, std::uint32_t incident_word, const PeriodContext& ctx)
{
  const SegmentModel& m = c.m;
  LiveState& L = c.live();
  const std::size_t i = c.lane;
  const sim::Spend sp = draw_spend(c, n, ctx);
  Stream service(ctx.seed, ctx.path, c.id, ctx.period, Purpose::incidents);
  const double f0 = sim::incident_none_probability(n, sim::incident_log1m_q(m.incident_probability));
  const sim::OrderSums o = sim::account_orders(m, ctx, c.id, n, c.acquisition, c.member, ctx.period - c.acquired,
                                               L.nu[i], rng::word_uniform(incident_word), f0, sp, service);
  sim::tally_orders(c.tally, o, n, c.acquisition);
  c.tally[sim::T_GROSS_MARGIN] += m.gross_margin * o.revenue;
  L.orders[i] += n;
  L.revenue[i] += static_cast<float>(o.revenue);
  L.clv[i] += static_cast<float>(ctx.discount[ctx.period - c.acquired] * o.contribution);
  double delta = o.delta_sat;
  const std::uint8_t flags = L.flags(i);
  const std::uint8_t now = sim::loyalty_offer(m, flags, L.orders[i], ctx, c.id, delta);
  if (now != flags) {
    L.set_flags(i, now);
    c.block.flags[L.slot[i]] = now;
  }
  return static_cast<float>(delta);
}

//! Step 5: the reviews of the period's n orders, one Bernoulli per order from the reviews
//! stream with the probability of the NPS category the customer ends the period in, each
//! with stars clamp(round(S / 2), 1, 5) (docs/model.md §6.1).
void write_reviews(const Customer& c, std::uint32_t n, float s, const PeriodContext& ctx)
{
  const double p = sim::review_probability(s, c.m.review_p_promoter, c.m.review_p_passive, c.m.review_p_detractor);
  if (!(p > 0) || n == 0) return;
  Stream reviews(ctx.seed, ctx.path, c.id, ctx.period, Purpose::reviews);
  double written = 0;
  for (std::uint32_t k = 0; k < n; ++k) written += rng::bernoulli(reviews, p) ? 1.0 : 0.0;
  const double stars = sim::review_stars(s);
  c.tally[sim::T_REVIEWS] += written;
  c.tally[sim::T_STARS] += written * stars;
  c.tally[sim::T_REVIEWS_NEGATIVE] += stars <= 2 ? written : 0.0;
}

//! Step 5: the customer's satisfaction at the end of the period, its reviews, and, if it
//! stays, its NPS category and the referrals it will bring next period (docs/model.md §5.3,
//! §6.1-6.2); a customer dropping out leaves.
void end_period(const Customer& c, const Survival& s, float delta, const PeriodContext& ctx)
{
  const SegmentModel& m = c.m;
  LiveState& L = c.live();
  const std::size_t i = c.lane;
  // the innovation: noise_sd x a standard normal from the customer's satisfaction_noise stream
  const float innovation = m.satisfaction_noise_sd > 0
                               ? static_cast<float>(m.satisfaction_noise_sd) *
                                     rng::normal_f(ctx.seed, ctx.path, c.id, ctx.period, Purpose::satisfaction_noise)
                               : 0.0f;
  const float sat = sim::update_satisfaction<float>(L.sat[i], delta, static_cast<float>(m.initial_mean),
                                                    static_cast<float>(1.0 - m.decay), innovation);
  L.sat[i] = sat;
  write_reviews(c, s.orders, sat, ctx);
  if (s.state == State::dropping_out) {
    c.tally[sim::T_CHURNED] += 1;
    return;
  }
  const bool member = (L.flags(i) & sim::MEMBER) != 0;
  c.tally[sim::T_ALIVE_END] += 1;
  c.tally[sim::T_MEMBERS] += member ? 1.0 : 0.0;
  const int category = sim::nps_category(sat);
  c.tally[sim::T_PROMOTERS] += category > 0 ? 1.0 : 0.0;
  c.tally[sim::T_PASSIVES] += category == 0 ? 1.0 : 0.0;
  c.tally[sim::T_DETRACTORS] += category < 0 ? 1.0 : 0.0;
  const double rate = category > 0 ? m.referral_promoter_rate : (category == 0 ? m.referral_passive_rate : 0.0);
  if (rate > 0) c.tally[sim::T_REFERRAL_RATE] += rate * (member ? m.loyalty_referral : 1.0);
}

//! Step 6: a customer who left (churned or dropped out) is marked so, and its order count,
//! CLV and revenue go to the block's public arrays.
void leave(Block& b, std::size_t i)
{
  LiveState& L = b.live;
  const std::uint8_t flags = static_cast<std::uint8_t>(L.flags(i) & ~sim::ALIVE);
  L.set_flags(i, flags);
  const std::uint32_t slot = L.slot[i];
  b.flags[slot] = flags;
  b.n_orders[slot] = L.orders[i];
  b.clv[slot] = L.clv[i];
  b.revenue[slot] = L.revenue[i];
}

//! One period of one customer: steps 1 to 5. Returns whether it leaves the live state.
bool simulate_customer(const Customer& c, const PeriodContext& ctx)
{
  const std::uint32_t prior_orders = c.live().orders[c.lane];
  const std::array<std::uint32_t, 4> words = survival_words(ctx, c.id);
  const Multipliers mu = multipliers_of(c);
  const Survival s = survive(c, mu, words, ctx);
  tally_survival(c, s, prior_orders, ctx);
  if (s.state == State::churned) return true;
  period_costs(c, ctx);
  const float delta = s.orders > 0 ? place_orders(c, s.orders, words[2], ctx) : 0.0f;
  end_period(c, s, delta, ctx);
  return s.state == State::dropping_out;
}

}  // namespace

void simulate_period(Block& block, const PeriodContext& ctx, std::span<TallyRow> tallies)
{
  LiveState& L = block.live;
  std::vector<std::uint32_t> leaving;
  for (std::size_t i = 0; i < L.size(); ++i) {
    const std::uint32_t meta = L.meta[i];
    const std::uint32_t segment = LiveState::segment_of(meta);
    const std::uint8_t flags = LiveState::flags_of(meta);
    const std::uint32_t acquired = LiveState::acq_of(meta);
    const Customer c{block,
                     i,
                     L.id_lo[i] | (static_cast<std::uint64_t>(L.id_hi[i]) << 32),
                     ctx.segments[segment],
                     tallies[segment],
                     acquired == ctx.period && !(flags & sim::EXISTING),
                     (flags & sim::MEMBER) != 0,
                     acquired};
    if (simulate_customer(c, ctx)) {
      leave(block, i);
      leaving.push_back(static_cast<std::uint32_t>(i));
    }
  }
  L.fill_holes(leaving);
}

}  // namespace clvsim::reference
