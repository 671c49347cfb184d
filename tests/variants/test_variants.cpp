// Investments, variants and uncertainty (docs/model.md §8-§10): paired comparisons on common random
// numbers. Scenarios are built from TOML and then given investments, uncertain inputs and
// sweeps as structs, so these tests exercise the engine independently of the loader.
#include "engine/run/driver.h"
#include "engine/run/variants.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace clvsim;
using scenarios::Change;
using scenarios::ChangeOp;
using scenarios::Investment;

const char* BASE = R"(
[simulation]
horizon = 12
paths = 6
seed = 21
block_size = 128
[population]
initial_customers = 2000
[purchase]
model = "sbg_poisson"
a = 1.0
b = 6.0
r = 0.9
alpha = 2.0
[spend]
model = "gamma_gamma"
p = 6.25
q = 3.74
gamma = 80.0
[economics]
gross_margin = 0.3
fixed_cost_per_period = 1000.0
return_rate = 0.05
return_cost = 4.0
[service]
incident_probability = 0.1
first_contact_resolution = 0.6
courtesy = 0.9
cost_per_contact = 10.0
[satisfaction]
churn_sensitivity = 0.3
[[acquisition.channel]]
name = "ads"
budget_per_period = 20000.0
cac = 100.0
)";

scenarios::Scenario base()
{
  return scenarios::load_string(BASE, "base.toml", ".");
}

Results run_it(const scenarios::Scenario& sc, int threads = 0)
{
  RunOptions o;
  o.threads = threads;
  return run(sc, o);
}

Change change(const std::string& key, ChangeOp op, double v)
{
  Change c;
  c.key = key;
  c.op = op;
  c.number = v;
  return c;
}

const Comparison& comparison(const Results& r, const std::string& name)
{
  for (const auto& c : r.comparisons)
    if (c.name == name) return c;
  throw std::runtime_error("no comparison " + name);
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b)
{
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

TEST(Variants, VariantListHasBaselineEachInvestmentAndPortfolio)
{
  auto sc = base();
  sc.investments.push_back(Investment{"a", "", 0, 0, 0, 0, 0, 0, {}});
  sc.investments.push_back(Investment{"b", "", 0, 0, 0, 0, 0, 0, {}});
  const auto specs = make_variants(sc);
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].name, "baseline");
  EXPECT_EQ(specs[1].name, "a");
  EXPECT_EQ(specs[2].name, "b");
  EXPECT_EQ(specs[3].name, "portfolio");
  EXPECT_EQ(specs[3].investments, (std::vector<std::size_t>{0, 1}));
}

TEST(Variants, NoOpInvestmentWithZeroCostHasDeltaNpvExactlyZero)
{
  auto sc = base();
  Investment noop{"noop", "", 0, 0, 0, 0, 2, 3, {change("service.courtesy", ChangeOp::multiply, 1.0)}};
  sc.investments.push_back(noop);
  const auto r = run_it(sc);
  const auto& c = comparison(r, "noop");
  for (double d : c.paths.at("delta_npv")) EXPECT_EQ(d, 0.0);
  for (double d : c.paths.at("cost_npv")) EXPECT_EQ(d, 0.0);
  for (const char* m : {"delta_nps", "delta_retention", "delta_customers_active", "delta_clv", "revenue_uplift"})
    for (double d : c.paths.at(m)) EXPECT_EQ(d, 0.0) << m;
  EXPECT_TRUE(bitwise_equal(r.variants[0].kpis.paths.at("npv_profit"), r.variants[1].kpis.paths.at("npv_profit")));
}

TEST(Variants, AddingAnInvestmentLeavesTheBaselineBitwiseUnchanged)
{
  const auto alone = run_it(base());
  auto sc = base();
  sc.investments.push_back(
      Investment{"fcr", "", 5000, 1000, 0, 0, 1, 2, {change("service.first_contact_resolution", ChangeOp::set, 0.9)}});
  const auto with = run_it(sc);
  for (const auto& [name, v] : alone.variants[0].kpis.periods)
    EXPECT_TRUE(bitwise_equal(v, with.variants[0].kpis.periods.at(name))) << name;
  for (const auto& [name, v] : alone.variants[0].kpis.paths)
    EXPECT_TRUE(bitwise_equal(v, with.variants[0].kpis.paths.at(name))) << name;
}

