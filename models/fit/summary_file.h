#pragma once
//! `clvsim fit --summary FILE.csv`: a fit from a per-customer summary instead of a
//! transaction log (as CLVTools' compressed CBS and lifetimes' weights).
//!
//! Columns (header names, any order; read through engine/core/csv.h):
//!   x,t_x,T[,m_x]   continuous time (bg_nbd, mbg_nbd, pareto_nbd; gamma-gamma with m_x):
//!                   x repeat purchases (whole, >= 0), t_x the time of the last (0 when x = 0),
//!                   T the time observed, 0 <= t_x <= T, in --time-unit; m_x >= 0 the mean
//!                   repeat order value (used where x >= 1 and m_x > 0);
//!   x,t_x,n         discrete time (bg_bb): x repeat transactions in the n opportunities after
//!                   the first, the last at opportunity t_x; whole numbers 0 <= x <= t_x <= n,
//!                   x = 0 iff t_x = 0;
//! and optionally `count` (whole, >= 1: the customers sharing the row) and `customer_id`
//! (non-empty, unique). Every bad row is reported with file:line (up to csv::MAX_PROBLEMS) in
//! one InputError; an unreadable file is an IoError.
#include <string>
#include <vector>

#include "models/fit/fit_models.h"
#include "models/fit/summary.h"

namespace clvsim::fit {

//! A summary file as read.
struct SummaryFile {
  std::string source;
  bool discrete = false;    //!< the file has `n` (BG/BB) rather than `T`
  bool has_ids = false;     //!< a customer_id column
  bool has_counts = false;  //!< a count column
  std::size_t rows = 0;
  //! Continuous time: ids (the customer_id, or "line N"), x, t_x, T, m_x (0 without the
  //! column), count (empty without the column); x_star all 0 (no holdout).
  CustomerSummary continuous;
  //! Discrete time: per row.
  std::vector<int> x, t_x, n;
  std::vector<double> count;
  std::vector<std::string> ids;
};

//! Reads `path`; `time_unit` is recorded as the unit of t_x and T.
SummaryFile read_summary_file(const std::string& path, TimeUnit time_unit);

}  // namespace clvsim::fit
