#pragma once
//! The human summary printed by `clvsim run` and `clvsim show` (docs/model.md §11.3): fits in
//! 100 columns; money with thousands separators and the currency, shares in percent.
#include <ostream>
#include <string>

#include "engine/run/results.h"

namespace clvsim::io {

//! How a KPI's values are formatted.
enum class KpiKind { money, share, count };

//! How a KPI's values are printed, from its unit in the KPI table (models/kpis.h): money,
//! shares as %, everything else as numbers. A dotted name ("baseline.npv_profit") is
//! classified by its last part; a name not in the table is a number.
KpiKind kpi_kind(const std::string& kpi);

//! `value` for a table cell: money as "1,234,567" (no decimals from 1,000 on, "12.35M" /
//! "1.23bn" when very large), shares as "12.3%", counts with thousands separators;
//! "n/a" for NaN, "inf"/"-inf" for infinities.
std::string format_value(double value, KpiKind kind);

//! Prints the summary: header (scenario, paths, horizon, seed, currency), per-path KPIs
//! of each variant (mean, sd, se, p05, p50, p95), a per-period table of the baseline,
//! segments (when 2+), investments (net NPV, ROI quantiles, P(roi>0), payback) and the
//! inputs that matter most (|Spearman|). Empty sections are skipped.
void print_summary(const Results& results, std::ostream& out);

//! The decision tables that follow the investments in print_summary (decisions.h): net NPV
//! p05..p95 and P(net > 0) per investment, "A beats B on X% of paired paths" for every pair,
//! and where each investment's net NPV comes from (revenue, cost of goods, gross margin, each
//! cost line, investment cost). Nothing without comparisons.
void print_decisions(const Results& results, std::ostream& out);

}  // namespace clvsim::io
