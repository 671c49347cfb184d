#include "models/fit/mle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include <Eigen/Dense>
#include <nlopt.hpp>

#include "engine/core/errors.h"

namespace clvsim::fit {

double FitResult::operator[](const std::string& name) const
{
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return estimate[k];
  throw std::out_of_range(model + " has no parameter '" + name + "'");
}

namespace {

constexpr double LOG_LOWER = -18.420680743952367;  // ln 1e-8
constexpr double LOG_UPPER = 18.420680743952367;   // ln 1e8
constexpr double BAD = 1e300;                      // -LL where the likelihood is undefined

std::string num(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

//! −LL on log-parameters, with its gradient; counts evaluations.
struct Objective {
  Objective(const LogLikelihood& f, std::size_t size) : ll(f), n(size) {}
  const LogLikelihood& ll;
  std::size_t n;
  int evaluations = 0;
  std::vector<double> theta, grad_theta;

  double operator()(const std::vector<double>& phi, std::vector<double>& grad)
  {
    ++evaluations;
    theta.resize(n);
    for (std::size_t k = 0; k < n; ++k) theta[k] = std::exp(phi[k]);
    grad_theta.assign(grad.empty() ? 0 : n, 0.0);
    const double v = ll(theta, grad_theta);
    if (!std::isfinite(v)) {
      for (auto& g : grad) g = 0.0;
      return BAD;
    }
    for (std::size_t k = 0; k < grad.size(); ++k) grad[k] = -theta[k] * grad_theta[k];
    return -v;
  }
  static double thunk(const std::vector<double>& phi, std::vector<double>& grad, void* self)
  {
    return (*static_cast<Objective*>(self))(phi, grad);
  }
};

//! One local optimisation from phi (updated in place); returns −LL at the result.
double optimise(Objective& obj, std::vector<double>& phi, const MleOptions& options)
{
  const std::size_t n = phi.size();
  nlopt::opt opt(options.has_gradient ? nlopt::LD_LBFGS : nlopt::LN_BOBYQA, static_cast<unsigned>(n));
  opt.set_lower_bounds(std::vector<double>(n, LOG_LOWER));
  opt.set_upper_bounds(std::vector<double>(n, LOG_UPPER));
  opt.set_min_objective(&Objective::thunk, &obj);
  opt.set_xtol_rel(options.xtol_rel);
  opt.set_ftol_rel(options.ftol_rel);
  opt.set_maxeval(options.max_evaluations);
  if (!options.has_gradient) opt.set_initial_step(std::vector<double>(n, 0.5));
  for (auto& p : phi) p = std::clamp(p, LOG_LOWER, LOG_UPPER);
  double f = BAD;
  try {
    opt.optimize(phi, f);
  } catch (const nlopt::roundoff_limited&) {
    // The best point so far is in phi; at an optimum of a smooth function this is normal.
    f = opt.last_optimum_value();
  } catch (const std::runtime_error&) {
    // NLopt failure (e.g. a line search that cannot progress): keep the best point found.
    f = opt.last_optimum_value();
  }
  if (!std::isfinite(f)) {
    std::vector<double> none;
    f = obj(phi, none);
  }
  return f;
}

}  // namespace

FitResult maximize_likelihood(const std::string& model, std::vector<std::string> names,
                              const std::vector<std::vector<double>>& starts, const LogLikelihood& ll,
                              double observations, const MleOptions& options)
{
  const std::size_t n = names.size();
  Objective obj(ll, n);
  std::vector<double> best;
  double best_f = BAD;
  for (const auto& start : starts) {
    std::vector<double> phi(n);
    for (std::size_t k = 0; k < n; ++k) phi[k] = std::log(start[k]);
    std::vector<double> none;
    if (obj(phi, none) >= BAD) continue;  // start outside the likelihood's domain
    const double f = optimise(obj, phi, options);
    if (f < best_f) {
      best_f = f;
      best = phi;
    }
  }
  if (best.empty() || best_f >= BAD)
    throw InputError("error: " + model +
                     ": the log-likelihood is not finite at any starting point; "
                     "check the data (e.g. zero amounts for gamma-gamma)");
  // Polish: a fresh local run from the best optimum (a new trust region / Hessian estimate).
  {
    std::vector<double> phi = best;
    MleOptions polish = options;
    if (options.polish_ftol_rel >= 0) polish.ftol_rel = options.polish_ftol_rel;
    const double f = optimise(obj, phi, polish);
    if (f <= best_f) {
      best_f = f;
      best = phi;
    }
  }

  FitResult res;
  res.model = model;
  res.names = std::move(names);
  res.observations = observations;
  res.log_likelihood = -best_f;
  res.estimate.resize(n);
  for (std::size_t k = 0; k < n; ++k) res.estimate[k] = std::exp(best[k]);

  // Observed information on log-parameters by central differences.
  Eigen::MatrixXd info(n, n);
  if (options.has_gradient) {
    const double h = 1e-5;
    std::vector<double> gp(n), gm(n);
    for (std::size_t j = 0; j < n; ++j) {
      std::vector<double> phi = best;
      phi[j] = best[j] + h;
      obj(phi, gp);
      phi[j] = best[j] - h;
      obj(phi, gm);
      for (std::size_t i = 0; i < n; ++i) info(i, j) = (gp[i] - gm[i]) / (2 * h);  // −∂²LL
    }
    info = (0.5 * (info + info.transpose())).eval();
  } else {
    const double h = 1e-3;
    std::vector<double> none;
    auto f = [&](std::size_t i, double di, std::size_t j, double dj) {
      std::vector<double> phi = best;
      phi[i] += di;
      phi[j] += dj;
      return obj(phi, none);  // −LL
    };
    for (std::size_t i = 0; i < n; ++i) {
      info(i, i) = (f(i, h, i, 0) - 2 * best_f + f(i, -h, i, 0)) / (h * h);
      for (std::size_t j = 0; j < i; ++j) {
        info(i, j) = info(j, i) = (f(i, h, j, h) - f(i, h, j, -h) - f(i, -h, j, h) + f(i, -h, j, -h)) / (4 * h * h);
      }
    }
  }
  res.evaluations = obj.evaluations;
  res.se.assign(n, std::numeric_limits<double>::quiet_NaN());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(info);
  res.hessian_positive_definite = info.allFinite() && eig.info() == Eigen::Success && eig.eigenvalues().minCoeff() > 0;
  if (res.hessian_positive_definite) {
    Eigen::MatrixXd cov = info.inverse();
    cov = (0.5 * (cov + cov.transpose())).eval();  // exactly symmetric, for a Cholesky downstream
    for (std::size_t k = 0; k < n; ++k) res.se[k] = res.estimate[k] * std::sqrt(cov(k, k));
    res.cov_log.assign(n, std::vector<double>(n));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        res.cov_log[i][j] = cov(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  } else {
    res.warnings.push_back(model +
                           ": the Hessian of the negative log-likelihood is not positive "
                           "definite at the optimum (a flat or saddle direction); standard "
                           "errors are not available");
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (best[k] <= LOG_LOWER + 1e-3 || best[k] >= LOG_UPPER - 1e-3)
      res.warnings.push_back(model + ": " + res.names[k] + " = " + num(res.estimate[k]) +
                             " is at the optimiser's bound [1e-08, 1e+08]: the maximum is not "
                             "interior and the estimates are unreliable");
    else if (std::isfinite(res.se[k]) && res.se[k] > res.estimate[k])
      res.warnings.push_back(model + ": " + res.names[k] + " is poorly identified (SE " + num(res.se[k]) +
                             " > estimate " + num(res.estimate[k]) + ")");
  }
  return res;
}

}  // namespace clvsim::fit
