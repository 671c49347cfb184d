#pragma once
//! Maximum-likelihood fits of the purchase, spend and subscription models (docs/model.md §13):
//! BG/NBD (vectorised likelihood with analytic gradient, LD_LBFGS), Pareto/NBD (the stable
//! closed-form likelihood of models/purchase/pareto_nbd.h, LN_BOBYQA), gamma-gamma on the
//! repeat buyers (vectorised likelihood, LD_LBFGS) and sBG on a cohort survival table. Every fit is on log-parameters from
//! several data-scaled starting points (mle.h).
#include <span>
#include <string>
#include <vector>

#include "models/fit/mle.h"
#include "models/fit/summary.h"
#include "models/purchase/bg_nbd.h"
#include "models/purchase/pareto_nbd.h"
#include "models/purchase/sbg.h"
#include "models/spend/gamma_gamma.h"

namespace clvsim::fit {

//! BG/NBD {r, alpha, a, b} from per-customer (x, t_x, T) (collapsed internally).
FitResult fit_bg_nbd(std::span<const double> x, std::span<const double> t_x, std::span<const double> T);
FitResult fit_bg_nbd(const CollapsedSummary& data);

//! Pareto/NBD {r, alpha, s, beta}.
FitResult fit_pareto_nbd(const CollapsedSummary& data);

//! Gamma-gamma {p, q, gamma} on the customers with x >= 1 and m_x > 0 (the others are
//! skipped; `skipped_zero` receives how many repeat buyers had m_x = 0); vectorised
//! likelihood with analytic gradient (gamma_gamma_likelihood.h), LD_LBFGS.
FitResult fit_gamma_gamma(std::span<const double> x, std::span<const double> m_x,
                          std::size_t* skipped_zero = nullptr);

//! A cohort survival table: alive[k] members still subscribed at the start of period k,
//! k = 0, 1, ..., n (alive[0] is the cohort size).
struct SurvivalTable {
  std::string source;
  std::vector<double> alive;
};
//! Reads a CSV with the columns `period,alive` (periods 0, 1, 2, ... in order; alive
//! non-increasing, alive[0] > 0) through engine/core/csv.h. One InputError listing every bad
//! row with file:line (up to csv::MAX_PROBLEMS); IoError if unreadable.
SurvivalTable read_survival_table(const std::string& path);

//! sBG {alpha, beta} (Fader & Hardie 2007) from a survival table.
FitResult fit_sbg(const SurvivalTable& table);

//! Parameters of a fit as the closed-form structs.
models::bg_nbd::Params bg_nbd_params(const FitResult& fit);
models::pareto_nbd::Params pareto_nbd_params(const FitResult& fit);
models::gamma_gamma::Params gamma_gamma_params(const FitResult& fit);
models::sbg::Params sbg_params(const FitResult& fit);

}  // namespace clvsim::fit
