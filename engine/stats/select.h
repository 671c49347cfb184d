#pragma once
//! Order statistics of large float samples in linear time without sorting them: one pass
//! counts the values by the top 14 bits of an order-preserving integer key (sign, exponent
//! and 5 mantissa bits), which finds the bucket holding each wanted rank; a second pass
//! collects only those buckets, and a selection inside each finishes the job. The results
//! are exactly the values a full sort would put at those ranks. Used for the CLV histogram's
//! range and the revenue concentration curve of a run (up to 10^6 values per variant).
#include <cstddef>
#include <span>
#include <vector>

namespace clvsim::stats {

//! A sample held in pieces (for example the per-block arrays of a run), taken in order as
//! one sequence: the functions below never need it contiguous.
using Pieces = std::vector<std::span<const float>>;

//! x sorted ascending at each rank of `ranks` (each < x.size()). x must not hold NaN.
std::vector<float> order_statistics(const std::vector<float>& x, const std::vector<std::size_t>& ranks);
std::vector<float> order_statistics(const Pieces& x, const std::vector<std::size_t>& ranks);

//! For each m of `counts` (each <= x.size()): the sum, in double, of the m largest values of
//! x. Deterministic: the same x gives the same bits. x must not hold NaN.
std::vector<double> top_sums(const std::vector<float>& x, const std::vector<std::size_t>& counts);
std::vector<double> top_sums(const Pieces& x, const std::vector<std::size_t>& counts);

//! The sum of x in double, over 16 interleaved partial sums added at the end (vectorised,
//! unlike one running sum; pieces: each piece from the first partial). Deterministic: the
//! same x (in the same pieces) gives the same bits.
double sum(const std::vector<float>& x);
double sum(const Pieces& x);

}  // namespace clvsim::stats
