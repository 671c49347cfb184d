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

namespace {

//! What `clvsim fit`'s command line asks for, checked before any work (bad usage writes nothing).
struct FitRequest {
  po::variables_map vm;
  bool json = false;
  std::vector<std::string> inputs;
  std::optional<std::string> survival, summary_in;  //!< --survival, --summary
  TimeUnit unit = TimeUnit::week;
  std::string model;  //!< --model, "" when not given
  int threads = 0;
  int horizon = 0;  //!< --horizon in periods of `unit`
  std::optional<std::string> toml_out, summary_out, predictions_out, report_out;
  FragmentOptions fragment;
  std::string command_line;

  std::optional<std::string> get(const char* name) const
  {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<std::string>();
  }
  //! Whether to fit purchase model `m` to continuous-time data (a log, or a summary with T).
  bool wants(const char* m) const
  {
    return model == m || model == "all" || (model.empty() && std::string(m) == "bg_nbd");
  }
};

//! The command line parsed and checked: which input, which models, which outputs. Throws
//! InputError (exit 2) with one message for the first problem. std::nullopt after --help.
std::optional<FitRequest> parse_request(const std::vector<std::string>& args, std::ostream& out)
{
  FitRequest rq;
  po::options_description hidden;
  hidden.add_options()("transactions", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(visible_options()).add(hidden);
  po::positional_options_description positional;
  positional.add("transactions", -1);
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), rq.vm);
    po::notify(rq.vm);
  } catch (const po::error& e) {
    throw InputError(usage_error(e.what()));
  }
  if (rq.vm.count("help")) {
    out << fit_usage();
    return std::nullopt;
  }
  const po::variables_map& vm = rq.vm;
  rq.json = vm["json"].as<bool>();
  if (vm.count("transactions")) rq.inputs = vm["transactions"].as<std::vector<std::string>>();
  rq.survival = rq.get("survival");
  rq.summary_in = rq.get("summary");
  if (rq.inputs.size() > 1)
    throw InputError(usage_error("expected one TRANSACTIONS.csv, got " + std::to_string(rq.inputs.size())));
  if ((rq.survival ? 1 : 0) + (rq.summary_in ? 1 : 0) + (rq.inputs.empty() ? 0 : 1) > 1)
    throw InputError(usage_error("give one of TRANSACTIONS.csv, --summary FILE.csv or --survival FILE.csv"));
  if (!rq.survival && !rq.summary_in && rq.inputs.empty()) throw InputError(usage_error("missing TRANSACTIONS.csv"));

  const auto unit_text = *rq.get("time-unit");
  const auto unit = parse_time_unit(unit_text);
  if (!unit) throw InputError(usage_error("--time-unit '" + unit_text + "' must be day, week or month"));
  rq.unit = *unit;
  rq.model = rq.get("model").value_or("");
  const std::string& model = rq.model;
  if (!model.empty() && model != "bg_nbd" && model != "mbg_nbd" && model != "pareto_nbd" && model != "bg_bb" &&
      model != "all")
    throw InputError(usage_error("--model '" + model + "' must be bg_nbd, mbg_nbd, pareto_nbd, bg_bb or all"));
  if (rq.survival && !model.empty())
    throw InputError(usage_error("--model does not apply to --survival (it fits the sBG)"));
  if (model == "bg_bb" && !rq.summary_in)
    throw InputError(usage_error("--model bg_bb needs --summary FILE.csv with the columns x,t_x,n (discrete time)"));
  rq.threads = vm["threads"].as<int>();
  if (rq.threads < 0 || rq.threads > 1024)
    throw InputError(usage_error("--threads " + std::to_string(rq.threads) + " is out of range [0, 1024]"));

  rq.horizon = rq.unit == TimeUnit::month ? 12 : 52;
  if (auto h = rq.get("horizon")) {
    int v = 0;
    const auto [p, ec] = std::from_chars(h->data(), h->data() + h->size(), v);
    if (h->empty() || ec != std::errc() || p != h->data() + h->size() || v < 1)
      throw InputError(usage_error("--horizon '" + *h + "' must be a whole number of periods >= 1"));
    rq.horizon = v;
  }

  rq.toml_out = rq.get("output");
  rq.summary_out = rq.get("summary-out");
  if (rq.survival && rq.summary_out)
    throw InputError(usage_error("--summary-out needs a transaction log, not --survival"));
  // A log's fragment names its summary as population.history: beside it by default. (A
  // summary given as input is the history itself: nothing to write.)
  if (!rq.survival && !rq.summary_in && rq.toml_out && !rq.summary_out) {
    const fs::path p(*rq.toml_out);
    rq.summary_out = (p.parent_path() / (p.stem().string() + "_customers.csv")).string();
  }
  if (rq.toml_out && rq.summary_out &&
      fs::absolute(*rq.toml_out).lexically_normal() == fs::absolute(*rq.summary_out).lexically_normal())
    throw InputError(usage_error("-o and --summary-out name the same file " + *rq.toml_out));
  rq.predictions_out = rq.get("predictions");
  if (rq.predictions_out && rq.survival)
    throw InputError(usage_error("--predictions needs customers: a transaction log or --summary"));
  rq.report_out = rq.get("report");

  rq.fragment.time_unit = rq.unit;
  rq.fragment.horizon_periods = rq.horizon;
  rq.fragment.currency = rq.get("currency").value_or("");
  rq.fragment.name = rq.get("name").value_or("");
  rq.fragment.parameter_uncertainty = vm["parameter-uncertainty"].as<bool>();
  if (rq.fragment.parameter_uncertainty && !rq.toml_out)
    throw InputError(usage_error("--parameter-uncertainty writes into the fragment: give -o FILE.toml"));
  rq.command_line = "clvsim fit";
  for (const auto& a : args) rq.command_line += " " + a;
  return rq;
}