TEST(Variants, HigherGrossMarginGivesExactlyThatShareOfTheBaselineMarginNpv)
{
  // Behaviour is unchanged, so under common random numbers every order is the same and the
  // delta is exactly 10% of the baseline's discounted gross margin (up to rounding).
  auto sc = base();
  sc.investments.push_back(
      Investment{"margin", "", 0, 0, 0, 0, 0, 0, {change("economics.gross_margin", ChangeOp::multiply, 1.1)}});
  const auto r = run_it(sc);
  const auto& c = comparison(r, "margin");
  const double delta = std::pow(1.1, -1.0 / 12.0);
  const auto& gm = r.variants[0].kpis.periods.at("gross_margin");
  for (int p = 0; p < r.paths; ++p) {
    double npv_gm = 0;
    for (int t = 0; t < r.horizon; ++t) npv_gm += std::pow(delta, t) * gm[static_cast<std::size_t>(p * r.horizon + t)];
    EXPECT_NEAR(c.paths.at("delta_npv")[static_cast<std::size_t>(p)], 0.1 * npv_gm, 1e-9 * npv_gm) << "path " << p;
  }
}

TEST(Variants, RoiAndPaybackOnAHandComputableCase)
{
  // Pay 5000 once in period 2 to remove the fixed cost of 1000 per period from period 2 on:
  // gain 1000 delta^t for t >= 2, cost 5000 delta^2. Payback when the cumulative discounted
  // gain covers the cost: 1000 (delta^2 + ... + delta^t) >= 5000 delta^2. Five terms
  // (t = 6) fall short because delta^s < delta^2 for s > 2; six (t = 7) are enough.
  auto sc = base();
  sc.investments.push_back(
      Investment{"lean", "", 5000, 0, 0, 0, 2, 0, {change("economics.fixed_cost_per_period", ChangeOp::set, 0.0)}});
  const auto r = run_it(sc);
  const auto& c = comparison(r, "lean");
  const double d = std::pow(1.1, -1.0 / 12.0);
  double gain = 0;
  for (int t = 2; t < 12; ++t) gain += 1000 * std::pow(d, t);
  const double cost = 5000 * d * d;
  for (int p = 0; p < r.paths; ++p) {
    const auto up = static_cast<std::size_t>(p);
    EXPECT_NEAR(c.paths.at("delta_npv")[up], gain, 1e-6);
    EXPECT_NEAR(c.paths.at("cost_npv")[up], cost, 1e-9);
    EXPECT_NEAR(c.paths.at("roi")[up], (gain - cost) / cost, 1e-9);
    EXPECT_EQ(c.paths.at("payback_period")[up], 7.0);
    EXPECT_NEAR(c.paths.at("revenue_uplift")[up], 0.0, 1e-15);
    // beyond the horizon (§8.4): the fixed cost saved for ever from period 12 on, the same customers
    const double saved = 1000 * std::pow(d, 12) / (1 - d);
    EXPECT_NEAR(c.paths.at("cost_npv_after_horizon")[up], -saved, 1e-6);
    EXPECT_EQ(c.paths.at("delta_value_after_horizon")[up], 0.0);
    EXPECT_NEAR(c.paths.at("net_npv_lifetime")[up], gain - cost + saved, 1e-6);
  }
}

TEST(Variants, TraitChangesApplyToNewCustomersOnlyRateChangesToEveryone)
{
  // No acquisition after period 0: a change of a trait distribution (purchase.r) from
  // period 3 touches nobody, while a per-period rate (service.incident_probability) does.
  auto sc = base();
  sc.channels.clear();
  sc.investments.push_back(Investment{"trait", "", 0, 0, 0, 0, 3, 0, {change("purchase.r", ChangeOp::multiply, 2.0)}});
  sc.investments.push_back(
      Investment{"rate", "", 0, 0, 0, 0, 3, 0, {change("service.incident_probability", ChangeOp::set, 0.5)}});
  const auto r = run_it(sc);
  for (double d : comparison(r, "trait").paths.at("delta_npv")) EXPECT_EQ(d, 0.0);
  for (double d : comparison(r, "rate").paths.at("delta_npv")) EXPECT_LT(d, 0.0);
  // before period 3 the rate variant is identical to the baseline
  const auto& inc_b = r.variants[0].kpis.periods.at("incidents");
  const auto& inc_r = r.variants[2].kpis.periods.at("incidents");
  for (int p = 0; p < r.paths; ++p)
    for (int t = 0; t < 3; ++t)
      EXPECT_EQ(inc_b[static_cast<std::size_t>(p * 12 + t)], inc_r[static_cast<std::size_t>(p * 12 + t)]);
}

