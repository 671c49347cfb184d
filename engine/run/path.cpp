#include "engine/run/path.h"

#include "engine/core/block_arena.h"
#include "engine/core/errors.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/run/exchange.h"
#include "engine/run/population.h"
#include "models/acquisition.h"
#include "models/purchase/registry.h"
#include "models/sim/kernel.h"
#include "models/sim/service.h"
#include "models/sim/traits.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace clvsim::runner {

using models::PeriodKpi;
using scenarios::Scenario;
using sim::Block;
using sim::SegmentModel;
using sim::TallyRow;

namespace {

//! Running CLV sums over customers in creation order (one segment, no existing customers).
struct CohortSums {
  double sum = 0, sum_initial = 0, sum_acquired = 0, sum_referred = 0;
  std::uint64_t n_initial = 0, n_referred = 0;
};

//! Adds n customers' CLVs (and whether they are of the initial cohort; fl null: all are) to
//! s, in order. A function of its own so the sums stay in registers (inlined, GCC kept them
//! in memory: a store-to-load round trip per customer).
[[gnu::noinline]] void add_clv(const float* __restrict v, const std::uint8_t* __restrict fl, std::size_t n,
                               CohortSums& s)
{
  double sum = s.sum, sum_initial = s.sum_initial, sum_acquired = s.sum_acquired, sum_referred = s.sum_referred;
  std::uint64_t n_initial = s.n_initial, n_referred = s.n_referred;
  if (fl == nullptr) {  // the same additions as below with every customer initial
    for (std::size_t i = 0; i < n; ++i) {
      const double x = v[i];
      sum += x;
      sum_initial += x;
    }
    s = {sum, sum_initial, sum_acquired, sum_referred, n_initial + n, n_referred};
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double x = v[i];
    const bool initial = (fl[i] & sim::INITIAL) != 0;
    const bool referred = (fl[i] & sim::REFERRED) != 0;
    sum += x;
    if (initial)
      sum_initial += x;
    else
      sum_acquired += x;
    if (referred) sum_referred += x;
    n_initial += initial ? 1u : 0u;
    n_referred += referred ? 1u : 0u;
  }
  s = {sum, sum_initial, sum_acquired, sum_referred, n_initial, n_referred};
}

//! The block exchange of one process: every block is its own, nothing to exchange.
class OneProcess final : public BlockExchange {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<std::vector<std::byte>> allgather(std::vector<std::byte> mine) override
  {
    std::vector<std::vector<std::byte>> all;
    all.push_back(std::move(mine));
    return all;
  }
  std::vector<std::vector<std::byte>> gather(std::vector<std::byte> mine) override
  {
    return allgather(std::move(mine));
  }
};

//! Appends the bytes of n values of T (with their count first) to a byte buffer.
template <class T>
void put(std::vector<std::byte>& out, const T* values, std::size_t n)
{
  const std::uint64_t count = n;
  const std::size_t at = out.size();
  out.resize(at + sizeof count + n * sizeof(T));
  std::memcpy(out.data() + at, &count, sizeof count);
  if (n > 0) std::memcpy(out.data() + at + sizeof count, values, n * sizeof(T));
}

//! Reads back what put() wrote, in the same order.
class Reader {
public:
  explicit Reader(const std::vector<std::byte>& in) : in_(in) {}
  template <class Vector>
  void get(Vector& v)
  {
    std::uint64_t count = 0;
    take(&count, sizeof count);
    v.resize(static_cast<std::size_t>(count));
    take(v.data(), v.size() * sizeof(typename Vector::value_type));
  }

private:
  void take(void* to, std::size_t n)
  {
    if (n > in_.size() - at_) throw std::runtime_error("a rank sent fewer bytes of customer blocks than expected");
    if (n > 0) std::memcpy(to, in_.data() + at_, n);
    at_ += n;
  }
  const std::vector<std::byte>& in_;
  std::size_t at_ = 0;
};

//! A path's simulation as named steps (docs/model.md §3.5): run() reads as the model's order.
//! Block b of the path is simulated by rank b mod N of the block exchange (N = 1: one process,
//! every block); every rank creates the customers in the same order, acquires the same
//! customers from the same shop state, and merges every block's tallies in block order, so
//! the shop-level state (rating, referrals, market, loyalty tallies) is the same bits on every
//! rank and as with one process; rank 0 then accounts every block's customers in creation order.
class PathSimulation {
public:
  PathSimulation(const Plan& plan, const Scenario& base, const VariantSchedule& schedule, std::uint32_t path,
                 PathOutput& out, BlockExchange& bx)
      : plan_(plan),
        base_(base),
        schedule_(schedule),
        path_(path),
        out_(out),
        setup0_(*schedule.periods.front()),
        sc_(setup0_.scenario),
        seed_(sc_.simulation.seed),
        H_(plan.horizon),
        W_(plan.warmup),
        U_(W_ + H_),
        S_(setup0_.segments.size()),
        pop_(plan.block_size),
        seg_new_(S_),
        seg_new_ref_(S_),
        seg_cost_paid_(S_),
        seg_cost_referral_(S_),
        n0_(static_cast<std::uint64_t>(sc_.population.initial_customers)),
        channel_cost_(sc_.channels.size(), 0.0),
        channel_count_(sc_.channels.size(), 0.0),
        acquired_total_(static_cast<double>(n0_)),
        rating_(sc_.reputation.initial_rating),
        bx_(bx),
        N_(static_cast<std::size_t>(bx.size())),
        R_(static_cast<std::size_t>(bx.rank()))
  {
    out_.periods.assign(models::PERIOD_KPI_COUNT, std::vector<double>(static_cast<std::size_t>(H_), 0.0));
    out_.seg_periods.assign(S_, std::vector<std::vector<double>>(
                                    models::PERIOD_KPI_COUNT, std::vector<double>(static_cast<std::size_t>(H_), 0.0)));
  }

