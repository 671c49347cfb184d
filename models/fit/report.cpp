#include "models/fit/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

#include "models/fit/dates.h"

namespace clvsim::fit {

namespace {

std::string fmt(const char* f, double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

//! JSON number (shortest round-trip) or null.
std::string json_number(double v)
{
  return std::isfinite(v) ? shortest(v) : "null";
}

std::string json_string(const std::string& s)
{
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt("\\u%04x", c);
        else out += static_cast<char>(c);
    }
  }
  return out + '"';
}

std::string toml_string(const std::string& s)
{
  return json_string(s);  // TOML basic strings use the same escapes
}

const char* model_title(const std::string& model)
{
  if (model == "bg_nbd") return "BG/NBD (Fader, Hardie & Lee 2005)";
  if (model == "pareto_nbd") return "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)";
  if (model == "gamma_gamma") return "gamma-gamma spend (Fader, Hardie & Lee 2005, JMR)";
  if (model == "sbg") return "shifted beta-geometric (Fader & Hardie 2007)";
  return "";
}

//! Tracking periods: weeks for day and week units, months for month units.
double tracking_days(TimeUnit unit)
{
  return unit == TimeUnit::month ? days_in(TimeUnit::month) : 7.0;
}

}  // namespace

double expected_repeat(const FitResult& fit, double t)
{
  if (fit.model == "bg_nbd") return models::bg_nbd::expected_repeat(bg_nbd_params(fit), t);
  return models::pareto_nbd::expected_repeat(pareto_nbd_params(fit), t);
}

double expected_conditional_total(const FitResult& fit, const CollapsedSummary& d, double t)
{
  double sum = 0;
  if (fit.model == "bg_nbd") {
    const auto p = bg_nbd_params(fit);
    for (Eigen::Index i = 0; i < d.rows(); ++i)
      sum += d.weight[i] * models::bg_nbd::conditional_expected(p, t, d.x[i], d.t_x[i], d.T[i]);
  } else {
    const auto p = pareto_nbd_params(fit);
    for (Eigen::Index i = 0; i < d.rows(); ++i)
      sum += d.weight[i] * models::pareto_nbd::conditional_expected(p, t, d.x[i], d.t_x[i], d.T[i]);
  }
  return sum;
}

Tracking track(const CustomerSummary& s, const std::vector<const FitResult*>& fits)
{
  Tracking tr;
  const double unit = days_in(s.time_unit), period_days = tracking_days(s.time_unit);
  const int origin = s.origin_day;
  const int end = s.holdout_end.value_or(s.calibration_end);
  // Customers per first-purchase day: E[X(t)] depends on the age only.
  std::map<int, double> cohort;
  for (int f : s.first_day) cohort[f] += 1.0;
  for (const FitResult* f : fits) tr.models.push_back(f->model);
  tr.expected.resize(fits.size());
  std::int64_t cumulative = 0;
  int counted_to = origin - 1;  // repeat_by_day summed through this day
  for (int k = 1;; ++k) {
    const int last = std::min(end, origin + static_cast<int>(std::floor(k * period_days + 1e-9)) - 1);
    while (counted_to < last) cumulative += s.repeat_by_day[static_cast<std::size_t>(++counted_to - origin)];
    tr.period.push_back(k);
    tr.last_day.push_back(last);
    tr.holdout.push_back(last > s.calibration_end);
    tr.actual.push_back(static_cast<double>(cumulative));
    for (std::size_t m = 0; m < fits.size(); ++m) {
      double e = 0;
      try {
        for (const auto& [first, n] : cohort) {
          if (first >= last) break;
          e += n * expected_repeat(*fits[m], (last - first) / unit);
        }
      } catch (const std::exception&) {
        e = std::numeric_limits<double>::quiet_NaN();  // closed form not computable at these estimates
      }
      tr.expected[m].push_back(e);
    }
    if (last >= end) break;
  }
  return tr;
}

