#pragma once
//! Maximum likelihood on log-parameters with NLopt, and standard errors from the numerical
//! Hessian (docs/model.md §13).
//!
//! Every parameter is positive; the optimiser works on φ = ln θ inside [ln 1e-8, ln 1e8].
//! Standard errors: the observed information I = −∂²LL/∂φ² by central differences at the
//! optimum (of the gradient when there is one, of LL otherwise), cov(φ) = I⁻¹, and by the
//! delta method SE(θ_k) = θ_k·sqrt(cov(φ)_kk).
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace clvsim::fit {

//! Log-likelihood at theta (natural parameters). When `grad` is not empty it receives
//! ∂LL/∂θ. May return -inf or NaN where the likelihood is not defined.
using LogLikelihood = std::function<double(std::span<const double> theta, std::span<double> grad)>;

//! An estimate with standard errors and the diagnostics a user needs to trust it.
struct FitResult {
  std::string model;               //!< "bg_nbd", "pareto_nbd", "gamma_gamma", "sbg"
  std::vector<std::string> names;  //!< parameter names, e.g. {"r","alpha","a","b"}
  std::vector<double> estimate;
  std::vector<double> se;  //!< NaN when the Hessian is not positive definite
  //! cov(φ) = I⁻¹, φ = ln θ (the optimiser's space): the asymptotic covariance of the
  //! log-estimates, row-major names.size() × names.size(); empty when the Hessian is not
  //! positive definite.
  std::vector<std::vector<double>> cov_log;
  double log_likelihood = 0;
  double observations = 0;  //!< customers (or cohort members) in the likelihood
  int evaluations = 0;      //!< likelihood evaluations, all starts
  bool hessian_positive_definite = false;
  std::vector<std::string> warnings;  //!< user-facing, without the "warning: " prefix

  //! The estimate of `name` (throws std::out_of_range for an unknown name).
  double operator[](const std::string& name) const;
};

//! Settings of maximize_likelihood.
struct MleOptions {
  bool has_gradient = false;  //!< LD_LBFGS when true, LN_BOBYQA otherwise
  double xtol_rel = 1e-10;
  double ftol_rel = 1e-13;
  int max_evaluations = 5000;  //!< per start
  //! ftol_rel of the final polishing run only (negative: ftol_rel): 0 stops it on the step
  //! alone, for likelihoods with a flat ridge, without paying for that in every start.
  double polish_ftol_rel = -1;
};

//! Maximises `ll` from each of `starts` (natural parameters) and keeps the best optimum,
//! then polishes it and computes standard errors and warnings (an estimate at the bounds,
//! a Hessian that is not positive definite, an SE larger than its estimate).
//! Throws InputError when no start gives a finite log-likelihood.
FitResult maximize_likelihood(const std::string& model, std::vector<std::string> names,
                              const std::vector<std::vector<double>>& starts, const LogLikelihood& ll,
                              double observations, const MleOptions& options = {});

}  // namespace clvsim::fit
