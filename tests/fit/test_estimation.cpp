// Likelihoods and maximum-likelihood fits (models/fit/bg_nbd_likelihood.h, mle.h,
// fit_models.h): the vectorised BG/NBD likelihood against the scalar closed form, its
// gradient against finite differences, recovery of known parameters, and the published
// CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie's gamma-gamma note).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "models/fit/bg_nbd_likelihood.h"
#include "models/fit/dates.h"
#include "models/fit/fit_models.h"
#include "models/fit/gamma_gamma_likelihood.h"
#include "models/fit/pareto_nbd_likelihood.h"
#include "models/fit/report.h"
#include "models/fit/summary.h"
#include "models/fit/transactions.h"

using namespace clvsim::fit;
namespace bg = clvsim::models::bg_nbd;

namespace {

std::filesystem::path test_data()
{
  return CLVSIM_TEST_DATA;
}

//! BG/NBD customers simulated exactly (FHL 2005 §2): lambda ~ Gamma(r, rate alpha),
//! p ~ Beta(a, b); Poisson purchases while active, dropout with probability p after each
//! repeat purchase; observed for T weeks, T uniform over a 12-week acquisition window.
struct Synthetic {
  std::vector<double> x, t_x, T;
};
Synthetic simulate_bg_nbd(const bg::Params& p, int n, std::uint64_t seed)
{
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> lambda_d(p.r, 1.0 / p.alpha);
  std::gamma_distribution<double> ga(p.a, 1.0), gb(p.b, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Synthetic s;
  for (int i = 0; i < n; ++i) {
    const double lambda = lambda_d(rng);
    const double A = ga(rng), B = gb(rng), drop = A / (A + B);
    const double T = 39.0 - 12.0 * u(rng);
    double t = 0, t_x = 0;
    int x = 0;
    while (true) {
      t += -std::log(1.0 - u(rng)) / lambda;
      if (t > T) break;
      ++x;
      t_x = t;
      if (u(rng) < drop) break;
    }
    s.x.push_back(x);
    s.t_x.push_back(t_x);
    s.T.push_back(T);
  }
  return s;
}

}  // namespace

TEST(BgNbdLikelihood, MatchesTheScalarClosedFormAndItsGradient)
{
  const bg::Params truth{0.25, 4.0, 0.8, 2.5};
  const auto s = simulate_bg_nbd(truth, 3000, 7);
  const BgNbdLikelihood lik(collapse(s.x, s.t_x, s.T));
  for (const std::array<double, 4> th :
       {std::array<double, 4>{0.25, 4.0, 0.8, 2.5}, std::array<double, 4>{1.3, 0.2, 3.0, 0.4},
        std::array<double, 4>{0.05, 40.0, 0.1, 30.0}}) {
    double scalar = 0;
    for (std::size_t i = 0; i < s.x.size(); ++i)
      scalar += bg::log_likelihood({th[0], th[1], th[2], th[3]}, s.x[i], s.t_x[i], s.T[i]);
    std::array<double, 4> g{};
    const double v = lik.value_and_gradient(th, g);
    EXPECT_NEAR(v, scalar, 1e-9 * std::abs(scalar));
    EXPECT_EQ(v, lik(th));
    for (int k = 0; k < 4; ++k) {
      // Central difference, relative step 1e-6: truncation ~1e-12 relative, rounding
      // ~1e-16·|LL|/1e-6·θ — both far below the 1e-5 tolerance.
      auto plus = th, minus = th;
      const double h = 1e-6 * th[k];
      plus[k] += h;
      minus[k] -= h;
      const double fd = (lik(plus) - lik(minus)) / (2 * h);
      EXPECT_NEAR(g[k], fd, 1e-5 * (std::abs(fd) + 1.0)) << "parameter " << k;
    }
  }
}

TEST(BgNbdLikelihood, MbgNbdVariantMatchesTheScalarClosedFormAndItsGradient)
{
  const bg::Params truth{0.25, 4.0, 0.8, 2.5};
  const auto s = simulate_bg_nbd(truth, 3000, 8);
  const BgNbdLikelihood lik(collapse(s.x, s.t_x, s.T), BgNbdLikelihood::Variant::mbg_nbd);
  for (const std::array<double, 4> th :
       {std::array<double, 4>{0.525, 6.183, 0.891, 1.614}, std::array<double, 4>{1.3, 0.2, 3.0, 0.4}}) {
    double scalar = 0;
    for (std::size_t i = 0; i < s.x.size(); ++i)
      scalar += clvsim::models::mbg_nbd::log_likelihood({th[0], th[1], th[2], th[3]}, s.x[i], s.t_x[i], s.T[i]);
    std::array<double, 4> g{};
    const double v = lik.value_and_gradient(th, g);
    EXPECT_NEAR(v, scalar, 1e-9 * std::abs(scalar));
    for (int k = 0; k < 4; ++k) {
      auto plus = th, minus = th;
      const double h = 1e-6 * th[k];
      plus[k] += h;
      minus[k] -= h;
      const double fd = (lik(plus) - lik(minus)) / (2 * h);
      EXPECT_NEAR(g[k], fd, 1e-5 * (std::abs(fd) + 1.0)) << "parameter " << k;
    }
  }
}

//! Runs the chunks on 3 threads, each taking every third chunk from the end: another order
//! and other threads than run_in_order.
void run_on_threads(std::size_t count, const std::function<void(std::size_t)>& body)
{
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      for (std::size_t k = count; k-- > 0;)
        if (k % 3 == t) body(k);
    });
  for (auto& th : threads) th.join();
}