TEST(Variants, EndingTheLoyaltyProgrammeEndsMembersEffectsAndCosts)
{
  auto sc = scenarios::load_string(std::string(BASE) +
                                       "[loyalty]\nenabled = true\neligible_after_orders = 1\n"
                                       "enrollment_probability = 1.0\ncost_per_member_per_period = 1.0\n",
                                   "base.toml", ".");
  Change off;
  off.key = "loyalty.enabled";
  off.number = 0.0;
  sc.investments.push_back(Investment{"end_loyalty", "", 0, 0, 0, 0, 3, 0, {off}});
  const auto r = run_it(sc);
  const auto& base_cost = r.variants[0].kpis.periods.at("cost_loyalty");
  const auto& ended = r.variants[1].kpis.periods.at("cost_loyalty");
  for (int p = 0; p < r.paths; ++p)
    for (int t = 0; t < 12; ++t) {
      const auto i = static_cast<std::size_t>(p * 12 + t);
      if (t < 3)
        EXPECT_EQ(ended[i], base_cost[i]) << "period " << t;
      else
        EXPECT_EQ(ended[i], 0.0) << "period " << t;
    }
}

TEST(Variants, RampMovesNumericChangesLinearly)
{
  auto sc = base();
  sc.investments.push_back(Investment{"ramp", "", 0, 0, 0, 0, 2, 4, {change("service.courtesy", ChangeOp::add, 0.08)}});
  const auto specs = make_variants(sc);
  const auto sched = make_schedule(sc, specs[1]);
  const double expected[] = {0.9, 0.9, 0.92, 0.94, 0.96, 0.98, 0.98};
  for (int t = 0; t < 7; ++t)
    EXPECT_NEAR(sched.periods[static_cast<std::size_t>(t)]->scenario.base.service.courtesy, expected[t], 1e-12) << t;
  EXPECT_EQ(sched.periods[0].get(), sched.periods[1].get()) << "periods without ramp share their setup";
}

TEST(Variants, InvestmentCostsPerOrderAndContact)
{
  auto sc = base();
  sc.investments.push_back(Investment{"costs", "", 0, 0, 2.0, 3.0, 0, 0, {}});
  const auto r = run_it(sc);
  const auto& v = r.variants[1].kpis.periods;
  for (std::size_t i = 0; i < v.at("orders").size(); ++i)
    EXPECT_NEAR(v.at("cost_investment")[i], 2.0 * v.at("orders")[i] + 3.0 * v.at("contacts")[i], 1e-9);
}

