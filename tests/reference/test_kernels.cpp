// The fast kernel (models/sim/kernel.cpp) against the reference kernel
// (models/reference/kernel.cpp), the model's plain per-customer definition.
//
// Block by block and period by period: two copies of the same customers (an initial cohort,
// existing customers and, where the case's scenario has channels, `customers_per_period`
// new customers each period) go through each period, one copy by each kernel, and after
// every period
// * every live customer's state must be the same: its lane, id, segment and flags (so its
//   churn period and its loyalty enrolment), its order count, its satisfaction and its
//   clocks (bit for bit: both kernels compute them with the same functions in the same
//   precision, models/sim/service.h and orders.h), and its CLV and revenue (floats, within
//   1e-5 relative: the same additions, in another order only where a fast path sums first);
// * every customer who left must have left in the same period with the same order count;
// * the block's per-segment tallies of counts (active, churned, orders, incidents,
//   contacts, NPS categories, reviews and their stars, members, loyal/one-time ordering)
//   must be equal, and its sums of money within 1e-9 relative (summed in another order).
//
// Each case (tests/reference/cases/*.toml) exercises one group of the fast kernel's
// eligibility rules, named in its first comment; together they reach every fast path.
// The second suite runs whole scenarios (the default, every example and the regression
// cases) with both kernels and requires every per-path and per-period KPI to agree to 1e-6.
#include "engine/run/driver.h"
#include "models/reference/kernel.h"
#include "models/sim/block.h"
#include "models/sim/kernel.h"
#include "models/sim/segment_model.h"
#include "models/sim/traits.h"
#include "scenarios/scenario.h"
#include "scenarios/segment_model.h"
#include "tests/support/support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using clvsim::Kernel;
using clvsim::sim::Block;
using clvsim::sim::SegmentModel;
using clvsim::sim::TallyRow;

constexpr std::uint64_t ACQUIRED_ID_BASE = std::uint64_t{1} << 39;  // as the driver's ids

struct Population {
  std::vector<Block> blocks;
  std::size_t block_size = 4096;

  Block& next_slot()
  {
    if (blocks.empty() || blocks.back().size() == block_size) {
      blocks.emplace_back();
      blocks.back().reserve(block_size);
    }
    return blocks.back();
  }
};

//! Customers with ids first .. first + n - 1 joining in `period`, in segment id % S, with
//! their traits and clocks as the driver draws them; existing customers (EXISTING) come with
//! 1-4 orders already.
void add_customers(Population& pop, const std::vector<SegmentModel>& segments, std::uint64_t seed, std::uint32_t path,
                   int period, std::uint64_t first, std::size_t n, std::uint8_t flags)
{
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t id = first + k;
    const auto segment = static_cast<std::uint8_t>(id % segments.size());
    float lambda, churn, nu, sat, sclock, oclock;
    clvsim::sim::draw_traits(segments[segment], seed, path, id, lambda, churn, nu, sat);
    clvsim::sim::draw_clocks(seed, path, 1, &id, &sclock, &oclock);
    const std::uint32_t orders = (flags & clvsim::sim::EXISTING) ? 1 + static_cast<std::uint32_t>(id % 4) : 0;
    pop.next_slot().push_back(id, static_cast<std::uint16_t>(period), segment,
                              static_cast<std::uint8_t>(flags | clvsim::sim::ALIVE), orders, lambda, churn, nu, sat,
                              sclock, oclock);
  }
}

