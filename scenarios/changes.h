#pragma once
//! An investment's change applied to a scenario (docs/model.md §8.2): the one copy of the
//! rule, used by the variants' schedules (engine/run/variants.cpp) and by the warnings about
//! investments that cannot reach profit (scenarios/warnings.h).
#include "scenarios/scenario.h"

namespace clvsim::scenarios {

//! Apply `change` with ramp weight w in (0, 1]: a numeric value moves from its current value b
//! toward the target (x, b + x or b x for set, add, multiply) by w; text and boolean values
//! switch when w > 0. "segment.<name>.<key>" sets that segment's override and re-resolves the
//! segments. The change was validated by the loader; throws std::invalid_argument for an
//! unknown segment or key.
void apply_change(Scenario& scenario, const Change& change, double w);

}  // namespace clvsim::scenarios
