#pragma once
//! Variants of a run (docs/model.md §8-§9): baseline, each investment alone, the portfolio, sweep
//! points. Each variant is a schedule of per-period scenarios (investment changes ramp in
//! over time) built from one path's draws of the uncertain inputs, so every variant of a
//! path shares those draws and the customers' random numbers (common random numbers).
#include "engine/run/results.h"
#include "models/sim/segment_model.h"
#include "scenarios/scenario.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace clvsim {

//! One variant as the engine sees it: what to apply on top of a path's base scenario.
struct VariantSpec {
  std::string name;
  std::vector<std::size_t> investments;               //!< indices into Scenario::investments, applied in order
  std::vector<std::pair<std::string, double>> sweep;  //!< sweep values, applied from period 0
};

//! The variants of a scenario: baseline, each investment, portfolio (two or more
//! investments), then the Cartesian grid of [sweep] as sweep_0000, sweep_0001, ...
std::vector<VariantSpec> make_variants(const scenarios::Scenario& scenario);

//! The resolved scenario of one variant in one period, with its per-segment constants.
struct PeriodSetup {
  scenarios::Scenario scenario;
  std::vector<sim::SegmentModel> segments;  //!< frequency_multiplier includes the season's order multiplier
  std::vector<double> segment_cumulative_share;
  //! [channel][segment]: the cumulative shares a paid channel's new customers draw their
  //! segment from (docs/model.md §4): the channel's `segments` mix, or a copy of
  //! segment_cumulative_share without one (the same bits as before mixes existed).
  std::vector<std::vector<double>> channel_cumulative_share;
  double acquisition_multiplier = 1.0;  //!< the season's multiplier of every paid channel's volume (§4.4)

  //! The cumulative shares of acquisition slot `slot` (0 = referrals: the scenario's shares;
  //! c + 1 = channel c's).
  const std::vector<double>& slot_cumulative_share(std::size_t slot) const
  {
    return slot == 0 ? segment_cumulative_share : channel_cumulative_share[slot - 1];
  }
};

//! A variant's schedule for one path: the setup of each period (shared between periods
//! where nothing ramps) and the investment costs of each period. Entry u is period t = u - W:
//! the W = simulation.warmup_periods periods of the warm-up first (docs/model.md §3.1).
struct VariantSchedule {
  std::vector<std::shared_ptr<const PeriodSetup>> periods;           //!< [warm-up + horizon]
  std::vector<double> fixed_cost, cost_per_order, cost_per_contact;  //!< investment costs, [warm-up + horizon]
  //! The investments' running costs of the last period (its one-time costs apart): what they
  //! cost per period, order and contact if they keep running after the horizon (docs/model.md §8.4).
  double after_per_period = 0, after_per_order = 0, after_per_contact = 0;
};

//! The path's base scenario: the scenario with every uncertain input replaced by its draw
//! for this path (stream Purpose::uncertainty keyed by a hash of the input's name, so adding
//! an input never moves another). `draws` receives the values, in Scenario::uncertain order.
scenarios::Scenario path_scenario(const scenarios::Scenario& scenario, std::uint32_t path,
                                  std::vector<double>* draws = nullptr);

//! Draw one value of a distribution from a uniform stream seeded for (seed, path, name).
//! (Not for DistKind::mvlognormal: a group's members are drawn together, draw_joint.)
double draw_uncertain(const scenarios::Distribution& dist, std::uint64_t seed, std::uint32_t path,
                      const std::string& name);

//! One path's values of a correlated group (docs/model.md §9.1): exp(mean_log + L z), L the
//! Cholesky factor of cov_log, z standard normal from the stream keyed by the group's name.
std::vector<double> draw_joint(const scenarios::JointLognormal& group, std::uint64_t seed, std::uint32_t path);

//! The schedule of `variant` for a path whose base scenario is `base`.
VariantSchedule make_schedule(const scenarios::Scenario& base, const VariantSpec& variant);

//! Paired comparisons of each investment variant (and the portfolio) with the baseline,
//! per path (docs/model.md §8): delta_npv, cost_npv, net_npv, roi, payback_period, revenue_uplift,
//! delta_nps, delta_retention (change in the share of acquired customers still active at
//! the end), delta_customers_active, delta_clv.
std::vector<Comparison> compare_variants(const std::vector<VariantResults>& variants,
                                         const std::vector<VariantSpec>& specs, int paths, int horizon,
                                         const std::vector<double>& discount);

//! Spearman rank correlation (average ranks for ties) of x and y; NaN if either is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

//! The two-sided p-value of a Spearman correlation rho over n pairs under independence:
//! t = rho sqrt((n - 2) / (1 - rho^2)) against Student's t with n - 2 degrees of freedom
//! (docs/model.md §9.2); NaN when n < 4 or rho is NaN.
double spearman_p_value(double rho, std::size_t n);

//! Whether uncertain input `input` can move variant `spec`: an investment's own value
//! ("investment.<name>.<field>") only moves the variants that include that investment; any
//! other input moves every variant. `investment_names` are Scenario::investments' names.
bool input_reaches(const std::string& input, const VariantSpec& spec, const std::vector<std::string>& investment_names);

//! Sensitivity of baseline npv_profit and each comparison's net_npv to each uncertain input
//! (docs/model.md §9.2): Spearman correlation with its p-value, tornado (mean output when the
//! input is in its lowest vs highest decile of draws) and whether the input can move the
//! output at all (input_reaches).
std::vector<Sensitivity> sensitivity(const std::vector<std::string>& inputs,
                                     const std::vector<std::vector<double>>& draws_by_input,
                                     const std::vector<VariantResults>& variants,
                                     const std::vector<Comparison>& comparisons, const std::vector<VariantSpec>& specs,
                                     const std::vector<std::string>& investment_names);

}  // namespace clvsim