void print_console(std::ostream& out, const FitReport& r)
{
  if (r.summary) {
    const CustomerSummary& s = *r.summary;
    out << "clvsim fit: " << r.source << "\n";
    out << "  " << r.log_rows << " rows, " << s.transactions
        << " transactions after merging same-day purchases of a customer\n";
    out << "  calibration: each customer's first purchase .. " << format_iso(s.calibration_end);
    if (s.holdout_end) out << "; holdout: " << format_iso(s.calibration_end + 1) << " .. " << format_iso(*s.holdout_end);
    out << "; time unit " << to_string(s.time_unit) << "\n";
    out << "  customers " << s.customers() << ", repeat buyers " << s.repeat_customers
        << ", repeat transactions " << s.repeat_transactions << " (calibration)";
    if (s.holdout_end) out << ", " << s.holdout_transactions << " (holdout)";
    out << "\n";
    if (s.excluded_customers)
      out << "  " << s.excluded_customers << " customers whose first purchase is after the calibration end are not in the cohort\n";
  } else if (r.survival) {
    out << "clvsim fit: " << r.source << "\n  cohort " << shortest(r.survival->alive.front())
        << ", periods 0.." << r.survival->alive.size() - 1 << ", alive at the end "
        << shortest(r.survival->alive.back()) << "\n";
  }
  out << "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %-10s %14s %12s\n", "model", "parameter", "estimate", "SE");
  out << line;
  for (const FitResult& f : r.fits) {
    for (std::size_t k = 0; k < f.names.size(); ++k) {
      std::snprintf(line, sizeof line, "%-12s %-10s %14.6g %12s\n", k == 0 ? f.model.c_str() : "",
                    f.names[k].c_str(), f.estimate[k],
                    std::isfinite(f.se[k]) ? fmt("%.4g", f.se[k]).c_str() : "n/a");
      out << line;
    }
    std::snprintf(line, sizeof line, "%-12s %-10s %14.6f\n", "", "LL", f.log_likelihood);
    out << line;
    std::snprintf(line, sizeof line, "%-12s %-10s %14.0f   %s\n", "", "n", f.observations,
                  f.model == "gamma_gamma" ? "repeat buyers"
                  : f.model == "sbg"       ? "cohort members"
                                           : "customers");
    out << line;
  }
  for (const FitResult& f : r.fits) out << "  " << f.model << ": " << model_title(f.model) << "\n";
  if (r.gamma_gamma_skipped_zero)
    out << "  gamma_gamma left out " << r.gamma_gamma_skipped_zero << " repeat buyers whose mean amount is 0\n";

  if (!r.holdout.empty()) {
    out << "\nholdout repeat transactions (sum over customers of E[Y(t) | x, t_x, T] vs actual x*)\n";
    for (const auto& h : r.holdout) {
      if (!std::isfinite(h.expected))
        std::snprintf(line, sizeof line, "  %-12s expected        n/a   actual %10.0f\n", h.model.c_str(), h.actual);
      else
        std::snprintf(line, sizeof line, "  %-12s expected %10.1f   actual %10.0f   (%+.1f%%)\n", h.model.c_str(),
                      h.expected, h.actual, h.actual > 0 ? 100.0 * (h.expected - h.actual) / h.actual : 0.0);
      out << line;
    }
  }
  if (r.tracking) {
    const Tracking& t = *r.tracking;
    const bool months = r.summary && r.summary->time_unit == TimeUnit::month;
    out << "\ncumulative repeat transactions by " << (months ? "month" : "week")
        << " since the first purchase in the cohort (FHL 2005 fig. 2)\n";
    std::snprintf(line, sizeof line, "%6s  %-10s %-11s %10s", months ? "month" : "week", "to", "", "actual");
    out << line;
    for (const auto& m : t.models) {
      std::snprintf(line, sizeof line, " %12s", m.c_str());
      out << line;
    }
    out << "\n";
    for (std::size_t k = 0; k < t.period.size(); ++k) {
      std::snprintf(line, sizeof line, "%6d  %-10s %-11s %10.0f", t.period[k], format_iso(t.last_day[k]).c_str(),
                    t.holdout[k] ? "holdout" : "calibration", t.actual[k]);
      out << line;
      for (std::size_t m = 0; m < t.models.size(); ++m) {
        if (std::isfinite(t.expected[m][k])) std::snprintf(line, sizeof line, " %12.1f", t.expected[m][k]);
        else std::snprintf(line, sizeof line, " %12s", "n/a");
        out << line;
      }
      out << "\n";
    }
  }
}

