// Unit tests of the service -> satisfaction formulas (models/sim/service.h; docs/model.md §5.2, §5.3,
// §6.1). Every reference value is worked out by hand in the comment beside it from docs/model.md
// text, never taken from the code under test. The docs/model.md §5.2 defaults are
// base 0.5, per_extra_contact 1.5, per_log_wait 1.0, per_impolite_contact 2.0,
// per_compensation_ratio 2.0.
#include "models/sim/service.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace clvsim::sim;

constexpr double TOL = 1e-12;

//! docs/model.md §5.2 with its default coefficients.
double spec_default_delta(int contacts, double total_wait_hours, int impolite, double compensation_ratio)
{
  return experience_delta(0.5, 1.5, 1.0, 2.0, 2.0, contacts, total_wait_hours, impolite, compensation_ratio);
}

// ---------------------------------------------------------------------------------------
// Experience of one incident (docs/model.md §5.2)

TEST(Experience, QuickPoliteFirstContactFixRaisesSatisfaction)
{
  // One contact, no rude answer, no compensation: dS = 0.5 - ln(1 + W/24).
  // W = 0 h: 0.5 - ln 1 = 0.5.
  EXPECT_NEAR(spec_default_delta(1, 0.0, 0, 0.0), 0.5, TOL);
  // W = 4 h: 0.5 - ln(7/6) = 0.5 - 0.154150679827258 = 0.345849320172742.
  EXPECT_NEAR(spec_default_delta(1, 4.0, 0, 0.0), 0.345849320172742, TOL);
  // W = 12 h: 0.5 - ln 1.5 = 0.5 - 0.405465108108164 = 0.094534891891836 (still positive:
  // a same-day polite fix is service recovery).
  EXPECT_NEAR(spec_default_delta(1, 12.0, 0, 0.0), 0.094534891891836, TOL);
  EXPECT_GT(spec_default_delta(1, 12.0, 0, 0.0), 0.0);
  // W = 24 h: 0.5 - ln 2 = -0.193147180559945 (a day's wait already costs more than the fix gives).
  EXPECT_NEAR(spec_default_delta(1, 24.0, 0, 0.0), -0.193147180559945, TOL);
  // The break-even wait: ln(1 + W/24) = 0.5 <=> W = 24 (e^0.5 - 1) = 15.569 h.
  EXPECT_NEAR(spec_default_delta(1, 24.0 * (std::exp(0.5) - 1.0), 0, 0.0), 0.0, TOL);
}

TEST(Experience, EachTermHasItsCoefficient)
{
  // Each extra contact costs per_extra_contact: 2 contacts, no wait: 0.5 - 1.5 = -1.0.
  EXPECT_NEAR(spec_default_delta(2, 0.0, 0, 0.0), -1.0, TOL);
  // 4 contacts: 0.5 - 1.5 * 3 = -4.0.
  EXPECT_NEAR(spec_default_delta(4, 0.0, 0, 0.0), -4.0, TOL);
  // Each rude answer costs 2: one contact, one rude answer: 0.5 - 2 = -1.5.
  EXPECT_NEAR(spec_default_delta(1, 0.0, 1, 0.0), -1.5, TOL);
  // Compensation of 50% of the order value: 0.5 + 2 * 0.5 = 1.5 (service recovery).
  EXPECT_NEAR(spec_default_delta(1, 0.0, 0, 0.5), 1.5, TOL);
  // Compensation "exceeding the loss" (ratio 1.2): 0.5 + 2.4 = 2.9.
  EXPECT_NEAR(spec_default_delta(1, 0.0, 0, 1.2), 2.9, TOL);
  // Non-default coefficients enter linearly: base 1, extra 2, wait 3, rude 4, comp 5 with
  // 3 contacts, 48 h, 2 rude, ratio 0.1: 1 - 2*2 - 3 ln 3 - 4*2 + 5*0.1
  // = 1 - 4 - 3.295836866004329 - 8 + 0.5 = -13.795836866004329.
  EXPECT_NEAR(experience_delta(1.0, 2.0, 3.0, 4.0, 5.0, 3, 48.0, 2, 0.1), -13.795836866004329, TOL);
  // All coefficients 0: no effect at all, whatever happened.
  EXPECT_EQ(experience_delta(0, 0, 0, 0, 0, 4, 500.0, 4, 0.0), 0.0);
}

