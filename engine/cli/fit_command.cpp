#include "engine/cli/fit_command.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <sstream>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>
#include <boost/program_options.hpp>

#include "engine/core/csv.h"
#include "engine/core/errors.h"
#include "engine/core/output_set.h"
#include "engine/report/fit_report.h"
#include "engine/report/output_file.h"
#include "models/fit/dates.h"
#include "models/fit/fit_models.h"
#include "models/fit/report.h"
#include "models/fit/summary.h"
#include "models/fit/summary_file.h"
#include "models/fit/transactions.h"
#include "scenarios/history.h"

namespace clvsim::fit {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

po::options_description visible_options()
{
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")(
      "columns", po::value<std::string>()->value_name("ID,DATE[,AMOUNT]"),
      "names of the customer id, date and amount columns in the header (default customer_id,date,amount; "
      "give two names for a log without amounts)")(
      "date-format", po::value<std::string>()->value_name("FMT")->default_value("%Y-%m-%d"),
      "date format of the log: %Y, %m, %d and literal characters, e.g. %Y%m%d")(
      "calibration-end", po::value<std::string>()->value_name("DATE"),
      "last day of the calibration period (required unless --survival)")(
      "holdout-end", po::value<std::string>()->value_name("DATE"),
      "last day of the holdout period: compare the forecast with the actual repeat transactions")(
      "time-unit", po::value<std::string>()->value_name("UNIT")->default_value("week"),
      "day, week or month (of the log's times, or of a summary's t_x and T); --survival: the cohort's period, "
      "required (week or month)")(
      "model", po::value<std::string>()->value_name("MODEL"),
      "bg_nbd, mbg_nbd, pareto_nbd, bg_bb (a discrete-time --summary) or all: every model that applies, compared "
      "by LL, AIC, BIC and holdout error (default bg_nbd; bg_bb for a summary with n; gamma_gamma is fitted "
      "whenever there are amounts)")(
      "summary", po::value<std::string>()->value_name("FILE.csv"),
      "fit from a customer summary instead of a log: x,t_x,T[,m_x] (continuous time) or x,t_x,n (bg_bb), "
      "optional count and customer_id")(
      "threads", po::value<int>()->value_name("N")->default_value(0),
      "threads for the likelihoods (0 = all cores); the estimates do not depend on it")(
      "parameter-uncertainty", po::bool_switch(),
      "write the estimates' covariance into the fragment: [purchase.uncertainty] and [spend.uncertainty], "
      "dist = \"mvlognormal\" over the fitted parameters")("currency", po::value<std::string>()->value_name("CODE"),
                                                           "economics.currency of the fragment, e.g. USD")(
      "name", po::value<std::string>()->value_name("TEXT"), "simulation.name of the fragment")(
      "predictions", po::value<std::string>()->value_name("FILE.csv"),
      "write per customer: x, t_x, T, (x* with a holdout), and per purchase model P(alive) and the expected "
      "holdout (or --horizon) transactions; bg_nbd_p_alive_note flags one-time buyers")(
      "summary-out", po::value<std::string>()->value_name("FILE.csv"),
      "write the customer summary customer_id,x,t_x,T,m_x (m_x = 0 when x = 0)")(
      "output,o", po::value<std::string>()->value_name("FILE.toml"),
      "write a scenario fragment for `clvsim run` (and, without --summary-out, the summary as <stem>_customers.csv)")(
      "force", po::bool_switch(), "overwrite existing output files")("json", po::bool_switch(),
                                                                     "print one JSON document instead of the tables")(
      "report", po::value<std::string>()->value_name("FILE.html"),
      "write a self-contained HTML report: parameters in words, calibration and holdout charts, P(alive)")(
      "horizon", po::value<std::string>()->value_name("N"),
      "simulation.horizon of the fragment, in its periods (default 52 weeks or 12 months)")(
      "survival", po::value<std::string>()->value_name("FILE.csv"),
      "fit the sBG to a cohort survival table with the columns period,alive instead of a transaction log");
  return o;
}

std::string usage_error(const std::string& what)
{
  return "error: fit: " + what + " (see 'clvsim fit --help')";
}

