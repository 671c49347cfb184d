// The mechanisms of docs/model.md §5-§7 in the running engine: (a) each one switched off, or switched
// on with its neutral values, reproduces the plain purchase model exactly (named random
// streams: turning a feature on never shifts another feature's numbers); (b) each one moves
// the KPIs in the direction docs/model.md says, by many standard errors, and where a KPI has a
// closed form given the run's own per-period values (referrals, reputation-driven
// conversion, incident rates, shipping and compensation costs) it matches it; (c) the new
// keys are validated by the real binary (exit code 2, file:line:col, key and range).
//
// Choice of k. Directional effects are judged on paired per-path differences (variants of one
// scenario share the seed, so a path's customers see the same random numbers; docs/model.md §10):
// z = mean(diff) / se(diff) over P = 8 paths must exceed K_DIRECTION = 5. With 7 degrees of
// freedom P(t > 5) = 8e-4 one-sided, so a mechanism with no effect would pass by chance with
// probability < 0.1%; the scenarios are sized so that the real effects are 25-270 standard
// errors (z is printed on failure, and every z with CLVSIM_TEST_VERBOSE=1). Comparisons of a
// Monte Carlo total with its expectation use K_SE = 4 standard errors of the Poisson or
// binomial count (P(|z| > 4) = 6e-5 each, a handful of such checks; the seeds are fixed, so
// the suite is deterministic either way).
#include "engine/run/driver.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using namespace clvsim;

constexpr double K_DIRECTION = 5.0;
constexpr double K_SE = 4.0;

// A small shop: sbg_poisson customers with gamma-gamma baskets, an incident-prone service
// and satisfaction that drives churn and frequency; 6000 customers at the start and ~200 a
// month from one paid channel, 18 months, 8 paths.
const char* BASE = R"(
[simulation]
horizon = 18
paths = 8
seed = 4242
block_size = 1024
[population]
initial_customers = 6000
[purchase]
model = "sbg_poisson"
a = 1.0
b = 8.0
r = 1.0
alpha = 2.0
[spend]
model = "gamma_gamma"
p = 4.0
q = 3.5
gamma = 112.5
[economics]
gross_margin = 0.35
return_rate = 0.08
return_cost = 15.0
fulfilment_cost_per_order = 12.0
shipping_cost_per_order = 14.0
[service]
incident_probability = 0.15
first_contact_resolution = 0.6
response_time_hours = 24
courtesy = 0.9
cost_per_contact = 18.0
[satisfaction]
churn_sensitivity = 0.3
frequency_sensitivity = 0.1
[[acquisition.channel]]
name = "ads"
budget_per_period = 20000
cac = 100.0
)";
constexpr double N0 = 6000, BUDGET = 20000, CAC = 100;

Results run_scenario(const std::string& extra, const std::vector<std::string>& sets = {})
{
  const auto sc = scenarios::load_string(std::string(BASE) + extra, "mechanisms.toml", ".", sets);
  return run(sc, RunOptions{});
}

const std::vector<double>& path_kpi(const Results& r, const std::string& k)
{
  return r.variants.at(0).kpis.paths.at(k);
}
const std::vector<double>& period_kpi(const Results& r, const std::string& k)
{
  return r.variants.at(0).kpis.periods.at(k);
}
//! Value of a per-period KPI at period t of path p.
double at(const Results& r, const std::string& k, int p, int t)
{
  return period_kpi(r,
                    k)[static_cast<std::size_t>(p) * static_cast<std::size_t>(r.horizon) + static_cast<std::size_t>(t)];
}
//! Per path: the sum over periods [from, horizon) of a per-period KPI.
std::vector<double> period_sum(const Results& r, const std::string& k, int from = 0)
{
  std::vector<double> s(static_cast<std::size_t>(r.paths), 0.0);
  for (int p = 0; p < r.paths; ++p)
    for (int t = from; t < r.horizon; ++t) s[static_cast<std::size_t>(p)] += at(r, k, p, t);
  return s;
}
//! Per path: a per-period KPI at the last period.
std::vector<double> last_period(const Results& r, const std::string& k)
{
  std::vector<double> s(static_cast<std::size_t>(r.paths));
  for (int p = 0; p < r.paths; ++p) s[static_cast<std::size_t>(p)] = at(r, k, p, r.horizon - 1);
  return s;
}

struct Paired {
  double mean = 0, se = 0, z = 0;
};
//! Paired difference b - a across paths: mean, its standard error and z = mean / se.
Paired paired(const std::vector<double>& a, const std::vector<double>& b)
{
  const std::size_t n = a.size();
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = b[i] - a[i];
  Paired r;
  r.mean = std::accumulate(d.begin(), d.end(), 0.0) / static_cast<double>(n);
  double ss = 0;
  for (double x : d) ss += (x - r.mean) * (x - r.mean);
  r.se = std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n));
  r.z = r.se > 0 ? r.mean / r.se : (r.mean > 0 ? INFINITY : (r.mean < 0 ? -INFINITY : 0.0));
  return r;
}
double total(const std::vector<double>& v)
{
  return std::accumulate(v.begin(), v.end(), 0.0);
}

//! b is larger than a by more than K_DIRECTION paired standard errors.
#define EXPECT_HIGHER(a, b, what)                                                                                      \
  do {                                                                                                                 \
    const Paired d_ = paired(a, b);                                                                                    \
    EXPECT_GT(d_.z, K_DIRECTION) << what << ": mean difference " << d_.mean << ", se " << d_.se;                       \
    if (std::getenv("CLVSIM_TEST_VERBOSE")) std::cout << "  z = " << d_.z << "  " << what << "\n";                     \
  } while (0)

