#include "scenarios/warnings.h"

#include "models/purchase/registry.h"
#include "scenarios/changes.h"
#include "scenarios/keys.h"
#include "scenarios/segment_model.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace clvsim::scenarios {

namespace {

using sim::SegmentModel;

// A new constant of sim::SegmentModel must be classified in segment_links() below (which
// chain it moves): otherwise a change that moves only that constant would be reported as
// having no effect. Update the size here once it is.
static_assert(sizeof(SegmentModel) == 608, "classify the new SegmentModel constant in scenarios/warnings.cpp");

//! How a moved constant can reach profit (docs/model.md §3-§7).
enum class Route {
  behaviour,  //!< customers' churn, orders, baskets or acquisition: revenue
  cost,       //!< a cost line only
};

//! One way a change could move profit, and whether it does in this scenario.
struct Link {
  Route route;
  bool live;
  std::string cut;  //!< when not live: what cuts it, naming the keys that would connect it
};

std::string join(const std::vector<std::string>& items, const std::string& sep, const std::string& last_sep)
{
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last_sep : sep;
    out += items[i];
  }
  return out;
}

bool has_order_frequency(const SegmentModel& m)
{
  return models::visit_purchase_model(
      m.model, [](auto model) { return decltype(model)::order_trait != models::OrderTrait::none; });
}
bool reviews_happen(const SegmentModel& m)
{
  return std::max({m.review_p_detractor, m.review_p_passive, m.review_p_promoter}) > 0;
}
bool referrals_on(const SegmentModel& m)
{
  return m.referral_promoter_rate > 0 || m.referral_passive_rate > 0;
}
bool incidents_happen(const SegmentModel& m)
{
  return m.incident_probability > 0;
}
bool members_join(const SegmentModel& m)
{
  return m.loyalty && m.loyalty_enrollment_probability > 0;
}

//! The rating moves the conversion of paid acquisition (docs/model.md §4, §6.1).
bool conversion_follows_rating(const Scenario& s)
{
  return !s.channels.empty() && s.reputation.rating_sensitivity > 0 && s.reputation.share_reading_reviews > 0;
}
std::vector<std::string> conversion_cut(const Scenario& s)
{
  std::vector<std::string> why;
  if (s.channels.empty()) why.push_back("no [[acquisition.channel]] (the rating moves only paid acquisition)");
  if (s.reputation.rating_sensitivity <= 0) why.push_back("reputation.rating_sensitivity = 0");
  if (s.reputation.share_reading_reviews <= 0) why.push_back("reputation.share_reading_reviews = 0");
  return why;
}

//! A segment's satisfaction reaches profit (docs/model.md §5.3, §6.1, §6.2): through churn,
//! order frequency, reviews -> rating -> conversion, or referrals.
bool satisfaction_reaches_profit(const SegmentModel& m, const Scenario& s)
{
  return m.churn_sensitivity > 0 || (m.frequency_sensitivity > 0 && has_order_frequency(m)) ||
         (reviews_happen(m) && conversion_follows_rating(s)) || referrals_on(m);
}
//! The keys that would connect satisfaction to profit, all zero (or cut) here.
std::string satisfaction_cut(const SegmentModel& m, const Scenario& s)
{
  std::vector<std::string> zero = {"satisfaction.churn_sensitivity = 0"};
  if (has_order_frequency(m)) zero.emplace_back("satisfaction.frequency_sensitivity = 0");
  if (!reviews_happen(m))
    zero.emplace_back("reviews.probability = 0");
  else
    for (const auto& c : conversion_cut(s)) zero.push_back(c);
  zero.emplace_back("referrals.promoter_rate = referrals.passive_rate = 0");
  return "satisfaction moves no profit (" + join(zero, ", ", " and ") +
         "; set one of them, docs/model.md §5.4; NPS still moves)";
}

//! What the liveness of a chain is read from: a segment's constants in the baseline and in
//! the investment's variant (all its changes), with their scenarios. A chain is connected
//! when it is in either.
struct Where {
  const SegmentModel& base;
  const Scenario& base_scenario;
  const SegmentModel& variant;
  const Scenario& variant_scenario;
  const Investment& investment;