//! The purchase models `clvsim run` simulates (models/purchase/registry.h): --model all puts the
//! best of these into the fragment.
const std::vector<std::string> SIMULATED_MODELS = {"bg_nbd", "mbg_nbd", "pareto_nbd", "bg_bb"};

//! The fragment's horizon in the fit's time unit (weeks or months of simulation periods).
double horizon_length(int horizon_periods, TimeUnit unit)
{
  const double period_days = unit == TimeUnit::month ? days_in(TimeUnit::month) : 7.0;
  return horizon_periods * period_days / days_in(unit);
}

//! The likelihoods' chunks on a oneTBB arena of `threads` (0 = all cores); 1 runs them in
//! order on this thread without starting oneTBB. The estimates are the same either way
//! (models/fit/parallel.h).
ChunkRunner make_runner(int threads)
{
  if (threads == 1) return {};
  auto arena = std::make_shared<tbb::task_arena>(threads > 0 ? threads : static_cast<int>(tbb::task_arena::automatic));
  return [arena](std::size_t count, const std::function<void(std::size_t)>& body) {
    arena->execute([&] { tbb::parallel_for(std::size_t{0}, count, [&](std::size_t k) { body(k); }); });
  };
}

int parse_day(const std::string& option, const std::string& text, const DateFormat& format)
{
  if (auto d = format.parse(text)) return *d;
  static const DateFormat iso("%Y-%m-%d");
  if (auto d = iso.parse(text)) return *d;
  throw InputError(usage_error("--" + option + " '" + text + "' is not a date (expected " + format.pattern() +
                               (format.format() == "%Y-%m-%d" ? "" : " or YYYY-MM-DD") + ")"));
}

//! The fewest customers `clvsim fit` fits a purchase model to: with fewer, the four
//! parameters of BG/NBD or Pareto/NBD are not identified (the likelihood is flat in some
//! direction and the optimiser stops at its bounds, or anywhere).
constexpr std::size_t MIN_FIT_CUSTOMERS = 10;

//! Bounds of the optimiser (models/fit/mle.h: every parameter in [1e-8, 1e8], searched on the
//! log scale); an estimate within 0.1 % of one (on that scale) is "at the bound", as there.
bool at_bound(double estimate)
{
  const double phi = std::log(estimate);
  return !(phi > std::log(1e-8) + 1e-3 && phi < std::log(1e8) - 1e-3);
}

//! The estimates of `f` at the optimiser's bounds ("q = 1e+08, p = ..."), or "".
std::string estimates_at_bounds(const FitResult& f)
{
  std::string at;
  for (std::size_t k = 0; k < f.names.size(); ++k)
    if (at_bound(f.estimate[k])) at += (at.empty() ? "" : ", ") + f.names[k] + " = " + shortest(f.estimate[k]);
  return at;
}

//! InputError when a fitted purchase model has an estimate at the optimiser's bounds: the data
//! do not identify it, and a fragment with such numbers would forecast nonsense.
void refuse_unidentified(const std::string& source, const FitResult& f)
{
  const std::string at = estimates_at_bounds(f);
  if (!at.empty())
    throw InputError("error: " + source + ": the data do not identify " + f.model + ": " + at +
                     (at.find(',') == std::string::npos ? " is" : " are") +
                     " at the optimiser's bound [1e-08, 1e+08] (no interior maximum of the likelihood); "
                     "nothing was written");
}

//! "error: cannot read <what> 'path': reason" (an unreadable input is bad input, exit 2), or
//! nothing when `path` can be opened for reading.
void check_readable(const std::string& path, const std::string& what)
{
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError("error: cannot read " + what + " '" + path + "': Is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("error: cannot read " + what + " '" + path + "': " + std::strerror(errno));
}

//! The [spend] section of a fragment whose spend model was not calibrated, so that `clvsim
//! run` accepts it: a fixed order value, the observed mean repeat order value when the log has
//! amounts (`why_not` says why gamma-gamma is not used), else 0 with the advice to set it.
std::string fixed_spend_section(const CustomerSummary& s, const std::string& why_not)
{
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.customers(); ++i)
    if (s.x[i] >= 1 && s.m_x[i] > 0 && std::isfinite(s.m_x[i])) sum += s.m_x[i], ++n;
  std::ostringstream t;
  t << "\n[spend]\n";
  if (s.has_amounts && n > 0) {
    t << "# gamma-gamma is not used (" << why_not << "): every order is worth\n"
      << "# the mean repeat order value of the " << n << " repeat buyers with amounts.\n"
      << "model = \"fixed\"\nvalue = " << shortest(sum / static_cast<double>(n)) << "\n";
  } else {
    t << "# Not calibrated (the log has no amounts): every order is worth `value`. Set it to your\n"
      << "# average order value, or replace this section with a gamma_gamma or lognormal model.\n"
      << "model = \"fixed\"\nvalue = 0.0\n";
  }
  return t.str();
}

}  // namespace

