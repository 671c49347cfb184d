#include "engine/run/driver.h"
#include "scenarios/segment_model.h"
#include "engine/stats/select.h"

#include "engine/core/errors.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/run/kpis.h"
#include "engine/run/variants.h"
#include "models/purchase/bg_nbd.h"
#include "models/purchase/pareto_nbd.h"
#include "models/purchase/sbg.h"
#include "models/reference/kernel.h"
#include "models/sim/block.h"
#include "models/sim/kernel.h"
#include "models/sim/segment_model.h"
#include "models/sim/service.h"
#include "scenarios/history.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <thread>

namespace clvsim {

using scenarios::ExistingCustomer;
using scenarios::Scenario;
using sim::Block;
using sim::SegmentModel;
using sim::TallyRow;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr int HISTOGRAM_PATHS = 5;   //!< per-customer CLVs are kept for the first paths only
constexpr int HISTOGRAM_BINS = 40;
constexpr std::size_t HISTOGRAM_SAMPLE = 1000000;  //!< customers per path kept for the histogram

//! Ids of acquired customers encode (period, channel slot, index), so a customer keeps its id
//! (and so its random numbers) in every variant where it is acquired: 2^39 | t << 26 | slot << 20 | k.
constexpr std::uint64_t ACQUIRED_ID_BASE = std::uint64_t{1} << 39;
constexpr std::uint64_t MAX_PER_CHANNEL_PERIOD = std::uint64_t{1} << 20;
constexpr int MAX_CHANNEL_SLOTS = 64;
static_assert(scenarios::MAX_ACQUISITION_CHANNELS + 1 <= MAX_CHANNEL_SLOTS, "the referral channel needs a slot");

//! How a run's loops use threads. With one thread (RunOptions::threads = 1, or 0 on a
//! one-core machine) every loop runs in the calling thread and oneTBB is never started: its
//! start-up (the global control, the market, probing for optional libraries) costs ~2.5 ms,
//! a sixth of a small run (bench/README.md §2). Otherwise oneTBB's parallel_for and
//! parallel_invoke. The results are the same either way (SPEC §10): every loop below writes
//! per-index outputs that are combined in index order.
struct Workers {
  bool serial = false;