  void run()
  {
    existing_residual_.assign(plan_.existing.size(), 0.0);
    decide_schedule();
    create_initial_cohort();
    add_existing_customers();
    release_others_full_blocks();
    if (plan_.block_major) run_independent_blocks();
    // u counts the path's periods, the warm-up's first: period t = u - W_ (docs/model.md §3.1).
    for (int u = 0; u < U_; ++u) {
      if (u == W_ && W_ > 0) start_horizon();
      acquire(u);
      release_others_full_blocks();
      simulate_blocks(u);
      end_period(u);
      if (u >= W_) record_period_kpis(u);
    }
    residual_.resize(pop_.blocks().size());
    for (std::size_t bi : owned(n_major_, pop_.blocks().size())) {
      add_lifetime_values(pop_.blocks()[bi], residual_[bi]);
      sim::flush_live(pop_.blocks()[bi]);
    }
    if (N_ > 1 && !gather_customers()) return;  // rank 0 accounts the path
    account_customers();
    record_path_kpis();
  }

private:
  bool owns(std::size_t bi) const { return BlockOwner{N_, R_}.owns(bi); }

  //! Several ranks: every rank creates every customer (docs/scaling.md §8), but a block
  //! another rank simulates is needed only while customers join it: once a later block
  //! exists it is full, and it is freed, public arrays and kernel state (nothing reads them:
  //! rank 0 receives the owner's public arrays at the end, gather_customers).
  void release_others_full_blocks()
  {
    auto& blocks = pop_.blocks();
    for (; N_ > 1 && released_ + 1 < blocks.size(); ++released_)
      if (!owns(released_)) blocks[released_] = Block{};
  }

  //! The blocks of [lo, hi) this rank simulates, in block order.
  std::vector<std::size_t> owned(std::size_t lo, std::size_t hi) const
  {
    std::vector<std::size_t> own;
    for (std::size_t bi = lo; bi < hi; ++bi)
      if (owns(bi)) own.push_back(bi);
    return own;
  }

  //! Every rank's `mine` (this rank's own moved, not copied, with one process), by rank.
  template <class T, class Alloc>
  std::vector<std::vector<T, Alloc>> from_every_rank(std::vector<T, Alloc>&& mine)
  {
    std::vector<std::vector<T, Alloc>> all;
    if (N_ == 1) {
      all.push_back(std::move(mine));
      return all;
    }
    std::vector<std::byte> bytes(mine.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), mine.data(), bytes.size());
    std::vector<std::vector<std::byte>> got = bx_.allgather(std::move(bytes));
    all.resize(N_);
    for (std::size_t r = 0; r < N_; ++r) {
      all[r].resize(got[r].size() / sizeof(T));
      if (!all[r].empty()) std::memcpy(all[r].data(), got[r].data(), all[r].size() * sizeof(T));
    }
    return all;
  }

  //! Several ranks: the blocks' customers rank 0 accounts (their segment, flags, orders, CLV
  //! and revenue, the residuals added per block, the history's residuals) go to rank 0, into
  //! its copies of the other ranks' blocks. True on rank 0.
  bool gather_customers()
  {
    auto& blocks = pop_.blocks();
    std::vector<std::byte> mine;
    if (R_ != 0) {
      for (std::size_t bi : owned(0, blocks.size())) {
        const Block& b = blocks[bi];
        put(mine, residual_[bi].data(), residual_[bi].size());
        put(mine, b.segment.data(), b.segment.size());
        put(mine, b.flags.data(), b.flags.size());
        put(mine, b.n_orders.data(), b.n_orders.size());
        put(mine, b.clv.data(), b.clv.size());
        put(mine, b.revenue.data(), b.revenue.size());
      }
      put(mine, existing_residual_.data(), existing_residual_.size());
    }
    std::vector<std::vector<std::byte>> all = bx_.gather(std::move(mine));
    if (R_ != 0) return false;
    std::vector<double> their_residual;
    for (std::size_t r = 1; r < N_; ++r) {
      Reader in(all[r]);
      for (std::size_t bi = r; bi < blocks.size(); bi += N_) {
        Block& b = blocks[bi];
        in.get(residual_[bi]);
        in.get(b.segment);
        in.get(b.flags);
        in.get(b.n_orders);
        in.get(b.clv);
        in.get(b.revenue);
      }
      in.get(their_residual);
      // existing customer j has the creation index N0 + j (add_existing_customers)
      for (std::size_t j = 0; j < existing_residual_.size(); ++j)
        if ((n0_ + j) / pop_.block_size() % N_ == r) existing_residual_[j] = their_residual[j];
      all[r] = {};
    }
    return true;
  }

  //! Block-major runs. A block's period t depends only on its own customers and the period's
  //! setup; other blocks matter only through the customers acquired later, who go to the
  //! last block or to new ones. So every block that nobody joins after the start (all blocks
  //! present then, except the last one if it is not full and customers may still be
  //! acquired) runs all H periods in one task while its state sits in cache; the period loop
  //! simulates only the others, and merges every block's tallies in block order, so the
  //! results are bitwise those of the period-by-period run, whatever the thread count.
  //! Without acquisition after the start (no channel, no referral in any period) every
  //! block qualifies. Without existing customers, a block of the initial cohort is created
  //! in the task that simulates it and its kernel state is freed when the task ends.
  void decide_schedule()
  {
    for (int u = 0; u < U_ && !acquires_; ++u) {
      const PeriodSetup& s = *schedule_.periods[static_cast<std::size_t>(u)];
      acquires_ = !s.scenario.channels.empty();
      for (const SegmentModel& m : s.segments)
        acquires_ = acquires_ || m.referral_promoter_rate != 0.0 || m.referral_passive_rate != 0.0;
    }
    lazy_cohort_ = plan_.block_major && plan_.existing.empty();
  }

  //! Block k of the initial cohort: ids k B .. (k+1) B - 1, acquired at the start of period 0.
  //! Each block receives the same ids in the same order as one-by-one creation would give it.
  void init_block(std::size_t k)
  {
    const std::uint64_t B = pop_.block_size();
    Block& block = pop_.blocks()[k];
    block.reserve(static_cast<std::size_t>(B));
    const std::uint64_t first = k * B, end = std::min<std::uint64_t>(n0_, (k + 1) * B);
    const std::size_t nk = static_cast<std::size_t>(end - first);
    const NewTraits& tr = draw_new_traits(setup0_, seed_, path_, first, nk);
    block.append_new(first, nk, 0, tr.seg.data(), static_cast<std::uint8_t>(sim::INITIAL | sim::ALIVE),
                     tr.lambda.data(), tr.churn.data(), tr.nu.data(), tr.sat.data(), tr.sclock.data(),
                     tr.oclock.data());
  }

