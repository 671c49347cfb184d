#pragma once
//! Warnings about a valid scenario whose numbers would be silent nonsense (docs/model.md §5.4,
//! §11.1.7): an investment whose changes cannot reach profit, because the chain they act
//! through is left at its neutral (zero) key defaults or switched off; a lifetime CLV without
//! a finite mean or variance, undiscounted. Printed on stderr by `clvsim
//! validate`, `run` and `batch`; they never change the exit code or the results.
#include "scenarios/scenario.h"

#include <string>
#include <vector>

namespace clvsim::scenarios {

//! One line per problem, each "warning: <source>: investment '<name>': ...": naming the
//! investment, the keys whose change cannot reach profit, and the zero or missing keys
//! that would connect them (or why the change has no effect at all). Empty when every
//! change of every investment can move profit through some mechanism.
//!
//! Which change reaches profit through what is read off the model as implemented: each
//! change is applied alone (at full weight) to the scenario, every segment's kernel
//! constants (scenarios/segment_model.h) and the shop-level keys are compared with the
//! baseline's, and each constant that moved is followed along its chain (docs/model.md
//! §3-§7): to revenue (purchase, spend, hazard and frequency multipliers, referrals), to a
//! cost line, to satisfaction (which reaches profit only through churn_sensitivity,
//! frequency_sensitivity, reviews -> rating -> conversion, or referrals), or to the rating
//! (which reaches profit only through conversion of paid channels). A chain counts as
//! connected when it is in the baseline or in the investment's variant (all its changes).
//! A change that reaches profit only through costs is reported when its behavioural chain is
//! cut (a service change that can only change the cost of contacts).
//!
//! Then, with economics.discount_rate_annual = 0, one line per segment whose lifetime CLV
//! has no finite mean or variance ("warning: <source>: [segment '<name>': ]economics.
//! discount_rate_annual = 0 and <key> = <shape> <= 1 (or 2) ..."; the shape of the trait
//! that ends a life, docs/model.md §11.1.7).
std::vector<std::string> warnings(const Scenario& scenario);

}  // namespace clvsim::scenarios