  bool either(const std::function<bool(const SegmentModel&, const Scenario&)>& f) const
  {
    return f(base, base_scenario) || f(variant, variant_scenario);
  }
  bool satisfaction_live() const { return either(satisfaction_reaches_profit); }
  Link satisfaction() const
  {
    return {Route::behaviour, satisfaction_live(), satisfaction_cut(variant, variant_scenario)};
  }
};

const std::string NO_INCIDENTS = "no order has an incident (service.incident_probability = 0)";

//! The links of the constants that differ between a segment's baseline constants `b` and
//! its constants `v` with one change applied (docs/model.md §3-§7, the kernel's use of each).
void segment_links(const SegmentModel& b, const SegmentModel& v, const Where& w, std::vector<Link>& out)
{
  const auto moved = [&](auto member) { return b.*member != v.*member; };
  const auto any_moved = [&](std::initializer_list<double SegmentModel::*> members) {
    return std::any_of(members.begin(), members.end(), [&](auto m) { return b.*m != v.*m; });
  };
  const auto& pb = b.purchase;
  const auto& pv = v.purchase;
  const bool incidents = w.either([](const SegmentModel& m, const Scenario&) { return incidents_happen(m); });
  const auto per_contact_cost = [&](const SegmentModel& m, const Scenario&) {
    return m.cost_per_contact > 0 || w.investment.cost_per_contact > 0;
  };
  // An incident-gated constant: its links, or "no incidents".
  const auto gated = [&](std::vector<Link> links) {
    if (!incidents) links = {{Route::behaviour, false, NO_INCIDENTS}};
    out.insert(out.end(), links.begin(), links.end());
  };
  const auto satisfaction_if = [&](bool moves, const std::string& why_not) {
    return moves ? w.satisfaction() : Link{Route::behaviour, false, why_not};
  };

  // Purchase, spend and the order's revenue: customers, orders and baskets (§3.2-§3.4).
  if (pb.model != pv.model || pb.r != pv.r || pb.alpha != pv.alpha || pb.a != pv.a || pb.b != pv.b || pb.s != pv.s ||
      pb.beta != pv.beta || pb.gamma != pv.gamma || pb.delta != pv.delta || pb.fee != pv.fee ||
      moved(&SegmentModel::model) || moved(&SegmentModel::spend) ||
      any_moved({&SegmentModel::r,
                 &SegmentModel::lambda_rate,
                 &SegmentModel::a,
                 &SegmentModel::b,
                 &SegmentModel::s,
                 &SegmentModel::mu_rate,
                 &SegmentModel::fee,
                 &SegmentModel::order_a,
                 &SegmentModel::order_b,
                 &SegmentModel::period_in_units,
                 &SegmentModel::p,
                 &SegmentModel::q,
                 &SegmentModel::gamma,
                 &SegmentModel::log_median,
                 &SegmentModel::sigma,
                 &SegmentModel::customer_sigma,
                 &SegmentModel::fixed_value,
                 &SegmentModel::log_growth_per_period,
                 &SegmentModel::gross_margin,
                 &SegmentModel::return_rate,
                 &SegmentModel::hazard_multiplier}))
    out.push_back({Route::behaviour, true, ""});
  if (moved(&SegmentModel::frequency_multiplier))
    out.push_back({Route::behaviour, has_order_frequency(v),
                   "purchase.model = \"" + std::string(models::to_string(v.model)) + "\" has no order frequency"});
  // Cost lines of an order or a period (§3.4, §6.3, §6.4).
  if (moved(&SegmentModel::return_cost))
    out.push_back({Route::cost, w.either([](const SegmentModel& m, const Scenario&) { return m.return_rate > 0; }),
                   "no order is returned (economics.return_rate = 0)"});
  if (any_moved({&SegmentModel::fulfilment_cost, &SegmentModel::shipping_cost_paid, &SegmentModel::extra_order_cost,
                 &SegmentModel::marketing_cost_per_customer}))
    out.push_back({Route::cost, true, ""});

  // Service (§5.1-§5.2): incidents cost contacts and compensation and move satisfaction.
  if (moved(&SegmentModel::incident_probability)) {
    out.push_back(w.satisfaction());
    out.push_back({Route::cost, w.either(per_contact_cost) || w.either([](const SegmentModel& m, const Scenario&) {
                     return m.compensation_ratio > 0;
                   }),
                   "contacts and compensation cost nothing (service.cost_per_contact = 0, "
                   "service.compensation_ratio = 0)"});
  }
  if (moved(&SegmentModel::first_contact_resolution) || moved(&SegmentModel::later_contact_resolution) ||
      moved(&SegmentModel::max_contacts))
    gated({satisfaction_if(v.exp_per_extra_contact > 0 || v.exp_per_log_wait > 0 ||
                               (v.impolite_probability > 0 && v.exp_per_impolite_contact > 0),
                           "the number of contacts does not move satisfaction (service.experience.per_extra_contact "
                           "= per_log_wait = 0)"),
           {Route::cost, w.either(per_contact_cost), "contacts cost nothing (service.cost_per_contact = 0)"}});
  if (moved(&SegmentModel::response_time_hours))
    gated({satisfaction_if(v.exp_per_log_wait > 0 || b.exp_per_log_wait > 0,
                           "waiting does not move satisfaction (service.experience.per_log_wait = 0)")});
  if (moved(&SegmentModel::impolite_probability))
    gated({satisfaction_if(v.exp_per_impolite_contact > 0 || b.exp_per_impolite_contact > 0,
                           "impolite contacts do not move satisfaction (service.experience.per_impolite_contact "
                           "= 0)")});
  if (moved(&SegmentModel::cost_per_contact)) gated({{Route::cost, true, ""}});
  if (moved(&SegmentModel::compensation_ratio))
    gated({{Route::cost, true, ""},
           satisfaction_if(v.exp_per_compensation_ratio > 0 || b.exp_per_compensation_ratio > 0,
                           "compensation does not move satisfaction (service.experience.per_compensation_ratio "
                           "= 0)")});
  if (any_moved({&SegmentModel::exp_base, &SegmentModel::exp_per_extra_contact, &SegmentModel::exp_per_log_wait,
                 &SegmentModel::exp_per_impolite_contact, &SegmentModel::exp_per_compensation_ratio}))
    gated({w.satisfaction()});

  // Satisfaction (§5.3): its state, and its effects on churn and frequency.
  if (any_moved({&SegmentModel::initial_mean, &SegmentModel::initial_sd, &SegmentModel::decay,
                 &SegmentModel::satisfaction_noise_sd, &SegmentModel::order_delta,
                 &SegmentModel::order_satisfaction_bonus}))
    out.push_back(w.satisfaction());
  if (moved(&SegmentModel::churn_sensitivity)) out.push_back({Route::behaviour, true, ""});
  if (moved(&SegmentModel::frequency_sensitivity))
    out.push_back({Route::behaviour, has_order_frequency(v),
                   "purchase.model = \"" + std::string(models::to_string(v.model)) + "\" has no order frequency"});
  if (moved(&SegmentModel::reference))
    out.push_back({Route::behaviour, w.either([](const SegmentModel& m, const Scenario&) {
                     return m.churn_sensitivity > 0 || (m.frequency_sensitivity > 0 && has_order_frequency(m));
                   }),
                   "satisfaction.reference is used only by satisfaction.churn_sensitivity and "
                   "frequency_sensitivity, both 0"});

  // Reviews (§6.1): the rating, which moves only the conversion of paid acquisition.
  if (any_moved({&SegmentModel::review_p_detractor, &SegmentModel::review_p_passive, &SegmentModel::review_p_promoter}))
    out.push_back({Route::behaviour,
                   w.either([](const SegmentModel&, const Scenario& s) { return conversion_follows_rating(s); }),
                   "the rating moves no conversion (" + join(conversion_cut(w.variant_scenario), ", ", " and ") + ")"});
  // Referrals (§6.2): new customers.
  if (moved(&SegmentModel::referral_promoter_rate) || moved(&SegmentModel::referral_passive_rate))
    out.push_back({Route::behaviour, true, ""});

  // Loyalty (§7): who becomes a member, and what membership does.
  const bool joins = w.either([](const SegmentModel& m, const Scenario&) { return members_join(m); });
  const auto member_gate = [&](Link link) {
    if (!joins)
      link = {Route::behaviour, false, "no customer joins the loyalty programme (loyalty.enrollment_probability = 0)"};
    out.push_back(link);
  };
  if (moved(&SegmentModel::loyalty) || moved(&SegmentModel::loyalty_start_period) ||
      moved(&SegmentModel::loyalty_eligible_after_orders) || moved(&SegmentModel::loyalty_enrollment_probability)) {
    // membership changes: what members get
    const auto member_behaviour = [](const SegmentModel& m, const Scenario&) {
      return m.loyalty_hazard != 1 || (m.loyalty_frequency != 1 && has_order_frequency(m)) || m.loyalty_basket != 1 ||
             (m.loyalty_referral != 1 && referrals_on(m));
    };
    member_gate({Route::behaviour, w.either(member_behaviour),
                 "members behave like everyone else (loyalty.hazard_multiplier, frequency_multiplier, "
                 "basket_multiplier and referral_multiplier are 1)"});
    if (v.loyalty_satisfaction_bonus != 0 || b.loyalty_satisfaction_bonus != 0) member_gate(w.satisfaction());
    if (w.either([](const SegmentModel& m, const Scenario&) {
          return m.loyalty_reward_cost_rate > 0 || m.loyalty_cost_per_member > 0;
        }))
      member_gate({Route::cost, true, ""});
  }
  if (moved(&SegmentModel::loyalty_hazard) || moved(&SegmentModel::loyalty_basket))
    member_gate({Route::behaviour, true, ""});
  if (moved(&SegmentModel::loyalty_frequency))
    member_gate({Route::behaviour, has_order_frequency(v),
                 "purchase.model = \"" + std::string(models::to_string(v.model)) + "\" has no order frequency"});
  if (moved(&SegmentModel::loyalty_referral))
    member_gate({Route::behaviour, w.either([](const SegmentModel& m, const Scenario&) { return referrals_on(m); }),
                 "there are no referrals (referrals.promoter_rate = referrals.passive_rate = 0)"});
  if (moved(&SegmentModel::loyalty_satisfaction_bonus)) member_gate(w.satisfaction());
  if (moved(&SegmentModel::loyalty_reward_cost_rate) || moved(&SegmentModel::loyalty_cost_per_member))
    member_gate({Route::cost, true, ""});
}

