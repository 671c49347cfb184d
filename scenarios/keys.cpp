//! The scenario key registry (scenarios/keys.h): one table that names every key, its
//! type, range, meaning, and the field of Scenario / Behaviour / Channel it lives in.
#include "scenarios/keys.h"

#include "engine/core/limits.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <unordered_map>
#include <variant>

namespace clvsim::scenarios {

// ---------------------------------------------------------------------------------------
// Free functions of scenario.h

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();

//! A pointer to the field a key lives in. Enums are stored as their index in
//! KeyInfo::words, which lists them in declaration order.
using FieldRef = std::variant<double*, int*, std::int64_t*, std::uint64_t*, bool*, std::string*, Period*, TimeUnit*,
                              PurchaseModel*, SpendModel*, std::optional<double>*>;

struct Entry {
  KeyInfo info;
  std::function<FieldRef(Behaviour&)> in_behaviour;  //!< behaviour keys only
  std::function<FieldRef(Scenario&)> in_scenario;    //!< every static key
};

struct ChannelEntry {
  KeyInfo info;
  std::function<FieldRef(Channel&)> in_channel;
};

struct InvestmentEntry {
  KeyInfo info;
  std::function<FieldRef(Investment&)> in_investment;
};

template <class E>
std::vector<std::string> enum_words(std::initializer_list<E> values)
{
  std::vector<std::string> words;
  for (E v : values) words.emplace_back(to_string(v));
  return words;
}

KeyInfo number(std::string name, double lo, double hi, std::string doc, bool lo_open = false, bool hi_open = false)
{
  KeyInfo k;
  k.name = std::move(name);
  k.type = KeyType::number;
  k.lo = lo;
  k.hi = hi;
  k.lo_open = lo_open || lo == -INF;
  k.hi_open = hi_open || hi == INF;
  k.doc = std::move(doc);
  k.uncertain_ok = true;
  return k;
}

//! A number > lo (open lower bound), e.g. a model parameter > 0.
KeyInfo positive(std::string name, std::string doc, double hi = INF)
{
  return number(std::move(name), 0.0, hi, std::move(doc), true);
}

//! The largest integer a double holds exactly (2^53 - 1). Integer keys pass through double
//! (write_number rounds it to the field's type), so "no upper bound" means this one: beyond
//! it a value would be rounded, and at 2^63 the cast to int64 overflows.
constexpr double MAX_EXACT_INTEGER = 9007199254740991.0;

KeyInfo integer(std::string name, double lo, double hi, std::string doc)
{
  if (hi == INF) hi = MAX_EXACT_INTEGER;
  KeyInfo k = number(std::move(name), lo, hi, std::move(doc));
  k.type = KeyType::integer;
  k.uncertain_ok = false;
  return k;
}

KeyInfo boolean(std::string name, std::string doc)
{
  KeyInfo k;
  k.name = std::move(name);
  k.type = KeyType::boolean;
  k.doc = std::move(doc);
  return k;
}

KeyInfo text(std::string name, std::string doc)
{
  KeyInfo k;
  k.name = std::move(name);
  k.type = KeyType::string;
  k.doc = std::move(doc);
  return k;
}

KeyInfo word(std::string name, std::vector<std::string> words, std::string doc)
{
  KeyInfo k;
  k.name = std::move(name);
  k.type = KeyType::word;
  k.words = std::move(words);
  k.doc = std::move(doc);
  return k;
}

KeyInfo required(KeyInfo k)
{
  k.required = true;
  return k;
}

KeyInfo for_models(KeyInfo k, std::string model_key, std::vector<std::string> models)
{
  k.model_key = std::move(model_key);
  k.models = std::move(models);
  k.required = true;
  return k;
}

//! Keys stored in Behaviour that describe the shop rather than a customer: a segment may
//! not override them (one currency, one discount rate, one fixed cost, one programme).
bool shop_level(const std::string& name)
{
  static const char* const names[] = {
      "economics.currency", "economics.discount_rate_annual", "economics.fixed_cost_per_period",
      "loyalty.enabled",    "loyalty.start_period",           "loyalty.fixed_cost_per_period"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

class Registry {
public:
  std::vector<Entry> entries;
  std::vector<KeyInfo> infos;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<ChannelEntry> channel_entries;
  std::vector<KeyInfo> channel_infos;
  std::vector<KeyInfo> segment_infos;
  std::vector<InvestmentEntry> investment_entries;
  std::vector<KeyInfo> investment_infos;

  void scenario_key(KeyInfo info, std::function<FieldRef(Scenario&)> field)
  {
    entries.push_back(Entry{std::move(info), nullptr, std::move(field)});
  }
  void behaviour_key(KeyInfo info, std::function<FieldRef(Behaviour&)> field)
  {
    info.behaviour = true;
    info.segment_ok = !shop_level(info.name);
    auto in_scenario = [field](Scenario& s) { return field(s.base); };
    entries.push_back(Entry{std::move(info), field, in_scenario});
  }
  void channel_key(KeyInfo info, std::function<FieldRef(Channel&)> field)
  {
    channel_entries.push_back(ChannelEntry{std::move(info), std::move(field)});
  }
  void investment_key(KeyInfo info, std::function<FieldRef(Investment&)> field)
  {
    investment_entries.push_back(InvestmentEntry{std::move(info), std::move(field)});
  }
  void finish()
  {
    for (auto& e : investment_entries) investment_infos.push_back(e.info);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      index.emplace(entries[i].info.name, i);
      infos.push_back(entries[i].info);
    }
    for (auto& e : channel_entries) channel_infos.push_back(e.info);
  }
};

// Field accessors, kept short: BEH(service.courtesy) -> &behaviour.service.courtesy.
#define BEH(path) [](Behaviour& b) -> FieldRef { return &b.path; }
#define SCN(path) [](Scenario& s) -> FieldRef { return &s.path; }
#define CHN(path) [](Channel& c) -> FieldRef { return &c.path; }
#define INV(path) [](Investment& i) -> FieldRef { return &i.path; }

Registry build_registry()
{
  Registry r;
  const auto periods = enum_words({Period::week, Period::month});
  const auto units = enum_words({TimeUnit::day, TimeUnit::week, TimeUnit::month, TimeUnit::year});
  const auto purchase_models = enum_words({PurchaseModel::bg_nbd, PurchaseModel::mbg_nbd, PurchaseModel::pareto_nbd,
                                           PurchaseModel::sbg_poisson, PurchaseModel::sbg, PurchaseModel::bg_bb});
  const auto spend_models = enum_words({SpendModel::gamma_gamma, SpendModel::lognormal, SpendModel::fixed});
  const std::string PM = "purchase.model", SM = "spend.model";

  // [simulation]
  r.scenario_key(word("simulation.period", periods, "length of one simulation period"), SCN(simulation.period));
  r.scenario_key(required(integer("simulation.horizon", 1, MAX_PERIODS, "number of periods simulated")),
                 SCN(simulation.horizon_periods));
  r.scenario_key(integer("simulation.paths", 1, MAX_PATHS, "Monte Carlo paths (independent futures)"),
                 SCN(simulation.paths));
  r.scenario_key(integer("simulation.seed", 0, 9223372036854775807.0, "random seed: same seed, same results"),
                 SCN(simulation.seed));
  r.scenario_key(
      integer("simulation.block_size", 64, 1048576, "customers per work block (fixed by the scenario, not by threads)"),
      SCN(simulation.block_size));
  r.scenario_key(integer("simulation.threads", 0, 1024, "worker threads, 0 = all cores"), SCN(simulation.threads));
  r.scenario_key(text("simulation.name", "free label printed with the results"), SCN(simulation.name));
  r.scenario_key(
      integer("simulation.start_month", 1, 12, "calendar month of period 0 (the phase of [seasonality]), 1 = January"),
      SCN(simulation.start_month));
  r.scenario_key(integer("simulation.warmup_periods", 0, MAX_PERIODS,
                         "periods simulated before period 0 and not reported, so that the horizon starts from "
                         "a running shop's state (0 = a new shop)"),
                 SCN(simulation.warmup_periods));

  // [population]
  r.scenario_key(integer("population.initial_customers", 0, INF,
                         "new customers at the start of period 0 (first order in period 0)"),
                 SCN(population.initial_customers));
  r.scenario_key(text("population.history",
                      "CSV of existing customers (customer_id,x,t_x,T[,m_x]), path relative "
                      "to the scenario file"),
                 SCN(population.history));
  r.scenario_key(word("population.history_time_unit", units,
                      "time unit of t_x and T in the history (default: purchase.time_unit)"),
                 SCN(population.history_time_unit));

  // [purchase]
  r.behaviour_key(required(word("purchase.model", purchase_models, "purchase / lifetime model (docs/model.md §3.2)")),
                  BEH(purchase.model));
  r.behaviour_key(word("purchase.time_unit", units, "unit the rates are given in (default: simulation.period)"),
                  BEH(purchase.time_unit));
  r.behaviour_key(for_models(positive("purchase.r", "shape of the Gamma order-rate heterogeneity"), PM,
                             {"bg_nbd", "mbg_nbd", "pareto_nbd", "sbg_poisson"}),
                  BEH(purchase.r));
  r.behaviour_key(for_models(positive("purchase.alpha",
                                      "Gamma rate of the order rate per time unit "
                                      "(sbg: Beta alpha of the churn probability; bg_bb: Beta alpha of "
                                      "the transaction probability)"),
                             PM, {"bg_nbd", "mbg_nbd", "pareto_nbd", "sbg_poisson", "sbg", "bg_bb"}),
                  BEH(purchase.alpha));
  r.behaviour_key(for_models(positive("purchase.a", "Beta a of the dropout / churn probability"), PM,
                             {"bg_nbd", "mbg_nbd", "sbg_poisson"}),
                  BEH(purchase.a));
  r.behaviour_key(for_models(positive("purchase.b", "Beta b of the dropout / churn probability"), PM,
                             {"bg_nbd", "mbg_nbd", "sbg_poisson"}),
                  BEH(purchase.b));
  r.behaviour_key(for_models(positive("purchase.s", "Gamma shape of the dropout rate"), PM, {"pareto_nbd"}),
                  BEH(purchase.s));
  r.behaviour_key(for_models(positive("purchase.beta",
                                      "Gamma rate of the dropout rate "
                                      "(sbg: Beta beta of the churn probability; bg_bb: Beta "
                                      "beta of the transaction probability)"),
                             PM, {"pareto_nbd", "sbg", "bg_bb"}),
                  BEH(purchase.beta));
  r.behaviour_key(
      for_models(positive("purchase.gamma", "Beta gamma of the dropout probability per opportunity"), PM, {"bg_bb"}),
      BEH(purchase.gamma));
  r.behaviour_key(
      for_models(positive("purchase.delta", "Beta delta of the dropout probability per opportunity"), PM, {"bg_bb"}),
      BEH(purchase.delta));
  r.behaviour_key(for_models(number("purchase.fee", 0, INF, "subscription fee per period, money"), PM, {"sbg"}),
                  BEH(purchase.fee));

  // [spend]
  r.behaviour_key(required(word("spend.model", spend_models, "order value model (docs/model.md §3.3)")),
                  BEH(spend.model));
  r.behaviour_key(for_models(positive("spend.p", "Gamma shape of one order's value"), SM, {"gamma_gamma"}),
                  BEH(spend.p));
  r.behaviour_key(
      for_models(number("spend.q", 1, INF, "Gamma shape of the customer's value rate (> 1 for a mean)", true), SM,
                 {"gamma_gamma"}),
      BEH(spend.q));
  r.behaviour_key(for_models(positive("spend.gamma", "Gamma rate of the customer's value rate"), SM, {"gamma_gamma"}),
                  BEH(spend.gamma));
  r.behaviour_key(for_models(positive("spend.median", "median order value, money"), SM, {"lognormal"}),
                  BEH(spend.median));
  r.behaviour_key(for_models(number("spend.sigma", 0, 5, "log-sd of one order's value"), SM, {"lognormal"}),
                  BEH(spend.sigma));
  r.behaviour_key(for_models(number("spend.customer_sigma", 0, 5, "log-sd of the customer medians around spend.median"),
                             SM, {"lognormal"}),
                  BEH(spend.customer_sigma));
  r.behaviour_key(for_models(number("spend.value", 0, INF, "value of every order, money"), SM, {"fixed"}),
                  BEH(spend.value));
  r.behaviour_key(
      number("spend.growth_per_year_of_tenure", -0.9, 10, "relative basket growth per year since acquisition"),
      BEH(spend.growth_per_year_of_tenure));

  // [economics]
  r.behaviour_key(text("economics.currency", "label printed with money values"), BEH(economics.currency));
  r.behaviour_key(number("economics.discount_rate_annual", 0, 1, "annual discount rate"),
                  BEH(economics.discount_rate_annual));
  r.behaviour_key(number("economics.gross_margin", 0, 1, "margin on kept revenue, fraction"),
                  BEH(economics.gross_margin));
  r.behaviour_key(number("economics.return_rate", 0, 1, "probability an order is returned"),
                  BEH(economics.return_rate));
  r.behaviour_key(number("economics.return_cost", 0, INF, "cost of handling a return, money"),
                  BEH(economics.return_cost));
  r.behaviour_key(number("economics.fulfilment_cost_per_order", 0, INF, "picking and packing per order, money"),
                  BEH(economics.fulfilment_cost_per_order));
  r.behaviour_key(number("economics.shipping_cost_per_order", 0, INF,
                         "shipping per order, money (paid by the shop with free_shipping)"),
                  BEH(economics.shipping_cost_per_order));
  r.behaviour_key(number("economics.fixed_cost_per_period", 0, INF, "shop-level fixed cost per period, money"),
                  BEH(economics.fixed_cost_per_period));

  // [service]
  r.behaviour_key(number("service.incident_probability", 0, 1, "probability an order needs a contact"),
                  BEH(service.incident_probability));
  r.behaviour_key(
      number("service.first_contact_resolution", 0, 1, "probability the first contact resolves the incident"),
      BEH(service.first_contact_resolution));
  r.behaviour_key(number("service.later_contact_resolution", 0, 1,
                         "probability each later contact resolves it "
                         "(default: first_contact_resolution)"),
                  BEH(service.later_contact_resolution));
  r.behaviour_key(integer("service.max_contacts", 1, 100, "contacts before escalation resolves the incident"),
                  BEH(service.max_contacts));
  r.behaviour_key(number("service.response_time_hours", 0, INF, "mean wait per contact, hours"),
                  BEH(service.response_time_hours));
  r.behaviour_key(number("service.courtesy", 0, 1, "probability a contact is polite"), BEH(service.courtesy));
  r.behaviour_key(number("service.cost_per_contact", 0, INF, "cost of one contact, money"),
                  BEH(service.cost_per_contact));
  r.behaviour_key(
      number("service.compensation_ratio", 0, 10, "compensation per incident as a fraction of the order value"),
      BEH(service.compensation_ratio));
  r.behaviour_key(number("service.experience.base", -10, 10, "satisfaction change of a quick polite fix, points"),
                  BEH(service.experience.base));
  r.behaviour_key(number("service.experience.per_extra_contact", 0, 10, "points lost per contact after the first"),
                  BEH(service.experience.per_extra_contact));
  r.behaviour_key(
      number("service.experience.per_log_wait", 0, 10, "points lost per unit of ln(1 + total wait hours / 24)"),
      BEH(service.experience.per_log_wait));
  r.behaviour_key(number("service.experience.per_impolite_contact", 0, 10, "points lost per impolite contact"),
                  BEH(service.experience.per_impolite_contact));
  r.behaviour_key(
      number("service.experience.per_compensation_ratio", 0, 10, "points gained per unit of compensation_ratio"),
      BEH(service.experience.per_compensation_ratio));

  // [satisfaction]
  r.behaviour_key(number("satisfaction.initial_mean", 0, 10, "mean satisfaction of a new customer, 0-10 (NPS scale)"),
                  BEH(satisfaction.initial_mean));
  r.behaviour_key(number("satisfaction.initial_sd", 0, 10, "sd of the initial satisfaction"),
                  BEH(satisfaction.initial_sd));
  r.behaviour_key(number("satisfaction.decay", 0, 1, "fraction of the gap to initial_mean closed per period"),
                  BEH(satisfaction.decay));
  r.behaviour_key(number("satisfaction.order_delta", -10, 10, "points added by an order without incident"),
                  BEH(satisfaction.order_delta));
  r.behaviour_key(number("satisfaction.renewal_delta", -10, 10,
                         "points added by a subscription payment without incident (sbg, instead of order_delta)"),
                  BEH(satisfaction.renewal_delta));
  r.behaviour_key(boolean("satisfaction.stationary",
                          "innovation noise keeps satisfaction distributed as at the start when nothing happens"),
                  BEH(satisfaction.stationary));
  r.behaviour_key(
      number("satisfaction.churn_sensitivity", 0, 10, "hazard multiplier exp(churn_sensitivity * (reference - S))"),
      BEH(satisfaction.churn_sensitivity));
  r.behaviour_key(number("satisfaction.frequency_sensitivity", 0, 10,
                         "frequency multiplier exp(frequency_sensitivity * (S - reference))"),
                  BEH(satisfaction.frequency_sensitivity));
  r.behaviour_key(number("satisfaction.reference", 0, 10, "satisfaction with no effect (default: initial_mean)"),
                  BEH(satisfaction.reference));

  // [reviews]
  r.behaviour_key(number("reviews.probability", 0, 1, "probability an order gets a review"), BEH(reviews.probability));
  r.behaviour_key(number("reviews.detractor_multiplier", 0, 100, "review probability multiplier for detractors"),
                  BEH(reviews.detractor_multiplier));
  r.behaviour_key(number("reviews.promoter_multiplier", 0, 100, "review probability multiplier for promoters"),
                  BEH(reviews.promoter_multiplier));
  r.behaviour_key(
      number("reviews.solicitation_multiplier", 0, 100, "review probability multiplier from asking for feedback"),
      BEH(reviews.solicitation_multiplier));

  // [reputation] (shop level)
  r.scenario_key(number("reputation.initial_rating", 1, 5, "shop rating at the start, stars"),
                 SCN(reputation.initial_rating));
  r.scenario_key(positive("reputation.memory_reviews", "weight of past reviews, in reviews"),
                 SCN(reputation.memory_reviews));
  r.scenario_key(number("reputation.share_reading_reviews", 0, 1, "share of new customers who read reviews"),
                 SCN(reputation.share_reading_reviews));
  r.scenario_key(number("reputation.rating_sensitivity", 0, 10, "conversion change per star above reference_rating"),
                 SCN(reputation.rating_sensitivity));
  r.scenario_key(number("reputation.reference_rating", 1, 5, "rating with no effect, stars"),
                 SCN(reputation.reference_rating));

  // [referrals]
  r.behaviour_key(number("referrals.promoter_rate", 0, 10, "new customers per active promoter per period"),
                  BEH(referrals.promoter_rate));
  r.behaviour_key(number("referrals.passive_rate", 0, 10, "new customers per active passive per period"),
                  BEH(referrals.passive_rate));
  r.behaviour_key(number("referrals.reward", 0, INF, "cost per referred customer, money"), BEH(referrals.reward));

  // [policies.*]
  r.behaviour_key(boolean("policies.free_returns.enabled", "14-day no-questions free returns"),
                  BEH(policies.free_returns.enabled));
  r.behaviour_key(number("policies.free_returns.extra_return_rate", 0, 1, "added return probability"),
                  BEH(policies.free_returns.extra_return_rate));
  r.behaviour_key(positive("policies.free_returns.conversion_multiplier", "acquisition conversion multiplier", 10),
                  BEH(policies.free_returns.conversion_multiplier));
  r.behaviour_key(positive("policies.free_returns.hazard_multiplier", "churn hazard multiplier", 10),
                  BEH(policies.free_returns.hazard_multiplier));
  r.behaviour_key(boolean("policies.free_shipping.enabled", "the shop pays shipping"),
                  BEH(policies.free_shipping.enabled));
  r.behaviour_key(positive("policies.free_shipping.frequency_multiplier", "order frequency multiplier", 10),
                  BEH(policies.free_shipping.frequency_multiplier));
  r.behaviour_key(positive("policies.free_shipping.conversion_multiplier", "acquisition conversion multiplier", 10),
                  BEH(policies.free_shipping.conversion_multiplier));
  r.behaviour_key(boolean("policies.same_day_shipping.enabled", "same-day dispatch"),
                  BEH(policies.same_day_shipping.enabled));
  r.behaviour_key(number("policies.same_day_shipping.cost_per_order", 0, INF, "extra cost per order, money"),
                  BEH(policies.same_day_shipping.cost_per_order));
  r.behaviour_key(number("policies.same_day_shipping.satisfaction_delta", -10, 10, "satisfaction points per order"),
                  BEH(policies.same_day_shipping.satisfaction_delta));
  r.behaviour_key(number("policies.same_day_shipping.incident_multiplier", 0, 10, "incident probability multiplier"),
                  BEH(policies.same_day_shipping.incident_multiplier));

  // [marketing]
  r.behaviour_key(number("marketing.emails_per_period", 0, 1000, "emails per customer per period"),
                  BEH(marketing.emails_per_period));
  r.behaviour_key(number("marketing.personalization", 0, 1, "personalisation, 0-1"), BEH(marketing.personalization));
  r.behaviour_key(number("marketing.cost_per_email", 0, INF, "money per email"), BEH(marketing.cost_per_email));
  r.behaviour_key(number("marketing.uplift_per_email", 0, 1, "frequency uplift per email"),
                  BEH(marketing.uplift_per_email));
  r.behaviour_key(
      number("marketing.saturation_emails", 0, 1000, "emails per period beyond which there is no more uplift"),
      BEH(marketing.saturation_emails));
  r.behaviour_key(number("marketing.fatigue_per_email", 0, 1, "hazard increase per email above fatigue_threshold"),
                  BEH(marketing.fatigue_per_email));
  r.behaviour_key(number("marketing.fatigue_threshold", 0, 1000, "emails per period before fatigue starts"),
                  BEH(marketing.fatigue_threshold));

  // [loyalty]
  r.behaviour_key(boolean("loyalty.enabled", "run a loyalty programme"), BEH(loyalty.enabled));
  r.behaviour_key(integer("loyalty.start_period", 0, 1000000, "first period of the programme"),
                  BEH(loyalty.start_period));
  r.behaviour_key(integer("loyalty.eligible_after_orders", 1, 1000, "orders before a customer may enrol"),
                  BEH(loyalty.eligible_after_orders));
  r.behaviour_key(number("loyalty.enrollment_probability", 0, 1, "probability an eligible customer enrols"),
                  BEH(loyalty.enrollment_probability));
  r.behaviour_key(number("loyalty.reward_rate", 0, 1, "reward as a fraction of order value"), BEH(loyalty.reward_rate));
  r.behaviour_key(number("loyalty.breakage", 0, 1, "share of rewards never redeemed"), BEH(loyalty.breakage));
  r.behaviour_key(number("loyalty.cost_per_member_per_period", 0, INF, "money"),
                  BEH(loyalty.cost_per_member_per_period));
  r.behaviour_key(number("loyalty.fixed_cost_per_period", 0, INF, "programme running cost, money"),
                  BEH(loyalty.fixed_cost_per_period));
  r.behaviour_key(positive("loyalty.hazard_multiplier", "member churn hazard multiplier", 10),
                  BEH(loyalty.hazard_multiplier));
  r.behaviour_key(positive("loyalty.frequency_multiplier", "member order frequency multiplier", 10),
                  BEH(loyalty.frequency_multiplier));
  r.behaviour_key(positive("loyalty.basket_multiplier", "member order value multiplier", 10),
                  BEH(loyalty.basket_multiplier));
  r.behaviour_key(number("loyalty.satisfaction_bonus", -10, 10, "satisfaction points once, at enrolment"),
                  BEH(loyalty.satisfaction_bonus));
  r.behaviour_key(positive("loyalty.referral_multiplier", "member referral multiplier", 10),
                  BEH(loyalty.referral_multiplier));

  // [kpi], [market]
  r.scenario_key(integer("kpi.loyal_min_orders", 2, 1000, "orders from which a customer counts as loyal"),
                 SCN(kpi.loyal_min_orders));
  r.scenario_key(number("market.addressable_customers", 0, INF, "customers the shop can ever acquire, 0 = unlimited"),
                 SCN(market.addressable_customers));

  // [[acquisition.channel]] fields
  r.channel_key(required(text("name", "channel name (unique, not 'referral')")), CHN(name));
  r.channel_key(positive("budget_per_period", "spend per period, money"), CHN(budget_per_period));
  r.channel_key(positive("customers_per_period", "expected new customers per period"), CHN(customers_per_period));
  r.channel_key(number("cac", 0, INF, "cost per acquired customer at the start, money"), CHN(cac));
  r.channel_key(number("cac_inflation_annual", -0.5, 10, "CAC growth per year"), CHN(cac_inflation_annual));
  r.channel_key(number("saturation", 0, 10, "CAC scales with (budget / initial budget)^saturation"), CHN(saturation));
  r.channel_key(integer("start_period", 0, 1000000, "first active period"), CHN(start_period));
  r.channel_key(integer("end_period", -1, 1000000, "last active period, -1 = to the end"), CHN(end_period));

  // [[segment]] fields (overrides is a table of behaviour keys)
  r.segment_infos.push_back(required(text("name", "segment name (unique)")));
  r.segment_infos.push_back(required(number("share", 0, 1, "share of new customers and of initial_customers", true)));
  // [[investment]] fields (changes is a table of scenario keys, docs/model.md §8)
  r.investment_key(required(text("name", "investment name (unique; not baseline, portfolio or sweep_*)")), INV(name));
  r.investment_key(text("description", "free text printed with the results"), INV(description));
  r.investment_key(number("one_time_cost", 0, INF, "paid once in start_period, money"), INV(one_time_cost));
  r.investment_key(number("cost_per_period", 0, INF, "paid every period from start_period, money"),
                   INV(cost_per_period));
  r.investment_key(number("cost_per_order", 0, INF, "paid on every order from start_period, money"),
                   INV(cost_per_order));
  r.investment_key(number("cost_per_contact", 0, INF, "paid on every service contact from start_period, money"),
                   INV(cost_per_contact));
  r.investment_key(integer("start_period", 0, 1000000, "first period the investment acts and costs"),
                   INV(start_period));
  r.investment_key(
      integer("ramp_periods", 0, 1000000, "numeric changes reach full effect linearly over this many periods"),
      INV(ramp_periods));
  r.finish();
  return r;
}

#undef BEH
#undef SCN
#undef CHN
#undef INV

const Registry& registry()
{
  static const Registry r = build_registry();  // immutable after construction
  return r;
}

const Entry& entry(const std::string& key)
{
  const auto& r = registry();
  auto it = r.index.find(key);
  if (it == r.index.end()) throw std::invalid_argument("unknown scenario key '" + key + "'");
  return r.entries[it->second];
}

const ChannelEntry* channel_entry(const std::string& field)
{
  for (const auto& e : registry().channel_entries)
    if (e.info.name == field) return &e;
  return nullptr;
}

double read_number(const FieldRef& ref, const std::string& key)
{
  return std::visit(
      [&](auto* p) -> double {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::optional<double>>) {
          return p->value_or(0.0);
        } else if constexpr (std::is_arithmetic_v<T>) {
          return static_cast<double>(*p);
        } else {
          throw std::invalid_argument("scenario key '" + key + "' is not numeric");
        }
      },
      ref);
}

void write_number(const FieldRef& ref, const std::string& key, double value)
{
  std::visit(
      [&](auto* p) {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::optional<double>>) {
          *p = value;
        } else if constexpr (std::is_same_v<T, bool>) {
          *p = value != 0.0;
        } else if constexpr (std::is_floating_point_v<T>) {
          *p = value;
        } else if constexpr (std::is_integral_v<T>) {
          *p = static_cast<T>(std::llround(value));
        } else {
          throw std::invalid_argument("scenario key '" + key + "' is not numeric");
        }
      },
      ref);
}

