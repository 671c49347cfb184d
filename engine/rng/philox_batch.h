#pragma once
//! Philox4x32-10 over many counters at once (docs/model.md §10, the "random numbers drawn in
//! batches" of STYLE.md). Lane j computes exactly the block Stream(seed, path, id_j, period,
//! purpose) would produce as its `block`-th block, so a batch draw and a scalar Stream are
//! interchangeable word for word (tests/rng checks this against Random123).
//!
//! With AVX-512 (16 lanes) or AVX2 (8 lanes) the rounds use vpmuludq on the even and odd
//! 32-bit lanes (compilers left alone pick a 64-bit multiply that costs several times more);
//! the remaining lanes, and every lane on other targets (CLVSIM_NATIVE=OFF), run the same
//! rounds in plain C++. All paths give the same numbers.
#include "engine/rng/stream.h"

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#include <cstddef>
#include <cstdint>

namespace clvsim::rng {

//! The third counter word of a stream: period (16 bits) | purpose (8 bits) << 16 | customer
//! id bits 32-39 << 24 (the layout of Stream).
inline std::uint32_t counter_word2(std::uint32_t period, Purpose purpose, std::uint64_t customer)
{
  return (period & 0xFFFFu) | ((static_cast<std::uint32_t>(purpose) & 0xFFu) << 16) |
         (static_cast<std::uint32_t>((customer >> 32) & 0xFFu) << 24);
}

//! Customer id bits 32-39 (counter_word2 puts them in bits 24-31 of the counter's third word).
inline std::uint8_t id_high_bits(std::uint64_t customer)
{
  return static_cast<std::uint8_t>((customer >> 32) & 0xFFu);
}

namespace detail {
#if defined(__AVX512F__)
//! The low and high 32-bit halves of a x m (m = a multiplier in each 64-bit element) in 16
//! lanes: vpmuludq of the even lanes and of the odd lanes shifted down, then one masked
//! in-pair swap for each half.
[[gnu::always_inline]] inline void mulhilo16(__m512i a, __m512i m, __m512i& lo, __m512i& hi)
{
  const __m512i pe = _mm512_mul_epu32(a, m), po = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  lo = _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CDAB);
  hi = _mm512_mask_shuffle_epi32(po, 0x5555, pe, _MM_PERM_CDAB);
}
#endif
}  // namespace detail

