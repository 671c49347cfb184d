//! clvsim command line (README "Exit codes"): parse -> load -> run -> write. The one place that
//! catches exceptions and maps them to exit codes: 0 ok, 1 internal error, 2 bad usage or
//! invalid input, 3 I/O error, 130/143 interrupted.
#include "engine/cli/batch_command.h"
#include "engine/cli/command_options.h"
#include "engine/cli/fit_command.h"
#include "engine/cli/report_commands.h"
#include "engine/core/csv.h"
#include "engine/core/errors.h"
#include "engine/core/output_set.h"
#include "engine/core/temp_files.h"
#include "engine/io/console_summary.h"
#include "engine/io/hdf5_results.h"
#include "engine/io/json_summary.h"
#include "engine/report/output_file.h"
#include "engine/run/checkpoint.h"
#include "engine/run/driver.h"
#include "engine/run/mpi_driver.h"
#include "engine/stats/summary.h"
#include "scenarios/keys.h"
#include "scenarios/loader.h"
#include "scenarios/warnings.h"

#include <boost/program_options.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace clvsim;

namespace {

using cli::checked_threads;
using cli::parse_kernel;
constexpr auto parse = &cli::parse_options;

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "0.0.0"
#endif
constexpr const char* VERSION = CLVSIM_VERSION;

const char* MAIN_USAGE =
    "clvsim " CLVSIM_VERSION
    " - Monte Carlo forecasts of customer lifetime value, churn and the ROI\n"
    "of customer-service and loyalty investments.\n\n"
    "usage: clvsim <command> [options]\n\n"
    "commands:\n"
    "  run [SCENARIO]     simulate a scenario (the built-in default when none is given)\n"
    "  validate SCENARIO  check a scenario and print it resolved; runs nothing\n"
    "  show RESULTS.h5    print the summary of an existing results file\n"
    "  report RESULTS.h5  write a self-contained HTML report with charts (-o FILE.html)\n"
    "  export RESULTS.h5  write the results as tidy CSV files (--csv DIR)\n"
    "  fit LOG.csv        calibrate purchase and spend models from a transaction log\n"
    "  batch FILE...      run many scenarios into --out-dir, reusing results of the same inputs\n\n"
    "options:\n"
    "  -h [ --help ]      this help; 'clvsim <command> --help' for a command's options\n"
    "  --version          print the version\n\n"
    "exit codes: 0 ok, 1 internal error, 2 bad usage or invalid input, 3 I/O error,\n"
    "            130/143 interrupted\n";

std::string join_command_line(int argc, char** argv)
{
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i) s += ' ';
    s += argv[i];
  }
  return s;
}

scenarios::Scenario load(const std::string& path, const std::vector<std::string>& sets)
{
  return path.empty() ? scenarios::load_default(sets) : scenarios::load_file(path, sets);
}

//! The scenario's warnings (scenarios/warnings.h) on stderr: they change no exit code.
//! Returns how many.
std::size_t print_warnings(const scenarios::Scenario& scenario)
{
  const auto lines = scenarios::warnings(scenario);
  for (const auto& line : lines) std::cerr << line << '\n';
  return lines.size();
}