//! The outputs of a request, each reserved (a temporary) before any work and renamed into
//! place together at the end (commit).
class FitOutputs {
public:
  explicit FitOutputs(const FitRequest& rq)
      : rq_(rq),
        set_(rq.vm["force"].as<bool>()),
        toml_(rq.toml_out ? set_.add(*rq.toml_out, "scenario fragment") : ""),
        summary_(rq.summary_out ? set_.add(*rq.summary_out, "customer summary") : ""),
        report_(rq.report_out ? set_.add(*rq.report_out, "report file") : ""),
        predictions_(rq.predictions_out ? set_.add(*rq.predictions_out, "predictions file") : "")
  {}

  void fragment(const std::string& text) { report::write_text_file(toml_, text, "scenario fragment", *rq_.toml_out); }
  void summary(const CustomerSummary& s)
  {
    write(summary_, "customer summary", *rq_.summary_out, [&](std::ostream& f) { write_summary_csv(s, f); });
  }
  void predictions(const CustomerSummary& s, const std::vector<const FitResult*>& models,
                   const std::vector<std::vector<double>>& predicted)
  {
    write(predictions_, "predictions file", *rq_.predictions_out,
          [&](std::ostream& f) { write_predictions(f, s, models, predicted); });
  }
  //! The HTML report, when asked for.
  void report(const CollapsedSummary* data, const FitReport& r)
  {
    if (!rq_.report_out) return;
    const FitHtml html = fit_report_html(r, data, rq_.command_line);
    report::write_text_file(report_, html.html, "report file", *rq_.report_out);
    charts_ = html.charts;
  }
  //! Renames every output into place; then says where the report went.
  void commit(std::ostream& err)
  {
    set_.commit();
    if (rq_.report_out) err << "report written to " << *rq_.report_out << " (" << charts_ << " charts)\n";
  }

private:
  //! What `write` prints, into the temporary `tmp` of the output `path`.
  static void write(const std::string& tmp, const char* what, const std::string& path,
                    const std::function<void(std::ostream&)>& write)
  {
    std::ostringstream text;
    write(text);
    report::write_text_file(tmp, text.str(), what, path);
  }

  const FitRequest& rq_;
  OutputSet set_;
  const std::string toml_, summary_, report_, predictions_;
  std::size_t charts_ = 0;
};

void print_report(const FitRequest& rq, const FitReport& report, std::ostream& out)
{
  if (rq.json)
    print_json(out, report);
  else
    print_console(out, report);
}

void print_warnings(const FitReport& report, std::ostream& err)
{
  for (const auto& f : report.fits)
    for (const auto& w : f.warnings) err << "warning: " << w << "\n";
}

//! The warning for a fragment whose purchase model `clvsim run` cannot simulate yet.
void warn_if_not_simulated(const FitRequest& rq, const FitResult& purchase, std::ostream& err)
{
  if (std::find(SIMULATED_MODELS.begin(), SIMULATED_MODELS.end(), purchase.model) == SIMULATED_MODELS.end())
    err << "warning: " << *rq.toml_out << ": clvsim run cannot simulate " << purchase.model
        << " yet; the fragment records the fit but does not run until it can\n";
}

