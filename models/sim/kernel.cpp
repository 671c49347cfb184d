#include "models/sim/kernel.h"

// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsic headers
// (avx512fintrin.h, the _mm512_undefined_* operands of masked operations) wherever the
// vectoriser uses them; it is a known false positive of that release.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "engine/rng/batch_samplers.h"
#include "engine/rng/lanes.h"
#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/rng/vmath.h"
#include "models/purchase/registry.h"
#include "models/sim/orders.h"
#include "models/sim/service.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

namespace clvsim::sim {

using models::SpendModel;
using rng::index_list;
using rng::Purpose;
using rng::Stream;

namespace {

// How the random numbers of a customer-period are laid out (docs/model.md §10). Each line is a pure
// function of (seed, path, customer id, period, purpose, draw index):
// * Purpose::clocks, block 0, period 0, once per customer (draw_clocks), sbg_poisson: word 0
//   the survival clock, word 1 the order clock, two Exp(1). Survival and the decision to
//   order in a period use no words of their own: the clocks run down by the period's hazard
//   and order rate (survival_and_orders), which is exact for rates fixed within the period.
// * Purpose::survival, block 0, rng::philox_batch: word 2 inverts the incident count
//   (Binomial(n, q), n q < 10) in every model. sbg_poisson draws it for the customers who
//   order (all live ones in chunks with acquisitions or the general path), where word 0
//   inverts the orders after the first (Poisson of the period's time left after the first
//   arrival, mean < 10) and word 1 restarts the order clock; bg_nbd, pareto_nbd and sbg draw
//   it for every live customer, word 0 deciding dropout / lifetime / renewal and word 1
//   inverting the order count. Word 3 is reserved. Draws that need more (rejection-method
//   fallbacks, means >= 10) take them from the purpose streams below, so the layout never
//   shifts.
// * Purpose::orders: Poisson order counts with mean >= 10 (PTRS), and the rare restart of
//   an inversion that rounding left above the whole pmf.
// * Purpose::order_values: with gamma-gamma spend and neither returns nor compensation
//   (which need each order's value), the n order values of a period are drawn as their sum
//   Gamma(n p, nu) (exact: a sum of independent Gamma(p, nu)) by rng::gamma_batch_f, in the
//   layout of engine/rng/batch_samplers.h (attempt a from block a, the scalar finish from
//   block 3). Otherwise (and for an acquisition period with more than one order) one value
//   per order, from block 0 on. Fixed values draw nothing: their totals are fixed_total.
// * Purpose::incidents: Binomial fallbacks, then contacts, waits and courtesy of each
//   incident. The incidents are the first K orders of the period (orders are exchangeable).
// * Purpose::returns, reviews, loyalty: as named, one draw per order or per offer.
//
// The vector phases are separate functions taking __restrict arrays, kept out of line
// ([[gnu::noinline]]): inlined into simulate_block, GCC 12 loses the aliasing facts and
// leaves the loops scalar.
//
// Precision: the per-customer phases run in single precision (16 lanes with AVX-512):
// multipliers, survival, the order-count inversion, order values and satisfaction. Money
// is accumulated in double (tallies) and in the float per-customer CLV of Block. The clocks
// are floats too: each period takes the hazard or rate from a value below ~17 (the largest
// Exp(1) of a 23-bit uniform), rounding it by at most 2^-24 x 17 = 1e-6, so over 60
// periods a clock is off by less than 6e-5 of one expected event: far below what any run
// can resolve.
constexpr std::size_t CHUNK =
    4096;  //!< customers per batch, the default block (per-phase scratch in `Chunk`, ~460 KB of stack)

//! Bernoulli(prob[k]) trials, n_trials[k] of them, for lanes k < n from the streams
//! Stream(seed, path, id_k, period, purpose): trial o uses word o of the stream, as a scalar
//! loop of rng::bernoulli would. Words 0-3 (block 0) come from one batched Philox call; lanes
//! with more than 4 trials continue with a scalar Stream from block 1. Writes the number of
//! successes to count[k]. Scratch w0..w3 of at least n (rounded up to 16) words each.
//! Successes among the first min(n_trials, 4) trials of each lane, trial o from word o
//! (branch-free, 8 lanes at a time).
[[gnu::noinline]] void first_four_trials(std::size_t n, const std::uint32_t* __restrict n_trials,
                                         const double* __restrict prob, const std::uint32_t* __restrict w0,
                                         const std::uint32_t* __restrict w1, const std::uint32_t* __restrict w2,
                                         const std::uint32_t* __restrict w3, std::uint32_t* __restrict count)
{
  for (std::size_t k = 0; k < n; ++k) {
    const double p = prob[k];
    const std::uint32_t m = n_trials[k];
    count[k] = static_cast<std::uint32_t>(
        (int(m > 0) & int(rng::word_uniform(w0[k]) < p)) + (int(m > 1) & int(rng::word_uniform(w1[k]) < p)) +
        (int(m > 2) & int(rng::word_uniform(w2[k]) < p)) + (int(m > 3) & int(rng::word_uniform(w3[k]) < p)));
  }
}

void bernoulli_counts(std::size_t n, std::uint64_t seed, std::uint32_t path, std::uint32_t period, Purpose purpose,
                      const std::uint32_t* id_lo, const std::uint8_t* id_hi, const std::uint32_t* n_trials,
                      const double* prob, std::uint32_t* count, std::uint32_t* w0, std::uint32_t* w1, std::uint32_t* w2,
                      std::uint32_t* w3)
{
  if (n == 0) return;
  rng::philox_batch(n, seed, path, 0, rng::counter_word2(period, purpose, 0), id_lo, id_hi, w0, w1, w2, w3);
  first_four_trials(n, n_trials, prob, w0, w1, w2, w3, count);
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t m = n_trials[k];
    if (m <= 4) continue;
    Stream st(seed, path, id_lo[k] | (static_cast<std::uint64_t>(id_hi[k]) << 32), period, purpose, 1);
    std::uint32_t c = count[k];
    for (std::uint32_t o = 4; o < m; ++o) c += rng::bernoulli(st, prob[k]) ? 1u : 0u;
    count[k] = c;
  }
}

//! n rounded up to whole vectors of 64 lanes, the vectorisation factor GCC picks for loops
//! with byte arrays. Passes over the buyers of a chunk (a few hundred, any number) run over
//! that many lanes, the padding lanes pointing at chunk lane 0 and their outputs unread: a
//! scalar epilogue of up to 31 lanes costs more than the whole vector loop's padding.
constexpr std::size_t pad_lanes(std::size_t n)
{
  return (n + 63) & ~std::size_t{63};
}

//! 0, 1, 2, ..., CHUNK - 1: the identity list (every buyer takes the general path).
alignas(64) constexpr std::array<std::uint32_t, CHUNK> chunk_iota = [] {
  std::array<std::uint32_t, CHUNK> a{};
  for (std::size_t k = 0; k < CHUNK; ++k) a[k] = static_cast<std::uint32_t>(k);
  return a;
}();

//! Scratch of one chunk.
struct Chunk {
  alignas(64) std::uint32_t w0[CHUNK], w1[CHUNK], w2[CHUNK], w3[CHUNK];
  alignas(64) float h[CHUNK], mult[CHUNK], p0[CHUNK], delta_sat[CHUNK];
  alignas(64) std::uint32_t orders[CHUNK];
  alignas(64) std::uint8_t state[CHUNK];  // 0 dead (churned before ordering), 1 alive, 2 drops out at the end
  alignas(64) std::uint8_t keep[CHUNK];  // step 2: the candidates; from step 3: the buyers (the lanes listed in buyers)
  alignas(64) std::uint32_t list[CHUNK], buyers[CHUNK];
  // Poisson lockstep: the uniform left, p, mean, count
  alignas(64) float pu[CHUNK], pp[CHUNK], pm[CHUNK];
  alignas(64) std::uint32_t pk[CHUNK];
  // the buyers in buyer order k: ids, order counts, rates, Gamma shapes and totals
  alignas(64) std::uint32_t g_lo[CHUNK], g_j[CHUNK], g_ord[CHUNK], g_ret[CHUNK], g_meta[CHUNK];
  alignas(64) std::uint32_t g_w2[CHUNK];  // word 2 of the buyer's block of the survival stream (incident uniform)
  alignas(64) std::uint8_t g_hi[CHUNK], flag[CHUNK];
  // the buyers' codes (Classify), whether their spend is batched and scratch flags; 32-bit,
  // as the 32-bit lanes around them (with byte lanes GCC vectorises 64 lanes at a time and
  // spills)
  alignas(64) std::uint32_t code[CHUNK], g_batched[CHUNK], flag32[CHUNK];
  alignas(64) std::uint32_t fast[CHUNK];  // fast_incidents (32-bit: see there)
  alignas(64) float g_shape[CHUNK], g_value[CHUNK], g_nu[CHUNK];
  alignas(64) double dprob[CHUNK];                 // per-lane probabilities of batched Bernoulli trials
  alignas(64) std::uint32_t u0[CHUNK], u1[CHUNK];  // their counts, and a word of scratch
  alignas(64) float noise[CHUNK];                  // step 5: the satisfaction innovations' standard normals
};

//! Per-segment parameters of the vector phases, in single precision.
struct SegParams {
  float cs, fs, ref, hm, fm, lh, lf;
  float one;  //!< 1, loaded rather than a literal: GCC turns `c ? x : 1.0f` into a branch
};

//! The hazard multiplier hj and the frequency multiplier m (PLAIN: 1, no frequency effect
//! anywhere) of a customer with metadata mt and satisfaction s at the end of the last period:
//! docs/model.md §3.2 from satisfaction (§5.3), policies and marketing (§6.3-6.4) and loyalty (§7).
//! Inlined into the vector loops of step 1, single precision.
template <bool SINGLE, bool PLAIN>
[[gnu::always_inline]] inline void multipliers_of(std::uint32_t mt, float s, const SegParams& P0,
                                                  const SegParams* __restrict sp, float& hj, float& m)
{
  const std::uint32_t g = SINGLE ? 0u : LiveState::segment_of(mt);
  // one segment: the parameters are loop invariants (a gather otherwise)
  const float cs = SINGLE ? P0.cs : sp[g].cs, ref = SINGLE ? P0.ref : sp[g].ref, hm = SINGLE ? P0.hm : sp[g].hm,
              lh = SINGLE ? P0.lh : sp[g].lh, one = SINGLE ? P0.one : sp[g].one;
  const bool member = (LiveState::flags_of(mt) & MEMBER) != 0;
  hj = hazard_multiplier(cs, ref, s, hm, member ? lh : one);
  if constexpr (PLAIN) {
    m = 1.0f;
  } else {
    const float fs = SINGLE ? P0.fs : sp[g].fs, fm = SINGLE ? P0.fm : sp[g].fm, lf = SINGLE ? P0.lf : sp[g].lf;
    m = frequency_multiplier(fs, ref, s, fm, member ? lf : one);
  }
}

//! Step 1 of a chunk of bg_nbd, pareto_nbd or sbg, lane j (meta mt): the hazard multiplier
//! h[j], the frequency multiplier mult[j], the chance of no order p0[j] (PLAIN: p0_live, as
//! computed by Block::push_back) and a zero satisfaction change ds[j]; returns whether the
//! customer survives to order this period (with SURVIVAL, sbg: word 0 against (1-theta)^h;
//! an acquisition period always). Branch-free, so multipliers runs 16 lanes at a time.
template <bool SINGLE, bool PLAIN, bool SURVIVAL>
[[gnu::always_inline]] inline int multiplier_lane(std::size_t j, std::uint32_t mt, const SegParams& P0,
                                                  const SegParams* __restrict sp, const float* __restrict sat,
                                                  const float* __restrict lambda, const float* __restrict churn,
                                                  const float* __restrict p0_live, const std::uint32_t* __restrict w0,
                                                  std::uint32_t t, float* __restrict h, float* __restrict mult,
                                                  float* __restrict p0, float* __restrict ds)
{
  float hj, m;
  multipliers_of<SINGLE, PLAIN>(mt, sat[j], P0, sp, hj, m);
  h[j] = hj;
  mult[j] = m;
  p0[j] = PLAIN ? p0_live[j] : rng::vmath::exp_f(-(lambda[j] * m));
  ds[j] = 0.0f;
  if constexpr (SURVIVAL) {
    const int acquisition = int(LiveState::acq_of(mt) == t) & int((LiveState::flags_of(mt) & EXISTING) == 0);
    // renew with probability (1-theta)^h; churn holds log(1-theta)
    return acquisition | int(models::Sbg::renews(w0[j], hj, churn[j]));
  } else {
    return 1;
  }
}

template <bool SINGLE, bool PLAIN, bool SURVIVAL>
[[gnu::noinline]] void multipliers(std::size_t nc, const std::uint32_t* __restrict meta, const float* __restrict sat,
                                   const float* __restrict lambda, const float* __restrict churn,
                                   const float* __restrict p0_live, const std::uint32_t* __restrict w0,
                                   const SegParams* __restrict sp, std::uint32_t t, float* __restrict h,
                                   float* __restrict mult, float* __restrict p0, float* __restrict ds,
                                   std::uint8_t* __restrict state)
{
  const SegParams P0 = sp[0];
  for (std::size_t j = 0; j < nc; ++j)
    state[j] = static_cast<std::uint8_t>(multiplier_lane<SINGLE, PLAIN, SURVIVAL>(
        j, meta[j], P0, sp, sat, lambda, churn, p0_live, w0, t, h, mult, p0, ds));
}

//! Step 2 with per-customer period costs (marketing e-mails, loyalty membership; docs/model.md §6.4,
//! §7), one segment: amount[j] = discount[t - acquisition] x (mk + lc if a member) for the
//! active customers, 0 for the churned; counts the active members.
[[gnu::noinline]] void period_cost_amounts(std::size_t nc, const std::uint32_t* __restrict meta,
                                           const std::uint8_t* __restrict state, const double* __restrict disc,
                                           std::uint32_t t, double mk, double lc, float* __restrict amount,
                                           std::int64_t& members)
{
  std::int32_t n = 0;  // nc <= CHUNK
  for (std::size_t j = 0; j < nc; ++j) {
    const std::uint32_t mt = meta[j];
    const int alive = int(state[j] != 0);
    const int member = alive & int((LiveState::flags_of(mt) & MEMBER) != 0);
    const double cost = mk + (member ? lc : 0.0 * lc);
    const float a = static_cast<float>(disc[t - LiveState::acq_of(mt)] * cost);
    amount[j] = alive ? a : 0.0f * a;
    n += member;
  }
  members = n;
}

//! The sums of x[k] and of y[k], k < n, in double, each in 16 interleaved partial sums in a
//! fixed order (set by the code, not the compiler), so the loop vectorises without
//! reassociating anything and the result does not depend on the build. Two sums per pass:
//! one alone would wait on its two chains of vector additions.
std::pair<double, double> sum16_pair(std::size_t n, const float* __restrict x, const float* __restrict y)
{
  std::array<double, 16> px{}, py{};
  std::size_t k = 0;
  for (; k + 16 <= n; k += 16)
    for (std::size_t l = 0; l < 16; ++l) {
      px[l] += static_cast<double>(x[k + l]);
      py[l] += static_cast<double>(y[k + l]);
    }
  for (; k < n; ++k) {
    px[0] += static_cast<double>(x[k]);
    py[0] += static_cast<double>(y[k]);
  }
  double tx = 0, ty = 0;
  for (double v : px) tx += v;
  for (double v : py) ty += v;
  return {tx, ty};
}

//! Counts of step 2 of a chunk.
struct OrderCounts {
  std::int64_t active = 0, churned = 0, loyal_risk = 0, loyal_ord = 0, one_risk = 0, one_ord = 0;
  std::int64_t acquired = 0;  //!< customers in their acquisition period (they buy, but are no candidates)
};

//! Steps 1 and 2 of an sbg_poisson chunk in one pass, on the customers' clocks (no random
//! words): the multipliers of multiplier_lane (h, and mult when !PLAIN, stored for the
//! other steps; ds = 0), then
//! * survival: the survival clock sclock[j] (what is left of an Exp(1) hazard budget) goes
//!   down by h (-log(1-theta)) = -h churn[j]; the customer survives while it stays above 0,
//!   which it does with probability exp(h log(1-theta)) = (1-theta)^h given the past;
//! * orders: the order clock oclock[j] (operational time to the next arrival of a unit-rate
//!   Poisson process) goes down by lambda mult; at or below 0 the customer orders this
//!   period, and step 2's clock_lanes count the arrivals and restart the clock;
//! both exact for any h and mult that are fixed within the period (docs/model.md §3.2). A customer
//! in its acquisition period survives, places the acquisition order, and its clocks stand.
//! NO_ACQ: no lane is in its acquisition period (orders is then not written). PLAIN_HAZARD
//! (one segment, PLAIN): the hazard multiplier is exp(cs (ref - S)) alone (no policy,
//! marketing or loyalty factor, each exactly 1) with |cs (ref - S)| <= 87, so exp_f needs no
//! clamping: the same values with fewer operations in the hottest loop.
template <bool SINGLE, bool PLAIN, bool NO_ACQ, bool PLAIN_HAZARD = false>
[[gnu::noinline]] OrderCounts survival_and_orders(std::size_t nc, const std::uint32_t* __restrict meta,
                                                  const float* __restrict sat, const float* __restrict lambda,
                                                  const float* __restrict churn, float* __restrict sclock,
                                                  float* __restrict oclock, const SegParams* __restrict sp,
                                                  std::uint32_t t, const std::uint32_t* __restrict prior,
                                                  std::uint32_t loyal_min, float* __restrict h, float* __restrict mult,
                                                  float* __restrict ds, std::uint8_t* __restrict state,
                                                  std::uint32_t* __restrict orders, std::uint8_t* __restrict cand)
{
  const SegParams P0 = sp[0];
  // 32-bit counts (nc <= CHUNK): 64-bit ones made the vectoriser widen every lane
  std::int32_t active = 0, loyal_risk = 0, loyal_ord = 0, one_risk = 0, one_ord = 0, acquired = 0;
  for (std::size_t j = 0; j < nc; ++j) {
    const std::uint32_t mt = meta[j];
    float hj, m;
    if constexpr (PLAIN_HAZARD) {
      static_assert(SINGLE && PLAIN);
      hj = rng::vmath::exp_f_bounded(P0.cs * (P0.ref - sat[j]));
      m = 1.0f;
    } else {
      multipliers_of<SINGLE, PLAIN>(mt, sat[j], P0, sp, hj, m);
    }
    float rate = lambda[j];
    if constexpr (!PLAIN) {  // with plain rates nothing reads h or mult
      h[j] = hj;
      mult[j] = m;
      rate = rate * m;
    }
    ds[j] = 0.0f;
    const int acquisition =
        NO_ACQ ? 0 : int(LiveState::acq_of(mt) == t) & int((LiveState::flags_of(mt) & EXISTING) == 0);
    const models::SbgPoisson::ClockRun run = models::SbgPoisson::run_clocks(sclock[j], oclock[j], hj, churn[j], rate);
    const int alive = acquisition | run.alive;
    const int buys = acquisition | run.buys;
    sclock[j] = acquisition ? sclock[j] : run.survival_left;
    oclock[j] = acquisition ? oclock[j] : run.order_left;
    state[j] = static_cast<std::uint8_t>(alive);
    if constexpr (!NO_ACQ) orders[j] = static_cast<std::uint32_t>(alive & acquisition);
    cand[j] = static_cast<std::uint8_t>(buys & (acquisition ^ 1));
    const std::uint32_t n_prior = prior[j];  // the live copy of n_orders: no gather
    const int loyal = (acquisition ^ 1) & int(n_prior >= loyal_min);
    const int one_time = (acquisition ^ 1) & int(n_prior == 1) & (loyal ^ 1);
    active += alive;
    acquired += acquisition;
    loyal_risk += loyal;
    loyal_ord += loyal & buys;
    one_risk += one_time;
    one_ord += one_time & buys;
  }
  return OrderCounts{active,  static_cast<std::int64_t>(nc) - active, loyal_risk, loyal_ord, one_risk, one_ord,
                     acquired};
}

//! Step S of poisson_inversion for a lane still above the pmf (u > p), as a select. Lanes
//! still moving have k = S, so mean / (S + 1) is poisson_inversion's mean / (k + 1), with
//! a constant divisor.
template <int S>
[[gnu::always_inline]] inline void poisson_step_at(float& u, float& p, std::uint32_t& k, float mean)
{
  const bool move = u > p;
  const float next = p * (mean / static_cast<float>(S + 1));
  u = move ? u - p : u;
  p = move ? next : p;
  k += move ? 1u : 0u;
}

//! The lockstep Poisson count of one lane (below): five steps of poisson_inversion from
//! u = word w1, p = p0 = e^-mean; unfinished = 1 where it must be redone one lane at a time.
[[gnu::always_inline]] inline std::uint32_t poisson_lane(float mean, std::uint32_t w1, float p0, int& unfinished)
{
  const float w = rng::word_uniform_f(w1);
  float u = mean < POISSON_INVERSION_MAX_MEAN ? w : 0.0f * w;  // u = 0: never above p, never moves
  float p = p0;
  std::uint32_t k = 0;
  // A lane that stops never moves again, so a moving lane has k = step: its divisor is the
  // step's constant (mean / 1, 2 and 4 are exact products; only 3 and 5 divide).
  poisson_step_at<0>(u, p, k, mean);
  poisson_step_at<1>(u, p, k, mean);
  poisson_step_at<2>(u, p, k, mean);
  poisson_step_at<3>(u, p, k, mean);
  poisson_step_at<4>(u, p, k, mean);
  unfinished = int(!(mean < POISSON_INVERSION_MAX_MEAN)) | int(u > p) | int(p == 0.0f);
  return k;
}

//! The order count of a buyer from its order clock a (<= 0: the first arrival of the unit-
//! rate process fell within the period, and R = -a of the period's operational time is left
//! after it): 1 + Poisson(R) orders (the arrivals in what is left, independent increments),
//! by poisson_lane's inversion of word e0 (p0 = e^-R); and the clock restarted at a fresh
//! Exp(1) = -log u(e1), the time from the period's end to the next arrival (memoryless,
//! whatever happened within the period). unfinished = 1 where the inversion must be redone
//! one lane at a time (order_count, the same arithmetic).
[[gnu::always_inline]] inline std::uint32_t clock_lane(float a, std::uint32_t e0, std::uint32_t e1, float& next,
                                                       int& unfinished)
{
  const float left = -a;
  next = clock_gap(e1);
  return 1u + poisson_lane(left, e0, rng::vmath::exp_f(-left), unfinished);
}

//! The ids (out_lo, out_hi), order clocks, metas and rates nu of the listed lanes list[r],
//! r < n, into contiguous arrays (one scalar pass: GCC emulates gathers lane by lane anyway,
//! and the vector pass that reads them then loads whole vectors). Without WIDE ids (every
//! id below 2^32, id_hi all zero) out_hi is zeroed instead of gathered.
template <bool WIDE>
[[gnu::noinline]] void gather_candidates(std::size_t n, const std::uint32_t* __restrict list,
                                         const std::uint32_t* __restrict id_lo, const std::uint8_t* __restrict id_hi,
                                         const float* __restrict oclock, const std::uint32_t* __restrict meta,
                                         const float* __restrict nu, std::uint32_t* __restrict out_lo,
                                         std::uint8_t* __restrict out_hi, float* __restrict out_clock,
                                         std::uint32_t* __restrict out_meta, float* __restrict out_nu)
{
  if constexpr (!WIDE) std::fill(out_hi, out_hi + n, std::uint8_t{0});
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint32_t j = list[r];
    out_lo[r] = id_lo[j];
    if constexpr (WIDE) out_hi[r] = id_hi[j];
    out_clock[r] = oclock[j];
    out_meta[r] = meta[j];
    out_nu[r] = nu[j];
  }
}

