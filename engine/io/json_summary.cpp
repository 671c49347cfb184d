#include "engine/io/json_summary.h"

#include "engine/core/quoted.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>

#include "engine/io/decisions.h"
#include "engine/io/subscription.h"
#include "engine/stats/summary.h"

namespace clvsim::io {

double payback_median(const std::vector<double>& payback_period)
{
  if (payback_period.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> s;
  s.reserve(payback_period.size());
  for (double v : payback_period) s.push_back(std::isnan(v) ? inf : v);
  std::sort(s.begin(), s.end());
  // Type 7 at q = 0.5, written out so that "never" (inf) stays inf instead of the
  // inf - inf = NaN a plain interpolation would give.
  const double h = (static_cast<double>(s.size()) - 1.0) * 0.5;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto hi = std::min(lo + 1, s.size() - 1);
  const double frac = h - static_cast<double>(lo);
  if (frac == 0.0 || s[lo] == s[hi]) return s[lo];
  if (std::isinf(s[hi])) return inf;
  return s[lo] + frac * (s[hi] - s[lo]);
}

double share_positive(const std::vector<double>& roi)
{
  if (roi.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::size_t n = 0;
  for (double v : roi)
    if (v > 0) ++n;  // false for NaN
  return static_cast<double>(n) / static_cast<double>(roi.size());
}

namespace {

//! Minimal streaming JSON writer: tracks whether a separator is due at each depth.
class Json {
public:
  std::string take() { return std::move(out_); }

  void begin_object()
  {
    out_ += '{';
    first_.push_back(true);
  }
  void end_object()
  {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) {
      out_ += '\n';
      indent();
    }
    out_ += '}';
  }
  void begin_array()
  {
    out_ += '[';
    first_.push_back(true);
  }
  void end_array()
  {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) {
      out_ += '\n';
      indent();
    }
    out_ += ']';
  }
  //! Starts an array element (the separator and indentation a key would get).
  void element()
  {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    out_ += '\n';
    indent();
  }
  void key(const std::string& k)
  {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    out_ += '\n';
    indent();
    string_literal(k);
    out_ += ": ";
  }
  void string(const std::string& s) { string_literal(s); }
  void number(double v)
  {
    if (!std::isfinite(v)) {
      out_ += "null";
      return;
    }
    if (v == 0) v = 0;  // no "-0"
    char buf[32];
    // Shortest representation that reads back to the same double.
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, res.ptr);
  }
  void integer(long long v) { out_ += std::to_string(v); }
  void unsigned_integer(unsigned long long v) { out_ += std::to_string(v); }

private:
  void indent() { out_.append(2 * first_.size(), ' '); }

  //! A JSON string (core::quoted: escapes, valid UTF-8 through, invalid bytes as U+FFFD, so
  //! the document always parses).
  void string_literal(const std::string& s) { out_ += core::quoted(s); }

  std::string out_;
  std::vector<bool> first_;
};

void summary(Json& j, const std::vector<double>& v)
{
  const stats::Summary s = stats::summarize(std::span<const double>(v));
  j.begin_object();
  j.key("mean");
  j.number(s.mean);
  j.key("sd");
  j.number(s.sd);
  j.key("se");
  j.number(s.se);
  j.key("p05");
  j.number(s.p05);
  j.key("p50");
  j.number(s.p50);
  j.key("p95");
  j.number(s.p95);
  j.end_object();
}

void kpis(Json& j, const KpiTable& t)
{
  for (const auto& [kpi, v] : t.paths) {
    j.key(kpi);
    summary(j, v);
  }
}

//! comparisons.<c>.why.<line>.{mean,sd,se,p05,p50,p95}: the NPV of the change of each
//! line against the baseline (decisions.h), from revenue down to net_npv.
void why_json(Json& j, const WhyBreakdown& w)
{
  j.key("why");
  j.begin_object();
  for (const WhyLine& l : w.lines) {
    j.key(l.name);
    summary(j, l.paths);
  }
  j.end_object();
}

//! pairwise: [{a, b, metric, p_a_better, p_b_better, p_tie, difference: {...}}], every pair
//! of comparisons on the same paths.
void pairwise_json(Json& j, const std::vector<PairwiseComparison>& pairs)
{
  j.key("pairwise");
  j.begin_array();
  for (const PairwiseComparison& pc : pairs) {
    j.element();
    j.begin_object();
    j.key("a");
    j.string(pc.a);
    j.key("b");
    j.string(pc.b);
    j.key("metric");
    j.string(pc.metric);
    j.key("p_a_better");
    j.number(pc.p_a_better);
    j.key("p_b_better");
    j.number(pc.p_b_better);
    j.key("p_tie");
    j.number(pc.p_tie);
    j.key("difference");
    summary(j, pc.difference);
    j.end_object();
  }
  j.end_array();
}

void numbers(Json& j, const std::vector<double>& v)
{
  j.begin_array();
  for (double x : v) {
    j.element();
    j.number(x);
  }
  j.end_array();
}

//! subscription: a subscription run's closed forms, and per variant MRR by period and
//! retention by tenure (docs/model.md §11.6).
void subscription_json(Json& j, const Results& r)
{
  const SubscriptionResults& s = r.subscription;
  j.key("subscription");
  j.begin_object();
  j.key("months_per_period");
  j.number(s.months_per_period);
  j.key("discount_rate_per_period");
  j.number(s.discount_rate_per_period);
  j.key("fee");
  j.number(s.fee);
  j.key("derl");
  j.begin_object();
  j.key("periods");
  j.number(s.derl_periods);
  j.key("value");
  j.number(s.derl_value);
  j.end_object();
  j.key("del");
  j.begin_object();
  j.key("periods");
  j.number(s.del_periods);
  j.key("value");
  j.number(s.del_value);
  j.end_object();
  j.key("retention_closed_form");
  numbers(j, s.retention_closed_form);
  j.key("variants");
  j.begin_object();
  for (const VariantResults& v : r.variants) {
    const SubscriptionSeries x = subscription_series(r, v);
    j.key(v.name);
    j.begin_object();
    j.key("mrr");
    j.begin_object();
    j.key("mean");
    numbers(j, x.mrr_mean);
    j.key("p05");
    numbers(j, x.mrr_p05);
    j.key("p95");
    numbers(j, x.mrr_p95);
    j.end_object();
    j.key("retention_by_tenure");
    j.begin_object();
    j.key("mean");
    numbers(j, x.retention_mean);
    j.key("se");
    numbers(j, x.retention_se);
    j.end_object();
    j.end_object();
  }
  j.end_object();
  j.end_object();
}

}  // namespace

