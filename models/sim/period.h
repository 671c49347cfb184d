#pragma once
//! What a kernel needs to know about the period it simulates (both kernels: the fast one,
//! models/sim/kernel.h, and the reference, models/reference/kernel.h).
#include "models/sim/segment_model.h"

#include <cstdint>
#include <span>

namespace clvsim::sim {

struct PeriodContext {
  std::uint64_t seed = 0;
  std::uint32_t path = 0;
  std::uint32_t period = 0;
  std::span<const SegmentModel> segments;  //!< the period's parameters, one per segment
  std::span<const double> discount;        //!< discount[k] = delta^k, k = 0..horizon
  int loyal_min_orders = 3;                //!< kpi.loyal_min_orders
};

}  // namespace clvsim::sim