//! The links of the shop-level values that differ between `b` and `v` (one change applied):
//! reputation, the policies' conversion, referral rewards, fixed costs, the discount rate,
//! the market and the channels (docs/model.md §2, §4, §6); connected in `baseline` or
//! `variant`.
void shop_links(const Scenario& b, const Scenario& v, const Scenario& baseline, const Scenario& variant,
                std::vector<Link>& out)
{
  const auto either = [&](const std::function<bool(const Scenario&)>& f) { return f(baseline) || f(variant); };
  const auto& rb = b.reputation;
  const auto& rv = v.reputation;
  const auto any_reviews = [](const Scenario& s) {
    return std::any_of(s.segments.begin(), s.segments.end(), [&](const Segment& g) {
      return reviews_happen(segment_model(g.behaviour, s.simulation.period));
    });
  };
  const std::string cut = "the rating moves no conversion (" + join(conversion_cut(variant), ", ", " and ") + ")";
  if (rb.initial_rating != rv.initial_rating || rb.reference_rating != rv.reference_rating)
    out.push_back({Route::behaviour, either(conversion_follows_rating), cut});
  if (rb.rating_sensitivity != rv.rating_sensitivity || rb.share_reading_reviews != rv.share_reading_reviews) {
    const bool rating_moves = either([&](const Scenario& s) {
      return s.reputation.initial_rating != s.reputation.reference_rating || any_reviews(s);
    });
    out.push_back({Route::behaviour, either(conversion_follows_rating) && rating_moves,
                   !rating_moves ? "the rating stays at reputation.reference_rating (reviews.probability = 0)" : cut});
  }
  if (rb.memory_reviews != rv.memory_reviews)
    out.push_back({Route::behaviour,
                   either([&](const Scenario& s) { return conversion_follows_rating(s) && any_reviews(s); }),
                   either(any_reviews) ? cut : "there are no reviews (reviews.probability = 0)"});
  const auto conversion_of_policies = [](const Scenario& s) {
    const auto& p = s.base.policies;
    return (p.free_returns.enabled ? p.free_returns.conversion_multiplier : 1.0) *
           (p.free_shipping.enabled ? p.free_shipping.conversion_multiplier : 1.0);
  };
  if (conversion_of_policies(b) != conversion_of_policies(v))
    out.push_back({Route::behaviour, either([](const Scenario& s) { return !s.channels.empty(); }),
                   "no [[acquisition.channel]] (conversion multiplies only paid acquisition)"});
  if (b.base.referrals.reward != v.base.referrals.reward)
    out.push_back({Route::cost, either([](const Scenario& s) {
                     return std::any_of(s.segments.begin(), s.segments.end(), [](const Segment& g) {
                       return g.behaviour.referrals.promoter_rate > 0 || g.behaviour.referrals.passive_rate > 0;
                     });
                   }),
                   "there are no referrals (referrals.promoter_rate = referrals.passive_rate = 0)"});
  const auto loyalty_fixed = [](const Scenario& s) {
    return s.base.loyalty.enabled ? s.base.loyalty.fixed_cost_per_period : 0.0;
  };
  if (b.base.economics.fixed_cost_per_period != v.base.economics.fixed_cost_per_period ||
      loyalty_fixed(b) != loyalty_fixed(v))
    out.push_back({Route::cost, true, ""});
  if (b.base.economics.discount_rate_annual != v.base.economics.discount_rate_annual)
    out.push_back(
        {Route::cost, false, "the discount rate is fixed for the whole run (docs/model.md §2, known limitation L15)"});
  bool channels_moved =
      b.market.addressable_customers != v.market.addressable_customers || b.channels.size() != v.channels.size();
  for (std::size_t c = 0; !channels_moved && c < b.channels.size(); ++c) {
    const auto& x = b.channels[c];
    const auto& y = v.channels[c];
    channels_moved = x.budget_per_period != y.budget_per_period || x.customers_per_period != y.customers_per_period ||
                     x.cac != y.cac || x.cac_inflation_annual != y.cac_inflation_annual ||
                     x.saturation != y.saturation || x.start_period != y.start_period || x.end_period != y.end_period;
  }
  if (channels_moved) out.push_back({Route::behaviour, true, ""});
}

