#pragma once
//! The KPIs (docs/model.md §11): one table per kind, each row the KPI's name (the interface:
//! HDF5 dataset names, JSON fields, CSV rows), its unit, what it means in words (for reports
//! and documentation), and, for the per-period and per-path KPIs, its formula. The enum, the
//! names, the units and the meanings are generated from the rows, so adding a KPI is adding
//! a row (and, if it needs a new per-customer sum, a tally in models/sim/block.h).
#include "models/sim/block.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace clvsim::models {

//! The unit of a KPI's values.
enum class KpiUnit {
  count,    //!< customers, orders, reviews, contacts...
  money,    //!< in economics.currency
  share,    //!< a fraction (shown as %)
  ratio,    //!< a dimensionless ratio
  points,   //!< NPS points, -100..100
  stars,    //!< review stars, 1..5
  periods,  //!< a period index
};

//! Where a KPI lives: per period (periods/<kpi>, path_periods/<kpi>), per path (paths/<kpi>),
//! or per investment and path (comparisons/<investment>/paths/<metric>).
enum class KpiScope { period, path, comparison };

//! One KPI's name, scope, unit and meaning.
struct KpiInfo {
  std::string_view name;
  KpiScope scope;
  KpiUnit unit;
  std::string_view meaning;
};

namespace detail {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
}

// ---------------------------------------------------------------------------------------
// Per-period KPIs: the formula is over PeriodInputs `in`.

//! What a period's KPIs are computed from: the period's tallies (of a segment or of the
//! whole shop) and the shop-level values of the period.
struct PeriodInputs {
  const sim::TallyRow& tally;
  double customers_new = 0;           //!< acquired this period (the initial cohort in period 0)
  double customers_new_referral = 0;  //!< of which through referrals
  double cost_acquisition = 0;        //!< paid channels' spend (a segment: its paid customers' CAC)
  double cost_referral = 0;           //!< referral rewards paid (a segment: its referred customers')
  double cost_fixed = 0;              //!< economics.fixed_cost_per_period (the whole shop only)
  double cost_loyalty_fixed = 0;      //!< the loyalty programme's fixed cost (the whole shop only)
  double cost_investment = 0;         //!< the investments' costs of the period
  double rating = 0;                  //!< the shop rating at the end of the period
  double discount = 1;                //!< delta^t
  double cumulative_before = 0;       //!< profit_cumulative_discounted of the period before
};

//! Profit of a period: gross margin minus every cost line (docs/model.md §11.1).
inline double profit_of(const PeriodInputs& in)
{
  const sim::TallyRow& x = in.tally;
  return x[sim::T_GROSS_MARGIN] - x[sim::T_COST_SERVICE] - x[sim::T_COST_COMPENSATION] - x[sim::T_COST_FULFILMENT] -
         x[sim::T_COST_SHIPPING] - x[sim::T_COST_RETURNS] - x[sim::T_COST_LOYALTY] - in.cost_loyalty_fixed -
         x[sim::T_COST_MARKETING] - in.cost_acquisition - in.cost_referral - in.cost_fixed - in.cost_investment;
}

//! A count among the customers active at the end of the period, per customer (NaN when none is).
inline double per_active_end(const PeriodInputs& in, double count)
{
  const double alive = in.tally[sim::T_ALIVE_END];
  return alive > 0 ? count / alive : detail::NaN;
}

//! NPS: 100 (promoters - detractors) / active customers at the end of the period.
inline double nps_of(const PeriodInputs& in)
{
  const double alive = in.tally[sim::T_ALIVE_END];
  return alive > 0 ? 100.0 * (in.tally[sim::T_PROMOTERS] - in.tally[sim::T_DETRACTORS]) / alive : detail::NaN;
}

