#include "models/kpis.h"

namespace clvsim::models {

const KpiInfo* find_kpi(std::string_view name)
{
  for (const KpiInfo& k : PERIOD_KPIS)
    if (k.name == name) return &k;
  for (const KpiInfo& k : PATH_KPIS)
    if (k.name == name) return &k;
  for (const KpiInfo& k : COMPARISON_KPIS)
    if (k.name == name) return &k;
  if (name.rfind("cac_paid_", 0) == 0) return &CHANNEL_CAC_KPI;
  return nullptr;
}

std::vector<KpiInfo> all_kpis()
{
  std::vector<KpiInfo> all(PERIOD_KPIS.begin(), PERIOD_KPIS.end());
  all.insert(all.end(), PATH_KPIS.begin(), PATH_KPIS.end());
  all.push_back(CHANNEL_CAC_KPI);
  all.insert(all.end(), COMPARISON_KPIS.begin(), COMPARISON_KPIS.end());
  return all;
}

std::string_view to_string(KpiUnit unit)
{
  switch (unit) {
    case KpiUnit::count:
      return "count";
    case KpiUnit::money:
      return "money";
    case KpiUnit::share:
      return "share";
    case KpiUnit::ratio:
      return "ratio";
    case KpiUnit::points:
      return "points";
    case KpiUnit::stars:
      return "stars";
    case KpiUnit::periods:
      return "periods";
  }
  return "?";
}

}  // namespace clvsim::models
