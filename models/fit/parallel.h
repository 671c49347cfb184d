#pragma once
//! Parallel sums for the likelihoods with a deterministic reduction: the same estimates for
//! any number of threads.
//!
//! The rows of a likelihood are cut into chunks of a fixed size (CHUNK_ROWS, never derived from
//! the thread count); each chunk's partial sums go into their own slot, and the slots are
//! added in chunk order on the calling thread. Whether the chunks ran on one thread or many,
//! in which order, the result is the same bits.
//!
//! models/ starts no threads (tools/check_layers.py): who runs the chunks is passed in as a
//! ChunkRunner. The default runs them in order on the calling thread; `clvsim fit` passes a
//! oneTBB parallel_for (engine/cli/fit_command.cpp, --threads).
#include <array>
#include <cstddef>
#include <functional>
#include <vector>

namespace clvsim::fit {

//! Runs body(k) once for every k in [0, count), in any order and possibly concurrently; returns
//! when all have finished. body(k) writes only its own slot.
using ChunkRunner = std::function<void(std::size_t count, const std::function<void(std::size_t)>& body)>;

//! body(0), body(1), ... on the calling thread.
void run_in_order(std::size_t count, const std::function<void(std::size_t)>& body);

//! Rows per chunk. Fixed, so the reduction does not depend on the thread count; large enough
//! that a chunk's SIMD work (tens of microseconds) dwarfs the scheduling.
constexpr std::size_t CHUNK_ROWS = 8192;

//! Number of chunks of `rows` rows.
inline std::size_t chunk_count(std::size_t rows)
{
  return (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
}

//! Sums of K quantities over rows [0, rows): part(begin, end) returns the K sums over one
//! chunk; the chunks' results are added in chunk order.
template <std::size_t K, class Part>
std::array<double, K> chunked_sum(std::size_t rows, const ChunkRunner& runner, const Part& part)
{
  const std::size_t chunks = chunk_count(rows);
  std::vector<std::array<double, K>> partial(chunks);
  const std::function<void(std::size_t)> body = [&](std::size_t k) {
    const std::size_t begin = k * CHUNK_ROWS, end = begin + CHUNK_ROWS < rows ? begin + CHUNK_ROWS : rows;
    partial[k] = part(begin, end);
  };
  if (runner)
    runner(chunks, body);
  else
    run_in_order(chunks, body);
  std::array<double, K> total{};
  for (const auto& p : partial)
    for (std::size_t j = 0; j < K; ++j) total[j] += p[j];
  return total;
}

}  // namespace clvsim::fit
