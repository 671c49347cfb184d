#pragma once
//! Numbers for choosing between investments, computed from a Results alone (a run's, or a
//! results file's): the "why" breakdown of each investment's NPV into its revenue, margin
//! and cost lines, and pairwise comparisons of investments on paired paths. The console and
//! JSON summaries and the HTML report all take them from here.
#include <string>
#include <vector>

#include "engine/run/results.h"
#include "engine/stats/summary.h"

namespace clvsim::io {

//! What the spread of a run without uncertain inputs is (docs/model.md §9.1): printed beside
//! P(roi > 0) by the console, the JSON comparisons and the report, so that a probability of
//! 100% is not read as certainty about the world.
inline constexpr const char* MONTE_CARLO_NOISE_NOTE =
    "no uncertain inputs: the spread across paths is Monte Carlo noise only (every input is taken as known); "
    "write uncertain inputs as distributions for uncertainty about the world";

//! Discount factor delta^t of each period t = 0 .. horizon-1, recovered from the baseline:
//! profit_cumulative_discounted rises by delta^t * profit_t in period t (docs/model.md §2), so at the
//! path with the largest |profit_t| (the least rounding) delta^t = (C_t - C_{t-1}) / profit_t.
//! A period with profit 0 on every path takes delta_1^t. Empty when the results have no
//! baseline `profit` and `profit_cumulative_discounted`.
std::vector<double> discount_factors(const Results& results);

//! The annual discount rate d of docs/model.md §2 that gives delta_1 for the results' period
//! (week: 7 days, month: 365.25/12): d = delta_1^(-365.25/L) - 1. NaN when unknown.
double annual_discount_rate(const Results& results, const std::vector<double>& discount);

//! One line of an investment's "why" breakdown: the NPV (discounted sum over the horizon)
//! of the change of one per-period KPI against the baseline, per path.
struct WhyLine {
  //! "revenue", "cost_of_goods" (revenue minus gross margin), "gross_margin", every
  //! per-period cost_* KPI but cost_investment (in the order of the file), "other" (only
  //! when profit is not gross margin minus the cost lines), "delta_npv", "cost_npv", "net_npv".
  std::string name;
  //! "step" (adds to the running total), "subtotal" (gross_margin, delta_npv, net_npv) or
  //! "reference" (revenue, the starting point).
  std::string role;
  //! +1 when a rise of the line raises profit (revenue, gross margin), -1 when it lowers it
  //! (costs): `sign * mean` is the line's contribution to net NPV.
  int sign = 1;
  std::vector<double> paths;  //!< NPV of the change on each path, in the KPI's own sign
  stats::Summary summary;     //!< of `paths`
};

//! Where an investment's net NPV comes from: revenue -> cost of goods -> gross margin ->
//! each cost line -> delta_npv (before the investment's own cost) -> cost_npv -> net_npv.
//! The lines delta_npv, cost_npv and net_npv are the results' own comparison metrics.
struct WhyBreakdown {
  std::string investment;
  std::vector<WhyLine> lines;
};

//! The breakdown of every comparison whose variant has the needed per-period KPIs (in
//! results order); empty without discount factors.
std::vector<WhyBreakdown> why_breakdowns(const Results& results);

//! Two investments (or an investment and the portfolio) compared path by path on one
//! comparison metric: common random numbers make the paths paired.
struct PairwiseComparison {
  std::string a, b;
  std::string metric;              //!< "net_npv"
  std::vector<double> difference;  //!< a - b per path (NaN where either is NaN)
  double p_a_better = 0;           //!< share of all paths with a > b
  double p_b_better = 0;           //!< share of all paths with b > a
  double p_tie = 0;                //!< share of all paths with a == b
  stats::Summary summary;          //!< of `difference`
};

//! Every pair of comparisons (i < j in results order) on `metric`.
std::vector<PairwiseComparison> pairwise_comparisons(const Results& results, const std::string& metric = "net_npv");

//! The variant called `name`, or nullptr.
const VariantResults* find_variant(const Results& results, const std::string& name);

}  // namespace clvsim::io