// X(name, unit, meaning, formula)
#define CLVSIM_PERIOD_KPIS(X)                                                                                          \
  X(customers_active, count, "Customers still active after the period's survival step.", in.tally[sim::T_ACTIVE])      \
  X(customers_new, count,                                                                                              \
    "Customers acquired in the period through paid channels and referrals (not the initial cohort).",                  \
    in.customers_new)                                                                                                  \
  X(customers_new_referral, count, "Of the new customers, those who came through a referral.",                         \
    in.customers_new_referral)                                                                                         \
  X(customers_churned, count, "Customers lost in the period.", in.tally[sim::T_CHURNED])                               \
  X(orders, count, "Orders placed in the period.", in.tally[sim::T_ORDERS])                                            \
  X(orders_repeat, count, "Orders other than a customer's first (acquisition) order.", in.tally[sim::T_ORDERS_REPEAT]) \
  X(revenue, money, "Order value kept in the period, net of refunded returns.", in.tally[sim::T_REVENUE])              \
  X(revenue_repeat, money, "Revenue from repeat orders.", in.tally[sim::T_REVENUE_REPEAT])                             \
  X(gross_margin, money, "economics.gross_margin times the kept revenue.", in.tally[sim::T_GROSS_MARGIN])              \
  X(cost_acquisition, money, "Spent on the paid channels' customers of the period (their CAC).", in.cost_acquisition)  \
  X(cost_referral, money, "Referral rewards paid for the period's referred customers.", in.cost_referral)              \
  X(cost_service, money, "Customer service contacts (agents' time).", in.tally[sim::T_COST_SERVICE])                   \
  X(cost_compensation, money, "Compensation paid on incidents (vouchers).", in.tally[sim::T_COST_COMPENSATION])        \
  X(cost_fulfilment, money, "Fulfilment of every order, with the same-day surcharge.",                                 \
    in.tally[sim::T_COST_FULFILMENT])                                                                                  \
  X(cost_shipping, money, "Shipping the shop pays (free-shipping policy).", in.tally[sim::T_COST_SHIPPING])            \
  X(cost_returns, money, "Processing returned orders.", in.tally[sim::T_COST_RETURNS])                                 \
  X(cost_loyalty, money, "Loyalty programme: rewards, per-member and fixed costs.",                                    \
    in.tally[sim::T_COST_LOYALTY] + in.cost_loyalty_fixed)                                                             \
  X(cost_marketing, money, "Marketing e-mails.", in.tally[sim::T_COST_MARKETING])                                      \
  X(cost_investment, money, "The investments' own costs: one-time, per period, per order and per contact.",            \
    in.cost_investment)                                                                                                \
  X(cost_fixed, money, "economics.fixed_cost_per_period.", in.cost_fixed)                                              \
  X(profit, money, "Gross margin minus every cost line of the period.", profit_of(in))                                 \
  X(profit_cumulative_discounted, money,                                                                               \
    "Profit of periods 0..t, each discounted to period 0 (factor delta^t; period 0 undiscounted).",                    \
    in.cumulative_before + in.discount * profit_of(in))                                                                \
  X(nps, points,                                                                                                       \
    "Net Promoter Score of the customers active at the end of the period: % promoters (satisfaction rounding "         \
    "to 9-10) minus % detractors (0-6), from -100 to 100.",                                                            \
    nps_of(in))                                                                                                        \
  X(promoters_share, share, "Share of active customers who are promoters.",                                            \
    per_active_end(in, in.tally[sim::T_PROMOTERS]))                                                                    \
  X(detractors_share, share, "Share of active customers who are detractors.",                                          \
    per_active_end(in, in.tally[sim::T_DETRACTORS]))                                                                   \
  X(rating, stars, "The shop's average review rating (1-5 stars) that prospects see, at the end of the period.",       \
    in.rating)                                                                                                         \
  X(reviews_new, count, "Reviews written in the period.", in.tally[sim::T_REVIEWS])                                    \
  X(reviews_negative_new, count, "Reviews of 1 or 2 stars written in the period.", in.tally[sim::T_REVIEWS_NEGATIVE])  \
  X(loyalty_members, count, "Active customers in the loyalty programme at the end of the period.",                     \
    in.tally[sim::T_MEMBERS])                                                                                          \
  X(incidents, count, "Service incidents in the period (an order that needed a contact).", in.tally[sim::T_INCIDENTS]) \
  X(contacts, count, "Customer contacts with the service team.", in.tally[sim::T_CONTACTS])

