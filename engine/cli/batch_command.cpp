#include "engine/cli/batch_command.h"

#include "engine/cli/command_options.h"
#include "engine/core/csv.h"
#include "engine/core/errors.h"
#include "engine/core/output_set.h"
#include "engine/core/temp_files.h"
#include "engine/io/hdf5_results.h"
#include "engine/io/json_summary.h"
#include "engine/report/output_file.h"
#include "engine/run/checkpoint.h"
#include "engine/run/driver.h"
#include "engine/run/exchange.h"
#include "engine/run/mpi_driver.h"
#include "engine/stats/summary.h"
#include "scenarios/keys.h"
#include "scenarios/loader.h"
#include "scenarios/warnings.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace clvsim::cli {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

//! A column of the index: its name and whether index.json gives it as a number.
struct Column {
  const char* name;
  bool number;
};

//! The columns of index.csv in order. The first fourteen are those of every earlier version
//! (scripts may read them by position); the rest were added after.
const std::vector<Column> COLUMNS = {
    {"scenario", false},  // the scenario file's stem: DIR/<scenario>.h5, the row's key
    {"file", false},      // the scenario file as given
    {"results", false},   // the results file, DIR as given
    {"status", false},    // ran | skipped | failed
    {"paths", true},
    {"npv_profit_mean", true},
    {"npv_profit_se", true},
    {"clv_mean", true},
    {"clv_to_cac", true},
    {"repeat_revenue_share", true},
    {"nps_final", true},
    {"best_investment", false},
    {"best_net_npv_mean", true},
    {"best_p_roi_positive", true},
    {"scenario_path", false},  // absolute
    {"results_path", false},   // absolute
    {"scenario_name", false},  // simulation.name
    {"seed", true},
    {"horizon", true},
    {"period", false},
    {"currency", false},
    {"variants", true},
    {"run_seconds", true},   // the simulation's wall time when the results were made
    {"created_utc", false},  // when the results were made
    {"clvsim_version", false},
    {"run_hash", false},
    {"error", false},    // why a failed scenario failed
    {"warnings", true},  // how many warnings the scenario has (scenarios::warnings; the results keep their text)
};

//! One row of the index: column name -> value as written in index.csv (unquoted).
using Row = std::map<std::string, std::string>;

std::string absolute(const std::string& path)
{
  std::error_code ec;
  const fs::path p = fs::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

//! The row of a scenario whose results are `r` (those of the baseline; the best investment is
//! the comparison of largest mean net NPV).
Row row_of(const Results& r, const std::string& name, const std::string& file, const std::string& out,
           const std::string& status)
{
  const auto& kpis = r.variants.at(0).kpis.paths;
  const auto mean = [&](const std::string& kpi) {
    return io::json_number(kpis.count(kpi) ? stats::summarize(kpis.at(kpi)).mean : std::nan(""));
  };
  const auto npv = stats::summarize(kpis.at("npv_profit"));
  std::string best;
  double best_net = std::nan(""), best_p = std::nan("");
  for (const auto& c : r.comparisons) {
    const double net = stats::summarize(c.paths.at("net_npv")).mean;
    if (best.empty() || net > best_net) {
      best = c.name;
      best_net = net;
      best_p = io::share_positive(c.paths.at("roi"));
    }
  }
  Row row{{"scenario", name},
          {"file", file},
          {"results", out},
          {"status", status},
          {"paths", std::to_string(r.paths)},
          {"npv_profit_mean", io::json_number(npv.mean)},
          {"npv_profit_se", io::json_number(npv.se)},
          {"clv_mean", mean("clv_mean")},
          {"clv_to_cac", mean("clv_to_cac")},
          {"repeat_revenue_share", mean("repeat_revenue_share")},
          {"nps_final", mean("nps_final")},
          {"best_investment", best},
          {"best_net_npv_mean", io::json_number(best_net)},
          {"best_p_roi_positive", io::json_number(best_p)},
          {"scenario_path", absolute(file)},
          {"results_path", absolute(out)},
          {"scenario_name", r.scenario_name},
          {"seed", std::to_string(r.seed)},
          {"horizon", std::to_string(r.horizon)},
          {"period", r.period},
          {"currency", r.currency},
          {"variants", std::to_string(r.variants.size())},
          {"run_seconds", io::json_number(r.run_seconds)},
          {"created_utc", r.created_utc},
          {"clvsim_version", r.clvsim_version},
          {"run_hash", r.run_hash},
          {"warnings", std::to_string(r.warnings.size())}};
  return row;
}

//! The row of a scenario that failed with `error`: what is known without results.
Row failed_row(const scenarios::Scenario& s, const std::string& name, const std::string& file, const std::string& out,
               const std::string& error)
{
  return {{"scenario", name},
          {"file", file},
          {"results", out},
          {"status", "failed"},
          {"paths", std::to_string(s.simulation.paths)},
          {"scenario_path", absolute(file)},
          {"results_path", absolute(out)},
          {"scenario_name", s.simulation.name},
          {"seed", std::to_string(s.simulation.seed)},
          {"horizon", std::to_string(s.simulation.horizon_periods)},
          {"period", scenarios::to_string(s.simulation.period)},
          {"currency", s.base.economics.currency},
          {"error", error},
          {"warnings", std::to_string(scenarios::warnings(s).size())}};
}

//! The rows of an existing index.csv (none when there is none). A file that cannot be read
//! gives no rows and a `problem`: the rows of earlier batches are then lost, not the batch.
std::vector<Row> read_index(const std::string& path, std::string& problem)
{
  std::vector<Row> rows;
  std::error_code ec;
  if (!fs::exists(path, ec)) return rows;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::vector<std::string> header, fields;
  if (!in || !std::getline(in, line) || !csv::split_line(line, header) ||
      std::find(header.begin(), header.end(), "scenario") == header.end()) {
    problem = "it is not an index written by clvsim batch";
    return rows;
  }
  for (int number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!csv::split_line(line, fields) || fields.size() != header.size()) {
      problem =
          "line " + std::to_string(number) + " does not have the header's " + std::to_string(header.size()) + " fields";
      return {};
    }
    Row row;
    for (std::size_t k = 0; k < header.size(); ++k) row[header[k]] = fields[k];
    rows.push_back(std::move(row));
  }
  if (in.bad()) {
    problem = "it cannot be read";
    return {};
  }
  return rows;
}

