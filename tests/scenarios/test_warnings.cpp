//! Warnings about investments that cannot reach profit (scenarios/warnings.h, docs/model.md
//! §5.4): each chain cut at its zero default warns, naming the investment, its keys and the
//! keys that would connect them; each key that connects the chain silences the warning; the
//! built-in scenario, the examples and the regression cases do not warn.
#include "scenarios/loader.h"
#include "scenarios/warnings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

namespace clvsim::scenarios {
namespace {

namespace fs = std::filesystem;

// A shop as a new user writes it: no [satisfaction], [reviews], [reputation] or [referrals],
// so every elasticity of the service -> satisfaction -> profit chain is at its key default 0.
const std::string SHOP = R"([simulation]
horizon = 12
[population]
initial_customers = 1000
[purchase]
model = "sbg_poisson"
a = 1
b = 6
r = 0.4
alpha = 1.0
[spend]
model = "fixed"
value = 100
[service]
incident_probability = 0.1
cost_per_contact = 15
[[acquisition.channel]]
name = "ads"
budget_per_period = 10000
cac = 50
)";

const std::string COMPLAINT_TEAM = R"(
[[investment]]
name = "complaint_team"
cost_per_period = 1000
changes = { "service.response_time_hours" = 3.0, "service.courtesy" = 0.98, "service.first_contact_resolution" = { add = 0.15 } }
)";

std::vector<std::string> warn(const std::string& toml, const std::vector<std::string>& sets = {})
{
  return warnings(load_string(toml, "shop.toml", fs::temp_directory_path().string(), sets));
}

std::string all(const std::vector<std::string>& lines)
{
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

bool has(const std::vector<std::string>& lines, const std::string& text)
{
  return all(lines).find(text) != std::string::npos;
}

TEST(Warnings, InertServiceInvestmentWarnsNamingTheKeysThatWouldConnectIt)
{
  const auto lines = warn(SHOP + COMPLAINT_TEAM);
  ASSERT_EQ(lines.size(), 2u) << all(lines);
  // response time and courtesy act only through satisfaction
  EXPECT_EQ(lines[0].rfind("warning: shop.toml: investment 'complaint_team': changing service.response_time_hours "
                           "and service.courtesy cannot change profit: satisfaction moves no profit (",
                           0),
            0u)
      << lines[0];
  for (const char* key :
       {"satisfaction.churn_sensitivity = 0", "satisfaction.frequency_sensitivity = 0", "reviews.probability = 0",
        "referrals.promoter_rate = referrals.passive_rate = 0", "docs/model.md §5.4"})
    EXPECT_NE(lines[0].find(key), std::string::npos) << key << " in " << lines[0];
  // first-contact resolution still saves the cost of contacts
  EXPECT_EQ(lines[1].rfind("warning: shop.toml: investment 'complaint_team': changing "
                           "service.first_contact_resolution can change only costs: satisfaction moves no profit",
                           0),
            0u)
      << lines[1];
}

TEST(Warnings, EachLinkOfTheChainConnectsTheInvestment)
{
  const std::string toml = SHOP + COMPLAINT_TEAM;
  EXPECT_EQ(warn(toml, {"satisfaction.churn_sensitivity=0.2"}), std::vector<std::string>{});
  EXPECT_EQ(warn(toml, {"satisfaction.frequency_sensitivity=0.05"}), std::vector<std::string>{});
  EXPECT_EQ(warn(toml, {"referrals.promoter_rate=0.01"}), std::vector<std::string>{});
  EXPECT_EQ(warn(toml, {"reviews.probability=0.05", "reputation.rating_sensitivity=0.15"}), std::vector<std::string>{});
  // reviews alone move the rating, which moves no conversion without rating_sensitivity
  const auto lines = warn(toml, {"reviews.probability=0.05"});
  ASSERT_EQ(lines.size(), 2u) << all(lines);
  EXPECT_TRUE(has(lines, "reputation.rating_sensitivity = 0")) << all(lines);
  EXPECT_FALSE(has(lines, "reviews.probability = 0")) << all(lines);
  // ... and conversion applies to paid channels only
  std::string no_channel = toml;
  no_channel.erase(no_channel.find("[[acquisition.channel]]"),
                   no_channel.find("[[investment]]") - no_channel.find("[[acquisition.channel]]"));
  EXPECT_TRUE(has(warn(no_channel, {"reviews.probability=0.05", "reputation.rating_sensitivity=0.15"}),
                  "no [[acquisition.channel]]"));
}

TEST(Warnings, AnInvestmentThatConnectsTheChainItselfIsNotWarned)
{
  const std::string toml = SHOP + R"(
[[investment]]
name = "service_culture"
changes = { "service.courtesy" = 0.99, "satisfaction.churn_sensitivity" = 0.2 }
)";
  EXPECT_EQ(warn(toml), std::vector<std::string>{});
}

