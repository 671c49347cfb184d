#pragma once
//! What a run produces, before any formatting: per-path values of every KPI, per variant
//! and segment. Writers (HDF5, JSON, console) take `const Results&` and nothing else;
//! statistics across paths are computed from these per-path values (engine/stats).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clvsim {

//! KPIs of one variant (or of one segment of it). Row-major per-period matrices:
//! value of path p at period t is `periods.at(kpi)[p * horizon + t]`.
struct KpiTable {
  std::map<std::string, std::vector<double>> periods;  //!< kpi -> [paths * horizon]
  std::map<std::string, std::vector<double>> paths;    //!< kpi -> [paths]
};

//! Histogram with `edges.size() == counts.size() + 1`.
struct Histogram {
  std::vector<double> edges;
  std::vector<double> counts;
};

struct VariantResults {
  std::string name;  //!< "baseline", an investment, "portfolio", "sweep_0000"
  KpiTable kpis;
  std::map<std::string, KpiTable> segments;  //!< segment name -> its KPIs
  Histogram clv_histogram;                   //!< customer CLV (discounted to acquisition)
  //! Revenue concentration: share of revenue from the top `concentration_x` share of customers.
  std::vector<double> concentration_x, concentration_share;
  std::map<std::string, double> sweep_values;  //!< key -> value for sweep variants
  //! Subscription runs only (Results::subscription): per path, the share of the initial
  //! cohort still subscribed after k renewal decisions, k = 0 .. horizon - 1 (its customers
  //! who paid in period k; 1 at k = 0). Row-major [paths * horizon] like KpiTable::periods.
  std::vector<double> retention_by_tenure;
};

//! Paired comparison of one investment (or the portfolio) against the baseline, per path.
struct Comparison {
  std::string name;
  std::map<std::string, std::vector<double>>
      paths;  //!< delta_npv, cost_npv, net_npv, roi, payback_period, revenue_uplift, ...
};

//! Sensitivity of one output to each uncertain input.
struct Sensitivity {
  std::string output;  //!< e.g. "baseline.npv_profit"
  std::vector<std::string> parameter;
  std::vector<double> spearman, tornado_low, tornado_high;
  //! Two-sided p-value of spearman under independence (spearman_p_value): how often Monte
  //! Carlo noise alone gives a correlation this strong. Empty in files written before it.
  std::vector<double> p_value;
  //! 1 where the input can move the output, 0 where it cannot (input_reaches: an investment's
  //! own value against the baseline or another investment): its correlation is noise by
  //! construction, kept for completeness; the console and the report leave it out. Empty in
  //! files written before it (every input counts as reaching).
  std::vector<double> reaches;
  //! Whether input i can move the output (reaches; files without it: yes).
  bool input_reaches(std::size_t i) const { return i >= reaches.size() || reaches[i] != 0.0; }
};

//! Per existing customer (population.history) forecast over the horizon: Monte Carlo means
//! across paths with their standard errors, beside the closed forms where the model has them.
struct CustomerForecast {
  std::vector<std::string> customer_id;
  std::vector<double> p_alive;          //!< closed form at the start of the horizon
  std::vector<double> expected_orders;  //!< Monte Carlo mean over paths
  std::vector<double> expected_orders_se;
  std::vector<double> expected_orders_closed_form;
  std::vector<double> expected_clv;  //!< discounted to the start of the horizon, inside it
  std::vector<double> expected_clv_se;
  std::vector<double> expected_clv_lifetime;  //!< with the residual after the horizon (docs/model.md §11.1.7)
  std::vector<double> expected_clv_lifetime_se;
  //! Predictive quantiles across paths (p05, p50, p95) of the orders in the horizon and of the
  //! lifetime CLV; NaN when customers x paths exceeds FORECAST_QUANTILE_VALUES.
  std::vector<double> orders_p05, orders_p50, orders_p95, clv_lifetime_p05, clv_lifetime_p50, clv_lifetime_p95;
};

//! The most customer-path values the forecast keeps for its quantiles (two floats each).
inline constexpr double FORECAST_QUANTILE_VALUES = 2.5e7;

//! What a subscription run (every segment's purchase.model = "sbg") reports besides its KPIs
//! (docs/model.md §11.6): the closed forms of a new subscriber, mixed over the segments by
//! their shares. MRR is not stored: it is each path's `revenue` per period over
//! `months_per_period`.
struct SubscriptionResults {
  //! Months in one period (1 for "month", 7 / (365.25/12) for "week"); 0: not a subscription run.
  double months_per_period = 0;
  double discount_rate_per_period = 0;  //!< d, from economics.discount_rate_annual
  double fee = 0;                       //!< mean fee of a new subscriber (share-weighted)
  //! Closed-form DERL(d | 0) of a new subscriber (further payments after the first,
  //! discounted to its first period), in payments and in money (fee x payments).
  double derl_periods = 0, derl_value = 0;
  //! Closed-form DEL(d): every payment, the first included, in payments and in money.
  double del_periods = 0, del_value = 0;
  //! sBG S(k), k = 0 .. horizon - 1: the closed form of retention_by_tenure (without the
  //! scenario's hazard multipliers and satisfaction effects).
  std::vector<double> retention_closed_form;
  bool present() const { return months_per_period > 0; }
};

struct Results {
  // provenance (root attributes of the HDF5 file)
  std::string clvsim_version;
  std::string created_utc;  //!< ISO 8601, e.g. 2026-11-23T12:00:00Z
  //! Wall time of clvsim::run in seconds: the simulation of every path and variant with its
  //! summaries (trait draws included; process start, scenario loading and output excluded).
  //! Metadata for benchmarks, not a result: it differs from run to run.
  double run_seconds = 0;
  std::uint64_t seed = 0;
  int paths = 0;
  int horizon = 0;
  std::string period;  //!< "week" | "month"
  std::string currency;
  std::string scenario_name;
  std::string scenario_path;
  std::string scenario_toml;  //!< verbatim
  std::string command_line;
  //! "key = value" lines of what the results were made from (version, scenario text and
  //! history hashes, paths, seed, --set, --sweep, kernel: engine/run/checkpoint.h
  //! run_manifest()) and their content hash (run_hash()); empty in files of older versions.
  std::string run_manifest;
  std::string run_hash;
  std::vector<std::string> segment_names;

  std::vector<VariantResults> variants;  //!< variants[0] is "baseline"
  std::vector<Comparison> comparisons;
  std::vector<Sensitivity> sensitivity;
  //! The scenario's inputs written as distributions (docs/model.md §9.1), in file order. None:
  //! the spread across paths is Monte Carlo noise only (the outputs say so).
  std::vector<std::string> uncertain_inputs;
  //! The scenario's warnings (scenarios::warnings, docs/model.md §5.4, §11.1.7) as `validate`
  //! and `run` printed them: kept with the results so that the report and `show` say what the
  //! numbers leave out. Empty in files of older versions.
  std::vector<std::string> warnings;
  CustomerForecast forecast;         //!< baseline, existing customers only
  SubscriptionResults subscription;  //!< sbg runs only (present())
};

}  // namespace clvsim
