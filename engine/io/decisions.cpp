#include "engine/io/decisions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

namespace clvsim::io {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<double>* find(const std::map<std::string, std::vector<double>>& m, const std::string& k)
{
  const auto it = m.find(k);
  return it == m.end() ? nullptr : &it->second;
}

//! NPV per path of (variant - baseline) of one per-period KPI: sum_t delta^t (v - b).
std::vector<double> npv_of_change(const std::vector<double>& v, const std::vector<double>& b,
                                  const std::vector<double>& discount, std::size_t paths)
{
  const std::size_t h = discount.size();
  std::vector<double> out(paths, 0.0);
  for (std::size_t p = 0; p < paths; ++p) {
    double s = 0;
    for (std::size_t t = 0; t < h; ++t) s += discount[t] * (v[p * h + t] - b[p * h + t]);
    out[p] = s;
  }
  return out;
}

WhyLine line(std::string name, std::string role, int sign, std::vector<double> paths)
{
  WhyLine l;
  l.name = std::move(name);
  l.role = std::move(role);
  l.sign = sign;
  l.paths = std::move(paths);
  l.summary = stats::summarize(std::span<const double>(l.paths));
  return l;
}

}  // namespace

const VariantResults* find_variant(const Results& r, const std::string& name)
{
  for (const auto& v : r.variants)
    if (v.name == name) return &v;
  return nullptr;
}

std::vector<double> discount_factors(const Results& r)
{
  if (r.variants.empty() || r.horizon <= 0) return {};
  const std::size_t h = static_cast<std::size_t>(r.horizon);
  std::vector<double> best_profit(h, 0.0), best_step(h, NaN);
  bool any = false;
  for (const auto& v : r.variants) {
    const auto* profit = find(v.kpis.periods, "profit");
    const auto* cum = find(v.kpis.periods, "profit_cumulative_discounted");
    if (!profit || !cum || profit->size() != cum->size() || profit->size() % h != 0) continue;
    any = true;
    for (std::size_t p = 0; p < profit->size() / h; ++p)
      for (std::size_t t = 0; t < h; ++t) {
        const double x = (*profit)[p * h + t];
        if (std::isfinite(x) && std::abs(x) > std::abs(best_profit[t])) {
          best_profit[t] = x;
          best_step[t] = (*cum)[p * h + t] - (t > 0 ? (*cum)[p * h + t - 1] : 0.0);
        }
      }
  }
  if (!any) return {};
  std::vector<double> d(h, NaN);
  d[0] = 1.0;  // period 0 is undiscounted (docs/model.md §2)
  for (std::size_t t = 1; t < h; ++t)
    if (best_profit[t] != 0.0) d[t] = best_step[t] / best_profit[t];
  // Periods with no profit anywhere: the geometric series through the first known factor.
  double delta = NaN;
  for (std::size_t t = 1; t < h && std::isnan(delta); ++t)
    if (std::isfinite(d[t]) && d[t] > 0) delta = std::pow(d[t], 1.0 / static_cast<double>(t));
  for (std::size_t t = 1; t < h; ++t)
    if (!std::isfinite(d[t])) d[t] = std::isnan(delta) ? 1.0 : std::pow(delta, static_cast<double>(t));
  return d;
}

double annual_discount_rate(const Results& r, const std::vector<double>& discount)
{
  if (discount.size() < 2 || !(discount[1] > 0)) return NaN;
  const double days = r.period == "week" ? 7.0 : r.period == "month" ? 365.25 / 12.0 : NaN;
  const double rate = std::pow(discount[1], -365.25 / days) - 1.0;
  // Shown to a person: the rate the scenario gave, not its last bits of rounding.
  return std::round(rate * 1e9) / 1e9;
}