//! Bitwise equality of two per-path or per-period series (NaN equals NaN).
void expect_bitwise(const std::vector<double>& a, const std::vector<double>& b, const std::string& what)
{
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    ASSERT_EQ(a[i], b[i]) << what << " differs at index " << i;
  }
}

// ---------------------------------------------------------------------------------------
// (a) Switched off = the plain purchase model, bitwise

// Every section of docs/model.md §6-§7 written out with odd values but switched off: probabilities and
// rates 0, sensitivities 0, enabled = false, no emails.
const char* ALL_OFF = R"(
[reviews]
probability = 0.0
detractor_multiplier = 5.0
promoter_multiplier = 2.0
solicitation_multiplier = 3.0
[reputation]
initial_rating = 2.0
memory_reviews = 10
share_reading_reviews = 0.9
rating_sensitivity = 0.0
reference_rating = 4.8
[referrals]
promoter_rate = 0.0
passive_rate = 0.0
reward = 25.0
[policies.free_returns]
enabled = false
extra_return_rate = 0.2
conversion_multiplier = 2.0
hazard_multiplier = 0.5
[policies.free_shipping]
enabled = false
frequency_multiplier = 2.0
conversion_multiplier = 2.0
[policies.same_day_shipping]
enabled = false
cost_per_order = 9.0
satisfaction_delta = 1.0
incident_multiplier = 0.1
[marketing]
emails_per_period = 0
personalization = 0.7
cost_per_email = 0.5
uplift_per_email = 0.1
saturation_emails = 8
fatigue_per_email = 0.2
fatigue_threshold = 0
[loyalty]
enabled = false
eligible_after_orders = 1
enrollment_probability = 1.0
reward_rate = 0.1
cost_per_member_per_period = 3.0
fixed_cost_per_period = 1000.0
hazard_multiplier = 0.2
frequency_multiplier = 3.0
basket_multiplier = 2.0
satisfaction_bonus = 3.0
referral_multiplier = 5.0
)";

TEST(Neutral, SwitchedOffSectionsReproduceThePlainModelBitwise)
{
  const Results plain = run_scenario("");
  const Results off = run_scenario(ALL_OFF);
  for (const auto& [name, v] : plain.variants[0].kpis.periods) {
    if (name == "rating") continue;  // initial_rating differs on purpose (with no effect)
    expect_bitwise(v, off.variants[0].kpis.periods.at(name), "period kpi " + name);
  }
  for (const auto& [name, v] : plain.variants[0].kpis.paths) {
    if (name == "rating_final") continue;
    expect_bitwise(v, off.variants[0].kpis.paths.at(name), "path kpi " + name);
  }
  EXPECT_EQ(total(period_kpi(off, "customers_new_referral")), 0.0);
  EXPECT_EQ(total(period_kpi(off, "loyalty_members")), 0.0);
  EXPECT_EQ(total(period_kpi(off, "cost_loyalty")), 0.0);
  EXPECT_EQ(total(period_kpi(off, "cost_marketing")), 0.0);
  EXPECT_EQ(total(period_kpi(off, "reviews_new")), 0.0);
}

// Every mechanism switched ON but with neutral effects: reviews are written (and move the
// rating) but the rating has no effect; every policy is enabled with multipliers 1 and no
// satisfaction effect; emails are sent with no uplift and below the fatigue threshold; every
// customer joins the loyalty programme at the first order, with multipliers 1. Customers,
// orders and revenue must equal the plain model's bitwise; only the mechanisms' own costs and
// counters differ.
const char* ALL_NEUTRAL_ON = R"(
[reviews]
probability = 0.3
[reputation]
initial_rating = 4.5
rating_sensitivity = 0.0
[referrals]
promoter_rate = 0.0
passive_rate = 0.0
[policies.free_returns]
enabled = true
extra_return_rate = 0.0
conversion_multiplier = 1.0
hazard_multiplier = 1.0
[policies.free_shipping]
enabled = true
frequency_multiplier = 1.0
conversion_multiplier = 1.0
[policies.same_day_shipping]
enabled = true
cost_per_order = 5.0
satisfaction_delta = 0.0
incident_multiplier = 1.0
[marketing]
emails_per_period = 3
personalization = 0.5
cost_per_email = 0.1
uplift_per_email = 0.0
fatigue_per_email = 0.5
fatigue_threshold = 4
[loyalty]
enabled = true
eligible_after_orders = 1
enrollment_probability = 1.0
reward_rate = 0.05
breakage = 0.2
cost_per_member_per_period = 1.0
hazard_multiplier = 1.0
frequency_multiplier = 1.0
basket_multiplier = 1.0
satisfaction_bonus = 0.0
referral_multiplier = 1.0
)";

