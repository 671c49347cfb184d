#pragma once
//! The KPI definitions the reports print: one table, kept short; docs/model.md is the full
//! definition of the model (update both together). A KPI missing here is still reported,
//! with a pointer to docs/model.md.
#include <string_view>
#include <vector>

namespace clvsim::report {

//! One KPI of the results file.
struct KpiDefinition {
  std::string_view name;        //!< HDF5 dataset / JSON name, e.g. "npv_profit"
  std::string_view per;         //!< "period" (periods/<kpi>) or "path" (paths/<kpi>)
  std::string_view unit;        //!< "money", "share", "count", "points" (NPS), "stars", "ratio"
  std::string_view definition;  //!< one or two sentences for a reader of the report
};

//! Every KPI clvsim writes, per-period ones first, in the order of docs/model.md §11.1.
const std::vector<KpiDefinition>& kpi_definitions();

//! The definition of `name`, or nullptr. A `cac_paid_<channel>` KPI matches "cac_paid_*".
const KpiDefinition* find_kpi_definition(std::string_view name);

}  // namespace clvsim::report
