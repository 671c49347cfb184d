#pragma once
//! The subscription summary of a run (docs/model.md §11.6), what the console and the JSON
//! show for purchase.model = "sbg": MRR by period, retention by tenure beside its closed form,
//! and a new subscriber's DERL (Results::subscription).
#include <string>
#include <vector>

#include "engine/run/results.h"

namespace clvsim::io {

//! Statistics across paths of one variant's subscription series, each [horizon].
struct SubscriptionSeries {
  //! MRR_t = revenue_t / months_per_period: the recurring revenue billed in period t, per
  //! month. Mean and the 5% / 95% quantiles across paths.
  std::vector<double> mrr_mean, mrr_p05, mrr_p95;
  //! Retention by tenure k (VariantResults::retention_by_tenure): mean across paths and its
  //! standard error.
  std::vector<double> retention_mean, retention_se;
};

//! The series of `v` (a variant of `r`); empty when `r` is not a subscription run.
SubscriptionSeries subscription_series(const Results& r, const VariantResults& v);

//! The KPIs that mean nothing for a subscription, where every payment is an "order": orders,
//! orders_repeat, revenue_repeat, repeat_revenue_share, return_ratio_loyal_vs_onetime. The
//! console leaves them out of subscription runs.
bool order_only_kpi(const std::string& kpi);

}  // namespace clvsim::io