TEST(Neutral, NeutralMechanismsSwitchedOnKeepCustomersOrdersAndRevenueBitwise)
{
  const Results plain = run_scenario("");
  const Results on = run_scenario(ALL_NEUTRAL_ON);
  for (const char* k : {"customers_active", "customers_new", "customers_churned", "orders", "orders_repeat", "revenue",
                        "revenue_repeat", "gross_margin", "incidents", "contacts", "cost_service", "cost_acquisition",
                        "nps", "promoters_share", "detractors_share"})
    expect_bitwise(period_kpi(plain, k), period_kpi(on, k), k);
  for (const char* k : {"revenue_total", "customers_acquired", "repeat_revenue_share", "return_ratio_loyal_vs_onetime",
                        "nps_final", "cac_mean"})
    expect_bitwise(path_kpi(plain, k), path_kpi(on, k), k);
  // The mechanisms did run: reviews were written, every active customer is a member, the
  // programme, the emails and the same-day surcharge cost money.
  EXPECT_GT(total(period_kpi(on, "reviews_new")), 0.0);
  expect_bitwise(period_kpi(on, "loyalty_members"), period_kpi(on, "customers_active"), "all members");
  EXPECT_GT(total(period_kpi(on, "cost_loyalty")), 0.0);
  // Marketing: 3 emails x 0.1 per active customer-period.
  for (std::size_t i = 0; i < period_kpi(on, "cost_marketing").size(); ++i)
    EXPECT_NEAR(period_kpi(on, "cost_marketing")[i], 0.3 * period_kpi(on, "customers_active")[i],
                1e-9 * period_kpi(on, "customers_active")[i]);
  // Fulfilment: + same-day 5 per order; shipping 14 per order, now paid by the shop.
  for (std::size_t i = 0; i < period_kpi(on, "orders").size(); ++i) {
    EXPECT_NEAR(period_kpi(on, "cost_fulfilment")[i] - period_kpi(plain, "cost_fulfilment")[i],
                5.0 * period_kpi(on, "orders")[i], 1e-6 * period_kpi(on, "cost_fulfilment")[i]);
    EXPECT_NEAR(period_kpi(on, "cost_shipping")[i], 14.0 * period_kpi(on, "orders")[i],
                1e-9 * period_kpi(on, "cost_shipping")[i]);
  }
}

// With courteous service (no impolite contacts) most incidents of the plain run take the
// kernel's vectorised paths (fast_incidents for 1-2 contacts, long_incidents for 3-4), while
// loyalty members always take the per-buyer one: incidents, contacts, their cost and
// satisfaction must still agree bitwise. The resolution rates and contact limits below
// send many incidents to 3 and 4 contacts, and (max_contacts = 6) some beyond, which the
// plain run leaves to the per-buyer path as well.
TEST(Neutral, VectorisedIncidentsEqualThePerBuyerPathBitwise)
{
  const std::vector<std::vector<std::string>> cases = {
      {"service.courtesy=1.0"},
      {"service.courtesy=1.0", "service.later_contact_resolution=0.3", "service.max_contacts=3"},
      {"service.courtesy=1.0", "service.first_contact_resolution=0.3", "service.later_contact_resolution=0.3",
       "service.max_contacts=6"},
      // no returns and no frequency effect: the initial cohort's chunks fuse the order counts
      // with the buyers' classification (orders_and_buyer_lanes; the loyalty run never does);
      // rate ~2 orders a period so that buyers with 2-6 orders, with incidents, are common
      {"service.courtesy=1.0", "economics.return_rate=0.0", "satisfaction.frequency_sensitivity=0.0",
       "purchase.alpha=0.5"}};
  for (const auto& sets : cases) {
    SCOPED_TRACE(sets.back());
    const Results plain = run_scenario("", sets);
    const Results on = run_scenario(ALL_NEUTRAL_ON, sets);
    for (const char* k : {"customers_active", "customers_churned", "orders", "revenue", "incidents", "contacts",
                          "cost_service", "nps", "promoters_share", "detractors_share"})
      expect_bitwise(period_kpi(plain, k), period_kpi(on, k), k);
    EXPECT_GT(total(period_kpi(plain, "incidents")), 1000.0);
  }
}

TEST(Loyalty, CostsAreRewardsMembershipAndTheFixedCost)
{
  // Everyone joins at the first (acquisition) order, so from the next period on every
  // active customer is a member and every repeat order a member order (docs/model.md §7):
  //   cost_loyalty(t) = reward_rate (1 - breakage) x repeat revenue
  //                     + cost_per_member x (active customers not acquired in t) + fixed.
  const Results r = run_scenario(std::string(ALL_NEUTRAL_ON) + "fixed_cost_per_period = 100.0\n");
  for (int p = 0; p < r.paths; ++p)
    for (int t = 0; t < r.horizon; ++t) {
      // (customers_new counts acquisitions; the initial cohort joins in period 0)
      const double new_customers = at(r, "customers_new", p, t) + (t == 0 ? N0 : 0.0);
      const double expected = 0.05 * (1 - 0.2) * at(r, "revenue_repeat", p, t) +
                              1.0 * (at(r, "customers_active", p, t) - new_customers) + 100.0;
      EXPECT_NEAR(at(r, "cost_loyalty", p, t), expected, 1e-9 * expected) << "path " << p << " period " << t;
    }
  // A programme starting in period 3 costs nothing before it and enrols nobody before it.
  const Results late = run_scenario(std::string(ALL_NEUTRAL_ON) + "fixed_cost_per_period = 100.0\nstart_period = 3\n");
  for (int p = 0; p < late.paths; ++p) {
    for (int t = 0; t < 3; ++t) {
      EXPECT_EQ(at(late, "cost_loyalty", p, t), 0.0);
      EXPECT_EQ(at(late, "loyalty_members", p, t), 0.0);
    }
    EXPECT_GT(at(late, "loyalty_members", p, 3), 0.0);
    EXPECT_GE(at(late, "cost_loyalty", p, 3), 100.0);
  }
}