//! Why a change moves nothing the simulation uses (no constant differs).
std::string no_effect_reason(const Scenario& base, const Scenario& changed, const Change& change)
{
  std::string key = change.key;
  bool in_segment = false;
  if (key.rfind("segment.", 0) == 0) {
    key = key.substr(key.find('.', 8) + 1);
    in_segment = true;
  }
  const KeyInfo* info = find_key(key);
  if (!in_segment && info && info->behaviour && !base.segments.empty() &&
      std::all_of(base.segments.begin(), base.segments.end(), [&](const Segment& g) {
        return std::any_of(g.overrides.begin(), g.overrides.end(), [&](const Override& o) { return o.key == key; });
      }))
    return "every [[segment]] overrides " + key + ", and a segment's override wins (docs/model.md §3.7)";
  try {
    const bool same = info && (info->type == KeyType::string || info->type == KeyType::word)
                          ? get_text(base, change.key) == get_text(changed, change.key)
                          : get_number(base, change.key) == get_number(changed, change.key);
    if (same) return "it sets the value the scenario already has";
  } catch (const std::invalid_argument&) {}
  const auto all_segments = [&](const std::function<bool(const Behaviour&)>& f) {
    return std::all_of(base.segments.begin(), base.segments.end(), [&](const Segment& g) { return f(g.behaviour); });
  };
  for (const char* policy : {"free_returns", "free_shipping", "same_day_shipping"}) {
    const std::string prefix = std::string("policies.") + policy + ".";
    if (key.rfind(prefix, 0) == 0) return prefix + "enabled is false";
  }
  if (key.rfind("marketing.", 0) == 0 &&
      all_segments([](const Behaviour& be) { return be.marketing.emails_per_period <= 0; }))
    return "no e-mails are sent (marketing.emails_per_period = 0)";
  if (key.rfind("loyalty.", 0) == 0 && !base.base.loyalty.enabled) return "loyalty.enabled is false";
  if (key == "economics.shipping_cost_per_order")
    return "the shop pays shipping only with policies.free_shipping.enabled";
  if (key.rfind("reviews.", 0) == 0) return "there are no reviews (reviews.probability = 0)";
  return "nothing the simulation uses changes";
}