  template <class Index, class F>
  void for_each(Index first, Index last, const F& f) const
  {
    if (serial)
      for (Index i = first; i < last; ++i) f(i);
    else
      tbb::parallel_for(first, last, f);
  }
  //! for_each in an isolated region (nested inside another parallel loop: a thread waiting
  //! for it must not pick up the outer loop's tasks, see oneTBB's this_task_arena::isolate).
  template <class Index, class F>
  void for_each_isolated(Index first, Index last, const F& f) const
  {
    if (serial)
      for_each(first, last, f);
    else
      tbb::this_task_arena::isolate([&] { tbb::parallel_for(first, last, f); });
  }
  template <class F, class G>
  void invoke(const F& f, const G& g) const
  {
    if (serial) {
      f();
      g();
    } else {
      tbb::parallel_invoke(f, g);
    }
  }
  std::size_t concurrency() const
  {
    return serial ? 1 : static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  }
};

//! The immutable work plan shared by all paths.
struct Plan {
  Workers workers;
  const Scenario* scenario = nullptr;
  int horizon = 0;
  std::size_t block_size = 4096;
  bool block_major = true;  //!< RunOptions::block_major
  //! The period kernel of RunOptions::kernel (sim::simulate_period or reference::simulate_period).
  void (*simulate_period)(Block&, const sim::PeriodContext&, std::span<TallyRow>) = &sim::simulate_period;
  std::vector<SegmentModel> segments;
  std::vector<double> segment_cumulative_share;
  std::vector<double> discount;  //!< delta^k, k = 0..horizon
  double period_years = 0;
  // existing customers (SPEC §3.6), their history converted to purchase.time_unit
  std::vector<ExistingCustomer> existing;
  std::vector<std::vector<double>> existing_p_alive;      //!< [segment][customer]
  std::vector<double> existing_p_alive_mix, existing_closed_orders;  //!< mixed over segment shares
};

//! Closed forms for one existing customer of one segment: P(alive now) and the expected
//! number of orders in the horizon (FHL 2005 eq. 10; Schmittlein et al. 1987; F&H 2007).
void existing_closed_forms(const scenarios::Behaviour& be, const ExistingCustomer& c, double to_unit,
                           double horizon_units, int horizon, double& p_alive, double& orders)
{
  const auto& pu = be.purchase;
  const double t_x = c.t_x * to_unit, T = c.T * to_unit;
  switch (pu.model) {
  case scenarios::PurchaseModel::bg_nbd: {
    const models::bg_nbd::Params prm{pu.r, pu.alpha, pu.a, pu.b};
    p_alive = models::bg_nbd::p_alive(prm, c.x, t_x, T);
    orders = models::bg_nbd::conditional_expected(prm, horizon_units, c.x, t_x, T);
    break;
  }
  case scenarios::PurchaseModel::pareto_nbd: {
    const models::pareto_nbd::Params prm{pu.r, pu.alpha, pu.s, pu.beta};
    p_alive = models::pareto_nbd::p_alive(prm, c.x, t_x, T);
    orders = models::pareto_nbd::conditional_expected(prm, horizon_units, c.x, t_x, T);
    break;
  }
  case scenarios::PurchaseModel::sbg: {
    // A current subscriber with n renewals: theta ~ Beta(alpha, beta + n); it renews at the
    // start of each period of the horizon with probability 1 - theta and then pays.
    const models::sbg::Params prm{pu.alpha, pu.beta + c.renewals};
    p_alive = 1.0;
    orders = 0;
    for (int t = 1; t <= horizon; ++t) orders += models::sbg::survival(prm, t);
    break;
  }
  case scenarios::PurchaseModel::sbg_poisson:
    p_alive = orders = std::numeric_limits<double>::quiet_NaN();
    break;
  }
}

Plan make_plan(const Scenario& sc, const Workers& workers)
{
  Plan plan;
  plan.workers = workers;
  plan.scenario = &sc;
  plan.horizon = sc.simulation.horizon_periods;
  plan.block_size = static_cast<std::size_t>(sc.simulation.block_size);
  const double period_days = scenarios::days_in(sc.simulation.period);
  plan.period_years = period_days / 365.25;
  double cum = 0;
  for (const auto& seg : sc.segments) {
    plan.segments.push_back(scenarios::segment_model(seg.behaviour, sc.simulation.period));
    cum += seg.share;
    plan.segment_cumulative_share.push_back(cum);
    assert(seg.behaviour.purchase.model == sc.segments.front().behaviour.purchase.model &&
           "the loader refuses segments with different purchase models");
  }
  // SPEC §2: delta = (1+d)^(-L/365.25), period 0 undiscounted.
  const double delta =
      std::pow(1.0 + sc.base.economics.discount_rate_annual, -period_days / 365.25);
  plan.discount.resize(static_cast<std::size_t>(plan.horizon) + 1);
  for (std::size_t k = 0; k < plan.discount.size(); ++k)
    plan.discount[k] = std::pow(delta, static_cast<double>(k));
  // population.history was read and validated by the loader (scenarios/history.h).
  assert(sc.population.history.empty() == !sc.existing);
  if (sc.existing) {
    assert(sc.base.purchase.model != scenarios::PurchaseModel::sbg_poisson);
    plan.existing = *sc.existing;
    const double to_unit = scenarios::days_in(sc.population.history_time_unit) /
                           scenarios::days_in(sc.base.purchase.time_unit);
    const double horizon_units =
        plan.horizon * period_days / scenarios::days_in(sc.base.purchase.time_unit);
    const std::size_t E = plan.existing.size();
    plan.existing_p_alive.assign(sc.segments.size(), std::vector<double>(E));
    plan.existing_p_alive_mix.assign(E, 0.0);
    plan.existing_closed_orders.assign(E, 0.0);
    for (std::size_t g = 0; g < sc.segments.size(); ++g) {
      const auto& seg = sc.segments[g];
      std::vector<double> orders(E);
      workers.for_each(std::size_t{0}, E, [&](std::size_t j) {
        existing_closed_forms(seg.behaviour, plan.existing[j], to_unit, horizon_units, plan.horizon,
                              plan.existing_p_alive[g][j], orders[j]);
      });
      for (std::size_t j = 0; j < E; ++j) {
        plan.existing_p_alive_mix[j] += seg.share * plan.existing_p_alive[g][j];
        plan.existing_closed_orders[j] += seg.share * orders[j];
      }
    }
  }
  assert(sc.channels.size() <= static_cast<std::size_t>(scenarios::MAX_ACQUISITION_CHANNELS) &&
         "the loader refuses more channels");
  return plan;
}

//! Per-path output before it is copied into the results.
struct PathOutput {
  std::vector<std::vector<double>> periods;                  //!< [kpi][t], overall
  std::vector<std::vector<std::vector<double>>> seg_periods; //!< [segment][kpi][t]
  std::map<std::string, double> path_kpis;
  std::vector<std::map<std::string, double>> seg_path_kpis;
  //! The customers of histogram paths, in pieces: the blocks' own arrays (moved, not
  //! copied) when every customer is kept, else one piece of every stride-th customer
  std::vector<sim::Column<float>> clv_sample, revenue_sample;
  std::vector<double> existing_orders, existing_clv;         //!< per existing customer
};

//! All customers of one path, in fixed-capacity blocks filled in creation order.
class Population {
public:
  explicit Population(std::size_t block_size) : block_size_(block_size) {}
  Block& next_slot()
  {
    if (blocks_.empty() || blocks_.back().size() == block_size_) {
      blocks_.emplace_back();
      blocks_.back().reserve(block_size_);
    }
    return blocks_.back();
  }
  std::vector<Block>& blocks() { return blocks_; }
  std::size_t block_size() const { return block_size_; }

private:
  std::size_t block_size_;
  std::vector<Block> blocks_;
};

std::uint8_t draw_segment(const PeriodSetup& setup, std::uint64_t seed, std::uint32_t path, std::uint64_t id)
{
  if (setup.segments.size() == 1) return 0;
  rng::Stream s(seed, path, id, 0, rng::Purpose::segment);
  const double u = s.uniform();
  for (std::size_t k = 0; k + 1 < setup.segment_cumulative_share.size(); ++k)
    if (u < setup.segment_cumulative_share[k]) return static_cast<std::uint8_t>(k);
  return static_cast<std::uint8_t>(setup.segments.size() - 1);
}

//! Traits of the customers with ids first_id .. first_id + n - 1 (the setup of the period
//! they join in): segments first, then each segment's traits in one batch (a customer's
//! draws do not depend on the batch it is drawn in). Fills seg, lambda, churn, nu, sat (n each).
struct NewTraits {
  std::vector<std::uint8_t> seg;
  std::vector<float> lambda, churn, nu, sat, sclock, oclock;
};
//! The traits of n new customers, in this thread's scratch (valid until its next call: the
//! arrays keep their size from block to block, so they are neither reallocated nor zeroed).
const NewTraits& draw_new_traits(const PeriodSetup& setup, std::uint64_t seed, std::uint32_t path,
                                 std::uint64_t first_id, std::size_t n)
{
  thread_local NewTraits t;
  thread_local std::vector<std::uint64_t> ids;
  t.seg.resize(n);
  t.lambda.resize(n); t.churn.resize(n); t.nu.resize(n); t.sat.resize(n); t.sclock.resize(n); t.oclock.resize(n);
  ids.resize(n);
  std::iota(ids.begin(), ids.end(), first_id);
  sim::draw_clocks(seed, path, n, ids.data(), t.sclock.data(), t.oclock.data());
  if (setup.segments.size() == 1) {  // segment 0 for everyone: drawn in place
    std::fill(t.seg.begin(), t.seg.end(), std::uint8_t{0});
    sim::draw_traits_batch(setup.segments[0], seed, path, n, ids.data(), t.lambda.data(), t.churn.data(),
                           t.nu.data(), t.sat.data());
    return t;
  }
  for (std::size_t i = 0; i < n; ++i) t.seg[i] = draw_segment(setup, seed, path, first_id + i);
  std::vector<float> l(n), c(n), v(n), s0(n);
  for (std::size_t g = 0; g < setup.segments.size(); ++g) {
    ids.clear();  // now the ids of segment g
    for (std::size_t i = 0; i < n; ++i)
      if (t.seg[i] == g) ids.push_back(first_id + i);
    if (ids.empty()) continue;
    sim::draw_traits_batch(setup.segments[g], seed, path, ids.size(), ids.data(), l.data(), c.data(), v.data(),
                           s0.data());
    for (std::size_t j = 0; j < ids.size(); ++j) {
      const std::size_t i = static_cast<std::size_t>(ids[j] - first_id);
      t.lambda[i] = l[j]; t.churn[i] = c[j]; t.nu[i] = v[j]; t.sat[i] = s0[j];
    }
  }
  return t;
}

//! `count` new customers with ids first_id, first_id + 1, ..., acquired in `period`, with the
//! traits of that period's setup (so a change to a trait distribution applies to customers
//! acquired from then on), pushed in id order. Returns their segments, in that order.
std::vector<std::uint8_t> add_customers(Population& pop, const PeriodSetup& setup, std::uint64_t seed,
                                        std::uint32_t path, int period, std::uint8_t flags, std::uint64_t first_id,
                                        std::size_t count)
{
  const NewTraits& t = draw_new_traits(setup, seed, path, first_id, count);
  for (std::size_t k = 0; k < count; ++k)
    pop.next_slot().push_back(first_id + k, static_cast<std::uint16_t>(period), t.seg[k],
                              static_cast<std::uint8_t>(flags | sim::ALIVE), 0, t.lambda[k], t.churn[k], t.nu[k],
                              t.sat[k], t.sclock[k], t.oclock[k]);
  return t.seg;
}

//! Running CLV sums over customers in creation order (one segment, no existing customers).
struct CohortSums {
  double sum = 0, sum_initial = 0, sum_acquired = 0;
  std::uint64_t n_initial = 0;
};
//! Adds n customers' CLVs (and whether they are of the initial cohort; fl null: all are) to
//! s, in order. A function of its own so the sums stay in registers: inlined into
//! simulate_path, GCC kept them in its frame, a store-to-load round trip (~8 cycles) per customer.
[[gnu::noinline]] void add_clv(const float* __restrict v, const std::uint8_t* __restrict fl, std::size_t n,
                               CohortSums& s)
{
  double sum = s.sum, sum_initial = s.sum_initial, sum_acquired = s.sum_acquired;
  std::uint64_t n_initial = s.n_initial;
  if (fl == nullptr) {  // the same additions as below with every customer initial
    for (std::size_t i = 0; i < n; ++i) {
      const double x = v[i];
      sum += x;
      sum_initial += x;
    }
    s = {sum, sum_initial, sum_acquired, n_initial + n};
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double x = v[i];
    const bool initial = (fl[i] & sim::INITIAL) != 0;
    sum += x;
    if (initial) sum_initial += x;
    else sum_acquired += x;
    n_initial += initial ? 1u : 0u;
  }
  s = {sum, sum_initial, sum_acquired, n_initial};
}

//! One path of one variant. `base` is the path's baseline scenario (uncertain inputs drawn),
//! against which channel saturation compares budgets; `sched` gives each period's setup.
void simulate_path(const Plan& plan, const Scenario& base, const VariantSchedule& sched,
                   std::uint32_t path, PathOutput& out)
{
  const PeriodSetup& setup0 = *sched.periods.front();
  const Scenario& sc = setup0.scenario;
  const std::uint64_t seed = sc.simulation.seed;
  const int H = plan.horizon;
  const std::size_t S = setup0.segments.size();
  const std::size_t K = PERIOD_KPI_COUNT;
  out.periods.assign(K, std::vector<double>(static_cast<std::size_t>(H), 0.0));
  out.seg_periods.assign(S, std::vector<std::vector<double>>(K, std::vector<double>(static_cast<std::size_t>(H), 0.0)));

  Population pop(plan.block_size);
  std::vector<double> seg_new(S), seg_new_ref(S), seg_cac(S);
  auto count_new = [&](std::size_t seg_index, double cac, bool referral) {
    seg_new[seg_index] += 1;
    seg_cac[seg_index] += cac;
    if (referral) seg_new_ref[seg_index] += 1;
  };

  // Block-major runs. A block's period t depends only on its own customers and the period's
  // setup; other blocks matter only through the customers acquired later, who go to the
  // last block or to new ones. So every block that nobody joins after the start (all blocks
  // present then, except the last one if it is not full and customers may still be acquired)
  // runs all H periods in one task while its state sits in cache ("block-major"); the period
  // loop below simulates only the others, and merges every block's tallies in block order,
  // so the results are bitwise those of the period-by-period run, whatever the thread count.
  // Without acquisition after the start (no channel, no referral reward in any period) every
  // block qualifies.
  bool acquires = false;
  for (int t = 0; t < H && !acquires; ++t) {
    const PeriodSetup& s = *sched.periods[static_cast<std::size_t>(t)];
    acquires = !s.scenario.channels.empty();
    for (const SegmentModel& m : s.segments)
      acquires = acquires || m.referral_promoter_rate != 0.0 || m.referral_passive_rate != 0.0;
  }
  // Without existing customers, a block of the initial cohort is created in the task that
  // simulates it, and its kernel state is freed when the task ends: the next block reuses
  // the memory, so only the public arrays (14 bytes per customer) stay resident.
  const bool lazy_cohort = plan.block_major && plan.existing.empty();

  // The initial cohort: ids 0 .. N0-1, acquired at the start of period 0.
  const std::uint64_t n0 = static_cast<std::uint64_t>(sc.population.initial_customers);
  // Its blocks are independent, so their trait draws run in parallel; each block receives
  // the same ids in the same order as one-by-one creation would give it.
  const std::uint64_t B = pop.block_size();
  const std::size_t n_initial_blocks = static_cast<std::size_t>((n0 + B - 1) / B);
  auto init_block = [&](std::size_t k) {
    Block& block = pop.blocks()[k];
    block.reserve(static_cast<std::size_t>(B));
    const std::uint64_t first = k * B, end = std::min<std::uint64_t>(n0, (k + 1) * B);
    const std::size_t nk = static_cast<std::size_t>(end - first);
    const NewTraits& tr = draw_new_traits(setup0, seed, path, first, nk);
    block.append_new(first, nk, 0, tr.seg.data(), static_cast<std::uint8_t>(sim::INITIAL | sim::ALIVE),
                     tr.lambda.data(), tr.churn.data(), tr.nu.data(), tr.sat.data(), tr.sclock.data(),
                     tr.oclock.data());
  };
  pop.blocks().resize(n_initial_blocks);
  // count_new(segment, 0, false) for every customer of the initial cohort: integer counts
  // added at once (the same sums: every term is 1, or 0 for the cost)
  auto count_cohort = [&] {
    std::vector<std::uint64_t> per_segment(S, 0);
    for (const Block& block : pop.blocks()) {
      if (S == 1) per_segment[0] += block.size();  // (a count through memory: ~5 cycles per customer)
      else
        for (std::uint8_t seg : block.segment) ++per_segment[seg];
    }
    for (std::size_t g = 0; g < S; ++g) seg_new[g] += static_cast<double>(per_segment[g]);
  };
  if (!lazy_cohort) {
    plan.workers.for_each_isolated(std::size_t{0}, n_initial_blocks, [&](std::size_t k) { init_block(k); });
    count_cohort();
  }

  // Existing customers: ids N0 .., traits from the exact posterior given their history.
  // P(alive) depends on the purchase parameters: when this path's (or variant's) differ from
  // the nominal ones the plan was built with (uncertain inputs, sweeps, investments), it is
  // recomputed for this path so the alive/dead draw and the posterior use the same model.
  const std::uint64_t first_existing_id = n0;
  std::vector<std::vector<double>> path_p_alive;
  const std::vector<std::vector<double>>* p_alive = &plan.existing_p_alive;
  if (!plan.existing.empty()) {
    bool differs = sc.segments.size() != plan.scenario->segments.size();
    for (std::size_t g = 0; !differs && g < sc.segments.size(); ++g) {
      const auto& a = sc.segments[g].behaviour.purchase;
      const auto& b = plan.scenario->segments[g].behaviour.purchase;
      differs = a.r != b.r || a.alpha != b.alpha || a.a != b.a || a.b != b.b || a.s != b.s ||
                a.beta != b.beta || a.time_unit != b.time_unit;
    }
    if (differs) {
      const double to_unit_hist = scenarios::days_in(sc.population.history_time_unit) /
                                  scenarios::days_in(sc.base.purchase.time_unit);
      const double horizon_units = H * scenarios::days_in(sc.simulation.period) /
                                   scenarios::days_in(sc.base.purchase.time_unit);
      path_p_alive.assign(sc.segments.size(), std::vector<double>(plan.existing.size()));
      for (std::size_t g = 0; g < sc.segments.size(); ++g)
        for (std::size_t j = 0; j < plan.existing.size(); ++j) {
          double orders_unused = 0;
          existing_closed_forms(sc.segments[g].behaviour, plan.existing[j], to_unit_hist, horizon_units, H,
                                path_p_alive[g][j], orders_unused);
        }
      p_alive = &path_p_alive;
    }
  }
  {
    const double to_unit = scenarios::days_in(sc.population.history_time_unit) /
                           scenarios::days_in(sc.base.purchase.time_unit);
    // Segments and prior traits first, in batches, then each customer's posterior.
    const std::size_t E = plan.existing.size();
    const NewTraits prior = draw_new_traits(setup0, seed, path, first_existing_id, E);
    for (std::size_t j = 0; j < E; ++j) {
      const std::uint64_t id = first_existing_id + j;
      const auto& c = plan.existing[j];
      const std::uint8_t seg = prior.seg[j];
      const SegmentModel& m = setup0.segments[seg];
      rng::Stream hs(seed, path, id, 0, rng::Purpose::history);
      const bool alive = hs.uniform() < (*p_alive)[seg][j];
      float lambda = prior.lambda[j], churn = prior.churn[j], nu = prior.nu[j], sat = prior.sat[j];
      // the prior draws above, then the posterior:
      rng::Stream& ts = hs;  // the posterior draws continue the history stream
      const double T_units = c.T * to_unit;
      // Posterior rates are per purchase.time_unit; per period they divide by the units per period.
      switch (m.model) {
      case scenarios::PurchaseModel::bg_nbd:
        lambda = static_cast<float>(rng::gamma(ts, m.r + c.x, (m.lambda_rate * m.period_in_units + T_units) / m.period_in_units));
        churn = static_cast<float>(rng::beta(ts, m.a, m.b + c.x));
        break;
      case scenarios::PurchaseModel::pareto_nbd:
        lambda = static_cast<float>(rng::gamma(ts, m.r + c.x, (m.lambda_rate * m.period_in_units + T_units) / m.period_in_units));
        churn = static_cast<float>(rng::gamma(ts, m.s, (m.mu_rate * m.period_in_units + T_units) / m.period_in_units));
        break;
      case scenarios::PurchaseModel::sbg:
        churn = static_cast<float>(std::log1p(-rng::beta(ts, m.a, m.b + c.renewals)));
        break;
      case scenarios::PurchaseModel::sbg_poisson:
        break;
      }
      // Gamma-gamma posterior of the spend trait: nu ~ Gamma(q + p x, gamma + x m_x).
      if (m.spend == scenarios::SpendModel::gamma_gamma && c.has_m_x)
        nu = static_cast<float>(rng::gamma(ts, m.q + m.p * c.x, m.gamma + c.x * c.m_x));
      const auto flags = static_cast<std::uint8_t>(sim::EXISTING | (alive ? sim::ALIVE : 0));
      float sclock = 0.0f, oclock = 0.0f;
      sim::draw_clocks(seed, path, 1, &id, &sclock, &oclock);
      pop.next_slot().push_back(id, 0, seg, flags, static_cast<std::uint32_t>(c.x) + 1, lambda, churn, nu, sat,
                                sclock, oclock);
    }
  }

  std::vector<double> channel_cost(sc.channels.size(), 0.0), channel_count(sc.channels.size(), 0.0);
  double acquired_total = static_cast<double>(n0);
  double referral_rate_prev = 0.0;  // expected referrals brought by last period's promoters/passives
  double rating = sc.reputation.initial_rating;
  double cumulative_discounted = 0, npv = 0;
  std::vector<TallyRow> tallies;
  double loyal_risk = 0, loyal_ord = 0, one_risk = 0, one_ord = 0;

  // Block-major runs (see `acquires` above): blocks [0, n_major) run all H periods in one task.
  // major_sum[t][segment]: the block-major blocks' tallies of period t, summed in block
  // order (the same additions, in the same order, as the period loop's ordered merge).
  std::vector<TallyRow> major_sum;
  std::size_t n_major = 0;  // blocks [0, n_major) run block-major
  // What the kernel needs of period t: the period's setup, the discount factors.
  auto period_context = [&](int t) {
    const PeriodSetup& setup = *sched.periods[static_cast<std::size_t>(t)];
    sim::PeriodContext ctx;
    ctx.seed = seed;
    ctx.path = path;
    ctx.period = static_cast<std::uint32_t>(t);
    ctx.segments = setup.segments;
    ctx.discount = plan.discount;
    ctx.loyal_min_orders = setup.scenario.kpi.loyal_min_orders;
    return ctx;
  };
  auto run_block_major = [&] {
    auto& blocks = pop.blocks();
    const std::size_t nb = blocks.size();
    n_major = nb;
    if (acquires && nb > 0 && (lazy_cohort ? n0 % pop.block_size() != 0 : blocks.back().size() < pop.block_size()))
      n_major = nb - 1;  // the last block still takes new customers
    if (lazy_cohort && n_major < nb) init_block(nb - 1);  // simulated in the period loop
    const auto uH = static_cast<std::size_t>(H);
    major_sum.assign(uH * S, TallyRow{});
    std::vector<sim::PeriodContext> ctxs(uH);
    for (int t = 0; t < H; ++t) ctxs[static_cast<std::size_t>(t)] = period_context(t);
    // Blocks in groups whose per-block tallies (H x S rows each) take at most ~16 MB, so long
    // horizons and many blocks do not hold every block's tallies at once; a group's tallies
    // are added to major_sum in block order before the next group starts.
    const std::size_t per_block = uH * S * sizeof(TallyRow);
    const std::size_t group = std::max<std::size_t>(
        {std::size_t{1}, (std::size_t{16} << 20) / per_block,
         4 * plan.workers.concurrency()});
    std::vector<TallyRow> rows;  // [block in group][t][segment]
    // A one-segment path reads only clv and revenue of the initial cohort's blocks afterwards
    // (the CLV sums and the sample below): their other arrays are freed when a block is done.
    const bool release = lazy_cohort && S == 1;
    for (std::size_t g0 = 0; g0 < n_major; g0 += group) {
      const std::size_t g1 = std::min(n_major, g0 + group);
      rows.assign((g1 - g0) * uH * S, TallyRow{});
      plan.workers.for_each_isolated(g0, g1, [&](std::size_t bi) {
        if (lazy_cohort) init_block(bi);
        for (std::size_t t = 0; t < uH; ++t)
          plan.simulate_period(blocks[bi], ctxs[t], std::span<TallyRow>(&rows[((bi - g0) * uH + t) * S], S));
        sim::flush_live(blocks[bi]);
        if (lazy_cohort) blocks[bi].live = sim::LiveState{};  // done: free the kernel state
        if (release) blocks[bi].release_unread();
      });
      for (std::size_t bi = g0; bi < g1; ++bi)
        for (std::size_t t = 0; t < uH; ++t)
          for (std::size_t g = 0; g < S; ++g)
            for (std::size_t k = 0; k < sim::T_COUNT; ++k)
              major_sum[t * S + g][k] += rows[((bi - g0) * uH + t) * S + g][k];
    }
    if (lazy_cohort) count_cohort();
  };
  if (plan.block_major) run_block_major();

  for (int t = 0; t < H; ++t) {
    const auto ut = static_cast<std::size_t>(t);
    const PeriodSetup& setup = *sched.periods[ut];
    const Scenario& st = setup.scenario;
    // Acquisition for period t (SPEC §4): Poisson(budget * M_t / CAC_t) per channel, where
    // M_t is the conversion multiplier from the rating at the end of the last period and
    // the post-sale policies (SPEC §6.1, §6.3).
    const auto& rep = st.reputation;
    const auto& pol = st.base.policies;
    double conversion = sim::conversion_multiplier(rating, rep.share_reading_reviews,
                                                   rep.rating_sensitivity, rep.reference_rating);
    if (pol.free_returns.enabled) conversion *= pol.free_returns.conversion_multiplier;
    if (pol.free_shipping.enabled) conversion *= pol.free_shipping.conversion_multiplier;
    double market = 1.0;
    if (st.market.addressable_customers > 0)
      market = std::max(0.0, 1.0 - acquired_total / st.market.addressable_customers);
    double cost_acquisition_shop = 0;
    auto acquire = [&](std::size_t slot, double mean, double cac, const std::string& name,
                       std::uint8_t flags) {
      rng::Stream s(seed, path, slot, static_cast<std::uint32_t>(t), rng::Purpose::acquisition);
      const std::uint64_t count = rng::poisson(s, mean);
      // The one input check left to the run: the count is a random draw whose mean depends on
      // the path's reputation, referrals and market, so no loader can decide it in advance.
      if (count >= MAX_PER_CHANNEL_PERIOD)
        throw InputError("error: " + sc.source_path + ": channel '" + name + "' acquires " +
                         std::to_string(count) + " customers in one period; at most " +
                         std::to_string(MAX_PER_CHANNEL_PERIOD - 1) + " are supported");
      const std::vector<std::uint8_t> segs =
          add_customers(pop, setup, seed, path, t, flags,
                        ACQUIRED_ID_BASE | (static_cast<std::uint64_t>(t) << 26) | (static_cast<std::uint64_t>(slot) << 20),
                        static_cast<std::size_t>(count));
      for (std::uint8_t g : segs) count_new(g, cac, (flags & sim::REFERRED) != 0);
      cost_acquisition_shop += static_cast<double>(count) * cac;
      acquired_total += static_cast<double>(count);
      return static_cast<double>(count);
    };
    // Slot 0 is the referral channel: last period's promoters and passives bring
    // Poisson(sum of their rates) customers, each costing the reward.
    if (referral_rate_prev > 0) acquire(0, referral_rate_prev * market, st.base.referrals.reward, "referral", sim::REFERRED);
    for (std::size_t c = 0; c < st.channels.size(); ++c) {
      const auto& ch = st.channels[c];
      const int end = ch.end_period < 0 ? H - 1 : ch.end_period;
      if (t < ch.start_period || t > end) continue;
      // CAC grows with inflation and with (budget / the baseline's budget)^saturation:
      // diminishing returns when an investment raises the budget.
      const double inflation = std::pow(1.0 + ch.cac_inflation_annual, t * plan.period_years);
      double cac_t = ch.cac * inflation;
      const auto& base_ch = base.channels[c];
      if (ch.saturation > 0 && ch.budget_per_period && base_ch.budget_per_period && *base_ch.budget_per_period > 0)
        cac_t *= std::pow(*ch.budget_per_period / *base_ch.budget_per_period, ch.saturation);
      const double mean = ch.budget_per_period
                              ? (cac_t > 0 ? *ch.budget_per_period * conversion * market / cac_t : 0.0)
                              : *ch.customers_per_period * conversion * market;
      const double count = acquire(c + 1, mean, cac_t, ch.name, 0);
      channel_cost[c] += count * cac_t;
      channel_count[c] += count;
    }

    // Simulate the period: the blocks not run block-major, in parallel, each filling its own
    // tally rows.
    auto& blocks = pop.blocks();
    tallies.assign((blocks.size() - n_major) * S, TallyRow{});  // the blocks simulated here
    const sim::PeriodContext ctx = period_context(t);
    if (n_major < blocks.size())
      plan.workers.for_each_isolated(n_major, blocks.size(), [&](std::size_t bi) {
        plan.simulate_period(blocks[bi], ctx, std::span<TallyRow>(&tallies[(bi - n_major) * S], S));
      });
    // Ordered merge: block 0, 1, 2, ... per segment (the block-major ones already in major_sum).
    std::vector<TallyRow> seg_sum(S, TallyRow{});
    if (n_major > 0) std::copy(major_sum.begin() + static_cast<std::ptrdiff_t>(ut * S),
                               major_sum.begin() + static_cast<std::ptrdiff_t>((ut + 1) * S), seg_sum.begin());
    for (std::size_t bi = n_major; bi < blocks.size(); ++bi)
      for (std::size_t g = 0; g < S; ++g)
        for (std::size_t k = 0; k < sim::T_COUNT; ++k) seg_sum[g][k] += tallies[(bi - n_major) * S + g][k];

    TallyRow total{};
    for (std::size_t g = 0; g < S; ++g)
      for (std::size_t k = 0; k < sim::T_COUNT; ++k) total[k] += seg_sum[g][k];
    // End of period: the rating absorbs this period's reviews (SPEC §6.1), and promoters
    // and passives set next period's referrals (§6.2).
    if (total[sim::T_REVIEWS] > 0)
      rating = sim::update_rating(rating, total[sim::T_REVIEWS], total[sim::T_STARS] / total[sim::T_REVIEWS],
                                  rep.memory_reviews);
    referral_rate_prev = total[sim::T_REFERRAL_RATE];
    loyal_risk += total[sim::T_LOYAL_AT_RISK];
    loyal_ord += total[sim::T_LOYAL_ORDERED];
    one_risk += total[sim::T_ONETIME_AT_RISK];
    one_ord += total[sim::T_ONETIME_ORDERED];

    const double fixed = st.base.economics.fixed_cost_per_period;
    const double loyalty_fixed =
        st.base.loyalty.enabled && t >= st.base.loyalty.start_period ? st.base.loyalty.fixed_cost_per_period : 0.0;
    // Investment costs (SPEC §8): fixed ones at shop level, per order and per contact by segment.
    auto investment_cost = [&](const TallyRow& x, bool with_fixed) {
      return (with_fixed ? sched.fixed_cost[ut] : 0.0) + sched.cost_per_order[ut] * x[sim::T_ORDERS] +
             sched.cost_per_contact[ut] * x[sim::T_CONTACTS];
    };
    auto fill = [&](std::vector<std::vector<double>>& kp, const TallyRow& x, double new_c,
                    double new_ref, double acq_cost, double fixed_cost, double loyalty_fixed_cost,
                    double invest_cost) {
      auto set = [&](PeriodKpi k, double v) { kp[idx(k)][ut] = v; };
      set(PeriodKpi::customers_active, x[sim::T_ACTIVE]);
      set(PeriodKpi::customers_new, new_c);
      set(PeriodKpi::customers_new_referral, new_ref);
      set(PeriodKpi::customers_churned, x[sim::T_CHURNED]);
      set(PeriodKpi::orders, x[sim::T_ORDERS]);
      set(PeriodKpi::orders_repeat, x[sim::T_ORDERS_REPEAT]);
      set(PeriodKpi::revenue, x[sim::T_REVENUE]);
      set(PeriodKpi::revenue_repeat, x[sim::T_REVENUE_REPEAT]);
      set(PeriodKpi::gross_margin, x[sim::T_GROSS_MARGIN]);
      set(PeriodKpi::cost_acquisition, acq_cost);
      set(PeriodKpi::cost_service, x[sim::T_COST_SERVICE]);
      set(PeriodKpi::cost_fulfilment, x[sim::T_COST_FULFILMENT]);
      set(PeriodKpi::cost_loyalty, x[sim::T_COST_LOYALTY] + loyalty_fixed_cost);
      set(PeriodKpi::cost_marketing, x[sim::T_COST_MARKETING]);
      set(PeriodKpi::cost_investment, invest_cost);
      set(PeriodKpi::cost_fixed, fixed_cost);
      const double profit = x[sim::T_GROSS_MARGIN] - x[sim::T_COST_SERVICE] -
                            x[sim::T_COST_FULFILMENT] - x[sim::T_COST_LOYALTY] - loyalty_fixed_cost -
                            x[sim::T_COST_MARKETING] - acq_cost - fixed_cost - invest_cost;
      set(PeriodKpi::profit, profit);
      const double alive = x[sim::T_ALIVE_END];
      set(PeriodKpi::nps, alive > 0 ? 100.0 * (x[sim::T_PROMOTERS] - x[sim::T_DETRACTORS]) / alive : NaN);
      set(PeriodKpi::promoters_share, alive > 0 ? x[sim::T_PROMOTERS] / alive : NaN);
      set(PeriodKpi::detractors_share, alive > 0 ? x[sim::T_DETRACTORS] / alive : NaN);
      set(PeriodKpi::rating, rating);
      set(PeriodKpi::reviews_new, x[sim::T_REVIEWS]);
      set(PeriodKpi::reviews_negative_new, x[sim::T_REVIEWS_NEGATIVE]);
      set(PeriodKpi::loyalty_members, x[sim::T_MEMBERS]);
      set(PeriodKpi::incidents, x[sim::T_INCIDENTS]);
      set(PeriodKpi::contacts, x[sim::T_CONTACTS]);
      return profit;
    };
    double new_all = 0, new_ref_all = 0;
    for (std::size_t g = 0; g < S; ++g) {
      new_all += seg_new[g];
      new_ref_all += seg_new_ref[g];
      const double seg_profit = fill(out.seg_periods[g], seg_sum[g], seg_new[g], seg_new_ref[g], seg_cac[g], 0.0, 0.0,
                                     investment_cost(seg_sum[g], false));
      double& seg_cum = out.seg_periods[g][idx(PeriodKpi::profit_cumulative_discounted)][ut];
      seg_cum = (t > 0 ? out.seg_periods[g][idx(PeriodKpi::profit_cumulative_discounted)][ut - 1] : 0.0) +
                plan.discount[ut] * seg_profit;
    }
    const double profit = fill(out.periods, total, new_all, new_ref_all, cost_acquisition_shop, fixed, loyalty_fixed,
                             investment_cost(total, true));
    npv += plan.discount[ut] * profit;
    cumulative_discounted += plan.discount[ut] * profit;
    out.periods[idx(PeriodKpi::profit_cumulative_discounted)][ut] = cumulative_discounted;
    std::fill(seg_new.begin(), seg_new.end(), 0.0);
    std::fill(seg_new_ref.begin(), seg_new_ref.end(), 0.0);
    std::fill(seg_cac.begin(), seg_cac.end(), 0.0);
  }
  // The live customers' order counts, CLV and revenue into the public arrays (the
  // block-major blocks did it at the end of their tasks).
  for (std::size_t bi = n_major; bi < pop.blocks().size(); ++bi) sim::flush_live(pop.blocks()[bi]);

  // Per-customer CLV accounting at the end of the path, in creation order.
  struct ClvSums { double sum = 0, n = 0, sum_initial = 0, n_initial = 0, sum_acquired = 0, n_acquired = 0, rev = 0; };
  std::vector<ClvSums> clv(S);
  const bool keep_sample = static_cast<int>(path) < HISTOGRAM_PATHS;
  // The histogram and concentration curve use at most HISTOGRAM_SAMPLE customers of a path:
  // every stride-th in creation order (deterministic), so large runs keep no per-customer copy.
  std::size_t customers_total = 0;
  for (const Block& b : pop.blocks()) customers_total += b.size();
  const std::size_t stride = std::max<std::size_t>(1, (customers_total + HISTOGRAM_SAMPLE - 1) / HISTOGRAM_SAMPLE);
  std::size_t creation_index = 0, next_sample = 0, existing_seen = 0;
  // Every customer of a one-segment path without existing customers: the blocks' arrays
  // become the sample's pieces (nothing after this reads them)
  const bool move_blocks = keep_sample && stride == 1 && S == 1 && plan.existing.empty();
  sim::Column<float>* clv_piece = nullptr;
  sim::Column<float>* rev_piece = nullptr;
  if (keep_sample && !move_blocks) {
    clv_piece = &out.clv_sample.emplace_back();
    rev_piece = &out.revenue_sample.emplace_back();
    clv_piece->reserve(customers_total / stride + 1);
    rev_piece->reserve(customers_total / stride + 1);
  }
  out.existing_orders.reserve(plan.existing.size());
  out.existing_clv.reserve(plan.existing.size());
  if (S == 1 && plan.existing.empty()) {
    // One segment, no existing customers: the same sums in the same order, in local
    // variables (as members of c, GCC kept them in memory: a store and a load per addition)
    ClvSums c;
    CohortSums sums;
    std::uint64_t n_all = 0;
    for (Block& b : pop.blocks()) {
      const std::size_t nb = b.size();
      // (a released block of the initial cohort has no flags: all its customers are initial)
      add_clv(b.clv.data(), b.flags.empty() ? nullptr : b.flags.data(), nb, sums);
      n_all += nb;
      if (move_blocks) {  // everyone (a path of at most HISTOGRAM_SAMPLE customers)
        out.clv_sample.push_back(std::move(b.clv));
        out.revenue_sample.push_back(std::move(b.revenue));
      } else if (keep_sample) {
        for (; next_sample < creation_index + nb; next_sample += stride) {
          clv_piece->push_back(b.clv[next_sample - creation_index]);
          rev_piece->push_back(b.revenue[next_sample - creation_index]);
        }
      }
      creation_index += nb;
    }
    c.sum = sums.sum;
    c.sum_initial = sums.sum_initial;
    c.sum_acquired = sums.sum_acquired;
    c.n = static_cast<double>(n_all);
    c.n_initial = static_cast<double>(sums.n_initial);
    c.n_acquired = static_cast<double>(n_all - sums.n_initial);
    clv[0] = c;
  } else
  for (const Block& b : pop.blocks()) {
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (b.flags[i] & sim::EXISTING) {
        // existing customers were pushed one after another, ids N0 + j in order j
        const std::size_t j = existing_seen++;
        // orders placed in the horizon: the count started at x + 1 (first purchase + x repeats)
        out.existing_orders.push_back(static_cast<double>(b.n_orders[i]) - (plan.existing[j].x + 1.0));
        out.existing_clv.push_back(b.clv[i]);
        continue;
      }
      ClvSums& c = clv[b.segment[i]];
      c.sum += b.clv[i];
      c.n += 1;
      if (b.flags[i] & sim::INITIAL) { c.sum_initial += b.clv[i]; c.n_initial += 1; }
      else { c.sum_acquired += b.clv[i]; c.n_acquired += 1; }
      if (keep_sample && creation_index == next_sample) {  // every stride-th (no division per customer)
        clv_piece->push_back(b.clv[i]);
        rev_piece->push_back(b.revenue[i]);
        next_sample += stride;
      }
      ++creation_index;
    }
  }

