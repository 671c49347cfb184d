#pragma once
//! Lane bookkeeping shared by the batched samplers and the kernel: which lanes of a batch
//! take the next step.
#include <cstddef>
#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace clvsim::rng {

namespace detail {
//! index_list, and with CLEAR the lanes not flagged into `clear` as well, in one pass.
template <bool CLEAR>
inline std::size_t index_lists(const std::uint8_t* __restrict flag, std::size_t n, std::uint32_t* __restrict set,
                               std::uint32_t* __restrict clear)
{
  std::size_t m = 0, j = 0;
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (; j + 16 <= n; j += 16) {
    const __m128i f8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(flag + j));
    const __mmask16 k = _mm_test_epi8_mask(f8, f8);
    const __m512i idx = _mm512_add_epi32(iota, _mm512_set1_epi32(static_cast<int>(j)));
    _mm512_storeu_si512(set + m, _mm512_maskz_compress_epi32(k, idx));
    if constexpr (CLEAR)
      _mm512_storeu_si512(clear + (j - m), _mm512_maskz_compress_epi32(static_cast<__mmask16>(~k), idx));
    m += static_cast<std::size_t>(__builtin_popcount(k));
  }
#endif
  for (; j < n; ++j) {
    set[m] = static_cast<std::uint32_t>(j);
    if constexpr (CLEAR) clear[j - m] = static_cast<std::uint32_t>(j);
    m += flag[j] ? 1 : 0;
  }
  return m;
}
}  // namespace detail

//! The indices j < n with flag[j] != 0, in order, written to out; returns their number.
//! With AVX-512 16 at a time (compress of 0..15 + j), otherwise `out[m] = j; m += flag`.
inline std::size_t index_list(const std::uint8_t* __restrict flag, std::size_t n, std::uint32_t* __restrict out)
{
  return detail::index_lists<false>(flag, n, out, nullptr);
}

namespace detail {
//! The indices j < n with v[j] != 0 (ZERO = false) or v[j] == 0 (ZERO = true), in order.
template <bool ZERO>
inline std::size_t index_list32(const std::uint32_t* __restrict v, std::size_t n, std::uint32_t* __restrict out)
{
  std::size_t m = 0, j = 0;
#if defined(__AVX512F__)
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (; j + 16 <= n; j += 16) {
    const __m512i f = _mm512_loadu_si512(v + j);
    const __mmask16 k = ZERO ? _mm512_testn_epi32_mask(f, f) : _mm512_test_epi32_mask(f, f);
    const __m512i idx = _mm512_add_epi32(iota, _mm512_set1_epi32(static_cast<int>(j)));
    _mm512_storeu_si512(out + m, _mm512_maskz_compress_epi32(k, idx));
    m += static_cast<std::size_t>(__builtin_popcount(k));
  }
#endif
  for (; j < n; ++j) {
    out[m] = static_cast<std::uint32_t>(j);
    m += (v[j] == 0) == ZERO ? 1 : 0;
  }
  return m;
}
}  // namespace detail

//! index_list of 32-bit flags.
inline std::size_t index_list(const std::uint32_t* __restrict flag, std::size_t n, std::uint32_t* __restrict out)
{
  return detail::index_list32<false>(flag, n, out);
}

//! The indices j < n with v[j] == 0 (e.g. the rejected lanes of an acceptance flag), in order.
inline std::size_t index_list_zero(const std::int32_t* __restrict v, std::size_t n, std::uint32_t* __restrict out)
{
  return detail::index_list32<true>(reinterpret_cast<const std::uint32_t*>(v), n, out);
}

//! index_list of the set lanes into `set` and of the others into `clear`, in one pass;
//! returns the number set (the others are n minus it).
inline std::size_t index_lists(const std::uint8_t* __restrict flag, std::size_t n, std::uint32_t* __restrict set,
                               std::uint32_t* __restrict clear)
{
  return detail::index_lists<true>(flag, n, set, clear);
}

}  // namespace clvsim::rng
