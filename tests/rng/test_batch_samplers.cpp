// Single-precision vector maths and the batched samplers (engine/rng/batch_samplers.h):
// accuracy of exp_f/log_f/log1p_f against libm, exact moments of the batched gamma and
// normal draws, and the reproducibility contract (a lane's value does not depend on the batch).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positives in its AVX-512 headers
#pragma GCC diagnostic ignored "-Wuninitialized"        // (_mm512_undefined_epi32 inside the intrinsics)
#endif
#include "engine/rng/batch_samplers.h"
#include "engine/rng/vmath.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using clvsim::rng::Purpose;
namespace vm = clvsim::rng::vmath;

//! Distance in units of the last place of float between a and the exact value e.
double ulps(float a, double e)
{
  const double ulp = std::ldexp(1.0, std::ilogb(static_cast<float>(e)) - 23);
  return std::fabs(static_cast<double>(a) - e) / ulp;
}

TEST(GammaBatch, SplitAttemptsEqualTheWholeAttemptLaneForLane)
{
  // The batched attempts run the squeeze for every lane and the exact test only for the lanes
  // it leaves undecided; value and verdict must be those of one whole attempt per lane.
  namespace d = clvsim::rng::detail;
  constexpr std::size_t N = d::BATCH_LANES;
  std::mt19937 g(5);
  std::vector<std::uint32_t> w0(N), w1(N), w2(N);
  std::vector<float> dd(N), cc(N), v(N), vc(N);
  std::vector<std::int32_t> ok(N), okc(N);
  const float shapes[] = {0.8f, 1.0f, 2.0f, 3.74f, 6.25f, 12.5f, 60.0f, 1000.0f};
  long undecided = 0, mismatches = 0;
  for (int rep = 0; rep < 200; ++rep) {
    const float s = shapes[rep % 8];
    const float d0 = (s < 1.0f ? s + 1.0f : s) - 1.0f / 3.0f, c0 = 1.0f / std::sqrt(9.0f * d0);
    for (std::size_t k = 0; k < N; ++k) {
      w0[k] = g();
      w1[k] = g();
      w2[k] = g();
      dd[k] = d0;
      cc[k] = c0;
    }
    const std::size_t n = N - static_cast<std::size_t>(rep % 17);  // with and without a ragged end
    d::attempts<true>(n, w0.data(), w1.data(), w2.data(), dd.data(), cc.data(), v.data(), ok.data());
    d::gamma_attempts_const(n, w0.data(), w1.data(), w2.data(), d0, c0, vc.data(), okc.data());
    for (std::size_t k = 0; k < n; ++k) {
      float value, z2, vv;
      const int whole = clvsim::rng::gamma_attempt_f(w0[k], w1[k], w2[k], d0, c0, value);
      undecided += clvsim::rng::gamma_squeeze_f(w0[k], w1[k], w2[k], d0, c0, value, z2, vv) == 2;
      mismatches += ok[k] != whole || okc[k] != whole;
      if (whole) mismatches += v[k] != value || vc[k] != value;
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(undecided, 5000);  // the exact test ran for many lanes (about 1 in 10 at shape 1-10)
}

TEST(VmathFloat, ExpLogLog1pWithinThreeUlp)
{
  std::mt19937_64 g(11);
  std::uniform_real_distribution<float> xe(-87.0f, 88.0f), xl(-80.0f, 80.0f), xf(-0.2929f, 0.4142f);
  double worst_exp = 0, worst_log = 0, worst_log1p = 0;
  for (int i = 0; i < 300000; ++i) {
    const float x = i % 3 ? xe(g) : xe(g) / 100.0f;
    worst_exp = std::max(worst_exp, ulps(vm::exp_f(x), std::exp(static_cast<double>(x))));
    const float y = std::exp(xl(g));
    const double l = std::log(static_cast<double>(y));
    if (std::fabs(l) > 1e-3) worst_log = std::max(worst_log, ulps(vm::log_f(y), l));
    const float f = xf(g);
    if (std::fabs(f) > 1e-6f)
      worst_log1p = std::max(worst_log1p, ulps(vm::log1p_f(f), std::log1p(static_cast<double>(f))));
  }
  EXPECT_LT(worst_exp, 3.0);
  EXPECT_LT(worst_log, 3.0);
  EXPECT_LT(worst_log1p, 3.0);
  EXPECT_EQ(vm::exp_f(0.0f), 1.0f);
  EXPECT_EQ(vm::log_f(1.0f), 0.0f);
  EXPECT_EQ(vm::exp_f(-100.0f), 0.0f);
  EXPECT_TRUE(std::isfinite(vm::exp_f(200.0f)));  // clamped below FLT_MAX
}

TEST(VmathFloat, CosOfTwoPiUWithinTwoTenMillionths)
{
  // Box-Muller's cos(2 pi u), over every quadrant and at the quadrant edges.
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const float u = static_cast<float>(i) / 200000.0f;
    worst = std::max(worst, std::fabs(clvsim::rng::cos_2pi_f(u) - std::cos(2.0 * M_PI * static_cast<double>(u))));
  }
  for (float u : {0.25f, 0.5f, 0.75f, 0.999999f})
    worst = std::max(worst, std::fabs(clvsim::rng::cos_2pi_f(u) - std::cos(2.0 * M_PI * static_cast<double>(u))));
  EXPECT_LT(worst, 2e-7);
}

TEST(BatchUniforms, OpenIntervalsAndSymmetry)
{
  using clvsim::rng::word_signed_f;
  using clvsim::rng::word_uniform_f;
  EXPECT_GT(word_uniform_f(0u), 0.0f);
  EXPECT_LT(word_uniform_f(0xFFFFFFFFu), 1.0f);
  EXPECT_GT(word_signed_f(0x80000000u), -1.0f);
  EXPECT_LT(word_signed_f(0x7FFFFFFFu), 1.0f);
  EXPECT_EQ(word_signed_f(0x80000000u), -word_signed_f(0x7FFFFFFFu));
  EXPECT_NE(word_signed_f(0u), 0.0f);
}

struct Lanes {
  std::vector<std::uint32_t> lo;
  std::vector<std::uint8_t> hi;
};

Lanes ids(std::size_t n, std::uint64_t first)
{
  Lanes l;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t id = first + k * 0x9E3779B1ull % 1000003ull;
    l.lo.push_back(static_cast<std::uint32_t>(id));
    l.hi.push_back(clvsim::rng::id_high_bits(id));
  }
  return l;
}

