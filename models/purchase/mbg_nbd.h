#pragma once
//! MBG/NBD closed forms: Batislam, Denizel & Filiztekin (2007), "Empirical validation and
//! comparison of models for customer base analysis", International Journal of Research in
//! Marketing 24(3), 201-209 (BDF), with the corrected conditional expectation of Wagner &
//! Hoppe (2008), "Erratum on the MBG/NBD model", IJRM 25(3), 225-226 (W&H).
//! As the BG/NBD (models/purchase/bg_nbd.h), but the customer may also drop out right after
//! the first purchase: while active, repeat purchases are Poisson(lambda), lambda ~ Gamma(r,
//! alpha) (shape, rate); at time 0 and after each repeat purchase the customer drops out with
//! probability p, p ~ Beta(a, b). So a one-time buyer (x = 0) can be inactive, which the
//! BG/NBD rules out. A customer is summarised by (x, t_x, T) as for the BG/NBD.
//!
//! Every expression below reduces to a BG/NBD one with b shifted, which is how it is
//! evaluated (the BG/NBD forms are the stable ones of bg_nbd.h):
//!  * a new customer survives the flip at time 0 with probability b/(a+b), and then p ~ Beta(a, b+1);
//!  * an alive customer with x repeat purchases has survived x+1 flips: p ~ Beta(a, b+x+1).

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

namespace clvsim::models::mbg_nbd {

//! MBG/NBD parameters: r, alpha (Gamma shape, rate of lambda), a, b (Beta of p). All > 0.
struct Params {
  double r, alpha, a, b;
};

//! ln L(r, alpha, a, b | x, t_x, T), BDF (2007) section 2:
//!   L = A1 A2 (A3 + A4),
//!   A1 = Gamma(r+x) alpha^r / Gamma(r),   A2 = B(a, b+x+1) / B(a, b),
//!   A3 = (alpha+T)^{-(r+x)},              A4 = a/(b+x) (alpha+t_x)^{-(r+x)}   (for every x, also 0),
//! with lgamma and a log-sum-exp. Needs x >= 0 and 0 <= t_x <= T (t_x = 0 when x = 0).
double log_likelihood(const Params& params, double x, double t_x, double T);

//! E[X(t)], expected repeat purchases in (0, t] of a new customer (BDF 2007):
//!   E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]
//!           = b/(a+b) * E_BG/NBD[X(t) | r, alpha, a, b+1]
//! (the second form is what is evaluated: finite and smooth through a = 1).
double expected_repeat(const Params& params, double t);

//! P(alive | x, t_x, T), BDF (2007) appendix A, eq. (5):
//!   P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^{r+x}),
//! below 1 for one-time buyers too (x = 0, t_x = 0).
double p_alive(const Params& params, double x, double t_x, double T);

//! E[Y(t) | x, t_x, T], expected purchases in (T, T+t], W&H (2008):
//!   (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^{r+x} 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))]
//!   / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^{r+x}),
//! computed as p_alive(x, t_x, T) * E_BG/NBD[X(t) | r+x, alpha+T, a, b+x+1].
double conditional_expected(const Params& params, double t, double x, double t_x, double T);

//! P(X(t) = x) for a new customer (BDF 2007):
//!   B(a, b+x+1)/B(a, b) Gamma(r+x)/(Gamma(r) x!) (alpha/(alpha+t))^r (t/(alpha+t))^x
//!   + B(a+1, b+x)/B(a, b) P(NB(r, alpha/(alpha+t)) >= x),
//! the tail being 1 for x = 0 (dropped out at time 0) and I_{t/(alpha+t)}(x, r) otherwise.
double prob_x(const Params& params, double x, double t);

//! Discounted expected transactions of a customer with history (x, t_x, T) over the next
//! `periods` periods of `period_length` time units, each period's expected transactions
//! E[Y(k L) | .] - E[Y((k-1) L) | .] discounted by 1/(1+d)^k (the expected-transactions form
//! of lifetime value used with this model; BDF give no closed-form DERT):
//!   sum_{k=1}^{periods} (E[Y(k L)] - E[Y((k-1) L)]) / (1+d)^k.
double discounted_expected_transactions(const Params& params, double x, double t_x, double T, int periods,
                                        double period_length, double discount_rate_per_period);

}  // namespace clvsim::models::mbg_nbd

namespace clvsim::models {

//! The MBG/NBD purchase model in the simulation (docs/model.md §3.2; models/purchase/model.h):
//! the BG/NBD, except that a customer may also drop out right after its first purchase.
struct MbgNbd {
  static constexpr PurchaseModel kind = PurchaseModel::mbg_nbd;
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

  //! Repeat orders arrive as a Poisson process with rate lambda x frequency over the period
  //! (word 1 inverts their count); after each purchase, the acquisition purchase included,
  //! the customer drops out with probability p' = 1 - (1 - p)^hazard: the number of repeat
  //! purchases before the dropout is geometric from 0 in the acquisition period (from 1
  //! after it, as in the BG/NBD), by inversion of word 0.
  static Survival step(const StepInput& in, Clocks&, std::uint32_t w0, std::uint32_t w1, const sim::PeriodContext& ctx,
                       std::uint64_t id)
  {
    const float u = rng::word_uniform_f(w1);
    const std::uint32_t arrivals = u <= in.p0 ? 0u : sim::order_count(u, in.lambda * in.frequency, in.p0, ctx, id);
    std::uint32_t repeat = arrivals;
    State state = State::alive;
    if (arrivals > 0 || in.acquisition) {
      const double p = in.churn, h = in.hazard;
      const double p_eff = h == 1.0 ? p : -std::expm1(h * std::log1p(-p));
      const std::uint32_t first = in.acquisition ? 0u : 1u;  // the fewest purchases before a dropout
      std::uint32_t until_dropout = first;
      if (p_eff < 1.0) {
        const double k = std::floor(-rng::vmath::log(rng::word_uniform(w0)) / -std::log1p(-p_eff));
        until_dropout = k >= 4294967294.0 ? 4294967295u : static_cast<std::uint32_t>(k) + first;
      }
      if (until_dropout <= arrivals) {
        repeat = until_dropout;
        state = State::dropping_out;
      }
    }
    return {state, repeat + (in.acquisition ? 1u : 0u)};
  }

  //! Given alive, lambda | x, T ~ Gamma(r + x, alpha + T) and p | x ~ Beta(a, b + x + 1)
  //! (Batislam, Denizel & Filiztekin 2007), rates converted to periods.
  static void posterior(rng::Stream& s, const sim::SegmentModel& m, const CustomerHistory& h, float& lambda,
                        float& churn)
  {
    lambda =
        static_cast<float>(rng::gamma(s, m.r + h.x, (m.lambda_rate * m.period_in_units + h.T) / m.period_in_units));
    churn = static_cast<float>(rng::beta(s, m.a, m.b + h.x + 1.0));
  }

  //! P(alive) and E[Y(horizon) | x, t_x, T] (Batislam, Denizel & Filiztekin 2007).
  static HistoryForecast forecast(const PurchaseParams& p, const CustomerHistory& h, double horizon_units, int)
  {
    const mbg_nbd::Params prm{p.r, p.alpha, p.a, p.b};
    return {mbg_nbd::p_alive(prm, h.x, h.t_x, h.T), mbg_nbd::conditional_expected(prm, horizon_units, h.x, h.t_x, h.T)};
  }
};

}  // namespace clvsim::models
