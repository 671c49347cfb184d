#include "models/fit/summary_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <unordered_set>

#include "engine/core/csv.h"
#include "engine/core/errors.h"

namespace clvsim::fit {

namespace {

//! Parses field `name` of a row with its bounds, reporting a problem when it is bad.
bool number(csv::Problems& problems, std::size_t line, const std::string& name, const std::string& text, double& v,
            double min, bool whole)
{
  switch (csv::parse_number(text, v, min, std::numeric_limits<double>::infinity(), whole)) {
    case csv::NumberStatus::ok:
      return true;
    case csv::NumberStatus::not_whole:
      problems.add(line, name + " = " + csv::excerpt(text) + " is not a whole number");
      break;
    case csv::NumberStatus::below_min:
      problems.add(line, name + " = " + csv::excerpt(text) + " is below " + csv::number_text(min));
      break;
    default:
      problems.add(line, name + " = '" + csv::excerpt(text) + "' is not a number");
  }
  return false;
}

}  // namespace

SummaryFile read_summary_file(const std::string& path, TimeUnit time_unit)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("error: " + path + ": cannot open for reading (" + std::strerror(errno) + ")");
  SummaryFile f;
  f.source = path;
  csv::Reader reader(in, path);
  const bool has_header = reader.read_header();
  if (reader.bad()) throw IoError("error: " + path + ": read error");
  if (!has_header) throw InputError("error: " + path + ": empty file (expected a header such as x,t_x,T or x,t_x,n)");
  const std::string at_header = "error: " + path + ":" + std::to_string(reader.line()) + ": ";
  if (!reader.header_ok()) throw InputError(at_header + "unterminated quote in the header");
  const std::string header = csv::excerpt(reader.header_line());
  for (const char* wanted : {"x", "t_x"})
    if (!reader.column(wanted))
      throw InputError(at_header + "missing column '" + wanted + "' (header: " + header +
                       "; expected x,t_x,T[,m_x] or x,t_x,n, optionally count and customer_id)" +
                       reader.separator_hint());
  const bool has_T = reader.column("T").has_value(), has_n = reader.column("n").has_value();
  if (has_T == has_n)
    throw InputError(at_header + (has_T ? "both T and n" : "neither T nor n") + " (header: " + header +
                     "): give T for continuous time (bg_nbd, mbg_nbd, pareto_nbd) or n, the "
                     "number of transaction opportunities, for bg_bb");
  f.discrete = has_n;
  if (f.discrete && reader.column("m_x"))
    throw InputError(at_header + "m_x does not go with n: the discrete-time model bg_bb has no spend model");
  const std::size_t x_col = *reader.column("x"), tx_col = *reader.column("t_x"),
                    age_col = f.discrete ? *reader.column("n") : *reader.column("T");
  const auto m_col = reader.column("m_x"), count_col = reader.column("count"), id_col = reader.column("customer_id");
  f.has_ids = id_col.has_value();
  f.has_counts = count_col.has_value();
  const std::size_t header_fields = reader.header().size();
  CustomerSummary& s = f.continuous;
  s.time_unit = time_unit;
  s.has_amounts = m_col.has_value();

  csv::Problems problems(path);
  std::unordered_set<std::string> seen;
  std::vector<std::string> fields;
  while (true) {
    const auto status = reader.next(fields);
    if (status == csv::Reader::Row::end) break;
    const std::size_t line = reader.line();
    if (status == csv::Reader::Row::unterminated_quote) {
      problems.add(line, "unterminated quote");
      continue;
    }
    if (fields.size() != header_fields) {
      problems.add(line, "row has " + std::to_string(fields.size()) + " fields, the header has " +
                             std::to_string(header_fields));
      continue;
    }
    const std::size_t before = problems.count();
    double x = 0, t_x = 0, age = 0, m = 0, count = 1;
    // Bounds are checked on the doubles before any cast (csv::parse_number).
    const bool ok_x = number(problems, line, "x", fields[x_col], x, 0.0, true);
    const bool ok_tx = number(problems, line, "t_x", fields[tx_col], t_x, 0.0, f.discrete);
    const bool ok_age = number(problems, line, f.discrete ? "n" : "T", fields[age_col], age, 0.0, f.discrete);
    if (m_col) number(problems, line, "m_x", fields[*m_col], m, 0.0, false);
    if (count_col) number(problems, line, "count", fields[*count_col], count, 1.0, true);
    if (f.discrete && ok_x && ok_tx && ok_age) {
      constexpr double LIMIT = 1e6;  // opportunities: the likelihood sums O(n) terms per row
      if (age > LIMIT)
        problems.add(line, "n = " + csv::number_text(age) + " is above " + csv::number_text(LIMIT));
      else if (t_x > age)
        problems.add(line, "t_x = " + csv::number_text(t_x) + " is greater than n = " + csv::number_text(age));
      else if (x > t_x)
        problems.add(line, "x = " + csv::number_text(x) + " is greater than t_x = " + csv::number_text(t_x) +
                               " (each transaction takes one opportunity)");
      else if ((x == 0) != (t_x == 0))
        problems.add(
            line, x == 0 ? "t_x = " + csv::number_text(t_x) + " with x = 0 (t_x must be 0 without a repeat transaction)"
                         : "t_x = 0 with x = " + csv::number_text(x) + " (the last transaction's opportunity is >= 1)");
    } else if (!f.discrete && ok_x && ok_tx && ok_age) {
      if (t_x > age)
        problems.add(line, "t_x = " + csv::number_text(t_x) + " is greater than T = " + csv::number_text(age));
      else if (x == 0 && t_x != 0)
        problems.add(line, "t_x = " + csv::number_text(t_x) + " with x = 0 (t_x must be 0 without a repeat purchase)");
    }
    std::string id = id_col ? fields[*id_col] : "line " + std::to_string(line);
    if (id_col) {
      if (id.empty())
        problems.add(line, "empty customer_id");
      else if (!seen.insert(id).second)
        problems.add(line, "customer_id '" + csv::excerpt(id) + "' appears more than once");
    }
    if (problems.count() != before || !problems.empty()) continue;  // a bad file is reported, not summarised
    ++f.rows;
    if (f.discrete) {
      f.x.push_back(static_cast<int>(x));
      f.t_x.push_back(static_cast<int>(t_x));
      f.n.push_back(static_cast<int>(age));
      f.count.push_back(count);
      f.ids.push_back(std::move(id));
    } else {
      s.ids.push_back(std::move(id));
      s.x.push_back(x);
      s.t_x.push_back(t_x);
      s.T.push_back(age);
      s.m_x.push_back(x > 0 ? m : 0.0);
      s.x_star.push_back(0.0);
      s.first_day.push_back(0);
      if (count_col) s.count.push_back(count);
      s.repeat_customers += x > 0 ? static_cast<std::size_t>(count) : 0;
      s.repeat_transactions += static_cast<std::size_t>(x * count);
    }
  }
  if (reader.bad()) throw IoError("error: " + path + ": read error after line " + std::to_string(reader.line()));
  problems.throw_if_any();
  if (f.rows == 0) throw InputError("error: " + path + ": no customers (the file has a header only)");
  return f;
}

}  // namespace clvsim::fit
