// Correlated parameter uncertainty (docs/model.md §9.1): a `[purchase.uncertainty]` group
// (what `clvsim fit --parameter-uncertainty` writes) is validated by the loader with one
// message per problem, drawn jointly once per path (ln values ~ Normal(mean_log, cov_log)),
// counted among the uncertain inputs and ranked in the sensitivity table.
#include "engine/core/errors.h"
#include "engine/run/driver.h"
#include "engine/run/variants.h"
#include "scenarios/keys.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace clvsim;

// The BG/NBD fit of the CDNOW sample with its covariance on the log scale (clvsim fit
// --parameter-uncertainty, tests/data/cdnow_sample.csv, calibration end 1997-09-30).
const std::string BASE = R"([simulation]
period = "week"
horizon = 26
paths = 40
seed = 5
[population]
initial_customers = 3000
[purchase]
model = "bg_nbd"
time_unit = "week"
r = 0.2425945224301108
alpha = 4.413602019006314
a = 0.7929220172256386
b = 2.4259067768195046
[spend]
model = "fixed"
value = 40
)";

const std::string GROUP = R"(
[purchase.uncertainty]
dist = "mvlognormal"
keys = ["r", "alpha", "a", "b"]
mean_log = [-1.4163638613333913, 1.4846911404271108, -0.23203040111649995, 0.8862053830809388]
cov_log = [[0.0026793901621010524, 0.003461628662459093, -0.0004566837966663937, 0.00011153056025655885],
           [0.003461628662459093, 0.007343649911824749, -0.0008188491189957488, 0.0009828423994709926],
           [-0.0004566837966663937, -0.0008188491189957488, 0.05486824013180168, 0.06405731694186509],
           [0.00011153056025655885, 0.0009828423994709926, 0.06405731694186509, 0.08455518616071421]]
)";

scenarios::Scenario load(const std::string& toml, const std::vector<std::string>& sets = {})
{
  return scenarios::load_string(toml, "fit.toml", ".", sets);
}

