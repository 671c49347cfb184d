#pragma once
//! Files compiled into the binary for the HTML reports, so that an installed clvsim writes
//! reports without a network or its source tree: the charting libraries (Vega, Vega-Lite,
//! vega-embed, installed from the npm registry by tools/install_deps.sh at the versions
//! pinned in engine/report/vendor/package-lock.json), their licences, and the report's own
//! script and style sheet (engine/report/assets/).
#include <string_view>
#include <vector>

namespace clvsim::report {

//! One charting library as compiled in.
struct VendoredLibrary {
  std::string_view name;          //!< npm package name, e.g. "vega-lite"
  std::string_view version;       //!< e.g. "6.4.1"
  std::string_view license;       //!< SPDX id, e.g. "BSD-3-Clause"
  std::string_view license_text;  //!< the package's LICENSE file
  std::string_view code;          //!< the minified browser build (UMD), source-map comment removed
};

//! Vega, Vega-Lite and vega-embed, in the order a page must load them.
const std::vector<VendoredLibrary>& vendored_libraries();

//! assets/report.js: turns the page's chart descriptors into Vega-Lite specs and renders them.
std::string_view report_script();

//! assets/report.css: the page's style sheet.
std::string_view report_style();

}  // namespace clvsim::report
