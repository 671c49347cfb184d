#include "models/sim/kernel.h"

// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsic headers
// (avx512fintrin.h, the _mm512_undefined_* operands of masked operations) wherever the
// vectoriser uses them; it is a known false positive of that release.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/rng/vmath.h"
#include "models/sim/service.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace clvsim::sim {

using rng::Purpose;
using rng::Stream;
using scenarios::PurchaseModel;
using scenarios::SpendModel;

void draw_traits(const SegmentModel& m, std::uint64_t seed, std::uint32_t path, std::uint64_t id,
                 float& lambda, float& churn, float& nu, float& sat)
{
  Stream s(seed, path, id, 0, Purpose::traits);
  // Draw order is fixed per model: rate trait, churn trait, spend trait.
  double lam = 0, ch = 0;
  switch (m.model) {
  case PurchaseModel::sbg_poisson:
    lam = rng::gamma(s, m.r, m.lambda_rate);
    ch = std::log1p(-rng::beta(s, m.a, m.b));  // log(1 - theta)
    break;
  case PurchaseModel::bg_nbd:
    lam = rng::gamma(s, m.r, m.lambda_rate);
    ch = rng::beta(s, m.a, m.b);  // p
    break;
  case PurchaseModel::pareto_nbd:
    lam = rng::gamma(s, m.r, m.lambda_rate);
    ch = rng::gamma(s, m.s, m.mu_rate);  // mu per period
    break;
  case PurchaseModel::sbg:
    ch = std::log1p(-rng::beta(s, m.a, m.b));
    break;
  }
  double v = 0;
  switch (m.spend) {
  case SpendModel::gamma_gamma: v = rng::gamma(s, m.q, m.gamma); break;
  case SpendModel::lognormal: v = m.log_median + m.customer_sigma * rng::normal(s); break;
  case SpendModel::fixed: v = 0; break;
  }
  lambda = static_cast<float>(lam);
  churn = static_cast<float>(ch);
  nu = static_cast<float>(v);
  Stream ss(seed, path, id, 0, Purpose::satisfaction);
  sat = static_cast<float>(std::clamp(m.initial_mean + m.initial_sd * rng::normal(ss), 0.0, 10.0));
}