TEST(ParetoNbdLikelihood, EqualsTheScalarSumAndIsTheSameForAnyChunkRunner)
{
  // Whole-day times, as a log gives them, so that (x, t) pairs repeat across customers.
  auto s = simulate_bg_nbd({0.25, 4.0, 0.8, 2.5}, 120000, 9);
  for (auto* v : {&s.t_x, &s.T})
    for (double& t : *v) t = std::floor(t * 7.0) / 7.0;
  for (std::size_t i = 0; i < s.x.size(); ++i) s.t_x[i] = std::min(s.t_x[i], s.T[i]);
  const CollapsedSummary data = collapse(s.x, s.t_x, s.T);
  const ParetoNbdLikelihood serial(data), threaded(data, run_on_threads);
  ASSERT_GT(data.rows(), static_cast<Eigen::Index>(2 * CHUNK_ROWS));  // several chunks
  EXPECT_LT(serial.pairs(), static_cast<std::size_t>(data.rows()));
  for (const std::array<double, 4> th :
       {std::array<double, 4>{0.553, 10.578, 0.606, 11.669}, std::array<double, 4>{0.3, 30.0, 2.0, 5.0}}) {
    double scalar = 0;
    for (Eigen::Index i = 0; i < data.rows(); ++i)
      scalar += data.weight[i] * clvsim::models::pareto_nbd::log_likelihood({th[0], th[1], th[2], th[3]}, data.x[i],
                                                                            data.t_x[i], data.T[i]);
    EXPECT_NEAR(serial(th), scalar, 1e-11 * std::abs(scalar));
    EXPECT_EQ(serial(th), threaded(th));  // bitwise: fixed chunks added in order
  }
}

TEST(Fit, EstimatesAreBitwiseTheSameForAnyChunkRunner)
{
  const auto s = simulate_bg_nbd({0.25, 4.0, 0.8, 2.5}, 30000, 10);
  const CollapsedSummary data = collapse(s.x, s.t_x, s.T);
  ASSERT_GT(data.rows(), static_cast<Eigen::Index>(2 * CHUNK_ROWS));
  for (const auto& fit : {fit_bg_nbd, fit_mbg_nbd}) {
    const FitResult a = fit(data, {}), b = fit(data, run_on_threads);
    EXPECT_EQ(a.estimate, b.estimate) << a.model;
    EXPECT_EQ(a.log_likelihood, b.log_likelihood) << a.model;
  }
}

