#pragma once
//! The HDF5 results file (docs/model.md §11.2): a self-describing file readable with h5py/pandas
//! without clvsim, and read back by `clvsim show`.
//!
//! Layout (every name is an interface):
//!   /  attrs format="clvsim-results", format_version=1, clvsim_version, created_utc, seed,
//!          paths, horizon, period, currency, scenario_name, scenario_path, scenario_toml,
//!          command_line, run_manifest ("key = value" lines: what the results were made
//!          from), run_hash (its content hash, 16 hex digits: engine/run/checkpoint.h
//!          run_hash()), run_seconds (float64), segments (string array)
//!   /variants/<v>/periods/<kpi>          float64 [7 x H], attr stats="mean,sd,p05,p25,p50,p75,p95"
//!   /variants/<v>/path_periods/<kpi>     float64 [paths x H] (raw per-path values)
//!   /variants/<v>/paths/<kpi>            float64 [paths]
//!   /variants/<v>/segments/<s>/{periods,path_periods,paths}/<kpi>
//!   /variants/<v>/clv_histogram/{edges,counts}
//!   /variants/<v>/concentration/{top_share_of_customers,share_of_revenue}
//!   /variants/<v>  attrs "sweep.<key>" (float64) for sweep variants
//!   /comparisons/<name>/paths/<metric>   float64 [paths]
//!   /sensitivity/<output>/{parameter,spearman,tornado_low,tornado_high}
//! Groups under /variants, /comparisons and /sensitivity track creation order, so reading
//! gives back the variants in the order they were written (baseline first).
#include <string>

#include "engine/run/results.h"

namespace clvsim::io {

//! Format tag and version written as root attributes and checked by read_results.
inline constexpr const char* RESULTS_FORMAT = "clvsim-results";
inline constexpr int RESULTS_FORMAT_VERSION = 1;

//! Writes `results` to `path`: into "<path>.tmp-<pid>" first, renamed into place only when
//! complete; the temporary file is removed on any failure. Throws InputError if `path`
//! exists and `force` is false (the existing file is left untouched), IoError if the file
//! cannot be written (the message names the file and the failing call).
void write_results(const Results& results, const std::string& path, bool force);

//! Writes `results` into `file` exactly (created or truncated; no temporary, no rename: the
//! caller's OutputSet commits it); messages name `display`, the output the user asked for.
//! IoError in the user's words when it cannot be written (e.g. "No space left on device").
void write_results_file(const Results& results, const std::string& file, const std::string& display);

//! Reads a file written by write_results: provenance, per-path and per-path-per-period
//! values of every variant and segment, histograms, concentration, sweep values,
//! comparisons and sensitivity. Throws InputError (bad input, exit 2) if the file cannot be
//! read, is not a clvsim results file, or is truncated or damaged.
Results read_results(const std::string& path);

}  // namespace clvsim::io