//! The per-period KPIs, in the table's order (their index is their row in PathOutput).
enum class PeriodKpi : std::size_t {
#define CLVSIM_KPI_ENUM(name, unit, meaning, formula) name,
  CLVSIM_PERIOD_KPIS(CLVSIM_KPI_ENUM)
#undef CLVSIM_KPI_ENUM
      count_
};

inline constexpr std::size_t PERIOD_KPI_COUNT = static_cast<std::size_t>(PeriodKpi::count_);

constexpr std::size_t idx(PeriodKpi k)
{
  return static_cast<std::size_t>(k);
}

//! The per-period KPIs' names, units and meanings, in the table's order.
inline constexpr std::array<KpiInfo, PERIOD_KPI_COUNT> PERIOD_KPIS = {{
#define CLVSIM_KPI_INFO(name, unit, meaning, formula) {#name, KpiScope::period, KpiUnit::unit, meaning},
    CLVSIM_PERIOD_KPIS(CLVSIM_KPI_INFO)
#undef CLVSIM_KPI_INFO
}};

//! The value of every per-period KPI, in the table's order.
inline std::array<double, PERIOD_KPI_COUNT> period_kpis(const PeriodInputs& in)
{
  return {{
#define CLVSIM_KPI_VALUE(name, unit, meaning, formula) formula,
      CLVSIM_PERIOD_KPIS(CLVSIM_KPI_VALUE)
#undef CLVSIM_KPI_VALUE
  }};
}

// ---------------------------------------------------------------------------------------
// Per-path KPIs: the formula is over PathInputs `in`.

//! Sums over the customers of a path (or of a segment of it) at the end of the horizon: CLV
//! of everyone, of the initial cohort and of the customers acquired in the horizon
//! (existing customers are in none of them).
struct ClvSums {
  double sum = 0, n = 0, sum_initial = 0, n_initial = 0, sum_acquired = 0, n_acquired = 0;
  double sum_horizon = 0;                   //!< sum's contributions inside the horizon only
  double sum_referred = 0, n_referred = 0;  //!< of the acquired, those who came through referrals
  double n_existing = 0;                    //!< existing customers (population.history), in no sum above
  double sum_existing = 0;                  //!< their lifetime CLVs (horizon contributions plus residuals)
  //! Over every customer alive at the end (existing ones included), discounted to the start of
  //! the horizon: the residuals after it, the expected orders after it and their expected contacts.
  double value_after = 0, orders_after = 0, contacts_after = 0;
  void add(const ClvSums& o)
  {
    value_after += o.value_after;
    orders_after += o.orders_after;
    contacts_after += o.contacts_after;
    sum += o.sum;
    n += o.n;
    sum_initial += o.sum_initial;
    n_initial += o.n_initial;
    sum_horizon += o.sum_horizon;
    sum_acquired += o.sum_acquired;
    n_acquired += o.n_acquired;
    sum_referred += o.sum_referred;
    n_referred += o.n_referred;
    n_existing += o.n_existing;
    sum_existing += o.sum_existing;
  }
};

//! What a path's KPIs are computed from: its per-period KPIs ([kpi][t]), the discount
//! factors, the CLV sums, and the ordering of loyal and one-time customers at risk (summed
//! over the periods; whole paths only).
struct PathInputs {
  std::span<const std::vector<double>> periods;
  std::span<const double> discount;
  ClvSums clv;
  double loyal_at_risk = 0, loyal_ordered = 0, onetime_at_risk = 0, onetime_ordered = 0;
  double costs_after = 0;  //!< the shop's running costs after the horizon (whole paths)

