#include "models/sim/traits.h"

#include "engine/rng/batch_samplers.h"
#include "engine/rng/philox_batch.h"
#include "engine/rng/samplers.h"
#include "engine/rng/stream.h"
#include "engine/rng/vmath.h"
#include "models/purchase/registry.h"
#include "models/sim/orders.h"
#include "models/sim/service.h"

#include <algorithm>
#include <cmath>

namespace clvsim::sim {

using models::SpendModel;
using rng::Purpose;
using rng::Stream;

namespace {

//! log(1 - theta) by log1p_f(-theta) below this theta (accurate there), by log_f(1 - theta) above.
constexpr float LOG1P_MAX_THETA = 0.29f;
//! 1 - theta below the smallest normal float means theta = 1 to float precision: clamped here.
constexpr float SMALLEST_KEEP = 1e-37f;

//! What a purchase model's traits are: its order rate and its churn trait.
struct TraitLaws {
  models::OrderTrait order_trait;
  models::ChurnTrait churn_trait;
};
TraitLaws trait_laws(models::PurchaseModel kind)
{
  return models::visit_purchase_model(kind, [](auto model) {
    return TraitLaws{decltype(model)::order_trait, decltype(model)::churn_trait};
  });
}

}  // namespace

void draw_traits_batch(const SegmentModel& m, std::uint64_t seed, std::uint32_t path, std::size_t n,
                       const std::uint64_t* ids, float* lambda, float* churn, float* nu, float* sat)
{
  using rng::detail::BATCH_LANES;
  const TraitLaws laws = trait_laws(m.model);
  alignas(64) std::uint32_t lo[BATCH_LANES];
  alignas(64) std::uint8_t hi[BATCH_LANES];
  alignas(64) float x[BATCH_LANES], y[BATCH_LANES];
  const auto batch = [&](std::uint32_t trait, float sh, float* out, std::size_t nb) {
    rng::gamma_batch_const_f(nb, seed, path, trait, Purpose::traits, lo, hi, sh, out);
  };
  for (std::size_t b0 = 0; b0 < n; b0 += BATCH_LANES) {
    const std::size_t nb = std::min(BATCH_LANES, n - b0);
    for (std::size_t k = 0; k < nb; ++k) {
      lo[k] = static_cast<std::uint32_t>(ids[b0 + k]);
      hi[k] = rng::id_high_bits(ids[b0 + k]);
    }
    float* lam = lambda + b0;
    float* ch = churn + b0;
    // The order rate: Gamma(r, rate) per period (stream period 0); or the order probability
    // Beta(order_a, order_b) = X / (X + Y) (stream periods 0 and 5, 6 the log-space fallback).
    if (laws.order_trait == models::OrderTrait::rate) {
      batch(0, static_cast<float>(m.r), lam, nb);
      const float inv_rate = static_cast<float>(1.0 / m.lambda_rate);
      for (std::size_t k = 0; k < nb; ++k) lam[k] *= inv_rate;
    } else if (laws.order_trait == models::OrderTrait::probability) {
      batch(0, static_cast<float>(m.order_a), x, nb);
      batch(5, static_cast<float>(m.order_b), y, nb);
      for (std::size_t k = 0; k < nb; ++k) {
        const float sum = x[k] + y[k];
        lam[k] = sum > 0.0f ? x[k] / sum : 0.0f;
      }
      for (std::size_t k = 0; k < nb; ++k) {  // shapes so small that both gammas underflow
        if (x[k] + y[k] > 0.0f) continue;
        Stream s(seed, path, ids[b0 + k], 6, Purpose::traits);
        lam[k] = static_cast<float>(rng::beta(s, m.order_a, m.order_b));
      }
    } else {
      std::fill(lam, lam + nb, 0.0f);
    }
    // The churn trait (stream periods 1 and 2).
    if (laws.churn_trait == models::ChurnTrait::death_rate) {
      batch(1, static_cast<float>(m.s), ch, nb);
      const float inv_rate = static_cast<float>(1.0 / m.mu_rate);
      for (std::size_t k = 0; k < nb; ++k) ch[k] *= inv_rate;
    } else {
      // theta ~ Beta(a, b) = X / (X + Y)
      batch(1, static_cast<float>(m.a), x, nb);
      batch(2, static_cast<float>(m.b), y, nb);
      const bool log_survival = laws.churn_trait == models::ChurnTrait::log_keep;
      for (std::size_t k = 0; k < nb; ++k) {
        const float sum = x[k] + y[k];
        const float theta = x[k] / sum, keep = y[k] / sum;  // keep = 1 - theta, without cancellation
        // log(1 - theta): log1p_f(-theta) is exact-ish for small theta, log_f(keep) beyond;
        // keep below the smallest normal float means theta = 1 to float precision.
        const float l = theta < LOG1P_MAX_THETA ? rng::vmath::log1p_f(-theta)
                                                : rng::vmath::log_f(keep > SMALLEST_KEEP ? keep : SMALLEST_KEEP);
        ch[k] = log_survival ? l : theta;
      }
      // Shapes so small that both gammas underflow: the double sampler works in log space.
      for (std::size_t k = 0; k < nb; ++k) {
        if (x[k] + y[k] > 0.0f && std::isfinite(ch[k])) continue;
        Stream s(seed, path, ids[b0 + k], 4, Purpose::traits);  // a stream of its own
        const double th = rng::beta(s, m.a, m.b);
        ch[k] = static_cast<float>(log_survival ? std::log1p(-th) : th);
      }
    }
    // The spend trait (stream period 3).
    float* v = nu + b0;
    switch (m.spend) {
      case SpendModel::gamma_gamma: {
        batch(3, static_cast<float>(m.q), v, nb);
        const float inv_rate = static_cast<float>(1.0 / m.gamma);
        for (std::size_t k = 0; k < nb; ++k) v[k] *= inv_rate;
        break;
      }
      case SpendModel::lognormal: {
        rng::normal_batch_f(nb, seed, path, 3, Purpose::traits, lo, hi, v);
        const float mu = static_cast<float>(m.log_median), sd = static_cast<float>(m.customer_sigma);
        for (std::size_t k = 0; k < nb; ++k) v[k] = mu + sd * v[k];
        break;
      }
      case SpendModel::fixed:
        std::fill(v, v + nb, 0.0f);
        break;
    }
    // Initial satisfaction S0 ~ Normal(mean, sd) clamped to [0, 10].
    float* s0 = sat + b0;
    rng::normal_batch_f(nb, seed, path, 0, Purpose::satisfaction, lo, hi, s0);
    const float mean = static_cast<float>(m.initial_mean), sd = static_cast<float>(m.initial_sd);
    for (std::size_t k = 0; k < nb; ++k)
      s0[k] = std::clamp(mean + sd * s0[k], float(SATISFACTION_MIN), float(SATISFACTION_MAX));
  }
}

void draw_clocks(std::uint64_t seed, std::uint32_t path, std::size_t n, const std::uint64_t* ids, float* survival_clock,
                 float* order_clock)
{
  constexpr std::size_t L = 1024;
  alignas(64) std::uint32_t lo[L], w0[L], w1[L], w2[L], w3[L];
  alignas(64) std::uint8_t hi[L];
  const std::uint32_t word2 = rng::counter_word2(0, Purpose::clocks, 0);
  for (std::size_t b0 = 0; b0 < n; b0 += L) {
    const std::size_t nb = std::min(L, n - b0);
    for (std::size_t k = 0; k < nb; ++k) {
      lo[k] = static_cast<std::uint32_t>(ids[b0 + k]);
      hi[k] = rng::id_high_bits(ids[b0 + k]);
    }
    rng::philox_batch(nb, seed, path, 0, word2, lo, hi, w0, w1, w2, w3);
    float* __restrict sc = survival_clock + b0;
    float* __restrict oc = order_clock + b0;
    for (std::size_t k = 0; k < nb; ++k) {
      sc[k] = clock_gap(w0[k]);
      oc[k] = clock_gap(w1[k]);
    }
  }
}

void draw_traits(const SegmentModel& m, std::uint64_t seed, std::uint32_t path, std::uint64_t id, float& lambda,
                 float& churn, float& nu, float& sat)
{
  draw_traits_batch(m, seed, path, 1, &id, &lambda, &churn, &nu, &sat);
}

}  // namespace clvsim::sim
