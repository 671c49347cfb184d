//! Tests for engine/rng/stream.h: Philox4x32-10 known answers, the counter layout, and
//! the independence and determinism contract of docs/model.md §10.
#include "engine/rng/stream.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace {

using clvsim::rng::Purpose;
using clvsim::rng::Stream;

std::vector<std::uint32_t> words(Stream s, std::size_t n)
{
  std::vector<std::uint32_t> out(n);
  for (auto& w : out) w = s.next_u32();
  return out;
}

// Known-answer vectors from Random123's tests/kat_vectors (DEShawResearch/random123), the
// three "philox4x32 10" lines: counter (4 words), key (2 words), expected output (4 words).
struct Kat {
  std::array<std::uint32_t, 4> ctr;
  std::array<std::uint32_t, 2> key;
  std::array<std::uint32_t, 4> expected;
};
constexpr Kat KATS[] = {
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
     {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},  // digits of pi
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

TEST(Philox, KnownAnswerVectors)
{
  for (const Kat& kat : KATS) {
    Stream::Philox::ctr_type ctr = {{kat.ctr[0], kat.ctr[1], kat.ctr[2], kat.ctr[3]}};
    Stream::Philox::key_type key = {{kat.key[0], kat.key[1]}};
    const auto out = Stream::Philox()(ctr, key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out.v[i], kat.expected[i]) << "word " << i;
  }
}

// The counter layout is part of the reproducibility contract (stream.h): ctr = {draw
// block, customer bits 0-31, period (16 bits) | purpose (8 bits) << 16 | customer bits
// 32-39 << 24, path}, key = {seed lo, seed hi}. Recompute the first three blocks straight
// from Philox and compare word for word.
TEST(Stream, MatchesDocumentedCounterLayout)
{
  const std::uint64_t seed = 0x0123456789abcdefULL;
  const std::uint32_t path = 7, period = 59;
  const std::uint64_t customer = 0x2a0001e240ULL;  // uses customer bits 32-39
  Stream s(seed, path, customer, period, Purpose::orders);
  const Stream::Philox::key_type key = {{0x89abcdefu, 0x01234567u}};
  for (std::uint32_t block = 0; block < 3; ++block) {
    const Stream::Philox::ctr_type ctr = {
        {block, 0x0001e240u, period | (static_cast<std::uint32_t>(Purpose::orders) << 16) | (0x2au << 24), path}};
    const auto out = Stream::Philox()(ctr, key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(s.next_u32(), out.v[i]) << "block " << block;
  }
}

TEST(Stream, SameArgumentsGiveIdenticalSequence)
{
  const Stream a(42, 3, 1000, 12, Purpose::survival), b(42, 3, 1000, 12, Purpose::survival);
  EXPECT_EQ(words(a, 10001), words(b, 10001));
  // uniform() and uniform53() are functions of the words, so they repeat too.
  Stream c(42, 3, 1000, 12, Purpose::survival), d(42, 3, 1000, 12, Purpose::survival);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(c.uniform(), d.uniform());
    ASSERT_EQ(c.uniform53(), d.uniform53());
  }
}

TEST(Stream, EachArgumentChangesTheSequence)
{
  const auto base = words(Stream(42, 3, 1000, 12, Purpose::survival), 64);
  const std::vector<Stream> variants = {
      Stream(43, 3, 1000, 12, Purpose::survival),
      Stream(42 + (std::uint64_t{1} << 32), 3, 1000, 12, Purpose::survival),  // seed high word
      Stream(42, 4, 1000, 12, Purpose::survival),
      Stream(42, 3, 1001, 12, Purpose::survival),
      Stream(42, 3, 1000 + (std::uint64_t{1} << 32), 12, Purpose::survival),  // customer high
      Stream(42, 3, 1000, 13, Purpose::survival),
      Stream(42, 3, 1000, 12, Purpose::orders),
  };
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const auto other = words(variants[v], 64);
    int equal = 0;
    for (std::size_t i = 0; i < base.size(); ++i) equal += base[i] == other[i];
    // Chance agreement of a 32-bit word is 2^-32 per position.
    EXPECT_LE(equal, 1) << "variant " << v;
  }
}

