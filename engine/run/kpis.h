#pragma once
//! The per-period KPIs of SPEC §11.1, in a fixed order (their index is a slot in the
//! tallies each block fills). Names are the interface: HDF5 dataset names, JSON fields.
#include <array>
#include <cstddef>
#include <string_view>

namespace clvsim {

enum class PeriodKpi : std::size_t {
  customers_active,        //!< customers alive after this period's survival step
  customers_new,           //!< acquired this period (all channels, referrals and the initial cohort)
  customers_new_referral,  //!< of which through the `referral` channel
  customers_churned,       //!< customers lost this period
  orders,
  orders_repeat,           //!< orders other than a customer's first (acquisition) order
  revenue,                 //!< order value kept (net of refunded returns)
  revenue_repeat,
  gross_margin,            //!< gross_margin x kept revenue
  cost_acquisition,
  cost_service,            //!< contacts and compensation
  cost_fulfilment,         //!< fulfilment, shipping paid by the shop, return costs, same-day surcharge
  cost_loyalty,
  cost_marketing,
  cost_investment,
  cost_fixed,              //!< economics.fixed_cost_per_period
  profit,
  profit_cumulative_discounted,
  nps,                     //!< promoters minus detractors, in points (-100..100), active customers at period end
  promoters_share,
  detractors_share,
  rating,
  reviews_new,
  reviews_negative_new,    //!< reviews with 1 or 2 stars
  loyalty_members,
  incidents,
  contacts,
  count_
};

inline constexpr std::size_t PERIOD_KPI_COUNT = static_cast<std::size_t>(PeriodKpi::count_);

inline constexpr std::array<std::string_view, PERIOD_KPI_COUNT> PERIOD_KPI_NAMES = {
    "customers_active", "customers_new", "customers_new_referral", "customers_churned",
    "orders", "orders_repeat", "revenue", "revenue_repeat", "gross_margin", "cost_acquisition",
    "cost_service", "cost_fulfilment", "cost_loyalty", "cost_marketing", "cost_investment",
    "cost_fixed", "profit", "profit_cumulative_discounted", "nps", "promoters_share",
    "detractors_share", "rating", "reviews_new", "reviews_negative_new", "loyalty_members",
    "incidents", "contacts"};

constexpr std::size_t idx(PeriodKpi k) { return static_cast<std::size_t>(k); }

}  // namespace clvsim
