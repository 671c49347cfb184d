#pragma once
//! What the subcommands of clvsim share in reading their options: Boost.Program_options
//! parsing with errors in the user's words, and the checks of --threads and --kernel.
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "engine/run/driver.h"

namespace clvsim::cli {

//! --threads accepts 0 (all cores) to this many.
constexpr int MAX_THREADS = 1024;

//! Parses `args` of `clvsim <command>`; unknown options and bad values become InputError
//! (exit 2) naming the command.
boost::program_options::variables_map parse_options(const std::vector<std::string>& args,
                                                    const boost::program_options::options_description& opts,
                                                    const boost::program_options::positional_options_description& pos,
                                                    const std::string& command);

//! `threads` when in [0, MAX_THREADS]; InputError otherwise.
int checked_threads(int threads);

//! The kernel named `name` (fast | reference); InputError otherwise.
Kernel parse_kernel(const std::string& name);

}  // namespace clvsim::cli