  auto path_kpis = [&](const std::vector<std::vector<double>>& kp, const ClvSums& c,
                       std::map<std::string, double>& m) {
    auto total = [&](PeriodKpi k) { return std::accumulate(kp[idx(k)].begin(), kp[idx(k)].end(), 0.0); };
    double seg_npv = 0;
    for (int t = 0; t < H; ++t) seg_npv += plan.discount[static_cast<std::size_t>(t)] * kp[idx(PeriodKpi::profit)][static_cast<std::size_t>(t)];
    m["npv_profit"] = seg_npv;
    const double revenue = total(PeriodKpi::revenue);
    m["revenue_total"] = revenue;
    m["customers_acquired"] = total(PeriodKpi::customers_new);
    m["clv_mean"] = c.n > 0 ? c.sum / c.n : NaN;
    m["clv_initial_cohort_mean"] = c.n_initial > 0 ? c.sum_initial / c.n_initial : NaN;
    const double paid_customers = c.n_acquired;
    const double acq_cost = total(PeriodKpi::cost_acquisition);
    m["cac_mean"] = paid_customers > 0 ? acq_cost / paid_customers : NaN;
    const double clv_acquired = c.n_acquired > 0 ? c.sum_acquired / c.n_acquired : NaN;
    m["clv_to_cac"] = (paid_customers > 0 && acq_cost > 0) ? clv_acquired / m["cac_mean"] : NaN;
    m["repeat_revenue_share"] = revenue > 0 ? total(PeriodKpi::revenue_repeat) / revenue : NaN;
    m["nps_final"] = kp[idx(PeriodKpi::nps)][static_cast<std::size_t>(H - 1)];
    m["rating_final"] = kp[idx(PeriodKpi::rating)][static_cast<std::size_t>(H - 1)];
  };
  ClvSums all;
  for (const auto& c : clv) {
    all.sum += c.sum; all.n += c.n; all.sum_initial += c.sum_initial; all.n_initial += c.n_initial;
    all.sum_acquired += c.sum_acquired; all.n_acquired += c.n_acquired;
  }
  path_kpis(out.periods, all, out.path_kpis);
  out.path_kpis["npv_profit"] = npv;
  out.path_kpis["return_ratio_loyal_vs_onetime"] =
      (loyal_risk > 0 && one_risk > 0 && one_ord > 0) ? (loyal_ord / loyal_risk) / (one_ord / one_risk) : NaN;
  for (std::size_t c = 0; c < sc.channels.size(); ++c)
    out.path_kpis["cac_paid_" + sc.channels[c].name] =
        channel_count[c] > 0 ? channel_cost[c] / channel_count[c] : NaN;
  out.seg_path_kpis.resize(S);
  for (std::size_t g = 0; g < S; ++g) path_kpis(out.seg_periods[g], clv[g], out.seg_path_kpis[g]);
}

