#pragma once
//! Existing customers (SPEC §3.6): the `population.history` CSV and the closed-form
//! quantities each customer's posterior needs.
#include "scenarios/scenario.h"

#include <string>
#include <vector>

namespace clvsim {

//! One row of a history file, in population.history_time_unit.
struct ExistingCustomer {
  std::string id;
  double x = 0, t_x = 0, T = 0;   //!< repeat purchases, time of the last one, age (bg_nbd, pareto_nbd)
  double m_x = 0;                 //!< mean repeat order value (0 = unknown)
  bool has_m_x = false;
  int renewals = 0;               //!< sbg: renewals made so far
};

//! Read and validate a history file: header `customer_id,x,t_x,T` (+ optional `m_x`) for
//! bg_nbd and pareto_nbd, `customer_id,renewals` for sbg, columns in any order. Every
//! problem is an InputError naming file and line: "error: h.csv:7: t_x = 40 is greater than T = 38.86".
std::vector<ExistingCustomer> read_history(const std::string& path, scenarios::PurchaseModel model);

}  // namespace clvsim
