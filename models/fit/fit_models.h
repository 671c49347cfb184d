#pragma once
//! Maximum-likelihood fits of the purchase, spend and subscription models (docs/model.md §13):
//! BG/NBD and MBG/NBD (vectorised likelihood with analytic gradient, LD_LBFGS), Pareto/NBD
//! (the stable closed-form likelihood of models/purchase/pareto_nbd.h, ln F once per distinct
//! (x, t), LN_BOBYQA), BG/BB on discrete-time summaries (LN_BOBYQA), gamma-gamma on the
//! repeat buyers (vectorised likelihood, LD_LBFGS) and sBG on a cohort survival table. Every
//! fit is on log-parameters from several data-scaled starting points (mle.h). The
//! likelihoods of the large fits are summed in fixed chunks by `runner` (parallel.h): the
//! estimates are the same bits whatever runs the chunks.
#include <span>
#include <string>
#include <vector>

#include "models/fit/mle.h"
#include "models/fit/parallel.h"
#include "models/fit/summary.h"
#include "models/purchase/bg_bb.h"
#include "models/purchase/bg_nbd.h"
#include "models/purchase/mbg_nbd.h"
#include "models/purchase/pareto_nbd.h"
#include "models/purchase/sbg.h"
#include "models/spend/gamma_gamma.h"

namespace clvsim::fit {

//! BG/NBD {r, alpha, a, b} from per-customer (x, t_x, T) (collapsed internally).
FitResult fit_bg_nbd(std::span<const double> x, std::span<const double> t_x, std::span<const double> T);
FitResult fit_bg_nbd(const CollapsedSummary& data, const ChunkRunner& runner = {});

//! MBG/NBD {r, alpha, a, b} (Batislam, Denizel & Filiztekin 2007).
FitResult fit_mbg_nbd(const CollapsedSummary& data, const ChunkRunner& runner = {});

//! Pareto/NBD {r, alpha, s, beta}.
FitResult fit_pareto_nbd(const CollapsedSummary& data, const ChunkRunner& runner = {});

//! Gamma-gamma {p, q, gamma} on the customers with x >= 1 and m_x > 0 (the others are
//! skipped; `skipped_zero` receives how many repeat buyers had m_x = 0); vectorised
//! likelihood with analytic gradient (gamma_gamma_likelihood.h), LD_LBFGS. `weight` (empty:
//! 1 each) counts the customers a row stands for.
FitResult fit_gamma_gamma(std::span<const double> x, std::span<const double> m_x, std::size_t* skipped_zero = nullptr,
                          std::span<const double> weight = {});

//! Discrete-time (BG/BB) customers: x repeat transactions in n opportunities after the first,
//! the last at opportunity t_x; identical rows collapsed into counts.
struct DiscreteSummary {
  std::vector<int> x, t_x, n;
  std::vector<double> weight;
  double customers = 0;
  std::size_t rows() const { return x.size(); }
};
//! Collapses per-row (x, t_x, n) with counts (`count` empty: 1 each) into distinct rows.
DiscreteSummary collapse_discrete(std::span<const int> x, std::span<const int> t_x, std::span<const int> n,
                                  std::span<const double> count = {});

//! BG/BB {alpha, beta, gamma, delta} (Fader, Hardie & Shang 2010), LN_BOBYQA on the
//! collapsed rows (the likelihood costs O(n) per distinct row).
FitResult fit_bg_bb(const DiscreteSummary& data);

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
models::mbg_nbd::Params mbg_nbd_params(const FitResult& fit);
models::bg_bb::Params bg_bb_params(const FitResult& fit);
models::gamma_gamma::Params gamma_gamma_params(const FitResult& fit);
models::sbg::Params sbg_params(const FitResult& fit);

}  // namespace clvsim::fit