  //! The sum over the horizon of a per-period KPI.
  double total(PeriodKpi k) const
  {
    double s = 0;
    for (double v : periods[idx(k)]) s += v;
    return s;
  }
  //! Its value in the last period.
  double last(PeriodKpi k) const { return periods[idx(k)].back(); }
  //! Sum over t of discount[t] x the KPI in period t.
  double discounted(PeriodKpi k) const
  {
    double s = 0;
    const auto& v = periods[idx(k)];
    for (std::size_t t = 0; t < v.size(); ++t) s += discount[t] * v[t];
    return s;
  }
  //! Customers acquired through the paid channels.
  double paid_customers() const { return total(PeriodKpi::customers_new) - total(PeriodKpi::customers_new_referral); }
  //! The paid channels' spend over their customers.
  double cac_mean() const
  {
    const double paid = paid_customers();
    return paid > 0 ? total(PeriodKpi::cost_acquisition) / paid : detail::NaN;
  }
  //! Mean CLV of the customers of the paid channels.
  double clv_paid_mean() const
  {
    const double n = clv.n_acquired - clv.n_referred;
    return n > 0 ? (clv.sum_acquired - clv.sum_referred) / n : detail::NaN;
  }
};

inline double ratio_or_nan(double a, double b)
{
  return b > 0 ? a / b : detail::NaN;
}

// X(name, unit, meaning, formula); the whole-path-only KPIs are in CLVSIM_WHOLE_PATH_KPIS.
#define CLVSIM_PATH_KPIS(X)                                                                                            \
  X(npv_profit, money, "Net present value of profit over the horizon: the sum of delta^t profit_t.",                   \
    in.discounted(PeriodKpi::profit))                                                                                  \
  X(revenue_total, money, "Revenue over the horizon, not discounted.", in.total(PeriodKpi::revenue))                   \
  X(customers_acquired, count, "Customers acquired over the horizon through paid channels and referrals.",             \
    in.total(PeriodKpi::customers_new))                                                                                \
  X(customers_initial, count,                                                                                          \
    "Customers the shop has at the start: the initial cohort and the existing customers of a history.",                \
    in.clv.n_initial + in.clv.n_existing)                                                                              \
  X(clv_mean, money,                                                                                                   \
    "Mean customer lifetime value of every customer of the run but existing ones: each one's discounted "              \
    "contribution from its acquisition to the end of the horizon, plus the expected discounted contribution "          \
    "of its life after the horizon (closed form given its state at the end), discounted to its acquisition "           \
    "period.",                                                                                                         \
    ratio_or_nan(in.clv.sum, in.clv.n))                                                                                \
  X(clv_horizon_mean, money,                                                                                           \
    "clv_mean counted inside the horizon only: a customer won late in the horizon counts for the periods left.",       \
    ratio_or_nan(in.clv.sum_horizon, in.clv.n))                                                                        \
  X(clv_initial_cohort_mean, money,                                                                                    \
    "clv_mean (lifetime) of the customers the shop starts with (the initial cohort, or the customers alive at "        \
    "period 0 after a warm-up).",                                                                                      \
    ratio_or_nan(in.clv.sum_initial, in.clv.n_initial))                                                                \
  X(clv_existing_mean, money,                                                                                          \
    "Mean lifetime CLV of the existing customers of population.history (who are in no other clv_ KPI): each one's "    \
    "discounted contribution over the horizon plus the expected residual after it, discounted to the start of the "    \
    "horizon; the mean over customers of the forecast's expected_clv_lifetime. NaN without a history.",                \
    ratio_or_nan(in.clv.sum_existing, in.clv.n_existing))                                                              \
  X(customer_equity_existing, money,                                                                                   \
    "The existing customers' lifetime CLVs summed (clv_existing_mean times their number): the value of the customer "  \
    "base of the history. NaN without a history.",                                                                     \
    in.clv.n_existing > 0 ? in.clv.sum_existing : detail::NaN)                                                         \
  X(value_after_horizon, money,                                                                                        \
    "What the customers alive at the end of the horizon are expected to contribute after it (existing customers "      \
    "included): each one's closed-form residual of clv_mean, with the last period's setup held, discounted to the "    \
    "start of the horizon. Shop-level, acquisition and investment costs after the horizon are not in it.",             \
    in.clv.value_after)                                                                                                \
  X(cac_mean, money, "The paid channels' spend over the horizon divided by the customers they brought.",               \
    in.cac_mean())                                                                                                     \
  X(cac_blended_mean, money,                                                                                           \
    "All acquisition spend (paid channels and referral rewards) divided by every customer acquired, paid and "         \
    "referred.",                                                                                                       \
    ratio_or_nan(in.total(PeriodKpi::cost_acquisition) + in.total(PeriodKpi::cost_referral),                           \
                 in.total(PeriodKpi::customers_new)))                                                                  \
  X(clv_to_cac, ratio, "Mean CLV of the paid channels' customers divided by cac_mean.",                                \
    in.total(PeriodKpi::cost_acquisition) > 0 ? in.clv_paid_mean() / in.cac_mean() : detail::NaN)                      \
  X(repeat_revenue_share, share, "Revenue from second and later orders over all revenue.",                             \
    ratio_or_nan(in.total(PeriodKpi::revenue_repeat), in.total(PeriodKpi::revenue)))                                   \
  X(nps_final, points, "nps in the last period.", in.last(PeriodKpi::nps))                                             \
  X(rating_final, stars, "rating in the last period.", in.last(PeriodKpi::rating))