TEST(Service, ContactsPerIncidentFollowTheResolutionProbabilities)
{
  // docs/model.md §5.1: first contact resolves with f, each later one with l, at most max_contacts
  // (the last always resolves). f = 0.5, l = 0.9, max 3: P(1) = 0.5, P(2) = 0.45,
  // P(3) = 0.05; E = 1.55, Var = E[c^2] - E^2 = (0.5 + 1.8 + 0.45) - 2.4025 = 0.3475.
  const Results r = run_scenario(
      "", {"service.first_contact_resolution=0.5", "service.later_contact_resolution=0.9", "service.max_contacts=3"});
  const double incidents = total(period_kpi(r, "incidents")), contacts = total(period_kpi(r, "contacts"));
  EXPECT_NEAR(contacts, 1.55 * incidents, K_SE * std::sqrt(0.3475 * incidents));
  // Incidents ~ Binomial(orders, 0.15).
  const double orders = total(period_kpi(r, "orders"));
  EXPECT_NEAR(incidents, 0.15 * orders, K_SE * std::sqrt(orders * 0.15 * 0.85));
  // Each contact costs 18: cost_service = 18 x contacts exactly (no compensation).
  for (std::size_t i = 0; i < period_kpi(r, "contacts").size(); ++i)
    EXPECT_NEAR(period_kpi(r, "cost_service")[i], 18.0 * period_kpi(r, "contacts")[i],
                1e-9 * period_kpi(r, "cost_service")[i]);
}

TEST(Neutral, NoServiceAndNoSatisfactionEffectsIsThePurchaseModel)
{
  // Without incidents and with sensitivities 0, the [service] and [satisfaction] sections
  // leave customers, orders and revenue exactly as a scenario without them.
  const std::string plain_toml = R"(
[simulation]
horizon = 12
paths = 4
seed = 99
[population]
initial_customers = 5000
[purchase]
model = "sbg_poisson"
a = 1.0
b = 8.0
r = 1.0
alpha = 2.0
[spend]
model = "fixed"
value = 50.0
)";
  const auto a = run(scenarios::load_string(plain_toml, "plain.toml", "."), RunOptions{});
  const auto b = run(scenarios::load_string(plain_toml + R"(
[service]
incident_probability = 0.0
first_contact_resolution = 0.2
response_time_hours = 100
courtesy = 0.5
[satisfaction]
initial_mean = 3.0
churn_sensitivity = 0.0
frequency_sensitivity = 0.0
)",
                                            "service.toml", "."),
                     RunOptions{});
  for (const char* k : {"customers_active", "customers_churned", "orders", "revenue", "revenue_repeat"})
    expect_bitwise(period_kpi(a, k), period_kpi(b, k), k);
  expect_bitwise(path_kpi(a, "revenue_total"), path_kpi(b, "revenue_total"), "revenue_total");
}

// ---------------------------------------------------------------------------------------
// (b) Directions and magnitudes

// Service quality (docs/model.md §5): with churn_sensitivity 0.3 and 15% of orders leading to an
// incident, a better service raises satisfaction, so NPS at the end and the customers still
// active at the end. Each lever is moved alone from a poor to a good value.
void expect_better_service(const std::vector<std::string>& poor, const std::vector<std::string>& good,
                           const std::string& what)
{
  const Results p = run_scenario("", poor);
  const Results g = run_scenario("", good);
  EXPECT_HIGHER(path_kpi(p, "nps_final"), path_kpi(g, "nps_final"), what + ": nps_final");
  EXPECT_HIGHER(last_period(p, "customers_active"), last_period(g, "customers_active"),
                what + ": customers_active at the end");
  EXPECT_HIGHER(path_kpi(p, "revenue_total"), path_kpi(g, "revenue_total"), what + ": revenue_total");
}

TEST(Service, BetterFirstContactResolutionRaisesNpsAndRetention)
{
  // later_contact_resolution follows first_contact_resolution (defaulted key).
  expect_better_service({"service.first_contact_resolution=0.4"}, {"service.first_contact_resolution=0.9"},
                        "first_contact_resolution 0.4 -> 0.9");
}

TEST(Service, FasterResponseRaisesNpsAndRetention)
{
  expect_better_service({"service.response_time_hours=72"}, {"service.response_time_hours=2"},
                        "response_time_hours 72 -> 2");
}

TEST(Service, HigherCourtesyRaisesNpsAndRetention)
{
  expect_better_service({"service.courtesy=0.6"}, {"service.courtesy=1.0"}, "courtesy 0.6 -> 1.0");
}

TEST(Service, NoChurnSensitivityMeansServiceCannotMoveRetention)
{
  // With churn_sensitivity = frequency_sensitivity = 0 the service changes NPS but not a
  // single customer's survival or orders (common random numbers: bitwise).
  const std::vector<std::string> flat = {"satisfaction.churn_sensitivity=0", "satisfaction.frequency_sensitivity=0"};
  auto poor = flat, good = flat;
  poor.push_back("service.courtesy=0.6");
  good.push_back("service.courtesy=1.0");
  const Results p = run_scenario("", poor), g = run_scenario("", good);
  expect_bitwise(period_kpi(p, "customers_active"), period_kpi(g, "customers_active"), "customers_active");
  expect_bitwise(period_kpi(p, "orders"), period_kpi(g, "orders"), "orders");
  EXPECT_HIGHER(path_kpi(p, "nps_final"), path_kpi(g, "nps_final"), "nps_final");
}

