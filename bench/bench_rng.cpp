//! Throughput of the random streams and samplers (engine/rng), one draw per item: the scalar
//! samplers over a Stream, and the batched single-precision layer the kernel uses
//! (philox_batch, gamma_batch_f, normal_batch_f). The same functions tests/rng verifies.
//! Run: clvsim_bench --benchmark_filter=Rng
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in its AVX-512 headers
#endif
#include "engine/rng/batch_samplers.h"
#include "engine/rng/samplers.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

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

void BM_RngNextU32(benchmark::State& st)
{
  run(st, [](Stream& s) { return s.next_u32(); });
}
void BM_RngUniform(benchmark::State& st)
{
  run(st, [](Stream& s) { return s.uniform(); });
}
void BM_RngNormal(benchmark::State& st)
{
  run(st, [](Stream& s) { return clvsim::rng::normal(s); });
}
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

// The batched layer the kernel uses: 1024 lanes (customers) per call (the argument), one
// item per lane.
struct Lanes {
  std::vector<std::uint32_t> lo, w0, w1, w2, w3;
  std::vector<std::uint8_t> hi;
  std::vector<float> shape, out;
  explicit Lanes(std::size_t n, float sh) : lo(n), w0(n), w1(n), w2(n), w3(n), hi(n, 0), shape(n, sh), out(n)
  {
    for (std::size_t k = 0; k < n; ++k) lo[k] = static_cast<std::uint32_t>(k * 7919u);
  }
};
void BM_RngPhiloxBatch(benchmark::State& st)  // one Philox4x32-10 block (4 words) per item
{
  const auto LANES = static_cast<std::size_t>(st.range(0));
  Lanes l(LANES, 1.0f);
  std::uint32_t period = 0;
  for (auto _ : st) {
    clvsim::rng::philox_batch(LANES, 1, 0, 0, clvsim::rng::counter_word2(period++ & 0xFFFF, Purpose::survival, 0),
                              l.lo.data(), l.hi.data(), l.w0.data(), l.w1.data(), l.w2.data(), l.w3.data());
    benchmark::DoNotOptimize(l.w0.data());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(LANES));
}
void gamma_batch(benchmark::State& st, float shape)
{
  const auto LANES = static_cast<std::size_t>(st.range(0));
  Lanes l(LANES, shape);
  std::uint32_t period = 0;
  for (auto _ : st) {
    clvsim::rng::gamma_batch_f(LANES, 1, 0, period++ & 0xFFFF, Purpose::order_values, l.lo.data(), l.hi.data(),
                               l.shape.data(), l.out.data());
    benchmark::DoNotOptimize(l.out.data());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(LANES));
}
void BM_RngGammaBatch0_8(benchmark::State& st)
{
  gamma_batch(st, 0.8f);
}
void BM_RngGammaBatch6_25(benchmark::State& st)
{
  gamma_batch(st, 6.25f);
}
void BM_RngNormalBatch(benchmark::State& st)
{
  const auto LANES = static_cast<std::size_t>(st.range(0));
  Lanes l(LANES, 1.0f);
  std::uint32_t period = 0;
  for (auto _ : st) {
    clvsim::rng::normal_batch_f(LANES, 1, 0, period++ & 0xFFFF, Purpose::satisfaction, l.lo.data(), l.hi.data(),
                                l.out.data());
    benchmark::DoNotOptimize(l.out.data());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(LANES));
}

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
BENCHMARK(BM_RngPhiloxBatch)->Arg(1024);
BENCHMARK(BM_RngGammaBatch0_8)->Arg(1024);
BENCHMARK(BM_RngGammaBatch6_25)->Arg(1024);
BENCHMARK(BM_RngNormalBatch)->Arg(1024);