//! dst[list[r]] = src[r], r < n (the listed lanes are distinct).
template <class T>
[[gnu::noinline]] void scatter(std::size_t n, const std::uint32_t* __restrict list, const T* __restrict src,
                               T* __restrict dst)
{
  for (std::size_t r = 0; r < n; ++r) dst[list[r]] = src[r];
}

//! The common buyers' results into their live lanes (step 4): for buyer k < nb in chunk lane
//! j = buyers[k] (ascending), orders[j] += ord[k], revenue[j] += kept[k], clv[j] += cl[k],
//! dsat[j] = ds[k]. With AVX-512, lane by lane in vectors of 16: the buyers among them by
//! their flags (is_buyer[j] != 0 for exactly the listed lanes: the flags the list was made
//! from), their values expanded into place and added under the mask
//! (the same additions as the scalar loop, which the other targets run; ~1 buyer in 3 lanes,
//! so this costs fewer instructions than a scalar scatter per buyer).
[[gnu::noinline]] void add_buyers_to_lanes(std::size_t nc, const std::uint8_t* __restrict is_buyer, std::size_t nb,
                                           const std::uint32_t* __restrict buyers, const std::uint32_t* __restrict ord,
                                           const float* __restrict kept, const float* __restrict cl,
                                           const float* __restrict ds, std::uint32_t* __restrict orders,
                                           float* __restrict revenue, float* __restrict clv, float* __restrict dsat)
{
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
  std::size_t j = 0, k = 0;
  for (; j + 16 <= nc; j += 16) {
    const __m128i f8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(is_buyer + j));
    const __mmask16 m = _mm_test_epi8_mask(f8, f8);
    const auto n = static_cast<unsigned>(__builtin_popcount(m));
    const auto first = static_cast<__mmask16>((1u << n) - 1u);  // the next n buyers (masked: no read past nb)
    const __m512i o = _mm512_maskz_expand_epi32(m, _mm512_maskz_loadu_epi32(first, ord + k));
    const __m512 r = _mm512_maskz_expand_ps(m, _mm512_maskz_loadu_ps(first, kept + k));
    const __m512 c = _mm512_maskz_expand_ps(m, _mm512_maskz_loadu_ps(first, cl + k));
    const __m512 d = _mm512_maskz_expand_ps(m, _mm512_maskz_loadu_ps(first, ds + k));
    const __m512i lo = _mm512_loadu_si512(orders + j);
    _mm512_storeu_si512(orders + j, _mm512_mask_add_epi32(lo, m, lo, o));
    const __m512 lr = _mm512_loadu_ps(revenue + j);
    _mm512_storeu_ps(revenue + j, _mm512_mask_add_ps(lr, m, lr, r));
    const __m512 lc = _mm512_loadu_ps(clv + j);
    _mm512_storeu_ps(clv + j, _mm512_mask_add_ps(lc, m, lc, c));
    _mm512_storeu_ps(dsat + j, _mm512_mask_mov_ps(_mm512_loadu_ps(dsat + j), m, d));
    k += n;
  }
  for (; k < nb; ++k) {  // the buyers in the last lanes (nc not a multiple of 16)
#else
  (void)nc;  // (the lanes and their flags are the vector path's; the scalar loop needs the list only)
  (void)is_buyer;
  for (std::size_t k = 0; k < nb; ++k) {
#endif
    const std::uint32_t jb = buyers[k];
    orders[jb] += ord[k];
    revenue[jb] += kept[k];
    clv[jb] += cl[k];
    dsat[jb] = ds[k];
  }
}

//! dst[list[r]] = src[r], r < n, where flag[j] != 0 for exactly the lanes j < nc of `list`
//! (ascending): with AVX-512 as masked vector stores of src expanded into place, 16 lanes at a
//! time; otherwise scatter().
[[gnu::noinline]] void expand_to_lanes(std::size_t nc, const std::uint8_t* __restrict flag, std::size_t n,
                                       const std::uint32_t* __restrict list, const float* __restrict src,
                                       float* __restrict dst)
{
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
  std::size_t j = 0, r = 0;
  for (; j + 16 <= nc; j += 16) {
    const __m128i f8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(flag + j));
    const __mmask16 k = _mm_test_epi8_mask(f8, f8);
    const auto c = static_cast<unsigned>(__builtin_popcount(k));
    const auto first = static_cast<__mmask16>((1u << c) - 1u);
    const __m512 d = _mm512_loadu_ps(dst + j);  // (a blend and a whole store: a masked store costs more)
    _mm512_storeu_ps(dst + j, _mm512_mask_expand_ps(d, k, _mm512_maskz_loadu_ps(first, src + r)));
    r += c;
  }
  for (; r < n; ++r) dst[list[r]] = src[r];  // the listed lanes in the last partial vector
#else
  (void)nc;
  (void)flag;
  scatter(n, list, src, dst);
#endif
}