// Beyond the horizon (docs/model.md §8.4). With fixed order values of 1, a gross margin of 1
// and no other cost, each expected order after the horizon contributes exactly 1, so the
// baseline's value_after_horizon is the discounted expected orders after it: an investment
// that changes nothing and costs 2 per order and 3 per contact costs 2 and 3 q E[contacts]
// times that after the horizon, and 700 a period costs 700 delta^H / (1 - delta).
TEST(Variants, BeyondTheHorizonCountsRunningCostsOnTheExpectedOrdersAndForEver)
{
  auto sc = scenarios::load_string(R"(
[simulation]
horizon = 10
paths = 4
seed = 5
block_size = 256
[population]
initial_customers = 3000
[purchase]
model = "sbg_poisson"
a = 1.0
b = 5.0
r = 0.9
alpha = 2.0
[spend]
model = "fixed"
value = 1.0
[economics]
gross_margin = 1.0
[service]
incident_probability = 0.2
first_contact_resolution = 0.6
later_contact_resolution = 0.5
max_contacts = 3
cost_per_contact = 0.0
[satisfaction]
churn_sensitivity = 0.3
)",
                                   "after.toml", ".");
  sc.investments.push_back(Investment{"orders", "", 0, 0, 2.0, 3.0, 0, 0, {}});
  sc.investments.push_back(Investment{"monthly", "", 500, 700, 0, 0, 4, 0, {}});
  const auto r = run_it(sc);
  const double d = std::pow(1.1, -1.0 / 12.0);
  const double contacts_per_order = 0.2 * (1.0 + 0.4 + 0.4 * 0.5);  // q E[contacts], 3 at most
  const auto& orders = comparison(r, "orders");
  const auto& monthly = comparison(r, "monthly");
  for (int p = 0; p < r.paths; ++p) {
    const auto up = static_cast<std::size_t>(p);
    const double after_orders = r.variants[0].kpis.paths.at("value_after_horizon")[up];
    ASSERT_GT(after_orders, 100.0);
    EXPECT_EQ(orders.paths.at("delta_value_after_horizon")[up], 0.0);  // the same customers
    EXPECT_NEAR(orders.paths.at("cost_npv_after_horizon")[up], (2.0 + 3.0 * contacts_per_order) * after_orders,
                1e-9 * after_orders);
    EXPECT_DOUBLE_EQ(orders.paths.at("net_npv_lifetime")[up],
                     orders.paths.at("net_npv")[up] - orders.paths.at("cost_npv_after_horizon")[up]);
    // per period for ever from period H = 10 on; the one-time cost is not repeated
    EXPECT_NEAR(monthly.paths.at("cost_npv_after_horizon")[up], 700.0 * std::pow(d, 10) / (1.0 - d), 1e-9);
    EXPECT_EQ(r.variants[0].kpis.paths.at("costs_after_horizon")[up], 0.0);
  }
}

// costs_after_horizon counts the shop-level costs a variant changes: a programme switched on
// by an investment adds its fixed cost for ever (the members' own costs are in the customers'
// value after the horizon); at a 0% discount rate a cost per period for ever has no sum (NaN).
TEST(Variants, BeyondTheHorizonCountsAProgrammesFixedCostAndHasNoSumAtZeroDiscount)
{
  auto sc = base();
  sc.base.loyalty.fixed_cost_per_period = 250.0;
  Change on;
  on.key = "loyalty.enabled";
  on.number = 1.0;
  sc.investments.push_back(Investment{"programme", "", 0, 0, 0, 0, 0, 0, {on}});
  const auto r = run_it(sc);
  const double d = std::pow(1.1, -1.0 / 12.0);
  const auto& c = comparison(r, "programme");
  for (int p = 0; p < r.paths; ++p) {
    const auto up = static_cast<std::size_t>(p);
    EXPECT_NEAR(c.paths.at("cost_npv_after_horizon")[up], 250.0 * std::pow(d, 12) / (1.0 - d), 1e-6);
    // the shop's own fixed cost of 1000 a month is in both variants' costs after the horizon
    EXPECT_NEAR(r.variants[0].kpis.paths.at("costs_after_horizon")[up], 1000.0 * std::pow(d, 12) / (1.0 - d), 1e-6);
  }
  auto zero = base();
  zero.base.economics.discount_rate_annual = 0.0;
  zero.investments.push_back(Investment{"monthly", "", 0, 700, 0, 0, 0, 0, {}});
  const auto z = run_it(zero);
  for (int p = 0; p < z.paths; ++p) {
    const auto up = static_cast<std::size_t>(p);
    EXPECT_TRUE(std::isnan(z.variants[0].kpis.paths.at("costs_after_horizon")[up]));
    EXPECT_TRUE(std::isnan(comparison(z, "monthly").paths.at("net_npv_lifetime")[up]));
    EXPECT_TRUE(std::isfinite(comparison(z, "monthly").paths.at("net_npv")[up]));
  }
}