  //! The initial cohort's blocks (created now, their trait draws in parallel, or by the
  //! tasks that simulate them when lazy_cohort_).
  void create_initial_cohort()
  {
    const std::uint64_t B = pop_.block_size();
    pop_.blocks().resize(static_cast<std::size_t>((n0_ + B - 1) / B));
    if (lazy_cohort_) return;
    // Several ranks: a rank creates its own blocks, and the last one, which the next customers join.
    const std::size_t nb = pop_.blocks().size();
    plan_.workers.for_each_isolated(std::size_t{0}, nb, [&](std::size_t k) {
      if (owns(k) || k + 1 == nb) init_block(k);
    });
  }

  //! P(alive) of every existing customer per segment under this path's parameters: the
  //! plan's, unless this path's (or variant's) purchase parameters differ from the nominal
  //! ones (uncertain inputs, sweeps, investments), when the alive/dead draw and the
  //! posterior must use the same model.
  const std::vector<std::vector<double>>& existing_p_alive()
  {
    bool differs = sc_.segments.size() != plan_.scenario->segments.size();
    for (std::size_t g = 0; !differs && g < sc_.segments.size(); ++g) {
      const auto& a = sc_.segments[g].behaviour.purchase;
      const auto& b = plan_.scenario->segments[g].behaviour.purchase;
      differs = a.r != b.r || a.alpha != b.alpha || a.a != b.a || a.b != b.b || a.s != b.s || a.beta != b.beta ||
                a.time_unit != b.time_unit;
    }
    if (!differs) return plan_.existing_p_alive;
    const double to_unit =
        scenarios::days_in(sc_.population.history_time_unit) / scenarios::days_in(sc_.base.purchase.time_unit);
    const double horizon_units =
        H_ * scenarios::days_in(sc_.simulation.period) / scenarios::days_in(sc_.base.purchase.time_unit);
    path_p_alive_.assign(sc_.segments.size(), std::vector<double>(plan_.existing.size()));
    for (std::size_t g = 0; g < sc_.segments.size(); ++g)
      for (std::size_t j = 0; j < plan_.existing.size(); ++j)
        path_p_alive_[g][j] =
            existing_forecast(setup0_.segments[g], plan_.existing[j], to_unit, horizon_units, H_).p_alive;
    return path_p_alive_;
  }

  //! Existing customers (docs/model.md §3.6): ids N0 .., their segment and prior traits
  //! drawn in batches, then alive or not by P(alive) and their traits from the exact
  //! posterior given their history (the purchase model's and gamma-gamma's), on the
  //! customer's history stream.
  void add_existing_customers()
  {
    const std::size_t E = plan_.existing.size();
    if (E == 0) return;
    const std::vector<std::vector<double>>& p_alive = existing_p_alive();
    const double to_unit =
        scenarios::days_in(sc_.population.history_time_unit) / scenarios::days_in(sc_.base.purchase.time_unit);
    const std::uint64_t first_id = n0_;
    const NewTraits prior = draw_new_traits(setup0_, seed_, path_, first_id, E);
    for (std::size_t j = 0; j < E; ++j) {
      const std::uint64_t id = first_id + j;
      const auto& c = plan_.existing[j];
      const std::uint8_t seg = prior.seg[j];
      const SegmentModel& m = setup0_.segments[seg];
      rng::Stream hs(seed_, path_, id, 0, rng::Purpose::history);
      const bool alive = hs.uniform() < p_alive[seg][j];
      float lambda = prior.lambda[j], churn = prior.churn[j], nu = prior.nu[j];
      const models::CustomerHistory h = history_in_units(c, to_unit);
      models::visit_purchase_model(m.model, [&](auto model) { decltype(model)::posterior(hs, m, h, lambda, churn); });
      // Gamma-gamma posterior of the spend trait: nu ~ Gamma(q + p x, gamma + x m_x).
      if (m.spend == models::SpendModel::gamma_gamma && c.has_m_x)
        nu = static_cast<float>(rng::gamma(hs, m.q + m.p * c.x, m.gamma + c.x * c.m_x));
      const auto flags = static_cast<std::uint8_t>(sim::EXISTING | (alive ? sim::ALIVE : 0));
      float sclock = 0.0f, oclock = 0.0f;
      sim::draw_clocks(seed_, path_, 1, &id, &sclock, &oclock);
      pop_.next_slot().push_back(id, 0, seg, flags, static_cast<std::uint32_t>(c.x) + 1, lambda, churn, nu,
                                 prior.sat[j], sclock, oclock);
    }
  }

  //! The end of the warm-up (docs/model.md §3.1): the customers alive now are the shop's
  //! customers at t = 0 (sim::Block::start_horizon) in the blocks the period loop simulates
  //! (the block-major ones do it in their task); the horizon's per-channel and loyalty
  //! counters start from zero. The rating, referral rate and market use carry on.
  void start_horizon()
  {
    auto& blocks = pop_.blocks();
    const std::vector<std::size_t> own = owned(n_major_, blocks.size());
    plan_.workers.for_each_isolated(std::size_t{0}, own.size(), [&](std::size_t i) {
      blocks[own[i]].start_horizon(static_cast<std::uint16_t>(W_));
    });
    std::fill(channel_cost_.begin(), channel_cost_.end(), 0.0);
    std::fill(channel_count_.begin(), channel_count_.end(), 0.0);
    loyal_risk_ = loyal_ord_ = one_risk_ = one_ord_ = 0;
  }

  //! What the kernel needs of the path's period u: the period's setup, the discount factors.
  sim::PeriodContext period_context(int u) const
  {
    const PeriodSetup& setup = *schedule_.periods[static_cast<std::size_t>(u)];
    sim::PeriodContext ctx;
    ctx.seed = seed_;
    ctx.path = path_;
    ctx.period = static_cast<std::uint32_t>(u);
    ctx.segments = setup.segments;
    ctx.discount = plan_.discount;
    ctx.loyal_min_orders = setup.scenario.kpi.loyal_min_orders;
    return ctx;
  }

