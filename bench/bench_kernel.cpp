//! Throughput of the block kernel (models/sim/kernel.cpp) per purchase model, and of whole
//! runs of the reference benchmark model (docs/model.md §16, bench/README.md). Items are nominal customer-periods,
//! N x H, as the numpy peer counts them (bench/README.md), so the rates compare.
//! Run: clvsim_bench --benchmark_filter='Kernel|EndToEnd' --benchmark_out=kernel.json
#include "engine/run/driver.h"
#include "models/sim/kernel.h"
#include "models/sim/segment_model.h"
#include "models/sim/traits.h"
#include "scenarios/loader.h"
#include "scenarios/segment_model.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>

#include <string>
#include <vector>

namespace {

using namespace clvsim;

//! The reference model of docs/model.md §16 (bench/reference.toml), with the purchase block replaced.
std::string reference_toml(const std::string& purchase)
{
  const bool subscription = purchase.find("\"sbg\"") != std::string::npos;
  const std::string spend = subscription ? "" : R"([spend]
model = "gamma_gamma"
p = 6.25
q = 3.74
gamma = 15.44
)";
  return R"([simulation]
name = "bench"
period = "month"
horizon = 60
paths = 1
seed = 1
[population]
initial_customers = 1000
)" + purchase +
         spend + R"(
[economics]
discount_rate_annual = 0.10
gross_margin = 0.3
[service]
incident_probability = 0.05
first_contact_resolution = 0.7
later_contact_resolution = 0.7
max_contacts = 4
response_time_hours = 24.0
courtesy = 1.0
cost_per_contact = 5.0
[satisfaction]
initial_mean = 7.5
initial_sd = 1.0
decay = 0.1
order_delta = 0.2
churn_sensitivity = 0.3
frequency_sensitivity = 0.0
stationary = false
)";
}

const char* SBG_POISSON = "[purchase]\nmodel = \"sbg_poisson\"\na = 2.0\nb = 60.0\nr = 0.8\nalpha = 1.6\n";
// CDNOW estimates (Fader, Hardie & Lee 2005), per week.
const char* BG_NBD =
    "[purchase]\nmodel = \"bg_nbd\"\ntime_unit = \"week\"\nr = 0.243\nalpha = 4.414\na = 0.793\nb = 2.426\n";
const char* PARETO_NBD =
    "[purchase]\nmodel = \"pareto_nbd\"\ntime_unit = \"week\"\nr = 0.55\nalpha = 10.58\ns = 0.61\nbeta = 11.67\n";
const char* SBG = "[purchase]\nmodel = \"sbg\"\nalpha = 0.704\nbeta = 1.182\nfee = 20.0\n";