void store(const PathOutput& po, int path, int paths, int H, const std::vector<std::string>& seg_names,
           VariantResults& v)
{
  const auto row = static_cast<std::size_t>(path) * static_cast<std::size_t>(H);
  auto put_table = [&](KpiTable& table, const std::vector<std::vector<double>>& periods,
                       const std::map<std::string, double>& path_kpis) {
    for (std::size_t k = 0; k < PERIOD_KPI_COUNT; ++k) {
      auto& dst = table.periods.at(std::string(PERIOD_KPI_NAMES[k]));
      std::copy(periods[k].begin(), periods[k].end(), dst.begin() + static_cast<std::ptrdiff_t>(row));
    }
    for (const auto& [name, value] : path_kpis) table.paths.at(name)[static_cast<std::size_t>(path)] = value;
  };
  (void)paths;
  put_table(v.kpis, po.periods, po.path_kpis);
  for (std::size_t g = 0; g < seg_names.size(); ++g)
    put_table(v.segments.at(seg_names[g]), po.seg_periods[g], po.seg_path_kpis[g]);
}

void prepare_table(KpiTable& table, int paths, int H, const std::vector<std::string>& path_kpi_names)
{
  for (auto name : PERIOD_KPI_NAMES)
    table.periods[std::string(name)].assign(static_cast<std::size_t>(paths) * static_cast<std::size_t>(H), NaN);
  for (const auto& name : path_kpi_names) table.paths[name].assign(static_cast<std::size_t>(paths), NaN);
}