  //! What add_lifetime_values needs of each segment of the last period's setup, whatever the
  //! customer: the multipliers' parameters in the kernel's single precision (the frequency
  //! multiplier with the last period's season replaced by the season's mean), and q E[contacts]
  //! (docs/model.md §5.1).
  struct ResidualTerms {
    float cs, ref, hm, lh, fs, fm, lf;
    double contacts_per_order;
  };
  std::vector<ResidualTerms> residual_terms(const PeriodSetup& last) const
  {
    const auto& orders_season = base_.seasonality.order_multipliers;
    double season_mean = 1.0, season_last = 1.0;
    if (!orders_season.empty()) {
      season_mean =
          std::accumulate(orders_season.begin(), orders_season.end(), 0.0) / static_cast<double>(orders_season.size());
      season_last = scenarios::seasonal_multiplier(orders_season, base_.simulation.start_month, H_ - 1);
    }
    std::vector<ResidualTerms> terms(S_);
    for (std::size_t g = 0; g < S_; ++g) {
      const SegmentModel& m = last.segments[g];
      terms[g] = {static_cast<float>(m.churn_sensitivity),
                  static_cast<float>(m.reference),
                  static_cast<float>(m.hazard_multiplier),
                  static_cast<float>(m.loyalty_hazard),
                  static_cast<float>(m.frequency_sensitivity),
                  static_cast<float>(m.frequency_multiplier / season_last * season_mean),
                  static_cast<float>(m.loyalty_frequency),
                  m.incident_probability * sim::expected_contacts(m)};
    }
    return terms;
  }

  //! Lifetime CLV (docs/model.md §11.1.7): to each live customer's CLV, after the last period,
  //! the expected discounted contribution of its life after the horizon, in closed form
  //! (models::residual_after_horizon) given its traits, its satisfaction and membership held
  //! at their last values and the last period's setup (its season's order multiplier replaced
  //! by the season's mean), each order worth sim::expected_order_contribution less the
  //! per-customer period costs; discounted to the customer's acquisition period. A history's
  //! customers keep their horizon CLV; their residuals go to existing_residual_ (the forecast's
  //! lifetime CLV). `sums` receives, per segment, the residuals added (entries [0, S): the
  //! horizon CLV is the lifetime CLV less them), then, over every live customer, existing ones
  //! included, discounted to the start of the horizon: the residuals ([S, 2S):
  //! value_after_horizon), the expected orders after the horizon ([2S, 3S)) and their expected
  //! contacts ([3S, 4S)), for costs_after_horizon (docs/model.md §8.4).
  void add_lifetime_values(Block& b, std::vector<double>& sums)
  {
    sums.assign(4 * S_, 0.0);
    const double to_start = plan_.discount[static_cast<std::size_t>(H_ - 1)];  // period H - 1 to period 0
    const PeriodSetup& last = *schedule_.periods.back();
    const std::vector<ResidualTerms> terms = residual_terms(last);
    const double delta = plan_.discount[1];
    const int end = U_ - 1;
    sim::LiveState& L = b.live;
    // The purchase model is the same in every segment (segments override parameters).
    models::visit_purchase_model(last.segments[0].model, [&](auto model) {
      using Model = decltype(model);
      for (std::size_t j = 0; j < L.size(); ++j) {
        const std::uint32_t mt = L.meta[j];
        const std::uint8_t fl = sim::LiveState::flags_of(mt);
        const bool of_history = (fl & sim::EXISTING) && !(fl & sim::INITIAL);
        const std::size_t g = sim::LiveState::segment_of(mt);
        const SegmentModel& m = last.segments[g];
        const ResidualTerms& k = terms[g];
        const bool member = (fl & sim::MEMBER) != 0;
        models::StepInput in;
        in.lambda = L.lambda[j];
        in.churn = L.churn[j];
        in.hazard = sim::hazard_multiplier<float>(k.cs, k.ref, L.sat[j], k.hm, member ? k.lh : 1.0f);
        in.frequency = sim::frequency_multiplier<float>(k.fs, k.ref, L.sat[j], k.fm, member ? k.lf : 1.0f);
        const models::Residual r = models::residual_after_horizon<Model>(in, delta);
        const int acquired = static_cast<int>(sim::LiveState::acq_of(mt));
        double basket = m.log_growth_per_period != 0.0 ? std::exp(m.log_growth_per_period * (end - acquired)) : 1.0;
        if (member) basket *= m.loyalty_basket;
        const double per_period = m.marketing_cost_per_customer + (member ? m.loyalty_cost_per_member : 0.0);
        const double value =
            sim::expected_order_contribution(m, L.nu[j], member, basket) * r.orders - per_period * r.periods;
        const auto added = static_cast<float>(plan_.discount[static_cast<std::size_t>(end - acquired)] * value);
        sums[S_ + g] += to_start * value;
        sums[2 * S_ + g] += to_start * r.orders;
        sums[3 * S_ + g] += to_start * r.orders * k.contacts_per_order;
        if (of_history) {  // ids N0 + j, j in history order (add_existing_customers); distinct per block
          const std::uint64_t id = L.id_lo[j] | (static_cast<std::uint64_t>(L.id_hi[j]) << 32);
          existing_residual_[static_cast<std::size_t>(id - n0_)] = added;
          continue;
        }
        L.clv[j] += added;
        sums[g] += static_cast<double>(added);
      }
    });
  }

