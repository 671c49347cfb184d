// The units of a run (engine/run/unit.h) and the exchange that moves them (exchange.h): a run
// whose units all come from their records, folded in reverse path order (as units from a
// checkpoint or from other MPI ranks may arrive), gives the bits of a plain run; the record
// round-trips; the journal's CRC-32 and manifest.
#include "engine/run/checkpoint.h"
#include "engine/run/driver.h"
#include "engine/run/exchange.h"
#include "engine/run/unit.h"
#include "engine/run/variants.h"
#include "scenarios/loader.h"
#include "tests/support/support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace {

using namespace clvsim;
using test::bitwise_equal;

//! Simulates every path here and keeps each unit's record.
class RecordingExchange : public runner::UnitExchange {
public:
  bool folds() const override { return true; }
  std::vector<std::uint32_t> start(const runner::UnitCodec& codec, int paths, const runner::FoldUnit&) override
  {
    codec_ = &codec;
    std::vector<std::uint32_t> all(static_cast<std::size_t>(paths));
    for (int p = 0; p < paths; ++p) all[static_cast<std::size_t>(p)] = static_cast<std::uint32_t>(p);
    return all;
  }
  void finished(const runner::PathUnit& unit) override
  {
    std::vector<std::byte> record = codec_->encode(unit);
    std::lock_guard<std::mutex> lock(mutex_);
    records.push_back(std::move(record));
  }
  void batch_done(const runner::FoldUnit&) override {}
  void finish(const runner::FoldUnit&) override {}

  std::vector<std::vector<std::byte>> records;

private:
  const runner::UnitCodec* codec_ = nullptr;
  std::mutex mutex_;
};

//! Simulates nothing: folds the given records, in decreasing path order, at the end.
class ReplayExchange : public runner::UnitExchange {
public:
  explicit ReplayExchange(std::vector<std::vector<std::byte>> records) : records_(std::move(records)) {}
  bool folds() const override { return true; }
  std::vector<std::uint32_t> start(const runner::UnitCodec& codec, int, const runner::FoldUnit&) override
  {
    codec_ = &codec;
    return {};
  }
  void finished(const runner::PathUnit&) override { ADD_FAILURE() << "nothing is simulated here"; }
  void batch_done(const runner::FoldUnit&) override {}
  void finish(const runner::FoldUnit& fold) override
  {
    std::vector<runner::PathUnit> units;
    for (const auto& record : records_) {
      auto unit = codec_->decode(record);
      ASSERT_TRUE(unit.has_value());
      units.push_back(std::move(*unit));
    }
    std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.path > b.path; });
    for (auto& unit : units) fold(std::move(unit));
  }

private:
  std::vector<std::vector<std::byte>> records_;
  const runner::UnitCodec* codec_ = nullptr;
};

void expect_tables_equal(const KpiTable& a, const KpiTable& b, const std::string& where)
{
  ASSERT_EQ(a.periods.size(), b.periods.size()) << where;
  for (const auto& [name, v] : a.periods) EXPECT_TRUE(bitwise_equal(v, b.periods.at(name))) << where << " " << name;
  ASSERT_EQ(a.paths.size(), b.paths.size()) << where;
  for (const auto& [name, v] : a.paths) EXPECT_TRUE(bitwise_equal(v, b.paths.at(name))) << where << " " << name;
}

//! Every number of two runs' results, bit for bit.
void expect_results_equal(const Results& a, const Results& b)
{
  ASSERT_EQ(a.variants.size(), b.variants.size());
  for (std::size_t v = 0; v < a.variants.size(); ++v) {
    const auto &x = a.variants[v], &y = b.variants[v];
    expect_tables_equal(x.kpis, y.kpis, x.name);
    for (const auto& [seg, table] : x.segments) expect_tables_equal(table, y.segments.at(seg), x.name + "/" + seg);
    EXPECT_TRUE(bitwise_equal(x.clv_histogram.edges, y.clv_histogram.edges)) << x.name;
    EXPECT_TRUE(bitwise_equal(x.clv_histogram.counts, y.clv_histogram.counts)) << x.name;
    EXPECT_TRUE(bitwise_equal(x.concentration_share, y.concentration_share)) << x.name;
  }
  ASSERT_EQ(a.comparisons.size(), b.comparisons.size());
  for (std::size_t c = 0; c < a.comparisons.size(); ++c)
    for (const auto& [name, v] : a.comparisons[c].paths)
      EXPECT_TRUE(bitwise_equal(v, b.comparisons[c].paths.at(name))) << a.comparisons[c].name << " " << name;
  ASSERT_EQ(a.sensitivity.size(), b.sensitivity.size());
  for (std::size_t s = 0; s < a.sensitivity.size(); ++s) {
    EXPECT_TRUE(bitwise_equal(a.sensitivity[s].spearman, b.sensitivity[s].spearman)) << a.sensitivity[s].output;
    EXPECT_TRUE(bitwise_equal(a.sensitivity[s].tornado_low, b.sensitivity[s].tornado_low));
    EXPECT_TRUE(bitwise_equal(a.sensitivity[s].tornado_high, b.sensitivity[s].tornado_high));
  }
  EXPECT_TRUE(bitwise_equal(a.forecast.expected_orders, b.forecast.expected_orders));
  EXPECT_TRUE(bitwise_equal(a.forecast.expected_orders_se, b.forecast.expected_orders_se));
  EXPECT_TRUE(bitwise_equal(a.forecast.expected_clv, b.forecast.expected_clv));
  EXPECT_TRUE(bitwise_equal(a.forecast.expected_clv_se, b.forecast.expected_clv_se));
  EXPECT_TRUE(bitwise_equal(a.forecast.expected_clv_lifetime, b.forecast.expected_clv_lifetime));
  EXPECT_TRUE(bitwise_equal(a.forecast.clv_lifetime_p50, b.forecast.clv_lifetime_p50));
  EXPECT_TRUE(bitwise_equal(a.forecast.orders_p95, b.forecast.orders_p95));
}

