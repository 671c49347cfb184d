#pragma once
//! The immutable work plan of a run, shared by all its paths (docs/model.md §10): the
//! period kernel, the block size, the segments' constants, the discount factors, and the
//! existing customers with their closed-form forecasts.
#include "engine/run/workers.h"
#include "models/purchase/model.h"
#include "models/sim/block.h"
#include "models/sim/period.h"
#include "models/sim/segment_model.h"
#include "scenarios/history.h"
#include "scenarios/scenario.h"

#include <cstdint>
#include <span>
#include <vector>

namespace clvsim::runner {

//! Ids of acquired customers encode (period, channel slot, index), so a customer keeps its
//! id (and so its random numbers) in every variant where it is acquired:
//! 2^39 | t << 26 | slot << 20 | k (docs/model.md §10.3). Slot 0 is the referral channel.
inline constexpr std::uint64_t ACQUIRED_ID_BASE = std::uint64_t{1} << 39;
inline constexpr std::uint64_t MAX_PER_CHANNEL_PERIOD = std::uint64_t{1} << 20;
inline constexpr int MAX_CHANNEL_SLOTS = 64;
static_assert(scenarios::MAX_ACQUISITION_CHANNELS + 1 <= MAX_CHANNEL_SLOTS, "the referral channel needs a slot");

//! Per-customer CLVs are kept for the histogram and the concentration curve of the first
//! HISTOGRAM_PATHS paths, at most HISTOGRAM_SAMPLE customers of each.
inline constexpr int HISTOGRAM_PATHS = 5;
inline constexpr int HISTOGRAM_BINS = 40;
inline constexpr std::size_t HISTOGRAM_SAMPLE = 1000000;

//! A period kernel: sim::simulate_period (fast) or reference::simulate_period.
using PeriodKernel = void (*)(sim::Block&, const sim::PeriodContext&, std::span<sim::TallyRow>);

//! The immutable work plan shared by all paths.
struct Plan {
  Workers workers;
  const scenarios::Scenario* scenario = nullptr;
  int horizon = 0;
  int warmup = 0;  //!< simulation.warmup_periods: the path's periods u = 0 .. warmup + horizon - 1 are t = u - warmup
  std::size_t block_size = 16384;
  bool block_major = true;  //!< RunOptions::block_major
  //! The period kernel of RunOptions::kernel (sim::simulate_period or reference::simulate_period).
  PeriodKernel simulate_period = nullptr;
  std::vector<sim::SegmentModel> segments;
  std::vector<double> segment_cumulative_share;
  std::vector<double> discount;  //!< delta^k, k = 0 .. max(horizon, warmup)
  double period_years = 0;
  //! purchase.model = "sbg" (every segment's: the loader allows no mix): the paths measure
  //! the initial cohort's retention by tenure (PathOutput::retention_by_tenure).
  bool subscription = false;
  // existing customers (docs/model.md §3.6), their history converted to purchase.time_unit
  std::vector<scenarios::ExistingCustomer> existing;
  std::vector<std::vector<double>> existing_p_alive;                 //!< [segment][customer]
  std::vector<double> existing_p_alive_mix, existing_closed_orders;  //!< mixed over segment shares
};

//! The plan of a validated scenario.
Plan make_plan(const scenarios::Scenario& scenario, const Workers& workers, PeriodKernel kernel);

//! An existing customer's history in the purchase model's time unit (the file's are
//! population.history_time_unit: `to_unit` time units each).
models::CustomerHistory history_in_units(const scenarios::ExistingCustomer& c, double to_unit);

//! The closed forms of an existing customer of a segment (docs/model.md §3.6): P(alive now)
//! and its expected orders over the horizon (horizon_units time units, `horizon` periods).
models::HistoryForecast existing_forecast(const sim::SegmentModel& m, const scenarios::ExistingCustomer& c,
                                          double to_unit, double horizon_units, int horizon);

}  // namespace clvsim::runner
