#include "engine/run/history.h"

#include "engine/core/errors.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace clvsim {

namespace {

std::vector<std::string> split_csv(const std::string& line)
{
  std::vector<std::string> out;
  std::string field;
  for (char c : line) {
    if (c == ',') {
      out.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  out.push_back(field);
  for (auto& f : out) {  // trim spaces and optional quotes
    const auto b = f.find_first_not_of(" \t");
    const auto e = f.find_last_not_of(" \t");
    f = b == std::string::npos ? "" : f.substr(b, e - b + 1);
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
  }
  return out;
}

}  // namespace

std::vector<ExistingCustomer> read_history(const std::string& path, scenarios::PurchaseModel model)
{
  std::ifstream in(path);
  if (!in)
    throw InputError("error: cannot read history file '" + path + "': " + std::strerror(errno));
  const bool sbg = model == scenarios::PurchaseModel::sbg;
  if (model == scenarios::PurchaseModel::sbg_poisson)
    throw InputError("error: " + path + ": population.history needs purchase.model bg_nbd, "
                     "pareto_nbd or sbg (sbg_poisson has no posterior for purchase histories)");
  std::string line;
  if (!std::getline(in, line))
    throw InputError("error: " + path + ":1: empty file; expected a header " +
                     std::string(sbg ? "customer_id,renewals" : "customer_id,x,t_x,T[,m_x]"));
  const auto header = split_csv(line);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  const std::vector<std::string> required =
      sbg ? std::vector<std::string>{"customer_id", "renewals"}
          : std::vector<std::string>{"customer_id", "x", "t_x", "T"};
  for (const auto& name : required)
    if (!col.count(name))
      throw InputError("error: " + path + ":1: missing column '" + name + "' (header: " + line +
                       "; expected " + (sbg ? "customer_id,renewals" : "customer_id,x,t_x,T[,m_x]") + ")");
  const bool with_m_x = !sbg && col.count("m_x");

  std::vector<ExistingCustomer> rows;
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv(line);
    const std::string where = path + ":" + std::to_string(line_no);
    if (f.size() != header.size())
      throw InputError("error: " + where + ": expected " + std::to_string(header.size()) +
                       " fields, got " + std::to_string(f.size()));
    auto number = [&](const std::string& name, bool allow_empty = false) {
      const std::string& s = f[col.at(name)];
      if (s.empty() && allow_empty) return std::nan("");
      double v = 0;
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
        throw InputError("error: " + where + ": " + name + " = '" + s + "' is not a number");
      return v;
    };
    ExistingCustomer c;
    c.id = f[col.at("customer_id")];
    if (c.id.empty()) throw InputError("error: " + where + ": empty customer_id");
    if (sbg) {
      const double r = number("renewals");
      if (r < 0 || r != std::floor(r))
        throw InputError("error: " + where + ": renewals = " + f[col.at("renewals")] +
                         " must be a whole number >= 0");
      c.renewals = static_cast<int>(r);
    } else {
      c.x = number("x");
      c.t_x = number("t_x");
      c.T = number("T");
      if (c.x < 0 || c.x != std::floor(c.x))
        throw InputError("error: " + where + ": x = " + f[col.at("x")] + " must be a whole number >= 0");
      if (c.t_x < 0) throw InputError("error: " + where + ": t_x = " + f[col.at("t_x")] + " is negative");
      if (c.T < 0) throw InputError("error: " + where + ": T = " + f[col.at("T")] + " is negative");
      if (c.t_x > c.T)
        throw InputError("error: " + where + ": t_x = " + f[col.at("t_x")] + " is greater than T = " + f[col.at("T")]);
      if (c.x == 0 && c.t_x != 0)
        throw InputError("error: " + where + ": t_x = " + f[col.at("t_x")] + " must be 0 when x = 0");
      if (with_m_x) {
        const double m = number("m_x", true);
        if (!std::isnan(m)) {
          if (m < 0) throw InputError("error: " + where + ": m_x = " + f[col.at("m_x")] + " is negative");
          if (c.x >= 1 && m > 0) {
            c.m_x = m;
            c.has_m_x = true;
          }
        }
      }
    }
    rows.push_back(std::move(c));
  }
  if (rows.empty()) throw InputError("error: " + path + ": no customers after the header");
  return rows;
}

}  // namespace clvsim
