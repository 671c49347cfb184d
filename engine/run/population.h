#pragma once
//! The customers of one path (docs/model.md §3.1, §3.7): fixed-capacity blocks filled in
//! creation order, and the creation of new customers with their segments, traits and clocks.
#include "engine/run/variants.h"
#include "models/sim/block.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace clvsim::runner {

//! All customers of one path, in fixed-capacity blocks filled in creation order.
class Population {
public:
  explicit Population(std::size_t block_size) : block_size_(block_size) {}
  sim::Block& next_slot()
  {
    if (blocks_.empty() || blocks_.back().size() == block_size_) {
      blocks_.emplace_back();
      blocks_.back().reserve(block_size_);
    }
    return blocks_.back();
  }
  std::vector<sim::Block>& blocks() { return blocks_; }
  std::size_t block_size() const { return block_size_; }

private:
  std::size_t block_size_;
  std::vector<sim::Block> blocks_;
};

//! The traits and clocks of new customers (docs/model.md §3.1-3.3), one entry each.
struct NewTraits {
  std::vector<std::uint8_t> seg;
  std::vector<float> lambda, churn, nu, sat, sclock, oclock;
};

//! The traits of the n customers with ids first_id .. first_id + n - 1 joining with the
//! setup `setup` (of the period they join in): segments first (the segment stream of each
//! id, against `cumulative`, one cumulative share per segment: a channel's mix, or, when
//! nullptr, the scenario's setup.segment_cumulative_share), then each segment's traits in one batch (a customer's draws do not depend on the
//! batch it is drawn in). In this thread's scratch: valid until its next call (the arrays
//! keep their size from block to block, so they are neither reallocated nor zeroed).
//! `wanted` (when not empty, one flag per customer): only those customers' traits and clocks
//! are drawn, the others' left 0 (their segments are drawn all the same).
const NewTraits& draw_new_traits(const PeriodSetup& setup, std::uint64_t seed, std::uint32_t path,
                                 std::uint64_t first_id, std::size_t n, const std::vector<double>* cumulative = nullptr,
                                 const std::vector<std::uint8_t>& wanted = {});

//! Which blocks this process simulates (several MPI ranks with customer-block units,
//! docs/scaling.md §8): block b is rank b mod ranks's. One rank owns every block.
struct BlockOwner {
  std::size_t ranks = 1, rank = 0;
  bool owns(std::size_t block) const { return block % ranks == rank; }
};

//! `count` new customers with ids first_id, first_id + 1, ..., acquired in `period`, with the
//! traits of that period's setup (so a change to a trait distribution applies to customers
//! acquired from then on), pushed in id order, their segments drawn against `cumulative`
//! (draw_new_traits). Returns their segments, in that order. Customers that land in a block
//! `owner` does not own get their segment but no traits (every rank creates every customer,
//! for the counts; only the block's owner simulates it, and nothing else reads its traits).
std::vector<std::uint8_t> add_customers(Population& pop, const PeriodSetup& setup, std::uint64_t seed,
                                        std::uint32_t path, int period, std::uint8_t flags, std::uint64_t first_id,
                                        std::size_t count, const std::vector<double>* cumulative = nullptr,
                                        BlockOwner owner = {});

}  // namespace clvsim::runner