// value_after_horizon is the lifetime CLV's residual, discounted to period 0: for an initial
// cohort alone (everyone acquired in period 0) it is N0 (clv_mean - clv_horizon_mean), up to
// the float rounding of the per-customer CLVs; a service investment that keeps customers adds
// to it, and net_npv_lifetime puts it beside the net NPV.
TEST(Variants, ValueAfterTheHorizonIsTheCohortsResidual)
{
  auto sc = base();
  sc.channels.clear();
  sc.investments.push_back(
      Investment{"fcr", "", 0, 100, 0, 0, 0, 0, {change("service.first_contact_resolution", ChangeOp::set, 0.95)}});
  const auto r = run_it(sc);
  const auto& c = comparison(r, "fcr");
  for (std::size_t v = 0; v < 2; ++v) {
    const auto& k = r.variants[v].kpis.paths;
    for (int p = 0; p < r.paths; ++p) {
      const auto up = static_cast<std::size_t>(p);
      const double residuals = 2000.0 * (k.at("clv_mean")[up] - k.at("clv_horizon_mean")[up]);
      EXPECT_NEAR(k.at("value_after_horizon")[up], residuals, 1e-5 * std::abs(residuals)) << v << ' ' << p;
    }
  }
  for (int p = 0; p < r.paths; ++p) {
    const auto up = static_cast<std::size_t>(p);
    EXPECT_GT(c.paths.at("delta_value_after_horizon")[up], 0.0);
    EXPECT_NEAR(c.paths.at("net_npv_lifetime")[up],
                c.paths.at("net_npv")[up] + c.paths.at("delta_value_after_horizon")[up] -
                    c.paths.at("cost_npv_after_horizon")[up],
                1e-9 * std::abs(c.paths.at("net_npv_lifetime")[up]));
  }
}

TEST(Variants, ResultsDoNotDependOnThreads)
{
  auto sc = base();
  sc.investments.push_back(Investment{
      "fcr", "", 5000, 1000, 0.5, 0, 1, 2, {change("service.first_contact_resolution", ChangeOp::set, 0.9)}});
  scenarios::UncertainInput u;
  u.key = "economics.gross_margin";
  u.dist.kind = scenarios::DistKind::uniform;
  u.dist.low = 0.2;
  u.dist.high = 0.4;
  sc.uncertain.push_back(u);
  const auto one = run_it(sc, 1), two = run_it(sc, 2);
  for (std::size_t v = 0; v < one.variants.size(); ++v)
    for (const auto& [name, x] : one.variants[v].kpis.paths)
      EXPECT_TRUE(bitwise_equal(x, two.variants[v].kpis.paths.at(name))) << name;
  for (const auto& [name, x] : one.comparisons[0].paths)
    EXPECT_TRUE(bitwise_equal(x, two.comparisons[0].paths.at(name))) << name;
}

TEST(Uncertainty, EachInputHasItsOwnStream)
{
  const scenarios::Distribution d{scenarios::DistKind::uniform, 0, 0, 0, 0, 0.0, 0, 1.0, 0, 0, true, true};
  // pure function of (seed, path, name)
  EXPECT_EQ(draw_uncertain(d, 1, 0, "service.courtesy"), draw_uncertain(d, 1, 0, "service.courtesy"));
  EXPECT_NE(draw_uncertain(d, 1, 0, "service.courtesy"), draw_uncertain(d, 1, 0, "economics.gross_margin"));
  EXPECT_NE(draw_uncertain(d, 1, 0, "service.courtesy"), draw_uncertain(d, 1, 1, "service.courtesy"));
  // adding an input does not move another input's draws, nor the baseline where it has no effect
  auto sc = base();
  scenarios::UncertainInput gm;
  gm.key = "economics.gross_margin";
  gm.dist = d;
  gm.dist.low = 0.2;
  gm.dist.high = 0.4;
  sc.uncertain.push_back(gm);
  const auto one = run_it(sc);
  scenarios::UncertainInput inert;
  inert.key = "reviews.promoter_multiplier";  // reviews.probability is 0: no effect
  inert.dist.kind = scenarios::DistKind::triangular;
  inert.dist.low = 1.0;
  inert.dist.mode = 1.5;
  inert.dist.high = 3.0;
  sc.uncertain.insert(sc.uncertain.begin(), inert);
  const auto two = run_it(sc);
  EXPECT_TRUE(bitwise_equal(one.variants[0].kpis.paths.at("npv_profit"), two.variants[0].kpis.paths.at("npv_profit")));
}