//! `path` as the fragment's population.history: relative to the fragment's folder when it can be.
std::string history_path(const FitRequest& rq, const std::string& path)
{
  const fs::path toml_dir = fs::absolute(*rq.toml_out).parent_path();
  std::error_code ec;
  fs::path rel = fs::relative(fs::absolute(path), toml_dir, ec);
  return (ec || rel.empty() ? fs::absolute(path) : rel).generic_string();
}

//! `--survival COHORT.csv`: the sBG fitted to a cohort survival table.
void fit_survival(const FitRequest& rq, FitOutputs& outputs, std::ostream& out, std::ostream& err)
{
  for (const char* o : {"calibration-end", "holdout-end", "columns"})
    if (rq.vm.count(o)) throw InputError(usage_error(std::string("--") + o + " does not apply to --survival"));
  if (rq.vm["time-unit"].defaulted())
    throw InputError(
        usage_error("--survival needs --time-unit week or month: the period of the cohort table, which "
                    "becomes simulation.period of the fragment"));
  if (rq.unit == TimeUnit::day)
    throw InputError(
        usage_error("--survival needs --time-unit week or month (the sBG's period is the simulation period)"));
  check_readable(*rq.survival, "survival table");
  const SurvivalTable table = read_survival_table(*rq.survival);
  FitReport report;
  report.source = *rq.survival;
  report.survival = &table;
  report.fits.push_back(fit_sbg(table));
  refuse_unidentified(*rq.survival, report.fits.back());
  print_warnings(report, err);
  print_report(rq, report, out);
  if (rq.toml_out) {
    FragmentOptions fo = rq.fragment;
    fo.purchase = &report.fits.back();
    outputs.fragment(scenario_fragment(report, fo));
  }
  outputs.report(nullptr, report);
}

//! `--summary FILE.csv`: the models fitted to a customer summary (x,t_x,T: the continuous-time
//! models and gamma-gamma with amounts; x,t_x,n: BG/BB).
void fit_summary(const FitRequest& rq, FitOutputs& outputs, std::ostream& out, std::ostream& err)
{
  for (const char* o : {"calibration-end", "holdout-end", "columns", "summary-out"})
    if (rq.vm.count(o)) throw InputError(usage_error(std::string("--") + o + " does not apply to --summary"));
  const std::string& source = *rq.summary_in;
  const std::string& model = rq.model;
  const ChunkRunner runner = make_runner(rq.threads);
  check_readable(source, "customer summary");
  const SummaryFile file = read_summary_file(source, rq.unit);
  FitReport report;
  report.source = source;
  report.summary_source = source;
  DiscreteSummary discrete;
  std::optional<CollapsedSummary> data;
  if (file.discrete) {
    if (!model.empty() && model != "bg_bb" && model != "all")
      throw InputError(
          usage_error("--model " + model + " needs x,t_x,T; " + source + " has n (discrete time): use --model bg_bb"));
    discrete = collapse_discrete(file.x, file.t_x, file.n, file.count);
    report.discrete = &discrete;
    report.fits.push_back(fit_bg_bb(discrete));
  } else {
    if (model == "bg_bb")
      throw InputError(usage_error("--model bg_bb needs x,t_x,n; " + source + " has T (continuous time)"));
    report.summary = &file.continuous;
    data = collapse(file.continuous.x, file.continuous.t_x, file.continuous.T, file.continuous.count);
    if (rq.wants("bg_nbd")) report.fits.push_back(fit_bg_nbd(*data, runner));
    if (rq.wants("mbg_nbd")) report.fits.push_back(fit_mbg_nbd(*data, runner));
    if (rq.wants("pareto_nbd")) report.fits.push_back(fit_pareto_nbd(*data, runner));
  }
  const std::size_t purchase_fits = report.fits.size();
  if (file.continuous.has_amounts) {
    report.fits.push_back(fit_gamma_gamma(file.continuous.x, file.continuous.m_x, &report.gamma_gamma_skipped_zero,
                                          file.continuous.count));
  }
  print_warnings(report, err);
  std::vector<const FitResult*> purchase;
  for (std::size_t k = 0; k < purchase_fits; ++k) purchase.push_back(&report.fits[k]);
  if (!file.discrete) report.comparison = compare_models(purchase, file.continuous, {}, SIMULATED_MODELS);
  print_report(rq, report, out);
  if (rq.predictions_out && !file.discrete) {
    std::vector<std::vector<double>> predicted;
    for (const FitResult* f : purchase)
      predicted.push_back(predict_customers(*f, file.continuous, horizon_length(rq.horizon, rq.unit)));
    outputs.predictions(file.continuous, purchase, predicted);
  } else if (rq.predictions_out) {
    throw InputError(usage_error("--predictions is for the continuous-time models (x,t_x,T)"));
  }
  if (rq.toml_out) {
    FragmentOptions fo = rq.fragment;
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
      fo.history = history_path(rq, source);
    }
    warn_if_not_simulated(rq, *fo.purchase, err);
    std::string text = scenario_fragment(report, fo);
    if (!fo.spend && !file.discrete)
      text += fixed_spend_section(file.continuous, "");  // so that `clvsim run` accepts it
    outputs.fragment(text);
  }
  outputs.report(data ? &*data : nullptr, report);
}

