#include "engine/run/driver.h"

#include "engine/core/errors.h"
#include "engine/run/exchange.h"
#include "engine/run/path.h"
#include "engine/run/plan.h"
#include "engine/run/unit.h"
#include "engine/run/variants.h"
#include "engine/run/workers.h"
#include "engine/stats/select.h"
#include "engine/stats/summary.h"
#include "models/kpis.h"
#include "models/reference/kernel.h"
#include "models/sim/kernel.h"
#include "models/subscription.h"
#include "scenarios/warnings.h"

#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

namespace clvsim {

using scenarios::ExistingCustomer;
using scenarios::Scenario;
using sim::Block;
using sim::SegmentModel;
using sim::TallyRow;

namespace {

using models::PERIOD_KPI_COUNT;
using runner::HISTOGRAM_BINS;
using runner::HISTOGRAM_PATHS;
using runner::HISTOGRAM_SAMPLE;
using runner::path_kpi_names;
using runner::PathOutput;
using runner::PathUnit;
using runner::Plan;
using runner::Workers;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

void store(const PathOutput& po, int path, int paths, int H, const std::vector<std::string>& seg_names,
           VariantResults& v)
{
  const auto row = static_cast<std::size_t>(path) * static_cast<std::size_t>(H);
  auto put_table = [&](KpiTable& table, const std::vector<std::vector<double>>& periods,
                       const std::map<std::string, double>& path_kpis) {
    for (std::size_t k = 0; k < PERIOD_KPI_COUNT; ++k) {
      auto& dst = table.periods.at(std::string(models::PERIOD_KPIS[k].name));
      std::copy(periods[k].begin(), periods[k].end(), dst.begin() + static_cast<std::ptrdiff_t>(row));
    }
    for (const auto& [name, value] : path_kpis) table.paths.at(name)[static_cast<std::size_t>(path)] = value;
  };
  (void)paths;
  put_table(v.kpis, po.periods, po.path_kpis);
  if (!v.retention_by_tenure.empty())
    std::copy(po.retention_by_tenure.begin(), po.retention_by_tenure.end(),
              v.retention_by_tenure.begin() + static_cast<std::ptrdiff_t>(row));
  for (std::size_t g = 0; g < seg_names.size(); ++g)
    put_table(v.segments.at(seg_names[g]), po.seg_periods[g], po.seg_path_kpis[g]);
}

void prepare_table(KpiTable& table, int paths, int H, const std::vector<std::string>& path_kpi_names)
{
  for (const auto& kpi : models::PERIOD_KPIS)
    table.periods[std::string(kpi.name)].assign(static_cast<std::size_t>(paths) * static_cast<std::size_t>(H), NaN);
  for (const auto& name : path_kpi_names) table.paths[name].assign(static_cast<std::size_t>(paths), NaN);
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
      for (int k = 0; k <= HISTOGRAM_BINS; ++k)
        v.clv_histogram.edges[static_cast<std::size_t>(k)] = lo + (hi - lo) * k / HISTOGRAM_BINS;
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

//! One path of every variant: the path's draws of the uncertain inputs, then the variants one
//! after another on the same random numbers. Only the baseline keeps the existing
//! customers' orders and CLV (the forecast's). With `blocks`, the path's blocks are shared
//! with the other ranks (runner::simulate_path), and the unit is complete on rank 0 only.
PathUnit simulate_unit(const Plan& plan, const Scenario& sc, const std::vector<VariantSpec>& specs, std::uint32_t p,
                       runner::BlockExchange* blocks = nullptr)
{
  PathUnit unit;
  unit.path = p;
  const Scenario base = path_scenario(sc, p, &unit.draws);
  unit.variants.resize(specs.size());
  for (std::size_t v = 0; v < specs.size(); ++v) {
    const VariantSchedule sched = make_schedule(base, specs[v]);
    PathOutput& po = unit.variants[v];
    runner::simulate_path(plan, base, sched, p, po, blocks);
    if (v > 0) {
      po.existing_orders = {};
      po.existing_clv = {};
      po.existing_clv_lifetime = {};
    }
  }
  return unit;
}

//! The per-customer forecast of a history's customers (CustomerForecast): each path's orders,
//! horizon CLV and lifetime CLV of every existing customer, held when its unit is folded (by
//! path: units of different paths may be folded at the same time) and summed in path order,
//! so the sums do not depend on the order units finish in.
class ExistingSums {
public:
  //! `keep_all`: also keep every path's orders and lifetime CLV per customer, for the
  //! predictive quantiles (when customers x paths fit FORECAST_QUANTILE_VALUES).
  ExistingSums(std::size_t customers, int paths, bool keep_all)
      : E_(customers),
        paths_(paths),
        keep_all_(keep_all),
        pending_orders_(customers > 0 ? static_cast<std::size_t>(paths) : 0),
        pending_clv_(pending_orders_.size()),
        pending_life_(pending_orders_.size()),
        folded_(static_cast<std::size_t>(paths), 0),
        sum_orders_(customers, 0.0),
        sum_orders2_(customers, 0.0),
        sum_clv_(customers, 0.0),
        sum_clv2_(customers, 0.0),
        sum_life_(customers, 0.0),
        sum_life2_(customers, 0.0),
        all_orders_(keep_all ? customers * static_cast<std::size_t>(paths) : 0),
        all_life_(all_orders_.size())
  {}

  //! Path p's unit is folded: its existing customers (of the baseline, `po`) wait for the
  //! paths before it.
  void hold(std::size_t p, PathOutput& po)
  {
    if (E_ > 0) {
      pending_orders_[p] = std::move(po.existing_orders);
      pending_clv_[p] = std::move(po.existing_clv);
      pending_life_[p] = std::move(po.existing_clv_lifetime);
    }
    folded_[p] = 1;
  }

  //! Adds the held paths, in path order, up to the first path not folded yet. Not concurrent
  //! with hold (called between batches).
  void sum_in_path_order()
  {
    for (; next_ < paths_ && folded_[static_cast<std::size_t>(next_)]; ++next_) {
      if (E_ == 0) continue;
      auto& orders = pending_orders_[static_cast<std::size_t>(next_)];
      auto& clvs = pending_clv_[static_cast<std::size_t>(next_)];
      auto& life = pending_life_[static_cast<std::size_t>(next_)];
      for (std::size_t j = 0; j < E_; ++j) {
        sum_orders_[j] += orders[j];
        sum_orders2_[j] += orders[j] * orders[j];
        sum_clv_[j] += clvs[j];
        sum_clv2_[j] += clvs[j] * clvs[j];
        sum_life_[j] += life[j];
        sum_life2_[j] += life[j] * life[j];
        if (keep_all_) {
          const std::size_t at = j * static_cast<std::size_t>(paths_) + static_cast<std::size_t>(next_);
          all_orders_[at] = static_cast<float>(orders[j]);
          all_life_[at] = static_cast<float>(life[j]);
        }
      }
      orders = {};
      clvs = {};
      life = {};
    }
  }

  //! The means over paths with their standard errors, and the quantiles where kept.
  void finish(const Plan& plan, CustomerForecast& forecast) const
  {
    const double n = paths_;
    auto se = [&](double sum, double sum2) {
      if (paths_ < 2) return NaN;
      const double mean = sum / n;
      return std::sqrt(std::max(0.0, (sum2 - n * mean * mean) / (n - 1)) / n);
    };
    forecast.customer_id.resize(E_);
    forecast.p_alive = plan.existing_p_alive_mix;
    forecast.expected_orders_closed_form = plan.existing_closed_orders;
    forecast.expected_orders.resize(E_);
    forecast.expected_orders_se.resize(E_);
    forecast.expected_clv.resize(E_);
    forecast.expected_clv_se.resize(E_);
    forecast.expected_clv_lifetime.resize(E_);
    forecast.expected_clv_lifetime_se.resize(E_);
    for (auto* q : {&forecast.orders_p05, &forecast.orders_p50, &forecast.orders_p95, &forecast.clv_lifetime_p05,
                    &forecast.clv_lifetime_p50, &forecast.clv_lifetime_p95})
      q->assign(E_, NaN);
    for (std::size_t j = 0; j < E_; ++j) {
      forecast.customer_id[j] = plan.existing[j].id;
      forecast.expected_orders[j] = sum_orders_[j] / n;
      forecast.expected_orders_se[j] = se(sum_orders_[j], sum_orders2_[j]);
      forecast.expected_clv[j] = sum_clv_[j] / n;
      forecast.expected_clv_se[j] = se(sum_clv_[j], sum_clv2_[j]);
      forecast.expected_clv_lifetime[j] = sum_life_[j] / n;
      forecast.expected_clv_lifetime_se[j] = se(sum_life_[j], sum_life2_[j]);
    }
    if (keep_all_)  // the quantiles across paths, as every statistic across paths (stats::quantile)
      plan.workers.for_each(std::size_t{0}, E_, [&](std::size_t j) {
        const auto from = static_cast<std::ptrdiff_t>(j * static_cast<std::size_t>(paths_));
        const std::vector<double> o(all_orders_.begin() + from, all_orders_.begin() + from + paths_);
        const std::vector<double> c(all_life_.begin() + from, all_life_.begin() + from + paths_);
        forecast.orders_p05[j] = stats::quantile(o, 0.05);
        forecast.orders_p50[j] = stats::quantile(o, 0.50);
        forecast.orders_p95[j] = stats::quantile(o, 0.95);
        forecast.clv_lifetime_p05[j] = stats::quantile(c, 0.05);
        forecast.clv_lifetime_p50[j] = stats::quantile(c, 0.50);
        forecast.clv_lifetime_p95[j] = stats::quantile(c, 0.95);
      });
  }

private:
  const std::size_t E_;
  const int paths_;
  const bool keep_all_;
  std::vector<std::vector<double>> pending_orders_, pending_clv_, pending_life_;  //!< [path][customer]
  std::vector<char> folded_;
  int next_ = 0;  //!< the first path not summed yet
  std::vector<double> sum_orders_, sum_orders2_, sum_clv_, sum_clv2_, sum_life_, sum_life2_;
  std::vector<float> all_orders_, all_life_;  //!< [customer][path] (keep_all)
};

//! Simulate the paths of every variant and fold them into `variants`, `draws` and `forecast`.
//! Paths run in parallel in batches; within a path the variants run one after another on the
//! same random numbers (simulate_unit). Each unit is folded into its path's slots as it
//! finishes; the sums across paths (per-customer forecasts) are added in path order as the
//! paths before them are folded, so results are independent of the thread count, and of
//! where and in which order units are simulated: an `exchange` (engine/run/exchange.h) may
//! take some paths from a checkpoint or other MPI ranks, or send this process's elsewhere.
void run_paths(const Plan& plan, const Scenario& sc, const std::vector<VariantSpec>& specs,
               std::vector<VariantResults>& variants, std::vector<std::vector<double>>& draws,
               const std::function<void()>& path_done, CustomerForecast* forecast, runner::UnitExchange* exchange)
{
  const int paths = sc.simulation.paths;
  const int H = plan.horizon;
  const bool folds = exchange == nullptr || exchange->folds();
  std::vector<std::string> seg_names;
  for (const auto& s : sc.segments) seg_names.push_back(s.name);
  if (folds)
    for (auto& v : variants) {
      prepare_table(v.kpis, paths, H, path_kpi_names(sc, false));
      if (plan.subscription)
        v.retention_by_tenure.assign(static_cast<std::size_t>(paths) * static_cast<std::size_t>(H), NaN);
      for (const auto& name : seg_names) prepare_table(v.segments[name], paths, H, path_kpi_names(sc, true));
    }
  draws.assign(sc.uncertain.size(), std::vector<double>(static_cast<std::size_t>(paths), 0.0));
  const std::size_t E = plan.existing.size();
  const std::size_t V = variants.size();
  // [variant][path]: the path's sample pieces
  using Samples = std::vector<std::vector<sim::Column<float>>>;  // [path][piece]
  std::vector<Samples> clv(V, Samples(HISTOGRAM_PATHS)), revenue(V, Samples(HISTOGRAM_PATHS));
  ExistingSums existing(E, paths, forecast && E > 0 && static_cast<double>(E) * paths <= FORECAST_QUANTILE_VALUES);
  // Each path's own slots: units of different paths may be folded at the same time.
  const runner::FoldUnit fold = [&](PathUnit&& unit) {
    const std::size_t p = unit.path;
    for (std::size_t i = 0; i < unit.draws.size(); ++i) draws[i][p] = unit.draws[i];
    for (std::size_t v = 0; v < V; ++v) {
      PathOutput& po = unit.variants[v];
      store(po, static_cast<int>(p), paths, H, seg_names, variants[v]);
      if (p < static_cast<std::size_t>(HISTOGRAM_PATHS)) {
        clv[v][p] = std::move(po.clv_sample);
        revenue[v][p] = std::move(po.revenue_sample);
      }
    }
    existing.hold(p, unit.variants[0]);
    if (path_done) path_done();
  };
  const auto sum_in_path_order = [&] { existing.sum_in_path_order(); };
  const runner::UnitCodec codec(sc, V);
  std::vector<std::uint32_t> mine;
  if (exchange) {
    mine = exchange->start(codec, paths, fold);
  } else {
    mine.resize(static_cast<std::size_t>(paths));
    for (int p = 0; p < paths; ++p) mine[static_cast<std::size_t>(p)] = static_cast<std::uint32_t>(p);
  }
  // Fewer paths than MPI ranks: every rank runs every path, one after another, on its share
  // of the path's blocks (docs/scaling.md §8); rank 0's units are complete.
  if (runner::BlockExchange* blocks = exchange ? exchange->blocks() : nullptr) {
    for (const std::uint32_t p : mine) {
      PathUnit unit = simulate_unit(plan, sc, specs, p, blocks);
      exchange->finished(unit);
      if (folds) fold(std::move(unit));
      exchange->batch_done(fold);
      sum_in_path_order();
    }
    mine.clear();
  }
  constexpr std::size_t BATCH = 64;
  for (std::size_t batch = 0; batch < mine.size(); batch += BATCH) {
    const std::size_t batch_end = std::min(mine.size(), batch + BATCH);
    plan.workers.for_each(batch, batch_end, [&](std::size_t i) {
      PathUnit unit = simulate_unit(plan, sc, specs, mine[i]);
      if (exchange) exchange->finished(unit);
      if (folds) fold(std::move(unit));
    });
    if (exchange) exchange->batch_done(fold);
    sum_in_path_order();
  }
  if (exchange) exchange->finish(fold);
  sum_in_path_order();
  if (!folds) return;
  plan.workers.for_each(std::size_t{0}, V, [&](std::size_t v) {  // variants are independent
    stats::Pieces all_clv, all_rev;                              // every path's pieces in path order, not copied
    for (std::size_t p = 0; p < static_cast<std::size_t>(HISTOGRAM_PATHS); ++p) {
      for (const auto& piece : clv[v][p]) all_clv.emplace_back(piece);
      for (const auto& piece : revenue[v][p]) all_rev.emplace_back(piece);
    }
    finish_distributions(plan.workers, variants[v], all_clv, all_rev);
  });

  if (forecast && E > 0) existing.finish(plan, *forecast);
}

//! The closed forms of a subscription run (docs/model.md §11.6): a new subscriber's, mixed
//! over the segments by their shares (a new subscriber joins segment g with its share).
SubscriptionResults subscription_results(const Scenario& sc, const Plan& plan)
{
  SubscriptionResults s;
  s.months_per_period = scenarios::days_in(sc.simulation.period) / scenarios::days_in(models::Period::month);
  s.discount_rate_per_period = 1.0 / plan.discount.at(1) - 1.0;  // delta = 1/(1+d)
  s.retention_closed_form.assign(static_cast<std::size_t>(plan.horizon), 0.0);
  for (const auto& seg : sc.segments) {
    const auto& p = seg.behaviour.purchase;
    const models::SubscriptionClosedForm f =
        models::subscription_closed_form(p.alpha, p.beta, s.discount_rate_per_period, plan.horizon);
    s.fee += seg.share * p.fee;
    s.derl_periods += seg.share * f.derl;
    s.derl_value += seg.share * p.fee * f.derl;
    s.del_periods += seg.share * f.del;
    s.del_value += seg.share * p.fee * f.del;
    for (std::size_t k = 0; k < f.retention.size(); ++k) s.retention_closed_form[k] += seg.share * f.retention[k];
  }
  return s;
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
    const double per_period =
        ch.budget_per_period ? (ch.cac > 0 ? *ch.budget_per_period / ch.cac : 0.0) : *ch.customers_per_period;
    const int warmup = ch.start_period == 0 ? sc.simulation.warmup_periods : 0;  // acquiring as in period 0
    customers += per_period * (periods + warmup) * 1.5;  // headroom for reputation and referrals
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
  // path's orders and CLVs kept per batch of up to 64 paths for the forecast (24 bytes), and
  // every path's orders and lifetime CLV for its quantiles when they fit (8 bytes).
  const double quantiles = existing * paths <= FORECAST_QUANTILE_VALUES ? 8.0 * paths : 0.0;
  const double history = existing * (360.0 + 24.0 * std::min(paths, 64.0) + quantiles);
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
  r.run_manifest = options.run_manifest;
  r.run_hash = options.run_hash;
  for (const auto& s : sc.segments) r.segment_names.push_back(s.name);

  Plan plan = runner::make_plan(
      sc, workers, options.kernel == Kernel::reference ? &reference::simulate_period : &sim::simulate_period);
  plan.block_major = options.block_major;
  const auto specs = make_variants(sc);
  r.variants.resize(specs.size());
  for (std::size_t v = 0; v < specs.size(); ++v) {
    r.variants[v].name = specs[v].name;
    for (const auto& [key, value] : specs[v].sweep) r.variants[v].sweep_values[key] = value;
  }
  std::mutex progress_mutex;
  int done = 0;
  std::vector<std::vector<double>> draws;
  run_paths(
      plan, sc, specs, r.variants, draws,
      [&] {
        if (!options.on_progress) return;
        std::lock_guard<std::mutex> lock(progress_mutex);
        options.on_progress(++done, sc.simulation.paths);
      },
      &r.forecast, options.exchange);
  if (options.exchange && !options.exchange->folds()) return r;  // another process folds the units
  r.comparisons = compare_variants(r.variants, specs, sc.simulation.paths, plan.horizon, plan.discount);
  for (const auto& in : sc.uncertain) r.uncertain_inputs.push_back(in.key);
  r.warnings = scenarios::warnings(sc);
  std::vector<std::string> investment_names;
  for (const auto& inv : sc.investments) investment_names.push_back(inv.name);
  r.sensitivity = sensitivity(r.uncertain_inputs, draws, r.variants, r.comparisons, specs, investment_names);
  if (plan.subscription) r.subscription = subscription_results(sc, plan);
  r.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace clvsim
