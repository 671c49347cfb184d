#include "engine/core/csv.h"

#include "engine/core/errors.h"
#include "engine/core/utf8.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace clvsim::csv {

namespace {

bool blank(char c)
{
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s)
{
  std::size_t b = 0, e = s.size();
  while (b < e && blank(s[b])) ++b;
  while (e > b && blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool is_blank_line(std::string_view s)
{
  return trim(s).empty();
}

//! Code points a terminal would act on or not show: C1 controls, zero-width and
//! direction-changing marks, the byte order mark.
bool hidden(char32_t cp)
{
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

}  // namespace

std::string excerpt(std::string_view raw, std::size_t max_chars)
{
  std::string out;
  std::size_t chars = 0, i = 0;
  char buf[16];
  while (i < raw.size() && chars < max_chars) {
    const auto c = static_cast<unsigned char>(raw[i]);
    ++chars;
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\t') {
      out += "\\t", ++i;
    } else if (c == '\r') {
      out += "\\r", ++i;
    } else if (c == '\n') {
      out += "\\n", ++i;
    } else if (c < 0x80) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf, ++i;
    } else {
      char32_t cp = 0;
      const std::size_t n = core::utf8_sequence(raw, i, cp);
      if (n == 0) {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf, ++i;
      } else if (hidden(cp)) {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
        out += buf, i += n;
      } else {
        out.append(raw.substr(i, n)), i += n;
      }
    }
  }
  if (i < raw.size()) out += "... (" + std::to_string(raw.size()) + " bytes in all)";
  return out;
}

bool split_line(std::string_view line, std::vector<std::string>& fields)
{
  fields.clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (true) {
    std::size_t b = i;
    while (b < n && blank(line[b])) ++b;
    if (b < n && line[b] == '"') {
      std::string value;
      std::size_t k = b + 1;
      while (true) {
        if (k >= n) return false;
        if (line[k] == '"') {
          if (k + 1 < n && line[k + 1] == '"') {
            value += '"';
            k += 2;
            continue;
          }
          ++k;
          break;
        }
        value += line[k++];
      }
      while (k < n && line[k] != ',') ++k;  // ignore anything between the quote and the comma
      fields.push_back(std::move(value));
      if (k >= n) return true;
      i = k + 1;
    } else {
      const std::size_t comma = line.find(',', i);
      const std::size_t end = comma == std::string_view::npos ? n : comma;
      fields.emplace_back(trim(line.substr(i, end - i)));
      if (comma == std::string_view::npos) return true;
      i = comma + 1;
    }
  }
}

std::string field(std::string_view text)
{
  if (text.find_first_of(",\"\r\n") == std::string_view::npos &&
      (text.empty() || (!blank(text.front()) && !blank(text.back()))))
    return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

NumberStatus parse_number(std::string_view text, double& value, double min, double max, bool whole)
{
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (first == last || ec != std::errc() || ptr != last || !std::isfinite(v)) return NumberStatus::not_a_number;
  value = v;
  if (whole && v != std::floor(v)) return NumberStatus::not_whole;
  if (v < min) return NumberStatus::below_min;
  if (v > max) return NumberStatus::above_max;
  return NumberStatus::ok;
}

std::string number_text(double value)
{
  char buf[32];
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e18)
    std::snprintf(buf, sizeof buf, "%.0f", value);
  else
    std::snprintf(buf, sizeof buf, "%.15g", value);
  return buf;
}

// ---------------------------------------------------------------------------------------
// Problems

Problems::Problems(std::string file, std::size_t cap) : file_(std::move(file)), cap_(cap) {}

void Problems::add(std::size_t line, const std::string& message)
{
  if (count_++ < cap_) lines_.push_back("error: " + file_ + ":" + std::to_string(line) + ": " + message);
}

void Problems::add(const std::string& message)
{
  if (count_++ < cap_) lines_.push_back("error: " + file_ + ": " + message);
}

std::vector<std::string> Problems::lines() const
{
  std::vector<std::string> out = lines_;
  if (count_ > lines_.size())
    out.push_back("error: " + file_ + ": ... and " + std::to_string(count_ - lines_.size()) + " more problem" +
                  (count_ - lines_.size() == 1 ? "" : "s"));
  return out;
}

void Problems::throw_if_any() const
{
  if (empty()) return;
  std::string message;
  for (const auto& l : lines()) message += (message.empty() ? "" : "\n") + l;
  throw InputError(message);
}

// ---------------------------------------------------------------------------------------
// Reader

Reader::Reader(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

bool Reader::next_line(std::string& line)
{
  if (!std::getline(in_, line)) return false;
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

bool Reader::read_header()
{
  while (next_line(line_)) {
    if (line_no_ == 1 && line_.rfind("\xEF\xBB\xBF", 0) == 0) line_.erase(0, 3);  // UTF-8 BOM
    if (!is_blank_line(line_)) {
      header_line_ = line_;
      header_ok_ = split_line(header_line_, header_);
      return true;
    }
  }
  return false;
}

std::optional<std::size_t> Reader::column(std::string_view name) const
{
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

std::string Reader::separator_hint() const
{
  if (header_.size() != 1) return "";
  const char* what = header_line_.find(';') != std::string::npos    ? "';'"
                     : header_line_.find('\t') != std::string::npos ? "tabs"
                                                                    : nullptr;
  if (!what) return "";
  return std::string("; the file seems to use ") + what + " as separator (clvsim reads comma-separated files)";
}

Reader::Row Reader::next(std::vector<std::string>& fields)
{
  while (next_line(line_)) {
    if (is_blank_line(line_)) continue;
    if (!split_line(line_, fields)) {
      fields.clear();
      return Row::unterminated_quote;
    }
    return Row::ok;
  }
  return Row::end;
}

}  // namespace clvsim::csv