void print_json(std::ostream& out, const FitReport& r)
{
  out << "{\"summary\": {";
  if (r.summary) {
    const CustomerSummary& s = *r.summary;
    out << "\"customers\": " << s.customers() << ", \"repeat_customers\": " << s.repeat_customers
        << ", \"repeat_transactions\": " << s.repeat_transactions << ", \"holdout_transactions\": ";
    if (s.holdout_end) out << s.holdout_transactions;
    else out << "null";
  } else if (r.survival) {
    out << "\"cohort\": " << json_number(r.survival->alive.front())
        << ", \"periods\": " << r.survival->alive.size() - 1;
  }
  out << "}, \"models\": {";
  for (std::size_t m = 0; m < r.fits.size(); ++m) {
    const FitResult& f = r.fits[m];
    out << (m ? ", " : "") << json_string(f.model) << ": {\"params\": {";
    for (std::size_t k = 0; k < f.names.size(); ++k)
      out << (k ? ", " : "") << json_string(f.names[k]) << ": " << json_number(f.estimate[k]);
    out << "}, \"se\": {";
    for (std::size_t k = 0; k < f.names.size(); ++k)
      out << (k ? ", " : "") << json_string(f.names[k]) << ": " << json_number(f.se[k]);
    out << "}, \"log_likelihood\": " << json_number(f.log_likelihood) << "}";
  }
  out << "}}\n";
}

std::string scenario_fragment(const FitReport& r, const FragmentOptions& o)
{
  std::ostringstream t;
  const char* unit = to_string(o.time_unit);
  const char* period = o.time_unit == TimeUnit::month ? "month" : "week";
  const auto se_line = [](const FitResult& f) {
    std::string s = "# standard errors:";
    for (std::size_t k = 0; k < f.names.size(); ++k)
      s += " " + f.names[k] + " " + (std::isfinite(f.se[k]) ? fmt("%.4g", f.se[k]) : std::string("n/a")) +
           (k + 1 < f.names.size() ? "," : "");
    return s + "\n";
  };
  t << "# Scenario fragment written by `clvsim fit` from " << r.source << ".\n";
  if (r.summary) {
    const CustomerSummary& s = *r.summary;
    t << "# Calibration: each customer's first purchase .. " << format_iso(s.calibration_end) << " ("
      << s.customers() << " customers, " << s.repeat_customers << " repeat buyers, "
      << s.repeat_transactions << " repeat transactions), time unit " << unit << ".\n";
  }
  t << "# Maximum-likelihood estimates at full precision; run it with `clvsim run <this file>`\n"
    << "# or copy the sections into a complete scenario.\n\n";
  t << "[simulation]\nperiod = \"" << period << "\"\nhorizon = " << o.horizon_periods << "\n\n";
  if (!o.history.empty() && r.summary) {
    t << "[population]\n# The calibration customers (customer_id,x,t_x,T"
      << (r.summary->has_amounts ? ",m_x; m_x = 0 when x = 0" : "")
      << "); each one's traits are drawn from\n# the fitted model's posterior given its history (docs/model.md §3.6).\n"
      << "history = " << toml_string(o.history) << "\nhistory_time_unit = \"" << unit
      << "\"\ninitial_customers = 0\n\n";
  }
  if (r.survival && !r.summary) {
    t << "[population]\n# A new cohort the size of the observed one (" << shortest(r.survival->alive.front())
      << " at period 0), subscribing at the start of period 0.\ninitial_customers = "
      << static_cast<long long>(std::llround(r.survival->alive.front())) << "\n\n";
  }
  if (o.purchase) {
    const FitResult& f = *o.purchase;
    t << "[purchase]\n# " << model_title(f.model) << ", log-likelihood " << fmt("%.4f", f.log_likelihood)
      << " over " << shortest(f.observations) << (f.model == "sbg" ? " cohort members" : " customers") << ";\n";
    for (const FitResult& other : r.fits)
      if (&other != &f && other.model != "gamma_gamma")
        t << "# (" << other.model << " was also fitted: log-likelihood " << fmt("%.4f", other.log_likelihood) << ")\n";
    t << se_line(f);
    t << "model = \"" << f.model << "\"\n";
    t << "time_unit = \"" << (f.model == "sbg" ? period : unit) << "\"\n";
    for (std::size_t k = 0; k < f.names.size(); ++k) t << f.names[k] << " = " << shortest(f.estimate[k]) << "\n";
    if (f.model == "sbg") t << "fee = 0.0  # set the subscription fee per period\n";
    t << "\n";
  }
  if (o.spend) {
    const FitResult& f = *o.spend;
    t << "[spend]\n# " << model_title(f.model) << " on " << shortest(f.observations)
      << " repeat buyers' mean repeat order values, log-likelihood " << fmt("%.4f", f.log_likelihood) << ";\n";
    t << se_line(f);
    t << "model = \"gamma_gamma\"\n";
    for (std::size_t k = 0; k < f.names.size(); ++k) t << f.names[k] << " = " << shortest(f.estimate[k]) << "\n";
  } else if (r.summary && !r.summary->has_amounts) {
    t << "# [spend] was not calibrated: the transaction log has no amounts.\n";
  }
  return t.str();
}

}  // namespace clvsim::fit