//! Step 2's counts for the candidates r < n (chunk lane list[r], clock oclock[list[r]] <= 0):
//! count[r], the restarted clock next[r] and unfinished[r] of clock_lane, from the words
//! e0, e1 of its chunk lane.
[[gnu::noinline]] void clock_lanes(std::size_t n, const std::uint32_t* __restrict list, const float* __restrict oclock,
                                   const std::uint32_t* __restrict e0, const std::uint32_t* __restrict e1,
                                   std::uint32_t* __restrict count, float* __restrict next,
                                   std::uint32_t* __restrict unfinished)
{
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint32_t j = list[r];
    int u;
    count[r] = clock_lane(oclock[j], e0[j], e1[j], next[r], u);
    unfinished[r] = static_cast<std::uint32_t>(u);
  }
}

//! Inputs of the buyers' classification for step 4, done by buyer_lanes: code 1 for the
//! common path (batched spend, not a member, fewer than 64 orders and no incident: u <=
//! (1-q)^n, the first step of incident_count, with n q < 10 so that incident_count would
//! invert from the same word); code 2 for the buyers of the same kind with incidents, for
//! fast_incidents when `fast`; 0 for the others.
struct Classify {
  const std::uint32_t* none_last = nullptr;  //!< [n]: word_uniform(w) <= (1-q)^n iff w <= none_last[n] (n q < 10)
  std::uint32_t common_below = 0;            //!< n q < 10 iff n < common_below (n < 64)
  double q = 0;                              //!< incident probability
  bool fast = false;                         //!< fast_incidents takes the buyers with incidents
};

//! Step 3: the buyer-ordered lanes of the spend batch. For buyer k (chunk index buyers[k]):
//! id bits 0-31, order count, rate nu and the shape (n - r) p of the Gamma((n - r) p, nu)
//! total of its n - r kept orders (g_ret = r returned); batched = 0 when the values are
//! drawn per order in step 4 (no aggregate spend in its segment, p_batched = 0, or an
//! acquisition period with more than one order). A batched buyer with every order returned
//! has shape 0: nothing to draw, total 0. With CLASSIFY, also each buyer's code (Classify)
//! from the same loads, with an integer threshold on word 2 instead of its uniform.
//! buyer_lanes for buyer k (chunk lane j, meta mt, o orders, ret of them returned, word 2
//! w2j); LO = false leaves g_lo[k], g_meta[k] and g_nu[k] to the caller (who has gathered
//! them already; id_lo and nu are then not read).
template <bool SINGLE, bool CLASSIFY, bool LO = true, bool SMALL = false>
[[gnu::always_inline]] inline void buyer_lane(std::size_t k, std::uint32_t j, std::uint32_t mt, std::uint32_t o,
                                              std::uint32_t ret, const std::uint32_t* __restrict id_lo,
                                              const float* __restrict nu, std::uint32_t t,
                                              const double* __restrict p_batched, std::uint32_t w2j,
                                              const std::uint32_t* __restrict none_last, std::uint32_t common_below,
                                              int incidents, int fast_incidents, std::uint32_t* __restrict g_lo,
                                              std::uint32_t* __restrict g_ord, std::uint32_t* __restrict g_meta,
                                              float* __restrict g_shape, float* __restrict g_nu,
                                              std::uint32_t* __restrict g_batched, std::uint32_t* __restrict code)
{
  const int acquisition = int(LiveState::acq_of(mt) == t) & int((LiveState::flags_of(mt) & EXISTING) == 0);
  const double p = SINGLE ? p_batched[0] : p_batched[LiveState::segment_of(mt)];
  const int batched = int(p > 0.0) & ((acquisition & int(o > 1)) ^ 1);
  const float shape = static_cast<float>(p * (o - ret));  // the kept orders
  if constexpr (LO) {                                     // else the caller has gathered them
    g_lo[k] = id_lo[j];
    g_meta[k] = mt;
    g_nu[k] = nu[j];
  }
  g_ord[k] = o;
  g_shape[k] = batched ? shape : 0.0f * shape;
  g_batched[k] = static_cast<std::uint32_t>(batched);
  if constexpr (CLASSIFY) {
    // Classify's codes: batched spend, no member, fewer than 64 orders and n q < 10
    // (incident_count inverts); no incident iff word 2 <= none_last[n] (u <= (1-q)^n).
    // SMALL (orders_and_buyer_lanes' vector loop, whose finished lanes have at most 6
    // orders): none_last[n] picked by selects, as a table lookup would be a gather that GCC
    // emulates lane by lane; a lane with more orders is unfinished there, and classified
    // again with its final count (SMALL = false).
    const int member = int((LiveState::flags_of(mt) & MEMBER) != 0);
    const int few = batched & (member ^ 1) & int(o < 64);
    const int common = few & int(o < common_below);
    int none;
    if constexpr (SMALL) {
      const std::uint32_t n1 = none_last[1], n2 = none_last[2], n3 = none_last[3], n4 = none_last[4], n5 = none_last[5],
                          n6 = none_last[6];
      const auto pick = [o](std::uint32_t n, std::uint32_t v) { return v & (0u - static_cast<std::uint32_t>(o == n)); };
      const std::uint32_t thr = pick(1, n1) | pick(2, n2) | pick(3, n3) | pick(4, n4) | pick(5, n5) | pick(6, n6);
      none = int(w2j <= thr);  // (o > 6: unfinished, redone)
    } else {
      none = int(w2j <= none_last[o & 63u]);
    }
    const int plain = few & ((incidents ^ 1) | (none & common));
    code[k] = static_cast<std::uint32_t>(plain ? 1 : 2 * (common & fast_incidents & (none ^ 1)));
  }
}

template <bool SINGLE, bool CLASSIFY>
[[gnu::noinline]] void buyer_lanes(std::size_t n, const std::uint32_t* __restrict buyers,
                                   const std::uint32_t* __restrict meta, const std::uint32_t* __restrict orders,
                                   const std::uint32_t* __restrict id_lo, const float* __restrict nu, std::uint32_t t,
                                   const double* __restrict p_batched, const std::uint32_t* __restrict g_ret,
                                   std::uint32_t* __restrict g_lo, std::uint32_t* __restrict g_ord,
                                   std::uint32_t* __restrict g_meta, float* __restrict g_shape, float* __restrict g_nu,
                                   std::uint32_t* __restrict g_batched, const std::uint32_t* __restrict w2,
                                   const std::uint32_t* __restrict none_last, std::uint32_t common_below, int incidents,
                                   int fast_incidents, std::uint32_t* __restrict code, std::uint32_t* __restrict g_w2)
{
  // Classify's fields come as restrict parameters: unpacked from the struct inside, GCC
  // left the loop of <true, true> scalar (10 ms of a 1M-customer first period)
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t j = buyers[k];
    const std::uint32_t w2j = w2[j];
    g_w2[k] = w2j;  // the incident uniform, by buyer (step 4)
    buyer_lane<SINGLE, CLASSIFY>(k, j, meta[j], orders[j], g_ret[k], id_lo, nu, t, p_batched, w2j, none_last,
                                 common_below, incidents, fast_incidents, g_lo, g_ord, g_meta, g_shape, g_nu, g_batched,
                                 code);
  }
}

//! clock_lanes (with the words by candidate) and buyer_lanes<true, true> in one pass, for a chunk of one segment
//! with plain rates, no acquisition and no returns, whose buyers are its candidates:
//! count[r], next[r] and unfinished[r] as clock_lanes, buyer r's lanes from that count (an
//! unfinished lane's are redone with its final count). Every input comes by candidate
//! (gather_candidates: order clock clock_r, meta meta_r; ids, meta and nu are already in the
//! g_ arrays; the words e0, e1 and incident words w2 as drawn), so the loop loads whole
//! vectors. The classification's inputs come as restrict parameters (from a Classify, GCC
//! could not rule out aliasing and left the loop scalar).
[[gnu::noinline]] void orders_and_buyer_lanes(std::size_t n, const float* __restrict clock_r,
                                              const std::uint32_t* __restrict e0, const std::uint32_t* __restrict e1,
                                              const std::uint32_t* __restrict meta_r, std::uint32_t t,
                                              const double* __restrict p_batched, const std::uint32_t* __restrict w2,
                                              const std::uint32_t* __restrict none_last, std::uint32_t common_below,
                                              int incidents, int fast_incidents, std::uint32_t* __restrict count,
                                              float* __restrict next, std::uint32_t* __restrict unfinished,
                                              std::uint32_t* __restrict g_ord, float* __restrict g_shape,
                                              std::uint32_t* __restrict g_batched, std::uint32_t* __restrict code)
{
  for (std::size_t r = 0; r < n; ++r) {
    int unfinished_r;
    const std::uint32_t k = clock_lane(clock_r[r], e0[r], e1[r], next[r], unfinished_r);
    count[r] = k;
    unfinished[r] = static_cast<std::uint32_t>(unfinished_r);
    buyer_lane<true, true, false, true>(r, 0, meta_r[r], k, 0, nullptr, nullptr, t, p_batched, w2[r], none_last,
                                        common_below, incidents, fast_incidents, nullptr, g_ord, nullptr, g_shape,
                                        nullptr, g_batched, code);
  }
}

//! The review lanes of step 5 when every category writes reviews: buyer k (chunk lane
//! buyers[k], ending with satisfaction sat[j]) gets p_promoter, p_passive or p_detractor by
//! its NPS category (S >= 8.5, >= 6.5, below), its id bits 0-31 and its order count.
[[gnu::noinline]] void review_lanes(std::size_t n, const std::uint32_t* __restrict buyers, const float* __restrict sat,
                                    const std::uint32_t* __restrict id_lo, const std::uint32_t* __restrict ord,
                                    double p_pro, double p_pas, double p_det, std::uint32_t* __restrict list,
                                    std::uint32_t* __restrict g_lo, std::uint32_t* __restrict count,
                                    double* __restrict prob)
{
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t j = buyers[k];
    const double s = sat[j];
    prob[k] = review_probability(s, p_pro, p_pas, p_det);
    list[k] = j;
    g_lo[k] = id_lo[j];
    count[k] = ord[k];
  }
}

//! out[k] = a[k] / b[k] (the batched Gamma(n p, 1) totals over the rates nu).
[[gnu::noinline]] void divide(std::size_t n, const float* __restrict a, const float* __restrict b,
                              float* __restrict out)
{
  for (std::size_t k = 0; k < n; ++k) out[k] = a[k] / b[k];
}

//! Service parameters of fast_incidents.
struct FastService {
  double r_q;       //!< q / (1 - q), the ratio of the binomial pmf's first step
  double log1m_q;   //!< log(1 - q), as f0_table
  double fcr, lcr;  //!< first and later contact resolution
  int max_contacts;
  double response_time_hours;
  double base, per_extra, per_log_wait, per_impolite;  //!< experience_delta's coefficients
  double impolite;                                     //!< probability that a contact is impolite
  double cost_per_contact;
  double margin, per_order, return_cost, bonus, order_delta;
};

//! place_orders' aggregate branch for a buyer with one incident (no member, basket 1, no
//! compensation): n = dn orders of kept value `kept`, `ret` returned, nc contacts, the
//! incident's satisfaction change d; the contribution before discounting and the period's
//! satisfaction change. Shared by fast_incidents and long_incidents (vectorised in both).
[[gnu::always_inline]] inline void one_incident_outcome(const FastService& f, double dn, float kept, std::uint32_t ret,
                                                        double nc, double d, double& contribution, double& ds)
{
  const double fulfil = fulfilment_cost(f.per_order, dn, f.return_cost, static_cast<double>(ret));
  contribution = orders_contribution(f.margin, static_cast<double>(kept), fulfil, 0.0);
  contribution -= incident_cost(f.cost_per_contact, nc, 0.0);
  ds = orders_satisfaction_delta(f.bonus, f.order_delta, dn, 1.0);
  ds += d;
}

