#pragma once
//! The loops of a run over paths and customer blocks: serial or on oneTBB's threads.
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include <cstddef>

namespace clvsim::runner {

//! How a run's loops use threads. With one thread (RunOptions::threads = 1, or 0 on a
//! one-core machine) every loop runs in the calling thread and oneTBB is never started: its
//! start-up (the global control, the market, probing for optional libraries) costs ~2.5 ms,
//! a sixth of a small run. Otherwise oneTBB's parallel_for and
//! parallel_invoke. The results are the same either way (docs/model.md §10): every loop below writes
//! per-index outputs that are combined in index order.
struct Workers {
  bool serial = false;

  template <class Index, class F>
  void for_each(Index first, Index last, const F& f) const
  {
    if (serial)
      for (Index i = first; i < last; ++i) f(i);
    else
      tbb::parallel_for(first, last, f);
  }
  //! for_each in an isolated region (nested inside another parallel loop: a thread waiting
  //! for it must not pick up the outer loop's tasks, see oneTBB's this_task_arena::isolate).
  template <class Index, class F>
  void for_each_isolated(Index first, Index last, const F& f) const
  {
    if (serial)
      for_each(first, last, f);
    else
      tbb::this_task_arena::isolate([&] { tbb::parallel_for(first, last, f); });
  }
  template <class F, class G>
  void invoke(const F& f, const G& g) const
  {
    if (serial) {
      f();
      g();
    } else {
      tbb::parallel_invoke(f, g);
    }
  }
  std::size_t concurrency() const
  {
    return serial ? 1 : static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  }
};

}  // namespace clvsim::runner
