#include "engine/io/console_summary.h"
#include "engine/io/decisions.h"
#include "engine/io/subscription.h"

#include "models/kpis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/io/json_summary.h"
#include "engine/stats/summary.h"

namespace clvsim::io {

namespace {

constexpr int INDENT = 2;

//! printf into a std::string.
template <class... Args>
std::string fmt(const char* format, Args... args)
{
  char buf[128];
  const int n = std::snprintf(buf, sizeof buf, format, args...);
  return std::string(buf, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

//! "%.*f" with thousands separators in the integer part: 1234567.5 -> "1,234,567.50".
std::string grouped(double x, int decimals)
{
  const std::string s = fmt("%.*f", decimals, x);
  const std::size_t start = (s[0] == '-') ? 1 : 0;
  std::size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  std::string out = s.substr(0, start);
  for (std::size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out += ',';
    out += s[i];
  }
  out += s.substr(end);
  return out;
}

//! Control characters (newlines, tabs in scenario or variant names) as spaces: one
//! table row stays one line.
std::string printable(std::string s)
{
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

std::string cell(const std::string& s, int width)
{
  if (static_cast<int>(s.size()) >= width) return " " + s;
  return std::string(static_cast<std::size_t>(width - static_cast<int>(s.size())), ' ') + s;
}

std::string left(std::string s, int width)
{
  s = printable(std::move(s));
  if (static_cast<int>(s.size()) > width) return s.substr(0, static_cast<std::size_t>(width - 1)) + "~";
  return s + std::string(static_cast<std::size_t>(width - static_cast<int>(s.size())), ' ');
}

//! A p-value as read: "n/a", "<0.001", or three decimals.
std::string p_value_text(double p)
{
  if (std::isnan(p)) return "n/a";
  if (p < 0.001) return "<0.001";
  return fmt("%.3f", p);
}

std::string plural_period(const std::string& period)
{
  if (period.empty()) return "periods";
  return period + "s";
}

double mean_of(std::span<const double> v)
{
  return stats::summarize(v).mean;
}

//! The KPIs of `wanted` present in `table` (in `wanted`'s order); the first `max` of the
//! table's own keys when none of them is.
std::vector<std::string> pick(const std::map<std::string, std::vector<double>>& table,
                              const std::vector<std::string>& wanted, std::size_t max)
{
  std::vector<std::string> out;
  for (const auto& k : wanted)
    if (table.count(k) && out.size() < max) out.push_back(k);
  if (out.empty())
    for (const auto& [k, v] : table)
      if (out.size() < max) out.push_back(k);
  return out;
}

const std::vector<std::string> HEADLINE = {"npv_profit", "revenue_total", "customers_acquired",
                                           "clv_mean",   "clv_to_cac",    "nps_final"};
//! The by-segment table's: the headline and each segment's own CAC (its channel mix's).
const std::vector<std::string> SEGMENT_HEADLINE = {"npv_profit", "revenue_total", "customers_acquired", "clv_mean",
                                                   "cac_mean",   "clv_to_cac",    "nps_final"};

//! Per-path KPIs in the order of docs/model.md §11.1; others follow alphabetically.
const std::vector<std::string> PATH_KPI_ORDER = {"npv_profit",
                                                 "revenue_total",
                                                 "customers_acquired",
                                                 "clv_mean",
                                                 "clv_horizon_mean",
                                                 "clv_initial_cohort_mean",
                                                 "value_after_horizon",
                                                 "clv_existing_mean",
                                                 "customer_equity_existing",
                                                 "cac_mean",
                                                 "clv_to_cac",
                                                 "repeat_revenue_share",
                                                 "return_ratio_loyal_vs_onetime",
                                                 "nps_final",
                                                 "rating_final"};

std::vector<std::string> ordered_keys(const std::map<std::string, std::vector<double>>& table)
{
  std::vector<std::string> out;
  for (const auto& k : PATH_KPI_ORDER)
    if (table.count(k)) out.push_back(k);
  for (const auto& [k, v] : table)
    if (std::find(PATH_KPI_ORDER.begin(), PATH_KPI_ORDER.end(), k) == PATH_KPI_ORDER.end()) out.push_back(k);
  return out;
}

//! Column header of a KPI in the narrow tables.
std::string short_label(const std::string& kpi, std::size_t width)
{
  static const std::map<std::string, std::string> SHORT = {{"customers_acquired", "acquired"},
                                                           {"revenue_total", "revenue"},
                                                           {"customers_active", "active"},
                                                           {"clv_to_cac", "clv/cac"},
                                                           {"profit_cumulative_discounted", "cum_profit"}};
  const auto it = SHORT.find(kpi);
  std::string s = it != SHORT.end() && kpi.size() > width ? it->second : kpi;
  if (s.size() > width) s = s.substr(0, width - 1) + "~";
  return s;
}

void title(std::ostream& out, const std::string& text)
{
  out << '\n' << printable(text) << '\n';
}

//! Per-path KPIs of one variant: one row per KPI, mean/sd/se/p05/p50/p95 across paths.
void per_path_table(std::ostream& out, const VariantResults& v, const Results& r)
{
  if (v.kpis.paths.empty()) return;
  std::string t = v.name + ": per-path KPIs";
  if (!r.currency.empty()) t += " (money in " + r.currency + ")";
  title(out, t);
  constexpr int NAME = 30, COL = 11;
  out << std::string(INDENT, ' ') << left("KPI", NAME);
  for (const char* h : {"mean", "sd", "se", "p05", "p50", "p95"}) out << cell(h, COL);
  out << '\n';
  for (const auto& kpi : ordered_keys(v.kpis.paths)) {
    if (r.subscription.present() && order_only_kpi(kpi)) continue;  // payments, not orders
    const std::vector<double>& values = v.kpis.paths.at(kpi);
    // the history's KPIs only where there is a history (NaN on every path otherwise)
    if ((kpi == "clv_existing_mean" || kpi == "customer_equity_existing") &&
        std::none_of(values.begin(), values.end(), [](double x) { return std::isfinite(x); }))
      continue;
    // investment costs after the horizon only for a variant with running investments
    if (kpi == "costs_after_horizon" && std::all_of(values.begin(), values.end(), [](double x) { return x == 0; }))
      continue;
    const KpiKind kind = kpi_kind(kpi);
    std::string name = kpi;
    if (kind == KpiKind::money && !r.currency.empty() &&
        name.size() + r.currency.size() + 3 <= static_cast<std::size_t>(NAME))
      name += " [" + r.currency + "]";
    else if (kind == KpiKind::share && name.size() + 4 <= static_cast<std::size_t>(NAME))
      name += " [%]";
    const stats::Summary s = stats::summarize(values);
    out << std::string(INDENT, ' ') << left(name, NAME);
    for (double x : {s.mean, s.sd, s.se, s.p05, s.p50, s.p95}) out << cell(format_value(x, kind), COL);
    out << '\n';
  }
  if (!v.sweep_values.empty()) {
    out << std::string(INDENT, ' ') << "sweep values:";
    for (const auto& [k, x] : v.sweep_values) out << ' ' << k << " = " << fmt("%g", x);
    out << '\n';
  }
}

//! Mean of headline KPIs per segment of one variant (only with 2+ segments).
void segment_table(std::ostream& out, const VariantResults& v)
{
  if (v.segments.size() < 2) return;
  std::map<std::string, std::vector<double>> any;
  for (const auto& [seg, t] : v.segments)
    for (const auto& [k, x] : t.paths) any[k];
  const auto cols = pick(any, SEGMENT_HEADLINE, SEGMENT_HEADLINE.size());
  if (cols.empty()) return;
  title(out, v.name + ": by segment (mean across paths)");
  constexpr int NAME = 20, COL = 13;
  out << std::string(INDENT, ' ') << left("segment", NAME);
  for (const auto& c : cols) out << cell(short_label(c, COL - 1), COL);
  out << '\n';
  for (const auto& [seg, t] : v.segments) {
    out << std::string(INDENT, ' ') << left(seg, NAME);
    for (const auto& c : cols) {
      const auto it = t.paths.find(c);
      out << cell(it == t.paths.end() ? "-" : format_value(mean_of(it->second), kpi_kind(c)), COL);
    }
    out << '\n';
  }
}

//! One line per variant with the means of headline KPIs (for runs with many variants).
void variants_table(std::ostream& out, const Results& r)
{
  std::map<std::string, std::vector<double>> any;
  for (const auto& v : r.variants)
    for (const auto& [k, x] : v.kpis.paths) any[k];
  const auto cols = pick(any, HEADLINE, 6);
  if (cols.empty()) return;
  title(out, "All variants (mean across paths)");
  constexpr int NAME = 20, COL = 13;
  out << std::string(INDENT, ' ') << left("variant", NAME);
  for (const auto& c : cols) out << cell(short_label(c, COL - 1), COL);
  out << '\n';
  for (const auto& v : r.variants) {
    out << std::string(INDENT, ' ') << left(v.name, NAME);
    for (const auto& c : cols) {
      const auto it = v.kpis.paths.find(c);
      out << cell(it == v.kpis.paths.end() ? "-" : format_value(mean_of(it->second), kpi_kind(c)), COL);
    }
    out << '\n';
  }
  bool any_sweep = false;
  for (const auto& v : r.variants) any_sweep = any_sweep || !v.sweep_values.empty();
  if (!any_sweep) return;
  out << '\n';
  for (const auto& v : r.variants) {
    if (v.sweep_values.empty()) continue;
    std::string line = std::string(INDENT, ' ') + left(v.name, NAME);
    bool first = true;
    for (const auto& [k, x] : v.sweep_values) {
      line += (first ? "" : ", ") + k + " = " + fmt("%g", x);
      first = false;
    }
    out << line << '\n';
  }
}

//! The periods the period tables show: every period while short, else a regular selection
//! (quarters, half-years, years ...) plus the last period.
std::vector<int> period_rows(const Results& r)
{
  const int h = r.horizon;
  std::vector<int> steps;
  if (r.period == "week")
    steps = {1, 4, 13, 26, 52, 104, 260};
  else if (r.period == "month")
    steps = {1, 3, 6, 12, 24, 60};
  else
    steps = {1, 2, 5, 10, 20, 50, 100};
  constexpr int MAX_ROWS = 24;
  int step = steps.back();
  for (int s : steps)
    if ((h + s - 1) / s <= MAX_ROWS) {
      step = s;
      break;
    }
  while ((h + step - 1) / step > MAX_ROWS) step *= 2;
  std::vector<int> rows;
  for (int t = 0; t < h; t += step) rows.push_back(t);
  if (rows.back() != h - 1) rows.push_back(h - 1);

  return rows;
}

//! Means per period of a few KPIs of one variant; every period while short, else a
//! regular selection (quarters, half-years, years ...) plus the last period.
void period_table(std::ostream& out, const VariantResults& v, const Results& r)
{
  const int h = r.horizon;
  if (h <= 0 || v.kpis.periods.empty()) return;
  const auto cols = r.subscription.present()
                        ? pick(v.kpis.periods, {"customers_active", "customers_churned", "revenue", "profit", "nps"}, 5)
                        : pick(v.kpis.periods, {"customers_active", "orders", "revenue", "profit", "nps"}, 5);
  const std::vector<int> rows = period_rows(r);

  std::string t = v.name + " by " + (r.period.empty() ? "period" : r.period) +
                  " (mean across paths; t = 0 is the first " + (r.period.empty() ? "period" : r.period) + ")";
  title(out, t);
  constexpr int TCOL = 6, COL = 18;  // 2 + 6 + 5 x 18 = 98 characters; labels up to 17 (customers_churned)
  out << std::string(INDENT, ' ') << cell("t", TCOL);
  for (const auto& c : cols) out << cell(short_label(c, COL - 1), COL);
  out << '\n';
  for (int row : rows) {
    out << std::string(INDENT, ' ') << cell(std::to_string(row), TCOL);
    for (const auto& c : cols) {
      const std::vector<double>& x = v.kpis.periods.at(c);
      std::vector<double> column;
      for (std::size_t p = static_cast<std::size_t>(row); p < x.size(); p += static_cast<std::size_t>(h))
        column.push_back(x[p]);
      out << cell(format_value(mean_of(column), kpi_kind(c)), COL);
    }
    out << '\n';
  }
}

//! A subscription run's summary (docs/model.md §11.6): a new subscriber's DERL and DEL in
//! closed form, then MRR by period (mean, p05, p95 across paths) and the initial cohort's
//! retention by tenure (mean and se across paths) beside the sBG closed form S(k).
void subscription_table(std::ostream& out, const VariantResults& v, const Results& r)
{
  const SubscriptionResults& s = r.subscription;
  if (!s.present() || r.horizon <= 0) return;
  const std::string period = r.period.empty() ? "period" : r.period;
  const std::string money = r.currency.empty() ? "" : " " + r.currency;
  title(out, "Subscription (purchase.model = \"sbg\"; docs/model.md §11.6)");
  out << std::string(INDENT, ' ')
      << "a new subscriber (sBG closed form, d = " << format_value(s.discount_rate_per_period, KpiKind::share)
      << " per " << period << "):\n"
      << std::string(INDENT, ' ') << "  DERL " << format_value(s.derl_periods, KpiKind::count)
      << " further payments = " << format_value(s.derl_value, KpiKind::money) << money << "; DEL "
      << format_value(s.del_periods, KpiKind::count)
      << " payments with the first = " << format_value(s.del_value, KpiKind::money) << money << '\n';
  const SubscriptionSeries x = subscription_series(r, v);
  out << std::string(INDENT, ' ') << v.name << ": MRR in period t (revenue per month" << money
      << "); retention after k = t renewals (initial cohort)\n";
  constexpr int TCOL = 6, COL = 13;
  out << std::string(INDENT, ' ') << cell("t = k", TCOL);
  for (const char* head : {"MRR mean", "MRR p05", "MRR p95", "retention", "se", "sBG S(k)"}) out << cell(head, COL);
  out << '\n';
  const auto at = [](const std::vector<double>& a, int i) {
    return static_cast<std::size_t>(i) < a.size() ? a[static_cast<std::size_t>(i)] : std::nan("");
  };
  for (int row : period_rows(r)) {
    out << std::string(INDENT, ' ') << cell(std::to_string(row), TCOL)
        << cell(format_value(at(x.mrr_mean, row), KpiKind::money), COL)
        << cell(format_value(at(x.mrr_p05, row), KpiKind::money), COL)
        << cell(format_value(at(x.mrr_p95, row), KpiKind::money), COL)
        << cell(format_value(at(x.retention_mean, row), KpiKind::share), COL)
        << cell(format_value(at(x.retention_se, row), KpiKind::share), COL)
        << cell(format_value(at(s.retention_closed_form, row), KpiKind::share), COL) << '\n';
  }
  out << std::string(INDENT, ' ') << "S(k) leaves out the scenario's hazard multipliers and satisfaction effects;\n"
      << std::string(INDENT, ' ') << "order KPIs are left out above: every payment counts as an order\n";
}

std::string format_period(double t)
{
  if (std::isnan(t)) return "n/a";
  if (std::isinf(t)) return "never";
  return t == std::floor(t) ? fmt("%.0f", t) : fmt("%.1f", t);
}

void comparisons_table(std::ostream& out, const Results& r)
{
  if (r.comparisons.empty()) return;
  std::string t = "Investments vs baseline (per path, paired)";
  if (!r.currency.empty()) t += "; money in " + r.currency;
  title(out, t);
  constexpr int NAME = 22, COL = 12;
  out << std::string(INDENT, ' ') << left("investment", NAME);
  for (const char* h : {"net_npv mean", "roi p05", "roi p50", "roi p95", "P(roi>0)", "payback p50"})
    out << cell(h, COL);
  out << '\n';
  const auto get = [](const Comparison& c, const char* k) -> const std::vector<double>* {
    const auto it = c.paths.find(k);
    return it == c.paths.end() ? nullptr : &it->second;
  };
  for (const Comparison& c : r.comparisons) {
    out << std::string(INDENT, ' ') << left(c.name, NAME);
    const auto* net = get(c, "net_npv");
    const auto* roi = get(c, "roi");
    const auto* payback = get(c, "payback_period");
    out << cell(net ? format_value(mean_of(*net), KpiKind::money) : "-", COL);
    if (roi) {
      const stats::Summary s = stats::summarize(*roi);
      out << cell(format_value(s.p05, KpiKind::share), COL) << cell(format_value(s.p50, KpiKind::share), COL)
          << cell(format_value(s.p95, KpiKind::share), COL)
          << cell(format_value(share_positive(*roi), KpiKind::share), COL);
    } else {
      for (int i = 0; i < 4; ++i) out << cell("-", COL);
    }
    out << cell(payback ? format_period(payback_median(*payback)) : "-", COL) << '\n';
  }
  out << std::string(INDENT, ' ') << "payback: " << (r.period.empty() ? "period" : r.period)
      << " index t at which the cumulative discounted net gain turns non-negative\n";
  if (r.uncertain_inputs.empty())
    out << std::string(INDENT, ' ') << "P(roi>0): no input is uncertain, so the spread is Monte Carlo noise only;\n"
        << std::string(INDENT, ' ') << "write the inputs you doubt as distributions (docs/model.md §9.1)\n";
  else
    out << std::string(INDENT, ' ') << "P(roi>0): over " << r.uncertain_inputs.size() << " uncertain input"
        << (r.uncertain_inputs.size() == 1 ? "" : "s") << " and Monte Carlo noise\n";
}

//! Each investment's net NPV with its customers' value after the horizon and its running
//! costs after it (docs/model.md §8.4): what the horizon's cut leaves out, side by side.
void beyond_horizon_table(std::ostream& out, const Results& r)
{
  // (results files written before these metrics existed have none)
  if (std::none_of(r.comparisons.begin(), r.comparisons.end(),
                   [](const Comparison& c) { return c.paths.count("net_npv_lifetime") > 0; }))
    return;
  std::string t = "Beyond the horizon: each investment kept running, its effects held (mean across paths";
  t += r.currency.empty() ? ")" : "; money in " + r.currency + ")";
  title(out, t);
  constexpr int NAME = 22, COL = 14;
  out << std::string(INDENT, ' ') << left("investment", NAME);
  for (const char* h : {"net_npv", "+ value after", "- cost after", "= lifetime", "P(lifetime>0)"}) out << cell(h, COL);
  out << '\n';
  for (const Comparison& c : r.comparisons) {
    out << std::string(INDENT, ' ') << left(c.name, NAME);
    for (const char* k : {"net_npv", "delta_value_after_horizon", "cost_npv_after_horizon", "net_npv_lifetime"}) {
      const auto it = c.paths.find(k);
      out << cell(it == c.paths.end() ? "-" : format_value(mean_of(it->second), KpiKind::money), COL);
    }
    const auto life = c.paths.find("net_npv_lifetime");
    out << cell(life == c.paths.end() ? "-" : format_value(share_positive(life->second), KpiKind::share), COL) << '\n';
  }
  out << std::string(INDENT, ' ')
      << "value after: what the customers alive at the end add after it (docs/model.md §11.1.7);\n"
      << std::string(INDENT, ' ') << "cost after: the running costs it adds, the last period's for ever;\n"
      << std::string(INDENT, ' ') << "neither counts the customers who would be acquired after the horizon\n";
}

void sensitivity_table(std::ostream& out, const Results& r)
{
  constexpr std::size_t TOP = 8;
  for (const Sensitivity& s : r.sensitivity) {
    // the inputs that can move this output (an investment's own values cannot move another variant)
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < s.parameter.size(); ++i)
      if (s.input_reaches(i)) order.push_back(i);
    if (order.empty()) continue;
    const std::size_t left_out = s.parameter.size() - order.size();
    const auto rho = [&](std::size_t i) {
      const double x = i < s.spearman.size() ? std::abs(s.spearman[i]) : 0.0;
      return std::isnan(x) ? -1.0 : x;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rho(a) > rho(b); });
    title(out, "Sensitivity of " + s.output + ": inputs by |Spearman| rank correlation");
    out << std::string(INDENT, ' ') << "tornado = mean output when the input is in its lowest / highest decile\n";
    out << std::string(INDENT, ' ')
        << "p-value = how often noise alone gives a correlation this strong (above 0.05: noise, not a finding)\n";
    const KpiKind kind = kpi_kind(s.output);
    // A name longer than its column gets a line of its own, whole (its start says which
    // investment it belongs to, its end which key), and its numbers the next line: every
    // line stays within 100 characters.
    constexpr int NAME = 46, COL = 13;
    out << std::string(INDENT, ' ') << left("input", NAME) << cell("spearman", COL) << cell("p-value", COL)
        << cell("tornado low", COL) << cell("tornado high", COL) << '\n';
    const auto at = [](const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : std::nan(""); };
    for (std::size_t k = 0; k < order.size() && k < TOP; ++k) {
      const std::size_t i = order[k];
      const double sp = at(s.spearman, i), pv = at(s.p_value, i);
      const std::string name = printable(s.parameter[i]);
      if (static_cast<int>(name.size()) >= NAME)
        out << std::string(INDENT, ' ') << name << '\n' << std::string(INDENT, ' ') << std::string(NAME, ' ');
      else
        out << std::string(INDENT, ' ') << left(name, NAME);
      out << cell(std::isnan(sp) ? "n/a" : fmt("%+.3f", sp), COL) << cell(p_value_text(pv), COL)
          << cell(format_value(at(s.tornado_low, i), kind), COL) << cell(format_value(at(s.tornado_high, i), kind), COL)
          << '\n';
    }
    if (order.size() > TOP) out << std::string(INDENT, ' ') << "... and " << order.size() - TOP << " more\n";
    if (left_out > 0)
      out << std::string(INDENT, ' ') << "(" << left_out << (left_out == 1 ? " input" : " inputs")
          << " left out: an investment's own values cannot move this output)\n";
  }
}

}  // namespace

KpiKind kpi_kind(const std::string& name)
{
  // "<variant>.<kpi>" names (sensitivity outputs) are classified by their KPI.
  const std::size_t dot = name.rfind('.');
  const std::string_view k = dot == std::string::npos ? std::string_view(name) : std::string_view(name).substr(dot + 1);
  if (const models::KpiInfo* info = models::find_kpi(k)) {
    switch (info->unit) {
      case models::KpiUnit::money:
        return KpiKind::money;
      case models::KpiUnit::share:
        return KpiKind::share;
      default:
        return KpiKind::count;
    }
  }
  return KpiKind::count;  // an uncertain input's value, a sweep key's
}

std::string format_value(double x, KpiKind kind)
{
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) x = 0;  // no "-0"
  const double a = std::abs(x);
  switch (kind) {
    case KpiKind::share:
      if (a >= 1000) return fmt("%.3g%%", 100.0 * x);  // absurd shares stay narrow
      return fmt("%.1f%%", 100.0 * x);
    case KpiKind::money:
    case KpiKind::count:
      if (a >= 1e10) return fmt("%.2fbn", x / 1e9);
      if (a >= 1e7) return grouped(x / 1e6, 2) + "M";
      if (a >= 1000) return grouped(x, 0);
      if (a >= 1 || a == 0) return fmt("%.2f", x);
      return fmt("%.3g", x);
  }
  return fmt("%g", x);
}

void print_summary(const Results& r, std::ostream& out)
{
  std::string head = "clvsim";
  if (!r.clvsim_version.empty()) head += " " + r.clvsim_version;
  if (!r.scenario_name.empty()) {
    head += " - scenario \"" + r.scenario_name + "\"";
    if (!r.scenario_path.empty()) head += " (" + r.scenario_path + ")";
  } else if (!r.scenario_path.empty()) {  // no simulation.name (a fit fragment): the file names it
    head += " - scenario " + r.scenario_path;
  }
  out << printable(head) << '\n';
  out << grouped(r.paths, 0) << (r.paths == 1 ? " path" : " paths") << ", horizon " << r.horizon << ' '
      << (r.horizon == 1 && !r.period.empty() ? r.period : plural_period(r.period)) << ", seed " << r.seed;
  if (!r.currency.empty()) out << ", currency " << r.currency;
  out << '\n';
  if (!r.created_utc.empty()) out << "created " << printable(r.created_utc) << '\n';

  const bool full = r.variants.size() <= 4;
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    if (i > 0 && !full) break;
    per_path_table(out, r.variants[i], r);
    segment_table(out, r.variants[i]);
  }
  if (!full) variants_table(out, r);
  if (!r.variants.empty()) period_table(out, r.variants.front(), r);
  if (!r.variants.empty()) subscription_table(out, r.variants.front(), r);
  comparisons_table(out, r);
  beyond_horizon_table(out, r);
  print_decisions(r, out);
  sensitivity_table(out, r);
  // The warnings went to stderr before the summary and have scrolled away by now.
  if (!r.warnings.empty())
    out << '\n'
        << r.warnings.size() << (r.warnings.size() == 1 ? " warning" : " warnings")
        << " about this scenario: printed before this summary, kept in the results and the report\n";
}

}  // namespace clvsim::io