TEST(Uncertainty, DistributionsHaveTheRightMeans)
{
  using scenarios::DistKind;
  struct Case {
    scenarios::Distribution d;
    double mean;
  };
  scenarios::Distribution n{DistKind::normal, 5, 2, 0, 0, 0, 0, 0, 0, 0, false, false};
  scenarios::Distribution ln{DistKind::lognormal, 0, 0, 10, 0.5, 0, 0, 0, 0, 0, false, false};
  scenarios::Distribution tri{DistKind::triangular, 0, 0, 0, 0, 1, 2, 6, 0, 0, true, true};
  scenarios::Distribution pert{DistKind::pert, 0, 0, 0, 0, 1, 2, 6, 0, 0, true, true};
  scenarios::Distribution be{DistKind::beta, 0, 0, 0, 0, 10, 0, 20, 2, 3, true, true};
  const std::vector<Case> cases = {{n, 5}, {ln, 10 * std::exp(0.125)}, {tri, 3}, {pert, (1 + 8 + 6) / 6.0}, {be, 14}};
  for (const auto& c : cases) {
    double s = 0, ss = 0;
    const int N = 40000;
    for (int p = 0; p < N; ++p) {
      const double x = draw_uncertain(c.d, 3, static_cast<std::uint32_t>(p), "k");
      s += x;
      ss += x * x;
    }
    const double m = s / N, sd = std::sqrt(ss / N - m * m);
    EXPECT_NEAR(m, c.mean, 4 * sd / std::sqrt(N)) << static_cast<int>(c.d.kind);  // k = 4: 5 checks, fixed seed
  }
}

//! An uncertain input `key` ~ Uniform(low, high).
scenarios::UncertainInput uniform_input(const std::string& key, double low, double high)
{
  scenarios::UncertainInput in;
  in.key = key;
  in.dist.kind = scenarios::DistKind::uniform;
  in.dist.low = low;
  in.dist.high = high;
  return in;
}

TEST(Uncertainty, SensitivityRanksTheDrivingInputFirst)
{
  auto sc = base();
  sc.simulation.paths = 40;
  sc.uncertain = {uniform_input("reviews.promoter_multiplier", 1.0, 2.0),
                  uniform_input("economics.gross_margin", 0.2, 0.4)};
  const auto r = run_it(sc);
  ASSERT_FALSE(r.sensitivity.empty());
  const auto& s = r.sensitivity[0];
  EXPECT_EQ(s.output, "baseline.npv_profit");
  ASSERT_EQ(s.parameter.size(), 2u);
  EXPECT_EQ(s.parameter[1], "economics.gross_margin");
  EXPECT_GT(s.spearman[1], 0.9);
  EXPECT_LT(std::abs(s.spearman[0]), std::abs(s.spearman[1]));
  EXPECT_GT(s.tornado_high[1], s.tornado_low[1]);
}

TEST(Uncertainty, AnInvestmentsOwnUncertainValueReachesOnlyTheVariantsWithIt)
{
  // An uncertain cost of investment 'a' cannot move the baseline or investment 'b': its
  // correlation with them would be Monte Carlo noise shown as a finding. A base key moves all.
  // Every output keeps a row per input (docs/model.md §9.2); `reaches` says which count.
  auto sc = base();
  sc.simulation.paths = 12;
  sc.investments.push_back(Investment{"a", "", 1000, 0, 0, 0, 0, 0, {}});
  sc.investments.push_back(
      Investment{"b", "", 0, 0, 0, 0, 0, 0, {change("service.first_contact_resolution", ChangeOp::set, 0.9)}});
  sc.uncertain = {uniform_input("investment.a.one_time_cost", 500, 5000),
                  uniform_input("economics.gross_margin", 0.2, 0.4)};
  const auto r = run_it(sc);
  std::map<std::string, std::vector<double>> reaches;
  const std::vector<std::string> inputs = {"investment.a.one_time_cost", "economics.gross_margin"};
  for (const auto& s : r.sensitivity) {
    EXPECT_EQ(s.parameter, inputs) << s.output;
    EXPECT_EQ(s.p_value.size(), 2u) << s.output;
    reaches[s.output] = s.reaches;
  }
  ASSERT_EQ(reaches.size(), 4u);
  EXPECT_EQ(reaches.at("baseline.npv_profit"), (std::vector<double>{0, 1}));
  EXPECT_EQ(reaches.at("a.net_npv"), (std::vector<double>{1, 1}));
  EXPECT_EQ(reaches.at("b.net_npv"), (std::vector<double>{0, 1}));
  EXPECT_EQ(reaches.at("portfolio.net_npv"), (std::vector<double>{1, 1}));
  // a's net NPV falls one for one with its own cost: a perfect rank correlation, p = 0
  const auto& a = *std::find_if(r.sensitivity.begin(), r.sensitivity.end(),
                                [](const Sensitivity& s) { return s.output == "a.net_npv"; });
  EXPECT_DOUBLE_EQ(a.spearman[0], -1.0);
  EXPECT_EQ(a.p_value[0], 0.0);
  EXPECT_TRUE(a.input_reaches(0));
  EXPECT_FALSE(r.sensitivity[0].input_reaches(0));  // baseline
}

