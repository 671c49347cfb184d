// Monte Carlo vs closed forms (docs/model.md §3.2). Reference values are computed here, independently
// of the code under test: sBG survival as the product of the retention rates
// r(t) = (beta + t - 1)/(alpha + beta + t - 1) (Fader & Hardie 2007, eq. 3), which equals
// B(alpha, beta+t)/B(alpha, beta).
//
// Choice of k: every comparison uses k = 4 standard errors. The suite makes ~60 such
// comparisons; with independent normal errors P(|z| > 4) = 6.3e-5 each, so a correct engine
// fails one with probability < 0.4%, while the seeds are fixed so the suite is deterministic.
// A wrong model (e.g. survival applied twice, or the acquisition period skipped) shifts these
// means by tens of standard errors.
#include "engine/run/driver.h"
#include "scenarios/loader.h"
#include "tests/support/support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace clvsim;

constexpr double K_SE = 4.0;

double sbg_survival(double alpha, double beta, int t)
{
  double s = 1.0;
  for (int i = 1; i <= t; ++i) s *= (beta + i - 1) / (alpha + beta + i - 1);
  return s;
}

Results run_toml(const std::string& toml, int threads = 0)
{
  const auto sc = scenarios::load_string(toml, "test.toml", ".");
  RunOptions options;
  options.threads = threads;
  return run(sc, options);
}

struct MeanSe {
  double mean, se;
};

MeanSe across_paths(const std::vector<double>& v)
{
  const double n = static_cast<double>(v.size());
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / (n - 1) / n)};
}

const char* SBG_TOML = R"(
[simulation]
period = "month"
horizon = 24
paths = 10
seed = 11
[population]
initial_customers = 20000
[purchase]
model = "sbg"
alpha = 0.704
beta = 1.182
fee = 10.0
[economics]
gross_margin = 1.0
discount_rate_annual = 0.1
)";

TEST(Statistical, SbgSurvivalMatchesBetaRatio)
{
  const auto r = run_toml(SBG_TOML);
  const auto& active = r.variants[0].kpis.periods.at("customers_active");
  const int H = r.horizon, P = r.paths;
  const double n0 = 20000;
  for (int t = 0; t < H; ++t) {
    double mean = 0;
    for (int p = 0; p < P; ++p) mean += active[static_cast<std::size_t>(p * H + t)] / n0;
    mean /= P;
    const double s = sbg_survival(0.704, 1.182, t);
    const double se = std::sqrt(s * (1 - s) / (n0 * P));
    if (t == 0)
      EXPECT_EQ(mean, 1.0);
    else
      EXPECT_NEAR(mean, s, K_SE * se) << "period " << t;
  }
}

TEST(Statistical, SbgSubscriptionClvMatchesDiscountedSurvival)
{
  const auto r = run_toml(SBG_TOML);
  const double delta = std::pow(1.1, -1.0 / 12.0);
  double expected = 0;
  for (int t = 0; t < 24; ++t) expected += 10.0 * std::pow(delta, t) * sbg_survival(0.704, 1.182, t);
  const auto clv = across_paths(r.variants[0].kpis.paths.at("clv_horizon_mean"));
  EXPECT_NEAR(clv.mean, expected, K_SE * clv.se) << "se " << clv.se;
  // every payment is revenue: revenue_total / N0 = fee x expected periods alive
  double alive_periods = 0;
  for (int t = 0; t < 24; ++t) alive_periods += sbg_survival(0.704, 1.182, t);
  const auto rev = across_paths(r.variants[0].kpis.paths.at("revenue_total"));
  EXPECT_NEAR(rev.mean / 20000.0, 10.0 * alive_periods, K_SE * rev.se / 20000.0);
}

