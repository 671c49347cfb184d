//! Scenario loader: every rule of docs/model.md §2–§7 and the exact messages of §14.
#include "engine/core/errors.h"
#include "scenarios/keys.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

namespace clvsim::scenarios {
namespace {

namespace fs = std::filesystem;

// A small valid scenario; extra sections are appended from line 14 on.
const std::string MINIMAL = R"([simulation]
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
)";

std::string test_dir()
{
  static const std::string dir = [] {
    fs::path p = fs::temp_directory_path() / "clvsim_test_scenarios";
    fs::create_directories(p);
    return p.string();
  }();
  return dir;
}

Scenario load(const std::string& toml, const std::vector<std::string>& sets = {})
{
  return load_string(toml, "shop.toml", test_dir(), sets);
}

//! The InputError message of loading `toml`, or "<loaded>".
std::string errors(const std::string& toml, const std::vector<std::string>& sets = {})
{
  try {
    load(toml, sets);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<loaded>";
}

// ---------------------------------------------------------------------------------------
// The shipped scenarios

TEST(ShippedScenarios, DefaultLoads)
{
  const Scenario s = load_default();
  EXPECT_EQ(s.source_path, "<default>");
  EXPECT_EQ(s.simulation.period, Period::month);
  EXPECT_EQ(s.simulation.horizon_periods, 36);
  EXPECT_EQ(s.simulation.paths, 100);
  EXPECT_EQ(s.base.economics.currency, "PLN");
  EXPECT_EQ(s.base.purchase.model, PurchaseModel::sbg_poisson);
  EXPECT_EQ(s.base.purchase.time_unit, TimeUnit::month);
  EXPECT_EQ(s.base.spend.model, SpendModel::gamma_gamma);
  // Mean order value p*gamma/(q-1) around 180 PLN.
  const double mean_order = s.base.spend.p * s.base.spend.gamma / (s.base.spend.q - 1.0);
  EXPECT_NEAR(mean_order, 180.0, 20.0);
  // Survivors order 0.3-0.5 times a month.
  EXPECT_GE(s.base.purchase.r / s.base.purchase.alpha, 0.3);
  EXPECT_LE(s.base.purchase.r / s.base.purchase.alpha, 0.5);
  EXPECT_DOUBLE_EQ(s.base.economics.discount_rate_annual, 0.10);
  EXPECT_DOUBLE_EQ(s.base.economics.gross_margin, 0.35);
  EXPECT_EQ(s.population.initial_customers, 20000);
  ASSERT_EQ(s.channels.size(), 2u);
  EXPECT_EQ(s.channels[0].name, "google_ads");
  EXPECT_DOUBLE_EQ(*s.channels[0].budget_per_period, 60000.0);
  EXPECT_DOUBLE_EQ(s.channels[0].cac, 95.0);
  EXPECT_EQ(s.channels[1].name, "social_ads");
  EXPECT_DOUBLE_EQ(s.base.service.incident_probability, 0.08);
  EXPECT_DOUBLE_EQ(s.base.service.first_contact_resolution, 0.6);
  EXPECT_DOUBLE_EQ(s.base.service.later_contact_resolution, 0.6);  // defaulted
  EXPECT_DOUBLE_EQ(s.base.satisfaction.churn_sensitivity, 0.25);
  EXPECT_DOUBLE_EQ(s.base.satisfaction.reference, s.base.satisfaction.initial_mean);
  ASSERT_EQ(s.segments.size(), 1u);
  EXPECT_EQ(s.segments[0].name, "all");
  EXPECT_DOUBLE_EQ(s.segments[0].share, 1.0);
  EXPECT_FALSE(s.base.loyalty.enabled);
  EXPECT_FALSE(s.base.policies.free_returns.enabled);

  // The default run stays cheap: customers x periods x paths under ~3e8 (an upper bound:
  // every customer counted for the whole horizon).
  double customers = static_cast<double>(s.population.initial_customers);
  for (const auto& c : s.channels) customers += *c.budget_per_period / c.cac * s.simulation.horizon_periods;
  EXPECT_LT(customers * s.simulation.horizon_periods * s.simulation.paths, 3e8);
}

TEST(ShippedScenarios, DefaultTextIsEmbedded)
{
  EXPECT_NE(default_scenario_toml().find("[purchase]"), std::string_view::npos);
  EXPECT_EQ(load_default().source_toml, std::string(default_scenario_toml()));
}

TEST(ShippedScenarios, SubscriptionBoxLoads)
{
  const Scenario s = load_file(std::string(CLVSIM_SOURCE_DIR) + "/scenarios/examples/subscription_box.toml");
  EXPECT_EQ(s.base.purchase.model, PurchaseModel::sbg);
  EXPECT_DOUBLE_EQ(s.base.purchase.alpha, 0.7);
  EXPECT_DOUBLE_EQ(s.base.purchase.beta, 3.2);
  EXPECT_DOUBLE_EQ(s.base.purchase.fee, 79.0);
  ASSERT_EQ(s.channels.size(), 1u);
  EXPECT_TRUE(s.channels[0].customers_per_period.has_value());
  EXPECT_FALSE(s.channels[0].budget_per_period.has_value());
}

TEST(ShippedScenarios, CdnowLoads)
{
  const Scenario s = load_file(std::string(CLVSIM_SOURCE_DIR) + "/scenarios/examples/cdnow_bgnbd.toml");
  EXPECT_EQ(s.base.purchase.model, PurchaseModel::bg_nbd);
  EXPECT_EQ(s.base.purchase.time_unit, TimeUnit::week);
  EXPECT_EQ(s.simulation.period, Period::month);
  EXPECT_DOUBLE_EQ(s.base.purchase.r, 0.243);
  EXPECT_DOUBLE_EQ(s.base.purchase.alpha, 4.414);
  EXPECT_DOUBLE_EQ(s.base.purchase.a, 0.793);
  EXPECT_DOUBLE_EQ(s.base.purchase.b, 2.426);
  EXPECT_DOUBLE_EQ(s.base.spend.p, 6.25);
  EXPECT_DOUBLE_EQ(s.base.spend.q, 3.74);
  EXPECT_DOUBLE_EQ(s.base.spend.gamma, 15.44);
  EXPECT_EQ(s.base.economics.currency, "USD");
  EXPECT_EQ(s.population.initial_customers, 2357);
  EXPECT_EQ(s.simulation.horizon_periods, 18);
}

TEST(ShippedScenarios, ExamplesDoNotUseEmbeddingDelimiter)
{
  // default_scenario.cpp.in wraps the file in a raw string; configure_file(@ONLY) would
  // also replace @NAME@ sequences.
  const std::string text(default_scenario_toml());
  EXPECT_EQ(text.find(")clvsim_toml\""), std::string::npos);
  EXPECT_EQ(text.find('@'), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Defaults and reading

TEST(Loader, MinimalScenarioAndDefaults)
{
  const Scenario s = load(MINIMAL);
  EXPECT_EQ(s.source_path, "shop.toml");
  EXPECT_EQ(s.source_toml, MINIMAL);
  EXPECT_EQ(s.simulation.period, Period::month);
  EXPECT_EQ(s.simulation.paths, 200);
  EXPECT_EQ(s.simulation.block_size, 16384);
  EXPECT_EQ(s.base.purchase.time_unit, TimeUnit::month);  // = simulation.period
  EXPECT_EQ(s.base.spend.model, SpendModel::fixed);
  EXPECT_DOUBLE_EQ(s.base.spend.value, 50.0);
  EXPECT_EQ(s.base.service.max_contacts, 4);
  EXPECT_DOUBLE_EQ(s.base.service.experience.per_impolite_contact, 2.0);
  ASSERT_EQ(s.segments.size(), 1u);
  EXPECT_EQ(s.segments[0].name, "all");
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.spend.value, 50.0);
  EXPECT_TRUE(s.channels.empty());
}

TEST(Loader, WeeklyPeriodDefaultsTimeUnit)
{
  const Scenario s = load("[simulation]\nperiod = \"week\"\n" + MINIMAL.substr(13));
  EXPECT_EQ(s.simulation.period, Period::week);
  EXPECT_EQ(s.base.purchase.time_unit, TimeUnit::week);
}

TEST(Loader, NumbersAcceptIntegers)
{
  const Scenario s = load(MINIMAL + "[economics]\ngross_margin = 1\nreturn_cost = 15\n");
  EXPECT_DOUBLE_EQ(s.base.economics.gross_margin, 1.0);
  EXPECT_DOUBLE_EQ(s.base.economics.return_cost, 15.0);
}

TEST(Loader, DerivedDefaultsFollowTheirSource)
{
  const Scenario s = load(MINIMAL +
                          "[service]\nfirst_contact_resolution = 0.55\n"
                          "[satisfaction]\ninitial_mean = 6.5\n");
  EXPECT_DOUBLE_EQ(s.base.service.later_contact_resolution, 0.55);
  EXPECT_DOUBLE_EQ(s.base.satisfaction.reference, 6.5);
  const Scenario t = load(MINIMAL +
                          "[service]\nfirst_contact_resolution = 0.55\n"
                          "later_contact_resolution = 0.8\n");
  EXPECT_DOUBLE_EQ(t.base.service.later_contact_resolution, 0.8);
}

TEST(Loader, AllPurchaseModels)
{
  const std::string head = "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 10\n";
  const std::string spend = "[spend]\nmodel = \"lognormal\"\nmedian = 120\nsigma = 0.6\ncustomer_sigma = 0.4\n";
  Scenario s = load(head +
                    "[purchase]\nmodel = \"bg_nbd\"\ntime_unit = \"week\"\nr = 0.243\nalpha = 4.414\n"
                    "a = 0.793\nb = 2.426\n" +
                    spend);
  EXPECT_EQ(s.base.purchase.model, PurchaseModel::bg_nbd);
  EXPECT_EQ(s.base.spend.model, SpendModel::lognormal);
  EXPECT_DOUBLE_EQ(s.base.spend.median, 120.0);
  s = load(head +
           "[purchase]\nmodel = \"pareto_nbd\"\ntime_unit = \"week\"\nr = 0.553\nalpha = 10.578\n"
           "s = 0.606\nbeta = 11.669\n" +
           spend);
  EXPECT_EQ(s.base.purchase.model, PurchaseModel::pareto_nbd);
  EXPECT_DOUBLE_EQ(s.base.purchase.beta, 11.669);
  s = load(head + "[purchase]\nmodel = \"sbg\"\nalpha = 0.7\nbeta = 3.2\nfee = 0\n");
  EXPECT_EQ(s.base.purchase.model, PurchaseModel::sbg);
  EXPECT_DOUBLE_EQ(s.base.purchase.fee, 0.0);
}

// ---------------------------------------------------------------------------------------
// Messages (README "Exit codes")

TEST(Messages, OutOfRange)
{
  EXPECT_EQ(errors(MINIMAL + "[service]\n    first_contact_resolution = 1.3\n"),
            "error: shop.toml:15:5: service.first_contact_resolution = 1.3 is out of range [0, 1]");
  EXPECT_EQ(errors(MINIMAL + "[simulation.x]\n"), "error: shop.toml:14:1: unknown key 'simulation.x'");
  EXPECT_EQ(errors(MINIMAL + "[economics]\ndiscount_rate_annual = -0.1\n"),
            "error: shop.toml:15:1: economics.discount_rate_annual = -0.1 is out of range [0, 1]");
  EXPECT_EQ(errors(MINIMAL + "[service]\nmax_contacts = 0\n"),
            "error: shop.toml:15:1: service.max_contacts = 0 is out of range [1, 100]");
  EXPECT_EQ(errors(MINIMAL + "[service]\nresponse_time_hours = -2\n"),
            "error: shop.toml:15:1: service.response_time_hours = -2 is out of range [0, inf)");
  EXPECT_EQ(errors(MINIMAL + "[economics]\ngross_margin = nan\n"),
            "error: shop.toml:15:1: economics.gross_margin = nan is not a finite number");
  EXPECT_EQ(errors(MINIMAL + "[kpi]\nloyal_min_orders = 1\n"),
            "error: shop.toml:15:1: kpi.loyal_min_orders = 1 is out of range [2, 1000]");
}

TEST(Messages, IntegerKeysWithoutAnUpperBoundStopAt2To53)
{
  // Integer keys pass through double: beyond 2^53 a value would be rounded, and INT64_MAX
  // overflowed the cast to a negative count that passed the memory estimate (#24 D8).
  EXPECT_EQ(errors(MINIMAL, {"population.initial_customers=9223372036854775807"}),
            "error: --set population.initial_customers=9223372036854775807: population.initial_customers = "
            "9223372036854775807 is out of range [0, 9007199254740991]");
  EXPECT_NE(errors(MINIMAL, {"population.initial_customers=9007199254740992"}), "<loaded>");
  const Scenario s = load(MINIMAL, {"population.initial_customers=9007199254740991"});
  EXPECT_EQ(s.population.initial_customers, 9007199254740991);
}

TEST(Messages, NonAsciiOutsideStringsIsASyntaxErrorFoundBeforeTomlxx)
{
  // toml++ 3.3 reaches __builtin_unreachable() on these (#24 D15): the loader reports them.
  EXPECT_EQ(errors("\xc3\xa9 = 1\n" + MINIMAL),
            "error: shop.toml:1:1: TOML syntax error: a non-ASCII character outside a string or comment (TOML "
            "allows them only in strings and comments; a key with such characters is written in quotes)");
  EXPECT_EQ(errors("[simulation]\nhorizon = 1 \xc2\xa1\n").substr(0, 47),
            "error: shop.toml:2:13: TOML syntax error: a non");
  // An earlier syntax error is toml++'s to report, as without the character.
  EXPECT_NE(errors("[simulation\n\xc3\xa9 = 1\n").find("shop.toml:1:12: TOML syntax error: Error while parsing"),
            std::string::npos);
  // In strings, quoted keys and comments they are fine; a --set value with them is a string.
  const std::string ok =
      "# \xc5\x81\xc3\xb3"
      "d\xc5\xba \"\n" +
      MINIMAL +
      "[simulation.x]\n\"\xc3\xa9\" = '\xc3\xa9'\ny = '''\n\xc3\xa9'''\n"
      "z = \"\"\"\xc3\xa9\\\"\"\"\"\" # \xc3\xa9\n";
  EXPECT_EQ(errors(ok).find("non-ASCII"), std::string::npos) << errors(ok);
  EXPECT_EQ(load(MINIMAL, {"simulation.name=\xc3\xa9"}).simulation.name, "\xc3\xa9");
}

TEST(Messages, RangesOfTheSpec)
{
  // Through --set, which validates exactly like the file.
  auto bad = [](const std::string& section, const std::string& assignment) {
    std::string set = section + "." + assignment;
    set.erase(std::remove(set.begin(), set.end(), ' '), set.end());
    return errors(MINIMAL, {set}) != "<loaded>";
  };
  EXPECT_TRUE(bad("simulation", "horizon = 2401"));
  EXPECT_FALSE(bad("simulation", "paths = 10000000"));
  EXPECT_TRUE(bad("simulation", "paths = 10000001"));
  EXPECT_TRUE(bad("simulation", "paths = 0"));
  EXPECT_TRUE(bad("simulation", "block_size = 63"));
  EXPECT_FALSE(bad("simulation", "block_size = 1048576"));
  EXPECT_TRUE(bad("simulation", "threads = 1025"));
  EXPECT_TRUE(bad("simulation", "seed = -1"));
  EXPECT_TRUE(bad("population", "initial_customers = -1"));
  EXPECT_TRUE(bad("satisfaction", "initial_mean = 10.5"));
  EXPECT_TRUE(bad("satisfaction", "decay = 1.01"));
  EXPECT_TRUE(bad("satisfaction", "churn_sensitivity = -0.1"));
  EXPECT_TRUE(bad("loyalty", "eligible_after_orders = 0"));
  EXPECT_TRUE(bad("loyalty", "hazard_multiplier = 0"));
  EXPECT_FALSE(bad("loyalty", "enabled = true"));
  EXPECT_TRUE(bad("market", "addressable_customers = -5"));
  EXPECT_TRUE(bad("service", "courtesy = 1.0001"));
  EXPECT_FALSE(bad("service", "courtesy = 0"));
}

TEST(Messages, UnknownKeyTopLevel)
{
  EXPECT_EQ(errors(MINIMAL + "[servce]\ncourtesy = 0.9\n"),
            "error: shop.toml:14:1: unknown key 'servce'; did you mean 'service'?");
}

TEST(Messages, UnknownKeyNested)
{
  EXPECT_EQ(errors(MINIMAL + "[service]\ncurtesy = 0.9\n"),
            "error: shop.toml:15:1: unknown key 'service.curtesy'; did you mean 'service.courtesy'?");
  EXPECT_EQ(errors(MINIMAL + "[service.experiance]\nbase = 1\n"),
            "error: shop.toml:14:1: unknown key 'service.experiance'; did you mean 'service.experience'?");
}

TEST(Messages, UnknownKeyInTheWrongTable)
{
  EXPECT_EQ(errors(MINIMAL + "[service]\ndecay = 0.2\n"),
            "error: shop.toml:15:1: unknown key 'service.decay'; did you mean 'satisfaction.decay'?");
}

TEST(Messages, UnknownKeyWithoutSuggestion)
{
  EXPECT_EQ(errors(MINIMAL + "[service]\nzzzzzzzz = 1\n"), "error: shop.toml:15:1: unknown key 'service.zzzzzzzz'");
}

TEST(Messages, WrongType)
{
  const std::string text = "[simulation]\nperiod = \"month\"\nseed = 3\npaths = 2\n horizon = \"36\"\n" +
                           MINIMAL.substr(MINIMAL.find("[population]"));
  EXPECT_EQ(errors(text),
            "error: shop.toml:5:2: simulation.horizon has the wrong type: expected an integer, got string \"36\"");
  EXPECT_EQ(errors(MINIMAL + "[service]\nmax_contacts = 4.5\n"),
            "error: shop.toml:15:1: service.max_contacts has the wrong type: expected an integer, got float 4.5");
  EXPECT_EQ(errors(MINIMAL + "[service]\ncourtesy = \"high\"\n"),
            "error: shop.toml:15:1: service.courtesy has the wrong type: expected a number, got string \"high\"");
  EXPECT_EQ(
      errors(MINIMAL + "[loyalty]\nenabled = 1\n"),
      "error: shop.toml:15:1: loyalty.enabled has the wrong type: expected a boolean (true or false), got integer 1");
  EXPECT_EQ(errors(MINIMAL + "[economics]\ncurrency = 5\n"),
            "error: shop.toml:15:1: economics.currency has the wrong type: expected a string, got integer 5");
  EXPECT_EQ(errors(MINIMAL + "[service]\ncourtesy = [0.9]\n"),
            "error: shop.toml:15:1: service.courtesy has the wrong type: expected a number, got array");
  EXPECT_EQ(errors("service = 3\n" + MINIMAL),
            "error: shop.toml:1:1: service has the wrong type: expected a table, got integer 3");
  EXPECT_EQ(errors("[simulation]\nperiod = 1\n" + MINIMAL.substr(13)),
            "error: shop.toml:2:1: simulation.period has the wrong type: expected a string (one of \"week\", "
            "\"month\"), got integer 1");
}

TEST(Messages, UncertainValuesNeedAFittingDistribution)
{
  // Distributions are covered in test_variant_inputs.cpp; a table without 'dist' is not one.
  EXPECT_EQ(errors(MINIMAL + "[service]\ncourtesy = { dist = \"normal\", mean = 0.9, sd = 0.05 }\n"),
            "error: shop.toml:15:1: service.courtesy: a normal distribution needs low and high within [0, 1]");
  EXPECT_EQ(errors(MINIMAL + "[service]\ncourtesy = { mean = 0.9 }\n"),
            "error: shop.toml:15:1: service.courtesy has the wrong type: expected a number, got table");
}

TEST(Messages, MissingRequiredKeys)
{
  const std::string no_model =
      "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 100\n"
      "[purchase]\na = 1\nb = 6\nr = 0.6\nalpha = 1.5\n";
  EXPECT_EQ(errors(no_model),
            "error: shop.toml: missing required key 'purchase.model' (one of \"bg_nbd\", \"mbg_nbd\", \"pareto_nbd\", "
            "\"sbg_poisson\", \"sbg\", \"bg_bb\")");
  EXPECT_EQ(errors(MINIMAL.substr(MINIMAL.find("[population]"))),
            "error: shop.toml: missing required key 'simulation.horizon' (an integer in [1, 2400])");
  EXPECT_EQ(errors(MINIMAL.substr(0, MINIMAL.find("[spend]"))),
            "error: shop.toml: missing required key 'spend.model' (one of \"gamma_gamma\", \"lognormal\", "
            "\"fixed\")");
}

TEST(Messages, BadEnumValue)
{
  const std::string text =
      "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 100\n"
      "[purchase]\n\nmodel = \"gamma\"\n";
  EXPECT_EQ(errors(text),
            "error: shop.toml:7:1: purchase.model = \"gamma\" is not one of \"bg_nbd\", \"mbg_nbd\", \"pareto_nbd\", "
            "\"sbg_poisson\", \"sbg\", \"bg_bb\"");
  EXPECT_EQ(errors(MINIMAL + "[simulation]\n"),
            "error: shop.toml:14:1: TOML syntax error: Error while parsing table header: cannot redefine existing "
            "table 'simulation'");
}

TEST(Messages, ModelParameters)
{
  // A parameter of another model, and a missing one.
  const std::string head =
      "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 100\n"
      "[spend]\nmodel = \"fixed\"\nvalue = 50\n";
  EXPECT_EQ(errors(head + "[purchase]\nmodel = \"bg_nbd\"\nr = 1\nalpha = 2\na = 1\nb = 2\ns = 3\n"),
            "error: shop.toml:14:1: purchase.s is not a parameter of purchase.model = \"bg_nbd\" "
            "(its parameters are r, alpha, a, b)");
  EXPECT_EQ(errors(head + "[purchase]\nmodel = \"pareto_nbd\"\nr = 1\nalpha = 2\ns = 3\n"),
            "error: shop.toml: missing required key 'purchase.beta' (a number in (0, inf); "
            "purchase.model = \"pareto_nbd\" needs r, alpha, s, beta)");
  EXPECT_EQ(errors(head + "[purchase]\nmodel = \"bg_nbd\"\nr = 0\nalpha = 2\na = 1\nb = 2\n"),
            "error: shop.toml:10:1: purchase.r = 0 is out of range (0, inf)");
  const std::string no_spend = MINIMAL.substr(0, MINIMAL.find("[spend]"));
  EXPECT_EQ(errors(no_spend + "[spend]\nmodel = \"fixed\"\nq = 2\n"),
            "error: shop.toml:13:1: spend.q is not a parameter of spend.model = \"fixed\" (its parameters are value)\n"
            "error: shop.toml: missing required key 'spend.value' (a number in [0, inf); spend.model = \"fixed\" "
            "needs value)");
  const std::string gg =
      "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 100\n"
      "[purchase]\nmodel = \"sbg_poisson\"\na = 1\nb = 6\nr = 0.6\nalpha = 1.5\n"
      "[spend]\nmodel = \"gamma_gamma\"\np = 6\nq = 1\ngamma = 15\n";
  EXPECT_EQ(errors(gg), "error: shop.toml:14:1: spend.q = 1 is out of range (1, inf)");
}

TEST(Messages, SbgHasNoSpend)
{
  const std::string head =
      "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 100\n"
      "[purchase]\nmodel = \"sbg\"\nalpha = 0.7\nbeta = 3.2\nfee = 79\n";
  EXPECT_EQ(errors(head), "<loaded>");
  EXPECT_EQ(errors(head + "[spend]\nmodel = \"fixed\"\nvalue = 5\n"),
            "error: shop.toml:10:1: [spend] is not used with purchase.model = \"sbg\" (a subscription pays "
            "purchase.fee per period and has no orders); remove it");
  EXPECT_EQ(errors(head.substr(0, head.find("fee"))),
            "error: shop.toml: missing required key 'purchase.fee' (a number in [0, inf); "
            "purchase.model = \"sbg\" needs alpha, beta, fee)");
}

TEST(Messages, DiscreteModelsNeedTheirUnitToBeThePeriod)
{
  const std::string text =
      "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 100\n"
      "[purchase]\nmodel = \"sbg_poisson\"\ntime_unit = \"week\"\na = 1\nb = 6\nr = 0.6\n"
      "alpha = 1.5\n[spend]\nmodel = \"fixed\"\nvalue = 50\n";
  EXPECT_EQ(errors(text),
            "error: shop.toml:7:1: purchase.time_unit = \"week\" must equal simulation.period = \"month\" "
            "for purchase.model = \"sbg_poisson\" (a discrete-time model)");
  const std::string sbg =
      "[simulation]\nperiod = \"week\"\nhorizon = 12\n[population]\ninitial_customers = 1\n"
      "[purchase]\nmodel = \"sbg\"\ntime_unit = \"month\"\nalpha = 1\nbeta = 2\nfee = 3\n";
  EXPECT_EQ(errors(sbg),
            "error: shop.toml:8:1: purchase.time_unit = \"month\" must equal simulation.period = \"week\" "
            "for purchase.model = \"sbg\" (a discrete-time model)");
  // Continuous-time models convert any unit.
  const std::string bg =
      "[simulation]\nhorizon = 12\n[population]\ninitial_customers = 100\n"
      "[purchase]\nmodel = \"bg_nbd\"\ntime_unit = \"day\"\nr = 1\nalpha = 2\na = 1\nb = 2\n"
      "[spend]\nmodel = \"fixed\"\nvalue = 50\n";
  EXPECT_EQ(load(bg).base.purchase.time_unit, TimeUnit::day);
}

TEST(Messages, NoCustomers)
{
  const std::string text = "[simulation]\nhorizon = 12\n" + MINIMAL.substr(MINIMAL.find("[purchase]"));
  EXPECT_EQ(errors(text),
            "error: shop.toml: the scenario has no customers: set population.initial_customers > 0, "
            "population.history or an [[acquisition.channel]]");
  std::string zero = MINIMAL;
  zero.replace(zero.find("= 100"), 5, "= 0");
  EXPECT_EQ(errors(zero),
            "error: shop.toml:4:1: the scenario has no customers: set population.initial_customers "
            "> 0, population.history or an [[acquisition.channel]]");
  EXPECT_EQ(errors(zero + "[[acquisition.channel]]\nname = \"ads\"\ncustomers_per_period = 10\n"), "<loaded>");
}

TEST(Messages, SyntaxError)
{
  const std::string message = errors("[simulation]\nhorizon = = 3\n");
  EXPECT_EQ(message.rfind("error: shop.toml:2:", 0), 0u) << message;
  EXPECT_NE(message.find(": TOML syntax error: "), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(Messages, SeveralProblemsAtOnceInFileOrder)
{
  const std::string text = MINIMAL + "[service]\ncourtesy = 1.3\ncurtesy = 0.9\n[satisfaction]\ndecay = -1\n";
  EXPECT_EQ(errors(text),
            "error: shop.toml:15:1: service.courtesy = 1.3 is out of range [0, 1]\n"
            "error: shop.toml:16:1: unknown key 'service.curtesy'; did you mean 'service.courtesy'?\n"
            "error: shop.toml:18:1: satisfaction.decay = -1 is out of range [0, 1]");
  // Positioned problems first, then file-level ones, then --set ones.
  const std::string no_horizon = MINIMAL.substr(MINIMAL.find("[population]")) + "[service]\ncourtesy = 2\n";
  EXPECT_EQ(errors(no_horizon, {"service.cost_per_contact=-1"}),
            "error: shop.toml:13:1: service.courtesy = 2 is out of range [0, 1] (a fraction: 2% is 0.02)\n"
            "error: shop.toml: missing required key 'simulation.horizon' (an integer in [1, 2400])\n"
            "error: --set service.cost_per_contact=-1: service.cost_per_contact = -1 is out of range [0, inf)");
}

TEST(Messages, InvestmentsAndSweepsAreKnownTables)
{
  EXPECT_EQ(errors(MINIMAL + "[[investment]]\nname = \"x\"\n"),
            "error: shop.toml:14:1: investment 'x': missing required key 'changes' (a table of scenario keys and "
            "their new values)");
  EXPECT_EQ(errors(MINIMAL + "[[investmnt]]\nname = \"x\"\n"),
            "error: shop.toml:14:1: unknown key 'investmnt'; did you mean 'investment'?");
  EXPECT_EQ(errors(MINIMAL + "[swep]\n"), "error: shop.toml:14:1: unknown key 'swep'; did you mean 'sweep'?");
}

// ---------------------------------------------------------------------------------------
// population.history

TEST(History, ResolvedAgainstTheScenarioDirectory)
{
  const fs::path csv = fs::path(test_dir()) / "customers.csv";
  std::ofstream(csv) << "customer_id,x,t_x,T\n1,2,30.43,38.86\n";
  // A history needs a model with a posterior for it: bg_nbd takes the same parameters.
  std::string bg_nbd = MINIMAL;
  bg_nbd.replace(bg_nbd.find("sbg_poisson"), 11, "bg_nbd");
  const std::string text = bg_nbd + "[population]\nhistory = \"customers.csv\"\n";
  // [population] appears twice: put history in the first one instead.
  std::string with_history = bg_nbd;
  with_history.insert(with_history.find("[purchase]"), "history = \"customers.csv\"\n");
  const Scenario s = load(with_history);
  EXPECT_EQ(s.population.history, fs::absolute(csv).lexically_normal().string());
  EXPECT_TRUE(fs::path(s.population.history).is_absolute());
  EXPECT_EQ(s.population.history_time_unit, TimeUnit::month);  // = purchase.time_unit
  EXPECT_NE(errors(text), "<loaded>");                         // a table defined twice
}

TEST(History, MissingFile)
{
  std::string text = MINIMAL;
  text.insert(text.find("[purchase]"), "history = \"nope/missing.csv\"\n");
  const std::string path = (fs::path(test_dir()) / "nope/missing.csv").lexically_normal().string();
  EXPECT_EQ(errors(text), "error: shop.toml:5:1: population.history = \"nope/missing.csv\": cannot read '" + path +
                              "': No such file or directory");
}

TEST(History, TimeUnitOnlyWithHistory)
{
  std::string text = MINIMAL;
  text.insert(text.find("[purchase]"), "history_time_unit = \"week\"\n");
  EXPECT_EQ(errors(text), "error: shop.toml:5:1: population.history_time_unit is set but population.history is not");
}

// ---------------------------------------------------------------------------------------
// Segments

const std::string SEGMENTS = R"(
[[segment]]
name = "vip"
share = 0.2
overrides = { "purchase.r" = 1.2, "spend.value" = 90, "service.first_contact_resolution" = 0.9 }

[[segment]]
name = "regular"
share = 0.8
)";

TEST(Segments, OverridesResolveIntoBehaviour)
{
  const Scenario s = load(MINIMAL + SEGMENTS);
  ASSERT_EQ(s.segments.size(), 2u);
  const Segment& vip = s.segments[0];
  EXPECT_EQ(vip.name, "vip");
  EXPECT_DOUBLE_EQ(vip.share, 0.2);
  ASSERT_EQ(vip.overrides.size(), 3u);
  EXPECT_DOUBLE_EQ(vip.behaviour.purchase.r, 1.2);
  EXPECT_DOUBLE_EQ(vip.behaviour.purchase.alpha, 1.5);  // from the base
  EXPECT_DOUBLE_EQ(vip.behaviour.spend.value, 90.0);
  // later_contact_resolution was not set anywhere: it follows the segment's own value.
  EXPECT_DOUBLE_EQ(vip.behaviour.service.later_contact_resolution, 0.9);
  EXPECT_DOUBLE_EQ(s.base.purchase.r, 0.6);
  EXPECT_DOUBLE_EQ(s.segments[1].behaviour.purchase.r, 0.6);
  EXPECT_TRUE(s.segments[1].overrides.empty());
}

TEST(Segments, NestedOverrideTablesAndModels)
{
  const Scenario s = load(MINIMAL + R"(
[[segment]]
name = "heavy"
share = 0.5
overrides = { purchase = { r = 2.0 }, spend = { model = "lognormal", median = 80, sigma = 0.5, customer_sigma = 0.2 } }
[[segment]]
name = "light"
share = 0.5
[segment.overrides]
"loyalty.hazard_multiplier" = 0.5
"policies.free_returns.enabled" = true
)");
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.purchase.r, 2.0);
  EXPECT_EQ(s.segments[0].behaviour.spend.model, SpendModel::lognormal);
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.spend.median, 80.0);
  EXPECT_DOUBLE_EQ(s.segments[1].behaviour.loyalty.hazard_multiplier, 0.5);
  EXPECT_TRUE(s.segments[1].behaviour.policies.free_returns.enabled);
}

TEST(Segments, BadOverrides)
{
  EXPECT_EQ(
      errors(MINIMAL + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"purchase.rr\" = 1 }\n"),
      "error: shop.toml:17:15: segment 'vip': unknown key 'purchase.rr' in overrides; did you mean 'purchase.r'?");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"purchase.r\" = -1 }\n"),
            "error: shop.toml:17:15: segment 'vip': purchase.r = -1 is out of range (0, inf)");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"simulation.paths\" = 5 }\n"),
            "error: shop.toml:17:15: segment 'vip': simulation.paths cannot be overridden by a segment (only "
            "customer behaviour: purchase, spend, economics, service, satisfaction, reviews, referrals, "
            "policies, marketing, loyalty)");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"purchase.s\" = 1 }\n"),
            "error: shop.toml:17:15: segment 'vip': purchase.s is not a parameter of purchase.model = "
            "\"sbg_poisson\" (its parameters are a, b, r, alpha)");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"service.courtesy\" = \"x\" }\n"),
            "error: shop.toml:17:15: segment 'vip': service.courtesy has the wrong type: expected a number, "
            "got string \"x\"");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"purchase.model\" = \"sbg\" }\n"),
            "error: shop.toml:17:15: segment 'vip': purchase.model cannot switch between \"sbg\" (contractual) "
            "and the other models");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"simulation.pths\" = 1 }\n"),
            "error: shop.toml:17:15: segment 'vip': unknown key 'simulation.pths' in overrides");
}