TEST(Loyalty, MembersChurnLessAndTheProgrammeCosts)
{
  // Two equal segments that differ only in whether the programme enrols them: every
  // "members" customer joins at its first order, no "others" customer does. Members' hazard
  // is halved. The churn rate (churned / at risk) of the members must be clearly lower.
  const std::string extra = R"(
[loyalty]
enabled = true
eligible_after_orders = 1
enrollment_probability = 0.0
hazard_multiplier = 0.5
frequency_multiplier = 1.0
basket_multiplier = 1.0
satisfaction_bonus = 0.0
cost_per_member_per_period = 1.0
reward_rate = 0.03
[[segment]]
name = "members"
share = 0.5
overrides = { "loyalty.enrollment_probability" = 1.0 }
[[segment]]
name = "others"
share = 0.5
)";
  const Results r = run_scenario(extra);
  const Results off = run_scenario("");
  EXPECT_GT(total(period_kpi(r, "loyalty_members")), 0.0);
  EXPECT_GT(total(period_kpi(r, "cost_loyalty")), 0.0);
  EXPECT_EQ(total(period_kpi(off, "loyalty_members")), 0.0);
  EXPECT_EQ(total(period_kpi(off, "cost_loyalty")), 0.0);
  // Per path: churn rate over periods 1.. of each segment (active at the start of a period =
  // active after survival + churned in it).
  auto churn_rate = [&](const std::string& seg) {
    const auto& t = r.variants[0].segments.at(seg).periods;
    std::vector<double> rate(static_cast<std::size_t>(r.paths));
    for (int p = 0; p < r.paths; ++p) {
      double churned = 0, at_risk = 0;
      for (int k = 1; k < r.horizon; ++k) {
        const auto i = static_cast<std::size_t>(p * r.horizon + k);
        churned += t.at("customers_churned")[i];
        at_risk += t.at("customers_churned")[i] + t.at("customers_active")[i] - t.at("customers_new")[i];
      }
      rate[static_cast<std::size_t>(p)] = churned / at_risk;
    }
    return rate;
  };
  const auto members = churn_rate("members"), others = churn_rate("others");
  EXPECT_HIGHER(members, others, "churn rate of non-members over members");
  // Every "members" customer alive at a period end is a member; no "others" customer is.
  const auto& seg_m = r.variants[0].segments.at("members").periods;
  const auto& seg_o = r.variants[0].segments.at("others").periods;
  expect_bitwise(seg_m.at("loyalty_members"), seg_m.at("customers_active"), "members segment all members");
  EXPECT_EQ(total(seg_o.at("loyalty_members")), 0.0);
  // And the shop as a whole loses fewer customers than without the programme.
  EXPECT_HIGHER(period_sum(r, "customers_churned", 1), period_sum(off, "customers_churned", 1),
                "customers_churned without vs with the programme");
}

TEST(Referrals, NoPromoterRateNoReferrals)
{
  const Results r = run_scenario("[referrals]\npromoter_rate = 0.0\npassive_rate = 0.0\nreward = 10.0\n");
  for (double x : period_kpi(r, "customers_new_referral")) EXPECT_EQ(x, 0.0);
}

TEST(Referrals, PromotersAndPassivesBringTheirRatesNextPeriod)
{
  // docs/model.md §6.2: the referrals of period t+1 ~ Poisson(promoter_rate x promoters at the end of
  // t + passive_rate x passives). sbg_poisson has no mid-period dropout, so the customers at
  // the end of a period are customers_active, split by promoters_share / detractors_share.
  const double PR = 0.05, PA = 0.01;
  const Results r = run_scenario("[referrals]\npromoter_rate = 0.05\npassive_rate = 0.01\nreward = 10.0\n");
  double observed = 0, expected = 0, cost_expected = 0, cost_observed = 0;
  for (int p = 0; p < r.paths; ++p) {
    EXPECT_EQ(at(r, "customers_new_referral", p, 0), 0.0);  // nobody was there to refer in period 0
    for (int t = 1; t < r.horizon; ++t) {
      const double active = at(r, "customers_active", p, t - 1);
      const double prom = at(r, "promoters_share", p, t - 1) * active;
      const double pass = (1.0 - at(r, "promoters_share", p, t - 1) - at(r, "detractors_share", p, t - 1)) * active;
      expected += PR * prom + PA * pass;
      observed += at(r, "customers_new_referral", p, t);
    }
  }
  EXPECT_GT(observed, 0.0);
  EXPECT_NEAR(observed, expected, K_SE * std::sqrt(expected)) << "referrals vs Poisson expectation";
  // Each referred customer costs the reward, on top of the paid channel's spend.
  const Results no = run_scenario("");
  for (int p = 0; p < r.paths; ++p)
    for (int t = 0; t < r.horizon; ++t) {
      cost_observed += at(r, "cost_acquisition", p, t) + at(r, "cost_referral", p, t);
      EXPECT_NEAR(at(r, "cost_referral", p, t), 10.0 * at(r, "customers_new_referral", p, t), 1e-9);
      cost_expected += 10.0 * at(r, "customers_new_referral", p, t) +
                       CAC * (at(r, "customers_new", p, t) - at(r, "customers_new_referral", p, t));
    }
  EXPECT_NEAR(cost_observed, cost_expected, 1e-9 * cost_expected);
  EXPECT_HIGHER(path_kpi(no, "customers_acquired"), path_kpi(r, "customers_acquired"), "customers acquired");
}

// Reviews and reputation (docs/model.md §6.1): unhappy customers (satisfaction around 4, reviews of
// 2 stars) drag the rating down; with rating_sensitivity > 0 the same budget buys fewer
// customers.
const char* BAD_REPUTATION = R"(
[reviews]
probability = 0.3
[reputation]
initial_rating = 4.5
memory_reviews = 200
share_reading_reviews = 0.54
rating_sensitivity = 1.0
reference_rating = 4.5
)";

