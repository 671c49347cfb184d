//! [[investment]], uncertain values and [sweep] (docs/model.md §8, §9): what the loader reads into
//! Scenario::investments / uncertain / sweep, the exact messages of bad input (§14), and
//! the dotted names the engine uses to address them.
#include "engine/core/errors.h"
#include "scenarios/keys.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numbers>

namespace clvsim::scenarios {
namespace {

// Lines 1-27; what a test appends starts on line 28.
const std::string BASE = R"([simulation]
horizon = 12
[population]
initial_customers = 100
[purchase]
model = "sbg_poisson"
a = 1
b = 6
r = 0.6
alpha = 1.5
[spend]
model = "fixed"
value = 50
[service]
courtesy = 0.9
response_time_hours = 24
[[segment]]
name = "vip"
share = 0.2
overrides = { "purchase.r" = 1.2, "service.courtesy" = 0.95 }
[[segment]]
name = "regular"
share = 0.8
[[acquisition.channel]]
name = "google_ads"
budget_per_period = 1000
cac = 50
)";

Scenario load(const std::string& toml, const std::vector<std::string>& sets = {})
{
  return load_string(toml, "shop.toml", ".", sets);
}

std::string errors(const std::string& toml, const std::vector<std::string>& sets = {})
{
  try {
    load(toml, sets);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<loaded>";
}

//! The errors of BASE + one investment whose fields and changes are given.
std::string investment_errors(const std::string& fields, const std::string& changes)
{
  return errors(BASE + "[[investment]]\n" + fields + "changes = { " + changes + " }\n");
}

const UncertainInput* find_uncertain(const Scenario& s, const std::string& key)
{
  for (const auto& u : s.uncertain)
    if (u.key == key) return &u;
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// [[investment]]

const std::string GOOD_INVESTMENTS = R"([[investment]]
name = "faster_response"
description = "4 more agents: response time 24 h -> 4 h"
one_time_cost = 20000
cost_per_period = 2400
cost_per_order = 0.5
cost_per_contact = 1.5
start_period = 3
ramp_periods = 2
[investment.changes]
"service.response_time_hours" = 4.0
"service.courtesy" = { add = 0.05 }
"acquisition.channel.google_ads.budget_per_period" = { multiply = 1.5 }
"segment.vip.purchase.r" = 1.5
"policies.free_returns.enabled" = true
service.max_contacts = 3

[[investment]]
name = "nothing-yet"
changes = {}
)";

TEST(Investments, AllFieldsAndEveryKindOfChange)
{
  const Scenario s = load(BASE + GOOD_INVESTMENTS);
  ASSERT_EQ(s.investments.size(), 2u);
  const Investment& a = s.investments[0];
  EXPECT_EQ(a.name, "faster_response");
  EXPECT_EQ(a.description, "4 more agents: response time 24 h -> 4 h");
  EXPECT_DOUBLE_EQ(a.one_time_cost, 20000.0);
  EXPECT_DOUBLE_EQ(a.cost_per_period, 2400.0);
  EXPECT_DOUBLE_EQ(a.cost_per_order, 0.5);
  EXPECT_DOUBLE_EQ(a.cost_per_contact, 1.5);
  EXPECT_EQ(a.start_period, 3);
  EXPECT_EQ(a.ramp_periods, 2);
  // File order, whichever way the key was written.
  ASSERT_EQ(a.changes.size(), 6u);
  EXPECT_EQ(a.changes[0].key, "service.response_time_hours");
  EXPECT_EQ(a.changes[0].op, ChangeOp::set);
  EXPECT_DOUBLE_EQ(a.changes[0].number, 4.0);
  EXPECT_EQ(a.changes[1].key, "service.courtesy");
  EXPECT_EQ(a.changes[1].op, ChangeOp::add);
  EXPECT_DOUBLE_EQ(a.changes[1].number, 0.05);
  EXPECT_EQ(a.changes[2].key, "acquisition.channel.google_ads.budget_per_period");
  EXPECT_EQ(a.changes[2].op, ChangeOp::multiply);
  EXPECT_DOUBLE_EQ(a.changes[2].number, 1.5);
  EXPECT_EQ(a.changes[3].key, "segment.vip.purchase.r");
  EXPECT_EQ(a.changes[3].op, ChangeOp::set);
  EXPECT_DOUBLE_EQ(a.changes[3].number, 1.5);
  EXPECT_EQ(a.changes[4].key, "policies.free_returns.enabled");
  EXPECT_DOUBLE_EQ(a.changes[4].number, 1.0);
  EXPECT_FALSE(a.changes[4].is_text);
  EXPECT_EQ(a.changes[5].key, "service.max_contacts");
  EXPECT_DOUBLE_EQ(a.changes[5].number, 3.0);
  const Investment& b = s.investments[1];
  EXPECT_EQ(b.name, "nothing-yet");
  EXPECT_TRUE(b.changes.empty());
  EXPECT_EQ(b.start_period, 0);
  EXPECT_EQ(b.ramp_periods, 0);
  EXPECT_DOUBLE_EQ(b.one_time_cost, 0.0);
  EXPECT_TRUE(s.uncertain.empty());
  // The base scenario is untouched by investments.
  EXPECT_DOUBLE_EQ(s.base.service.response_time_hours, 24.0);
}

TEST(Investments, AddAndMultiplyMustStayInRange)
{
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = { add = 0.2 }"),
            "error: shop.toml:30:13: investment 'x': service.courtesy = 0.9 + 0.2 = 1.1 is out of range [0, 1]");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = { multiply = 1.5 }"),
            "error: shop.toml:30:13: investment 'x': service.courtesy = 0.9 * 1.5 = 1.35 is out of range [0, 1]");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.max_contacts\" = { multiply = 1.3 }"),
            "error: shop.toml:30:13: investment 'x': service.max_contacts = 4 * 1.3 = 5.2 is not an integer");
  // A segment change starts from the segment's value (0.95 for vip).
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.vip.service.courtesy\" = { add = 0.1 }"),
            "error: shop.toml:30:13: investment 'x': segment.vip.service.courtesy = 0.95 + 0.1 = 1.05 is out of "
            "range [0, 1]");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.regular.service.courtesy\" = { add = 0.1 }"), "<loaded>");
  EXPECT_EQ(
      investment_errors("name = \"x\"\n", "\"acquisition.channel.google_ads.budget_per_period\" = { add = -1000 }"),
      "error: shop.toml:30:13: investment 'x': acquisition.channel.google_ads.budget_per_period = 1000 + -1000 "
      "= 0 is out of range (0, inf)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = { add = -0.9 }"), "<loaded>");
}

