#pragma once
//! `clvsim fit`: calibration from a transaction log or a survival table (docs/model.md §13).
#include <ostream>
#include <string>
#include <vector>

namespace clvsim::fit {

//! Runs `clvsim fit` with `args` (the arguments after "fit"). Tables (or the JSON document
//! with --json) go to `out`, warnings to `err`. Returns 0 on success; throws InputError for
//! bad usage or input data (nothing written) and IoError for unreadable or unwritable files.
int run_fit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

//! The --help text.
std::string fit_usage();

}  // namespace clvsim::fit