namespace {

// How the random numbers of a customer-period are laid out (SPEC §10). Each line is a pure
// function of (seed, path, customer id, period, purpose, draw index):
// * Purpose::survival, block 0, drawn for all live customers of a block at once
//   (rng::philox_batch): word 0 decides survival / dropout / lifetime, word 1 inverts the
//   order count (Poisson mean < 10), word 2 inverts the incident count (Binomial(n, q),
//   n q < 10). Word 3 is reserved. Draws that need more (rejection-method fallbacks, means
//   >= 10) take them from the purpose streams below, so the layout never shifts.
// * Purpose::orders: Poisson order counts with mean >= 10 (PTRS), and the rare restart of
//   an inversion that rounding left above the whole pmf.
// * Purpose::order_values: with gamma-gamma spend and neither returns nor compensation
//   (which need each order's value), the n order values of a period are drawn as their sum
//   Gamma(n p, nu) (exact: a sum of independent Gamma(p, nu)), by Marsaglia-Tsang attempts
//   drawn in batches: attempt 1 from words 0-2 of block 0, attempt 2 from word 3 of block 0
//   and words 0-1 of block 1, later attempts rng::gamma from block 2 on (a rejected attempt
//   is followed by fresh words, so the law is exact). Otherwise one value per order, from
//   block 0 on.
// * Purpose::incidents: Binomial fallbacks, then contacts, waits and courtesy of each
//   incident. The incidents are the first K orders of the period (orders are exchangeable).
// * Purpose::returns, reviews, loyalty: as named, one draw per order or per offer.
constexpr std::size_t CHUNK = 256;  //!< customers per batch (per-phase scratch in `Chunk`)

//! 1/k, so the inversion loop multiplies instead of dividing.
constexpr auto INV_K = [] {
  std::array<double, 64> a{};
  for (std::size_t k = 1; k < a.size(); ++k) a[k] = 1.0 / static_cast<double>(k);
  return a;
}();

//! Poisson(mean) by sequential-search inversion from the uniform u (mean < 10, p0 = e^-mean),
//! as rng::poisson does; -1 when rounding left u above the whole pmf (then the caller
//! restarts from its fallback stream).
inline long poisson_inversion(double u, double mean, double p0)
{
  double p = p0;
  long k = 0;
  while (u > p) {
    u -= p;
    ++k;
    p *= k < 64 ? mean * INV_K[static_cast<std::size_t>(k)] : mean / static_cast<double>(k);
    if (p == 0.0) return -1;
  }
  return k;
}

//! Poisson(mean) for the orders of a customer-period: inversion from word 1 when mean < 10,
//! otherwise (or on an inversion restart) from the customer's `orders` stream.
inline std::uint32_t order_count(double u, double mean, double p0, const PeriodContext& ctx,
                                 std::uint64_t id)
{
  if (mean < 10.0) {
    const long k = poisson_inversion(u, mean, p0);
    if (k >= 0) return static_cast<std::uint32_t>(k);
  }
  Stream os(ctx.seed, ctx.path, id, ctx.period, Purpose::orders);
  return rng::poisson(os, mean);
}

//! Binomial(n, q) incidents among n orders: inversion from word 2 when q <= 1/2 and
//! n q < 10 (BINV, as rng::binomial), otherwise (or on a restart) from the incidents stream.
inline std::uint32_t incident_count(double u, std::uint32_t n, double q, double log1m_q,
                                    Stream& service)
{
  if (!(q > 0.0) || n == 0) return 0;
  if (q <= 0.5 && static_cast<double>(n) * q < 10.0) {
    double f = rng::vmath::exp(static_cast<double>(n) * log1m_q);
    const double r = q / (1.0 - q);
    std::uint32_t k = 0;
    bool ok = true;
    while (u > f) {
      u -= f;
      if (k == n || f == 0.0) {
        ok = false;
        break;
      }
      ++k;
      f *= r * static_cast<double>(n - k + 1) / static_cast<double>(k);
    }
    if (ok) return k;
  }
  return rng::binomial(service, n, q);
}

//! Value of one order before multipliers (SPEC §3.3).
inline double order_value(const SegmentModel& m, Stream& s, float nu)
{
  switch (m.spend) {
  case SpendModel::gamma_gamma: return rng::gamma(s, m.p, nu);
  case SpendModel::lognormal: return std::exp(nu + m.sigma * rng::normal(s));
  case SpendModel::fixed: break;
  }
  return m.fixed_value;
}

//! Whether the n order values of a period may be drawn as one sum (see the layout above).
inline bool aggregate_spend(const SegmentModel& m)
{
  return m.spend == SpendModel::gamma_gamma && !(m.return_rate > 0) && m.compensation_ratio == 0.0;
}

//! Everything the orders of one customer in one period add up to.
struct OrderSums {
  double revenue = 0, revenue_repeat = 0, contribution = 0, gross_margin = 0, cost_service = 0,
         cost_fulfilment = 0, cost_loyalty = 0, incidents = 0, contacts = 0, delta_sat = 0;
};

//! One incident (SPEC §5.1-5.2): contacts until one resolves it; the last allowed contact
//! escalates and always resolves it. Each waits Exponential(mean response time), each may
//! be rude. Adds its cost and satisfaction change to `o`; `z` is the order's value.
inline void incident(const SegmentModel& m, Stream& service, double z, OrderSums& o)
{
  int contacts = 1;
  bool resolved = rng::bernoulli(service, m.first_contact_resolution);
  while (!resolved && contacts < m.max_contacts) {
    ++contacts;
    resolved = rng::bernoulli(service, m.later_contact_resolution);
  }
  double wait_hours = 0;
  int impolite = 0;
  for (int c = 0; c < contacts; ++c) {
    wait_hours += m.response_time_hours * rng::exponential(service);
    if (m.impolite_probability > 0 && rng::bernoulli(service, m.impolite_probability)) ++impolite;
  }
  const double compensation = m.compensation_ratio * z;
  const double service_cost = m.cost_per_contact * contacts + compensation;
  o.incidents += 1;
  o.contacts += contacts;
  o.cost_service += service_cost;
  o.contribution -= service_cost;
  o.delta_sat += experience_delta(m.exp_base, m.exp_per_extra_contact, m.exp_per_log_wait,
                                  m.exp_per_impolite_contact, m.exp_per_compensation_ratio,
                                  contacts, wait_hours, impolite, m.compensation_ratio);
}

//! `n` orders of one customer with `k_inc` incidents among them (the first is the
//! acquisition order when `first_is_acquisition`). With aggregate spend, `total` is the sum
//! of the values and `first` the acquisition order's share of it; otherwise values are drawn
//! here, one per order (SPEC §3.4, §5.1-5.2, §7).
inline void place_orders(const SegmentModel& m, const PeriodContext& ctx, std::uint64_t id,
                         unsigned n, unsigned k_inc, bool first_is_acquisition,
                         double basket_multiplier, bool member, float nu, bool aggregate,
                         double total, double first, Stream& service, OrderSums& o)
{
  const double per_order_fulfil = m.fulfilment_cost + m.shipping_cost_paid + m.extra_order_cost;
  o.delta_sat += m.order_satisfaction_bonus * n;
  if (aggregate) {
    const double kept = total * basket_multiplier;
    o.revenue += kept;
    o.revenue_repeat += first_is_acquisition ? (total - first) * basket_multiplier : kept;
    const double gm = m.gross_margin * kept;
    const double fulfil = per_order_fulfil * n;
    const double reward = member ? m.loyalty_reward_cost_rate * kept : 0.0;
    o.gross_margin += gm;
    o.cost_fulfilment += fulfil;
    o.cost_loyalty += reward;
    o.contribution += gm - fulfil - reward;
    o.delta_sat += m.order_delta * (n - k_inc);
    for (unsigned k = 0; k < k_inc; ++k) incident(m, service, 0.0, o);
    return;
  }
  Stream values(ctx.seed, ctx.path, id, ctx.period, Purpose::order_values);
  Stream returns(ctx.seed, ctx.path, id, ctx.period, Purpose::returns);
  for (unsigned k = 0; k < n; ++k) {
    const double z = order_value(m, values, nu) * basket_multiplier;
    const bool returned = m.return_rate > 0 && rng::bernoulli(returns, m.return_rate);
    const double kept = returned ? 0.0 : z;
    o.revenue += kept;
    if (!(first_is_acquisition && k == 0)) o.revenue_repeat += kept;
    const double gm = m.gross_margin * kept;
    const double fulfil = per_order_fulfil + (returned ? m.return_cost : 0.0);
    // Loyalty rewards on kept member orders, net of breakage (SPEC §7).
    const double reward = member ? m.loyalty_reward_cost_rate * kept : 0.0;
    o.gross_margin += gm;
    o.cost_fulfilment += fulfil;
    o.cost_loyalty += reward;
    o.contribution += gm - fulfil - reward;
    if (k < k_inc) incident(m, service, z, o);
    else o.delta_sat += m.order_delta;
  }
}

//! Move customers pushed since the last call into the live state (dead ones never enter).
void ingest(Block& b)
{
  LiveState& L = b.live;
  const std::size_t n = b.size();
  if (b.staged_from == n) return;
  if (L.slot.capacity() < b.id.capacity()) L.reserve(b.id.capacity());
  for (std::size_t i = b.staged_from; i < n; ++i) {
    if (!(b.flags[i] & ALIVE)) continue;
    const std::size_t k = i - b.staged_from;
    L.slot.push_back(static_cast<std::uint32_t>(i));
    L.id_lo.push_back(static_cast<std::uint32_t>(b.id[i]));
    L.id_hi.push_back(rng::id_high_bits(b.id[i]));
    L.lambda.push_back(b.staged_lambda[k]);
    L.p0.push_back(rng::vmath::exp(-static_cast<double>(b.staged_lambda[k])));
    L.churn.push_back(b.staged_churn[k]);
    L.nu.push_back(b.staged_nu[k]);
    L.sat.push_back(b.staged_sat[k]);
    L.acq_period.push_back(b.acq_period[i]);
    L.segment.push_back(b.segment[i]);
    L.flags.push_back(b.flags[i]);
  }
  b.staged_from = n;
  // Free the staging arrays once the block is full (nothing more will be pushed).
  if (n == b.id.capacity()) {
    std::vector<float>().swap(b.staged_lambda);
    std::vector<float>().swap(b.staged_churn);
    std::vector<float>().swap(b.staged_nu);
    std::vector<float>().swap(b.staged_sat);
  } else {
    b.staged_lambda.clear();
    b.staged_churn.clear();
    b.staged_nu.clear();
    b.staged_sat.clear();
  }
}

//! Scratch of one chunk.
struct Chunk {
  alignas(64) std::uint32_t w0[CHUNK], w1[CHUNK], w2[CHUNK], w3[CHUNK];
  alignas(64) double h[CHUNK], mult[CHUNK], p0[CHUNK], delta_sat[CHUNK];
  alignas(64) std::uint32_t orders[CHUNK];
  alignas(64) std::uint8_t state[CHUNK];  // 0 dead (churned before ordering), 1 alive, 2 drops out at the end
  // buyers with an aggregate Gamma(n p, nu) spend draw
  alignas(64) std::uint32_t buyer[CHUNK];
  alignas(64) std::uint32_t g_lo[CHUNK], g0[CHUNK], g1[CHUNK], g2[CHUNK], g3[CHUNK];
  alignas(64) double g_shape[CHUNK], g_rate[CHUNK], g_value[CHUNK], g_c[CHUNK];
  alignas(64) std::uint8_t g_ok[CHUNK], g_hi[CHUNK];
  // buyers whose first attempt was rejected: second attempt
  alignas(64) std::uint32_t r_idx[CHUNK], r_lo[CHUNK], r0[CHUNK], r1[CHUNK], r2[CHUNK], r3[CHUNK], r_w[CHUNK];
  alignas(64) double r_shape[CHUNK], r_rate[CHUNK], r_value[CHUNK], r_c[CHUNK];
  alignas(64) std::uint8_t r_ok[CHUNK], r_hi[CHUNK];
};

//! One Marsaglia-Tsang attempt of Gamma(shape >= 1, rate) per lane from three words: a polar
//! normal from g0, g1 and the uniform from g2 (as rng::gamma). ok = 0 where the attempt was
//! rejected: rejection sampling then restarts with fresh words, which leaves the law exact.
void gamma_attempt(std::size_t nb, const std::uint32_t* __restrict g0, const std::uint32_t* __restrict g1,
                   const std::uint32_t* __restrict g2, const double* __restrict shape,
                   const double* __restrict c_mt, const double* __restrict rate,
                   double* __restrict value, std::uint8_t* __restrict ok)
{
  for (std::size_t k = 0; k < nb; ++k) {
    const double x = 2.0 * rng::word_uniform(g0[k]) - 1.0;
    const double y = 2.0 * rng::word_uniform(g1[k]) - 1.0;
    const double r2 = x * x + y * y;
    const double r2s = r2 < 1.0 ? r2 : 0.25 * r2;  // any value in (0, 1): not a constant, or GCC branches
    // polar normal x sqrt(-2 log(r2) / r2), as e^((log(-2 log r2) - log r2) / 2): two logs,
    // one exp and no division or sqrt (both slow when vectorised)
    const double l = rng::vmath::log(r2s);
    const double z = x * rng::vmath::exp(0.5 * (rng::vmath::log(-2.0 * l) - l));
    const double d = shape[k] - 1.0 / 3.0;
    const double v1 = 1.0 + c_mt[k] * z;
    const double v = v1 * v1 * v1;
    const double u = rng::word_uniform(g2[k]);
    const double z2 = z * z;
    // ok: 1 accepted (by the squeeze, or by the exact test the squeeze leaves to about 10% of
    // lanes), 0 rejected. The logs are computed for every lane: cheaper vectorised than a
    // branch. int(...) & int(...): bitwise, no branches, so the loop vectorises.
    const double vs = v1 > 0.0 ? v : 0x1p-60 - v;  // any positive value (not a constant, or GCC branches)
    const int valid = int(r2 < 1.0) & int(v1 > 0.0);
    const int squeeze = int(u < 1.0 - 0.0331 * z2 * z2);
    const int exact = int(rng::vmath::log(u) < 0.5 * z2 + d * (1.0 - vs + rng::vmath::log(vs)));
    ok[k] = static_cast<std::uint8_t>(valid & (squeeze | exact));
    value[k] = d * v / rate[k];
  }
}

template <PurchaseModel MODEL, bool SINGLE>
void simulate_block(Block& b, const PeriodContext& ctx, std::span<TallyRow> tallies)
{
  ingest(b);
  LiveState& L = b.live;
  const std::uint32_t t = ctx.period;
  const std::size_t n_live = L.size();
  constexpr bool single = SINGLE;
  const std::uint32_t word2_surv = rng::counter_word2(t, Purpose::survival, 0);
  const std::uint32_t word2_values = rng::counter_word2(t, Purpose::order_values, 0);
  const std::uint32_t loyal_min = static_cast<std::uint32_t>(ctx.loyal_min_orders);
  std::size_t write = 0;  // stable compaction: survivors move down to `write`
  std::array<double, 256> log1m_q{};  // log(1 - q) of each segment's incident probability
  for (std::size_t g = 0; g < ctx.segments.size(); ++g)
    log1m_q[g] = std::log1p(-std::min(ctx.segments[g].incident_probability, 0.5));
  std::array<double, 64> f0_table{};  // (1-q)^n of a single segment, n < 64
  for (std::size_t n = 0; n < f0_table.size(); ++n)
    f0_table[n] = rng::vmath::exp(static_cast<double>(n) * log1m_q[0]);
  bool reviews = false, period_costs = false;
  for (const SegmentModel& m : ctx.segments)
    period_costs |= m.marketing_cost_per_customer != 0.0 || m.loyalty_cost_per_member != 0.0;
  for (const SegmentModel& m : ctx.segments)
    reviews |= m.review_p_promoter > 0 || m.review_p_passive > 0 || m.review_p_detractor > 0;
  Chunk c;
  // One segment: the chunk's sums go to a local row (registers, not memory the stores
  // around might alias) and are added to the block's row after each chunk.
  TallyRow acc{};

  for (std::size_t c0 = 0; c0 < n_live; c0 += CHUNK) {
    const std::size_t nc = std::min(CHUNK, n_live - c0);
    rng::philox_batch(nc, ctx.seed, ctx.path, 0, word2_surv, &L.id_lo[c0], &L.id_hi[c0], c.w0, c.w1,
                      c.w2, c.w3);

    // 1. Multipliers of SPEC §3.2 from satisfaction at the end of the last period (§5.3),
    // policies and marketing (§6.3-6.4) and loyalty (§7); survival and the chance of no order.
    // Branch-free, so it vectorises (e^0 = 1 exactly when a sensitivity is 0).
    if constexpr (single) {
      const SegmentModel& m = ctx.segments[0];
      const double cs = m.churn_sensitivity, fs = m.frequency_sensitivity, ref = m.reference;
      const double hm = m.hazard_multiplier, fm = m.frequency_multiplier, lh = m.loyalty_hazard,
                   lf = m.loyalty_frequency;
      const float* sat = &L.sat[c0];
      const float* churn = &L.churn[c0];
      const float* lambda = &L.lambda[c0];
      const std::uint8_t* flags = &L.flags[c0];
      const std::uint16_t* acq = &L.acq_period[c0];
      // Without a frequency effect (fs = 0, multiplier 1, no loyalty) mult = 1 exactly and
      // p0 = e^-lambda, computed once at ingest (same function, same value).
      const bool plain_rate = fs == 0.0 && fm == 1.0 && !m.loyalty;
      if (plain_rate) {
        std::copy(&L.p0[c0], &L.p0[c0] + nc, c.p0);
        std::fill(c.mult, c.mult + nc, 1.0);
      } else {
        for (std::size_t j = 0; j < nc; ++j) {
          const double mult = rng::vmath::exp(fs * (static_cast<double>(sat[j]) - ref)) * fm *
                              ((flags[j] & MEMBER) != 0 ? lf : 1.0);
          c.mult[j] = mult;
          c.p0[j] = rng::vmath::exp(-(lambda[j] * mult));
        }
      }
      for (std::size_t j = 0; j < nc; ++j) {
        const double s_prev = sat[j];
        const bool member = (flags[j] & MEMBER) != 0;
        const double h = rng::vmath::exp(cs * (ref - s_prev)) * hm * (member ? lh : 1.0);
        c.h[j] = h;
        c.delta_sat[j] = 0.0;

        if constexpr (MODEL == PurchaseModel::sbg_poisson || MODEL == PurchaseModel::sbg) {
          const int acquisition = int(acq[j] == t) & int((flags[j] & EXISTING) == 0);
          // survive with probability (1-theta)^h; churn holds log(1-theta)
          const int survives = acquisition | int(rng::word_uniform(c.w0[j]) < rng::vmath::exp(h * churn[j]));
          c.state[j] = static_cast<std::uint8_t>(survives);
        } else {
          c.state[j] = 1;
        }
      }
    } else {
      for (std::size_t j = 0; j < nc; ++j) {
        const std::size_t i = c0 + j;
        const SegmentModel& m = ctx.segments[L.segment[i]];
        const double s_prev = L.sat[i];
        const bool member = (L.flags[i] & MEMBER) != 0;
        const double h = rng::vmath::exp(m.churn_sensitivity * (m.reference - s_prev)) *
                         m.hazard_multiplier * (member ? m.loyalty_hazard : 1.0);
        const double mult = rng::vmath::exp(m.frequency_sensitivity * (s_prev - m.reference)) *
                            m.frequency_multiplier * (member ? m.loyalty_frequency : 1.0);
        c.h[j] = h;
        c.mult[j] = mult;
        c.delta_sat[j] = 0.0;
        c.p0[j] = rng::vmath::exp(-(L.lambda[i] * mult));
        if constexpr (MODEL == PurchaseModel::sbg_poisson || MODEL == PurchaseModel::sbg) {
          const bool acquisition = L.acq_period[i] == t && !(L.flags[i] & EXISTING);
          const bool survives = acquisition || rng::word_uniform(c.w0[j]) < rng::vmath::exp(h * L.churn[i]);
          c.state[j] = survives ? 1 : 0;
        } else {
          c.state[j] = 1;
        }
      }
    }

    // 2. Order counts; churn; the tallies of the customers active in the period.
    if constexpr (MODEL == PurchaseModel::sbg_poisson) {
      // Branch-free where the outcome is random (a mispredicted branch costs more than the
      // work): index lists are built with `list[n] = j; n += flag`.
      TallyRow& tally0 = SINGLE ? acc : tallies[0];
      std::size_t nd = 0, ncand = 0;
      for (std::size_t j = 0; j < nc; ++j) {
        c.buyer[nd] = static_cast<std::uint32_t>(j);
        nd += c.state[j] == 0 ? 1 : 0;
      }
      for (std::size_t d = 0; d < nd; ++d) {  // churned (about 3% a period)
        const std::size_t j = c.buyer[d], i = c0 + j;
        TallyRow& tally = SINGLE ? acc : tallies[L.segment[i]];
        L.flags[i] &= static_cast<std::uint8_t>(~ALIVE);
        b.flags[L.slot[i]] = L.flags[i];
        tally[T_CHURNED] += 1;
        // ordering probability of loyal vs one-time customers counts those at risk too
        if (b.n_orders[L.slot[i]] >= loyal_min) tally[T_LOYAL_AT_RISK] += 1;
        else if (b.n_orders[L.slot[i]] == 1) tally[T_ONETIME_AT_RISK] += 1;
      }
      std::int64_t active = 0, loyal_risk = 0, loyal_ord = 0, one_risk = 0, one_ord = 0;
      const std::uint32_t* __restrict slot = &L.slot[c0];
      const std::uint32_t* __restrict prior = b.n_orders.data();  // indexed by slot
      const std::uint16_t* __restrict acq = &L.acq_period[c0];
      const std::uint8_t* __restrict flags = &L.flags[c0];
      for (std::size_t j = 0; j < nc; ++j) {
        const int alive = int(c.state[j] != 0);
        const int acquisition = int(acq[j] == t) & int((flags[j] & EXISTING) == 0);
        const int buys = alive & (acquisition | int(rng::word_uniform(c.w1[j]) > c.p0[j]));
        c.orders[j] = static_cast<std::uint32_t>(alive & acquisition);  // the acquisition order
        c.g_ok[j] = static_cast<std::uint8_t>(buys & (acquisition ^ 1));  // needs the inversion
        const int repeat = alive & (acquisition ^ 1);
        const int loyal = repeat & int(prior[slot[j]] >= loyal_min);
        const int one = repeat & int(prior[slot[j]] == 1) & (loyal ^ 1);
        active += alive;
        loyal_risk += loyal;
        loyal_ord += loyal & buys;
        one_risk += one;
        one_ord += one & buys;
      }
      for (std::size_t j = 0; j < nc; ++j) {
        c.r_idx[ncand] = static_cast<std::uint32_t>(j);
        ncand += c.g_ok[j];
      }
      // Poisson by inversion (>= 1 order here), all candidates in lockstep: pass s takes every
      // lane still above the pmf one step further, with exactly the arithmetic of
      // poisson_inversion, so the counts are the same as one lane at a time. After a few
      // passes the lanes still running (long tails, means >= 10) finish one by one.
      {
        double* __restrict uu = c.g_shape;  // scratch: the uniform left, p, mean
        double* __restrict pp = c.g_rate;
        double* __restrict mm = c.g_value;
        std::uint32_t* __restrict kk = c.g0;
        const std::size_t npad = std::min(CHUNK, (ncand + 15) & ~std::size_t{15});
        for (std::size_t k = 0; k < npad; ++k) {
          const std::size_t j = k < ncand ? c.r_idx[k] : 0;
          const double mean = L.lambda[c0 + j] * c.mult[j];
          const bool lock = k < ncand && mean < 10.0;
          uu[k] = lock ? rng::word_uniform(c.w1[j]) : 0.0;  // u = 0: never above p, never moves
          pp[k] = c.p0[j];
          mm[k] = mean;
          kk[k] = 0;
        }
        constexpr int PASSES = 4;
        for (int pass = 0; pass < PASSES; ++pass) {
          for (std::size_t k = 0; k < npad; ++k) {
            const bool move = uu[k] > pp[k];
            const std::uint32_t k1 = kk[k] + (move ? 1u : 0u);
            uu[k] = move ? uu[k] - pp[k] : uu[k];
            pp[k] = move ? pp[k] * (mm[k] * INV_K[k1]) : pp[k];
            kk[k] = k1;
          }
        }
        for (std::size_t k = 0; k < ncand; ++k) {
          const std::size_t j = c.r_idx[k], i = c0 + j;
          if (!(mm[k] < 10.0) || uu[k] > pp[k] || pp[k] == 0.0) {
            // not finished in the lockstep passes (or a mean >= 10): one lane at a time,
            // restarting the inversion from its start (identical arithmetic, same count)
            const std::uint64_t id = L.id_lo[i] | (static_cast<std::uint64_t>(L.id_hi[i]) << 32);
            c.orders[j] = order_count(rng::word_uniform(c.w1[j]), mm[k], c.p0[j], ctx, id);
          } else {
            c.orders[j] = kk[k];
          }
        }
      }
      if constexpr (SINGLE) {
        tally0[T_ACTIVE] += static_cast<double>(active);
        tally0[T_LOYAL_AT_RISK] += static_cast<double>(loyal_risk);
        tally0[T_LOYAL_ORDERED] += static_cast<double>(loyal_ord);
        tally0[T_ONETIME_AT_RISK] += static_cast<double>(one_risk);
        tally0[T_ONETIME_ORDERED] += static_cast<double>(one_ord);
      } else {
        for (std::size_t j = 0; j < nc; ++j) {
          if (c.state[j] == 0) continue;
          const std::size_t i = c0 + j;
          TallyRow& tally = tallies[L.segment[i]];
          const bool acquisition = L.acq_period[i] == t && !(L.flags[i] & EXISTING);
          tally[T_ACTIVE] += 1;
          if (acquisition) continue;
          if (b.n_orders[L.slot[i]] >= loyal_min) {
            tally[T_LOYAL_AT_RISK] += 1;
            tally[T_LOYAL_ORDERED] += c.orders[j] > 0 ? 1.0 : 0.0;
          } else if (b.n_orders[L.slot[i]] == 1) {
            tally[T_ONETIME_AT_RISK] += 1;
            tally[T_ONETIME_ORDERED] += c.orders[j] > 0 ? 1.0 : 0.0;
          }
        }
      }
      if (period_costs) {
        for (std::size_t j = 0; j < nc; ++j) {
          if (c.state[j] == 0) continue;
          const std::size_t i = c0 + j;
          const SegmentModel& m = ctx.segments[SINGLE ? 0 : L.segment[i]];
          TallyRow& tally = SINGLE ? acc : tallies[L.segment[i]];
          const bool member = (L.flags[i] & MEMBER) != 0;
          const double period_cost = m.marketing_cost_per_customer + (member ? m.loyalty_cost_per_member : 0.0);
          if (period_cost != 0.0) {
            tally[T_COST_MARKETING] += m.marketing_cost_per_customer;
            tally[T_COST_LOYALTY] += member ? m.loyalty_cost_per_member : 0.0;
            b.clv[L.slot[i]] -= static_cast<float>(ctx.discount[t - L.acq_period[i]] * period_cost);
          }
        }
      }
    } else {
    for (std::size_t j = 0; j < nc; ++j) {
      const std::size_t i = c0 + j;
      TallyRow& tally = SINGLE ? acc : tallies[L.segment[i]];
      const std::uint32_t prior_orders = b.n_orders[L.slot[i]];
      const bool acquisition = L.acq_period[i] == t && !(L.flags[i] & EXISTING);
      const std::uint64_t id = L.id_lo[i] | (static_cast<std::uint64_t>(L.id_hi[i]) << 32);
      if (c.state[j] == 0) {
        L.flags[i] &= static_cast<std::uint8_t>(~ALIVE);
        b.flags[L.slot[i]] = L.flags[i];
        tally[T_CHURNED] += 1;
        // ordering probability of loyal vs one-time customers counts those at risk too
        if (prior_orders >= loyal_min) tally[T_LOYAL_AT_RISK] += 1;
        else if (prior_orders == 1) tally[T_ONETIME_AT_RISK] += 1;
        continue;
      }
      unsigned orders = 0;
      if constexpr (MODEL == PurchaseModel::sbg_poisson) {
        if (acquisition) orders = 1;
        else {
          const double u = rng::word_uniform(c.w1[j]);
          orders = u <= c.p0[j] ? 0u : order_count(u, L.lambda[i] * c.mult[j], c.p0[j], ctx, id);
        }
      } else if constexpr (MODEL == PurchaseModel::sbg) {
        orders = 1;
      } else if constexpr (MODEL == PurchaseModel::bg_nbd) {
        // Repeat orders arrive as a Poisson process with rate lambda*m over the whole period
        // (exact in continuous time: the acquisition is at the start of its period); after
        // each repeat order the customer drops out with probability p' = 1 - (1-p)^h. Orders
        // placed = min(arrivals, index of the first dropout).
        const double u = rng::word_uniform(c.w1[j]);
        const unsigned arrivals = u <= c.p0[j] ? 0u : order_count(u, L.lambda[i] * c.mult[j], c.p0[j], ctx, id);
        unsigned repeat = arrivals;
        if (arrivals > 0) {
          const double p = L.churn[i], h = c.h[j];
          const double p_eff = h == 1.0 ? p : -std::expm1(h * std::log1p(-p));
          unsigned until_dropout = 1;
          if (p_eff < 1.0) {  // geometric by inversion, as rng::geometric
            const double k = std::floor(-rng::vmath::log(rng::word_uniform(c.w0[j])) / -std::log1p(-p_eff));
            until_dropout = k >= 4294967294.0 ? 4294967295u : static_cast<unsigned>(k) + 1u;
          }
          if (until_dropout <= arrivals) {
            repeat = until_dropout;
            c.state[j] = 2;
          }
        }
        orders = repeat + (acquisition ? 1u : 0u);
      } else {  // pareto_nbd
        // Exponential lifetime with rate mu*h: if it ends inside the period, orders come only
        // from the part of the period the customer was alive (memoryless, so exact).
        const double mu = L.churn[i] * c.h[j];
        double alive_fraction = 1.0;
        if (mu > 0) {
          const double death = -rng::vmath::log(rng::word_uniform(c.w0[j])) / mu;  // in periods
          if (death < 1.0) {
            alive_fraction = death;
            c.state[j] = 2;
          }
        }
        const double mean = L.lambda[i] * c.mult[j] * alive_fraction;
        const double p0 = alive_fraction == 1.0 ? c.p0[j] : rng::vmath::exp(-mean);
        const double u = rng::word_uniform(c.w1[j]);
        orders = (u <= p0 ? 0u : order_count(u, mean, p0, ctx, id)) + (acquisition ? 1u : 0u);
      }
      c.orders[j] = orders;

      tally[T_ACTIVE] += 1;
      if (!acquisition) {
        if (prior_orders >= loyal_min) {
          tally[T_LOYAL_AT_RISK] += 1;
          tally[T_LOYAL_ORDERED] += orders > 0 ? 1.0 : 0.0;
        } else if (prior_orders == 1) {
          tally[T_ONETIME_AT_RISK] += 1;
          tally[T_ONETIME_ORDERED] += orders > 0 ? 1.0 : 0.0;
        }
      }
      const SegmentModel& m = ctx.segments[single ? 0 : L.segment[i]];
      // Per active customer-period costs: marketing emails and loyalty membership.
      const bool member = (L.flags[i] & MEMBER) != 0;
      const double period_cost = m.marketing_cost_per_customer + (member ? m.loyalty_cost_per_member : 0.0);
      if (period_cost != 0.0) {
        tally[T_COST_MARKETING] += m.marketing_cost_per_customer;
        tally[T_COST_LOYALTY] += member ? m.loyalty_cost_per_member : 0.0;
        b.clv[L.slot[i]] -= static_cast<float>(ctx.discount[t - L.acq_period[i]] * period_cost);
      }
    }

    }

    // The buyers of the chunk, and those whose spend is one batched Gamma(n p, nu) draw.
    std::size_t n_buyers = 0, nb = 0;
    for (std::size_t j = 0; j < nc; ++j) {
      c.r_idx[n_buyers] = static_cast<std::uint32_t>(j);
      n_buyers += (c.state[j] != 0) & (c.orders[j] > 0) ? 1 : 0;
    }
    for (std::size_t k = 0; k < n_buyers; ++k) {
      const std::size_t j = c.r_idx[k], i = c0 + j;
      const SegmentModel& m = ctx.segments[SINGLE ? 0 : L.segment[i]];
      const std::uint32_t orders = c.orders[j];
      const bool acquisition = L.acq_period[i] == t && !(L.flags[i] & EXISTING);
      if (aggregate_spend(m) && !(acquisition && orders > 1) && m.p * orders >= 1.0) {
        c.buyer[nb] = static_cast<std::uint32_t>(j);
        c.g_lo[nb] = L.id_lo[i];
        c.g_hi[nb] = L.id_hi[i];
        c.g_shape[nb] = m.p * orders;
        c.g_c[nb] = 1.0 / std::sqrt(9.0 * (c.g_shape[nb] - 1.0 / 3.0));  // Marsaglia-Tsang c
        c.g_rate[nb] = L.nu[i];
        ++nb;
      }
    }
    std::uint32_t buyer_list[CHUNK];
    std::copy(c.r_idx, c.r_idx + n_buyers, buyer_list);

    // 3. Spend of the buyers with one Gamma(n p, nu) draw, first attempt in a batch.
    // Attempt 1 from words 0-2 of block 0; attempt 2 (for the ~22% rejected) from word 3 of
    // block 0 and words 0-1 of block 1; the few rejected twice restart from block 2.
    // Batches are padded to a multiple of 16 lanes with harmless values, so the vector loops
    // never fall back to their scalar remainder.
    const std::size_t nb_pad = std::min(CHUNK, (nb + 15) & ~std::size_t{15});
    for (std::size_t k = nb; k < nb_pad; ++k) {
      c.g_lo[k] = c.g_hi[k] = 0;
      c.g_shape[k] = c.g_rate[k] = c.g_c[k] = 1.0;
    }
    rng::philox_batch(nb_pad, ctx.seed, ctx.path, 0, word2_values, c.g_lo, c.g_hi, c.g0, c.g1, c.g2, c.g3);
    gamma_attempt(nb_pad, c.g0, c.g1, c.g2, c.g_shape, c.g_c, c.g_rate, c.g_value, c.g_ok);
    {
      std::size_t nr = 0;
      for (std::size_t k = 0; k < nb; ++k) {
        c.r_idx[nr] = static_cast<std::uint32_t>(k);
        nr += c.g_ok[k] ? 0 : 1;
      }
      for (std::size_t r = 0; r < nr; ++r) {
        const std::uint32_t k = c.r_idx[r];
        c.r_lo[r] = c.g_lo[k];
        c.r_hi[r] = c.g_hi[k];
        c.r_w[r] = c.g3[k];
        c.r_shape[r] = c.g_shape[k];
        c.r_c[r] = c.g_c[k];
        c.r_rate[r] = c.g_rate[k];
      }
      const std::size_t nr_pad = std::min(CHUNK, (nr + 15) & ~std::size_t{15});
      for (std::size_t r = nr; r < nr_pad; ++r) {
        c.r_lo[r] = c.r_hi[r] = c.r_w[r] = 0;
        c.r_shape[r] = c.r_rate[r] = c.r_c[r] = 1.0;
      }
      rng::philox_batch(nr_pad, ctx.seed, ctx.path, 1, word2_values, c.r_lo, c.r_hi, c.r0, c.r1, c.r2, c.r3);
      gamma_attempt(nr_pad, c.r_w, c.r0, c.r1, c.r_shape, c.r_c, c.r_rate, c.r_value, c.r_ok);
      for (std::size_t r = 0; r < nr; ++r) {
        const std::uint32_t k = c.r_idx[r];
        c.g_value[k] = c.r_value[r];
        c.g_ok[k] = c.r_ok[r];
      }
    }
    std::size_t next_buyer = 0;

    // 4. The orders: value, incidents, costs; loyalty enrolment.
    const bool simple_orders = SINGLE && aggregate_spend(ctx.segments[0]) && !ctx.segments[0].loyalty &&
                               ctx.segments[0].log_growth_per_period == 0.0 &&
                               ctx.segments[0].incident_probability <= 0.5;
    for (std::size_t kb = 0; kb < n_buyers; ++kb) {
      const std::size_t j = buyer_list[kb];
      const std::uint32_t orders = c.orders[j];
      const bool batched = next_buyer < nb && c.buyer[next_buyer] == j;
      const std::size_t i = c0 + j;
      const SegmentModel& m = ctx.segments[single ? 0 : L.segment[i]];
      TallyRow& tally = SINGLE ? acc : tallies[L.segment[i]];
      const std::uint64_t id = L.id_lo[i] | (static_cast<std::uint64_t>(L.id_hi[i]) << 32);
      const bool acquisition = L.acq_period[i] == t && !(L.flags[i] & EXISTING);
      const bool member = (L.flags[i] & MEMBER) != 0;
      const bool aggregate = aggregate_spend(m);
      double total = 0, first = 0;
      if (batched) {
        const std::size_t k = next_buyer++;
        if (c.g_ok[k]) {
          total = c.g_value[k];
        } else {
          Stream vs(ctx.seed, ctx.path, id, t, Purpose::order_values, 2);
          total = rng::gamma(vs, c.g_shape[k], c.g_rate[k]);
        }
      } else if (aggregate) {
        Stream vs(ctx.seed, ctx.path, id, t, Purpose::order_values);
        if (acquisition && orders > 1) {
          first = rng::gamma(vs, m.p, L.nu[i]);
          total = first + rng::gamma(vs, m.p * (orders - 1), L.nu[i]);
        } else {
          total = rng::gamma(vs, m.p * orders, L.nu[i]);
        }
      }
      if (acquisition && orders == 1) first = total;
      if (simple_orders && !member && orders < 64 &&
          (!(m.incident_probability > 0.0) ||
           (rng::word_uniform(c.w2[j]) <= f0_table[orders] && static_cast<double>(orders) * m.incident_probability < 10.0))) {
        // The common case, without incidents: the arithmetic of place_orders (aggregate
        // branch) with basket 1 and no member reward, written out so it stays in registers.
        const double kept = total * 1.0;
        const double revenue_repeat = acquisition ? (total - first) * 1.0 : kept;
        const double gm = m.gross_margin * kept;
        const double fulfil = (m.fulfilment_cost + m.shipping_cost_paid + m.extra_order_cost) * orders;
        const double contribution = (gm - fulfil) - 0.0;
        tally[T_ORDERS] += orders;
        tally[T_ORDERS_REPEAT] += orders - (acquisition ? 1 : 0);
        tally[T_REVENUE] += kept;
        tally[T_REVENUE_REPEAT] += revenue_repeat;
        tally[T_GROSS_MARGIN] += gm;
        tally[T_COST_FULFILMENT] += fulfil;
        const std::uint32_t slot = L.slot[i];
        b.n_orders[slot] += orders;
        b.revenue[slot] += static_cast<float>(kept);
        b.clv[slot] += static_cast<float>(ctx.discount[t - L.acq_period[i]] * contribution);
        c.delta_sat[j] = (0.0 + m.order_satisfaction_bonus * orders) + m.order_delta * orders;
        continue;
      }
      const double tenure = static_cast<double>(t - L.acq_period[i]);
      double basket = m.log_growth_per_period != 0.0 ? std::exp(m.log_growth_per_period * tenure) : 1.0;
      if (member) basket *= m.loyalty_basket;
      Stream service(ctx.seed, ctx.path, id, t, Purpose::incidents);
      const double q = m.incident_probability;
      // No incident (the usual case) iff u <= (1-q)^n, the first step of incident_count.
      const double u_inc = rng::word_uniform(c.w2[j]);
      const double lq = log1m_q[single ? 0 : L.segment[i]];
      const double f0 = SINGLE && orders < 64 ? f0_table[orders] : rng::vmath::exp(static_cast<double>(orders) * lq);
      const std::uint32_t k_inc =
          q > 0.0 && !(u_inc <= f0 && q <= 0.5 && static_cast<double>(orders) * q < 10.0)
              ? incident_count(u_inc, orders, q, lq, service) : 0u;
      OrderSums o;
      place_orders(m, ctx, id, orders, k_inc, acquisition, basket, member, L.nu[i], aggregate, total,
                   first, service, o);
      tally[T_ORDERS] += orders;
      tally[T_ORDERS_REPEAT] += orders - (acquisition ? 1 : 0);
      tally[T_REVENUE] += o.revenue;
      tally[T_REVENUE_REPEAT] += o.revenue_repeat;
      tally[T_GROSS_MARGIN] += o.gross_margin;
      tally[T_COST_SERVICE] += o.cost_service;
      tally[T_COST_FULFILMENT] += o.cost_fulfilment;
      tally[T_COST_LOYALTY] += o.cost_loyalty;
      tally[T_INCIDENTS] += o.incidents;
      tally[T_CONTACTS] += o.contacts;
      const std::uint32_t slot = L.slot[i];
      b.n_orders[slot] += orders;
      b.revenue[slot] += static_cast<float>(o.revenue);
      b.clv[slot] += static_cast<float>(ctx.discount[t - L.acq_period[i]] * o.contribution);
      double delta_sat = o.delta_sat;
      // loyalty enrolment: one offer, in the period of the eligible order (SPEC §7).
      if (m.loyalty && !member && !(L.flags[i] & OFFERED) &&
          static_cast<int>(t) >= m.loyalty_start_period &&
          b.n_orders[slot] >= m.loyalty_eligible_after_orders) {
        L.flags[i] |= OFFERED;
        Stream ls(ctx.seed, ctx.path, id, t, Purpose::loyalty);
        if (rng::bernoulli(ls, m.loyalty_enrollment_probability)) {
          L.flags[i] |= MEMBER;
          delta_sat += m.loyalty_satisfaction_bonus;
        }
        b.flags[slot] = L.flags[i];
      }
      c.delta_sat[j] = delta_sat;
    }

    if constexpr (SINGLE) {
      for (std::size_t k = 0; k < T_COUNT; ++k) tallies[0][k] += acc[k];
      acc = TallyRow{};
    }

    // 5. Satisfaction: add the period's deltas, clamp, decay toward the initial mean; reviews
    // of this period's orders; end-of-period tallies; compaction.
    if (SINGLE && !reviews) {
      // One segment, no reviews: branch-free, vectorised; counts summed in this order per chunk.
      const SegmentModel& m = ctx.segments[0];
      TallyRow& tally = tallies[0];
      const double mean0 = m.initial_mean, keep = 1.0 - m.decay;
      const double r_pro = m.referral_promoter_rate, r_pas = m.referral_passive_rate, lr = m.loyalty_referral;
      // Counts in integers; the double sums in 8 interleaved partial sums (a fixed order, set
      // by the code rather than the compiler), so the loops vectorise.
      std::int64_t alive_end = 0, members = 0, promoters = 0, passives = 0, churned = 0;
      float* __restrict sat = &L.sat[c0];
      const std::uint8_t* __restrict flags = &L.flags[c0];
      const std::uint8_t* __restrict state = c.state;
      const double* __restrict dsat = c.delta_sat;
      double* __restrict s_alive = c.h;  // S of the customers alive at the end, 0 otherwise
      double* __restrict ref = c.mult;   // their referral rates
      for (std::size_t j = 0; j < nc; ++j) {
        const int alive = int(state[j] == 1);
        const double s = mean0 + (std::clamp(static_cast<double>(sat[j]) + dsat[j], 0.0, 10.0) - mean0) * keep;
        const int pro = alive & int(s >= 8.5);
        const int pas = alive & int(s >= 6.5) & int(s < 8.5);
        const int member = alive & int((flags[j] & MEMBER) != 0);
        churned += int(state[j] == 2);
        alive_end += alive;
        members += member;
        promoters += pro;
        passives += pas;
        s_alive[j] = alive ? s : 0.0;
        ref[j] = (pro ? r_pro : (pas ? r_pas : 0.0)) * (member ? lr : 1.0);
        sat[j] = static_cast<float>(s);
      }
      double sat_sum = 0, referral = 0;
      {
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
        std::size_t j = 0;
        for (; j + 8 <= nc; j += 8) {
          p0 += s_alive[j]; p1 += s_alive[j + 1]; p2 += s_alive[j + 2]; p3 += s_alive[j + 3];
          p4 += s_alive[j + 4]; p5 += s_alive[j + 5]; p6 += s_alive[j + 6]; p7 += s_alive[j + 7];
        }
        for (; j < nc; ++j) p0 += s_alive[j];
        sat_sum = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7));
      }
      if (r_pro > 0 || r_pas > 0)
        for (std::size_t j = 0; j < nc; ++j) referral += ref[j];
      const std::int64_t detractors = alive_end - promoters - passives;
      tally[T_CHURNED] += static_cast<double>(churned);
      tally[T_ALIVE_END] += static_cast<double>(alive_end);
      tally[T_SAT_SUM] += sat_sum;
      tally[T_MEMBERS] += static_cast<double>(members);
      tally[T_PROMOTERS] += static_cast<double>(promoters);
      tally[T_PASSIVES] += static_cast<double>(passives);
      tally[T_DETRACTORS] += static_cast<double>(detractors);
      if (r_pro > 0 || r_pas > 0) tally[T_REFERRAL_RATE] += referral;
      for (std::size_t j = 0; j < nc; ++j) {
        const std::size_t i = c0 + j;
        if (c.state[j] == 2) {  // dropped out during the period
          L.flags[i] &= static_cast<std::uint8_t>(~ALIVE);
          b.flags[L.slot[i]] = L.flags[i];
        }
        if (c.state[j] != 1) continue;
        L.slot[write] = L.slot[i];
        L.id_lo[write] = L.id_lo[i];
        L.id_hi[write] = L.id_hi[i];
        L.lambda[write] = L.lambda[i];
        L.p0[write] = L.p0[i];
        L.churn[write] = L.churn[i];
        L.nu[write] = L.nu[i];
        L.sat[write] = L.sat[i];
        L.acq_period[write] = L.acq_period[i];
        L.segment[write] = L.segment[i];
        L.flags[write] = L.flags[i];
        ++write;
      }
      continue;
    }
    for (std::size_t j = 0; j < nc; ++j) {
      if (c.state[j] == 0) continue;
      const std::size_t i = c0 + j;
      const SegmentModel& m = ctx.segments[single ? 0 : L.segment[i]];
      TallyRow& tally = SINGLE ? acc : tallies[L.segment[i]];
      const double s = update_satisfaction(L.sat[i], c.delta_sat[j], m.initial_mean, m.decay);
      // nps_category(s) for s in [0, 10]: round(S) >= 9 iff S >= 8.5, >= 7 iff S >= 6.5.
      const int category = s >= 8.5 ? 1 : (s >= 6.5 ? 0 : -1);
      const unsigned orders = c.orders[j];
      // Reviews of this period's orders (SPEC §6.1), by the category the customer ends in.
      const double review_p = category > 0 ? m.review_p_promoter
                              : category == 0 ? m.review_p_passive : m.review_p_detractor;
      if (review_p > 0 && orders > 0) {
        const std::uint64_t id = L.id_lo[i] | (static_cast<std::uint64_t>(L.id_hi[i]) << 32);
        Stream rs(ctx.seed, ctx.path, id, t, Purpose::reviews);
        const double stars = review_stars(s);
        for (unsigned k = 0; k < orders; ++k) {
          if (rng::bernoulli(rs, review_p)) {
            tally[T_REVIEWS] += 1;
            tally[T_STARS] += stars;
            if (stars <= 2) tally[T_REVIEWS_NEGATIVE] += 1;
          }
        }
      }
      if (c.state[j] == 2) {  // dropped out during the period
        L.flags[i] &= static_cast<std::uint8_t>(~ALIVE);
        b.flags[L.slot[i]] = L.flags[i];
        tally[T_CHURNED] += 1;
        continue;
      }
      // End of period: NPS category among customers still active, and the referrals this
      // customer will bring next period (SPEC §6.2).
      const bool now_member = (L.flags[i] & MEMBER) != 0;
      tally[T_ALIVE_END] += 1;
      tally[T_SAT_SUM] += s;
      tally[T_MEMBERS] += now_member ? 1.0 : 0.0;
      double referral_rate = 0.0;
      if (category > 0) {
        tally[T_PROMOTERS] += 1;
        referral_rate = m.referral_promoter_rate;
      } else if (category == 0) {
        tally[T_PASSIVES] += 1;
        referral_rate = m.referral_passive_rate;
      } else {
        tally[T_DETRACTORS] += 1;
      }
      if (referral_rate > 0) tally[T_REFERRAL_RATE] += referral_rate * (now_member ? m.loyalty_referral : 1.0);
      // stable compaction (write <= i)
      L.slot[write] = L.slot[i];
      L.id_lo[write] = L.id_lo[i];
      L.id_hi[write] = L.id_hi[i];
      L.lambda[write] = L.lambda[i];
      L.p0[write] = L.p0[i];
      L.churn[write] = L.churn[i];
      L.nu[write] = L.nu[i];
      L.sat[write] = static_cast<float>(s);
      L.acq_period[write] = L.acq_period[i];
      L.segment[write] = L.segment[i];
      L.flags[write] = L.flags[i];
      ++write;
    }
    // The per-customer branch above tallies into `acc` when SINGLE: flush it with this
    // chunk, or the block's last chunk would be lost.
    if constexpr (SINGLE) {
      for (std::size_t k = 0; k < T_COUNT; ++k) tallies[0][k] += acc[k];
      acc = TallyRow{};
    }
  }
  L.truncate(write);
}

}  // namespace

