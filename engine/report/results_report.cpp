#include "engine/report/results_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "engine/io/console_summary.h"
#include "engine/io/decisions.h"
#include "engine/io/json_summary.h"
#include "engine/io/subscription.h"
#include "engine/report/html_page.h"
#include "engine/report/kpi_definitions.h"
#include "engine/stats/summary.h"

namespace clvsim::report {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
//! Fan charts show at most this many variants (the CSV export has all of them).
constexpr std::size_t MAX_FAN_VARIANTS = 12;

using Table = std::map<std::string, std::vector<double>>;

const std::vector<double>* find(const Table& t, const std::string& k)
{
  const auto it = t.find(k);
  return it == t.end() ? nullptr : &it->second;
}

std::string cap(std::string s)
{
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string esc(const std::string& s)
{
  return html_escape(s);
}

//! The chart format ("money", "share", "count", "points", "number") of a KPI.
std::string chart_format(const std::string& kpi)
{
  const std::size_t dot = kpi.rfind('.');
  const std::string name = dot == std::string::npos ? kpi : kpi.substr(dot + 1);
  if (const KpiDefinition* d = find_kpi_definition(name)) {
    if (d->unit == "money" || d->unit == "share" || d->unit == "count" || d->unit == "points")
      return std::string(d->unit);
    return "number";
  }
  switch (io::kpi_kind(name)) {
    case io::KpiKind::money:
      return "money";
    case io::KpiKind::share:
      return "share";
    case io::KpiKind::count:
      return "number";
  }
  return "number";
}

//! How a person reads a value of `kpi` in a table.
std::string value_text(double x, const std::string& kpi)
{
  const std::string f = chart_format(kpi);
  if (f == "count" && std::abs(x) >= 100 && std::abs(x) < 1000) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", x);  // a mean of counts: whole numbers are enough
    return buf;
  }
  if (f == "points" || f == "number") {
    if (std::isnan(x)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, std::abs(x) >= 100 ? "%.0f" : "%.2f", x);
    return buf;
  }
  return io::format_value(x, f == "money"   ? io::KpiKind::money
                             : f == "share" ? io::KpiKind::share
                                            : io::KpiKind::count);
}

std::string signed_money(double x)
{
  std::string s = io::format_value(x, io::KpiKind::money);
  if (x > 0) s.insert(s.begin(), '+');  // (not "+" + s: GCC 12 warns falsely about that)
  return s;
}

std::string pct(double x)
{
  return io::format_value(x, io::KpiKind::share);
}

//! A period index for people: "15", or "15.5" for a median between two periods.
std::string period_text(double t)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, t == std::floor(t) ? "%.0f" : "%.1f", t);
  return buf;
}

//! <td> with a number, coloured by sign when `signed_colour`.
std::string num_cell(const std::string& text, double x = NaN, bool signed_colour = false)
{
  std::string cls = "num";
  if (signed_colour && x > 0) cls += " pos";
  if (signed_colour && x < 0) cls += " neg";
  return "<td class=\"" + cls + "\">" + esc(text) + "</td>";
}

struct Context {
  const Results& r;
  HtmlPage& page;
  std::string currency;  //!< "PLN", or "money units" when the results have none
  std::string period;    //!< "month", "week" or "period"
  std::vector<double> discount;
  std::vector<io::WhyBreakdown> why;
  std::vector<io::PairwiseComparison> pairs;

  std::string in_currency() const { return " (" + currency + ")"; }
  std::string time_title() const { return cap(period) + " (0 = first " + period + " of the horizon)"; }
  //! Axis title of a KPI, with its unit.
  std::string axis_title(const std::string& kpi) const
  {
    static const std::map<std::string, std::string> names = {
        {"profit", "Profit per PERIOD"},
        {"profit_cumulative_discounted", "Cumulative discounted profit"},
        {"customers_active", "Active customers"},
        {"nps", "NPS (points, −100 to 100)"},
        {"rating", "Rating (stars, 1 to 5)"},
        {"revenue", "Revenue per PERIOD"},
        {"npv_profit", "NPV of profit"},
        {"clv_mean", "Mean lifetime CLV"},
        {"nps_final", "NPS at the end (points)"},
        {"revenue_total", "Revenue over the horizon"},
        {"net_npv", "Net NPV"},
        {"roi", "ROI (net NPV / cost NPV)"}};
    std::string t;
    const auto it = names.find(kpi);
    t = it != names.end() ? it->second : cap(words(kpi));
    if (const auto p = t.find("PERIOD"); p != std::string::npos) t.replace(p, 6, period);
    const std::string f = chart_format(kpi);
    if (f == "money") t += in_currency();
    if (f == "share") t += " (%)";
    return t;
  }
};

std::string json_string_array(const std::vector<std::string>& v)
{
  JsonWriter j;
  j.begin_array();
  for (const auto& s : v) j.value(s);
  j.end_array();
  return j.take();
}

std::vector<std::string> variant_names(const std::vector<const VariantResults*>& vs)
{
  std::vector<std::string> out;
  for (const auto* v : vs) out.push_back(v->name);
  return out;
}

// ---------------------------------------------------------------------------------------
// Data sets
// ---------------------------------------------------------------------------------------

//! Writes the statistics across paths of each period of `values` ([paths x h]) as rows
//! {<label_key>: label, t, mean, sd, p05, p25, p50, p75, p95}: what the HDF5 writer stores
//! in periods/<kpi> (the same function on the same numbers).
void period_rows(JsonWriter& j, const std::string& label_key, const std::string& label,
                 const std::vector<double>& values, std::size_t h)
{
  const std::size_t paths = h == 0 ? 0 : values.size() / h;
  std::vector<double> column(paths);
  for (std::size_t t = 0; t < h; ++t) {
    for (std::size_t p = 0; p < paths; ++p) column[p] = values[p * h + t];
    const stats::Summary s = stats::summarize(std::span<const double>(column));
    j.begin_object();
    j.field(label_key, label).field("t", static_cast<int>(t));
    j.field("mean", s.mean).field("sd", s.sd).field("p05", s.p05).field("p25", s.p25);
    j.field("p50", s.p50).field("p75", s.p75).field("p95", s.p95);
    j.end_object();
  }
}

//! Per-period statistics of `kpi` for each variant: equal to /variants/<v>/periods/<kpi>.
std::string period_stats_dataset(Context& c, const std::vector<const VariantResults*>& vs, const std::string& kpi)
{
  JsonWriter j;
  j.begin_array();
  for (const auto* v : vs)
    if (const auto* x = find(v->kpis.periods, kpi))
      period_rows(j, "variant", v->name, *x, static_cast<std::size_t>(c.r.horizon));
  j.end_array();
  JsonWriter src;
  src.begin_object().field("kind", "period_stats").field("kpi", kpi);
  src.field("equals", "/variants/<variant>/periods/" + kpi + " [stat, t]");
  src.end_object();
  return c.page.dataset(j.take(), src.take());
}

//! Rows {name, label} naming the panels of a faceted chart of per-path values: kept apart
//! from the (many) value rows, which the chart joins to them by name.
std::string labels_dataset(Context& c, const std::vector<std::pair<std::string, std::string>>& labels)
{
  JsonWriter j;
  j.begin_array();
  for (const auto& [name, label] : labels) j.begin_object().field("name", name).field("label", label).end_object();
  j.end_array();
  JsonWriter src;
  src.begin_object().field("kind", "panel_labels").end_object();
  return c.page.dataset(j.take(), src.take());
}

