#pragma once
//! A double-quoted string literal that reads the same as JSON and as a TOML basic string:
//! the JSON documents clvsim writes (engine/io/json_summary.cpp, fit's) and the scenario
//! fragments of `describe` and `fit`.
#include <cstddef>
#include <cstdio>
#include <string>

namespace clvsim::core {

namespace detail {
//! Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, nothing
//! above U+10FFFF), 0 if invalid.
inline std::size_t utf8_length(const unsigned char* p, std::size_t avail)
{
  const unsigned char c = p[0];
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c == 0xE0) {
    len = 3;
    lo = 0xA0;
  } else if (c >= 0xE1 && c <= 0xEC) {
    len = 3;
  } else if (c == 0xED) {
    len = 3;
    hi = 0x9F;
  } else if (c >= 0xEE && c <= 0xEF) {
    len = 3;
  } else if (c == 0xF0) {
    len = 4;
    lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    len = 4;
  } else if (c == 0xF4) {
    len = 4;
    hi = 0x8F;
  } else {
    return 0;
  }
  if (avail < len) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (p[k] < 0x80 || p[k] > 0xBF) return 0;
  return len;
}
}  // namespace detail

//! `text` in double quotes with ", \ and every control character (and DEL, which TOML
//! requires) escaped; valid UTF-8 as it is, each invalid byte replaced by U+FFFD (neither
//! JSON nor TOML allows it), so the literal always parses.
inline std::string quoted(const std::string& text)
{
  std::string out = "\"";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const std::size_t len = detail::utf8_length(p + i, n - i);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text, i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

}  // namespace clvsim::core
