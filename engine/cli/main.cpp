//! clvsim command line (README "Exit codes"): parse -> load -> run -> write. The one place that
//! catches exceptions and maps them to exit codes: 0 ok, 1 internal error, 2 bad usage or
//! invalid input, 3 I/O error, 130/143 interrupted.
#include "engine/cli/report_commands.h"
#include "engine/core/errors.h"
#include "engine/core/csv.h"
#include "engine/io/console_summary.h"
#include "engine/io/hdf5_results.h"
#include "engine/io/json_summary.h"
#include "engine/report/output_file.h"
#include "engine/run/checkpoint.h"
#include "engine/run/driver.h"
#include "engine/run/mpi_driver.h"
#include "engine/stats/summary.h"
#include "engine/cli/fit_command.h"
#include "scenarios/keys.h"
#include "scenarios/loader.h"
#include "scenarios/warnings.h"

#include <boost/program_options.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace clvsim;

namespace {

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "0.0.0"
#endif
constexpr const char* VERSION = CLVSIM_VERSION;

const char* MAIN_USAGE =
    "clvsim " CLVSIM_VERSION " - Monte Carlo forecasts of customer lifetime value, churn and the ROI\n"
    "of customer-service and loyalty investments.\n\n"
    "usage: clvsim <command> [options]\n\n"
    "commands:\n"
    "  run [SCENARIO]     simulate a scenario (the built-in default when none is given)\n"
    "  validate SCENARIO  check a scenario and print it resolved; runs nothing\n"
    "  show RESULTS.h5    print the summary of an existing results file\n"
    "  report RESULTS.h5  write a self-contained HTML report with charts (-o FILE.html)\n"
    "  export RESULTS.h5  write the results as tidy CSV files (--csv DIR)\n"
    "  fit LOG.csv        calibrate purchase and spend models from a transaction log\n"
    "  batch FILE...      run many scenarios into --out-dir, skipping complete results\n\n"
    "options:\n"
    "  -h [ --help ]      this help; 'clvsim <command> --help' for a command's options\n"
    "  --version          print the version\n\n"
    "exit codes: 0 ok, 1 internal error, 2 bad usage or invalid input, 3 I/O error,\n"
    "            130/143 interrupted\n";

// Temporary files an interrupted run may have begun ("<output>.tmp-<pid>", the naming of
// every writer here), set before any is opened; the handler removes them (unlink is
// async-signal-safe) so an interrupted run leaves nothing behind.
char g_tmp_results[4096] = {0};
char g_tmp_forecast[4096] = {0};
char g_tmp_report[4096] = {0};

void remember_tmp(char (&slot)[4096], const std::string& output)
{
  const std::string tmp = output + ".tmp-" + std::to_string(getpid());
  if (tmp.size() < sizeof slot) std::memcpy(slot, tmp.c_str(), tmp.size() + 1);
}

std::string join_command_line(int argc, char** argv)
{
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i) s += ' ';
    s += argv[i];
  }
  return s;
}

//! Parse a command's options; unknown options and bad values become InputError (exit 2).
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& opts,
                        const po::positional_options_description& pos, const std::string& command)
{
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string("error: clvsim ") + command + ": " + e.what() +
                     " (see 'clvsim " + command + " --help')");
  }
  return vm;
}

scenarios::Scenario load(const std::string& path, const std::vector<std::string>& sets)
{
  return path.empty() ? scenarios::load_default(sets) : scenarios::load_file(path, sets);
}

//! The scenario's warnings (scenarios/warnings.h) on stderr: they change no exit code.
void print_warnings(const scenarios::Scenario& scenario)
{
  for (const auto& line : scenarios::warnings(scenario)) std::cerr << line << '\n';
}

double parse_size(const std::string& text)
{
  std::size_t used = 0;
  double v = -1;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  const std::string unit = text.substr(used);
  const double mult = unit.empty() || unit == "B" ? 1.0
                      : unit == "K" || unit == "KB" ? 1024.0
                      : unit == "M" || unit == "MB" ? 1024.0 * 1024
                      : unit == "G" || unit == "GB" ? 1024.0 * 1024 * 1024
                      : unit == "T" || unit == "TB" ? 1024.0 * 1024 * 1024 * 1024 : -1.0;
  if (v <= 0 || mult < 0)
    throw InputError("error: --max-memory = '" + text + "' is not a size (examples: 8G, 500M, 1048576)");
  return v * mult;
}