  //! The blocks [0, n_major_) that nobody joins after the start run all H periods each in
  //! one task (see decide_schedule); their tallies are summed in block order into major_sum_.
  void run_independent_blocks()
  {
    auto& blocks = pop_.blocks();
    const std::size_t nb = blocks.size();
    n_major_ = nb;
    if (acquires_ && nb > 0 && (lazy_cohort_ ? n0_ % pop_.block_size() != 0 : blocks.back().size() < pop_.block_size()))
      n_major_ = nb - 1;                                    // the last block still takes new customers
    if (lazy_cohort_ && n_major_ < nb) init_block(nb - 1);  // simulated in the period loop
    const auto uH = static_cast<std::size_t>(U_);
    major_sum_.assign(uH * S_, TallyRow{});
    std::vector<sim::PeriodContext> ctxs(uH);
    for (int u = 0; u < U_; ++u) ctxs[static_cast<std::size_t>(u)] = period_context(u);
    // Blocks in groups whose per-block tallies (H x S rows each) take at most ~16 MB, so long
    // horizons and many blocks do not hold every block's tallies at once; a group's tallies
    // (every rank's) are added to major_sum_ in block order before the next group starts.
    // (Several ranks: a group the same on every rank, whatever their thread counts.)
    const std::size_t per_block = uH * S_ * sizeof(TallyRow);
    const std::size_t group = std::max<std::size_t>(
        {std::size_t{1}, (std::size_t{16} << 20) / per_block, N_ > 1 ? 64 * N_ : 4 * plan_.workers.concurrency()});
    // A one-segment path reads only clv and revenue of the initial cohort's blocks afterwards
    // (the CLV sums and the sample): their other arrays are freed when a block is done.
    // (A subscription run keeps n_orders: its payments give the retention by tenure.)
    const bool release = lazy_cohort_ && S_ == 1 && !plan_.subscription && W_ == 0;
    residual_.resize(nb);
    for (std::size_t g0 = 0; g0 < n_major_; g0 += group) {
      const std::size_t g1 = std::min(n_major_, g0 + group);
      const std::vector<std::size_t> own = owned(g0, g1);
      // [own block][t][segment]; from the block arena, not malloc's fresh 4 KiB pages (232 B per
      // block-period: 0.9 MB for the 1M reference model in blocks of 16,384, 3.4 MB in 4,096)
      core::ArenaVector<TallyRow> rows(own.size() * uH * S_, TallyRow{});
      plan_.workers.for_each_isolated(std::size_t{0}, own.size(), [&](std::size_t i) {
        const std::size_t bi = own[i];
        if (lazy_cohort_) init_block(bi);
        for (std::size_t t = 0; t < uH; ++t) {
          if (W_ > 0 && t == static_cast<std::size_t>(W_)) blocks[bi].start_horizon(static_cast<std::uint16_t>(W_));
          plan_.simulate_period(blocks[bi], ctxs[t], std::span<TallyRow>(&rows[(i * uH + t) * S_], S_));
        }
        add_lifetime_values(blocks[bi], residual_[bi]);
        sim::flush_live(blocks[bi]);
        if (lazy_cohort_) blocks[bi].live = sim::LiveState{};  // done: free the kernel state
        if (release) blocks[bi].release_unread();
      });
      const std::vector<core::ArenaVector<TallyRow>> all = from_every_rank(std::move(rows));
      std::vector<std::size_t> next(N_, 0);  // per rank: its next block's rows
      for (std::size_t bi = g0; bi < g1; ++bi) {
        const TallyRow* b = &all[bi % N_][next[bi % N_]++ * uH * S_];
        for (std::size_t t = 0; t < uH; ++t)
          for (std::size_t g = 0; g < S_; ++g)
            for (std::size_t k = 0; k < sim::T_COUNT; ++k) major_sum_[t * S_ + g][k] += b[t * S_ + g][k];
      }
    }
  }

  //! `count` ~ Poisson(mean) customers of channel slot `slot` in the path's period u (the
  //! acquisition stream), each costing `cac`, added to the population with segments drawn
  //! from the slot's mix (the channel's `segments`; referrals: the scenario's shares)
  //! (docs/model.md §4).
  double acquire_from(int u, std::size_t slot, double mean, double cac, const std::string& name, std::uint8_t flags)
  {
    const int t = u;  // ids and streams count the path's periods (warm-up included)
    const PeriodSetup& setup = *schedule_.periods[static_cast<std::size_t>(t)];
    rng::Stream s(seed_, path_, slot, static_cast<std::uint32_t>(t), rng::Purpose::acquisition);
    const std::uint64_t count = rng::poisson(s, mean);
    if (count >= MAX_PER_CHANNEL_PERIOD)
      throw InputError("error: " + sc_.source_path + ": channel '" + name + "' acquires " + std::to_string(count) +
                       " customers in one period; at most " + std::to_string(MAX_PER_CHANNEL_PERIOD - 1) +
                       " are supported");
    const std::vector<std::uint8_t> segs = add_customers(
        pop_, setup, seed_, path_, t, flags,
        ACQUIRED_ID_BASE | (static_cast<std::uint64_t>(t) << 26) | (static_cast<std::uint64_t>(slot) << 20),
        static_cast<std::size_t>(count), &setup.slot_cumulative_share(slot), BlockOwner{N_, R_});
    const bool referral = (flags & sim::REFERRED) != 0;
    for (std::uint8_t g : segs) {
      seg_new_[g] += 1;
      (referral ? seg_cost_referral_ : seg_cost_paid_)[g] += cac;
      if (referral) seg_new_ref_[g] += 1;
    }
    (referral ? cost_referral_ : cost_acquisition_) += static_cast<double>(count) * cac;
    acquired_total_ += static_cast<double>(count);
    return static_cast<double>(count);
  }

  //! Acquisition for period t (docs/model.md §4): referrals of last period's promoters and
  //! passives (slot 0, each costing the reward), then Poisson(budget M_t market A_t / CAC_t)
  //! per paid channel, M_t the conversion multiplier from the rating at the end of the last
  //! period and the post-sale policies (§6.1, §6.3), A_t the season's (§4.4).
  void acquire(int u)
  {
    // The scenario's period for the channel windows and CAC inflation: the warm-up's periods
    // acquire as period 0 does (its channels, at its CAC), with their own season.
    const int t = std::max(0, u - W_);
    const Scenario& st = schedule_.periods[static_cast<std::size_t>(u)]->scenario;
    const auto& rep = st.reputation;
    const auto& pol = st.base.policies;
    double conversion =
        sim::conversion_multiplier(rating_, rep.share_reading_reviews, rep.rating_sensitivity, rep.reference_rating);
    if (pol.free_returns.enabled) conversion *= pol.free_returns.conversion_multiplier;
    if (pol.free_shipping.enabled) conversion *= pol.free_shipping.conversion_multiplier;
    const double market = models::market_factor(acquired_total_, st.market.addressable_customers);
    cost_acquisition_ = cost_referral_ = 0;
    std::fill(seg_new_.begin(), seg_new_.end(), 0.0);
    std::fill(seg_new_ref_.begin(), seg_new_ref_.end(), 0.0);
    std::fill(seg_cost_paid_.begin(), seg_cost_paid_.end(), 0.0);
    std::fill(seg_cost_referral_.begin(), seg_cost_referral_.end(), 0.0);
    if (referral_rate_prev_ > 0)
      acquire_from(u, 0, referral_rate_prev_ * market, st.base.referrals.reward, "referral", sim::REFERRED);
    for (std::size_t c = 0; c < st.channels.size(); ++c) {
      const auto& ch = st.channels[c];
      const int end = ch.end_period < 0 ? H_ - 1 : ch.end_period;
      if (t < ch.start_period || t > end) continue;
      const double cac_t = models::channel_cac(ch.cac, ch.cac_inflation_annual, t * plan_.period_years, ch.saturation,
                                               ch.budget_per_period, base_.channels[c].budget_per_period);
      const double mean =
          models::expected_new_customers(ch.budget_per_period, ch.customers_per_period, cac_t, conversion, market) *
          schedule_.periods[static_cast<std::size_t>(u)]->acquisition_multiplier;
      const double count = acquire_from(u, c + 1, mean, cac_t, ch.name, 0);
      channel_cost_[c] += count * cac_t;
      channel_count_[c] += count;
    }
  }

