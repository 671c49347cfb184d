#include "engine/report/fit_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "engine/report/html_page.h"
#include "models/fit/dates.h"
#include "models/fit/fit_models.h"

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "0.0.0"
#endif

namespace clvsim::fit {

namespace {

using report::html_escape;
using report::HtmlPage;
using report::JsonWriter;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
//! FHL 2005 figure 4 groups customers by calibration frequency 0, 1, ..., 6 and "7+".
constexpr int FREQUENCY_GROUPS = 8;
//! The P(alive) grid: frequencies 0..MAX_GRID_FREQUENCY, recency in RECENCY_STEPS steps.
constexpr int MAX_GRID_FREQUENCY = 20;
constexpr int RECENCY_STEPS = 20;

std::string esc(const std::string& s)
{
  return html_escape(s);
}

std::string num(const char* format, double x)
{
  if (!std::isfinite(x)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

const char* title_of(const std::string& model)
{
  if (model == "bg_nbd") return "BG/NBD (Fader, Hardie & Lee 2005)";
  if (model == "mbg_nbd") return "MBG/NBD (Batislam, Denizel & Filiztekin 2007)";
  if (model == "bg_bb") return "BG/BB (Fader, Hardie & Shang 2010)";
  if (model == "pareto_nbd") return "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)";
  if (model == "gamma_gamma") return "Gamma-gamma spend (Fader, Hardie & Lee 2005, JMR)";
  if (model == "sbg") return "Shifted beta-geometric (Fader & Hardie 2007)";
  return "";
}

//! What each parameter of a fit means, with the numbers it implies.
std::map<std::string, std::string> meanings(const FitResult& f, const std::string& unit)
{
  std::map<std::string, std::string> m;
  const auto est = [&](const char* n) { return f[n]; };
  if (is_continuous_purchase_model(f.model)) {
    const double r = est("r"), alpha = est("alpha");
    m["r"] =
        "Shape of the gamma distribution of customers' purchase rates while active: the smaller, the more unequal "
        "the customers (r = " +
        num("%.3g", r) + ").";
    m["alpha"] = "Rate of that gamma distribution, in " + unit +
                 "s: the mean purchase rate while active is r/α = " + num("%.3g", r / alpha) +
                 " repeat purchases per " + unit + ".";
  }
  if (f.model == "mbg_nbd") {
    const double a = est("a"), b = est("b");
    m["a"] =
        "With b, the beta distribution of the probability p that a customer leaves for good right after the first "
        "purchase and after each repeat purchase: its mean a/(a+b) = " +
        num("%.3g", a / (a + b)) + ", so a share " + num("%.3g", a / (a + b)) + " of new customers never buy again.";
    m["b"] =
        "Second shape of that beta distribution (a large b: most customers are unlikely to leave after a purchase).";
  }
  if (f.model == "bg_bb") {
    const double alpha = est("alpha"), beta = est("beta"), gamma = est("gamma"), delta = est("delta");
    m["alpha"] =
        "With β, the beta distribution of the probability p that an active customer transacts at an "
        "opportunity: its mean α/(α+β) = " +
        num("%.3g", alpha / (alpha + beta)) + ".";
    m["beta"] = "Second shape of that beta distribution.";
    m["gamma"] =
        "With δ, the beta distribution of the probability θ that a customer becomes inactive at an "
        "opportunity: its mean γ/(γ+δ) = " +
        num("%.3g", gamma / (gamma + delta)) + ".";
    m["delta"] = "Second shape of that beta distribution (a large δ: customers stay active long).";
  }
  if (f.model == "bg_nbd") {
    const double a = est("a"), b = est("b");
    m["a"] =
        "With b, the beta distribution of the probability p that a customer leaves for good after a repeat "
        "purchase: its mean a/(a+b) = " +
        num("%.3g", a / (a + b)) + ".";
    m["b"] =
        "Second shape of that beta distribution (a large b: most customers are unlikely to leave after a purchase).";
  }
  if (f.model == "pareto_nbd") {
    const double s = est("s"), beta = est("beta");
    m["s"] =
        "Shape of the gamma distribution of customers' dropout rates μ (a customer's lifetime is exponential with "
        "rate μ).";
    m["beta"] = "Rate of that gamma distribution, in " + unit +
                "s: the mean dropout rate is s/β = " + num("%.3g", s / beta) + " per " + unit +
                (s > 1 ? ", a mean lifetime of β/(s−1) = " + num("%.3g", beta / (s - 1)) + " " + unit + "s" : "") + ".";
  }
  if (f.model == "gamma_gamma") {
    const double p = est("p"), q = est("q"), gamma = est("gamma");
    m["p"] =
        "Shape of the gamma distribution of one customer's order values around its own mean (a large p: steady "
        "order values).";
    m["q"] = "Shape of the gamma distribution of customers' spend rates ν across customers (q > 1 for a finite mean).";
    m["gamma"] = "Rate of that distribution: the mean order value across customers is p·γ/(q−1) = " +
                 (q > 1 ? num("%.2f", p * gamma / (q - 1)) : std::string("infinite (q ≤ 1)")) + ".";
  }
  if (f.model == "sbg") {
    const double alpha = est("alpha"), beta = est("beta");
    m["alpha"] = "With β, the beta distribution of each customer's churn probability per period: its mean α/(α+β) = " +
                 num("%.3g", alpha / (alpha + beta)) + ".";
    m["beta"] =
        "Second shape of that beta distribution: churn falls over a cohort's life as the likely churners leave "
        "first.";
  }
  return m;
}

void parameter_table(std::string& h, const FitResult& f, const std::string& unit)
{
  const auto words = meanings(f, unit);
  h += "<table>\n<tr><th class=\"text\">Parameter</th><th>Estimate</th><th>Standard error</th><th>95% interval</th>"
       "<th class=\"text\">What it means</th></tr>\n";
  for (std::size_t k = 0; k < f.names.size(); ++k) {
    const double e = f.estimate[k], se = f.se[k];
    const auto it = words.find(f.names[k]);
    h += "<tr><td><code>" + esc(f.names[k]) + "</code></td><td class=\"num\">" + num("%.4g", e) +
         "</td><td class=\"num\">" + num("%.3g", se) + "</td><td class=\"num\">" +
         // The fit is on ln θ (mle.h), where the estimate is close to normal: θ·exp(±1.96 SE/θ)
         // keeps the interval positive.
         (std::isfinite(se) && e > 0
              ? num("%.3g", e * std::exp(-1.96 * se / e)) + " to " + num("%.3g", e * std::exp(1.96 * se / e))
              : std::string("n/a")) +
         "</td><td class=\"def\">" + esc(it == words.end() ? "" : it->second) + "</td></tr>\n";
  }
  h += "</table>\n<p class=\"note\">Log-likelihood " + num("%.2f", f.log_likelihood) + " over " +
       num("%.0f", f.observations) +
       (f.model == "gamma_gamma" ? " repeat buyers"
        : f.model == "sbg"       ? " cohort members"
                                 : " customers") +
       "; standard errors from the observed information (the numerical Hessian at the optimum); the 95% "
       "intervals are ±1.96 standard errors of ln θ, where the likelihood was maximised.</p>\n";
  for (const auto& w : f.warnings) h += "<p class=\"warning\">" + esc(w) + "</p>\n";
}

std::string series_order(const std::vector<std::string>& series)
{
  JsonWriter j;
  j.begin_array();
  for (const auto& s : series) j.value(s);
  j.end_array();
  return j.take();
}

struct Page {
  const FitReport& r;
  HtmlPage& page;
  std::string unit;        //!< the fit's time unit: "day", "week", "month"
  std::string track_unit;  //!< tracking periods: "week" or "month"
};

//! Cumulative and per-period repeat transactions, actual against one model (FHL figs. 2, 3).
void tracking_charts(Page& p, std::size_t m)
{
  const Tracking& t = *p.r.tracking;
  const std::string& model = t.models[m];
  int calibration_periods = 0;
  for (std::size_t k = 0; k < t.period.size(); ++k)
    if (!t.holdout[k]) calibration_periods = t.period[k];
  JsonWriter mk;
  mk.begin_array()
      .begin_object()
      .field("x", calibration_periods)
      .field("label", "end of calibration")
      .end_object()
      .end_array();
  JsonWriter ms;
  ms.begin_object().field("kind", "fit_calibration_end").field("model", model).end_object();
  const std::string markers = p.page.dataset(mk.take(), ms.take());

  for (const bool cumulative : {true, false}) {
    JsonWriter j;
    j.begin_array();
    for (std::size_t k = 0; k < t.period.size(); ++k) {
      const double actual = cumulative || k == 0 ? t.actual[k] : t.actual[k] - t.actual[k - 1];
      const double expected = cumulative || k == 0 ? t.expected[m][k] : t.expected[m][k] - t.expected[m][k - 1];
      j.begin_object().field("series", "actual").field("x", t.period[k]).field("y", actual).end_object();
      j.begin_object().field("series", model).field("x", t.period[k]).field("y", expected).end_object();
    }
    j.end_array();
    JsonWriter src;
    src.begin_object()
        .field("kind", cumulative ? "fit_tracking_cumulative" : "fit_tracking_period")
        .field("model", model);
    src.field("computed_from", "actual: repeat transactions of the cohort by " + p.track_unit +
                                   " since its first purchase; expected: sum over customers of E[X(age)]");
    src.end_object();
    const std::string data = p.page.dataset(j.take(), src.take());
    JsonWriter d;
    d.begin_object().field("kind", "lines").field("data", data).field("markers", markers);
    d.key("order").raw(series_order({"actual", model}));
    d.key("colors").raw(series_order({"#222222", "#2171b5"}));
    d.field("title", cumulative ? "Cumulative repeat transactions: actual and " + model
                                : "Repeat transactions per " + p.track_unit + ": actual and " + model);
    d.field("x_title", p.track_unit + "s since the cohort's first purchase");
    d.field("y_title", cumulative ? "cumulative repeat transactions" : "repeat transactions per " + p.track_unit);
    d.field("y_format", "count").end_object();
    p.page.chart(d.take(), cumulative
                               ? "Fader, Hardie &amp; Lee (2005), figure 2: the model's expected cumulative repeat "
                                 "transactions of the whole cohort (each customer from its first purchase) against "
                                 "the actual ones, through the calibration period and the holdout."
                               : "FHL (2005), figure 3: the same per " + esc(p.track_unit) + ".");
  }
}

//! Holdout transactions against the conditional expectation, by calibration frequency (FHL fig. 4).
void conditional_chart(Page& p, const FitResult& f)
{
  const CustomerSummary& s = *p.r.summary;
  if (!s.holdout_end) return;
  const double t = (*s.holdout_end - s.calibration_end) / days_in(s.time_unit);
  std::vector<double> actual(FREQUENCY_GROUPS, 0.0), expected(FREQUENCY_GROUPS, 0.0), n(FREQUENCY_GROUPS, 0.0);
  bool computable = true;
  for (std::size_t i = 0; i < s.customers(); ++i) {
    const int g = std::min(static_cast<int>(s.x[i]), FREQUENCY_GROUPS - 1);
    double e = NaN;
    try {
      e = conditional_expected(f, t, s.x[i], s.t_x[i], s.T[i]);
    } catch (const std::exception&) {
      computable = false;
    }
    actual[static_cast<std::size_t>(g)] += s.x_star[i];
    expected[static_cast<std::size_t>(g)] += e;
    n[static_cast<std::size_t>(g)] += 1;
  }
  if (!computable) {
    p.page.html() += "<p class=\"note\">The conditional expectation of " + esc(f.model) +
                     " cannot be computed at these estimates; no chart.</p>\n";
    return;
  }
  JsonWriter j;
  j.begin_array();
  std::vector<std::string> labels;
  for (int g = 0; g < FREQUENCY_GROUPS; ++g) {
    const auto k = static_cast<std::size_t>(g);
    if (n[k] == 0) continue;
    const std::string label = g == FREQUENCY_GROUPS - 1 ? std::to_string(g) + "+" : std::to_string(g);
    labels.push_back(label);
    j.begin_object()
        .field("series", "actual")
        .field("x", label)
        .field("y", actual[k] / n[k])
        .field("customers", n[k])
        .end_object();
    j.begin_object()
        .field("series", f.model)
        .field("x", label)
        .field("y", expected[k] / n[k])
        .field("customers", n[k])
        .end_object();
  }
  j.end_array();
  JsonWriter src;
  src.begin_object().field("kind", "fit_conditional").field("model", f.model).field("holdout_length", t);
  src.field("computed_from",
            "per calibration frequency x: mean holdout repeat transactions x* and mean E[Y(t) | x, t_x, T]");
  src.end_object();
  const std::string data = p.page.dataset(j.take(), src.take());
  JsonWriter d;
  d.begin_object().field("kind", "lines").field("data", data).field("x_type", "ordinal");
  d.key("x_order").raw(series_order(labels));
  d.key("order").raw(series_order({"actual", f.model}));
  d.key("colors").raw(series_order({"#222222", "#2171b5"}));
  d.key("points").boolean(true);
  d.field("title", "Holdout repeat transactions by calibration frequency: actual and " + f.model);
  d.field("x_title", "repeat transactions in the calibration period");
  d.field("y_title", "mean repeat transactions in the holdout").field("y_format", "number").end_object();
  p.page.chart(d.take(),
               "FHL (2005), figure 4: customers grouped by their calibration repeat transactions (the last group "
               "has 7 or more); for each group the mean number of repeat transactions in the " +
                   num("%.1f", t) + "-" + esc(p.unit) +
                   " holdout and the model's conditional expectation given each customer's history.");
}

//! P(alive) over a grid of frequency and recency at the cohort's longest observation.
void p_alive_chart(Page& p, const FitResult& f)
{
  const CustomerSummary& s = *p.r.summary;
  const double T = *std::max_element(s.T.begin(), s.T.end());
  const int max_x = std::min(MAX_GRID_FREQUENCY, static_cast<int>(*std::max_element(s.x.begin(), s.x.end())));
  JsonWriter j;
  j.begin_array();
  try {
    for (int x = 0; x <= max_x; ++x)
      for (int step = 0; step <= RECENCY_STEPS; ++step) {
        const double t_x = T * step / RECENCY_STEPS;
        const double pa = p_alive(f, x, t_x, T);
        j.begin_object().field("frequency", x).field("recency", t_x).field("p_alive", pa).end_object();
      }
  } catch (const std::exception&) {
    p.page.html() +=
        "<p class=\"note\">P(alive) of " + esc(f.model) + " cannot be computed at these estimates; no chart.</p>\n";
    return;
  }
  j.end_array();
  JsonWriter src;
  src.begin_object().field("kind", "fit_p_alive").field("model", f.model).field("T", T).end_object();
  const std::string data = p.page.dataset(j.take(), src.take());
  JsonWriter d;
  d.begin_object()
      .field("kind", "heatmap")
      .field("data", data)
      .field("x_field", "recency")
      .field("y_field", "frequency");
  d.field("color_field", "p_alive").field("color_title", "P(alive)");
  d.field("x_label_expr", "format(datum.value, '.0f')");
  d.field("title", "P(alive) by frequency and recency: " + f.model);
  d.field("x_title", "recency: " + p.unit + "s from the first to the last repeat purchase (t_x)");
  d.field("y_title", "repeat purchases (x)").end_object();
  p.page.chart(d.take(),
               "The probability that a customer is still active at the end of the calibration, given x repeat "
               "purchases, the last at t_x, for a customer observed for " +
                   num("%.1f", T) + " " + esc(p.unit) +
                   "s (the cohort's longest history). A customer who bought often but not lately has probably "
                   "left.");
}

void gamma_gamma_chart(Page& p, const FitResult& f)
{
  const CustomerSummary& s = *p.r.summary;
  JsonWriter j;
  j.begin_array();
  double sum = 0, n = 0;
  for (std::size_t i = 0; i < s.customers(); ++i)
    if (s.x[i] >= 1 && s.m_x[i] > 0) {
      j.begin_object().field("value", s.m_x[i]).end_object();
      sum += s.m_x[i];
      n += 1;
    }
  j.end_array();
  JsonWriter src;
  src.begin_object()
      .field("kind", "fit_m_x")
      .field("computed_from", "m_x of the repeat buyers with m_x > 0")
      .end_object();
  const std::string data = p.page.dataset(j.take(), src.take());
  JsonWriter mk;
  mk.begin_array();
  mk.begin_object()
      .field("x", n > 0 ? sum / n : NaN)
      .field("label", "observed mean " + num("%.2f", n > 0 ? sum / n : NaN))
      .end_object();
  const double q = f["q"];
  if (q > 1) {
    const double model_mean = f["p"] * f["gamma"] / (q - 1);
    mk.begin_object()
        .field("x", model_mean)
        .field("label", "model p·γ/(q−1) = " + num("%.2f", model_mean))
        .end_object();
  }
  mk.end_array();
  JsonWriter ms;
  ms.begin_object().field("kind", "fit_m_x_means").end_object();
  const std::string markers = p.page.dataset(mk.take(), ms.take());
  JsonWriter d;
  d.begin_object().field("kind", "histogram").field("data", data).field("markers", markers);
  d.field("title", "Mean repeat order value per customer (m_x)").field("x_title", "m_x: mean repeat order value");
  d.field("x_format", "money").field("y_title", "repeat buyers").end_object();
  p.page.chart(d.take(),
               "The repeat buyers' mean repeat order values the gamma-gamma model was fitted to, with their mean "
               "and the model's mean order value across customers.");
}

void survival_chart(Page& p, const FitResult& f)
{
  const SurvivalTable& t = *p.r.survival;
  JsonWriter j;
  j.begin_array();
  for (std::size_t k = 0; k < t.alive.size(); ++k) {
    j.begin_object()
        .field("series", "observed")
        .field("x", static_cast<int>(k))
        .field("y", t.alive[k] / t.alive[0])
        .end_object();
    j.begin_object()
        .field("series", "sbg")
        .field("x", static_cast<int>(k))
        .field("y", models::sbg::survival(sbg_params(f), static_cast<double>(k)))
        .end_object();
  }
  j.end_array();
  JsonWriter src;
  src.begin_object().field("kind", "fit_survival").field("computed_from", "alive[k] / alive[0]; sBG S(k)").end_object();
  const std::string data = p.page.dataset(j.take(), src.take());
  JsonWriter d;
  d.begin_object().field("kind", "lines").field("data", data);
  d.key("order").raw(series_order({"observed", "sbg"}));
  d.key("colors").raw(series_order({"#222222", "#2171b5"}));
  d.key("points").boolean(true);
  d.field("title", "Share of the cohort still subscribed").field("x_title", "periods since the start");
  d.field("y_title", "share still subscribed").field("y_format", "share").end_object();
  p.page.chart(d.take(), "Observed survival of the cohort and the fitted sBG survival S(t).");
}

void summary_table(Page& p)
{
  std::string& h = p.page.html();
  if (p.r.comparison && !p.r.comparison->models.empty()) {
    const Comparison& c = *p.r.comparison;
    const bool holdout = std::isfinite(c.models.front().holdout_rmse);
    h += "<table>\n<tr><th class=\"text\">Purchase model</th><th>Parameters</th><th>Log-likelihood</th><th>AIC</th>"
         "<th>BIC</th>";
    if (holdout) h += "<th>Holdout: expected</th><th>actual</th><th>MAE per customer</th><th>RMSE per customer</th>";
    h += "</tr>\n";
    for (const ModelScore& m : c.models) {
      h += "<tr><td><a href=\"#model-" + esc(m.model) + "\">" + esc(title_of(m.model)) + "</a>" +
           (m.model == c.chosen ? " (chosen)" : "") + "</td><td class=\"num\">" + std::to_string(m.parameters) +
           "</td><td class=\"num\">" + num("%.2f", m.log_likelihood) + "</td><td class=\"num\">" + num("%.2f", m.aic) +
           "</td><td class=\"num\">" + num("%.2f", m.bic) + "</td>";
      if (holdout) {
        const double actual = p.r.summary ? static_cast<double>(p.r.summary->holdout_transactions) : NaN;
        h += "<td class=\"num\">" + num("%.1f", m.holdout_expected) + "</td><td class=\"num\">" + num("%.0f", actual) +
             "</td><td class=\"num\">" + num("%.4f", m.holdout_mae) + "</td><td class=\"num\">" +
             num("%.4f", m.holdout_rmse) + "</td>";
      }
      h += "</tr>\n";
    }
    h +=
        "</table>\n<p class=\"note\">Chosen for the scenario fragment: <b>" + esc(c.chosen) + "</b>, " + esc(c.reason) +
        ". AIC = 2k − 2·log-likelihood, BIC = k·ln(customers) − 2·log-likelihood (lower is better; the models are "
        "fitted to the same customers). The holdout errors compare each customer's expected repeat transactions in the "
        "holdout, given its calibration history, with the actual ones.</p>\n";
  }
  h += "<table>\n<tr><th class=\"text\">Model</th><th>Parameters</th><th>Log-likelihood</th><th>Fitted to</th></tr>\n";
  for (const FitResult& f : p.r.fits)
    h += "<tr><td><a href=\"#model-" + esc(f.model) + "\">" + esc(title_of(f.model)) + "</a></td><td class=\"num\">" +
         std::to_string(f.names.size()) + "</td><td class=\"num\">" + num("%.2f", f.log_likelihood) +
         "</td><td class=\"num\">" + num("%.0f", f.observations) +
         (f.model == "gamma_gamma" ? " repeat buyers"
          : f.model == "sbg"       ? " cohort members"
                                   : " customers") +
         "</td></tr>\n";
  h += "</table>\n";
}

}  // namespace

FitHtml fit_report_html(const FitReport& r, const CollapsedSummary* data, const std::string& command_line)
{
  (void)data;
  const std::string unit = r.summary ? to_string(r.summary->time_unit) : "period";
  const std::string track_unit = r.summary && r.summary->time_unit == TimeUnit::month ? "month" : "week";
  JsonWriter meta;
  meta.begin_object().field("generator", std::string("clvsim ") + CLVSIM_VERSION).field("report", "fit");
  meta.field("source", r.source).field("time_unit", unit).end_object();
  HtmlPage page("clvsim fit: " + r.source, meta.take());
  Page p{r, page, unit, track_unit};
  std::string& h = page.html();

  // Parameters of every model, as a data set too (the tests hold it against `fit --json`).
  {
    JsonWriter j;
    j.begin_array();
    for (const FitResult& f : r.fits)
      for (std::size_t k = 0; k < f.names.size(); ++k)
        j.begin_object()
            .field("model", f.model)
            .field("parameter", f.names[k])
            .field("estimate", f.estimate[k])
            .field("se", f.se[k])
            .field("log_likelihood", f.log_likelihood)
            .end_object();
    j.end_array();
    JsonWriter src;
    src.begin_object()
        .field("kind", "fit_parameters")
        .field("equals", "clvsim fit --json: models.<m>.{params,se,log_likelihood}")
        .end_object();
    page.dataset(j.take(), src.take());
  }

  h +=
      "<header>\n<h1>Calibration of " + esc(r.source) + "</h1>\n<p class=\"lede\">clvsim " CLVSIM_VERSION " fit report";
  if (r.summary && !r.summary_source.empty()) {
    h += " · " + num("%.0f", r.summary->total_customers()) + " customers from a summary · time unit: " + esc(unit);
  } else if (r.summary) {
    const CustomerSummary& s = *r.summary;
    h += " · " + std::to_string(s.customers()) + " customers · calibration to " + format_iso(s.calibration_end);
    if (s.holdout_end) h += " · holdout to " + format_iso(*s.holdout_end);
    h += " · time unit: " + esc(unit);
  }
  h += "</p>\n<nav class=\"toc\"><a href=\"#data\">Data</a><a href=\"#models\">Models</a>";
  for (const FitResult& f : r.fits) h += "<a href=\"#model-" + esc(f.model) + "\">" + esc(f.model) + "</a>";
  h += "<a href=\"#provenance\">Provenance</a></nav>\n</header>\n";

  h += "<h2 id=\"data\">Data</h2>\n";
  if (!r.summary_source.empty()) {
    h += "<p>The customer summary <code>" + esc(r.summary_source) + "</code>: " +
         (r.summary ? num("%.0f", r.summary->total_customers()) +
                          " customers, each summarised by x (repeat purchases), "
                          "t_x (when the last one was, from the first purchase) and T (how long it was observed), in " +
                          esc(unit) + "s."
                    : num("%.0f", r.discrete ? r.discrete->customers : NaN) +
                          " customers, each summarised by x (repeat "
                          "transactions), t_x (the opportunity of the last one) and n (transaction opportunities since "
                          "the first).") +
         " A summary has no dates, so there is no tracking or holdout here.</p>\n";
  } else if (r.summary) {
    const CustomerSummary& s = *r.summary;
    h += "<p>" + std::to_string(r.log_rows) + " rows of <code>" + esc(r.source) + "</code>, " +
         std::to_string(s.transactions) +
         " transactions after merging the same-day purchases of a customer. The cohort: the " +
         std::to_string(s.customers()) + " customers whose first purchase is on or before the calibration end " +
         format_iso(s.calibration_end) + ". " + std::to_string(s.repeat_customers) +
         " of them bought again in the calibration period (" + std::to_string(s.repeat_transactions) +
         " repeat transactions)";
    if (s.holdout_end)
      h += "; " + std::to_string(s.holdout_transactions) + " repeat transactions in the holdout " +
           format_iso(s.calibration_end + 1) + " to " + format_iso(*s.holdout_end);
    h += ".";
    if (s.excluded_customers)
      h += " " + std::to_string(s.excluded_customers) +
           " customers whose first purchase is after the calibration end are "
           "not in the cohort.";
    h += " Each customer is summarised by x (repeat purchases in the calibration period), t_x (when the last one was, "
         "from the first purchase) and T (how long it was observed), in " +
         esc(unit) + "s.</p>\n";
  } else if (r.survival) {
    h += "<p>A cohort of " + num("%.0f", r.survival->alive.front()) + " subscribers observed over " +
         std::to_string(r.survival->alive.size() - 1) + " periods.</p>\n";
  }

  h += "<h2 id=\"models\">Models</h2>\n";
  summary_table(p);

  for (std::size_t i = 0; i < r.fits.size(); ++i) {
    const FitResult& f = r.fits[i];
    h += "<h2 id=\"model-" + esc(f.model) + "\">" + esc(title_of(f.model)) + "</h2>\n";
    parameter_table(h, f, unit);
    if (is_continuous_purchase_model(f.model) && r.summary) {
      if (r.tracking) {
        const auto it = std::find(r.tracking->models.begin(), r.tracking->models.end(), f.model);
        if (it != r.tracking->models.end())
          tracking_charts(p, static_cast<std::size_t>(it - r.tracking->models.begin()));
      }
      conditional_chart(p, f);
      p_alive_chart(p, f);
    }
    if (f.model == "gamma_gamma" && r.summary) gamma_gamma_chart(p, f);
    if (f.model == "sbg" && r.survival) survival_chart(p, f);
  }

  h += "<h2 id=\"provenance\">Provenance</h2>\n<dl class=\"facts\"><dt>clvsim version</dt><dd>" CLVSIM_VERSION
       "</dd>"
       "<dt>command line</dt><dd>" +
       esc(command_line) + "</dd><dt>data</dt><dd>" + esc(r.source) + "</dd></dl>\n";
  FitHtml out;
  out.charts = page.chart_count();
  out.html = page.render();
  return out;
}

}  // namespace clvsim::fit
