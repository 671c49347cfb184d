#pragma once
//! sBG/Poisson: contractual-style survival (sBG, Fader & Hardie 2007) with Poisson orders in
//! each period the customer survives (docs/model.md §3.2): theta ~ Beta(a, b), lambda ~ Gamma(r, alpha).
//! The customer places its acquisition order in period 0; in each later period it first
//! survives with probability 1 - theta, then places n ~ Poisson(lambda) orders.

#include "engine/rng/batch_samplers.h"
#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/rng/vmath.h"
#include "models/purchase/model.h"
#include "models/sim/orders.h"
#include "models/sim/period.h"
#include "models/sim/segment_model.h"

#include <cmath>
#include <cstdint>

namespace clvsim::models::sbg_poisson {

//! sBG/Poisson parameters: a, b (Beta of theta), r, alpha (Gamma shape, rate of lambda per period).
struct Params {
  double a, b, r, alpha;
};

//! Expected orders of a new customer over its first `periods` periods (0 .. periods-1):
//!   1 + (r/alpha) sum_{t=1}^{periods-1} S(t),  S(t) = B(a, b+t)/B(a, b)  (F&H 2007 eq. (3)),
//! since lambda and theta are independent and E[lambda] = r/alpha. 0 for periods <= 0.
double expected_orders(const Params& params, int periods);

}  // namespace clvsim::models::sbg_poisson

namespace clvsim::models {

//! The sBG/Poisson model in the simulation (docs/model.md §3.2; models/purchase/model.h).
//! Each customer runs on two clocks drawn once (sim::draw_clocks): a survival clock, the
//! Exp(1) hazard budget left before it churns, and an order clock, the rate-time left to its
//! next order; each period they run down by the period's hazard -hazard log(1 - theta) and
//! order rate lambda x frequency. Exact for rates fixed within a period, and a period
//! without an order or a churn needs no random number.
struct SbgPoisson {
  static constexpr PurchaseModel kind = PurchaseModel::sbg_poisson;
  static constexpr OrderTrait order_trait = OrderTrait::rate;
  static constexpr ChurnTrait churn_trait = ChurnTrait::log_keep;
  static constexpr HistoryColumns history = HistoryColumns::none;

  //! lambda ~ Gamma(r, alpha / k) per period, theta ~ Beta(a, b) (time unit = period).
  static void resolve(const PurchaseParams& p, double k, sim::SegmentModel& m)
  {
    m.r = p.r;
    m.lambda_rate = p.alpha / k;
    m.a = p.a;
    m.b = p.b;
  }

  //! The clocks after a period (not the acquisition period, where they stand): whether the
  //! customer is still alive (its survival clock above 0) and orders (its order clock at or
  //! below 0). Single precision, branch-free: the fast kernel runs it 16 lanes at a time.
  struct ClockRun {
    float survival_left, order_left;
    int alive, buys;
  };
  [[gnu::always_inline]] static ClockRun run_clocks(float survival_clock, float order_clock, float hazard,
                                                    float log_keep, float rate)
  {
    const float survival_left = survival_clock + hazard * log_keep;  // log_keep = log(1 - theta) <= 0
    const float order_left = order_clock - rate;
    const int alive = int(survival_left > 0.0f);
    return {survival_left, order_left, alive, alive & int(order_left <= 0.0f)};
  }

  //! The clocks run down; a buyer places 1 + Poisson(the rate-time left after its first
  //! arrival) orders, word 0 inverting the count, and its order clock restarts at a fresh
  //! Exp(1) from word 1. In its acquisition period the customer places the acquisition order
  //! and its clocks stand.
  static Survival step(const StepInput& in, Clocks& clocks, std::uint32_t w0, std::uint32_t w1,
                       const sim::PeriodContext& ctx, std::uint64_t id)
  {
    if (in.acquisition) return {State::alive, 1};
    const ClockRun run = run_clocks(clocks.survival, clocks.order, in.hazard, in.churn, in.lambda * in.frequency);
    clocks.survival = run.survival_left;
    clocks.order = run.order_left;
    if (!run.alive) return {State::churned, 0};
    if (!run.buys) return {State::alive, 0};
    const float left = -run.order_left;
    const std::uint32_t later = sim::order_count(rng::word_uniform_f(w0), left, rng::vmath::exp_f(-left), ctx, id);
    clocks.order = sim::clock_gap(w1);
    return {State::alive, 1 + later};
  }

  //! No posterior for histories (the loader refuses population.history with sbg_poisson).
  static void posterior(rng::Stream&, const sim::SegmentModel&, const CustomerHistory&, float&, float&) {}

  //! No closed forms for existing customers.
  static HistoryForecast forecast(const PurchaseParams&, const CustomerHistory&, double, int) { return {}; }
};

}  // namespace clvsim::models
