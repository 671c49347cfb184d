#include "engine/run/variants.h"

#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "models/kpis.h"
#include "scenarios/changes.h"
#include "scenarios/keys.h"
#include "scenarios/segment_model.h"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>

namespace clvsim {

using scenarios::apply_change;
using scenarios::Change;
using scenarios::Scenario;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! FNV-1a of a name, folded to the 40-bit customer-id field of a stream: the stream of an
//! uncertain input depends only on its name.
std::uint64_t name_id(const std::string& name)
{
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return (h ^ (h >> 40)) & ((std::uint64_t{1} << 40) - 1);
}

double ramp_weight(const scenarios::Investment& inv, int t)
{
  if (t < inv.start_period) return 0.0;
  if (inv.ramp_periods <= 0) return 1.0;
  return std::min(1.0, static_cast<double>(t - inv.start_period + 1) / inv.ramp_periods);
}

//! The cumulative segment shares a channel's new customers draw from (docs/model.md §4):
//! `scenario_cumulative` when the channel has no mix; otherwise the running sum of its mix,
//! with the entry of its last segment of positive share (and every later one) set to 2, so
//! that a uniform in [0, 1) never falls into a segment the mix leaves out, however the
//! shares round (they sum to 1 only within 1e-9).
std::vector<double> channel_cumulative_share(const scenarios::Channel& ch,
                                             const std::vector<double>& scenario_cumulative)
{
  if (ch.segment_shares.empty()) return scenario_cumulative;
  std::vector<double> cum(ch.segment_shares.size());
  std::size_t last = 0;
  double sum = 0;
  for (std::size_t k = 0; k < cum.size(); ++k) {
    sum += ch.segment_shares[k];
    cum[k] = sum;
    if (ch.segment_shares[k] > 0) last = k;
  }
  for (std::size_t k = last; k < cum.size(); ++k) cum[k] = 2.0;
  return cum;
}

}  // namespace

std::vector<VariantSpec> make_variants(const Scenario& sc)
{
  std::vector<VariantSpec> out;
  out.push_back({"baseline", {}, {}});
  for (std::size_t i = 0; i < sc.investments.size(); ++i) out.push_back({sc.investments[i].name, {i}, {}});
  if (sc.investments.size() >= 2) {
    VariantSpec portfolio{"portfolio", {}, {}};
    for (std::size_t i = 0; i < sc.investments.size(); ++i) portfolio.investments.push_back(i);
    out.push_back(portfolio);
  }
  if (!sc.sweep.empty()) {
    std::size_t total = 1;
    for (const auto& axis : sc.sweep) total *= axis.values.size();
    for (std::size_t k = 0; k < total; ++k) {
      VariantSpec v;
      char name[32];
      std::snprintf(name, sizeof name, "sweep_%04zu", k);
      v.name = name;
      std::size_t rem = k;
      // the last axis varies fastest
      std::vector<std::size_t> index(sc.sweep.size());
      for (std::size_t a = sc.sweep.size(); a-- > 0;) {
        index[a] = rem % sc.sweep[a].values.size();
        rem /= sc.sweep[a].values.size();
      }
      for (std::size_t a = 0; a < sc.sweep.size(); ++a)
        v.sweep.emplace_back(sc.sweep[a].key, sc.sweep[a].values[index[a]]);
      out.push_back(v);
    }
  }
  return out;
}

