// `clvsim fit` speed (bench/README.md): the BG/NBD maximum-likelihood fit of a 1,000,000-customer
// summary on one core, and one evaluation of the vectorised likelihood with its gradient.
// Run: ./build/bench/clvsim_bench --benchmark_filter=Fit --benchmark_format=json
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "models/fit/bg_nbd_likelihood.h"
#include "models/fit/fit_models.h"

namespace {

//! A synthetic summary drawn from known BG/NBD parameters (the CDNOW estimates): first
//! purchases uniform over a 12-week acquisition quarter, calibration to week 39, times on
//! whole days as a real transaction log gives them (so identical customers collapse as
//! they would in practice).
struct Synthetic {
  std::vector<double> x, t_x, T;
};

Synthetic draw_1m(bool whole_days)
{
  const double r = 0.243, alpha = 4.414, a = 0.793, b = 2.426;
  std::mt19937_64 rng(20240601);
  std::gamma_distribution<double> lambda_d(r, 1.0 / alpha), ga(a, 1.0), gb(b, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Synthetic out;
  const int n = 1'000'000, calibration_day = 272;
  out.x.reserve(n);
  out.t_x.reserve(n);
  out.T.reserve(n);
  for (int i = 0; i < n; ++i) {
    const int first = static_cast<int>(rng() % 84);
    const double T_days = calibration_day - first;
    const double lambda = lambda_d(rng) / 7.0;  // per day
    const double A = ga(rng), B = gb(rng), drop = A / (A + B);
    double t = 0, last = 0;
    int x = 0;
    while (true) {
      t += -std::log(1.0 - u(rng)) / lambda;
      if (!whole_days) {  // continuous time: every customer is a distinct row
        if (t > T_days) break;
        ++x;
        last = t;
        if (u(rng) < drop) break;
        continue;
      }
      if (std::floor(t) > T_days) break;
      // Same-day purchases merge: a purchase on an already counted day (or on the first
      // purchase day) is not a new transaction.
      if (std::floor(t) > last) {
        ++x;
        last = std::floor(t);
      }
      if (u(rng) < drop) break;
    }
    out.x.push_back(x);
    out.t_x.push_back(x ? last / 7.0 : 0.0);
    out.T.push_back(T_days / 7.0);
  }
  return out;
}

const Synthetic& synthetic_1m()
{
  static const Synthetic s = draw_1m(true);
  return s;
}

void BM_FitBgNbd1M(benchmark::State& state)
{
  const Synthetic& s = synthetic_1m();
  double r = 0;
  for (auto _ : state) {
    const auto fit = clvsim::fit::fit_bg_nbd(s.x, s.t_x, s.T);  // collapse + L-BFGS + Hessian
    r = fit.estimate[0];
    state.counters["evaluations"] = fit.evaluations;
    benchmark::DoNotOptimize(r);
  }
  state.counters["r_hat"] = r;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(s.x.size()));
}
BENCHMARK(BM_FitBgNbd1M)->Unit(benchmark::kMillisecond)->Iterations(3);

//! The worst case for the collapse: continuous times, so no two customers share a row.
void BM_FitBgNbd1MContinuous(benchmark::State& state)
{
  static const Synthetic s = draw_1m(false);
  for (auto _ : state) {
    const auto fit = clvsim::fit::fit_bg_nbd(s.x, s.t_x, s.T);
    state.counters["evaluations"] = fit.evaluations;
    benchmark::DoNotOptimize(fit.estimate[0]);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(s.x.size()));
}
BENCHMARK(BM_FitBgNbd1MContinuous)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_BgNbdLikelihoodGradient1M(benchmark::State& state)
{
  const Synthetic& s = synthetic_1m();
  const clvsim::fit::BgNbdLikelihood lik(clvsim::fit::collapse(s.x, s.t_x, s.T));
  std::array<double, 4> g{};
  for (auto _ : state) benchmark::DoNotOptimize(lik.value_and_gradient({0.243, 4.414, 0.793, 2.426}, g));
  state.counters["rows"] = static_cast<double>(lik.data().rows());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(s.x.size()));
}
BENCHMARK(BM_BgNbdLikelihoodGradient1M)->Unit(benchmark::kMillisecond);

}  // namespace
