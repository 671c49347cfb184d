#pragma once
//! Calendar dates for `clvsim fit`: a day number (days since 1970-01-01, proleptic
//! Gregorian) parsed with a small strftime-like format (%Y, %m, %d and literal characters).
#include <optional>
#include <string>
#include <string_view>

namespace clvsim::fit {

//! A date format made of %Y (4 digits), %m (2 digits), %d (2 digits) and literal characters,
//! e.g. "%Y-%m-%d" (the default) or "%Y%m%d".
class DateFormat {
public:
  //! ISO dates, "%Y-%m-%d".
  DateFormat() : DateFormat(std::string("%Y-%m-%d")) {}
  //! Throws InputError when `format` uses any directive other than %Y, %m, %d or lacks one of them.
  explicit DateFormat(std::string format);
  //! The day number of `text`, or nothing when it does not match the format or is not a real date.
  std::optional<int> parse(std::string_view text) const;
  //! The format as a user reads it: "%Y-%m-%d" -> "YYYY-MM-DD".
  const std::string& pattern() const { return pattern_; }
  const std::string& format() const { return format_; }

private:
  std::string format_, pattern_;
};

//! Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-compatible low-level date
//! algorithms"); nothing when month/day are out of range for that year.
std::optional<int> days_from_civil(int year, int month, int day);
//! "YYYY-MM-DD" of a day number.
std::string format_iso(int day);

}  // namespace clvsim::fit
