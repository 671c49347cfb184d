#include "scenarios/history.h"

#include "models/purchase/registry.h"

#include "engine/core/csv.h"
#include "scenarios/scenario.h"

#include <cassert>
#include <optional>
#include <unordered_map>

namespace clvsim::scenarios {

namespace {

//! A numeric column of a history file and its rules.
struct NumberRule {
  const char* name;
  double max;
  bool whole;
};

constexpr NumberRule X_RULE{"x", MAX_HISTORY_ORDERS, true};
constexpr NumberRule T_X_RULE{"t_x", MAX_HISTORY_TIME, false};
constexpr NumberRule T_RULE{"T", MAX_HISTORY_TIME, false};
constexpr NumberRule M_X_RULE{"m_x", MAX_HISTORY_ORDER_VALUE, false};
constexpr NumberRule N_RULE{"n", MAX_HISTORY_TIME, true};
constexpr NumberRule T_X_WHOLE_RULE{"t_x", MAX_HISTORY_TIME, true};
constexpr NumberRule RENEWALS_RULE{"renewals", MAX_HISTORY_RENEWALS, true};

//! The value of `text` under `rule` (all history numbers are >= 0), or nothing after
//! reporting why not at `line`.
std::optional<double> number(csv::Problems& problems, std::size_t line, const NumberRule& rule, const std::string& text)
{
  double v = 0;
  const std::string name = rule.name;
  switch (csv::parse_number(text, v, 0.0, rule.max, rule.whole)) {
    case csv::NumberStatus::ok:
      return v;
    case csv::NumberStatus::not_a_number:
      problems.add(line, name + " = '" + csv::excerpt(text) + "' is not a number");
      break;
    case csv::NumberStatus::not_whole:
    case csv::NumberStatus::below_min:
      problems.add(line,
                   name + " = " + csv::excerpt(text) + (rule.whole ? " must be a whole number >= 0" : " is negative"));
      break;
    case csv::NumberStatus::above_max:
      problems.add(line,
                   name + " = " + csv::excerpt(text) + " is out of range [0, " + csv::number_text(rule.max) + "]");
      break;
  }
  return std::nullopt;
}

}  // namespace

std::vector<ExistingCustomer> read_history(std::istream& in, const std::string& name, PurchaseModel model,
                                           std::vector<std::string>& problem_lines)
{
  const models::HistoryColumns columns = models::history_columns(model);
  assert(columns != models::HistoryColumns::none && "the loader refuses a history for a model without a posterior");
  const bool sbg = columns == models::HistoryColumns::renewals;
  // bg_bb: x transactions in the n opportunities observed, the last at opportunity t_x
  const bool discrete = columns == models::HistoryColumns::opportunities;
  const char* age = discrete ? "n" : "T";
  const std::string expected = sbg ? "customer_id,renewals" : std::string("customer_id,x,t_x,") + age + "[,m_x]";
  const std::vector<std::string> required = sbg ? std::vector<std::string>{"customer_id", "renewals"}
                                                : std::vector<std::string>{"customer_id", "x", "t_x", age};
  csv::Problems problems(name);
  csv::Reader reader(in, name);
  std::vector<ExistingCustomer> rows;
  auto finish = [&] {
    for (auto& l : problems.lines()) problem_lines.push_back(std::move(l));
    return std::move(rows);
  };

  // The header.
  if (!reader.read_header()) {
    problems.add(1, "empty file; expected a header " + expected);
    return finish();
  }
  if (!reader.header_ok()) {
    problems.add(reader.line(), "unterminated quote in the header");
    return finish();
  }
  std::string missing;
  std::size_t n_missing = 0;
  for (const auto& column : required)
    if (!reader.column(column)) missing += std::string(n_missing++ ? ", " : "") + "'" + column + "'";
  if (n_missing > 0) {
    // The other kind of history (renewals for a purchase model, or the reverse): say which
    // model it belongs to.
    std::string kind;
    if (!sbg && reader.column("renewals"))
      kind = "; customer_id,renewals is a history for purchase.model = \"sbg\"";
    else if (sbg && reader.column("x"))
      kind = "; customer_id,x,t_x,T is a history for the purchase models (bg_nbd, mbg_nbd, pareto_nbd, bg_bb)";
    problems.add(reader.line(), std::string(n_missing == 1 ? "missing column " : "missing columns ") + missing +
                                    " (header: " + csv::excerpt(reader.header_line()) + "; expected " + expected + ")" +
                                    kind + reader.separator_hint());
    return finish();
  }
  std::vector<std::string> used = required;
  if (!sbg) used.push_back("m_x");
  for (const auto& column : used) {
    std::size_t n = 0;
    for (const auto& h : reader.header()) n += h == column;
    if (n > 1)
      problems.add(reader.line(), "column '" + column + "' appears " + std::to_string(n) + " times in the header");
  }
  if (!problems.empty()) return finish();
  const std::size_t header_fields = reader.header().size();
  const std::size_t id_col = *reader.column("customer_id");
  const auto col = [&](const char* column) { return *reader.column(column); };
  constexpr std::size_t NONE = static_cast<std::size_t>(-1);
  const std::size_t m_x_col = sbg ? NONE : reader.column("m_x").value_or(NONE);

  // The rows: every problem of every row.
  std::unordered_map<std::string, std::size_t> first_line;  // customer_id -> line
  std::vector<std::string> f;
  while (true) {
    const auto status = reader.next(f);
    if (status == csv::Reader::Row::end) break;
    const std::size_t line = reader.line();
    if (status == csv::Reader::Row::unterminated_quote) {
      problems.add(line, "unterminated quote");
      continue;
    }
    if (f.size() != header_fields) {
      problems.add(line, "expected " + std::to_string(header_fields) + " fields, got " + std::to_string(f.size()));
      continue;
    }
    ExistingCustomer c;
    bool ok = true;
    c.id = f[id_col];
    if (c.id.empty()) {
      problems.add(line, "empty customer_id");
      ok = false;
    } else if (auto [it, inserted] = first_line.try_emplace(c.id, line); !inserted) {
      problems.add(line, "customer_id '" + csv::excerpt(c.id) + "' is used twice (first on line " +
                             std::to_string(it->second) + ")");
      ok = false;
    }
    if (sbg) {
      const auto r = number(problems, line, RENEWALS_RULE, f[col("renewals")]);
      if (r) c.renewals = static_cast<int>(*r);  // within [0, INT_MAX - 1]: checked before the cast
      ok = ok && r;
    } else {
      const auto x = number(problems, line, X_RULE, f[col("x")]);
      const auto t_x = number(problems, line, discrete ? T_X_WHOLE_RULE : T_X_RULE, f[col("t_x")]);
      const auto T = number(problems, line, discrete ? N_RULE : T_RULE, f[col(age)]);
      if (x && t_x && T) {
        c.x = *x, c.t_x = *t_x, c.T = *T;
        if (c.t_x > c.T) {
          problems.add(line, "t_x = " + csv::excerpt(f[col("t_x")]) + " is greater than " + age + " = " +
                                 csv::excerpt(f[col(age)]));
          ok = false;
        } else if (discrete && c.x > c.t_x) {
          problems.add(line, "x = " + csv::excerpt(f[col("x")]) + " is greater than t_x = " +
                                 csv::excerpt(f[col("t_x")]) + " (x transactions need x opportunities up to the last)");
          ok = false;
        } else if (c.x == 0 && c.t_x != 0) {
          problems.add(line, "t_x = " + csv::excerpt(f[col("t_x")]) + " must be 0 when x = 0");
          ok = false;
        }
      } else {
        ok = false;
      }
      if (m_x_col != NONE && !f[m_x_col].empty()) {
        const auto m = number(problems, line, M_X_RULE, f[m_x_col]);
        if (m && c.x >= 1 && *m > 0) {
          c.m_x = *m;
          c.has_m_x = true;
        }
        ok = ok && m;
      }
    }
    if (ok && problems.empty()) rows.push_back(std::move(c));
  }
  if (reader.bad())
    problems.add("read error after line " + std::to_string(reader.line()));
  else if (problems.empty() && rows.empty())
    problems.add("no customers after the header");
  return finish();
}

}  // namespace clvsim::scenarios
