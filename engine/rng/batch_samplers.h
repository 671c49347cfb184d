#pragma once
//! Samplers over many streams at once, in single precision, for the kernel's vector phases
//! and the trait draws of new customers (docs/model.md §10: every value is still a pure function of
//! (seed, path, customer id, period, purpose)).
//!
//! Layout of one batched draw in the stream Stream(seed, path, id, period, purpose):
//! attempt a (a < ATTEMPTS) of the rejection method takes words 0-2 of block a; for a gamma
//! with shape < 1 the boost uniform is word 3 of block 0. Normals are Box-Muller (words 0-1
//! of block 0, never rejected); a gamma attempt is rejected only by the Marsaglia-Tsang test
//! (a few percent at shape ~1, well under 1% at shape 6), and a lane that fails every
//! batched attempt (about 1e-4 at shape ~1) finishes with the scalar double-precision
//! sampler of samplers.h on the same stream from block ATTEMPTS on, so the law is exact:
//! rejected attempts are always followed by fresh words.
//!
//! Single precision is deliberate: the results feed float state (traits, satisfaction) and
//! double accumulators, and 16-lane float arithmetic is what makes the kernel fast. The
//! uniforms have 23 bits of resolution, so tails are cut at probability 2^-24.
#include "engine/rng/lanes.h"
#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/vmath.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace clvsim::rng {

//! Uniform on (0, 1) from a word, 23 bits: (floor(w / 2^9) + 1/2) 2^-23, exactly representable.
[[gnu::always_inline]] inline float word_uniform_f(std::uint32_t w)
{
  return static_cast<float>(w >> 9) * 0x1p-23f + 0x1p-24f;
}

//! Uniform on (-1, 1) from a word, symmetric about 0 and never 0: (k + 1/2) 2^-23 with k the
//! top 24 bits as a signed integer.
[[gnu::always_inline]] inline float word_signed_f(std::uint32_t w)
{
  return static_cast<float>(static_cast<std::int32_t>(w) >> 8) * 0x1p-23f + 0x1p-24f;
}

//! cos(2 pi u) for u in [0, 1), branch-free: the quadrant q = floor(4u) and phi = (4u - q) pi/2
//! in [0, pi/2); cos and sin of phi by their Taylor series to degree 12 and 13 (remainders
//! below 6e-8 at pi/2, about one float ulp); then cos(q pi/2 + phi) = cos phi, -sin phi,
//! -cos phi, sin phi for q = 0..3.
[[gnu::always_inline]] inline float cos_2pi_f(float u)
{
  const float a = 4.0f * u;
  const float qf = static_cast<float>(static_cast<int>(a));
  const int q = static_cast<int>(qf);
  const float x = (a - qf) * 1.57079632679489662f, x2 = x * x;
  float c = 1.0f / 479001600.0f;
  c = c * x2 - 1.0f / 3628800.0f;
  c = c * x2 + 1.0f / 40320.0f;
  c = c * x2 - 1.0f / 720.0f;
  c = c * x2 + 1.0f / 24.0f;
  c = c * x2 - 0.5f;
  c = c * x2 + 1.0f;
  float s = 1.0f / 6227020800.0f;
  s = s * x2 - 1.0f / 39916800.0f;
  s = s * x2 + 1.0f / 362880.0f;
  s = s * x2 - 1.0f / 5040.0f;
  s = s * x2 + 1.0f / 120.0f;
  s = s * x2 - 1.0f / 6.0f;
  s = s * x2 + 1.0f;
  s = s * x;
  const float even = (q & 2) ? -c : c;  // q = 0, 2
  const float odd = (q & 2) ? s : -s;   // q = 1, 3
  return (q & 1) ? odd : even;
}

//! A standard normal by Box-Muller from two words: sqrt(-2 log u1) cos(2 pi u2). Never
//! rejects (ok = 1), unlike the polar method (21.5%), so batched rejection samplers built on
//! it rarely need a second round. |z| <= 5.77 (u1 >= 2^-24): the tail beyond has probability
//! 8e-9, the same 23-bit resolution limit as the other single-precision draws.
[[gnu::always_inline]] inline int normal_attempt_f(std::uint32_t wx, std::uint32_t wy, float& value)
{
  const float u1 = word_uniform_f(wx), u2 = word_uniform_f(wy);
  value = std::sqrt(-2.0f * vmath::log_f(u1)) * cos_2pi_f(u2);
  return 1;
}