//! Rows {name, path, value} of one per-path metric of several groups.
std::string path_values_dataset(Context& c, const std::string& kind, const std::string& metric,
                                const std::vector<std::pair<std::string, const std::vector<double>*>>& groups,
                                const std::string& equals)
{
  JsonWriter j;
  j.begin_array();
  for (const auto& [name, values] : groups)
    for (std::size_t p = 0; p < values->size(); ++p)
      j.begin_object().field("name", name).field("path", p).field("value", (*values)[p]).end_object();
  j.end_array();
  JsonWriter src;
  src.begin_object().field("kind", kind).field("metric", metric).field("equals", equals).end_object();
  return c.page.dataset(j.take(), src.take());
}

// ---------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------

void header(Context& c, const ResultsReportOptions& o)
{
  const Results& r = c.r;
  std::string& h = c.page.html();
  h += "<header>\n<h1>" + esc(r.scenario_name.empty() ? "clvsim report" : r.scenario_name) + "</h1>\n";
  h += "<p class=\"lede\">clvsim " + esc(r.clvsim_version) + " report · " + std::to_string(r.paths) +
       " Monte Carlo paths · " + std::to_string(r.horizon) + " " + esc(c.period) + (r.horizon == 1 ? "" : "s") +
       " · seed " + std::to_string(r.seed) + " · money in " + esc(c.currency) + " · run " + esc(r.created_utc) +
       "</p>\n";
  if (!o.results_file.empty())
    h += "<p class=\"note\">From the results file <code>" + esc(o.results_file) + "</code>.</p>\n";
  h += "<nav class=\"toc\"><a href=\"#summary\">Summary</a><a href=\"#over-time\">Over time</a>";
  if (r.subscription.present()) h += "<a href=\"#subscription\">Subscription</a>";
  if (!r.comparisons.empty()) h += "<a href=\"#investments\">Investments</a>";
  if (!r.sensitivity.empty()) h += "<a href=\"#sensitivity\">Sensitivity</a>";
  bool sweep = false;
  for (const auto& v : r.variants) sweep = sweep || !v.sweep_values.empty();
  if (sweep) h += "<a href=\"#sweep\">Sweep</a>";
  h += "<a href=\"#customers\">Customers</a><a href=\"#kpis\">KPI tables</a><a href=\"#definitions\">Definitions</a>"
       "<a href=\"#provenance\">Provenance &amp; assumptions</a></nav>\n</header>\n";
}

//! A headline card: label, mean, p05-p95.
void card(std::string& h, const std::string& label, const std::vector<double>& values, const std::string& kpi,
          const std::string& unit)
{
  const stats::Summary s = stats::summarize(std::span<const double>(values));
  h += "<div class=\"card\"><div class=\"label\">" + esc(label) + "</div><div class=\"value\">" +
       esc(value_text(s.mean, kpi)) + (unit.empty() ? "" : " <small>" + esc(unit) + "</small>") +
       "</div><div class=\"range\">90% of paths: " + esc(value_text(s.p05, kpi)) + " to " +
       esc(value_text(s.p95, kpi)) + "</div></div>";
}

