#pragma once
//! UTF-8 decoding of one sequence (RFC 3629), for the writers that must emit valid text
//! (core::quoted) and the messages that quote input bytes (csv::excerpt).
#include <cstddef>
#include <string_view>

namespace clvsim::core {

//! Length of the valid UTF-8 sequence at s[i] and its code point `cp`, or 0 if it is not
//! one: overlong forms, surrogates, code points above U+10FFFF and sequences cut off by the
//! end of s are not.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp)
{
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // no overlongs
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // no overlongs
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const unsigned char b = at(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return n;
}

}  // namespace clvsim::core
