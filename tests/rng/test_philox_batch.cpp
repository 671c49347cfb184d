// rng::philox_batch and rng::vmath against their scalar references: a batch lane is word for
// word the block a Stream draws, and vmath exp/log/sqrt stay within a few ulp of libm.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in its AVX-512 headers
#endif
#include "engine/rng/philox_batch.h"
#include "engine/rng/vmath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using clvsim::rng::Purpose;
using clvsim::rng::Stream;

TEST(PhiloxBatch, EveryLaneEqualsTheScalarStreamBlock)
{
  std::mt19937_64 g(42);
  // 1000 lanes: the vector body and the scalar remainder are both exercised.
  const std::size_t n = 1000;
  std::vector<std::uint32_t> lo(n), w0(n), w1(n), w2(n), w3(n);
  std::vector<std::uint8_t> hi(n);
  std::vector<std::uint64_t> ids(n);
  for (std::size_t j = 0; j < n; ++j) {
    ids[j] = g() & ((std::uint64_t{1} << 40) - 1);
    lo[j] = static_cast<std::uint32_t>(ids[j]);
    hi[j] = clvsim::rng::id_high_bits(ids[j]);
  }
  for (std::uint32_t block : {0u, 1u, 5u}) {
    const std::uint64_t seed = 0x123456789ABCDEFull;
    clvsim::rng::philox_batch(n, seed, 7, block, clvsim::rng::counter_word2(42, Purpose::survival, 0), lo.data(),
                              hi.data(), w0.data(), w1.data(), w2.data(), w3.data());
    for (std::size_t j = 0; j < n; ++j) {
      Stream s(seed, 7, ids[j], 42, Purpose::survival, block);
      ASSERT_EQ(s.next_u32(), w0[j]) << j;
      ASSERT_EQ(s.next_u32(), w1[j]) << j;
      ASSERT_EQ(s.next_u32(), w2[j]) << j;
      ASSERT_EQ(s.next_u32(), w3[j]) << j;
    }
  }
}

// Every length from 0 to 40: the vector body, the padded vector tail (2-15 lanes) and the
// scalar tail (1 lane); the words past n are never written.
TEST(PhiloxBatch, EveryLengthEqualsTheScalarStreamBlock)
{
  std::mt19937_64 g(44);
  for (std::size_t n = 0; n <= 40; ++n) {
    std::vector<std::uint32_t> lo(n + 1), w0(n + 1, 7u), w1(n + 1, 7u), w2(n + 1, 7u), w3(n + 1, 7u);
    std::vector<std::uint8_t> hi(n + 1);
    std::vector<std::uint64_t> ids(n + 1);
    for (std::size_t j = 0; j <= n; ++j) {
      ids[j] = g() & ((std::uint64_t{1} << 40) - 1);
      lo[j] = static_cast<std::uint32_t>(ids[j]);
      hi[j] = clvsim::rng::id_high_bits(ids[j]);
    }
    const std::uint64_t seed = 99;
    clvsim::rng::philox_batch(n, seed, 3, 2, clvsim::rng::counter_word2(5, Purpose::order_values, 0), lo.data(),
                              hi.data(), w0.data(), w1.data(), w2.data(), w3.data());
    for (std::size_t j = 0; j < n; ++j) {
      Stream s(seed, 3, ids[j], 5, Purpose::order_values, 2);
      ASSERT_EQ(s.next_u32(), w0[j]) << n << " " << j;
      ASSERT_EQ(s.next_u32(), w1[j]) << n << " " << j;
      ASSERT_EQ(s.next_u32(), w2[j]) << n << " " << j;
      ASSERT_EQ(s.next_u32(), w3[j]) << n << " " << j;
    }
    EXPECT_EQ(w0[n], 7u);
    EXPECT_EQ(w3[n], 7u);
  }
}