// Mean and variance of n draws against the exact moments of the law, within k = 5 standard
// errors (k = 5: 14 comparisons, a false alarm for a correct sampler has probability < 1e-5).
// SE of the mean: sd/sqrt(n); SE of the variance: sqrt((mu4 - var^2)/n), mu4 the law's 4th
// central moment.
void expect_moments(const std::vector<float>& x, double mean, double var, double mu4, const char* what)
{
  const double n = static_cast<double>(x.size());
  double m = 0, v = 0;
  for (float xi : x) m += xi;
  m /= n;
  for (float xi : x) v += (xi - m) * (xi - m);
  v /= n - 1;
  EXPECT_NEAR(m, mean, 5.0 * std::sqrt(var / n)) << what;
  EXPECT_NEAR(v, var, 5.0 * std::sqrt((mu4 - var * var) / n)) << what;
}

TEST(BatchSamplers, GammaMomentsForShapesBelowAndAboveOne)
{
  const std::size_t n = 400000;
  const Lanes l = ids(n, 12345);
  for (float shape : {0.3f, 0.8f, 1.0f, 2.0f, 6.25f, 60.0f}) {
    std::vector<float> sh(n, shape), x(n);
    clvsim::rng::gamma_batch_f(n, 7, 3, 5, Purpose::order_values, l.lo.data(), l.hi.data(), sh.data(), x.data());
    const double a = shape;
    // Gamma(a, 1): mean a, variance a, 4th central moment 3a^2 + 6a.
    expect_moments(x, a, a, 3 * a * a + 6 * a, ("gamma shape " + std::to_string(shape)).c_str());
    for (float xi : x) ASSERT_TRUE(xi >= 0.0f && std::isfinite(xi));
  }
}

TEST(BatchSamplers, NormalMoments)
{
  const std::size_t n = 400000;
  const Lanes l = ids(n, 999);
  std::vector<float> x(n);
  clvsim::rng::normal_batch_f(n, 7, 3, 0, Purpose::satisfaction, l.lo.data(), l.hi.data(), x.data());
  expect_moments(x, 0.0, 1.0, 3.0, "normal");
  // the tail beyond 3 sd: 2 (1 - Phi(3)) = 0.0026998, binomial SE
  double tail = 0;
  for (float xi : x) tail += std::fabs(xi) > 3.0f ? 1 : 0;
  const double p = 0.0026998;
  EXPECT_NEAR(tail / n, p, 5.0 * std::sqrt(p * (1 - p) / n));
}

TEST(BatchSamplers, ConstantShapeGammaEqualsThePerLaneGamma)
{
  // gamma_batch_const_f (constants once, the boost from the first round's words) against
  // gamma_batch_f with the shape in every lane: the same value in every lane, over two
  // sub-batches and a remainder, with lanes rejected in the first rounds, boosted shapes,
  // shape 0 and shapes left to the double sampler.
  const std::size_t n = 2 * clvsim::rng::detail::BATCH_LANES + 123;
  const Lanes l = ids(n, 777);
  for (float shape : {0.05f, 0.3f, 0.8f, 1.0f, 2.0f, 3.74f, 60.0f, 0.0f, 2e4f}) {
    std::vector<float> sh(n, shape), x(n), y(n);
    clvsim::rng::gamma_batch_f(n, 9, 2, 1, Purpose::traits, l.lo.data(), l.hi.data(), sh.data(), x.data());
    clvsim::rng::gamma_batch_const_f(n, 9, 2, 1, Purpose::traits, l.lo.data(), l.hi.data(), shape, y.data());
    for (std::size_t k = 0; k < n; ++k) ASSERT_EQ(x[k], y[k]) << "shape " << shape << " lane " << k;
  }
}