//! Without discounting (economics.discount_rate_annual = 0) the lifetime CLV's residual
//! after the horizon (docs/model.md §11.1.7) is a customer's expected remaining orders and
//! alive periods, which grow as 1/x in the trait x that ends its life: the churn or dropout
//! probability (Beta(shape, .)) or the death rate (Gamma(shape, .)). E[1/x] is finite only
//! for shape > 1 and E[1/x^2] only for shape > 2, so across customers the lifetime CLV then
//! has no mean (shape <= 1) or no variance (shape <= 2). One line per segment that has
//! either, naming the key; empty with any positive discount rate.
std::vector<std::string> undiscounted_lifetime_warnings(const Scenario& scenario)
{
  std::vector<std::string> lines;
  if (scenario.base.economics.discount_rate_annual > 0.0) return lines;
  for (const auto& g : scenario.segments) {
    const Purchase& pu = g.behaviour.purchase;
    std::string key, law;
    double shape = 0.0;
    switch (pu.model) {
      case PurchaseModel::sbg_poisson:
        key = "purchase.a", shape = pu.a, law = "a customer's remaining periods grow as 1/theta, theta ~ Beta(a, b)";
        break;
      case PurchaseModel::sbg:
        key = "purchase.alpha", shape = pu.alpha,
        law = "a subscriber's remaining payments grow as 1/theta, theta ~ Beta(alpha, beta)";
        break;
      case PurchaseModel::bg_bb:
        key = "purchase.gamma", shape = pu.gamma,
        law = "a customer's remaining periods grow as 1/theta, theta ~ Beta(gamma, delta)";
        break;
      case PurchaseModel::bg_nbd:
      case PurchaseModel::mbg_nbd:
        key = "purchase.a", shape = pu.a, law = "a customer's remaining orders grow as 1/p, p ~ Beta(a, b)";
        break;
      case PurchaseModel::pareto_nbd:
        key = "purchase.s", shape = pu.s, law = "a customer's remaining lifetime grows as 1/mu, mu ~ Gamma(s, beta)";
        break;
    }
    if (shape > 2.0) continue;
    const std::string where = scenario.segments.size() > 1 ? "segment '" + g.name + "': " : "";
    const std::string what =
        shape <= 1.0 ? " <= 1: the lifetime CLV has no finite mean, so clv_mean, clv_initial_cohort_mean, "
                       "clv_to_cac and a forecast's expected_clv_lifetime will not settle however many paths run"
                     : " <= 2: the lifetime CLV has no finite variance, so the standard errors and intervals of "
                       "clv_mean, clv_initial_cohort_mean, clv_to_cac and a forecast's expected_clv_lifetime "
                       "understate their noise";
    lines.push_back("warning: " + scenario.source_path + ": " + where + "economics.discount_rate_annual = 0 and " +
                    key + " = " + format_number(shape) + what + " (after the horizon " + law +
                    "); read clv_horizon_mean, or set a positive discount rate "
                    "(docs/model.md §11.1.7)");
  }
  return lines;
}

