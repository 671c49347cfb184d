//! The key registry (scenarios/keys.h): lookup, get/set by dotted name, range checks.
#include "scenarios/keys.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace clvsim::scenarios {
namespace {

const std::string TWO_SEGMENTS = R"([simulation]
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
first_contact_resolution = 0.6
[[segment]]
name = "vip"
share = 0.25
overrides = { "service.courtesy" = 0.5, "purchase.r" = 2 }
[[segment]]
name = "rest"
share = 0.75
[[acquisition.channel]]
name = "ads"
budget_per_period = 1000
cac = 50
)";

TEST(Keys, Lookup)
{
  EXPECT_TRUE(is_key("service.courtesy"));
  EXPECT_TRUE(is_key("simulation.horizon"));
  EXPECT_FALSE(is_key("simulation.horizon_periods"));
  EXPECT_FALSE(is_key("service"));
  EXPECT_TRUE(is_behaviour_key("purchase.r"));
  EXPECT_TRUE(is_behaviour_key("policies.free_returns.enabled"));
  EXPECT_FALSE(is_behaviour_key("simulation.paths"));
  EXPECT_FALSE(is_behaviour_key("reputation.initial_rating"));
  EXPECT_FALSE(is_behaviour_key("economics.currency"));
  EXPECT_FALSE(is_behaviour_key("economics.discount_rate_annual"));
  const KeyInfo* k = find_key("service.courtesy");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->type, KeyType::number);
  EXPECT_EQ(range_text(*k), "[0, 1]");
  EXPECT_TRUE(k->uncertain_ok);
  EXPECT_FALSE(k->doc.empty());
  EXPECT_EQ(find_key("simulation.horizon")->type, KeyType::integer);
  EXPECT_TRUE(find_key("simulation.horizon")->required);
  EXPECT_EQ(words_text(*find_key("simulation.period")), "\"week\", \"month\"");
  EXPECT_EQ(range_text(*find_key("spend.q")), "(1, inf)");
  EXPECT_NE(find_channel_key("budget_per_period"), nullptr);
  EXPECT_EQ(segment_keys().size(), 2u);
}

TEST(Keys, EveryKeyIsDocumentedAndUnique)
{
  std::set<std::string> names;
  for (const auto& k : all_keys()) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_FALSE(k.doc.empty()) << k.name;
    if (k.type == KeyType::number || k.type == KeyType::integer) {
      EXPECT_LE(k.lo, k.hi) << k.name;
    }
    if (k.type == KeyType::word) {
      EXPECT_FALSE(k.words.empty()) << k.name;
    }
  }
  EXPECT_GT(names.size(), 90u);
}

TEST(Keys, ModelParameters)
{
  EXPECT_EQ(model_parameters("purchase.model", "bg_nbd"),
            (std::vector<std::string>{"purchase.r", "purchase.alpha", "purchase.a", "purchase.b"}));
  EXPECT_EQ(model_parameters("purchase.model", "sbg_poisson"),
            (std::vector<std::string>{"purchase.a", "purchase.b", "purchase.r", "purchase.alpha"}));
  EXPECT_EQ(model_parameters("purchase.model", "sbg"),
            (std::vector<std::string>{"purchase.alpha", "purchase.beta", "purchase.fee"}));
  EXPECT_EQ(model_parameters("spend.model", "gamma_gamma"),
            (std::vector<std::string>{"spend.p", "spend.q", "spend.gamma"}));
  EXPECT_TRUE(model_parameters("purchase.model", "nope").empty());
}

TEST(Keys, CheckNumber)
{
  EXPECT_EQ(check_number("service.courtesy", 0.5), std::nullopt);
  EXPECT_EQ(check_number("service.courtesy", 1.3), "service.courtesy = 1.3 is out of range [0, 1]");
  EXPECT_EQ(check_number("purchase.r", 0.0), "purchase.r = 0 is out of range (0, inf)");
  EXPECT_EQ(check_number("service.max_contacts", 2.5), "service.max_contacts = 2.5 is not an integer");
  EXPECT_EQ(check_number("service.courtesy", NAN), "service.courtesy = nan is not a finite number");
  EXPECT_EQ(check_number("segment.vip.share", 1.5), "segment.vip.share = 1.5 is out of range (0, 1]");
  EXPECT_EQ(check_number("acquisition.channel.ads.cac", -1),
            "acquisition.channel.ads.cac = -1 is out of range [0, inf)");
  EXPECT_EQ(check_number("nope", 1), "unknown key 'nope'");
  EXPECT_EQ(check_number("purchase.model", 1), "purchase.model is not a number");
}

