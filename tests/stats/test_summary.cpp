// Statistics across paths (engine/stats/summary.h) on samples whose answers are known.
#include "engine/stats/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {

using clvsim::stats::summarize;

// numpy: np.mean, np.std(ddof=1), np.quantile (type 7, linear) of 1, 2, 4, 8, 16.
TEST(Summary, MeanSdAndType7QuantilesOfASmallSample)
{
  const std::vector<double> x = {8, 1, 16, 4, 2};
  const auto s = summarize(x);
  EXPECT_EQ(s.n, 5u);
  EXPECT_DOUBLE_EQ(s.mean, 6.2);
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(37.2));  // sum of squares 148.8 over 4
  EXPECT_DOUBLE_EQ(s.se, std::sqrt(37.2) / std::sqrt(5.0));
  EXPECT_DOUBLE_EQ(s.p05, 1.2);  // h = 0.2: 1 + 0.2 (2 - 1)
  EXPECT_DOUBLE_EQ(s.p25, 2.0);
  EXPECT_DOUBLE_EQ(s.p50, 4.0);
  EXPECT_DOUBLE_EQ(s.p75, 8.0);
  EXPECT_DOUBLE_EQ(s.p95, 14.4);  // h = 3.8: 8 + 0.8 (16 - 8)
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 16.0);
}

TEST(Summary, NonFiniteValuesAreSkippedAndNoneLeftIsNaN)
{
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const auto s = summarize(std::vector<double>{nan, 3.0, inf, 5.0});
  EXPECT_EQ(s.n, 2u);
  EXPECT_DOUBLE_EQ(s.mean, 4.0);
  const auto none = summarize(std::vector<double>{nan, -inf});
  EXPECT_EQ(none.n, 0u);
  EXPECT_TRUE(std::isnan(none.mean) && std::isnan(none.sd) && std::isnan(none.p50));
  EXPECT_EQ(summarize(std::vector<double>{7.5}).sd, 0.0);
}

// A value that is the same on every path (a fixed cost) is summarised as that value with no
// spread: seven times 0.1 sums to 0.7000000000000001, whose seventh is not 0.1, and the
// deviations from it would give an sd of ~1e-17 that reads as Monte Carlo noise.
TEST(Summary, AValueTheSameOnEveryPathHasThatMeanAndNoSpread)
{
  const std::vector<double> x(7, 0.1);
  double sum = 0;
  for (double v : x) sum += v;
  ASSERT_NE(sum / 7.0, 0.1);  // the case the rule is for
  const auto s = summarize(x);
  EXPECT_EQ(s.mean, 0.1);
  EXPECT_EQ(s.sd, 0.0);
  EXPECT_EQ(s.se, 0.0);
  EXPECT_EQ(s.p05, 0.1);
  EXPECT_EQ(s.p95, 0.1);
}

}  // namespace