TEST(Statistical, SbgRetentionByTenureMrrAndDerlMatchTheClosedForms)
{
  // #23 item 9 (docs/model.md §11.6): the initial cohort's retention after k renewals is
  // S(k) within K_SE binomial standard errors of its mean over the P paths (N0 P subscribers);
  // MRR_t (monthly periods: revenue_t) is fee N0 S(t) within K_SE of its own se across paths;
  // the reported closed forms are S(k) and DERL(d | 0) = sum_{k>=0} S(k+1)/(1+d)^k, summed here.
  const auto r = run_toml(SBG_TOML);
  const int H = r.horizon, P = r.paths;
  const double n0 = 20000, fee = 10.0;
  ASSERT_TRUE(r.subscription.present());
  EXPECT_EQ(r.subscription.months_per_period, 1.0);
  const auto& retention = r.variants[0].retention_by_tenure;
  const auto& revenue = r.variants[0].kpis.periods.at("revenue");
  ASSERT_EQ(retention.size(), static_cast<std::size_t>(P * H));
  for (int k = 0; k < H; ++k) {
    const double s = sbg_survival(0.704, 1.182, k);
    EXPECT_NEAR(r.subscription.retention_closed_form[static_cast<std::size_t>(k)], s, 1e-12) << k;
    std::vector<double> ret, mrr;
    for (int p = 0; p < P; ++p) {
      ret.push_back(retention[static_cast<std::size_t>(p * H + k)]);
      mrr.push_back(revenue[static_cast<std::size_t>(p * H + k)]);
    }
    const MeanSe x = across_paths(ret), m = across_paths(mrr);
    if (k == 0)
      EXPECT_EQ(x.mean, 1.0);
    else {
      EXPECT_NEAR(x.mean, s, K_SE * std::sqrt(s * (1 - s) / (n0 * P))) << "tenure " << k;
      EXPECT_NEAR(m.mean, fee * n0 * s, K_SE * m.se) << "MRR in period " << k;
    }
  }
  const double d = std::pow(1.1, 1.0 / 12.0) - 1.0;
  double derl = 0, survival = 1.0, discount = 1.0;  // S(k+1), 1/(1+d)^k
  for (int k = 0; k < 200000; ++k) {
    survival *= (1.182 + k) / (0.704 + 1.182 + k);
    derl += survival * discount;
    discount /= 1.0 + d;
  }
  EXPECT_NEAR(r.subscription.discount_rate_per_period, d, 1e-12);
  EXPECT_NEAR(r.subscription.derl_periods, derl, 1e-6 * derl);
  EXPECT_NEAR(r.subscription.derl_value, fee * derl, 1e-6 * fee * derl);
  EXPECT_NEAR(r.subscription.del_periods, 1.0 + derl / (1.0 + d), 1e-6 * derl);
}

TEST(Statistical, SbgPoissonExpectedOrders)
{
  const char* toml = R"(
[simulation]
horizon = 24
paths = 10
seed = 5
[population]
initial_customers = 20000
[purchase]
model = "sbg_poisson"
a = 2.0
b = 60.0
r = 0.8
alpha = 1.6
[spend]
model = "fixed"
value = 50.0
)";
  const auto r = run_toml(toml);
  EXPECT_FALSE(r.subscription.present()) << "sbg_poisson has orders: not a subscription run";
  EXPECT_TRUE(r.variants[0].retention_by_tenure.empty());
  const auto& orders = r.variants[0].kpis.periods.at("orders");
  const int H = 24, P = 10;
  std::vector<double> per_customer(P, 0.0);
  for (int p = 0; p < P; ++p)
    for (int t = 0; t < H; ++t)
      per_customer[static_cast<std::size_t>(p)] += orders[static_cast<std::size_t>(p * H + t)] / 20000.0;
  // E[orders] = 1 + sum_{t=1}^{H-1} S(t) E[lambda], E[lambda] = r/alpha (acquisition order in
  // period 0, then survive-then-order in each later period).
  double expected = 1.0;
  for (int t = 1; t < H; ++t) expected += sbg_survival(2.0, 60.0, t) * 0.8 / 1.6;
  const auto m = across_paths(per_customer);
  EXPECT_NEAR(m.mean, expected, K_SE * m.se) << "se " << m.se;
  // and the survival curve itself
  const auto& active = r.variants[0].kpis.periods.at("customers_active");
  for (int t : {1, 6, 12, 23}) {
    double mean = 0;
    for (int p = 0; p < P; ++p) mean += active[static_cast<std::size_t>(p * H + t)] / 20000.0 / P;
    const double s = sbg_survival(2.0, 60.0, t);
    EXPECT_NEAR(mean, s, K_SE * std::sqrt(s * (1 - s) / (20000.0 * P))) << "period " << t;
  }
}

}  // namespace