bool same_bits(float a, float b)
{
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool close(double a, double b, double rel, double floor)
{
  return std::fabs(a - b) <= rel * std::max({std::fabs(a), std::fabs(b)}) + floor;
}

//! The first difference between two copies of a block after a period, or "".
std::string block_difference(const Block& f, const Block& r)
{
  std::ostringstream why;
  const auto& F = f.live;
  const auto& R = r.live;
  if (F.size() != R.size()) {
    why << "live customers: fast " << F.size() << ", reference " << R.size();
    return why.str();
  }
  for (std::size_t i = 0; i < F.size(); ++i) {
    const std::uint64_t id = F.id_lo[i] | (static_cast<std::uint64_t>(F.id_hi[i]) << 32);
    why << "lane " << i << " (customer " << id << "): ";
    if (F.slot[i] != R.slot[i] || F.id_lo[i] != R.id_lo[i] || F.id_hi[i] != R.id_hi[i])
      return why.str() + "a different customer";
    if (F.meta[i] != R.meta[i]) return why.str() + "segment or flags differ";
    if (F.orders[i] != R.orders[i])
      return why.str() + "orders " + std::to_string(F.orders[i]) + " vs " + std::to_string(R.orders[i]);
    if (!same_bits(F.sat[i], R.sat[i]))
      return why.str() + "satisfaction " + std::to_string(F.sat[i]) + " vs " + std::to_string(R.sat[i]);
    if (!same_bits(F.sclock[i], R.sclock[i]) || !same_bits(F.oclock[i], R.oclock[i])) return why.str() + "clocks";
    if (!same_bits(F.lambda[i], R.lambda[i]) || !same_bits(F.churn[i], R.churn[i]) || !same_bits(F.nu[i], R.nu[i]))
      return why.str() + "traits";
    if (!close(F.clv[i], R.clv[i], 1e-5, 1e-3) || !close(F.revenue[i], R.revenue[i], 1e-5, 1e-3))
      return why.str() + "clv " + std::to_string(F.clv[i]) + " vs " + std::to_string(R.clv[i]) + ", revenue " +
             std::to_string(F.revenue[i]) + " vs " + std::to_string(R.revenue[i]);
    why.str("");
  }
  if (f.flags != r.flags) return "the flags of customers who left differ (churn period or enrolment)";
  for (std::size_t s = 0; s < f.size(); ++s) {
    if (f.n_orders[s] != r.n_orders[s]) return "customer " + std::to_string(s) + " of the block left with other orders";
    if (!close(f.clv[s], r.clv[s], 1e-5, 1e-3) || !close(f.revenue[s], r.revenue[s], 1e-5, 1e-3))
      return "customer " + std::to_string(s) + " of the block left with another clv or revenue";
  }
  return "";
}

//! Tallies that count customers, orders, contacts or reviews (stars are whole numbers too).
bool is_count(std::size_t k)
{
  using namespace clvsim::sim;
  switch (k) {
    case T_REVENUE:
    case T_REVENUE_REPEAT:
    case T_GROSS_MARGIN:
    case T_COST_SERVICE:
    case T_COST_FULFILMENT:
    case T_COST_LOYALTY:
    case T_COST_MARKETING:
    case T_REFERRAL_RATE:
      return false;
    default:
      return true;
  }
}

std::string tally_difference(const std::vector<TallyRow>& f, const std::vector<TallyRow>& r)
{
  for (std::size_t g = 0; g < f.size(); ++g)
    for (std::size_t k = 0; k < clvsim::sim::T_COUNT; ++k) {
      const bool ok = is_count(k) ? f[g][k] == r[g][k] : close(f[g][k], r[g][k], 1e-9, 1e-6);
      if (!ok) {
        std::ostringstream why;
        why.precision(17);
        why << "segment " << g << " tally " << k << ": fast " << f[g][k] << ", reference " << r[g][k];
        return why.str();
      }
    }
  return "";
}

struct KernelCase {
  const char* file;      //!< in tests/reference/cases
  std::size_t existing;  //!< existing customers added at the start
  std::uint32_t path;
};

void PrintTo(const KernelCase& c, std::ostream* os)
{
  *os << c.file << " (path " << c.path << ", " << c.existing << " existing)";
}

class FastAgainstReference : public ::testing::TestWithParam<KernelCase> {};

TEST_P(FastAgainstReference, SameCustomersSameOutcomesEveryPeriod)
{
  const KernelCase kc = GetParam();
  const auto sc = clvsim::test::load_file(std::string("tests/reference/cases/") + kc.file);
  std::vector<SegmentModel> segments;
  for (const auto& s : sc.segments)
    segments.push_back(clvsim::scenarios::segment_model(s.behaviour, sc.simulation.period));
  const int H = sc.simulation.horizon_periods;
  const double delta = std::pow(1.0 + sc.base.economics.discount_rate_annual,
                                -clvsim::scenarios::days_in(sc.simulation.period) / 365.25);
  std::vector<double> discount(static_cast<std::size_t>(H) + 1);
  for (std::size_t k = 0; k < discount.size(); ++k) discount[k] = std::pow(delta, static_cast<double>(k));
  const std::uint64_t seed = sc.simulation.seed;
  Population fast, ref;
  fast.block_size = ref.block_size = static_cast<std::size_t>(sc.simulation.block_size);
  const auto n0 = static_cast<std::uint64_t>(sc.population.initial_customers);
  for (Population* pop : {&fast, &ref}) {
    add_customers(*pop, segments, seed, kc.path, 0, 0, n0, clvsim::sim::INITIAL);
    add_customers(*pop, segments, seed, kc.path, 0, n0, kc.existing, clvsim::sim::EXISTING);
  }
  std::uint64_t customer_periods = 0;
  for (int t = 0; t < H; ++t) {
    for (std::size_t c = 0; c < sc.channels.size(); ++c) {
      const auto& ch = sc.channels[c];
      const int end = ch.end_period < 0 ? H - 1 : ch.end_period;
      if (t < ch.start_period || t > end || !ch.customers_per_period) continue;
      const std::uint64_t first = ACQUIRED_ID_BASE | (static_cast<std::uint64_t>(t) << 26) | ((c + 1) << 20);
      const auto n = static_cast<std::size_t>(*ch.customers_per_period);
      for (Population* pop : {&fast, &ref}) add_customers(*pop, segments, seed, kc.path, t, first, n, 0);
    }
    clvsim::sim::PeriodContext ctx;
    ctx.seed = seed;
    ctx.path = kc.path;
    ctx.period = static_cast<std::uint32_t>(t);
    ctx.segments = segments;
    ctx.discount = discount;
    ctx.loyal_min_orders = sc.kpi.loyal_min_orders;
    for (std::size_t b = 0; b < fast.blocks.size(); ++b) {
      std::vector<TallyRow> tf(segments.size(), TallyRow{}), tr(segments.size(), TallyRow{});
      customer_periods += fast.blocks[b].live.size();
      clvsim::sim::simulate_period(fast.blocks[b], ctx, tf);
      clvsim::reference::simulate_period(ref.blocks[b], ctx, tr);
      const std::string block_diff = block_difference(fast.blocks[b], ref.blocks[b]);
      ASSERT_EQ(block_diff, "") << kc.file << ", period " << t << ", block " << b;
      const std::string tally_diff = tally_difference(tf, tr);
      ASSERT_EQ(tally_diff, "") << kc.file << ", period " << t << ", block " << b;
    }
  }
  EXPECT_GT(customer_periods, 10000u) << "the case should simulate a meaningful number of customer-periods";
}

INSTANTIATE_TEST_SUITE_P(EligibilityRules, FastAgainstReference,
                         ::testing::Values(KernelCase{"sbg_poisson_plain.toml", 0, 0},
                                           KernelCase{"sbg_poisson_plain.toml", 0, 5},
                                           KernelCase{"sbg_poisson_acquisitions.toml", 0, 1},
                                           KernelCase{"sbg_poisson_segments.toml", 800, 2},
                                           KernelCase{"sbg_poisson_loyalty_reviews.toml", 0, 3},
                                           KernelCase{"sbg_poisson_detractors_silent.toml", 0, 4},
                                           KernelCase{"sbg_poisson_heavy_buyers.toml", 0, 5},
                                           KernelCase{"sbg_poisson_many_incidents.toml", 300, 6},
                                           KernelCase{"sbg_poisson_fixed_spend.toml", 0, 13},
                                           KernelCase{"sbg_poisson_fixed_and_gamma_segments.toml", 400, 14},
                                           KernelCase{"sbg_subscriptions.toml", 500, 7},
                                           KernelCase{"bg_nbd.toml", 1000, 8}, KernelCase{"bg_nbd_plain.toml", 0, 9},
                                           KernelCase{"pareto_nbd_segments.toml", 1000, 10},
                                           KernelCase{"mbg_nbd.toml", 1000, 11}, KernelCase{"bg_bb.toml", 1000, 12}),
                         [](const ::testing::TestParamInfo<KernelCase>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.')) + "_path" + std::to_string(info.param.path);
                           return name;
                         });

// ---------------------------------------------------------------------------------------
// Whole runs: every per-path and per-period KPI of every variant and segment, and every
// comparison, agree to 1e-6 relative between the kernels (they differ only in the order
// money is summed in: measured ~1e-13).

void expect_tables_close(const clvsim::KpiTable& f, const clvsim::KpiTable& r, const std::string& where)
{
  using Column = std::map<std::string, std::vector<double>> clvsim::KpiTable::*;
  for (Column kind : {&clvsim::KpiTable::paths, &clvsim::KpiTable::periods})
    for (const auto& [name, values] : f.*kind) {
      const auto& other = (r.*kind).at(name);
      ASSERT_EQ(values.size(), other.size());
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::isnan(values[i]) && std::isnan(other[i])) continue;
        ASSERT_TRUE(close(values[i], other[i], 1e-6, 1e-9))
            << where << ' ' << name << '[' << i << "]: fast " << values[i] << ", reference " << other[i];
      }
    }
}

