#pragma once
//! Gamma-gamma spend model: Colombo & Jiang (1999), "A stochastic RFM model", Journal of
//! Interactive Marketing 13(3); in the form of Fader, Hardie & Lee (2005), "RFM and CLV:
//! using iso-value curves for customer base analysis", Journal of Marketing Research 42(4),
//! appendix (and Fader & Hardie's note "The gamma-gamma model of monetary value", 2013).
//! Each order value z ~ Gamma(p, nu) (shape p, rate nu); nu ~ Gamma(q, gamma) per customer.
//! A customer is summarised by x >= 1 orders with mean value m_x.

namespace clvsim::models::gamma_gamma {

//! Gamma-gamma parameters p, q, gamma (all > 0; q > 1 for a finite mean).
struct Params {
  double p, q, gamma;
};

//! ln f(m_x | p, q, gamma; x), the density of the mean of x order values (FHL 2005 appendix):
//!   f = Gamma(p x + q) / (Gamma(p x) Gamma(q)) gamma^q m_x^{p x - 1} x^{p x} / (gamma + m_x x)^{p x + q},
//! i.e. m_x | nu ~ Gamma(p x, nu x) mixed over nu ~ Gamma(q, gamma). Needs x > 0, m_x > 0.
double log_likelihood(const Params& params, double x, double m_x);

//! E[Z | x, m_x] = (gamma + m_x x) p / (p x + q - 1)  (FHL 2005 appendix; the posterior of nu
//! is Gamma(p x + q, gamma + m_x x) and E[Z | nu] = p / nu). Needs p x + q > 1.
double conditional_expected_value(const Params& params, double x, double m_x);

//! Population mean order value E[Z] = p gamma / (q - 1); needs q > 1.
double population_mean(const Params& params);

}  // namespace clvsim::models::gamma_gamma
