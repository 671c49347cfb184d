#include "models/kinds.h"

namespace clvsim::models {

double days_in(TimeUnit unit)
{
  switch (unit) {
    case TimeUnit::day:
      return 1.0;
    case TimeUnit::week:
      return 7.0;
    case TimeUnit::month:
      return 365.25 / 12.0;
    case TimeUnit::year:
      return 365.25;
  }
  return 0.0;
}

double days_in(Period period)
{
  return period == Period::week ? 7.0 : 365.25 / 12.0;
}

const char* to_string(Period period)
{
  return period == Period::week ? "week" : "month";
}

const char* to_string(TimeUnit unit)
{
  switch (unit) {
    case TimeUnit::day:
      return "day";
    case TimeUnit::week:
      return "week";
    case TimeUnit::month:
      return "month";
    case TimeUnit::year:
      return "year";
  }
  return "?";
}

const char* to_string(PurchaseModel model)
{
  switch (model) {
    case PurchaseModel::bg_nbd:
      return "bg_nbd";
    case PurchaseModel::pareto_nbd:
      return "pareto_nbd";
    case PurchaseModel::sbg_poisson:
      return "sbg_poisson";
    case PurchaseModel::sbg:
      return "sbg";
    case PurchaseModel::mbg_nbd:
      return "mbg_nbd";
    case PurchaseModel::bg_bb:
      return "bg_bb";
  }
  return "?";
}

const char* to_string(SpendModel model)
{
  switch (model) {
    case SpendModel::gamma_gamma:
      return "gamma_gamma";
    case SpendModel::lognormal:
      return "lognormal";
    case SpendModel::fixed:
      return "fixed";
  }
  return "?";
}

}  // namespace clvsim::models