TEST(Segments, AllSegmentsShareOnePurchaseModel)
{
  // The engine simulates one purchase model per run: `clvsim validate` refuses a switch as
  // `clvsim run` does, all parameters given or not.
  const std::string text = MINIMAL +
                           "[[segment]]\nname = \"vip\"\nshare = 1\n"
                           "overrides = { \"purchase.model\" = \"bg_nbd\", \"purchase.r\" = 1 }\n";
  EXPECT_EQ(errors(text),
            "error: shop.toml:17:15: segment 'vip': purchase.model = \"bg_nbd\" differs from "
            "purchase.model = \"sbg_poisson\"; all segments must share one purchase model");
  std::string bg_nbd = MINIMAL;
  bg_nbd.replace(bg_nbd.find("sbg_poisson"), 11, "bg_nbd");
  const std::string pareto =
      "[[segment]]\nname = \"a\"\nshare = 0.5\n[[segment]]\nname = \"b\"\nshare = 0.5\n"
      "overrides = { \"purchase.model\" = \"pareto_nbd\", \"purchase.r\" = 0.5, "
      "\"purchase.alpha\" = 10, \"purchase.s\" = 0.6, \"purchase.beta\" = 11 }\n";
  EXPECT_EQ(errors(bg_nbd + pareto),
            "error: shop.toml:20:15: segment 'b': purchase.model = \"pareto_nbd\" differs "
            "from purchase.model = \"bg_nbd\"; all segments must share one purchase model");
  // the same model written again is no switch
  EXPECT_EQ(
      errors(bg_nbd + "[[segment]]\nname = \"vip\"\nshare = 1\noverrides = { \"purchase.model\" = \"bg_nbd\" }\n"),
      "<loaded>");
}