TEST(Warnings, OneSegmentWithTheChainConnectedIsEnough)
{
  const std::string toml = SHOP + R"(
[[segment]]
name = "b2c"
share = 0.7
[[segment]]
name = "b2b"
share = 0.3
overrides = { "satisfaction.churn_sensitivity" = 0.3 }
)" + COMPLAINT_TEAM;
  EXPECT_EQ(warn(toml), std::vector<std::string>{});
}

TEST(Warnings, ServiceChangesWithoutIncidentsHaveNoEffect)
{
  const auto lines =
      warn(SHOP + COMPLAINT_TEAM, {"service.incident_probability=0", "satisfaction.churn_sensitivity=0.2"});
  ASSERT_EQ(lines.size(), 1u) << all(lines);
  EXPECT_EQ(lines[0],
            "warning: shop.toml: investment 'complaint_team': changing service.response_time_hours, service.courtesy "
            "and service.first_contact_resolution cannot change profit: no order has an incident "
            "(service.incident_probability = 0)");
}

TEST(Warnings, PolicyLoyaltyAndMarketingKeysOfAMechanismThatIsOff)
{
  const auto lines = warn(SHOP + R"(
[[investment]]
name = "tweaks"
changes = { "policies.free_returns.hazard_multiplier" = 0.8, "loyalty.hazard_multiplier" = 0.7, "marketing.personalization" = 0.9 }
)");
  ASSERT_EQ(lines.size(), 3u) << all(lines);
  EXPECT_TRUE(has(lines,
                  "changing policies.free_returns.hazard_multiplier has no effect: "
                  "policies.free_returns.enabled is false"))
      << all(lines);
  EXPECT_TRUE(has(lines, "changing loyalty.hazard_multiplier has no effect: loyalty.enabled is false")) << all(lines);
  EXPECT_TRUE(has(lines,
                  "changing marketing.personalization has no effect: no e-mails are sent "
                  "(marketing.emails_per_period = 0)"))
      << all(lines);
}

TEST(Warnings, AChangeCountsInTheContextOfTheInvestmentsOtherChanges)
{
  // The reward rate matters because the same investment switches the programme on; the
  // personalisation because it starts the e-mails.
  EXPECT_EQ(warn(SHOP + R"(
[[investment]]
name = "loyalty_discounts"
changes = { "loyalty.enabled" = true, "loyalty.reward_rate" = 0.05 }
[[investment]]
name = "personal_newsletters"
changes = { "marketing.personalization" = 0.85, "marketing.emails_per_period" = 3 }
)"),
            std::vector<std::string>{});
}

TEST(Warnings, ALoyaltyProgrammeWithNeutralEffectsCanOnlyCost)
{
  const std::string toml = SHOP + R"(
[loyalty]
hazard_multiplier = 1.0
frequency_multiplier = 1.0
basket_multiplier = 1.0
satisfaction_bonus = 0.0
[[investment]]
name = "points"
changes = { "loyalty.enabled" = true }
)";
  const auto lines = warn(toml);
  ASSERT_EQ(lines.size(), 1u) << all(lines);
  EXPECT_TRUE(has(lines, "changing loyalty.enabled can change only costs: members behave like everyone else"))
      << all(lines);
  // one non-neutral member effect connects it
  EXPECT_EQ(warn(toml, {"loyalty.basket_multiplier=1.05"}), std::vector<std::string>{});
  // nobody joins: no effect through members at all
  EXPECT_TRUE(has(warn(toml, {"loyalty.enrollment_probability=0", "loyalty.hazard_multiplier=0.8"}),
                  "no customer joins the loyalty programme (loyalty.enrollment_probability = 0)"));
}