  //! The period of this rank's blocks not run block-major, in parallel, each filling its own
  //! tally rows; then every rank's rows (several ranks: exchanged) and the ordered merge
  //! (block 0, 1, 2, ... per segment) into seg_sum_ and total_.
  void simulate_blocks(int t)
  {
    auto& blocks = pop_.blocks();
    const std::vector<std::size_t> own = owned(n_major_, blocks.size());
    std::vector<TallyRow> tallies(own.size() * S_, TallyRow{});  // [own block][segment]
    const sim::PeriodContext ctx = period_context(t);
    if (!own.empty())
      plan_.workers.for_each_isolated(std::size_t{0}, own.size(), [&](std::size_t i) {
        plan_.simulate_period(blocks[own[i]], ctx, std::span<TallyRow>(&tallies[i * S_], S_));
      });
    const std::vector<std::vector<TallyRow>> all = from_every_rank(std::move(tallies));
    std::vector<std::size_t> next(N_, 0);  // per rank: its next block's rows
    const auto ut = static_cast<std::size_t>(t);
    seg_sum_.assign(S_, TallyRow{});
    if (n_major_ > 0)
      std::copy(major_sum_.begin() + static_cast<std::ptrdiff_t>(ut * S_),
                major_sum_.begin() + static_cast<std::ptrdiff_t>((ut + 1) * S_), seg_sum_.begin());
    for (std::size_t bi = n_major_; bi < blocks.size(); ++bi) {
      const TallyRow* b = &all[bi % N_][next[bi % N_]++ * S_];
      for (std::size_t g = 0; g < S_; ++g)
        for (std::size_t k = 0; k < sim::T_COUNT; ++k) seg_sum_[g][k] += b[g][k];
    }
    total_ = TallyRow{};
    for (std::size_t g = 0; g < S_; ++g)
      for (std::size_t k = 0; k < sim::T_COUNT; ++k) total_[k] += seg_sum_[g][k];
  }

  //! The shop's state at the end of the period: the rating absorbs this period's reviews
  //! (docs/model.md §6.1), promoters and passives set next period's referrals (§6.2).
  void end_period(int t)
  {
    const Scenario& st = schedule_.periods[static_cast<std::size_t>(t)]->scenario;
    if (total_[sim::T_REVIEWS] > 0)
      rating_ = sim::update_rating(rating_, total_[sim::T_REVIEWS], total_[sim::T_STARS] / total_[sim::T_REVIEWS],
                                   st.reputation.memory_reviews);
    referral_rate_prev_ = total_[sim::T_REFERRAL_RATE];
    loyal_risk_ += total_[sim::T_LOYAL_AT_RISK];
    loyal_ord_ += total_[sim::T_LOYAL_ORDERED];
    one_risk_ += total_[sim::T_ONETIME_AT_RISK];
    one_ord_ += total_[sim::T_ONETIME_ORDERED];
  }

  //! The period's KPIs (models/kpis.h) of each segment and of the whole shop; shop-level
  //! costs (fixed costs, the loyalty programme's fixed cost, the investments' fixed costs)
  //! are the whole shop's only.
  void record_period_kpis(int u)
  {
    const auto us = static_cast<std::size_t>(u);
    const int t = u - W_;  // the reported period
    const auto ut = static_cast<std::size_t>(t);
    const Scenario& st = schedule_.periods[us]->scenario;
    auto investment_cost = [&](const TallyRow& x, bool with_fixed) {
      return (with_fixed ? schedule_.fixed_cost[us] : 0.0) + schedule_.cost_per_order[us] * x[sim::T_ORDERS] +
             schedule_.cost_per_contact[us] * x[sim::T_CONTACTS];
    };
    auto record = [&](std::vector<std::vector<double>>& kp, const models::PeriodInputs& in) {
      const auto values = models::period_kpis(in);
      for (std::size_t k = 0; k < values.size(); ++k) kp[k][ut] = values[k];
    };
    auto cumulative_before = [&](const std::vector<std::vector<double>>& kp) {
      return t > 0 ? kp[models::idx(PeriodKpi::profit_cumulative_discounted)][ut - 1] : 0.0;
    };
    double new_all = 0, new_ref_all = 0;
    for (std::size_t g = 0; g < S_; ++g) {
      new_all += seg_new_[g];
      new_ref_all += seg_new_ref_[g];
      models::PeriodInputs in{seg_sum_[g]};
      in.customers_new = seg_new_[g];
      in.customers_new_referral = seg_new_ref_[g];
      in.cost_acquisition = seg_cost_paid_[g];
      in.cost_referral = seg_cost_referral_[g];
      in.cost_investment = investment_cost(seg_sum_[g], false);
      in.rating = rating_;
      in.discount = plan_.discount[ut];
      in.cumulative_before = cumulative_before(out_.seg_periods[g]);
      record(out_.seg_periods[g], in);
    }
    models::PeriodInputs in{total_};
    in.customers_new = new_all;
    in.customers_new_referral = new_ref_all;
    in.cost_acquisition = cost_acquisition_;
    in.cost_referral = cost_referral_;
    in.cost_fixed = st.base.economics.fixed_cost_per_period;
    in.cost_loyalty_fixed =
        st.base.loyalty.enabled && t >= st.base.loyalty.start_period ? st.base.loyalty.fixed_cost_per_period : 0.0;
    in.cost_investment = investment_cost(total_, true);
    in.rating = rating_;
    in.discount = plan_.discount[ut];
    in.cumulative_before = cumulative_before(out_.periods);
    record(out_.periods, in);
  }