TEST(Keys, NumericKeys)
{
  const auto keys = numeric_keys();
  auto has = [&](const std::string& k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  EXPECT_TRUE(has("service.response_time_hours"));
  EXPECT_TRUE(has("simulation.horizon"));
  EXPECT_FALSE(has("purchase.model"));
  EXPECT_FALSE(has("loyalty.enabled"));
}

TEST(Keys, GetAndSetOnScenario)
{
  Scenario s = load_string(TWO_SEGMENTS, "shop.toml", ".");
  EXPECT_DOUBLE_EQ(get_number(s, "service.courtesy"), 1.0);
  EXPECT_DOUBLE_EQ(get_number(s, "simulation.horizon"), 12.0);
  EXPECT_DOUBLE_EQ(get_number(s, "segment.vip.share"), 0.25);
  EXPECT_DOUBLE_EQ(get_number(s, "acquisition.channel.ads.budget_per_period"), 1000.0);
  EXPECT_DOUBLE_EQ(get_number(s, "acquisition.channel.ads.customers_per_period"), 0.0);
  EXPECT_EQ(get_text(s, "purchase.model"), "sbg_poisson");
  EXPECT_EQ(get_text(s, "simulation.period"), "month");
  EXPECT_THROW(get_number(s, "purchase.model"), std::invalid_argument);
  EXPECT_THROW(get_number(s, "nope"), std::invalid_argument);
  EXPECT_TRUE(is_numeric_key(s, "segment.vip.share"));
  EXPECT_TRUE(is_numeric_key(s, "acquisition.channel.ads.cac"));
  EXPECT_FALSE(is_numeric_key(s, "acquisition.channel.other.cac"));
  EXPECT_FALSE(is_numeric_key(s, "purchase.model"));

  // A behaviour key changes the base and every segment, except where a segment overrides it.
  set_number(s, "service.courtesy", 0.8);
  EXPECT_DOUBLE_EQ(s.base.service.courtesy, 0.8);
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.service.courtesy, 0.5);
  EXPECT_DOUBLE_EQ(s.segments[1].behaviour.service.courtesy, 0.8);
  // A defaulted key follows its source.
  set_number(s, "service.first_contact_resolution", 0.9);
  EXPECT_DOUBLE_EQ(s.base.service.later_contact_resolution, 0.9);
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.service.later_contact_resolution, 0.9);
  // Integers round, booleans are != 0, entries by name.
  set_number(s, "service.max_contacts", 6.0);
  EXPECT_EQ(s.segments[1].behaviour.service.max_contacts, 6);
  set_number(s, "loyalty.enabled", 1.0);
  EXPECT_TRUE(s.segments[0].behaviour.loyalty.enabled);
  set_number(s, "acquisition.channel.ads.budget_per_period", 3000.0);
  EXPECT_DOUBLE_EQ(*s.channels[0].budget_per_period, 3000.0);
  set_number(s, "segment.rest.share", 0.5);
  EXPECT_DOUBLE_EQ(s.segments[1].share, 0.5);
  set_number(s, "simulation.paths", 7);
  EXPECT_EQ(s.simulation.paths, 7);
  EXPECT_THROW(set_number(s, "segment.nobody.share", 0.5), std::invalid_argument);
}

TEST(Keys, GetAndSetOnBehaviour)
{
  Behaviour b;
  set_number(b, "satisfaction.churn_sensitivity", 0.4);
  EXPECT_DOUBLE_EQ(b.satisfaction.churn_sensitivity, 0.4);
  EXPECT_DOUBLE_EQ(get_number(b, "satisfaction.churn_sensitivity"), 0.4);
  set_text(b, "spend.model", "lognormal");
  EXPECT_EQ(b.spend.model, SpendModel::lognormal);
  EXPECT_EQ(get_text(b, "spend.model"), "lognormal");
  EXPECT_THROW(set_text(b, "spend.model", "nope"), std::invalid_argument);
  EXPECT_THROW(set_number(b, "simulation.paths", 3), std::invalid_argument);
  apply_override(b, Override{"purchase.r", 3.0, "", false});
  EXPECT_DOUBLE_EQ(b.purchase.r, 3.0);
}

TEST(Keys, FormatNumberRoundTrips)
{
  EXPECT_EQ(format_number(1.3), "1.3");
  EXPECT_EQ(format_number(36), "36");
  EXPECT_EQ(format_number(-0.5), "-0.5");
  EXPECT_EQ(format_number(1e7), "10000000");
  EXPECT_EQ(format_number(INFINITY), "inf");
  for (double v : {0.1, 1.0 / 3.0, 1e-9, 123456.789, 6.02e23, 0.1234567890123})
    EXPECT_EQ(std::stod(format_number(v)), v) << format_number(v);
}

TEST(Keys, DidYouMean)
{
  EXPECT_EQ(did_you_mean("servce", {"simulation", "service", "spend"}), "service");
  EXPECT_EQ(did_you_mean("Courtesy", {"courtesy", "cost_per_contact"}), "courtesy");
  EXPECT_EQ(did_you_mean("banana", {"service", "spend"}), std::nullopt);
}

TEST(ScenarioFunctions, DaysAndNames)
{
  EXPECT_DOUBLE_EQ(days_in(TimeUnit::day), 1.0);
  EXPECT_DOUBLE_EQ(days_in(TimeUnit::week), 7.0);
  EXPECT_DOUBLE_EQ(days_in(TimeUnit::month), 365.25 / 12.0);
  EXPECT_DOUBLE_EQ(days_in(TimeUnit::year), 365.25);
  EXPECT_DOUBLE_EQ(days_in(Period::week), 7.0);
  EXPECT_DOUBLE_EQ(days_in(Period::month), 365.25 / 12.0);
  EXPECT_STREQ(to_string(Period::month), "month");
  EXPECT_STREQ(to_string(TimeUnit::year), "year");
  EXPECT_STREQ(to_string(PurchaseModel::pareto_nbd), "pareto_nbd");
  EXPECT_STREQ(to_string(SpendModel::gamma_gamma), "gamma_gamma");
}

}  // namespace
}  // namespace clvsim::scenarios
