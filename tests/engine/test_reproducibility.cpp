// The reproducibility contract of docs/model.md §10, tested bitwise: (a) identical results for any
// thread count; (c) running 2N paths reproduces the first N paths exactly.
#include "engine/run/driver.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace clvsim;

// Small blocks so that every period has many blocks to spread over threads; two segments,
// a paid channel and service incidents so every code path of the kernel runs.
const char* TOML = R"(
[simulation]
horizon = 12
paths = 6
seed = 99
block_size = 64
[population]
initial_customers = 700
[purchase]
model = "sbg_poisson"
a = 1.0
b = 6.0
r = 1.2
alpha = 2.0
[spend]
model = "gamma_gamma"
p = 6.25
q = 3.74
gamma = 15.44
[economics]
return_rate = 0.1
return_cost = 5.0
[service]
incident_probability = 0.2
first_contact_resolution = 0.6
courtesy = 0.8
cost_per_contact = 4.0
[satisfaction]
churn_sensitivity = 0.3
frequency_sensitivity = 0.1
[[segment]]
name = "bargain"
share = 0.4
overrides = { "purchase.r" = 0.6, "spend.p" = 4.0 }
[[segment]]
name = "regular"
share = 0.6
[[acquisition.channel]]
name = "ads"
budget_per_period = 5000.0
cac = 50.0
cac_inflation_annual = 0.1
)";