namespace {

TEST(Statistical, SatisfactionIsStationaryWithNothingHappening)
{
  // docs/model.md §5.3: with no deltas (order_delta 0, no incidents) S0 ~ N(7, 1) stays so
  // distributed under the AR(1) step with the innovation, so the NPS of every period is that
  // of N(7, 1): P(S >= 8.5) - P(S < 6.5) = (1 - Phi(1.5)) - Phi(-0.5) = -24.17 points (the clamp
  // at 10 is 3 sd away: its effect on the categories is far below the SE). Churn does not
  // depend on S here (churn_sensitivity 0), so survivors are a random subset. K_SE standard
  // errors across 10 paths of 20,000 customers, periods 0, 11 and 23. Without the innovation
  // every S goes to 7 (a passive) and the NPS to 0.
  const std::string toml = R"(
[simulation]
period = "month"
horizon = 24
paths = 10
seed = 31
[population]
initial_customers = 20000
[purchase]
model = "sbg_poisson"
a = 1
b = 40
r = 0.5
alpha = 2
[spend]
model = "fixed"
value = 10
[satisfaction]
initial_mean = 7.0
initial_sd = 1.0
decay = 0.1
order_delta = 0.0
)";
  const double phi_15 = 0.5 * std::erfc(1.5 / std::sqrt(2.0)), phi_m05 = 0.5 * std::erfc(0.5 / std::sqrt(2.0));
  const double expected = 100.0 * (phi_15 - phi_m05);
  for (bool stationary : {true, false}) {
    const auto r = run_toml(toml + "stationary = " + (stationary ? "true" : "false") + "\n");
    const auto& nps = r.variants[0].kpis.periods.at("nps");
    for (int t : {0, 11, 23}) {
      std::vector<double> v;
      for (int p = 0; p < r.paths; ++p) v.push_back(nps[static_cast<std::size_t>(p * r.horizon + t)]);
      const MeanSe m = across_paths(v);
      if (stationary) {
        EXPECT_NEAR(m.mean, expected, K_SE * m.se) << "period " << t;
      } else if (t == 23) {
        EXPECT_GT(m.mean - expected, 10.0) << "without the innovation the NPS drifts toward 0";
      }
    }
  }
}

}  // namespace

namespace {

TEST(Statistical, SubscriptionPaymentsAddRenewalDeltaNotOrderDelta)
{
  // docs/model.md §5.3: an sbg payment adds satisfaction.renewal_delta; order_delta does
  // nothing to subscribers (the same bits), renewal_delta does.
  const std::string base = std::string(SBG_TOML) + "[satisfaction]\nchurn_sensitivity = 0.2\n";
  const auto plain = run_toml(base + "order_delta = 0.0\n");
  const auto with_order_delta = run_toml(base + "order_delta = 2.0\n");
  const auto with_renewal_delta = run_toml(base + "order_delta = 0.0\nrenewal_delta = 0.5\n");
  EXPECT_EQ(plain.variants[0].kpis.periods.at("nps"), with_order_delta.variants[0].kpis.periods.at("nps"));
  EXPECT_NE(plain.variants[0].kpis.periods.at("nps"), with_renewal_delta.variants[0].kpis.periods.at("nps"));
}

}  // namespace

namespace {

// docs/model.md §4.4: the season multiplies every order rate and every paid channel's volume.
// sbg_poisson with no service chain: an alive customer orders Poisson(lambda m_t) in period t,
// lambda ~ Gamma(r, alpha) independent of the churn, so orders_t / active_t has mean
// (r / alpha) m_t, and a channel of c customers per period brings Poisson(c A_t). The
// multipliers are read from index (start_month - 1 + t) mod 12 (start_month = 11 here: period
// 0 is November). K_SE standard errors across 10 paths.
TEST(Statistical, SeasonalityScalesOrdersAndAcquisition)
{
  const std::string toml = R"(
[simulation]
period = "month"
horizon = 14
paths = 10
seed = 41
start_month = 11
[population]
initial_customers = 20000
[purchase]
model = "sbg_poisson"
a = 1
b = 40
r = 0.5
alpha = 2
[spend]
model = "fixed"
value = 10
[[acquisition.channel]]
name = "ads"
customers_per_period = 2000
cac = 50
[seasonality]
order_multipliers = [0.9, 0.8, 1.0, 1.0, 1.0, 1.0, 0.7, 1.0, 1.0, 1.0, 1.5, 1.3]
acquisition_multipliers = [1.0, 0.6, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.4, 2.0]
)";
  const std::vector<double> orders_m = {0.9, 0.8, 1.0, 1.0, 1.0, 1.0, 0.7, 1.0, 1.0, 1.0, 1.5, 1.3};
  const std::vector<double> acq_m = {1.0, 0.6, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.4, 2.0};
  const auto r = run_toml(toml);
  const auto& orders = r.variants[0].kpis.periods.at("orders");
  const auto& active = r.variants[0].kpis.periods.at("customers_active");
  const auto& fresh = r.variants[0].kpis.periods.at("customers_new");
  const int H = r.horizon;
  // Period 0's orders include every new customer's first order: compare from period 1 on,
  // counting only the orders of customers alive at the start (the new ones order first in
  // the period they are acquired: orders_t = repeat + new_t).
  for (int t = 1; t < H; ++t) {
    const auto m = orders_m[static_cast<std::size_t>((10 + t) % 12)];
    const auto a = acq_m[static_cast<std::size_t>((10 + t) % 12)];
    std::vector<double> rate, acquired;
    for (int p = 0; p < r.paths; ++p) {
      const auto i = static_cast<std::size_t>(p * H + t);
      rate.push_back((orders[i] - fresh[i]) / (active[i] - fresh[i]));
      acquired.push_back(fresh[i]);
    }
    const MeanSe o = across_paths(rate), n = across_paths(acquired);
    EXPECT_NEAR(o.mean, 0.25 * m, K_SE * o.se) << "period " << t;
    EXPECT_NEAR(n.mean, 2000.0 * a, K_SE * n.se) << "period " << t;
  }
}

}  // namespace