TEST(GammaGammaLikelihood, MatchesTheScalarClosedFormAndItsGradient)
{
  std::mt19937_64 rng(3);
  std::vector<double> x, m;
  for (int i = 0; i < 2000; ++i) {
    x.push_back(1 + static_cast<double>(rng() % 12));
    m.push_back(0.5 + static_cast<double>(rng() % 10000) / 50.0);
  }
  const GammaGammaLikelihood lik(x, m);
  for (const std::array<double, 3> th :
       {std::array<double, 3>{6.25, 3.74, 15.44}, std::array<double, 3>{0.3, 1.2, 200.0},
        std::array<double, 3>{40.0, 20.0, 1.0}}) {
    double scalar = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      scalar += clvsim::models::gamma_gamma::log_likelihood({th[0], th[1], th[2]}, x[i], m[i]);
    std::array<double, 3> g{};
    const double v = lik.value_and_gradient(th, g);
    EXPECT_NEAR(v, scalar, 1e-10 * std::abs(scalar));
    for (int k = 0; k < 3; ++k) {
      auto plus = th, minus = th;
      const double h = 1e-6 * th[k];
      plus[k] += h;
      minus[k] -= h;
      const double fd = (lik(plus) - lik(minus)) / (2 * h);
      EXPECT_NEAR(g[k], fd, 1e-5 * (std::abs(fd) + 1.0)) << "parameter " << k;
    }
  }
}

TEST(Fit, BgNbdRecoversKnownParameters)
{
  // 20000 customers from known parameters; each estimate must lie within 4 standard errors
  // of the truth. The MLE is asymptotically normal, so |z| > 4 has probability 6e-5 per
  // parameter (2.5e-4 for the four): a failure means bias, not bad luck. 4 rather than 3
  // leaves room for the skew of the small-sample distribution of a and b (ratios of Gamma
  // variates), and the seed is fixed, so the test is deterministic.
  const bg::Params truth{0.25, 4.0, 0.8, 2.5};
  const auto s = simulate_bg_nbd(truth, 20000, 20240601);
  const FitResult f = fit_bg_nbd(s.x, s.t_x, s.T);
  ASSERT_TRUE(f.hessian_positive_definite);
  EXPECT_TRUE(f.warnings.empty());
  const double want[4] = {truth.r, truth.alpha, truth.a, truth.b};
  for (int k = 0; k < 4; ++k) {
    EXPECT_LT(std::abs(f.estimate[k] - want[k]), 4 * f.se[k])
        << f.names[k] << " = " << f.estimate[k] << " ± " << f.se[k] << ", truth " << want[k];
    EXPECT_LT(f.se[k], 0.25 * want[k]) << f.names[k];  // 20000 customers identify every parameter
  }
}

TEST(Fit, SbgRecoversParametersFromAnExactSurvivalTable)
{
  // With alive_t = N·S(t) exactly, the expected-count log-likelihood is maximised at the
  // true (alpha, beta) (Gibbs' inequality), so the fit must return them to optimiser accuracy.
  const clvsim::models::sbg::Params truth{0.704, 1.182};  // F&H 2007 "regular" segment
  SurvivalTable table;
  for (int t = 0; t <= 12; ++t) table.alive.push_back(1000.0 * clvsim::models::sbg::survival(truth, t));
  const FitResult f = fit_sbg(table);
  EXPECT_NEAR(f["alpha"], truth.alpha, 1e-4 * truth.alpha);
  EXPECT_NEAR(f["beta"], truth.beta, 1e-4 * truth.beta);
  EXPECT_TRUE(f.hessian_positive_definite);
  EXPECT_EQ(f.observations, 1000.0);
}