//! The exact Marsaglia-Tsang (2000) test of an attempt the squeeze did not accept, for
//! v1 = 1 + c z > 0 (v = v1^3 > 0): log u < z^2/2 + d (1 - v + log v).
[[gnu::always_inline]] inline int gamma_exact_f(std::uint32_t wu, float z2, float v, float d)
{
  return int(vmath::log_f(word_uniform_f(wu)) < 0.5f * z2 + d * (1.0f - v + vmath::log_f(v)));
}

//! The squeeze part of one Marsaglia-Tsang (2000) attempt of Gamma(d + 1/3, 1), c =
//! 1/sqrt(9 d): the normal z from wx, wy (Box-Muller) and the uniform from wu; value = d v.
//! Returns 1 when accepted by the squeeze u < 1 - 0.0331 z^4, 0 when rejected (v1 <= 0),
//! and 2 when the exact test gamma_exact_f(wu, z2, v, d) decides (about 10% of attempts:
//! the batched samplers list those lanes and run its two logarithms for them only).
[[gnu::always_inline]] inline int gamma_squeeze_f(std::uint32_t wx, std::uint32_t wy, std::uint32_t wu, float d,
                                                  float c, float& value, float& z2, float& v)
{
  float z;
  normal_attempt_f(wx, wy, z);
  const float v1 = 1.0f + c * z;
  v = v1 * v1 * v1;
  const float u = word_uniform_f(wu);
  z2 = z * z;
  const int squeeze = int(u < 1.0f - 0.0331f * z2 * z2);
  value = d * v;
  return int(v1 > 0.0f) * (2 - squeeze);
}

//! One whole Marsaglia-Tsang attempt; ok = 0 when rejected (as rng::detail::gamma_marsaglia_tsang).
[[gnu::always_inline]] inline int gamma_attempt_f(std::uint32_t wx, std::uint32_t wy, std::uint32_t wu, float d,
                                                  float c, float& value)
{
  float z2, v;
  const int s = gamma_squeeze_f(wx, wy, wu, d, c, value, z2, v);
  return s == 2 ? gamma_exact_f(wu, z2, v, d) : s;
}

