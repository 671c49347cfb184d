#pragma once
//! The kinds a customer model is built from (docs/model.md §2-§3): the simulation period,
//! the time unit of rates, the purchase and the spend model. Plain enumerations, below every
//! layer that names them (the scenario loader reads them from TOML; the kernels switch on them).
namespace clvsim::models {

enum class Period { week, month };
enum class TimeUnit { day, week, month, year };
enum class PurchaseModel {
  bg_nbd,
  mbg_nbd,
  pareto_nbd,
  sbg_poisson,
  sbg,
  bg_bb
};  // (in the order of purchase.model's words)
enum class SpendModel { gamma_gamma, lognormal, fixed };

//! Length in days: week = 7, month = 365.25/12, year = 365.25 (docs/model.md §2).
double days_in(TimeUnit unit);
double days_in(Period period);
const char* to_string(Period period);
const char* to_string(TimeUnit unit);
const char* to_string(PurchaseModel model);
const char* to_string(SpendModel model);

}  // namespace clvsim::models