std::string read_text(const FieldRef& ref, const KeyInfo& info)
{
  return std::visit(
      [&](auto* p) -> std::string {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return *p;
        } else if constexpr (std::is_enum_v<T>) {
          return info.words.at(static_cast<std::size_t>(*p));
        } else {
          throw std::invalid_argument("scenario key '" + info.name + "' is not text");
        }
      },
      ref);
}

void write_text(const FieldRef& ref, const KeyInfo& info, const std::string& value)
{
  std::visit(
      [&](auto* p) {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::string>) {
          *p = value;
        } else if constexpr (std::is_enum_v<T>) {
          auto it = std::find(info.words.begin(), info.words.end(), value);
          if (it == info.words.end())
            throw std::invalid_argument(info.name + " = \"" + value + "\" is not one of " + words_text(info));
          *p = static_cast<T>(it - info.words.begin());
        } else {
          throw std::invalid_argument("scenario key '" + info.name + "' is not text");
        }
      },
      ref);
}

bool numeric_type(KeyType t)
{
  return t == KeyType::number || t == KeyType::integer || t == KeyType::boolean;
}

//! "segment.<name>.<field>", "acquisition.channel.<name>.<field>" or
//! "investment.<name>.<field>" (field may be "changes.<key>"). Entry names have no dots.
struct Address {
  enum Kind { none, segment, channel, investment } kind = none;
  std::string entry, field;
};

