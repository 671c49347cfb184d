#pragma once
//! Existing customers (docs/model.md §3.6): the `population.history` CSV, read and validated by the
//! loader into Scenario::existing. Downstream code takes the rows as they are.
#include "models/kinds.h"

#include <istream>
#include <string>
#include <vector>

namespace clvsim::scenarios {

using models::PurchaseModel;

//! Largest x (repeat purchases) a history row may give: x + 1 orders must fit a uint32
//! order counter with room for the horizon's orders (clvsim#24 D5).
constexpr double MAX_HISTORY_ORDERS = 1e9;
//! Largest t_x and T, in population.history_time_unit: converted to any purchase.time_unit
//! (at most 365.25 days a year) they stay finite.
constexpr double MAX_HISTORY_TIME = 1e9;
//! Largest m_x (mean repeat order value): x * m_x stays finite in the gamma-gamma posterior.
constexpr double MAX_HISTORY_ORDER_VALUE = 1e12;
//! Largest sbg renewal count: INT_MAX - 1, so ExistingCustomer::renewals (an int) and
//! renewals + 1 never overflow.
constexpr double MAX_HISTORY_RENEWALS = 2147483646.0;

//! One row of a history file, in population.history_time_unit. Every value is within the
//! MAX_HISTORY_* bounds above.
struct ExistingCustomer {
  std::string id;
  double x = 0, t_x = 0, T = 0;  //!< repeat purchases, time of the last one, age (bg_nbd, pareto_nbd)
  double m_x = 0;                //!< mean repeat order value (0 = unknown)
  bool has_m_x = false;
  int renewals = 0;  //!< sbg: renewals made so far
};

//! Reads and validates a history file through engine/core/csv.h: header
//! `customer_id,x,t_x,T` (+ optional `m_x`) for bg_nbd and pareto_nbd, `customer_id,renewals`
//! for sbg, columns in any order, other columns ignored. Every problem is appended to
//! `problems` as "error: NAME:LINE: ..." (e.g. "error: h.csv:7: t_x = 40 is greater than
//! T = 38.86"), at most csv::MAX_PROBLEMS then "... and N more problems"; the rows returned
//! are complete only when nothing was appended. `model` is bg_nbd, pareto_nbd or sbg
//! (sbg_poisson has no posterior for histories: the loader refuses it before reading).
std::vector<ExistingCustomer> read_history(std::istream& in, const std::string& name, PurchaseModel model,
                                           std::vector<std::string>& problems);

}  // namespace clvsim::scenarios
