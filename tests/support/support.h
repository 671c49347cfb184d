#pragma once
//! Shared helpers of the test suites: where the repository's files are, loading scenarios
//! from them, running them, and comparing results.
#include "engine/run/driver.h"
#include "engine/run/results.h"
#include "scenarios/scenario.h"

#include <string>
#include <vector>

namespace clvsim::test {

//! A path inside the source tree (CLVSIM_SOURCE_DIR), e.g. "scenarios/examples/cdnow_bgnbd.toml".
std::string source_path(const std::string& relative);

//! A file of tests/data, e.g. "cdnow_sample.csv".
std::string test_data(const std::string& name);

//! The scenario of a file in the source tree, with `--set` overrides.
scenarios::Scenario load_file(const std::string& relative, const std::vector<std::string>& sets = {});

//! A scenario from TOML text (named "test.toml", relative paths from the source tree).
scenarios::Scenario load_toml(const std::string& toml, const std::vector<std::string>& sets = {});

//! How a test runs a scenario.
struct RunSettings {
  int threads = 0;
  Kernel kernel = Kernel::fast;
  bool block_major = true;
};

//! Run a loaded scenario.
Results run_scenario(const scenarios::Scenario& scenario, const RunSettings& settings = {});

//! Load and run TOML text (load_toml, then run_scenario).
Results run_toml(const std::string& toml, const RunSettings& settings = {}, const std::vector<std::string>& sets = {});

//! Load and run a file of the source tree (load_file, then run_scenario).
Results run_file(const std::string& relative, const RunSettings& settings = {},
                 const std::vector<std::string>& sets = {});

//! Whether two arrays hold the same bits.
bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace clvsim::test
