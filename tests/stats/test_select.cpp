// Order statistics and top sums by key histogram (engine/stats/select.h) against a full sort.
#include "engine/stats/select.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

namespace {

using clvsim::stats::order_statistics;
using clvsim::stats::top_sums;

//! CLV-like values: a lump of exact zeros, negatives (costs), a long right tail, repeats.
std::vector<float> sample(std::size_t n, unsigned seed)
{
  std::mt19937 g(seed);
  std::gamma_distribution<float> gamma(0.8f, 150.0f);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> x(n);
  for (auto& v : x) {
    const float w = u(g);
    v = w < 0.1f ? 0.0f : (w < 0.2f ? -10.0f * u(g) : (w < 0.25f ? 42.5f : gamma(g)));
  }
  return x;
}

TEST(Select, OrderStatisticsEqualTheSortedValues)
{
  for (std::size_t n : {1u, 2u, 7u, 1000u, 200000u}) {
    const auto x = sample(n, static_cast<unsigned>(n));
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::size_t> ranks = {0, n - 1, n / 2, static_cast<std::size_t>(0.005 * double(n - 1)),
                                      static_cast<std::size_t>(0.995 * double(n - 1))};
    const auto got = order_statistics(x, ranks);
    ASSERT_EQ(got.size(), ranks.size());
    for (std::size_t i = 0; i < ranks.size(); ++i)
      EXPECT_EQ(got[i], sorted[ranks[i]]) << "n " << n << " rank " << ranks[i];
  }
}

TEST(Select, TopSumsEqualSumsOfTheLargestValues)
{
  for (std::size_t n : {1u, 5u, 1000u, 200000u}) {
    const auto x = sample(n, 7u + static_cast<unsigned>(n));
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end(), std::greater<float>());
    std::vector<std::size_t> counts = {0, 1, n / 100, n / 20, n / 3, n - 1, n};
    const auto got = top_sums(x, counts);
    ASSERT_EQ(got.size(), counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
      double want = 0, scale = 0;
      for (std::size_t j = 0; j < counts[i]; ++j) {
        want += sorted[j];
        scale += std::abs(sorted[j]);
      }
      // only the order of the additions differs: a few ulps of the sum of magnitudes
      EXPECT_NEAR(got[i], want, 1e-12 * scale + 1e-300) << "n " << n << " top " << counts[i];
    }
  }
}

TEST(Select, SameInputSameBits)
{
  const auto x = sample(50000, 3);
  const auto a = top_sums(x, {500, 2500, 25000});
  const auto b = top_sums(x, {500, 2500, 25000});
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]);
}

}  // namespace

namespace {

TEST(Select, SumEqualsARunningSumToRounding)
{
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 1000u, 200001u}) {
    const auto x = sample(n, 11u + static_cast<unsigned>(n));
    double want = 0, scale = 0;
    for (float v : x) {
      want += v;
      scale += std::abs(v);
    }
    // only the order of the additions differs: a few ulps of the sum of magnitudes
    EXPECT_NEAR(clvsim::stats::sum(x), want, 1e-13 * scale) << "n " << n;
  }
  EXPECT_EQ(clvsim::stats::sum(std::vector<float>{}), 0.0);
  EXPECT_EQ(clvsim::stats::sum(std::vector<float>{1.5f}), 1.5);
}

}  // namespace

namespace {

TEST(Select, PiecesGiveTheResultsOfTheWholeSample)
{
  // a sample cut into uneven pieces (empty ones too), as the driver passes the blocks' arrays
  const auto x = sample(100003, 29);
  clvsim::stats::Pieces pieces;
  std::size_t at = 0;
  for (std::size_t len : {0u, 4096u, 17u, 0u, 50000u, 1u}) {
    pieces.emplace_back(x.data() + at, len);
    at += len;
  }
  pieces.emplace_back(x.data() + at, x.size() - at);
  const std::size_t n = x.size();
  const std::vector<std::size_t> ranks = {0, 500, n / 2, n - 1};
  EXPECT_EQ(clvsim::stats::order_statistics(pieces, ranks), order_statistics(x, ranks));
  const std::vector<std::size_t> counts = {1, n / 100, n / 5, n};
  const auto whole = top_sums(x, counts), cut = top_sums(pieces, counts);
  ASSERT_EQ(cut.size(), whole.size());
  // the per-bucket sums add the values in the same order, so the bits are the same
  for (std::size_t i = 0; i < whole.size(); ++i) EXPECT_EQ(cut[i], whole[i]) << "top " << counts[i];
  double scale = 0;
  for (float v : x) scale += std::abs(v);
  EXPECT_NEAR(clvsim::stats::sum(pieces), clvsim::stats::sum(x), 1e-13 * scale);
}

}  // namespace