#define CLVSIM_WHOLE_PATH_KPIS(X)                                                                                      \
  X(costs_after_horizon, money,                                                                                        \
    "The shop's running costs after the horizon if its last period is held for ever: per period the investments' "     \
    "cost_per_period, economics.fixed_cost_per_period and the loyalty programme's fixed cost; the investments' "       \
    "cost_per_order and cost_per_contact on the expected orders and contacts of the customers alive at its end; "      \
    "discounted to the start of the horizon (NaN at a 0% discount rate with a cost per period, whose sum has no "      \
    "end). The customers' own costs are in value_after_horizon.",                                                      \
    in.costs_after)                                                                                                    \
  X(return_ratio_loyal_vs_onetime, ratio,                                                                              \
    "Per-period probability of ordering of customers with at least kpi.loyal_min_orders orders over that of "          \
    "customers with exactly one.",                                                                                     \
    in.loyal_at_risk > 0 && in.onetime_at_risk > 0 && in.onetime_ordered > 0                                           \
        ? (in.loyal_ordered / in.loyal_at_risk) / (in.onetime_ordered / in.onetime_at_risk)                            \
        : detail::NaN)

//! The per-path KPIs of a path and of each segment, then those of whole paths only.
inline constexpr std::array PATH_KPIS = {
#define CLVSIM_KPI_INFO(name, unit, meaning, formula) KpiInfo{#name, KpiScope::path, KpiUnit::unit, meaning},
    CLVSIM_PATH_KPIS(CLVSIM_KPI_INFO) CLVSIM_WHOLE_PATH_KPIS(CLVSIM_KPI_INFO)
#undef CLVSIM_KPI_INFO
};

//! How many of PATH_KPIS a segment has (the first ones).
inline constexpr std::size_t SEGMENT_PATH_KPI_COUNT = [] {
  std::size_t n = 0;
#define CLVSIM_KPI_COUNT(name, unit, meaning, formula) ++n;
  CLVSIM_PATH_KPIS(CLVSIM_KPI_COUNT)
#undef CLVSIM_KPI_COUNT
  return n;
}();

//! The values of the per-path KPIs, in PATH_KPIS' order: all of them for a whole path
//! (`whole`), the first SEGMENT_PATH_KPI_COUNT for a segment.
inline std::vector<double> path_kpis(const PathInputs& in, bool whole)
{
  std::vector<double> v = {
#define CLVSIM_KPI_VALUE(name, unit, meaning, formula) formula,
      CLVSIM_PATH_KPIS(CLVSIM_KPI_VALUE)
#undef CLVSIM_KPI_VALUE
  };
  if (whole) {
#define CLVSIM_KPI_PUSH(name, unit, meaning, formula) v.push_back(formula);
    CLVSIM_WHOLE_PATH_KPIS(CLVSIM_KPI_PUSH)
#undef CLVSIM_KPI_PUSH
  }
  return v;
}