std::vector<std::string> path_kpi_names(const Scenario& sc, bool segment)
{
  std::vector<std::string> names = {"npv_profit", "revenue_total", "customers_acquired", "clv_mean",
                                    "clv_initial_cohort_mean", "cac_mean", "clv_to_cac",
                                    "repeat_revenue_share", "nps_final", "rating_final"};
  if (!segment) {
    names.push_back("return_ratio_loyal_vs_onetime");
    for (const auto& ch : sc.channels) names.push_back("cac_paid_" + ch.name);
  }
  return names;
}

void finish_distributions(const Workers& workers, VariantResults& v, const stats::Pieces& clv,
                          const stats::Pieces& revenue)
{
  std::size_t n_clv = 0, n_revenue = 0;
  for (const auto& piece : clv) n_clv += piece.size();
  for (const auto& piece : revenue) n_revenue += piece.size();
  // Order statistics by stats::order_statistics / top_sums (linear time, exact, no sort); the
  // histogram and the concentration curve are independent, so they run side by side.
  auto histogram = [&] {
  if (n_clv > 0) {
    const auto k_lo = static_cast<std::size_t>(0.005 * static_cast<double>(n_clv - 1));
    const auto k_hi = static_cast<std::size_t>(0.995 * static_cast<double>(n_clv - 1));
    const std::vector<float> q = stats::order_statistics(clv, {k_lo, k_hi});
    double lo = q[0], hi = q[1];
    if (!(hi > lo)) {
      float mn = std::numeric_limits<float>::infinity(), mx = -mn;
      for (const auto& piece : clv)
        for (float c : piece) {
          mn = std::min(mn, c);
          mx = std::max(mx, c);
        }
      lo = mn;
      hi = mx > lo ? mx : lo + 1.0;
    }
    v.clv_histogram.edges.resize(HISTOGRAM_BINS + 1);
    v.clv_histogram.counts.assign(HISTOGRAM_BINS, 0.0);
    for (int k = 0; k <= HISTOGRAM_BINS; ++k) v.clv_histogram.edges[static_cast<std::size_t>(k)] = lo + (hi - lo) * k / HISTOGRAM_BINS;
    // Values beyond the 0.5% tails fall into the first and last bins; integer counts, so
    // values falling into the same bin one after another do not wait on each other.
    const double scale = HISTOGRAM_BINS / (hi - lo);
    std::vector<std::uint64_t> counts(HISTOGRAM_BINS, 0);
    for (const auto& piece : clv)
      for (float c : piece) {
        int k = static_cast<int>((c - lo) * scale);
        k = std::clamp(k, 0, HISTOGRAM_BINS - 1);
        ++counts[static_cast<std::size_t>(k)];
      }
    for (int k = 0; k < HISTOGRAM_BINS; ++k)
      v.clv_histogram.counts[static_cast<std::size_t>(k)] = static_cast<double>(counts[static_cast<std::size_t>(k)]);
  }
  };
  auto concentration = [&] {
  if (n_revenue > 0) {
    // Share of revenue from the top x of customers (the top ceil(x n) by revenue).
    const double total = stats::sum(revenue);
    const std::vector<double> xs = {0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0};
    std::vector<std::size_t> upto;
    for (double x : xs)
      upto.push_back(std::min(n_revenue, static_cast<std::size_t>(std::ceil(x * static_cast<double>(n_revenue)))));
    const std::vector<double> top = stats::top_sums(revenue, upto);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      v.concentration_x.push_back(xs[i]);
      v.concentration_share.push_back(total > 0 ? top[i] / total : NaN);
    }
  }
  };
  workers.invoke(histogram, concentration);
}