TEST(Lanes, IndexListsAgreeWithAScalarScan)
{
  // index_list (8- and 32-bit flags), index_lists (both outputs) and index_list_zero against a plain scan, for lengths around the
  // 16-lane vector body and flags of every density
  std::mt19937_64 g(99);
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 100u, 2048u}) {
    for (int density : {0, 1, 50, 99, 100}) {
      std::vector<std::uint8_t> flag(n);
      for (auto& f : flag) f = static_cast<std::uint8_t>(static_cast<int>(g() % 100) < density ? 1 + g() % 3 : 0);
      std::vector<std::uint32_t> want_set, want_clear;
      for (std::size_t j = 0; j < n; ++j) (flag[j] ? want_set : want_clear).push_back(static_cast<std::uint32_t>(j));
      std::vector<std::uint32_t> a(n + 16), b(n + 16), c(n + 16);
      const std::size_t m = clvsim::rng::index_list(flag.data(), n, a.data());
      ASSERT_EQ(m, want_set.size());
      EXPECT_TRUE(std::equal(want_set.begin(), want_set.end(), a.begin()));
      const std::size_t m2 = clvsim::rng::index_lists(flag.data(), n, b.data(), c.data());
      ASSERT_EQ(m2, want_set.size());
      EXPECT_TRUE(std::equal(want_set.begin(), want_set.end(), b.begin()));
      EXPECT_TRUE(std::equal(want_clear.begin(), want_clear.end(), c.begin()));
      // the 32-bit forms: index_list of the flags, index_list_zero of their complement
      std::vector<std::uint32_t> flag32(flag.begin(), flag.end()), d(n + 16), e(n + 16);
      std::vector<std::int32_t> zero_where_set(n);
      for (std::size_t j = 0; j < n; ++j) zero_where_set[j] = flag[j] ? 0 : -7;
      ASSERT_EQ(clvsim::rng::index_list(flag32.data(), n, d.data()), want_set.size());
      EXPECT_TRUE(std::equal(want_set.begin(), want_set.end(), d.begin()));
      ASSERT_EQ(clvsim::rng::index_list_zero(zero_where_set.data(), n, e.data()), want_set.size());
      EXPECT_TRUE(std::equal(want_set.begin(), want_set.end(), e.begin()));
    }
  }
}

TEST(BatchSamplers, ALanesValueDoesNotDependOnItsBatch)
{
  // Lane k drawn in a batch of 1000 (vector body, remainder, rejected lanes retried in later
  // rounds with other lanes) equals the same id drawn alone.
  const std::size_t n = 1000;
  const Lanes l = ids(n, 4242);
  std::vector<float> sh(n), x(n), z(n);
  for (std::size_t k = 0; k < n; ++k) sh[k] = 0.5f + static_cast<float>(k % 7);
  clvsim::rng::gamma_batch_f(n, 1, 0, 2, Purpose::traits, l.lo.data(), l.hi.data(), sh.data(), x.data());
  clvsim::rng::normal_batch_f(n, 1, 0, 2, Purpose::traits, l.lo.data(), l.hi.data(), z.data());
  for (std::size_t k = 0; k < n; k += 37) {
    float one = 0, zone = 0;
    clvsim::rng::gamma_batch_f(1, 1, 0, 2, Purpose::traits, &l.lo[k], &l.hi[k], &sh[k], &one);
    clvsim::rng::normal_batch_f(1, 1, 0, 2, Purpose::traits, &l.lo[k], &l.hi[k], &zone);
    EXPECT_EQ(one, x[k]) << k;
    EXPECT_EQ(zone, z[k]) << k;
  }
}

}  // namespace

TEST(BatchSamplers, ThePlainOneLaneSamplersEqualTheBatchedLanes)
{
  // gamma_f and normal_f (the reference kernel's draws) against gamma_batch_f and
  // normal_batch_f, lane for lane: shapes below 1 (boosted), around 1 (where lanes fail all
  // three batched attempts and finish with the double sampler: about 1e-4 of them, so
  // several among 60,000 lanes), large, 0 and beyond 1e4.
  const std::size_t n = 60000;
  const Lanes l = ids(n, 31337);
  for (float shape : {0.05f, 0.5f, 1.0f, 1.3f, 6.25f, 0.0f, 2e4f}) {
    std::vector<float> sh(n, shape), x(n);
    clvsim::rng::gamma_batch_f(n, 5, 3, 7, Purpose::order_values, l.lo.data(), l.hi.data(), sh.data(), x.data());
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t id = l.lo[k] | (static_cast<std::uint64_t>(l.hi[k]) << 32);
      ASSERT_EQ(x[k], clvsim::rng::gamma_f(5, 3, id, 7, Purpose::order_values, shape))
          << "shape " << shape << " lane " << k;
    }
  }
  std::vector<float> z(n);
  clvsim::rng::normal_batch_f(n, 5, 3, 7, Purpose::satisfaction, l.lo.data(), l.hi.data(), z.data());
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t id = l.lo[k] | (static_cast<std::uint64_t>(l.hi[k]) << 32);
    ASSERT_EQ(z[k], clvsim::rng::normal_f(5, 3, id, 7, Purpose::satisfaction)) << k;
  }
}
