#pragma once
//! A segment's behaviour resolved into the kernels' per-period constants (docs/model.md
//! §3-§7): rates converted from purchase.time_unit to the simulation period, policies,
//! marketing and loyalty folded into multipliers and costs.
#include "models/sim/segment_model.h"
#include "scenarios/scenario.h"

namespace clvsim::scenarios {

//! The kernels' constants of a segment with behaviour `behaviour` in a simulation stepping
//! by `period`.
sim::SegmentModel segment_model(const Behaviour& behaviour, Period period);

}  // namespace clvsim::scenarios