namespace {

// docs/model.md §4: every customer a channel brings draws its segment from the channel's
// `segments` mix (one uniform of the segment stream against the mix's cumulative shares);
// referred customers keep the scenario's shares. Each new customer is in segment b2b with
// probability p independently, so the per-path share of b2b among a channel's N_p customers
// is within K_SE standard errors (across 10 paths) of p.
const char* TWO_SEGMENT_TOML = R"(
[simulation]
period = "month"
horizon = 12
paths = 10
seed = 23
[population]
initial_customers = 20000
[purchase]
model = "sbg_poisson"
a = 1
b = 20
r = 0.5
alpha = 2
[spend]
model = "fixed"
value = 100
[satisfaction]
initial_mean = 8.5
initial_sd = 1.0
[referrals]
promoter_rate = 0.05
passive_rate = 0.02
reward = 20
[[segment]]
name = "b2c"
share = 0.85
[[segment]]
name = "b2b"
share = 0.15
overrides = { "spend.value" = 650 }
)";

//! Sum over the horizon of a per-period KPI of one segment, per path.
std::vector<double> segment_totals(const Results& r, const std::string& segment, const std::string& kpi)
{
  const auto& v = r.variants[0].segments.at(segment).periods.at(kpi);
  std::vector<double> out(static_cast<std::size_t>(r.paths), 0.0);
  for (int p = 0; p < r.paths; ++p)
    for (int t = 0; t < r.horizon; ++t)
      out[static_cast<std::size_t>(p)] += v[static_cast<std::size_t>(p * r.horizon + t)];
  return out;
}

TEST(Statistical, ChannelCustomersFollowTheChannelsSegmentMix)
{
  const auto r = run_toml(std::string(TWO_SEGMENT_TOML) + R"(
[[acquisition.channel]]
name = "sales"
customers_per_period = 2000
cac = 400
segments = { b2b = 0.7, b2c = 0.3 }
)");
  const auto b2b_new = segment_totals(r, "b2b", "customers_new"), b2c_new = segment_totals(r, "b2c", "customers_new");
  const auto b2b_ref = segment_totals(r, "b2b", "customers_new_referral"),
             b2c_ref = segment_totals(r, "b2c", "customers_new_referral");
  std::vector<double> paid_share, referral_share;
  for (std::size_t p = 0; p < b2b_new.size(); ++p) {
    const double b2b_paid = b2b_new[p] - b2b_ref[p], b2c_paid = b2c_new[p] - b2c_ref[p];
    paid_share.push_back(b2b_paid / (b2b_paid + b2c_paid));
    ASSERT_GT(b2b_ref[p] + b2c_ref[p], 1000.0) << "the test needs referrals";
    referral_share.push_back(b2b_ref[p] / (b2b_ref[p] + b2c_ref[p]));
  }
  const MeanSe paid = across_paths(paid_share), referred = across_paths(referral_share);
  EXPECT_NEAR(paid.mean, 0.7, K_SE * paid.se) << "se " << paid.se;
  EXPECT_NEAR(referred.mean, 0.15, K_SE * referred.se) << "referrals keep the scenario's shares; se " << referred.se;
  // The initial cohort keeps the scenario's shares too: b2b's share of the customers at t = 0.
  std::vector<double> initial_share;
  const auto& b2b_init = r.variants[0].segments.at("b2b").paths.at("customers_initial");
  for (int p = 0; p < r.paths; ++p) initial_share.push_back(b2b_init[static_cast<std::size_t>(p)] / 20000.0);
  const MeanSe initial = across_paths(initial_share);
  EXPECT_NEAR(initial.mean, 0.15, K_SE * std::sqrt(0.15 * 0.85 / 20000.0 / r.paths)) << "se " << initial.se;
}

