#pragma once
//! What `clvsim fit` reports: holdout checks, the cumulative tracking table (FHL 2005
//! figure 2), the console table, the JSON document and the scenario fragment (TOML).
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "models/fit/fit_models.h"
#include "models/fit/mle.h"
#include "models/fit/summary.h"

namespace clvsim::fit {

//! E[Y(t) | x, t_x, T] of a fitted bg_nbd or pareto_nbd model, summed over `data` (weighted).
double expected_conditional_total(const FitResult& fit, const CollapsedSummary& data, double t);

//! E[X(t)] of a fitted bg_nbd or pareto_nbd model for one new customer.
double expected_repeat(const FitResult& fit, double t);

//! Expected vs actual repeat transactions in the holdout, summed over the customers.
struct HoldoutCheck {
  std::string model;
  double expected = 0;  //!< Σ E[Y(t_holdout) | x, t_x, T]
  double actual = 0;    //!< Σ x*
};

//! Cumulative repeat transactions of the whole cohort by period since the earliest first
//! purchase (the tracking plot of FHL 2005, figure 2, as a table). Period k covers the days
//! origin + floor((k−1)·unit) .. origin + floor(k·unit) − 1; at its last day D a customer whose
//! first purchase is day f has age (D − f)/unit (the convention of T), and the expected
//! cumulative count is Σ_customers E[X(age)].
struct Tracking {
  std::vector<int> period;           //!< 1, 2, ...
  std::vector<int> last_day;         //!< day number of the period's last day (clipped to the end)
  std::vector<bool> holdout;         //!< the period ends after the calibration end
  std::vector<double> actual;        //!< cumulative actual repeat transactions
  std::vector<std::string> models;
  std::vector<std::vector<double>> expected;  //!< [model][period]
};
Tracking track(const CustomerSummary& summary, const std::vector<const FitResult*>& fits);

//! Everything `clvsim fit` found, for printing.
struct FitReport {
  std::string source;                        //!< the transaction log or survival table
  const CustomerSummary* summary = nullptr;  //!< null for --survival
  const SurvivalTable* survival = nullptr;
  std::size_t log_rows = 0;                  //!< data rows read
  std::vector<FitResult> fits;
  std::vector<HoldoutCheck> holdout;
  std::optional<Tracking> tracking;
  std::size_t gamma_gamma_skipped_zero = 0;  //!< repeat buyers with m_x = 0 left out
};

//! Human-readable tables for stdout.
void print_console(std::ostream& out, const FitReport& report);

//! {"summary": {...}, "models": {"<model>": {"params": {...}, "se": {...}, "log_likelihood": ...}}}
//! (NaN as null).
void print_json(std::ostream& out, const FitReport& report);

//! Settings of the scenario fragment.
struct FragmentOptions {
  const FitResult* purchase = nullptr;  //!< bg_nbd, pareto_nbd or sbg
  const FitResult* spend = nullptr;     //!< gamma_gamma or null
  std::string history;                  //!< summary CSV relative to the TOML's directory; empty = none
  TimeUnit time_unit = TimeUnit::week;
  int horizon_periods = 52;
};
//! A scenario fragment that `clvsim run` accepts: [simulation], [population], [purchase], [spend].
std::string scenario_fragment(const FitReport& report, const FragmentOptions& options);

}  // namespace clvsim::fit