TEST(Experience, ThreeContactsThreeDaysAndARudeAgentTurnAPromoterIntoADetractor)
{
  // docs/model.md §5.2: 3 contacts, 72 h of waiting in total, one impolite answer:
  // dS = 0.5 - 1.5 * 2 - ln(1 + 72/24) - 2 * 1 = 0.5 - 3 - ln 4 - 2 = -5.886294361119891.
  const double d = spec_default_delta(3, 72.0, 1, 0.0);
  EXPECT_NEAR(d, -5.886294361119891, TOL);
  // A promoter at S = 9.5 (round 10) ends the period at 7.5 + (9.5 - 5.886 - 7.5) * 0.9
  // = 7.5 - 3.886294361119891 * 0.9 = 4.002335074992098: round 4, a detractor.
  const double s = update_satisfaction(9.5, d, 7.5, 1.0 - 0.1, 0.0);
  EXPECT_NEAR(s, 4.002335074992098, TOL);
  EXPECT_EQ(nps_category(9.5), 1);
  EXPECT_EQ(nps_category(s), -1);
  // Even the happiest customer (S = 10): 7.5 + (4.113705638880109 - 7.5) * 0.9
  // = 4.452335074992098, still a detractor.
  EXPECT_NEAR(update_satisfaction(10.0, d, 7.5, 1.0 - 0.1, 0.0), 4.452335074992098, TOL);
  EXPECT_EQ(nps_category(update_satisfaction(10.0, d, 7.5, 1.0 - 0.1, 0.0)), -1);
  // The quick polite fix of a promoter keeps it a promoter: 9 + 0.5 -> 7.5 + 2 * 0.9 = 9.3.
  EXPECT_NEAR(update_satisfaction(9.0, spec_default_delta(1, 0.0, 0, 0.0), 7.5, 1.0 - 0.1, 0.0), 9.3, TOL);
  EXPECT_EQ(nps_category(9.3), 1);
}

// ---------------------------------------------------------------------------------------
// Satisfaction state (docs/model.md §5.3): add, clamp to [0, 10], decay toward the initial mean
// (update_satisfaction takes keep = 1 - decay)

TEST(Satisfaction, AddsThenDecaysTowardTheMean)
{
  // S = 8, +0.2 (an order without incident), decay 0.1 toward 7.5:
  // 7.5 + (8.2 - 7.5) * 0.9 = 8.13.
  EXPECT_NEAR(update_satisfaction(8.0, 0.2, 7.5, 1.0 - 0.1, 0.0), 8.13, TOL);
  // Below the mean it decays upward: S = 5, no delta: 7.5 - 2.5 * 0.9 = 5.25.
  EXPECT_NEAR(update_satisfaction(5.0, 0.0, 7.5, 1.0 - 0.1, 0.0), 5.25, TOL);
  // decay 0 keeps S + delta; decay 1 returns to the mean whatever happened.
  EXPECT_NEAR(update_satisfaction(6.0, 1.25, 7.5, 1.0 - 0.0, 0.0), 7.25, TOL);
  EXPECT_NEAR(update_satisfaction(2.0, -1.0, 7.5, 1.0 - 1.0, 0.0), 7.5, TOL);
  // At the mean with no delta S stays exactly put.
  EXPECT_EQ(update_satisfaction(7.5, 0.0, 7.5, 1.0 - 0.1, 0.0), 7.5);
}

