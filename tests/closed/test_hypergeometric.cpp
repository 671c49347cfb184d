// Gaussian hypergeometric helper (models/purchase/hypergeometric.h) against mpmath (30 digits).
#include <gtest/gtest.h>

#include <cmath>

#include "models/purchase/hypergeometric.h"

namespace {

using namespace clvsim::models;

TEST(Hypergeometric, AgainstMpmath)
{
  struct Case {
    double a, b, c, z, expected;
  };
  const Case cases[] = {
      {0.243, 2.426, 2.219, 0.5, 1.2070970070440423133},     {0.243, 2.426, 2.219, 0.95, 2.4461866770309916718},
      {1.0, 1.606, 52.159, 0.3, 1.0093757728734360239},      {50.5, 51.2, 102.7, 0.47, 2442269.9790001618607},
      {1.5, 2.5, 3.7, -0.8, 0.53687945761118434962},         {1.5, 2.5, 3.7, -20.0, 0.02458248903739295142},
      {-3.0, 2.5, 3.7, 0.6, 0.24139705214733213865},  // terminating
      {1.0, 1.182, 1.886, 1.0 / 1.1, 3.6951474055745736009}, {2.3, 0.7, 1.4, 0.999, 33063.730838000762744},
  };
  for (const Case& k : cases) {
    EXPECT_NEAR(hyp2f1(k.a, k.b, k.c, k.z), k.expected, 1e-12 * std::abs(k.expected))
        << k.a << ", " << k.b << "; " << k.c << "; " << k.z;
    EXPECT_NEAR(log_hyp2f1(k.a, k.b, k.c, k.z), std::log(k.expected), 1e-12)
        << k.a << ", " << k.b << "; " << k.c << "; " << k.z;
  }
  EXPECT_NEAR(hyp3f2(1.5, 0.8, 1.0, 2.7, 2.0, 0.9), 1.3599481282101961957, 1e-13);
}

TEST(Hypergeometric, LargeParametersInLogSpace)
{
  // 2F1(a, b; c; z) with a = b = 2000, c = 2001 overflows doubles; in logs it is finite and equal
  // to Euler's form (1-z)^{c-a-b} 2F1(c-a, c-b; c; z) = (1-z)^{-1999} 2F1(1, 1; 2001; z).
  const double z = 0.6;
  const double ln = log_hyp2f1(2000.0, 2000.0, 2001.0, z);
  const double euler = -1999.0 * std::log1p(-z) + std::log(hyp2f1(1.0, 1.0, 2001.0, z));
  EXPECT_NEAR(ln, euler, 1e-10 * std::abs(euler));
  EXPECT_TRUE(std::isinf(hyp2f1(2000.0, 2000.0, 2001.0, z)));
}

TEST(Hypergeometric, RejectsBadArguments)
{
  EXPECT_THROW(hyp2f1(1.0, 1.0, -2.0, 0.5), std::domain_error);
  EXPECT_THROW(hyp2f1(1.0, 1.0, 2.0, 1.0), std::domain_error);
}

}  // namespace
