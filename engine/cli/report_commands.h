#pragma once
//! `clvsim report` and `clvsim export`, and the report part of `clvsim run --report`.
#include <string>
#include <vector>

#include "engine/run/results.h"

namespace clvsim::cli {

//! `clvsim report RESULTS.h5 -o FILE.html [--force]`.
int cmd_report(const std::vector<std::string>& args);

//! `clvsim export RESULTS.h5 --csv DIR [--force]`.
int cmd_export(const std::vector<std::string>& args);

//! Writes the HTML report of `results` into `file` (the temporary of the report `display`,
//! reserved in the command's OutputSet); `resolved_scenario` is the scenario as run
//! (describe()). Returns the number of charts.
std::size_t write_results_report(const Results& results, const std::string& file, const std::string& display,
                                 const std::string& resolved_scenario, const std::string& results_file);

}  // namespace clvsim::cli