//! A transaction log read and summarised at the calibration end (and the holdout's end),
//! with the data that cannot identify a model refused before fitting.
struct LogData {
  CustomerSummary summary;
  std::size_t rows = 0;
};
LogData read_log(const FitRequest& rq)
{
  LogFormat format;
  format.date_format = DateFormat(*rq.get("date-format"));
  if (auto c = rq.get("columns")) {
    std::vector<std::string> names;
    if (!csv::split_line(*c, names) || names.size() < 2 || names.size() > 3 ||
        std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); }))
      throw InputError(
          usage_error("--columns '" + *c + "' must name the id, date and amount columns, e.g. id,date,amount"));
    format.id_column = names[0];
    format.date_column = names[1];
    format.amount_column = names.size() == 3 ? names[2] : "";
  }
  const auto cal_text = rq.get("calibration-end");
  if (!cal_text) throw InputError(usage_error("--calibration-end DATE is required"));
  SummaryOptions so;
  so.time_unit = rq.unit;
  so.calibration_end = parse_day("calibration-end", *cal_text, format.date_format);
  if (auto h = rq.get("holdout-end")) {
    so.holdout_end = parse_day("holdout-end", *h, format.date_format);
    if (*so.holdout_end <= so.calibration_end)
      throw InputError(usage_error("--holdout-end " + format_iso(*so.holdout_end) +
                                   " must be after --calibration-end " + format_iso(so.calibration_end)));
  }
  format.last_day = so.holdout_end.value_or(so.calibration_end);

  const std::string& source = rq.inputs[0];
  check_readable(source, "transaction log");
  std::ifstream log_in(source, std::ios::binary);
  const TransactionLog log = read_transactions(log_in, source, format);
  LogData d{summarize(log, so), log.rows_read};
  const CustomerSummary& summary = d.summary;
  if (summary.customers() < MIN_FIT_CUSTOMERS)
    throw InputError("error: " + source + ": too few customers to fit: " + std::to_string(summary.customers()) +
                     " in the calibration cohort, at least " + std::to_string(MIN_FIT_CUSTOMERS) + " needed");
  // The summary is the population.history of the fragment: its values within that reader's bounds.
  for (std::size_t i = 0; i < summary.customers(); ++i)
    if (!(summary.m_x[i] <= scenarios::MAX_HISTORY_ORDER_VALUE))
      throw InputError("error: " + source + ": customer '" + csv::excerpt(summary.ids[i]) +
                       "' has a mean repeat order value of " + shortest(summary.m_x[i]) + ", beyond " +
                       shortest(scenarios::MAX_HISTORY_ORDER_VALUE) + " (the bound of a history's m_x)");
  if (summary.repeat_customers == 0)
    throw InputError("error: " + source + ": no customer bought again by the calibration end " +
                     format_iso(so.calibration_end) + " (0 repeat buyers among " + std::to_string(summary.customers()) +
                     " customers): the purchase model cannot be identified");
  return d;
}