namespace detail {

inline constexpr std::uint32_t BATCH_ATTEMPTS = 3;  //!< batched rejection attempts before the scalar finish
inline constexpr std::size_t BATCH_LANES = 1024;    //!< lanes per sub-batch (scratch stays in L1)

//! The pending lanes idx[k] (k < np) after a round: accepted ones (ok[k]) take val[k] into
//! out[idx[k]], rejected ones stay listed, in order, at the front of idx. Returns how many.
[[gnu::always_inline]] inline std::size_t keep_rejected(std::size_t np, std::uint32_t* __restrict idx,
                                                        const std::int32_t* __restrict ok, const float* __restrict val,
                                                        float* __restrict out)
{
  std::size_t left = 0;
  for (std::size_t k = 0; k < np; ++k) {
    const std::uint32_t j = idx[k];
    out[j] = ok[k] ? val[k] : out[j];
    idx[left] = j;
    left += ok[k] ? 0 : 1;
  }
  return left;
}

//! Marsaglia-Tsang attempts of lanes k < n <= BATCH_LANES, with d[k], c[k] (PER_LANE) or
//! d0, c0: the squeeze for every lane in one vector loop, then the exact test for the lanes
//! it left undecided only, listed (the test's two logarithms, with their divisions, were a
//! third of the attempt and decide about one lane in ten).
template <bool PER_LANE>
[[gnu::always_inline]] inline void gamma_attempts_split(std::size_t n, const std::uint32_t* __restrict w0,
                                                        const std::uint32_t* __restrict w1,
                                                        const std::uint32_t* __restrict w2, const float* __restrict d,
                                                        const float* __restrict c, float d0, float c0,
                                                        float* __restrict val, std::int32_t* __restrict ok)
{
  alignas(64) float z2s[BATCH_LANES], vs[BATCH_LANES];
  alignas(64) std::uint32_t undecided[BATCH_LANES], idx[BATCH_LANES];
  if (n > BATCH_LANES) __builtin_unreachable();  // every caller works in sub-batches of BATCH_LANES
  for (std::size_t k = 0; k < n; ++k) {
    const int s =
        gamma_squeeze_f(w0[k], w1[k], w2[k], PER_LANE ? d[k] : d0, PER_LANE ? c[k] : c0, val[k], z2s[k], vs[k]);
    ok[k] = s & 1;
    undecided[k] = static_cast<std::uint32_t>(s >> 1);
  }
  const std::size_t nu = index_list(undecided, n, idx);
  // the undecided lanes' inputs gathered (scalar copies), the test in one vector loop
  alignas(64) std::uint32_t gu[BATCH_LANES];
  alignas(64) float gz2[BATCH_LANES], gv[BATCH_LANES], gd[BATCH_LANES];
  alignas(64) std::int32_t gok[BATCH_LANES];
  for (std::size_t r = 0; r < nu; ++r) {
    const std::uint32_t k = idx[r];
    gu[r] = w2[k];
    gz2[r] = z2s[k];
    gv[r] = vs[k];
    gd[r] = PER_LANE ? d[k] : d0;
  }
  for (std::size_t r = 0; r < nu; ++r) gok[r] = gamma_exact_f(gu[r], gz2[r], gv[r], gd[r]);
  for (std::size_t r = 0; r < nu; ++r) ok[idx[r]] = gok[r];
}

//! One attempt per lane over contiguous arrays (n <= BATCH_LANES); GAMMA = false makes
//! Box-Muller normal attempts and ignores d and c.
template <bool GAMMA>
[[gnu::noinline]] void attempts(std::size_t n, const std::uint32_t* __restrict w0, const std::uint32_t* __restrict w1,
                                const std::uint32_t* __restrict w2, const float* __restrict d,
                                const float* __restrict c, float* __restrict val, std::int32_t* __restrict ok)
{
  if constexpr (GAMMA) {
    gamma_attempts_split<true>(n, w0, w1, w2, d, c, 0.0f, 0.0f, val, ok);
  } else {
    for (std::size_t k = 0; k < n; ++k) ok[k] = normal_attempt_f(w0[k], w1[k], val[k]);
  }
}

//! Marsaglia-Tsang attempts of one shape for every lane: attempts<true> with d[k] = d and
//! c[k] = c (the same arithmetic, so the same values).
[[gnu::noinline]] inline void gamma_attempts_const(std::size_t n, const std::uint32_t* __restrict w0,
                                                   const std::uint32_t* __restrict w1,
                                                   const std::uint32_t* __restrict w2, float d, float c,
                                                   float* __restrict val, std::int32_t* __restrict ok)
{
  gamma_attempts_split<false>(n, w0, w1, w2, nullptr, nullptr, d, c, val, ok);
}

//! Runs rejection attempts in rounds over n <= BATCH_LANES lanes: round a draws Philox
//! block a for the lanes still pending and makes one attempt each (GAMMA: Marsaglia-Tsang
//! with d[i], c[i]; otherwise a normal); lanes that fail every round finish with finish(i,
//! stream) from block BATCH_ATTEMPTS of their stream. Lanes with batched[i] = 0 skip the
//! batched attempts (all_batched: none does). d and c are read up to n rounded up to 16 (the
//! padding lanes' results are not used).
template <bool GAMMA, class Finish>
void rejection_rounds(std::size_t n, std::uint64_t seed, std::uint32_t path, std::uint32_t period, Purpose purpose,
                      const std::uint32_t* id_lo, const std::uint8_t* id_hi, const float* d, const float* c,
                      const std::uint8_t* batched, bool all_batched, float* out, Finish finish)
{
  if (n > BATCH_LANES) __builtin_unreachable();  // the caller works in sub-batches
  const std::uint32_t word2 = counter_word2(period, purpose, 0);
  alignas(64) std::uint32_t lo[BATCH_LANES], w0[BATCH_LANES], w1[BATCH_LANES], w2[BATCH_LANES], w3[BATCH_LANES];
  alignas(64) std::uint32_t idx[BATCH_LANES];
  alignas(64) std::uint8_t hi[BATCH_LANES];
  alignas(64) float val[BATCH_LANES], dd[BATCH_LANES], cc[BATCH_LANES];
  alignas(64) std::int32_t ok[BATCH_LANES];
  std::size_t np = all_batched ? n : index_list(batched, n, idx);
  // lanes not batched at all go straight to the finish
  for (std::size_t i = 0; i < n && np < n; ++i)
    if (!batched[i]) {
      const std::uint64_t id = id_lo[i] | (static_cast<std::uint64_t>(id_hi[i]) << 32);
      Stream s(seed, path, id, period, purpose, BATCH_ATTEMPTS);
      out[i] = finish(i, s);
    }
  for (std::uint32_t a = 0; a < BATCH_ATTEMPTS && np > 0; ++a) {
    const std::size_t npad = std::min(BATCH_LANES, (np + 15) & ~std::size_t{15});
    std::size_t left = 0;
    if (np == n) {
      // every lane pending (the first round, usually): contiguous copies of the ids instead
      // of gathers, padding lanes repeating lane 0 (Philox's scalar tail would cost more);
      // the constants read in place
      std::copy(id_lo, id_lo + n, lo);
      std::copy(id_hi, id_hi + n, hi);
      for (std::size_t k = n; k < npad; ++k) {
        lo[k] = id_lo[0];
        hi[k] = id_hi[0];
      }
      philox_batch(npad, seed, path, a, word2, lo, hi, w0, w1, w2, w3);
      attempts<GAMMA>(npad, w0, w1, w2, d, c, val, ok);
      // accepted lanes take their value (branch-free: about one in ten is rejected, at random)
      for (std::size_t k = 0; k < n; ++k) out[k] = ok[k] ? val[k] : out[k];  // a masked vector store
      left = index_list_zero(ok, n, idx);
    } else {
      for (std::size_t k = 0; k < npad; ++k) {
        const std::size_t i = idx[k < np ? k : 0];
        lo[k] = id_lo[i];
        hi[k] = id_hi[i];
        if constexpr (GAMMA) {
          dd[k] = d[i];
          cc[k] = c[i];
        }
      }
      philox_batch(npad, seed, path, a, word2, lo, hi, w0, w1, w2, w3);
      attempts<GAMMA>(npad, w0, w1, w2, dd, cc, val, ok);
      left = keep_rejected(np, idx, ok, val, out);
    }
    np = left;
  }
  for (std::size_t k = 0; k < np; ++k) {
    const std::size_t i = idx[k];
    const std::uint64_t id = id_lo[i] | (static_cast<std::uint64_t>(id_hi[i]) << 32);
    Stream s(seed, path, id, period, purpose, BATCH_ATTEMPTS);
    out[i] = finish(i, s);
  }
}

}  // namespace detail