std::string to_json(const Results& r)
{
  const std::vector<WhyBreakdown> why = why_breakdowns(r);
  Json j;
  j.begin_object();
  j.key("clvsim_version");
  j.string(r.clvsim_version);
  j.key("scenario");
  j.string(r.scenario_name);
  j.key("scenario_path");
  j.string(r.scenario_path);
  j.key("seed");
  j.unsigned_integer(r.seed);
  j.key("paths");
  j.integer(r.paths);
  j.key("horizon");
  j.integer(r.horizon);
  j.key("period");
  j.string(r.period);
  j.key("currency");
  j.string(r.currency);
  j.key("run_seconds");
  j.number(r.run_seconds);
  j.key("uncertain_inputs");
  j.integer(static_cast<long long>(r.uncertain_inputs.size()));
  j.key("uncertain_input_keys");
  j.begin_array();
  for (const auto& k : r.uncertain_inputs) {
    j.element();
    j.string(k);
  }
  j.end_array();
  j.key("warnings");
  j.begin_array();
  for (const auto& w : r.warnings) {
    j.element();
    j.string(w);
  }
  j.end_array();

  j.key("variants");
  j.begin_object();
  for (const VariantResults& v : r.variants) {
    j.key(v.name);
    j.begin_object();
    kpis(j, v.kpis);
    if (!v.segments.empty()) {
      j.key("segments");
      j.begin_object();
      for (const auto& [seg, table] : v.segments) {
        j.key(seg);
        j.begin_object();
        kpis(j, table);
        j.end_object();
      }
      j.end_object();
    }
    if (!v.sweep_values.empty()) {
      j.key("sweep");
      j.begin_object();
      for (const auto& [key, value] : v.sweep_values) {
        j.key(key);
        j.number(value);
      }
      j.end_object();
    }
    j.end_object();
  }
  j.end_object();

  j.key("comparisons");
  j.begin_object();
  for (const Comparison& c : r.comparisons) {
    j.key(c.name);
    j.begin_object();
    for (const auto& [metric, v] : c.paths) {
      if (metric == "payback_period") continue;
      j.key(metric);
      summary(j, v);
    }
    if (const auto it = c.paths.find("roi"); it != c.paths.end()) {
      j.key("p_roi_positive");
      j.number(share_positive(it->second));
      if (r.uncertain_inputs.empty()) {
        j.key("note");
        j.string(MONTE_CARLO_NOISE_NOTE);
      }
    }
    if (const auto it = c.paths.find("payback_period"); it != c.paths.end()) {
      j.key("payback_period");
      j.begin_object();
      j.key("p50");
      j.number(payback_median(it->second));  // inf (never) -> null
      std::size_t never = 0;
      for (double p : it->second)
        if (std::isnan(p)) ++never;
      j.key("p_never");
      j.number(it->second.empty() ? std::numeric_limits<double>::quiet_NaN()
                                  : static_cast<double>(never) / static_cast<double>(it->second.size()));
      j.end_object();
    }
    for (const WhyBreakdown& w : why)
      if (w.investment == c.name) why_json(j, w);
    j.end_object();
  }
  j.end_object();

  pairwise_json(j, pairwise_comparisons(r));

  j.key("sensitivity");
  j.begin_object();
  for (const Sensitivity& s : r.sensitivity) {
    j.key(s.output);
    j.begin_object();
    const auto at = [](const std::vector<double>& v, std::size_t i) {
      return i < v.size() ? v[i] : std::numeric_limits<double>::quiet_NaN();
    };
    for (std::size_t i = 0; i < s.parameter.size(); ++i) {
      j.key(s.parameter[i]);
      j.begin_object();
      j.key("spearman");
      j.number(at(s.spearman, i));
      j.key("tornado_low");
      j.number(at(s.tornado_low, i));
      j.key("tornado_high");
      j.number(at(s.tornado_high, i));
      j.key("p_value");
      j.number(at(s.p_value, i));
      j.key("reaches");
      j.number(i < s.reaches.size() ? s.reaches[i] : 1.0);
      j.end_object();
    }
    j.end_object();
  }
  j.end_object();

  if (r.subscription.present()) subscription_json(j, r);

  j.end_object();
  return j.take();
}

std::string json_quote(const std::string& text)
{
  Json j;
  j.string(text);
  return j.take();
}

std::string json_number(double value)
{
  Json j;
  j.number(value);
  return j.take();
}

}  // namespace clvsim::io