TEST(Fit, WarnsWhenTheOptimumIsNotInterior)
{
  // Nobody ever repeats: the likelihood increases as r/alpha -> 0, so the optimiser runs to a
  // bound and the fit must say so rather than print a confident number.
  const std::vector<double> x(500, 0.0), t_x(500, 0.0), T(500, 30.0);
  const FitResult f = fit_bg_nbd(x, t_x, T);
  EXPECT_FALSE(f.warnings.empty());
}

// ---- CDNOW: the published estimates (tests/data/README.md) ----

class Cdnow : public ::testing::Test {
protected:
  static void SetUpTestSuite()
  {
    const auto path = test_data() / "cdnow_sample.csv";
    if (!std::filesystem::exists(path)) return;
    LogFormat f;
    f.last_day = *DateFormat().parse("1998-06-30");
    SummaryOptions o;
    o.calibration_end = *DateFormat().parse("1997-09-30");
    o.holdout_end = f.last_day;
    summary_ = new CustomerSummary(summarize(read_transactions(path.string(), f), o));
  }
  static void TearDownTestSuite()
  {
    delete summary_;
    summary_ = nullptr;
  }
  void SetUp() override
  {
    if (!summary_) FAIL() << "CDNOW sample not found in " << test_data();
  }
  static CollapsedSummary data() { return collapse(summary_->x, summary_->t_x, summary_->T); }
  static inline CustomerSummary* summary_ = nullptr;
};

//! Rounds to the number of decimals the paper prints.
double round_to(double v, int decimals)
{
  const double s = std::pow(10.0, decimals);
  return std::round(v * s) / s;
}

TEST_F(Cdnow, BgNbdReproducesFaderHardieLee2005)
{
  const FitResult f = fit_bg_nbd(data());
  EXPECT_DOUBLE_EQ(round_to(f["r"], 3), 0.243);
  EXPECT_DOUBLE_EQ(round_to(f["alpha"], 3), 4.414);
  EXPECT_DOUBLE_EQ(round_to(f["a"], 3), 0.793);
  EXPECT_DOUBLE_EQ(round_to(f["b"], 3), 2.426);
  EXPECT_DOUBLE_EQ(round_to(f.log_likelihood, 1), -9582.4);
  EXPECT_TRUE(f.hessian_positive_definite);
  EXPECT_TRUE(f.warnings.empty());
  // Holdout forecast: Σ E[Y(39) | x, t_x, T] = 1653.41, computed independently with mpmath's
  // hyp2f1 from FHL (2005) eq. (10) at the same estimates; the actual is 1882.
  EXPECT_NEAR(expected_conditional_total(f, data(), 39.0), 1653.41, 0.05);
}

TEST_F(Cdnow, ParetoNbdReproducesFaderHardieLee2005)
{
  const FitResult f = fit_pareto_nbd(data());
  EXPECT_DOUBLE_EQ(round_to(f["r"], 3), 0.553);
  EXPECT_DOUBLE_EQ(round_to(f["alpha"], 3), 10.578);
  EXPECT_DOUBLE_EQ(round_to(f["s"], 3), 0.606);
  EXPECT_DOUBLE_EQ(round_to(f["beta"], 3), 11.669);
  EXPECT_DOUBLE_EQ(round_to(f.log_likelihood, 1), -9595.0);
  EXPECT_TRUE(f.hessian_positive_definite);
}