//! Gamma(shape[i], 1) for lanes i < n, lane i from Stream(seed, path, id_i, period,
//! purpose) in the layout of the file comment; a lane with shape 0 is skipped (0, no draws).
//! Shape < 1 is boosted: G(shape + 1) U^(1/shape) (Marsaglia & Tsang 2000, §6). Shapes above 1e4 go straight to the double sampler (single
//! precision loses the acceptance test there).
inline void gamma_batch_f(std::size_t n, std::uint64_t seed, std::uint32_t path, std::uint32_t period, Purpose purpose,
                          const std::uint32_t* id_lo, const std::uint8_t* id_hi, const float* shape, float* out)
{
  const std::uint32_t word2 = counter_word2(period, purpose, 0);
  // In sub-batches (scratch on the stack): the Marsaglia-Tsang constants per lane (padded to
  // whole vectors), the batched lanes, whether any needs the boost.
  for (std::size_t b0 = 0; b0 < n; b0 += detail::BATCH_LANES) {
    const std::size_t nb = std::min(detail::BATCH_LANES, n - b0);
    alignas(64) float d[detail::BATCH_LANES], c[detail::BATCH_LANES];
    alignas(64) std::uint8_t batched[detail::BATCH_LANES];
    int all = 1, any_boost = 0;  // branch-free, so the loop vectorises
    for (std::size_t k = 0; k < nb; ++k) {
      const float s = shape[b0 + k];
      d[k] = (s < 1.0f ? s + 1.0f : s) - 1.0f / 3.0f;
      c[k] = 1.0f / std::sqrt(9.0f * d[k]);
      const int b = int(s > 0.0f) & int(s <= 1e4f);
      batched[k] = static_cast<std::uint8_t>(b);
      all &= b;
      any_boost |= int(s > 0.0f) & int(s < 1.0f);
    }
    for (std::size_t k = nb; k < ((nb + 15) & ~std::size_t{15}); ++k) {
      d[k] = d[0];
      c[k] = c[0];
    }
    detail::rejection_rounds<true>(
        nb, seed, path, period, purpose, id_lo + b0, id_hi + b0, d, c, batched, all != 0, out + b0,
        [&](std::size_t k, Stream& st) {
          const double s = shape[b0 + k];
          if (!(s > 0.0)) return 0.0f;  // shape 0: a lane to skip
          const double dd = (s < 1.0 ? s + 1.0 : s) - 1.0 / 3.0;
          return static_cast<float>(detail::gamma_marsaglia_tsang(st, dd, 1.0 / std::sqrt(9.0 * dd)));
        });
    if (!any_boost) continue;
    // Boost for shape < 1: the uniform is word 3 of block 0 (drawn again here; the attempts
    // never use word 3).
    alignas(64) std::uint32_t w0[detail::BATCH_LANES], w1[detail::BATCH_LANES], w2[detail::BATCH_LANES],
        w3[detail::BATCH_LANES];
    philox_batch(nb, seed, path, 0, word2, id_lo + b0, id_hi + b0, w0, w1, w2, w3);
    for (std::size_t k = 0; k < nb; ++k) {
      const float s = shape[b0 + k];
      const float f = vmath::exp_f(vmath::log_f(word_uniform_f(w3[k])) / s);
      out[b0 + k] = s > 0.0f && s < 1.0f ? out[b0 + k] * f : out[b0 + k];
    }
  }
}