Results run_with(const std::string& toml, int threads, const std::vector<std::string>& sets = {},
                 bool block_major = true)
{
  const auto sc = scenarios::load_string(toml, "repro.toml", ".", sets);
  RunOptions options;
  options.threads = threads;
  options.block_major = block_major;
  return run(sc, options);
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b)
{
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

void expect_tables_equal(const KpiTable& a, const KpiTable& b)
{
  ASSERT_EQ(a.periods.size(), b.periods.size());
  for (const auto& [name, v] : a.periods) EXPECT_TRUE(bitwise_equal(v, b.periods.at(name))) << name;
  ASSERT_EQ(a.paths.size(), b.paths.size());
  for (const auto& [name, v] : a.paths) EXPECT_TRUE(bitwise_equal(v, b.paths.at(name))) << name;
}

//! The first variant of two runs: every KPI table (total and per segment) and the CLV
//! histogram, bit for bit.
void expect_first_variant_equal(const Results& a, const Results& b)
{
  expect_tables_equal(a.variants[0].kpis, b.variants[0].kpis);
  for (const auto& [seg, table] : a.variants[0].segments) expect_tables_equal(table, b.variants[0].segments.at(seg));
  EXPECT_TRUE(bitwise_equal(a.variants[0].clv_histogram.counts, b.variants[0].clv_histogram.counts));
  EXPECT_TRUE(bitwise_equal(a.variants[0].clv_histogram.edges, b.variants[0].clv_histogram.edges));
}

TEST(Reproducibility, BitwiseIdenticalForAnyThreadCount)
{
  const auto one = run_with(TOML, 1);
  for (int threads : {2, 4}) {
    const auto other = run_with(TOML, threads);
    expect_first_variant_equal(one, other);
  }
}

TEST(Reproducibility, FirstNPathsOfA2NRunEqualAnNRun)
{
  const auto n = run_with(TOML, 0, {"simulation.paths=3"});
  const auto two_n = run_with(TOML, 0, {"simulation.paths=6"});
  const int H = 12;
  for (const auto& [name, v] : n.variants[0].kpis.periods) {
    const auto& w = two_n.variants[0].kpis.periods.at(name);
    ASSERT_EQ(v.size(), 3u * H);
    EXPECT_EQ(std::memcmp(v.data(), w.data(), v.size() * sizeof(double)), 0) << name;
  }
  for (const auto& [name, v] : n.variants[0].kpis.paths) {
    const auto& w = two_n.variants[0].kpis.paths.at(name);
    EXPECT_EQ(std::memcmp(v.data(), w.data(), v.size() * sizeof(double)), 0) << name;
  }
}

TEST(Reproducibility, SeedChangesResults)
{
  const auto a = run_with(TOML, 0);
  const auto b = run_with(TOML, 0, {"simulation.seed=100"});
  EXPECT_FALSE(bitwise_equal(a.variants[0].kpis.paths.at("npv_profit"), b.variants[0].kpis.paths.at("npv_profit")));
}

TEST(Reproducibility, SegmentsAddUpToTheTotal)
{
  const auto r = run_with(TOML, 0);
  const auto& v = r.variants[0];
  for (const char* kpi : {"orders", "revenue", "customers_active", "incidents", "cost_service"}) {
    const auto& total = v.kpis.periods.at(kpi);
    for (std::size_t i = 0; i < total.size(); ++i) {
      double sum = 0;
      for (const auto& [seg, table] : v.segments) sum += table.periods.at(kpi)[i];
      EXPECT_NEAR(sum, total[i], 1e-9 * (1 + std::abs(total[i]))) << kpi << " at " << i;
    }
  }
}

// Without acquisition after the start the blocks never interact, and each block runs all
// its periods in one task (block-major). Forced to run period by period, the same scenario
// must give bitwise the same KPIs, and block-major results must not depend on the thread
// count either. Two segments and the default
// scenario's service, returns and courtesy keep every kernel path in play.
std::string without_channel()
{
  std::string t = TOML;
  t.erase(t.find("[[acquisition.channel]]"));
  return t;
}

TEST(Reproducibility, BlockMajorRunEqualsPeriodByPeriodRun)
{
  const std::string toml = without_channel();
  const auto a = run_with(toml, 1);
  const auto b = run_with(toml, 2, {}, /*block_major=*/false);
  expect_first_variant_equal(a, b);
}

// With a channel (and so customers joining every period) the full blocks of the start run
// block-major and the rest period by period; the results must still be bitwise those of
// the period-by-period run.
TEST(Reproducibility, BlockMajorRunWithAcquisitionEqualsPeriodByPeriodRun)
{
  for (const char* n0 : {"population.initial_customers=700", "population.initial_customers=704"}) {
    const auto a = run_with(TOML, 1, {n0});
    const auto b = run_with(TOML, 2, {n0}, /*block_major=*/false);
    expect_first_variant_equal(a, b);
  }
}

// A long horizon makes each block's tallies large (2400 periods x 2 segments), so the
// block-major blocks run in several groups (engine/run/driver.cpp keeps ~16 MB of them at a
// time): the sums must still be those of the period-by-period run.
TEST(Reproducibility, BlockMajorRunInGroupsEqualsPeriodByPeriodRun)
{
  const std::vector<std::string> sets = {"simulation.horizon=2400", "simulation.paths=1",
                                         "population.initial_customers=2000"};
  const auto a = run_with(without_channel(), 2, sets);
  const auto b = run_with(without_channel(), 1, sets, /*block_major=*/false);
  expect_first_variant_equal(a, b);
}

// One segment and no existing customers: a block-major block of the initial cohort frees its
// segment, flags and order counts when it is done (only CLV and revenue are read after). The
// CLV sums, the initial cohort's mean and the histogram must be those of the period-by-period
// run, which keeps every array; with a channel, released and kept blocks mix in one path.
TEST(Reproducibility, OneSegmentBlockMajorRunEqualsPeriodByPeriodRun)
{
  std::string one_segment = TOML;
  one_segment.erase(one_segment.find("[[segment]]"),
                    one_segment.find("[[acquisition.channel]]") - one_segment.find("[[segment]]"));
  for (const std::string& toml : {one_segment, one_segment.substr(0, one_segment.find("[[acquisition.channel]]"))}) {
    const auto a = run_with(toml, 2);
    const auto b = run_with(toml, 1, {}, /*block_major=*/false);
    expect_first_variant_equal(a, b);
    EXPECT_TRUE(a.variants[0].kpis.paths.count("clv_initial_cohort_mean"));
  }
}

TEST(Reproducibility, BlockMajorRunIsBitwiseIdenticalForAnyThreadCount)
{
  const std::string toml = without_channel();
  const auto one = run_with(toml, 1);
  for (int threads : {2, 4}) {
    const auto other = run_with(toml, threads);
    expect_first_variant_equal(one, other);
  }
}

}  // namespace