TEST(Investments, SetValuesAreCheckedLikeTheFile)
{
  EXPECT_EQ(investment_errors("name = \"faster_response\"\n", "\"service.response_time_hours\" = -4"),
            "error: shop.toml:30:13: investment 'faster_response': service.response_time_hours = -4 is out of range "
            "[0, inf)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = \"high\""),
            "error: shop.toml:30:13: investment 'x': service.courtesy has the wrong type: expected a number, got "
            "string \"high\"");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"loyalty.enabled\" = 1"),
            "error: shop.toml:30:13: investment 'x': loyalty.enabled has the wrong type: expected a boolean (true "
            "or false), got integer 1");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.vip.purchase.r\" = 0"),
            "error: shop.toml:30:13: investment 'x': segment.vip.purchase.r = 0 is out of range (0, inf)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"acquisition.channel.google_ads.cac\" = 0"),
            "error: shop.toml:30:13: investment 'x': acquisition.channel.google_ads.cac = 0 is out of range (0, inf) "
            "with budget_per_period");
}

TEST(Investments, ChangeKeys)
{
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtsy\" = 0.5"),
            "error: shop.toml:30:13: investment 'x': unknown key 'service.courtsy'; did you mean 'service.courtesy'?");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.vip.purchase.rr\" = 0.5"),
            "error: shop.toml:30:13: investment 'x': unknown key 'segment.vip.purchase.rr'; did you mean "
            "'segment.vip.purchase.r'?");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.gold.purchase.r\" = 0.5"),
            "error: shop.toml:30:13: investment 'x': no segment named 'gold' (the scenario has: vip, regular)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"acquisition.channel.google_ads.budgt\" = 5"),
            "error: shop.toml:30:13: investment 'x': unknown key 'acquisition.channel.google_ads.budgt'; did you "
            "mean 'acquisition.channel.google_ads.budget_per_period'?");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"acquisition.channel.tv.cac\" = 5"),
            "error: shop.toml:30:13: investment 'x': no acquisition channel named 'tv' (the scenario has: google_ads)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"acquisition.channel.google_ads.customers_per_period\" = 5"),
            "error: shop.toml:30:13: investment 'x': acquisition.channel.google_ads.customers_per_period: the "
            "channel sets budget_per_period, and an investment cannot switch it");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"purchase.model\" = \"bg_nbd\""),
            "error: shop.toml:30:13: investment 'x': purchase.model: investments cannot change the model");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.vip.spend.model\" = \"gamma_gamma\""),
            "error: shop.toml:30:13: investment 'x': segment 'vip': spend.model: investments cannot change the model");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"simulation.horizon\" = 24"),
            "error: shop.toml:30:13: investment 'x': simulation.horizon cannot be changed by an investment (it "
            "describes the run, not the shop)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"purchase.s\" = 0.5"),
            "error: shop.toml:30:13: investment 'x': purchase.s is not a parameter of purchase.model = "
            "\"sbg_poisson\" (its parameters are a, b, r, alpha)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.vip.share\" = 0.5"),
            "error: shop.toml:30:13: investment 'x': segment.vip.share cannot be changed by an investment (segment "
            "shares must sum to 1)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"segment.vip.economics.discount_rate_annual\" = 0.5"),
            "error: shop.toml:30:13: investment 'x': segment.vip.economics.discount_rate_annual: "
            "economics.discount_rate_annual cannot be overridden by a segment (it is shop-level)");
  // Twice, once quoted and once as nested tables.
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = 0.5, service.courtesy = 0.6"),
            "error: shop.toml:30:47: investment 'x': change 'service.courtesy' is given twice");
}

TEST(Investments, AddAndMultiplyNeedNumbers)
{
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"loyalty.enabled\" = { add = 1 }"),
            "error: shop.toml:30:13: investment 'x': cannot add to loyalty.enabled (a boolean, not a number)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"policies.free_shipping.enabled\" = { multiply = 2 }"),
            "error: shop.toml:30:13: investment 'x': cannot multiply policies.free_shipping.enabled (a boolean, not "
            "a number)");
  // The only string keys (currency, names, paths) cannot change at all.
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"economics.currency\" = { add = 1 }"),
            "error: shop.toml:30:13: investment 'x': economics.currency cannot be changed by an investment (one "
            "currency per run)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = { add = \"a bit\" }"),
            "error: shop.toml:30:13: investment 'x': service.courtesy { add = ... } has the wrong type: expected a "
            "number or a distribution, got string \"a bit\"");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = { add = 0.1, multiply = 2 }"),
            "error: shop.toml:30:13: investment 'x': service.courtesy: expected a value, { add = x }, { multiply = "
            "x } or a distribution, got a table with keys add, multiply");
}

TEST(Investments, NamesAndFields)
{
  const std::string change = "\"service.courtesy\" = 1";
  EXPECT_EQ(investment_errors("name = \"baseline\"\n", change),
            "error: shop.toml:29:1: investment 'baseline': name = \"baseline\" is reserved (the run's variants are "
            "named baseline, portfolio and sweep_NNNN)");
  EXPECT_EQ(investment_errors("name = \"portfolio\"\n", change),
            "error: shop.toml:29:1: investment 'portfolio': name = \"portfolio\" is reserved (the run's variants are "
            "named baseline, portfolio and sweep_NNNN)");
  EXPECT_EQ(investment_errors("name = \"sweep_1\"\n", change),
            "error: shop.toml:29:1: investment 'sweep_1': name = \"sweep_1\" is reserved (the run's variants are "
            "named baseline, portfolio and sweep_NNNN)");
  EXPECT_EQ(investment_errors("name = \"two words\"\n", change),
            "error: shop.toml:29:1: investment #1: name = \"two words\" must be letters, digits, '_' or '-' (it "
            "names results and --set keys)");
  EXPECT_EQ(investment_errors("description = \"no name\"\n", change),
            "error: shop.toml:28:1: investment #1: missing required key 'name' (a string)");
  EXPECT_EQ(errors(BASE + "[[investment]]\nname = \"x\"\nchanges = {}\n[[investment]]\nname = \"x\"\nchanges = {}\n"),
            "error: shop.toml:32:1: investment name \"x\" is used twice");
  EXPECT_EQ(investment_errors("name = \"x\"\nstart_period = 12\n", change),
            "error: shop.toml:30:1: investment 'x': start_period = 12 is not before the end of the horizon "
            "(simulation.horizon = 12)");
  EXPECT_EQ(investment_errors("name = \"x\"\nstart_period = 11\nramp_periods = 30\n", change), "<loaded>");
  EXPECT_EQ(investment_errors("name = \"x\"\nstart_period = -1\n", change),
            "error: shop.toml:30:1: investment 'x': start_period = -1 is out of range [0, 1000000]");
  EXPECT_EQ(investment_errors("name = \"x\"\nramp_periods = 1.5\n", change),
            "error: shop.toml:30:1: investment 'x': ramp_periods has the wrong type: expected an integer, got float "
            "1.5");
  EXPECT_EQ(investment_errors("name = \"x\"\none_time_cost = -5\n", change),
            "error: shop.toml:30:1: investment 'x': one_time_cost = -5 is out of range [0, inf)");
  EXPECT_EQ(investment_errors("name = \"x\"\none_time_cots = 5\n", change),
            "error: shop.toml:30:1: investment 'x': unknown key 'one_time_cots'; did you mean 'one_time_cost'?");
  EXPECT_EQ(errors(BASE + "[investment]\nname = \"x\"\n"),
            "error: shop.toml:28:1: investment has the wrong type: expected an array of tables ([[investment]]), got "
            "table");
  EXPECT_EQ(errors(BASE + "[[investment]]\nname = \"x\"\nchanges = 3\n"),
            "error: shop.toml:30:1: investment 'x': changes has the wrong type: expected a table of scenario keys "
            "and values, got integer 3");
}