TEST(Reputation, BadReviewsMeanFewerPaidCustomersAtTheSameBudget)
{
  const std::vector<std::string> unhappy = {"satisfaction.initial_mean=4.0"};
  const Results bad = run_scenario(BAD_REPUTATION, unhappy);
  auto no_effect = unhappy;
  no_effect.push_back("reputation.rating_sensitivity=0");
  const Results flat = run_scenario(BAD_REPUTATION, no_effect);
  // The rating fell well below its start.
  for (double x : path_kpi(bad, "rating_final")) EXPECT_LT(x, 3.0);
  EXPECT_GT(total(period_kpi(bad, "reviews_negative_new")), 0.0);
  // Paid customers = customers_new without the initial cohort (no referrals here).
  EXPECT_HIGHER(path_kpi(bad, "customers_acquired"), path_kpi(flat, "customers_acquired"),
                "paid customers without vs with the reputation effect");
  // Magnitude: new paid customers of period t ~ Poisson(budget / CAC x M_t), with M_t from the
  // rating at the end of period t-1 (the initial rating for t = 0), computed here from docs/model.md
  // §6.1: M = max(0.05, 1 + 0.54 x 1.0 x (R - 4.5)).
  double observed = 0, expected = 0;
  for (int p = 0; p < bad.paths; ++p)
    for (int t = 0; t < bad.horizon; ++t) {
      const double rating = t == 0 ? 4.5 : at(bad, "rating", p, t - 1);
      expected += BUDGET / CAC * std::max(0.05, 1.0 + 0.54 * 1.0 * (rating - 4.5));
      observed += at(bad, "customers_new", p, t);
    }
  EXPECT_NEAR(observed, expected, K_SE * std::sqrt(expected)) << "paid customers vs Poisson expectation";
  // Happy customers (S around 9.5, no incidents: mostly 5-star reviews) push the rating up
  // and the same budget buys more customers.
  const std::vector<std::string> happy = {"satisfaction.initial_mean=9.5", "satisfaction.initial_sd=0.5",
                                          "service.incident_probability=0"};
  auto happy_flat = happy;
  happy_flat.push_back("reputation.rating_sensitivity=0");
  const Results good = run_scenario(BAD_REPUTATION, happy);
  const Results good_flat = run_scenario(BAD_REPUTATION, happy_flat);
  for (double x : path_kpi(good, "rating_final")) EXPECT_GT(x, 4.6);
  EXPECT_HIGHER(path_kpi(good_flat, "customers_acquired"), path_kpi(good, "customers_acquired"),
                "paid customers with a good reputation");
}

TEST(Policies, FreeShippingCostsShippingOnEveryOrder)
{
  // With neutral multipliers, free shipping changes nothing but the shop's fulfilment bill:
  // + shipping_cost_per_order (14) on every order.
  const char* neutral =
      "[policies.free_shipping]\nenabled = true\nfrequency_multiplier = 1.0\nconversion_multiplier = 1.0\n";
  const Results off = run_scenario("");
  const Results on = run_scenario(neutral);
  expect_bitwise(period_kpi(off, "orders"), period_kpi(on, "orders"), "orders");
  expect_bitwise(period_kpi(off, "cost_fulfilment"), period_kpi(on, "cost_fulfilment"), "fulfilment");
  for (std::size_t i = 0; i < period_kpi(on, "orders").size(); ++i) {
    EXPECT_EQ(period_kpi(off, "cost_shipping")[i], 0.0);
    EXPECT_NEAR(period_kpi(on, "cost_shipping")[i], 14.0 * period_kpi(on, "orders")[i],
                1e-9 * period_kpi(on, "cost_shipping")[i]);
  }
  // With its default multipliers (frequency and conversion 1.05) it also brings more orders.
  const Results full = run_scenario("[policies.free_shipping]\nenabled = true\n");
  EXPECT_HIGHER(period_sum(off, "orders"), period_sum(full, "orders"), "orders with free shipping");
  EXPECT_HIGHER(path_kpi(off, "customers_acquired"), path_kpi(full, "customers_acquired"),
                "customers with free shipping");
}

TEST(Policies, FreeReturnsRaiseReturnsAndKeepCustomers)
{
  const Results off = run_scenario("");
  const Results on =
      run_scenario("[policies.free_returns]\nenabled = true\nextra_return_rate = 0.1\nhazard_multiplier = 0.7\n");
  // More returns: less revenue per order (revenue is net of refunds)...
  auto per_order = [](const Results& r) {
    auto rev = period_sum(r, "revenue"), ord = period_sum(r, "orders");
    for (std::size_t i = 0; i < rev.size(); ++i) rev[i] /= ord[i];
    return rev;
  };
  EXPECT_HIGHER(per_order(on), per_order(off), "revenue per order without vs with free returns");
  // ...but fewer customers lost.
  EXPECT_HIGHER(period_sum(on, "customers_churned", 1), period_sum(off, "customers_churned", 1),
                "customers_churned with vs without free returns");
}

TEST(Policies, SameDayShippingMeansFewerIncidents)
{
  const Results off = run_scenario("");
  const Results on = run_scenario("[policies.same_day_shipping]\nenabled = true\nincident_multiplier = 0.5\n");
  EXPECT_HIGHER(period_sum(on, "incidents"), period_sum(off, "incidents"), "incidents without vs with same-day");
  // Incidents ~ Binomial(orders, 0.15 x 0.5).
  const double orders = total(period_kpi(on, "orders")), incidents = total(period_kpi(on, "incidents"));
  const double q = 0.15 * 0.5;
  EXPECT_NEAR(incidents, q * orders, K_SE * std::sqrt(orders * q * (1 - q)));
}

