//! The decision tables of the console summary (console_summary.h): net NPV quantiles per
//! investment, pairwise comparisons and the "why" breakdown (decisions.h).
#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "engine/io/console_summary.h"
#include "engine/io/decisions.h"
#include "engine/io/json_summary.h"

namespace clvsim::io {

namespace {

constexpr int INDENT = 2;

std::string printable(std::string s)
{
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

std::string cell(const std::string& s, int width)
{
  if (static_cast<int>(s.size()) >= width) return " " + s;
  return std::string(static_cast<std::size_t>(width - static_cast<int>(s.size())), ' ') + s;
}

std::string left(std::string s, int width)
{
  s = printable(std::move(s));
  if (static_cast<int>(s.size()) > width) return s.substr(0, static_cast<std::size_t>(width - 1)) + "~";
  return s + std::string(static_cast<std::size_t>(width - static_cast<int>(s.size())), ' ');
}

std::string money(double x)
{
  return format_value(x, KpiKind::money);
}
std::string share(double x)
{
  return format_value(x, KpiKind::share);
}
std::string signed_money(double x)
{
  std::string s = money(x);
  if (x > 0) s.insert(s.begin(), '+');  // (not "+" + s: GCC 12 warns falsely about that)
  return s;
}

std::string in_currency(const Results& r)
{
  return r.currency.empty() ? "" : "; money in " + r.currency;
}

void net_npv_table(const Results& r, std::ostream& out)
{
  out << "\nNet NPV per investment across paths (paired with the baseline" << in_currency(r) << ")\n";
  constexpr int NAME = 22, COL = 12;
  out << std::string(INDENT, ' ') << left("investment", NAME);
  for (const char* h : {"p05", "p25", "p50", "p75", "p95", "P(net>0)"}) out << cell(h, COL);
  out << '\n';
  for (const Comparison& c : r.comparisons) {
    const auto it = c.paths.find("net_npv");
    if (it == c.paths.end()) continue;
    const stats::Summary s = stats::summarize(it->second);
    out << std::string(INDENT, ' ') << left(c.name, NAME);
    for (double x : {s.p05, s.p25, s.p50, s.p75, s.p95}) out << cell(money(x), COL);
    out << cell(share(share_positive(it->second)), COL) << '\n';
  }
}

void pairwise_lines(const Results& r, std::ostream& out)
{
  const std::vector<PairwiseComparison> pairs = pairwise_comparisons(r);
  if (pairs.empty()) return;
  out << "\nInvestments against each other on the same paths (net NPV" << in_currency(r) << ")\n";
  for (const PairwiseComparison& pc : pairs) {
    // The one that wins more often first: "A beats B on 81.0% of paired paths".
    const bool swap = pc.p_b_better > pc.p_a_better;
    const std::string& a = swap ? pc.b : pc.a;
    const std::string& b = swap ? pc.a : pc.b;
    const double sign = swap ? -1.0 : 1.0;
    const double win = swap ? pc.p_b_better : pc.p_a_better;
    out << std::string(INDENT, ' ') << printable(a) << " beats " << printable(b) << " on " << share(win)
        << " of paired paths";
    if (pc.p_tie > 0) out << " (tied on " << share(pc.p_tie) << ")";
    out << "; difference mean " << signed_money(sign * pc.summary.mean) << ", p05 "
        << signed_money(sign * (swap ? pc.summary.p95 : pc.summary.p05)) << ", p95 "
        << signed_money(sign * (swap ? pc.summary.p05 : pc.summary.p95)) << '\n';
  }
}

//! Label of a why line: "= gross_margin" for subtotals, "- cost_service" for costs.
std::string why_label(const WhyLine& l)
{
  if (l.name == "cost_npv") return "- investment cost";
  if (l.role == "subtotal") return "= " + l.name;
  if (l.role == "start") return l.name;
  return (l.sign < 0 ? "- " : "+ ") + l.name;
}

void why_table(const Results& r, std::ostream& out)
{
  const std::vector<WhyBreakdown> why = why_breakdowns(r);
  if (why.empty()) return;
  out << "\nWhere each investment's net NPV comes from (NPV of the change against the baseline, mean\n"
         "across paths"
      << in_currency(r) << "; costs as amounts: a cost that rises lowers the NPV)\n";
  constexpr int NAME = 24, COL = 15;
  constexpr std::size_t PER_TABLE = 5;  // investments side by side within 100 columns
  for (std::size_t first = 0; first < why.size(); first += PER_TABLE) {
    const std::size_t last = std::min(why.size(), first + PER_TABLE);
    out << std::string(INDENT, ' ') << left("line", NAME);
    for (std::size_t k = first; k < last; ++k) {
      std::string name = printable(why[k].investment);  // right-aligned over its numbers
      if (static_cast<int>(name.size()) > COL - 1) name = name.substr(0, static_cast<std::size_t>(COL - 2)) + "~";
      out << cell(name, COL);
    }
    out << '\n';
    // Every breakdown has the same lines, but "other" only where profit is not gross margin
    // minus the cost lines: it goes before delta_npv.
    std::vector<std::string> names;
    std::vector<const WhyLine*> proto;
    for (std::size_t k = first; k < last; ++k)
      for (const WhyLine& l : why[k].lines) {
        if (std::find(names.begin(), names.end(), l.name) != names.end()) continue;
        auto at = names.end();
        if (l.name == "other") at = std::find(names.begin(), names.end(), "delta_npv");
        proto.insert(proto.begin() + (at - names.begin()), &l);
        names.insert(at, l.name);
      }
    for (std::size_t n = 0; n < names.size(); ++n) {
      out << std::string(INDENT, ' ') << left(why_label(*proto[n]), NAME);
      for (std::size_t k = first; k < last; ++k) {
        const auto it = std::find_if(why[k].lines.begin(), why[k].lines.end(),
                                     [&](const WhyLine& l) { return l.name == names[n]; });
        out << cell(it == why[k].lines.end() ? "-" : money(it->summary.mean), COL);
      }
      out << '\n';
    }
  }
}

}  // namespace

void print_decisions(const Results& r, std::ostream& out)
{
  if (r.comparisons.empty()) return;
  net_npv_table(r, out);
  pairwise_lines(r, out);
  why_table(r, out);
}

}  // namespace clvsim::io
