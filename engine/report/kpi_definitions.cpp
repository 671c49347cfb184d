#include "engine/report/kpi_definitions.h"

#include "models/kpis.h"

namespace clvsim::report {

const std::vector<KpiDefinition>& kpi_definitions()
{
  // The one KPI table (models/kpis.h), in its order: per period, per path, comparisons.
  static const std::vector<KpiDefinition> table = [] {
    std::vector<KpiDefinition> t;
    for (const models::KpiInfo& k : models::all_kpis()) {
      const std::string_view per = k.scope == models::KpiScope::period ? "period"
                                   : k.scope == models::KpiScope::path ? "path"
                                                                       : "comparison";
      t.push_back({k.name, per, models::to_string(k.unit), k.meaning});
    }
    return t;
  }();
  return table;
}

const KpiDefinition* find_kpi_definition(std::string_view name)
{
  for (const KpiDefinition& d : kpi_definitions())
    if (d.name == name) return &d;
  if (name.rfind("cac_paid_", 0) == 0)
    for (const KpiDefinition& d : kpi_definitions())
      if (d.name == "cac_paid_*") return &d;
  return nullptr;
}

}  // namespace clvsim::report
