#pragma once
//! BG/NBD closed forms: Fader, Hardie & Lee (2005), "'Counting your customers' the easy
//! way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284 (FHL).
//! While active, repeat purchases are Poisson(lambda), lambda ~ Gamma(r, alpha) (shape r,
//! rate alpha); after each repeat purchase the customer drops out with probability p,
//! p ~ Beta(a, b). A customer is summarised by x repeat purchases, the time t_x of the
//! last one and the length T of the observation period (all in the model's time unit).

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

namespace clvsim::models::bg_nbd {

//! BG/NBD parameters: r, alpha (Gamma shape, rate of lambda), a, b (Beta of p). All > 0.
struct Params {
  double r, alpha, a, b;
};

//! ln L(r, alpha, a, b | x, t_x, T), FHL (2005) eq. (6):
//!   L = A1 A2 (A3 + [x > 0] A4),
//!   A1 = Gamma(r+x) alpha^r / Gamma(r),  A2 = B(a, b+x) / B(a, b),
//!   A3 = (alpha+T)^{-(r+x)},  A4 = a/(b+x-1) (alpha+t_x)^{-(r+x)},
//! evaluated with lgamma and a log-sum-exp, so it is finite for any x and T.
//! Needs x >= 0 and 0 <= t_x <= T (t_x is ignored when x = 0).
double log_likelihood(const Params& params, double x, double t_x, double T);

//! E[X(t)], expected repeat purchases in (0, t] of a new customer, FHL (2005) eq. (7):
//!   E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
//! Evaluated after Euler's transformation (A&S 15.3.3), which gives with z = t/(alpha+t),
//! c = a+b-1, L = ln(1-z):
//!   E[X(t)] = c [ -(e^{(a-1)L} - 1)/(a-1) - (1-z)^{a-1} (c-r) z / c 3F2(c-r+1, a, 1; c+1, 2; z) ],
//! finite and smooth through a = 1 (where eq. (7) is 0/0). For z > 1 - 1e-5 (t beyond about
//! 1e5 alpha) it integrates E[X(t) | lambda, p] = (1 - e^{-lambda p t})/p instead:
//!   E[X(t)] = int_0^1 (1 - (alpha/(alpha+p t))^r)/p Beta(p; a, b) dp.
double expected_repeat(const Params& params, double t);

//! P(alive | x, t_x, T), FHL (2005) section 4 and Fader, Hardie & Lee (2008) note
//! "Computing P(alive) using the BG/NBD model":
//!   P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^{r+x}).
double p_alive(const Params& params, double x, double t_x, double T);

//! E[Y(t) | x, t_x, T], expected purchases in (T, T+t], FHL (2005) eq. (10):
//!   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^{r+x} 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
//!   / (1 + [x > 0] a/(b+x-1) ((alpha+t_x)/(alpha+T))^{-(r+x)}),
//! computed as p_alive(x, t_x, T) * expected_repeat({r+x, alpha+T, a, b+x}, t), which is the
//! same expression (the posterior given alive is lambda ~ Gamma(r+x, alpha+T), p ~ Beta(a, b+x)).
double conditional_expected(const Params& params, double t, double x, double t_x, double T);

//! P(X(t) = x), FHL (2005) eq. (8):
//!   B(a, b+x)/B(a, b) Gamma(r+x)/(Gamma(r) x!) (alpha/(alpha+t))^r (t/(alpha+t))^x
//!   + [x > 0] B(a+1, b+x-1)/B(a, b) [1 - (alpha/(alpha+t))^r sum_{j<x} Gamma(r+j)/(Gamma(r) j!) (t/(alpha+t))^j],
//! where the bracket, the upper tail P(N >= x) of a negative binomial, is the regularised
//! incomplete beta I_{t/(alpha+t)}(x, r) (no cancellation). x must be a non-negative integer.
double prob_x(const Params& params, double x, double t);

}  // namespace clvsim::models::bg_nbd

namespace clvsim::models {

//! The BG/NBD purchase model in the simulation (docs/model.md §3.2; models/purchase/model.h).
struct BgNbd {
  static constexpr PurchaseModel kind = PurchaseModel::bg_nbd;
  static constexpr OrderTrait order_trait = OrderTrait::rate;
  static constexpr ChurnTrait churn_trait = ChurnTrait::dropout_probability;
  static constexpr HistoryColumns history = HistoryColumns::frequency;

  //! lambda ~ Gamma(r, alpha / k) per period, p ~ Beta(a, b).
  static void resolve(const PurchaseParams& p, double k, sim::SegmentModel& m)
  {
    m.r = p.r;
    m.lambda_rate = p.alpha / k;
    m.a = p.a;
    m.b = p.b;
  }

  //! Repeat orders arrive as a Poisson process with rate lambda x frequency over the whole
  //! period (exact in continuous time: a new customer's first order is at the start of its
  //! period); word 1 inverts their count. After each repeat order the customer drops out with
  //! probability p' = 1 - (1 - p)^hazard: the index of the first dropout is geometric, by
  //! inversion of word 0, and the orders placed are min(arrivals, that index).
  static Survival step(const StepInput& in, Clocks&, std::uint32_t w0, std::uint32_t w1, const sim::PeriodContext& ctx,
                       std::uint64_t id)
  {
    const float u = rng::word_uniform_f(w1);
    const std::uint32_t arrivals = u <= in.p0 ? 0u : sim::order_count(u, in.lambda * in.frequency, in.p0, ctx, id);
    std::uint32_t repeat = arrivals;
    State state = State::alive;
    if (arrivals > 0) {
      const double p = in.churn, h = in.hazard;
      const double p_eff = h == 1.0 ? p : -std::expm1(h * std::log1p(-p));
      std::uint32_t until_dropout = 1;
      if (p_eff < 1.0) {  // geometric by inversion, as rng::geometric
        const double k = std::floor(-rng::vmath::log(rng::word_uniform(w0)) / -std::log1p(-p_eff));
        until_dropout = k >= 4294967294.0 ? 4294967295u : static_cast<std::uint32_t>(k) + 1u;
      }
      if (until_dropout <= arrivals) {
        repeat = until_dropout;
        state = State::dropping_out;
      }
    }
    return {state, repeat + (in.acquisition ? 1u : 0u)};
  }

  //! Given alive, lambda | x, T ~ Gamma(r + x, alpha + T) and p | x ~ Beta(a, b + x) (FHL
  //! 2005 section 4), rates converted to periods; drawn from the customer's history stream.
  static void posterior(rng::Stream& s, const sim::SegmentModel& m, const CustomerHistory& h, float& lambda,
                        float& churn)
  {
    lambda =
        static_cast<float>(rng::gamma(s, m.r + h.x, (m.lambda_rate * m.period_in_units + h.T) / m.period_in_units));
    churn = static_cast<float>(rng::beta(s, m.a, m.b + h.x));
  }

  //! P(alive) (FHL 2008 note) and E[Y(horizon) | x, t_x, T] (FHL 2005 eq. 10).
  static HistoryForecast forecast(const PurchaseParams& p, const CustomerHistory& h, double horizon_units, int)
  {
    const bg_nbd::Params prm{p.r, p.alpha, p.a, p.b};
    return {bg_nbd::p_alive(prm, h.x, h.t_x, h.T), bg_nbd::conditional_expected(prm, horizon_units, h.x, h.t_x, h.T)};
  }
};

}  // namespace clvsim::models