TEST(Marketing, FatigueAboveTheThresholdMeansMoreChurn)
{
  // uplift_per_email = 0 isolates the fatigue hazard 1 + 0.05 x (12 - 4) x (1 - personalization).
  const std::string mk =
      "[marketing]\nuplift_per_email = 0.0\nfatigue_per_email = 0.05\nfatigue_threshold = 4\ncost_per_email = 0.01\n";
  const Results none = run_scenario(mk, {"marketing.emails_per_period=0"});
  const Results at_threshold = run_scenario(mk, {"marketing.emails_per_period=4"});
  const Results spam = run_scenario(mk, {"marketing.emails_per_period=12"});
  const Results personal = run_scenario(mk, {"marketing.emails_per_period=12", "marketing.personalization=1"});
  // Up to the threshold, or fully personalised, emails do not add churn at all.
  expect_bitwise(period_kpi(none, "customers_churned"), period_kpi(at_threshold, "customers_churned"), "at threshold");
  expect_bitwise(period_kpi(none, "customers_churned"), period_kpi(personal, "customers_churned"), "personalised");
  EXPECT_HIGHER(period_sum(none, "customers_churned", 1), period_sum(spam, "customers_churned", 1),
                "churn with 12 impersonal emails a month");
  EXPECT_HIGHER(last_period(spam, "customers_active"), last_period(none, "customers_active"),
                "customers kept without the spam");
  // Emails cost emails x cost per active customer-period.
  for (std::size_t i = 0; i < period_kpi(spam, "cost_marketing").size(); ++i)
    EXPECT_NEAR(period_kpi(spam, "cost_marketing")[i], 0.12 * period_kpi(spam, "customers_active")[i],
                1e-9 * period_kpi(spam, "customers_active")[i]);
}

TEST(Marketing, PersonalisedEmailsRaiseOrderFrequency)
{
  const Results none = run_scenario("", {"marketing.emails_per_period=0"});
  const Results some = run_scenario("", {"marketing.emails_per_period=4", "marketing.personalization=1"});
  EXPECT_HIGHER(period_sum(none, "orders"), period_sum(some, "orders"), "orders with 4 personalised emails");
}

TEST(Service, CompensationCostsAndRaisesSatisfactionPerIncident)
{
  // Every order is an incident; every experience coefficient but compensation is 0; no
  // returns, no contact cost; satisfaction starts at exactly 6 and does not decay. Then each
  // order's satisfaction change is exactly per_compensation_ratio x ratio = 2 x 0.5 = 1, and
  // the service cost is exactly ratio x order value = 0.5 x revenue.
  const std::vector<std::string> sets = {"service.incident_probability=1",
                                         "service.cost_per_contact=0",
                                         "economics.return_rate=0",
                                         "service.experience.base=0",
                                         "service.experience.per_extra_contact=0",
                                         "service.experience.per_log_wait=0",
                                         "service.experience.per_impolite_contact=0",
                                         "service.experience.per_compensation_ratio=2",
                                         "satisfaction.initial_mean=6",
                                         "satisfaction.initial_sd=0",
                                         "satisfaction.decay=0",
                                         "satisfaction.churn_sensitivity=0",
                                         "satisfaction.frequency_sensitivity=0"};
  auto with = sets;
  with.push_back("service.compensation_ratio=0.5");
  const Results none = run_scenario("", sets);
  const Results comp = run_scenario("", with);
  expect_bitwise(period_kpi(none, "orders"), period_kpi(comp, "orders"), "orders");
  for (std::size_t i = 0; i < period_kpi(comp, "revenue").size(); ++i) {
    EXPECT_EQ(period_kpi(none, "cost_compensation")[i], 0.0);
    EXPECT_EQ(period_kpi(comp, "cost_service")[i], 0.0);  // contacts cost nothing here
    EXPECT_NEAR(period_kpi(comp, "cost_compensation")[i], 0.5 * period_kpi(comp, "revenue")[i],
                1e-9 * period_kpi(comp, "revenue")[i]);
  }
  // Period 0: everyone has placed exactly its acquisition order. Without compensation S stays
  // 6 (all detractors, NPS -100); with it S = 7 (all passives, NPS 0).
  for (int p = 0; p < none.paths; ++p) {
    EXPECT_EQ(at(none, "nps", p, 0), -100.0);
    EXPECT_EQ(at(comp, "nps", p, 0), 0.0);
    EXPECT_EQ(at(comp, "detractors_share", p, 0), 0.0);
  }
  // In the default experience model, compensation lifts NPS and costs money.
  const Results base = run_scenario("");
  const Results base_comp = run_scenario("", {"service.compensation_ratio=0.5"});
  EXPECT_HIGHER(path_kpi(base, "nps_final"), path_kpi(base_comp, "nps_final"), "nps_final with compensation");
  EXPECT_HIGHER(period_sum(base, "cost_service"), period_sum(base_comp, "cost_service"), "cost_service");
}

TEST(ReturnRatio, LoyalCustomersReturnFarMoreOftenOnlyInAHeterogeneousPopulation)
{
  // return_ratio_loyal_vs_onetime (docs/model.md §11.1): the per-period ordering probability of
  // customers with 3+ orders over that of one-order customers. In a homogeneous population
  // everybody has the same (1 - theta)(1 - e^-lambda), so the ratio is 1; with strongly
  // heterogeneous order rates (r = 0.2) the 3+ buyers are the frequent ones.
  const std::vector<std::string> quiet = {"service.incident_probability=0", "satisfaction.churn_sensitivity=0",
                                          "satisfaction.frequency_sensitivity=0"};
  auto hetero = quiet, homo = quiet;
  for (const char* s : {"purchase.r=0.2", "purchase.alpha=0.5", "purchase.a=1", "purchase.b=6"}) hetero.push_back(s);
  for (const char* s : {"purchase.r=400", "purchase.alpha=1000", "purchase.a=200", "purchase.b=1800"})
    homo.push_back(s);
  const Results he = run_scenario("", hetero);
  const Results ho = run_scenario("", homo);
  for (double x : path_kpi(he, "return_ratio_loyal_vs_onetime")) EXPECT_GT(x, 4.0);
  // Homogeneous: lambda has cv 5% and theta cv 2%, so the ratio is 1 up to a tiny selection
  // effect; the per-path sampling error of the one-time ordering share is ~1%.
  for (double x : path_kpi(ho, "return_ratio_loyal_vs_onetime")) EXPECT_NEAR(x, 1.0, 0.06);
}

