#include "models/fit/fit_models.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <numeric>

#include "engine/core/csv.h"
#include "engine/core/errors.h"
#include "models/fit/bg_nbd_likelihood.h"
#include "models/fit/gamma_gamma_likelihood.h"
#include "models/fit/pareto_nbd_likelihood.h"

namespace clvsim::fit {

namespace {

//! Repeat purchases per unit of time over the whole base: the scale of r/alpha.
double repeat_rate(const CollapsedSummary& d)
{
  const double xs = (d.weight * d.x).sum(), Ts = (d.weight * d.T).sum();
  return std::max(xs, 1.0) / std::max(Ts, 1e-9);
}

}  // namespace

FitResult fit_bg_nbd(std::span<const double> x, std::span<const double> t_x, std::span<const double> T)
{
  return fit_bg_nbd(collapse(x, t_x, T));
}

namespace {

//! BG/NBD or MBG/NBD: the same likelihood class and starts.
FitResult fit_bg_nbd_variant(const CollapsedSummary& data, BgNbdLikelihood::Variant variant, const char* model,
                             const ChunkRunner& runner)
{
  const double rate = repeat_rate(data);
  const BgNbdLikelihood lik(data, variant, runner);
  LogLikelihood ll = [&lik](std::span<const double> th, std::span<double> grad) {
    const std::array<double, 4> theta{th[0], th[1], th[2], th[3]};
    if (grad.empty()) return lik(theta);
    std::array<double, 4> g{};
    const double v = lik.value_and_gradient(theta, g);
    std::copy(g.begin(), g.end(), grad.begin());
    return v;
  };
  // Starts with r/alpha at the observed repeat rate; the dropout Beta from "few" to "many".
  // Each extra start costs one more L-BFGS run (about 30-60 evaluations); with more than
  // 200,000 distinct rows one start (plus the polish) keeps a 1M-customer fit in seconds.
  std::vector<std::vector<double>> starts = {
      {1.0, 1.0 / rate, 1.0, 1.0}, {0.5, 0.5 / rate, 0.5, 3.0}, {2.0, 2.0 / rate, 2.0, 10.0}};
  if (data.rows() > 200000) starts.resize(1);
  MleOptions opt;
  opt.has_gradient = true;
  return maximize_likelihood(model, {"r", "alpha", "a", "b"}, starts, ll, data.customers, opt);
}

}  // namespace

FitResult fit_bg_nbd(const CollapsedSummary& data, const ChunkRunner& runner)
{
  return fit_bg_nbd_variant(data, BgNbdLikelihood::Variant::bg_nbd, "bg_nbd", runner);
}

FitResult fit_mbg_nbd(const CollapsedSummary& data, const ChunkRunner& runner)
{
  return fit_bg_nbd_variant(data, BgNbdLikelihood::Variant::mbg_nbd, "mbg_nbd", runner);
}

FitResult fit_pareto_nbd(const CollapsedSummary& data, const ChunkRunner& runner)
{
  const double mean_T = (data.weight * data.T).sum() / std::max(data.customers, 1.0);
  const ParetoNbdLikelihood lik(data, runner);
  LogLikelihood ll = [&lik](std::span<const double> th, std::span<double>) {
    return lik({th[0], th[1], th[2], th[3]});
  };
  // Starts: lambda's Gamma from the BG/NBD fit (a few milliseconds), which estimates the same
  // purchase process; the lifetime Gamma with mean 1/mean(T) or slower, and beta near alpha.
  // Starting near the optimum keeps the search away from alpha >> beta corners, where the
  // closed form falls back to adaptive quadrature and costs far more per customer.
  const FitResult bg = fit_bg_nbd(data, runner);
  const double r0 = bg.estimate[0], alpha0 = bg.estimate[1];
  const double scale = std::max(mean_T, 1e-6);
  std::vector<std::vector<double>> starts = {{r0, alpha0, 1.0, alpha0}, {r0, alpha0, 0.5, scale}};
  // As for the BG/NBD: a large base identifies the optimum well from the first start (each
  // BOBYQA run costs a few hundred evaluations); the polish still restarts from it.
  if (data.rows() > 50000) starts.resize(1);
  // beta is weakly identified on small samples (CDNOW: SE 6 at 11.7): a flat ridge on which
  // the default stopping rule leaves the fourth digit to rounding noise; the polishing run
  // stops on the step only.
  MleOptions opt;
  opt.polish_ftol_rel = 0;
  return maximize_likelihood("pareto_nbd", {"r", "alpha", "s", "beta"}, starts, ll, data.customers, opt);
}

FitResult fit_gamma_gamma(std::span<const double> x, std::span<const double> m_x, std::size_t* skipped_zero,
                          std::span<const double> weight)
{
  std::vector<double> xs, ms, ws;
  double zero = 0, buyers = 0, amount = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = weight.empty() ? 1.0 : weight[i];
    if (x[i] < 1) continue;
    if (!(m_x[i] > 0)) {
      zero += w;
      continue;
    }
    xs.push_back(x[i]);
    ms.push_back(m_x[i]);
    ws.push_back(w);
    buyers += w;
    amount += w * m_x[i];
  }
  if (skipped_zero) *skipped_zero = static_cast<std::size_t>(zero);
  if (buyers < 3)
    throw InputError("error: gamma_gamma: needs at least 3 repeat buyers with a positive mean amount, found " +
                     shortest(buyers));
  const double mean = amount / buyers;
  const GammaGammaLikelihood lik(xs, ms, weight.empty() ? std::span<const double>() : std::span<const double>(ws));
  LogLikelihood ll = [&lik](std::span<const double> th, std::span<double> grad) {
    const std::array<double, 3> theta{th[0], th[1], th[2]};
    if (grad.empty()) return lik(theta);
    std::array<double, 3> g{};
    const double v = lik.value_and_gradient(theta, g);
    std::copy(g.begin(), g.end(), grad.begin());
    return v;
  };
  // Starts with the population mean p·gamma/(q−1) at the observed mean.
  const std::vector<std::vector<double>> starts = {{1.0, 2.0, mean}, {5.0, 3.0, 0.4 * mean}, {10.0, 5.0, 0.4 * mean}};
  MleOptions opt;
  opt.has_gradient = true;
  return maximize_likelihood("gamma_gamma", {"p", "q", "gamma"}, starts, ll, lik.customers(), opt);
}

