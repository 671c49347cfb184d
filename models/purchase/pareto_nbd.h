#pragma once
//! Pareto/NBD closed forms: Schmittlein, Morrison & Colombo (1987), "Counting your
//! customers: who are they and what will they do next?", Management Science 33(1) (SMC),
//! in the form of Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and
//! related expressions" (F&H note). While alive, purchases are Poisson(lambda),
//! lambda ~ Gamma(r, alpha); the lifetime is exponential(mu), mu ~ Gamma(s, beta) (shape,
//! rate). A customer is summarised by (x, t_x, T) as for the BG/NBD.

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

namespace clvsim::models::pareto_nbd {

//! Pareto/NBD parameters: r, alpha (Gamma of lambda), s, beta (Gamma of mu). All > 0.
struct Params {
  double r, alpha, s, beta;
};

//! ln L(r, alpha, s, beta | x, t_x, T), F&H note eqs. (19)-(22):
//!   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
//!       * [ (alpha+T)^{-(r+x)} (beta+T)^{-s} + s/(r+s+x) A0 ],
//!   A0 = F(t_x) - F(T),
//!   alpha >= beta: F(t) = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t)) / (alpha+t)^{r+s+x},
//!   alpha <  beta: F(t) = 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t)) / (beta+t)^{r+s+x}.
//! Stability: Euler's transformation 2F1(a', b'; a'+1; z) = (1-z)^{1-b'} 2F1(1, a'+1-b'; a'+1; z)
//! turns both into series 2F1(1, r+x; r+s+x+1; z) resp. 2F1(1, s+1; r+s+x+1; z) whose term
//! ratios are below z (no hump for large x); everything is in logs and the difference
//! F(t_x) - F(T) is taken as ln F(t_x) + ln(1 - e^{ln F(T) - ln F(t_x)}). When z > 0.99 the
//! series would be slow, and A0 is computed from its integral form
//!   A0 = (r+s+x) int_{t_x}^{T} (alpha+tau)^{-(r+x)} (beta+tau)^{-(s+1)} dtau
//! by adaptive Gauss-Kronrod. Needs x >= 0 and 0 <= t_x <= T.
double log_likelihood(const Params& params, double x, double t_x, double T);

//! E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^{s-1}] (SMC eq. (17); F&H note),
//! evaluated as (r beta/alpha) * (1 - e^{-(s-1) ln(1+t/beta)})/(s-1), whose s -> 1 limit
//! (r beta/alpha) ln(1 + t/beta) is reached continuously.
double expected_repeat(const Params& params, double t);

//! P(alive | x, t_x, T) = (alpha+T)^{-(r+x)} (beta+T)^{-s} / [ (alpha+T)^{-(r+x)} (beta+T)^{-s}
//!   + s/(r+s+x) A0 ]   (SMC eq. (11); F&H note eq. (24)), with A0 as in log_likelihood.
double p_alive(const Params& params, double x, double t_x, double T);

//! E[Y(t) | x, t_x, T] = (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^{s-1}]
//!   * P(alive | x, t_x, T)   (SMC eq. (22); F&H note eq. (26)),
//! i.e. p_alive * expected_repeat({r+x, alpha+T, s, beta+T}, t).
double conditional_expected(const Params& params, double t, double x, double t_x, double T);

//! ln A0 (see log_likelihood) for one customer, exposed for the fitter and the tests;
//! returns -inf when t_x == T (A0 = 0).
double log_a0(const Params& params, double x, double t_x, double T);

//! ln F(t) of log_likelihood for x repeat purchases (the Euler-transformed series), exposed so
//! that a fitter evaluates it once per distinct (x, t) rather than once per customer.
double log_f(const Params& params, double x, double t);

//! The argument z(t) of the series in log_f: (alpha-beta)/(alpha+t) if alpha >= beta, else
//! (beta-alpha)/(beta+t). log_a0 uses the integral form where z(t_x) > 0.99 (log_f is then
//! slow and not needed).
double series_argument(const Params& params, double t);

//! ln A0 from ln F(t_x) and ln F(T) (log_f), with exactly the fallbacks of log_a0 (the
//! integral form when the series argument exceeds 0.99 at t_x or when F(T)/F(t_x) > e^-0.05);
//! log_a0(p, x, t_x, T) equals log_a0_from_f(p, x, t_x, T, log_f(p, x, t_x), log_f(p, x, T)).
double log_a0_from_f(const Params& params, double x, double t_x, double T, double log_f_tx, double log_f_T);

}  // namespace clvsim::models::pareto_nbd

