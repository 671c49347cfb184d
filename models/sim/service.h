#pragma once
//! The service-to-satisfaction formulas (docs/model.md §5.2, §5.3, §6.1) as pure functions:
//! the one copy of each, called by both kernels (models/reference/kernel.cpp and
//! models/sim/kernel.cpp, scalar and in its vector loops) and by the driver, and unit-tested
//! on their own. Templated on the number type where a kernel runs them in single precision.
#include "engine/rng/vmath.h"

#include <algorithm>
#include <cmath>

namespace clvsim::sim {

//! Satisfaction (NPS scale) bounds.
inline constexpr double SATISFACTION_MIN = 0.0, SATISFACTION_MAX = 10.0;
//! NPS categories from round(S) for S in [0, 10]: round(S) >= 9 (promoter) iff S >= 8.5,
//! round(S) >= 7 (passive or promoter) iff S >= 6.5 (round-half-up, as std::round).
inline constexpr double PROMOTER_MIN = 8.5, PASSIVE_MIN = 6.5;

//! Satisfaction change of one incident (docs/model.md §5.2):
//! dS = base - per_extra_contact (contacts - 1) - per_log_wait ln(1 + wait_hours/24)
//!      - per_impolite_contact impolite + per_compensation_ratio compensation_ratio.
inline double experience_delta(double base, double per_extra_contact, double per_log_wait, double per_impolite_contact,
                               double per_compensation_ratio, double contacts, double total_wait_hours, double impolite,
                               double compensation_ratio)
{
  // Explicit fused multiply-adds: the same rounding wherever this is inlined, scalar or
  // vectorised (the fast kernel runs it in its vector loops).
  double d = std::fma(-per_extra_contact, contacts - 1.0, base);
  d = std::fma(-per_log_wait, rng::vmath::log1p(total_wait_hours / 24.0), d);
  d = std::fma(-per_impolite_contact, impolite, d);
  return std::fma(per_compensation_ratio, compensation_ratio, d);
}

//! End-of-period satisfaction (docs/model.md §5.3): add the period's deltas, clamp to
//! [0, 10], move toward the initial mean, add the innovation and clamp again:
//! clamp(mean + (clamp(S + delta) - mean) keep + innovation), keep = 1 - decay. The
//! innovation is noise_sd x a standard normal (0 without satisfaction.stationary).
template <class F>
[[gnu::always_inline]] inline F update_satisfaction(F s, F delta, F mean, F keep, F innovation)
{
  // min(max(.)) is std::clamp's value for every input, NaN included, and vectorises where two
  // std::clamp calls in a row did not (GCC 12: end_of_period ran lane by lane).
  const auto clamp = [](F v) { return std::min(std::max(v, F(SATISFACTION_MIN)), F(SATISFACTION_MAX)); };
  const F moved = mean + (clamp(s + delta) - mean) * keep;
  return clamp(moved + innovation);
}

//! The sd of the innovation that keeps Normal(mean, sd^2) stationary under the AR(1) step
//! S <- mean + (S - mean)(1 - decay) + e: sd sqrt(1 - (1 - decay)^2) (docs/model.md §5.3).
inline double satisfaction_noise_sd(double initial_sd, double decay)
{
  const double keep = 1.0 - decay;
  return initial_sd * std::sqrt(1.0 - keep * keep);
}

//! Whether satisfaction s counts as a promoter (round(s) >= 9).
template <class F>
[[gnu::always_inline]] inline bool is_promoter(F s)
{
  return s >= F(PROMOTER_MIN);
}
//! Whether satisfaction s counts as a passive (round(s) 7-8).
template <class F>
[[gnu::always_inline]] inline bool is_passive(F s)
{
  return s >= F(PASSIVE_MIN) && s < F(PROMOTER_MIN);
}

//! NPS category of a satisfaction value in [0, 10]: promoter (+1), passive (0), detractor (-1).
template <class F>
[[gnu::always_inline]] inline int nps_category(F s)
{
  return is_promoter(s) ? 1 : (s >= F(PASSIVE_MIN) ? 0 : -1);
}

//! The review probability of a customer ending the period at satisfaction s: by its NPS
//! category (docs/model.md §6.1).
template <class F>
[[gnu::always_inline]] inline double review_probability(F s, double p_promoter, double p_passive, double p_detractor)
{
  return is_promoter(s) ? p_promoter : (s >= F(PASSIVE_MIN) ? p_passive : p_detractor);
}

//! Stars of a review written at satisfaction S: clamp(round(S/2), 1, 5) (docs/model.md §6.1).
inline double review_stars(double s)
{
  return std::clamp(std::round(s / 2.0), 1.0, 5.0);
}

//! Hazard multiplier of a customer at satisfaction s (docs/model.md §3.2, §5.3, §6.3-6.4, §7):
//! exp(churn_sensitivity (reference - s)) x the policies' and marketing's multiplier x the
//! loyalty member's (1 for non-members).
template <class F>
[[gnu::always_inline]] inline F hazard_multiplier(F churn_sensitivity, F reference, F s, F policies, F loyalty)
{
  return rng::vmath::exp_f(churn_sensitivity * (reference - s)) * policies * loyalty;
}

//! Frequency multiplier of a customer at satisfaction s (same sections):
//! exp(frequency_sensitivity (s - reference)) x policies' and marketing's x the member's.
template <class F>
[[gnu::always_inline]] inline F frequency_multiplier(F frequency_sensitivity, F reference, F s, F policies, F loyalty)
{
  return rng::vmath::exp_f(frequency_sensitivity * (s - reference)) * policies * loyalty;
}

//! Shop rating after a period with `reviews` new reviews of mean `mean_stars` (docs/model.md
//! §6.1): R_t = (1-w) R_{t-1} + w mean(stars), w = n/(n + memory_reviews); unchanged without
//! reviews.
inline double update_rating(double rating, double reviews, double mean_stars, double memory_reviews)
{
  if (reviews <= 0) return rating;
  const double w = reviews / (reviews + memory_reviews);
  return (1.0 - w) * rating + w * mean_stars;
}

//! Conversion multiplier of paid acquisition from the rating (docs/model.md §6.1):
//! M = max(0.05, 1 + share_reading_reviews rating_sensitivity (R - reference_rating)).
inline double conversion_multiplier(double rating, double share_reading_reviews, double rating_sensitivity,
                                    double reference_rating)
{
  return std::max(0.05, 1.0 + share_reading_reviews * rating_sensitivity * (rating - reference_rating));
}

}  // namespace clvsim::sim
