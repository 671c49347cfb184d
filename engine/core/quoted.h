#pragma once
//! A double-quoted string literal that reads the same as JSON and as a TOML basic string:
//! the JSON documents clvsim writes (engine/io/json_summary.cpp, fit's) and the scenario
//! fragments of `describe` and `fit`.
#include "engine/core/utf8.h"

#include <cstddef>
#include <cstdio>
#include <string>

namespace clvsim::core {

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
      char32_t cp = 0;
      const std::size_t len = utf8_sequence(text, i, cp);
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
