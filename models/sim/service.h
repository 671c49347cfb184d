#pragma once
//! The service-to-satisfaction formulas (SPEC §5.2, §5.3, §6.1) as pure functions, shared by
//! the kernel and the driver and unit-tested on their own.
#include "engine/rng/vmath.h"

#include <algorithm>
#include <cmath>

namespace clvsim::sim {

//! Satisfaction change of one incident (SPEC §5.2):
//! dS = base - per_extra_contact (contacts - 1) - per_log_wait ln(1 + wait_hours/24)
//!      - per_impolite_contact impolite + per_compensation_ratio compensation_ratio.
inline double experience_delta(double base, double per_extra_contact, double per_log_wait,
                               double per_impolite_contact, double per_compensation_ratio,
                               int contacts, double total_wait_hours, int impolite,
                               double compensation_ratio)
{
  // Explicit fused multiply-adds: the same rounding wherever this is inlined, scalar or
  // vectorised (the kernel computes it both ways and its paths must agree bitwise).
  double d = std::fma(-per_extra_contact, static_cast<double>(contacts - 1), base);
  d = std::fma(-per_log_wait, rng::vmath::log1p(total_wait_hours / 24.0), d);
  d = std::fma(-per_impolite_contact, static_cast<double>(impolite), d);
  return std::fma(per_compensation_ratio, compensation_ratio, d);
}

//! End-of-period satisfaction (SPEC §5.3): add the period's deltas, clamp to [0, 10], then
//! decay toward the initial mean by the fraction `decay`.
inline double update_satisfaction(double s, double delta, double initial_mean, double decay)
{
  const double clamped = std::clamp(s + delta, 0.0, 10.0);
  return initial_mean + (clamped - initial_mean) * (1.0 - decay);
}

//! NPS category of a satisfaction value: round(S) 9-10 promoter (+1), 7-8 passive (0),
//! 0-6 detractor (-1).
inline int nps_category(double s)
{
  const double c = std::round(s);
  return c >= 9 ? 1 : (c >= 7 ? 0 : -1);
}

//! Stars of a review written at satisfaction S: clamp(round(S/2), 1, 5) (SPEC §6.1).
inline double review_stars(double s) { return std::clamp(std::round(s / 2.0), 1.0, 5.0); }

//! Shop rating after a period with `reviews` new reviews of mean `mean_stars` (SPEC §6.1):
//! R_t = (1-w) R_{t-1} + w mean(stars), w = n/(n + memory_reviews); unchanged without reviews.
inline double update_rating(double rating, double reviews, double mean_stars, double memory_reviews)
{
  if (reviews <= 0) return rating;
  const double w = reviews / (reviews + memory_reviews);
  return (1.0 - w) * rating + w * mean_stars;
}

//! Conversion multiplier of paid acquisition from the rating (SPEC §6.1):
//! M = max(0.05, 1 + share_reading_reviews rating_sensitivity (R - reference_rating)).
inline double conversion_multiplier(double rating, double share_reading_reviews,
                                    double rating_sensitivity, double reference_rating)
{
  return std::max(0.05, 1.0 + share_reading_reviews * rating_sensitivity * (rating - reference_rating));
}

}  // namespace clvsim::sim