std::vector<WhyBreakdown> why_breakdowns(const Results& r)
{
  std::vector<WhyBreakdown> out;
  const std::vector<double> discount = discount_factors(r);
  if (discount.empty()) return out;
  const std::size_t h = discount.size();
  const KpiTable& base = r.variants.front().kpis;
  for (const Comparison& c : r.comparisons) {
    const VariantResults* v = find_variant(r, c.name);
    const auto* delta_npv = find(c.paths, "delta_npv");
    const auto* cost_npv = find(c.paths, "cost_npv");
    const auto* net_npv = find(c.paths, "net_npv");
    if (!v || !delta_npv || !cost_npv || !net_npv) continue;
    const std::size_t paths = net_npv->size();
    const auto usable = [&](const std::string& kpi) {
      const auto* a = find(v->kpis.periods, kpi);
      const auto* b = find(base.periods, kpi);
      return a && b && a->size() == paths * h && b->size() == paths * h;
    };
    if (!usable("revenue") || !usable("gross_margin")) continue;
    const auto change = [&](const std::string& kpi) {
      return npv_of_change(v->kpis.periods.at(kpi), base.periods.at(kpi), discount, paths);
    };

    WhyBreakdown w;
    w.investment = c.name;
    const std::vector<double> revenue = change("revenue");
    const std::vector<double> margin = change("gross_margin");
    std::vector<double> goods(paths), explained = margin;
    for (std::size_t p = 0; p < paths; ++p) goods[p] = revenue[p] - margin[p];
    w.lines.push_back(line("revenue", "start", +1, revenue));
    w.lines.push_back(line("cost_of_goods", "step", -1, goods));
    w.lines.push_back(line("gross_margin", "subtotal", +1, margin));
    // Every cost line in the file, so that new ones appear here without a change.
    for (const auto& [kpi, values] : v->kpis.periods) {
      if (kpi.rfind("cost_", 0) != 0 || kpi == "cost_investment" || !usable(kpi)) continue;
      std::vector<double> cost = change(kpi);
      for (std::size_t p = 0; p < paths; ++p) explained[p] -= cost[p];
      w.lines.push_back(line(kpi, "step", -1, std::move(cost)));
    }
    // Profit is gross margin minus the cost lines; anything else shows up here, not hidden.
    std::vector<double> other(paths);
    double scale = 0, largest = 0;
    for (std::size_t p = 0; p < paths; ++p) {
      other[p] = (*delta_npv)[p] - explained[p];
      if (std::isfinite(other[p])) largest = std::max(largest, std::abs(other[p]));
      if (std::isfinite((*delta_npv)[p])) scale = std::max(scale, std::abs(revenue[p]) + std::abs((*delta_npv)[p]));
    }
    if (largest > 1e-9 * std::max(scale, 1.0)) w.lines.push_back(line("other", "step", +1, std::move(other)));
    w.lines.push_back(line("delta_npv", "subtotal", +1, *delta_npv));
    w.lines.push_back(line("cost_npv", "step", -1, *cost_npv));
    w.lines.push_back(line("net_npv", "subtotal", +1, *net_npv));
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<PairwiseComparison> pairwise_comparisons(const Results& r, const std::string& metric)
{
  std::vector<PairwiseComparison> out;
  for (std::size_t i = 0; i < r.comparisons.size(); ++i)
    for (std::size_t j = i + 1; j < r.comparisons.size(); ++j) {
      const auto* a = find(r.comparisons[i].paths, metric);
      const auto* b = find(r.comparisons[j].paths, metric);
      if (!a || !b || a->size() != b->size() || a->empty()) continue;
      PairwiseComparison pc;
      pc.a = r.comparisons[i].name;
      pc.b = r.comparisons[j].name;
      pc.metric = metric;
      pc.difference.resize(a->size());
      std::size_t better_a = 0, better_b = 0, tie = 0;
      for (std::size_t p = 0; p < a->size(); ++p) {
        const double x = (*a)[p], y = (*b)[p];
        pc.difference[p] = x - y;
        if (x > y)
          ++better_a;
        else if (y > x)
          ++better_b;
        else if (x == y)
          ++tie;
      }
      const double n = static_cast<double>(a->size());
      pc.p_a_better = static_cast<double>(better_a) / n;
      pc.p_b_better = static_cast<double>(better_b) / n;
      pc.p_tie = static_cast<double>(tie) / n;
      pc.summary = stats::summarize(std::span<const double>(pc.difference));
      out.push_back(std::move(pc));
    }
  return out;
}

}  // namespace clvsim::io