//! gamma_batch_f with the same shape in every lane (the customers' trait draws), value for
//! value: the Marsaglia-Tsang constants are computed once, the first round reads the ids in
//! place, and the boost of a shape below 1 takes word 3 of block 0 from the first round's
//! Philox blocks instead of drawing them again.
inline void gamma_batch_const_f(std::size_t n, std::uint64_t seed, std::uint32_t path, std::uint32_t period,
                                Purpose purpose, const std::uint32_t* id_lo, const std::uint8_t* id_hi, float shape,
                                float* out)
{
  using detail::BATCH_ATTEMPTS;
  using detail::BATCH_LANES;
  if (!(shape > 0.0f) || shape > 1e4f) {  // every lane skipped, or left to the double sampler
    alignas(64) float sh[BATCH_LANES];
    std::fill(sh, sh + std::min(n, BATCH_LANES), shape);
    for (std::size_t b0 = 0; b0 < n; b0 += BATCH_LANES)
      gamma_batch_f(std::min(BATCH_LANES, n - b0), seed, path, period, purpose, id_lo + b0, id_hi + b0, sh, out + b0);
    return;
  }
  const float d = (shape < 1.0f ? shape + 1.0f : shape) - 1.0f / 3.0f;
  const float c = 1.0f / std::sqrt(9.0f * d);
  const double dd = (static_cast<double>(shape) < 1.0 ? static_cast<double>(shape) + 1.0 : shape) - 1.0 / 3.0;
  const bool boost = shape < 1.0f;
  const std::uint32_t word2 = counter_word2(period, purpose, 0);
  alignas(64) std::uint32_t w0[BATCH_LANES], w1[BATCH_LANES], w2[BATCH_LANES], w3[BATCH_LANES];
  alignas(64) std::uint32_t lo[BATCH_LANES], idx[BATCH_LANES];
  alignas(64) std::uint8_t hi[BATCH_LANES], rejected[BATCH_LANES];
  alignas(64) float val[BATCH_LANES], factor[BATCH_LANES];
  alignas(64) std::int32_t ok[BATCH_LANES];
  for (std::size_t b0 = 0; b0 < n; b0 += BATCH_LANES) {
    const std::size_t nb = std::min(BATCH_LANES, n - b0);
    float* __restrict o = out + b0;
    philox_batch(nb, seed, path, 0, word2, id_lo + b0, id_hi + b0, w0, w1, w2, w3);
    detail::gamma_attempts_const(nb, w0, w1, w2, d, c, o, ok);
    if (boost)
      for (std::size_t k = 0; k < nb; ++k) factor[k] = vmath::exp_f(vmath::log_f(word_uniform_f(w3[k])) / shape);
    for (std::size_t k = 0; k < nb; ++k) rejected[k] = static_cast<std::uint8_t>(ok[k] == 0);
    std::size_t np = index_list(rejected, nb, idx);
    for (std::uint32_t a = 1; a < BATCH_ATTEMPTS && np > 0; ++a) {
      // whole vectors of 16, padding lanes repeating the first (Philox's scalar tail costs more)
      const std::size_t npad = std::min(BATCH_LANES, (np + 15) & ~std::size_t{15});
      for (std::size_t k = 0; k < npad; ++k) {
        const std::size_t i = b0 + idx[k < np ? k : 0];
        lo[k] = id_lo[i];
        hi[k] = id_hi[i];
      }
      philox_batch(npad, seed, path, a, word2, lo, hi, w0, w1, w2, w3);
      detail::gamma_attempts_const(np, w0, w1, w2, d, c, val, ok);
      np = detail::keep_rejected(np, idx, ok, val, o);
    }
    for (std::size_t k = 0; k < np; ++k) {  // rejected by every batched attempt: the double sampler
      const std::size_t i = b0 + idx[k];
      const std::uint64_t id = id_lo[i] | (static_cast<std::uint64_t>(id_hi[i]) << 32);
      Stream st(seed, path, id, period, purpose, BATCH_ATTEMPTS);
      o[idx[k]] = static_cast<float>(detail::gamma_marsaglia_tsang(st, dd, 1.0 / std::sqrt(9.0 * dd)));
    }
    if (boost)
      for (std::size_t k = 0; k < nb; ++k) o[k] *= factor[k];
  }
}

