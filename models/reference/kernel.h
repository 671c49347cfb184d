#pragma once
//! The reference kernel: one period of the whole customer model (docs/model.md §3.5), written
//! plainly, one customer at a time, one short function per step, in the order the model
//! defines them. It is the model's executable definition: the fast kernel
//! (models/sim/kernel.h) is an optimisation of it and is tested against it customer by
//! customer (tests/reference). A new mechanism is added here first.
//!
//! Both kernels draw from the same random streams with the same layout (docs/model.md §10)
//! and compute every quantity that is compared with a random number (hazards, order rates,
//! satisfaction) with the same functions in the same precision (models/sim/service.h,
//! models/sim/orders.h), so they take the same decisions: the same orders, churn periods,
//! incidents, contacts, reviews and enrolments. Sums of money may differ in their last bits
//! (they are added in another order). Selected with `clvsim run --kernel reference`.
#include "models/sim/block.h"
#include "models/sim/period.h"

#include <span>

namespace clvsim::reference {

//! Simulate period ctx.period for every live customer of `block`, adding its sums into
//! `tallies[segment]`: the same contract as sim::simulate_period.
void simulate_period(sim::Block& block, const sim::PeriodContext& ctx, std::span<sim::TallyRow> tallies);

}  // namespace clvsim::reference
