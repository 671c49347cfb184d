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
#include "models/fit/summary_file.h"

namespace clvsim::fit {

//! True for the continuous-time purchase models fitted to (x, t_x, T): bg_nbd, mbg_nbd, pareto_nbd.
bool is_continuous_purchase_model(const std::string& model);

//! E[Y(t) | x, t_x, T] of a fitted bg_nbd, mbg_nbd or pareto_nbd model, summed over `data` (weighted).
double expected_conditional_total(const FitResult& fit, const CollapsedSummary& data, double t);

//! E[Y(t) | x, t_x, T] of a fitted bg_nbd, mbg_nbd or pareto_nbd model for one customer.
double conditional_expected(const FitResult& fit, double t, double x, double t_x, double T);

//! P(alive | x, t_x, T) of a fitted bg_nbd, mbg_nbd or pareto_nbd model.
double p_alive(const FitResult& fit, double x, double t_x, double T);

//! E[X(t)] of a fitted bg_nbd, mbg_nbd or pareto_nbd model for one new customer.
double expected_repeat(const FitResult& fit, double t);

//! Each customer's E[Y(t) | x, t_x, T] (one evaluation per distinct (x, t_x, T)); NaN
//! everywhere when the closed form cannot be computed at the estimates.
std::vector<double> predict_customers(const FitResult& fit, const CustomerSummary& summary, double t);

//! One purchase model's line of the comparison table.
struct ModelScore {
  std::string model;
  std::size_t parameters = 0;
  double observations = 0;  //!< customers
  double log_likelihood = 0;
  double aic = 0;  //!< 2k − 2 LL
  double bic = 0;  //!< k ln(n) − 2 LL
  //! With a holdout: Σ E[Y | history], and the per-customer error of E[Y | history] against
  //! x* (mean absolute, root mean square); NaN otherwise.
  double holdout_expected, holdout_mae, holdout_rmse;
};

//! The purchase models side by side and the one chosen for the scenario fragment.
struct Comparison {
  std::vector<ModelScore> models;
  std::string chosen;
  std::string reason;  //!< one sentence: why `chosen`
};

//! Scores `purchase` (fitted to the same customers); `predicted` [model][customer] the holdout
//! predictions (empty without a holdout). The choice: with a holdout, the lowest per-customer
//! RMSE in the holdout (the forecast the fragment is for); without, the lowest BIC. When
//! `simulated` is not empty the choice is among those models only (the ones `clvsim run` can
//! simulate), and the reason names a better-scoring model it passed over.
Comparison compare_models(const std::vector<const FitResult*>& purchase, const CustomerSummary& summary,
                          const std::vector<std::vector<double>>& predicted,
                          const std::vector<std::string>& simulated = {});

//! Holdout transactions by calibration frequency (FHL 2005 figure 4): customers grouped by
//! x = 0, 1, ..., 6 and "7+", each group's mean x* and mean prediction per model.
struct FrequencyTable {
  std::vector<std::string> label;
  std::vector<double> customers, actual_mean;
  std::vector<std::string> models;
  std::vector<std::vector<double>> expected_mean;  //!< [model][group]
};
FrequencyTable holdout_by_frequency(const CustomerSummary& summary, const std::vector<const FitResult*>& purchase,
                                    const std::vector<std::vector<double>>& predicted);

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
  std::vector<int> period;     //!< 1, 2, ...
  std::vector<int> last_day;   //!< day number of the period's last day (clipped to the end)
  std::vector<bool> holdout;   //!< the period ends after the calibration end
  std::vector<double> actual;  //!< cumulative actual repeat transactions
  std::vector<std::string> models;
  std::vector<std::vector<double>> expected;  //!< [model][period]
};
Tracking track(const CustomerSummary& summary, const std::vector<const FitResult*>& fits);

//! Everything `clvsim fit` found, for printing.
struct FitReport {
  std::string source;                        //!< the transaction log or survival table
  const CustomerSummary* summary = nullptr;  //!< null for --survival
  const SurvivalTable* survival = nullptr;
  std::size_t log_rows = 0;  //!< data rows read (0 for a summary)
  std::vector<FitResult> fits;
  std::vector<HoldoutCheck> holdout;
  std::optional<Tracking> tracking;
  std::size_t gamma_gamma_skipped_zero = 0;    //!< repeat buyers with m_x = 0 left out
  std::optional<Comparison> comparison;        //!< the purchase models side by side
  double holdout_length = 0;                   //!< in the time unit; 0 without a holdout
  std::optional<FrequencyTable> by_frequency;  //!< with a holdout
  std::string summary_source;                  //!< --summary FILE.csv, when the fit is from a summary
  const DiscreteSummary* discrete = nullptr;   //!< a bg_bb summary
};

//! Human-readable tables for stdout.
void print_console(std::ostream& out, const FitReport& report);

//! {"summary": {...}, "models": {"<model>": {"params": {...}, "se": {...}, "log_likelihood": ...}}}
//! (NaN as null).
void print_json(std::ostream& out, const FitReport& report);

//! `clvsim fit --predictions`: per customer x, t_x, T[, x_star] and, per purchase model,
//! <m>_p_alive and <m>_expected (`predicted` [model][customer]: E[Y | history] over the holdout or
//! the fragment's horizon); bg_nbd_p_alive_note marks the customers without a repeat purchase,
//! whose BG/NBD P(alive) = 1 is the model's assumption, not evidence.
void write_predictions(std::ostream& out, const CustomerSummary& summary, const std::vector<const FitResult*>& purchase,
                       const std::vector<std::vector<double>>& predicted);

//! Settings of the scenario fragment.
struct FragmentOptions {
  const FitResult* purchase = nullptr;  //!< bg_nbd, pareto_nbd or sbg
  const FitResult* spend = nullptr;     //!< gamma_gamma or null
  std::string history;                  //!< summary CSV relative to the TOML's directory; empty = none
  TimeUnit time_unit = TimeUnit::week;
  int horizon_periods = 52;
  std::string currency;  //!< economics.currency; empty: not written
  std::string name;      //!< simulation.name; empty: not written
  //! Write [purchase.uncertainty] / [spend.uncertainty]: the estimates' joint sampling
  //! distribution, multivariate log-normal with the fit's cov_log (see scenario_fragment).
  bool parameter_uncertainty = false;
  std::string history_note;  //!< why there is no history, when `history` is empty
};
//! A scenario fragment that `clvsim run` accepts: [simulation], [population], [purchase],
//! [spend], [economics] (currency). With parameter_uncertainty, each fitted group also gets
//!   [purchase.uncertainty]                       (and [spend.uncertainty] for gamma-gamma)
//!   dist = "mvlognormal"
//!   keys = ["r", "alpha", "a", "b"]              (the group's parameters, in this order)
//!   mean_log = [ln r̂, ln α̂, ln â, ln b̂]          (the maximum-likelihood estimates, logged)
//!   cov_log = [[...], ...]                       (FitResult::cov_log: I⁻¹ on ln θ)
//! i.e. ln θ ~ N(mean_log, cov_log), the asymptotic distribution of the estimates on the
//! optimiser's log scale (docs/model.md §13). A loader without correlated groups rejects it
//! as an unknown key; the fragment says so in a comment above the table.
std::string scenario_fragment(const FitReport& report, const FragmentOptions& options);

}  // namespace clvsim::fit