double physical_memory_bytes()
{
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

std::string human_bytes(double b)
{
  char buf[32];
  if (b >= 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f GiB", b / (1024.0 * 1024 * 1024));
  else std::snprintf(buf, sizeof buf, "%.0f MiB", b / (1024.0 * 1024));
  return buf;
}

//! Atomic text output: write a temporary file in the same directory, then rename.
void write_text_file(const std::string& path, const std::string& text)
{
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw IoError("error: cannot write '" + path + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw IoError("error: cannot write '" + path + "': " + ec.message());
  }
}

//! The per-customer forecast as CSV, written to a temporary file and renamed when complete.
//! Ids are quoted where needed ("Smith, Ann"), as the history file may give them.
void write_forecast(const CustomerForecast& f, const std::string& path)
{
  std::ostringstream out;
  out << "customer_id,p_alive,expected_orders,expected_orders_se,expected_orders_closed_form,"
         "expected_clv,expected_clv_se\n";
  out.precision(10);
  for (std::size_t j = 0; j < f.customer_id.size(); ++j)
    out << csv::field(f.customer_id[j]) << ',' << f.p_alive[j] << ',' << f.expected_orders[j] << ','
        << f.expected_orders_se[j] << ',' << f.expected_orders_closed_form[j] << ','
        << f.expected_clv[j] << ',' << f.expected_clv_se[j] << '\n';
  write_text_file(path, out.str());
}

class Progress {
public:
  explicit Progress(bool quiet) : quiet_(quiet), tty_(isatty(fileno(stderr)) != 0) {}
  void operator()(int done, int total)
  {
    if (quiet_) return;
    if (tty_) {
      const int width = 40;
      const int filled = total > 0 ? done * width / total : width;
      std::fprintf(stderr, "\r[%.*s%*s] %d/%d paths", filled,
                   "########################################", width - filled, "", done, total);
      if (done == total) std::fputc('\n', stderr);
      std::fflush(stderr);
    } else {
      // plain lines: every 10% (and the last path)
      const int step = total >= 10 ? total / 10 : 1;
      if (done % step == 0 || done == total)
        std::fprintf(stderr, "progress: %d/%d paths\n", done, total);
    }
  }

private:
  bool quiet_, tty_;
};

Kernel parse_kernel(const std::string& name)
{
  if (name == "fast") return Kernel::fast;
  if (name == "reference") return Kernel::reference;
  throw InputError("error: --kernel = '" + name + "' is not one of: fast, reference");
}

int cmd_run(const std::vector<std::string>& args, const std::string& command_line, mpi::Session& mpi)
{
  po::options_description opts("clvsim run [SCENARIO] [options]");
  std::vector<std::string> sets, sweeps;
  opts.add_options()
      ("help,h", "this help")
      ("scenario", po::value<std::string>()->default_value(""), "scenario file (default: the built-in scenario)")
      ("output,o", po::value<std::string>(), "write the results to this HDF5 file")
      ("paths", po::value<std::string>(), "number of Monte Carlo paths (simulation.paths)")
      ("threads", po::value<int>()->default_value(0), "worker threads (0 = all cores); results do not depend on it")
      ("seed", po::value<std::string>(), "random seed (simulation.seed)")
      ("set", po::value<std::vector<std::string>>(&sets)->composing(), "KEY=VALUE: override any scenario key (repeatable)")
      ("sweep", po::value<std::vector<std::string>>(&sweeps)->composing(), "KEY=v1,v2,...: run the grid of values as variants sweep_0000, ... (repeatable)")
      ("json", "print one JSON document instead of the summary table")
      ("quiet,q", "no progress on stderr")
      ("customer-forecast", po::value<std::string>(), "write the per-customer forecast of population.history customers to this CSV")
      ("report", po::value<std::string>(), "write a self-contained HTML report with charts to this file")
      ("max-memory", po::value<std::string>(), "refuse runs estimated to need more memory (e.g. 8G, 500M; default: the machine's memory)")
      ("kernel", po::value<std::string>()->default_value("fast"),
       "fast | reference: the period kernel; reference is the plain per-customer model the fast one is tested against (same results, slower)")
      ("checkpoint", po::value<std::string>(), "journal each finished path to this file, so a stopped run can continue (--resume)")
      ("resume", "continue the run journalled in --checkpoint FILE (a missing FILE starts a new one); the results equal an uninterrupted run's")
      ("force", "overwrite existing output files (and start an existing --checkpoint FILE again)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const auto vm = parse(args, opts, pos, "run");
  if (vm.count("help")) {
    std::cout << opts << "\nExamples:\n  clvsim run\n  clvsim run shop.toml -o results.h5 --paths 1000 --set service.courtesy=0.95\n";
    return 0;
  }
  const int threads = vm["threads"].as<int>();
  if (threads < 0) throw InputError("error: --threads = " + std::to_string(threads) + " is out of range [0, 1024]");
  const std::vector<std::string> user_sets = sets;  // for the checkpoint's manifest
  // --paths and --seed are scenario keys: validated like the file.
  if (vm.count("paths")) sets.push_back("simulation.paths=" + vm["paths"].as<std::string>());
  if (vm.count("seed")) sets.push_back("simulation.seed=" + vm["seed"].as<std::string>());
  auto scenario = load(vm["scenario"].as<std::string>(), sets);
  for (const auto& spec : sweeps) scenarios::add_sweep(scenario, spec);
  if (mpi.root()) print_warnings(scenario);

  std::string output;
  const bool force = vm.count("force") > 0;
  if (vm.count("output")) {
    output = vm["output"].as<std::string>();
    // Refuse before simulating rather than after.
    if (std::filesystem::exists(output) && !force)
      throw InputError("error: results file '" + output + "' exists; use --force to overwrite");
  }

  std::string forecast_path;
  if (vm.count("customer-forecast")) {
    forecast_path = vm["customer-forecast"].as<std::string>();
    if (scenario.population.history.empty())
      throw InputError("error: --customer-forecast needs existing customers: set population.history in the scenario");
    if (std::filesystem::exists(forecast_path) && !force)
      throw InputError("error: forecast file '" + forecast_path + "' exists; use --force to overwrite");
  }
  const std::string report_path = vm.count("report") ? vm["report"].as<std::string>() : "";
  if (!report_path.empty()) report::check_output_path(report_path, force, "report file");
  if (vm.count("resume") && !vm.count("checkpoint")) throw InputError("error: --resume needs --checkpoint FILE");
  // Under MPI the machine's memory is shared by its ranks, and --threads 0 shares its cores.
  const int rank_threads = threads == 0 && mpi.active() ? mpi.default_threads() : threads;
  const double limit = vm.count("max-memory") ? parse_size(vm["max-memory"].as<std::string>())
                                              : physical_memory_bytes() / mpi.local_size();
  const double need = estimate_memory_bytes(scenario, rank_threads);
  if (limit > 0 && need > limit)
    throw InputError("error: this run is estimated to need " + human_bytes(need) + " of memory, more than " +
                     (vm.count("max-memory") ? "--max-memory = " : "the machine's ") + human_bytes(limit) +
                     "; use fewer paths, customers or threads");

  RunOptions options;
  options.threads = rank_threads;
  options.kernel = parse_kernel(vm["kernel"].as<std::string>());
  options.command_line = command_line;
  options.clvsim_version = VERSION;
  Progress progress(vm.count("quiet") > 0);
  options.on_progress = [&](int done, int total) { progress(done, total); };
  // Checkpoint and MPI (docs/scaling.md): rank 0 owns the journal; the last step that may
  // fail on bad input, so nothing is written when the input is bad.
  const auto note = [quiet = vm.count("quiet") > 0](const std::string& text) {
    if (!quiet) std::cerr << text << '\n';
  };
  std::unique_ptr<runner::Journal> journal;
  if (vm.count("checkpoint") && mpi.root()) {
    journal = std::make_unique<runner::Journal>(
        vm["checkpoint"].as<std::string>(),
        runner::run_manifest(scenario, user_sets, sweeps, vm["kernel"].as<std::string>(), VERSION),
        vm.count("resume") > 0, force);
    for (const auto& line : journal->notes()) note(line);
  }
  std::unique_ptr<runner::UnitExchange> exchange;
  if (mpi.active()) exchange = mpi::make_exchange(mpi, journal.get(), note);
  else if (journal) exchange = std::make_unique<runner::CheckpointExchange>(*journal, note);
  options.exchange = exchange.get();
  if (mpi.active())
    if (const int code = mpi.agree(0).code; code != 0) return code;  // another rank's input was bad
  const Results results = run(scenario, options);
  if (!mpi.root()) {  // rank 0 writes and prints
    mpi.barrier();
    return 0;
  }

  if (!output.empty()) remember_tmp(g_tmp_results, output);
  if (!forecast_path.empty()) remember_tmp(g_tmp_forecast, forecast_path);
  if (!output.empty()) io::write_results(results, output, force);
  if (!forecast_path.empty()) write_forecast(results.forecast, forecast_path);
  std::size_t report_charts = 0;
  if (!report_path.empty()) {
    remember_tmp(g_tmp_report, report_path);
    report_charts = cli::write_results_report(results, report_path, scenarios::describe(scenario), output);
  }
  if (vm.count("json")) std::cout << io::to_json(results) << '\n';
  else {
    io::print_summary(results, std::cout);
    if (!output.empty()) std::cout << "\nresults written to " << output << '\n';
    if (!report_path.empty()) std::cout << "report written to " << report_path << " (" << report_charts << " charts)\n";
  }
  mpi.barrier();
  return 0;
}

int cmd_validate(const std::vector<std::string>& args)
{
  po::options_description opts("clvsim validate SCENARIO [options]");
  std::vector<std::string> sets;
  opts.add_options()
      ("help,h", "this help")
      ("scenario", po::value<std::string>(), "scenario file")
      ("set", po::value<std::vector<std::string>>(&sets)->composing(), "KEY=VALUE: override any scenario key");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const auto vm = parse(args, opts, pos, "validate");
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (!vm.count("scenario")) throw InputError("error: clvsim validate: missing SCENARIO (see 'clvsim validate --help')");
  const auto scenario = scenarios::load_file(vm["scenario"].as<std::string>(), sets);
  std::cout << scenarios::describe(scenario);
  print_warnings(scenario);
  std::cerr << vm["scenario"].as<std::string>() << ": ok\n";
  return 0;
}

int cmd_show(const std::vector<std::string>& args)
{
  po::options_description opts("clvsim show RESULTS.h5 [options]");
  opts.add_options()
      ("help,h", "this help")
      ("results", po::value<std::string>(), "results file written by 'clvsim run -o'")
      ("json", "print one JSON document instead of the summary table");
  po::positional_options_description pos;
  pos.add("results", 1);
  const auto vm = parse(args, opts, pos, "show");
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (!vm.count("results")) throw InputError("error: clvsim show: missing RESULTS.h5 (see 'clvsim show --help')");
  const std::string path = vm["results"].as<std::string>();
  if (!std::filesystem::exists(path)) throw IoError("error: cannot read results file '" + path + "': No such file or directory");
  const Results results = io::read_results(path);
  if (vm.count("json")) std::cout << io::to_json(results) << '\n';
  else io::print_summary(results, std::cout);
  return 0;
}

int cmd_batch(const std::vector<std::string>& args, const std::string& command_line)
{
  po::options_description opts("clvsim batch SCENARIO... --out-dir DIR [options]");
  std::vector<std::string> files, sets;
  opts.add_options()
      ("help,h", "this help")
      ("scenarios", po::value<std::vector<std::string>>(&files), "scenario files")
      ("out-dir", po::value<std::string>(), "directory for <name>.h5 per scenario and index.csv/index.json")
      ("paths", po::value<std::string>(), "paths for every scenario (simulation.paths)")
      ("threads", po::value<int>()->default_value(0), "worker threads (0 = all cores)")
      ("seed", po::value<std::string>(), "random seed for every scenario (simulation.seed)")
      ("set", po::value<std::vector<std::string>>(&sets)->composing(), "KEY=VALUE for every scenario")
      ("quiet,q", "no progress on stderr")
      ("force", "rerun scenarios whose results already exist");
  po::positional_options_description pos;
  pos.add("scenarios", -1);
  const auto vm = parse(args, opts, pos, "batch");
  if (vm.count("help")) {
    std::cout << opts << "\nEach SCENARIO.toml gives DIR/SCENARIO.h5; complete results are skipped (a results file is\n"
                         "renamed into place only when complete), so an interrupted batch resumes where it stopped.\n";
    return 0;
  }
  if (files.empty()) throw InputError("error: clvsim batch: no scenario files (see 'clvsim batch --help')");
  if (!vm.count("out-dir")) throw InputError("error: clvsim batch: missing --out-dir DIR");
  const std::string dir = vm["out-dir"].as<std::string>();
  const bool quiet = vm.count("quiet") > 0, force = vm.count("force") > 0;
  const int threads = vm["threads"].as<int>();
  if (vm.count("paths")) sets.push_back("simulation.paths=" + vm["paths"].as<std::string>());
  if (vm.count("seed")) sets.push_back("simulation.seed=" + vm["seed"].as<std::string>());

  // Validate every scenario before running any, and refuse clashing output names.
  std::vector<scenarios::Scenario> loaded;
  std::vector<std::string> names, problems;
  for (const auto& f : files) {
    const std::string stem = std::filesystem::path(f).stem().string();
    if (std::find(names.begin(), names.end(), stem) != names.end())
      problems.push_back("error: " + f + ": another scenario also writes '" + stem + ".h5'");
    names.push_back(stem);
    try {
      loaded.push_back(scenarios::load_file(f, sets));
    } catch (const InputError& e) {
      problems.push_back(e.what());
    }
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    throw InputError(all);
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError("error: cannot create output directory '" + dir + "': " + ec.message());

  std::ostringstream csv, json;
  csv << "scenario,file,results,status,paths,npv_profit_mean,npv_profit_se,clv_mean,clv_to_cac,"
         "repeat_revenue_share,nps_final,best_investment,best_net_npv_mean,best_p_roi_positive\n";
  json << "{\"clvsim_version\": " << io::json_quote(VERSION) << ", \"scenarios\": [";
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string out = (std::filesystem::path(dir) / (names[i] + ".h5")).string();
    Results results;
    std::string status = "ran";
    bool have = false;
    if (!force && std::filesystem::exists(out)) {
      try {
        results = io::read_results(out);
        have = true;
        status = "skipped";
      } catch (const std::exception&) {
        // unreadable or foreign: run again
      }
    }
    if (!quiet)
      std::cerr << "batch: [" << i + 1 << "/" << files.size() << "] " << files[i]
                << (have ? " (complete results exist, skipped)" : "") << '\n';
    if (!have) {
      print_warnings(loaded[i]);
      RunOptions options;
      options.threads = threads;
      options.command_line = command_line;
      options.clvsim_version = VERSION;
      results = run(loaded[i], options);
      io::write_results(results, out, true);
    }
    auto mean = [&](const std::string& kpi) {
      const auto& p = results.variants.at(0).kpis.paths;
      return p.count(kpi) ? stats::summarize(p.at(kpi)).mean : std::nan("");
    };
    const auto npv = stats::summarize(results.variants.at(0).kpis.paths.at("npv_profit"));
    std::string best;
    double best_net = std::nan(""), best_p = std::nan("");
    for (const auto& c : results.comparisons) {
      const double net = stats::summarize(c.paths.at("net_npv")).mean;
      if (best.empty() || net > best_net) {
        best = c.name;
        best_net = net;
        best_p = io::share_positive(c.paths.at("roi"));
      }
    }
    csv << names[i] << ',' << files[i] << ',' << out << ',' << status << ',' << results.paths << ','
        << io::json_number(npv.mean) << ',' << io::json_number(npv.se) << ',' << io::json_number(mean("clv_mean")) << ','
        << io::json_number(mean("clv_to_cac")) << ',' << io::json_number(mean("repeat_revenue_share")) << ','
        << io::json_number(mean("nps_final")) << ',' << best << ',' << io::json_number(best_net) << ','
        << io::json_number(best_p) << '\n';
    json << (i ? ", " : "") << "{\"scenario\": " << io::json_quote(names[i]) << ", \"file\": " << io::json_quote(files[i])
         << ", \"results\": " << io::json_quote(out) << ", \"status\": " << io::json_quote(status)
         << ", \"paths\": " << results.paths << ", \"npv_profit\": {\"mean\": " << io::json_number(npv.mean)
         << ", \"se\": " << io::json_number(npv.se) << "}, \"clv_mean\": " << io::json_number(mean("clv_mean"))
         << ", \"clv_to_cac\": " << io::json_number(mean("clv_to_cac"))
         << ", \"repeat_revenue_share\": " << io::json_number(mean("repeat_revenue_share"))
         << ", \"nps_final\": " << io::json_number(mean("nps_final")) << ", \"best_investment\": "
         << (best.empty() ? "null" : io::json_quote(best)) << ", \"best_net_npv_mean\": " << io::json_number(best_net)
         << ", \"best_p_roi_positive\": " << io::json_number(best_p) << "}";
  }
  json << "]}\n";
  write_text_file((std::filesystem::path(dir) / "index.csv").string(), csv.str());
  write_text_file((std::filesystem::path(dir) / "index.json").string(), json.str());
  std::cout << csv.str();
  return 0;
}

//! The exit of an error: its message and code. Under MPI an error met before the work began is
//! agreed on by every rank (each met it too, or learns of it where its work would begin) and
//! printed once; one met while working is printed once and ends every rank (MPI_Abort).
int fail(mpi::Session& mpi, int code, const std::string& message)
{
  if (mpi.active() && mpi.working()) mpi.fail_working(code, message);
  const mpi::Session::Outcome outcome = mpi.agree(code);
  if (outcome.print) std::cerr << message << '\n';
  return outcome.code;
}

extern "C" void on_signal(int sig)
{
  if (g_tmp_results[0]) unlink(g_tmp_results);
  if (g_tmp_forecast[0]) unlink(g_tmp_forecast);
  if (g_tmp_report[0]) unlink(g_tmp_report);
  _exit(sig == SIGINT ? 130 : 143);
}

}  // namespace

int main(int argc, char** argv)
{
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  mpi::Session mpi(&argc, &argv);  // MPI when an MPI launcher started clvsim (README "MPI")
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
      std::cerr << MAIN_USAGE;
      return 2;
    }
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << MAIN_USAGE;
      return 0;
    }
    if (command == "--version") {
      std::cout << "clvsim " << VERSION << '\n';
      return 0;
    }
    if (!mpi::built_with_mpi() && mpi::launched_size() != 1)
      throw InputError("error: this clvsim was built without MPI (CLVSIM_MPI): run it without mpirun, as one process");
    if (command == "batch" && mpi.size() > 1)
      throw InputError("error: clvsim batch does not run under MPI; run it as one process, or each scenario with 'mpirun clvsim run'");
    if (command == "run") return cmd_run(args, join_command_line(argc, argv), mpi);
    if (command == "validate") return cmd_validate(args);
    if (command == "show") return cmd_show(args);
    if (command == "fit") return fit::run_fit_command(args, std::cout, std::cerr);
    if (command == "batch") return cmd_batch(args, join_command_line(argc, argv));
    if (command == "report") return cli::cmd_report(args);
    if (command == "export") return cli::cmd_export(args);
    std::cerr << "error: unknown command '" << command << "' (commands: run, validate, show, report, export, fit, batch; see 'clvsim --help')\n";
    return 2;
  } catch (const InputError& e) {
    return fail(mpi, 2, e.what());
  } catch (const IoError& e) {
    return fail(mpi, 3, e.what());
  } catch (const std::bad_alloc&) {
    return fail(mpi, 1, "error: out of memory");
  } catch (const std::exception& e) {
    return fail(mpi, 1, std::string("error: internal error: ") + e.what());
  }
}
