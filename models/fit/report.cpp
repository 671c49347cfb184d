#include "models/fit/report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

#include "engine/core/csv.h"
#include "engine/core/quoted.h"
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
  return core::quoted(s);
}

std::string toml_string(const std::string& s)
{
  return json_string(s);  // TOML basic strings use the same escapes
}

const char* model_title(const std::string& model)
{
  if (model == "bg_nbd") return "BG/NBD (Fader, Hardie & Lee 2005)";
  if (model == "mbg_nbd") return "MBG/NBD (Batislam, Denizel & Filiztekin 2007)";
  if (model == "bg_bb") return "BG/BB (Fader, Hardie & Shang 2010)";
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

bool is_continuous_purchase_model(const std::string& model)
{
  return model == "bg_nbd" || model == "mbg_nbd" || model == "pareto_nbd";
}

double expected_repeat(const FitResult& fit, double t)
{
  if (fit.model == "bg_nbd") return models::bg_nbd::expected_repeat(bg_nbd_params(fit), t);
  if (fit.model == "mbg_nbd") return models::mbg_nbd::expected_repeat(mbg_nbd_params(fit), t);
  return models::pareto_nbd::expected_repeat(pareto_nbd_params(fit), t);
}

double conditional_expected(const FitResult& fit, double t, double x, double t_x, double T)
{
  if (fit.model == "bg_nbd") return models::bg_nbd::conditional_expected(bg_nbd_params(fit), t, x, t_x, T);
  if (fit.model == "mbg_nbd") return models::mbg_nbd::conditional_expected(mbg_nbd_params(fit), t, x, t_x, T);
  return models::pareto_nbd::conditional_expected(pareto_nbd_params(fit), t, x, t_x, T);
}

double p_alive(const FitResult& fit, double x, double t_x, double T)
{
  if (fit.model == "bg_nbd") return models::bg_nbd::p_alive(bg_nbd_params(fit), x, t_x, T);
  if (fit.model == "mbg_nbd") return models::mbg_nbd::p_alive(mbg_nbd_params(fit), x, t_x, T);
  return models::pareto_nbd::p_alive(pareto_nbd_params(fit), x, t_x, T);
}

double expected_conditional_total(const FitResult& fit, const CollapsedSummary& d, double t)
{
  double sum = 0;
  for (Eigen::Index i = 0; i < d.rows(); ++i)
    sum += d.weight[i] * conditional_expected(fit, t, d.x[i], d.t_x[i], d.T[i]);
  return sum;
}

std::vector<double> predict_customers(const FitResult& fit, const CustomerSummary& s, double t)
{
  std::vector<double> out(s.customers());
  std::map<std::array<double, 3>, double> memo;
  try {
    for (std::size_t i = 0; i < s.customers(); ++i) {
      const auto [it, inserted] = memo.try_emplace({s.x[i], s.t_x[i], s.T[i]}, 0.0);
      if (inserted) it->second = conditional_expected(fit, t, s.x[i], s.t_x[i], s.T[i]);
      out[i] = it->second;
    }
  } catch (const std::exception&) {
    out.assign(s.customers(), std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

Comparison compare_models(const std::vector<const FitResult*>& purchase, const CustomerSummary& s,
                          const std::vector<std::vector<double>>& predicted, const std::vector<std::string>& simulated)
{
  constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
  Comparison c;
  for (std::size_t m = 0; m < purchase.size(); ++m) {
    const FitResult& f = *purchase[m];
    ModelScore sc{f.model, f.names.size(), f.observations, f.log_likelihood, 0, 0, NaN, NaN, NaN};
    const double k = static_cast<double>(sc.parameters);
    sc.aic = 2 * k - 2 * f.log_likelihood;
    sc.bic = k * std::log(std::max(f.observations, 1.0)) - 2 * f.log_likelihood;
    if (m < predicted.size() && !predicted[m].empty()) {
      double total = 0, abs_err = 0, sq_err = 0, n = 0;
      for (std::size_t i = 0; i < s.customers(); ++i) {
        const double w = s.weight(i), e = predicted[m][i] - s.x_star[i];
        total += w * predicted[m][i];
        abs_err += w * std::abs(e);
        sq_err += w * e * e;
        n += w;
      }
      sc.holdout_expected = total;
      sc.holdout_mae = abs_err / n;
      sc.holdout_rmse = std::sqrt(sq_err / n);
    }
    c.models.push_back(sc);
  }
  if (c.models.empty()) return c;
  const bool holdout =
      std::any_of(c.models.begin(), c.models.end(), [](const ModelScore& m) { return std::isfinite(m.holdout_rmse); });
  const auto key = [&](const ModelScore& m) {
    if (holdout) return std::isfinite(m.holdout_rmse) ? m.holdout_rmse : std::numeric_limits<double>::infinity();
    return std::isfinite(m.bic) ? m.bic : std::numeric_limits<double>::infinity();
  };
  const auto by_key = [&](const ModelScore& l, const ModelScore& r) { return key(l) < key(r); };
  const auto overall = std::min_element(c.models.begin(), c.models.end(), by_key);
  const auto can_run = [&](const ModelScore& m) {
    return simulated.empty() || std::find(simulated.begin(), simulated.end(), m.model) != simulated.end();
  };
  auto best = overall;
  for (auto it = c.models.begin(); it != c.models.end(); ++it)
    if (can_run(*it) && (!can_run(*best) || key(*it) < key(*best))) best = it;
  if (!can_run(*best)) best = overall;  // nothing the run can simulate was fitted: the best, said as such
  c.chosen = best->model;
  if (c.models.size() == 1) {
    c.reason = "the only purchase model fitted";
  } else {
    std::string others;
    for (const auto& m : c.models)
      if (&m != &*best)
        others += (others.empty() ? "" : ", ") + m.model + " " + fmt("%.4f", holdout ? m.holdout_rmse : m.bic);
    c.reason = holdout ? "lowest per-customer RMSE of the holdout forecast E[Y | history] against the actual x*: " +
                             fmt("%.4f", best->holdout_rmse) + " against " + others +
                             " (the fragment is for forecasting these customers)"
                       : "lowest BIC (" + fmt("%.2f", best->bic) + " against " + others +
                             "); the models are fitted to the same customers, so BIC ranks their likelihood "
                             "penalised by their parameters; give --holdout-end to choose by forecast error";
  }
  if (overall != best && can_run(*best))
    c.reason += "; " + overall->model + " scores better, but clvsim run cannot simulate it yet";
  else if (!can_run(*best))
    c.reason += "; clvsim run cannot simulate " + best->model + " yet";
  return c;
}

FrequencyTable holdout_by_frequency(const CustomerSummary& s, const std::vector<const FitResult*>& purchase,
                                    const std::vector<std::vector<double>>& predicted)
{
  constexpr int GROUPS = 8;  // FHL 2005 figure 4: 0, 1, ..., 6 and 7+
  FrequencyTable t;
  std::vector<double> n(GROUPS, 0.0), actual(GROUPS, 0.0);
  std::vector<std::vector<double>> expected(purchase.size(), std::vector<double>(GROUPS, 0.0));
  for (std::size_t i = 0; i < s.customers(); ++i) {
    const auto g = static_cast<std::size_t>(std::min(static_cast<int>(s.x[i]), GROUPS - 1));
    const double w = s.weight(i);
    n[g] += w;
    actual[g] += w * s.x_star[i];
    for (std::size_t m = 0; m < purchase.size(); ++m) expected[m][g] += w * predicted[m][i];
  }
  for (const FitResult* f : purchase) t.models.push_back(f->model);
  t.expected_mean.resize(purchase.size());
  for (int g = 0; g < GROUPS; ++g) {
    const auto k = static_cast<std::size_t>(g);
    if (n[k] == 0) continue;
    t.label.push_back(g == GROUPS - 1 ? std::to_string(g) + "+" : std::to_string(g));
    t.customers.push_back(n[k]);
    t.actual_mean.push_back(actual[k] / n[k]);
    for (std::size_t m = 0; m < purchase.size(); ++m) t.expected_mean[m].push_back(expected[m][k] / n[k]);
  }
  return t;
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

namespace {

//! What was fitted: the input, its customers and transactions (calibration, holdout).
void print_source(std::ostream& out, const FitReport& r)
{
  if (!r.summary_source.empty()) {
    out << "clvsim fit --summary " << r.summary_source << "\n";
    if (r.summary) {
      const CustomerSummary& s = *r.summary;
      out << "  " << s.customers() << " rows, " << shortest(s.total_customers()) << " customers, repeat buyers "
          << s.repeat_customers << ", repeat transactions " << s.repeat_transactions << "; time unit "
          << to_string(s.time_unit) << "\n";
    } else if (r.discrete) {
      double n = 0, x = 0;
      for (std::size_t i = 0; i < r.discrete->rows(); ++i) {
        n += r.discrete->weight[i];
        x += r.discrete->weight[i] * r.discrete->x[i];
      }
      out << "  " << shortest(n) << " customers in " << r.discrete->rows()
          << " distinct (x, t_x, n) rows, repeat transactions " << shortest(x) << "\n";
    }
  } else if (r.summary) {
    const CustomerSummary& s = *r.summary;
    out << "clvsim fit: " << r.source << "\n";
    out << "  " << r.log_rows << " rows, " << s.transactions
        << " transactions after merging same-day purchases of a customer\n";
    out << "  calibration: each customer's first purchase .. " << format_iso(s.calibration_end);
    if (s.holdout_end)
      out << "; holdout: " << format_iso(s.calibration_end + 1) << " .. " << format_iso(*s.holdout_end);
    out << "; time unit " << to_string(s.time_unit) << "\n";
    out << "  customers " << s.customers() << ", repeat buyers " << s.repeat_customers << ", repeat transactions "
        << s.repeat_transactions << " (calibration)";
    if (s.holdout_end) out << ", " << s.holdout_transactions << " (holdout)";
    out << "\n";
    if (s.excluded_customers)
      out << "  " << s.excluded_customers
          << " customers whose first purchase is after the calibration end are not in the cohort\n";
  } else if (r.survival) {
    out << "clvsim fit: " << r.source << "\n  cohort " << shortest(r.survival->alive.front()) << ", periods 0.."
        << r.survival->alive.size() - 1 << ", alive at the end " << shortest(r.survival->alive.back()) << "\n";
  }
}

//! Each model's estimates with their standard errors, log-likelihood and observations.
void print_estimates(std::ostream& out, const FitReport& r)
{
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %-10s %14s %12s\n", "model", "parameter", "estimate", "SE");
  out << line;
  for (const FitResult& f : r.fits) {
    for (std::size_t k = 0; k < f.names.size(); ++k) {
      std::snprintf(line, sizeof line, "%-12s %-10s %14.6g %12s\n", k == 0 ? f.model.c_str() : "", f.names[k].c_str(),
                    f.estimate[k], std::isfinite(f.se[k]) ? fmt("%.4g", f.se[k]).c_str() : "n/a");
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
}

//! The purchase models compared (AIC, BIC, holdout errors) and the one chosen for the fragment.
void print_comparison(std::ostream& out, const FitReport& r)
{
  char line[256];
  if (r.comparison && !r.comparison->models.empty()) {
    const Comparison& c = *r.comparison;
    const bool holdout = std::isfinite(c.models.front().holdout_rmse);
    out << "\nmodel comparison (lower AIC, BIC and holdout errors are better; AIC = 2k - 2LL, BIC = k ln(n) - 2LL)\n";
    std::snprintf(line, sizeof line, "  %-11s %2s %14s %14s %14s", "model", "k", "LL", "AIC", "BIC");
    out << line;
    if (holdout) {
      std::snprintf(line, sizeof line, " %12s %8s %8s", "holdout exp", "MAE", "RMSE");
      out << line;
    }
    out << "\n";
    for (const ModelScore& m : c.models) {
      std::snprintf(line, sizeof line, "  %-11s %2zu %14.4f %14.4f %14.4f", m.model.c_str(), m.parameters,
                    m.log_likelihood, m.aic, m.bic);
      out << line;
      if (holdout) {
        std::snprintf(line, sizeof line, " %12.1f %8.4f %8.4f", m.holdout_expected, m.holdout_mae, m.holdout_rmse);
        out << line;
      }
      out << "\n";
    }
    out << "  chosen for the scenario fragment: " << c.chosen << " (" << c.reason << ")\n";
  }
}

//! BG/NBD's assumption that one-time buyers are alive, when some customers are.
void print_bg_nbd_note(std::ostream& out, const FitReport& r)
{
  for (const FitResult& f : r.fits)
    if (f.model == "bg_nbd" && r.summary) {
      double one_time = 0;
      for (std::size_t i = 0; i < r.summary->customers(); ++i)
        if (r.summary->x[i] == 0) one_time += r.summary->weight(i);
      if (one_time > 0)
        out << "  note: bg_nbd gives P(alive) = 1 to the " << shortest(one_time)
            << " customers without a repeat purchase: in the BG/NBD a customer can only drop out after a repeat "
               "purchase (mbg_nbd and pareto_nbd do not assume this)\n";
    }
}

//! The cohort's survival against the fitted sBG.
void print_survival(std::ostream& out, const FitReport& r)
{
  char line[256];
  if (r.survival) {
    for (const FitResult& f : r.fits) {
      if (f.model != "sbg") continue;
      const auto& alive = r.survival->alive;
      out << "\nsurvival: actual against fitted (S(t) = B(alpha, beta+t)/B(alpha, beta))\n";
      std::snprintf(line, sizeof line, "  %6s %12s %10s %10s %12s\n", "period", "alive", "actual S", "fitted S",
                    "fitted alive");
      out << line;
      for (std::size_t k = 0; k < alive.size(); ++k) {
        const double S = models::sbg::survival(sbg_params(f), static_cast<double>(k));
        std::snprintf(line, sizeof line, "  %6zu %12s %10.4f %10.4f %12.1f\n", k, shortest(alive[k]).c_str(),
                      alive[k] / alive[0], S, S * alive[0]);
        out << line;
      }
    }
  }
}

//! The holdout's repeat transactions, forecast against actual, in total and by frequency.
void print_holdout(std::ostream& out, const FitReport& r)
{
  char line[256];
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
  if (r.by_frequency) {
    const FrequencyTable& t = *r.by_frequency;
    out << "\nholdout repeat transactions per customer by calibration repeat transactions x (FHL 2005 fig. 4)\n";
    std::snprintf(line, sizeof line, "  %4s %10s %10s", "x", "customers", "actual");
    out << line;
    for (const auto& m : t.models) {
      std::snprintf(line, sizeof line, " %12s", m.c_str());
      out << line;
    }
    out << "\n";
    for (std::size_t g = 0; g < t.label.size(); ++g) {
      std::snprintf(line, sizeof line, "  %4s %10.0f %10.3f", t.label[g].c_str(), t.customers[g], t.actual_mean[g]);
      out << line;
      for (std::size_t m = 0; m < t.models.size(); ++m) {
        std::snprintf(line, sizeof line, " %12.3f", t.expected_mean[m][g]);
        out << line;
      }
      out << "\n";
    }
  }
}

//! Cumulative repeat transactions by period, actual against each model.
void print_tracking(std::ostream& out, const FitReport& r)
{
  char line[256];
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
        if (std::isfinite(t.expected[m][k]))
          std::snprintf(line, sizeof line, " %12.1f", t.expected[m][k]);
        else
          std::snprintf(line, sizeof line, " %12s", "n/a");
        out << line;
      }
      out << "\n";
    }
  }
}

}  // namespace

void print_console(std::ostream& out, const FitReport& r)
{
  print_source(out, r);
  out << "\n";
  print_estimates(out, r);
  print_comparison(out, r);
  print_bg_nbd_note(out, r);
  print_survival(out, r);
  print_holdout(out, r);
  print_tracking(out, r);
}

namespace {

std::string json_array(const std::vector<double>& v)
{
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_number(v[i]);
  return out + "]";
}

}  // namespace

void print_json(std::ostream& out, const FitReport& r)
{
  out << "{\"summary\": {";
  if (r.summary) {
    const CustomerSummary& s = *r.summary;
    out << "\"customers\": " << fmt("%.0f", s.total_customers()) << ", \"repeat_customers\": " << s.repeat_customers
        << ", \"repeat_transactions\": " << s.repeat_transactions << ", \"holdout_transactions\": ";
    if (s.holdout_end)
      out << s.holdout_transactions;
    else
      out << "null";
  } else if (r.survival) {
    out << "\"cohort\": " << json_number(r.survival->alive.front())
        << ", \"periods\": " << r.survival->alive.size() - 1;
  } else if (r.discrete) {
    out << "\"customers\": " << fmt("%.0f", r.discrete->customers) << ", \"rows\": " << r.discrete->rows();
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
    const double k = static_cast<double>(f.names.size());
    out << "}, \"log_likelihood\": " << json_number(f.log_likelihood)
        << ", \"observations\": " << fmt("%.0f", f.observations)
        << ", \"aic\": " << json_number(2 * k - 2 * f.log_likelihood)
        << ", \"bic\": " << json_number(k * std::log(std::max(f.observations, 1.0)) - 2 * f.log_likelihood);
    out << ", \"cov_log\": ";
    if (f.cov_log.empty())
      out << "null";
    else {
      out << "[";
      for (std::size_t i = 0; i < f.cov_log.size(); ++i) out << (i ? ", " : "") << json_array(f.cov_log[i]);
      out << "]";
    }
    if (r.comparison)
      for (const ModelScore& sc : r.comparison->models)
        if (sc.model == f.model && std::isfinite(sc.holdout_rmse))
          out << ", \"holdout\": {\"expected\": " << json_number(sc.holdout_expected)
              << ", \"mae\": " << json_number(sc.holdout_mae) << ", \"rmse\": " << json_number(sc.holdout_rmse) << "}";
    out << "}";
  }
  out << "}";
  if (r.comparison && !r.comparison->chosen.empty())
    out << ", \"chosen\": {\"model\": " << json_string(r.comparison->chosen)
        << ", \"reason\": " << json_string(r.comparison->reason) << "}";
  if (r.summary && r.summary->holdout_end) {
    const CustomerSummary& s = *r.summary;
    out << ", \"holdout\": {\"from\": " << json_string(format_iso(s.calibration_end + 1))
        << ", \"to\": " << json_string(format_iso(*s.holdout_end)) << ", \"length\": " << json_number(r.holdout_length)
        << ", \"time_unit\": " << json_string(to_string(s.time_unit)) << ", \"actual\": " << s.holdout_transactions
        << ", \"expected\": {";
    for (std::size_t m = 0; m < r.holdout.size(); ++m)
      out << (m ? ", " : "") << json_string(r.holdout[m].model) << ": " << json_number(r.holdout[m].expected);
    out << "}";
    if (r.by_frequency) {
      const FrequencyTable& t = *r.by_frequency;
      out << ", \"by_frequency\": {\"x\": [";
      for (std::size_t g = 0; g < t.label.size(); ++g) out << (g ? ", " : "") << json_string(t.label[g]);
      out << "], \"customers\": " << json_array(t.customers) << ", \"actual_mean\": " << json_array(t.actual_mean);
      for (std::size_t m = 0; m < t.models.size(); ++m)
        out << ", " << json_string(t.models[m]) << ": " << json_array(t.expected_mean[m]);
      out << "}";
    }
    if (r.tracking) {
      const Tracking& t = *r.tracking;
      out << ", \"tracking\": {\"period\": [";
      for (std::size_t k = 0; k < t.period.size(); ++k) out << (k ? ", " : "") << t.period[k];
      out << "], \"last_day\": [";
      for (std::size_t k = 0; k < t.period.size(); ++k)
        out << (k ? ", " : "") << json_string(format_iso(t.last_day[k]));
      out << "], \"holdout\": [";
      for (std::size_t k = 0; k < t.period.size(); ++k) out << (k ? ", " : "") << (t.holdout[k] ? "true" : "false");
      out << "], \"actual\": " << json_array(t.actual);
      for (std::size_t m = 0; m < t.models.size(); ++m)
        out << ", " << json_string(t.models[m]) << ": " << json_array(t.expected[m]);
      out << "}";
    }
    out << "}";
  }
  out << "}\n";
}

namespace {

//! [<group>.uncertainty]: ln θ ~ N(ln θ̂, cov_log) over the group's fitted parameters.
std::string uncertainty_table(const std::string& group, const FitResult& f)
{
  std::ostringstream t;
  if (f.cov_log.empty()) {
    t << "# [" << group << ".uncertainty] not written: the Hessian of " << f.model
      << " is not positive definite, so the estimates have no covariance.\n\n";
    return t.str();
  }
  t << "# The estimates' joint sampling distribution: ln(";
  for (std::size_t k = 0; k < f.names.size(); ++k) t << (k ? ", " : "") << f.names[k];
  t << ") ~ Normal(mean_log, cov_log),\n"
       "# cov_log the inverse observed information on the optimiser's log scale (clvsim fit\n"
       "# --parameter-uncertainty). For a run that draws these parameters jointly once per path;\n"
       "# a clvsim without correlated groups rejects this table as an unknown key: delete it there.\n";
  t << "[" << group << ".uncertainty]\ndist = \"mvlognormal\"\nkeys = [";
  for (std::size_t k = 0; k < f.names.size(); ++k) t << (k ? ", " : "") << "\"" << f.names[k] << "\"";
  t << "]\nmean_log = [";
  for (std::size_t k = 0; k < f.names.size(); ++k) t << (k ? ", " : "") << shortest(std::log(f.estimate[k]));
  t << "]\ncov_log = [";
  for (std::size_t i = 0; i < f.cov_log.size(); ++i) {
    t << (i ? ",\n           [" : "[");
    for (std::size_t j = 0; j < f.cov_log[i].size(); ++j) t << (j ? ", " : "") << shortest(f.cov_log[i][j]);
    t << "]";
  }
  t << "]\n\n";
  return t.str();
}

}  // namespace

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
  if (r.summary && !r.summary_source.empty()) {
    const CustomerSummary& s = *r.summary;
    t << "# From the customer summary (" << shortest(s.total_customers()) << " customers, " << s.repeat_customers
      << " repeat buyers, " << s.repeat_transactions << " repeat transactions), time unit " << unit << ".\n";
  } else if (r.summary) {
    const CustomerSummary& s = *r.summary;
    t << "# Calibration: each customer's first purchase .. " << format_iso(s.calibration_end) << " (" << s.customers()
      << " customers, " << s.repeat_customers << " repeat buyers, " << s.repeat_transactions
      << " repeat transactions), time unit " << unit << ".\n";
  }
  t << "# Maximum-likelihood estimates at full precision; run it with `clvsim run <this file>`\n"
    << "# or copy the sections into a complete scenario.\n\n";
  t << "[simulation]\n";
  if (!o.name.empty()) t << "name = " << toml_string(o.name) << "\n";
  t << "period = \"" << period << "\"\nhorizon = " << o.horizon_periods << "\n\n";
  // What a transaction log cannot tell is said, not assumed silently: the amounts' currency
  // (without --currency a run would label them with the default, PLN) and the margin.
  t << "[economics]\n# What the fitted data cannot tell: set these for your shop (docs/model.md §2, §3.4).\n";
  if (!o.currency.empty())
    t << "currency = " << toml_string(o.currency) << "\n";
  else
    t << "# currency = \"USD\"   # the amounts' currency (fit --currency); left out, results are labelled PLN\n";
  t << "# gross_margin = 0.3   # clvsim's default, an assumption: profit and CLV scale with it\n"
    << "# discount_rate_annual = 0.10   # the default\n";
  if (!(r.survival && !r.summary)) t << "# return_rate, return_cost, fulfilment_cost_per_order: 0 unless set\n";
  t << "# Satisfaction, service and reviews are not in the data either: without [satisfaction] and [service]\n"
    << "# (docs/model.md §5) NPS and the rating are clvsim's defaults, and clvsim run says so.\n";
  t << "\n";
  if (o.history.empty() && !o.history_note.empty()) t << "# [population] has no history: " << o.history_note << "\n\n";
  if (!o.history.empty() && r.discrete) {
    t << "[population]\n# The calibration customers (customer_id,x,t_x,n: x transactions in n opportunities, the last\n"
      << "# at opportunity t_x); each one's traits are drawn from the fitted model's posterior given\n"
      << "# its history (docs/model.md §3.6).\nhistory = " << toml_string(o.history) << "\nhistory_time_unit = \""
      << unit << "\"\ninitial_customers = 0\n\n";
  } else if (!o.history.empty() && r.summary) {
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
    t << "[purchase]\n# " << model_title(f.model) << ", log-likelihood " << fmt("%.4f", f.log_likelihood) << " over "
      << shortest(f.observations) << (f.model == "sbg" ? " cohort members" : " customers") << ";\n";
    for (const FitResult& other : r.fits)
      if (&other != &f && other.model != "gamma_gamma")
        t << "# (" << other.model << " was also fitted: log-likelihood " << fmt("%.4f", other.log_likelihood) << ")\n";
    if (r.comparison && r.comparison->models.size() > 1 && r.comparison->chosen == f.model)
      t << "# chosen: " << r.comparison->reason << "\n";
    t << se_line(f);
    if (f.model == "bg_bb")
      t << "# One transaction opportunity per simulation period (" << period << "), as in the fitted summary.\n";
    t << "model = \"" << f.model << "\"\n";
    t << "time_unit = \"" << (f.model == "sbg" || f.model == "bg_bb" ? period : unit) << "\"\n";
    for (std::size_t k = 0; k < f.names.size(); ++k) t << f.names[k] << " = " << shortest(f.estimate[k]) << "\n";
    if (f.model == "sbg") t << "fee = 0.0  # set the subscription fee per period\n";
    t << "\n";
    if (o.parameter_uncertainty) t << uncertainty_table("purchase", f);
  }
  if (o.spend) {
    const FitResult& f = *o.spend;
    t << "[spend]\n# " << model_title(f.model) << " on " << shortest(f.observations)
      << " repeat buyers' mean repeat order values, log-likelihood " << fmt("%.4f", f.log_likelihood) << ";\n";
    t << se_line(f);
    t << "model = \"gamma_gamma\"\n";
    for (std::size_t k = 0; k < f.names.size(); ++k) t << f.names[k] << " = " << shortest(f.estimate[k]) << "\n";
    if (o.parameter_uncertainty) t << "\n" << uncertainty_table("spend", f);
  } else if (r.summary && !r.summary->has_amounts) {
    t << "# [spend] was not calibrated: the transaction log has no amounts.\n";
  }
  return t.str();
}

// Per customer: x, t_x, T[, x*] and each purchase model's P(alive) and expected transactions
// (`predicted` [model][customer], over the holdout or the fragment's horizon);
// bg_nbd_p_alive_note says where bg_nbd's P(alive) = 1 is an assumption, not data.
void write_predictions(std::ostream& out, const CustomerSummary& s, const std::vector<const FitResult*>& purchase,
                       const std::vector<std::vector<double>>& predicted)
{
  const bool holdout = s.holdout_end.has_value();
  bool bg = false;
  out << "customer_id,x,t_x,T" << (holdout ? ",x_star" : "");
  for (const FitResult* f : purchase) {
    out << "," << f->model << "_p_alive," << f->model << "_expected";
    bg = bg || f->model == "bg_nbd";
  }
  out << (bg ? ",bg_nbd_p_alive_note\n" : "\n");
  std::string line;
  for (std::size_t i = 0; i < s.customers(); ++i) {
    line = csv::field(s.ids[i]) + "," + shortest(s.x[i]) + "," + shortest(s.t_x[i]) + "," + shortest(s.T[i]);
    if (holdout) line += "," + shortest(s.x_star[i]);
    for (std::size_t m = 0; m < purchase.size(); ++m) {
      double pa = std::numeric_limits<double>::quiet_NaN();
      try {
        pa = p_alive(*purchase[m], s.x[i], s.t_x[i], s.T[i]);
      } catch (const std::exception&) {}
      // appended piece by piece (a chain of + on temporaries drew GCC 12's -Wrestrict false positive)
      line += ',';
      if (std::isfinite(pa)) line += shortest(pa);
      line += ',';
      if (std::isfinite(predicted[m][i])) line += shortest(predicted[m][i]);
    }
    if (bg) line += s.x[i] == 0 ? ",1 by assumption: no repeat purchase yet (BG/NBD drops out only after one)" : ",";
    out << line << "\n";
  }
}

}  // namespace clvsim::fit