//! Without any satisfaction, service or reviews key (Scenario::satisfaction_described) the
//! NPS and the rating are what clvsim's defaults make of the orders (docs/model.md §5.4):
//! a fit fragment's run showed an NPS rising from 0.4 to 3.4 that no data stood behind.
std::vector<std::string> default_satisfaction_warnings(const Scenario& scenario)
{
  if (scenario.satisfaction_described) return {};
  const Satisfaction& sat = scenario.base.satisfaction;
  const bool subscription = scenario.base.purchase.model == PurchaseModel::sbg;
  const double delta = subscription ? sat.renewal_delta : sat.order_delta;
  const std::string moves = delta == 0.0 ? std::string(" and nothing moves it")
                                         : std::string(" and each ") + (subscription ? "payment" : "order") +
                                               " without incident adds " + format_number(delta) + " (satisfaction." +
                                               (subscription ? "renewal_delta" : "order_delta") + ")";
  return {"warning: " + scenario.source_path +
          ": no satisfaction, service or reviews keys, so nps_final, the NPS by period and rating_final are "
          "clvsim's defaults, not your customers': satisfaction starts around " +
          format_number(sat.initial_mean) + " (satisfaction.initial_mean)" + moves + "; the rating stays at " +
          format_number(scenario.reputation.initial_rating) +
          " (reputation.initial_rating); describe [satisfaction] and [service] to model them, or leave them "
          "out of your conclusions (docs/model.md §5.4)"};
}