TEST(Investments, EveryProblemAtOnce)
{
  EXPECT_EQ(investment_errors("name = \"x\"\none_time_cost = -5\n",
                              "\"service.courtesy\" = { add = 0.2 }, \"service.response_time_hours\" = -4"),
            "error: shop.toml:30:1: investment 'x': one_time_cost = -5 is out of range [0, inf)\n"
            "error: shop.toml:31:13: investment 'x': service.courtesy = 0.9 + 0.2 = 1.1 is out of range [0, 1]\n"
            "error: shop.toml:31:49: investment 'x': service.response_time_hours = -4 is out of range [0, inf)");
}

// ---------------------------------------------------------------------------------------
// Uncertain values

TEST(Uncertain, EveryKind)
{
  const Scenario s = load(BASE + R"(
[economics]
gross_margin = { dist = "normal", mean = 0.35, sd = 0.05, low = 0.2, high = 0.5 }
return_cost = { dist = "lognormal", median = 8, sigma = 0.3 }
fulfilment_cost_per_order = { dist = "uniform", low = 2, high = 4 }
shipping_cost_per_order = { dist = "triangular", low = 5, mode = 6, high = 10 }
return_rate = { dist = "pert", low = 0.02, mode = 0.05, high = 0.2 }
[satisfaction]
decay = { dist = "beta", a = 2, b = 8 }
initial_mean = { dist = "beta", a = 3, b = 1, low = 6, high = 9 }
order_delta = { dist = "normal", mean = 0.2, sd = 0.1, low = -1, high = 1 }
)");
  ASSERT_EQ(s.uncertain.size(), 8u);
  const std::vector<std::string> keys = {"economics.gross_margin",
                                         "economics.return_cost",
                                         "economics.fulfilment_cost_per_order",
                                         "economics.shipping_cost_per_order",
                                         "economics.return_rate",
                                         "satisfaction.decay",
                                         "satisfaction.initial_mean",
                                         "satisfaction.order_delta"};
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(s.uncertain[i].key, keys[i]);  // file order

  const Distribution& normal = s.uncertain[0].dist;
  EXPECT_EQ(normal.kind, DistKind::normal);
  EXPECT_DOUBLE_EQ(normal.mean, 0.35);
  EXPECT_DOUBLE_EQ(normal.sd, 0.05);
  EXPECT_TRUE(normal.has_low && normal.has_high);
  EXPECT_DOUBLE_EQ(normal.low, 0.2);
  EXPECT_DOUBLE_EQ(normal.high, 0.5);
  EXPECT_NEAR(s.base.economics.gross_margin, 0.35, 1e-12);  // symmetric truncation keeps the mean
  EXPECT_NEAR(s.segments[0].behaviour.economics.gross_margin, 0.35, 1e-12);

  const Distribution& lognormal = s.uncertain[1].dist;
  EXPECT_EQ(lognormal.kind, DistKind::lognormal);
  EXPECT_DOUBLE_EQ(lognormal.median, 8.0);
  EXPECT_DOUBLE_EQ(lognormal.sigma, 0.3);
  EXPECT_FALSE(lognormal.has_low || lognormal.has_high);
  EXPECT_DOUBLE_EQ(s.base.economics.return_cost, 8.0);  // the median

  const Distribution& uniform = s.uncertain[2].dist;
  EXPECT_EQ(uniform.kind, DistKind::uniform);
  EXPECT_TRUE(uniform.has_low && uniform.has_high);
  EXPECT_DOUBLE_EQ(uniform.low, 2.0);
  EXPECT_DOUBLE_EQ(uniform.high, 4.0);
  EXPECT_DOUBLE_EQ(s.base.economics.fulfilment_cost_per_order, 3.0);

  const Distribution& triangular = s.uncertain[3].dist;
  EXPECT_EQ(triangular.kind, DistKind::triangular);
  EXPECT_DOUBLE_EQ(triangular.mode, 6.0);
  EXPECT_DOUBLE_EQ(s.base.economics.shipping_cost_per_order, 7.0);  // (5 + 6 + 10) / 3

  const Distribution& pert = s.uncertain[4].dist;
  EXPECT_EQ(pert.kind, DistKind::pert);
  EXPECT_DOUBLE_EQ(pert.low, 0.02);
  EXPECT_DOUBLE_EQ(pert.mode, 0.05);
  EXPECT_DOUBLE_EQ(pert.high, 0.2);
  EXPECT_DOUBLE_EQ(s.base.economics.return_rate, (0.02 + 4 * 0.05 + 0.2) / 6);

  const Distribution& beta = s.uncertain[5].dist;
  EXPECT_EQ(beta.kind, DistKind::beta);
  EXPECT_DOUBLE_EQ(beta.a, 2.0);
  EXPECT_DOUBLE_EQ(beta.b, 8.0);
  EXPECT_TRUE(beta.has_low && beta.has_high);  // the default [0, 1], filled in
  EXPECT_DOUBLE_EQ(beta.low, 0.0);
  EXPECT_DOUBLE_EQ(beta.high, 1.0);
  EXPECT_DOUBLE_EQ(s.base.satisfaction.decay, 0.2);
  EXPECT_DOUBLE_EQ(s.base.satisfaction.initial_mean, 6.0 + 3.0 * 0.75);
  // satisfaction.reference defaults to initial_mean, and so follows its representative.
  EXPECT_DOUBLE_EQ(s.base.satisfaction.reference, s.base.satisfaction.initial_mean);

  EXPECT_EQ(s.uncertain[7].dist.kind, DistKind::normal);
  EXPECT_NEAR(s.base.satisfaction.order_delta, 0.2, 1e-12);
}