double draw_uncertain(const scenarios::Distribution& d, std::uint64_t seed, std::uint32_t path, const std::string& name)
{
  rng::Stream s(seed, path, name_id(name), 0, rng::Purpose::uncertainty);
  using scenarios::DistKind;
  switch (d.kind) {
    case DistKind::normal: {
      // truncated to [low, high] by rejection (exact); bounds make the loader require them
      for (int k = 0; k < 10000; ++k) {
        const double x = d.mean + d.sd * rng::normal(s);
        if ((!d.has_low || x >= d.low) && (!d.has_high || x <= d.high)) return x;
      }
      return std::clamp(d.mean, d.has_low ? d.low : d.mean, d.has_high ? d.high : d.mean);
    }
    case DistKind::lognormal:
      return d.median * std::exp(d.sigma * rng::normal(s));
    case DistKind::uniform:
      return d.low + (d.high - d.low) * s.uniform();
    case DistKind::triangular: {
      const double u = s.uniform(), range = d.high - d.low, f = (d.mode - d.low) / range;
      return u < f ? d.low + std::sqrt(u * range * (d.mode - d.low))
                   : d.high - std::sqrt((1 - u) * range * (d.high - d.mode));
    }
    case DistKind::pert: {
      // PERT: Beta(1 + 4 (mode-low)/(high-low), 1 + 4 (high-mode)/(high-low)) on [low, high]
      const double range = d.high - d.low;
      const double a = 1 + 4 * (d.mode - d.low) / range, b = 1 + 4 * (d.high - d.mode) / range;
      return d.low + range * rng::beta(s, a, b);
    }
    case DistKind::beta: {
      const double lo = d.has_low ? d.low : 0.0, hi = d.has_high ? d.high : 1.0;
      return lo + (hi - lo) * rng::beta(s, d.a, d.b);
    }
    case DistKind::mvlognormal:
      throw std::invalid_argument("'" + name + "' is drawn with its group (draw_joint)");
  }
  return NaN;
}

std::vector<double> draw_joint(const scenarios::JointLognormal& g, std::uint64_t seed, std::uint32_t path)
{
  rng::Stream s(seed, path, name_id(g.name), 0, rng::Purpose::uncertainty);
  const std::size_t k = g.keys.size();
  std::vector<double> z(k), v(k);
  auto within = [&](std::size_t i) {
    return (g.low_open[i] ? v[i] > g.low[i] : v[i] >= g.low[i]) &&
           (g.high_open[i] ? v[i] < g.high[i] : v[i] <= g.high[i]);
  };
  // truncated to the keys' ranges by rejection (exact); the loader put the medians inside
  for (int attempt = 0; attempt < 10000; ++attempt) {
    for (double& zi : z) zi = rng::normal(s);
    bool inside = true;
    for (std::size_t i = 0; i < k; ++i) {
      double x = g.mean_log[i];
      for (std::size_t j = 0; j <= i; ++j) x += g.chol[i * k + j] * z[j];
      v[i] = std::exp(x);
      inside = inside && within(i);
    }
    if (inside) return v;
  }
  for (std::size_t i = 0; i < k; ++i) v[i] = std::exp(g.mean_log[i]);
  return v;
}

Scenario path_scenario(const Scenario& sc, std::uint32_t path, std::vector<double>* draws)
{
  Scenario s = sc;
  if (draws) draws->clear();
  std::vector<std::vector<double>> joint;
  for (const auto& g : sc.joint) joint.push_back(draw_joint(g, sc.simulation.seed, path));
  for (const auto& in : sc.uncertain) {
    const double v = in.dist.kind == scenarios::DistKind::mvlognormal
                         ? joint.at(in.dist.group).at(in.dist.member)
                         : draw_uncertain(in.dist, sc.simulation.seed, path, in.key);
    if (draws) draws->push_back(v);
    if (in.key.rfind("investment.", 0) == 0) {
      const auto dot = in.key.find('.', 11);
      const std::string name = in.key.substr(11, dot - 11), field = in.key.substr(dot + 1);
      auto inv = std::find_if(s.investments.begin(), s.investments.end(),
                              [&](const scenarios::Investment& i) { return i.name == name; });
      if (inv == s.investments.end()) throw std::invalid_argument("unknown investment in '" + in.key + "'");
      if (field.rfind("changes.", 0) == 0) {
        const std::string key = field.substr(8);
        for (auto& c : inv->changes)
          if (c.key == key) c.number = v;
      } else if (field == "one_time_cost")
        inv->one_time_cost = v;
      else if (field == "cost_per_period")
        inv->cost_per_period = v;
      else if (field == "cost_per_order")
        inv->cost_per_order = v;
      else if (field == "cost_per_contact")
        inv->cost_per_contact = v;
      else
        throw std::invalid_argument("unknown investment field in '" + in.key + "'");
      continue;
    }
    Change c;
    c.key = in.key;
    c.number = v;
    apply_change(s, c, 1.0);
  }
  return s;
}

