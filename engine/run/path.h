#pragma once
//! One path of one variant (docs/model.md §3.5): the population, acquisition, the blocks'
//! periods through the kernel, the ordered merge of their tallies, the KPIs.
#include "engine/run/plan.h"
#include "engine/run/variants.h"
#include "models/kpis.h"
#include "models/sim/block.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clvsim::runner {

class BlockExchange;

//! Per-path output before it is copied into the results.
struct PathOutput {
  std::vector<std::vector<double>> periods;                   //!< [kpi][t], overall
  std::vector<std::vector<std::vector<double>>> seg_periods;  //!< [segment][kpi][t]
  std::map<std::string, double> path_kpis;
  std::vector<std::map<std::string, double>> seg_path_kpis;
  //! The customers of histogram paths, in pieces: the blocks' own arrays (moved, not
  //! copied) when every customer is kept, else one piece of every stride-th customer
  std::vector<sim::Column<float>> clv_sample, revenue_sample;
  std::vector<double> existing_orders, existing_clv;  //!< per existing customer (CLV inside the horizon)
  std::vector<double> existing_clv_lifetime;          //!< per existing customer, with its residual (§11.1.7)
  //! Plan::subscription only: [k] the share of the initial cohort still subscribed after k
  //! renewal decisions (its customers with more than k payments), k = 0 .. horizon - 1; NaN
  //! without an initial cohort. Empty otherwise.
  std::vector<double> retention_by_tenure;
};

//! One path of one variant. `base` is the path's baseline scenario (uncertain inputs
//! drawn), against which channel saturation compares budgets; `schedule` gives each
//! period's setup. With `blocks` (engine/run/exchange.h; null: one process) the path's blocks
//! are shared out to its ranks, every rank calls simulate_path for the path, and `out` is
//! complete on rank 0 only (docs/scaling.md §8); the bits are those of one process.
void simulate_path(const Plan& plan, const scenarios::Scenario& base, const VariantSchedule& schedule,
                   std::uint32_t path, PathOutput& out, BlockExchange* blocks = nullptr);

}  // namespace clvsim::runner