TEST(Statistical, SegmentCacIsItsChannelsCacWhenOneChannelBringsIt)
{
  // sales brings only b2b, ads only b2c; CAC grows 20% a year, so the CAC paid varies over
  // the horizon and the per-segment CAC (the segment's paid spend / its paid customers) must
  // weigh each period's CAC by that period's customers exactly as cac_paid_<channel> does.
  const auto r = run_toml(std::string(TWO_SEGMENT_TOML) + R"(
[[acquisition.channel]]
name = "sales"
customers_per_period = 300
cac = 400
cac_inflation_annual = 0.2
segments = { b2b = 1 }
[[acquisition.channel]]
name = "ads"
budget_per_period = 40000
cac = 40
cac_inflation_annual = 0.2
segments = { b2c = 1.0, b2b = 0 }
)");
  const auto& total = r.variants[0].kpis.paths;
  const auto& b2b = r.variants[0].segments.at("b2b").paths;
  const auto& b2c = r.variants[0].segments.at("b2c").paths;
  for (int p = 0; p < r.paths; ++p) {
    const auto i = static_cast<std::size_t>(p);
    EXPECT_NEAR(b2b.at("cac_mean")[i], total.at("cac_paid_sales")[i], 1e-9 * total.at("cac_paid_sales")[i]);
    EXPECT_NEAR(b2c.at("cac_mean")[i], total.at("cac_paid_ads")[i], 1e-9 * total.at("cac_paid_ads")[i]);
    EXPECT_GT(b2b.at("cac_mean")[i], 400.0);  // inflated after period 0
    EXPECT_LT(b2b.at("cac_mean")[i], 400.0 * 1.2);
  }
}

}  // namespace

namespace {

// docs/model.md §3.1: the warm-up. sBG subscribers (every effect off), N0 = 20,000 acquired
// at the start of the warm-up (u = 0), W = 6 warm-up periods: the customers at t = 0 are those
// alive at the end of u = W - 1, N0 S(W - 1) in expectation, and each pays the fee at t = k
// when it survives to u = W + k, so its CLV counted from t = 0 and discounted to it is
// fee sum_k delta^k S(W + k) / S(W - 1). K_SE standard errors across 10 paths; the
// customers a path starts with are binomial, SE sqrt(N0 S (1 - S) / P).
TEST(Statistical, WarmupStartsTheHorizonWithTheSurvivors)
{
  const int W = 6, H = 24, P = 10;
  std::string toml = SBG_TOML;
  toml.replace(toml.find("[simulation]\n"), 13, "[simulation]\nwarmup_periods = 6\n");
  const auto r = run_toml(toml);
  const double n0 = 20000, s_start = sbg_survival(0.704, 1.182, W - 1);
  const auto initial = across_paths(r.variants[0].kpis.paths.at("customers_initial"));
  EXPECT_NEAR(initial.mean, n0 * s_start, K_SE * std::sqrt(n0 * s_start * (1 - s_start) / P));
  const double delta = std::pow(1.1, -1.0 / 12.0);
  double expected = 0;
  for (int k = 0; k < H; ++k) expected += 10.0 * std::pow(delta, k) * sbg_survival(0.704, 1.182, W + k) / s_start;
  const auto clv = across_paths(r.variants[0].kpis.paths.at("clv_horizon_mean"));
  EXPECT_NEAR(clv.mean, expected, K_SE * clv.se) << "se " << clv.se;
  // Period 0 reports the survivors' payments only: no acquisition spike.
  const auto& active = r.variants[0].kpis.periods.at("customers_active");
  double active0 = 0;
  for (int p = 0; p < P; ++p) active0 += active[static_cast<std::size_t>(p * H)] / P;
  const double s0 = sbg_survival(0.704, 1.182, W);
  EXPECT_NEAR(active0, n0 * s0, K_SE * std::sqrt(n0 * s0 * (1 - s0) / P));
  EXPECT_EQ(r.variants[0].kpis.paths.at("customers_acquired"), std::vector<double>(P, 0.0));
}

// With a channel of c = 500 customers per period through the warm-up (W = 12) and the
// horizon: the shop starts with N0 S(W - 1) of the initial cohort plus c sum_{j<W} S(j) of the
// warm-up's customers (acquired at u = W - 1 - j: alive at its end after j survival tests),
// and acquires c per period of the horizon only. sbg_poisson, every effect off. K_SE SE
// across 10 paths (the paths' values are independent: the path SE is measured).
TEST(Statistical, WarmupCustomersComeFromTheChannelsAsInPeriodZero)
{
  const char* toml = R"(
[simulation]
horizon = 12
paths = 10
seed = 8
warmup_periods = 12
[population]
initial_customers = 4000
[purchase]
model = "sbg_poisson"
a = 2.0
b = 10.0
r = 0.8
alpha = 1.6
[spend]
model = "fixed"
value = 50.0
[[acquisition.channel]]
name = "ads"
customers_per_period = 500
cac = 40
)";
  const auto r = run_toml(toml);
  const int W = 12;
  double expected = 4000 * sbg_survival(2.0, 10.0, W - 1);
  for (int j = 0; j < W; ++j) expected += 500 * sbg_survival(2.0, 10.0, j);
  const auto initial = across_paths(r.variants[0].kpis.paths.at("customers_initial"));
  EXPECT_NEAR(initial.mean, expected, K_SE * initial.se) << "se " << initial.se;
  const auto acquired = across_paths(r.variants[0].kpis.paths.at("customers_acquired"));
  EXPECT_NEAR(acquired.mean, 500.0 * 12, K_SE * acquired.se) << "se " << acquired.se;
  const auto cac = across_paths(r.variants[0].kpis.paths.at("cac_mean"));
  EXPECT_DOUBLE_EQ(cac.mean, 40.0);  // the horizon's spend over the horizon's customers
}