DiscreteSummary collapse_discrete(std::span<const int> x, std::span<const int> t_x, std::span<const int> n,
                                  std::span<const double> count)
{
  std::map<std::array<int, 3>, double> rows;
  double customers = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = count.empty() ? 1.0 : count[i];
    rows[{x[i], t_x[i], n[i]}] += w;
    customers += w;
  }
  DiscreteSummary d;
  for (const auto& [key, w] : rows) {
    d.x.push_back(key[0]);
    d.t_x.push_back(key[1]);
    d.n.push_back(key[2]);
    d.weight.push_back(w);
  }
  d.customers = customers;
  return d;
}

FitResult fit_bg_bb(const DiscreteSummary& data)
{
  LogLikelihood ll = [&data](std::span<const double> th, std::span<double>) {
    const models::bg_bb::Params p{th[0], th[1], th[2], th[3]};
    double sum = 0;
    for (std::size_t i = 0; i < data.rows(); ++i)
      sum += data.weight[i] * models::bg_bb::log_likelihood(p, data.x[i], data.t_x[i], data.n[i]);
    return sum;
  };
  // Starts: the transaction Beta around the observed share of opportunities used, the
  // dropout Beta from "most stay" to "many leave".
  double used = 0, opportunities = 0;
  for (std::size_t i = 0; i < data.rows(); ++i) {
    used += data.weight[i] * data.x[i];
    opportunities += data.weight[i] * data.n[i];
  }
  const double share = std::clamp(used / std::max(opportunities, 1.0), 0.05, 0.95);
  const std::vector<std::vector<double>> starts = {
      {1.0, 1.0, 1.0, 1.0}, {share, 1.0 - share, 0.5, 3.0}, {2.0 * share, 2.0 * (1.0 - share), 2.0, 10.0}};
  return maximize_likelihood("bg_bb", {"alpha", "beta", "gamma", "delta"}, starts, ll, data.customers);
}