//! The buyers with code 2 (Classify) (k = rest[r] for r < n; others are skipped):
//! batched spend, no member, at least one incident. Those with exactly one incident (the
//! binomial inversion of incident_count stops at 1), resolved within 2 contacts (within 1
//! when contacts can be impolite), are done here, 16 lanes at a time, with the arithmetic of
//! place_orders and incident on the same words: words 0-3 of the incidents stream (sw0..sw3,
//! by r) give resolution, then per contact its wait and (if contacts can be impolite) its
//! courtesy, so 2 contacts use all 4 words, as does 1 with courtesy. fast[r] = 1 for those;
//! the others are left to the per-buyer loop. w2[k]: buyer k's incident word (Chunk::g_w2).
//! Per lane: discounted contribution cl, satisfaction change dsk, kept value and its repeat
//! part, contacts; more[r] = 1 for the lanes with one incident that needs more than 2
//! contacts, none impolite (long_incidents' lanes). The words sw0..sw3 and the outputs are
//! read and written up to n rounded up to 16 (the outputs' padding lanes are garbage, fast =
//! more = 0).
[[gnu::noinline]] void fast_incidents(std::size_t n, const std::uint32_t* __restrict rest,
                                      const std::uint32_t* __restrict code, const std::uint32_t* __restrict buyers,
                                      const std::uint32_t* __restrict meta, const std::uint32_t* __restrict ord,
                                      const std::uint32_t* __restrict ret, const float* __restrict tot,
                                      const std::uint32_t* __restrict w2, const double* __restrict f0_table,
                                      const std::uint32_t* __restrict sw0, const std::uint32_t* __restrict sw1,
                                      const std::uint32_t* __restrict sw2, const std::uint32_t* __restrict sw3,
                                      const double* __restrict disc, std::uint32_t t, const FastService& fs,
                                      std::uint32_t* __restrict fast, float* __restrict cl, float* __restrict dsk,
                                      float* __restrict kept, float* __restrict kept_repeat,
                                      std::uint32_t* __restrict contacts, std::uint32_t* __restrict more)
{
  const FastService f = fs;
  (void)f0_table;
  // The lanes' inputs gathered into contiguous arrays first (GCC 12 will not vectorise the
  // arithmetic below around these mixed-width gathers).
  alignas(64) std::uint32_t o_r[CHUNK], ret_r[CHUNK], w2_r[CHUNK];
  alignas(64) float tot_r[CHUNK];
  alignas(64) double disc_r[CHUNK];
  // 32-bit flags: with bytes GCC vectorises 64 lanes at a time, so the few dozen lanes of a
  // chunk would all end in the epilogues, partly scalar
  alignas(64) std::uint32_t marked_r[CHUNK], acq_r[CHUNK];
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint32_t k = rest[r], j = buyers[k], mt = meta[j];
    o_r[r] = ord[k];
    ret_r[r] = ret[k];
    w2_r[r] = w2[k];
    tot_r[r] = tot[k];
    const std::uint32_t acq = LiveState::acq_of(mt);
    disc_r[r] = disc[t - acq];
    marked_r[r] = code[k] == 2 ? 1u : 0u;
    acq_r[r] = static_cast<std::uint32_t>(int(acq == t) & int((LiveState::flags_of(mt) & EXISTING) == 0));
  }
  // A chunk has a few dozen such buyers: the loop below runs over whole vectors (n16 <=
  // CHUNK), padded with unmarked lanes whose outputs nobody reads, instead of finishing
  // in a scalar epilogue, where each lane's four transcendental functions cost as much
  // as a vector's.
  const std::size_t n16 = (n + 15) & ~std::size_t{15};
  for (std::size_t r = n; r < n16; ++r) {
    o_r[r] = 1;
    ret_r[r] = 0;
    w2_r[r] = 0;
    tot_r[r] = 0.0f;
    disc_r[r] = 1.0;
    marked_r[r] = 0;
    acq_r[r] = 0;
  }
  for (std::size_t r = 0; r < n16; ++r) {
    const std::uint32_t o = o_r[r];
    const double dn = static_cast<double>(o);
    // incident_count: u > f0 (marked 2), so k >= 1; k = 1 iff u - f0 <= f0 (r_q n / 1)
    const double f0 = incident_none_probability(o, f.log1m_q);  // = f0_table[o]
    const int one = int(marked_r[r] != 0) & int(rng::word_uniform(w2_r[r]) - f0 <= f0 * (f.r_q * dn / 1.0));
    // incident: contact 1 resolves (word 0) or is the last allowed; else contact 2 resolves
    // (word 1) or is the last allowed; more contacts are left to the per-buyer loop
    const double u0 = rng::word_uniform(sw0[r]), u1 = rng::word_uniform(sw1[r]);
    const double u2 = rng::word_uniform(sw2[r]), u3 = rng::word_uniform(sw3[r]);
    const int c1 = int(u0 < f.fcr) | int(f.max_contacts == 1);
    // with impolite contacts each contact also draws a courtesy word: 2 contacts would need 6
    const int c2 = (c1 ^ 1) & (int(u1 < f.lcr) | int(f.max_contacts == 2)) & int(f.impolite <= 0.0);
    const double first = std::fma(f.response_time_hours, -rng::vmath::log(c1 ? u1 : u2), 0.0);
    const double second = std::fma(f.response_time_hours, -rng::vmath::log(u3), first);
    const double wait = c1 ? first : second;
    const double nc = c1 ? 1.0 : 2.0;
    // one contact, courtesy from word 2 (only when impolite contacts are possible)
    const double rude = f.impolite > 0.0 && u2 < f.impolite ? 1.0 : 0.0;
    const double d = experience_delta(f.base, f.per_extra, f.per_log_wait, f.per_impolite, 0.0, nc, wait, rude, 0.0);
    const int ok = one & (c1 | c2);
    // place_orders' aggregate branch with one incident
    const int acquisition = static_cast<int>(acq_r[r]);
    const float kept_k = tot_r[r];
    double contribution, ds;
    one_incident_outcome(f, dn, kept_k, ret_r[r], nc, d, contribution, ds);
    fast[r] = static_cast<std::uint32_t>(ok);
    // one incident, not resolved within 2 contacts, none impolite: long_incidents' lanes
    more[r] = static_cast<std::uint32_t>(one & ((c1 | c2) ^ 1) & int(f.impolite <= 0.0));
    const float clr = static_cast<float>(disc_r[r] * contribution);
    cl[r] = ok ? clr : 0.0f * clr;
    dsk[r] = static_cast<float>(ds);
    kept[r] = ok ? kept_k : 0.0f * kept_k;
    kept_repeat[r] = ok & (acquisition ^ 1) ? kept_k : 0.0f * kept_k;
    contacts[r] = ok ? static_cast<std::uint32_t>(nc) : 0u;
  }
}

//! The lanes of fast_incidents with more[r] = 1 (one incident, not resolved within 2
//! contacts, no impolite contacts; about one incident in ten with the reference model's
//! resolution rates): contact 3 resolves (word 2) or is the last allowed, else contact 4
//! (word 3) does or is the last allowed; their waits take the next 3 or 4 words, which run
//! into block 1 of the incidents stream, drawn here for these lanes only. The arithmetic of
//! fast_incidents (place_orders' aggregate branch with one incident, on the same words), so
//! the outputs cl, dsk, kept and contacts at [r] are those of the per-buyer loop; fast[r] =
//! 2 marks them (the per-buyer loop then only adds them up, in its order). Lanes needing 5
//! or more contacts are left to it. A chunk has a few such lanes: gathered, then one padded
//! vector loop.
[[gnu::noinline]] void long_incidents(std::size_t n, const std::uint32_t* __restrict more,
                                      const std::uint32_t* __restrict rest, const std::uint32_t* __restrict buyers,
                                      const std::uint32_t* __restrict meta, const std::uint32_t* __restrict id_lo,
                                      const std::uint8_t* __restrict id_hi, const std::uint32_t* __restrict ord,
                                      const std::uint32_t* __restrict ret, const float* __restrict tot,
                                      const std::uint32_t* __restrict sw2, const std::uint32_t* __restrict sw3,
                                      const double* __restrict disc, std::uint64_t seed, std::uint32_t path,
                                      std::uint32_t t, const FastService& fs, std::uint32_t* __restrict fast,
                                      float* __restrict cl, float* __restrict dsk, float* __restrict kept,
                                      std::uint32_t* __restrict contacts)
{
  alignas(64) std::uint32_t idx[CHUNK];
  const std::size_t nl = index_list(more, n, idx);
  const FastService f = fs;
  const std::uint32_t word2 = rng::counter_word2(t, Purpose::incidents, 0);
  // Groups of 8 lanes (one vector of doubles; usually the chunk's only group), their block-1
  // words from one 16-lane Philox call; padding lanes repeat the group's first.
  constexpr std::size_t G = 8;
  for (std::size_t g0 = 0; g0 < nl; g0 += G) {
    const std::size_t ng = std::min(G, nl - g0);
    alignas(64) std::uint32_t lo[16], e0[16], e1[16], e2[16], e3[16];
    alignas(64) std::uint8_t hi[16];
    alignas(64) std::uint32_t o_l[G], ret_l[G], w2_l[G], w3_l[G], done_l[G], nc_l[G];
    alignas(64) float tot_l[G];
    alignas(64) double disc_l[G], cl_l[G], ds_l[G];
    for (std::size_t q = 0; q < 16; ++q) {
      const std::uint32_t r = idx[g0 + (q < ng ? q : 0)], j = buyers[rest[r]];
      lo[q] = id_lo[j];
      hi[q] = id_hi[j];
    }
    rng::philox_batch(16, seed, path, 1, word2, lo, hi, e0, e1, e2, e3);
    for (std::size_t q = 0; q < G; ++q) {
      const std::uint32_t r = idx[g0 + (q < ng ? q : 0)], k = rest[r], j = buyers[k];
      o_l[q] = ord[k];
      ret_l[q] = ret[k];
      tot_l[q] = tot[k];
      w2_l[q] = sw2[r];
      w3_l[q] = sw3[r];
      disc_l[q] = disc[t - LiveState::acq_of(meta[j])];
    }
    for (std::size_t q = 0; q < G; ++q) {
      const std::uint32_t o = o_l[q];
      const double dn = static_cast<double>(o);
      const double u2 = rng::word_uniform(w2_l[q]), u3 = rng::word_uniform(w3_l[q]);
      const double u4 = rng::word_uniform(e0[q]), u5 = rng::word_uniform(e1[q]);
      const double u6 = rng::word_uniform(e2[q]), u7 = rng::word_uniform(e3[q]);
      // contacts 1 and 2 did not resolve it (words 0, 1): 3 contacts use words 0-2 for
      // resolution and 3-5 for waits, 4 contacts words 0-3 and 4-7
      const int c3 = int(u2 < f.lcr) | int(f.max_contacts == 3);
      const int c4 = (c3 ^ 1) & (int(u3 < f.lcr) | int(f.max_contacts == 4));
      double wait = std::fma(f.response_time_hours, -rng::vmath::log(c3 ? u3 : u4), 0.0);
      wait = std::fma(f.response_time_hours, -rng::vmath::log(c3 ? u4 : u5), wait);
      wait = std::fma(f.response_time_hours, -rng::vmath::log(c3 ? u5 : u6), wait);
      const double fourth = std::fma(f.response_time_hours, -rng::vmath::log(u7), wait);
      wait = c3 ? wait : fourth;
      const double nc = c3 ? 3.0 : 4.0;
      // no impolite contact, no compensation
      const double d = experience_delta(f.base, f.per_extra, f.per_log_wait, f.per_impolite, 0.0, nc, wait, 0.0, 0.0);
      double contribution, ds;
      one_incident_outcome(f, dn, tot_l[q], ret_l[q], nc, d, contribution, ds);
      done_l[q] = static_cast<std::uint32_t>(c3 | c4);
      cl_l[q] = disc_l[q] * contribution;
      ds_l[q] = ds;
      nc_l[q] = static_cast<std::uint32_t>(nc);
    }
    for (std::size_t q = 0; q < ng; ++q) {
      if (!done_l[q]) continue;  // 5 or more contacts: the per-buyer loop
      const std::uint32_t r = idx[g0 + q];
      fast[r] = 2;
      cl[r] = static_cast<float>(cl_l[q]);
      dsk[r] = static_cast<float>(ds_l[q]);
      kept[r] = tot_l[q];
      contacts[r] = nc_l[q];
    }
  }
}

//! Step 4 for the buyers of the common case (is_common[k] = 1 for code 1 of Classify: batched
//! spend, basket 1, no member reward, no incident), densely over every buyer k < n (meta
//! gmeta[k], as buyer_lane stored it) so that no input is gathered: for the common buyers their orders ord_s[k], kept
//! value kept_all[k] (= tot[k]), value of repeat orders kept_repeat[k], discounted
//! contribution cl[k] and satisfaction change dsk[k]; exact zeros for the others (whose own
//! paths add theirs later), so the caller adds every buyer's lanes into its live lanes in one
//! loop with a single indirection. The arithmetic of place_orders' aggregate branch, 16
//! lanes at a time; the order, acquisition and returned counts of the common buyers.
//! ONE_ACQ: every customer of the block was acquired in period acq_one (one discount factor).
template <bool ONE_ACQ>
[[gnu::noinline]] void simple_buyers(std::size_t n, const std::uint32_t* __restrict is_common,
                                     const std::uint32_t* __restrict gmeta, const std::uint32_t* __restrict ord,
                                     const std::uint32_t* __restrict ret, const float* __restrict tot,
                                     const double* __restrict disc, std::uint32_t t, std::uint32_t acq_one,
                                     double margin, double per_order, double return_cost, double bonus, double od,
                                     std::uint32_t* __restrict ord_s, float* __restrict kept_all,
                                     float* __restrict kept_repeat, float* __restrict cl, float* __restrict dsk,
                                     std::int64_t& n_orders, std::int64_t& n_acquisitions, std::int64_t& n_returned)
{
  std::int32_t no = 0, na = 0, nr = 0;  // n <= CHUNK buyers with fewer than 64 orders each
  const double disc_one = ONE_ACQ ? disc[t - acq_one] : 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const int common = int(is_common[k] != 0);
    const std::uint32_t mt = gmeta[k], o = ord[k], rt = ret[k];  // read in every lane, then selected
    const std::uint32_t orders = common ? o : 0u, returned = common ? rt : 0u;
    const std::uint32_t acq = LiveState::acq_of(mt);
    const int acquisition = common & int(acq == t) & int((LiveState::flags_of(mt) & EXISTING) == 0);
    const float tk = tot[k];
    const float kept = common ? tk : 0.0f;
    const double fulfil = fulfilment_cost(per_order, orders, return_cost, returned);
    ord_s[k] = orders;
    kept_all[k] = kept;
    kept_repeat[k] = acquisition ? 0.0f : kept;  // an acquisition period here has one order
    // ONE_ACQ: every customer of the block was acquired in the same period, so the discount
    // factor is the same for all (a table lookup per lane is a gather GCC emulates)
    const double df = ONE_ACQ ? disc_one : disc[t - acq];
    const float c = static_cast<float>(df * orders_contribution(margin, static_cast<double>(kept), fulfil, 0.0));
    cl[k] = common ? c : 0.0f;
    dsk[k] = static_cast<float>(orders_satisfaction_delta(bonus, od, orders, 0.0));  // 0 for the others
  }
  // The counts in a pass of their own (in the loop above GCC 12 did not vectorise it).
  for (std::size_t k = 0; k < n; ++k) {
    const int common = int(is_common[k] != 0);
    const std::uint32_t mt = gmeta[k];
    no += static_cast<std::int32_t>(ord_s[k]);
    na += common & int(LiveState::acq_of(mt) == t) & int((LiveState::flags_of(mt) & EXISTING) == 0);
    nr += static_cast<std::int32_t>(common ? ret[k] : 0u);
  }
  n_orders = no;
  n_acquisitions = na;
  n_returned = nr;
}

//! out[j] = pred(in[j]) as 0/1 bytes, j < n: over restrict pointers, so that the loop
//! vectorises (written through the chunk's members, GCC reloaded the chunk for every byte).
template <class Pred>
[[gnu::always_inline]] inline void byte_flags(std::size_t n, const std::uint8_t* __restrict in,
                                              std::uint8_t* __restrict out, Pred pred)
{
  for (std::size_t j = 0; j < n; ++j) out[j] = pred(in[j]) ? 1 : 0;
}

//! Counts of step 5 of a chunk.
struct EndCounts {
  std::int64_t alive_end = 0, members = 0, members_pro = 0, members_pas = 0, promoters = 0, passives = 0, dropped = 0;
};