Address parse_address(const std::string& key)
{
  Address a;
  std::string rest;
  if (key.rfind("segment.", 0) == 0) {
    a.kind = Address::segment;
    rest = key.substr(8);
  } else if (key.rfind("acquisition.channel.", 0) == 0) {
    a.kind = Address::channel;
    rest = key.substr(20);
  } else if (key.rfind("investment.", 0) == 0) {
    a.kind = Address::investment;
    rest = key.substr(11);
  } else {
    return a;
  }
  auto dot = rest.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == rest.size()) return Address{};
  a.entry = rest.substr(0, dot);
  a.field = rest.substr(dot + 1);
  return a;
}

const std::vector<std::pair<std::string, std::string>>& derived_pairs()
{
  // (derived key, the key it defaults to) among behaviour keys
  static const std::vector<std::pair<std::string, std::string>> pairs = {
      {"service.later_contact_resolution", "service.first_contact_resolution"},
      {"satisfaction.reference", "satisfaction.initial_mean"}};
  return pairs;
}

bool contains(const std::vector<std::string>& v, const std::string& s)
{
  return std::find(v.begin(), v.end(), s) != v.end();
}

const InvestmentEntry* investment_entry(const std::string& field)
{
  for (const auto& e : registry().investment_entries)
    if (e.info.name == field) return &e;
  return nullptr;
}