SurvivalTable read_survival_table(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("error: " + path + ": cannot open for reading (" + std::strerror(errno) + ")");
  SurvivalTable table;
  table.source = path;
  csv::Reader reader(in, path);
  const bool has_header = reader.read_header();
  if (reader.bad()) throw IoError("error: " + path + ": read error");
  if (!has_header) throw InputError("error: " + path + ": empty file (expected the header period,alive)");
  const std::string at_header = "error: " + path + ":" + std::to_string(reader.line()) + ": ";
  if (!reader.header_ok()) throw InputError(at_header + "unterminated quote in the header");
  for (const char* wanted : {"period", "alive"})
    if (!reader.column(wanted))
      throw InputError(at_header + "missing column '" + wanted + "' (header: " + csv::excerpt(reader.header_line()) +
                       ")" + reader.separator_hint());
  const std::size_t header_fields = reader.header().size();
  const std::size_t period_col = *reader.column("period"), alive_col = *reader.column("alive");

  // Every bad row is reported (up to csv::MAX_PROBLEMS). Row k (from 0) must be period k;
  // alive is compared with the last valid row before it.
  csv::Problems problems(path);
  std::vector<std::string> fields;
  long row = -1;
  while (true) {
    const auto status = reader.next(fields);
    if (status == csv::Reader::Row::end) break;
    ++row;
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
    long period = -1;
    const std::string& pt = fields[period_col];
    auto [pp, pe] = std::from_chars(pt.data(), pt.data() + pt.size(), period);
    if (pt.empty() || pe != std::errc() || pp != pt.data() + pt.size() || period != row)
      problems.add(line, "period '" + csv::excerpt(pt) + "' should be " + std::to_string(row) +
                             " (periods are 0, 1, 2, ... in order)");
    double alive = 0;
    const std::string& at = fields[alive_col];
    switch (csv::parse_number(at, alive, 0.0)) {
      case csv::NumberStatus::ok:
        if (row == 0 && alive <= 0)
          problems.add(line, "alive at period 0 must be > 0 (the cohort size), got " + csv::excerpt(at));
        else if (!table.alive.empty() && alive > table.alive.back())
          problems.add(line, "alive " + csv::excerpt(at) + " exceeds the previous period's " +
                                 shortest(table.alive.back()) + " (survivors cannot increase)");
        else
          table.alive.push_back(alive);
        break;
      case csv::NumberStatus::below_min:
        problems.add(line, "alive " + csv::excerpt(at) + " is negative");
        break;
      default:
        problems.add(line, "alive '" + csv::excerpt(at) + "' is not a number");
    }
  }
  if (reader.bad()) throw IoError("error: " + path + ": read error");
  problems.throw_if_any();
  if (table.alive.size() < 3)
    throw InputError("error: " + path + ": needs at least periods 0, 1 and 2 to fit the sBG, found " +
                     std::to_string(table.alive.size()) + " row" + (table.alive.size() == 1 ? "" : "s"));
  return table;
}

FitResult fit_sbg(const SurvivalTable& table)
{
  const std::vector<double>& alive = table.alive;
  LogLikelihood ll = [&alive](std::span<const double> th, std::span<double>) {
    const models::sbg::Params p{th[0], th[1]};
    return models::sbg::log_likelihood_survival(p, alive);
  };
  const std::vector<std::vector<double>> starts = {{1.0, 1.0}, {0.5, 3.0}, {3.0, 20.0}};
  return maximize_likelihood("sbg", {"alpha", "beta"}, starts, ll, alive.front());
}

models::bg_nbd::Params bg_nbd_params(const FitResult& f)
{
  return {f["r"], f["alpha"], f["a"], f["b"]};
}
models::pareto_nbd::Params pareto_nbd_params(const FitResult& f)
{
  return {f["r"], f["alpha"], f["s"], f["beta"]};
}
models::mbg_nbd::Params mbg_nbd_params(const FitResult& f)
{
  return {f["r"], f["alpha"], f["a"], f["b"]};
}
models::bg_bb::Params bg_bb_params(const FitResult& f)
{
  return {f["alpha"], f["beta"], f["gamma"], f["delta"]};
}
models::gamma_gamma::Params gamma_gamma_params(const FitResult& f)
{
  return {f["p"], f["q"], f["gamma"]};
}
models::sbg::Params sbg_params(const FitResult& f)
{
  return {f["alpha"], f["beta"]};
}

}  // namespace clvsim::fit