//! Block `block` of n streams: lane j has counter {block, id_lo[j], word2_base | id_hi[j] << 24,
//! path} and key {seed low, seed high}; its four words go to w0[j] .. w3[j].
//! word2_base = counter_word2(period, purpose, 0); id_hi[j] = id_high_bits(id_j).
inline void philox_batch(std::size_t n, std::uint64_t seed, std::uint32_t path, std::uint32_t block,
                         std::uint32_t word2_base, const std::uint32_t* __restrict id_lo,
                         const std::uint8_t* __restrict id_hi, std::uint32_t* __restrict w0,
                         std::uint32_t* __restrict w1, std::uint32_t* __restrict w2, std::uint32_t* __restrict w3)
{
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  const std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  std::size_t j = 0;
#if defined(__AVX512F__)
  {
    // When the 16 lanes share their id bits 32-39 (always, below 2^32 customers), every
    // counter word but id_lo is the same in all lanes: round 1 is scalar but for one xor, and
    // rounds 2 and 3 have one scalar product each (16 vector products instead of 20).
    const __m512i m0 = _mm512_set1_epi64(M0), m1 = _mm512_set1_epi64(M1);
    const __m512i vword2 = _mm512_set1_epi32(static_cast<int>(word2_base));
    const std::uint64_t p0 = std::uint64_t{M0} * block;  // round 1: block x M0, in every lane
    const std::uint32_t hi0_1 = static_cast<std::uint32_t>(p0 >> 32), lo0_1 = static_cast<std::uint32_t>(p0);
    for (; j + 16 <= n; j += 16) {
      const __m128i hi8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(id_hi + j));
      const __m512i id = _mm512_loadu_si512(id_lo + j);
      __m512i c0, c1, c2, c3;
      std::uint32_t key0 = k0, key1 = k1;
      int r = 0;
      if (_mm_movemask_epi8(_mm_cmpeq_epi8(hi8, _mm_set1_epi8(static_cast<char>(id_hi[j])))) == 0xFFFF) {
        const std::uint32_t ctr2 = word2_base | (std::uint32_t{id_hi[j]} << 24);
        const std::uint64_t p1 = std::uint64_t{M1} * ctr2;
        // after round 1: c0 = hi1 ^ id_lo ^ key0 varies; c1 = lo1, c2 = hi0 ^ path ^ key1, c3 = lo0
        c0 = _mm512_xor_si512(id, _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(p1 >> 32) ^ key0)));
        const std::uint32_t s1 = static_cast<std::uint32_t>(p1), s2 = hi0_1 ^ path ^ key1, s3 = lo0_1;
        key0 += W0;
        key1 += W1;
        // round 2: the product of c2 is a scalar; c0 and c1 come out scalars
        const std::uint64_t q1 = std::uint64_t{M1} * s2;
        __m512i lo0, hi0;
        detail::mulhilo16(c0, m0, lo0, hi0);
        const std::uint32_t t0 = static_cast<std::uint32_t>(q1 >> 32) ^ s1 ^ key0, t1 = static_cast<std::uint32_t>(q1);
        c2 = _mm512_xor_si512(hi0, _mm512_set1_epi32(static_cast<int>(s3 ^ key1)));
        c3 = lo0;
        key0 += W0;
        key1 += W1;
        // round 3: the product of c0 is a scalar
        const std::uint64_t q0 = std::uint64_t{M0} * t0;
        __m512i lo1, hi1;
        detail::mulhilo16(c2, m1, lo1, hi1);
        c0 = _mm512_xor_si512(hi1, _mm512_set1_epi32(static_cast<int>(t1 ^ key0)));
        c1 = lo1;
        c2 = _mm512_xor_si512(c3, _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(q0 >> 32) ^ key1)));
        c3 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(q0)));
        key0 += W0;
        key1 += W1;
        r = 3;
      } else {
        c0 = _mm512_set1_epi32(static_cast<int>(block));
        c1 = id;
        c2 = _mm512_or_si512(vword2, _mm512_slli_epi32(_mm512_cvtepu8_epi32(hi8), 24));
        c3 = _mm512_set1_epi32(static_cast<int>(path));
      }
      for (; r < 10; ++r) {
        __m512i lo0, hi0, lo1, hi1;
        detail::mulhilo16(c0, m0, lo0, hi0);
        detail::mulhilo16(c2, m1, lo1, hi1);
        // 0x96: a ^ b ^ c
        c0 = _mm512_ternarylogic_epi32(hi1, c1, _mm512_set1_epi32(static_cast<int>(key0)), 0x96);
        c1 = lo1;
        c2 = _mm512_ternarylogic_epi32(hi0, c3, _mm512_set1_epi32(static_cast<int>(key1)), 0x96);
        c3 = lo0;
        key0 += W0;
        key1 += W1;
      }
      _mm512_storeu_si512(w0 + j, c0);
      _mm512_storeu_si512(w1 + j, c1);
      _mm512_storeu_si512(w2 + j, c2);
      _mm512_storeu_si512(w3 + j, c3);
    }
    if (n - j >= 2) {
      // a tail of 2-15 lanes: one more vector over a padded copy (padding lanes repeat the
      // first), cheaper than the scalar rounds below from two lanes on
      const std::size_t left = n - j;
      alignas(64) std::uint32_t lo16[16], e0[16], e1[16], e2[16], e3[16];
      alignas(16) std::uint8_t hi16[16];
      for (std::size_t q = 0; q < 16; ++q) {
        lo16[q] = id_lo[j + (q < left ? q : 0)];
        hi16[q] = id_hi[j + (q < left ? q : 0)];
      }
      philox_batch(16, seed, path, block, word2_base, lo16, hi16, e0, e1, e2, e3);
      for (std::size_t q = 0; q < left; ++q) {
        w0[j + q] = e0[q];
        w1[j + q] = e1[q];
        w2[j + q] = e2[q];
        w3[j + q] = e3[q];
      }
      j = n;
    }
  }
