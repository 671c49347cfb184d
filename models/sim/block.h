#pragma once
//! Customers of one work block (docs/model.md §10). Blocks have a fixed capacity chosen by the
//! scenario (simulation.block_size); customers enter blocks in creation order, so a
//! customer's block never depends on threads.
//!
//! Two views of the same customers:
//! * the public arrays, one entry per customer ever pushed, in creation order: what CLV
//!   accounting reads (segment, flags, n_orders, clv, revenue), 14 bytes per customer, live
//!   or not (ids and acquisition periods live only in the kernel state, as nothing after
//!   the horizon needs them). segment and flags are always current; n_orders, clv and
//!   revenue are current for the customers who have left, while those of live customers are
//!   kept in `live` (next to the rest of their state, so a buyer's update touches one place)
//!   and copied out by sim::flush_live(), which the driver calls after a block's last period;
//! * `live`, the kernel's structure-of-arrays state of the customers still alive; those who
//!   leave in a period are removed at its end, their places taken by the last live lanes
//!   (LiveState::fill_holes), so the hot loop never visits a churned customer (53 bytes per
//!   live customer). Lane order is not creation order: no draw depends on it.
//! push_back puts a new customer that is alive at the end of `live` (pushes happen between
//! periods, after the kernel has removed the period's leavers).
#include "engine/core/block_arena.h"
#include "engine/rng/vmath.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clvsim::sim {

//! One array of a block's customers, in the block arena (engine/core/block_arena.h).
template <class T>
using Column = core::ArenaVector<T>;

enum CustomerFlag : std::uint8_t {
  ALIVE = 1,         //!< still a customer (not churned / dropped out)
  EXISTING = 2,      //!< from population.history: acquired before the horizon
  MEMBER = 4,        //!< loyalty programme member
  INITIAL = 8,       //!< the initial cohort (population.initial_customers)
  REFERRED = 16,     //!< acquired through the referral channel
  OFFERED = 32,      //!< has had its one chance to enrol in the loyalty programme
  GONE_BEFORE = 64,  //!< left during the warm-up: not a customer of the horizon (docs/model.md §3.1)
};

//! Kernel state of the live customers of a block, structure of arrays; the customers who
//! leave in a period are removed at its end (fill_holes).
struct LiveState {
  Column<std::uint32_t> slot;           //!< index of the customer in the block's public arrays
  Column<std::uint32_t> id_lo;          //!< customer id bits 0-31 (Philox counter word 1)
  Column<std::uint8_t> id_hi;           //!< customer id bits 32-39 (rng::id_high_bits)
  Column<float> lambda;                 //!< order rate per period
  Column<float> p0;                     //!< e^-lambda, the chance of no order at multiplier 1
  Column<float> churn;                  //!< log(1-theta) (sbg*), p (bg_nbd) or mu per period (pareto_nbd)
  Column<float> nu;                     //!< gamma-gamma nu, or the log of the median order value
  Column<float> sat;                    //!< satisfaction S at the end of the last period
  Column<std::uint32_t> meta;           //!< acquisition period | segment << 16 | flags << 24
  Column<std::uint32_t> orders;         //!< orders so far (the public n_orders, current here; see Block)
  Column<float> clv;                    //!< contribution so far (the public clv, current here)
  Column<float> revenue;                //!< kept revenue so far (the public revenue, current here)
  Column<float> sclock;                 //!< sbg_poisson: hazard left before churning (see kernel.cpp)
  Column<float> oclock;                 //!< sbg_poisson: rate x time left before the next order
  bool wide_ids = false;                //!< some id_hi is non-zero (else id_hi is all zeros)
  int newest_acquisition = -1;          //!< the latest acquisition period of a new (not EXISTING) customer; -1: none
  int acq_min = 0x10000, acq_max = -1;  //!< the range of every customer's acquisition period (the meta field)

