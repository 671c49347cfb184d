#pragma once
//! The validated, plain-struct form of a scenario file (docs/model.md §2–§7). Only
//! scenarios/loader.cpp sees raw TOML; everything downstream reads these structs, which
//! it may assert on but never re-validates. Units are in the names; money is in
//! `economics.currency`; rates are per `purchase.time_unit` unless the name says otherwise.
#include "models/kinds.h"
#include "scenarios/history.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clvsim::scenarios {

// The model kinds, defined by the models below this layer (models/kinds.h).
using models::days_in;
using models::Period;
using models::PurchaseModel;
using models::SpendModel;
using models::TimeUnit;
using models::to_string;

//! [simulation]
struct Simulation {
  Period period = Period::month;
  int horizon_periods = 36;  //!< key `simulation.horizon`, >= 1
  int paths = 200;           //!< >= 1
  std::uint64_t seed = 20240601;
  int block_size = 16384;  //!< customers per work block; fixed by the scenario, never by threads
  int threads = 0;         //!< 0 = all cores; not part of the results
  std::string name;        //!< free label printed with the results
  int start_month = 1;     //!< calendar month of period 0, 1-12 (the seasons' phase)
  int warmup_periods = 0;  //!< periods simulated before period 0, not reported (docs/model.md §3.1)
};

//! [seasonality] (docs/model.md §4.4): multipliers by calendar period (12 for monthly periods,
//! 52 for weekly), period t taking index (start + t) mod length; empty = 1 throughout.
struct Seasonality {
  std::vector<double> order_multipliers;        //!< on every customer's order rate (frequency)
  std::vector<double> acquisition_multipliers;  //!< on every channel's volume (customers or budget)
};

//! The multiplier of period t from `multipliers` (1 when empty): index (start + t) mod length,
//! start = start_month - 1 for months and floor((start_month - 1) 52 / 12) for weeks.
inline double seasonal_multiplier(const std::vector<double>& multipliers, int start_month, int t)
{
  if (multipliers.empty()) return 1.0;
  const int n = static_cast<int>(multipliers.size());
  const int start = n == 12 ? start_month - 1 : (start_month - 1) * 52 / 12;
  return multipliers[static_cast<std::size_t>(((start + t) % n + n) % n)];  // t < 0 in a warm-up
}

//! [purchase] (docs/model.md §3.2). Parameter meaning depends on the model:
//! bg_nbd {r, alpha, a, b}; pareto_nbd {r, alpha, s, beta}; sbg_poisson {a, b, r, alpha};
//! sbg {alpha, beta, fee}. Gamma(k, rate) everywhere.
struct Purchase {
  PurchaseModel model = PurchaseModel::sbg_poisson;
  TimeUnit time_unit = TimeUnit::month;  //!< defaults to simulation.period
  double r = 0.8, alpha = 1.6, a = 2.0, b = 60.0, s = 0.6, beta = 11.7;
  double gamma = 0.657, delta = 2.783;  //!< bg_bb: theta ~ Beta(gamma, delta)
  double fee = 0.0;
};

//! [spend] (docs/model.md §3.3)
struct Spend {
  SpendModel model = SpendModel::gamma_gamma;
  double p = 6.25, q = 3.74, gamma = 15.44;                  //!< gamma_gamma
  double median = 100.0, sigma = 0.5, customer_sigma = 0.3;  //!< lognormal
  double value = 100.0;                                      //!< fixed
  double growth_per_year_of_tenure = 0.0;                    //!< basket grows by this per year since acquisition
};

//! [economics] (docs/model.md §2, §3.4)
struct Economics {
  std::string currency = "PLN";
  double discount_rate_annual = 0.10;
  double gross_margin = 0.3;
  double return_rate = 0.0;
  double return_cost = 0.0;
  double fulfilment_cost_per_order = 0.0;
  double shipping_cost_per_order = 0.0;  //!< paid by the shop only with policies.free_shipping
  double fixed_cost_per_period = 0.0;
};

//! [population] (docs/model.md §3.1, §3.6)
struct Population {
  std::int64_t initial_customers = 0;
  std::string history;  //!< resolved absolute path, empty = none
  TimeUnit history_time_unit = TimeUnit::week;
};

//! [service] (docs/model.md §5.1–§5.2)
struct Experience {
  double base = 0.5, per_extra_contact = 1.5, per_log_wait = 1.0, per_impolite_contact = 2.0,
         per_compensation_ratio = 2.0;
};
struct Service {
  double incident_probability = 0.0;
  double first_contact_resolution = 0.7;
  double later_contact_resolution = 0.7;  //!< defaults to first_contact_resolution
  int max_contacts = 4;
  double response_time_hours = 24.0;
  double courtesy = 1.0;
  double cost_per_contact = 0.0;
  double compensation_ratio = 0.0;
  Experience experience;
};