VariantSchedule make_schedule(const Scenario& base, const VariantSpec& variant)
{
  // The warm-up's periods (t < 0, docs/model.md §3.1) come first: entry u is period u - W.
  const int W = base.simulation.warmup_periods, U = W + base.simulation.horizon_periods;
  VariantSchedule out;
  out.periods.resize(static_cast<std::size_t>(U));
  out.fixed_cost.assign(static_cast<std::size_t>(U), 0.0);
  out.cost_per_order.assign(static_cast<std::size_t>(U), 0.0);
  out.cost_per_contact.assign(static_cast<std::size_t>(U), 0.0);
  std::map<std::vector<double>, std::shared_ptr<const PeriodSetup>> cache;
  for (int u = 0; u < U; ++u) {
    const int t = u - W;
    const auto ut = static_cast<std::size_t>(u);
    std::vector<double> weights;
    for (std::size_t i : variant.investments) {
      const auto& inv = base.investments[i];
      weights.push_back(ramp_weight(inv, t));
      if (t == inv.start_period) out.fixed_cost[ut] += inv.one_time_cost;
      if (t >= inv.start_period) {
        out.fixed_cost[ut] += inv.cost_per_period;
        out.cost_per_order[ut] += inv.cost_per_order;
        out.cost_per_contact[ut] += inv.cost_per_contact;
        if (u == U - 1) {
          out.after_per_period += inv.cost_per_period;
          out.after_per_order += inv.cost_per_order;
          out.after_per_contact += inv.cost_per_contact;
        }
      }
    }
    // The season (docs/model.md §4.4) is part of a period's setup: periods share a setup only
    // when their ramps and their seasonal multipliers agree.
    const auto& season = base.seasonality;
    const double order_season =
        scenarios::seasonal_multiplier(season.order_multipliers, base.simulation.start_month, t);
    const double acquisition_season =
        scenarios::seasonal_multiplier(season.acquisition_multipliers, base.simulation.start_month, t);
    std::vector<double> key = weights;
    key.push_back(order_season);
    key.push_back(acquisition_season);
    auto& slot = cache[key];
    if (!slot) {
      auto setup = std::make_shared<PeriodSetup>();
      setup->scenario = base;
      setup->scenario.source_toml.clear();  // not needed per period
      for (const auto& [key, value] : variant.sweep) {
        Change c;
        c.key = key;
        c.number = value;
        apply_change(setup->scenario, c, 1.0);
      }
      for (std::size_t k = 0; k < variant.investments.size(); ++k) {
        if (weights[k] <= 0) continue;
        for (const auto& c : base.investments[variant.investments[k]].changes)
          apply_change(setup->scenario, c, weights[k]);
      }
      double cum = 0;
      for (const auto& seg : setup->scenario.segments) {
        setup->segments.push_back(scenarios::segment_model(seg.behaviour, setup->scenario.simulation.period));
        setup->segments.back().frequency_multiplier *= order_season;
        cum += seg.share;
        setup->segment_cumulative_share.push_back(cum);
      }
      for (const auto& ch : setup->scenario.channels)
        setup->channel_cumulative_share.push_back(channel_cumulative_share(ch, setup->segment_cumulative_share));
      setup->acquisition_multiplier = acquisition_season;
      slot = setup;
    }
    out.periods[ut] = slot;
  }
  return out;
}