  static std::uint32_t pack(std::uint16_t acq, std::uint8_t segment, std::uint8_t flags)
  {
    return std::uint32_t{acq} | (std::uint32_t{segment} << 16) | (std::uint32_t{flags} << 24);
  }
  static std::uint32_t acq_of(std::uint32_t m) { return m & 0xFFFFu; }
  static std::uint32_t segment_of(std::uint32_t m) { return (m >> 16) & 0xFFu; }
  static std::uint8_t flags_of(std::uint32_t m) { return static_cast<std::uint8_t>(m >> 24); }
  std::uint8_t flags(std::size_t i) const { return flags_of(meta[i]); }
  void set_flags(std::size_t i, std::uint8_t f) { meta[i] = (meta[i] & 0x00FFFFFFu) | (std::uint32_t{f} << 24); }

  std::size_t size() const { return slot.size(); }
  void reserve(std::size_t n)
  {
    slot.reserve(n);
    id_lo.reserve(n);
    id_hi.reserve(n);
    lambda.reserve(n);
    p0.reserve(n);
    churn.reserve(n);
    nu.reserve(n);
    sat.reserve(n);
    meta.reserve(n);
    orders.reserve(n);
    clv.reserve(n);
    revenue.reserve(n);
    sclock.reserve(n);
    oclock.reserve(n);
  }
  //! Remove the lanes `holes` (ascending): each place is taken by the last lane still live,
  //! so only the leaving lanes' places change hands, and the state ends dense. The order of
  //! the lanes changes, which only reorders sums over lanes: every draw depends on the
  //! customer's id, not on its lane. The moves are listed first, then made one column at a
  //! time (through the columns' own pointers, which no store can change).
  void fill_holes(const std::vector<std::uint32_t>& holes)
  {
    thread_local std::vector<std::uint32_t> to, from;  // the moves: lane from[k] to lane to[k]
    to.clear();
    from.clear();
    std::size_t lo = 0, hi = holes.size(), end = size();
    while (lo < hi) {
      if (holes[hi - 1] == end - 1) {  // the last lane leaves too
        --hi;
        --end;
        continue;
      }
      to.push_back(holes[lo++]);
      from.push_back(static_cast<std::uint32_t>(--end));
    }
    const std::size_t n = to.size();
    const auto move = [&](auto& column) {
      auto* __restrict c = column.data();
      const std::uint32_t* __restrict t = to.data();
      const std::uint32_t* __restrict f = from.data();
      for (std::size_t k = 0; k < n; ++k) c[t[k]] = c[f[k]];
    };
    move(slot);
    move(id_lo);
    move(id_hi);
    move(lambda);
    move(p0);
    move(churn);
    move(nu);
    move(sat);
    move(meta);
    move(orders);
    move(clv);
    move(revenue);
    move(sclock);
    move(oclock);
    truncate(end);
  }
  //! Keep the first n entries.
  void truncate(std::size_t n)
  {
    slot.resize(n);
    id_lo.resize(n);
    id_hi.resize(n);
    lambda.resize(n);
    p0.resize(n);
    churn.resize(n);
    nu.resize(n);
    sat.resize(n);
    meta.resize(n);
    orders.resize(n);
    clv.resize(n);
    revenue.resize(n);
    sclock.resize(n);
    oclock.resize(n);
  }
};

struct Block {
  Column<std::uint8_t> segment;
  Column<std::uint8_t> flags;
  Column<std::uint32_t> n_orders;  //!< orders so far, the first (acquisition) one included
  Column<float> clv;               //!< contribution so far, discounted to the acquisition period
  Column<float> revenue;           //!< kept revenue so far (undiscounted)

  LiveState live;  //!< the kernel's state of live customers (see the file comment)

  //! Bytes per customer of the public arrays above, and of the live state.
  static constexpr std::size_t PUBLIC_BYTES = 2 * sizeof(std::uint8_t) + sizeof(std::uint32_t) + 2 * sizeof(float);
  static constexpr std::size_t LIVE_BYTES = 4 * sizeof(std::uint32_t) + sizeof(std::uint8_t) + 9 * sizeof(float);

