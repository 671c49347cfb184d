#pragma once
//! The block kernel: one period of every customer in a block (SPEC §3.5), and the trait
//! draws of a new customer. Pure functions of (seed, path, customer id, period, purpose)
//! and the block's own state: the kernel touches nothing outside its block and tallies.
#include "models/sim/block.h"
#include "models/sim/period.h"
#include "models/sim/segment_model.h"

#include <cstdint>
#include <span>

namespace clvsim::sim {

//! Latent traits of n new customers of segment `model` (ids[k] < 2^40), drawn in batches
//! from the `traits` stream of each id (trait g on stream period g: 0 the order rate, 1 and
//! 2 the churn trait, 3 the spend trait, 4 the churn trait's log-space fallback for tiny beta
//! shapes) and the `satisfaction` stream (S0). Writes lambda,
//! churn, nu and S0 in Block units. A customer's traits do not depend on n or on the other
//! ids of the batch.
void draw_traits_batch(const SegmentModel& model, std::uint64_t seed, std::uint32_t path, std::size_t n,
                       const std::uint64_t* ids, float* lambda, float* churn, float* nu, float* sat);

//! The clocks of n new customers (ids[k] < 2^40), from block 0 of their `clocks` stream
//! (period 0): survival_clock[k] = -log u0 and order_clock[k] = -log u1, two independent
//! Exp(1) in single precision. sbg_poisson runs a customer's survival and its Poisson
//! orders on them (kernel.cpp); the other models ignore them. A customer's clocks do not
//! depend on n or on the other ids.
void draw_clocks(std::uint64_t seed, std::uint32_t path, std::size_t n, const std::uint64_t* ids,
                 float* survival_clock, float* order_clock);

//! draw_traits_batch for one customer.
void draw_traits(const SegmentModel& model, std::uint64_t seed, std::uint32_t path,
                 std::uint64_t id, float& lambda, float& churn, float& nu, float& sat);

//! Simulate period ctx.period for every live customer of `block`, adding its sums into
//! `tallies[segment]`. A customer acquired in this period places its acquisition order.
void simulate_period(Block& block, const PeriodContext& ctx, std::span<TallyRow> tallies);

//! Copy the live customers' order counts, CLV and revenue to the block's public arrays
//! (simulate_period keeps them in the live state and writes a customer's out when it
//! leaves): call after the block's last period, before reading the public arrays.
void flush_live(Block& block);

}  // namespace clvsim::sim