namespace {

//! Renames every output into place; then says where the report went.
void commit(OutputSet& outputs, const std::optional<std::string>& report_out, std::size_t charts, std::ostream& err)
{
  outputs.commit();
  if (report_out) err << "report written to " << *report_out << " (" << charts << " charts)\n";
}

}  // namespace

std::string fit_usage()
{
  std::ostringstream s;
  s << "Usage: clvsim fit TRANSACTIONS.csv --calibration-end DATE [options]\n"
       "       clvsim fit --survival COHORT.csv [options]\n\n"
       "Fits BG/NBD, Pareto/NBD and gamma-gamma by maximum likelihood to a transaction log\n"
       "(one row per purchase: customer id, date, amount; same-day purchases of a customer are\n"
       "merged), or the sBG to a cohort survival table, and prints estimates, standard errors\n"
       "and log-likelihoods; with --holdout-end also the forecast vs the actual holdout.\n\n"
    << visible_options();
  return s.str();
}

int run_fit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
  po::options_description hidden;
  hidden.add_options()("transactions", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(visible_options()).add(hidden);
  po::positional_options_description positional;
  positional.add("transactions", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(usage_error(e.what()));
  }
  if (vm.count("help")) {
    out << fit_usage();
    return 0;
  }
  auto get = [&](const char* name) -> std::optional<std::string> {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<std::string>();
  };
  const bool force = vm["force"].as<bool>(), json = vm["json"].as<bool>();
  const std::vector<std::string> inputs =
      vm.count("transactions") ? vm["transactions"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const auto survival = get("survival");
  const auto summary_in = get("summary");
  if (inputs.size() > 1)
    throw InputError(usage_error("expected one TRANSACTIONS.csv, got " + std::to_string(inputs.size())));
  if ((survival ? 1 : 0) + (summary_in ? 1 : 0) + (inputs.empty() ? 0 : 1) > 1)
    throw InputError(usage_error("give one of TRANSACTIONS.csv, --summary FILE.csv or --survival FILE.csv"));
  if (!survival && !summary_in && inputs.empty()) throw InputError(usage_error("missing TRANSACTIONS.csv"));

  const auto unit_text = *get("time-unit");
  const auto unit = parse_time_unit(unit_text);
  if (!unit) throw InputError(usage_error("--time-unit '" + unit_text + "' must be day, week or month"));
  const std::string model = get("model").value_or("");
  if (!model.empty() && model != "bg_nbd" && model != "mbg_nbd" && model != "pareto_nbd" && model != "bg_bb" &&
      model != "all")
    throw InputError(usage_error("--model '" + model + "' must be bg_nbd, mbg_nbd, pareto_nbd, bg_bb or all"));
  if (survival && !model.empty())
    throw InputError(usage_error("--model does not apply to --survival (it fits the sBG)"));
  if (model == "bg_bb" && !summary_in)
    throw InputError(usage_error("--model bg_bb needs --summary FILE.csv with the columns x,t_x,n (discrete time)"));
  const int threads = vm["threads"].as<int>();
  if (threads < 0 || threads > 1024)
    throw InputError(usage_error("--threads " + std::to_string(threads) + " is out of range [0, 1024]"));
  const ChunkRunner runner = make_runner(threads);
  // The purchase models to fit, given the kind of data (continuous: log or summary with T).
  const auto wants = [&](const char* m) {
    return model == m || model == "all" || (model.empty() && std::string(m) == "bg_nbd");
  };

  int horizon = *unit == TimeUnit::month ? 12 : 52;
  if (auto h = get("horizon")) {
    int v = 0;
    const auto [p, ec] = std::from_chars(h->data(), h->data() + h->size(), v);
    if (h->empty() || ec != std::errc() || p != h->data() + h->size() || v < 1)
      throw InputError(usage_error("--horizon '" + *h + "' must be a whole number of periods >= 1"));
    horizon = v;
  }

  // Outputs: decided and checked before any work, so bad usage writes nothing.
  const auto toml_out = get("output");
  std::optional<std::string> summary_out = get("summary-out");
  if (survival && summary_out) throw InputError(usage_error("--summary-out needs a transaction log, not --survival"));
  if (!survival && toml_out && !summary_out) {
    const fs::path p(*toml_out);
    summary_out = (p.parent_path() / (p.stem().string() + "_customers.csv")).string();
  }
  if (toml_out && summary_out &&
      fs::absolute(*toml_out).lexically_normal() == fs::absolute(*summary_out).lexically_normal())
    throw InputError(usage_error("-o and --summary-out name the same file " + *toml_out));

  const auto predictions_out = get("predictions");
  if (predictions_out && survival)
    throw InputError(usage_error("--predictions needs customers: a transaction log or --summary"));
  const auto report_out = get("report");
  // Every output reserved now (a temporary each) and renamed into place together at the end.
  OutputSet outputs(force);
  const std::string toml_tmp = toml_out ? outputs.add(*toml_out, "scenario fragment") : "";
  const std::string summary_tmp = summary_out ? outputs.add(*summary_out, "customer summary") : "";
  const std::string report_tmp = report_out ? outputs.add(*report_out, "report file") : "";
  const std::string predictions_tmp = predictions_out ? outputs.add(*predictions_out, "predictions file") : "";
  // Writes what `write` prints into the temporary `tmp` of the output `path`.
  const auto write_output = [](const std::string& tmp, const char* what, const std::string& path,
                               const std::function<void(std::ostream&)>& write) {
    std::ostringstream text;
    write(text);
    report::write_text_file(tmp, text.str(), what, path);
  };
  std::string command_line = "clvsim fit";
  for (const auto& a : args) command_line += " " + a;
  std::size_t report_charts = 0;
  const auto write_report = [&](const CollapsedSummary* data, const FitReport& r) {
    if (!report_out) return;
    const FitHtml html = fit_report_html(r, data, command_line);
    report::write_text_file(report_tmp, html.html, "report file", *report_out);
    report_charts = html.charts;
  };

  FitReport report;

  FragmentOptions fragment;
  fragment.time_unit = *unit;
  fragment.horizon_periods = horizon;
  fragment.currency = get("currency").value_or("");
  fragment.name = get("name").value_or("");
  fragment.parameter_uncertainty = vm["parameter-uncertainty"].as<bool>();
  if (fragment.parameter_uncertainty && !toml_out)
    throw InputError(usage_error("--parameter-uncertainty writes into the fragment: give -o FILE.toml"));

  if (survival) {
    for (const char* o : {"calibration-end", "holdout-end", "columns"})
      if (vm.count(o)) throw InputError(usage_error(std::string("--") + o + " does not apply to --survival"));
    if (vm["time-unit"].defaulted())
      throw InputError(
          usage_error("--survival needs --time-unit week or month: the period of the cohort table, which "
                      "becomes simulation.period of the fragment"));
    if (*unit == TimeUnit::day)
      throw InputError(
          usage_error("--survival needs --time-unit week or month (the sBG's period is the simulation period)"));
    check_readable(*survival, "survival table");
    const SurvivalTable table = read_survival_table(*survival);
    report.source = *survival;
    report.survival = &table;
    report.fits.push_back(fit_sbg(table));
    refuse_unidentified(*survival, report.fits.back());
    for (const auto& w : report.fits.back().warnings) err << "warning: " << w << "\n";
    if (json)
      print_json(out, report);
    else
      print_console(out, report);
    if (toml_out) {
      FragmentOptions fo = fragment;
      fo.purchase = &report.fits.back();
      report::write_text_file(toml_tmp, scenario_fragment(report, fo), "scenario fragment", *toml_out);
    }
    write_report(nullptr, report);
    commit(outputs, report_out, report_charts, err);
    return 0;
  }

  if (summary_in) {
    for (const char* o : {"calibration-end", "holdout-end", "columns", "summary-out"})
      if (vm.count(o)) throw InputError(usage_error(std::string("--") + o + " does not apply to --summary"));
    check_readable(*summary_in, "customer summary");
    const SummaryFile file = read_summary_file(*summary_in, *unit);
    report.source = *summary_in;
    report.summary_source = *summary_in;
    DiscreteSummary discrete;
    std::optional<CollapsedSummary> data;
    if (file.discrete) {
      if (!model.empty() && model != "bg_bb" && model != "all")
        throw InputError(usage_error("--model " + model + " needs x,t_x,T; " + *summary_in +
                                     " has n (discrete time): use --model bg_bb"));
      discrete = collapse_discrete(file.x, file.t_x, file.n, file.count);
      report.discrete = &discrete;
      report.fits.push_back(fit_bg_bb(discrete));
    } else {
      if (model == "bg_bb")
        throw InputError(usage_error("--model bg_bb needs x,t_x,n; " + *summary_in + " has T (continuous time)"));
      report.summary = &file.continuous;
      data = collapse(file.continuous.x, file.continuous.t_x, file.continuous.T, file.continuous.count);
      if (wants("bg_nbd")) report.fits.push_back(fit_bg_nbd(*data, runner));
      if (wants("mbg_nbd")) report.fits.push_back(fit_mbg_nbd(*data, runner));
      if (wants("pareto_nbd")) report.fits.push_back(fit_pareto_nbd(*data, runner));
    }
    const std::size_t purchase_fits = report.fits.size();
    if (file.continuous.has_amounts) {
      report.fits.push_back(fit_gamma_gamma(file.continuous.x, file.continuous.m_x, &report.gamma_gamma_skipped_zero,
                                            file.continuous.count));
    }
    for (const auto& f : report.fits)
      for (const auto& w : f.warnings) err << "warning: " << w << "\n";
    std::vector<const FitResult*> purchase;
    for (std::size_t k = 0; k < purchase_fits; ++k) purchase.push_back(&report.fits[k]);
    if (!file.discrete) report.comparison = compare_models(purchase, file.continuous, {}, SIMULATED_MODELS);
    if (json)
      print_json(out, report);
    else
      print_console(out, report);
    if (predictions_out && !file.discrete) {
      std::vector<std::vector<double>> predicted;
      for (const FitResult* f : purchase)
        predicted.push_back(predict_customers(*f, file.continuous, horizon_length(horizon, *unit)));
      write_output(predictions_tmp, "predictions file", *predictions_out,
                   [&](std::ostream& f) { write_predictions(f, file.continuous, purchase, predicted); });
    } else if (predictions_out) {
      throw InputError(usage_error("--predictions is for the continuous-time models (x,t_x,T)"));
    }
    if (toml_out) {
      FragmentOptions fo = fragment;
      fo.purchase = purchase.front();
      if (report.comparison)
        for (const FitResult* f : purchase)
          if (f->model == report.comparison->chosen) fo.purchase = f;
      if (report.fits.size() > purchase_fits) fo.spend = &report.fits.back();
      if (!file.has_ids || file.has_counts) {
        fo.history_note = std::string("the summary ") +
                          (file.has_counts ? "has a count column (population.history holds one row per customer)"
                                           : "has no customer_id column") +
                          "; add population.history for a forecast of these customers";
      } else {
        const fs::path toml_dir = fs::absolute(*toml_out).parent_path();
        std::error_code ec;
        fs::path rel = fs::relative(fs::absolute(*summary_in), toml_dir, ec);
        fo.history = (ec || rel.empty() ? fs::absolute(*summary_in) : rel).generic_string();
      }
      if (std::find(SIMULATED_MODELS.begin(), SIMULATED_MODELS.end(), fo.purchase->model) == SIMULATED_MODELS.end())
        err << "warning: " << *toml_out << ": clvsim run cannot simulate " << fo.purchase->model
            << " yet; the fragment records the fit but does not run until it can\n";
      std::string text = scenario_fragment(report, fo);
      if (!fo.spend && !file.discrete)
        text += fixed_spend_section(file.continuous, "");  // so that `clvsim run` accepts it
      report::write_text_file(toml_tmp, text, "scenario fragment", *toml_out);
    }
    write_report(data ? &*data : nullptr, report);
    commit(outputs, report_out, report_charts, err);
    return 0;
  }

  // Transaction log.
  LogFormat format;
  format.date_format = DateFormat(*get("date-format"));
  if (auto c = get("columns")) {
    std::vector<std::string> names;
    if (!csv::split_line(*c, names) || names.size() < 2 || names.size() > 3 ||
        std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); }))
      throw InputError(
          usage_error("--columns '" + *c + "' must name the id, date and amount columns, e.g. id,date,amount"));
    format.id_column = names[0];
    format.date_column = names[1];
    format.amount_column = names.size() == 3 ? names[2] : "";
  }
  const auto cal_text = get("calibration-end");
  if (!cal_text) throw InputError(usage_error("--calibration-end DATE is required"));
  SummaryOptions so;
  so.time_unit = *unit;
  so.calibration_end = parse_day("calibration-end", *cal_text, format.date_format);
  if (auto h = get("holdout-end")) {
    so.holdout_end = parse_day("holdout-end", *h, format.date_format);
    if (*so.holdout_end <= so.calibration_end)
      throw InputError(usage_error("--holdout-end " + format_iso(*so.holdout_end) +
                                   " must be after --calibration-end " + format_iso(so.calibration_end)));
  }
  format.last_day = so.holdout_end.value_or(so.calibration_end);

  check_readable(inputs[0], "transaction log");
  std::ifstream log_in(inputs[0], std::ios::binary);
  const TransactionLog log = read_transactions(log_in, inputs[0], format);
  const CustomerSummary summary = summarize(log, so);
  // Data that cannot identify the model are refused before fitting.
  if (summary.customers() < MIN_FIT_CUSTOMERS)
    throw InputError("error: " + inputs[0] + ": too few customers to fit: " + std::to_string(summary.customers()) +
                     " in the calibration cohort, at least " + std::to_string(MIN_FIT_CUSTOMERS) + " needed");
  // The summary is the population.history of the fragment: its values within that reader's bounds.
  for (std::size_t i = 0; i < summary.customers(); ++i)
    if (!(summary.m_x[i] <= scenarios::MAX_HISTORY_ORDER_VALUE))
      throw InputError("error: " + inputs[0] + ": customer '" + csv::excerpt(summary.ids[i]) +
                       "' has a mean repeat order value of " + shortest(summary.m_x[i]) + ", beyond " +
                       shortest(scenarios::MAX_HISTORY_ORDER_VALUE) + " (the bound of a history's m_x)");
  if (summary.repeat_customers == 0)
    throw InputError("error: " + inputs[0] + ": no customer bought again by the calibration end " +
                     format_iso(so.calibration_end) + " (0 repeat buyers among " + std::to_string(summary.customers()) +
                     " customers): the purchase model cannot be identified");
  report.source = inputs[0];
  report.summary = &summary;
  report.log_rows = log.rows_read;

  const CollapsedSummary data = collapse(summary.x, summary.t_x, summary.T);
  if (wants("bg_nbd")) report.fits.push_back(fit_bg_nbd(data, runner));
  if (wants("mbg_nbd")) report.fits.push_back(fit_mbg_nbd(data, runner));
  if (wants("pareto_nbd")) report.fits.push_back(fit_pareto_nbd(data, runner));
  const std::size_t purchase_fits = report.fits.size();
  if (summary.has_amounts) {
    if (summary.repeat_customers >= 3) {
      report.fits.push_back(fit_gamma_gamma(summary.x, summary.m_x, &report.gamma_gamma_skipped_zero));
      if (report.gamma_gamma_skipped_zero)
        err << "warning: gamma_gamma: left out " << report.gamma_gamma_skipped_zero
            << " repeat buyers whose mean repeat amount is 0\n";
    } else {
      err << "warning: gamma_gamma: not fitted, only " << summary.repeat_customers << " repeat buyers\n";
    }
  }
  for (std::size_t k = 0; k < purchase_fits; ++k) refuse_unidentified(inputs[0], report.fits[k]);
  // A spend model at the bounds (order values without heterogeneity between customers) is
  // shown with its warning but not put into the fragment, which gets a fixed order value.
  std::string spend_not_used = summary.has_amounts && report.fits.size() == purchase_fits
                                   ? std::to_string(summary.repeat_customers) + " repeat buyers, at least 3 needed"
                                   : "";
  if (report.fits.size() > purchase_fits) {
    if (const std::string at = estimates_at_bounds(report.fits.back()); !at.empty()) {
      spend_not_used = "its estimates " + at + " are at the optimiser's bounds";
      err << "warning: gamma_gamma: " << spend_not_used << "; the scenario fragment uses a fixed order value\n";
    }
  }
  for (const auto& f : report.fits)
    for (const auto& w : f.warnings) err << "warning: " << w << "\n";

  std::vector<const FitResult*> purchase;
  for (std::size_t k = 0; k < purchase_fits; ++k) purchase.push_back(&report.fits[k]);
  std::vector<std::vector<double>> predicted;  // per model and customer: E[Y | history] over the holdout
  if (summary.holdout_end) {
    const double t = (*summary.holdout_end - summary.calibration_end) / days_in(*unit);
    report.holdout_length = t;
    for (const FitResult* f : purchase) {
      predicted.push_back(predict_customers(*f, summary, t));
      double expected = std::numeric_limits<double>::quiet_NaN();
      try {
        expected = expected_conditional_total(*f, data, t);
      } catch (const std::exception& e) {
        err << "warning: " << f->model << ": the holdout forecast cannot be computed at these estimates (" << e.what()
            << ")\n";
      }
      report.holdout.push_back({f->model, expected, static_cast<double>(summary.holdout_transactions)});
    }
    report.by_frequency = holdout_by_frequency(summary, purchase, predicted);
  }
  report.comparison = compare_models(purchase, summary, predicted, SIMULATED_MODELS);
  if (!json || report_out || summary.holdout_end) {
    report.tracking = track(summary, purchase);
    for (std::size_t m = 0; m < purchase.size(); ++m)
      if (!std::isfinite(report.tracking->expected[m].back()))
        err << "warning: " << purchase[m]->model
            << ": E[X(t)] cannot be computed at these estimates; its tracking column is n/a\n";
  }

  if (json)
    print_json(out, report);
  else
    print_console(out, report);

  if (summary_out)
    write_output(summary_tmp, "customer summary", *summary_out,
                 [&](std::ostream& f) { write_summary_csv(summary, f); });
  if (predictions_out) {
    const double t = summary.holdout_end ? report.holdout_length : horizon_length(horizon, *unit);
    if (predicted.empty())
      for (const FitResult* f : purchase) predicted.push_back(predict_customers(*f, summary, t));
    write_output(predictions_tmp, "predictions file", *predictions_out,
                 [&](std::ostream& f) { write_predictions(f, summary, purchase, predicted); });
  }
  if (toml_out) {
    FragmentOptions fo = fragment;
    // With --model all, the model the comparison chose (compare_models) goes into the scenario.
    fo.purchase = purchase.front();
    for (const FitResult* f : purchase)
      if (f->model == report.comparison->chosen) fo.purchase = f;
    if (report.fits.size() > purchase_fits && spend_not_used.empty()) fo.spend = &report.fits.back();
    const fs::path toml_dir = fs::absolute(*toml_out).parent_path();
    std::error_code ec;
    fs::path rel = fs::relative(fs::absolute(*summary_out), toml_dir, ec);
    fo.history = (ec || rel.empty() ? fs::absolute(*summary_out) : rel).generic_string();
    if (std::find(SIMULATED_MODELS.begin(), SIMULATED_MODELS.end(), fo.purchase->model) == SIMULATED_MODELS.end())
      err << "warning: " << *toml_out << ": clvsim run cannot simulate " << fo.purchase->model
          << " yet; the fragment records the fit but does not run until it can\n";
    std::string text = scenario_fragment(report, fo);
    if (!fo.spend) text += fixed_spend_section(summary, spend_not_used);  // so that `clvsim run` accepts it
    report::write_text_file(toml_tmp, text, "scenario fragment", *toml_out);
  }
  write_report(&data, report);
  commit(outputs, report_out, report_charts, err);
  return 0;
}

}  // namespace clvsim::fit
