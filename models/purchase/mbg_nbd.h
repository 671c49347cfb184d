#pragma once
//! MBG/NBD closed forms: Batislam, Denizel & Filiztekin (2007), "Empirical validation and
//! comparison of models for customer base analysis", International Journal of Research in
//! Marketing 24(3), 201-209 (BDF), with the corrected conditional expectation of Wagner &
//! Hoppe (2008), "Erratum on the MBG/NBD model", IJRM 25(3), 225-226 (W&H).
//! As the BG/NBD (models/purchase/bg_nbd.h), but the customer may also drop out right after
//! the first purchase: while active, repeat purchases are Poisson(lambda), lambda ~ Gamma(r,
//! alpha) (shape, rate); at time 0 and after each repeat purchase the customer drops out with
//! probability p, p ~ Beta(a, b). So a one-time buyer (x = 0) can be inactive, which the
//! BG/NBD rules out. A customer is summarised by (x, t_x, T) as for the BG/NBD.
//!
//! Every expression below reduces to a BG/NBD one with b shifted, which is how it is
//! evaluated (the BG/NBD forms are the stable ones of bg_nbd.h):
//!  * a new customer survives the flip at time 0 with probability b/(a+b), and then p ~ Beta(a, b+1);
//!  * an alive customer with x repeat purchases has survived x+1 flips: p ~ Beta(a, b+x+1).

namespace clvsim::models::mbg_nbd {

//! MBG/NBD parameters: r, alpha (Gamma shape, rate of lambda), a, b (Beta of p). All > 0.
struct Params {
  double r, alpha, a, b;
};

//! ln L(r, alpha, a, b | x, t_x, T), BDF (2007) section 2:
//!   L = A1 A2 (A3 + A4),
//!   A1 = Gamma(r+x) alpha^r / Gamma(r),   A2 = B(a, b+x+1) / B(a, b),
//!   A3 = (alpha+T)^{-(r+x)},              A4 = a/(b+x) (alpha+t_x)^{-(r+x)}   (for every x, also 0),
//! with lgamma and a log-sum-exp. Needs x >= 0 and 0 <= t_x <= T (t_x = 0 when x = 0).
double log_likelihood(const Params& params, double x, double t_x, double T);

//! E[X(t)], expected repeat purchases in (0, t] of a new customer (BDF 2007):
//!   E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]
//!           = b/(a+b) * E_BG/NBD[X(t) | r, alpha, a, b+1]
//! (the second form is what is evaluated: finite and smooth through a = 1).
double expected_repeat(const Params& params, double t);

//! P(alive | x, t_x, T), BDF (2007) appendix A, eq. (5):
//!   P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^{r+x}),
//! below 1 for one-time buyers too (x = 0, t_x = 0).
double p_alive(const Params& params, double x, double t_x, double T);

//! E[Y(t) | x, t_x, T], expected purchases in (T, T+t], W&H (2008):
//!   (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^{r+x} 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))]
//!   / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^{r+x}),
//! computed as p_alive(x, t_x, T) * E_BG/NBD[X(t) | r+x, alpha+T, a, b+x+1].
double conditional_expected(const Params& params, double t, double x, double t_x, double T);

//! P(X(t) = x) for a new customer (BDF 2007):
//!   B(a, b+x+1)/B(a, b) Gamma(r+x)/(Gamma(r) x!) (alpha/(alpha+t))^r (t/(alpha+t))^x
//!   + B(a+1, b+x)/B(a, b) P(NB(r, alpha/(alpha+t)) >= x),
//! the tail being 1 for x = 0 (dropped out at time 0) and I_{t/(alpha+t)}(x, r) otherwise.
double prob_x(const Params& params, double x, double t);

//! Discounted expected transactions of a customer with history (x, t_x, T) over the next
//! `periods` periods of `period_length` time units, each period's expected transactions
//! E[Y(k L) | .] - E[Y((k-1) L) | .] discounted by 1/(1+d)^k (the expected-transactions form
//! of lifetime value used with this model; BDF give no closed-form DERT):
//!   sum_{k=1}^{periods} (E[Y(k L)] - E[Y((k-1) L)]) / (1+d)^k.
double discounted_expected_transactions(const Params& params, double x, double t_x, double T, int periods,
                                        double period_length, double discount_rate_per_period);

}  // namespace clvsim::models::mbg_nbd