// The vector body folds rounds 1-3 when a group of 16 lanes shares its id bits 32-39 (every
// group, below 2^32 customers): ids below 2^32, ids sharing nonzero high bits, and groups
// that mix them, against the scalar stream.
TEST(PhiloxBatch, SharedHighIdBitsEqualTheScalarStreamBlock)
{
  std::mt19937_64 g(43);
  const std::size_t n = 203;
  for (const int mode : {0, 1, 2}) {
    std::vector<std::uint32_t> lo(n), w0(n), w1(n), w2(n), w3(n);
    std::vector<std::uint8_t> hi(n);
    std::vector<std::uint64_t> ids(n);
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t high = mode == 0 ? 0 : mode == 1 ? 0xA7 : (j / 16 % 2 ? 0x31 : (j % 5 == 0 ? 2 : 3));
      ids[j] = (high << 32) | (g() & 0xFFFFFFFFu);
      lo[j] = static_cast<std::uint32_t>(ids[j]);
      hi[j] = clvsim::rng::id_high_bits(ids[j]);
    }
    for (std::uint32_t block : {0u, 3u, 0xFFFFFFFFu}) {
      const std::uint64_t seed = 0xFEDCBA9876543210ull;
      clvsim::rng::philox_batch(n, seed, 0xDEADBEEFu, block, clvsim::rng::counter_word2(59, Purpose::incidents, 0),
                                lo.data(), hi.data(), w0.data(), w1.data(), w2.data(), w3.data());
      for (std::size_t j = 0; j < n; ++j) {
        Stream s(seed, 0xDEADBEEFu, ids[j], 59, Purpose::incidents, block);
        ASSERT_EQ(s.next_u32(), w0[j]) << mode << " " << j;
        ASSERT_EQ(s.next_u32(), w1[j]) << mode << " " << j;
        ASSERT_EQ(s.next_u32(), w2[j]) << mode << " " << j;
        ASSERT_EQ(s.next_u32(), w3[j]) << mode << " " << j;
      }
    }
  }
}

TEST(PhiloxBatch, FirstBlockSkipsWholeBlocks)
{
  Stream a(9, 1, 123, 4, Purpose::order_values);
  for (int k = 0; k < 8; ++k) a.next_u32();
  Stream b(9, 1, 123, 4, Purpose::order_values, 2);
  for (int k = 0; k < 8; ++k) EXPECT_EQ(a.next_u32(), b.next_u32());
}

TEST(WordThreshold, WordsAtMostSplitsTheWordsAtTheBoundary)
{
  // w < words_at_most(f) iff word_uniform(w) <= f, checked on both sides of the boundary,
  // for f exactly on a word's uniform, between two, at the ends and outside (0, 1)
  using clvsim::rng::word_uniform;
  using clvsim::rng::words_at_most;
  std::mt19937_64 g(3);
  std::vector<double> fs = {-1.0, 0.0, word_uniform(0), word_uniform(0xFFFFFFFFu), 1.0, 2.0, 0.5, 0.95};
  for (int i = 0; i < 2000; ++i) {
    const auto w = static_cast<std::uint32_t>(g());
    fs.push_back(word_uniform(w));                                    // exactly a word's value
    fs.push_back(std::nextafter(word_uniform(w), 0.0));               // just below it
    fs.push_back(std::pow(0.95, static_cast<double>(1 + g() % 63)));  // (1-q)^n, as the kernel's
  }
  for (double f : fs) {
    const std::uint64_t m = words_at_most(f);
    ASSERT_LE(m, std::uint64_t{1} << 32) << f;
    if (m > 0) {
      EXPECT_TRUE(word_uniform(static_cast<std::uint32_t>(m - 1)) <= f) << f;
    }
    if (m < (std::uint64_t{1} << 32)) {
      EXPECT_FALSE(word_uniform(static_cast<std::uint32_t>(m)) <= f) << f;
    }
  }
}