// ---------------------------------------------------------------------------------------
// (c) Validation of the new keys through the real binary (README "Exit codes")

struct Outcome {
  int code = -1;
  std::string err;
};

class Validation : public ::testing::Test {
protected:
  void SetUp() override
  {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("clvsim_service_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  //! Write BASE + `extra` as shop.toml and run `clvsim validate` and `clvsim run` on it.
  Outcome check(const std::string& extra, const std::string& command = "run")
  {
    std::ofstream(dir_ / "shop.toml") << BASE << extra;
    const auto err = dir_ / "stderr.txt";
    const std::string options = command == "run" ? " --quiet -o out.h5" : "";
    const std::string cmd = "cd '" + dir_.string() + "' && '" CLVSIM_BIN "' " + command + " shop.toml" + options +
                            " >/dev/null 2>'" + err.string() + "' </dev/null";
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err);
    std::stringstream ss;
    ss << in.rdbuf();
    o.err = ss.str();
    return o;
  }
  //! Line number (1-based) in shop.toml of the last line of `extra` that contains `needle`.
  static int line_of(const std::string& extra, const std::string& needle)
  {
    const std::string text = std::string(BASE) + extra;
    int line = 1, found = -1;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l); ++line)
      if (l.find(needle) != std::string::npos) found = line;
    return found;
  }
  void expect_rejected(const std::string& extra, const std::string& needle, const std::string& message)
  {
    const Outcome o = check(extra);
    EXPECT_EQ(o.code, 2) << extra << "\n" << o.err;
    const std::string where = "error: shop.toml:" + std::to_string(line_of(extra, needle)) + ":";
    EXPECT_NE(o.err.find(where), std::string::npos) << "expected '" << where << "' in:\n" << o.err;
    EXPECT_NE(o.err.find(message), std::string::npos) << "expected '" << message << "' in:\n" << o.err;
    EXPECT_FALSE(fs::exists(dir_ / "out.h5")) << "nothing is written for an invalid scenario";
  }

  fs::path dir_;
};

TEST_F(Validation, TheBaseScenarioIsValid)
{
  const Outcome o = check("", "validate");
  EXPECT_EQ(o.code, 0) << o.err;
}

TEST_F(Validation, OutOfRangeValuesOfTheNewKeys)
{
  expect_rejected("[loyalty]\nenabled = true\nenrollment_probability = 1.5\n", "enrollment_probability",
                  "loyalty.enrollment_probability = 1.5 is out of range [0, 1]");
  expect_rejected("[loyalty]\neligible_after_orders = 0\n", "eligible_after_orders",
                  "loyalty.eligible_after_orders = 0 is out of range");
  expect_rejected("[loyalty]\nbreakage = -0.1\n", "breakage", "loyalty.breakage = -0.1 is out of range [0, 1]");
  expect_rejected("[reviews]\nprobability = -0.1\n", "probability",
                  "reviews.probability = -0.1 is out of range [0, 1]");
  expect_rejected("[reputation]\ninitial_rating = 6\n", "initial_rating",
                  "reputation.initial_rating = 6 is out of range");
  expect_rejected("[reputation]\nshare_reading_reviews = 1.2\n", "share_reading_reviews",
                  "reputation.share_reading_reviews = 1.2 is out of range [0, 1]");
  expect_rejected("[referrals]\npromoter_rate = -1\n", "promoter_rate", "referrals.promoter_rate = -1 is out of range");
  expect_rejected("[marketing]\npersonalization = 2\n", "personalization",
                  "marketing.personalization = 2 is out of range [0, 1]");
  expect_rejected("[policies.free_returns]\nextra_return_rate = 1.5\n", "extra_return_rate",
                  "policies.free_returns.extra_return_rate = 1.5 is out of range");
  expect_rejected("[policies.same_day_shipping]\nincident_multiplier = -1\n", "incident_multiplier",
                  "policies.same_day_shipping.incident_multiplier = -1 is out of range");
}

TEST_F(Validation, WrongTypesAndTyposOfTheNewKeys)
{
  expect_rejected("[policies.free_shipping]\nenabled = \"yes\"\n", "enabled",
                  "policies.free_shipping.enabled has the wrong type");
  expect_rejected("[loyalty]\nenrolment_probability = 0.5\n", "enrolment_probability",
                  "did you mean 'loyalty.enrollment_probability'?");
  // A --set of a new key is validated like the file.
  std::ofstream(dir_ / "ok.toml") << BASE;
  const std::string cmd = "cd '" + dir_.string() +
                          "' && '" CLVSIM_BIN
                          "' run ok.toml --quiet --set loyalty.enrollment_probability=1.5 >/dev/null 2>err.txt";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 2);
  std::ifstream in(dir_ / "err.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("loyalty.enrollment_probability = 1.5 is out of range [0, 1]"), std::string::npos)
      << ss.str();
}

}  // namespace
