#pragma once
// The sizes a run may have: one definition for the scenario loader that enforces them and the
// readers that meet them again in files (a results file's `horizon` and `paths`).

namespace clvsim {

//! Periods simulated at most: simulation.horizon, and the warm-up plus the horizon.
inline constexpr int MAX_PERIODS = 2400;
//! Monte Carlo paths at most (simulation.paths, --paths).
inline constexpr int MAX_PATHS = 10'000'000;

}  // namespace clvsim