//! `row` into `rows`: in place of the row of the same scenario, or at the end.
void merge(std::vector<Row>& rows, Row row)
{
  const auto same = std::find_if(rows.begin(), rows.end(), [&](const Row& r) {
    return r.count("scenario") && r.at("scenario") == row.at("scenario");
  });
  if (same != rows.end())
    *same = std::move(row);
  else
    rows.push_back(std::move(row));
}

std::string value(const Row& row, const char* column)
{
  const auto it = row.find(column);
  return it == row.end() ? std::string() : it->second;
}

std::string index_csv(const std::vector<Row>& rows)
{
  std::string out;
  for (std::size_t k = 0; k < COLUMNS.size(); ++k) out.append(k ? "," : "").append(COLUMNS[k].name);
  out += '\n';
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < COLUMNS.size(); ++k)
      out.append(k ? "," : "").append(csv::field(value(row, COLUMNS[k].name)));
    out += '\n';
  }
  return out;
}

//! A number of the index as a JSON token: itself when it is a finite number, null otherwise
//! (an unknown value, or a row of an older index without the column).
std::string json_number_text(const std::string& text)
{
  if (text.empty()) return "null";
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(v) ? text : "null";
}

std::string index_json(const std::vector<Row>& rows, const std::string& version)
{
  std::ostringstream json;
  json << "{\"clvsim_version\": " << io::json_quote(version) << ", \"scenarios\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    json << (i ? ", " : "") << '{';
    bool first = true;
    for (const auto& c : COLUMNS) {
      const std::string name = c.name, v = value(rows[i], c.name);
      if (name == "npv_profit_se") continue;  // inside npv_profit
      json << (first ? "" : ", ");
      first = false;
      if (name == "npv_profit_mean")
        json << "\"npv_profit\": {\"mean\": " << json_number_text(v)
             << ", \"se\": " << json_number_text(value(rows[i], "npv_profit_se")) << '}';
      else if (c.number)
        json << io::json_quote(name) << ": " << json_number_text(v);
      else if (v.empty() && (name == "best_investment" || name == "error"))
        json << io::json_quote(name) << ": null";
      else
        json << io::json_quote(name) << ": " << io::json_quote(v);
    }
    json << '}';
  }
  json << "]}\n";
  return json.str();
}

//! DIR/index.csv and DIR/index.json, reserved before the batch runs (so an interruption says
//! they were not written, and an unwritable index costs no simulation) and written together.
class IndexFiles {
public:
  explicit IndexFiles(const std::string& dir)
      : csv_((fs::path(dir) / "index.csv").string()),
        json_((fs::path(dir) / "index.json").string()),
        csv_tmp_(set_.add(csv_, "index file")),
        json_tmp_(set_.add(json_, "index file"))
  {}
  const std::string& csv_path() const { return csv_; }
  //! Writes both and renames them into place.
  void write(const std::vector<Row>& rows, const std::string& version)
  {
    report::write_text_file(csv_tmp_, index_csv(rows), "index file", csv_);
    report::write_text_file(json_tmp_, index_json(rows, version), "index file", json_);
    set_.commit();
  }

private:
  OutputSet set_{true};  // (declared first: constructed before the temporaries below are added)
  std::string csv_, json_, csv_tmp_, json_tmp_;
};