// The built-in scenario starts in its steady state (issue #23): period 0's revenue within
// 30% of the mean of periods 1-3, and the NPS of period 35 within 5 points of period 0's.
TEST(Statistical, DefaultScenarioStartsInItsSteadyState)
{
  const auto sc = scenarios::load_default({"simulation.paths=4"});
  const auto r = run(sc, RunOptions{});
  const auto& rev = r.variants[0].kpis.periods.at("revenue");
  const auto& nps = r.variants[0].kpis.periods.at("nps");
  const int H = r.horizon;
  double r0 = 0, r13 = 0, n0 = 0, nlast = 0;
  for (int p = 0; p < r.paths; ++p) {
    const auto b = static_cast<std::size_t>(p * H);
    r0 += rev[b];
    r13 += (rev[b + 1] + rev[b + 2] + rev[b + 3]) / 3;
    n0 += nps[b];
    nlast += nps[b + static_cast<std::size_t>(H) - 1];
  }
  EXPECT_LT(std::abs(r0 / r13 - 1), 0.30) << "period 0 " << r0 / r.paths << " vs " << r13 / r.paths;
  EXPECT_LT(std::abs(nlast - n0) / r.paths, 5.0);
}

}  // namespace

namespace {

// docs/model.md §11.1.7: lifetime CLV. A new sBG subscriber paying 1 a period (gross margin 1,
// no costs) from its acquisition period on is worth DEL = sum_{t>=0} delta^t S(t) =
// 2F1(1, beta; alpha + beta; delta) (Fader & Hardie 2010), whatever the horizon: the horizon's
// payments plus the closed-form residual of each subscriber alive at its end. S(t) is summed
// here as the product of retention rates (independently of the code under test) to t = 20,000.
// A 6-month horizon leaves most of the value to the residual; clv_horizon_mean keeps only the
// first 6 terms. K_SE standard errors across 10 paths.
double discounted_survival_sum(double alpha, double beta, double delta, int from)
{
  double sum = 0, s = 1, d = 1;
  for (int t = 0; t < 20000; ++t) {
    if (t >= from) sum += d * s;
    s *= (beta + t) / (alpha + beta + t);
    d *= delta;
  }
  return sum;
}

TEST(Statistical, LifetimeClvOfAnSbgSubscriberIsTheHypergeometricSeries)
{
  std::string toml = SBG_TOML;
  toml.replace(toml.find("horizon = 24"), 12, "horizon = 6");
  toml.replace(toml.find("fee = 10.0"), 10, "fee = 1.0");
  const auto r = run_toml(toml);
  const double delta = std::pow(1.1, -1.0 / 12.0);
  const double del = discounted_survival_sum(0.704, 1.182, delta, 0);
  const auto clv = across_paths(r.variants[0].kpis.paths.at("clv_initial_cohort_mean"));
  EXPECT_NEAR(clv.mean, del, K_SE * clv.se) << "se " << clv.se;
  double horizon = 0;
  for (int t = 0; t < 6; ++t) horizon += std::pow(delta, t) * sbg_survival(0.704, 1.182, t);
  const auto cut = across_paths(r.variants[0].kpis.paths.at("clv_horizon_mean"));
  EXPECT_NEAR(cut.mean, horizon, K_SE * cut.se) << "se " << cut.se;
  EXPECT_GT(del - horizon, 1.0) << "the residual is most of the value";
}

// sbg_poisson, every order worth 1: a new customer orders once at acquisition, then
// Poisson(lambda) in every period it survives, lambda ~ Gamma(r, alpha) independent of theta:
// E[CLV] = 1 + (r / alpha) sum_{t>=1} delta^t S(t), horizon or not.
TEST(Statistical, LifetimeClvOfAnSbgPoissonCustomerCountsTheOrdersAfterTheHorizon)
{
  const char* toml = R"(
[simulation]
horizon = 4
paths = 10
seed = 15
[population]
initial_customers = 20000
[purchase]
model = "sbg_poisson"
a = 2.0
b = 8.0
r = 0.8
alpha = 1.6
[spend]
model = "fixed"
value = 1.0
[economics]
gross_margin = 1.0
discount_rate_annual = 0.2
)";
  const auto r = run_toml(toml);
  const double delta = std::pow(1.2, -1.0 / 12.0);
  const double expected = 1.0 + 0.5 * discounted_survival_sum(2.0, 8.0, delta, 1);
  const auto clv = across_paths(r.variants[0].kpis.paths.at("clv_initial_cohort_mean"));
  EXPECT_NEAR(clv.mean, expected, K_SE * clv.se) << "se " << clv.se;
}

}  // namespace