//! Step 5 of a chunk with one segment: satisfaction at the end of the period (written back
//! to sat) and the NPS categories of the customers still alive. Branch-free, 16 lanes at a time.
template <bool NOISE>
[[gnu::noinline]] EndCounts end_of_period(std::size_t nc, const std::uint32_t* __restrict meta,
                                          const std::uint8_t* __restrict state, const float* __restrict dsat,
                                          const float* __restrict noise, float* __restrict sat, float mean0,
                                          float keepf, float noise_sd)
{
  // 32-bit counts (nc <= CHUNK), so the vectoriser does not widen every lane
  std::int32_t alive_end = 0, members = 0, members_pro = 0, members_pas = 0, promoters = 0, passives = 0, dropped = 0;
  // Two passes: the update, then the counts (one loop of both did not vectorise with GCC 12).
  for (std::size_t j = 0; j < nc; ++j)
    sat[j] = update_satisfaction<float>(sat[j], dsat[j], mean0, keepf, NOISE ? noise_sd * noise[j] : 0.0f);
  for (std::size_t j = 0; j < nc; ++j) {
    const int alive = int(state[j] == 1);
    const float s = sat[j];
    const int pro = alive & int(is_promoter(s));
    const int pas = alive & int(is_passive(s));
    const int member = alive & int((LiveState::flags_of(meta[j]) & MEMBER) != 0);
    dropped += int(state[j] == 2);
    alive_end += alive;
    members += member;
    members_pro += member & pro;
    members_pas += member & pas;
    promoters += pro;
    passives += pas;
  }
  return EndCounts{alive_end, members, members_pro, members_pas, promoters, passives, dropped};
}

//! What a block's period needs to know about its segments, computed once per block and period:
//! the parameters of the vector phases, the incident tables, and which fast paths apply.
struct PeriodSetup {
  std::size_t segments = 0;
  // Per segment, entries [0, segments) set (left uninitialised beyond: this runs once per
  // block and period, so 14 KB of zeroing would cost more than the chunk loop's set-up).
  std::array<double, 256> log1m_q;    //!< log(1 - q) of each segment's incident probability
  std::array<SegParams, 256> sp;      //!< the multipliers' parameters, single precision
  std::array<double, 256> p_batched;  //!< gamma-gamma p where the spend is one Gamma(n p, nu) draw, 1 where
                                      //!< it is a fixed value's total (shape: the kept orders), else 0
  std::array<double, 256> fixed;      //!< the fixed order value where fixed_spend
  std::array<bool, 256> fixed_spend;  //!< the batched total is a fixed value's (p_batched 1)
  // What applies to the whole block (each rule is where it is set):
  bool plain_rate = true;           //!< no frequency effect anywhere: frequency 1, p0 from Block
  bool reviews = false;             //!< some category writes reviews
  bool satisfaction_noise = false;  //!< some segment's satisfaction has an innovation (stationary)
  bool period_costs = false;        //!< e-mails or loyalty membership cost something
  bool any_returns = false;         //!< batched buyers have returns to count
  bool any_drawn = false;           //!< some segment's batched totals are gamma draws
  bool any_fixed = false;           //!< some segment's batched totals are fixed values'
  bool simple_orders = false;       //!< step 4's common case applies (one segment, see set_up)
  bool fast_service = false;        //!< ... with its incidents vectorised (fast_incidents)
  bool fusable = false;             //!< step 2's counts fused with the buyers' lanes (sbg_poisson)
  bool no_acquisitions = false;     //!< nobody in the block is acquired this period
  bool plain_hazard = false;        //!< the hazard is exp(cs (ref - S)) alone, without clamping
  FastService fsv{};                //!< fast_incidents' constants
  Classify cls{};                   //!< the buyers' classification for step 4
};

//! (1-q)^n = exp(n log(1-q)) of a single segment, n < 64, kept per thread while q stays the
//! same (the same values, computed once instead of once per block and period), and
//! none_last[n]: the words w of the incident uniform (w + 1/2) 2^-32 <= (1-q)^n are exactly
//! those up to none_last[n] (it increases with w). Where n q < 10 there is at least one
//! ((1-q)^n >= e^-2nq > e^-20 for q <= 1/2); elsewhere the value is not used.
struct IncidentTables {
  std::array<double, 64> f0{};
  std::array<std::uint32_t, 64> none_last{};
  double log1m_q = 1.0;  //!< of the tables; 1 = none yet

  void set(double l)
  {
    if (std::bit_cast<std::uint64_t>(log1m_q) == std::bit_cast<std::uint64_t>(l)) return;
    for (std::size_t n = 0; n < f0.size(); ++n) {
      f0[n] = incident_none_probability(static_cast<std::uint32_t>(n), l);
      const std::uint64_t below = rng::words_at_most(f0[n]);
      none_last[n] = below > 0 ? static_cast<std::uint32_t>(below - 1) : 0u;
    }
    log1m_q = l;
  }
};

//! The bound on |churn_sensitivity (reference - S)| below which the hazard's exp needs no
//! clamping (rng::vmath::exp_f_bounded is exact on [-87, 88]), and S's largest distance from
//! a reference.
constexpr float PLAIN_HAZARD_MAX_EXPONENT = 80.0f;

PeriodSetup set_up(const PeriodContext& ctx, bool single, int newest_acquisition, IncidentTables& tables)
{
  PeriodSetup k;
  k.segments = ctx.segments.size();
  for (std::size_t g = 0; g < k.segments; ++g) {
    const SegmentModel& m = ctx.segments[g];
    k.log1m_q[g] = incident_log1m_q(m.incident_probability);
    k.sp[g] = {static_cast<float>(m.churn_sensitivity),
               static_cast<float>(m.frequency_sensitivity),
               static_cast<float>(m.reference),
               static_cast<float>(m.hazard_multiplier),
               static_cast<float>(m.frequency_multiplier),
               static_cast<float>(m.loyalty_hazard),
               static_cast<float>(m.loyalty_frequency),
               1.0f};
    // Without a frequency effect (fs = 0, multiplier 1, no loyalty) the frequency is 1
    // exactly and p0 = e^-lambda, computed once by Block::push_back (same function, same value).
    k.plain_rate &= m.frequency_sensitivity == 0.0 && m.frequency_multiplier == 1.0 && !m.loyalty;
    k.period_costs |= m.marketing_cost_per_customer != 0.0 || m.loyalty_cost_per_member != 0.0;
    k.reviews |= m.review_p_promoter > 0 || m.review_p_passive > 0 || m.review_p_detractor > 0;
    k.satisfaction_noise |= m.satisfaction_noise_sd > 0;
    const bool fixed = aggregate_spend(m) && m.spend == models::SpendModel::fixed;
    k.p_batched[g] = fixed ? 1.0 : aggregate_spend(m) ? m.p : 0.0;
    k.fixed[g] = fixed ? m.fixed_value : 0.0;
    k.fixed_spend[g] = fixed;
    k.any_fixed |= fixed;
    k.any_drawn |= !fixed && k.p_batched[g] > 0.0;
    k.any_returns |= m.return_rate > 0 && k.p_batched[g] > 0.0;
  }
  tables.set(k.log1m_q[0]);
  const SegmentModel& m0 = ctx.segments[0];
  // Step 4's common case: one segment, batched spend, no loyalty, no basket growth, and
  // incident counts that invert.
  k.simple_orders =
      single && aggregate_spend(m0) && !m0.loyalty && m0.log_growth_per_period == 0.0 && m0.incident_probability <= 0.5;
  // Its incidents, 16 lanes at a time (fast_incidents).
  k.fast_service = k.simple_orders && m0.incident_probability > 0.0 && m0.max_contacts >= 1;
  if (k.fast_service) {
    FastService& f = k.fsv;
    const double q = m0.incident_probability;
    f.r_q = q / (1.0 - q);
    f.log1m_q = k.log1m_q[0];
    f.fcr = m0.first_contact_resolution;
    f.lcr = m0.later_contact_resolution;
    f.max_contacts = m0.max_contacts;
    f.response_time_hours = m0.response_time_hours;
    f.base = m0.exp_base;
    f.per_extra = m0.exp_per_extra_contact;
    f.per_log_wait = m0.exp_per_log_wait;
    f.per_impolite = m0.exp_per_impolite_contact;
    f.impolite = m0.impolite_probability;
    f.cost_per_contact = m0.cost_per_contact;
    f.margin = m0.gross_margin;
    f.per_order = m0.fulfilment_cost + m0.shipping_cost_paid + m0.extra_order_cost;
    f.return_cost = m0.return_cost;
    f.bonus = m0.order_satisfaction_bonus;
    f.order_delta = m0.order_delta;
  }
  // With simple_orders, buyer_lanes classifies the buyers for step 4 too (see Classify).
  std::uint32_t common_below = 0;  // the first n with n q >= 10 (64 if none below 64)
  while (common_below < 64 && incident_inverts(common_below, m0.incident_probability)) ++common_below;
  k.cls = Classify{tables.none_last.data(), common_below, m0.incident_probability, k.fast_service};
  // Step 2 fuses the Poisson counts with buyer_lanes where the buyers are the candidates
  // (chunks without acquisitions), in the common case of step 4 without returns.
  k.fusable = single && k.simple_orders && k.plain_rate && !k.any_returns;
  // No customer of the block is acquired in this period (every period after the last
  // acquisition: all but the first of the initial cohort's): step 1 skips the acquisition
  // tests and leaves c_.orders unwritten (with one segment nothing reads it then, as the
  // buyers are the candidates).
  k.no_acquisitions = static_cast<int>(ctx.period) > newest_acquisition;
  // The hazard multiplier is exp(cs (ref - S)) alone, S in [0, 10] (survival_and_orders'
  // PLAIN_HAZARD): no policy or marketing factor, no loyalty one, and |cs (ref - S)| small.
  k.plain_hazard = single && k.sp[0].hm == 1.0f && k.sp[0].lh == 1.0f &&
                   k.sp[0].cs * (std::abs(k.sp[0].ref) + float(SATISFACTION_MAX)) < PLAIN_HAZARD_MAX_EXPONENT;
  return k;
}

//! One period of every live customer of a block (docs/model.md §3.5), chunk by chunk, in
//! the six steps of the reference kernel (models/reference/kernel.cpp), each a method below.
//! The vector phases they call are above; every formula comes from models/sim/service.h and
//! orders.h, or from the purchase model (Model::step, and its fast paths here). SINGLE: the
//! block's customers are of one segment (parameters are loop invariants, sums go to `acc`).
//!
//! Scratch (Chunk) is reused from step to step under other names; what holds what:
//!   w0..w3    step 2: survival words; step 4: the rest buyers' incident words (sw0, sw1)
//!   u0, u1    step 3: returns counted; step 4: incident words (sw2, sw3); step 5: reviews
//!   pu        step 2: period cost amounts; step 3-4: the batched totals (tot)
//!   pp, pm    step 2: restarted clocks, candidates' clocks; step 4: kept repeat value, dsk
//!   list      step 2: candidates; step 3: returns lanes; step 4: common orders; step 5-6: lists
//!   g_value   step 3: Gamma totals; step 4: discounted contributions (cl)
template <class Model, bool SINGLE>
class BlockPeriod {
public:
  BlockPeriod(Block& b, const PeriodContext& ctx, std::span<TallyRow> tallies, const PeriodSetup& k,
              const IncidentTables& tables, Chunk& c, std::vector<std::uint32_t>& leaving)
      : b_(b),
        L_(b.live),
        ctx_(ctx),
        tallies_(tallies),
        k_(k),
        tables_(tables),
        c_(c),
        leaving_(leaving),
        t_(ctx.period),
        m0_(ctx.segments[0]),
        word2_survival_(rng::counter_word2(ctx.period, Purpose::survival, 0)),
        loyal_min_(static_cast<std::uint32_t>(ctx.loyal_min_orders))
  {}

  void run()
  {
    std::array<double, 256> revenue_before;
    for (std::size_t g = 0; g < k_.segments; ++g) revenue_before[g] = tallies_[g][T_REVENUE];
    for (std::size_t c0 = 0; c0 < L_.size(); c0 += CHUNK) {
      begin_chunk(c0);
      multipliers_and_survival();
      if constexpr (CLOCKS)
        orders_on_clocks();
      else
        orders_per_customer();
      buyers_and_spend();
      common_buyers();
      service_words();
      fast_incident_buyers();
      other_buyers();
      end_period();
      leave();
    }
    L_.fill_holes(leaving_);
    // Gross margin is gross_margin x kept revenue for every order (docs/model.md §3.4), so it
    // is tallied once per segment from the revenue tally: the same bits whichever path (the
    // vectorised common case or the per-buyer one) summed the revenue.
    for (std::size_t g = 0; g < k_.segments; ++g)
      tallies_[g][T_GROSS_MARGIN] += ctx_.segments[g].gross_margin * (tallies_[g][T_REVENUE] - revenue_before[g]);
  }

private:
  // sbg_poisson runs on its clocks (survival_and_orders, clock_lanes: its fast path); sbg
  // decides renewals in step 1's vector pass; the others in the per-customer loop (Model::step).
  static constexpr bool CLOCKS = std::is_same_v<Model, models::SbgPoisson>;
  static constexpr bool SURVIVAL = std::is_same_v<Model, models::Sbg>;
  static constexpr std::size_t NOT_CANDIDATES = std::numeric_limits<std::size_t>::max();

  TallyRow& tally_of(std::size_t g) { return SINGLE ? acc_ : tallies_[g]; }
  //! The cost lines of n orders of the one segment, `returned` of them returned (fast paths).
  void add_fulfilment_tallies(double n, double returned)
  {
    const FulfilmentLines f = fulfilment_lines(m0_, n, returned);
    acc_[T_COST_FULFILMENT] += f.fulfilment;
    acc_[T_COST_SHIPPING] += f.shipping;
    acc_[T_COST_RETURNS] += f.returns;
  }
  std::size_t segment_of(std::size_t j) const { return SINGLE ? 0 : LiveState::segment_of(meta_[j]); }
  bool acquisition(std::uint32_t mt) const
  {
    return LiveState::acq_of(mt) == t_ && !(LiveState::flags_of(mt) & EXISTING);
  }
  std::uint64_t id_of(std::size_t i) const { return L_.id_lo[i] | (static_cast<std::uint64_t>(L_.id_hi[i]) << 32); }
  //! A lane leaves the live state: marked no longer alive (live and public flags).
  void mark_gone(std::size_t j)
  {
    const std::size_t i = c0_ + j;
    const auto fl = static_cast<std::uint8_t>(L_.flags(i) & ~ALIVE);
    L_.set_flags(i, fl);
    b_.flags[slot_[j]] = fl;
  }

