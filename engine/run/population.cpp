#include "engine/run/population.h"

#include "engine/rng/stream.h"
#include "models/sim/traits.h"

#include <algorithm>
#include <numeric>

namespace clvsim::runner {

namespace {

//! The segment of a new customer: the first whose cumulative share (`cumulative`, one entry
//! per segment) exceeds a uniform of the customer's segment stream (docs/model.md §3.7, §4).
std::uint8_t draw_segment(const std::vector<double>& cumulative, std::uint64_t seed, std::uint32_t path,
                          std::uint64_t id)
{
  rng::Stream s(seed, path, id, 0, rng::Purpose::segment);
  const double u = s.uniform();
  for (std::size_t k = 0; k + 1 < cumulative.size(); ++k)
    if (u < cumulative[k]) return static_cast<std::uint8_t>(k);
  return static_cast<std::uint8_t>(cumulative.size() - 1);
}

}  // namespace

const NewTraits& draw_new_traits(const PeriodSetup& setup, std::uint64_t seed, std::uint32_t path,
                                 std::uint64_t first_id, std::size_t n, const std::vector<double>* cumulative,
                                 const std::vector<std::uint8_t>& wanted)
{
  const std::vector<double>& cum = cumulative ? *cumulative : setup.segment_cumulative_share;
  thread_local NewTraits t;
  thread_local std::vector<std::uint64_t> ids;
  t.seg.resize(n);
  t.lambda.resize(n);
  t.churn.resize(n);
  t.nu.resize(n);
  t.sat.resize(n);
  t.sclock.resize(n);
  t.oclock.resize(n);
  const bool all = wanted.empty();
  const auto want = [&](std::size_t i) { return all || wanted[i] != 0; };
  if (!all) {  // the customers not drawn keep 0
    for (auto* v : {&t.lambda, &t.churn, &t.nu, &t.sat, &t.sclock, &t.oclock}) std::fill(v->begin(), v->end(), 0.0f);
  }
  ids.clear();
  for (std::size_t i = 0; i < n; ++i)
    if (want(i)) ids.push_back(first_id + i);
  if (all) {
    sim::draw_clocks(seed, path, n, ids.data(), t.sclock.data(), t.oclock.data());
  } else if (!ids.empty()) {  // each id's clocks come from its own streams: a subset draws the same values
    std::vector<float> sc(ids.size()), oc(ids.size());
    sim::draw_clocks(seed, path, ids.size(), ids.data(), sc.data(), oc.data());
    for (std::size_t j = 0; j < ids.size(); ++j) {
      const auto i = static_cast<std::size_t>(ids[j] - first_id);
      t.sclock[i] = sc[j];
      t.oclock[i] = oc[j];
    }
  }
  if (setup.segments.size() == 1 && all) {  // segment 0 for everyone: drawn in place
    std::fill(t.seg.begin(), t.seg.end(), std::uint8_t{0});
    sim::draw_traits_batch(setup.segments[0], seed, path, n, ids.data(), t.lambda.data(), t.churn.data(), t.nu.data(),
                           t.sat.data());
    return t;
  }
  for (std::size_t i = 0; i < n; ++i)
    t.seg[i] = setup.segments.size() == 1 ? std::uint8_t{0} : draw_segment(cum, seed, path, first_id + i);
  std::vector<float> l(n), c(n), v(n), s0(n);
  for (std::size_t g = 0; g < setup.segments.size(); ++g) {
    ids.clear();  // now the ids of segment g (those wanted)
    for (std::size_t i = 0; i < n; ++i)
      if (t.seg[i] == g && want(i)) ids.push_back(first_id + i);
    if (ids.empty()) continue;
    sim::draw_traits_batch(setup.segments[g], seed, path, ids.size(), ids.data(), l.data(), c.data(), v.data(),
                           s0.data());
    for (std::size_t j = 0; j < ids.size(); ++j) {
      const std::size_t i = static_cast<std::size_t>(ids[j] - first_id);
      t.lambda[i] = l[j];
      t.churn[i] = c[j];
      t.nu[i] = v[j];
      t.sat[i] = s0[j];
    }
  }
  return t;
}

std::vector<std::uint8_t> add_customers(Population& pop, const PeriodSetup& setup, std::uint64_t seed,
                                        std::uint32_t path, int period, std::uint8_t flags, std::uint64_t first_id,
                                        std::size_t count, const std::vector<double>* cumulative, BlockOwner owner)
{
  // The block each new customer lands in: the last one while it has room, then new ones.
  std::vector<std::uint8_t> wanted;
  if (owner.ranks > 1) {
    const std::size_t B = pop.block_size();
    std::size_t block = pop.blocks().empty() ? 0 : pop.blocks().size() - 1;
    std::size_t fill = pop.blocks().empty() ? 0 : pop.blocks().back().size();
    wanted.resize(count);
    for (std::size_t k = 0; k < count; ++k) {
      if (fill == B) {
        ++block;
        fill = 0;
      }
      wanted[k] = owner.owns(block) ? 1 : 0;
      ++fill;
    }
  }
  const NewTraits& t = draw_new_traits(setup, seed, path, first_id, count, cumulative, wanted);
  for (std::size_t k = 0; k < count; ++k)
    pop.next_slot().push_back(first_id + k, static_cast<std::uint16_t>(period), t.seg[k],
                              static_cast<std::uint8_t>(flags | sim::ALIVE), 0, t.lambda[k], t.churn[k], t.nu[k],
                              t.sat[k], t.sclock[k], t.oclock[k]);
  return t.seg;
}

}  // namespace clvsim::runner
