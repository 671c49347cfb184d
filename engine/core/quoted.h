#pragma once
//! A double-quoted string literal that reads the same as JSON and as a TOML basic string:
//! the scenario fragments `describe` and `fit` write, and the JSON `fit` writes.
#include <cstdio>
#include <string>

namespace clvsim::core {

//! `text` in double quotes with ", \ and every control character (and DEL, which TOML
//! requires) escaped; other bytes, UTF-8 included, as they are.
inline std::string quoted(const std::string& text)
{
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace clvsim::core