//! Why results `r` are not those of a run with manifest `ours` (hash `our_hash`), in the
//! user's words, or "" when they are.
std::string why_not_reused(const Results& r, const runner::Manifest& ours, const std::string& our_hash)
{
  if (r.run_hash == our_hash) return "";
  if (r.run_hash.empty()) return "made by clvsim " + r.clvsim_version + ", which recorded no run hash";
  const runner::Manifest theirs = runner::Manifest::parse(r.run_manifest);
  std::vector<std::string> why;
  const auto differs = [&](const char* key) { return ours.values(key) != theirs.values(key); };
  const auto was = [&](const char* key) {
    const auto v = theirs.values(key);
    return v.empty() ? std::string("none") : v.front();
  };
  if (differs("clvsim_version")) why.push_back("made by clvsim " + was("clvsim_version"));
  if (differs("scenario_text_fnv1a64")) why.push_back("the scenario file changed");
  if (differs("history_fnv1a64")) why.push_back("the history file changed");
  if (differs("paths")) why.push_back("another number of paths (" + was("paths") + " before)");
  if (differs("seed")) why.push_back("another seed (" + was("seed") + " before)");
  if (differs("set")) why.push_back("other --set options");
  if (differs("sweep")) why.push_back("other --sweep options");
  if (differs("kernel")) why.push_back("another kernel (" + was("kernel") + " before)");
  if (why.empty()) return "its run hash differs";
  std::string all;
  for (const auto& w : why) all += (all.empty() ? "" : ", ") + w;
  return all;
}

//! Removes the temporaries killed batches left in `dir` ("<name>.h5.tmp-<pid>" of processes
//! that no longer exist), also of scenarios this batch does not run or reuses.
void remove_stale_results(const std::string& dir)
{
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    const std::size_t at = entry.find(".h5.tmp-");
    if (at != std::string::npos) temp_files::remove_stale((fs::path(dir) / entry.substr(0, at + 3)).string());
  }
}

//! The scenario files, each loaded with `sets` and `sweeps` applied, and their stems (the
//! results' names); every problem of every file reported at once, before anything runs.
std::vector<scenarios::Scenario> load_all(const std::vector<std::string>& files, const std::vector<std::string>& sets,
                                          const std::vector<std::string>& sweeps, std::vector<std::string>& names)
{
  std::vector<scenarios::Scenario> loaded;
  std::vector<std::string> problems;
  for (const auto& f : files) {
    const std::string stem = fs::path(f).stem().string();
    if (std::find(names.begin(), names.end(), stem) != names.end())
      problems.push_back("error: " + f + ": another scenario also writes '" + stem + ".h5'");
    names.push_back(stem);
    try {
      loaded.push_back(scenarios::load_file(f, sets));
      for (const auto& spec : sweeps) scenarios::add_sweep(loaded.back(), spec);
    } catch (const InputError& e) {
      problems.push_back(e.what());
    }
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    throw InputError(all);
  }
  return loaded;
}

}  // namespace