TEST(Segments, SharesMustSumToOne)
{
  const std::string text =
      MINIMAL + "\n[[segment]]\nname = \"a\"\nshare = 0.3\n[[segment]]\nname = \"b\"\nshare = 0.6\n";
  EXPECT_EQ(errors(text), "error: shop.toml:15:1: segment shares sum to 0.9, not 1");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"a\"\nshare = 0\n"),
            "error: shop.toml:16:1: segment.a.share = 0 is out of range (0, 1]");
  // Within 1e-9 is fine.
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"a\"\nshare = 0.1\n[[segment]]\nname = \"b\"\nshare = 0.2\n"
                             "[[segment]]\nname = \"c\"\nshare = 0.7\n"),
            "<loaded>");
}

TEST(Segments, NamesAndKeys)
{
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"a\"\nshare = 0.5\n[[segment]]\nname = \"a\"\nshare = 0.5\n"),
            "error: shop.toml:18:1: segment name \"a\" is used twice");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"a b\"\nshare = 1\n"),
            "error: shop.toml:15:1: segment #1.name = \"a b\" must be letters, digits, '_' or '-' (it names "
            "results and --set keys)");
  EXPECT_EQ(errors(MINIMAL + "[[segment]]\nname = \"a\"\nshre = 1\n"),
            "error: shop.toml:14:1: segment.a: missing required key 'share' (a number in (0, 1])\n"
            "error: shop.toml:16:1: unknown key 'segment.a.shre'; did you mean 'segment.a.share'?");
  EXPECT_EQ(errors(MINIMAL + "[segment]\nname = \"a\"\n"),
            "error: shop.toml:14:1: segment has the wrong type: expected an array of tables ([[segment]]), got table");
}

