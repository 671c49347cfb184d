#pragma once
//! What every purchase model provides to the simulation (docs/model.md §3.2, §3.6), and the
//! types it speaks in. A purchase model is one struct in its own header (bg_nbd.h,
//! pareto_nbd.h, sbg.h, sbg_poisson.h) beside its closed forms, listed once in
//! registry.h:
//!
//!   kind                 its models::PurchaseModel
//!   order_trait          how customers' order rate or probability is drawn (OrderTrait)
//!   churn_trait          how the churn trait is drawn and what LiveState::churn holds
//!   history              the columns of a population.history file for it
//!   resolve(p, k, m)     its parameters p (per purchase.time_unit) into the kernels'
//!                        per-period constants m, k = periods in time units
//!   step(in, w0, w1, ...) one period of one customer: survival and orders (step 2 of
//!                        docs/model.md §3.5), from words 0 and 1 of the customer's
//!                        survival block; called by both kernels
//!   posterior(...)       the traits of an existing customer given its history
//!   forecast(...)        P(alive) and expected orders of an existing customer, in closed form
//!
//! The fast kernel may add a fast path for a model (sbg_poisson's clocks); the reference
//! kernel and the fast kernel's general path use step().
#include "models/kinds.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace clvsim::models {

//! A purchase model's parameters as the scenario gives them, per purchase.time_unit: the
//! ones a model does not use are ignored.
struct PurchaseParams {
  PurchaseModel model = PurchaseModel::sbg_poisson;
  double r = 0, alpha = 1;      //!< order rate lambda ~ Gamma(r, alpha) (bg_nbd, pareto_nbd, sbg_poisson)
  double a = 1, b = 1;          //!< p or theta ~ Beta(a, b) (bg_nbd, sbg_poisson); sbg: alpha, beta
  double s = 1, beta = 1;       //!< death rate mu ~ Gamma(s, beta) (pareto_nbd); bg_bb: alpha, beta of p
  double gamma = 1, delta = 1;  //!< bg_bb: theta ~ Beta(gamma, delta)
  double fee = 0;               //!< sbg: the fee of a period
};

//! How a model's order trait is drawn (stream period 0 of the traits stream, and 5-6 for a
//! probability) and what LiveState::lambda holds.
enum class OrderTrait {
  none,         //!< no orders of its own (sbg: one payment a period); holds 0
  rate,         //!< lambda ~ Gamma(r, rate) per period; holds lambda
  probability,  //!< p ~ Beta(order_a, order_b), an order at each opportunity (bg_bb); holds p
};

//! How a model's churn trait is drawn (stream period 1 and 2 of the traits stream) and what
//! LiveState::churn holds.
enum class ChurnTrait {
  log_keep,             //!< theta ~ Beta(a, b); holds log(1 - theta) (sbg, sbg_poisson)
  dropout_probability,  //!< p ~ Beta(a, b); holds p (bg_nbd)
  death_rate,           //!< mu ~ Gamma(s, rate) per period; holds mu (pareto_nbd)
};

//! The columns of a population.history file.
enum class HistoryColumns {
  none,           //!< the model has no posterior for histories (sbg_poisson)
  frequency,      //!< customer_id,x,t_x,T[,m_x] (repeat purchases, last one, age)
  opportunities,  //!< customer_id,x,t_x,n[,m_x] (repeat transactions, opportunity of the last, opportunities: bg_bb)
  renewals,       //!< customer_id,renewals (sbg)
};

//! An existing customer's history in purchase.time_unit: x repeat purchases, the last at
//! t_x, observed for T; renewals (sbg).
struct CustomerHistory {
  double x = 0, t_x = 0, T = 0;
  int renewals = 0;
};

//! What the closed forms say about an existing customer (NaN where the model has none).
struct HistoryForecast {
  double p_alive = std::numeric_limits<double>::quiet_NaN();
  double expected_orders = std::numeric_limits<double>::quiet_NaN();  //!< over the horizon
};

//! How a customer ends step 2 of a period: churned at its start (before ordering), alive, or
//! dropping out at its end after its orders.
enum class State : std::uint8_t { churned = 0, alive = 1, dropping_out = 2 };

//! Step 2's outcome: the state and the orders placed (the acquisition order included).
struct Survival {
  State state = State::alive;
  std::uint32_t orders = 0;
};

//! A customer's two clocks (LiveState::sclock, oclock): what models with clocks run on
//! (sbg_poisson); the others ignore them.
struct Clocks {
  float survival = 0, order = 0;
};

//! Step 2's inputs for one customer: its traits (LiveState units), the period's hazard and
//! frequency multipliers (step 1), the chance of no order at its rate lambda x frequency
//! (e^-(lambda frequency), single precision), and whether this is its acquisition period.
struct StepInput {
  float lambda = 0, churn = 0, hazard = 1, frequency = 1, p0 = 1;
  bool acquisition = false;
};

//! What a customer alive at the end of the horizon is expected to do after it, discounted to
//! the horizon's last period (docs/model.md §11.1.7): its orders (payments for sbg) and its
//! alive periods, each counted with delta^k in the k-th period after the last one.
struct Residual {
  double orders = 0, periods = 0;
};

//! The residual of a customer with traits and multipliers `in` (held at their last values)
//! under per-period discount factor delta, in closed form by the model's traits:
//!   log_keep (sbg_poisson, sbg, bg_bb): it survives each period with q = (1 - theta)^h, then
//!     orders lambda m (rate), min(1, p m) (probability) or pays once (none):
//!     periods = sum_k (delta q)^k = delta q / (1 - delta q), orders = per-period orders x periods;
//!   dropout_probability (bg_nbd, mbg_nbd): orders at rate L = lambda m in continuous time, each
//!     followed by dropout with p' = 1 - (1 - p)^h; with rho = -ln delta and a = L / (L + rho),
//!     orders = delta a / (1 - (1 - p') a) and periods = delta / ((L + rho)(1 - (1 - p') a));
//!   death_rate (pareto_nbd): lifetime Exp(mu h): orders = delta L / (mu h + rho), periods =
//!     delta / (mu h + rho).
//! (The continuous-time models are discounted continuously from the horizon's end, times delta:
//! a period's cash flows count at its start rather than its index, half a period early.)
template <class Model>
Residual residual_after_horizon(const StepInput& in, double delta)
{
  const double h = in.hazard, m = in.frequency;
  const double rate = static_cast<double>(in.lambda) * m;
  Residual r;
  if constexpr (Model::churn_trait == ChurnTrait::log_keep) {
    const double q = std::exp(h * static_cast<double>(in.churn));
    r.periods = delta * q / (1.0 - delta * q);
    const double per_period = Model::order_trait == OrderTrait::rate          ? rate
                              : Model::order_trait == OrderTrait::probability ? std::min(1.0, rate)
                                                                              : 1.0;
    r.orders = per_period * r.periods;
  } else {
    const double rho = -std::log(delta);
    if constexpr (Model::churn_trait == ChurnTrait::dropout_probability) {
      const double p = -std::expm1(h * std::log1p(-static_cast<double>(in.churn)));
      const double a = rate / (rate + rho), d = 1.0 - (1.0 - p) * a;
      r.orders = delta * a / d;
      r.periods = delta / ((rate + rho) * d);
    } else {
      const double death = static_cast<double>(in.churn) * h;
      r.orders = delta * rate / (death + rho);
      r.periods = delta / (death + rho);
    }
  }
  return r;
}

}  // namespace clvsim::models
