#pragma once
//! The one list of purchase models (models/purchase/model.h says what each provides). The
//! run layer, the scenario layer and the kernels never name a model: they visit this list.
//! Adding a purchase model: its header with its closed forms and its struct, one line here,
//! and its key rows in scenarios/keys.cpp (docs/architecture.md).
#include "models/purchase/bg_bb.h"
#include "models/purchase/bg_nbd.h"
#include "models/purchase/mbg_nbd.h"
#include "models/purchase/pareto_nbd.h"
#include "models/purchase/sbg.h"
#include "models/purchase/sbg_poisson.h"

#include <tuple>
#include <type_traits>
#include <utility>

namespace clvsim::models {

using PurchaseModels = std::tuple<SbgPoisson, Sbg, BgNbd, ParetoNbd, MbgNbd, BgBb>;

namespace detail {
template <class F, class... Models>
decltype(auto) visit_purchase(PurchaseModel kind, F&& f, std::tuple<Models...>*)
{
  using First = std::tuple_element_t<0, std::tuple<Models...>>;
  using R = std::invoke_result_t<F, First>;
  if constexpr (std::is_void_v<R>) {
    (void)((kind == Models::kind ? (f(Models{}), true) : false) || ...);
  } else {
    R result{};
    (void)((kind == Models::kind ? (result = f(Models{}), true) : false) || ...);
    return result;
  }
}
}  // namespace detail

//! f(Model{}) for the model struct of `kind` (every f(Model{}) must return the same type).
template <class F>
decltype(auto) visit_purchase_model(PurchaseModel kind, F&& f)
{
  return detail::visit_purchase(kind, std::forward<F>(f), static_cast<PurchaseModels*>(nullptr));
}

//! The history columns of a purchase model (HistoryColumns::none: no posterior for histories).
inline HistoryColumns history_columns(PurchaseModel kind)
{
  return visit_purchase_model(kind, [](auto model) { return decltype(model)::history; });
}

}  // namespace clvsim::models