// ---------------------------------------------------------------------------------------
// Channels

TEST(Channels, BudgetAndCustomers)
{
  const Scenario s = load(MINIMAL + R"(
[[acquisition.channel]]
name = "google_ads"
budget_per_period = 60000
cac = 95
cac_inflation_annual = 0.12
saturation = 0.3
[[acquisition.channel]]
name = "partners"
customers_per_period = 40
start_period = 2
end_period = 10
)");
  ASSERT_EQ(s.channels.size(), 2u);
  EXPECT_DOUBLE_EQ(*s.channels[0].budget_per_period, 60000.0);
  EXPECT_FALSE(s.channels[0].customers_per_period);
  EXPECT_DOUBLE_EQ(s.channels[0].cac, 95.0);
  EXPECT_DOUBLE_EQ(s.channels[0].saturation, 0.3);
  EXPECT_EQ(s.channels[0].end_period, -1);
  EXPECT_DOUBLE_EQ(*s.channels[1].customers_per_period, 40.0);
  EXPECT_DOUBLE_EQ(s.channels[1].cac, 0.0);
  EXPECT_EQ(s.channels[1].start_period, 2);
  EXPECT_EQ(s.channels[1].end_period, 10);
}

TEST(Channels, ExactlyOneOfBudgetAndCustomers)
{
  EXPECT_EQ(
      errors(MINIMAL +
             "[[acquisition.channel]]\nname = \"x\"\nbudget_per_period = 10\ncustomers_per_period = 5\ncac = 1\n"),
      "error: shop.toml:14:1: acquisition.channel.x sets both budget_per_period and customers_per_period; "
      "set exactly one");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\ncac = 1\n"),
            "error: shop.toml:14:1: acquisition.channel.x sets neither budget_per_period nor customers_per_period; "
            "set exactly one");
}

