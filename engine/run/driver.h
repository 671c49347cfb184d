#pragma once
//! The run driver (docs/model.md §10): paths x fixed-size customer blocks on oneTBB, partial results
//! merged in a fixed order, so results are bitwise identical for any thread count. The
//! unit of work is a path with all its variants (engine/run/unit.h); a checkpoint journal or
//! the MPI driver shares the units out and gathers them (engine/run/exchange.h), and they
//! fold into the same bits wherever they were computed.
#include "engine/run/results.h"
#include "scenarios/scenario.h"

#include <cstdint>
#include <functional>
#include <string>

namespace clvsim {

namespace runner {
class UnitExchange;
}

//! Which kernel simulates a period of a block (docs/model.md §3.5): the fast one
//! (models/sim/kernel.h) or the plain reference it is tested against
//! (models/reference/kernel.h). Both give the same customers the same orders, churn,
//! incidents and reviews; sums of money agree to ~1e-12 relative.
enum class Kernel { fast, reference };

struct RunOptions {
  int threads = 0;           //!< 0 = all cores; 1 = in the calling thread, without starting oneTBB
  std::string command_line;  //!< recorded in the results
  std::string clvsim_version;
  //! What the results were made from and its hash (engine/run/checkpoint.h run_manifest() and
  //! run_hash()), recorded in the results; empty when the caller has none.
  std::string run_manifest, run_hash;
  //! Called after each finished path with (paths done, paths total); may be called from
  //! any worker thread, one call at a time.
  std::function<void(int, int)> on_progress;
  //! Let a path whose customers never interact (no acquisition after the start) run each
  //! block through all periods in one task. false forces the period-by-period schedule: the
  //! results are bitwise the same (a test checks it); only the speed differs.
  bool block_major = true;
  Kernel kernel = Kernel::fast;
  //! Where the paths' units come from and go (engine/run/exchange.h): null = every path is
  //! simulated here; a checkpoint journal (engine/run/checkpoint.h) or MPI ranks
  //! (engine/run/mpi_driver.h) otherwise. On a process that does not fold (an MPI rank other
  //! than 0) run() returns the results' provenance only.
  runner::UnitExchange* exchange = nullptr;
};

//! Estimated peak memory of a run in bytes: the process itself, customer state (at most ~80 bytes
//! per customer, for the paths in flight), a history's customers, and the results every output
//! is written from -- per variant (baseline, investments, portfolio, sweep points) and per
//! segment, paths x horizon values of each period KPI.
double estimate_memory_bytes(const scenarios::Scenario& scenario, int threads);

//! Simulate a scenario validated by the loader (scenarios/loader.h), which also read its
//! population.history. Throws InputError only when a path draws more than 2^20 - 1
//! customers for one channel in one period (a run-time limit of the customer ids).
Results run(const scenarios::Scenario& scenario, const RunOptions& options);

}  // namespace clvsim