  void begin_chunk(std::size_t c0)
  {
    c0_ = c0;
    nc_ = std::min(CHUNK, L_.size() - c0);
    meta_ = &L_.meta[c0];  // (not restrict: loyalty enrolment writes flags)
    slot_ = &L_.slot[c0];
    lord_ = &L_.orders[c0];  // the live copies of n_orders, clv and revenue
    lclv_ = &L_.clv[c0];
    lrev_ = &L_.revenue[c0];
    sat_ = &L_.sat[c0];
    buyers_are_candidates_ = NOT_CANDIDATES;
    lanes_done_ = false;
    // sbg_poisson draws its words in step 2, for the buyers only (survival runs on clocks)
    if constexpr (!CLOCKS)
      rng::philox_batch(nc_, ctx_.seed, ctx_.path, 0, word2_survival_, &L_.id_lo[c0], &L_.id_hi[c0], c_.w0, c_.w1,
                        c_.w2, c_.w3);
  }

  //! Step 1: the multipliers of docs/model.md §3.2 from satisfaction at the end of the last
  //! period (§5.3), policies and marketing (§6.3-6.4) and loyalty (§7); survival (sbg) and
  //! the chance of no order. Branch-free, single precision, 16 lanes at a time; sbg_poisson
  //! runs steps 1 and 2 on its clocks in the same pass.
  void multipliers_and_survival()
  {
    const float* lambda = &L_.lambda[c0_];
    const float* churn = &L_.churn[c0_];
    const std::uint32_t* prior = &L_.orders[c0_];
    if constexpr (CLOCKS) {
      float* sclock = &L_.sclock[c0_];
      float* oclock = &L_.oclock[c0_];
      if (SINGLE && k_.plain_rate && k_.no_acquisitions && k_.plain_hazard)
        fused_ = survival_and_orders<SINGLE, true, true, SINGLE>(nc_, meta_, sat_, lambda, churn, sclock, oclock,
                                                                 k_.sp.data(), t_, prior, loyal_min_, c_.h, c_.mult,
                                                                 c_.delta_sat, c_.state, c_.orders, c_.keep);
      else if (SINGLE && k_.plain_rate && k_.no_acquisitions)
        fused_ = survival_and_orders<SINGLE, true, true>(nc_, meta_, sat_, lambda, churn, sclock, oclock, k_.sp.data(),
                                                         t_, prior, loyal_min_, c_.h, c_.mult, c_.delta_sat, c_.state,
                                                         c_.orders, c_.keep);
      else if (k_.plain_rate)
        fused_ = survival_and_orders<SINGLE, true, false>(nc_, meta_, sat_, lambda, churn, sclock, oclock, k_.sp.data(),
                                                          t_, prior, loyal_min_, c_.h, c_.mult, c_.delta_sat, c_.state,
                                                          c_.orders, c_.keep);
      else
        fused_ = survival_and_orders<SINGLE, false, false>(nc_, meta_, sat_, lambda, churn, sclock, oclock,
                                                           k_.sp.data(), t_, prior, loyal_min_, c_.h, c_.mult,
                                                           c_.delta_sat, c_.state, c_.orders, c_.keep);
    } else if (k_.plain_rate) {
      multipliers<SINGLE, true, SURVIVAL>(nc_, meta_, sat_, lambda, churn, &L_.p0[c0_], c_.w0, k_.sp.data(), t_, c_.h,
                                          c_.mult, c_.p0, c_.delta_sat, c_.state);
    } else {
      multipliers<SINGLE, false, SURVIVAL>(nc_, meta_, sat_, lambda, churn, &L_.p0[c0_], c_.w0, k_.sp.data(), t_, c_.h,
                                           c_.mult, c_.p0, c_.delta_sat, c_.state);
    }
  }

  //! Step 2 of sbg_poisson: the tallies of step 1's pass, the churned customers' flags, the
  //! buyers' order counts from their clocks, the per-segment tallies, period costs.
  void orders_on_clocks()
  {
    // Branch-free where the outcome is random (a mispredicted branch costs more than the
    // work): index lists are built with `list[n] = j; n += flag`.
    const OrderCounts& oc = fused_;
    const std::size_t ncand = index_list(c_.keep, nc_, c_.list);
    if constexpr (SINGLE) {
      acc_[T_ACTIVE] += static_cast<double>(oc.active);
      acc_[T_CHURNED] += static_cast<double>(oc.churned);
      acc_[T_LOYAL_AT_RISK] += static_cast<double>(oc.loyal_risk);
      acc_[T_LOYAL_ORDERED] += static_cast<double>(oc.loyal_ord);
      acc_[T_ONETIME_AT_RISK] += static_cast<double>(oc.one_risk);
      acc_[T_ONETIME_ORDERED] += static_cast<double>(oc.one_ord);
    }
    if (oc.churned > 0) {  // about 3% a period: their flags
      // (into flag: keep stays the candidates', step 4's buyers when there are no acquisitions)
      byte_flags(nc_, c_.state, c_.flag, [](std::uint8_t st) { return st == 0; });
      const std::size_t nd = index_list(c_.flag, nc_, c_.buyers);
      for (std::size_t d = 0; d < nd; ++d) mark_gone(c_.buyers[d]);
    }
    clock_order_counts(ncand);
    if constexpr (!SINGLE) segment_survival_tallies();
    if (k_.period_costs) period_costs();
  }

  //! The candidates' order counts from their clocks (>= 1 order each, clock_lane), in
  //! lockstep; the rare unfinished inversions are redone one at a time (order_count). Their
  //! random words: block 0 of the `survival` stream of the period, word 0 the count's
  //! uniform, word 1 the restarted clock, word 2 the incident uniform of step 4 (g_w2, by
  //! buyer). Chunks that fuse the counts with the buyers' lanes draw the candidates' blocks
  //! only; the others (acquisitions, segments, frequency effects, returns) every lane's.
  void clock_order_counts(std::size_t ncand)
  {
    std::uint32_t* __restrict unfinished = c_.flag32;
    std::uint32_t* __restrict redo = c_.g_j;
    float* __restrict next = c_.pp;  // the restarted order clocks, by candidate
    const std::size_t ncand_pad = pad_lanes(ncand);
    for (std::size_t r = ncand; r < ncand_pad; ++r) c_.list[r] = 0;
    const bool fuse = k_.fusable && fused_.acquired == 0;
    const Classify& cls = k_.cls;
    if (fuse) {
      float* __restrict clock_r = c_.pm;  // the candidates' order clocks
      // up to whole vectors of 16 (padding lanes repeat lane 0: Philox's scalar tail would
      // cost more than one more vector)
      const std::size_t ncand16 = (ncand + 15) & ~std::size_t{15};
      if (L_.wide_ids)
        gather_candidates<true>(ncand16, c_.list, &L_.id_lo[c0_], &L_.id_hi[c0_], &L_.oclock[c0_], meta_, &L_.nu[c0_],
                                c_.g_lo, c_.g_hi, clock_r, c_.g_meta, c_.g_nu);
      else
        gather_candidates<false>(ncand16, c_.list, &L_.id_lo[c0_], &L_.id_hi[c0_], &L_.oclock[c0_], meta_, &L_.nu[c0_],
                                 c_.g_lo, c_.g_hi, clock_r, c_.g_meta, c_.g_nu);
      for (std::size_t r = ncand; r < ncand_pad; ++r) {  // padding lanes (list[r] = 0)
        clock_r[r] = L_.oclock[c0_];
        c_.g_meta[r] = meta_[0];
      }
      rng::philox_batch(ncand16, ctx_.seed, ctx_.path, 0, word2_survival_, c_.g_lo, c_.g_hi, c_.w0, c_.w1, c_.g_w2,
                        c_.w3);
      for (std::size_t r = ncand; r < ncand_pad; ++r) c_.w0[r] = c_.w1[r] = c_.g_w2[r] = 0;  // padding lanes
      orders_and_buyer_lanes(ncand_pad, clock_r, c_.w0, c_.w1, c_.g_meta, t_, k_.p_batched.data(), c_.g_w2,
                             cls.none_last, cls.common_below, int(cls.q > 0.0), int(cls.q > 0.0) & int(cls.fast), c_.pk,
                             next, unfinished, c_.g_ord, c_.g_shape, c_.g_batched, c_.code);
    } else {
      rng::philox_batch(nc_, ctx_.seed, ctx_.path, 0, word2_survival_, &L_.id_lo[c0_], &L_.id_hi[c0_], c_.w0, c_.w1,
                        c_.w2, c_.w3);
      clock_lanes(ncand_pad, c_.list, &L_.oclock[c0_], c_.w0, c_.w1, c_.pk, next, unfinished);
    }
    const std::size_t nredo = index_list(unfinished, ncand, redo);
    for (std::size_t r = 0; r < nredo; ++r) {
      const std::size_t k = redo[r], j = c_.list[k], i = c0_ + j;
      const float left = -L_.oclock[i];
      const std::uint32_t w0 = fuse ? c_.w0[k] : c_.w0[j];  // where the candidate's words are
      const std::uint32_t o = 1u + order_count(rng::word_uniform_f(w0), left, rng::vmath::exp_f(-left), ctx_, id_of(i));
      c_.pk[k] = o;
      if (fuse)  // the buyer's lanes again, with its final count
        buyer_lane<true, true, false>(k, static_cast<std::uint32_t>(j), meta_[j], o, 0, &L_.id_lo[c0_], &L_.nu[c0_], t_,
                                      k_.p_batched.data(), c_.g_w2[k], cls.none_last, cls.common_below,
                                      int(cls.q > 0.0), int(cls.q > 0.0) & int(cls.fast), c_.g_lo, c_.g_ord, c_.g_meta,
                                      c_.g_shape, c_.g_nu, c_.g_batched, c_.code);
    }
    expand_to_lanes(nc_, c_.keep, ncand, c_.list, next, &L_.oclock[c0_]);  // the restarted clocks
    // Without acquisitions the buyers are exactly the candidates, in the same order.
    if (fused_.acquired == 0) buyers_are_candidates_ = ncand;
    lanes_done_ = fuse;
    if (!lanes_done_)  // step 3 finds the buyers and their lanes from the counts
      for (std::size_t r = 0; r < ncand; ++r) c_.orders[c_.list[r]] = c_.pk[r];
  }

  //! Step 2's tallies by segment (several segments, sbg_poisson): active and churned
  //! customers, and the ordering of loyal and one-time customers at risk.
  void segment_survival_tallies()
  {
    for (std::size_t j = 0; j < nc_; ++j) {
      TallyRow& tally = tallies_[LiveState::segment_of(meta_[j])];
      const std::uint32_t n_prior = lord_[j];
      if (c_.state[j] == 0)
        tally[T_CHURNED] += 1;
      else
        tally[T_ACTIVE] += 1;
      if (acquisition(meta_[j])) continue;
      const double ordered = c_.state[j] != 0 && c_.orders[j] > 0 ? 1.0 : 0.0;
      if (n_prior >= loyal_min_) {
        tally[T_LOYAL_AT_RISK] += 1;
        tally[T_LOYAL_ORDERED] += ordered;
      } else if (n_prior == 1) {
        tally[T_ONETIME_AT_RISK] += 1;
        tally[T_ONETIME_ORDERED] += ordered;
      }
    }
  }

  //! The costs of every active customer-period (marketing e-mails, loyalty membership;
  //! docs/model.md §6.4, §7), charged to its CLV: with one segment in one vector pass.
  void period_costs()
  {
    if constexpr (SINGLE) {
      std::int64_t members = 0;
      const double mk = m0_.marketing_cost_per_customer, lc = m0_.loyalty_cost_per_member;
      float* amount = c_.pu;
      period_cost_amounts(nc_, meta_, c_.state, ctx_.discount.data(), t_, mk, lc, amount, members);
      for (std::size_t j = 0; j < nc_; ++j) lclv_[j] -= amount[j];  // 0 for the churned
      acc_[T_COST_MARKETING] += mk * static_cast<double>(fused_.active);
      acc_[T_COST_LOYALTY] += lc * static_cast<double>(members);
    } else {
      for (std::size_t j = 0; j < nc_; ++j)
        if (c_.state[j] != 0) charge_period_cost(j);
    }
  }

  //! One active customer's costs of the period (period_costs without a vector pass).
  void charge_period_cost(std::size_t j)
  {
    const std::size_t g = segment_of(j);
    const SegmentModel& m = ctx_.segments[g];
    TallyRow& tally = tally_of(g);
    const bool member = (LiveState::flags_of(meta_[j]) & MEMBER) != 0;
    const double period_cost = m.marketing_cost_per_customer + (member ? m.loyalty_cost_per_member : 0.0);
    if (period_cost == 0.0) return;
    tally[T_COST_MARKETING] += m.marketing_cost_per_customer;
    tally[T_COST_LOYALTY] += member ? m.loyalty_cost_per_member : 0.0;
    lclv_[j] -= static_cast<float>(ctx_.discount[t_ - LiveState::acq_of(meta_[j])] * period_cost);
  }

  //! Step 2 of the other models: survival and orders customer by customer (Model::step, from
  //! words 0 and 1 of the customer's survival block; sbg's renewal was decided in step 1 by
  //! the same function), the tallies of the active customers and their period costs.
  void orders_per_customer()
  {
    for (std::size_t j = 0; j < nc_; ++j) {
      const std::size_t i = c0_ + j;
      TallyRow& tally = tally_of(segment_of(j));
      const std::uint32_t prior_orders = lord_[j];
      const bool acq = acquisition(meta_[j]);
      if (c_.state[j] == 0) {
        mark_gone(j);
        tally[T_CHURNED] += 1;
        // ordering probability of loyal vs one-time customers counts those at risk too
        if (prior_orders >= loyal_min_)
          tally[T_LOYAL_AT_RISK] += 1;
        else if (prior_orders == 1)
          tally[T_ONETIME_AT_RISK] += 1;
        continue;
      }
      models::StepInput in;
      in.lambda = L_.lambda[i];
      in.churn = L_.churn[i];
      in.hazard = c_.h[j];
      in.frequency = c_.mult[j];
      in.p0 = c_.p0[j];
      in.acquisition = acq;
      models::Clocks no_clocks;
      const models::Survival outcome = Model::step(in, no_clocks, c_.w0[j], c_.w1[j], ctx_, id_of(i));
      if (outcome.state == models::State::churned) {  // (bg_bb: inactive at the opportunity's start)
        c_.state[j] = 0;
        mark_gone(j);
        tally[T_CHURNED] += 1;
        if (prior_orders >= loyal_min_)
          tally[T_LOYAL_AT_RISK] += 1;
        else if (prior_orders == 1)
          tally[T_ONETIME_AT_RISK] += 1;
        continue;
      }
      if (outcome.state == models::State::dropping_out) c_.state[j] = 2;
      const std::uint32_t orders = outcome.orders;
      c_.orders[j] = orders;
      tally[T_ACTIVE] += 1;
      if (!acq) {
        if (prior_orders >= loyal_min_) {
          tally[T_LOYAL_AT_RISK] += 1;
          tally[T_LOYAL_ORDERED] += orders > 0 ? 1.0 : 0.0;
        } else if (prior_orders == 1) {
          tally[T_ONETIME_AT_RISK] += 1;
          tally[T_ONETIME_ORDERED] += orders > 0 ? 1.0 : 0.0;
        }
      }
      charge_period_cost(j);
    }
  }

