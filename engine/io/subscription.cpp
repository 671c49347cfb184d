#include "engine/io/subscription.h"

#include <span>

#include "engine/stats/summary.h"

namespace clvsim::io {

namespace {

//! Column t of a row-major [paths x horizon] matrix.
std::vector<double> column(const std::vector<double>& m, std::size_t horizon, std::size_t t)
{
  std::vector<double> c;
  for (std::size_t i = t; i < m.size(); i += horizon) c.push_back(m[i]);
  return c;
}

}  // namespace

SubscriptionSeries subscription_series(const Results& r, const VariantResults& v)
{
  SubscriptionSeries s;
  if (!r.subscription.present() || r.horizon <= 0) return s;
  const auto h = static_cast<std::size_t>(r.horizon);
  if (const auto it = v.kpis.periods.find("revenue"); it != v.kpis.periods.end())
    for (std::size_t t = 0; t < h; ++t) {
      std::vector<double> c = column(it->second, h, t);
      for (double& x : c) x /= r.subscription.months_per_period;
      const stats::Summary sum = stats::summarize(std::span<const double>(c));
      s.mrr_mean.push_back(sum.mean);
      s.mrr_p05.push_back(sum.p05);
      s.mrr_p95.push_back(sum.p95);
    }
  if (!v.retention_by_tenure.empty())
    for (std::size_t k = 0; k < h; ++k) {
      const std::vector<double> c = column(v.retention_by_tenure, h, k);
      const stats::Summary sum = stats::summarize(std::span<const double>(c));
      s.retention_mean.push_back(sum.mean);
      s.retention_se.push_back(sum.se);
    }
  return s;
}

bool order_only_kpi(const std::string& kpi)
{
  return kpi == "orders" || kpi == "orders_repeat" || kpi == "revenue_repeat" || kpi == "repeat_revenue_share" ||
         kpi == "return_ratio_loyal_vs_onetime";
}

}  // namespace clvsim::io