TEST(Uncertain, UnboundedNormalOnAnUnboundedKey)
{
  const Scenario s = load(BASE + "[referrals]\nreward = { dist = \"normal\", mean = 10, sd = 2, low = 0 }\n");
  ASSERT_EQ(s.uncertain.size(), 1u);
  EXPECT_TRUE(s.uncertain[0].dist.has_low);
  EXPECT_FALSE(s.uncertain[0].dist.has_high);
  // Truncated below 5 sd from the mean: the mean barely moves (10 + 2 phi(5)/Phi(5)).
  EXPECT_NEAR(s.base.referrals.reward, 10.0 + 2.0 * std::exp(-12.5) / std::sqrt(2 * std::numbers::pi), 1e-12);
}

TEST(Uncertain, RepresentativeOfATruncatedNormalIsItsMean)
{
  // Half-normal: mean sd * sqrt(2 / pi).
  Distribution d;
  d.kind = DistKind::normal;
  d.mean = 0.0;
  d.sd = 1.0;
  d.has_low = true;
  d.low = 0.0;
  EXPECT_NEAR(representative_value(d), std::sqrt(2.0 / std::numbers::pi), 1e-14);
  // Far in the upper tail: [4, 5] under N(0, 1) has mean (phi(4) - phi(5)) / (Phi(5) - Phi(4)) = 4.2256...
  d.low = 4.0;
  d.has_high = true;
  d.high = 5.0;
  auto phi = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); };
  auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  EXPECT_NEAR(representative_value(d), (phi(4) - phi(5)) / (Phi(5) - Phi(4)), 1e-9);
}

TEST(Uncertain, WhereEachValueLivesNamesIt)
{
  const Scenario s = load(BASE + R"([[investment]]
name = "faster_response"
one_time_cost = { dist = "triangular", low = 15000, mode = 20000, high = 30000 }
cost_per_period = 2400
[investment.changes]
"service.response_time_hours" = { dist = "uniform", low = 3, high = 6 }
"service.courtesy" = { add = { dist = "uniform", low = 0, high = 0.1 } }
"segment.vip.purchase.r" = { multiply = { dist = "lognormal", median = 1.1, sigma = 0.1 } }
)",
                          {"segment.vip.purchase.r={ dist = \"lognormal\", median = 1.2, sigma = 0.2 }",
                           "acquisition.channel.google_ads.cac={ dist = \"uniform\", low = 40, high = 60 }",
                           "service.incident_probability={ dist = \"beta\", a = 1, b = 9 }"});
  std::vector<std::string> keys;
  for (const auto& u : s.uncertain) keys.push_back(u.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"investment.faster_response.one_time_cost",
                                            "investment.faster_response.changes.service.response_time_hours",
                                            "investment.faster_response.changes.service.courtesy",
                                            "investment.faster_response.changes.segment.vip.purchase.r",
                                            "segment.vip.purchase.r", "acquisition.channel.google_ads.cac",
                                            "service.incident_probability"}));
  const Investment& inv = s.investments[0];
  EXPECT_DOUBLE_EQ(inv.one_time_cost, 65000.0 / 3.0);
  EXPECT_EQ(inv.changes[0].op, ChangeOp::set);
  EXPECT_DOUBLE_EQ(inv.changes[0].number, 4.5);
  EXPECT_EQ(inv.changes[1].op, ChangeOp::add);
  EXPECT_DOUBLE_EQ(inv.changes[1].number, 0.05);
  EXPECT_EQ(inv.changes[2].op, ChangeOp::multiply);
  EXPECT_DOUBLE_EQ(inv.changes[2].number, 1.1);
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.purchase.r, 1.2);
  EXPECT_DOUBLE_EQ(s.channels[0].cac, 50.0);
  EXPECT_DOUBLE_EQ(s.base.service.incident_probability, 0.1);
  // Each name reads and writes its value through keys.h (what the engine does per path).
  Scenario t = s;
  for (const auto& u : s.uncertain) {
    EXPECT_TRUE(is_numeric_key(t, u.key)) << u.key;
    set_number(t, u.key, 1.0);
    EXPECT_DOUBLE_EQ(get_number(t, u.key), 1.0) << u.key;
  }
  EXPECT_DOUBLE_EQ(t.investments[0].one_time_cost, 1.0);
  EXPECT_DOUBLE_EQ(t.investments[0].changes[2].number, 1.0);
  EXPECT_DOUBLE_EQ(t.segments[0].behaviour.purchase.r, 1.0);
  EXPECT_DOUBLE_EQ(t.channels[0].cac, 1.0);
}

TEST(Uncertain, SetReplacesADistributionByANumber)
{
  const std::string text = BASE + "[economics]\ngross_margin = { dist = \"uniform\", low = 0.3, high = 0.4 }\n";
  EXPECT_EQ(load(text).uncertain.size(), 1u);
  const Scenario s = load(text, {"economics.gross_margin=0.25"});
  EXPECT_TRUE(s.uncertain.empty());
  EXPECT_DOUBLE_EQ(s.base.economics.gross_margin, 0.25);
  const Scenario t = load(text, {"economics.gross_margin={ dist = \"pert\", low = 0.2, mode = 0.3, high = 0.5 }"});
  ASSERT_EQ(t.uncertain.size(), 1u);
  EXPECT_EQ(t.uncertain[0].dist.kind, DistKind::pert);
}

