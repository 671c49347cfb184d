#pragma once
//! The `--json` summary (docs/model.md §11.3): one JSON document with statistics across paths.
#include <string>
#include <vector>

#include "engine/run/results.h"

namespace clvsim::io {

//! One JSON document (UTF-8, pretty-printed, no trailing newline):
//!   clvsim_version, scenario, scenario_path, seed, paths, horizon, period, currency,
//!   variants.<v>.<per-path kpi>.{mean,sd,se,p05,p50,p95} (+ .sweep.<key> for sweeps),
//!   variants.<v>.segments.<s>.<per-path kpi>.{...},
//!   comparisons.<c>.<metric>.{mean,sd,se,p05,p50,p95} for every per-path metric but
//!   payback_period, comparisons.<c>.p_roi_positive, comparisons.<c>.payback_period.{p50,
//!   p_never}, comparisons.<c>.why.<line>.{mean,sd,se,p05,p50,p95} (the NPV of the change
//!   of revenue, cost of goods, gross margin and each cost line against the baseline, down
//!   to net_npv: decisions.h), pairwise[] {a, b, metric, p_a_better, p_b_better, p_tie,
//!   difference.{...}} for every pair of comparisons on paired paths,
//!   sensitivity.<output>.<parameter>.{spearman,tornado_low,tornado_high};
//!   for a subscription run (purchase.model = "sbg") subscription.{months_per_period,
//!   discount_rate_per_period, fee, derl.{periods,value}, del.{periods,value},
//!   retention_closed_form[], variants.<v>.mrr.{mean,p05,p95}[],
//!   variants.<v>.retention_by_tenure.{mean,se}[]} (docs/model.md §11.6).
//! Numbers are shortest round-trip decimals; NaN and infinities are null.
std::string to_json(const Results& results);

//! Median of payback periods where NaN means "never" and counts as +inf (type-7
//! quantile, like stats::summarize); +inf when the median is never, NaN when empty.
double payback_median(const std::vector<double>& payback_period);

//! Share of all paths with roi > 0 (NaN roi counts as not positive); NaN when empty.
double share_positive(const std::vector<double>& roi);

//! A JSON string literal of `text` (quoted, escaped, invalid UTF-8 replaced).
std::string json_quote(const std::string& text);
//! A JSON number with the shortest exact representation; null for NaN and infinities.
std::string json_number(double value);

}  // namespace clvsim::io
