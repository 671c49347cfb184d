#include "engine/cli/report_commands.h"

#include <boost/program_options.hpp>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "engine/core/errors.h"
#include "engine/core/output_set.h"
#include "engine/io/hdf5_results.h"
#include "engine/report/csv_export.h"
#include "engine/report/output_file.h"
#include "engine/report/results_report.h"
#include "scenarios/keys.h"
#include "scenarios/loader.h"

namespace clvsim::cli {

namespace po = boost::program_options;

namespace {

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& opts,
                        const po::positional_options_description& pos, const std::string& command)
{
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string("error: clvsim ") + command + ": " + e.what() + " (see 'clvsim " + command +
                     " --help')");
  }
  return vm;
}

//! Reads a results file (InputError when it cannot be read, as `clvsim show`).
Results load(const std::string& path)
{
  return io::read_results(path);
}

//! The scenario of a results file resolved again: its verbatim text with the --set, --paths,
//! --seed and --sweep options of its command line. Best effort: the text, or empty with the
//! reason in `note`.
std::string resolve_again(const Results& r, std::string& note)
{
  std::vector<std::string> tokens, sets, sweeps;
  std::istringstream in(r.command_line);
  for (std::string t; in >> t;) tokens.push_back(t);
  const auto value_of = [&](std::size_t& i, const std::string& flag, std::string& out) {
    if (tokens[i] == flag && i + 1 < tokens.size()) {
      out = tokens[++i];
      return true;
    }
    if (tokens[i].rfind(flag + "=", 0) == 0) {
      out = tokens[i].substr(flag.size() + 1);
      return true;
    }
    return false;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string v;
    if (value_of(i, "--set", v))
      sets.push_back(v);
    else if (value_of(i, "--paths", v))
      sets.push_back(scenarios::option_set("--paths", v, "simulation.paths"));
    else if (value_of(i, "--seed", v))
      sets.push_back(scenarios::option_set("--seed", v, "simulation.seed"));
    else if (value_of(i, "--sweep", v))
      sweeps.push_back(v);
  }
  try {
    const std::filesystem::path p(r.scenario_path);
    const std::string base = p.has_parent_path() ? p.parent_path().string() : ".";
    auto scenario =
        scenarios::load_string(r.scenario_toml, r.scenario_path.empty() ? "scenario" : r.scenario_path, base, sets);
    for (const auto& s : sweeps) scenarios::add_sweep(scenario, s);
    note.clear();
    return scenarios::describe(scenario);
  } catch (const std::exception& e) {
    std::string why = e.what();
    if (why.rfind("error: ", 0) == 0) why = why.substr(7);
    note = "The scenario could not be resolved again from the results file (" + why +
           "); the scenario file as written is below.";
    return "";
  }
}

}  // namespace

std::size_t write_results_report(const Results& results, const std::string& file, const std::string& display,
                                 const std::string& resolved_scenario, const std::string& results_file)
{
  report::ResultsReportOptions o;
  o.resolved_scenario = resolved_scenario;
  o.results_file = results_file;
  const report::RenderedReport rendered = report::results_report(results, o);
  report::write_text_file(file, rendered.html, "report file", display);
  return rendered.charts;
}

int cmd_report(const std::vector<std::string>& args)
{
  po::options_description opts("clvsim report RESULTS.h5 -o FILE.html [options]");
  opts.add_options()("help,h", "this help")("results", po::value<std::string>(),
                                            "results file written by 'clvsim run -o'")(
      "output,o", po::value<std::string>(), "the HTML report to write")("force", "overwrite an existing report");
  po::positional_options_description pos;
  pos.add("results", 1);
  const auto vm = parse(args, opts, pos, "report");
  if (vm.count("help")) {
    std::cout << opts
              << "\nWrites one self-contained HTML file (charts, tables, KPI definitions, provenance) that opens in\n"
                 "any browser without a network.\n\nExample:\n  clvsim run shop.toml -o shop.h5 && clvsim report "
                 "shop.h5 -o shop.html\n";
    return 0;
  }
  if (!vm.count("results")) throw InputError("error: clvsim report: missing RESULTS.h5 (see 'clvsim report --help')");
  if (!vm.count("output")) throw InputError("error: clvsim report: missing -o FILE.html (see 'clvsim report --help')");
  const std::string in = vm["results"].as<std::string>(), out = vm["output"].as<std::string>();
  OutputSet outputs(vm.count("force") > 0);
  const std::string tmp = outputs.add(out, "report file");
  const Results results = load(in);
  report::ResultsReportOptions o;
  o.results_file = in;
  o.resolved_scenario = resolve_again(results, o.resolved_scenario_note);
  const report::RenderedReport rendered = report::results_report(results, o);
  report::write_text_file(tmp, rendered.html, "report file", out);
  outputs.commit();
  std::cout << "report written to " << out << " (" << rendered.charts << " charts)\n";
  return 0;
}

int cmd_export(const std::vector<std::string>& args)
{
  po::options_description opts("clvsim export RESULTS.h5 --csv DIR [options]");
  opts.add_options()("help,h", "this help")("results", po::value<std::string>(),
                                            "results file written by 'clvsim run -o'")(
      "csv", po::value<std::string>(), "directory for the CSV files (created if missing)")(
      "force", "overwrite existing CSV files");
  po::positional_options_description pos;
  pos.add("results", 1);
  const auto vm = parse(args, opts, pos, "export");
  if (vm.count("help")) {
    std::cout << opts
              << "\nWrites tidy long CSV files that pandas reads as they are (pandas.read_csv):\n"
                 "  per_path.csv     variant,segment,path,kpi,value\n"
                 "  per_period.csv   variant,segment,period,kpi,stat,value  (stat: mean,sd,p05,p25,p50,p75,p95)\n"
                 "  comparisons.csv  investment,path,metric,value\n"
                 "  sensitivity.csv  output,parameter,spearman,tornado_low,tornado_high\n"
                 "  variants.csv     variant,key,value  (swept values)\n"
                 "segment is '"
              << report::TOTAL_SEGMENT << "' for a whole variant; an empty value is NaN.\n";
    return 0;
  }
  if (!vm.count("results")) throw InputError("error: clvsim export: missing RESULTS.h5 (see 'clvsim export --help')");
  if (!vm.count("csv")) throw InputError("error: clvsim export: missing --csv DIR (see 'clvsim export --help')");
  const std::string in = vm["results"].as<std::string>(), dir = vm["csv"].as<std::string>();
  const bool force = vm.count("force") > 0;
  report::check_csv_dir(dir, force);
  const Results results = load(in);
  const std::size_t rows = report::export_csv(results, dir, force);
  std::cout << "exported " << rows << " rows to " << dir << " (";
  for (std::size_t i = 0; i < report::csv_file_names().size(); ++i)
    std::cout << (i ? ", " : "") << report::csv_file_names()[i];
  std::cout << ")\n";
  return 0;
}

}  // namespace clvsim::cli
