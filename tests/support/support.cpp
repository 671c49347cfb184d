#include "tests/support/support.h"

#include "scenarios/loader.h"

#include <cstring>

namespace clvsim::test {

std::string source_path(const std::string& relative)
{
  return std::string(CLVSIM_SOURCE_DIR) + "/" + relative;
}

std::string test_data(const std::string& name)
{
  return source_path("tests/data/" + name);
}

scenarios::Scenario load_file(const std::string& relative, const std::vector<std::string>& sets)
{
  return scenarios::load_file(source_path(relative), sets);
}

scenarios::Scenario load_toml(const std::string& toml, const std::vector<std::string>& sets)
{
  return scenarios::load_string(toml, "test.toml", CLVSIM_SOURCE_DIR, sets);
}

Results run_scenario(const scenarios::Scenario& scenario, const RunSettings& settings)
{
  RunOptions options;
  options.threads = settings.threads;
  options.kernel = settings.kernel;
  options.block_major = settings.block_major;
  return run(scenario, options);
}

Results run_toml(const std::string& toml, const RunSettings& settings, const std::vector<std::string>& sets)
{
  return run_scenario(load_toml(toml, sets), settings);
}

Results run_file(const std::string& relative, const RunSettings& settings, const std::vector<std::string>& sets)
{
  return run_scenario(load_file(relative, sets), settings);
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b)
{
  // (two empty vectors may hold null data pointers, which memcmp must not be given)
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace clvsim::test