  //! Step 3: the buyers of the chunk in buyer order k (the g_* arrays): ids, order counts,
  //! returns, the buyers' classification for step 4 and, for those whose n order values are
  //! one Gamma(n p, nu) draw, the spend, all drawn in one batch (shape 0 marks a buyer whose
  //! values are drawn per order in step 4).
  void buyers_and_spend()
  {
    n_buyers_ = buyers_are_candidates_;
    if (n_buyers_ != NOT_CANDIDATES) {
      std::copy(c_.list, c_.list + n_buyers_, c_.buyers);
    } else {
      const std::uint8_t* __restrict state = c_.state;
      const std::uint32_t* __restrict orders = c_.orders;
      std::uint8_t* __restrict keep = c_.keep;  // (through c_, GCC reloads the chunk per byte)
      for (std::size_t j = 0; j < nc_; ++j) keep[j] = ((state[j] != 0) & (orders[j] > 0)) ? 1 : 0;
      n_buyers_ = index_list(c_.keep, nc_, c_.buyers);
    }
    const std::size_t n_buyers_pad = pad_lanes(n_buyers_);  // buyer_lanes (with the codes)
    for (std::size_t k = n_buyers_; k < n_buyers_pad; ++k) c_.buyers[k] = 0;
    std::fill(c_.g_ret, c_.g_ret + n_buyers_pad, 0u);
    if (k_.any_returns) count_returns();
    const Classify& cls = k_.cls;
    if (lanes_done_) {
      // done in step 2
    } else if (SINGLE && k_.simple_orders)
      buyer_lanes<SINGLE, true>(n_buyers_pad, c_.buyers, meta_, c_.orders, &L_.id_lo[c0_], &L_.nu[c0_], t_,
                                k_.p_batched.data(), c_.g_ret, c_.g_lo, c_.g_ord, c_.g_meta, c_.g_shape, c_.g_nu,
                                c_.g_batched, c_.w2, cls.none_last, cls.common_below, int(cls.q > 0.0),
                                int(cls.q > 0.0) & int(cls.fast), c_.code, c_.g_w2);
    else
      buyer_lanes<SINGLE, false>(n_buyers_pad, c_.buyers, meta_, c_.orders, &L_.id_lo[c0_], &L_.nu[c0_], t_,
                                 k_.p_batched.data(), c_.g_ret, c_.g_lo, c_.g_ord, c_.g_meta, c_.g_shape, c_.g_nu,
                                 c_.g_batched, c_.w2, cls.none_last, cls.common_below, int(cls.q > 0.0),
                                 int(cls.q > 0.0) & int(cls.fast), c_.code, c_.g_w2);
    if (L_.wide_ids)
      for (std::size_t k = 0; k < n_buyers_; ++k) c_.g_hi[k] = L_.id_hi[c0_ + c_.buyers[k]];
    else
      std::fill(c_.g_hi, c_.g_hi + n_buyers_, std::uint8_t{0});
    tot_ = c_.pu;  // the batched totals, by k
    if (k_.any_drawn) {
      rng::gamma_batch_f(n_buyers_, ctx_.seed, ctx_.path, t_, Purpose::order_values, c_.g_lo, c_.g_hi, c_.g_shape,
                         c_.g_value);
      divide(n_buyers_, c_.g_value, c_.g_nu, tot_);
    }
    if (k_.any_fixed) fixed_totals();
  }

  //! The batched totals of fixed order values: fixed_total of the kept orders (a mix of
  //! segments draws gamma totals for every batched buyer first; these overwrite theirs).
  void fixed_totals()
  {
    for (std::size_t k = 0; k < n_buyers_; ++k) {
      const std::size_t g = SINGLE ? 0 : LiveState::segment_of(c_.g_meta[k]);
      if (k_.fixed_spend[g] && c_.g_batched[k]) tot_[k] = fixed_total(k_.fixed[g], c_.g_ord[k] - c_.g_ret[k]);
    }
  }

  //! Returns of the batched buyers' orders: one Bernoulli(return_rate) per order from the
  //! customer's returns stream, as place_orders draws them per order.
  void count_returns()
  {
    std::size_t nr = 0;
    for (std::size_t k = 0; k < n_buyers_; ++k) {
      const std::size_t j = c_.buyers[k], i = c0_ + j;
      const SegmentModel& m = ctx_.segments[segment_of(j)];
      if (!(m.return_rate > 0) || !one_total(m, c_.orders[j], acquisition(meta_[j]))) continue;
      c_.list[nr] = static_cast<std::uint32_t>(k);
      c_.g_lo[nr] = L_.id_lo[i];
      c_.g_hi[nr] = L_.id_hi[i];
      c_.pk[nr] = c_.orders[j];
      c_.dprob[nr] = m.return_rate;
      ++nr;
    }
    std::uint32_t* count = c_.u0;
    bernoulli_counts(nr, ctx_.seed, ctx_.path, t_, Purpose::returns, c_.g_lo, c_.g_hi, c_.pk, c_.dprob, count, c_.w3,
                     c_.g_j, c_.g_ord, c_.u1);
    for (std::size_t r = 0; r < nr; ++r) c_.g_ret[c_.list[r]] = count[r];
  }

  //! Step 4, the common case first (one segment, batched spend, basket 1, no member reward,
  //! no incident: code 1 of Classify): place_orders' aggregate arithmetic vectorised over
  //! those buyers (simple_buyers); the others are listed in `rest` for the paths below.
  void common_buyers()
  {
    n_rest_ = n_buyers_;
    rest_ = chunk_iota.data();
    if (!k_.simple_orders) return;
    // (the common ones also as 32-bit flags: with byte flags GCC vectorised simple_buyers 64
    // lanes at a time, spilled its masks and left up to 63 lanes to a scalar epilogue)
    std::uint32_t* __restrict common = c_.fast;  // (free until fast_incidents)
    std::uint8_t* __restrict flag = c_.flag;
    const auto* __restrict code = c_.code;
    const std::size_t nb = n_buyers_;  // (the member: reloaded after every byte stored, the loop ran scalar)
    for (std::size_t k = 0; k < nb; ++k) {
      flag[k] = code[k] == 1 ? 0 : 1;
      common[k] = code[k] == 1 ? 1u : 0u;
    }
    const std::size_t nx = index_list(c_.flag, n_buyers_, c_.g_j);
    const double margin = m0_.gross_margin;
    const double per_order = m0_.fulfilment_cost + m0_.shipping_cost_paid + m0_.extra_order_cost;
    const double bonus = m0_.order_satisfaction_bonus, od = m0_.order_delta;
    std::uint32_t* __restrict ord_s = c_.list;  // the common buyers' orders, else 0
    float* __restrict kept_repeat = c_.pp;      // the value of non-acquisition orders
    float* __restrict cl = c_.g_value;          // discounted contribution
    float* __restrict dsk = c_.pm;              // satisfaction change
    float* __restrict kept_all = c_.g_shape;    // (free after the spend batch)
    std::int64_t n_orders = 0, n_acquisitions = 0, n_returned = 0;
    if (L_.acq_min == L_.acq_max)  // one acquisition period in the block: one discount factor
      simple_buyers<true>(n_buyers_, common, c_.g_meta, c_.g_ord, c_.g_ret, tot_, ctx_.discount.data(), t_,
                          static_cast<std::uint32_t>(L_.acq_min), margin, per_order, m0_.return_cost, bonus, od, ord_s,
                          kept_all, kept_repeat, cl, dsk, n_orders, n_acquisitions, n_returned);
    else
      simple_buyers<false>(n_buyers_, common, c_.g_meta, c_.g_ord, c_.g_ret, tot_, ctx_.discount.data(), t_, 0, margin,
                           per_order, m0_.return_cost, bonus, od, ord_s, kept_all, kept_repeat, cl, dsk, n_orders,
                           n_acquisitions, n_returned);
    const auto [revenue, revenue_repeat] = sum16_pair(n_buyers_, kept_all, kept_repeat);
    acc_[T_ORDERS] += static_cast<double>(n_orders);
    acc_[T_ORDERS_REPEAT] += static_cast<double>(n_orders - n_acquisitions);
    acc_[T_REVENUE] += revenue;
    acc_[T_REVENUE_REPEAT] += revenue_repeat;
    add_fulfilment_tallies(static_cast<double>(n_orders), static_cast<double>(n_returned));
    // every buyer's lanes (zeros but for the common ones)
    add_buyers_to_lanes(nc_, c_.keep, n_buyers_, c_.buyers, ord_s, kept_all, cl, dsk, lord_, lrev_, lclv_,
                        c_.delta_sat);
    n_rest_ = nx;
    rest_ = c_.g_j;
  }

  //! Step 4: the first block of each remaining buyer's incidents stream, in one batch when
  //! incidents are possible: an incident uses 2-4 words, so most never call Philox on their own.
  void service_words()
  {
    sw0_ = c_.w0;
    sw1_ = c_.w1;
    sw2_ = c_.u0;
    sw3_ = c_.u1;
    service_batched_ = n_rest_ > 0 && (!SINGLE || m0_.incident_probability > 0.0);
    if (!service_batched_) return;
    std::uint32_t* lo = c_.pk;
    std::uint8_t* hi = c_.g_hi;
    const std::size_t n_rest16 = (n_rest_ + 15) & ~std::size_t{15};  // padding lanes repeat the first
    for (std::size_t r = 0; r < n_rest16; ++r) {
      const std::size_t i = c0_ + c_.buyers[rest_[r < n_rest_ ? r : 0]];
      lo[r] = L_.id_lo[i];
      hi[r] = L_.id_hi[i];
    }
    rng::philox_batch(n_rest16, ctx_.seed, ctx_.path, 0, rng::counter_word2(t_, Purpose::incidents, 0), lo, hi, sw0_,
                      sw1_, sw2_, sw3_);
    // fast_incidents reads whole vectors of 16 (its padding lanes' words are never used)
    for (std::size_t r = n_rest_; r < n_rest16; ++r) sw0_[r] = sw1_[r] = sw2_[r] = sw3_[r] = 0;
  }

  //! Step 4: the common incidents (one, resolved within 2 contacts: fast_incidents; 3 or 4
  //! contacts, none impolite: long_incidents, summed by other_buyers), 16 lanes at a time.
  void fast_incident_buyers()
  {
    fast_here_ = k_.simple_orders && k_.fast_service && n_rest_ > 0;
    if (!fast_here_) return;
    const FastService& fsv = k_.fsv;
    float *cl = c_.g_value, *dsk = c_.pm, *kept = c_.h, *kept_repeat = c_.mult;  // by r
    std::uint32_t* contacts = c_.g_lo;
    fast_incidents(n_rest_, rest_, c_.code, c_.buyers, meta_, c_.g_ord, c_.g_ret, tot_, c_.g_w2, tables_.f0.data(),
                   sw0_, sw1_, sw2_, sw3_, ctx_.discount.data(), t_, fsv, c_.fast, cl, dsk, kept, kept_repeat, contacts,
                   c_.flag32);
    std::int64_t n_fast = 0, n_orders = 0, n_acquisitions = 0, n_returned = 0, n_contacts = 0;
    for (std::size_t r = 0; r < n_rest_; ++r) {
      if (!c_.fast[r]) continue;
      const std::uint32_t k = rest_[r], j = c_.buyers[k];
      lord_[j] += c_.g_ord[k];
      lrev_[j] += kept[r];
      lclv_[j] += cl[r];
      c_.delta_sat[j] = dsk[r];
      ++n_fast;
      n_orders += c_.g_ord[k];
      n_acquisitions += acquisition(meta_[j]) ? 1 : 0;
      n_returned += c_.g_ret[k];
      n_contacts += contacts[r];
    }
    acc_[T_ORDERS] += static_cast<double>(n_orders);
    acc_[T_ORDERS_REPEAT] += static_cast<double>(n_orders - n_acquisitions);
    const auto [rev_fast, rev_fast_repeat] = sum16_pair(n_rest_, kept, kept_repeat);
    acc_[T_REVENUE] += rev_fast;
    acc_[T_REVENUE_REPEAT] += rev_fast_repeat;
    add_fulfilment_tallies(static_cast<double>(n_orders), static_cast<double>(n_returned));
    acc_[T_COST_SERVICE] += fsv.cost_per_contact * static_cast<double>(n_contacts);
    acc_[T_INCIDENTS] += static_cast<double>(n_fast);
    acc_[T_CONTACTS] += static_cast<double>(n_contacts);
    // one incident with 3 or 4 contacts: the values here, the sums in other_buyers (fast = 2)
    if (fsv.max_contacts > 2 && fsv.impolite <= 0.0)
      long_incidents(n_rest_, c_.flag32, rest_, c_.buyers, meta_, &L_.id_lo[c0_], &L_.id_hi[c0_], c_.g_ord, c_.g_ret,
                     tot_, sw2_, sw3_, ctx_.discount.data(), ctx_.seed, ctx_.path, t_, fsv, c_.fast, cl, dsk, kept,
                     contacts);
  }

  //! Step 4: every buyer not done above, one at a time: its spend, incidents, costs and
  //! satisfaction (account_orders, the reference kernel's arithmetic), then its loyalty
  //! offer; long_incidents' buyers only add up what it computed, in this loop's order.
  void other_buyers()
  {
    for (std::size_t r = 0; r < n_rest_; ++r) {
      if (fast_here_ && c_.fast[r] == 1) continue;
      if (fast_here_ && c_.fast[r] == 2) {
        add_long_incident(r);
        continue;
      }
      one_buyer(r);
    }
  }

