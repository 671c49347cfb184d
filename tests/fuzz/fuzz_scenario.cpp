// libFuzzer harness: the scenario loader (scenarios::load_string) with --set overrides, then
// describe(). The input is TOML text, optionally followed by "\n#SET\n" and up to 8 lines, each
// one --set KEY=VALUE. The only acceptable failure is InputError (a message for the user);
// any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/errors.h"
#include "scenarios/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view toml = input;
  std::vector<std::string> sets;
  if (const auto at = input.find("\n#SET\n"); at != std::string_view::npos) {
    toml = input.substr(0, at);
    std::string_view rest = input.substr(at + 6);
    while (!rest.empty() && sets.size() < 8) {
      const auto nl = rest.find('\n');
      sets.emplace_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
  }
  try {
    // A base directory without files: a population.history is "cannot read", never a real file.
    const auto scenario = clvsim::scenarios::load_string(toml, "fuzz.toml", "/nonexistent-clvsim-fuzz", sets);
    (void)clvsim::scenarios::describe(scenario);
  } catch (const clvsim::InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