namespace {

// The continuous-time residuals (bg_nbd, mbg_nbd, pareto_nbd; docs/model.md §11.1.7) against the
// simulation itself: the lifetime CLV of a 6-month horizon equals that of a 240-month one
// (where the residual is a small tail), within K_SE combined standard errors plus 1% for the
// residual's continuous discounting (a cash flow counted at its period's start, at most one
// period's discount, 1.5%, early: 1% of the value bounds it as the residual is < 2/3 of it).
class ContinuousResidual : public ::testing::TestWithParam<const char*> {};

TEST_P(ContinuousResidual, ShortAndLongHorizonsAgreeOnLifetimeClv)
{
  const std::string purchase = GetParam();
  auto toml = [&](int horizon) {
    return "[simulation]\nhorizon = " + std::to_string(horizon) +
           "\npaths = 10\nseed = 19\n[population]\n"
           "initial_customers = 5000\n[purchase]\n" +
           purchase +
           "\n[spend]\nmodel = \"fixed\"\nvalue = 1.0\n[economics]\ngross_margin = 1.0\ndiscount_rate_annual = 0.2\n";
  };
  const auto short_run = across_paths(run_toml(toml(6)).variants[0].kpis.paths.at("clv_initial_cohort_mean"));
  const auto long_run = across_paths(run_toml(toml(240)).variants[0].kpis.paths.at("clv_initial_cohort_mean"));
  const double se = std::hypot(short_run.se, long_run.se);
  EXPECT_NEAR(short_run.mean, long_run.mean, K_SE * se + 0.01 * long_run.mean)
      << "6 months: " << short_run.mean << ", 240 months: " << long_run.mean << ", se " << se;
}

INSTANTIATE_TEST_SUITE_P(
    Models, ContinuousResidual,
    ::testing::Values("model = \"bg_nbd\"\nr = 0.8\nalpha = 4.0\na = 0.8\nb = 2.5\ntime_unit = \"month\"",
                      "model = \"mbg_nbd\"\nr = 0.8\nalpha = 4.0\na = 0.8\nb = 2.5\ntime_unit = \"month\"",
                      "model = \"pareto_nbd\"\nr = 0.8\nalpha = 4.0\ns = 0.6\nbeta = 10.0\ntime_unit = \"month\""),
    [](const ::testing::TestParamInfo<const char*>& info) {
      const std::string p = info.param;
      return p.substr(p.find('"') + 1, p.find('"', p.find('"') + 1) - p.find('"') - 1);
    });

}  // namespace