std::string utc_now()
{
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}


//! Simulate paths [first_path, first_path + count) of every variant. Paths run in parallel
//! in batches; within a path the variants run one after another on the same random numbers.
//! Everything that sums across paths (per-customer forecasts) is added in path order after
//! each batch, so results are independent of the thread count.
void run_paths(const Plan& plan, const Scenario& sc, const std::vector<VariantSpec>& specs,
               std::vector<VariantResults>& variants, std::vector<std::vector<double>>& draws,
               const std::function<void()>& path_done, CustomerForecast* forecast)
{
  const int paths = sc.simulation.paths;
  const int H = plan.horizon;
  std::vector<std::string> seg_names;
  for (const auto& s : sc.segments) seg_names.push_back(s.name);
  for (auto& v : variants) {
    prepare_table(v.kpis, paths, H, path_kpi_names(sc, false));
    for (const auto& name : seg_names) prepare_table(v.segments[name], paths, H, path_kpi_names(sc, true));
  }
  draws.assign(sc.uncertain.size(), std::vector<double>(static_cast<std::size_t>(paths), 0.0));
  const std::size_t E = plan.existing.size();
  std::vector<double> sum_orders(E, 0.0), sum_orders2(E, 0.0), sum_clv(E, 0.0), sum_clv2(E, 0.0);
  const std::size_t V = variants.size();
  // [variant][path]: the path's sample pieces
  using Samples = std::vector<std::vector<sim::Column<float>>>;  // [path][piece]
  std::vector<Samples> clv(V, Samples(HISTOGRAM_PATHS)), revenue(V, Samples(HISTOGRAM_PATHS));
  constexpr int BATCH = 64;
  for (int batch = 0; batch < paths; batch += BATCH) {
    const int batch_end = std::min(paths, batch + BATCH);
    std::vector<PathOutput> baseline_out(static_cast<std::size_t>(batch_end - batch));
    plan.workers.for_each(batch, batch_end, [&](int p) {
      std::vector<double> path_draws;
      const Scenario base = path_scenario(sc, static_cast<std::uint32_t>(p), &path_draws);
      for (std::size_t i = 0; i < path_draws.size(); ++i) draws[i][static_cast<std::size_t>(p)] = path_draws[i];
      for (std::size_t v = 0; v < V; ++v) {
        const VariantSchedule sched = make_schedule(base, specs[v]);
        PathOutput po;
        simulate_path(plan, base, sched, static_cast<std::uint32_t>(p), po);
        store(po, p, paths, H, seg_names, variants[v]);
        if (p < HISTOGRAM_PATHS) {
          clv[v][static_cast<std::size_t>(p)] = std::move(po.clv_sample);
          revenue[v][static_cast<std::size_t>(p)] = std::move(po.revenue_sample);
        }
        if (v == 0) {
          auto& keep = baseline_out[static_cast<std::size_t>(p - batch)];
          keep.existing_orders = std::move(po.existing_orders);
          keep.existing_clv = std::move(po.existing_clv);
        }
      }
      if (path_done) path_done();
    });
    for (const auto& po : baseline_out)
      for (std::size_t j = 0; j < E; ++j) {
        sum_orders[j] += po.existing_orders[j];
        sum_orders2[j] += po.existing_orders[j] * po.existing_orders[j];
        sum_clv[j] += po.existing_clv[j];
        sum_clv2[j] += po.existing_clv[j] * po.existing_clv[j];
      }
  }
  plan.workers.for_each(std::size_t{0}, V, [&](std::size_t v) {  // variants are independent
    stats::Pieces all_clv, all_rev;  // every path's pieces in path order, not copied
    for (std::size_t p = 0; p < static_cast<std::size_t>(HISTOGRAM_PATHS); ++p) {
      for (const auto& piece : clv[v][p]) all_clv.emplace_back(piece);
      for (const auto& piece : revenue[v][p]) all_rev.emplace_back(piece);
    }
    finish_distributions(plan.workers, variants[v], all_clv, all_rev);
  });

  if (forecast && E > 0) {
    const double n = paths;
    auto se = [&](double sum, double sum2) {
      if (paths < 2) return NaN;
      const double mean = sum / n;
      return std::sqrt(std::max(0.0, (sum2 - n * mean * mean) / (n - 1)) / n);
    };
    forecast->customer_id.resize(E);
    forecast->p_alive = plan.existing_p_alive_mix;
    forecast->expected_orders_closed_form = plan.existing_closed_orders;
    forecast->expected_orders.resize(E);
    forecast->expected_orders_se.resize(E);
    forecast->expected_clv.resize(E);
    forecast->expected_clv_se.resize(E);
    for (std::size_t j = 0; j < E; ++j) {
      forecast->customer_id[j] = plan.existing[j].id;
      forecast->expected_orders[j] = sum_orders[j] / n;
      forecast->expected_orders_se[j] = se(sum_orders[j], sum_orders2[j]);
      forecast->expected_clv[j] = sum_clv[j] / n;
      forecast->expected_clv_se[j] = se(sum_clv[j], sum_clv2[j]);
    }
  }
}

}  // namespace