std::vector<Comparison> compare_variants(const std::vector<VariantResults>& variants,
                                         const std::vector<VariantSpec>& specs, int paths, int H,
                                         const std::vector<double>& discount)
{
  std::vector<Comparison> out;
  const auto& base = variants.at(0).kpis;
  for (std::size_t v = 1; v < specs.size(); ++v) {
    if (specs[v].investments.empty()) continue;  // sweep points are variants, not investments
    const auto& k = variants[v].kpis;
    Comparison c;
    c.name = specs[v].name;
    for (const auto& kpi : models::COMPARISON_KPIS)
      c.paths[std::string(kpi.name)].assign(static_cast<std::size_t>(paths), NaN);
    const auto& pb = base.periods.at("profit");
    const auto& pv = k.periods.at("profit");
    const auto& cv = k.periods.at("cost_investment");
    const auto& ab = base.periods.at("customers_active");
    const auto& av = k.periods.at("customers_active");
    // The operating cost lines (every cost but the investment's own), for roi_incremental.
    std::vector<const std::vector<double>*> op_b, op_v;
    for (const auto& kpi : models::PERIOD_KPIS)
      if (kpi.name.rfind("cost_", 0) == 0 && kpi.name != "cost_investment") {
        op_b.push_back(&base.periods.at(std::string(kpi.name)));
        op_v.push_back(&k.periods.at(std::string(kpi.name)));
      }
    for (int p = 0; p < paths; ++p) {
      const auto up = static_cast<std::size_t>(p);
      double delta = 0, cost = 0, cum = 0, payback = NaN, operating = 0;
      bool started = false;
      for (int t = 0; t < H; ++t) {
        const std::size_t i = up * static_cast<std::size_t>(H) + static_cast<std::size_t>(t);
        // gain before the investment's own cost
        const double gain = pv[i] + cv[i] - pb[i];
        delta += discount[static_cast<std::size_t>(t)] * gain;
        cost += discount[static_cast<std::size_t>(t)] * cv[i];
        cum += discount[static_cast<std::size_t>(t)] * (gain - cv[i]);
        for (std::size_t l = 0; l < op_v.size(); ++l)
          operating += discount[static_cast<std::size_t>(t)] * ((*op_v[l])[i] - (*op_b[l])[i]);
        started = started || cv[i] != 0.0 || gain != 0.0;
        if (started && std::isnan(payback) && cum >= 0) payback = t;
      }
      c.paths["delta_npv"][up] = delta;
      c.paths["cost_npv"][up] = cost;
      c.paths["net_npv"][up] = delta - cost;
      c.paths["roi"][up] = cost > 0 ? (delta - cost) / cost : NaN;
      // net NPV over everything the investment costs: its own cost and the increase of the
      // operating costs it causes (free returns' return costs, a programme's rewards, ...)
      const double outlay = cost + std::max(0.0, operating);
      c.paths["roi_incremental"][up] = outlay > 0 ? (delta - cost) / outlay : NaN;
      c.paths["payback_period"][up] = payback;
      const double rb = base.paths.at("revenue_total")[up], rv = k.paths.at("revenue_total")[up];
      c.paths["revenue_uplift"][up] = rb != 0 ? rv / rb - 1.0 : NaN;
      c.paths["delta_nps"][up] = k.paths.at("nps_final")[up] - base.paths.at("nps_final")[up];
      const std::size_t last = up * static_cast<std::size_t>(H) + static_cast<std::size_t>(H - 1);
      c.paths["delta_customers_active"][up] = av[last] - ab[last];
      // retention: the share of all customers (initial, and acquired in the horizon) still
      // active at its end
      const double acq_b = base.paths.at("customers_acquired")[up] + base.paths.at("customers_initial")[up];
      const double acq_v = k.paths.at("customers_acquired")[up] + k.paths.at("customers_initial")[up];
      c.paths["delta_retention"][up] = (acq_v > 0 && acq_b > 0) ? av[last] / acq_v - ab[last] / acq_b : NaN;
      c.paths["delta_clv"][up] = k.paths.at("clv_mean")[up] - base.paths.at("clv_mean")[up];
      // beyond the horizon: the change of what the customers alive at its end are worth after
      // it, against what the investments cost after it if they keep running
      const double after = k.paths.at("value_after_horizon")[up] - base.paths.at("value_after_horizon")[up];
      const double cost_after = k.paths.at("costs_after_horizon")[up] - base.paths.at("costs_after_horizon")[up];
      c.paths["delta_value_after_horizon"][up] = after;
      c.paths["cost_npv_after_horizon"][up] = cost_after;
      c.paths["net_npv_lifetime"][up] = delta - cost + after - cost_after;
    }
    out.push_back(std::move(c));
  }
  return out;
}