//! [satisfaction] (docs/model.md §5.3)
struct Satisfaction {
  double initial_mean = 7.5, initial_sd = 1.0, decay = 0.1, order_delta = 0.2;
  double renewal_delta = 0.0;  //!< sbg: points added by a renewal (instead of order_delta)
  bool stationary = true;      //!< innovation noise keeps the distribution stationary
  double churn_sensitivity = 0.0, frequency_sensitivity = 0.0;
  double reference = 7.5;  //!< defaults to initial_mean
};

//! [reviews] and [reputation] (docs/model.md §6.1)
struct Reviews {
  double probability = 0.0, detractor_multiplier = 3.0, promoter_multiplier = 1.5, solicitation_multiplier = 1.0;
};
struct Reputation {
  double initial_rating = 4.5, memory_reviews = 200.0, share_reading_reviews = 0.54, rating_sensitivity = 0.0,
         reference_rating = 4.5;
};

//! [referrals] (docs/model.md §6.2)
struct Referrals {
  double promoter_rate = 0.0, passive_rate = 0.0, reward = 0.0;
};

//! [policies] (docs/model.md §6.3)
struct FreeReturns {
  bool enabled = false;
  double extra_return_rate = 0.03, conversion_multiplier = 1.05, hazard_multiplier = 0.95;
};
struct FreeShipping {
  bool enabled = false;
  double frequency_multiplier = 1.05, conversion_multiplier = 1.05;
};
struct SameDayShipping {
  bool enabled = false;
  double cost_per_order = 5.0, satisfaction_delta = 0.2, incident_multiplier = 0.8;
};
struct Policies {
  FreeReturns free_returns;
  FreeShipping free_shipping;
  SameDayShipping same_day_shipping;
};

//! [marketing] (docs/model.md §6.4)
struct Marketing {
  double emails_per_period = 0.0, personalization = 0.0, cost_per_email = 0.0, uplift_per_email = 0.02,
         saturation_emails = 4.0, fatigue_per_email = 0.03, fatigue_threshold = 4.0;
};

//! [loyalty] (docs/model.md §7)
struct Loyalty {
  bool enabled = false;
  int start_period = 0;
  int eligible_after_orders = 2;
  double enrollment_probability = 0.3;
  double reward_rate = 0.03, breakage = 0.3;
  double cost_per_member_per_period = 0.5, fixed_cost_per_period = 0.0;
  double hazard_multiplier = 0.8, frequency_multiplier = 1.1, basket_multiplier = 1.05, satisfaction_bonus = 0.5,
         referral_multiplier = 1.2;
};

//! [kpi]
struct Kpi {
  int loyal_min_orders = 3;
};

//! Everything a segment may override: how its customers behave and what they cost.
struct Behaviour {
  Purchase purchase;
  Spend spend;
  Economics economics;
  Service service;
  Satisfaction satisfaction;
  Reviews reviews;
  Referrals referrals;
  Policies policies;
  Marketing marketing;
  Loyalty loyalty;
};

//! A dotted key and its value, as written in the file (e.g. "purchase.r" = 0.5).
struct Override {
  std::string key;
  double number = 0.0;  //!< numeric and boolean (0/1) values
  std::string text;     //!< string values (e.g. a model name)
  bool is_text = false;
};

//! [[segment]] (docs/model.md §3.7): the loader resolves `behaviour` = base + overrides.
struct Segment {
  std::string name = "all";
  double share = 1.0;
  std::vector<Override> overrides;
  Behaviour behaviour;
};

//! At most this many [[acquisition.channel]] entries: with the referral channel they fill
//! the 64 channel slots of an acquired customer's id (engine/run/driver.cpp).
constexpr int MAX_ACQUISITION_CHANNELS = 63;

//! [[acquisition.channel]] (docs/model.md §4). Exactly one of budget_per_period and
//! customers_per_period is set.
struct Channel {
  std::string name;
  std::optional<double> budget_per_period;
  std::optional<double> customers_per_period;
  double cac = 0.0;
  double cac_inflation_annual = 0.0;
  double saturation = 0.0;
  int start_period = 0;
  int end_period = -1;  //!< inclusive; -1 = until the end of the horizon
  //! `segments = { b2b = 0.7, b2c = 0.3 }` (docs/model.md §4): the share of the channel's new
  //! customers in each segment, in Scenario::segments order (0 for a segment left out).
  //! Empty = the scenario's segment shares.
  std::vector<double> segment_shares;
};

//! [market]
struct Market {
  double addressable_customers = 0.0;  //!< 0 = unlimited
};

//! One change of an investment (docs/model.md §8): `key = value` (set), `{ add = x }` or `{ multiply = x }`.
enum class ChangeOp { set, add, multiply };
struct Change {
  std::string
      key;  //!< any scenario key, e.g. "service.response_time_hours", "acquisition.channel.google_ads.budget_per_period"
  ChangeOp op = ChangeOp::set;
  double number = 0.0;  //!< numeric and boolean (0/1) values
  std::string text;     //!< string values (only with op = set)
  bool is_text = false;
};

