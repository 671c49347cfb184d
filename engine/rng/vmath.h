#pragma once
//! exp and log written with arithmetic and bit operations only, so that loops over arrays
//! that call them vectorise (libm's exp/log are opaque calls that stop vectorisation).
//! Both follow fdlibm (Sun Microsystems, 1993: e_exp.c range reduction, e_log.c kernel) and
//! are accurate to about 1 ulp over the ranges documented below, like libm; they are not
//! approximations in the statistical sense. Every caller of a given draw uses the same
//! function, so results stay pure functions of the random words.
#include <bit>
#include <cstdint>

namespace clvsim::rng::vmath {

//! e^x for x in [-708, 709.7]; 0 below -708.39 (where e^x is subnormal or 0 in double).
//! x = n ln2 + r, |r| <= ln2/2, e^r by its Taylor series to degree 13 (remainder < 5e-18).
[[gnu::always_inline]] inline double exp(double x)
{
  constexpr double LOG2E = 1.4426950408889634074, LN2_HI = 6.93147180369123816490e-01,
                   LN2_LO = 1.90821492927058770002e-10, SHIFT = 0x1.8p52;
  const double xc = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  const double t = xc * LOG2E + SHIFT;
  const double n = t - SHIFT;  // round(x log2 e)
  const double r = (xc - n * LN2_HI) - n * LN2_LO;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const std::int64_t ni = std::bit_cast<std::int64_t>(t) - std::bit_cast<std::int64_t>(SHIFT);
  const double scale = std::bit_cast<double>(static_cast<std::uint64_t>(ni + 1023) << 52);
  return x < -708.39 ? 0.0 : p * scale;
}

//! Natural log for normal positive x (fdlibm e_log.c): x = 2^k m, m in [sqrt(2)/2, sqrt(2)),
//! log(m) = f - s(f - R(s^2)) with s = f/(2+f), R a degree-7 polynomial in s^2.
[[gnu::always_inline]] inline double log(double x)
{
  constexpr double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
  constexpr double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01,
                   LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01,
                   LG7 = 1.479819860511658591e-01;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  // Shift so that mantissas at or above sqrt(2)/2 (0x3FE6A09E...) land in [sqrt(2)/2, sqrt(2)).
  const std::uint64_t adj = bits + (0x3FF0000000000000ull - 0x3FE6A09E667F3BCDull);
  const std::int64_t k = static_cast<std::int64_t>(adj >> 52) - 1023;
  const double m = std::bit_cast<double>((adj & 0x000FFFFFFFFFFFFFull) + 0x3FE6A09E667F3BCDull);
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s, w = z * z;
  const double t1 = w * (LG2 + w * (LG4 + w * LG6));
  const double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const double R = t2 + t1;
  const double hfsq = 0.5 * f * f;
  const double dk = static_cast<double>(k);
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
}

//! log(1 + x) for x > -1 with 1 + x normal: log(u) x / (u - 1), u = 1 + x, which cancels
//! the rounding of u (Goldberg 1991, "What every computer scientist should know about
//! floating-point arithmetic", Theorem 4); x itself when u rounds to 1.
[[gnu::always_inline]] inline double log1p(double x)
{
  const double u = 1.0 + x;
  const double d = u - 1.0;
  return d == 0.0 ? x : log(u) * (x / d);
}

//! sqrt(x) for normal positive x: e^(log(x)/2), then one Newton step y + (x - y^2)/(2y) with
//! the residual by fma, which leaves it within about 0.5 ulp. (std::sqrt is one instruction,
//! but without -fno-math-errno GCC will not vectorise a loop that calls it.)
[[gnu::always_inline]] inline double sqrt(double x)
{
  const double y = exp(0.5 * log(x));
  return y + __builtin_fma(-y, y, x) * (0.5 / y);
}

//! Single-precision log(1 + f) for f in [sqrt(2)/2 - 1, sqrt(2) - 1] (the mantissa range of
//! log_f; also log(1 - theta) for theta <= 0.29 without forming 1 - theta): 2 atanh(s),
//! s = f/(2+f), as in log_f.
[[gnu::always_inline]] inline float log1p_f(float f)
{
  const float s = f / (2.0f + f), z = s * s;
  const float R = z * (1.0f / 3.0f + z * (1.0f / 5.0f + z * (1.0f / 7.0f + z * (1.0f / 9.0f))));
  const float s2 = s + s;
  return s2 + s2 * R;
}

//! e^x for x in [-87, 88] without exp_f's clamping (the same value as exp_f there): x =
//! n ln2 + r, |r| <= ln2/2, with ln2 split so that n * LN2_HI is exact; e^r by its Taylor
//! series to degree 7, whose remainder (< 7.5e-9 relative) is below half a float ulp.
[[gnu::always_inline]] inline float exp_f_bounded(float x)
{
  constexpr float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f, SHIFT = 0x1.8p23f;
  const float t = x * LOG2E + SHIFT;
  const float n = t - SHIFT;  // round(x log2 e)
  const float r = (x - n * LN2_HI) - n * LN2_LO;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t ni = std::bit_cast<std::int32_t>(t) - std::bit_cast<std::int32_t>(SHIFT);
  const float scale = std::bit_cast<float>(static_cast<std::uint32_t>(ni + 127) << 23);
  return p * scale;
}

//! Single-precision e^x for the kernel's 16-lane float phases: 0 below -87.3, and x is
//! clamped to 88 above (e^88 = 1.65e38, below FLT_MAX); exp_f_bounded in between. Within 2
//! ulp of libm's expf.
[[gnu::always_inline]] inline float exp_f(float x)
{
  const float xc = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float e = exp_f_bounded(xc);
  return x < -87.3f ? 0.0f : e;
}

//! Single-precision natural log for normal positive x: x = 2^k m, m in [sqrt(2)/2, sqrt(2)),
//! f = m - 1, log(m) = 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9 + ...) with
//! s = f/(2+f), |s| <= 0.172; the terms left out are below 2e-9 relative. Within 3 ulp of
//! libm's logf.
[[gnu::always_inline]] inline float log_f(float x)
{
  constexpr float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t adj = bits + (0x3F800000u - 0x3F3504F3u);  // 0x3F3504F3 = sqrt(2)/2
  const std::int32_t k = static_cast<std::int32_t>(adj >> 23) - 127;
  const float m = std::bit_cast<float>((adj & 0x007FFFFFu) + 0x3F3504F3u);
  return log1p_f(m - 1.0f) + static_cast<float>(k) * LN2_HI + static_cast<float>(k) * LN2_LO;
}

}  // namespace clvsim::rng::vmath
