#include "models/fit/transactions.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "engine/core/errors.h"

namespace clvsim::fit {

namespace {

std::string trim(std::string_view s)
{
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

std::string where(const std::string& name, std::size_t line)
{
  return name + ":" + std::to_string(line) + ": ";
}

}  // namespace

bool split_csv_line(const std::string& line, std::vector<std::string>& fields)
{
  fields.clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (true) {
    std::size_t b = i;
    while (b < n && (line[b] == ' ' || line[b] == '\t')) ++b;
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
      const std::size_t end = comma == std::string::npos ? n : comma;
      fields.push_back(trim(std::string_view(line).substr(i, end - i)));
      if (comma == std::string::npos) return true;
      i = comma + 1;
    }
  }
}

TransactionLog read_transactions(const std::string& path, const LogFormat& format)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open for reading (" + std::strerror(errno) + ")");
  return read_transactions(in, path, format);
}

TransactionLog read_transactions(std::istream& in, const std::string& name, const LogFormat& format)
{
  TransactionLog log;
  log.source = name;
  log.has_amounts = !format.amount_column.empty();

  std::string line;
  std::vector<std::string> fields;
  std::size_t line_no = 0;

  // Header: the first non-blank line.
  std::string header;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    if (!trim(line).empty()) {
      header = line;
      break;
    }
  }
  if (in.bad()) throw IoError(name + ": read error");
  if (header.empty()) throw InputError(name + ": empty file (expected a header line, e.g. customer_id,date,amount)");
  if (!split_csv_line(header, fields))
    throw InputError(where(name, line_no) + "unterminated quote in the header");
  const std::size_t header_fields = fields.size();
  auto column = [&](const std::string& wanted) {
    const auto it = std::find(fields.begin(), fields.end(), wanted);
    if (it == fields.end())
      throw InputError(where(name, line_no) + "missing column '" + wanted + "' (header: " + header + ")");
    return static_cast<std::size_t>(it - fields.begin());
  };
  const std::size_t id_col = column(format.id_column);
  const std::size_t date_col = column(format.date_column);
  const std::size_t amount_col = log.has_amounts ? column(format.amount_column) : 0;

  std::unordered_map<std::string, std::uint32_t> index;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    if (!split_csv_line(line, fields)) throw InputError(where(name, line_no) + "unterminated quote");
    if (fields.size() != header_fields)
      throw InputError(where(name, line_no) + "row has " + std::to_string(fields.size()) +
                       " field" + (fields.size() == 1 ? "" : "s") + ", the header has " +
                       std::to_string(header_fields));
    ++log.rows_read;
    const std::string& id = fields[id_col];
    if (id.empty())
      throw InputError(where(name, line_no) + "empty customer id (column '" + format.id_column + "')");
    const auto day = format.date_format.parse(fields[date_col]);
    if (!day)
      throw InputError(where(name, line_no) + "bad date '" + fields[date_col] + "' (expected " +
                       format.date_format.pattern() + ")");
    double amount = 0.0;
    if (log.has_amounts) {
      const std::string& text = fields[amount_col];
      const char* first = text.data();
      const char* last = text.data() + text.size();
      if (first != last && *first == '+') ++first;
      const auto [ptr, ec] = std::from_chars(first, last, amount);
      if (text.empty() || ec != std::errc() || ptr != last || !std::isfinite(amount))
        throw InputError(where(name, line_no) + "amount '" + text + "' is not a number");
      if (amount < 0) throw InputError(where(name, line_no) + "amount " + text + " is negative");
    }
    if (format.last_day && *day > *format.last_day) continue;
    auto [it, inserted] = index.try_emplace(id, static_cast<std::uint32_t>(log.customer_ids.size()));
    if (inserted) {
      if (log.customer_ids.size() >= 0xFFFFFFFFu) throw InputError(name + ": more than 4294967295 customers");
      log.customer_ids.push_back(id);
    }
    log.transactions.push_back({it->second, static_cast<std::int32_t>(*day), amount});
  }
  if (in.bad()) throw IoError(name + ": read error after line " + std::to_string(line_no));
  log.rows_kept = log.transactions.size();

  // Merge same-day transactions of a customer (amounts summed). A stable sort keeps the
  // file order of same-day rows, so the sums are reproducible.
  auto& t = log.transactions;
  std::stable_sort(t.begin(), t.end(), [](const Transaction& l, const Transaction& r) {
    return l.customer != r.customer ? l.customer < r.customer : l.day < r.day;
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (out > 0 && t[out - 1].customer == t[i].customer && t[out - 1].day == t[i].day)
      t[out - 1].amount += t[i].amount;
    else
      t[out++] = t[i];
  }
  t.resize(out);
  t.shrink_to_fit();
  return log;
}

}  // namespace clvsim::fit
