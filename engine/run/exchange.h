#pragma once
//! Where a run's units come from and where they go (docs/scaling.md). Without an exchange a
//! process simulates every path and folds it. An exchange decides which paths this process
//! simulates, sees each unit this process finishes (to journal or send it), and hands the
//! fold the units finished elsewhere: by an earlier run (a checkpoint journal,
//! engine/run/checkpoint.h) or by other MPI ranks (engine/run/mpi_driver.h). The fold is
//! independent of where and in which order units arrive (engine/run/unit.h), so the results
//! are the same bits in every case.
#include "engine/run/unit.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace clvsim::runner {

//! The ranks that share the customer blocks of each path (docs/scaling.md §8): block b of a
//! path is simulated by rank b mod size(), and the ranks exchange what the shop-level state
//! and the accounting need. Collective: every rank calls the same functions in the same
//! order, on one thread. The path's simulation (engine/run/path.cpp) runs the same code with
//! one process (size() = 1: nothing to exchange) and with several.
class BlockExchange {
public:
  virtual ~BlockExchange() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  //! Every rank's `mine`, indexed by rank (this rank's own included).
  virtual std::vector<std::vector<std::byte>> allgather(std::vector<std::byte> mine) = 0;
  //! Rank 0: every rank's `mine`, indexed by rank; the other ranks: nothing.
  virtual std::vector<std::vector<std::byte>> gather(std::vector<std::byte> mine) = 0;
};

//! Folds one unit into the results (the driver's).
using FoldUnit = std::function<void(PathUnit&&)>;

//! The interface between the driver and the journal or the other ranks. The driver calls
//! start() once, then finished() for each unit it simulates (from worker threads, one call per
//! unit, possibly several at once), batch_done() on the calling thread after each batch of
//! paths, and finish() after the last batch. fold may be called from start(), batch_done()
//! and finish() only, on the calling thread.
class UnitExchange {
public:
  virtual ~UnitExchange() = default;
  //! Whether this process folds units into results (one process, or MPI rank 0).
  virtual bool folds() const = 0;
  //! Before any simulation: folds the units finished before, and returns the paths of
  //! 0 .. paths-1 this process simulates, in increasing order.
  virtual std::vector<std::uint32_t> start(const UnitCodec& codec, int paths, const FoldUnit& fold) = 0;
  //! A unit this process finished (before the driver folds it, if it folds).
  virtual void finished(const PathUnit& unit) = 0;
  //! After each batch of this process's paths.
  virtual void batch_done(const FoldUnit& fold) = 0;
  //! After this process's last batch: every unit not folded yet is folded (the folding
  //! process), or this process's units have left (the others).
  virtual void finish(const FoldUnit& fold) = 0;
  //! After start(): null when this process simulates whole paths (the units start() returned);
  //! otherwise every process runs every path start() returned, one after another, sharing
  //! each path's customer blocks through this exchange (docs/scaling.md §8); finished() is
  //! then called for each path on every process, and the folding process folds it.
  virtual BlockExchange* blocks() { return nullptr; }
};

}  // namespace clvsim::runner