TEST(Channels, CacRules)
{
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\nbudget_per_period = 10\ncac = 0\n"),
            "error: shop.toml:17:1: acquisition.channel.x.cac = 0 is out of range (0, inf) with budget_per_period");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\nbudget_per_period = 10\n"),
            "error: shop.toml: missing required key 'acquisition.channel.x.cac' (a number in (0, inf) with "
            "budget_per_period)");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\ncustomers_per_period = 10\ncac = -1\n"),
            "error: shop.toml:17:1: acquisition.channel.x.cac = -1 is out of range [0, inf)");
  EXPECT_EQ(errors(MINIMAL +
                   "[[acquisition.channel]]\nname = \"x\"\ncustomers_per_period = 10\ncac_inflation_annual = -0.6\n"),
            "error: shop.toml:17:1: acquisition.channel.x.cac_inflation_annual = -0.6 is out of range [-0.5, 10]");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\nbudget_per_period = 0\ncac = 5\n"),
            "error: shop.toml:16:1: acquisition.channel.x.budget_per_period = 0 is out of range (0, inf)");
}

TEST(Channels, AtMost63)
{
  // 63 channels and the referral channel fill the 64 channel slots of a customer id.
  auto channels = [](int n) {
    std::string text;
    for (int i = 0; i < n; ++i)
      text += "[[acquisition.channel]]\nname = \"c" + std::to_string(i) + "\"\ncustomers_per_period = 1\n";
    return text;
  };
  EXPECT_EQ(errors(MINIMAL + channels(63)), "<loaded>");
  EXPECT_EQ(errors(MINIMAL + channels(64)),
            "error: shop.toml:14:1: at most 63 acquisition channels are supported, got 64");
}

TEST(Channels, NamesPeriodsAndKeys)
{
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"referral\"\ncustomers_per_period = 1\n"),
            "error: shop.toml:15:1: acquisition.channel.referral.name = \"referral\" is reserved for referred "
            "customers (docs/model.md §6.2)");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\ncustomers_per_period = 1\n"
                             "[[acquisition.channel]]\nname = \"x\"\ncustomers_per_period = 2\n"),
            "error: shop.toml:18:1: acquisition channel name \"x\" is used twice");
  EXPECT_EQ(
      errors(MINIMAL +
             "[[acquisition.channel]]\nname = \"x\"\ncustomers_per_period = 1\nstart_period = 5\nend_period = 3\n"),
      "error: shop.toml:18:1: acquisition.channel.x.end_period = 3 is before start_period = 5 (-1 = to the end)");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\ncustomers_per_period = 1\nstart_period = 12\n"),
            "error: shop.toml:17:1: acquisition.channel.x.start_period = 12 is not before the end of the horizon "
            "(simulation.horizon = 12)");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\nname = \"x\"\nbudget = 1\n"),
            "error: shop.toml:14:1: acquisition.channel.x sets neither budget_per_period nor customers_per_period; "
            "set exactly one\n"
            "error: shop.toml:16:1: unknown key 'acquisition.channel.x.budget'; did you mean "
            "'acquisition.channel.x.budget_per_period'?");
  EXPECT_EQ(errors(MINIMAL + "[[acquisition.channel]]\ncustomers_per_period = 1\n"),
            "error: shop.toml:14:1: acquisition.channel #1: missing required key 'name' (a string)");
  EXPECT_EQ(errors(MINIMAL + "[acquisition.chanel]\n"),
            "error: shop.toml:14:1: unknown key 'acquisition.chanel'; did you mean 'acquisition.channel'?");
}

// ---------------------------------------------------------------------------------------
// --set KEY=VALUE

TEST(Set, ValidValues)
{
  const Scenario s =
      load(MINIMAL, {"service.courtesy=0.8", "simulation.paths=12", "loyalty.enabled=true", "simulation.name=My shop",
                     "economics.currency=\"EUR\"", "simulation.period=week", "purchase.time_unit=week"});
  EXPECT_DOUBLE_EQ(s.base.service.courtesy, 0.8);
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.service.courtesy, 0.8);
  EXPECT_EQ(s.simulation.paths, 12);
  EXPECT_TRUE(s.base.loyalty.enabled);
  EXPECT_EQ(s.simulation.name, "My shop");
  EXPECT_EQ(s.base.economics.currency, "EUR");
  EXPECT_EQ(s.simulation.period, Period::week);
}

TEST(Set, BareWordIsAString)
{
  const Scenario s = load(MINIMAL, {"purchase.model=bg_nbd", "purchase.a=0.8", "purchase.b=2.4"});
  EXPECT_EQ(s.base.purchase.model, PurchaseModel::bg_nbd);
  // A string key takes the text even when it looks like a number.
  EXPECT_EQ(load(MINIMAL, {"simulation.name=2024"}).simulation.name, "2024");
}

TEST(Set, CreatesMissingTablesAndOverridesTheFile)
{
  const Scenario s = load(MINIMAL, {"service.experience.base=1.5", "spend.value=70"});
  EXPECT_DOUBLE_EQ(s.base.service.experience.base, 1.5);
  EXPECT_DOUBLE_EQ(s.base.spend.value, 70.0);
}

TEST(Set, Invalid)
{
  EXPECT_EQ(errors(MINIMAL, {"service.courtesy=1.3"}),
            "error: --set service.courtesy=1.3: service.courtesy = 1.3 is out of range [0, 1]");
  EXPECT_EQ(errors(MINIMAL, {"simulation.horizon=abc"}),
            "error: --set simulation.horizon=abc: simulation.horizon has the wrong type: expected an integer, "
            "got string \"abc\"");
  EXPECT_EQ(errors(MINIMAL, {"purchase.model=gamma"}),
            "error: --set purchase.model=gamma: purchase.model = \"gamma\" is not one of \"bg_nbd\", \"mbg_nbd\", "
            "\"pareto_nbd\", "
            "\"sbg_poisson\", \"sbg\", \"bg_bb\"");
  EXPECT_EQ(errors(MINIMAL, {"service.courtesy={ dist = \"uniform\", low = 0.8, high = 1.2 }"}),
            "error: --set service.courtesy={ dist = \"uniform\", low = 0.8, high = 1.2 }: service.courtesy: "
            "a uniform distribution on [0.8, 1.2] can give values out of range [0, 1]");
}

TEST(Set, UnknownKeyAndMalformed)
{
  EXPECT_EQ(errors(MINIMAL, {"servce.courtesy=0.9"}),
            "error: --set servce.courtesy=0.9: unknown key 'servce.courtesy'; did you mean 'service.courtesy'?");
  EXPECT_EQ(errors(MINIMAL, {"service.courtesy"}),
            "error: --set service.courtesy: expected KEY=VALUE (e.g. --set service.courtesy=0.9)");
  EXPECT_EQ(errors(MINIMAL, {"=3"}), "error: --set =3: expected KEY=VALUE (e.g. --set service.courtesy=0.9)");
  EXPECT_EQ(errors(MINIMAL, {"qqqqqqqqqq=3"}), "error: --set qqqqqqqqqq=3: unknown key 'qqqqqqqqqq'");
}

