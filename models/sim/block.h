#pragma once
//! Customers of one work block in structure-of-arrays form (SPEC §10): 40 bytes of state
//! per customer. Blocks have a fixed capacity chosen by the scenario (simulation.block_size);
//! customers enter blocks in creation order, so a customer's block never depends on threads.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clvsim::sim {

enum CustomerFlag : std::uint8_t {
  ALIVE = 1,       //!< still a customer (not churned / dropped out)
  EXISTING = 2,    //!< from population.history: acquired before the horizon
  MEMBER = 4,      //!< loyalty programme member
  INITIAL = 8,     //!< the initial cohort (population.initial_customers)
  REFERRED = 16,   //!< acquired through the referral channel
  OFFERED = 32,    //!< has had its one chance to enrol in the loyalty programme
};

struct Block {
  std::vector<std::uint64_t> id;          //!< global customer id (the random-stream key)
  std::vector<std::uint16_t> acq_period;  //!< period of acquisition (0 for existing customers)
  std::vector<std::uint8_t> segment;
  std::vector<std::uint8_t> flags;
  std::vector<std::uint32_t> n_orders;    //!< orders so far, the first (acquisition) one included
  std::vector<float> lambda;              //!< order rate per period
  std::vector<float> churn;               //!< log(1-theta) (sbg*), p (bg_nbd) or mu per period (pareto_nbd)
  std::vector<float> nu;                  //!< gamma-gamma nu, or the log of the customer's median order value
  std::vector<float> sat;                 //!< satisfaction S at the end of the last period
  std::vector<float> clv;                 //!< contribution so far, discounted to the acquisition period
  std::vector<float> revenue;             //!< kept revenue so far (undiscounted)

  std::size_t size() const { return id.size(); }
  void reserve(std::size_t n)
  {
    id.reserve(n); acq_period.reserve(n); segment.reserve(n); flags.reserve(n);
    n_orders.reserve(n); lambda.reserve(n); churn.reserve(n); nu.reserve(n); sat.reserve(n);
    clv.reserve(n); revenue.reserve(n);
  }
  void push_back(std::uint64_t id_, std::uint16_t acq, std::uint8_t seg, std::uint8_t fl,
                 std::uint32_t orders, float lam, float ch, float nu_, float s)
  {
    id.push_back(id_); acq_period.push_back(acq); segment.push_back(seg); flags.push_back(fl);
    n_orders.push_back(orders); lambda.push_back(lam); churn.push_back(ch); nu.push_back(nu_);
    sat.push_back(s); clv.push_back(0.0f); revenue.push_back(0.0f);
  }
};

//! Sums one block contributes to a period, per segment. Merged serially in block order.
enum Tally : std::size_t {
  T_ACTIVE, T_CHURNED, T_ORDERS, T_ORDERS_REPEAT, T_REVENUE, T_REVENUE_REPEAT, T_GROSS_MARGIN,
  T_COST_SERVICE, T_COST_FULFILMENT, T_COST_LOYALTY, T_COST_MARKETING, T_INCIDENTS, T_CONTACTS,
  T_PROMOTERS, T_PASSIVES, T_DETRACTORS, T_ALIVE_END, T_REVIEWS, T_REVIEWS_NEGATIVE, T_STARS,
  T_MEMBERS, T_REFERRAL_RATE,
  T_LOYAL_AT_RISK, T_LOYAL_ORDERED, T_ONETIME_AT_RISK, T_ONETIME_ORDERED,
  T_SAT_SUM,
  T_COUNT
};
using TallyRow = std::array<double, T_COUNT>;

}  // namespace clvsim::sim
