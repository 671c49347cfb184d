#pragma once
//! `clvsim batch SCENARIO... --out-dir DIR` (README "Batches"): every scenario into
//! DIR/<stem>.h5, reusing a complete result only when its run hash (engine/run/checkpoint.h
//! run_hash(): version, scenario text, history, paths, seed, --set, --sweep, kernel) is this
//! run's, and DIR/index.csv and index.json merged with the rows of earlier batches.
#include <string>
#include <vector>

namespace clvsim::mpi {
class Session;
}

namespace clvsim::cli {

//! Runs the batch `args` (the words after "batch"); `command_line` is recorded in each result
//! and `version` is this clvsim's. Returns 0; throws InputError, IoError as every command.
//! Under MPI (`mpirun -np N clvsim batch`) every scenario runs across the ranks as `clvsim
//! run` does; rank 0 alone decides which results are reused (and tells the others), writes
//! the results and the index, and prints.
int cmd_batch(const std::vector<std::string>& args, const std::string& command_line, const std::string& version,
              mpi::Session& mpi);

}  // namespace clvsim::cli