TEST(Uncertain, BadDistributions)
{
  auto courtesy = [](const std::string& table) {
    return errors(BASE + "[service.experience]\nbase = " + table + "\n");
  };
  EXPECT_EQ(courtesy("{ dist = \"normall\", mean = 1, sd = 1, low = 0, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: unknown distribution \"normall\"; did you mean "
            "\"normal\"? (one of \"normal\", \"lognormal\", \"uniform\", \"triangular\", \"pert\", \"beta\")");
  EXPECT_EQ(courtesy("{ dist = \"gauss\", mean = 1 }"),
            "error: shop.toml:29:1: service.experience.base: unknown distribution \"gauss\" (one of \"normal\", "
            "\"lognormal\", \"uniform\", \"triangular\", \"pert\", \"beta\")");
  EXPECT_EQ(courtesy("{ dist = 1 }"),
            "error: shop.toml:29:1: service.experience.base: dist has the wrong type: expected a string (one of "
            "\"normal\", \"lognormal\", \"uniform\", \"triangular\", \"pert\", \"beta\"), got integer 1");
  EXPECT_EQ(courtesy("{ dist = \"normal\", mean = 1, low = 0, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: a normal distribution needs 'sd' (it takes mean, sd "
            "[, low, high])");
  EXPECT_EQ(courtesy("{ dist = \"triangular\", low = 0, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: a triangular distribution needs 'mode' (it takes low, "
            "mode, high)");
  EXPECT_EQ(courtesy("{ dist = \"normal\", mean = 1, sdd = 1, sd = 1, low = 0, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: unknown parameter 'sdd' of a normal distribution; did "
            "you mean 'sd'? (it takes mean, sd [, low, high])");
  EXPECT_EQ(courtesy("{ dist = \"uniform\", low = 0, high = \"2\" }"),
            "error: shop.toml:29:1: service.experience.base: parameter high has the wrong type: expected a number, "
            "got string \"2\"");
  EXPECT_EQ(courtesy("{ dist = \"normal\", mean = 1, sd = 0, low = 0, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: sd = 0 must be > 0");
  EXPECT_EQ(courtesy("{ dist = \"lognormal\", median = 1, sigma = -1 }"),
            "error: shop.toml:29:1: service.experience.base: sigma = -1 must be > 0");
  EXPECT_EQ(courtesy("{ dist = \"beta\", a = 0, b = 2 }"),
            "error: shop.toml:29:1: service.experience.base: a = 0 must be > 0");
  EXPECT_EQ(courtesy("{ dist = \"uniform\", low = 2, high = 1 }"),
            "error: shop.toml:29:1: service.experience.base: low = 2 must be below high = 1");
  EXPECT_EQ(courtesy("{ dist = \"pert\", low = 0, mode = 3, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: mode = 3 must lie between low = 0 and high = 2");
  EXPECT_EQ(courtesy("{ dist = \"normal\", mean = 3, sd = 1, low = 0, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: mean = 3 must lie between low = 0 and high = 2");
  EXPECT_EQ(courtesy("{ dist = \"beta\", a = 1, b = 1, low = 2 }"),
            "error: shop.toml:29:1: service.experience.base: low = 2 must be below high = 1");
  EXPECT_EQ(courtesy("{ dist = \"uniform\", low = 0, high = inf }"),
            "error: shop.toml:29:1: service.experience.base: parameter high = inf is not a finite number");
  // service.experience.base is in [-10, 10]: the support must be too.
  EXPECT_EQ(courtesy("{ dist = \"normal\", mean = 1, sd = 1 }"),
            "error: shop.toml:29:1: service.experience.base: a normal distribution needs low and high within [-10, "
            "10]");
  EXPECT_EQ(courtesy("{ dist = \"normal\", mean = 1, sd = 1, low = 0 }"),
            "error: shop.toml:29:1: service.experience.base: a normal distribution needs high within [-10, 10]");
  EXPECT_EQ(courtesy("{ dist = \"uniform\", low = -11, high = 2 }"),
            "error: shop.toml:29:1: service.experience.base: a uniform distribution on [-11, 2] can give values out "
            "of range [-10, 10]");
  EXPECT_EQ(courtesy("{ dist = \"lognormal\", median = 1, sigma = 1 }"),
            "error: shop.toml:29:1: service.experience.base: a lognormal distribution (values in (0, inf)) does not "
            "fit the range [-10, 10]");
}

TEST(Uncertain, SupportMustFitTheKey)
{
  EXPECT_EQ(errors(BASE + "[reviews]\nprobability = { dist = \"normal\", mean = 0.9, sd = 0.05 }\n"),
            "error: shop.toml:29:1: reviews.probability: a normal distribution needs low and high within [0, 1]");
  EXPECT_EQ(errors(BASE + "[reviews]\nprobability = { dist = \"beta\", a = 2, b = 2, low = 0.5, high = 1.5 }\n"),
            "error: shop.toml:29:1: reviews.probability: a beta distribution on [0.5, 1.5] can give values out of "
            "range [0, 1]");
  // Open bounds: purchase.r > 0, so a uniform from 0 is refused, a lognormal is fine.
  EXPECT_EQ(errors(BASE, {"segment.vip.purchase.r={ dist = \"uniform\", low = 0, high = 1 }"}),
            "error: --set segment.vip.purchase.r={ dist = \"uniform\", low = 0, high = 1 }: segment 'vip': "
            "purchase.r: a uniform distribution on [0, 1] can give values out of range (0, inf)");
  EXPECT_EQ(errors(BASE, {"segment.vip.purchase.r={ dist = \"lognormal\", median = 1, sigma = 1 }"}), "<loaded>");
  EXPECT_EQ(errors(BASE + "[reputation]\ninitial_rating = { dist = \"lognormal\", median = 3, sigma = 0.1 }\n"),
            "error: shop.toml:29:1: reputation.initial_rating: a lognormal distribution (values in (0, inf)) does "
            "not fit the range [1, 5]");
  EXPECT_EQ(errors(BASE + "[[acquisition.channel]]\nname = \"tv\"\ncustomers_per_period = "
                          "{ dist = \"normal\", mean = 10, sd = 3 }\n"),
            "error: shop.toml:30:1: acquisition.channel.tv.customers_per_period: a normal distribution needs low "
            "within (0, inf)");
}

TEST(Uncertain, OnlyNumbersCanBeUncertain)
{
  const std::string u = "{ dist = \"uniform\", low = 10, high = 20 }";
  EXPECT_EQ(errors(BASE, {"simulation.horizon=" + u}), "error: --set simulation.horizon=" + u +
                                                           ": simulation.horizon is an integer and cannot be uncertain "
                                                           "(only numbers can)");
  EXPECT_EQ(errors(BASE, {"simulation.paths=" + u}),
            "error: --set simulation.paths=" + u +
                ": simulation.paths is an integer and cannot be uncertain (only "
                "numbers can)");
  EXPECT_EQ(errors(BASE + "[loyalty]\nenabled = " + u + "\n"),
            "error: shop.toml:29:1: loyalty.enabled is a boolean and cannot be uncertain (only numbers can)");
  EXPECT_EQ(errors(BASE + "[economics]\ncurrency = " + u + "\n"),
            "error: shop.toml:29:1: economics.currency is a string and cannot be uncertain (only numbers can)");
  EXPECT_EQ(
      errors(BASE + "[[acquisition.channel]]\nname = \"tv\"\ncustomers_per_period = 5\nstart_period = " + u + "\n"),
      "error: shop.toml:31:1: acquisition.channel.tv.start_period is an integer and cannot be uncertain (only "
      "numbers can)");
  EXPECT_EQ(errors(BASE, {"segment.vip.share=" + u}),
            "error: --set segment.vip.share=" + u +
                ": segment.vip.share cannot be uncertain (segment shares must "
                "sum to 1)");
  EXPECT_EQ(investment_errors("name = \"x\"\nstart_period = " + u + "\n", ""),
            "error: shop.toml:30:1: investment 'x': start_period is an integer and cannot be uncertain (only numbers "
            "can)");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.max_contacts\" = { add = " + u + " }"),
            "error: shop.toml:30:13: investment 'x': service.max_contacts is an integer and cannot be uncertain "
            "(only numbers can)");
}

TEST(Uncertain, ChangesByADistributionStayInRange)
{
  EXPECT_EQ(investment_errors("name = \"x\"\n",
                              "\"service.courtesy\" = { add = { dist = \"uniform\", low = 0, high = 0.2 } }"),
            "error: shop.toml:30:13: investment 'x': service.courtesy = 0.9 + 0.2 = 1.1 is out of range [0, 1] (the "
            "high end of the uniform distribution)");
  EXPECT_EQ(investment_errors("name = \"x\"\n",
                              "\"service.courtesy\" = { add = { dist = \"normal\", mean = 0.05, sd = 0.01 } }"),
            "error: shop.toml:30:13: investment 'x': service.courtesy = 0.9 + a normal distribution without low and "
            "high can leave the range [0, 1]");
  EXPECT_EQ(
      investment_errors("name = \"x\"\n",
                        "\"service.courtesy\" = { multiply = { dist = \"lognormal\", median = 1, sigma = 0.1 } }"),
      "error: shop.toml:30:13: investment 'x': service.courtesy = 0.9 * a lognormal distribution can leave the "
      "range [0, 1]");
  EXPECT_EQ(investment_errors("name = \"x\"\n",
                              "\"service.response_time_hours\" = { multiply = "
                              "{ dist = \"lognormal\", median = 0.2, sigma = 0.3 } }"),
            "<loaded>");
  EXPECT_EQ(investment_errors("name = \"x\"\n", "\"service.courtesy\" = { dist = \"uniform\", low = 0.9, high = 1.1 }"),
            "error: shop.toml:30:13: investment 'x': service.courtesy: a uniform distribution on [0.9, 1.1] can give "
            "values out of range [0, 1]");
}

// ---------------------------------------------------------------------------------------
// [sweep] and --sweep

TEST(Sweep, AxesInFileOrder)
{
  const Scenario s = load(BASE + R"([sweep]
"service.first_contact_resolution" = [0.6, 0.7, 0.8]
"acquisition.channel.google_ads.budget_per_period" = [1000, 2000]
"segment.vip.purchase.r" = [1, 2]
loyalty.enabled = [false, true]
)");
  ASSERT_EQ(s.sweep.size(), 4u);
  EXPECT_EQ(s.sweep[0].key, "service.first_contact_resolution");
  EXPECT_EQ(s.sweep[0].values, (std::vector<double>{0.6, 0.7, 0.8}));
  EXPECT_EQ(s.sweep[1].key, "acquisition.channel.google_ads.budget_per_period");
  EXPECT_EQ(s.sweep[1].values, (std::vector<double>{1000, 2000}));
  EXPECT_EQ(s.sweep[2].key, "segment.vip.purchase.r");
  EXPECT_EQ(s.sweep[3].key, "loyalty.enabled");
  EXPECT_EQ(s.sweep[3].values, (std::vector<double>{0, 1}));
  // The base scenario keeps its own values.
  EXPECT_DOUBLE_EQ(s.base.service.first_contact_resolution, 0.7);
}

TEST(Sweep, BadAxes)
{
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.first_contact_resolutoin\" = [0.6]\n"),
            "error: shop.toml:29:1: sweep: unknown key 'service.first_contact_resolutoin'; did you mean "
            "'service.first_contact_resolution'?");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.courtesy\" = [0.5, 1.3, 0.5]\n"),
            "error: shop.toml:29:28: sweep: service.courtesy = 1.3 is out of range [0, 1]\n"
            "error: shop.toml:29:33: sweep: service.courtesy lists 0.5 twice");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.courtesy\" = []\n"),
            "error: shop.toml:29:1: sweep: service.courtesy = [] has no values");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.courtesy\" = 0.5\n"),
            "error: shop.toml:29:1: sweep: service.courtesy has the wrong type: expected an array of numbers, got "
            "float 0.5");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.courtesy\" = [0.5, \"high\"]\n"),
            "error: shop.toml:29:28: sweep: service.courtesy value has the wrong type: expected a number, got "
            "string \"high\"");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.courtesy\" = [{ dist = \"uniform\", low = 0, high = 1 }]\n"),
            "error: shop.toml:29:23: sweep: service.courtesy takes plain values, not distributions");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"loyalty.enabled\" = [0, 1]\n"),
            "error: shop.toml:29:22: sweep: loyalty.enabled value has the wrong type: expected a boolean (true or "
            "false), got integer 0\n"
            "error: shop.toml:29:25: sweep: loyalty.enabled value has the wrong type: expected a boolean (true or "
            "false), got integer 1");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.max_contacts\" = [2, 2.5]\n"),
            "error: shop.toml:29:30: sweep: service.max_contacts = 2.5 is not an integer");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"simulation.paths\" = [10, 20]\n"),
            "error: shop.toml:29:1: sweep: simulation.paths cannot be swept (it describes the run, not the shop)");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"purchase.model\" = [1]\n"),
            "error: shop.toml:29:1: sweep: purchase.model cannot be swept (a sweep takes numbers and booleans; it is "
            "a string)");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"segment.vip.share\" = [0.1]\n"),
            "error: shop.toml:29:1: sweep: segment.vip.share cannot be swept (segment shares must sum to 1)");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"segment.gold.purchase.r\" = [1]\n"),
            "error: shop.toml:29:1: sweep: no segment named 'gold' (the scenario has: vip, regular)");
  EXPECT_EQ(errors(BASE + "[sweep]\n\"service.courtesy\" = [0.5]\n",
                   {"service.courtesy={ dist = \"uniform\", low = 0.8, high = 1 }"}),
            "error: shop.toml:29:1: sweep: service.courtesy is uncertain (a distribution) and cannot also be swept");
  EXPECT_EQ(errors("sweep = 3\n" + BASE),
            "error: shop.toml:1:1: sweep has the wrong type: expected a table ([sweep]) of keys and value lists, "
            "got integer 3");
}