//! The purchase models asked for and gamma-gamma (with amounts, from 3 repeat buyers) fitted to
//! a log's summary, into report.fits (purchase models first, `purchase_fits` of them); a
//! purchase model the data do not identify is refused. Returns why the spend model is not put
//! into the fragment ("" when it is).
std::string fit_log_models(const FitRequest& rq, const CustomerSummary& summary, const CollapsedSummary& data,
                           FitReport& report, std::size_t& purchase_fits, std::ostream& err)
{
  const ChunkRunner runner = make_runner(rq.threads);
  if (rq.wants("bg_nbd")) report.fits.push_back(fit_bg_nbd(data, runner));
  if (rq.wants("mbg_nbd")) report.fits.push_back(fit_mbg_nbd(data, runner));
  if (rq.wants("pareto_nbd")) report.fits.push_back(fit_pareto_nbd(data, runner));
  purchase_fits = report.fits.size();
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
  for (std::size_t k = 0; k < purchase_fits; ++k) refuse_unidentified(rq.inputs[0], report.fits[k]);
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
  print_warnings(report, err);
  return spend_not_used;
}

//! With a holdout, each purchase model's forecast of every customer's holdout transactions
//! (returned, per model) and of their total against the actual; then the models' comparison
//! and, where something shows it, the tracking of cumulative transactions.
std::vector<std::vector<double>> judge_models(const FitRequest& rq, const CustomerSummary& summary,
                                              const CollapsedSummary& data,
                                              const std::vector<const FitResult*>& purchase, FitReport& report,
                                              std::ostream& err)
{
  std::vector<std::vector<double>> predicted;  // per model and customer: E[Y | history] over the holdout
  if (summary.holdout_end) {
    const double t = (*summary.holdout_end - summary.calibration_end) / days_in(rq.unit);
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
  if (!rq.json || rq.report_out || summary.holdout_end) {
    report.tracking = track(summary, purchase);
    for (std::size_t m = 0; m < purchase.size(); ++m)
      if (!std::isfinite(report.tracking->expected[m].back()))
        err << "warning: " << purchase[m]->model
            << ": E[X(t)] cannot be computed at these estimates; its tracking column is n/a\n";
  }
  return predicted;
}

//! TRANSACTIONS.csv: the models fitted to a transaction log's summary, judged on the holdout.
void fit_log(const FitRequest& rq, FitOutputs& outputs, std::ostream& out, std::ostream& err)
{
  const LogData log = read_log(rq);
  const CustomerSummary& summary = log.summary;
  FitReport report;
  report.source = rq.inputs[0];
  report.summary = &summary;
  report.log_rows = log.rows;
  const CollapsedSummary data = collapse(summary.x, summary.t_x, summary.T);
  std::size_t purchase_fits = 0;
  const std::string spend_not_used = fit_log_models(rq, summary, data, report, purchase_fits, err);
  std::vector<const FitResult*> purchase;
  for (std::size_t k = 0; k < purchase_fits; ++k) purchase.push_back(&report.fits[k]);
  std::vector<std::vector<double>> predicted = judge_models(rq, summary, data, purchase, report, err);
  print_report(rq, report, out);

  if (rq.summary_out) outputs.summary(summary);
  if (rq.predictions_out) {
    const double t = summary.holdout_end ? report.holdout_length : horizon_length(rq.horizon, rq.unit);
    if (predicted.empty())
      for (const FitResult* f : purchase) predicted.push_back(predict_customers(*f, summary, t));
    outputs.predictions(summary, purchase, predicted);
  }
  if (rq.toml_out) {
    FragmentOptions fo = rq.fragment;
    // With --model all, the model the comparison chose (compare_models) goes into the scenario.
    fo.purchase = purchase.front();
    for (const FitResult* f : purchase)
      if (f->model == report.comparison->chosen) fo.purchase = f;
    if (report.fits.size() > purchase_fits && spend_not_used.empty()) fo.spend = &report.fits.back();
    fo.history = history_path(rq, *rq.summary_out);
    warn_if_not_simulated(rq, *fo.purchase, err);
    std::string text = scenario_fragment(report, fo);
    if (!fo.spend) text += fixed_spend_section(summary, spend_not_used);  // so that `clvsim run` accepts it
    outputs.fragment(text);
  }
  outputs.report(&data, report);
}

}  // namespace

int run_fit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
  const std::optional<FitRequest> rq = parse_request(args, out);
  if (!rq) return 0;  // --help
  FitOutputs outputs(*rq);
  if (rq->survival)
    fit_survival(*rq, outputs, out, err);
  else if (rq->summary_in)
    fit_summary(*rq, outputs, out, err);
  else
    fit_log(*rq, outputs, out, err);
  outputs.commit(err);
  return 0;
}

}  // namespace clvsim::fit