double estimate_memory_bytes(const Scenario& sc, int threads)
{
  // Calibrated against the peak resident size of `clvsim run` (tests/cli/test_reliability.cpp
  // holds it within 2x of the measured peak on a sweep, a segmented scenario and a large history).
  const double H = sc.simulation.horizon_periods;
  const double paths = sc.simulation.paths;
  const double existing = sc.existing ? static_cast<double>(sc.existing->size()) : 0.0;
  double customers = static_cast<double>(sc.population.initial_customers);
  for (const auto& ch : sc.channels) {
    const int end = ch.end_period < 0 ? static_cast<int>(H) - 1 : std::min(ch.end_period, static_cast<int>(H) - 1);
    const int periods = std::max(0, end - ch.start_period + 1);
    const double per_period = ch.budget_per_period
                                  ? (ch.cac > 0 ? *ch.budget_per_period / ch.cac : 0.0)
                                  : *ch.customers_per_period;
    customers += per_period * periods * 1.5;  // headroom for reputation and referrals
  }
  if (sc.market.addressable_customers > 0) customers = std::min(customers, sc.market.addressable_customers);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const double in_flight = std::min<double>(paths, threads > 0 ? threads : hw);
  // Every variant (baseline, investments, portfolio, sweep points) keeps its own results.
  const double variants = static_cast<double>(make_variants(sc).size());
  const double tables = 1.0 + static_cast<double>(sc.segments.size());  // the total and each segment

  const double process = 16.0 * 1024 * 1024;  // the binary, its libraries, oneTBB, the first arena slab
  // Customer state for the paths in flight: an upper bound of 80 bytes per customer
  // (bench/README.md §5: 14 for CLV accounting, 53 of kernel state per live one, allocator slack).
  const double state = (customers + existing) * 80.0 * in_flight;
  // A history's customers: their rows, ids and posteriors (~360 bytes measured), and each
  // path's orders and CLV kept per batch of up to 64 paths for the forecast (16 bytes).
  const double history = existing * (360.0 + 16.0 * std::min(paths, 64.0));
  // The stored results every output is written from (the HDF5 file, the report, the JSON and
  // console summaries read them without copying): per variant and table, paths x horizon for
  // each period KPI and one value per path for each path KPI (about 12 plus one per channel).
  const double path_kpis = 12.0 + static_cast<double>(sc.channels.size());
  const double results = variants * tables * paths * 8.0 * (H * PERIOD_KPI_COUNT + path_kpis);
  // Per-customer CLV and revenue samples (two floats) of the first paths, per variant.
  const double histogram = variants * std::min(customers + existing, static_cast<double>(HISTOGRAM_SAMPLE)) * 8.0 *
                           std::min(paths, static_cast<double>(HISTOGRAM_PATHS));
  return process + state + history + results + histogram;
}

