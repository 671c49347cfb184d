#include "models/fit/summary.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "engine/core/csv.h"
#include "engine/core/errors.h"
#include "models/fit/dates.h"
#include "models/kinds.h"

namespace clvsim::fit {

namespace {
//! The model layer's unit of the same name (models/kinds.h): its day lengths and names.
models::TimeUnit model_unit(TimeUnit unit)
{
  return unit == TimeUnit::day    ? models::TimeUnit::day
         : unit == TimeUnit::week ? models::TimeUnit::week
                                  : models::TimeUnit::month;
}
}  // namespace

double days_in(TimeUnit unit)
{
  return models::days_in(model_unit(unit));
}

const char* to_string(TimeUnit unit)
{
  return models::to_string(model_unit(unit));
}

std::optional<TimeUnit> parse_time_unit(const std::string& text)
{
  if (text == "day") return TimeUnit::day;
  if (text == "week") return TimeUnit::week;
  if (text == "month") return TimeUnit::month;
  return std::nullopt;
}

std::string shortest(double value)
{
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, res.ptr);
}

CustomerSummary summarize(const TransactionLog& log, const SummaryOptions& options)
{
  CustomerSummary s;
  s.has_amounts = log.has_amounts;
  s.time_unit = options.time_unit;
  s.calibration_end = options.calibration_end;
  s.holdout_end = options.holdout_end;
  const double unit = days_in(options.time_unit);
  const int last_day = options.holdout_end.value_or(options.calibration_end);

  const auto& t = log.transactions;
  int origin = 0;
  bool any = false;
  // First pass: the cohort and its origin.
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && t[i - 1].customer == t[i].customer) continue;  // not a first purchase
    if (t[i].day > options.calibration_end) {
      ++s.excluded_customers;
      continue;
    }
    origin = any ? std::min(origin, static_cast<int>(t[i].day)) : static_cast<int>(t[i].day);
    any = true;
  }
  if (!any)
    throw InputError("error: " + log.source + ": no transactions on or before the calibration end " +
                     format_iso(options.calibration_end));
  s.origin_day = origin;
  s.repeat_by_day.assign(static_cast<std::size_t>(std::max(0, last_day - origin + 1)), 0);

  for (std::size_t i = 0; i < t.size();) {
    std::size_t j = i;
    while (j < t.size() && t[j].customer == t[i].customer) ++j;
    const int first = t[i].day;
    if (first <= options.calibration_end) {
      int x = 0, x_star = 0, last = first, kept = 0;
      double amount = 0.0;
      for (std::size_t k = i; k < j; ++k) {
        const int day = t[k].day;
        if (day > last_day) break;
        ++kept;
        if (k == i) continue;
        ++s.repeat_by_day[static_cast<std::size_t>(day - origin)];
        if (day <= options.calibration_end) {
          ++x;
          last = day;
          amount += t[k].amount;
        } else {
          ++x_star;
        }
      }
      s.ids.push_back(log.customer_ids[t[i].customer]);
      s.x.push_back(x);
      s.t_x.push_back(x > 0 ? (last - first) / unit : 0.0);
      s.T.push_back((options.calibration_end - first) / unit);
      s.m_x.push_back(x > 0 ? amount / x : 0.0);
      s.x_star.push_back(x_star);
      s.first_day.push_back(first);
      s.transactions += static_cast<std::size_t>(kept);
      s.repeat_customers += x > 0;
      s.repeat_transactions += static_cast<std::size_t>(x);
      s.holdout_transactions += static_cast<std::size_t>(x_star);
    }
    i = j;
  }
  return s;
}

void write_summary_csv(const CustomerSummary& s, std::ostream& out)
{
  out << (s.has_amounts ? "customer_id,x,t_x,T,m_x\n" : "customer_id,x,t_x,T\n");
  std::string line;
  for (std::size_t i = 0; i < s.customers(); ++i) {
    line = csv::field(s.ids[i]);
    line += ',';
    line += shortest(s.x[i]);
    line += ',';
    line += shortest(s.t_x[i]);
    line += ',';
    line += shortest(s.T[i]);
    if (s.has_amounts) {
      line += ',';
      line += shortest(s.m_x[i]);
    }
    line += '\n';
    out << line;
  }
}

double CustomerSummary::total_customers() const
{
  return count.empty() ? static_cast<double>(ids.size()) : std::accumulate(count.begin(), count.end(), 0.0);
}

CollapsedSummary collapse(std::span<const double> x, std::span<const double> t_x, std::span<const double> T,
                          std::span<const double> count)
{
  // Sort the triples themselves (not indices): contiguous 24-byte records sort several
  // times faster than an indirect sort of a million customers.
  struct Row {
    double x, t_x, T, w;
  };
  const std::size_t n = x.size();
  std::vector<Row> rows(n);
  double customers = 0;
  for (std::size_t i = 0; i < n; ++i) {
    rows[i] = {x[i], t_x[i], T[i], count.empty() ? 1.0 : count[i]};
    customers += rows[i].w;
  }
  std::sort(rows.begin(), rows.end(), [](const Row& l, const Row& r) {
    if (l.x != r.x) return l.x < r.x;
    if (l.t_x != r.t_x) return l.t_x < r.t_x;
    return l.T < r.T;
  });
  std::size_t m = 0;
  std::vector<double> w;
  w.reserve(n / 4 + 16);
  for (std::size_t k = 0; k < n; ++k) {
    if (m > 0 && rows[m - 1].x == rows[k].x && rows[m - 1].t_x == rows[k].t_x && rows[m - 1].T == rows[k].T) {
      w.back() += rows[k].w;
      continue;
    }
    rows[m++] = rows[k];
    w.push_back(rows[k].w);
  }
  CollapsedSummary c;
  const auto rows_m = static_cast<Eigen::Index>(m);
  c.x.resize(rows_m);
  c.t_x.resize(rows_m);
  c.T.resize(rows_m);
  c.weight = Eigen::Map<Eigen::ArrayXd>(w.data(), rows_m);
  for (Eigen::Index i = 0; i < rows_m; ++i) {
    const Row& r = rows[static_cast<std::size_t>(i)];
    c.x[i] = r.x;
    c.t_x[i] = r.t_x;
    c.T[i] = r.T;
    if (i == 0 || r.x != c.x[i - 1]) {
      c.run_start.push_back(i);
      c.run_x.push_back(r.x);
    }
  }
  c.run_start.push_back(rows_m);
  c.customers = customers;
  return c;
}

}  // namespace clvsim::fit