double parse_size(const std::string& text)
{
  std::size_t used = 0;
  double v = -1;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {}
  const std::string unit = text.substr(used);
  const double mult = unit.empty() || unit == "B"   ? 1.0
                      : unit == "K" || unit == "KB" ? 1024.0
                      : unit == "M" || unit == "MB" ? 1024.0 * 1024
                      : unit == "G" || unit == "GB" ? 1024.0 * 1024 * 1024
                      : unit == "T" || unit == "TB" ? 1024.0 * 1024 * 1024 * 1024
                                                    : -1.0;
  if (!std::isfinite(v) || !(v > 0) || mult < 0)
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
  if (b >= 1024.0 * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f GiB", b / (1024.0 * 1024 * 1024));
  else
    std::snprintf(buf, sizeof buf, "%.0f MiB", b / (1024.0 * 1024));
  return buf;
}

//! The per-customer forecast as CSV into `file` (the temporary of `display`). Ids are quoted
//! where needed ("Smith, Ann"), as the history file may give them.
void write_forecast(const CustomerForecast& f, const std::string& file, const std::string& display)
{
  std::ostringstream out;
  out << "customer_id,p_alive,expected_orders,expected_orders_se,expected_orders_closed_form,"
         "expected_clv,expected_clv_se,expected_clv_lifetime,expected_clv_lifetime_se,"
         "orders_p05,orders_p50,orders_p95,clv_lifetime_p05,clv_lifetime_p50,clv_lifetime_p95\n";
  out.precision(10);
  for (std::size_t j = 0; j < f.customer_id.size(); ++j)
    out << csv::field(f.customer_id[j]) << ',' << f.p_alive[j] << ',' << f.expected_orders[j] << ','
        << f.expected_orders_se[j] << ',' << f.expected_orders_closed_form[j] << ',' << f.expected_clv[j] << ','
        << f.expected_clv_se[j] << ',' << f.expected_clv_lifetime[j] << ',' << f.expected_clv_lifetime_se[j] << ','
        << f.orders_p05[j] << ',' << f.orders_p50[j] << ',' << f.orders_p95[j] << ',' << f.clv_lifetime_p05[j] << ','
        << f.clv_lifetime_p50[j] << ',' << f.clv_lifetime_p95[j] << '\n';
  report::write_text_file(file, out.str(), "forecast file", display);
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
      std::fprintf(stderr, "\r[%.*s%*s] %d/%d paths", filled, "########################################",
                   width - filled, "", done, total);
      if (done == total) std::fputc('\n', stderr);
      std::fflush(stderr);
    } else {
      // plain lines: every 10% (and the last path)
      const int step = total >= 10 ? total / 10 : 1;
      if (done % step == 0 || done == total) std::fprintf(stderr, "progress: %d/%d paths\n", done, total);
    }
  }

private:
  bool quiet_, tty_;
};