TEST(Uncertainty, SpearmanPValueAgainstClosedForms)
{
  // n = 4 (2 degrees of freedom): P(|T| > t) = 1 - t / sqrt(2 + t^2), and with
  // t = rho sqrt(2 / (1 - rho^2)) that is exactly 1 - |rho|.
  for (double rho : {0.0, 0.1, 0.5, -0.5, 0.9})
    EXPECT_NEAR(spearman_p_value(rho, 4), 1.0 - std::abs(rho), 1e-12) << rho;
  // three pairs say nothing: NaN, as for a NaN rho; |rho| = 1 cannot be noise
  EXPECT_TRUE(std::isnan(spearman_p_value(0.5, 3)));
  EXPECT_TRUE(std::isnan(spearman_p_value(std::nan(""), 100)));
  EXPECT_EQ(spearman_p_value(1.0, 10), 0.0);
  // many paths: t -> normal; rho = 0.2 over n = 10,002 pairs has t = 20.41, p ~ 1e-90
  EXPECT_LT(spearman_p_value(0.2, 10002), 1e-80);
  // n = 5 (3 degrees of freedom): P(|T| > t) = 1 - (2/pi) (atan(t/sqrt3) + t sqrt3 / (3 + t^2))
  const double rho = 0.6, t = rho * std::sqrt(3.0 / (1 - rho * rho));
  const double p3 = 1.0 - (2.0 / M_PI) * (std::atan(t / std::sqrt(3.0)) + t * std::sqrt(3.0) / (3.0 + t * t));
  EXPECT_NEAR(spearman_p_value(rho, 5), p3, 1e-12);
}

TEST(Uncertainty, SpearmanOnKnownData)
{
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10}), 1.0, 1e-15);
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}), -1.0, 1e-15);
  // ties get average ranks: x ranks 1.5 1.5 3 4, y ranks 1 2 3 4 -> rho = 0.9486833
  EXPECT_NEAR(spearman({1, 1, 2, 3}, {1, 2, 3, 4}), 0.9486832980505138, 1e-12);
}

TEST(Sweep, GridRunsAsNamedVariantsWithTheirValues)
{
  auto sc = base();
  sc.sweep = {{"service.first_contact_resolution", {0.6, 0.8}}, {"service.courtesy", {0.9, 0.95, 1.0}}};
  const auto r = run_it(sc);
  ASSERT_EQ(r.variants.size(), 7u);
  EXPECT_EQ(r.variants[1].name, "sweep_0000");
  EXPECT_EQ(r.variants[6].name, "sweep_0005");
  EXPECT_EQ(r.variants[6].sweep_values.at("service.first_contact_resolution"), 0.8);
  EXPECT_EQ(r.variants[6].sweep_values.at("service.courtesy"), 1.0);
  EXPECT_EQ(r.variants[2].sweep_values.at("service.courtesy"), 0.95);
  EXPECT_TRUE(r.comparisons.empty());
  // sweep_0000 equals the baseline's values: identical results
  EXPECT_TRUE(bitwise_equal(r.variants[0].kpis.paths.at("npv_profit"), r.variants[1].kpis.paths.at("npv_profit")));
}

}  // namespace