//! The cost per customer of a paid channel over the horizon, `cac_paid_<channel>` (whole paths).
inline constexpr KpiInfo CHANNEL_CAC_KPI = {"cac_paid_*", KpiScope::path, KpiUnit::money,
                                            "Acquisition cost per customer of one paid channel (its spend over its "
                                            "customers)."};

// ---------------------------------------------------------------------------------------
// Comparison metrics (computed by engine/run/variants.cpp, one per investment and path).

inline constexpr std::array COMPARISON_KPIS = {
    KpiInfo{"delta_npv", KpiScope::comparison, KpiUnit::money,
            "NPV of profit of the investment's variant minus the baseline's on the same path, before the "
            "investment's own cost."},
    KpiInfo{"cost_npv", KpiScope::comparison, KpiUnit::money, "NPV of the investment's own cost (cost_investment)."},
    KpiInfo{"net_npv", KpiScope::comparison, KpiUnit::money,
            "delta_npv - cost_npv: what the investment adds to the shop's NPV."},
    KpiInfo{"roi", KpiScope::comparison, KpiUnit::share,
            "net_npv / cost_npv. P(roi > 0) is the share of paths where it is positive."},
    KpiInfo{"roi_incremental", KpiScope::comparison, KpiUnit::share,
            "net_npv over everything the investment costs: cost_npv plus the NPV of the increase of the "
            "operating cost lines (every cost_* but cost_investment) it causes, when positive."},
    KpiInfo{"payback_period", KpiScope::comparison, KpiUnit::periods,
            "First period index t at which the cumulative discounted net gain (variant - baseline, the "
            "investment's cost included) is >= 0; empty (never) when it does not pay back within the horizon."},
    KpiInfo{"revenue_uplift", KpiScope::comparison, KpiUnit::share,
            "revenue_total of the variant over the baseline's, minus 1."},
    KpiInfo{"delta_nps", KpiScope::comparison, KpiUnit::points, "nps_final of the variant minus the baseline's."},
    KpiInfo{"delta_retention", KpiScope::comparison, KpiUnit::share,
            "Change of the share of all customers (acquired or initial) still active at the end of the horizon."},
    KpiInfo{"delta_customers_active", KpiScope::comparison, KpiUnit::count,
            "customers_active in the last period, variant minus baseline."},
    KpiInfo{"delta_clv", KpiScope::comparison, KpiUnit::money, "clv_mean of the variant minus the baseline's."},
    KpiInfo{"delta_value_after_horizon", KpiScope::comparison, KpiUnit::money,
            "value_after_horizon of the variant minus the baseline's: what the investment adds to the value of "
            "the customers alive at the end of the horizon after it, its effects held as in the last period."},
    KpiInfo{"cost_npv_after_horizon", KpiScope::comparison, KpiUnit::money,
            "costs_after_horizon of the variant minus the baseline's: the investment's running costs after the "
            "horizon if it keeps running, and the change of the shop's fixed costs it makes."},
    KpiInfo{"net_npv_lifetime", KpiScope::comparison, KpiUnit::money,
            "net_npv + delta_value_after_horizon - cost_npv_after_horizon: the investment kept running for ever, "
            "its customers' value after the horizon counted (customers acquired after it are not)."},
};

//! The row of a KPI of any scope by its name (`cac_paid_<channel>` matches CHANNEL_CAC_KPI),
//! or nullptr.
const KpiInfo* find_kpi(std::string_view name);

//! Every KPI row: per period, per path, the channel CAC, comparisons.
std::vector<KpiInfo> all_kpis();

//! The name of a unit: "count", "money", "share", "ratio", "points", "stars", "periods".
std::string_view to_string(KpiUnit unit);

}  // namespace clvsim::models