//! A plain run, a run that records its units, and a run folded from the records in reverse.
void check_replay(const scenarios::Scenario& sc)
{
  RunOptions plain;
  plain.threads = 2;
  const Results expected = run(sc, plain);
  RecordingExchange recorder;
  RunOptions recording = plain;
  recording.exchange = &recorder;
  expect_results_equal(expected, run(sc, recording));
  ASSERT_EQ(recorder.records.size(), static_cast<std::size_t>(sc.simulation.paths));
  ReplayExchange replay(recorder.records);
  RunOptions replaying = plain;
  replaying.exchange = &replay;
  expect_results_equal(expected, run(sc, replaying));
}

TEST(Units, FoldedFromRecordsInReverseEqualsAPlainRunDefault)
{
  check_replay(scenarios::load_default({"simulation.paths=7"}));
}

TEST(Units, FoldedFromRecordsInReverseEqualsAPlainRunInvestmentsAndUncertainty)
{
  check_replay(test::load_file("scenarios/examples/uncertain_investments.toml", {"simulation.paths=9"}));
}

TEST(Units, FoldedFromRecordsInReverseEqualsAPlainRunHistoryForecast)
{
  check_replay(test::load_file("tests/regression/cases/history_bgnbd.toml", {"simulation.paths=9"}));
}

TEST(Units, FoldedFromRecordsInReverseEqualsAPlainRunSegmentsAndChannels)
{
  check_replay(test::load_file("tests/regression/cases/segments_everything.toml", {"simulation.paths=7"}));
}

TEST(Units, RecordRoundTripsAndRefusesAnotherLayout)
{
  const auto sc = test::load_file("tests/regression/cases/history_bgnbd.toml", {"simulation.paths=2"});
  RecordingExchange recorder;
  RunOptions options;
  options.threads = 1;
  options.exchange = &recorder;
  run(sc, options);
  const runner::UnitCodec codec(sc, make_variants(sc).size());
  for (const auto& record : recorder.records) {
    const auto unit = codec.decode(record);
    ASSERT_TRUE(unit.has_value());
    EXPECT_EQ(codec.encode(*unit), record);
    // the sample of histogram paths aside, a record has the documented size
    std::size_t samples = 0;
    for (const auto& v : unit->variants)
      for (const auto* pieces : {&v.clv_sample, &v.revenue_sample})
        for (const auto& piece : *pieces) samples += 8 + 4 * piece.size();
    EXPECT_EQ(record.size(), codec.fixed_bytes() + samples);
    // cut short, one byte too many, another run's layout: not a unit of this run
    EXPECT_FALSE(codec.decode(std::span(record).first(record.size() - 1)).has_value());
    auto longer = record;
    longer.push_back(std::byte{0});
    EXPECT_FALSE(codec.decode(longer).has_value());
    const auto other =
        test::load_file("tests/regression/cases/history_bgnbd.toml", {"simulation.paths=2", "simulation.horizon=5"});
    EXPECT_FALSE(runner::UnitCodec(other, make_variants(other).size()).decode(record).has_value());
  }
}

TEST(Journal, Crc32IsZlibs)
{
  const std::string check = "123456789";  // the CRC-32 check value (zlib, PNG, gzip)
  EXPECT_EQ(runner::crc32(std::as_bytes(std::span(check.data(), check.size()))), 0xCBF43926u);
  EXPECT_EQ(runner::crc32({}), 0u);
}

TEST(Journal, ManifestRoundTripsItsText)
{
  runner::Manifest m;
  m.fields = {{"seed", "7"}, {"set", "a.b=x\ny"}, {"set", "back\\slash"}, {"sweep", ""}};
  const runner::Manifest back = runner::Manifest::parse(m.text());
  EXPECT_EQ(back.fields, m.fields);
  EXPECT_EQ(back.values("set"), (std::vector<std::string>{"a.b=x\ny", "back\\slash"}));
}

}  // namespace