TEST(Sweep, GridSizeIsLimited)
{
  std::string a, b;
  for (int i = 0; i < 101; ++i) {
    if (i) {
      a += ", ";
      b += ", ";
    }
    a += format_number(i / 100.0);
    b += std::to_string(i + 1);
  }
  const std::string text =
      BASE + "[sweep]\n\"service.courtesy\" = [" + a + "]\n\"service.response_time_hours\" = [" + b + "]\n";
  EXPECT_EQ(errors(text),
            "error: shop.toml:28:1: sweep: the grid has 10201 points (101 x 101); at most 10000 are allowed");
  Scenario s = load(BASE + "[sweep]\n\"service.courtesy\" = [" + a + "]\n");
  try {
    add_sweep(s, "service.response_time_hours=" + b);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "error: --sweep service.response_time_hours=" + b +
                                         ": the sweep grid would have 10201 points (101 x 101); at most 10000 are "
                                         "allowed");
  }
  EXPECT_EQ(s.sweep.size(), 1u);  // unchanged after an error
}

std::string sweep_errors(Scenario& s, const std::string& spec)
{
  try {
    add_sweep(s, spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<added>";
}

TEST(Sweep, CommandLine)
{
  Scenario s = load(BASE + "[sweep]\n\"service.courtesy\" = [0.8, 0.9]\n");
  add_sweep(s, "service.first_contact_resolution=0.5, 0.6,0.7");
  add_sweep(s, "service.courtesy=1");  // replaces the file's axis, in place
  add_sweep(s, "loyalty.enabled=true,false");
  add_sweep(s, "segment.vip.purchase.r=1.5,2");
  ASSERT_EQ(s.sweep.size(), 4u);
  EXPECT_EQ(s.sweep[0].key, "service.courtesy");
  EXPECT_EQ(s.sweep[0].values, (std::vector<double>{1.0}));
  EXPECT_EQ(s.sweep[1].key, "service.first_contact_resolution");
  EXPECT_EQ(s.sweep[1].values, (std::vector<double>{0.5, 0.6, 0.7}));
  EXPECT_EQ(s.sweep[2].values, (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(s.sweep[3].key, "segment.vip.purchase.r");

  EXPECT_EQ(sweep_errors(s, "service.courtesy=0.5,1.3"),
            "error: --sweep service.courtesy=0.5,1.3: service.courtesy = 1.3 is out of range [0, 1]");
  EXPECT_EQ(sweep_errors(s, "service.courtsy=0.5"),
            "error: --sweep service.courtsy=0.5: unknown key 'service.courtsy'; did you mean 'service.courtesy'?");
  EXPECT_EQ(sweep_errors(s, "service.courtesy=0.5,abc,1.5"),
            "error: --sweep service.courtesy=0.5,abc,1.5: 'abc' is not a number\n"
            "error: --sweep service.courtesy=0.5,abc,1.5: service.courtesy = 1.5 is out of range [0, 1]");
  EXPECT_EQ(sweep_errors(s, "service.courtesy=0.5,,0.6"),
            "error: --sweep service.courtesy=0.5,,0.6: empty value in the list");
  EXPECT_EQ(sweep_errors(s, "service.courtesy="), "error: --sweep service.courtesy=: service.courtesy has no values");
  EXPECT_EQ(sweep_errors(s, "service.courtesy=0.5,0.5"),
            "error: --sweep service.courtesy=0.5,0.5: service.courtesy lists 0.5 twice");
  EXPECT_EQ(sweep_errors(s, "service.courtesy"),
            "error: --sweep service.courtesy: expected KEY=V1,V2,... (e.g. --sweep service.courtesy=0.8,0.9,1)");
  Scenario with_investment = load(BASE + GOOD_INVESTMENTS);
  EXPECT_EQ(sweep_errors(with_investment, "investment.faster_response.cost_per_period=1,2"),
            "error: --sweep investment.faster_response.cost_per_period=1,2: investment.faster_response.cost_per_period "
            "cannot be swept (a sweep varies the scenario, not the investments)");
  EXPECT_EQ(sweep_errors(s, "loyalty.enabled=1"), "error: --sweep loyalty.enabled=1: '1' is not true or false");
  EXPECT_EQ(sweep_errors(s, "simulation.horizon=6,12"),
            "error: --sweep simulation.horizon=6,12: simulation.horizon cannot be swept (it describes the run, not "
            "the shop)");
  Scenario u = load(BASE, {"service.courtesy={ dist = \"uniform\", low = 0.8, high = 1 }"});
  EXPECT_EQ(sweep_errors(u, "service.courtesy=0.9"),
            "error: --sweep service.courtesy=0.9: service.courtesy is uncertain (a distribution) and cannot also be "
            "swept");
  EXPECT_EQ(s.sweep.size(), 4u);
}

// ---------------------------------------------------------------------------------------
// describe() writes all of it back as TOML that reloads to the same scenario.

TEST(Describe, InvestmentsUncertainValuesAndSweepsRoundTrip)
{
  const std::string text = BASE + GOOD_INVESTMENTS + R"(
[[investment]]
name = "uncertain_one"
one_time_cost = { dist = "triangular", low = 15000, mode = 20000, high = 30000 }
cost_per_contact = { dist = "uniform", low = 0.5, high = 1 }
[investment.changes]
"service.response_time_hours" = { dist = "uniform", low = 3, high = 6 }
"service.courtesy" = { add = { dist = "uniform", low = 0, high = 0.1 } }
"segment.vip.purchase.r" = { multiply = { dist = "lognormal", median = 1.1, sigma = 0.1 } }
"loyalty.enabled" = false

[reviews]
probability = { dist = "beta", a = 1, b = 9 }
detractor_multiplier = { dist = "beta", a = 2, b = 3, low = 2, high = 4 }

[sweep]
"service.first_contact_resolution" = [0.6, 0.7, 0.8]
"policies.free_shipping.enabled" = [false, true]
)";
  const Scenario s =
      load(text, {"segment.vip.purchase.r={ dist = \"normal\", mean = 1.2, sd = 0.2, low = 0.5 }",
                  "acquisition.channel.google_ads.cac={ dist = \"pert\", low = 40, mode = 45, high = 60 }"});
  const std::string described = describe(s);
  Scenario again;
  try {
    again = load_string(described, "described.toml", ".");
  } catch (const InputError& e) {
    FAIL() << e.what() << "\n" << described;
  }
  const std::string again_described = describe(again);
  EXPECT_EQ(again_described.substr(again_described.find('\n')), described.substr(described.find('\n')));

  ASSERT_EQ(again.investments.size(), s.investments.size());
  for (std::size_t i = 0; i < s.investments.size(); ++i) {
    const Investment &a = s.investments[i], &b = again.investments[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.one_time_cost, b.one_time_cost);
    EXPECT_EQ(a.cost_per_period, b.cost_per_period);
    EXPECT_EQ(a.cost_per_order, b.cost_per_order);
    EXPECT_EQ(a.cost_per_contact, b.cost_per_contact);
    EXPECT_EQ(a.start_period, b.start_period);
    EXPECT_EQ(a.ramp_periods, b.ramp_periods);
    ASSERT_EQ(a.changes.size(), b.changes.size());
    for (std::size_t j = 0; j < a.changes.size(); ++j) {
      EXPECT_EQ(a.changes[j].key, b.changes[j].key);
      EXPECT_EQ(a.changes[j].op, b.changes[j].op);
      EXPECT_EQ(a.changes[j].number, b.changes[j].number);
      EXPECT_EQ(a.changes[j].text, b.changes[j].text);
      EXPECT_EQ(a.changes[j].is_text, b.changes[j].is_text);
    }
  }
  // The same uncertain inputs (describe writes them in its own order).
  auto by_key = [](const Scenario& sc) {
    std::map<std::string, std::string> m;
    for (const auto& u : sc.uncertain) m[u.key] = describe_distribution(u.dist);
    return m;
  };
  EXPECT_EQ(by_key(again), by_key(s));
  EXPECT_EQ(s.uncertain.size(), 9u);
  for (const auto& u : s.uncertain) {
    const UncertainInput* v = find_uncertain(again, u.key);
    ASSERT_NE(v, nullptr) << u.key;
    EXPECT_EQ(u.dist.kind, v->dist.kind);
    for (auto field :
         {&Distribution::mean, &Distribution::sd, &Distribution::median, &Distribution::sigma, &Distribution::low,
          &Distribution::mode, &Distribution::high, &Distribution::a, &Distribution::b})
      EXPECT_EQ(u.dist.*field, v->dist.*field) << u.key;
    EXPECT_EQ(u.dist.has_low, v->dist.has_low);
    EXPECT_EQ(u.dist.has_high, v->dist.has_high);
  }
  EXPECT_EQ(again.base.reviews.probability, s.base.reviews.probability);
  EXPECT_EQ(again.segments[0].behaviour.purchase.r, s.segments[0].behaviour.purchase.r);
  EXPECT_EQ(again.channels[0].cac, s.channels[0].cac);
  ASSERT_EQ(again.sweep.size(), 2u);
  EXPECT_EQ(again.sweep[0].key, "service.first_contact_resolution");
  EXPECT_EQ(again.sweep[0].values, s.sweep[0].values);
  EXPECT_EQ(again.sweep[1].values, (std::vector<double>{0, 1}));

  EXPECT_NE(described.find("probability = { dist = \"beta\", a = 1, b = 9 }"), std::string::npos) << described;
  EXPECT_NE(described.find("\"service.courtesy\" = { add = 0.05 }"), std::string::npos) << described;
  EXPECT_NE(described.find("[sweep]\n\"service.first_contact_resolution\" = [0.6, 0.7, 0.8]\n"
                           "\"policies.free_shipping.enabled\" = [false, true]\n"),
            std::string::npos)
      << described;
}

TEST(Describe, Distributions)
{
  Distribution d;
  d.kind = DistKind::normal;
  d.mean = 0.9;
  d.sd = 0.05;
  EXPECT_EQ(describe_distribution(d), "{ dist = \"normal\", mean = 0.9, sd = 0.05 }");
  d.has_high = true;
  d.high = 1;
  EXPECT_EQ(describe_distribution(d), "{ dist = \"normal\", mean = 0.9, sd = 0.05, high = 1 }");
  d = Distribution{};
  d.kind = DistKind::beta;
  d.a = 2;
  d.b = 5;
  d.low = 0;
  d.high = 1;
  EXPECT_EQ(describe_distribution(d), "{ dist = \"beta\", a = 2, b = 5 }");
  d.high = 2;
  EXPECT_EQ(describe_distribution(d), "{ dist = \"beta\", a = 2, b = 5, low = 0, high = 2 }");
  d.kind = DistKind::pert;
  d.mode = 1.5;
  EXPECT_EQ(describe_distribution(d), "{ dist = \"pert\", low = 0, mode = 1.5, high = 2 }");
  EXPECT_STREQ(to_string(DistKind::lognormal), "lognormal");
}

// ---------------------------------------------------------------------------------------
// keys.h addresses entries by name

TEST(Keys, EntryAddresses)
{
  Scenario s = load(BASE + GOOD_INVESTMENTS);
  EXPECT_TRUE(is_numeric_key(s, "segment.vip.purchase.r"));
  EXPECT_TRUE(is_numeric_key(s, "segment.regular.policies.free_returns.enabled"));
  EXPECT_FALSE(is_numeric_key(s, "segment.vip.purchase.model"));
  EXPECT_FALSE(is_numeric_key(s, "segment.gold.purchase.r"));
  EXPECT_TRUE(is_numeric_key(s, "investment.faster_response.cost_per_period"));
  EXPECT_TRUE(is_numeric_key(s, "investment.faster_response.changes.service.courtesy"));
  EXPECT_FALSE(is_numeric_key(s, "investment.faster_response.changes.service.decay"));
  EXPECT_FALSE(is_numeric_key(s, "investment.faster_response.description"));
  EXPECT_FALSE(is_numeric_key(s, "investment.nobody.cost_per_period"));

  EXPECT_DOUBLE_EQ(get_number(s, "segment.vip.purchase.r"), 1.2);
  EXPECT_DOUBLE_EQ(get_number(s, "segment.regular.purchase.r"), 0.6);
  EXPECT_DOUBLE_EQ(get_number(s, "investment.faster_response.one_time_cost"), 20000.0);
  EXPECT_DOUBLE_EQ(get_number(s, "investment.faster_response.changes.service.courtesy"), 0.05);
  // A segment key becomes (or updates) that segment's override; the others keep the base.
  set_number(s, "segment.regular.purchase.r", 0.9);
  EXPECT_DOUBLE_EQ(s.segments[1].behaviour.purchase.r, 0.9);
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.purchase.r, 1.2);
  EXPECT_DOUBLE_EQ(s.base.purchase.r, 0.6);
  set_number(s, "segment.vip.service.max_contacts", 6.4);
  EXPECT_EQ(s.segments[0].behaviour.service.max_contacts, 6);
  set_number(s, "investment.faster_response.start_period", 5);
  EXPECT_EQ(s.investments[0].start_period, 5);
  EXPECT_THROW(set_number(s, "investment.faster_response.changes.nope", 1), std::invalid_argument);

  EXPECT_EQ(check_number("segment.vip.service.courtesy", 1.5),
            "segment.vip.service.courtesy = 1.5 is out of range [0, 1]");
  EXPECT_EQ(check_number("investment.x.one_time_cost", -1), "investment.x.one_time_cost = -1 is out of range [0, inf)");
  EXPECT_EQ(check_number("investment.x.ramp_periods", 1.5), "investment.x.ramp_periods = 1.5 is not an integer");
  EXPECT_EQ(investment_keys().size(), 8u);
  EXPECT_NE(find_investment_key("cost_per_order"), nullptr);
}

}  // namespace
}  // namespace clvsim::scenarios