void decision_table(Context& c)
{
  std::string& h = c.page.html();
  h += "<table>\n<tr><th class=\"text\">Investment</th><th>Net NPV mean</th><th>p05</th><th>p50</th><th>p95</th>"
       "<th>P(roi&gt;0)</th><th>ROI p50</th><th>Payback (median)</th><th>Lifetime net NPV mean</th>"
       "<th>P(lifetime&gt;0)</th></tr>\n";
  for (const Comparison& cmp : c.r.comparisons) {
    const auto* net = find(cmp.paths, "net_npv");
    const auto* roi = find(cmp.paths, "roi");
    const auto* payback = find(cmp.paths, "payback_period");
    h += "<tr><td><a href=\"#inv-" + esc(cmp.name) + "\">" + esc(cmp.name) + "</a></td>";
    if (net) {
      const stats::Summary s = stats::summarize(*net);
      h += num_cell(signed_money(s.mean), s.mean, true) + num_cell(signed_money(s.p05), s.p05, true) +
           num_cell(signed_money(s.p50), s.p50, true) + num_cell(signed_money(s.p95), s.p95, true);
    } else {
      h += "<td></td><td></td><td></td><td></td>";
    }
    const bool has_roi = roi && stats::summarize(*roi).n > 0;  // no own cost: no ROI
    h += num_cell(has_roi ? pct(io::share_positive(*roi)) : "n/a (no own cost)");
    h += num_cell(has_roi ? pct(stats::summarize(*roi).p50) : "-");
    std::string pb = "-";
    if (payback) {
      const double m = io::payback_median(*payback);
      pb = std::isinf(m) ? "not within the horizon" : std::isnan(m) ? "n/a" : c.period + " " + period_text(m);
    }
    h += num_cell(pb);
    if (const auto* life = find(cmp.paths, "net_npv_lifetime")) {
      const double m = stats::summarize(*life).mean;
      h += num_cell(signed_money(m), m, true) + num_cell(pct(io::share_positive(*life)));
    } else {
      h += "<td></td><td></td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n";
}

void summary_section(Context& c)
{
  const Results& r = c.r;
  std::string& h = c.page.html();
  h += "<h2 id=\"summary\">Summary</h2>\n";
  if (r.variants.empty()) {
    h += "<p>The results hold no variant.</p>\n";
    return;
  }
  const VariantResults& base = r.variants.front();
  h += "<p>The shop as it is (<b>" + esc(base.name) + "</b>), over " + std::to_string(r.horizon) + " " + esc(c.period) +
       "s. Each figure is the mean across the " + std::to_string(r.paths) +
       " simulated paths, with the range that holds 90% of them (p05 to p95).</p>\n<div class=\"cards\">";
  std::vector<std::pair<std::string, std::string>> headline = {
      {"npv_profit", "NPV of profit"},   {"revenue_total", "Revenue over the horizon"},
      {"clv_mean", "Mean lifetime CLV"}, {"clv_to_cac", "CLV / CAC"},
      {"nps_final", "NPS at the end"},   {"rating_final", "Rating at the end"}};
  // Only a history's customers (a fit fragment's forecast): their CLV and equity instead of
  // the new customers' CLV and CLV/CAC, which have no value
  const auto any_finite = [&](const char* kpi) {
    const auto* v = find(base.kpis.paths, kpi);
    return v && std::any_of(v->begin(), v->end(), [](double x) { return std::isfinite(x); });
  };
  if (!any_finite("clv_mean") && any_finite("clv_existing_mean")) {
    headline[2] = {"clv_existing_mean", "Mean lifetime CLV of the history's customers"};
    headline[3] = {"customer_equity_existing", "Customer equity (the history's customers)"};
  }
  for (const auto& [kpi, label] : headline)
    if (const auto* v = find(base.kpis.paths, kpi)) {
      const std::string f = chart_format(kpi);
      card(h, label, *v, kpi,
           f == "money"            ? c.currency
           : f == "points"         ? "points"
           : kpi == "rating_final" ? "stars"
                                   : "");
    }
  h += "</div>\n";

  if (!r.comparisons.empty()) {
    h += "<h3>Investments at a glance</h3>\n<p>Each investment against the baseline on the same paths (common random "
         "numbers: the same customers with the same random draws, so a difference comes only from what the investment "
         "changed). Net NPV is the NPV of profit gained minus the NPV of the investment's own cost" +
         c.in_currency() + ".</p>\n";
    decision_table(c);
    // The best by mean net NPV, in words.
    const Comparison* best = nullptr;
    double best_mean = -std::numeric_limits<double>::infinity();
    for (const Comparison& cmp : r.comparisons)
      if (const auto* net = find(cmp.paths, "net_npv")) {
        const double m = stats::summarize(*net).mean;
        if (m > best_mean) {
          best_mean = m;
          best = &cmp;
        }
      }
    if (best) {
      const auto* roi = find(best->paths, "roi");
      h += "<p>Highest expected net NPV: <b>" + esc(best->name) + "</b>, " + esc(signed_money(best_mean)) + " " +
           esc(c.currency) +
           (roi ? ", with a positive return on " + esc(pct(io::share_positive(*roi))) + " of paths" : "") + ".</p>\n";
    }
    h += "<p>Net NPV stops at the end of the horizon, but customers an investment keeps are worth something after "
         "it. <b>Lifetime net NPV</b> adds what the customers alive at the end are worth more after the horizon "
         "(in closed form, the investment's effects held) and subtracts what the investment would cost after it if "
         "it kept running (its last period's costs, for ever); customers who would be acquired after the horizon "
         "are in neither (docs/model.md §8.4).</p>\n";
  }
  if (r.uncertain_inputs.empty() && r.sensitivity.empty()) {
    h += "<p class=\"warning\"><b>No input of this scenario is uncertain.</b> The spread across paths is Monte Carlo "
         "noise "
         "only (which customers happen to buy, churn or complain), not doubt about the assumptions: a P(roi&gt;0) of "
         "0% or "
         "100% says the result is stable given the assumptions, not that the assumptions are right. Write the inputs "
         "you "
         "are unsure of as distributions (e.g. <code>churn_sensitivity = { dist = \"uniform\", low = 0.15, high = 0.35 "
         "}</code>) to see how much they matter.</p>\n";
  } else {
    const std::vector<std::string> inputs =
        r.uncertain_inputs.empty() ? r.sensitivity.front().parameter : r.uncertain_inputs;
    h += "<p>Uncertain inputs (each drawn once per path and shared by all variants of the path): ";
    for (std::size_t i = 0; i < inputs.size(); ++i)
      h += (i ? ", " : "") + std::string("<code>") + esc(inputs[i]) + "</code>";
    h += ". The ranges above include their effect; <a href=\"#sensitivity\">Sensitivity</a> shows which matter.</p>\n";
  }
  // The scenario's warnings, as validate and run printed them on the terminal: the report's
  // reader (a board) never sees that terminal.
  if (!r.warnings.empty()) {
    const std::string prefix = "warning: " + r.scenario_path + ": ";
    h += "<div class=\"warning\"><b>What these numbers leave out</b> (clvsim's warnings about this scenario, "
         "docs/model.md §5.4):<ul>\n";
    for (const auto& w : r.warnings)
      h += "<li>" + esc(w.rfind(prefix, 0) == 0 ? w.substr(prefix.size()) : w) + "</li>\n";
    h += "</ul></div>\n";
  }
}

//! Fan charts of profit, cumulative discounted profit, active customers, NPS and rating.
void over_time_section(Context& c)
{
  const Results& r = c.r;
  std::string& h = c.page.html();
  h += "<h2 id=\"over-time\">Over time</h2>\n";
  std::vector<const VariantResults*> vs;
  for (const auto& v : r.variants)
    if (vs.size() < MAX_FAN_VARIANTS) vs.push_back(&v);
  h +=
      "<p>Per " + esc(c.period) +
      ", across paths: the light band holds 90% of the paths (p05 to p95), the dark band the middle half (p25 to p75), "
      "the line is the median. One panel per variant";
  if (vs.size() < r.variants.size())
    h += " (the first " + std::to_string(vs.size()) + " of " + std::to_string(r.variants.size()) +
         " variants; <code>clvsim export</code> writes all of them)";
  h += "; the panels of a chart share their scale.</p>\n";
  const std::vector<std::pair<std::string, std::string>> kpis = {
      {"profit", "Profit per " + c.period + ": gross margin minus every cost, the investments' included."},
      {"profit_cumulative_discounted",
       "Cumulative discounted profit: its value at the last " + c.period + " is the NPV of profit (npv_profit)."},
      {"customers_active", "Active customers at the end of each " + c.period + "."},
      {"nps", "Net Promoter Score of the active customers: % promoters minus % detractors."},
      {"rating", "The shop's review rating that prospects see; it changes the conversion of paid acquisition."}};
  const std::size_t columns = std::min<std::size_t>(3, vs.size());
  for (const auto& [kpi, caption] : kpis) {
    bool any = false;
    for (const auto* v : vs) any = any || v->kpis.periods.count(kpi);
    if (!any) continue;
    const std::string data = period_stats_dataset(c, vs, kpi);
    JsonWriter d;
    d.begin_object().field("kind", "fan").field("data", data).field("facet", "variant");
    d.key("order").raw(json_string_array(variant_names(vs)));
    d.field("columns", static_cast<int>(columns)).field("title", c.axis_title(kpi));
    d.field("x_title", cap(c.period)).field("y_title", c.axis_title(kpi)).field("y_format", chart_format(kpi));
    d.key("y_zero").boolean(kpi == "profit" || kpi == "profit_cumulative_discounted" || kpi == "customers_active");
    d.key("zero_rule").boolean(kpi == "profit");
    d.field("width", columns == 1 ? 640 : columns == 2 ? 460 : 320).field("height", 180);
    d.end_object();
    c.page.chart(d.take(), esc(caption) + " " + esc(c.time_title()) + ".");
  }
}

//! A subscription run (purchase.model = "sbg", docs/model.md §11.6): a new subscriber's
//! closed-form lifetime value, MRR per period and retention by tenure against the sBG closed
//! form, what the console and the JSON's `subscription` show (io::subscription_series).
void subscription_section(Context& c)
{
  const Results& r = c.r;
  const SubscriptionResults& s = r.subscription;
  if (!s.present()) return;
  std::string& h = c.page.html();
  h += "<h2 id=\"subscription\">Subscription</h2>\n";
  h += "<p>Every payment is an order of one fee; a subscriber leaves with the sBG churn of its segment. A new "
       "subscriber's lifetime value in closed form (Fader &amp; Hardie's sBG; mean fee " +
       esc(value_text(s.fee, "clv_mean")) + " " + esc(c.currency) + ", discount rate " +
       esc(pct(s.discount_rate_per_period)) + " per " + esc(c.period) +
       "; without the scenario's satisfaction and policy effects, which the simulation includes):</p>\n";
  h += "<table>\n<tr><th class=\"text\">closed form</th><th>payments</th><th>value (" + esc(c.currency) +
       ")</th></tr>\n";
  h += "<tr><td>DEL: every payment, the first included</td>" + num_cell(value_text(s.del_periods, "x")) +
       num_cell(value_text(s.del_value, "clv_mean")) + "</tr>\n";
  h += "<tr><td>DERL: the payments after the first</td>" + num_cell(value_text(s.derl_periods, "x")) +
       num_cell(value_text(s.derl_value, "clv_mean")) + "</tr>\n</table>\n";
  std::vector<const VariantResults*> vs;
  for (const auto& v : r.variants)
    if (vs.size() < MAX_FAN_VARIANTS) vs.push_back(&v);
  JsonWriter mrr, ret;
  mrr.begin_array();
  ret.begin_array();
  std::vector<std::string> mrr_order, ret_order;
  for (const auto* v : vs) {
    const io::SubscriptionSeries x = io::subscription_series(r, *v);
    for (std::size_t t = 0; t < x.mrr_mean.size(); ++t)
      for (const auto& [stat, y] :
           {std::pair<const char*, double>{"mean", x.mrr_mean[t]}, {"p05", x.mrr_p05[t]}, {"p95", x.mrr_p95[t]}}) {
        mrr.begin_object().field("series", v->name + " " + stat).field("variant", v->name).field("stat", stat);
        mrr.field("x", static_cast<int>(t)).field("y", y).end_object();
      }
    for (const char* q : {" mean", " p05", " p95"}) mrr_order.push_back(v->name + q);
    for (std::size_t k = 0; k < x.retention_mean.size(); ++k) {
      ret.begin_object().field("series", v->name).field("variant", v->name).field("stat", "mean");
      ret.field("x", static_cast<int>(k)).field("y", x.retention_mean[k]).end_object();
    }
    ret_order.push_back(v->name);
  }
  for (std::size_t k = 0; k < s.retention_closed_form.size(); ++k) {
    ret.begin_object().field("series", "sBG closed form").field("variant", "").field("stat", "closed_form");
    ret.field("x", static_cast<int>(k)).field("y", s.retention_closed_form[k]).end_object();
  }
  ret_order.push_back("sBG closed form");
  mrr.end_array();
  ret.end_array();
  JsonWriter msrc, rsrc;
  msrc.begin_object().field("kind", "subscription_mrr");
  msrc.field("computed_from",
             "/variants/<variant>/path_periods/revenue / months_per_period: mean, p05, p95 across paths");
  msrc.end_object();
  rsrc.begin_object().field("kind", "subscription_retention");
  rsrc.field("computed_from",
             "/variants/<variant>/subscription/retention_by_tenure (mean across paths) and "
             "/subscription/retention_closed_form");
  rsrc.end_object();
  const std::string mrr_data = c.page.dataset(mrr.take(), msrc.take());
  const std::string ret_data = c.page.dataset(ret.take(), rsrc.take());
  JsonWriter d;
  d.begin_object().field("kind", "lines").field("data", mrr_data);
  d.key("order").raw(json_string_array(mrr_order));
  if (vs.size() == 1)  // the mean dark, its 5-95% quantiles light (several variants: a colour each line)
    d.key("colors").raw(json_string_array({"#08519c", "#9ecae1", "#9ecae1"}));
  d.field("title", "Monthly recurring revenue").field("x_title", cap(c.period));
  d.field("y_title", "MRR" + c.in_currency()).field("y_format", "money").end_object();
  c.page.chart(d.take(), "MRR: the payments billed in each " + esc(c.period) +
                             ", per month; mean and the 5% and 95% quantiles across paths. " + esc(c.time_title()) +
                             ".");
  JsonWriter e;
  e.begin_object().field("kind", "lines").field("data", ret_data);
  e.key("order").raw(json_string_array(ret_order));
  if (vs.size() == 1) e.key("colors").raw(json_string_array({"#2171b5", "#e6550d"}));
  e.field("title", "Retention by tenure").field("x_title", cap(c.period) + "s since the first payment");
  e.field("y_title", "share of subscribers still paying (%)").field("y_format", "share").end_object();
  c.page.chart(e.take(),
               "Share of each cohort of new subscribers still paying k " + esc(c.period) +
                   "s after its first payment (mean across paths), beside the sBG closed form S(k) without the "
                   "scenario's satisfaction and policy effects: a gap between them is those effects. NaN after a "
                   "warm-up (the customers at t = 0 have every tenure).");
}

std::string why_label(const io::WhyLine& l, const std::string& investment)
{
  if (l.name == "revenue") return "Δ revenue";
  if (l.name == "cost_of_goods") return "Δ cost of goods (revenue − gross margin)";
  if (l.name == "gross_margin") return "= Δ gross margin";
  if (l.name == "delta_npv") return "= gain before the investment's cost (delta_npv)";
  if (l.name == "cost_npv") return "investment cost (" + investment + ", cost_npv)";
  if (l.name == "net_npv") return "= net NPV";
  if (l.name == "other") return "other (profit not explained by the lines above)";
  return "Δ " + words(l.name);
}

//! The why waterfall and table of one investment.
void why_part(Context& c, const io::WhyBreakdown& w)
{
  std::string& h = c.page.html();
  JsonWriter rows;
  rows.begin_array();
  std::vector<std::string> order;
  double running = 0;
  for (std::size_t i = 0; i < w.lines.size(); ++i) {
    const io::WhyLine& l = w.lines[i];
    const double mean = l.summary.mean;
    double start = 0, end = 0, contribution = 0;
    std::string kind;
    if (l.role == "start") {
      start = 0;
      end = mean;
      contribution = mean;
      kind = "start";
    } else if (l.role == "subtotal") {
      start = 0;
      end = mean;
      contribution = mean;
      kind = "subtotal";
    } else {
      contribution = l.sign * mean;
      start = running;
      end = running + contribution;
      kind = contribution >= 0 ? "raises net NPV" : "lowers net NPV";
    }
    running = end;
    const std::string label = why_label(l, w.investment);
    order.push_back(label);
    rows.begin_object().field("order", static_cast<int>(i)).field("line", l.name).field("label", label);
    rows.field("role", l.role).field("sign", l.sign).field("mean", mean).field("contribution", contribution);
    rows.field("start", start).field("end", end).field("right", std::max(start, end)).field("kind", kind);
    rows.end_object();
  }
  rows.end_array();
  JsonWriter src;
  src.begin_object().field("kind", "why").field("investment", w.investment);
  src.field("computed_from",
            "mean over paths of sum_t delta^t (variant - baseline) of each /variants/*/path_periods KPI; "
            "delta_npv, cost_npv, net_npv from /comparisons/" +
                w.investment + "/paths");
  src.end_object();
  const std::string data = c.page.dataset(rows.take(), src.take());
  JsonWriter d;
  d.begin_object().field("kind", "waterfall").field("data", data);
  d.key("order").raw(json_string_array(order));
  d.field("title", "Where the net NPV of " + w.investment + " comes from")
      .field("x_title", "NPV of the change against the baseline" + c.in_currency());
  d.end_object();
  c.page.chart(d.take(),
               "Each bar is the NPV (discounted to " + esc(c.period) +
                   " 0) of a line's change against the baseline on the same paths, mean across paths. Green bars "
                   "raise the net NPV, red ones lower it; a cost that rises lowers it. Dark bars are subtotals.");

  h +=
      "<table>\n<tr><th class=\"text\">Line</th><th>Mean</th><th>p05</th><th>p95</th><th>Effect on net NPV</th></tr>\n";
  for (const io::WhyLine& l : w.lines) {
    const bool total = l.role == "subtotal";
    h += std::string(total ? "<tr class=\"total\">" : "<tr>") + "<td>" + esc(why_label(l, w.investment)) + "</td>";
    h += num_cell(signed_money(l.summary.mean)) + num_cell(signed_money(l.summary.p05)) +
         num_cell(signed_money(l.summary.p95));
    const double effect = l.role == "step" ? l.sign * l.summary.mean : NaN;
    h += num_cell(l.role == "step" ? signed_money(effect) : "", effect, true) + "</tr>\n";
  }
  h += "</table>\n";
}

//! Per investment: cumulative discounted net gain with the payback, and the why breakdown.
void investment_part(Context& c, const Comparison& cmp)
{
  const Results& r = c.r;
  std::string& h = c.page.html();
  h += "<h3 id=\"inv-" + esc(cmp.name) + "\">" + esc(cmp.name) + "</h3>\n";
  const VariantResults* v = io::find_variant(r, cmp.name);
  const VariantResults& base = r.variants.front();
  const auto* cv = v ? find(v->kpis.periods, "profit_cumulative_discounted") : nullptr;
  const auto* cb = find(base.kpis.periods, "profit_cumulative_discounted");
  const std::size_t hz = static_cast<std::size_t>(r.horizon);
  if (cv && cb && cv->size() == cb->size()) {
    std::vector<double> gain(cv->size());
    for (std::size_t i = 0; i < gain.size(); ++i) gain[i] = (*cv)[i] - (*cb)[i];
    JsonWriter j;
    j.begin_array();
    period_rows(j, "investment", cmp.name, gain, hz);
    j.end_array();
    JsonWriter src;
    src.begin_object().field("kind", "net_gain").field("investment", cmp.name);
    src.field("computed_from", "statistics across paths of /variants/" + cmp.name +
                                   "/path_periods/profit_cumulative_discounted - /variants/" + base.name +
                                   "/path_periods/profit_cumulative_discounted");
    src.end_object();
    const std::string data = c.page.dataset(j.take(), src.take());
    std::string markers;
    std::string payback_text = "It does not pay back within the horizon on most paths.";
    if (const auto* payback = find(cmp.paths, "payback_period")) {
      const double m = io::payback_median(*payback);
      std::size_t never = 0;
      for (double p : *payback) never += std::isnan(p) ? 1 : 0;
      const double p_never = payback->empty() ? NaN : static_cast<double>(never) / static_cast<double>(payback->size());
      if (std::isfinite(m)) {
        JsonWriter mk;
        mk.begin_array().begin_object().field("x", m).field("label",
                                                            "median payback: " + c.period + " " + period_text(m));
        mk.end_object().end_array();
        JsonWriter ms;
        ms.begin_object().field("kind", "payback_median").field("investment", cmp.name);
        ms.field("computed_from",
                 "median of /comparisons/" + cmp.name + "/paths/payback_period, never (NaN) counting as infinity");
        ms.end_object();
        markers = c.page.dataset(mk.take(), ms.take());
        payback_text = "Median payback: " + c.period + " " + period_text(m) + " (the first " + c.period +
                       " index at which the cumulative discounted net gain is ≥ 0)";
        payback_text += p_never > 0 ? "; it never pays back within the horizon on " + pct(p_never) + " of paths." : ".";
      }
    }
    JsonWriter d;
    d.begin_object().field("kind", "fan").field("data", data);
    if (!markers.empty()) d.field("markers", markers);
    d.field("title", "Cumulative discounted net gain of " + cmp.name + c.in_currency());
    d.field("x_title", cap(c.period)).field("y_title", "Net gain so far" + c.in_currency()).field("y_format", "money");
    d.key("y_zero").boolean(true);
    d.key("zero_rule").boolean(true);
    d.end_object();
    c.page.chart(d.take(),
                 "Cumulative discounted profit of the variant minus the baseline's on the same path, the "
                 "investment's own cost included: where the band crosses zero the investment has paid for itself. " +
                     esc(payback_text));
  }
  for (const io::WhyBreakdown& w : c.why)
    if (w.investment == cmp.name) why_part(c, w);
}

void investments_section(Context& c)
{
  const Results& r = c.r;
  if (r.comparisons.empty()) return;
  std::string& h = c.page.html();
  h += "<h2 id=\"investments\">Investments</h2>\n";
  std::vector<std::pair<std::string, const std::vector<double>*>> net, roi;
  std::vector<std::pair<std::string, std::string>> net_labels, roi_labels;
  for (const Comparison& cmp : r.comparisons) {
    const auto* n = find(cmp.paths, "net_npv");
    const auto* q = find(cmp.paths, "roi");
    if (!n || !q) continue;
    const stats::Summary s = stats::summarize(*n);
    // An investment without an own cost has no ROI (NaN on every path): no ROI panel.
    const bool has_roi = stats::summarize(*q).n > 0;
    if (s.n > 0) {
      net.emplace_back(cmp.name, n);
      net_labels.emplace_back(cmp.name,
                              cmp.name + ": mean " + signed_money(s.mean) +
                                  (has_roi ? ", P(roi>0) = " + pct(io::share_positive(*q)) : ", no own cost"));
    }
    if (has_roi) {
      roi.emplace_back(cmp.name, q);
      roi_labels.emplace_back(cmp.name, cmp.name + ": median ROI " + pct(stats::summarize(*q).p50) +
                                            ", P(roi>0) = " + pct(io::share_positive(*q)));
    }
  }
  if (!net.empty()) {
    h += "<h3>Distributions across paths</h3>\n";
    std::vector<std::string> net_order;
    for (const auto& [n, l] : net_labels) net_order.push_back(l);
    const std::string net_data =
        path_values_dataset(c, "comparison_paths", "net_npv", net, "/comparisons/<name>/paths/net_npv [path]");
    JsonWriter d;
    d.begin_object().field("kind", "histogram").field("data", net_data).field("labels", labels_dataset(c, net_labels));
    d.field("facet", "label");
    d.key("order").raw(json_string_array(net_order));
    d.field("title", "Net NPV per investment" + c.in_currency()).field("x_title", "Net NPV" + c.in_currency());
    d.field("x_format", "money").key("zero_rule").boolean(true);
    d.end_object();
    c.page.chart(d.take(),
                 "Net NPV of each investment on each path (paths per bin; one panel per investment, on one "
                 "scale). Right of the red line the investment earns more than it costs.");
  }
  if (!roi.empty()) {
    std::vector<std::string> roi_order;
    for (const auto& [n, l] : roi_labels) roi_order.push_back(l);
    const std::string roi_data =
        path_values_dataset(c, "comparison_paths", "roi", roi, "/comparisons/<name>/paths/roi [path]");
    JsonWriter e;
    e.begin_object().field("kind", "histogram").field("data", roi_data).field("labels", labels_dataset(c, roi_labels));
    e.field("facet", "label");
    e.key("order").raw(json_string_array(roi_order));
    e.field("title", "Return on investment (net NPV / cost NPV)").field("x_title", "ROI (%)");
    e.field("x_format", "share").key("zero_rule").boolean(true);
    e.end_object();
    c.page.chart(e.take(),
                 "ROI of each investment on each path; P(roi&gt;0) is the share of paths right of the red line.");
  }

  if (!c.pairs.empty()) {
    h += "<h3>Investments against each other</h3>\n<p>On every path both investments meet the same customers with the "
         "same random draws, so their net NPVs are paired: the difference on a path is the effect of choosing one over "
         "the other.</p>\n<table>\n<tr><th class=\"text\">Comparison</th><th class=\"text\">Verdict</th><th>Mean "
         "difference</th><th>p05</th><th>p95</th></tr>\n";
    JsonWriter j;
    j.begin_array();
    std::vector<std::string> order;
    std::vector<std::pair<std::string, std::string>> labels;
    for (const io::PairwiseComparison& pc : c.pairs) {
      const bool swap = pc.p_b_better > pc.p_a_better;
      const std::string& a = swap ? pc.b : pc.a;
      const std::string& b = swap ? pc.a : pc.b;
      const double win = swap ? pc.p_b_better : pc.p_a_better;
      std::string verdict = a + " beats " + b + " on " + pct(win) + " of paired paths";
      if (pc.p_tie > 0) verdict += " (tied on " + pct(pc.p_tie) + ")";
      const std::string label = pc.a + " − " + pc.b + ": " + verdict;
      const std::string name = std::to_string(labels.size());  // the pair's index
      order.push_back(label);
      labels.emplace_back(name, label);
      h += "<tr><td>" + esc(pc.a + " − " + pc.b) + "</td><td class=\"text\">" + esc(verdict) + "</td>" +
           num_cell(signed_money(pc.summary.mean), pc.summary.mean, true) +
           num_cell(signed_money(pc.summary.p05), pc.summary.p05, true) +
           num_cell(signed_money(pc.summary.p95), pc.summary.p95, true) + "</tr>\n";
      for (std::size_t p = 0; p < pc.difference.size(); ++p)
        j.begin_object()
            .field("name", name)
            .field("a", pc.a)
            .field("b", pc.b)
            .field("path", p)
            .field("value", pc.difference[p])
            .end_object();
    }
    j.end_array();
    h += "</table>\n";
    JsonWriter src;
    src.begin_object().field("kind", "paired_difference").field("metric", "net_npv");
    src.field("computed_from", "/comparisons/<a>/paths/net_npv - /comparisons/<b>/paths/net_npv [path]").end_object();
    const std::string data = c.page.dataset(j.take(), src.take());
    JsonWriter d;
    d.begin_object().field("kind", "histogram").field("data", data).field("labels", labels_dataset(c, labels));
    d.field("facet", "label");
    d.key("order").raw(json_string_array(order));
    d.field("title", "Difference in net NPV on the same path" + c.in_currency());
    d.field("x_title", "Net NPV of the first minus the second" + c.in_currency()).field("x_format", "money");
    d.key("zero_rule").boolean(true).field("height", 70);
    d.end_object();
    c.page.chart(d.take(), "Right of the red line the first investment of the pair did better on that path.");
  }

  h += "<h3>Each investment</h3>\n";
  for (const Comparison& cmp : r.comparisons) investment_part(c, cmp);
}

void sensitivity_section(Context& c)
{
  const Results& r = c.r;
  if (r.sensitivity.empty()) return;
  std::string& h = c.page.html();
  h +=
      "<h2 id=\"sensitivity\">Sensitivity to the uncertain inputs</h2>\n<p>Each uncertain input is drawn once per "
      "path. "
      "The tornado shows the mean output over the paths whose draw of the input is in its lowest and in its highest "
      "10%: a long bar means the result depends on that input. The Spearman rank correlation says how consistently the "
      "output rises (positive) or falls (negative) with the input; its p-value how often Monte Carlo noise alone "
      "gives a correlation that strong (grey bars: above 0.05, not told apart from noise). An investment's own "
      "uncertain values are shown only for the outputs they can move (that investment and the portfolio).</p>\n";
  for (const Sensitivity& s : r.sensitivity) {
    // the inputs that can move this output (Sensitivity::reaches)
    std::vector<std::size_t> shown;
    for (std::size_t i = 0; i < s.parameter.size(); ++i)
      if (s.input_reaches(i)) shown.push_back(i);
    if (shown.empty()) continue;
    // The output's mean across paths (the tornado's centre line), from the results.
    double mean = NaN;
    const std::size_t dot = s.output.rfind('.');
    if (dot != std::string::npos) {
      const std::string who = s.output.substr(0, dot), metric = s.output.substr(dot + 1);
      const std::vector<double>* values = nullptr;
      if (const VariantResults* v = io::find_variant(r, who); v && metric == "npv_profit")
        values = find(v->kpis.paths, metric);
      for (const Comparison& cmp : r.comparisons)
        if (cmp.name == who && !values) values = find(cmp.paths, metric);
      if (values) mean = stats::summarize(*values).mean;
    }
    JsonWriter j;
    j.begin_array();
    const auto at = [](const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : NaN; };
    for (std::size_t i : shown)
      j.begin_object()
          .field("parameter", s.parameter[i])
          .field("spearman", at(s.spearman, i))
          .field("tornado_low", at(s.tornado_low, i))
          .field("tornado_high", at(s.tornado_high, i))
          .field("p_value", at(s.p_value, i))
          .field("output_mean", mean)
          .end_object();
    j.end_array();
    JsonWriter src;
    src.begin_object().field("kind", "sensitivity").field("output", s.output);
    src.field("equals",
              "/sensitivity/" + s.output + "/{parameter,spearman,tornado_low,tornado_high,p_value} where reaches is 1");
    src.field("output_mean", "mean of the output's per-path values").end_object();
    const std::string data = c.page.dataset(j.take(), src.take());
    const std::string metric = dot == std::string::npos ? s.output : s.output.substr(dot + 1);
    h += "<h3>" + esc(s.output) + "</h3>\n";
    const auto finite = [](const std::vector<double>& v) { return stats::summarize(v).n > 0; };
    if (!finite(s.tornado_low) && !finite(s.tornado_high) && !finite(s.spearman)) {
      h += "<p class=\"note\">No finite sensitivity of this output (it is not defined on any path).</p>\n";
      continue;
    }
    if (finite(s.tornado_low) || finite(s.tornado_high)) {
      JsonWriter d;
      d.begin_object()
          .field("kind", "tornado")
          .field("data", data)
          .field("title", "Tornado: " + s.output + c.in_currency());
      const std::string what = metric == "net_npv"      ? "net NPV"
                               : metric == "npv_profit" ? "NPV of profit"
                                                        : words(metric);
      d.field("x_title", "Mean " + what + " over the paths" + c.in_currency())
          .field("x_format", chart_format(metric))
          .end_object();
      c.page.chart(d.take(), "The black line is the mean over all paths.");
    }
    if (finite(s.spearman)) {
      JsonWriter e;
      e.begin_object()
          .field("kind", "spearman")
          .field("data", data)
          .field("title", "Spearman rank correlation with " + s.output)
          .end_object();
      c.page.chart(e.take(), "");
    }
  }
}

void sweep_section(Context& c)
{
  const Results& r = c.r;
  std::vector<const VariantResults*> sv;
  for (const auto& v : r.variants)
    if (!v.sweep_values.empty()) sv.push_back(&v);
  if (sv.empty()) return;
  std::string& h = c.page.html();
  // x: the swept key with the most distinct values; the others form groups.
  std::map<std::string, std::set<double>> distinct;
  for (const auto* v : sv)
    for (const auto& [k, x] : v->sweep_values) distinct[k].insert(x);
  std::string xkey;
  for (const auto& [k, vals] : distinct)
    if (xkey.empty() || vals.size() > distinct[xkey].size()) xkey = k;
  const bool grouped = distinct.size() > 1;
  h += "<h2 id=\"sweep\">Sweep</h2>\n<p>The scenario run at every combination of the swept values (" +
       std::to_string(sv.size()) +
       " variants); each point is a variant: median across paths, with the ranges holding 50% "
       "and 90% of the paths.</p>\n<table>\n<tr><th class=\"text\">Variant</th>";
  for (const auto& [k, vals] : distinct) h += "<th>" + esc(k) + "</th>";
  h += "</tr>\n";
  for (const auto* v : sv) {
    h += "<tr><td>" + esc(v->name) + "</td>";
    for (const auto& [k, vals] : distinct) {
      const auto it = v->sweep_values.find(k);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", it == v->sweep_values.end() ? NaN : it->second);
      h += num_cell(buf);
    }
    h += "</tr>\n";
  }
  h += "</table>\n";
  for (const std::string kpi : {"npv_profit", "clv_mean", "nps_final", "revenue_total"}) {
    bool any = false;
    for (const auto* v : sv) any = any || v->kpis.paths.count(kpi);
    if (!any) continue;
    JsonWriter j;
    j.begin_array();
    for (const auto* v : sv) {
      const auto* values = find(v->kpis.paths, kpi);
      if (!values) continue;
      std::string group;
      for (const auto& [k, x] : v->sweep_values)
        if (k != xkey) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%g", x);
          group += (group.empty() ? "" : ", ") + k + " = " + buf;
        }
      const auto xit = v->sweep_values.find(xkey);
      const stats::Summary s = stats::summarize(*values);
      j.begin_object()
          .field("variant", v->name)
          .field("x", xit == v->sweep_values.end() ? NaN : xit->second)
          .field("group", group);
      j.field("mean", s.mean)
          .field("p05", s.p05)
          .field("p25", s.p25)
          .field("p50", s.p50)
          .field("p75", s.p75)
          .field("p95", s.p95);
      j.end_object();
    }
    j.end_array();
    JsonWriter src;
    src.begin_object().field("kind", "sweep").field("kpi", kpi);
    src.field("computed_from",
              "statistics across paths of /variants/<variant>/paths/" + kpi + "; x = attribute sweep." + xkey);
    src.end_object();
    const std::string data = c.page.dataset(j.take(), src.take());
    JsonWriter d;
    d.begin_object().field("kind", "sweep").field("data", data).field("title", c.axis_title(kpi) + " against " + xkey);
    d.field("x_title", xkey).field("y_title", c.axis_title(kpi)).field("y_format", chart_format(kpi));
    d.key("grouped").boolean(grouped).field("group_title", "other swept keys").end_object();
    c.page.chart(d.take(), "");
  }
}

//! Segments (two or more): headline KPIs per segment, and the investments' effect per segment.
void segments_part(Context& c)
{
  const Results& r = c.r;
  if (r.segment_names.size() < 2 || r.variants.empty()) return;
  std::string& h = c.page.html();
  h += "<h3>Segments</h3>\n<p>Segment figures leave out the costs that belong to no segment (the shop's fixed costs, "
       "the "
       "loyalty programme's fixed cost, the investments' one-time and per-period costs), so they do not add up to the "
       "shop's totals.</p>\n";
  const VariantResults& base = r.variants.front();
  const std::vector<std::string> cols = {"npv_profit", "revenue_total", "customers_acquired",
                                         "clv_mean",   "clv_to_cac",    "nps_final"};
  h += "<table>\n<tr><th class=\"text\">Segment (" + esc(base.name) + ", mean across paths)</th>";
  for (const auto& k : cols)
    h += "<th>" + esc(words(k)) + (chart_format(k) == "money" ? " (" + esc(c.currency) + ")" : "") + "</th>";
  h += "</tr>\n";
  for (const auto& seg : r.segment_names) {
    const auto it = base.segments.find(seg);
    if (it == base.segments.end()) continue;
    h += "<tr><td>" + esc(seg) + "</td>";
    for (const auto& k : cols) {
      const auto* v = find(it->second.paths, k);
      h += num_cell(v ? value_text(stats::summarize(*v).mean, k) : "-");
    }
    h += "</tr>\n";
  }
  h += "</table>\n";

  std::vector<const VariantResults*> vs;
  for (const auto& v : r.variants)
    if (vs.size() < 6) vs.push_back(&v);
  for (const std::string kpi : {"npv_profit", "clv_mean"}) {
    JsonWriter j;
    j.begin_array();
    for (const auto* v : vs)
      for (const auto& seg : r.segment_names) {
        const auto it = v->segments.find(seg);
        const auto* values = it == v->segments.end() ? nullptr : find(it->second.paths, kpi);
        if (!values) continue;
        const stats::Summary s = stats::summarize(*values);
        j.begin_object().field("variant", v->name).field("segment", seg).field("mean", s.mean).field("p05", s.p05);
        j.field("p50", s.p50).field("p95", s.p95).end_object();
      }
    j.end_array();
    JsonWriter src;
    src.begin_object().field("kind", "segment_paths").field("kpi", kpi);
    src.field("computed_from", "statistics across paths of /variants/<variant>/segments/<segment>/paths/" + kpi)
        .end_object();
    const std::string data = c.page.dataset(j.take(), src.take());
    JsonWriter d;
    d.begin_object().field("kind", "segment_bars").field("data", data).field("group", "variant");
    d.key("order").raw(json_string_array(variant_names(vs)));
    d.field("title", c.axis_title(kpi) + " by segment")
        .field("x_title", c.axis_title(kpi))
        .field("x_format", chart_format(kpi));
    d.end_object();
    c.page.chart(d.take(), "Mean across paths; the black line spans p05 to p95.");
  }
  if (r.comparisons.empty()) return;
  // Each investment's NPV gain per segment, paired with the baseline path by path.
  JsonWriter j;
  j.begin_array();
  std::vector<std::string> order;
  for (const Comparison& cmp : r.comparisons) {
    const VariantResults* v = io::find_variant(r, cmp.name);
    if (!v) continue;
    order.push_back(cmp.name);
    for (const auto& seg : r.segment_names) {
      const auto a = v->segments.find(seg);
      const auto b = base.segments.find(seg);
      if (a == v->segments.end() || b == base.segments.end()) continue;
      const auto* x = find(a->second.paths, "npv_profit");
      const auto* y = find(b->second.paths, "npv_profit");
      if (!x || !y || x->size() != y->size()) continue;
      std::vector<double> diff(x->size());
      for (std::size_t p = 0; p < diff.size(); ++p) diff[p] = (*x)[p] - (*y)[p];
      const stats::Summary s = stats::summarize(diff);
      j.begin_object().field("investment", cmp.name).field("segment", seg).field("mean", s.mean).field("p05", s.p05);
      j.field("p50", s.p50).field("p95", s.p95).end_object();
    }
  }
  j.end_array();
  JsonWriter src;
  src.begin_object().field("kind", "segment_delta").field("kpi", "npv_profit");
  src.field("computed_from",
            "statistics across paths of /variants/<investment>/segments/<segment>/paths/npv_profit - "
            "/variants/baseline/segments/<segment>/paths/npv_profit")
      .end_object();
  const std::string data = c.page.dataset(j.take(), src.take());
  JsonWriter d;
  d.begin_object().field("kind", "segment_bars").field("data", data).field("group", "investment");
  d.key("order").raw(json_string_array(order));
  d.field("title", "What each investment changes in each segment's NPV of profit" + c.in_currency());
  d.field("x_title", "Δ NPV of profit against the baseline" + c.in_currency()).field("x_format", "money").end_object();
  c.page.chart(d.take(),
               "Paired with the baseline path by path; mean across paths, the black line spans p05 to p95. "
               "Before the investments' one-time and per-period costs.");
}

void customers_section(Context& c)
{
  const Results& r = c.r;
  std::string& h = c.page.html();
  h += "<h2 id=\"customers\">Customers</h2>\n";
  std::vector<const VariantResults*> vs;
  for (const auto& v : r.variants)
    if (vs.size() < 6) vs.push_back(&v);
  // CLV histogram
  {
    JsonWriter j;
    j.begin_array();
    bool any = false;
    for (const auto* v : {vs.front()}) {
      const Histogram& hist = v->clv_histogram;
      if (hist.edges.size() != hist.counts.size() + 1) continue;
      for (std::size_t k = 0; k < hist.counts.size(); ++k) {
        any = true;
        j.begin_object().field("variant", v->name).field("lo", hist.edges[k]).field("hi", hist.edges[k + 1]);
        j.field("count", hist.counts[k]).end_object();
      }
    }
    j.end_array();
    if (any) {
      JsonWriter src;
      src.begin_object()
          .field("kind", "clv_histogram")
          .field("equals", "/variants/<variant>/clv_histogram/{edges,counts}")
          .end_object();
      const std::string data = c.page.dataset(j.take(), src.take());
      JsonWriter d;
      d.begin_object().field("kind", "clv_histogram").field("data", data).field("first", vs.front()->name);
      d.key("order").raw(json_string_array(variant_names(vs)));
      d.field("title", "Customer lifetime value" + c.in_currency())
          .field("x_title", "CLV per customer" + c.in_currency());
      d.end_object();
      c.page.chart(d.take(),
                   "CLV of the customers of " + esc(vs.front()->name) +
                       ": each one's lifetime value, its discounted contribution from its acquisition to the "
                       "end of the horizon plus the expected value of its life after it (docs/model.md §11.1.7), "
                       "discounted to its acquisition (share of customers per bin). A sample of customers of the "
                       "run's first paths; the first and last bins also hold the 0.5% tails. The other variants' "
                       "mean CLV is in the KPI tables.");
    }
  }
  // Revenue concentration
  {
    JsonWriter j;
    j.begin_array();
    bool any = false;
    for (const auto* v : vs)
      for (std::size_t k = 0; k < v->concentration_x.size() && k < v->concentration_share.size(); ++k) {
        any = true;
        j.begin_object().field("variant", v->name).field("top_share_of_customers", v->concentration_x[k]);
        j.field("share_of_revenue", v->concentration_share[k]).end_object();
      }
    j.end_array();
    if (any) {
      JsonWriter src;
      src.begin_object().field("kind", "concentration");
      src.field("equals", "/variants/<variant>/concentration/{top_share_of_customers,share_of_revenue}").end_object();
      const std::string data = c.page.dataset(j.take(), src.take());
      JsonWriter d;
      d.begin_object().field("kind", "lorenz").field("data", data);
      d.key("order").raw(json_string_array(variant_names(vs)));
      d.field("title", "Revenue concentration").end_object();
      c.page.chart(d.take(),
                   "Share of revenue from the top x% of customers (ranked by their revenue over the horizon). "
                   "The dashed line is a shop where every customer brings the same revenue.");
    }
  }
  segments_part(c);
}

//! Per-path KPIs of every variant: mean and the p05-p95 range.
void kpi_tables_section(Context& c)
{
  const Results& r = c.r;
  std::string& h = c.page.html();
  h += "<h2 id=\"kpis\">KPI tables</h2>\n<p>Per-path KPIs: mean across paths and, below it, p05 to p95. Money in " +
       esc(c.currency) + ".</p>\n";
  constexpr std::size_t PER_TABLE = 5;
  for (std::size_t first = 0; first < r.variants.size(); first += PER_TABLE) {
    const std::size_t last = std::min(r.variants.size(), first + PER_TABLE);
    std::vector<std::string> kpis;
    for (std::size_t v = first; v < last; ++v)
      for (const auto& [k, x] : r.variants[v].kpis.paths)
        if (std::find(kpis.begin(), kpis.end(), k) == kpis.end()) kpis.push_back(k);
    // The order of the definitions table, then any other.
    std::vector<std::string> ordered;
    for (const KpiDefinition& d : kpi_definitions())
      for (const auto& k : kpis)
        if (k == d.name) ordered.push_back(k);
    for (const auto& k : kpis)
      if (std::find(ordered.begin(), ordered.end(), k) == ordered.end()) ordered.push_back(k);
    h += "<table>\n<tr><th class=\"text\">KPI</th>";
    for (std::size_t v = first; v < last; ++v) h += "<th>" + esc(r.variants[v].name) + "</th>";
    h += "</tr>\n";
    for (const auto& k : ordered) {
      h += "<tr><td><a href=\"#def-" + esc(find_kpi_definition(k) ? std::string(find_kpi_definition(k)->name) : k) +
           "\">" + esc(k) + "</a></td>";
      for (std::size_t v = first; v < last; ++v) {
        const auto* x = find(r.variants[v].kpis.paths, k);
        if (!x) {
          h += "<td></td>";
          continue;
        }
        const stats::Summary s = stats::summarize(*x);
        h += "<td class=\"num\">" + esc(value_text(s.mean, k)) + "<br><span class=\"note\">" +
             esc(value_text(s.p05, k)) + " to " + esc(value_text(s.p95, k)) + "</span></td>";
      }
      h += "</tr>\n";
    }
    h += "</table>\n";
  }
}

void definitions_section(Context& c)
{
  std::string& h = c.page.html();
  h += "<h2 id=\"definitions\">KPI definitions</h2>\n<p>Short definitions; <code>docs/model.md</code> in the clvsim "
       "sources defines the model in full. Money is in " +
       esc(c.currency) + "; discounting uses δ<sup>t</sup> per " + esc(c.period) +
       " from the annual discount rate, with " + esc(c.period) + " 0 undiscounted.</p>\n";
  h += "<table>\n<tr><th class=\"text\">KPI</th><th class=\"text\">Kind</th><th class=\"text\">Unit</th><th "
       "class=\"text\">Definition</th></tr>\n";
  for (const KpiDefinition& d : kpi_definitions()) {
    const std::string per = d.per == "period" ? "per " + c.period
                            : d.per == "path" ? "per path"
                                              : "per investment and path";
    std::string unit(d.unit);
    if (unit == "money") unit = c.currency;
    h += "<tr id=\"def-" + esc(std::string(d.name)) + "\"><td class=\"text\"><code>" + esc(std::string(d.name)) +
         "</code></td><td class=\"text\">" + esc(per) + "</td><td class=\"text\">" + esc(unit) +
         "</td><td class=\"def\">" + esc(std::string(d.definition)) + "</td></tr>\n";
  }
  h += "</table>\n";
}

void provenance_section(Context& c, const ResultsReportOptions& o)
{
  const Results& r = c.r;
  std::string& h = c.page.html();
  h += "<h2 id=\"provenance\">Provenance and assumptions</h2>\n<dl class=\"facts\">";
  const auto fact = [&](const std::string& k, const std::string& v) {
    h += "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>";
  };
  fact("clvsim version", r.clvsim_version);
  fact("run at (UTC)", r.created_utc);
  fact("scenario", r.scenario_name);
  fact("scenario file", r.scenario_path.empty() ? "(built in)" : r.scenario_path);
  fact("command line", r.command_line);
  fact("seed", std::to_string(r.seed));
  fact("paths", std::to_string(r.paths));
  fact("horizon", std::to_string(r.horizon) + " " + c.period + (r.horizon == 1 ? "" : "s"));
  fact("currency", c.currency);
  const double rate = io::annual_discount_rate(r, c.discount);
  if (std::isfinite(rate)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g%% a year (δ = %.6f per %s)", 100 * rate,
                  c.discount.size() > 1 ? c.discount[1] : NaN, c.period.c_str());
    fact("discount rate", buf);
  }
  std::string variants;
  for (const auto& v : r.variants) variants += (variants.empty() ? "" : ", ") + v.name;
  fact("variants", variants);
  std::string segments;
  for (const auto& s : r.segment_names) segments += (segments.empty() ? "" : ", ") + s;
  fact("segments", segments);
  if (!o.results_file.empty()) fact("results file", o.results_file);
  h += "</dl>\n";
  if (r.sensitivity.empty()) {
    h += "<p>No input is uncertain: every assumption is a fixed number.</p>\n";
  } else {
    h += "<p>Uncertain inputs (drawn once per path, shared by every variant of the path):</p>\n<ul>";
    for (const auto& p : r.sensitivity.front().parameter) h += "<li><code>" + esc(p) + "</code></li>";
    h += "</ul>\n";
  }
  if (!o.resolved_scenario.empty()) {
    h += "<details open><summary>The scenario as run: every key with its value (units are in the key names: "
         "<code>_hours</code>, <code>_annual</code>, money in " +
         esc(c.currency) + ")</summary>\n<pre>" + esc(o.resolved_scenario) + "</pre></details>\n";
  } else if (!o.resolved_scenario_note.empty()) {
    h += "<p class=\"note\">" + esc(o.resolved_scenario_note) + "</p>\n";
  }
  h += "<details><summary>The scenario file as written</summary>\n<pre>" + esc(r.scenario_toml) + "</pre></details>\n";
}

}  // namespace

RenderedReport results_report(const Results& r, const ResultsReportOptions& o)
{
  const std::string currency = r.currency.empty() ? "money units" : r.currency;
  const std::string period = r.period.empty() ? "period" : r.period;
  JsonWriter meta;
  meta.begin_object().field("generator", "clvsim " + r.clvsim_version).field("report", "results");
  meta.field("currency", currency).field("period", period).field("horizon", r.horizon).field("paths", r.paths);
  meta.field("seed", std::to_string(r.seed)).field("scenario", r.scenario_name).field("created_utc", r.created_utc);
  meta.end_object();
  HtmlPage page("clvsim report: " + (r.scenario_name.empty() ? std::string("results") : r.scenario_name), meta.take());
  Context c{r, page, currency, period, io::discount_factors(r), io::why_breakdowns(r), io::pairwise_comparisons(r)};
  header(c, o);
  summary_section(c);
  over_time_section(c);
  subscription_section(c);
  investments_section(c);
  sensitivity_section(c);
  sweep_section(c);
  customers_section(c);
  kpi_tables_section(c);
  definitions_section(c);
  provenance_section(c, o);
  RenderedReport out;
  out.charts = page.chart_count();
  out.html = page.render();
  return out;
}

}  // namespace clvsim::report
