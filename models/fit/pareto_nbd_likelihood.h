#pragma once
//! Pareto/NBD log-likelihood over a collapsed summary for fits of large customer bases.
//!
//! The per-customer likelihood (models/purchase/pareto_nbd.h, F&H note eqs. (19)-(22)) is
//!   ln L = lnΓ(r+x) − lnΓ(r) + r ln α + s ln β
//!          + ln[ (α+T)^{−(r+x)} (β+T)^{−s} + s/(r+s+x) (F(t_x) − F(T)) ],
//! and its cost is the hypergeometric series inside ln F(t). F depends on (x, t) only, and a
//! transaction log on whole days has far fewer distinct (x, t) pairs (t = t_x or T) than
//! distinct customers (x, t_x, T): each pair's ln F is computed once per evaluation, then
//! combined per row with pareto_nbd::log_a0_from_f (the same fallbacks as the scalar form),
//! and lnΓ once per distinct x. Both passes run in fixed chunks (parallel.h): the result is the
//! same bits for any thread count and equals the sum of pareto_nbd::log_likelihood.
#include <array>
#include <vector>

#include "models/fit/parallel.h"
#include "models/fit/summary.h"

namespace clvsim::fit {

//! Pareto/NBD log-likelihood of a collapsed summary; parameters ordered {r, alpha, s, beta}.
class ParetoNbdLikelihood {
public:
  explicit ParetoNbdLikelihood(const CollapsedSummary& data, ChunkRunner runner = {});

  //! Σ weight·ln L_i at theta (all > 0); NaN where a series or quadrature fails.
  double operator()(const std::array<double, 4>& theta) const;

  //! Distinct (x, t) pairs whose ln F is computed per evaluation.
  std::size_t pairs() const { return pair_x_.size(); }

private:
  const CollapsedSummary& data_;
  ChunkRunner runner_;
  std::vector<double> pair_x_, pair_t_;        // the distinct (x, t) pairs
  std::vector<std::uint32_t> row_tx_, row_T_;  // each row's pairs (x, t_x) and (x, T)
  std::vector<std::uint32_t> row_run_;         // each row's run of equal x
};

}  // namespace clvsim::fit
