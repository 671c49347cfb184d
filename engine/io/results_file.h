#pragma once
//! The HDF5 results file, through a module loaded when a command needs it.
//!
//! HDF5 brings about 35 shared libraries (libcurl, GnuTLS, Kerberos, LDAP, ...) whose
//! loading and relocation took about 20 ms of every command's start-up, HDF5 output or
//! not. So the engine does not link HDF5: engine/io/hdf5_results.cpp is built into the
//! module `clvsim-hdf5.so` beside clvsim-engine, which these functions open (dlopen) the
//! first time a command writes or reads a results file (`run -o`, `batch`, `show`).
//! Tests and benchmarks link the writer directly (engine/io/hdf5_results.h).
#include <string>

#include "engine/run/results.h"

namespace clvsim::io {

//! io::write_results through the module (same contract: complete file or none; InputError
//! when `path` exists and `force` is false; IoError when it cannot be written). IoError
//! also when the module cannot be loaded: the message names it and the reason.
void save_results(const Results& results, const std::string& path, bool force);

//! io::read_results through the module (InputError for a file that is not a clvsim
//! results file, IoError when it cannot be read or the module cannot be loaded).
Results load_results(const std::string& path);

//! Loads the module now: throws IoError (naming it and the reason) when it cannot be used.
//! Commands that will write a results file call it before simulating, so they fail at once.
void require_hdf5_module();

//! Where the module is looked for: `clvsim-hdf5.so` in the directory of the running
//! executable.
std::string hdf5_module_path();

}  // namespace clvsim::io
