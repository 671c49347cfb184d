#pragma once
//! The one CSV reader of clvsim: every CSV input (the population.history file, the
//! transaction log and the survival table of `clvsim fit`) is read through it.
//!
//! - Fields as in RFC 4180: separated by ',', optionally in double quotes, a quote inside a
//!   quoted field doubled (`"a ""b"", c"`); blanks around unquoted fields are trimmed. A record
//!   is one line (no line breaks inside a quoted field), so every problem has a line number.
//! - A UTF-8 byte order mark before the header is skipped; LF and CRLF line ends are read
//!   alike; blank lines are skipped; the header is the first non-blank line.
//! - A header that is one field containing ';' (or a tab) is recognised as the wrong
//!   separator, and separator_hint() gives the sentence to add to the message.
//! - Problems are collected per file with file:line (Problems), up to a cap, so a user
//!   sees every bad row at once: "error: h.csv:7: t_x = 40 is greater than T = 38.86".
//! - Numbers are parsed and checked against their bounds before any cast (parse_number).
//! - Raw input appears in a message only through excerpt(): control characters escaped, at
//!   most MAX_EXCERPT_CHARS characters, so a 20 MB header or an `ESC[31m` in a field is never
//!   echoed to the terminal.
//! Layer-free: only the standard library and engine/core/errors.h.
#include <cstddef>
#include <istream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clvsim::csv {

//! At most this many characters of a raw field or line appear in a message.
constexpr std::size_t MAX_EXCERPT_CHARS = 80;
//! Problems reported per file; beyond it, one line "... and N more problems".
constexpr std::size_t MAX_PROBLEMS = 20;

//! `raw` made safe to print: printable ASCII and valid UTF-8 as they are; \t, \r, \n and
//! other control bytes as \t, \r, \n, \xNN; invalid UTF-8 bytes as \xNN; C1 controls and
//! invisible or direction-changing code points (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069,
//! U+FEFF) as \uXXXX. Beyond `max_chars` characters of `raw` it ends with
//! "... (N bytes in all)".
std::string excerpt(std::string_view raw, std::size_t max_chars = MAX_EXCERPT_CHARS);

//! Splits one record into `fields` (RFC 4180 quoting without line breaks inside a field;
//! blanks around unquoted fields trimmed; text between a closing quote and the next comma
//! ignored). Returns false on an unterminated quote.
bool split_line(std::string_view line, std::vector<std::string>& fields);

//! `text` as one CSV field: quoted (quotes doubled) when it contains a comma, a quote, a
//! line break or leading/trailing blanks, so split_line() reads it back unchanged.
std::string field(std::string_view text);

//! The outcome of parse_number().
enum class NumberStatus {
  ok,
  not_a_number,  //!< empty, not a complete decimal number, nan or inf
  not_whole,     //!< `whole` was asked and the value has a fraction
  below_min,
  above_max,
};

//! Parses `text` as a finite decimal number (an optional leading '+'; no blanks) into
//! `value`, then checks that it is whole (when `whole`) and within [min, max]. A value
//! accepted here can be cast to any integer type that holds [min, max]: the bounds are
//! checked on the double, before any cast.
NumberStatus parse_number(std::string_view text, double& value, double min = -std::numeric_limits<double>::infinity(),
                          double max = std::numeric_limits<double>::infinity(), bool whole = false);

//! A number for a message: integers in full (1000000000, not 1e+09), others with up to 15
//! significant digits.
std::string number_text(double value);

//! The problems of one file: "error: FILE:LINE: message" lines, the first MAX_PROBLEMS kept
//! and the rest counted.
class Problems {
public:
  //! `file` is the name used in every line; `cap` the number of lines kept.
  explicit Problems(std::string file, std::size_t cap = MAX_PROBLEMS);

  //! A problem of line `line` (1-based): "error: FILE:LINE: message".
  void add(std::size_t line, const std::string& message);
  //! A problem of the whole file: "error: FILE: message".
  void add(const std::string& message);

  //! Problems found (kept or not).
  std::size_t count() const { return count_; }
  //! True when no problem was found.
  bool empty() const { return count_ == 0; }
  //! The kept lines, then "error: FILE: ... and N more problems" when some were not kept.
  std::vector<std::string> lines() const;
  //! Throws InputError with lines() joined by '\n' when there is a problem.
  void throw_if_any() const;

private:
  std::string file_;
  std::size_t cap_;
  std::size_t count_ = 0;
  std::vector<std::string> lines_;
};

//! A CSV stream read record by record, with line numbers. Open the file in binary mode: line
//! ends are handled here.
class Reader {
public:
  //! Reads from `in`; `name` is the file name used in messages.
  Reader(std::istream& in, std::string name);

  //! Reads the header (the first non-blank line, after a byte order mark). Returns false
  //! when there is none (an empty file).
  bool read_header();
  //! False when the header has an unterminated quote.
  bool header_ok() const { return header_ok_; }
  //! The header's fields.
  const std::vector<std::string>& header() const { return header_; }
  //! The header line as read (without the byte order mark and the line end).
  const std::string& header_line() const { return header_line_; }
  //! Index of the first column named `name`, if any.
  std::optional<std::size_t> column(std::string_view name) const;
  //! "; the file seems to use ';' as separator (clvsim reads comma-separated files)" when the
  //! header is one field containing ';' (or a tab), else "".
  std::string separator_hint() const;

  //! What next() found.
  enum class Row { ok, unterminated_quote, end };
  //! Reads the next non-blank line into `fields` (cleared on an unterminated quote).
  Row next(std::vector<std::string>& fields);

  //! Line number (1-based) of the header or row last read.
  std::size_t line() const { return line_no_; }
  //! The stream failed (an I/O error, not the end of the file).
  bool bad() const { return in_.bad(); }
  //! The name used in messages.
  const std::string& name() const { return name_; }

private:
  bool next_line(std::string& line);

  std::istream& in_;
  std::string name_;
  std::size_t line_no_ = 0;
  std::string header_line_;
  std::vector<std::string> header_;
  bool header_ok_ = true;
  std::string line_;
};

}  // namespace clvsim::csv