int cmd_run(const std::vector<std::string>& args, const std::string& command_line, mpi::Session& mpi)
{
  po::options_description opts("clvsim run [SCENARIO] [options]");
  std::vector<std::string> sets, sweeps;
  opts.add_options()("help,h", "this help")("scenario", po::value<std::string>()->default_value(""),
                                            "scenario file (default: the built-in scenario)")(
      "output,o", po::value<std::string>(), "write the results to this HDF5 file")(
      "paths", po::value<std::string>(), "number of Monte Carlo paths (simulation.paths)")(
      "threads", po::value<int>()->default_value(0), "worker threads (0 = all cores); results do not depend on it")(
      "seed", po::value<std::string>(), "random seed (simulation.seed)")(
      "set", po::value<std::vector<std::string>>(&sets)->composing(),
      "KEY=VALUE: override any scenario key (repeatable)")(
      "sweep", po::value<std::vector<std::string>>(&sweeps)->composing(),
      "KEY=v1,v2,...: run the grid of values as variants sweep_0000, ... (repeatable)")(
      "json", "print one JSON document instead of the summary table")("quiet,q", "no progress on stderr")(
      "customer-forecast", po::value<std::string>(),
      "write the per-customer forecast of population.history customers to this CSV")(
      "report", po::value<std::string>(), "write a self-contained HTML report with charts to this file")(
      "max-memory", po::value<std::string>(),
      "refuse runs estimated to need more memory (e.g. 8G, 500M; default: the machine's memory)")(
      "kernel", po::value<std::string>()->default_value("fast"),
      "fast | reference: the period kernel; reference is the plain per-customer model the fast one is tested against "
      "(same results, slower)")("checkpoint", po::value<std::string>(),
                                "journal each finished path to this file, so a stopped run can continue (--resume)")(
      "resume",
      "continue the run journalled in --checkpoint FILE (a missing FILE starts a new one); the results equal an "
      "uninterrupted run's")("force",
                             "overwrite existing output files (and start an existing --checkpoint FILE again)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const auto vm = parse(args, opts, pos, "run");
  if (vm.count("help")) {
    std::cout
        << opts
        << "\nExamples:\n  clvsim run\n  clvsim run shop.toml -o results.h5 --paths 1000 --set service.courtesy=0.95\n";
    return 0;
  }
  const int threads = checked_threads(vm["threads"].as<int>());
  const std::vector<std::string> user_sets = sets;  // for the checkpoint's manifest
  // --paths and --seed are scenario keys: validated like the file.
  if (vm.count("paths"))
    sets.push_back(scenarios::option_set("--paths", vm["paths"].as<std::string>(), "simulation.paths"));
  if (vm.count("seed"))
    sets.push_back(scenarios::option_set("--seed", vm["seed"].as<std::string>(), "simulation.seed"));
  auto scenario = load(vm["scenario"].as<std::string>(), sets);
  for (const auto& spec : sweeps) scenarios::add_sweep(scenario, spec);

  const bool force = vm.count("force") > 0;
  if (vm.count("customer-forecast") && scenario.population.history.empty())
    throw InputError("error: --customer-forecast needs existing customers: set population.history in the scenario");
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

  const Kernel kernel = parse_kernel(vm["kernel"].as<std::string>());

  // Every output checked and reserved before simulating (a bad path costs no simulation),
  // written to its temporary, and all renamed into place together at the end.
  OutputSet outputs(force);
  // Under MPI rank 0 alone writes, so it alone reserves.
  const auto reserve = [&](const char* option, const char* what, std::string& path) {
    if (!vm.count(option) || !mpi.root()) return std::string();
    path = vm[option].as<std::string>();
    return outputs.add(path, what);
  };
  std::string output, forecast_path, report_path;
  const std::string output_tmp = reserve("output", "results file", output);
  const std::string forecast_tmp = reserve("customer-forecast", "forecast file", forecast_path);
  const std::string report_tmp = reserve("report", "report file", report_path);

  RunOptions options;
  options.threads = rank_threads;
  options.kernel = kernel;
  options.command_line = command_line;
  options.clvsim_version = VERSION;
  Progress progress(vm.count("quiet") > 0);
  options.on_progress = [&](int done, int total) { progress(done, total); };
  // Checkpoint and MPI (docs/scaling.md): rank 0 owns the journal; the last step that may
  // fail on bad input, so nothing is written when the input is bad.
  const auto note = [quiet = vm.count("quiet") > 0](const std::string& text) {
    if (!quiet) std::cerr << text << '\n';
  };
  // What the results are made from, recorded in them (clvsim batch reuses results by its hash).
  const runner::Manifest manifest =
      runner::run_manifest(scenario, user_sets, sweeps, vm["kernel"].as<std::string>(), VERSION);
  options.run_manifest = manifest.text();
  options.run_hash = runner::run_hash(manifest);
  std::unique_ptr<runner::Journal> journal;
  if (vm.count("checkpoint") && mpi.root()) {
    journal =
        std::make_unique<runner::Journal>(vm["checkpoint"].as<std::string>(), manifest, vm.count("resume") > 0, force);
    for (const auto& line : journal->notes()) note(line);
  }
  std::unique_ptr<runner::UnitExchange> exchange;
  if (mpi.active())
    exchange = mpi::make_exchange(mpi, journal.get(), note);
  else if (journal)
    exchange = std::make_unique<runner::CheckpointExchange>(*journal, note);
  options.exchange = exchange.get();
  if (mpi.active())
    if (const int code = mpi.agree(0).code; code != 0) return code;  // another rank's input was bad
  // The scenario's warnings once the command is known to run (a refused one prints its errors only).
  if (mpi.root()) print_warnings(scenario);
  const Results results = run(scenario, options);
  if (!mpi.root()) {  // rank 0 writes and prints
    mpi.barrier();
    return 0;
  }

  if (!output_tmp.empty()) io::write_results_file(results, output_tmp, output);
  if (!forecast_tmp.empty()) write_forecast(results.forecast, forecast_tmp, forecast_path);
  std::size_t report_charts = 0;
  if (!report_tmp.empty())
    report_charts = cli::write_results_report(results, report_tmp, report_path, scenarios::describe(scenario), output);
  outputs.commit();
  if (vm.count("json"))
    std::cout << io::to_json(results) << '\n';
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
  opts.add_options()("help,h", "this help")("scenario", po::value<std::string>(), "scenario file")(
      "set", po::value<std::vector<std::string>>(&sets)->composing(), "KEY=VALUE: override any scenario key");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const auto vm = parse(args, opts, pos, "validate");
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (!vm.count("scenario"))
    throw InputError("error: clvsim validate: missing SCENARIO (see 'clvsim validate --help')");
  const auto scenario = scenarios::load_file(vm["scenario"].as<std::string>(), sets);
  std::cout << scenarios::describe(scenario);
  const std::size_t warned = print_warnings(scenario);
  std::cerr << vm["scenario"].as<std::string>() << ": ok"
            << (warned == 0   ? ""
                : warned == 1 ? " (1 warning above)"
                              : " (" + std::to_string(warned) + " warnings above)")
            << '\n';
  return 0;
}

int cmd_show(const std::vector<std::string>& args)
{
  po::options_description opts("clvsim show RESULTS.h5 [options]");
  opts.add_options()("help,h", "this help")("results", po::value<std::string>(),
                                            "results file written by 'clvsim run -o'")(
      "json", "print one JSON document instead of the summary table");
  po::positional_options_description pos;
  pos.add("results", 1);
  const auto vm = parse(args, opts, pos, "show");
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (!vm.count("results")) throw InputError("error: clvsim show: missing RESULTS.h5 (see 'clvsim show --help')");
  const std::string path = vm["results"].as<std::string>();
  const Results results = io::read_results(path);
  // the scenario's warnings as the run printed them (stderr, as there)
  for (const auto& line : results.warnings) std::cerr << line << '\n';
  if (vm.count("json"))
    std::cout << io::to_json(results) << '\n';
  else
    io::print_summary(results, std::cout);
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

}  // namespace

int main(int argc, char** argv)
{
  mpi::Session mpi(&argc, &argv);  // MPI when an MPI launcher started clvsim (README "MPI")
  temp_files::install_signal_handlers();
  // A job's interruption (Ctrl-C on mpirun, or the job ended by a failing rank) is reported
  // once, by rank 0: the other ranks write nothing.
  if (mpi.active() && !mpi.root()) temp_files::quiet_when_interrupted();
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
    int code = -1;
    if (command == "run")
      code = cmd_run(args, join_command_line(argc, argv), mpi);
    else if (command == "validate")
      code = cmd_validate(args);
    else if (command == "show")
      code = cmd_show(args);
    else if (command == "fit")
      code = fit::run_fit_command(args, std::cout, std::cerr);
    else if (command == "batch")
      code = cli::cmd_batch(args, join_command_line(argc, argv), VERSION, mpi);
    else if (command == "report")
      code = cli::cmd_report(args);
    else if (command == "export")
      code = cli::cmd_export(args);
    if (code >= 0) {
      // A summary that could not be printed (a full disk behind a redirection) is an I/O error.
      std::cout.flush();
      if (!std::cout) throw IoError("error: cannot write to standard output");
      return code;
    }
    const std::vector<std::string> commands = {"run", "validate", "show", "report", "export", "fit", "batch"};
    const auto close = scenarios::did_you_mean(command, commands);
    std::cerr << "error: unknown command '" << command << "'" << (close ? "; did you mean '" + *close + "'?" : "")
              << " (commands: run, validate, show, report, export, fit, batch; see 'clvsim --help')\n";
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