TEST(Set, ArrayEntriesByName)
{
  const std::string text =
      MINIMAL + SEGMENTS + "[[acquisition.channel]]\nname = \"google_ads\"\nbudget_per_period = 1000\ncac = 50\n";
  const Scenario s = load(text, {"segment.vip.share=0.3", "segment.regular.share=0.7",
                                 "acquisition.channel.google_ads.budget_per_period=2000",
                                 "segment.regular.purchase.r=0.4", "segment.vip.purchase.r=1.5"});
  EXPECT_DOUBLE_EQ(s.segments[0].share, 0.3);
  EXPECT_DOUBLE_EQ(s.segments[1].share, 0.7);
  EXPECT_DOUBLE_EQ(*s.channels[0].budget_per_period, 2000.0);
  EXPECT_DOUBLE_EQ(s.segments[1].behaviour.purchase.r, 0.4);
  EXPECT_DOUBLE_EQ(s.segments[0].behaviour.purchase.r, 1.5);

  EXPECT_EQ(errors(text, {"segment.vip.share=0.5"}), "error: shop.toml:15:1: segment shares sum to 1.3, not 1");
  EXPECT_EQ(errors(text, {"segment.gold.share=0.5"}),
            "error: --set segment.gold.share=0.5: no segment named 'gold' (the scenario has: vip, regular)");
  EXPECT_EQ(errors(text, {"acquisition.channel.google_ads.budget_per_period=-5"}),
            "error: --set acquisition.channel.google_ads.budget_per_period=-5: "
            "acquisition.channel.google_ads.budget_per_period = -5 is out of range (0, inf)");
  EXPECT_EQ(errors(text, {"acquisition.channel.google_ads.budgt=5"}),
            "error: --set acquisition.channel.google_ads.budgt=5: unknown key "
            "'acquisition.channel.google_ads.budgt'; did you mean 'acquisition.channel.google_ads.budget_per_period'?");
  EXPECT_EQ(errors(text, {"segment.vip.purchase.rr=5"}),
            "error: --set segment.vip.purchase.rr=5: unknown key 'segment.vip.purchase.rr'; did you mean "
            "'segment.vip.purchase.r'?");
  // validate shows a scenario without segments as one [[segment]] 'all': --set names it so
  EXPECT_EQ(errors(MINIMAL, {"segment.all.share=0.5"}),
            "error: --set segment.all.share=0.5: the scenario has no [[segment]]: its one segment 'all' is the base "
            "scenario and its share is 1");
  EXPECT_EQ(errors(MINIMAL, {"segment.all.purchase.r=0.5"}),
            "error: --set segment.all.purchase.r=0.5: the scenario has no [[segment]]: its one segment 'all' is the "
            "base scenario; set purchase.r itself (--set purchase.r=...)");
  EXPECT_EQ(errors(MINIMAL, {"acquisition.channel.x.cac=5"}),
            "error: --set acquisition.channel.x.cac=5: no acquisition channel named 'x' (the scenario has none)");
}

TEST(Set, InvestmentFieldsAndChangesByName)
{
  // The new-user review: '--set investment.faster_response.one_time_cost=-5' was an unknown key,
  // though --set overrides "any scenario key".
  const std::string text = MINIMAL + R"(
[[investment]]
name = "faster"
cost_per_period = 100
changes = { "service.courtesy" = 0.9 }
)";
  const Scenario s = load(text, {"investment.faster.one_time_cost=2500", "investment.faster.start_period=3",
                                 "investment.faster.changes.service.courtesy=0.95",
                                 "investment.faster.changes.service.response_time_hours={ multiply = 0.5 }"});
  ASSERT_EQ(s.investments.size(), 1u);
  const Investment& inv = s.investments[0];
  EXPECT_DOUBLE_EQ(inv.one_time_cost, 2500.0);
  EXPECT_DOUBLE_EQ(inv.cost_per_period, 100.0);  // untouched
  EXPECT_EQ(inv.start_period, 3);
  ASSERT_EQ(inv.changes.size(), 2u);
  const auto change = [&](const std::string& key) {
    return *std::find_if(inv.changes.begin(), inv.changes.end(), [&](const Change& c) { return c.key == key; });
  };
  EXPECT_DOUBLE_EQ(change("service.courtesy").number, 0.95);                // replaced
  EXPECT_EQ(change("service.response_time_hours").op, ChangeOp::multiply);  // added
  EXPECT_DOUBLE_EQ(change("service.response_time_hours").number, 0.5);
  // the file's and the change's own rules, the message naming the --set
  EXPECT_EQ(errors(text, {"investment.faster.one_time_cost=-5"}),
            "error: --set investment.faster.one_time_cost=-5: investment 'faster': one_time_cost = -5 is out of "
            "range [0, inf)");
  EXPECT_EQ(errors(text, {"investment.faster.changes.service.courtesy=5"}),
            "error: --set investment.faster.changes.service.courtesy=5: investment 'faster': service.courtesy = 5 "
            "is out of range [0, 1] (a fraction: 5% is 0.05)");
  EXPECT_EQ(errors(text, {"investment.slower.one_time_cost=5"}),
            "error: --set investment.slower.one_time_cost=5: no investment named 'slower' (the scenario has: faster)");
  EXPECT_EQ(errors(text, {"investment.faster.one_time_cots=5"}),
            "error: --set investment.faster.one_time_cots=5: unknown key 'investment.faster.one_time_cots'; did you "
            "mean 'investment.faster.one_time_cost'?");
  EXPECT_EQ(errors(MINIMAL, {"investment.x.one_time_cost=5"}),
            "error: --set investment.x.one_time_cost=5: no investment named 'x' (the scenario has none)");
}

TEST(Set, AWordOrAShareWrittenWrongIsAnsweredWithTheLikelyMeaning)
{
  EXPECT_EQ(errors(MINIMAL, {"simulation.period=monthly"}),
            "error: --set simulation.period=monthly: simulation.period = \"monthly\" is not one of \"week\", "
            "\"month\"; did you mean \"month\"?");
  EXPECT_EQ(errors(MINIMAL, {"economics.gross_margin=35"}),
            "error: --set economics.gross_margin=35: economics.gross_margin = 35 is out of range [0, 1] (a fraction: "
            "35% is 0.35)");
  // not a percentage: no hint; an unrelated word: no suggestion
  EXPECT_EQ(errors(MINIMAL, {"economics.gross_margin=350"}),
            "error: --set economics.gross_margin=350: economics.gross_margin = 350 is out of range [0, 1]");
  EXPECT_EQ(errors(MINIMAL, {"simulation.period=fortnight"}),
            "error: --set simulation.period=fortnight: simulation.period = \"fortnight\" is not one of \"week\", "
            "\"month\"");
}

// ---------------------------------------------------------------------------------------
// describe(): what `clvsim validate` prints; it reloads to the same scenario.

void expect_same(const Scenario& a, const Scenario& b)
{
  for (const auto& k : all_keys()) {
    if (k.type == KeyType::string || k.type == KeyType::word)
      EXPECT_EQ(get_text(a, k.name), get_text(b, k.name)) << k.name;
    else
      EXPECT_EQ(get_number(a, k.name), get_number(b, k.name)) << k.name;
  }
  EXPECT_EQ(a.simulation.seed, b.simulation.seed);
  EXPECT_EQ(a.defaulted_keys, b.defaulted_keys);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    EXPECT_EQ(a.segments[i].name, b.segments[i].name);
    EXPECT_EQ(a.segments[i].share, b.segments[i].share);
    ASSERT_EQ(a.segments[i].overrides.size(), b.segments[i].overrides.size());
    for (std::size_t j = 0; j < a.segments[i].overrides.size(); ++j) {
      EXPECT_EQ(a.segments[i].overrides[j].key, b.segments[i].overrides[j].key);
      EXPECT_EQ(a.segments[i].overrides[j].number, b.segments[i].overrides[j].number);
      EXPECT_EQ(a.segments[i].overrides[j].text, b.segments[i].overrides[j].text);
      EXPECT_EQ(a.segments[i].overrides[j].is_text, b.segments[i].overrides[j].is_text);
    }
    for (const auto& k : all_keys()) {
      if (k.behaviour && (k.type == KeyType::number || k.type == KeyType::integer)) {
        EXPECT_EQ(get_number(a.segments[i].behaviour, k.name), get_number(b.segments[i].behaviour, k.name)) << k.name;
      }
    }
  }
  ASSERT_EQ(a.channels.size(), b.channels.size());
  for (std::size_t i = 0; i < a.channels.size(); ++i) {
    EXPECT_EQ(a.channels[i].name, b.channels[i].name);
    EXPECT_EQ(a.channels[i].budget_per_period, b.channels[i].budget_per_period);
    EXPECT_EQ(a.channels[i].customers_per_period, b.channels[i].customers_per_period);
    EXPECT_EQ(a.channels[i].cac, b.channels[i].cac);
    EXPECT_EQ(a.channels[i].cac_inflation_annual, b.channels[i].cac_inflation_annual);
    EXPECT_EQ(a.channels[i].saturation, b.channels[i].saturation);
    EXPECT_EQ(a.channels[i].start_period, b.channels[i].start_period);
    EXPECT_EQ(a.channels[i].end_period, b.channels[i].end_period);
  }
  ASSERT_EQ(a.investments.size(), b.investments.size());
  for (std::size_t i = 0; i < a.investments.size(); ++i) {
    EXPECT_EQ(a.investments[i].name, b.investments[i].name);
    ASSERT_EQ(a.investments[i].changes.size(), b.investments[i].changes.size());
    for (std::size_t j = 0; j < a.investments[i].changes.size(); ++j) {
      EXPECT_EQ(a.investments[i].changes[j].key, b.investments[i].changes[j].key);
      EXPECT_EQ(a.investments[i].changes[j].op, b.investments[i].changes[j].op);
      EXPECT_EQ(a.investments[i].changes[j].number, b.investments[i].changes[j].number);
      EXPECT_EQ(a.investments[i].changes[j].text, b.investments[i].changes[j].text);
    }
  }
  // describe() writes uncertain values where they live, so compare them by key.
  std::map<std::string, std::string> ua, ub;
  for (const auto& u : a.uncertain) ua[u.key] = describe_distribution(u.dist);
  for (const auto& u : b.uncertain) ub[u.key] = describe_distribution(u.dist);
  EXPECT_EQ(ua, ub);
  ASSERT_EQ(a.sweep.size(), b.sweep.size());
  for (std::size_t i = 0; i < a.sweep.size(); ++i) {
    EXPECT_EQ(a.sweep[i].key, b.sweep[i].key);
    EXPECT_EQ(a.sweep[i].values, b.sweep[i].values);
  }
}