TEST_F(Cdnow, MbgNbdReproducesThePublishedEstimates)
{
  // r = 0.525, alpha = 6.183, a = 0.891, b = 1.614 as lifetimes' tests quote them (to 3
  // decimals; Batislam, Denizel & Filiztekin's model on the CDNOW sample).
  const FitResult f = fit_mbg_nbd(data());
  EXPECT_DOUBLE_EQ(round_to(f["r"], 3), 0.525);
  EXPECT_DOUBLE_EQ(round_to(f["alpha"], 3), 6.183);
  EXPECT_DOUBLE_EQ(round_to(f["a"], 3), 0.891);
  EXPECT_DOUBLE_EQ(round_to(f["b"], 3), 1.614);
  EXPECT_TRUE(f.hessian_positive_definite);
  // A one-time buyer of the cohort is alive with probability below 1 (BG/NBD: exactly 1).
  EXPECT_LT(clvsim::models::mbg_nbd::p_alive(mbg_nbd_params(f), 0, 0, 38.86), 1.0);
}

TEST_F(Cdnow, GammaGammaReproducesThePublishedSpendModel)
{
  std::size_t zero = 99;
  const FitResult f = fit_gamma_gamma(summary_->x, summary_->m_x, &zero);
  EXPECT_EQ(f.observations, 946);
  EXPECT_EQ(zero, 0u);
  EXPECT_DOUBLE_EQ(round_to(f["p"], 2), 6.25);
  EXPECT_DOUBLE_EQ(round_to(f["q"], 2), 3.74);
  EXPECT_DOUBLE_EQ(round_to(f["gamma"], 2), 15.44);
}

TEST_F(Cdnow, TrackingEndsAtTheObservedTotals)
{
  const FitResult f = fit_bg_nbd(data());
  const Tracking t = track(*summary_, {&f});
  ASSERT_EQ(t.period.size(), 78u);  // 1997-01-01 .. 1998-06-30 is 546 days = 78 weeks
  EXPECT_EQ(t.actual[38], 2457);    // week 39 ends 1997-09-30, the calibration end
  EXPECT_FALSE(t.holdout[38]);
  EXPECT_TRUE(t.holdout[39]);
  EXPECT_EQ(t.actual.back(), 2457 + 1882);
  // At the calibration end the expected total is Σ E[X(T_i)], the model's in-sample count.
  double in_sample = 0;
  for (std::size_t i = 0; i < summary_->customers(); ++i) in_sample += expected_repeat(f, summary_->T[i]);
  EXPECT_NEAR(t.expected[0][38], in_sample, 1e-6 * in_sample);
}

TEST(Fit, BgBbReproducesFaderHardieShang2010)
{
  // The donations summary of FHS (2010): 11,104 first-time donors of 1995, their repeat
  // donations over the 6 annual opportunities 1996-2001 (tests/data/README.md). Published:
  // alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783, LL = -33,225.6, compared at
  // the paper's rounding.
  std::ifstream in(test_data() / "donations_summary.csv");
  ASSERT_TRUE(in) << "donations_summary.csv not found in " << test_data();
  std::string line;
  std::getline(in, line);
  std::vector<int> x, t_x, n;
  std::vector<double> count;
  while (std::getline(in, line)) {
    int a, b, c;
    double w;
    ASSERT_EQ(std::sscanf(line.c_str(), "%d,%d,%d,%lf", &a, &b, &c, &w), 4);
    x.push_back(a);
    t_x.push_back(b);
    n.push_back(c);
    count.push_back(w);
  }
  const DiscreteSummary d = collapse_discrete(x, t_x, n, count);
  EXPECT_EQ(d.customers, 11104);
  const FitResult f = fit_bg_bb(d);
  EXPECT_DOUBLE_EQ(round_to(f["alpha"], 3), 1.204);
  EXPECT_DOUBLE_EQ(round_to(f["beta"], 3), 0.750);
  EXPECT_DOUBLE_EQ(round_to(f["gamma"], 3), 0.657);
  EXPECT_DOUBLE_EQ(round_to(f["delta"], 3), 2.783);
  EXPECT_DOUBLE_EQ(round_to(f.log_likelihood, 1), -33225.6);
  EXPECT_TRUE(f.hessian_positive_definite);
  EXPECT_TRUE(f.warnings.empty());
}
