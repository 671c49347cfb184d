#pragma once
//! The fast block kernel: one period of every customer in a block (docs/model.md §3.5), an
//! optimisation of the reference kernel (models/reference/kernel.h) held against it by
//! tests/reference. Pure functions of (seed, path, customer id, period, purpose) and the
//! block's own state: the kernel touches nothing outside its block and tallies.
#include "models/sim/block.h"
#include "models/sim/period.h"
#include "models/sim/segment_model.h"

#include <cstdint>
#include <span>

namespace clvsim::sim {

//! Simulate period ctx.period for every live customer of `block`, adding its sums into
//! `tallies[segment]`. A customer acquired in this period places its acquisition order.
void simulate_period(Block& block, const PeriodContext& ctx, std::span<TallyRow> tallies);

//! Copy the live customers' order counts, CLV and revenue to the block's public arrays
//! (simulate_period keeps them in the live state and writes a customer's out when it
//! leaves): call after the block's last period, before reading the public arrays.
void flush_live(Block& block);

}  // namespace clvsim::sim