//! Standard normal for lanes i < n, lane i from Stream(seed, path, id_i, period, purpose):
//! Box-Muller from words 0-1 of block 0 (it never rejects, so there is no second round).
inline void normal_batch_f(std::size_t n, std::uint64_t seed, std::uint32_t path, std::uint32_t period, Purpose purpose,
                           const std::uint32_t* id_lo, const std::uint8_t* id_hi, float* out)
{
  // one round, reading the ids in place and writing the values straight out
  const std::uint32_t word2 = counter_word2(period, purpose, 0);
  alignas(64) std::uint32_t w0[detail::BATCH_LANES], w1[detail::BATCH_LANES], w2[detail::BATCH_LANES],
      w3[detail::BATCH_LANES];
  alignas(64) std::int32_t ok[detail::BATCH_LANES];
  for (std::size_t b0 = 0; b0 < n; b0 += detail::BATCH_LANES) {
    const std::size_t nb = std::min(detail::BATCH_LANES, n - b0);
    philox_batch(nb, seed, path, 0, word2, id_lo + b0, id_hi + b0, w0, w1, w2, w3);
    detail::attempts<false>(nb, w0, w1, w2, nullptr, nullptr, out + b0, ok);
  }
}

//! One lane of gamma_batch_f, written plainly: Gamma(shape, 1) from Stream(seed, path, id,
//! period, purpose) in the layout of the file comment (attempt a from words 0-2 of block a,
//! a < BATCH_ATTEMPTS; the double sampler from block BATCH_ATTEMPTS; the boost of a shape
//! below 1 from word 3 of block 0). The same value as the batched lane, bit for bit (tested):
//! the reference kernel draws with it.
inline float gamma_f(std::uint64_t seed, std::uint32_t path, std::uint64_t id, std::uint32_t period, Purpose purpose,
                     float shape)
{
  if (!(shape > 0.0f)) return 0.0f;
  const float d = (shape < 1.0f ? shape + 1.0f : shape) - 1.0f / 3.0f;
  const float c = 1.0f / std::sqrt(9.0f * d);
  float value = 0.0f;
  bool accepted = false;
  if (shape <= 1e4f) {
    Stream s(seed, path, id, period, purpose);
    for (std::uint32_t a = 0; a < detail::BATCH_ATTEMPTS && !accepted; ++a) {
      const std::uint32_t w0 = s.next_u32(), w1 = s.next_u32(), w2 = s.next_u32();
      (void)s.next_u32();  // word 3: the boost's (block 0) or unused
      accepted = gamma_attempt_f(w0, w1, w2, d, c, value) != 0;
    }
  }
  if (!accepted) {
    Stream s(seed, path, id, period, purpose, detail::BATCH_ATTEMPTS);
    const double dd = (static_cast<double>(shape) < 1.0 ? static_cast<double>(shape) + 1.0 : shape) - 1.0 / 3.0;
    value = static_cast<float>(detail::gamma_marsaglia_tsang(s, dd, 1.0 / std::sqrt(9.0 * dd)));
  }
  if (shape < 1.0f) {
    Stream s(seed, path, id, period, purpose);
    for (int k = 0; k < 3; ++k) (void)s.next_u32();
    value *= vmath::exp_f(vmath::log_f(word_uniform_f(s.next_u32())) / shape);
  }
  return value;
}

//! One lane of normal_batch_f, written plainly: Box-Muller from words 0-1 of block 0.
inline float normal_f(std::uint64_t seed, std::uint32_t path, std::uint64_t id, std::uint32_t period, Purpose purpose)
{
  Stream s(seed, path, id, period, purpose);
  const std::uint32_t w0 = s.next_u32(), w1 = s.next_u32();
  float value;
  normal_attempt_f(w0, w1, value);
  return value;
}

}  // namespace clvsim::rng
