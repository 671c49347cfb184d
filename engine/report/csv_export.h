#pragma once
//! `clvsim export RESULTS.h5 --csv DIR`: a run's results as tidy long CSV files that pandas
//! reads as they are (`pandas.read_csv(DIR + "/per_path.csv")`), one value per row:
//!   per_path.csv     variant,segment,path,kpi,value
//!   per_period.csv   variant,segment,period,kpi,stat,value  (stat: mean, sd, p05, p25, p50,
//!                    p75, p95 across paths; the results file's periods/<kpi> rows)
//!   comparisons.csv  investment,path,metric,value
//!   sensitivity.csv  output,parameter,spearman,tornado_low,tornado_high
//!   variants.csv     variant,key,value  (the swept values of each sweep variant)
//! `segment` is TOTAL_SEGMENT for the whole variant, else a segment's name; `path` and
//! `period` count from 0. Numbers are shortest round-trip decimals (the double read back is
//! the file's); NaN is an empty field (pandas: NaN), infinities are inf / -inf.
#include <string>
#include <vector>

#include "engine/run/results.h"

namespace clvsim::report {

//! The `segment` of rows that hold a whole variant.
inline constexpr const char* TOTAL_SEGMENT = "(total)";

//! The files export_csv writes, in order.
const std::vector<std::string>& csv_file_names();

//! Checks DIR before any work: InputError when it (or a parent) is a file, or when one of
//! the files exists and `force` is false; IoError when it cannot be created.
void check_csv_dir(const std::string& dir, bool force);

//! Writes the files into `dir` (created if missing): each to a temporary file first, all
//! renamed into place only when every one is complete. InputError when a segment is named
//! TOTAL_SEGMENT; IoError when a file cannot be written (nothing is left behind).
//! Returns the number of data rows written.
std::size_t export_csv(const Results& results, const std::string& dir, bool force);

//! One CSV field: quoted (RFC 4180) when it holds a comma, quote, line break or edge space.
std::string csv_field(const std::string& text);

//! A number as a CSV field (see above).
std::string csv_number(double value);

}  // namespace clvsim::report