//! A numeric behaviour key a segment may override ("purchase.r"), or nullptr.
const KeyInfo* segment_behaviour_key(const std::string& field)
{
  const KeyInfo* k = find_key(field);
  return k && k->segment_ok && numeric_type(k->type) ? k : nullptr;
}

template <class T>
T* find_named(std::vector<T>& entries, const std::string& name)
{
  for (auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

//! The change a "changes.<key>" field names, or nullptr.
Change* find_change(Investment& investment, const std::string& field)
{
  if (field.rfind("changes.", 0) != 0) return nullptr;
  const std::string key = field.substr(8);
  for (auto& c : investment.changes)
    if (c.key == key && !c.is_text) return &c;
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------

const std::vector<KeyInfo>& all_keys()
{
  return registry().infos;
}
const std::vector<KeyInfo>& channel_keys()
{
  return registry().channel_infos;
}
const std::vector<KeyInfo>& segment_keys()
{
  return registry().segment_infos;
}
const std::vector<KeyInfo>& investment_keys()
{
  return registry().investment_infos;
}

const KeyInfo* find_investment_key(const std::string& field)
{
  const auto* e = investment_entry(field);
  return e ? &e->info : nullptr;
}

const KeyInfo* find_key(const std::string& key)
{
  const auto& r = registry();
  auto it = r.index.find(key);
  return it == r.index.end() ? nullptr : &r.entries[it->second].info;
}

const KeyInfo* find_channel_key(const std::string& field)
{
  const auto* e = channel_entry(field);
  return e ? &e->info : nullptr;
}

bool is_key(const std::string& key)
{
  return find_key(key) != nullptr;
}

bool is_behaviour_key(const std::string& key)
{
  const KeyInfo* k = find_key(key);
  return k && k->segment_ok;
}

bool is_numeric_key(const Scenario& scenario, const std::string& key)
{
  if (const KeyInfo* k = find_key(key)) return numeric_type(k->type);
  Address a = parse_address(key);
  auto& s = const_cast<Scenario&>(scenario);
  if (a.kind == Address::segment)
    return (a.field == "share" || segment_behaviour_key(a.field)) && find_named(s.segments, a.entry);
  if (a.kind == Address::channel) {
    const KeyInfo* k = find_channel_key(a.field);
    return k && numeric_type(k->type) && find_named(s.channels, a.entry);
  }
  if (a.kind == Address::investment) {
    Investment* inv = find_named(s.investments, a.entry);
    if (!inv) return false;
    const KeyInfo* k = find_investment_key(a.field);
    return (k && numeric_type(k->type)) || find_change(*inv, a.field);
  }
  return false;
}

double get_number(const Scenario& scenario, const std::string& key)
{
  if (find_key(key)) return read_number(entry(key).in_scenario(const_cast<Scenario&>(scenario)), key);
  Address a = parse_address(key);
  auto& s = const_cast<Scenario&>(scenario);
  if (a.kind == Address::segment) {
    if (Segment* seg = find_named(s.segments, a.entry)) {
      if (a.field == "share") return seg->share;
      if (segment_behaviour_key(a.field)) return get_number(seg->behaviour, a.field);
    }
  } else if (a.kind == Address::channel) {
    if (const auto* e = channel_entry(a.field))
      if (Channel* c = find_named(s.channels, a.entry)) return read_number(e->in_channel(*c), key);
  } else if (a.kind == Address::investment) {
    if (Investment* inv = find_named(s.investments, a.entry)) {
      if (const auto* e = investment_entry(a.field); e && numeric_type(e->info.type))
        return read_number(e->in_investment(*inv), key);
      if (Change* c = find_change(*inv, a.field)) return c->number;
    }
  }
  throw std::invalid_argument("unknown scenario key '" + key + "'");
}

double get_number(const Behaviour& behaviour, const std::string& key)
{
  const Entry& e = entry(key);
  if (!e.in_behaviour) throw std::invalid_argument("scenario key '" + key + "' is not a behaviour key");
  return read_number(e.in_behaviour(const_cast<Behaviour&>(behaviour)), key);
}

void set_number(Behaviour& behaviour, const std::string& key, double value)
{
  const Entry& e = entry(key);
  if (!e.in_behaviour) throw std::invalid_argument("scenario key '" + key + "' is not a behaviour key");
  write_number(e.in_behaviour(behaviour), key, value);
}

void set_number(Scenario& scenario, const std::string& key, double value)
{
  if (find_key(key)) {
    const Entry& e = entry(key);
    write_number(e.in_scenario(scenario), key, value);
    if (e.in_behaviour) {
      // A derived default follows its source when the file did not set it.
      for (const auto& [derived, source] : derived_pairs())
        if (source == key && contains(scenario.defaulted_keys, derived))
          write_number(entry(derived).in_scenario(scenario), derived, value);
      resolve_segments(scenario);
    }
    return;
  }
  Address a = parse_address(key);
  if (a.kind == Address::segment) {
    if (Segment* seg = find_named(scenario.segments, a.entry)) {
      if (a.field == "share") {
        seg->share = value;
        return;
      }
      if (const KeyInfo* k = segment_behaviour_key(a.field)) {
        // Keep the override's stored value as the behaviour field holds it (integers round).
        Behaviour probe = seg->behaviour;
        set_number(probe, a.field, value);
        const double stored = get_number(probe, a.field);
        auto it = std::find_if(seg->overrides.begin(), seg->overrides.end(),
                               [&](const Override& o) { return o.key == k->name; });
        if (it != seg->overrides.end())
          it->number = stored;
        else
          seg->overrides.push_back(Override{k->name, stored, "", false});
        resolve_segments(scenario);
        return;
      }
    }
  } else if (a.kind == Address::channel) {
    if (const auto* e = channel_entry(a.field))
      if (Channel* c = find_named(scenario.channels, a.entry)) {
        write_number(e->in_channel(*c), key, value);
        return;
      }
  } else if (a.kind == Address::investment) {
    if (Investment* inv = find_named(scenario.investments, a.entry)) {
      if (const auto* e = investment_entry(a.field); e && numeric_type(e->info.type)) {
        write_number(e->in_investment(*inv), key, value);
        return;
      }
      if (Change* c = find_change(*inv, a.field)) {
        c->number = value;
        return;
      }
    }
  }
  throw std::invalid_argument("unknown scenario key '" + key + "'");
}

std::string get_text(const Scenario& scenario, const std::string& key)
{
  const Entry& e = entry(key);
  return read_text(e.in_scenario(const_cast<Scenario&>(scenario)), e.info);
}

std::string get_text(const Behaviour& behaviour, const std::string& key)
{
  const Entry& e = entry(key);
  if (!e.in_behaviour) throw std::invalid_argument("scenario key '" + key + "' is not a behaviour key");
  return read_text(e.in_behaviour(const_cast<Behaviour&>(behaviour)), e.info);
}

void set_text(Behaviour& behaviour, const std::string& key, const std::string& value)
{
  const Entry& e = entry(key);
  if (!e.in_behaviour) throw std::invalid_argument("scenario key '" + key + "' is not a behaviour key");
  write_text(e.in_behaviour(behaviour), e.info, value);
}

void set_text(Scenario& scenario, const std::string& key, const std::string& value)
{
  const Entry& e = entry(key);
  write_text(e.in_scenario(scenario), e.info, value);
  if (e.in_behaviour) resolve_segments(scenario);
}

std::optional<std::string> check_number(const KeyInfo& info, const std::string& display_name, double value)
{
  const std::string shown = display_name + " = " + format_number(value);
  switch (info.type) {
    case KeyType::string:
    case KeyType::word:
      return display_name + " is not a number";
    case KeyType::boolean:
      if (value == 0.0 || value == 1.0) return std::nullopt;
      return shown + " is not a boolean (0 or 1)";
    case KeyType::number:
    case KeyType::integer:
      break;
  }
  if (!std::isfinite(value)) return shown + " is not a finite number";
  if (info.type == KeyType::integer && value != std::floor(value)) return shown + " is not an integer";
  const bool low = info.lo_open ? !(value > info.lo) : !(value >= info.lo);
  const bool high = info.hi_open ? !(value < info.hi) : !(value <= info.hi);
  if (low || high) {
    // A probability or share written as a percentage (gross_margin = 35): say how to write
    // it. Only from 2 on: 1.3 is more likely a slip than 1.3%.
    const bool unit_range = info.lo == 0.0 && info.hi == 1.0 && !info.lo_open && !info.hi_open;
    std::string hint;
    if (unit_range && value >= 2.0 && value <= 100.0) {
      char fraction[32];
      std::snprintf(fraction, sizeof fraction, "%.10g", value / 100.0);
      hint = " (a fraction: " + format_number(value) + "% is " + fraction + ")";
    }
    return shown + " is out of range " + range_text(info) + hint;
  }
  return std::nullopt;
}

std::optional<std::string> check_number(const std::string& key, double value)
{
  if (const KeyInfo* k = find_key(key)) return check_number(*k, key, value);
  Address a = parse_address(key);
  if (a.kind == Address::segment && a.field == "share") return check_number(registry().segment_infos[1], key, value);
  if (a.kind == Address::segment)
    if (const KeyInfo* k = find_key(a.field); k && k->segment_ok) return check_number(*k, key, value);
  if (a.kind == Address::channel)
    if (const KeyInfo* k = find_channel_key(a.field)) return check_number(*k, key, value);
  if (a.kind == Address::investment)
    if (const KeyInfo* k = find_investment_key(a.field)) return check_number(*k, key, value);
  return "unknown key '" + key + "'";
}

std::vector<std::string> model_parameters(const std::string& model_key, const std::string& model)
{
  // The order the papers (and docs/model.md §3.2) list them in.
  static const std::vector<std::pair<std::string, std::vector<std::string>>> lists = {
      {"purchase.model=bg_nbd", {"r", "alpha", "a", "b"}},
      {"purchase.model=mbg_nbd", {"r", "alpha", "a", "b"}},
      {"purchase.model=pareto_nbd", {"r", "alpha", "s", "beta"}},
      {"purchase.model=sbg_poisson", {"a", "b", "r", "alpha"}},
      {"purchase.model=sbg", {"alpha", "beta", "fee"}},
      {"purchase.model=bg_bb", {"alpha", "beta", "gamma", "delta"}},
      {"spend.model=gamma_gamma", {"p", "q", "gamma"}},
      {"spend.model=lognormal", {"median", "sigma", "customer_sigma"}},
      {"spend.model=fixed", {"value"}}};
  const std::string prefix = model_key.substr(0, model_key.find('.') + 1);
  std::vector<std::string> out;
  for (const auto& [name, params] : lists)
    if (name == model_key + "=" + model)
      for (const auto& p : params) out.push_back(prefix + p);
  return out;
}

std::vector<std::string> numeric_keys()
{
  std::vector<std::string> out;
  for (const auto& k : all_keys())
    if (k.type == KeyType::number || k.type == KeyType::integer) out.push_back(k.name);
  return out;
}

void apply_override(Behaviour& behaviour, const Override& o)
{
  if (o.is_text)
    set_text(behaviour, o.key, o.text);
  else
    set_number(behaviour, o.key, o.number);
}

void resolve_segments(Scenario& scenario)
{
  for (auto& segment : scenario.segments) {
    Behaviour b = scenario.base;
    for (const auto& o : segment.overrides) apply_override(b, o);
    for (const auto& [derived, source] : derived_pairs()) {
      if (!contains(scenario.defaulted_keys, derived)) continue;
      const bool overridden = std::any_of(segment.overrides.begin(), segment.overrides.end(),
                                          [&derived = derived](const Override& o) { return o.key == derived; });
      if (!overridden) set_number(b, derived, get_number(b, source));
    }
    segment.behaviour = b;
  }
}

std::string range_text(const KeyInfo& info)
{
  auto bound = [](double v) {
    if (v == INF) return std::string("inf");
    if (v == -INF) return std::string("-inf");
    return format_number(v);
  };
  return std::string(info.lo_open ? "(" : "[") + bound(info.lo) + ", " + bound(info.hi) + (info.hi_open ? ")" : "]");
}

std::string words_text(const KeyInfo& info)
{
  std::string out;
  for (std::size_t i = 0; i < info.words.size(); ++i) {
    if (i) out += ", ";
    out += "\"" + info.words[i] + "\"";
  }
  return out;
}

std::string format_number(double value)
{
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Whole numbers print without exponent or fraction (36, 60000); others shortest
  // round-trip form (0.1, 1.3, 1e-09), which reads back to the same double.
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
    return std::string(buf, res.ptr);
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, res.ptr);
}

std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates)
{
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string w = lower(word);
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  // Allow about one edit per three characters: catches typos, not unrelated words.
  const std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, (w.size() + 2) / 3));
  std::optional<std::string> best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    std::size_t d = distance(w, lower(c));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (best) return best;
  // A truncated or misspelt long name ("budget" for "budget_per_period"): the candidate
  // sharing the longest prefix of at least 4 characters.
  std::size_t best_prefix = 3;
  for (const auto& c : candidates) {
    const std::string lc = lower(c);
    std::size_t n = 0;
    while (n < w.size() && n < lc.size() && w[n] == lc[n]) ++n;
    if (n > best_prefix) {
      best_prefix = n;
      best = c;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Distributions (docs/model.md §9)

const char* to_string(DistKind kind)
{
  switch (kind) {
    case DistKind::normal:
      return "normal";
    case DistKind::lognormal:
      return "lognormal";
    case DistKind::uniform:
      return "uniform";
    case DistKind::triangular:
      return "triangular";
    case DistKind::pert:
      return "pert";
    case DistKind::beta:
      return "beta";
    case DistKind::mvlognormal:
      return "mvlognormal";
  }
  return "?";
}

double representative_value(const Distribution& d)
{
  switch (d.kind) {
    case DistKind::normal: {
      if (!d.has_low && !d.has_high) return d.mean;
      // Mean of the normal truncated to [low, high]:
      // mu + sd (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha)), alpha = (low - mu)/sd,
      // beta = (high - mu)/sd (Johnson, Kotz & Balakrishnan, Continuous Univariate
      // Distributions vol. 1, §10.1). The tails use erfc, accurate far from the mean.
      const double alpha = d.has_low ? (d.low - d.mean) / d.sd : -INF;
      const double beta = d.has_high ? (d.high - d.mean) / d.sd : INF;
      auto pdf = [](double x) {
        return std::isinf(x) ? 0.0 : std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
      };
      // Phi(beta) - Phi(alpha) from the side where both are small tail probabilities.
      double mass;
      if (alpha > 0)
        mass = 0.5 * (std::erfc(alpha / std::sqrt(2.0)) - std::erfc(beta / std::sqrt(2.0)));
      else if (beta < 0)
        mass = 0.5 * (std::erfc(-beta / std::sqrt(2.0)) - std::erfc(-alpha / std::sqrt(2.0)));
      else
        mass = 1.0 - 0.5 * std::erfc(-alpha / std::sqrt(2.0)) - 0.5 * std::erfc(beta / std::sqrt(2.0));
      double m = mass > 0 ? d.mean + d.sd * (pdf(alpha) - pdf(beta)) / mass : d.mean;
      if (d.has_low) m = std::max(m, d.low);
      if (d.has_high) m = std::min(m, d.high);
      return m;
    }
    case DistKind::lognormal:
    case DistKind::mvlognormal:
      return d.median;
    case DistKind::uniform:
      return 0.5 * (d.low + d.high);
    case DistKind::triangular:
      return (d.low + d.mode + d.high) / 3.0;
    case DistKind::pert:
      return (d.low + 4.0 * d.mode + d.high) / 6.0;
    case DistKind::beta:
      return d.low + (d.high - d.low) * d.a / (d.a + d.b);
  }
  return d.mean;
}

std::string describe_distribution(const Distribution& d)
{
  std::string out = std::string("{ dist = \"") + to_string(d.kind) + "\"";
  auto param = [&](const char* name, double v) { out += std::string(", ") + name + " = " + format_number(v); };
  switch (d.kind) {
    case DistKind::normal:
      param("mean", d.mean);
      param("sd", d.sd);
      if (d.has_low) param("low", d.low);
      if (d.has_high) param("high", d.high);
      break;
    case DistKind::lognormal:
    case DistKind::mvlognormal:  // (its marginal: the group's table is written apart)
      param("median", d.median);
      param("sigma", d.sigma);
      break;
    case DistKind::uniform:
      param("low", d.low);
      param("high", d.high);
      break;
    case DistKind::triangular:
    case DistKind::pert:
      param("low", d.low);
      param("mode", d.mode);
      param("high", d.high);
      break;
    case DistKind::beta:
      param("a", d.a);
      param("b", d.b);
      if (d.low != 0.0 || d.high != 1.0) {
        param("low", d.low);
        param("high", d.high);
      }
      break;
  }
  return out + " }";
}

}  // namespace clvsim::scenarios
