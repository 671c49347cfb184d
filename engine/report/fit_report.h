#pragma once
//! `clvsim fit ... --report FILE.html`: the calibration as one self-contained HTML page
//! (engine/report/html_page.h): a section per fitted model with its parameters, standard
//! errors and what each parameter means; for BG/NBD and Pareto/NBD the cumulative and the
//! weekly repeat transactions, calibration and holdout, against the model (Fader, Hardie &
//! Lee 2005, figures 2 and 3), the holdout transactions against the conditional expectation
//! by calibration frequency (figure 4) and P(alive) by frequency and recency; for
//! gamma-gamma the observed mean order values; for sBG the observed and fitted survival.
#include <cstddef>
#include <string>

#include "models/fit/report.h"
#include "models/fit/summary.h"

namespace clvsim::fit {

//! A rendered fit report.
struct FitHtml {
  std::string html;
  std::size_t charts = 0;
};

//! The report of `report`. `data` is the collapsed summary the purchase models were fitted
//! to (null for --survival); `command_line` is shown in the provenance; `tracking` must be
//! set when the report has a transaction log.
FitHtml fit_report_html(const FitReport& report, const CollapsedSummary* data, const std::string& command_line);

}  // namespace clvsim::fit
