#pragma once
//! The unit of work of a run and its binary record (docs/scaling.md). A unit is one path with
//! all its variants: the variants of a path share its draws of the uncertain inputs and its
//! customers' random numbers (common random numbers), so they belong together. A unit holds
//! everything the fold needs from its path: the variants' per-period and per-path KPIs (the
//! comparisons and the sensitivity are computed from those after all paths), the histogram
//! and concentration sample of the first HISTOGRAM_PATHS paths, and the baseline's per
//! existing customer orders and CLV (the forecast sums). The driver folds units into the
//! results in any order and gives the same bits: per-path values go to their path's slots,
//! and the forecast sums are added in path order.
//!
//! The record is what a checkpoint journal stores (engine/run/checkpoint.h) and what an MPI
//! rank sends to rank 0 (engine/run/mpi_driver.h). Layout, in host byte order (clvsim runs
//! on little-endian machines; the journal's header records the order), no padding:
//!
//!   u32 UNIT_FORMAT
//!   u32 path
//!   u32 V variants, u32 S segments, u32 H horizon, u32 K period KPIs,
//!   u32 W path KPIs of the whole shop, u32 G path KPIs of a segment, u32 D uncertain inputs,
//!   u32 R retention values (H for a subscription run, purchase.model = "sbg", else 0),
//!   u64 E existing customers
//!   f64 draws[D]                                  the path's draws, Scenario::uncertain order
//!   per variant v = 0 .. V-1 (make_variants order):
//!     f64 [K][H]                                  the shop's period KPIs (models::PERIOD_KPIS order)
//!     per segment: f64 [K][H]
//!     f64 [W]                                     path KPIs, path_kpi_names(scenario, false) order
//!     per segment: f64 [G]                        path_kpi_names(scenario, true) order
//!     f64 [R]                                     retention by tenure (PathOutput::retention_by_tenure)
//!     u32 C; C times: u64 n, f32 [n]              CLV sample pieces (C = 0 unless path < HISTOGRAM_PATHS)
//!     u32 C; C times: u64 n, f32 [n]              revenue sample pieces
//!   f64 existing_orders[E], f64 existing_clv[E], f64 existing_clv_lifetime[E]   the baseline's, per existing customer
//!
//! Doubles and floats are copied bit for bit (NaN payloads included). Without samples a
//! record takes 48 + 8 D + V (8 ((S + 1) K H + W + S G + R) + 8) + 24 E bytes (fixed_bytes()).
#include "engine/run/path.h"
#include "scenarios/scenario.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace clvsim::runner {

//! Version of the record layout above; a record of another version is not read.
//! 2: R and the retention by tenure added. 3: existing_clv_lifetime added. 4: the path KPIs
//! clv_existing_mean and customer_equity_existing added.
inline constexpr std::uint32_t UNIT_FORMAT = 4;

//! One path of every variant.
struct PathUnit {
  std::uint32_t path = 0;
  std::vector<double> draws;         //!< the path's uncertain inputs, Scenario::uncertain order
  std::vector<PathOutput> variants;  //!< [variant]; existing_orders/existing_clv only in variants[0]
};

//! The names of a table's path KPIs, in the order the results keep them: models::PATH_KPIS
//! (the first SEGMENT_PATH_KPI_COUNT for a segment), then "cac_paid_<channel>" per channel
//! for the whole shop.
std::vector<std::string> path_kpi_names(const scenarios::Scenario& scenario, bool segment);

//! Writes and reads the record of a unit of one run (its variants, segments, horizon, KPIs,
//! uncertain inputs and existing customers fix the layout).
class UnitCodec {
public:
  //! The layout of a run of `scenario` (validated, history read) with `variants` variants.
  UnitCodec(const scenarios::Scenario& scenario, std::size_t variants);

  //! The record of `unit`.
  std::vector<std::byte> encode(const PathUnit& unit) const;
  //! The unit of a record of this run's layout; nullopt when the record is not one (another
  //! format or layout, or a length that does not add up).
  std::optional<PathUnit> decode(std::span<const std::byte> record) const;
  //! Bytes of a record without histogram samples.
  std::size_t fixed_bytes() const;

private:
  std::uint32_t variants_, segments_, horizon_, period_kpis_, whole_kpis_, segment_kpis_, draws_, retention_;
  std::uint64_t existing_;
  std::vector<std::string> whole_names_, segment_names_;
};

}  // namespace clvsim::runner