#elif defined(__AVX2__)
  {
    const __m256i m0 = _mm256_set1_epi64x(M0), m1 = _mm256_set1_epi64x(M1);
    const __m256i vblock = _mm256_set1_epi32(static_cast<int>(block));
    const __m256i vword2 = _mm256_set1_epi32(static_cast<int>(word2_base));
    const __m256i vpath = _mm256_set1_epi32(static_cast<int>(path));
    for (; j + 8 <= n; j += 8) {
      __m256i c0 = vblock, c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(id_lo + j));
      const __m256i hi =
          _mm256_slli_epi32(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(id_hi + j))), 24);
      __m256i c2 = _mm256_or_si256(vword2, hi);
      __m256i c3 = vpath;
      std::uint32_t key0 = k0, key1 = k1;
      for (int r = 0; r < 10; ++r) {
        const __m256i pe0 = _mm256_mul_epu32(c0, m0), po0 = _mm256_mul_epu32(_mm256_srli_epi64(c0, 32), m0);
        const __m256i pe1 = _mm256_mul_epu32(c2, m1), po1 = _mm256_mul_epu32(_mm256_srli_epi64(c2, 32), m1);
        const __m256i lo0 = _mm256_blend_epi32(pe0, _mm256_slli_epi64(po0, 32), 0xAA);
        const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(pe0, 32), po0, 0xAA);
        const __m256i lo1 = _mm256_blend_epi32(pe1, _mm256_slli_epi64(po1, 32), 0xAA);
        const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(pe1, 32), po1, 0xAA);
        c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(key0)));
        c1 = lo1;
        c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(key1)));
        c3 = lo0;
        key0 += W0;
        key1 += W1;
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w0 + j), c0);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w1 + j), c1);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w2 + j), c2);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w3 + j), c3);
    }
  }
#endif
  for (; j < n; ++j) {
    std::uint32_t c0 = block, c1 = id_lo[j], c2 = word2_base | (std::uint32_t{id_hi[j]} << 24), c3 = path;
    std::uint32_t key0 = k0, key1 = k1;
    for (int r = 0; r < 10; ++r) {
      const std::uint64_t p0 = std::uint64_t{M0} * c0, p1 = std::uint64_t{M1} * c2;
      const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
      const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
      c0 = hi1 ^ c1 ^ key0;
      c1 = lo1;
      c2 = hi0 ^ c3 ^ key1;
      c3 = lo0;
      key0 += W0;
      key1 += W1;
    }
    w0[j] = c0;
    w1[j] = c1;
    w2[j] = c2;
    w3[j] = c3;
  }
}

//! Stream::uniform() of a word: (w + 0.5) 2^-32, in (0, 1).
[[gnu::always_inline]] inline double word_uniform(std::uint32_t w)
{
  return (static_cast<double>(w) + 0.5) * 0x1p-32;
}

//! The number of 32-bit words w with word_uniform(w) <= f. word_uniform increases with w,
//! so they are 0, 1, ..., the result - 1: `word_uniform(w) <= f` is `w < words_at_most(f)`,
//! an integer test (the kernel's incident check).
inline std::uint64_t words_at_most(double f)
{
  constexpr std::int64_t MAX = 0xFFFFFFFF;
  if (!(word_uniform(0) <= f)) return 0;
  if (word_uniform(static_cast<std::uint32_t>(MAX)) <= f) return std::uint64_t{1} << 32;
  std::int64_t w = 0;  // start near the last one, then step to it exactly
  const double guess = f * 0x1p32 - 0.5;
  if (guess > 0) w = guess >= static_cast<double>(MAX) ? MAX : static_cast<std::int64_t>(guess);
  while (w < MAX && word_uniform(static_cast<std::uint32_t>(w + 1)) <= f) ++w;
  while (w > 0 && !(word_uniform(static_cast<std::uint32_t>(w)) <= f)) --w;
  return static_cast<std::uint64_t>(w) + 1;
}

}  // namespace clvsim::rng
