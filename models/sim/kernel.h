#pragma once
//! The block kernel: one period of every customer in a block (SPEC §3.5), and the trait
//! draws of a new customer. Pure functions of (seed, path, customer id, period, purpose)
//! and the block's own state: the kernel touches nothing outside its block and tallies.
#include "models/sim/block.h"
#include "models/sim/segment_model.h"

#include <cstdint>
#include <span>

namespace clvsim::sim {

//! What the kernel needs to know about the period it simulates.
struct PeriodContext {
  std::uint64_t seed = 0;
  std::uint32_t path = 0;
  std::uint32_t period = 0;
  std::span<const SegmentModel> segments;
  std::span<const double> discount;   //!< discount[k] = delta^k, k = 0..horizon
  int loyal_min_orders = 3;
};

//! Latent traits of a new customer of segment `model`, drawn from the `traits` and
//! `satisfaction` streams of its id. Writes lambda, churn, nu and S0 in Block units.
void draw_traits(const SegmentModel& model, std::uint64_t seed, std::uint32_t path,
                 std::uint64_t id, float& lambda, float& churn, float& nu, float& sat);

//! Simulate period ctx.period for every live customer of `block`, adding its sums into
//! `tallies[segment]`. A customer acquired in this period places its acquisition order.
void simulate_period(Block& block, const PeriodContext& ctx, std::span<TallyRow> tallies);

}  // namespace clvsim::sim
