#pragma once
//! Philox4x32-10 over many counters at once (SPEC §10, the "random numbers drawn in
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

//! Block `block` of n streams: lane j has counter {block, id_lo[j], word2_base | id_hi[j] << 24,
//! path} and key {seed low, seed high}; its four words go to w0[j] .. w3[j].
//! word2_base = counter_word2(period, purpose, 0); id_hi[j] = id_high_bits(id_j).
inline void philox_batch(std::size_t n, std::uint64_t seed, std::uint32_t path, std::uint32_t block,
                         std::uint32_t word2_base, const std::uint32_t* __restrict id_lo,
                         const std::uint8_t* __restrict id_hi, std::uint32_t* __restrict w0,
                         std::uint32_t* __restrict w1, std::uint32_t* __restrict w2,
                         std::uint32_t* __restrict w3)
{
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  const std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  std::size_t j = 0;
#if defined(__AVX512F__)
  {
    const __m512i m0 = _mm512_set1_epi64(M0), m1 = _mm512_set1_epi64(M1);
    const __m512i vblock = _mm512_set1_epi32(static_cast<int>(block));
    const __m512i vword2 = _mm512_set1_epi32(static_cast<int>(word2_base));
    const __m512i vpath = _mm512_set1_epi32(static_cast<int>(path));
    for (; j + 16 <= n; j += 16) {
      __m512i c0 = vblock, c1 = _mm512_loadu_si512(id_lo + j);
      const __m512i hi = _mm512_slli_epi32(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(id_hi + j))), 24);
      __m512i c2 = _mm512_or_si512(vword2, hi), c3 = vpath;
      std::uint32_t key0 = k0, key1 = k1;
      for (int r = 0; r < 10; ++r) {
        // 32x32->64 products of the even lanes and (shifted down) of the odd lanes
        const __m512i pe0 = _mm512_mul_epu32(c0, m0), po0 = _mm512_mul_epu32(_mm512_srli_epi64(c0, 32), m0);
        const __m512i pe1 = _mm512_mul_epu32(c2, m1), po1 = _mm512_mul_epu32(_mm512_srli_epi64(c2, 32), m1);
        const __m512i lo0 = _mm512_mask_blend_epi32(0xAAAA, pe0, _mm512_slli_epi64(po0, 32));
        const __m512i hi0 = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe0, 32), po0);
        const __m512i lo1 = _mm512_mask_blend_epi32(0xAAAA, pe1, _mm512_slli_epi64(po1, 32));
        const __m512i hi1 = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe1, 32), po1);
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
  }
#elif defined(__AVX2__)
  {
    const __m256i m0 = _mm256_set1_epi64x(M0), m1 = _mm256_set1_epi64x(M1);
    const __m256i vblock = _mm256_set1_epi32(static_cast<int>(block));
    const __m256i vword2 = _mm256_set1_epi32(static_cast<int>(word2_base));
    const __m256i vpath = _mm256_set1_epi32(static_cast<int>(path));
    for (; j + 8 <= n; j += 8) {
      __m256i c0 = vblock, c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(id_lo + j));
      const __m256i hi = _mm256_slli_epi32(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(id_hi + j))), 24);
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
[[gnu::always_inline]] inline double word_uniform(std::uint32_t w) { return (static_cast<double>(w) + 0.5) * 0x1p-32; }

}  // namespace clvsim::rng