TEST(Satisfaction, TheInnovationIsAddedAfterTheDecayAndClamped)
{
  // 7.5 + (8.2 - 7.5) * 0.9 + 0.5 = 8.63; near the top the innovation clamps at 10.
  EXPECT_NEAR(update_satisfaction(8.0, 0.2, 7.5, 1.0 - 0.1, 0.5), 8.63, TOL);
  EXPECT_EQ(update_satisfaction(9.9, 0.0, 7.5, 1.0 - 0.1, 2.0), 10.0);
  EXPECT_EQ(update_satisfaction(0.5, 0.0, 7.5, 1.0 - 0.1, -3.0), 0.0);
}

TEST(Satisfaction, TheInnovationKeepsTheDistributionStationary)
{
  // Var(mean + (S - mean) keep + e) = sd^2 keep^2 + sd_e^2 = sd^2 for S ~ N(mean, sd^2):
  // sd_e = sd sqrt(1 - keep^2); no decay, no innovation.
  for (double decay : {0.05, 0.1, 0.5, 1.0}) {
    const double keep = 1.0 - decay, e = satisfaction_noise_sd(1.3, decay);
    EXPECT_NEAR(1.3 * 1.3 * keep * keep + e * e, 1.3 * 1.3, 1e-12) << decay;
  }
  EXPECT_EQ(satisfaction_noise_sd(1.3, 0.0), 0.0);
}

TEST(Satisfaction, ClampsBeforeDecaying)
{
  // 9.5 + 2 = 11.5 clamps to 10 first, then decays: 7.5 + 2.5 * 0.9 = 9.75 (not 7.5 + 4 * 0.9 = 11.1).
  EXPECT_NEAR(update_satisfaction(9.5, 2.0, 7.5, 1.0 - 0.1, 0.0), 9.75, TOL);
  // 1 - 5 = -4 clamps to 0: 7.5 - 7.5 * 0.9 = 0.75 (not 7.5 - 11.5 * 0.9 = -2.85).
  EXPECT_NEAR(update_satisfaction(1.0, -5.0, 7.5, 1.0 - 0.1, 0.0), 0.75, TOL);
  // With no decay the clamp is the result.
  EXPECT_EQ(update_satisfaction(9.0, 3.0, 7.5, 1.0 - 0.0, 0.0), 10.0);
  EXPECT_EQ(update_satisfaction(1.0, -3.0, 7.5, 1.0 - 0.0, 0.0), 0.0);
  // The result always stays in [0, 10] when the mean does.
  for (double s = 0; s <= 10; s += 0.5)
    for (double d = -20; d <= 20; d += 2.5) {
      const double u = update_satisfaction(s, d, 7.5, 1.0 - 0.3, 0.0);
      EXPECT_GE(u, 0.0);
      EXPECT_LE(u, 10.0);
    }
}

// ---------------------------------------------------------------------------------------
// NPS categories (docs/model.md §5.3): from round(S): 9-10 promoter, 7-8 passive, 0-6 detractor

TEST(Nps, CategoriesAtTheBoundaries)
{
  EXPECT_EQ(nps_category(0.0), -1);
  EXPECT_EQ(nps_category(6.0), -1);
  EXPECT_EQ(nps_category(6.49), -1);  // round 6
  EXPECT_EQ(nps_category(6.5), 0);    // round 7 (halves round away from zero)
  EXPECT_EQ(nps_category(7.0), 0);
  EXPECT_EQ(nps_category(8.0), 0);
  EXPECT_EQ(nps_category(8.49), 0);  // round 8
  EXPECT_EQ(nps_category(8.5), 1);   // round 9
  EXPECT_EQ(nps_category(9.0), 1);
  EXPECT_EQ(nps_category(10.0), 1);
}

// ---------------------------------------------------------------------------------------
// Review stars (docs/model.md §6.1): clamp(round(S / 2), 1, 5)

