#pragma once
//! Memory for the columns of customer blocks (models/sim/block.h): a process-wide pool that
//! hands out 64-byte-aligned pieces of large slabs mapped with transparent huge pages
//! (madvise(MADV_HUGEPAGE)), and keeps a piece that is given back for the next request of
//! the same size instead of returning it to the system.
//!
//! Why: a run creates and frees blocks all the time (a block-major block's kernel state is
//! freed when the block is done, and the next block allocates the same sizes; every path
//! and variant allocates its blocks afresh). With malloc, freed block memory went back to the
//! system and came back as fresh 4 KiB pages, each zeroed by the kernel on its first touch:
//! 75,000 page faults in a 10M-customer run. From the pool, freed pieces are reused already
//! faulted in, and fresh ones come in 2 MiB pages (1,300 faults in the same run).
//!
//! Allocation happens per block and column, never per customer, so one lock is enough. The
//! pool only grows (up to the run's peak) and its slabs are released at exit.
#include <cstddef>
#include <new>
#include <vector>

namespace clvsim::core {

//! `bytes` (> 0) of memory aligned to 64 bytes from the pool; throws std::bad_alloc when the
//! system has no more.
void* arena_allocate(std::size_t bytes);

//! Give back a piece of arena_allocate(bytes) (same `bytes`) for reuse.
void arena_deallocate(void* p, std::size_t bytes) noexcept;

//! Bytes the pool has taken from the system so far (its slabs).
std::size_t arena_reserved_bytes() noexcept;

//! A standard allocator over the pool, for the block columns' std::vectors.
template <class T>
struct ArenaAllocator {
  using value_type = T;
  ArenaAllocator() noexcept = default;
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>&) noexcept  // NOLINT: rebinding is implicit
  {}
  T* allocate(std::size_t n) { return static_cast<T*>(arena_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { arena_deallocate(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const ArenaAllocator<U>&) const noexcept
  {
    return true;
  }
};

//! A block column.
template <class T>
using ArenaVector = std::vector<T, ArenaAllocator<T>>;

}  // namespace clvsim::core