//! A change's verdict: fine, no effect at all, no way to profit, or costs only.
enum class Verdict { reaches_profit, no_effect, no_profit, costs_only };

}  // namespace

std::vector<std::string> warnings(const Scenario& scenario)
{
  std::vector<std::string> lines;
  const Period period = scenario.simulation.period;
  std::vector<SegmentModel> base_models;
  for (const auto& g : scenario.segments) base_models.push_back(segment_model(g.behaviour, period));

  for (const Investment& inv : scenario.investments) {
    Scenario variant = scenario;
    for (const Change& c : inv.changes) apply_change(variant, c, 1.0);
    std::vector<SegmentModel> variant_models;
    for (const auto& g : variant.segments) variant_models.push_back(segment_model(g.behaviour, period));

    // (verdict, reasons) -> the keys with it, in the investment's order
    std::vector<std::pair<std::pair<Verdict, std::string>, std::vector<std::string>>> groups;
    for (std::size_t i = 0; i < inv.changes.size(); ++i) {
      const Change& c = inv.changes[i];
      // The change's effect in two contexts: on the baseline alone, and on top of the
      // investment's other changes (which may switch on what it tunes: loyalty.enabled with
      // loyalty.reward_rate, e-mails with their personalisation).
      Scenario changed = scenario, others = scenario;
      apply_change(changed, c, 1.0);
      for (std::size_t j = 0; j < inv.changes.size(); ++j)
        if (j != i) apply_change(others, inv.changes[j], 1.0);
      std::vector<Link> links;
      for (std::size_t g = 0; g < scenario.segments.size(); ++g) {
        const Where where{base_models[g], scenario, variant_models[g], variant, inv};
        segment_links(base_models[g], segment_model(changed.segments[g].behaviour, period), where, links);
        segment_links(segment_model(others.segments[g].behaviour, period), variant_models[g], where, links);
      }
      shop_links(scenario, changed, scenario, variant, links);
      shop_links(others, variant, scenario, variant, links);

      Verdict verdict = Verdict::reaches_profit;
      std::vector<std::string> cuts;
      if (links.empty()) {
        verdict = Verdict::no_effect;
        cuts.push_back(no_effect_reason(scenario, changed, c));
      } else {
        const bool behaviour = std::any_of(links.begin(), links.end(),
                                           [](const Link& l) { return l.live && l.route == Route::behaviour; });
        const bool cost =
            std::any_of(links.begin(), links.end(), [](const Link& l) { return l.live && l.route == Route::cost; });
        for (const Link& l : links)
          if (!l.live && std::find(cuts.begin(), cuts.end(), l.cut) == cuts.end()) cuts.push_back(l.cut);
        if (!behaviour && !cuts.empty()) verdict = cost ? Verdict::costs_only : Verdict::no_profit;
      }
      if (verdict == Verdict::reaches_profit) continue;
      const std::pair<Verdict, std::string> group{verdict, join(cuts, "; ", "; ")};
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == group; });
      if (it == groups.end())
        groups.push_back({group, {c.key}});
      else
        it->second.push_back(c.key);
    }
    for (const auto& [group, keys] : groups) {
      const auto& [verdict, why] = group;
      const char* what = verdict == Verdict::no_effect   ? " has no effect: "
                         : verdict == Verdict::no_profit ? " cannot change profit: "
                                                         : " can change only costs: ";
      lines.push_back("warning: " + scenario.source_path + ": investment '" + inv.name + "': changing " +
                      join(keys, ", ", " and ") + what + why);
    }
  }
  for (auto& line : undiscounted_lifetime_warnings(scenario)) lines.push_back(std::move(line));
  for (auto& line : default_satisfaction_warnings(scenario)) lines.push_back(std::move(line));
  return lines;
}

}  // namespace clvsim::scenarios