namespace {

// docs/model.md §11.5: the per-customer forecast's lifetime CLV and predictive quantiles. For
// the CDNOW customers (BG/NBD from their histories), the mean over customers of each one's
// lifetime CLV is the same from a 6-week and a 156-week horizon, within K_SE combined
// standard errors (each customer's Monte Carlo SE, independent across customers) plus 1% for
// the residual's continuous discounting; its horizon CLV grows with the horizon; the
// quantiles are ordered and the lifetime CLV is at least the horizon's (no period costs).
TEST(Statistical, ForecastLifetimeClvDoesNotDependOnTheHorizon)
{
  auto forecast = [](int weeks) {
    const auto sc = clvsim::test::load_file("tests/regression/cases/history_bgnbd.toml",
                                            {"simulation.paths=20", "simulation.horizon=" + std::to_string(weeks)});
    return run(sc, RunOptions{}).forecast;
  };
  const auto short_run = forecast(6), long_run = forecast(156);
  const std::size_t E = short_run.customer_id.size();
  ASSERT_EQ(E, 2357u);
  double s = 0, l = 0, var = 0, hs = 0, hl = 0;
  for (std::size_t j = 0; j < E; ++j) {
    s += short_run.expected_clv_lifetime[j] / E;
    l += long_run.expected_clv_lifetime[j] / E;
    var += (std::pow(short_run.expected_clv_lifetime_se[j], 2) + std::pow(long_run.expected_clv_lifetime_se[j], 2)) /
           (static_cast<double>(E) * E);
    hs += short_run.expected_clv[j] / E;
    hl += long_run.expected_clv[j] / E;
    for (const auto* f : {&short_run, &long_run}) {
      EXPECT_LE(f->orders_p05[j], f->orders_p50[j]);
      EXPECT_LE(f->orders_p50[j], f->orders_p95[j]);
      EXPECT_LE(f->clv_lifetime_p05[j], f->clv_lifetime_p50[j]);
      EXPECT_LE(f->clv_lifetime_p50[j], f->clv_lifetime_p95[j]);
      EXPECT_GE(f->expected_clv_lifetime[j], f->expected_clv[j] - 1e-9);
    }
  }
  EXPECT_NEAR(s, l, K_SE * std::sqrt(var) + 0.01 * l) << "6 weeks " << s << ", 156 weeks " << l;
  EXPECT_GT(hl, 2 * hs) << "the horizon's part grows with the horizon";
}

// docs/model.md §11.1.3: clv_existing_mean is, on each path, the mean over the history's
// customers of their lifetime CLVs, so its mean across paths is the mean over customers of
// the forecast's expected_clv_lifetime (the same sums in another order: 1e-9 relative), and
// customer_equity_existing is their sum; runs without a history have neither (NaN).
TEST(Statistical, ExistingCustomersClvAndEquityAreTheForecastsAggregates)
{
  const auto sc = clvsim::test::load_file("tests/regression/cases/history_bgnbd.toml", {"simulation.paths=8"});
  const Results r = run(sc, RunOptions{});
  const auto& paths = r.variants[0].kpis.paths;
  const std::vector<double>& mean = paths.at("clv_existing_mean");
  const std::vector<double>& equity = paths.at("customer_equity_existing");
  ASSERT_EQ(mean.size(), 8u);
  const std::size_t E = r.forecast.customer_id.size();
  ASSERT_EQ(E, 2357u);
  double across_paths = 0, over_customers = 0;
  for (std::size_t p = 0; p < mean.size(); ++p) {
    EXPECT_NEAR(equity[p], mean[p] * static_cast<double>(E), 1e-9 * std::abs(equity[p])) << "path " << p;
    across_paths += mean[p] / static_cast<double>(mean.size());
  }
  for (std::size_t j = 0; j < E; ++j) over_customers += r.forecast.expected_clv_lifetime[j] / static_cast<double>(E);
  EXPECT_GT(over_customers, 0.0);
  EXPECT_NEAR(across_paths, over_customers, 1e-9 * over_customers);

  const auto none = clvsim::test::load_file("tests/regression/cases/segments_everything.toml", {"simulation.paths=2"});
  const Results without = run(none, RunOptions{});
  for (const char* kpi : {"clv_existing_mean", "customer_equity_existing"})
    for (double x : without.variants[0].kpis.paths.at(kpi)) EXPECT_TRUE(std::isnan(x)) << kpi << " " << x;
}

}  // namespace