class WholeRuns : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(WholeRuns, EveryKpiAgreesWithinOneInAMillion)
{
  const auto [file, sets] = GetParam();
  std::vector<std::string> overrides = {"simulation.paths=3"};
  if (*sets) overrides.push_back(sets);
  const auto sc = clvsim::test::load_file(file, overrides);
  const auto f = clvsim::test::run_scenario(sc, {.threads = 2, .kernel = Kernel::fast});
  const auto r = clvsim::test::run_scenario(sc, {.threads = 2, .kernel = Kernel::reference});
  ASSERT_EQ(f.variants.size(), r.variants.size());
  for (std::size_t v = 0; v < f.variants.size(); ++v) {
    expect_tables_close(f.variants[v].kpis, r.variants[v].kpis, f.variants[v].name);
    for (const auto& [segment, table] : f.variants[v].segments)
      expect_tables_close(table, r.variants[v].segments.at(segment), f.variants[v].name + "/" + segment);
  }
  ASSERT_EQ(f.comparisons.size(), r.comparisons.size());
  for (std::size_t c = 0; c < f.comparisons.size(); ++c)
    for (const auto& [metric, values] : f.comparisons[c].paths) {
      const auto& other = r.comparisons[c].paths.at(metric);
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::isnan(values[i]) && std::isnan(other[i])) continue;
        ASSERT_TRUE(close(values[i], other[i], 1e-6, 1e-9))
            << f.comparisons[c].name << ' ' << metric << '[' << i << ']';
      }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, WholeRuns,
    ::testing::Values(std::pair{"scenarios/default.toml", ""}, std::pair{"scenarios/examples/cdnow_bgnbd.toml", ""},
                      std::pair{"scenarios/examples/service_and_loyalty.toml", ""},
                      std::pair{"scenarios/examples/subscription_box.toml", ""},
                      std::pair{"scenarios/examples/uncertain_investments.toml", ""},
                      std::pair{"bench/reference.toml", "population.initial_customers=200000"},
                      std::pair{"tests/regression/cases/segments_everything.toml", ""},
                      std::pair{"tests/regression/cases/history_bgnbd.toml", ""},
                      std::pair{"tests/regression/cases/history_pareto_segments.toml", ""},
                      std::pair{"tests/regression/cases/history_bgbb.toml", ""},
                      // the warm-up's end (docs/model.md §3.1) in every kernel path: segments, loyalty,
                      // referrals, channels
                      std::pair{"tests/regression/cases/segments_everything.toml", "simulation.warmup_periods=5"}),
    [](const ::testing::TestParamInfo<std::pair<const char*, const char*>>& info) {
      std::string name = info.param.first;
      name = name.substr(name.rfind('/') + 1);
      name = name.substr(0, name.find('.'));
      if (std::string(info.param.second).rfind("simulation.warmup_periods", 0) == 0) name += "_warmup";
      return name;
    });

}  // namespace
