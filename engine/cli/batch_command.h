#pragma once
//! `clvsim batch SCENARIO... --out-dir DIR` (README "Batches"): every scenario into
//! DIR/<stem>.h5, reusing a complete result only when its run hash (engine/run/checkpoint.h
//! run_hash(): version, scenario text, history, paths, seed, --set, --sweep, kernel) is this
//! run's, and DIR/index.csv and index.json merged with the rows of earlier batches.
#include <string>
#include <vector>

namespace clvsim::cli {

//! Runs the batch `args` (the words after "batch"); `command_line` is recorded in each result
//! and `version` is this clvsim's. Returns 0; throws InputError, IoError as every command.
int cmd_batch(const std::vector<std::string>& args, const std::string& command_line, const std::string& version);

}  // namespace clvsim::cli