  //! A buyer of long_incidents: what place_orders' aggregate form adds for one incident (no
  //! member, basket 1, no compensation), in other_buyers' order.
  void add_long_incident(std::size_t r)
  {
    const FastService& fsv = k_.fsv;
    const std::size_t k = rest_[r], j = c_.buyers[k];
    const std::uint32_t orders = c_.g_ord[k];
    const bool acq = acquisition(meta_[j]);
    const double kept = static_cast<double>(tot_[k]);  // the batched total
    const double contacts = static_cast<double>(c_.g_lo[r]);
    acc_[T_ORDERS] += orders;
    acc_[T_ORDERS_REPEAT] += orders - (acq ? 1 : 0);
    acc_[T_REVENUE] += kept;
    acc_[T_REVENUE_REPEAT] += acq ? 0.0 : kept;  // (one order when acquired)
    acc_[T_COST_SERVICE] += 0.0 + incident_cost(fsv.cost_per_contact, contacts, 0.0);
    add_fulfilment_tallies(orders, c_.g_ret[k]);
    acc_[T_COST_LOYALTY] += 0.0;
    acc_[T_INCIDENTS] += 1.0;
    acc_[T_CONTACTS] += contacts;
    lord_[j] += orders;
    lrev_[j] += static_cast<float>(kept);
    lclv_[j] += c_.g_value[r];
    c_.delta_sat[j] = c_.pm[r];
  }

  //! A buyer on the general path (rest_[r]).
  void one_buyer(std::size_t r)
  {
    const std::size_t k = rest_[r], j = c_.buyers[k], i = c0_ + j;
    const std::uint32_t orders = c_.g_ord[k];  // (c_.orders is not set when step 2 did the lanes)
    const std::uint32_t mt = meta_[j];
    const std::size_t g = segment_of(j);
    const SegmentModel& m = ctx_.segments[g];
    const std::uint32_t acq_period = LiveState::acq_of(mt);
    const bool acq = acquisition(mt);
    const bool member = (LiveState::flags_of(mt) & MEMBER) != 0;
    const std::uint64_t id = id_of(i);
    const Spend sp = c_.g_batched[k] ? spend_as_total(tot_[k], c_.g_ret[k], orders, acq)
                                     : spend_drawn_apart(m, ctx_, id, orders, L_.nu[i]);
    rng::Stream service = service_batched_ ? rng::Stream::preloaded(ctx_.seed, ctx_.path, id, t_, Purpose::incidents,
                                                                    sw0_[r], sw1_[r], sw2_[r], sw3_[r])
                                           : rng::Stream(ctx_.seed, ctx_.path, id, t_, Purpose::incidents);
    const double f0 = SINGLE && orders < 64 ? tables_.f0[orders] : incident_none_probability(orders, k_.log1m_q[g]);
    const OrderSums o = account_orders(m, ctx_, id, orders, acq, member, t_ - acq_period, L_.nu[i],
                                       rng::word_uniform(c_.g_w2[k]), f0, sp, service);
    tally_orders(tally_of(g), o, orders, acq);
    L_.orders[i] += orders;
    L_.revenue[i] += static_cast<float>(o.revenue);
    L_.clv[i] += static_cast<float>(ctx_.discount[t_ - acq_period] * o.contribution);
    double delta_sat = o.delta_sat;
    const std::uint8_t flags = L_.flags(i);
    const std::uint8_t now = loyalty_offer(m, flags, L_.orders[i], ctx_, id, delta_sat);
    if (now != flags) {
      L_.set_flags(i, now);
      b_.flags[slot_[j]] = now;
    }
    c_.delta_sat[j] = static_cast<float>(delta_sat);
  }

  //! Step 5: satisfaction at the end of the period (add the period's deltas, clamp, move
  //! toward the mean), the reviews of the period's orders, and the end-of-period tallies.
  void end_period()
  {
    // the innovations' normals, one per lane from its satisfaction_noise stream (zeros without)
    if (k_.satisfaction_noise)
      rng::normal_batch_f(nc_, ctx_.seed, ctx_.path, t_, Purpose::satisfaction_noise, &L_.id_lo[c0_], &L_.id_hi[c0_],
                          c_.noise);
    else if (!SINGLE)  // (one segment: end_of_period<false> adds the innovation 0 without reading them)
      std::fill(c_.noise, c_.noise + nc_, 0.0f);
    byte_flags(nc_, c_.state, c_.flag, [](std::uint8_t st) { return st != 1; });  // leaves the live state (step 6)
    if constexpr (SINGLE) {
      end_period_one_segment();
      for (std::size_t k = 0; k < T_COUNT; ++k) tallies_[0][k] += acc_[k];
      acc_ = TallyRow{};
    } else {
      for (std::size_t j = 0; j < nc_; ++j)
        if (c_.state[j] != 0) end_period_of(j);
    }
  }

  //! end_period with one segment: branch-free and vectorised, counts in integers; reviews
  //! follow from the satisfaction the vector pass leaves in sat.
  void end_period_one_segment()
  {
    const float mean0 = static_cast<float>(m0_.initial_mean), keepf = static_cast<float>(1.0 - m0_.decay);
    const float noise_sd = static_cast<float>(m0_.satisfaction_noise_sd);
    const double r_pro = m0_.referral_promoter_rate, r_pas = m0_.referral_passive_rate, lr = m0_.loyalty_referral;
    const EndCounts ec =
        k_.satisfaction_noise
            ? end_of_period<true>(nc_, meta_, c_.state, c_.delta_sat, c_.noise, sat_, mean0, keepf, noise_sd)
            : end_of_period<false>(nc_, meta_, c_.state, c_.delta_sat, nullptr, sat_, mean0, keepf, noise_sd);
    const std::int64_t detractors = ec.alive_end - ec.promoters - ec.passives;
    acc_[T_CHURNED] += static_cast<double>(ec.dropped);
    acc_[T_ALIVE_END] += static_cast<double>(ec.alive_end);
    acc_[T_MEMBERS] += static_cast<double>(ec.members);
    acc_[T_PROMOTERS] += static_cast<double>(ec.promoters);
    acc_[T_PASSIVES] += static_cast<double>(ec.passives);
    acc_[T_DETRACTORS] += static_cast<double>(detractors);
    if (r_pro > 0 || r_pas > 0)
      acc_[T_REFERRAL_RATE] +=
          r_pro * (static_cast<double>(ec.promoters - ec.members_pro) + lr * static_cast<double>(ec.members_pro)) +
          r_pas * (static_cast<double>(ec.passives - ec.members_pas) + lr * static_cast<double>(ec.members_pas));
    if (ec.dropped > 0)
      for (std::size_t j = 0; j < nc_; ++j)
        if (c_.state[j] == 2) mark_gone(j);  // dropped out during the period
    if (k_.reviews) reviews_one_segment();
  }

  //! Reviews of this period's orders (docs/model.md §6.1), by the category the customer ends
  //! in: one Bernoulli(p_category) per order from the reviews stream, batched over buyers.
  //! Branch-free (the category is random): every buyer's lane is written, and the lane count
  //! advances only when its category writes reviews.
  void reviews_one_segment()
  {
    const double p_pro = m0_.review_p_promoter, p_pas = m0_.review_p_passive, p_det = m0_.review_p_detractor;
    std::size_t nr = 0;
    if (p_pro > 0 && p_pas > 0 && p_det > 0) {
      // every buyer writes reviews with some probability: a lane each, no compaction (so the
      // loop vectorises)
      review_lanes(n_buyers_, c_.buyers, sat_, &L_.id_lo[c0_], c_.g_ord, p_pro, p_pas, p_det, c_.list, c_.g_lo, c_.pk,
                   c_.dprob);
      if (L_.wide_ids)  // id bits 32-39 (a byte gather would keep the loop above scalar)
        for (std::size_t k = 0; k < n_buyers_; ++k) c_.g_hi[k] = L_.id_hi[c0_ + c_.buyers[k]];
      else
        std::fill(c_.g_hi, c_.g_hi + n_buyers_, std::uint8_t{0});
      nr = n_buyers_;
    } else {
      for (std::size_t k = 0; k < n_buyers_; ++k) {
        const std::size_t j = c_.buyers[k], i = c0_ + j;
        const double review_p = review_probability(static_cast<double>(sat_[j]), p_pro, p_pas, p_det);
        c_.list[nr] = static_cast<std::uint32_t>(j);
        c_.g_lo[nr] = L_.id_lo[i];
        c_.g_hi[nr] = L_.id_hi[i];
        c_.pk[nr] = c_.g_ord[k];
        c_.dprob[nr] = review_p;
        nr += review_p > 0 ? 1 : 0;
      }
    }
    bernoulli_counts(nr, ctx_.seed, ctx_.path, t_, Purpose::reviews, c_.g_lo, c_.g_hi, c_.pk, c_.dprob, c_.u0, c_.w3,
                     c_.g_j, c_.g_ord, c_.u1);
    double reviews_n = 0, stars_sum = 0, negative = 0;
    for (std::size_t r = 0; r < nr; ++r) {
      const double stars = review_stars(sat_[c_.list[r]]);
      const double n_reviews = c_.u0[r];  // mostly 0: adds nothing
      reviews_n += n_reviews;
      stars_sum += n_reviews * stars;
      negative += stars <= 2 ? n_reviews : 0.0;
    }
    acc_[T_REVIEWS] += reviews_n;
    acc_[T_STARS] += stars_sum;
    acc_[T_REVIEWS_NEGATIVE] += negative;
  }

  //! end_period for one active customer of a block of several segments.
  void end_period_of(std::size_t j)
  {
    const std::size_t i = c0_ + j;
    const std::size_t g = segment_of(j);
    const SegmentModel& m = ctx_.segments[g];
    TallyRow& tally = tally_of(g);
    const float s = update_satisfaction<float>(sat_[j], c_.delta_sat[j], static_cast<float>(m.initial_mean),
                                               static_cast<float>(1.0 - m.decay),
                                               static_cast<float>(m.satisfaction_noise_sd) * c_.noise[j]);
    const int category = nps_category(s);
    const unsigned orders = c_.orders[j];
    // Reviews of this period's orders (docs/model.md §6.1), by the category the customer ends in.
    const double review_p = review_probability(s, m.review_p_promoter, m.review_p_passive, m.review_p_detractor);
    if (review_p > 0 && orders > 0) {
      rng::Stream rs(ctx_.seed, ctx_.path, id_of(i), t_, Purpose::reviews);
      const double stars = review_stars(s);
      for (unsigned k = 0; k < orders; ++k) {
        if (rng::bernoulli(rs, review_p)) {
          tally[T_REVIEWS] += 1;
          tally[T_STARS] += stars;
          if (stars <= 2) tally[T_REVIEWS_NEGATIVE] += 1;
        }
      }
    }
    sat_[j] = s;
    if (c_.state[j] == 2) {  // dropped out during the period
      mark_gone(j);
      tally[T_CHURNED] += 1;
      return;
    }
    // The NPS category among customers still active, and the referrals this customer will
    // bring next period (docs/model.md §6.2).
    const bool now_member = (L_.flags(i) & MEMBER) != 0;
    tally[T_ALIVE_END] += 1;
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
  }

  //! Step 6: the lanes of the chunk that leave the live state (a few percent a period): their
  //! final order count, CLV and revenue go to the public arrays; fill_holes compacts after
  //! the last chunk.
  void leave()
  {
    const std::size_t nl = index_list(c_.flag, nc_, c_.list);  // c_.flag: set in step 5
    for (std::size_t r = 0; r < nl; ++r) {
      const std::uint32_t j = c_.list[r], sl = slot_[j];
      b_.n_orders[sl] = lord_[j];
      b_.clv[sl] = lclv_[j];
      b_.revenue[sl] = lrev_[j];
      leaving_.push_back(static_cast<std::uint32_t>(c0_ + j));
    }
  }

  // the block and its period
  Block& b_;
  LiveState& L_;
  const PeriodContext& ctx_;
  std::span<TallyRow> tallies_;
  const PeriodSetup& k_;
  const IncidentTables& tables_;
  Chunk& c_;  //!< scratch of the chunk (its members are named for their first use; see the class comment)
  std::vector<std::uint32_t>& leaving_;  //!< lanes that leave in this period, ascending
  const std::uint32_t t_;
  const SegmentModel& m0_;
  const std::uint32_t word2_survival_;
  const std::uint32_t loyal_min_;
  TallyRow acc_{};  //!< one segment: the chunk's sums, added to the block's row after each chunk
  // the chunk
  std::size_t c0_ = 0, nc_ = 0;
  const std::uint32_t* meta_ = nullptr;
  const std::uint32_t* slot_ = nullptr;
  std::uint32_t* lord_ = nullptr;
  float* lclv_ = nullptr;
  float* lrev_ = nullptr;
  float* sat_ = nullptr;
  OrderCounts fused_{};                                 //!< sbg_poisson: step 1's counts
  std::size_t buyers_are_candidates_ = NOT_CANDIDATES;  //!< else the number of buyers, listed in c_.list
  bool lanes_done_ = false;  //!< step 2 wrote the buyers' lanes (orders_and_buyer_lanes); c_.orders unset
  std::size_t n_buyers_ = 0;
  float* tot_ = nullptr;  //!< the batched totals, by buyer
  std::size_t n_rest_ = 0;
  const std::uint32_t* rest_ = nullptr;  //!< the buyers left after the common case
  std::uint32_t *sw0_ = nullptr, *sw1_ = nullptr, *sw2_ = nullptr, *sw3_ = nullptr;  //!< their incident words
  bool service_batched_ = false;
  bool fast_here_ = false;
};

template <class Model, bool SINGLE>
void simulate_block(Block& b, const PeriodContext& ctx, std::span<TallyRow> tallies)
{
  thread_local IncidentTables tables;
  thread_local std::vector<std::uint32_t> leaving;
  leaving.clear();
  PeriodSetup setup = set_up(ctx, SINGLE, b.live.newest_acquisition, tables);
  Chunk chunk;
  BlockPeriod<Model, SINGLE>(b, ctx, tallies, setup, tables, chunk, leaving).run();
}

}  // namespace

void simulate_period(Block& block, const PeriodContext& ctx, std::span<TallyRow> tallies)
{
  // The model is the same for every segment (segments override parameters, not the model),
  // so the hot loop is monomorphic.
  const bool single = ctx.segments.size() == 1;
  models::visit_purchase_model(ctx.segments[0].model, [&](auto model) {
    using Model = decltype(model);
    single ? simulate_block<Model, true>(block, ctx, tallies) : simulate_block<Model, false>(block, ctx, tallies);
  });
}

void flush_live(Block& block)
{
  const LiveState& L = block.live;
  for (std::size_t i = 0; i < L.size(); ++i) {
    const std::uint32_t sl = L.slot[i];
    block.n_orders[sl] = L.orders[i];
    block.clv[sl] = L.clv[i];
    block.revenue[sl] = L.revenue[i];
  }
}

}  // namespace clvsim::sim
