#include "engine/run/unit.h"

#include "engine/run/variants.h"
#include "models/kpis.h"

#include <cstring>
#include <limits>

namespace clvsim::runner {

namespace {

constexpr std::size_t HEADER_BYTES = 10 * sizeof(std::uint32_t) + sizeof(std::uint64_t);

//! Appends values to a record, bit for bit.
class Writer {
public:
  explicit Writer(std::size_t reserve) { bytes_.reserve(reserve); }
  template <class T>
  void put(T value)
  {
    put_array(&value, 1);
  }
  template <class T>
  void put_array(const T* values, std::size_t n)
  {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + n * sizeof(T));
    if (n > 0) std::memcpy(bytes_.data() + at, values, n * sizeof(T));
  }
  std::vector<std::byte> take() { return std::move(bytes_); }

private:
  std::vector<std::byte> bytes_;
};

//! Reads values from a record; every read is checked against its end.
class Reader {
public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  template <class T>
  bool get(T& value)
  {
    return get_array(&value, 1);
  }
  template <class T>
  bool get_array(T* values, std::size_t n)
  {
    if (n > (bytes_.size() - at_) / sizeof(T)) return false;
    if (n > 0) std::memcpy(values, bytes_.data() + at_, n * sizeof(T));
    at_ += n * sizeof(T);
    return true;
  }
  std::size_t remaining() const { return bytes_.size() - at_; }
  bool at_end() const { return at_ == bytes_.size(); }

private:
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
};

void put_pieces(Writer& w, const std::vector<sim::Column<float>>& pieces)
{
  w.put(static_cast<std::uint32_t>(pieces.size()));
  for (const auto& piece : pieces) {
    w.put(static_cast<std::uint64_t>(piece.size()));
    w.put_array(piece.data(), piece.size());
  }
}

bool get_pieces(Reader& r, std::vector<sim::Column<float>>& pieces)
{
  std::uint32_t count = 0;
  if (!r.get(count) || count > r.remaining() / sizeof(std::uint64_t)) return false;
  pieces.resize(count);
  for (auto& piece : pieces) {
    std::uint64_t n = 0;
    if (!r.get(n) || n > r.remaining() / sizeof(float)) return false;
    piece.resize(static_cast<std::size_t>(n));
    if (!r.get_array(piece.data(), piece.size())) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> path_kpi_names(const scenarios::Scenario& sc, bool segment)
{
  std::vector<std::string> names;
  const std::size_t n = segment ? models::SEGMENT_PATH_KPI_COUNT : models::PATH_KPIS.size();
  for (std::size_t k = 0; k < n; ++k) names.emplace_back(models::PATH_KPIS[k].name);
  if (!segment)
    for (const auto& ch : sc.channels) names.push_back("cac_paid_" + ch.name);
  return names;
}

UnitCodec::UnitCodec(const scenarios::Scenario& sc, std::size_t variants)
    : variants_(static_cast<std::uint32_t>(variants)),
      segments_(static_cast<std::uint32_t>(sc.segments.size())),
      horizon_(static_cast<std::uint32_t>(sc.simulation.horizon_periods)),
      period_kpis_(static_cast<std::uint32_t>(models::PERIOD_KPI_COUNT)),
      draws_(static_cast<std::uint32_t>(sc.uncertain.size())),
      retention_(sc.base.purchase.model == models::PurchaseModel::sbg ? horizon_ : 0),
      existing_(sc.existing ? sc.existing->size() : 0),
      whole_names_(path_kpi_names(sc, false)),
      segment_names_(path_kpi_names(sc, true))
{
  whole_kpis_ = static_cast<std::uint32_t>(whole_names_.size());
  segment_kpis_ = static_cast<std::uint32_t>(segment_names_.size());
}

std::size_t UnitCodec::fixed_bytes() const
{
  const std::size_t table = std::size_t{period_kpis_} * horizon_;
  const std::size_t per_variant =
      8 * ((std::size_t{segments_} + 1) * table + whole_kpis_ + std::size_t{segments_} * segment_kpis_ + retention_) +
      8;
  return HEADER_BYTES + 8 * std::size_t{draws_} + variants_ * per_variant + 24 * existing_;
}

std::vector<std::byte> UnitCodec::encode(const PathUnit& unit) const
{
  std::size_t samples = 0;
  for (const auto& v : unit.variants)
    for (const auto* pieces : {&v.clv_sample, &v.revenue_sample})
      for (const auto& piece : *pieces) samples += 8 + 4 * piece.size();
  Writer w(fixed_bytes() + samples);
  for (std::uint32_t x : {UNIT_FORMAT, unit.path, variants_, segments_, horizon_, period_kpis_, whole_kpis_,
                          segment_kpis_, draws_, retention_})
    w.put(x);
  w.put(existing_);
  w.put_array(unit.draws.data(), unit.draws.size());
  auto put_periods = [&](const std::vector<std::vector<double>>& kpis) {
    for (const auto& series : kpis) w.put_array(series.data(), series.size());
  };
  auto put_path_kpis = [&](const std::map<std::string, double>& kpis, const std::vector<std::string>& names) {
    for (const auto& name : names) {
      const auto it = kpis.find(name);
      w.put(it == kpis.end() ? std::numeric_limits<double>::quiet_NaN() : it->second);
    }
  };
  for (const auto& v : unit.variants) {
    put_periods(v.periods);
    for (const auto& seg : v.seg_periods) put_periods(seg);
    put_path_kpis(v.path_kpis, whole_names_);
    for (const auto& seg : v.seg_path_kpis) put_path_kpis(seg, segment_names_);
    for (std::size_t k = 0; k < retention_; ++k)
      w.put(k < v.retention_by_tenure.size() ? v.retention_by_tenure[k] : std::numeric_limits<double>::quiet_NaN());
    put_pieces(w, v.clv_sample);
    put_pieces(w, v.revenue_sample);
  }
  const PathOutput& baseline = unit.variants.front();
  w.put_array(baseline.existing_orders.data(), baseline.existing_orders.size());
  w.put_array(baseline.existing_clv.data(), baseline.existing_clv.size());
  w.put_array(baseline.existing_clv_lifetime.data(), baseline.existing_clv_lifetime.size());
  return w.take();
}

std::optional<PathUnit> UnitCodec::decode(std::span<const std::byte> record) const
{
  Reader r(record);
  std::uint32_t header[10];
  std::uint64_t existing = 0;
  if (!r.get_array(header, 10) || !r.get(existing)) return std::nullopt;
  const std::uint32_t expected[10] = {UNIT_FORMAT,  header[1],   variants_,     segments_, horizon_,
                                      period_kpis_, whole_kpis_, segment_kpis_, draws_,    retention_};
  if (std::memcmp(header, expected, sizeof header) != 0 || existing != existing_) return std::nullopt;
  PathUnit unit;
  unit.path = header[1];
  unit.draws.resize(draws_);
  if (!r.get_array(unit.draws.data(), unit.draws.size())) return std::nullopt;
  auto get_periods = [&](std::vector<std::vector<double>>& kpis) {
    kpis.assign(period_kpis_, std::vector<double>(horizon_));
    for (auto& series : kpis)
      if (!r.get_array(series.data(), series.size())) return false;
    return true;
  };
  auto get_path_kpis = [&](std::map<std::string, double>& kpis, const std::vector<std::string>& names) {
    for (const auto& name : names)
      if (!r.get(kpis[name])) return false;
    return true;
  };
  unit.variants.resize(variants_);
  for (auto& v : unit.variants) {
    v.seg_periods.resize(segments_);
    v.seg_path_kpis.resize(segments_);
    if (!get_periods(v.periods)) return std::nullopt;
    for (auto& seg : v.seg_periods)
      if (!get_periods(seg)) return std::nullopt;
    if (!get_path_kpis(v.path_kpis, whole_names_)) return std::nullopt;
    for (auto& seg : v.seg_path_kpis)
      if (!get_path_kpis(seg, segment_names_)) return std::nullopt;
    if (retention_ > 0) {
      v.retention_by_tenure.resize(retention_);
      if (!r.get_array(v.retention_by_tenure.data(), v.retention_by_tenure.size())) return std::nullopt;
    }
    if (!get_pieces(r, v.clv_sample) || !get_pieces(r, v.revenue_sample)) return std::nullopt;
  }
  PathOutput& baseline = unit.variants.front();
  baseline.existing_orders.resize(existing_);
  baseline.existing_clv.resize(existing_);
  baseline.existing_clv_lifetime.resize(existing_);
  if (!r.get_array(baseline.existing_orders.data(), baseline.existing_orders.size()) ||
      !r.get_array(baseline.existing_clv.data(), baseline.existing_clv.size()) ||
      !r.get_array(baseline.existing_clv_lifetime.data(), baseline.existing_clv_lifetime.size()) || !r.at_end())
    return std::nullopt;
  return unit;
}

}  // namespace clvsim::runner