TEST(Warnings, OrderFrequencyOfASubscriptionAndTheDiscountRate)
{
  const std::string sbg = R"([simulation]
horizon = 12
[population]
initial_customers = 1000
[purchase]
model = "sbg"
alpha = 0.7
beta = 3.2
fee = 50
[[investment]]
name = "nudges"
changes = { "satisfaction.frequency_sensitivity" = 0.2, "economics.discount_rate_annual" = 0.05 }
)";
  const auto lines = warn(sbg);
  ASSERT_EQ(lines.size(), 2u) << all(lines);
  EXPECT_TRUE(has(lines,
                  "changing satisfaction.frequency_sensitivity cannot change profit: "
                  "purchase.model = \"sbg\" has no order frequency"))
      << all(lines);
  EXPECT_TRUE(has(lines, "changing economics.discount_rate_annual cannot change profit: the discount rate is fixed"))
      << all(lines);
}

TEST(Warnings, AKeyEverySegmentOverridesIsNotReached)
{
  const auto lines = warn(SHOP + R"(
[satisfaction]
churn_sensitivity = 0.2
[[segment]]
name = "only"
share = 1.0
overrides = { "service.courtesy" = 0.9 }
[[investment]]
name = "polite"
changes = { "service.courtesy" = 0.99 }
)");
  ASSERT_EQ(lines.size(), 1u) << all(lines);
  EXPECT_TRUE(has(lines, "every [[segment]] overrides service.courtesy")) << all(lines);
}

TEST(Warnings, WithoutDiscountingALifetimeCLVWithoutAMeanOrVarianceWarns)
{
  // SHOP: sbg_poisson with theta ~ Beta(a = 1, b = 6): E[1/theta] is infinite for a <= 1.
  const auto none = warn(SHOP, {"economics.discount_rate_annual=0"});
  ASSERT_EQ(none.size(), 1u) << all(none);
  EXPECT_EQ(none[0],
            "warning: shop.toml: economics.discount_rate_annual = 0 and purchase.a = 1 <= 1: the lifetime CLV has no "
            "finite mean, so clv_mean, clv_initial_cohort_mean, clv_to_cac and a forecast's expected_clv_lifetime "
            "will not settle however many paths run (after the horizon a customer's remaining periods grow as "
            "1/theta, theta ~ Beta(a, b)); read clv_horizon_mean, or set a positive discount rate (docs/model.md "
            "§11.1.7)");
  // 1 < a <= 2: a mean but no variance
  const auto heavy = warn(SHOP, {"economics.discount_rate_annual=0", "purchase.a=2"});
  ASSERT_EQ(heavy.size(), 1u) << all(heavy);
  EXPECT_TRUE(has(heavy, "purchase.a = 2 <= 2: the lifetime CLV has no finite variance, so the standard errors"))
      << all(heavy);
  // a > 2, or any discounting: nothing to say
  EXPECT_EQ(warn(SHOP, {"economics.discount_rate_annual=0", "purchase.a=2.5"}), std::vector<std::string>{});
  EXPECT_EQ(warn(SHOP, {"economics.discount_rate_annual=0.001"}), std::vector<std::string>{});
  // each model names the shape of the trait that ends a life
  // (sbg: a subscription has no [spend])
  const auto shop_with = [](const std::string& purchase) {
    const std::size_t from = SHOP.find("[purchase]\n") + 11;
    const std::size_t to = SHOP.find(purchase.find("\"sbg\"") != std::string::npos ? "[service]" : "[spend]");
    return SHOP.substr(0, from) + purchase + SHOP.substr(to);
  };
  const std::vector<std::string> zero = {"economics.discount_rate_annual=0"};
  EXPECT_TRUE(has(warn(shop_with("model = \"pareto_nbd\"\nr = 0.5\nalpha = 10\ns = 0.6\nbeta = 12\n"), zero),
                  "purchase.s = 0.6 <= 1: the lifetime CLV has no finite mean"));
  EXPECT_TRUE(
      has(warn(shop_with("model = \"bg_nbd\"\nr = 0.25\nalpha = 4\na = 0.8\nb = 2.4\n"), zero), "1/p, p ~ Beta(a, b)"));
  EXPECT_TRUE(
      has(warn(shop_with("model = \"sbg\"\nalpha = 1.5\nbeta = 3\nfee = 10\n"), zero), "purchase.alpha = 1.5 <= 2"));
  EXPECT_TRUE(has(warn(shop_with("model = \"bg_bb\"\nalpha = 1.2\nbeta = 0.75\ngamma = 0.7\ndelta = 2.8\n"), zero),
                  "purchase.gamma = 0.7 <= 1"));
  // with segments, one line for each segment that has it, naming it
  const auto seg = warn(SHOP + R"(
[[segment]]
name = "casual"
share = 0.7
[[segment]]
name = "loyal"
share = 0.3
overrides = { "purchase.a" = 3.0 }
)",
                        {"economics.discount_rate_annual=0"});
  ASSERT_EQ(seg.size(), 1u) << all(seg);
  EXPECT_TRUE(has(seg, "warning: shop.toml: segment 'casual': economics.discount_rate_annual = 0 and purchase.a = 1 "))
      << all(seg);
}

