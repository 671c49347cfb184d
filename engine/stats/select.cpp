#include "engine/stats/select.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>

namespace clvsim::stats {

namespace {

constexpr std::size_t BUCKETS = 1u << 14;  // sign, exponent and 5 mantissa bits

//! k(a) < k(b) whenever a < b (IEEE floats, no NaN): flip all bits of negatives, the sign bit
//! of the others.
inline std::uint32_t bucket_of(float f)
{
  const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t key = (u & 0x80000000u) != 0 ? ~u : (u | 0x80000000u);
  return key >> 18;
}

//! Where the value of ascending rank r lies: its bucket and its rank inside the bucket.
struct Place {
  std::uint32_t bucket;
  std::size_t rank_in_bucket;
};

Place locate(const std::vector<std::size_t>& cumulative, std::size_t r)
{
  // cumulative[b] = number of values in buckets < b; the last bucket with cumulative <= r
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), r);
  const auto b = static_cast<std::uint32_t>(it - cumulative.begin() - 1);
  return {b, r - cumulative[b]};
}

//! The values of the given buckets, one vector per bucket (in `wanted` order), in x's order.
std::vector<std::vector<float>> collect(const Pieces& x, const std::vector<std::uint32_t>& wanted,
                                        const std::vector<std::uint32_t>& count)
{
  std::vector<std::int32_t> slot(BUCKETS, -1);
  std::vector<std::vector<float>> out(wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    slot[wanted[i]] = static_cast<std::int32_t>(i);
    out[i].reserve(count[wanted[i]]);
  }
  for (std::span<const float> piece : x)
    for (float v : piece) {
      const std::int32_t s = slot[bucket_of(v)];
      if (s >= 0) out[static_cast<std::size_t>(s)].push_back(v);
    }
  return out;
}

}  // namespace

std::vector<float> order_statistics(const Pieces& x, const std::vector<std::size_t>& ranks)
{
  std::vector<std::uint32_t> count(BUCKETS, 0);
  for (std::span<const float> piece : x)
    for (float v : piece) ++count[bucket_of(v)];
  std::vector<std::size_t> cumulative(BUCKETS);
  std::size_t acc = 0;
  for (std::size_t b = 0; b < BUCKETS; ++b) {
    cumulative[b] = acc;
    acc += count[b];
  }
  std::vector<Place> places;
  std::vector<std::uint32_t> wanted;
  for (std::size_t r : ranks) {
    places.push_back(locate(cumulative, r));
    if (std::find(wanted.begin(), wanted.end(), places.back().bucket) == wanted.end())
      wanted.push_back(places.back().bucket);
  }
  auto values = collect(x, wanted, count);
  std::vector<float> out;
  for (const Place& p : places) {
    auto& v = values[static_cast<std::size_t>(std::find(wanted.begin(), wanted.end(), p.bucket) - wanted.begin())];
    const auto k = static_cast<std::ptrdiff_t>(p.rank_in_bucket);
    std::nth_element(v.begin(), v.begin() + k, v.end());
    out.push_back(v[static_cast<std::size_t>(k)]);
  }
  return out;
}

double sum(const Pieces& x)
{
  constexpr std::size_t L = 16;
  double part[L] = {};
  for (std::span<const float> piece : x) {
    const std::size_t n = piece.size(), whole = n - n % L;
    for (std::size_t k = 0; k < whole; k += L)
      for (std::size_t l = 0; l < L; ++l) part[l] += static_cast<double>(piece[k + l]);
    for (std::size_t k = whole; k < n; ++k) part[k - whole] += static_cast<double>(piece[k]);
  }
  double total = 0.0;
  for (double p : part) total += p;
  return total;
}

std::vector<double> top_sums(const Pieces& x, const std::vector<std::size_t>& counts)
{
  std::vector<std::uint32_t> count(BUCKETS, 0);
  std::vector<double> sum(BUCKETS, 0.0);
  for (std::span<const float> piece : x)
    for (float v : piece) {
      const std::uint32_t b = bucket_of(v);
      ++count[b];
      sum[b] += v;
    }
  // each m: walking down from the top bucket, the bucket where the top m end, how many
  // values (and their sum) lie above it, and how many of it are among the top m
  std::vector<std::uint32_t> wanted, bucket_of_m(counts.size());
  std::vector<std::size_t> take(counts.size());
  std::vector<double> sum_above(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const std::size_t m = counts[i];
    std::size_t b = BUCKETS - 1, above = 0;
    double s = 0;
    while (b > 0 && above + count[b] < m) {
      above += count[b];
      s += sum[b];
      --b;
    }
    bucket_of_m[i] = static_cast<std::uint32_t>(b);
    sum_above[i] = s;
    take[i] = std::min<std::size_t>(m - std::min(m, above), count[b]);
    if (take[i] > 0 && take[i] < count[b] && std::find(wanted.begin(), wanted.end(), b) == wanted.end())
      wanted.push_back(static_cast<std::uint32_t>(b));
  }
  auto values = collect(x, wanted, count);
  std::vector<double> out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const std::uint32_t b = bucket_of_m[i];
    double total = sum_above[i];
    if (take[i] == count[b]) {
      total += sum[b];
    } else if (take[i] > 0) {
      auto v = values[static_cast<std::size_t>(std::find(wanted.begin(), wanted.end(), b) - wanted.begin())];
      const auto k = static_cast<std::ptrdiff_t>(take[i]);
      std::nth_element(v.begin(), v.begin() + k, v.end(), std::greater<float>());
      // The top k of the bucket in any order: its values share one binade (sign, exponent),
      // so they are integer multiples of one ulp with 24-bit significands, and a double sum of
      // fewer than 2^29 of them is exact, whatever the order (no sort needed).
      double part = 0;
      for (std::ptrdiff_t j = 0; j < k; ++j) part += v[static_cast<std::size_t>(j)];
      total += part;
    }
    out.push_back(total);
  }
  return out;
}

std::vector<float> order_statistics(const std::vector<float>& x, const std::vector<std::size_t>& ranks)
{
  return order_statistics(Pieces{std::span<const float>(x)}, ranks);
}

std::vector<double> top_sums(const std::vector<float>& x, const std::vector<std::size_t>& counts)
{
  return top_sums(Pieces{std::span<const float>(x)}, counts);
}

double sum(const std::vector<float>& x)
{
  return sum(Pieces{std::span<const float>(x)});
}

}  // namespace clvsim::stats
