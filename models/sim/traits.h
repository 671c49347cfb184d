#pragma once
//! The latent traits and clocks of new customers (docs/model.md §3.1-3.3, §10): drawn once,
//! when a customer is created, in batches, each a pure function of its id.
#include "models/sim/segment_model.h"

#include <cstddef>
#include <cstdint>

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
//! orders on them (models/purchase/sbg_poisson.h); the other models ignore them. A customer's clocks do not
//! depend on n or on the other ids.
void draw_clocks(std::uint64_t seed, std::uint32_t path, std::size_t n, const std::uint64_t* ids, float* survival_clock,
                 float* order_clock);

//! draw_traits_batch for one customer.
void draw_traits(const SegmentModel& model, std::uint64_t seed, std::uint32_t path, std::uint64_t id, float& lambda,
                 float& churn, float& nu, float& sat);

}  // namespace clvsim::sim