void simulate_period(Block& block, const PeriodContext& ctx, std::span<TallyRow> tallies)
{
  // The model is the same for every segment (segments override parameters, not the model),
  // so the hot loop is monomorphic.
  const bool single = ctx.segments.size() == 1;
  switch (ctx.segments[0].model) {
  case PurchaseModel::sbg_poisson:
    single ? simulate_block<PurchaseModel::sbg_poisson, true>(block, ctx, tallies)
           : simulate_block<PurchaseModel::sbg_poisson, false>(block, ctx, tallies);
    break;
  case PurchaseModel::sbg:
    single ? simulate_block<PurchaseModel::sbg, true>(block, ctx, tallies)
           : simulate_block<PurchaseModel::sbg, false>(block, ctx, tallies);
    break;
  case PurchaseModel::bg_nbd:
    single ? simulate_block<PurchaseModel::bg_nbd, true>(block, ctx, tallies)
           : simulate_block<PurchaseModel::bg_nbd, false>(block, ctx, tallies);
    break;
  case PurchaseModel::pareto_nbd:
    single ? simulate_block<PurchaseModel::pareto_nbd, true>(block, ctx, tallies)
           : simulate_block<PurchaseModel::pareto_nbd, false>(block, ctx, tallies);
    break;
  }
}

}  // namespace clvsim::sim