//! state.range(0) new customers in blocks of state.range(1) (simulation.block_size), all
//! simulated over H = 60 periods as one thread of the driver does: period by period (every
//! block, then the next period), or block-major (every period of a block, then the next
//! block: the driver's schedule for blocks no customer joins after the start). Only the
//! kernel calls are timed (trait draws and block set-up are not).
void kernel(benchmark::State& state, const char* purchase, bool block_major = false)
{
  const auto sc = scenarios::load_string(reference_toml(purchase), "bench.toml", ".");
  const std::vector<sim::SegmentModel> segments = {
      scenarios::segment_model(sc.segments.front().behaviour, sc.simulation.period)};
  const int H = sc.simulation.horizon_periods;
  const double delta = std::pow(1.0 + sc.base.economics.discount_rate_annual, -(365.25 / 12) / 365.25);
  std::vector<double> discount(static_cast<std::size_t>(H) + 1);
  for (std::size_t k = 0; k < discount.size(); ++k) discount[k] = std::pow(delta, static_cast<double>(k));
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto block_size = static_cast<std::size_t>(state.range(1));
  std::vector<sim::TallyRow> tallies(1);
  std::vector<sim::Block> proto((n + block_size - 1) / block_size);
  for (auto& b : proto) b.reserve(block_size);
  for (std::uint64_t id = 0; id < n; ++id) {
    float lambda, churn, nu, sat;
    sim::draw_traits(segments[0], 1, 0, id, lambda, churn, nu, sat);
    float sclock = 0.0f, oclock = 0.0f;
    sim::draw_clocks(1, 0, 1, &id, &sclock, &oclock);
    proto[id / block_size].push_back(id, 0, 0, sim::ALIVE | sim::INITIAL, 0, lambda, churn, nu, sat, sclock, oclock);
  }
  double clv = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<sim::Block> blocks = proto;
    state.ResumeTiming();
    auto period = [&](sim::Block& b, int t) {
      sim::PeriodContext ctx;
      ctx.seed = 1;
      ctx.path = 0;
      ctx.period = static_cast<std::uint32_t>(t);
      ctx.segments = segments;
      ctx.discount = discount;
      tallies[0] = sim::TallyRow{};
      sim::simulate_period(b, ctx, tallies);
    };
    if (block_major) {
      for (auto& b : blocks)
        for (int t = 0; t < H; ++t) period(b, t);
    } else {
      for (int t = 0; t < H; ++t)
        for (auto& b : blocks) period(b, t);
    }
    for (auto& b : blocks) sim::flush_live(b);  // the live customers' CLV into the public arrays
    state.PauseTiming();
    clv = 0;
    for (const auto& b : blocks)
      for (float v : b.clv) clv += v;
    benchmark::DoNotOptimize(clv);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n) * H);
  state.counters["mean_clv"] = clv / static_cast<double>(n);
}

void BM_KernelSbgPoissonReference(benchmark::State& s)
{
  kernel(s, SBG_POISSON);
}
void BM_KernelSbgPoissonReferenceBlockMajor(benchmark::State& s)
{
  kernel(s, SBG_POISSON, true);
}
void BM_KernelBgNbd(benchmark::State& s)
{
  kernel(s, BG_NBD);
}
void BM_KernelParetoNbd(benchmark::State& s)
{
  kernel(s, PARETO_NBD);
}
void BM_KernelSbg(benchmark::State& s)
{
  kernel(s, SBG);
}

//! The whole `clvsim run` pipeline (traits, kernel, merge, per-customer CLV accounting,
//! histograms) of the reference model, N customers x 60 months, range(1) paths, on
//! range(2) threads. Wall-clock time (UseRealTime).
void BM_EndToEndReference(benchmark::State& state)
{
  auto sc = scenarios::load_string(reference_toml(SBG_POISSON), "bench.toml", ".");
  sc.population.initial_customers = static_cast<decltype(sc.population.initial_customers)>(state.range(0));
  sc.simulation.paths = static_cast<int>(state.range(1));
  RunOptions options;
  options.threads = static_cast<int>(state.range(2));
  double clv = 0;
  for (auto _ : state) {
    const Results r = run(sc, options);
    clv = r.variants.front().kpis.paths.at("clv_mean").front();
    benchmark::DoNotOptimize(clv);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0) * state.range(1) *
                          sc.simulation.horizon_periods);
  state.counters["mean_clv_path0"] = clv;
}

}  // namespace

// Args: customers, block size (the default simulation.block_size is 16384).
BENCHMARK(BM_KernelSbgPoissonReference)
    ->Args({262144, 1024})
    ->Args({262144, 4096})
    ->Args({262144, 16384})
    ->Args({262144, 65536})
    ->Args({1048576, 4096})
    ->Args({1048576, 16384})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KernelSbgPoissonReferenceBlockMajor)
    ->Args({262144, 4096})
    ->Args({262144, 16384})
    ->Args({1048576, 4096})
    ->Args({1048576, 16384})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KernelBgNbd)->Args({262144, 4096})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KernelParetoNbd)->Args({262144, 4096})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KernelSbg)->Args({262144, 4096})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EndToEndReference)
    ->Args({1000000, 1, 1})
    ->Args({1000000, 1, 2})
    ->Args({1000000, 2, 1})
    ->Args({1000000, 2, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
