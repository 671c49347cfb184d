#include "engine/core/block_arena.h"

#include <sys/mman.h>

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace clvsim::core {

namespace {

constexpr std::size_t ALIGNMENT = 64;                      //!< a cache line; whole vectors for the kernel's loops
constexpr std::size_t SLAB_BYTES = std::size_t{64} << 20;  //!< 32 huge pages per slab
constexpr std::size_t HUGE_PAGE = std::size_t{2} << 20;

std::size_t rounded(std::size_t bytes)
{
  return (bytes + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
}

class Pool {
public:
  void* allocate(std::size_t bytes)
  {
    const std::size_t size = rounded(bytes == 0 ? 1 : bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(size);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      return p;
    }
    if (size > left_) new_slab(size);
    void* p = next_;
    next_ += size;
    left_ -= size;
    return p;
  }

  void deallocate(void* p, std::size_t bytes) noexcept
  {
    const std::size_t size = rounded(bytes == 0 ? 1 : bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    try {
      free_[size].push_back(p);
    } catch (...) {
      // no memory for the free list's bookkeeping: the piece is not reused (it stays mapped)
    }
  }

  std::size_t reserved() noexcept
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return reserved_;
  }

private:
  //! A fresh slab of at least `size` bytes, in huge pages where the system allows. What is
  //! left of the current slab is kept for the sizes that fit.
  void new_slab(std::size_t size)
  {
    const std::size_t bytes = size > SLAB_BYTES ? (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1) : SLAB_BYTES;
    // Over-map by one huge page so the slab can start on a huge-page boundary.
    const std::size_t mapped = bytes + HUGE_PAGE;
    void* m = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(m);
    const std::uintptr_t aligned = (start + HUGE_PAGE - 1) & ~(std::uintptr_t{HUGE_PAGE} - 1);
    ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // a hint: fine if refused
    if (left_ > 0) keep_rest();
    next_ = reinterpret_cast<char*>(aligned);
    left_ = bytes;
    reserved_ += mapped;
  }

  //! The unused end of the current slab, as a free piece of its own size.
  void keep_rest()
  {
    free_[left_].push_back(next_);
    left_ = 0;
  }

  std::mutex mutex_;
  std::unordered_map<std::size_t, std::vector<void*>> free_;  //!< size -> pieces given back
  char* next_ = nullptr;
  std::size_t left_ = 0;
  std::size_t reserved_ = 0;
};

Pool& pool()
{
  static Pool* p = new Pool;  // never destroyed: blocks of static objects may outlive it
  return *p;
}

}  // namespace

void* arena_allocate(std::size_t bytes)
{
  return pool().allocate(bytes);
}

void arena_deallocate(void* p, std::size_t bytes) noexcept
{
  if (p != nullptr) pool().deallocate(p, bytes);
}

std::size_t arena_reserved_bytes() noexcept
{
  return pool().reserved();
}

}  // namespace clvsim::core
