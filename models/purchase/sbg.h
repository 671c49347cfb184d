#pragma once
//! Shifted-beta-geometric (sBG) contractual model: Fader & Hardie (2007), "How to project
//! customer retention", Journal of Interactive Marketing 21(1), 76-90 (F&H 2007); Fader &
//! Hardie (2010), "Customer-base valuation in a contractual setting: the perils of ignoring
//! heterogeneity", Marketing Science 29(1), 85-93 (F&H 2010).
//! Each customer churns at the end of each period with probability theta, theta ~ Beta(alpha,
//! beta); T in {1, 2, ...} is the period in which the customer churns (did not renew).

#include <vector>

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

namespace clvsim::models::sbg {

//! sBG parameters alpha, beta (Beta of the churn probability theta), both > 0.
struct Params {
  double alpha, beta;
};

//! S(t) = P(T > t) = B(alpha, beta+t) / B(alpha, beta)  (F&H 2007 eq. (3)); real t >= 0 allowed.
//! Evaluated as [Gamma(beta+t)/Gamma(alpha+beta+t)] / [Gamma(beta)/Gamma(alpha+beta)] with
//! boost::math::tgamma_delta_ratio (no lgamma cancellation for large t).
double survival(const Params& params, double t);

//! P(T = t) = B(alpha+1, beta+t-1) / B(alpha, beta)  (F&H 2007 eq. (2)) for t >= 1,
//! computed as S(t-1) alpha/(alpha+beta+t-1).
double churn_probability(const Params& params, int t);

//! Cohort log-likelihood, F&H 2007 eq. (6): with n_t = alive_by_period[t] (n_0 = the cohort
//! at the start, n_t = still active after t periods, non-increasing; counts or fractions),
//!   LL = sum_{t=1}^{N} (n_{t-1} - n_t) ln P(T = t) + n_N ln S(N),  N = size - 1.
double log_likelihood_survival(const Params& params, const std::vector<double>& alive_by_period);

//! Discounted expected lifetime of a new customer (payment at t = 0, 1, 2, ... while active,
//! discounted by 1/(1+d)^t), F&H 2010 eq. (3):
//!   DEL(d) = sum_{t>=0} S(t)/(1+d)^t = 2F1(1, beta; alpha+beta; 1/(1+d)).
//! d = 0 gives E[T] = (alpha+beta-1)/(alpha-1), finite for alpha > 1 only.
double expected_discounted_lifetime(const Params& params, double discount_rate_per_period);

//! Discounted expected residual lifetime of a customer who has made n = renewals renewals
//! and is about to decide on the next one (its payment, if it renews, is undiscounted),
//! F&H 2010 eq. (6) (written there for "n - 1 renewals" with n -> n + 1 here):
//!   DERL(d | n) = sum_{k>=0} S(n+1+k)/S(n) / (1+d)^k
//!               = B(alpha, beta+n+1)/B(alpha, beta+n) 2F1(1, beta+n+1; alpha+beta+n+1; 1/(1+d)).
//! Relation to DEL: DEL(d) = 1 + DERL(d | 0)/(1+d).
double derl(const Params& params, double discount_rate_per_period, int renewals);

}  // namespace clvsim::models::sbg

namespace clvsim::models {

//! The contractual sBG model in the simulation (docs/model.md §3.2; models/purchase/model.h):
//! a subscriber renews each period with probability (1 - theta)^hazard and pays the fee.
struct Sbg {
  static constexpr PurchaseModel kind = PurchaseModel::sbg;
  static constexpr OrderTrait order_trait = OrderTrait::none;
  static constexpr ChurnTrait churn_trait = ChurnTrait::log_keep;
  static constexpr HistoryColumns history = HistoryColumns::renewals;

  //! theta ~ Beta(alpha, beta); one payment of `fee` a period (the spend model is fixed).
  static void resolve(const PurchaseParams& p, double, sim::SegmentModel& m)
  {
    m.a = p.alpha;
    m.b = p.beta;
    m.fee = p.fee;
    m.spend = SpendModel::fixed;
    m.fixed_value = p.fee;
  }

  //! Whether a subscriber with log(1 - theta) = log_keep renews at this hazard: word 0's
  //! uniform against (1 - theta)^hazard, single precision (the fast kernel runs it 16 lanes
  //! at a time).
  [[gnu::always_inline]] static bool renews(std::uint32_t w0, float hazard, float log_keep)
  {
    return rng::word_uniform_f(w0) < rng::vmath::exp_f(hazard * log_keep);
  }

  //! Renewal (word 0), then one payment; the acquisition period pays the first.
  static Survival step(const StepInput& in, Clocks&, std::uint32_t w0, std::uint32_t, const sim::PeriodContext&,
                       std::uint64_t)
  {
    if (in.acquisition || renews(w0, in.hazard, in.churn)) return {State::alive, 1};
    return {State::churned, 0};
  }

  //! theta | n renewals ~ Beta(alpha, beta + n) (F&H 2010); LiveState holds log(1 - theta).
  static void posterior(rng::Stream& s, const sim::SegmentModel& m, const CustomerHistory& h, float&, float& churn)
  {
    churn = static_cast<float>(std::log1p(-rng::beta(s, m.a, m.b + h.renewals)));
  }

  //! A current subscriber with n renewals (theta ~ Beta(alpha, beta + n)) renews at the
  //! start of each period of the horizon with probability 1 - theta and then pays:
  //! E[payments] = sum_{t=1}^{H} S(t) under the updated law (F&H 2007 eq. 3).
  static HistoryForecast forecast(const PurchaseParams& p, const CustomerHistory& h, double, int horizon)
  {
    const sbg::Params prm{p.alpha, p.beta + h.renewals};
    double orders = 0;
    for (int t = 1; t <= horizon; ++t) orders += sbg::survival(prm, t);
    return {1.0, orders};
  }
};

}  // namespace clvsim::models