void expect_round_trip(const Scenario& s)
{
  const std::string text = describe(s);
  Scenario again;
  try {
    again = load_string(text, "described.toml", test_dir());
  } catch (const InputError& e) {
    FAIL() << e.what() << "\n" << text;
  }
  expect_same(s, again);
  EXPECT_EQ(describe(again).substr(describe(again).find('\n')), text.substr(text.find('\n')));
}

TEST(Describe, DefaultRoundTrips)
{
  expect_round_trip(load_default());
}

TEST(Describe, ExamplesRoundTrip)
{
  expect_round_trip(load_file(std::string(CLVSIM_SOURCE_DIR) + "/scenarios/examples/subscription_box.toml"));
  expect_round_trip(load_file(std::string(CLVSIM_SOURCE_DIR) + "/scenarios/examples/cdnow_bgnbd.toml"));
}

TEST(Describe, EverythingRoundTrips)
{
  const fs::path csv = fs::path(test_dir()) / "customers.csv";
  std::ofstream(csv) << "customer_id,x,t_x,T\n1,2,30.43,38.86\n";
  std::string text = MINIMAL + SEGMENTS + R"(
[[segment]]
name = "odd"
share = 0
overrides = { "policies.free_returns.enabled" = true, "spend.model" = "lognormal", "spend.median" = 1e-9, "spend.sigma" = 0.1, "spend.customer_sigma" = 0.3, "service.max_contacts" = 7 }
[[acquisition.channel]]
name = "google_ads"
budget_per_period = 1234.5678
cac = 95.1
[[acquisition.channel]]
name = "partners"
customers_per_period = 0.1
start_period = 1
end_period = 5
[[investment]]
name = "retention_team"
cost_per_period = { dist = "lognormal", median = 5000, sigma = 0.2 }
start_period = 2
ramp_periods = 3
changes = { "satisfaction.churn_sensitivity" = { add = 0.1 }, "segment.odd.service.max_contacts" = 2, "acquisition.channel.partners.customers_per_period" = { multiply = { dist = "uniform", low = 1, high = 2 } } }
[sweep]
"service.incident_probability" = [0.05, 0.1]
)";
  text.insert(text.find("[purchase]"), "history = \"customers.csv\"\nhistory_time_unit = \"day\"\n");
  text.replace(text.find("sbg_poisson"), 11, "bg_nbd");  // a model with a posterior for histories
  const Scenario s = load(
      text, {"segment.vip.share=0.1", "segment.odd.share=0.1", "simulation.name=\"quote \\\" me\"",
             "simulation.seed=9007199254740993", "economics.gross_margin=0.1234567890123", "satisfaction.reference=6"});
  EXPECT_EQ(s.simulation.seed, 9007199254740993ull);
  EXPECT_EQ(s.simulation.name, "quote \" me");
  expect_round_trip(s);
  const std::string described = describe(s);
  EXPECT_NE(described.find("[[segment]]\nname = \"vip\""), std::string::npos) << described;
  EXPECT_NE(described.find("[[acquisition.channel]]\nname = \"google_ads\""), std::string::npos);
  EXPECT_NE(described.find("# later_contact_resolution = 0.7"), std::string::npos) << described;
  EXPECT_NE(described.find("courtesy = 1"), std::string::npos);
  EXPECT_NE(described.find("[policies.same_day_shipping]"), std::string::npos);
}

TEST(LoadFile, UnreadableFile)
{
  try {
    load_file("/nonexistent/shop.toml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "error: cannot read scenario file '/nonexistent/shop.toml': No such file or directory");
  }
}

TEST(LoadFile, MessagesUseThePathAsGiven)
{
  const fs::path file = fs::path(test_dir()) / "bad.toml";
  std::ofstream(file) << MINIMAL << "[service]\ncourtesy = 2\n";
  try {
    load_file(file.string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "error: " + file.string() +
                                         ":15:1: service.courtesy = 2 is out of range [0, 1] (a fraction: 2% is 0.02)");
  }
}

}  // namespace
}  // namespace clvsim::scenarios

// ---------------------------------------------------------------------------------------
// [seasonality] (docs/model.md §4.4)