TEST(Vmath, ExpLogSqrtWithinTwoUlpOfLibm)
{
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> x_exp(-700.0, 700.0), x_log(-700.0, 700.0);
  double worst_exp = 0, worst_log = 0, worst_sqrt = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = i % 2 ? x_exp(g) : x_exp(g) / 500.0;
    worst_exp = std::max(worst_exp, std::fabs(clvsim::rng::vmath::exp(x) / std::exp(x) - 1.0));
    const double y = std::exp(x_log(g));
    const double l = std::log(y);
    if (std::fabs(l) > 1e-3) worst_log = std::max(worst_log, std::fabs(clvsim::rng::vmath::log(y) / l - 1.0));
    worst_sqrt = std::max(worst_sqrt, std::fabs(clvsim::rng::vmath::sqrt(y) / std::sqrt(y) - 1.0));
  }
  EXPECT_LT(worst_exp, 4.5e-16);
  EXPECT_LT(worst_log, 4.5e-16);
  EXPECT_LT(worst_sqrt, 4.5e-16);
  EXPECT_EQ(clvsim::rng::vmath::exp(0.0), 1.0);
  EXPECT_EQ(clvsim::rng::vmath::log(1.0), 0.0);
  EXPECT_EQ(clvsim::rng::vmath::exp(-800.0), 0.0);
}

TEST(Vmath, Log1pWithinFourUlpOfLibm)
{
  // log1p(x) for x from 1e-300 to 1e3 and negative x down to -0.9: relative error against libm
  std::mt19937_64 g(8);
  std::uniform_real_distribution<double> e(-300.0, 3.0), neg(-0.9, 0.0);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = i % 4 == 3 ? neg(g) : std::pow(10.0, e(g));
    const double want = std::log1p(x);
    if (want != 0.0) worst = std::max(worst, std::fabs(clvsim::rng::vmath::log1p(x) / want - 1.0));
  }
  EXPECT_LT(worst, 9e-16);
  EXPECT_EQ(clvsim::rng::vmath::log1p(0.0), 0.0);
  EXPECT_EQ(clvsim::rng::vmath::log1p(1e-300), 1e-300);  // 1 + x rounds to 1: x itself
}

TEST(Vmath, BoundedFloatExpEqualsExpFInItsRange)
{
  // exp_f_bounded (the kernel's survival pass, arguments known to lie in [-87, 88]) gives
  // exp_f's bits there: every float step of 2^-10 over the range, and random floats
  std::mt19937_64 g(9);
  std::uniform_real_distribution<float> x(-87.0f, 88.0f);
  for (float v = -87.0f; v <= 88.0f; v += 0x1p-10f)
    ASSERT_EQ(clvsim::rng::vmath::exp_f_bounded(v), clvsim::rng::vmath::exp_f(v)) << v;
  for (int i = 0; i < 100000; ++i) {
    const float v = x(g);
    ASSERT_EQ(clvsim::rng::vmath::exp_f_bounded(v), clvsim::rng::vmath::exp_f(v)) << v;
  }
  // and exp_f stays within 2 ulp of libm there
  double worst = 0;
  for (float v = -80.0f; v <= 80.0f; v += 0x1p-6f)
    worst = std::max(worst, std::fabs(static_cast<double>(clvsim::rng::vmath::exp_f(v)) / std::exp(double{v}) - 1.0));
  EXPECT_LT(worst, 2.5e-7);
}

TEST(Stream, PreloadedStreamEqualsTheStreamWordForWord)
{
  // a stream whose first block came from philox_batch continues exactly as a fresh one
  const std::uint64_t seed = 99, id = (std::uint64_t{3} << 32) | 12345u;
  Stream fresh(seed, 2, id, 7, Purpose::incidents);
  std::uint32_t lo = static_cast<std::uint32_t>(id), w0, w1, w2, w3;
  std::uint8_t hi = clvsim::rng::id_high_bits(id);
  clvsim::rng::philox_batch(1, seed, 2, 0, clvsim::rng::counter_word2(7, Purpose::incidents, 0), &lo, &hi, &w0, &w1,
                            &w2, &w3);
  Stream pre = Stream::preloaded(seed, 2, id, 7, Purpose::incidents, w0, w1, w2, w3);
  for (int k = 0; k < 12; ++k) EXPECT_EQ(pre.next_u32(), fresh.next_u32()) << "word " << k;
}

}  // namespace