  //! Bytes per customer of clv and revenue, all that release_unread keeps.
  static constexpr std::size_t KEPT_BYTES = 2 * sizeof(float);

  std::size_t size() const { return clv.size(); }
  //! Frees segment, flags and n_orders: for a block of the initial cohort whose simulation is
  //! over in a one-segment path, where only clv and revenue are read afterwards (and every
  //! customer is of the initial cohort). The next block's arrays reuse the memory.
  void release_unread()
  {
    Column<std::uint8_t>().swap(segment);
    Column<std::uint8_t>().swap(flags);
    Column<std::uint32_t>().swap(n_orders);
  }
  void reserve(std::size_t n)
  {
    segment.reserve(n);
    flags.reserve(n);
    n_orders.reserve(n);
    clv.reserve(n);
    revenue.reserve(n);
    live.reserve(n);
  }
  //! Append a customer with its traits (lambda, churn, nu in the units of LiveState, S0) and
  //! clocks (sim::draw_clocks).
  void push_back(std::uint64_t id_, std::uint16_t acq, std::uint8_t seg, std::uint8_t fl, std::uint32_t orders,
                 float lam, float ch, float nu_, float s, float sc, float oc)
  {
    segment.push_back(seg);
    flags.push_back(fl);
    n_orders.push_back(orders);
    clv.push_back(0.0f);
    revenue.push_back(0.0f);
    if (!(fl & ALIVE)) return;  // a lapsed existing customer never enters the live state
    const std::uint8_t hi = static_cast<std::uint8_t>((id_ >> 32) & 0xFFu);  // rng::id_high_bits
    live.slot.push_back(static_cast<std::uint32_t>(clv.size() - 1));
    live.id_lo.push_back(static_cast<std::uint32_t>(id_));
    live.id_hi.push_back(hi);
    live.wide_ids |= hi != 0;
    if (!(fl & EXISTING)) live.newest_acquisition = std::max(live.newest_acquisition, int{acq});
    live.acq_min = std::min(live.acq_min, int{acq});
    live.acq_max = std::max(live.acq_max, int{acq});
    live.lambda.push_back(lam);
    live.p0.push_back(rng::vmath::exp_f(-lam));
    live.churn.push_back(ch);
    live.nu.push_back(nu_);
    live.sat.push_back(s);
    live.meta.push_back(LiveState::pack(acq, seg, fl));
    live.orders.push_back(orders);
    live.clv.push_back(0.0f);
    live.revenue.push_back(0.0f);
    live.sclock.push_back(sc);
    live.oclock.push_back(oc);
  }
  //! push_back of n customers with ids first_id .. first_id + n - 1, acquired in period acq
  //! with no orders yet, all alive (the initial cohort), in bulk.
  void append_new(std::uint64_t first_id, std::size_t n, std::uint16_t acq, const std::uint8_t* seg, std::uint8_t fl,
                  const float* lam, const float* ch, const float* nu_, const float* s, const float* sc, const float* oc)
  {
    fl = static_cast<std::uint8_t>(fl | ALIVE);
    const std::size_t base = size(), lbase = live.size();
    segment.insert(segment.end(), seg, seg + n);
    flags.resize(base + n, fl);
    n_orders.resize(base + n, 0);
    clv.resize(base + n, 0.0f);
    revenue.resize(base + n, 0.0f);
    live.truncate(lbase + n);  // grows every live array
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t c = first_id + k;
      live.slot[lbase + k] = static_cast<std::uint32_t>(base + k);
      live.id_lo[lbase + k] = static_cast<std::uint32_t>(c);
      live.id_hi[lbase + k] = static_cast<std::uint8_t>((c >> 32) & 0xFFu);
      live.meta[lbase + k] = LiveState::pack(acq, seg[k], fl);
    }
    live.wide_ids |= ((first_id + n - 1) >> 32) != 0;
    if (n > 0 && !(fl & EXISTING)) live.newest_acquisition = std::max(live.newest_acquisition, int{acq});
    if (n > 0) {
      live.acq_min = std::min(live.acq_min, int{acq});
      live.acq_max = std::max(live.acq_max, int{acq});
    }
    std::copy(lam, lam + n, live.lambda.begin() + static_cast<std::ptrdiff_t>(lbase));
    std::copy(ch, ch + n, live.churn.begin() + static_cast<std::ptrdiff_t>(lbase));
    std::copy(nu_, nu_ + n, live.nu.begin() + static_cast<std::ptrdiff_t>(lbase));
    std::copy(s, s + n, live.sat.begin() + static_cast<std::ptrdiff_t>(lbase));
    std::copy(sc, sc + n, live.sclock.begin() + static_cast<std::ptrdiff_t>(lbase));
    std::copy(oc, oc + n, live.oclock.begin() + static_cast<std::ptrdiff_t>(lbase));
    float* p0 = live.p0.data() + lbase;
    for (std::size_t k = 0; k < n; ++k) p0[k] = rng::vmath::exp_f(-lam[k]);
    std::fill(live.orders.begin() + static_cast<std::ptrdiff_t>(lbase), live.orders.end(), 0u);
    std::fill(live.clv.begin() + static_cast<std::ptrdiff_t>(lbase), live.clv.end(), 0.0f);
    std::fill(live.revenue.begin() + static_cast<std::ptrdiff_t>(lbase), live.revenue.end(), 0.0f);
  }

  //! The end of the warm-up (docs/model.md §3.1), before period `period` = t 0. Customers who
  //! left during the warm-up are marked GONE_BEFORE (no customer of the horizon); those still
  //! alive become the shop's customers at t = 0, as existing customers are: acquired before
  //! the horizon (EXISTING: no acquisition order, survival from their first period), counted
  //! with the customers the shop starts with (INITIAL, not REFERRED), their CLV and revenue
  //! counted from t = 0 and discounted to it (acquisition period := `period`). Their traits,
  //! satisfaction, order count and loyalty membership carry on.
  void start_horizon(std::uint16_t period)
  {
    for (std::size_t i = 0; i < size(); ++i) flags[i] = static_cast<std::uint8_t>(flags[i] | GONE_BEFORE);
    for (std::size_t j = 0; j < live.size(); ++j) {
      const auto fl = static_cast<std::uint8_t>((live.flags(j) | EXISTING | INITIAL) & ~REFERRED);
      live.meta[j] = LiveState::pack(period, static_cast<std::uint8_t>(LiveState::segment_of(live.meta[j])), fl);
      flags[live.slot[j]] = fl;
      live.clv[j] = 0.0f;
      live.revenue[j] = 0.0f;
    }
    live.newest_acquisition = -1;
    live.acq_min = live.size() ? int{period} : 0x10000;
    live.acq_max = live.size() ? int{period} : -1;
  }
};

//! Sums one block contributes to a period, per segment. Merged serially in block order.
enum Tally : std::size_t {
  T_ACTIVE,
  T_CHURNED,
  T_ORDERS,
  T_ORDERS_REPEAT,
  T_REVENUE,
  T_REVENUE_REPEAT,
  T_GROSS_MARGIN,
  T_COST_SERVICE,
  T_COST_COMPENSATION,
  T_COST_FULFILMENT,
  T_COST_SHIPPING,
  T_COST_RETURNS,
  T_COST_LOYALTY,
  T_COST_MARKETING,
  T_INCIDENTS,
  T_CONTACTS,
  T_PROMOTERS,
  T_PASSIVES,
  T_DETRACTORS,
  T_ALIVE_END,
  T_REVIEWS,
  T_REVIEWS_NEGATIVE,
  T_STARS,
  T_MEMBERS,
  T_REFERRAL_RATE,
  T_LOYAL_AT_RISK,
  T_LOYAL_ORDERED,
  T_ONETIME_AT_RISK,
  T_ONETIME_ORDERED,
  T_COUNT
};
using TallyRow = std::array<double, T_COUNT>;

}  // namespace clvsim::sim
