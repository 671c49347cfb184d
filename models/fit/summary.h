#pragma once
//! Per-customer RFM summary of a transaction log (docs/model.md §13; Fader, Hardie & Lee 2005,
//! conventions in tests/data/README.md): for each customer whose first purchase is on or
//! before the calibration end,
//!   x    = purchase days after the first one, up to and including the calibration end
//!          (repeat transactions; the first purchase is not counted),
//!   t_x  = (last such day − first purchase day) / unit, 0 when x = 0,
//!   T    = (calibration end − first purchase day) / unit,
//!   m_x  = mean merged amount of the x calibration repeat transactions; 0 when x = 0 (the
//!          gamma-gamma posterior Gamma(q + p·x, gamma + x·m_x) ignores m_x when x = 0),
//!   x*   = purchase days in the holdout (calibration end, holdout end].
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "models/fit/transactions.h"

namespace clvsim::fit {

//! Time unit of x, t_x, T and of the fitted rates.
enum class TimeUnit { day, week, month };
//! Days per unit: 1, 7, 365.25/12 (docs/model.md §2).
double days_in(TimeUnit unit);
const char* to_string(TimeUnit unit);
std::optional<TimeUnit> parse_time_unit(const std::string& text);

//! Where the calibration and holdout periods end (day numbers, inclusive).
struct SummaryOptions {
  int calibration_end = 0;
  std::optional<int> holdout_end;  //!< > calibration_end
  TimeUnit time_unit = TimeUnit::week;
};

//! The summary of every customer in the calibration cohort, in the log's customer order.
struct CustomerSummary {
  std::vector<std::string> ids;
  std::vector<double> x, t_x, T, m_x, x_star;  //!< x_star is 0 without a holdout
  //! Customers each row stands for (a summary file's `count` column); empty: one each.
  std::vector<double> count;
  std::vector<int> first_day;  //!< day number of the first purchase
  bool has_amounts = false;
  TimeUnit time_unit = TimeUnit::week;
  int calibration_end = 0;
  std::optional<int> holdout_end;
  std::size_t transactions = 0;          //!< merged customer-days of the cohort, through the last observed day
  std::size_t repeat_customers = 0;      //!< customers with x >= 1
  std::size_t repeat_transactions = 0;   //!< sum of x
  std::size_t holdout_transactions = 0;  //!< sum of x*
  std::size_t excluded_customers = 0;    //!< first purchase after the calibration end
  int origin_day = 0;                    //!< earliest first purchase
  //! Repeat transactions per day, day origin_day + i, through the holdout end (or the
  //! calibration end): the "actual" line of the tracking plot.
  std::vector<std::int64_t> repeat_by_day;

  //! Rows (customers, or groups of customers sharing a row of a summary file).
  std::size_t customers() const { return ids.size(); }
  //! Customers a row stands for.
  double weight(std::size_t i) const { return count.empty() ? 1.0 : count[i]; }
  //! Customers in all (Σ count).
  double total_customers() const;
};

//! Builds the summary. Throws InputError "<source>: no transactions on or before the
//! calibration end YYYY-MM-DD" when the cohort is empty.
CustomerSummary summarize(const TransactionLog& log, const SummaryOptions& options);

//! Writes `customer_id,x,t_x,T,m_x` (m_x only when the log has amounts; 0 when x = 0),
//! numbers in shortest round-trip form: the `population.history` format (docs/model.md §3.6).
void write_summary_csv(const CustomerSummary& summary, std::ostream& out);

//! Customers with identical (x, t_x, T) collapsed into weighted rows, sorted by x, for the
//! likelihoods: their cost is per distinct row, not per customer.
struct CollapsedSummary {
  Eigen::ArrayXd x, t_x, T, weight;
  //! Runs of equal x: rows [run_start[k], run_start[k+1]) have x = run_x[k].
  std::vector<Eigen::Index> run_start;
  std::vector<double> run_x;
  double customers = 0;

  Eigen::Index rows() const { return x.size(); }
};

//! `count[i]` (empty: 1 each) is the number of customers row i stands for.
CollapsedSummary collapse(std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
                          std::span<const double> count = {});

//! Shortest decimal text that reads back as the same double.
std::string shortest(double value);

}  // namespace clvsim::fit