std::string errors(const std::string& toml)
{
  try {
    load(toml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<loaded>";
}

//! GROUP with `from` replaced by `to` (the first occurrence).
std::string group_with(const std::string& from, const std::string& to)
{
  std::string g = GROUP;
  const auto at = g.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return g.replace(at, from.size(), to);
}

TEST(JointUncertainty, LoadsAsOneGroupWhoseMembersAreUncertainInputs)
{
  const auto sc = load(BASE + GROUP);
  ASSERT_EQ(sc.joint.size(), 1u);
  EXPECT_EQ(sc.joint[0].keys, (std::vector<std::string>{"purchase.r", "purchase.alpha", "purchase.a", "purchase.b"}));
  ASSERT_EQ(sc.uncertain.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(sc.uncertain[i].key, sc.joint[0].keys[i]);
    EXPECT_EQ(sc.uncertain[i].dist.kind, scenarios::DistKind::mvlognormal);
    EXPECT_EQ(sc.uncertain[i].dist.member, i);
  }
  // L L^T = cov_log
  const auto& g = sc.joint[0];
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) {
      double s = 0;
      for (std::size_t m = 0; m < 4; ++m) s += g.chol[i * 4 + m] * g.chol[j * 4 + m];
      EXPECT_NEAR(s, g.cov_log[i * 4 + j], 1e-15);
    }
}

TEST(JointUncertainty, DescribeWritesTheGroupBackAndItLoadsTheSame)
{
  const auto a = load(BASE + GROUP);
  const auto b = load(scenarios::describe(a));
  ASSERT_EQ(b.joint.size(), 1u);
  EXPECT_EQ(b.joint[0].keys, a.joint[0].keys);
  EXPECT_EQ(b.joint[0].mean_log, a.joint[0].mean_log);
  EXPECT_EQ(b.joint[0].cov_log, a.joint[0].cov_log);
  EXPECT_EQ(b.base.purchase.r, a.base.purchase.r);
}

TEST(JointUncertainty, EveryProblemHasItsMessage)
{
  EXPECT_EQ(errors(BASE + group_with("\"mvlognormal\"", "\"lognormal\"")),
            "error: fit.toml:20:1: purchase.uncertainty: dist = \"lognormal\" must be \"mvlognormal\" (ln of the keys "
            "jointly normal)");
  EXPECT_EQ(errors(BASE + group_with("\"alpha\", \"a\"", "\"alpha\", \"s\"")),
            "error: fit.toml:21:1: purchase.uncertainty: \"s\" is not a parameter of purchase.model = \"bg_nbd\" (its "
            "parameters are r, alpha, a, b)");
  EXPECT_EQ(errors(BASE + group_with("\"alpha\", \"a\"", "\"r\", \"a\"")),
            "error: fit.toml:21:1: purchase.uncertainty: \"r\" is listed twice in keys");
  EXPECT_EQ(errors(BASE + group_with("-1.4163638613333913, ", "")),
            "error: fit.toml:22:1: purchase.uncertainty: mean_log must be an array of 4 numbers (one per key)");
  EXPECT_EQ(errors(BASE + group_with("0.003461628662459093, 0.007343649911824749", "0.5, 0.007343649911824749")),
            "error: fit.toml:23:1: purchase.uncertainty: cov_log is not symmetric: [1][0] = 0.5 but [0][1] = "
            "0.003461628662459093");
  EXPECT_EQ(errors(BASE + group_with("0.08455518616071421", "0.01")),
            "error: fit.toml:23:1: purchase.uncertainty: cov_log is not positive definite (a covariance matrix must "
            "be; clvsim fit --parameter-uncertainty writes one)");
  EXPECT_EQ(errors(BASE + group_with("dist =", "distribution =")),
            "error: fit.toml:19:1: purchase.uncertainty: missing 'dist' (it takes dist = \"mvlognormal\", keys, "
            "mean_log, cov_log)\n"
            "error: fit.toml:20:1: purchase.uncertainty: unknown key 'distribution'; did you mean 'dist'? (it takes "
            "dist = \"mvlognormal\", keys, mean_log, cov_log)");
  std::string inline_r = BASE;
  inline_r.replace(inline_r.find("r = 0.2425945224301108"), 22, "r = { dist = \"uniform\", low = 0.2, high = 0.3 }");
  EXPECT_EQ(errors(inline_r + GROUP),
            "error: fit.toml:21:1: purchase.uncertainty: purchase.r is also written as a "
            "distribution of its own (line 11): give it one or the other");
}

TEST(JointUncertainty, ASetKeyLeavesTheGroupAndTheOthersKeepTheirMarginal)
{
  const auto sc = load(BASE + GROUP, {"purchase.a=0.9"});
  ASSERT_EQ(sc.joint.size(), 1u);
  EXPECT_EQ(sc.joint[0].keys, (std::vector<std::string>{"purchase.r", "purchase.alpha", "purchase.b"}));
  EXPECT_EQ(sc.joint[0].cov_log[2 * 3 + 2], 0.08455518616071421);
  EXPECT_EQ(sc.base.purchase.a, 0.9);
}

TEST(JointUncertainty, DrawsHaveTheWrittenMeansAndCovariance)
{
  // 20,000 paths' draws of ln(values): each mean within K_SE = 4 standard errors of mean_log
  // and each covariance within 4 of its standard error, sqrt((c_ii c_jj + c_ij^2) / N) for a
  // normal sample (14 checks, P(false alarm) < 1e-3; fixed seed).
  const auto sc = load(BASE + GROUP);
  const auto& g = sc.joint[0];
  constexpr int N = 20000;
  constexpr double K_SE = 4.0;
  std::vector<std::vector<double>> x(N);
  for (int p = 0; p < N; ++p) {
    x[p] = draw_joint(g, 11, static_cast<std::uint32_t>(p));
    for (double& v : x[p]) v = std::log(v);
  }
  std::vector<double> mean(4, 0.0);
  for (const auto& v : x)
    for (std::size_t i = 0; i < 4; ++i) mean[i] += v[i] / N;
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(mean[i], g.mean_log[i], K_SE * std::sqrt(g.cov_log[i * 5] / N)) << g.keys[i];
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = i; j < 4; ++j) {
      double c = 0;
      for (const auto& v : x) c += (v[i] - mean[i]) * (v[j] - mean[j]) / (N - 1);
      const double cij = g.cov_log[i * 4 + j];
      const double se = std::sqrt((g.cov_log[i * 5] * g.cov_log[j * 5] + cij * cij) / N);
      EXPECT_NEAR(c, cij, K_SE * se) << g.keys[i] << " x " << g.keys[j];
    }
}

TEST(JointUncertainty, ARunDrawsTheGroupPerPathAndRanksItsMembers)
{
  const auto sc = load(BASE + GROUP);
  const Results r = run(sc, RunOptions{});
  // every path's purchase parameters are the group's draw for that path
  ASSERT_FALSE(r.sensitivity.empty());
  const auto& inputs = r.sensitivity[0].parameter;
  for (const char* k : {"purchase.r", "purchase.alpha", "purchase.a", "purchase.b"})
    EXPECT_NE(std::find(inputs.begin(), inputs.end(), k), inputs.end()) << k;
  const auto p3 = path_scenario(sc, 3);
  const auto v3 = draw_joint(sc.joint[0], sc.simulation.seed, 3);
  EXPECT_EQ(p3.base.purchase.r, v3[0]);
  EXPECT_EQ(p3.base.purchase.b, v3[3]);
  EXPECT_NE(path_scenario(sc, 4).base.purchase.r, v3[0]);
}

TEST(JointUncertainty, ADrawOutsideAKeysRangeIsRedrawnWhole)
{
  // spend.q must exceed 1: a group whose q is near 1 never gives a q <= 1.
  const std::string spend = R"(
[spend]
model = "gamma_gamma"
p = 6.25
q = 1.2
gamma = 15.44
[spend.uncertainty]
dist = "mvlognormal"
keys = ["p", "q"]
mean_log = [1.8325, 0.18232]
cov_log = [[0.036, -0.01], [-0.01, 0.04]]
)";
  std::string base = BASE;
  base.erase(base.find("[spend]"));
  const auto sc = load(base + spend);
  int below = 0;
  for (std::uint32_t p = 0; p < 5000; ++p) below += draw_joint(sc.joint[0], 1, p)[1] <= 1.0;
  EXPECT_EQ(below, 0);
}

}  // namespace