  //! Per-customer CLV accounting at the end of the path, in creation order: the CLV sums by
  //! segment, the existing customers' orders and CLV (for the forecast), and the sample of
  //! customers of histogram paths (every stride-th in creation order, deterministic, at most
  //! HISTOGRAM_SAMPLE: large runs keep no per-customer copy).
  void account_customers()
  {
    clv_.assign(S_, models::ClvSums{});
    keep_sample_ = static_cast<int>(path_) < HISTOGRAM_PATHS;
    std::size_t customers_total = 0;
    for (const Block& b : pop_.blocks()) customers_total += b.size();
    stride_ = std::max<std::size_t>(1, (customers_total + HISTOGRAM_SAMPLE - 1) / HISTOGRAM_SAMPLE);
    // Every customer of a one-segment path without existing customers: the blocks' arrays
    // become the sample's pieces (nothing after this reads them)
    move_blocks_ = keep_sample_ && stride_ == 1 && S_ == 1 && plan_.existing.empty() && W_ == 0;
    if (keep_sample_ && !move_blocks_) {
      clv_piece_ = &out_.clv_sample.emplace_back();
      rev_piece_ = &out_.revenue_sample.emplace_back();
      clv_piece_->reserve(customers_total / stride_ + 1);
      rev_piece_->reserve(customers_total / stride_ + 1);
    }
    out_.existing_orders.reserve(plan_.existing.size());
    out_.existing_clv.reserve(plan_.existing.size());
    out_.existing_clv_lifetime.reserve(plan_.existing.size());
    if (plan_.subscription) account_retention();
    if (S_ == 1 && plan_.existing.empty() && W_ == 0)
      account_one_cohort();
    else
      account_each_customer();
    // The horizon's CLV: the lifetime sums less the residuals added, per segment, in block order.
    for (std::size_t g = 0; g < S_; ++g) {
      clv_[g].sum_horizon = clv_[g].sum;
      for (const auto& r : residual_) {
        clv_[g].sum_horizon -= r[g];
        clv_[g].value_after += r[S_ + g];
        clv_[g].orders_after += r[2 * S_ + g];
        clv_[g].contacts_after += r[3 * S_ + g];
      }
    }
  }

  //! The initial cohort's retention by tenure (docs/model.md §11.6): a subscriber pays once in
  //! every period it is subscribed, from period 0 (models::Sbg::step), so one with n payments
  //! at the end of the horizon was still subscribed after k renewal decisions for k < n.
  void account_retention()
  {
    const auto uH = static_cast<std::size_t>(H_);
    std::vector<std::uint64_t> paid(uH + 1, 0);  // [n]: initial subscribers with n payments (capped at H)
    std::uint64_t n0 = 0;
    for (const Block& b : pop_.blocks())
      for (std::size_t i = 0; i < b.size(); ++i) {
        if (!(b.flags[i] & sim::INITIAL)) continue;
        ++paid[std::min<std::size_t>(b.n_orders[i], uH)];
        ++n0;
      }
    out_.retention_by_tenure.assign(uH, std::numeric_limits<double>::quiet_NaN());
    // After a warm-up the customers at t = 0 have every tenure: no cohort to follow (NaN).
    if (n0 == 0 || W_ > 0) return;
    std::uint64_t more = 0;  // subscribers with more than k payments
    for (std::size_t k = uH; k-- > 0;) {
      more += paid[k + 1];
      out_.retention_by_tenure[k] = static_cast<double>(more) / static_cast<double>(n0);
    }
  }

  //! account_customers with one segment and no existing customers: the same sums in the
  //! same order, by blocks (add_clv).
  void account_one_cohort()
  {
    CohortSums sums;
    std::uint64_t n_all = 0;
    std::size_t creation_index = 0, next_sample = 0;
    for (Block& b : pop_.blocks()) {
      const std::size_t nb = b.size();
      // (a released block of the initial cohort has no flags: all its customers are initial)
      add_clv(b.clv.data(), b.flags.empty() ? nullptr : b.flags.data(), nb, sums);
      n_all += nb;
      if (move_blocks_) {  // everyone (a path of at most HISTOGRAM_SAMPLE customers)
        out_.clv_sample.push_back(std::move(b.clv));
        out_.revenue_sample.push_back(std::move(b.revenue));
      } else if (keep_sample_) {
        for (; next_sample < creation_index + nb; next_sample += stride_) {
          clv_piece_->push_back(b.clv[next_sample - creation_index]);
          rev_piece_->push_back(b.revenue[next_sample - creation_index]);
        }
      }
      creation_index += nb;
    }
    models::ClvSums& c = clv_[0];
    c.sum = sums.sum;
    c.sum_initial = sums.sum_initial;
    c.sum_acquired = sums.sum_acquired;
    c.sum_referred = sums.sum_referred;
    c.n_referred = static_cast<double>(sums.n_referred);
    c.n = static_cast<double>(n_all);
    c.n_initial = static_cast<double>(sums.n_initial);
    c.n_acquired = static_cast<double>(n_all - sums.n_initial);
  }

