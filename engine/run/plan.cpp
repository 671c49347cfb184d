#include "engine/run/plan.h"

#include "models/purchase/registry.h"
#include "scenarios/segment_model.h"

#include <cassert>
#include <cmath>

namespace clvsim::runner {

using scenarios::ExistingCustomer;
using scenarios::Scenario;
using sim::SegmentModel;

models::CustomerHistory history_in_units(const ExistingCustomer& c, double to_unit)
{
  return {c.x, c.t_x * to_unit, c.T * to_unit, c.renewals};
}

models::HistoryForecast existing_forecast(const SegmentModel& m, const ExistingCustomer& c, double to_unit,
                                          double horizon_units, int horizon)
{
  const models::CustomerHistory h = history_in_units(c, to_unit);
  return models::visit_purchase_model(
      m.model, [&](auto model) { return decltype(model)::forecast(m.purchase, h, horizon_units, horizon); });
}

Plan make_plan(const Scenario& sc, const Workers& workers, PeriodKernel kernel)
{
  Plan plan;
  plan.workers = workers;
  plan.simulate_period = kernel;
  plan.scenario = &sc;
  plan.horizon = sc.simulation.horizon_periods;
  plan.warmup = sc.simulation.warmup_periods;
  plan.block_size = static_cast<std::size_t>(sc.simulation.block_size);
  const double period_days = scenarios::days_in(sc.simulation.period);
  plan.period_years = period_days / 365.25;
  double cum = 0;
  for (const auto& seg : sc.segments) {
    plan.segments.push_back(scenarios::segment_model(seg.behaviour, sc.simulation.period));
    cum += seg.share;
    plan.segment_cumulative_share.push_back(cum);
    assert(seg.behaviour.purchase.model == sc.segments.front().behaviour.purchase.model &&
           "the loader refuses segments with different purchase models");
  }
  plan.subscription = sc.base.purchase.model == models::PurchaseModel::sbg;
  // docs/model.md §2: delta = (1+d)^(-L/365.25), period 0 undiscounted.
  const double delta = std::pow(1.0 + sc.base.economics.discount_rate_annual, -period_days / 365.25);
  // (a customer of the warm-up is discounted to its acquisition until the horizon starts)
  plan.discount.resize(static_cast<std::size_t>(std::max(plan.horizon, plan.warmup)) + 1);
  for (std::size_t k = 0; k < plan.discount.size(); ++k) plan.discount[k] = std::pow(delta, static_cast<double>(k));
  // population.history was read and validated by the loader (scenarios/history.h).
  assert(sc.population.history.empty() == !sc.existing);
  if (sc.existing) {
    assert(models::history_columns(sc.base.purchase.model) != models::HistoryColumns::none);
    plan.existing = *sc.existing;
    const double to_unit =
        scenarios::days_in(sc.population.history_time_unit) / scenarios::days_in(sc.base.purchase.time_unit);
    const double horizon_units = plan.horizon * period_days / scenarios::days_in(sc.base.purchase.time_unit);
    const std::size_t E = plan.existing.size();
    plan.existing_p_alive.assign(sc.segments.size(), std::vector<double>(E));
    plan.existing_p_alive_mix.assign(E, 0.0);
    plan.existing_closed_orders.assign(E, 0.0);
    for (std::size_t g = 0; g < sc.segments.size(); ++g) {
      const auto& seg = sc.segments[g];
      std::vector<double> orders(E);
      workers.for_each(std::size_t{0}, E, [&](std::size_t j) {
        const models::HistoryForecast f =
            existing_forecast(plan.segments[g], plan.existing[j], to_unit, horizon_units, plan.horizon);
        plan.existing_p_alive[g][j] = f.p_alive;
        orders[j] = f.expected_orders;
      });
      for (std::size_t j = 0; j < E; ++j) {
        plan.existing_p_alive_mix[j] += seg.share * plan.existing_p_alive[g][j];
        plan.existing_closed_orders[j] += seg.share * orders[j];
      }
    }
  }
  assert(sc.channels.size() <= static_cast<std::size_t>(scenarios::MAX_ACQUISITION_CHANNELS) &&
         "the loader refuses more channels");
  return plan;
}

}  // namespace clvsim::runner
