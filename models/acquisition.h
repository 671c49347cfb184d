#pragma once
//! The economics of acquisition (docs/model.md §4, §6.1-6.3): what a paid channel's customer
//! costs in a period and how many it brings, the market's saturation, and the conversion of
//! prospects by the shop's rating and its policies. Pure functions of plain numbers.
#include <algorithm>
#include <cmath>
#include <optional>

namespace clvsim::models {

//! The share of the addressable market not yet acquired (1 without a limit, addressable <= 0).
inline double market_factor(double acquired_so_far, double addressable)
{
  return addressable > 0 ? std::max(0.0, 1.0 - acquired_so_far / addressable) : 1.0;
}

//! A channel's CAC in a period `years` after the start: it grows with inflation, and with
//! (budget / the baseline's budget)^saturation when a variant spends more than the baseline
//! (diminishing returns): cac (1 + inflation)^years (budget / base)^saturation.
inline double channel_cac(double cac, double inflation_annual, double years, double saturation,
                          const std::optional<double>& budget, const std::optional<double>& base_budget)
{
  const double inflation = std::pow(1.0 + inflation_annual, years);
  double cac_t = cac * inflation;
  if (saturation > 0 && budget && base_budget && *base_budget > 0)
    cac_t *= std::pow(*budget / *base_budget, saturation);
  return cac_t;
}

//! A channel's expected new customers in a period: budget x conversion x market / CAC for a
//! budget channel, customers_per_period x conversion x market otherwise.
inline double expected_new_customers(const std::optional<double>& budget, const std::optional<double>& customers,
                                     double cac_t, double conversion, double market)
{
  if (budget) return cac_t > 0 ? *budget * conversion * market / cac_t : 0.0;
  return *customers * conversion * market;
}

}  // namespace clvsim::models