TEST(Reviews, StarsFromSatisfaction)
{
  EXPECT_EQ(review_stars(0.0), 1.0);   // round 0 -> clamped up to 1
  EXPECT_EQ(review_stars(0.99), 1.0);  // round 0.495 = 0 -> 1
  EXPECT_EQ(review_stars(1.0), 1.0);   // round 0.5 = 1
  EXPECT_EQ(review_stars(2.99), 1.0);  // round 1.495 = 1
  EXPECT_EQ(review_stars(3.0), 2.0);   // round 1.5 = 2
  EXPECT_EQ(review_stars(5.0), 3.0);   // round 2.5 = 3
  EXPECT_EQ(review_stars(7.5), 4.0);   // round 3.75 = 4: a typical new customer gives 4 stars
  EXPECT_EQ(review_stars(8.99), 4.0);  // round 4.495 = 4
  EXPECT_EQ(review_stars(9.0), 5.0);   // round 4.5 = 5
  EXPECT_EQ(review_stars(10.0), 5.0);
}

// ---------------------------------------------------------------------------------------
// Rating update (docs/model.md §6.1): R = (1 - w) R + w mean(stars), w = n / (n + memory)

TEST(Reputation, RatingUpdateWeights)
{
  // n = memory: w = 1/2: 0.5 * 4.5 + 0.5 * 3 = 3.75.
  EXPECT_NEAR(update_rating(4.5, 200, 3.0, 200), 3.75, TOL);
  // n = 50, memory 200: w = 0.2: 0.8 * 4.5 + 0.2 * 2 = 4.0.
  EXPECT_NEAR(update_rating(4.5, 50, 2.0, 200), 4.0, TOL);
  // n = 600, memory 200: w = 0.75: 0.25 * 4 + 0.75 * 5 = 4.75.
  EXPECT_NEAR(update_rating(4.0, 600, 5.0, 200), 4.75, TOL);
  // One review against a long memory barely moves it: w = 1/1001: 4.5 - 3.5/1001.
  EXPECT_NEAR(update_rating(4.5, 1, 1.0, 1000), 4.5 - 3.5 / 1001.0, TOL);
  // No reviews: unchanged (exactly).
  EXPECT_EQ(update_rating(4.2, 0, 1.0, 200), 4.2);
  // Reviews equal to the rating leave it unchanged.
  EXPECT_NEAR(update_rating(4.0, 123, 4.0, 200), 4.0, TOL);
}

// ---------------------------------------------------------------------------------------
// Conversion multiplier (docs/model.md §6.1): max(0.05, 1 + share * sensitivity * (R - reference))

TEST(Reputation, ConversionMultiplier)
{
  // At the reference rating: exactly 1.
  EXPECT_EQ(conversion_multiplier(4.5, 0.54, 0.5, 4.5), 1.0);
  // No sensitivity: exactly 1 whatever the rating (the mechanism switched off).
  EXPECT_EQ(conversion_multiplier(1.0, 0.54, 0.0, 4.5), 1.0);
  // Half a star below: 1 + 0.54 * 0.5 * (-0.5) = 0.865.
  EXPECT_NEAR(conversion_multiplier(4.0, 0.54, 0.5, 4.5), 0.865, TOL);
  // Half a star above with sensitivity 1: 1 + 0.54 * 0.5 = 1.27.
  EXPECT_NEAR(conversion_multiplier(5.0, 0.54, 1.0, 4.5), 1.27, TOL);
  // The floor: 1 + 0.54 * 10 * (1 - 4.5) = -17.9 -> 0.05.
  EXPECT_EQ(conversion_multiplier(1.0, 0.54, 10.0, 4.5), 0.05);
  // Just above the floor: 1 + 1 * 1 * (1.06 - 2) = 0.06.
  EXPECT_NEAR(conversion_multiplier(1.06, 1.0, 1.0, 2.0), 0.06, TOL);
  // Exactly at the floor: 1 + 1 * 1 * (1.05 - 2) = 0.05.
  EXPECT_NEAR(conversion_multiplier(1.05, 1.0, 1.0, 2.0), 0.05, TOL);
}

}  // namespace