// No stream is a shifted copy of another (or of itself): every overlapping pair of
// consecutive words (a 64-bit value) of 100k draws is looked up in the other streams.
// For independent streams the expected number of chance matches is ~1e10 / 2^64 ~ 5e-10.
TEST(Stream, NoShiftedOverlapBetweenNeighbouringStreams)
{
  const std::size_t n = 100000;
  auto pairs = [](const std::vector<std::uint32_t>& w) {
    std::vector<std::uint64_t> p(w.size() - 1);
    for (std::size_t i = 0; i + 1 < w.size(); ++i) p[i] = (std::uint64_t{w[i]} << 32) | w[i + 1];
    return p;
  };
  const auto base = pairs(words(Stream(9, 0, 500, 0, Purpose::orders), n));
  std::unordered_set<std::uint64_t> seen(base.begin(), base.end());
  EXPECT_EQ(seen.size(), base.size()) << "a stream repeats itself";
  const std::vector<Stream> neighbours = {
      Stream(9, 0, 501, 0, Purpose::orders),       Stream(9, 0, 499, 0, Purpose::orders),
      Stream(9, 1, 500, 0, Purpose::orders),       Stream(9, 0, 500, 1, Purpose::orders),
      Stream(9, 0, 500, 0, Purpose::order_values), Stream(10, 0, 500, 0, Purpose::orders)};
  for (std::size_t v = 0; v < neighbours.size(); ++v) {
    int hits = 0;
    for (std::uint64_t p : pairs(words(neighbours[v], n))) hits += seen.count(p) != 0;
    EXPECT_EQ(hits, 0) << "neighbour " << v;
  }
}

// Pearson correlation of uniforms of streams differing in one argument, and of one stream
// with itself at lag 1. Under independence r ~ N(0, 1/n); |r| < 4/sqrt(n) (k = 4: a false
// failure has probability 6e-5 per check; the seeds are fixed, so the test is
// deterministic anyway).
TEST(Stream, NeighbouringStreamsAreUncorrelated)
{
  constexpr int n = 100000;
  auto uniforms = [](Stream s) {
    std::vector<double> u(n);
    for (auto& x : u) x = s.uniform();
    return u;
  };
  auto corr = [](const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t m = std::min(x.size(), y.size());
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (std::size_t i = 0; i < m; ++i) {
      sx += x[i], sy += y[i], sxx += x[i] * x[i], syy += y[i] * y[i], sxy += x[i] * y[i];
    }
    const double cxy = sxy - sx * sy / m, cxx = sxx - sx * sx / m, cyy = syy - sy * sy / m;
    return cxy / std::sqrt(cxx * cyy);
  };
  const auto base = uniforms(Stream(2024, 0, 17, 5, Purpose::traits));
  const double bound = 4.0 / std::sqrt(double(n));
  EXPECT_LT(std::fabs(corr(base, uniforms(Stream(2024, 0, 18, 5, Purpose::traits)))), bound);
  EXPECT_LT(std::fabs(corr(base, uniforms(Stream(2024, 1, 17, 5, Purpose::traits)))), bound);
  EXPECT_LT(std::fabs(corr(base, uniforms(Stream(2024, 0, 17, 6, Purpose::traits)))), bound);
  EXPECT_LT(std::fabs(corr(base, uniforms(Stream(2024, 0, 17, 5, Purpose::survival)))), bound);
  EXPECT_LT(std::fabs(corr(base, uniforms(Stream(2025, 0, 17, 5, Purpose::traits)))), bound);
  const std::vector<double> lagged(base.begin() + 1, base.end());
  EXPECT_LT(std::fabs(corr(base, lagged)), bound);
}

// U(0,1): mean 1/2, variance 1/12, fourth central moment 1/80, so the standard error of
// the sample variance is sqrt((1/80 - 1/144) / n). k = 4 standard errors (see above).
TEST(Stream, UniformIsOpenIntervalWithRightMoments)
{
  for (int resolution : {32, 53}) {
    Stream s(77, 0, 0, 0, Purpose::uncertainty);
    const int n = 1000000;
    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; ++i) {
      const double u = resolution == 32 ? s.uniform() : s.uniform53();
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      ASSERT_TRUE(std::isfinite(std::log(u)) && std::isfinite(std::log1p(-u)));
      sum += u, sum2 += u * u;
      lo = std::min(lo, u), hi = std::max(hi, u);
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, 0.5, 4 * std::sqrt(1.0 / 12.0 / n)) << resolution;
    EXPECT_NEAR(var, 1.0 / 12.0, 4 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n)) << resolution;
    EXPECT_LT(lo, 1e-5);
    EXPECT_GT(hi, 1.0 - 1e-5);
  }
}

}  // namespace