//! [[investment]] (docs/model.md §8). Numeric changes ramp linearly over ramp_periods from start_period:
//! at period t the change applies with weight min(1, (t - start_period + 1) / ramp_periods)
//! (weight 1 from start_period when ramp_periods = 0); text and boolean changes switch at start_period.
struct Investment {
  std::string name;
  std::string description;
  double one_time_cost = 0.0;     //!< paid in start_period
  double cost_per_period = 0.0;   //!< from start_period on
  double cost_per_order = 0.0;    //!< on every order from start_period on
  double cost_per_contact = 0.0;  //!< on every service contact from start_period on
  int start_period = 0;
  int ramp_periods = 0;
  std::vector<Change> changes;
};

//! A distribution of an uncertain numeric input (docs/model.md §9), drawn once per path.
//! `mvlognormal`: one member of a JointLognormal group (drawn with the group, not alone).
enum class DistKind { normal, lognormal, uniform, triangular, pert, beta, mvlognormal };
struct Distribution {
  DistKind kind = DistKind::normal;
  double mean = 0, sd = 0;             //!< normal (truncated to [low, high] when given)
  double median = 0, sigma = 0;        //!< lognormal; mvlognormal: the member's marginal
  double low = 0, mode = 0, high = 0;  //!< uniform, triangular, pert; bounds of normal and beta
  double a = 0, b = 0;                 //!< beta (on [low, high], default [0, 1])
  bool has_low = false, has_high = false;
  std::size_t group = 0, member = 0;  //!< mvlognormal: Scenario::joint[group].keys[member]
};

//! Inputs drawn jointly once per path (docs/model.md §9.1): ln(values) ~ Normal(mean_log,
//! cov_log), written as a `[purchase.uncertainty]` or `[spend.uncertainty]` table (what
//! `clvsim fit --parameter-uncertainty` writes: the estimates and their covariance). Each
//! member is also an UncertainInput (DistKind::mvlognormal) for the sensitivity tables.
struct JointLognormal {
  std::string name;               //!< "purchase.uncertainty": names its random stream
  std::vector<std::string> keys;  //!< full scenario keys ("purchase.r")
  std::vector<double> mean_log;
  std::vector<double> cov_log;  //!< k x k, row-major, as written
  std::vector<double> chol;     //!< lower Cholesky factor of cov_log, row-major
  //! Each key's allowed range (spend.q > 1): a draw with a member outside is redrawn whole
  std::vector<double> low, high;
  std::vector<bool> low_open, high_open;
};

//! An uncertain input: where the distribution was written and what it is.
//! `key` is a scenario key ("service.courtesy", "segment.vip.purchase.r",
//! "acquisition.channel.google_ads.cac") or an investment field
//! ("investment.<name>.cost_per_period", "investment.<name>.changes.<key>"). Each draws from
//! its own random stream keyed by this name, so adding one does not move the others.
struct UncertainInput {
  std::string key;
  Distribution dist;
};

//! One axis of [sweep] (docs/model.md §9): a key and the values to try.
struct SweepAxis {
  std::string key;
  std::vector<double> values;
};

struct Scenario {
  std::string source_path;  //!< the file it came from ("<default>" for the built-in one)
  std::string source_toml;  //!< verbatim text, stored in the results for provenance
  Simulation simulation;
  Population population;
  //! The rows of population.history, read and validated by the loader (null without a
  //! history). Shared and immutable: a Scenario is copied per path and per period setup
  //! (engine/run/variants.cpp), its customers never.
  std::shared_ptr<const std::vector<ExistingCustomer>> existing;
  Behaviour base;                 //!< behaviour before segment overrides
  std::vector<Segment> segments;  //!< never empty after loading (default: one "all")
  std::vector<Channel> channels;
  Market market;
  Reputation reputation;
  Kpi kpi;
  std::vector<Investment> investments;    //!< [[investment]], in file order
  std::vector<UncertainInput> uncertain;  //!< every value written as a distribution, in file order
  std::vector<JointLognormal> joint;      //!< correlated groups (their members are in `uncertain`)
  Seasonality seasonality;
  std::vector<SweepAxis> sweep;  //!< [sweep] axes in file order (+ --sweep)
  //! Keys the file did not set whose value was derived from another key
  //! (service.later_contact_resolution, satisfaction.reference, purchase.time_unit,
  //! population.history_time_unit): changing the source key through scenarios/keys.h
  //! moves them along, and segments derive them from their own overridden source.
  std::vector<std::string> defaulted_keys;
  //! Whether anything in the file or the command line describes satisfaction: a
  //! `satisfaction.`, `service.` or `reviews.` key, a segment override, an investment change
  //! or a sweep axis of one. Without it NPS and the rating are clvsim's defaults, and
  //! scenarios::warnings says so (docs/model.md §5.4). True for scenarios built in code.
  bool satisfaction_described = true;
};

}  // namespace clvsim::scenarios
