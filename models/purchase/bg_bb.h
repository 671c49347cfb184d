#pragma once
//! BG/BB closed forms: Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time
//! noncontractual setting", Marketing Science 29(6), 1086-1108 (FHS).
//! Discrete time, one transaction opportunity per period (a donation drive, an annual event, a
//! renewal date). While alive, a customer transacts at each opportunity with probability p,
//! p ~ Beta(alpha, beta) (beta-Bernoulli); at the start of each opportunity after the first
//! purchase it becomes inactive for good with probability theta, theta ~ Beta(gamma, delta)
//! (beta-geometric). A customer is summarised by x (repeat transactions in the n opportunities
//! after the first purchase), t_x (the opportunity of the last one, 0 when x = 0) and n:
//! integers with 0 <= x <= t_x <= n, x = 0 iff t_x = 0.
//!
//! S(t) = B(gamma, delta+t)/B(gamma, delta) is the probability of being alive at opportunity t.

#include "engine/rng/batch_samplers.h"
#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/rng/vmath.h"
#include "models/purchase/model.h"
#include "models/sim/period.h"
#include "models/sim/segment_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace clvsim::models::bg_bb {

//! BG/BB parameters: alpha, beta (Beta of p), gamma, delta (Beta of theta). All > 0.
struct Params {
  double alpha, beta, gamma, delta;
};

//! ln L(alpha, beta, gamma, delta | x, t_x, n), FHS (2010) eq. (5):
//!   L = B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n)/B(gamma, delta)
//!     + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha, beta) B(gamma+1, delta+t_x+i)/B(gamma, delta),
//! (alive through n; or died at the start of opportunity t_x+i+1), every term from lgamma
//! and the sum by log-sum-exp. Throws std::domain_error for a history outside the rules above.
double log_likelihood(const Params& params, int x, int t_x, int n);

//! P(X(n) = x), FHS (2010) eq. (6):
//!   C(n, x) B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n)/B(gamma, delta)
//!   + sum_{i=x}^{n-1} C(i, x) B(alpha+x, beta+i-x)/B(alpha, beta) B(gamma+1, delta+i)/B(gamma, delta).
double prob_x(const Params& params, int x, int n);

//! E[X(n)], expected transactions in the first n opportunities, FHS (2010) eq. (7):
//!   alpha/(alpha+beta) delta/(gamma-1) [1 - Gamma(gamma+delta) Gamma(1+delta+n) / (Gamma(gamma+delta+n) Gamma(1+delta))]
//!   = alpha/(alpha+beta) sum_{t=1}^{n} S(t)   (summed directly where gamma is within 1e-5 of 1).
double expected_transactions(const Params& params, double n);

//! P(alive at opportunity n+1 | x, t_x, n), FHS (2010) eq. (11):
//!   B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n+1)/B(gamma, delta) / L(alpha, beta, gamma, delta | x, t_x, n).
double p_alive(const Params& params, int x, int t_x, int n);

//! E[X(n, n+n*) | x, t_x, n], expected transactions in the next n* opportunities, FHS (2010) eq. (13):
//!   1/L B(alpha+x+1, beta+n-x)/B(alpha, beta) delta/(gamma-1) Gamma(gamma+delta)/Gamma(1+delta)
//!   [Gamma(1+delta+n)/Gamma(gamma+delta+n) - Gamma(1+delta+n+n*)/Gamma(gamma+delta+n+n*)],
//! evaluated as 1/L B(alpha+x+1, beta+n-x)/B(alpha, beta) B(gamma, delta+n)/B(gamma, delta)
//! sum_{t=1}^{n*} B(gamma, delta+n+t)/B(gamma, delta+n) (the same expression).
double conditional_expected(const Params& params, double n_star, int x, int t_x, int n);

//! Discounted expected residual transactions DERT(d | x, t_x, n), FHS (2010) eq. (14): the
//! transactions from opportunity n+1 on, the one at n+k discounted by 1/(1+d)^k:
//!   B(alpha+x+1, beta+n-x)/B(alpha, beta) B(gamma, delta+n+1)/((1+d) B(gamma, delta))
//!   2F1(1, delta+n+1; gamma+delta+n+1; 1/(1+d)) / L(alpha, beta, gamma, delta | x, t_x, n).
//! Needs d > 0.
double dert(const Params& params, double discount_rate_per_period, int x, int t_x, int n);

}  // namespace clvsim::models::bg_bb

namespace clvsim::models {

//! The BG/BB purchase model in the simulation (docs/model.md §3.2; models/purchase/model.h):
//! one transaction opportunity per period; at the start of each opportunity after the first
//! purchase the customer becomes inactive with probability 1 - (1 - theta)^hazard, and while
//! active it transacts with probability min(1, p x frequency).
struct BgBb {
  static constexpr PurchaseModel kind = PurchaseModel::bg_bb;
  static constexpr OrderTrait order_trait = OrderTrait::probability;
  static constexpr ChurnTrait churn_trait = ChurnTrait::log_keep;
  static constexpr HistoryColumns history = HistoryColumns::opportunities;

  //! p ~ Beta(alpha, beta), theta ~ Beta(gamma, delta) (time unit = period).
  static void resolve(const PurchaseParams& p, double, sim::SegmentModel& m)
  {
    m.order_a = p.alpha;
    m.order_b = p.beta;
    m.a = p.gamma;
    m.b = p.delta;
  }

  //! Survival at the start of the opportunity (word 0 against (1 - theta)^hazard; churn holds
  //! log(1 - theta)), then a transaction with probability min(1, p x frequency) (word 1). The
  //! acquisition period is the first purchase.
  static Survival step(const StepInput& in, Clocks&, std::uint32_t w0, std::uint32_t w1, const sim::PeriodContext&,
                       std::uint64_t)
  {
    if (in.acquisition) return {State::alive, 1};
    if (!(rng::word_uniform_f(w0) < rng::vmath::exp_f(in.hazard * in.churn))) return {State::churned, 0};
    const float p = std::min(1.0f, in.lambda * in.frequency);
    return {State::alive, rng::word_uniform_f(w1) < p ? 1u : 0u};
  }

  //! Given alive at the end of the n opportunities observed (x transactions among them),
  //! p ~ Beta(alpha + x, beta + n - x) and theta ~ Beta(gamma, delta + n) (FHS 2010); the
  //! simulation's first period is opportunity n + 1, where the customer may die.
  static void posterior(rng::Stream& s, const sim::SegmentModel& m, const CustomerHistory& h, float& lambda,
                        float& churn)
  {
    lambda = static_cast<float>(rng::beta(s, m.order_a + h.x, m.order_b + h.T - h.x));
    churn = static_cast<float>(std::log1p(-rng::beta(s, m.a, m.b + h.T)));
  }

  //! P(alive at the end of opportunity n) = P(alive at n + 1) (FHS 2010 eq. 11) / E[1 - theta
  //! | alive at n] = (delta + n) / (gamma + delta + n); the expected transactions in the next
  //! `horizon` opportunities, eq. 13. The history's T is n.
  static HistoryForecast forecast(const PurchaseParams& p, const CustomerHistory& h, double, int horizon)
  {
    const bg_bb::Params prm{p.alpha, p.beta, p.gamma, p.delta};
    const int x = static_cast<int>(h.x), t_x = static_cast<int>(h.t_x), n = static_cast<int>(h.T);
    const double alive_next = bg_bb::p_alive(prm, x, t_x, n);
    return {alive_next * (p.gamma + p.delta + n) / (p.delta + n), bg_bb::conditional_expected(prm, horizon, x, t_x, n)};
  }
};

}  // namespace clvsim::models
