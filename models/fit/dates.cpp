#include "models/fit/dates.h"

#include <cstdio>

#include "engine/core/errors.h"

namespace clvsim::fit {

DateFormat::DateFormat(std::string format) : format_(std::move(format))
{
  bool y = false, m = false, d = false;
  for (std::size_t i = 0; i < format_.size(); ++i) {
    if (format_[i] != '%') {
      pattern_ += format_[i];
      continue;
    }
    const char c = i + 1 < format_.size() ? format_[i + 1] : '\0';
    ++i;
    switch (c) {
      case 'Y':
        y = true;
        pattern_ += "YYYY";
        break;
      case 'm':
        m = true;
        pattern_ += "MM";
        break;
      case 'd':
        d = true;
        pattern_ += "DD";
        break;
      case '%':
        pattern_ += '%';
        break;
      default:
        throw InputError("error: --date-format '" + format_ + "': unsupported directive '%" +
                         std::string(c ? 1 : 0, c) +
                         "' (use %Y, %m, %d and literal characters, e.g. %Y-%m-%d or %Y%m%d)");
    }
  }
  if (!(y && m && d)) throw InputError("error: --date-format '" + format_ + "' must contain %Y, %m and %d");
}

std::optional<int> DateFormat::parse(std::string_view text) const
{
  int year = 0, month = 0, day = 0;
  std::size_t pos = 0;
  auto digits = [&](int count, int& value) {
    if (pos + static_cast<std::size_t>(count) > text.size()) return false;
    value = 0;
    for (int k = 0; k < count; ++k) {
      const char ch = text[pos++];
      if (ch < '0' || ch > '9') return false;
      value = value * 10 + (ch - '0');
    }
    return true;
  };
  for (std::size_t i = 0; i < format_.size(); ++i) {
    if (format_[i] == '%') {
      const char c = format_[++i];
      bool ok = true;
      if (c == 'Y')
        ok = digits(4, year);
      else if (c == 'm')
        ok = digits(2, month);
      else if (c == 'd')
        ok = digits(2, day);
      else
        ok = pos < text.size() && text[pos++] == '%';
      if (!ok) return std::nullopt;
    } else if (pos >= text.size() || text[pos++] != format_[i]) {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;
  return days_from_civil(year, month, day);
}

std::optional<int> days_from_civil(int y, int m, int d)
{
  static constexpr int DAYS_IN_MONTH[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > DAYS_IN_MONTH[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153u * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2u) / 5u + static_cast<unsigned>(d) - 1u;
  const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

std::string format_iso(int z)
{
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace clvsim::fit