namespace clvsim::models {

//! The Pareto/NBD purchase model in the simulation (docs/model.md §3.2; models/purchase/model.h).
struct ParetoNbd {
  static constexpr PurchaseModel kind = PurchaseModel::pareto_nbd;
  static constexpr OrderTrait order_trait = OrderTrait::rate;
  static constexpr ChurnTrait churn_trait = ChurnTrait::death_rate;
  static constexpr HistoryColumns history = HistoryColumns::frequency;

  //! lambda ~ Gamma(r, alpha / k), mu ~ Gamma(s, beta / k) per period.
  static void resolve(const PurchaseParams& p, double k, sim::SegmentModel& m)
  {
    m.r = p.r;
    m.lambda_rate = p.alpha / k;
    m.s = p.s;
    m.mu_rate = p.beta / k;
  }

  //! An exponential lifetime with rate mu x hazard (word 0): if it ends inside the period the
  //! customer orders only in the part of it it was alive (memoryless, so exact), its Poisson
  //! count inverted from word 1.
  static Survival step(const StepInput& in, Clocks&, std::uint32_t w0, std::uint32_t w1, const sim::PeriodContext& ctx,
                       std::uint64_t id)
  {
    const double death_rate = static_cast<double>(in.churn) * in.hazard;
    double alive_fraction = 1.0;
    State state = State::alive;
    if (death_rate > 0) {
      const double death = -rng::vmath::log(rng::word_uniform(w0)) / death_rate;  // in periods
      if (death < 1.0) {
        alive_fraction = death;
        state = State::dropping_out;
      }
    }
    const float mean = static_cast<float>(in.lambda * in.frequency * alive_fraction);
    const float p0 = alive_fraction == 1.0 ? in.p0 : rng::vmath::exp_f(-mean);
    const float u = rng::word_uniform_f(w1);
    const std::uint32_t later = u <= p0 ? 0u : sim::order_count(u, mean, p0, ctx, id);
    return {state, later + (in.acquisition ? 1u : 0u)};
  }

  //! Given alive, lambda | x, T ~ Gamma(r + x, alpha + T) and mu | T ~ Gamma(s, beta + T),
  //! rates converted to periods; drawn from the customer's history stream.
  static void posterior(rng::Stream& s, const sim::SegmentModel& m, const CustomerHistory& h, float& lambda,
                        float& churn)
  {
    lambda =
        static_cast<float>(rng::gamma(s, m.r + h.x, (m.lambda_rate * m.period_in_units + h.T) / m.period_in_units));
    churn = static_cast<float>(rng::gamma(s, m.s, (m.mu_rate * m.period_in_units + h.T) / m.period_in_units));
  }

  //! P(alive) and E[Y(horizon) | x, t_x, T] (Schmittlein, Morrison & Colombo 1987).
  static HistoryForecast forecast(const PurchaseParams& p, const CustomerHistory& h, double horizon_units, int)
  {
    const pareto_nbd::Params prm{p.r, p.alpha, p.s, p.beta};
    return {pareto_nbd::p_alive(prm, h.x, h.t_x, h.T),
            pareto_nbd::conditional_expected(prm, horizon_units, h.x, h.t_x, h.T)};
  }
};

}  // namespace clvsim::models
