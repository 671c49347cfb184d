#pragma once
//! The HTML report of a run (`clvsim report RESULTS.h5 -o FILE.html`, `clvsim run --report
//! FILE.html`): one self-contained page a strategist can take to a board, made from a
//! Results alone (a run's, or one read from a results file).
//!
//! Sections: summary (headline KPIs, the investment decision table, caveats); over time (fan
//! charts p05-p95 / p25-p75 / median per variant of profit, cumulative discounted profit,
//! active customers, NPS and rating); investments (net NPV and ROI distributions with
//! P(roi > 0), pairwise comparisons on paired paths, and per investment the cumulative
//! discounted net gain with its payback and a "why" waterfall); sensitivity (tornado and
//! Spearman charts, with uncertain inputs); sweep (KPIs against the swept values); customers
//! (CLV histogram, revenue concentration, segments); KPI definitions; provenance and
//! assumptions. Every chart's numbers are a data set of the page (html_page.h) whose
//! `sources` entry names the results-file dataset they equal or are computed from.
#include <cstddef>
#include <string>

#include "engine/run/results.h"

namespace clvsim::report {

//! What the report shows beside the results.
struct ResultsReportOptions {
  //! The scenario as run with every key resolved (what `clvsim validate` prints); empty
  //! when it is not known, then `resolved_scenario_note` says why.
  std::string resolved_scenario;
  std::string resolved_scenario_note;
  //! The results file the report is made from (empty for `run --report` without `-o`).
  std::string results_file;
};

//! A rendered report.
struct RenderedReport {
  std::string html;
  std::size_t charts = 0;  //!< charts placed on the page
};

//! Renders the report of `results`.
RenderedReport results_report(const Results& results, const ResultsReportOptions& options);

}  // namespace clvsim::report
