#include "engine/report/kpi_definitions.h"

namespace clvsim::report {

const std::vector<KpiDefinition>& kpi_definitions()
{
  // Edit here when a KPI is added or its definition changes (and in docs/model.md).
  static const std::vector<KpiDefinition> table = {
      // per period: statistics across paths of each period's value
      {"customers_active", "period", "count", "Customers still active at the end of the period, after its churn."},
      {"customers_new", "period", "count",
       "Customers acquired in the period: paid channels, referrals and, in period 0, the initial cohort."},
      {"customers_new_referral", "period", "count", "Of the new customers, those who came through a referral."},
      {"customers_churned", "period", "count", "Customers lost in the period."},
      {"orders", "period", "count", "Orders placed in the period."},
      {"orders_repeat", "period", "count", "Orders other than a customer's first (acquisition) order."},
      {"revenue", "period", "money", "Order value kept in the period, net of refunded returns."},
      {"revenue_repeat", "period", "money", "Revenue from repeat orders."},
      {"gross_margin", "period", "money", "economics.gross_margin times the kept revenue."},
      {"cost_acquisition", "period", "money", "Spent on acquiring customers in the period (paid channels)."},
      {"cost_service", "period", "money", "Customer service: contacts and compensation."},
      {"cost_fulfilment", "period", "money",
       "Fulfilment, shipping paid by the shop, return costs and the same-day surcharge."},
      {"cost_loyalty", "period", "money", "Loyalty programme: rewards, per-member and fixed costs."},
      {"cost_marketing", "period", "money", "Marketing e-mails."},
      {"cost_investment", "period", "money",
       "The investments' own costs: one-time, per period, per order and per contact."},
      {"cost_fixed", "period", "money", "economics.fixed_cost_per_period."},
      {"profit", "period", "money", "Gross margin minus every cost line of the period."},
      {"profit_cumulative_discounted", "period", "money",
       "Profit of periods 0..t, each discounted to period 0 (factor δ^t; period 0 undiscounted)."},
      {"nps", "period", "points",
       "Net Promoter Score of the active customers at the end of the period: % promoters (satisfaction 9–10) "
       "minus % detractors (0–6), from −100 to 100."},
      {"promoters_share", "period", "share", "Share of active customers who are promoters."},
      {"detractors_share", "period", "share", "Share of active customers who are detractors."},
      {"rating", "period", "stars", "The shop's average review rating (1–5 stars) that prospects see."},
      {"reviews_new", "period", "count", "Reviews written in the period."},
      {"reviews_negative_new", "period", "count", "Reviews of 1 or 2 stars written in the period."},
      {"loyalty_members", "period", "count", "Active customers in the loyalty programme."},
      {"incidents", "period", "count", "Service incidents in the period (an order that went wrong)."},
      {"contacts", "period", "count", "Customer contacts with the service team."},
      // per path: one value per Monte Carlo path
      {"npv_profit", "path", "money", "Net present value of profit over the horizon: Σ δ^t profit_t."},
      {"revenue_total", "path", "money", "Revenue over the horizon, not discounted."},
      {"customers_acquired", "path", "count", "Customers acquired over the horizon, the initial cohort included."},
      {"clv_mean", "path", "money",
       "Mean customer lifetime value of every customer of the run: each one's discounted contribution from its "
       "acquisition to the end of the horizon (not beyond it), discounted to its acquisition period. A customer "
       "won late in the horizon counts for the few periods left."},
      {"clv_initial_cohort_mean", "path", "money", "clv_mean of the initial cohort only (customers at period 0)."},
      {"cac_mean", "path", "money",
       "Acquisition spend over the horizon divided by every customer acquired in it, paid and referred (a blended "
       "CAC; the initial cohort excluded)."},
      {"clv_to_cac", "path", "ratio", "Mean CLV of the customers acquired in the horizon divided by cac_mean."},
      {"repeat_revenue_share", "path", "share", "Revenue from second and later orders over all revenue."},
      {"return_ratio_loyal_vs_onetime", "path", "ratio",
       "Per-period probability of ordering of customers with at least kpi.loyal_min_orders orders over that of "
       "customers with exactly one."},
      {"nps_final", "path", "points", "nps in the last period."},
      {"rating_final", "path", "stars", "rating in the last period."},
      {"cac_paid_*", "path", "money", "Acquisition cost per customer of one paid channel (its spend over its customers)."},
      // per investment and path (comparisons/<investment>/paths/<metric>)
      {"delta_npv", "comparison", "money",
       "NPV of profit of the investment's variant minus the baseline's on the same path, before the investment's "
       "own cost."},
      {"cost_npv", "comparison", "money", "NPV of the investment's own cost (cost_investment)."},
      {"net_npv", "comparison", "money", "delta_npv − cost_npv: what the investment adds to the shop's NPV."},
      {"roi", "comparison", "share", "net_npv / cost_npv. P(roi > 0) is the share of paths where it is positive."},
      {"payback_period", "comparison", "periods",
       "First period index t at which the cumulative discounted net gain (variant − baseline, the investment's "
       "cost included) is ≥ 0; empty (never) when it does not pay back within the horizon."},
      {"revenue_uplift", "comparison", "share", "revenue_total of the variant over the baseline's, minus 1."},
      {"delta_nps", "comparison", "points", "nps_final of the variant minus the baseline's."},
      {"delta_retention", "comparison", "share",
       "Change of the share of all customers (acquired or initial) still active at the end of the horizon."},
      {"delta_customers_active", "comparison", "count", "customers_active in the last period, variant minus baseline."},
      {"delta_clv", "comparison", "money", "clv_mean of the variant minus the baseline's."},
  };
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