TEST(Warnings, WithoutAnySatisfactionKeyNpsAndRatingAreTheDefaults)
{
  // SHOP without its [service] section: nothing describes satisfaction (a fit fragment)
  const std::size_t from = SHOP.find("[service]"), to = SHOP.find("[[acquisition.channel]]");
  const std::string bare = SHOP.substr(0, from) + SHOP.substr(to);
  const std::string expected =
      "warning: shop.toml: no satisfaction, service or reviews keys, so nps_final, the NPS by period and "
      "rating_final are clvsim's defaults, not your customers': satisfaction starts around 7.5 "
      "(satisfaction.initial_mean) and each order without incident adds 0.2 (satisfaction.order_delta); the rating "
      "stays at 4.5 (reputation.initial_rating); describe [satisfaction] and [service] to model them, or leave them "
      "out of your conclusions (docs/model.md §5.4)";
  EXPECT_EQ(warn(bare), std::vector<std::string>{expected});
  // the values quoted are the scenario's
  EXPECT_TRUE(has(warn(bare, {"reputation.initial_rating=3.9"}), "the rating stays at 3.9")) << all(warn(bare));
  // any key of the three sections, from the file, --set, a segment, an investment or a sweep, describes it
  EXPECT_EQ(warn(SHOP), std::vector<std::string>{});
  EXPECT_EQ(warn(bare, {"satisfaction.order_delta=0"}), std::vector<std::string>{});
  EXPECT_EQ(warn(bare, {"reviews.probability=0.1"}), std::vector<std::string>{});
  EXPECT_EQ(warn(bare + "[[segment]]\nname = \"a\"\nshare = 1\noverrides = { \"service.courtesy\" = 0.9 }\n"),
            std::vector<std::string>{});
  EXPECT_EQ(warn(bare + "[sweep]\n\"satisfaction.initial_mean\" = [7.0, 8.0]\n"), std::vector<std::string>{});
  const auto inv = warn(bare + "[[investment]]\nname = \"x\"\nchanges = { \"service.courtesy\" = 0.9 }\n");
  EXPECT_FALSE(has(inv, "no satisfaction, service or reviews keys")) << all(inv);
  // a subscription: payments move it by renewal_delta, 0 by default
  const std::size_t p0 = bare.find("[purchase]\n") + 11, p2 = bare.find("[[acquisition");
  const std::string sub = bare.substr(0, p0) + "model = \"sbg\"\nalpha = 3\nbeta = 6\nfee = 10\n" + bare.substr(p2);
  EXPECT_TRUE(has(warn(sub), "satisfaction starts around 7.5 (satisfaction.initial_mean) and nothing moves it;"))
      << all(warn(sub));
}

TEST(Warnings, TheShippedScenariosDoNotWarn)
{
  // The built-in scenario, every example, every regression case and the reference model:
  // their investments (where they have any) all reach profit. Those without a satisfaction,
  // service or reviews key (the CDNOW example, the history cases) say that NPS and the
  // rating are defaults, and nothing else.
  EXPECT_EQ(warnings(load_default()), std::vector<std::string>{});
  std::vector<fs::path> files = {fs::path(CLVSIM_SOURCE_DIR) / "bench" / "reference.toml"};
  for (const char* dir : {"scenarios/examples", "tests/regression/cases", "tests/reference/cases"})
    for (const auto& e : fs::directory_iterator(fs::path(CLVSIM_SOURCE_DIR) / dir))
      if (e.path().extension() == ".toml") files.push_back(e.path());
  ASSERT_GT(files.size(), 10u);
  const std::regex section(R"((^|\n)\s*\[(satisfaction|service|reviews)\]|"?(satisfaction|service|reviews)\.[a-z_]+)");
  for (const auto& f : files) {
    std::ifstream in(f);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto lines = warnings(load_file(f.string()));
    if (std::regex_search(text, section)) {
      EXPECT_EQ(all(lines), "") << f;
    } else {
      ASSERT_EQ(lines.size(), 1u) << f << "\n" << all(lines);
      EXPECT_TRUE(has(lines, "no satisfaction, service or reviews keys, so nps_final")) << f;
    }
  }
}

}  // namespace
}  // namespace clvsim::scenarios
