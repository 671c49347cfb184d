//! Throughput of the random streams and samplers (engine/rng), one draw per item. The
//! same functions tests/rng verifies. Run: clvsim_bench --benchmark_filter=Rng
#include "engine/rng/samplers.h"

#include <benchmark/benchmark.h>

#include <cstdint>

namespace {

using clvsim::rng::Purpose;
using clvsim::rng::Stream;

// One long stream per benchmark: the hot loop reuses a customer's stream across draws, and
// constructing a Stream costs nothing until the first draw (BM_RngStreamPerDraw measures a
// fresh stream per customer, the other end of the range).
template <class F>
void run(benchmark::State& state, F draw)
{
  Stream s(12345, 0, 0, 0, Purpose::traits);
  for (auto _ : state) benchmark::DoNotOptimize(draw(s));
  state.SetItemsProcessed(state.iterations());
}

void BM_RngNextU32(benchmark::State& st) { run(st, [](Stream& s) { return s.next_u32(); }); }
void BM_RngUniform(benchmark::State& st) { run(st, [](Stream& s) { return s.uniform(); }); }
void BM_RngNormal(benchmark::State& st) { run(st, [](Stream& s) { return clvsim::rng::normal(s); }); }
void BM_RngExponential(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::exponential(s); });
}
void BM_RngGamma0_8(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::gamma(s, 0.8, 1.6); });
}
void BM_RngGamma6_25(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::gamma(s, 6.25, 3.74); });
}
void BM_RngBeta2_60(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::beta(s, 2.0, 60.0); });
}
void BM_RngPoisson0_5(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::poisson(s, 0.5); });
}
void BM_RngPoisson30(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::poisson(s, 30.0); });
}
void BM_RngBinomial1000_0_3(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::binomial(s, 1000, 0.3); });
}
void BM_RngBernoulli(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::bernoulli(s, 0.05); });
}

// A fresh stream per draw (one per customer-period): construction plus one Philox block.
void BM_RngStreamPerDraw(benchmark::State& state)
{
  std::uint32_t customer = 0;
  for (auto _ : state) {
    Stream s(12345, 0, customer++, 7, Purpose::orders);
    benchmark::DoNotOptimize(s.uniform());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_RngNextU32);
BENCHMARK(BM_RngUniform);
BENCHMARK(BM_RngNormal);
BENCHMARK(BM_RngExponential);
BENCHMARK(BM_RngGamma0_8);
BENCHMARK(BM_RngGamma6_25);
BENCHMARK(BM_RngBeta2_60);
BENCHMARK(BM_RngPoisson0_5);
BENCHMARK(BM_RngPoisson30);
BENCHMARK(BM_RngBinomial1000_0_3);
BENCHMARK(BM_RngBernoulli);
BENCHMARK(BM_RngStreamPerDraw);
