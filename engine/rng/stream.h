#pragma once
//! Counter-based random streams (docs/model.md §10). Every draw is a pure function of
//! (seed, path, customer id, period, purpose, draw index): Philox4x32-10 (Salmon, Moraes,
//! Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11) keyed by the seed,
//! with the counter holding the rest. No state is shared between streams, so results do
//! not depend on threads, ranks or processing order (the counter-based form of OpenMC's
//! per-particle seeds).
#include <Random123/philox.h>

#include <cstdint>

namespace clvsim::rng {

//! What a stream's numbers are for. Each purpose has its own counter space, so turning a
//! feature on never shifts another feature's numbers, and two variants see the same
//! numbers wherever their customers behave alike. Values are part of the reproducibility
//! contract: never renumber, only append.
enum class Purpose : std::uint32_t {
  traits = 1,               //!< latent traits drawn once per customer (lambda, p, theta, nu, ...)
  survival = 2,             //!< per-period survival / dropout / lifetime
  orders = 3,               //!< per-period order counts and arrival times
  order_values = 4,         //!< order values (spend model)
  returns = 5,              //!< returned orders
  incidents = 6,            //!< service incidents, contacts, waits, courtesy
  reviews = 7,              //!< review writing
  satisfaction = 8,         //!< initial satisfaction
  loyalty = 9,              //!< loyalty enrolment
  acquisition = 10,         //!< shop-level: new customers per channel (customer id = channel)
  referrals = 11,           //!< per-customer referrals brought
  history = 12,             //!< posterior draws for existing customers (alive or not)
  segment = 13,             //!< segment membership of a new customer
  uncertainty = 14,         //!< per-path draws of uncertain inputs (customer id = input index)
  marketing = 15,           //!< marketing contact effects
  clocks = 16,              //!< a customer's survival and order clocks, drawn once (sbg_poisson)
  satisfaction_noise = 17,  //!< per-period innovation of satisfaction (stationary satisfaction)
};

//! A stream of 32-bit random words for one (seed, path, customer, period, purpose).
//! Cheap to construct (no generator call until the first draw); 16 bytes of buffer.
//! Counter layout: ctr = {draw block, customer id bits 0-31,
//! period (16 bits) | purpose (8 bits) << 16 | customer id bits 32-39 << 24, path},
//! key = {seed low 32 bits, seed high 32 bits}. Customer ids must be < 2^40, periods < 2^16.
class Stream {
public:
  using Philox = r123::Philox4x32_R<10>;

  //! `first_block` skips the stream's first blocks (4 words each): a stream whose first
  //! block was drawn in a batch (rng::philox_batch) continues with first_block = 1.
  Stream(std::uint64_t seed, std::uint32_t path, std::uint64_t customer, std::uint32_t period, Purpose purpose,
         std::uint32_t first_block = 0)
  {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{first_block, static_cast<std::uint32_t>(customer),
             (period & 0xFFFFu) | ((static_cast<std::uint32_t>(purpose) & 0xFFu) << 16) |
                 (static_cast<std::uint32_t>((customer >> 32) & 0xFFu) << 24),
             path}};
  }

  //! The stream with its first block already drawn (by rng::philox_batch, words w[0..3]):
  //! the same words as Stream(seed, path, customer, period, purpose), one Philox call fewer.
  static Stream preloaded(std::uint64_t seed, std::uint32_t path, std::uint64_t customer, std::uint32_t period,
                          Purpose purpose, std::uint32_t w0, std::uint32_t w1, std::uint32_t w2, std::uint32_t w3)
  {
    Stream s(seed, path, customer, period, purpose, 1);
    s.out_ = {{w0, w1, w2, w3}};
    s.used_ = 0;
    return s;
  }

  //! The next 32-bit word of the stream.
  std::uint32_t next_u32()
  {
    if (used_ == 4) {
      out_ = Philox()(ctr_, key_);
      ++ctr_.v[0];
      used_ = 0;
    }
    return out_.v[used_++];
  }

  //! Uniform on the open interval (0, 1) with 32 bits of resolution (never 0 or 1, so
  //! log(u) and log(1-u) are always finite).
  double uniform() { return (static_cast<double>(next_u32()) + 0.5) * 0x1p-32; }

  //! Uniform on (0, 1) with 53-bit resolution (two words), for tails that need it.
  double uniform53()
  {
    const std::uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;  // 27 + 26 bits
    return (static_cast<double>((hi << 26) | lo) + 0.5) * 0x1p-53;
  }

private:
  Philox::ctr_type ctr_{};
  Philox::key_type key_{};
  Philox::ctr_type out_{};
  unsigned used_ = 4;
};

}  // namespace clvsim::rng