namespace clvsim::scenarios {
namespace {

std::string months(const std::string& first, int n = 12)
{
  std::string v = "[" + first;
  for (int i = 1; i < n; ++i) v += ", 1";
  return v + "]";
}

TEST(Seasonality, ReadsBothListsAndThePhase)
{
  const Scenario s = load(MINIMAL + "[seasonality]\norder_multipliers = " + months("1.3") +
                          "\nacquisition_multipliers = " + months("0.5") + "\n");
  ASSERT_EQ(s.seasonality.order_multipliers.size(), 12u);
  EXPECT_EQ(s.seasonality.order_multipliers[0], 1.3);
  EXPECT_EQ(s.seasonality.acquisition_multipliers[0], 0.5);
  EXPECT_EQ(s.simulation.start_month, 1);
  // Period t uses index (start_month - 1 + t) mod 12; t < 0 (a warm-up) wraps backwards.
  EXPECT_EQ(seasonal_multiplier(s.seasonality.order_multipliers, 1, 0), 1.3);
  EXPECT_EQ(seasonal_multiplier(s.seasonality.order_multipliers, 1, 12), 1.3);
  EXPECT_EQ(seasonal_multiplier(s.seasonality.order_multipliers, 2, 11), 1.3);
  EXPECT_EQ(seasonal_multiplier(s.seasonality.order_multipliers, 2, -1), 1.3);
  EXPECT_EQ(seasonal_multiplier(s.seasonality.order_multipliers, 2, 0), 1.0);
  EXPECT_EQ(seasonal_multiplier({}, 5, 3), 1.0);
  // Weekly: 52 values, start floor((start_month - 1) 52 / 12): March starts at week 8.
  std::vector<double> weeks(52, 1.0);
  weeks[8] = 2.0;
  EXPECT_EQ(seasonal_multiplier(weeks, 3, 0), 2.0);
  EXPECT_EQ(seasonal_multiplier(weeks, 1, 8), 2.0);
}

TEST(Seasonality, WeeklyPeriodsTake52Values)
{
  const Scenario s = load(MINIMAL + "[seasonality]\norder_multipliers = " + months("2", 52) + "\n",
                          {"simulation.period=week", "purchase.time_unit=week"});
  EXPECT_EQ(s.seasonality.order_multipliers.size(), 52u);
  EXPECT_NE(errors(MINIMAL + "[seasonality]\norder_multipliers = " + months("2") + "\n",
                   {"simulation.period=week", "purchase.time_unit=week"})
                .find("seasonality.order_multipliers has 12 values; expected 52 numbers > 0 (one per week"),
            std::string::npos);
}

TEST(Seasonality, EveryProblemReportedWithItsLine)
{
  const std::string e = errors(MINIMAL +
                               "[seasonality]\norder_multipliers = [1, 2]\n"
                               "acquisition_multipliers = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -2]\n"
                               "order_multiplier = 3\n");
  EXPECT_NE(e.find("shop.toml:15:1: seasonality.order_multipliers has 2 values; expected 12 numbers > 0 (one per "
                   "month of the year"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("shop.toml:16:1: seasonality.acquisition_multipliers[0] = 0 is out of range (0, 100]"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("seasonality.acquisition_multipliers[11] = -2 is out of range (0, 100]"), std::string::npos) << e;
  EXPECT_NE(e.find("shop.toml:17:1: unknown key 'seasonality.order_multiplier'; did you mean "
                   "'seasonality.order_multipliers'?"),
            std::string::npos)
      << e;
  EXPECT_NE(errors(MINIMAL, {"simulation.start_month=13"}).find("simulation.start_month = 13 is out of range [1, 12]"),
            std::string::npos);
}

TEST(Seasonality, DescribeWritesItBack)
{
  const Scenario s = load(MINIMAL + "[seasonality]\norder_multipliers = " + months("1.25") + "\n");
  const Scenario back = load_string(describe(s), "described.toml", test_dir());
  EXPECT_EQ(back.seasonality.order_multipliers, s.seasonality.order_multipliers);
  EXPECT_TRUE(back.seasonality.acquisition_multipliers.empty());
}

// ---------------------------------------------------------------------------------------
// Channels with a segment mix (docs/model.md §4, issue #23 item 5)

const std::string TWO_SEGMENTS = R"([[segment]]
name = "b2c"
share = 0.85
[[segment]]
name = "b2b"
share = 0.15
overrides = { "spend.value" = 650 }
)";  // lines 14-20; a channel follows from line 21

TEST(ChannelSegments, MixStoredInSegmentOrder)
{
  const Scenario s = load(MINIMAL + TWO_SEGMENTS +
                          "[[acquisition.channel]]\nname = \"sales\"\ncustomers_per_period = 10\ncac = 400\n"
                          "segments = { b2b = 0.7, b2c = 0.3 }\n"
                          "[[acquisition.channel]]\nname = \"ads\"\ncustomers_per_period = 50\ncac = 40\n");
  ASSERT_EQ(s.channels.size(), 2u);
  EXPECT_EQ(s.channels[0].segment_shares, (std::vector<double>{0.3, 0.7}));  // b2c, b2b: the [[segment]] order
  EXPECT_TRUE(s.channels[1].segment_shares.empty());                         // the scenario's shares
  // A segment left out has share 0; integers are numbers.
  const Scenario one = load(MINIMAL + TWO_SEGMENTS +
                            "[[acquisition.channel]]\nname = \"sales\"\ncustomers_per_period = 10\ncac = 400\n"
                            "segments = { b2b = 1 }\n");
  EXPECT_EQ(one.channels[0].segment_shares, (std::vector<double>{0.0, 1.0}));
}

TEST(ChannelSegments, EveryProblemReportedWithItsLine)
{
  const std::string channel = "[[acquisition.channel]]\nname = \"sales\"\ncustomers_per_period = 10\ncac = 400\n";
  // line 25: the segments key
  std::string e = errors(MINIMAL + TWO_SEGMENTS + channel + "segments = { b2bb = 0.7, b2c = 0.3 }\n");
  EXPECT_NE(e.find("shop.toml:25:14: acquisition.channel.sales.segments: no segment named \"b2bb\"; did you mean "
                   "\"b2b\"? (the scenario has: b2c, b2b)"),
            std::string::npos)
      << e;
  e = errors(MINIMAL + TWO_SEGMENTS + channel + "segments = { b2b = 1.5, b2c = -0.5 }\n");
  EXPECT_NE(e.find("shop.toml:25:14: acquisition.channel.sales.segments.b2b = 1.5 is out of range [0, 1]"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("shop.toml:25:25: acquisition.channel.sales.segments.b2c = -0.5 is out of range [0, 1]"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find("sum to"), std::string::npos) << "no sum message on top of the range messages: " << e;
  e = errors(MINIMAL + TWO_SEGMENTS + channel + "segments = { b2b = 0.7, b2c = 0.2 }\n");
  EXPECT_NE(e.find("shop.toml:25:1: acquisition.channel.sales.segments: shares sum to 0.9, not 1"), std::string::npos)
      << e;
  EXPECT_EQ(errors(MINIMAL + TWO_SEGMENTS + channel + "segments = { b2b = 0.7, b2c = 0.3000000001 }\n"), "<loaded>");
  e = errors(MINIMAL + TWO_SEGMENTS + channel + "segments = { b2b = \"most\" }\n");
  EXPECT_NE(e.find("shop.toml:25:14: acquisition.channel.sales.segments.b2b has the wrong type: expected a number"),
            std::string::npos)
      << e;
  e = errors(MINIMAL + TWO_SEGMENTS + channel + "segments = 0.7\n");
  EXPECT_NE(e.find("shop.toml:25:1: acquisition.channel.sales.segments has the wrong type: expected an inline table "
                   "of segment name = share (e.g. { b2b = 0.7, b2c = 0.3 }), got float 0.7"),
            std::string::npos)
      << e;
  e = errors(MINIMAL + TWO_SEGMENTS + channel +
             "segments = { b2b = { dist = \"uniform\", low = 0.5, high = 0.9 }, b2c = 0.3 }\n");
  EXPECT_NE(e.find("shop.toml:25:14: acquisition.channel.sales.segments.b2b cannot be uncertain"), std::string::npos)
      << e;
  // No [[segment]]: line 18 with the channel right after MINIMAL.
  e = errors(MINIMAL + channel + "segments = { b2b = 1 }\n");
  EXPECT_NE(e.find("shop.toml:18:1: acquisition.channel.sales.segments names segments, but the scenario defines no "
                   "[[segment]]"),
            std::string::npos)
      << e;
  e = errors(MINIMAL + TWO_SEGMENTS + channel + "segment = { b2b = 1 }\n");
  EXPECT_NE(
      e.find("unknown key 'acquisition.channel.sales.segment'; did you mean 'acquisition.channel.sales.segments'?"),
      std::string::npos)
      << e;
}

TEST(ChannelSegments, InvestmentsCannotChangeTheMix)
{
  const std::string base = MINIMAL + TWO_SEGMENTS +
                           "[[acquisition.channel]]\nname = \"sales\"\ncustomers_per_period = 10\ncac = 400\n"
                           "segments = { b2b = 0.7, b2c = 0.3 }\n"
                           "[[investment]]\nname = \"crm\"\none_time_cost = 1000\n";
  std::string e = errors(base + "changes = { \"acquisition.channel.sales.segments\" = { b2b = 1.0 } }\n");
  EXPECT_NE(e.find("acquisition.channel.sales.segments.b2b cannot be changed by an investment"), std::string::npos)
      << e;
  e = errors(base + "changes = { \"acquisition.channel.sales.segments\" = 1 }\n");
  EXPECT_NE(e.find("acquisition.channel.sales.segments cannot be changed by an investment"), std::string::npos) << e;
  // The channel's other fields still can.
  EXPECT_EQ(errors(base + "changes = { \"acquisition.channel.sales.cac\" = 300 }\n"), "<loaded>");
  // Nor --set (one share alone could not keep the sum at 1).
  e = errors(base + "changes = {}\n", {"acquisition.channel.sales.segments.b2b=0.5"});
  EXPECT_NE(e.find("error: --set acquisition.channel.sales.segments.b2b=0.5: cannot set "
                   "acquisition.channel.sales.segments.b2b: a channel's segments mix is an inline table"),
            std::string::npos)
      << e;
}

TEST(ChannelSegments, DescribeWritesItBack)
{
  const Scenario s = load(MINIMAL + TWO_SEGMENTS +
                          "[[acquisition.channel]]\nname = \"sales\"\ncustomers_per_period = 10\ncac = 400\n"
                          "segments = { b2b = 0.7, b2c = 0.3 }\n"
                          "[[acquisition.channel]]\nname = \"ads\"\ncustomers_per_period = 50\ncac = 40\n");
  const std::string text = describe(s);
  EXPECT_NE(text.find("segments = { b2c = 0.3, b2b = 0.7 }"), std::string::npos) << text;
  const Scenario back = load_string(text, "described.toml", test_dir());
  ASSERT_EQ(back.channels.size(), 2u);
  EXPECT_EQ(back.channels[0].segment_shares, s.channels[0].segment_shares);
  EXPECT_TRUE(back.channels[1].segment_shares.empty());
  EXPECT_EQ(describe(back).substr(describe(back).find("[[segment]]")), text.substr(text.find("[[segment]]")));
}

}  // namespace
}  // namespace clvsim::scenarios

// ---------------------------------------------------------------------------------------
// simulation.warmup_periods (docs/model.md §3.1)

namespace clvsim::scenarios {
namespace {

TEST(Warmup, DefaultIsANewShopAndTheLimitsAreChecked)
{
  EXPECT_EQ(load(MINIMAL).simulation.warmup_periods, 0);
  EXPECT_EQ(load(MINIMAL, {"simulation.warmup_periods=24"}).simulation.warmup_periods, 24);
  EXPECT_NE(errors(MINIMAL, {"simulation.warmup_periods=-1"})
                .find("simulation.warmup_periods = -1 is out of range [0, 2400]"),
            std::string::npos);
  const std::string e = errors(MINIMAL, {"simulation.warmup_periods=2390"});
  EXPECT_NE(e.find("simulation.warmup_periods + simulation.horizon = 2402 is out of range [1, 2400]"),
            std::string::npos)
      << e;
}

TEST(Warmup, RefusedWithAHistory)
{
  const std::string dir = test_dir();
  std::ofstream(dir + "/warm_history.csv") << "customer_id,x,t_x,T\nc1,2,10,20\n";
  const std::string toml =
      "[simulation]\nhorizon = 12\nwarmup_periods = 6\n[population]\nhistory = \"warm_history.csv\"\n"
      "history_time_unit = \"week\"\n[purchase]\nmodel = \"bg_nbd\"\nr = 0.24\nalpha = 4.4\na = 0.79\n"
      "b = 2.4\ntime_unit = \"week\"\n[spend]\nmodel = \"fixed\"\nvalue = 10\n";
  const std::string e = errors(toml);
  EXPECT_NE(e.find("shop.toml:3:1: simulation.warmup_periods = 6 cannot be used with population.history"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace clvsim::scenarios