int cmd_batch(const std::vector<std::string>& args, const std::string& command_line, const std::string& version,
              mpi::Session& mpi)
{
  po::options_description opts("clvsim batch SCENARIO... --out-dir DIR [options]");
  std::vector<std::string> files, sets, sweeps;
  opts.add_options()("help,h", "this help")("scenarios", po::value<std::vector<std::string>>(&files), "scenario files")(
      "out-dir", po::value<std::string>(), "directory for <name>.h5 per scenario and index.csv/index.json")(
      "paths", po::value<std::string>(), "paths for every scenario (simulation.paths)")(
      "threads", po::value<int>()->default_value(0), "worker threads (0 = all cores)")(
      "seed", po::value<std::string>(), "random seed for every scenario (simulation.seed)")(
      "set", po::value<std::vector<std::string>>(&sets)->composing(), "KEY=VALUE for every scenario (repeatable)")(
      "sweep", po::value<std::vector<std::string>>(&sweeps)->composing(),
      "KEY=v1,v2,...: the grid of values as variants sweep_0000, ... of every scenario (repeatable)")(
      "kernel", po::value<std::string>()->default_value("fast"), "fast | reference (see 'clvsim run --help')")(
      "quiet,q", "no progress on stderr")("force", "rerun scenarios whose results already exist");
  po::positional_options_description pos;
  pos.add("scenarios", -1);
  const auto vm = parse_options(args, opts, pos, "batch");
  if (vm.count("help")) {
    std::cout << opts
              << "\nEach SCENARIO.toml gives DIR/SCENARIO.h5. A complete result (renamed into place only when\n"
                 "complete) is reused when it was made from the same scenario text, history, paths, seed,\n"
                 "--set, --sweep, kernel and clvsim version (its run hash); any other is run again. So an\n"
                 "interrupted batch resumes where it stopped. DIR/index.csv and index.json keep the rows of\n"
                 "scenarios run by earlier batches into DIR.\n";
    return 0;
  }
  if (files.empty()) throw InputError("error: clvsim batch: no scenario files (see 'clvsim batch --help')");
  if (!vm.count("out-dir")) throw InputError("error: clvsim batch: missing --out-dir DIR");
  const std::string dir = vm["out-dir"].as<std::string>();
  const bool quiet = vm.count("quiet") > 0, force = vm.count("force") > 0;
  const int threads = checked_threads(vm["threads"].as<int>());
  // Under MPI (as clvsim run): each rank's share of the machine's cores by default.
  const int rank_threads = threads == 0 && mpi.active() ? mpi.default_threads() : threads;
  const bool root = mpi.root();  // writes the results and the index, and prints
  const std::string kernel_name = vm["kernel"].as<std::string>();
  const Kernel kernel = parse_kernel(kernel_name);
  const std::vector<std::string> user_sets = sets;  // for the manifests
  if (vm.count("paths"))
    sets.push_back(scenarios::option_set("--paths", vm["paths"].as<std::string>(), "simulation.paths"));
  if (vm.count("seed"))
    sets.push_back(scenarios::option_set("--seed", vm["seed"].as<std::string>(), "simulation.seed"));

  std::vector<std::string> names;
  const std::vector<scenarios::Scenario> loaded = load_all(files, sets, sweeps, names);
  std::unique_ptr<IndexFiles> index;
  std::vector<Row> rows;
  if (root) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw IoError("error: cannot create output directory '" + dir + "': " + ec.message());
    remove_stale_results(dir);

    index = std::make_unique<IndexFiles>(dir);
    std::string index_problem;
    rows = read_index(index->csv_path(), index_problem);
    if (!index_problem.empty())
      std::cerr << "warning: " << index->csv_path() << " is replaced: " << index_problem
                << "; it loses the rows of scenarios not in this batch\n";
  }
  if (mpi.active())
    if (const int code = mpi.agree(0).code; code != 0) return code;  // another rank's input was bad
  const auto note = [quiet](const std::string& text) {
    if (!quiet) std::cerr << text << '\n';
  };

  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string out = (fs::path(dir) / (names[i] + ".h5")).string();
    const runner::Manifest manifest = runner::run_manifest(loaded[i], user_sets, sweeps, kernel_name, version);
    const std::string hash = runner::run_hash(manifest);
    Results results;
    std::string why_not;
    bool have = false;
    if (root && !force && fs::exists(out)) {
      try {
        results = io::read_results(out);
        why_not = why_not_reused(results, manifest, hash);
        have = why_not.empty();
      } catch (const std::exception&) {
        why_not = "it cannot be read";
      }
    }
    have = mpi.broadcast(have ? 1 : 0) != 0;  // rank 0's decision: every rank runs the same scenarios
    if (!quiet && root)
      std::cerr << "batch: [" << i + 1 << "/" << files.size() << "] " << files[i]
                << (have              ? " (complete results exist, skipped)"
                    : why_not.empty() ? ""
                                      : " (existing " + out + " ran again: " + why_not + ")")
                << '\n';
    if (!have) {
      try {
        OutputSet output(true);  // stale or absent: replaced
        const std::string tmp = root ? output.add(out, "results file") : std::string();
        if (root)
          for (const auto& line : scenarios::warnings(loaded[i])) std::cerr << line << '\n';  // scenarios/warnings.h
        // Under MPI the scenario's units are shared out to the ranks, as clvsim run's.
        std::unique_ptr<runner::UnitExchange> exchange;
        if (mpi.active()) exchange = mpi::make_exchange(mpi, nullptr, note);
        RunOptions options;
        options.exchange = exchange.get();
        options.threads = rank_threads;
        options.kernel = kernel;
        options.command_line = command_line;
        options.clvsim_version = version;
        options.run_manifest = manifest.text();
        options.run_hash = hash;
        results = run(loaded[i], options);
        if (root) {
          io::write_results_file(results, tmp, out);
          output.commit();
        }
      } catch (const std::exception& e) {
        if (!root) throw;
        // The index says which scenario failed and why; the batch stops with the error's code.
        merge(rows, failed_row(loaded[i], names[i], files[i], out, e.what()));
        try {
          index->write(rows, version);
        } catch (const std::exception&) {
          // (the disk that failed the results may fail the index too: the first error is the one to report)
        }
        throw;
      }
    }
    if (root) merge(rows, row_of(results, names[i], files[i], out, have ? "skipped" : "ran"));
  }
  if (root) {
    index->write(rows, version);
    std::cout << index_csv(rows);
  }
  mpi.barrier();  // the ranks end together (as clvsim run's)
  return 0;
}

}  // namespace clvsim::cli