namespace {
std::vector<double> ranks(const std::vector<double>& x)
{
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}
}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y)
{
  // paths where either value is not finite are left out
  std::vector<double> a, b;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      a.push_back(x[i]);
      b.push_back(y[i]);
    }
  if (a.size() < 3) return NaN;
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : NaN;
}

double spearman_p_value(double rho, std::size_t n)
{
  if (std::isnan(rho) || n < 4) return NaN;
  const double r = std::min(1.0, std::abs(rho));
  if (r == 1.0) return 0.0;
  const double df = static_cast<double>(n - 2);
  const double t = r * std::sqrt(df / (1.0 - r * r));
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), t));
}

bool input_reaches(const std::string& input, const VariantSpec& spec, const std::vector<std::string>& investment_names)
{
  constexpr std::string_view PREFIX = "investment.";
  if (input.rfind(PREFIX, 0) != 0) return true;
  const std::size_t dot = input.find('.', PREFIX.size());
  const std::string name = input.substr(PREFIX.size(), dot - PREFIX.size());
  return std::any_of(spec.investments.begin(), spec.investments.end(),
                     [&](std::size_t i) { return i < investment_names.size() && investment_names[i] == name; });
}

std::vector<Sensitivity> sensitivity(const std::vector<std::string>& inputs,
                                     const std::vector<std::vector<double>>& draws,
                                     const std::vector<VariantResults>& variants,
                                     const std::vector<Comparison>& comparisons, const std::vector<VariantSpec>& specs,
                                     const std::vector<std::string>& investment_names)
{
  std::vector<Sensitivity> out;
  if (inputs.empty()) return out;
  // (output name, its per-path values, the variant it measures)
  struct Output {
    std::string name;
    const std::vector<double>* values;
    const VariantSpec* spec;
  };
  std::vector<Output> outputs;
  outputs.push_back({"baseline.npv_profit", &variants.at(0).kpis.paths.at("npv_profit"), &specs.at(0)});
  for (const auto& c : comparisons) {
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const VariantSpec& v) { return v.name == c.name; });
    outputs.push_back({c.name + ".net_npv", &c.paths.at("net_npv"), spec == specs.end() ? nullptr : &*spec});
  }
  for (const auto& [name, y, spec] : outputs) {
    Sensitivity s;
    s.output = name;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto& x = draws[i];
      s.reaches.push_back(!spec || input_reaches(inputs[i], *spec, investment_names) ? 1.0 : 0.0);
      s.parameter.push_back(inputs[i]);
      const double rho = spearman(x, *y);
      std::size_t pairs = 0;  // the paths spearman() used: both values finite
      for (std::size_t p = 0; p < x.size() && p < y->size(); ++p)
        pairs += std::isfinite(x[p]) && std::isfinite((*y)[p]) ? 1 : 0;
      s.spearman.push_back(rho);
      s.p_value.push_back(spearman_p_value(rho, pairs));
      // tornado: mean output over the paths in the lowest and highest decile of the input
      std::vector<double> sorted = x;
      std::sort(sorted.begin(), sorted.end());
      const double n = static_cast<double>(sorted.size());
      const double q10 = sorted[static_cast<std::size_t>(std::floor(0.1 * (n - 1)))];
      const double q90 = sorted[static_cast<std::size_t>(std::ceil(0.9 * (n - 1)))];
      double lo = 0, hi = 0, nlo = 0, nhi = 0;
      for (std::size_t p = 0; p < x.size(); ++p) {
        if (!std::isfinite((*y)[p])) continue;
        if (x[p] <= q10) {
          lo += (*y)[p];
          nlo += 1;
        }
        if (x[p] >= q90) {
          hi += (*y)[p];
          nhi += 1;
        }
      }
      s.tornado_low.push_back(nlo > 0 ? lo / nlo : NaN);
      s.tornado_high.push_back(nhi > 0 ? hi / nhi : NaN);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace clvsim