  //! account_customers customer by customer (segments or existing customers).
  void account_each_customer()
  {
    std::size_t creation_index = 0, next_sample = 0, existing_seen = 0;
    for (const Block& b : pop_.blocks()) {
      for (std::size_t i = 0; i < b.size(); ++i) {
        if (b.flags[i] & sim::GONE_BEFORE) continue;                         // left during the warm-up
        if ((b.flags[i] & sim::EXISTING) && !(b.flags[i] & sim::INITIAL)) {  // of the history
          // existing customers were pushed one after another, ids N0 + j in order j
          const std::size_t j = existing_seen++;
          // orders placed in the horizon: the count started at x + 1 (first purchase + x repeats)
          out_.existing_orders.push_back(static_cast<double>(b.n_orders[i]) - (plan_.existing[j].x + 1.0));
          out_.existing_clv.push_back(b.clv[i]);
          out_.existing_clv_lifetime.push_back(static_cast<double>(b.clv[i]) + existing_residual_[j]);
          clv_[b.segment[i]].n_existing += 1;
          clv_[b.segment[i]].sum_existing += out_.existing_clv_lifetime.back();
          continue;
        }
        models::ClvSums& c = clv_[b.segment[i]];
        c.sum += b.clv[i];
        c.n += 1;
        if (b.flags[i] & sim::INITIAL) {
          c.sum_initial += b.clv[i];
          c.n_initial += 1;
        } else {
          c.sum_acquired += b.clv[i];
          c.n_acquired += 1;
          if (b.flags[i] & sim::REFERRED) {
            c.sum_referred += b.clv[i];
            c.n_referred += 1;
          }
        }
        if (keep_sample_ && creation_index == next_sample) {  // every stride-th (no division per customer)
          clv_piece_->push_back(b.clv[i]);
          rev_piece_->push_back(b.revenue[i]);
          next_sample += stride_;
        }
        ++creation_index;
      }
    }
  }

  //! The path's KPIs (models/kpis.h) and each segment's; the channels' CAC.
  void record_path_kpis()
  {
    auto record = [&](const std::vector<std::vector<double>>& kp, const models::ClvSums& clv, bool whole,
                      std::map<std::string, double>& m) {
      models::PathInputs in{kp, plan_.discount, clv};
      if (whole) {
        in.costs_after = costs_after_;
        in.loyal_at_risk = loyal_risk_;
        in.loyal_ordered = loyal_ord_;
        in.onetime_at_risk = one_risk_;
        in.onetime_ordered = one_ord_;
      }
      const std::vector<double> values = models::path_kpis(in, whole);
      for (std::size_t k = 0; k < values.size(); ++k) m[std::string(models::PATH_KPIS[k].name)] = values[k];
    };
    models::ClvSums all;
    for (const auto& c : clv_) all.add(c);
    // The shop's running costs after the horizon, its last period held (docs/model.md §8.4):
    // per period (the investments', the fixed costs, the loyalty programme's) for ever,
    // sum_{t >= H} delta^t = delta^H / (1 - delta); per order and contact (the investments')
    // on the discounted expected orders and contacts after the horizon.
    const Scenario& last = schedule_.periods.back()->scenario;
    const bool programme = last.base.loyalty.enabled && H_ - 1 >= last.base.loyalty.start_period;
    const double per_period = schedule_.after_per_period + last.base.economics.fixed_cost_per_period +
                              (programme ? last.base.loyalty.fixed_cost_per_period : 0.0);
    const double delta = plan_.discount[1];
    const double periods_after =
        delta < 1.0 ? std::pow(delta, H_) / (1.0 - delta) : std::numeric_limits<double>::quiet_NaN();
    costs_after_ = (per_period != 0.0 ? per_period * periods_after : 0.0) +
                   schedule_.after_per_order * all.orders_after + schedule_.after_per_contact * all.contacts_after;
    record(out_.periods, all, true, out_.path_kpis);
    for (std::size_t c = 0; c < sc_.channels.size(); ++c)
      out_.path_kpis["cac_paid_" + sc_.channels[c].name] =
          channel_count_[c] > 0 ? channel_cost_[c] / channel_count_[c] : std::numeric_limits<double>::quiet_NaN();
    out_.seg_path_kpis.resize(S_);
    for (std::size_t g = 0; g < S_; ++g) record(out_.seg_periods[g], clv_[g], false, out_.seg_path_kpis[g]);
  }

  // the path
  const Plan& plan_;
  const Scenario& base_;
  const VariantSchedule& schedule_;
  const std::uint32_t path_;
  PathOutput& out_;
  const PeriodSetup& setup0_;
  const Scenario& sc_;
  const std::uint64_t seed_;
  const int H_;
  const int W_, U_;  //!< the warm-up's periods; all the path's periods (W_ + H_)
  const std::size_t S_;
  Population pop_;
  bool acquires_ = false, lazy_cohort_ = false;
  std::size_t n_major_ = 0;          //!< blocks [0, n_major_) run block-major
  std::size_t released_ = 0;         //!< blocks [0, released_) checked by release_others_full_blocks
  std::vector<TallyRow> major_sum_;  //!< [t][segment]: their tallies, summed in block order
  std::vector<std::vector<double>> path_p_alive_;
  std::vector<std::vector<double>> residual_;  //!< [block][4 x segment]: sums of add_lifetime_values
  double costs_after_ = 0;                     //!< costs_after_horizon (record_path_kpis)
  std::vector<double> existing_residual_;      //!< [existing customer]: its residual (0 when it left)
  // acquisition
  //! this period's new customers, referred ones, and their paid and referral costs, by segment
  std::vector<double> seg_new_, seg_new_ref_, seg_cost_paid_, seg_cost_referral_;
  const std::uint64_t n0_;
  std::vector<double> channel_cost_, channel_count_;
  double acquired_total_;
  double cost_acquisition_ = 0, cost_referral_ = 0;  //!< this period's
  // the shop's state between periods
  double referral_rate_prev_ = 0.0;  //!< expected referrals brought by last period's promoters and passives
  double rating_;
  double loyal_risk_ = 0, loyal_ord_ = 0, one_risk_ = 0, one_ord_ = 0;
  // this period's tallies
  std::vector<TallyRow> seg_sum_;
  TallyRow total_{};
  // customer accounting
  std::vector<models::ClvSums> clv_;
  bool keep_sample_ = false, move_blocks_ = false;
  std::size_t stride_ = 1;
  sim::Column<float>* clv_piece_ = nullptr;
  sim::Column<float>* rev_piece_ = nullptr;
  // the ranks sharing the path's blocks: block b is rank (b mod N_)'s
  BlockExchange& bx_;
  const std::size_t N_, R_;
};

}  // namespace

void simulate_path(const Plan& plan, const Scenario& base, const VariantSchedule& schedule, std::uint32_t path,
                   PathOutput& out, BlockExchange* blocks)
{
  OneProcess one;
  PathSimulation(plan, base, schedule, path, out, blocks ? *blocks : one).run();
}

}  // namespace clvsim::runner