Results run(const Scenario& sc, const RunOptions& options)
{
  const auto started = std::chrono::steady_clock::now();
  Workers workers;
  workers.serial = options.threads == 1 || (options.threads == 0 && std::thread::hardware_concurrency() == 1);
  std::unique_ptr<tbb::global_control> limit;
  if (options.threads > 0 && !workers.serial)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(options.threads));
  Results r;
  r.clvsim_version = options.clvsim_version;
  r.created_utc = utc_now();
  r.seed = sc.simulation.seed;
  r.paths = sc.simulation.paths;
  r.horizon = sc.simulation.horizon_periods;
  r.period = scenarios::to_string(sc.simulation.period);
  r.currency = sc.base.economics.currency;
  r.scenario_name = sc.simulation.name;
  r.scenario_path = sc.source_path;
  r.scenario_toml = sc.source_toml;
  r.command_line = options.command_line;
  for (const auto& s : sc.segments) r.segment_names.push_back(s.name);

  Plan plan = make_plan(sc, workers);
  plan.block_major = options.block_major;
  if (options.kernel == Kernel::reference) plan.simulate_period = &reference::simulate_period;
  const auto specs = make_variants(sc);
  r.variants.resize(specs.size());
  for (std::size_t v = 0; v < specs.size(); ++v) {
    r.variants[v].name = specs[v].name;
    for (const auto& [key, value] : specs[v].sweep) r.variants[v].sweep_values[key] = value;
  }
  std::mutex progress_mutex;
  int done = 0;
  std::vector<std::vector<double>> draws;
  run_paths(plan, sc, specs, r.variants, draws, [&] {
    if (!options.on_progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    options.on_progress(++done, sc.simulation.paths);
  }, &r.forecast);
  r.comparisons = compare_variants(r.variants, specs, sc.simulation.paths, plan.horizon, plan.discount);
  std::vector<std::string> inputs;
  for (const auto& in : sc.uncertain) inputs.push_back(in.key);
  r.sensitivity = sensitivity(inputs, draws, r.variants, r.comparisons);
  r.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace clvsim
