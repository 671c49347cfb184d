#pragma once
//! Scenario files: TOML (toml++) -> validated Scenario (docs/model.md §2–§7, §14). This is the only
//! code that sees raw TOML. Every problem of a file is collected and reported at once.
#include "scenarios/scenario.h"

#include <string>
#include <string_view>
#include <vector>

namespace clvsim::scenarios {

//! The built-in default scenario (scenarios/default.toml compiled into the binary).
std::string_view default_scenario_toml();

//! Parse, validate and resolve a scenario from text. `source_name` is used in messages
//! ("shop.toml:12:5: ..."); relative paths inside (population.history) resolve against
//! `base_dir`. `sets` are "--set KEY=VALUE" overrides (dotted keys, TOML values; a bare
//! word is taken as a string), applied after the file and validated like it, reported as
//! "--set service.courtesy=1.3: service.courtesy = 1.3 is out of range [0, 1]".
//! Throws clvsim::InputError whose message holds one line per problem, each starting with
//! "error: ".
Scenario load_string(std::string_view toml_text, const std::string& source_name, const std::string& base_dir,
                     const std::vector<std::string>& sets = {});

//! A `sets` entry for a command-line option that stands for a key (`--paths 0` for
//! simulation.paths): applied like "--set KEY=VALUE", its messages naming the option as
//! typed ("--paths 0: simulation.paths = 0 is out of range [1, 10000000]").
std::string option_set(const std::string& option, const std::string& value, const std::string& key);

//! Read a file and load it (base_dir = the file's directory). Unreadable file: InputError
//! "error: cannot read scenario file 'x.toml': No such file or directory".
Scenario load_file(const std::string& path, const std::vector<std::string>& sets = {});

//! The built-in default scenario with overrides applied.
Scenario load_default(const std::vector<std::string>& sets = {});

//! The resolved scenario as TOML text with every key and its effective value (what
//! `clvsim validate` prints).
std::string describe(const Scenario& scenario);

}  // namespace clvsim::scenarios
