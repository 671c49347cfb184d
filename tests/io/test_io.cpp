//! Tests of engine/io: the HDF5 results file (layout, round trip, overwrite and failure
//! rules, readability by h5dump and h5py), the JSON summary and the console summary.
//! Reference statistics are computed here, independently of engine/stats.
#include <hdf5.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>
#include "engine/core/errors.h"
#include "engine/core/limits.h"
#include "engine/io/console_summary.h"
#include "engine/io/decisions.h"
#include "engine/io/hdf5_results.h"
#include "engine/io/json_summary.h"
#include "engine/stats/summary.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "engine/run/results.h"

namespace clvsim::io::test {

inline constexpr int PATHS = 7;
inline constexpr int H = 5;
inline const double NaN = std::numeric_limits<double>::quiet_NaN();

//! Deterministic, irregular values (not sorted, with ties avoided): value k of series `salt`.
inline double value(int salt, int k)
{
  return std::sin(1.7 * k + 0.37 * salt) * (100.0 + salt) + 3.0 * salt + 0.125 * k;
}

inline KpiTable make_table(int salt)
{
  KpiTable t;
  int s = salt;
  for (const char* kpi : {"customers_active", "revenue", "profit", "nps", "promoters_share"}) {
    std::vector<double> v(PATHS * H);
    for (int i = 0; i < PATHS * H; ++i) v[i] = value(s, i);
    t.periods[kpi] = v;
    ++s;
  }
  for (const char* kpi : {"npv_profit", "clv_mean", "repeat_revenue_share", "customers_acquired"}) {
    std::vector<double> v(PATHS);
    const bool share = std::string(kpi).find("_share") != std::string::npos;
    for (int i = 0; i < PATHS; ++i) v[i] = share ? 0.5 + 0.004 * value(s, i) : value(s, i) * 1000.0;
    t.paths[kpi] = v;
    ++s;
  }
  return t;
}

inline Results make_results(const std::string& scenario_name = "Shop \"Żółw\"\nline 2")
{
  Results r;
  r.clvsim_version = "0.1.0";
  r.created_utc = "2026-11-23T12:00:00Z";
  r.seed = 18446744073709551557ull;  // needs all 64 bits
  r.paths = PATHS;
  r.horizon = H;
  r.period = "month";
  r.currency = "PLN";
  r.scenario_name = scenario_name;
  r.scenario_path = "scenarios/shop.toml";
  r.scenario_toml = "[simulation]\nhorizon = 5 # \"quoted\" ünïcödé\n\ttab\n";
  r.run_manifest = "clvsim_version = 0.2.0\nseed = 7\nset = service.courtesy=0.5\n";
  r.run_hash = "0123456789abcdef";
  r.run_seconds = 1.25;
  r.segment_names = {"loyal", "new"};
  r.uncertain_inputs = {"purchase.r", "spend.p", "service.courtesy"};
  r.warnings = {"warning: shop.toml: investment 'x': changing service.courtesy has no effect: ...", "a second \"one\""};
  r.segment_names = {"loyal", "new"};

  for (int vi = 0; vi < 2; ++vi) {
    VariantResults v;
    v.name = vi == 0 ? "baseline" : "faster_response";
    v.kpis = make_table(10 * vi);
    v.kpis.periods["nps"][3] = NaN;  // a non-finite value: skipped by the statistics
    v.segments["loyal"] = make_table(100 + 10 * vi);
    v.segments["new"] = make_table(200 + 10 * vi);
    v.clv_histogram.edges = {0, 50, 100, 150};
    v.clv_histogram.counts = {10.0 + vi, 5, 1};
    v.concentration_x = {0.01, 0.1, 0.2, 0.5};
    v.concentration_share = {0.08, 0.35, 0.55, 0.85};
    if (vi == 1) v.sweep_values = {{"service.response_time_hours", 4.0}, {"service.courtesy", 0.95}};
    r.variants.push_back(v);
  }

  Comparison c;
  c.name = "faster_response";
  c.paths["delta_npv"] = {120, 80, -10, 300, 55, 90, 140};
  c.paths["cost_npv"] = {100, 100, 100, 100, 100, 100, 0};
  c.paths["net_npv"] = {20, -20, -110, 200, -45, -10, 140};
  c.paths["roi"] = {0.2, -0.2, -1.1, 2.0, -0.45, -0.1, NaN};  // zero cost: no roi
  c.paths["payback_period"] = {3, NaN, NaN, 1, NaN, 4, 0};
  c.paths["revenue_uplift"] = {0.01, 0.02, -0.005, 0.05, 0.0, 0.015, 0.03};
  r.comparisons.push_back(c);

  Sensitivity s;
  s.output = "baseline.npv_profit";
  s.parameter = {"service.courtesy", "purchase.r", "spend.p \"odd\""};
  s.spearman = {0.12, -0.74, 0.4};
  s.tornado_low = {1000, 2000, 1500};
  s.tornado_high = {1100, 900, 1700};
  s.p_value = {0.41, 1e-9, NaN};
  s.reaches = {1, 1, 1};
  r.sensitivity.push_back(s);
  return r;
}

//! A fresh, empty directory for one test, removed afterwards.
class ScratchDir : public ::testing::Test {
protected:
  void SetUp() override
  {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("clvsim_io_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> listing() const
  {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    return out;
  }

  std::filesystem::path dir_;
};

inline bool have_python()
{
  return std::filesystem::exists("/usr/bin/python3");
}

inline bool have_h5py()
{
  return have_python() && std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") == 0;
}

//! Runs a shell command and returns its stdout and exit status.
inline std::string run_capture(const std::string& cmd, int* status)
{
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    *status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

inline std::string read_text(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::string& path, const std::string& text)
{
  std::ofstream out(path, std::ios::binary);
  out << text;
}

//! Type-7 quantile (Hyndman & Fan 1996) written independently of engine/stats.
inline double ref_quantile(std::vector<double> v, double q)
{
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (pos - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

}  // namespace clvsim::io::test

namespace clvsim::io::test {
namespace {

// ----------------------------------------------------------------------------------------
// Small HDF5 readers for the tests (C API, independent of engine/io's reader)
// ----------------------------------------------------------------------------------------

//! Does every component of an absolute path exist?
bool h5_exists(hid_t file, const std::string& path)
{
  std::string prefix;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t next = std::min(path.find('/', pos), path.size());
    prefix = path.substr(0, next);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    pos = next + 1;
  }
  return true;
}

std::vector<double> h5_doubles(hid_t file, const std::string& path, std::vector<hsize_t>* dims)
{
  const hid_t ds = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  EXPECT_GE(ds, 0) << path;
  if (ds < 0) return {};
  const hid_t space = H5Dget_space(ds);
  const int rank = H5Sget_simple_extent_ndims(space);
  dims->assign(static_cast<std::size_t>(rank), 0);
  H5Sget_simple_extent_dims(space, dims->data(), nullptr);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!v.empty()) H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(ds);
  return v;
}

std::string h5_string_attr(hid_t obj, const char* name)
{
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(a, 0) << name;
  if (a < 0) return {};
  const hid_t ftype = H5Aget_type(a);
  EXPECT_EQ(H5Tget_class(ftype), H5T_STRING);
  EXPECT_GT(H5Tis_variable_str(ftype), 0) << name << " is not a variable-length string";
  EXPECT_EQ(H5Tget_cset(ftype), H5T_CSET_UTF8) << name;
  const hid_t mem = H5Tcopy(H5T_C_S1);
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5T_CSET_UTF8);
  char* p = nullptr;
  H5Aread(a, mem, &p);
  std::string s = p ? p : "";
  H5free_memory(p);
  H5Tclose(mem);
  H5Tclose(ftype);
  H5Aclose(a);
  return s;
}

//! Compares doubles bitwise-equal or both NaN.
void expect_same(const std::vector<double>& a, const std::vector<double>& b, const std::string& what)
{
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    EXPECT_EQ(a[i], b[i]) << what << "[" << i << "]";
  }
}

void expect_same(const KpiTable& a, const KpiTable& b, const std::string& what)
{
  ASSERT_EQ(a.periods.size(), b.periods.size()) << what;
  for (const auto& [k, v] : a.periods) {
    ASSERT_TRUE(b.periods.count(k)) << what << " periods " << k;
    expect_same(v, b.periods.at(k), what + " periods " + k);
  }
  ASSERT_EQ(a.paths.size(), b.paths.size()) << what;
  for (const auto& [k, v] : a.paths) {
    ASSERT_TRUE(b.paths.count(k)) << what << " paths " << k;
    expect_same(v, b.paths.at(k), what + " paths " + k);
  }
}

void expect_same(const Results& a, const Results& b)
{
  EXPECT_EQ(a.clvsim_version, b.clvsim_version);
  EXPECT_EQ(a.created_utc, b.created_utc);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.paths, b.paths);
  EXPECT_EQ(a.horizon, b.horizon);
  EXPECT_EQ(a.period, b.period);
  EXPECT_EQ(a.currency, b.currency);
  EXPECT_EQ(a.scenario_name, b.scenario_name);
  EXPECT_EQ(a.scenario_path, b.scenario_path);
  EXPECT_EQ(a.scenario_toml, b.scenario_toml);
  EXPECT_EQ(a.command_line, b.command_line);
  EXPECT_EQ(a.run_manifest, b.run_manifest);
  EXPECT_EQ(a.run_hash, b.run_hash);
  EXPECT_EQ(a.run_seconds, b.run_seconds);
  EXPECT_EQ(a.segment_names, b.segment_names);
  EXPECT_EQ(a.uncertain_inputs, b.uncertain_inputs);
  EXPECT_EQ(a.warnings, b.warnings);
  ASSERT_EQ(a.variants.size(), b.variants.size());
  for (std::size_t i = 0; i < a.variants.size(); ++i) {
    const VariantResults& x = a.variants[i];
    const VariantResults& y = b.variants[i];
    EXPECT_EQ(x.name, y.name) << "variant order must be kept";
    expect_same(x.kpis, y.kpis, x.name);
    ASSERT_EQ(x.segments.size(), y.segments.size());
    for (const auto& [s, t] : x.segments) {
      ASSERT_TRUE(y.segments.count(s)) << s;
      expect_same(t, y.segments.at(s), x.name + "/" + s);
    }
    expect_same(x.clv_histogram.edges, y.clv_histogram.edges, "edges");
    expect_same(x.clv_histogram.counts, y.clv_histogram.counts, "counts");
    expect_same(x.concentration_x, y.concentration_x, "concentration_x");
    expect_same(x.concentration_share, y.concentration_share, "concentration_share");
    EXPECT_EQ(x.sweep_values, y.sweep_values);
    expect_same(x.retention_by_tenure, y.retention_by_tenure, "retention_by_tenure");
  }
  EXPECT_EQ(a.subscription.months_per_period, b.subscription.months_per_period);
  EXPECT_EQ(a.subscription.discount_rate_per_period, b.subscription.discount_rate_per_period);
  EXPECT_EQ(a.subscription.fee, b.subscription.fee);
  EXPECT_EQ(a.subscription.derl_periods, b.subscription.derl_periods);
  EXPECT_EQ(a.subscription.derl_value, b.subscription.derl_value);
  EXPECT_EQ(a.subscription.del_periods, b.subscription.del_periods);
  EXPECT_EQ(a.subscription.del_value, b.subscription.del_value);
  expect_same(a.subscription.retention_closed_form, b.subscription.retention_closed_form, "retention_closed_form");
  ASSERT_EQ(a.comparisons.size(), b.comparisons.size());
  for (std::size_t i = 0; i < a.comparisons.size(); ++i) {
    EXPECT_EQ(a.comparisons[i].name, b.comparisons[i].name);
    ASSERT_EQ(a.comparisons[i].paths.size(), b.comparisons[i].paths.size());
    for (const auto& [k, v] : a.comparisons[i].paths) expect_same(v, b.comparisons[i].paths.at(k), "comparison " + k);
  }
  ASSERT_EQ(a.sensitivity.size(), b.sensitivity.size());
  for (std::size_t i = 0; i < a.sensitivity.size(); ++i) {
    EXPECT_EQ(a.sensitivity[i].output, b.sensitivity[i].output);
    EXPECT_EQ(a.sensitivity[i].parameter, b.sensitivity[i].parameter);
    expect_same(a.sensitivity[i].spearman, b.sensitivity[i].spearman, "spearman");
    expect_same(a.sensitivity[i].tornado_low, b.sensitivity[i].tornado_low, "tornado_low");
    expect_same(a.sensitivity[i].tornado_high, b.sensitivity[i].tornado_high, "tornado_high");
    expect_same(a.sensitivity[i].p_value, b.sensitivity[i].p_value, "p_value");
    expect_same(a.sensitivity[i].reaches, b.sensitivity[i].reaches, "reaches");
  }
}

// ----------------------------------------------------------------------------------------
// HDF5 results file
// ----------------------------------------------------------------------------------------

using Hdf5Results = ScratchDir;

TEST_F(Hdf5Results, WriteThenReadGivesBackEverything)
{
  const Results r = make_results();
  const std::string path = file("out.h5");
  write_results(r, path, false);
  const Results back = read_results(path);
  expect_same(r, back);
}

TEST_F(Hdf5Results, VariantOrderIsKeptEvenWhenNotAlphabetical)
{
  Results r = make_results();
  r.variants.push_back(r.variants[1]);
  r.variants[1].name = "zeta";
  r.variants[2].name = "alpha";
  const std::string path = file("out.h5");
  write_results(r, path, false);
  const Results back = read_results(path);
  ASSERT_EQ(back.variants.size(), 3u);
  EXPECT_EQ(back.variants[0].name, "baseline");
  EXPECT_EQ(back.variants[1].name, "zeta");
  EXPECT_EQ(back.variants[2].name, "alpha");
}

TEST_F(Hdf5Results, EmptyResultsRoundTrip)
{
  Results r;
  r.paths = 0;
  r.horizon = 3;
  VariantResults v;
  v.name = "baseline";
  v.kpis.periods["revenue"] = {};
  v.kpis.paths["npv_profit"] = {};
  r.variants.push_back(v);
  const std::string path = file("empty.h5");
  write_results(r, path, false);
  expect_same(r, read_results(path));
}

TEST_F(Hdf5Results, LayoutUsesTheDocumentedPaths)
{
  const Results r = make_results();
  const std::string path = file("out.h5");
  write_results(r, path, false);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const char* p : {
           "/variants/baseline/periods/revenue",
           "/variants/baseline/path_periods/revenue",
           "/variants/baseline/paths/npv_profit",
           "/variants/baseline/segments/loyal/periods/revenue",
           "/variants/baseline/segments/new/path_periods/profit",
           "/variants/baseline/segments/new/paths/clv_mean",
           "/variants/faster_response/clv_histogram/edges",
           "/variants/faster_response/clv_histogram/counts",
           "/variants/baseline/concentration/top_share_of_customers",
           "/variants/baseline/concentration/share_of_revenue",
           "/comparisons/faster_response/paths/delta_npv",
           "/comparisons/faster_response/paths/cost_npv",
           "/comparisons/faster_response/paths/net_npv",
           "/comparisons/faster_response/paths/roi",
           "/comparisons/faster_response/paths/payback_period",
           "/comparisons/faster_response/paths/revenue_uplift",
           "/sensitivity/baseline.npv_profit/parameter",
           "/sensitivity/baseline.npv_profit/spearman",
           "/sensitivity/baseline.npv_profit/tornado_low",
           "/sensitivity/baseline.npv_profit/tornado_high",
           "/sensitivity/baseline.npv_profit/p_value",
           "/sensitivity/baseline.npv_profit/reaches",
       })
    EXPECT_TRUE(h5_exists(f, p)) << p;

  std::vector<hsize_t> dims;
  h5_doubles(f, "/variants/baseline/periods/revenue", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{7, H}));
  h5_doubles(f, "/variants/baseline/path_periods/revenue", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{PATHS, H}));
  h5_doubles(f, "/variants/baseline/paths/npv_profit", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{PATHS}));

  // path_periods are chunked and deflated
  {
    const hid_t ds = H5Dopen2(f, "/variants/baseline/path_periods/revenue", H5P_DEFAULT);
    const hid_t dcpl = H5Dget_create_plist(ds);
    EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
    bool deflate = false;
    for (int i = 0; i < H5Pget_nfilters(dcpl); ++i) {
      unsigned flags = 0;
      unsigned n = 0;
      char name[64];
      unsigned cd[8];
      std::size_t ncd = 8;
      const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &ncd, cd, sizeof name, name, &n);
      if (id == H5Z_FILTER_DEFLATE) {
        deflate = true;
        ASSERT_GE(ncd, 1u);
        EXPECT_EQ(cd[0], 4u);
      }
    }
    EXPECT_TRUE(deflate);
    H5Pclose(dcpl);
    H5Dclose(ds);
  }

  // root attributes
  const hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
  EXPECT_EQ(h5_string_attr(root, "format"), "clvsim-results");
  EXPECT_EQ(h5_string_attr(root, "clvsim_version"), "0.1.0");
  EXPECT_EQ(h5_string_attr(root, "created_utc"), r.created_utc);
  EXPECT_EQ(h5_string_attr(root, "scenario_toml"), r.scenario_toml);
  EXPECT_EQ(h5_string_attr(root, "scenario_name"), r.scenario_name);
  EXPECT_EQ(h5_string_attr(root, "scenario_path"), r.scenario_path);
  EXPECT_EQ(h5_string_attr(root, "command_line"), r.command_line);
  EXPECT_EQ(h5_string_attr(root, "period"), "month");
  EXPECT_EQ(h5_string_attr(root, "currency"), "PLN");
  for (const char* name : {"format_version", "paths", "horizon", "seed"}) {
    const hid_t a = H5Aopen(root, name, H5P_DEFAULT);
    ASSERT_GE(a, 0) << name;
    const hid_t t = H5Aget_type(a);
    EXPECT_EQ(H5Tget_class(t), H5T_INTEGER) << name;
    if (std::strcmp(name, "seed") == 0) {
      EXPECT_EQ(H5Tget_sign(t), H5T_SGN_NONE);
      EXPECT_EQ(H5Tget_size(t), 8u);
      std::uint64_t seed = 0;
      H5Aread(a, H5T_NATIVE_UINT64, &seed);
      EXPECT_EQ(seed, r.seed);
    } else {
      int x = 0;
      H5Aread(a, H5T_NATIVE_INT, &x);
      EXPECT_EQ(x, std::strcmp(name, "format_version") == 0 ? 1 : std::strcmp(name, "paths") == 0 ? PATHS : H);
    }
    H5Tclose(t);
    H5Aclose(a);
  }
  // sweep values as attributes "sweep.<key>" of the variant group
  const hid_t vg = H5Gopen2(f, "/variants/faster_response", H5P_DEFAULT);
  double courtesy = 0;
  const hid_t a = H5Aopen(vg, "sweep.service.courtesy", H5P_DEFAULT);
  ASSERT_GE(a, 0);
  H5Aread(a, H5T_NATIVE_DOUBLE, &courtesy);
  EXPECT_EQ(courtesy, 0.95);
  H5Aclose(a);
  H5Gclose(vg);
  const hid_t ds = H5Dopen2(f, "/variants/baseline/periods/nps", H5P_DEFAULT);
  EXPECT_EQ(h5_string_attr(ds, "stats"), "mean,sd,p05,p25,p50,p75,p95");
  H5Dclose(ds);
  H5Gclose(root);
  H5Fclose(f);
}

TEST_F(Hdf5Results, PeriodsHoldStatisticsOfPathPeriods)
{
  const Results r = make_results();
  const std::string path = file("out.h5");
  write_results(r, path, false);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const std::vector<std::string> groups = {"/variants/baseline", "/variants/faster_response",
                                           "/variants/baseline/segments/new"};
  for (const auto& g : groups) {
    for (const char* kpi : {"revenue", "nps", "promoters_share"}) {
      std::vector<hsize_t> dims;
      const auto raw = h5_doubles(f, g + "/path_periods/" + kpi, &dims);
      const auto sum = h5_doubles(f, g + "/periods/" + kpi, &dims);
      ASSERT_EQ(sum.size(), 7u * H);
      for (int t = 0; t < H; ++t) {
        std::vector<double> col;
        for (int p = 0; p < PATHS; ++p)
          if (std::isfinite(raw[p * H + t])) col.push_back(raw[p * H + t]);
        double mean = 0;
        for (double x : col) mean += x;
        mean /= static_cast<double>(col.size());
        double ss = 0;
        for (double x : col) ss += (x - mean) * (x - mean);
        const double sd = std::sqrt(ss / static_cast<double>(col.size() - 1));
        const double expected[7] = {mean,
                                    sd,
                                    ref_quantile(col, 0.05),
                                    ref_quantile(col, 0.25),
                                    ref_quantile(col, 0.50),
                                    ref_quantile(col, 0.75),
                                    ref_quantile(col, 0.95)};
        for (int k = 0; k < 7; ++k)
          EXPECT_NEAR(sum[k * H + t], expected[k], 1e-9 * (1 + std::abs(expected[k])))
              << g << " " << kpi << " stat " << k << " t " << t;
      }
    }
  }
  H5Fclose(f);
}

TEST_F(Hdf5Results, RefusesToOverwriteWithoutForce)
{
  const std::string path = file("out.h5");
  write_text(path, "precious");
  try {
    write_results(make_results(), path, false);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("results file '" + path + "' exists; use --force to overwrite"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read_text(path), "precious");
  EXPECT_EQ(listing(), std::vector<std::string>{"out.h5"});

  write_results(make_results(), path, true);
  EXPECT_EQ(read_results(path).paths, PATHS);
  EXPECT_EQ(listing(), std::vector<std::string>{"out.h5"});
}

TEST_F(Hdf5Results, NothingLeftWhenTheDirectoryDoesNotExist)
{
  const std::string path = file("missing_dir/out.h5");
  try {
    write_results(make_results(), path, false);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    // in the user's words: the system's reason, no HDF5 call names
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("H5F"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(Hdf5Results, TemporaryFileRemovedWhenWritingFailsHalfway)
{
  Results r = make_results();
  r.comparisons[0].name = "bad/name";  // fails after the file has been created
  const std::string path = file("out.h5");
  EXPECT_THROW(write_results(r, path, false), IoError);
  EXPECT_TRUE(listing().empty());

  // ... and an existing file survives a failed forced overwrite
  write_text(path, "precious");
  EXPECT_THROW(write_results(r, path, true), IoError);
  EXPECT_EQ(read_text(path), "precious");
  EXPECT_EQ(listing(), std::vector<std::string>{"out.h5"});
}

TEST_F(Hdf5Results, ReadingSomethingElseIsAnInputError)
{
  const std::string text = file("notes.h5");
  write_text(text, "this is not HDF5\n");
  try {
    read_results(text);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'" + text + "' is not a clvsim results file"), std::string::npos) << e.what();
  }

  // an HDF5 file without the format attribute
  const std::string other = file("other.h5");
  const hid_t f = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  EXPECT_THROW(read_results(other), InputError);

  // an input that cannot be read is bad input (README, exit codes)
  EXPECT_THROW(read_results(file("does_not_exist.h5")), InputError);
}

TEST_F(Hdf5Results, AHorizonOrPathCountNoRunCanHaveIsAnInputError)
{
  // (fuzz_results: a horizon of 2^31 - 1 once sized the discount factors of the JSON summary)
  for (const char* name : {"horizon", "paths"})
    for (const int bad : {2147483647, -1, name == std::string("horizon") ? 0 : MAX_PATHS + 1}) {
      const std::string path = file(std::string("bad_") + name + ".h5");
      std::filesystem::remove(path);
      write_results(make_results(), path, false);
      const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      ASSERT_GE(f, 0);
      const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
      ASSERT_GE(a, 0);
      H5Awrite(a, H5T_NATIVE_INT, &bad);
      H5Aclose(a);
      H5Fclose(f);
      try {
        read_results(path);
        ADD_FAILURE() << name << " = " << bad << ": expected InputError";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(std::string(name) + " " + std::to_string(bad) + " is out of range"),
                  std::string::npos)
            << e.what();
      }
    }
}

TEST_F(Hdf5Results, H5dumpCanListTheFile)
{
  if (std::system("command -v h5dump >/dev/null 2>&1") != 0) GTEST_SKIP() << "no h5dump";
  const std::string path = file("out.h5");
  write_results(make_results(), path, false);
  int status = 0;
  const std::string out = run_capture("h5dump -n '" + path + "' 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("/variants/baseline/paths/npv_profit"), std::string::npos) << out;
  EXPECT_EQ(std::system(("h5dump '" + path + "' >/dev/null 2>&1").c_str()), 0);
}

TEST_F(Hdf5Results, H5pyReadsPathsAndAttributes)
{
  if (!have_h5py()) GTEST_SKIP() << "no /usr/bin/python3 with h5py";
  const Results r = make_results();
  const std::string path = file("out.h5");
  write_results(r, path, false);
  const std::string script = file("read.py");
  write_text(script,
             "import sys, h5py\n"
             "with h5py.File(sys.argv[1], 'r') as f:\n"
             "    fmt = f.attrs['format']\n"
             "    print(fmt if isinstance(fmt, str) else fmt.decode())\n"
             "    print(int(f.attrs['format_version']), int(f.attrs['seed']))\n"
             "    print(' '.join(repr(float(x)) for x in f['/variants/baseline/paths/npv_profit'][()]))\n"
             "    print(f['/variants/baseline/periods/revenue'].shape)\n"
             "    print(f['/variants/baseline/periods/revenue'].attrs['stats'])\n"
             "    print(list(f['/variants'].keys()))\n"
             "    p = f['/sensitivity/baseline.npv_profit/parameter'].asstr()[()]\n"
             "    print('|'.join(p))\n"
             "    print(f.attrs['scenario_name'] == "
             "'Shop \"\\u017b\\u00f3\\u0142w\"\\nline 2')\n");
  int status = 0;
  const std::string out = run_capture("/usr/bin/python3 '" + script + "' '" + path + "' 2>&1", &status);
  ASSERT_EQ(status, 0) << out;
  std::istringstream lines(out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "clvsim-results");
  std::getline(lines, line);
  EXPECT_EQ(line, "1 " + std::to_string(r.seed));
  std::getline(lines, line);
  std::istringstream values(line);
  std::vector<double> npv;
  std::string tok;
  while (values >> tok) npv.push_back(std::strtod(tok.c_str(), nullptr));
  expect_same(npv, r.variants[0].kpis.paths.at("npv_profit"), "h5py npv_profit");
  std::getline(lines, line);
  EXPECT_EQ(line, "(7, 5)");
  std::getline(lines, line);
  EXPECT_EQ(line, "mean,sd,p05,p25,p50,p75,p95");
  std::getline(lines, line);
  EXPECT_EQ(line, "['baseline', 'faster_response']");
  std::getline(lines, line);
  EXPECT_EQ(line, "service.courtesy|purchase.r|spend.p \"odd\"");
  std::getline(lines, line);
  EXPECT_EQ(line, "True");
}

// ----------------------------------------------------------------------------------------
// JSON summary
// ----------------------------------------------------------------------------------------

using JsonSummary = ScratchDir;

TEST(PaybackMedian, NeverCountsAsInfinity)
{
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(payback_median({1, 2, NaN}), 2);
  EXPECT_EQ(payback_median({1, 2, 3, NaN}), 2.5);
  EXPECT_EQ(payback_median({1, NaN}), inf);
  EXPECT_EQ(payback_median({NaN, NaN, NaN}), inf);
  EXPECT_EQ(payback_median({4}), 4);
  EXPECT_TRUE(std::isnan(payback_median({})));
  EXPECT_EQ(share_positive({0.2, -0.1, NaN, 0.0}), 0.25);
}

TEST_F(JsonSummary, ContainsTheDocumentedKeysAndNumbers)
{
  const Results r = make_results();
  const std::string json = to_json(r);
  for (const char* key : {"\"clvsim_version\": \"0.1.0\"",
                          "\"scenario\": ",
                          "\"scenario_path\": ",
                          "\"seed\": 18446744073709551557",
                          "\"paths\": 7",
                          "\"horizon\": 5",
                          "\"period\": \"month\"",
                          "\"currency\": \"PLN\"",
                          "\"variants\": ",
                          "\"baseline\": ",
                          "\"npv_profit\": ",
                          "\"segments\": ",
                          "\"loyal\": ",
                          "\"comparisons\": ",
                          "\"faster_response\": ",
                          "\"delta_npv\": ",
                          "\"cost_npv\": ",
                          "\"net_npv\": ",
                          "\"roi\": ",
                          "\"revenue_uplift\": ",
                          "\"p_roi_positive\": ",
                          "\"payback_period\": ",
                          "\"p50\": ",
                          "\"sensitivity\": ",
                          "\"baseline.npv_profit\": ",
                          "\"spearman\": ",
                          "\"tornado_low\": ",
                          "\"se\": ",
                          "\"p05\": ",
                          "\"p95\": "})
    EXPECT_NE(json.find(key), std::string::npos) << key;
  EXPECT_EQ(json.find("nan"), std::string::npos);
  EXPECT_EQ(json.find("inf"), std::string::npos);

  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  const std::string path = file("summary.json");
  write_text(path, json);
  EXPECT_EQ(std::system(("/usr/bin/python3 -m json.tool '" + path + "' >/dev/null").c_str()), 0) << json;

  // Values, read back by Python and compared with references computed here.
  const std::string script = file("check.py");
  write_text(script,
             "import json, sys\n"
             "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
             "b = d['variants']['baseline']['npv_profit']\n"
             "print(repr(b['mean']), repr(b['p50']))\n"
             "c = d['comparisons']['faster_response']\n"
             "print(repr(c['p_roi_positive']), repr(c['payback_period']['p50']))\n"
             "print(repr(c['roi']['mean']))\n"
             "print(repr(d['variants']['faster_response']['segments']['new']['clv_mean']['sd']))\n"
             "print(d['sensitivity']['baseline.npv_profit']['purchase.r']['spearman'])\n"
             "print(d['seed'], d['paths'], d['horizon'], d['period'], d['currency'])\n");
  int status = 0;
  const std::string out = run_capture("/usr/bin/python3 '" + script + "' '" + path + "' 2>&1", &status);
  ASSERT_EQ(status, 0) << out;
  std::istringstream lines(out);

  const auto& npv = r.variants[0].kpis.paths.at("npv_profit");
  double mean = 0;
  for (double x : npv) mean += x;
  mean /= PATHS;
  double m, p50;
  lines >> m >> p50;
  EXPECT_NEAR(m, mean, 1e-9 * std::abs(mean));
  EXPECT_EQ(p50, ref_quantile(npv, 0.5));  // an order statistic (n = 7): exact

  double p_roi, payback;
  lines >> p_roi >> payback;
  EXPECT_EQ(p_roi, 2.0 / 7.0);  // roi > 0 on 2 of 7 paths (NaN is not positive)
  EXPECT_EQ(payback, 4.0);      // {0, 1, 3, 4, never x3}: the 4th of 7 is 4

  double roi_mean;
  lines >> roi_mean;
  EXPECT_NEAR(roi_mean, (0.2 - 0.2 - 1.1 + 2.0 - 0.45 - 0.1) / 6.0, 1e-12);  // NaN skipped

  const auto& clv = r.variants[1].segments.at("new").paths.at("clv_mean");
  double cm = 0;
  for (double x : clv) cm += x;
  cm /= PATHS;
  double ss = 0;
  for (double x : clv) ss += (x - cm) * (x - cm);
  double sd;
  lines >> sd;
  EXPECT_NEAR(sd, std::sqrt(ss / (PATHS - 1)), 1e-9 * sd);

  double rho;
  lines >> rho;
  EXPECT_EQ(rho, -0.74);
  std::string rest;
  std::getline(lines, rest);
  std::getline(lines, rest);
  EXPECT_EQ(rest, "18446744073709551557 7 5 month PLN");
}

TEST_F(JsonSummary, PaybackNeverIsNull)
{
  Results r = make_results();
  r.comparisons[0].paths["payback_period"] = {NaN, NaN, 2, NaN, NaN, 1, NaN};
  const std::string json = to_json(r);
  const auto pos = json.find("\"payback_period\": {");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_NE(json.find("\"p50\": null", pos), std::string::npos) << json.substr(pos, 80);
}

TEST_F(JsonSummary, TheBySegmentTableShowsEachSegmentsCac)
{
  // a channel's segment mix gives segments their own CAC (#23 item 5): the console shows it
  Results r = make_results();
  r.variants[0].segments["loyal"].paths["cac_mean"] = std::vector<double>(PATHS, 40.0);
  r.variants[0].segments["new"].paths["cac_mean"] = std::vector<double>(PATHS, 120.0);
  std::ostringstream out;
  print_summary(r, out);
  const std::string text = out.str();
  const auto table = text.find("baseline: by segment (mean across paths)");
  ASSERT_NE(table, std::string::npos) << text;
  const std::string rows = text.substr(table, text.find("\n\n", table) - table);
  EXPECT_NE(rows.find("cac_mean"), std::string::npos) << rows;
  const auto loyal = rows.find("\n  loyal"), fresh = rows.find("\n  new");
  ASSERT_NE(loyal, std::string::npos) << rows;
  ASSERT_NE(fresh, std::string::npos) << rows;
  EXPECT_NE(rows.substr(loyal, rows.find('\n', loyal + 1) - loyal).find("40.00"), std::string::npos) << rows;
  EXPECT_NE(rows.substr(fresh, rows.find('\n', fresh + 1) - fresh).find("120.00"), std::string::npos) << rows;
}

TEST_F(JsonSummary, SaysWhenTheSpreadIsMonteCarloNoiseOnly)
{
  // #23 item 7: uncertain_inputs counts the inputs written as distributions; with none, every
  // comparison carries the note beside p_roi_positive (and the console prints it).
  Results r = make_results();
  r.uncertain_inputs.clear();
  std::string json = to_json(r);
  EXPECT_NE(json.find("\"uncertain_inputs\": 0"), std::string::npos);
  EXPECT_NE(json.find(std::string("\"note\": \"") + io::MONTE_CARLO_NOISE_NOTE), std::string::npos);
  std::ostringstream out;
  print_summary(r, out);
  EXPECT_NE(out.str().find("P(roi>0): no input is uncertain, so the spread is Monte Carlo noise only"),
            std::string::npos);
  r.uncertain_inputs = {"purchase.r", "service.courtesy"};
  json = to_json(r);
  EXPECT_NE(json.find("\"uncertain_inputs\": 2"), std::string::npos);
  EXPECT_NE(json.find("\"uncertain_input_keys\": [\n    \"purchase.r\",\n    \"service.courtesy\"\n  ]"),
            std::string::npos)
      << json.substr(0, 600);
  EXPECT_EQ(json.find("\"note\": "), std::string::npos);
  std::ostringstream out2;
  print_summary(r, out2);
  EXPECT_NE(out2.str().find("P(roi>0): over 2 uncertain inputs and Monte Carlo noise"), std::string::npos);
}

TEST_F(JsonSummary, NumbersRoundTripExactly)
{
  Results r = make_results();
  r.variants[0].kpis.paths = {{"npv_profit", {0.1, 1.0 / 3.0, 1e300, -2.5e-7, 123456789.125, 0, 7}}};
  const std::string json = to_json(r);
  const stats::Summary s = stats::summarize(r.variants[0].kpis.paths.at("npv_profit"));
  const auto pos = json.find("\"npv_profit\": {");
  ASSERT_NE(pos, std::string::npos);
  const auto mpos = json.find("\"mean\": ", pos);
  const double mean = std::strtod(json.c_str() + mpos + 8, nullptr);
  EXPECT_EQ(mean, s.mean);  // bitwise: shortest round-trip formatting
}

TEST_F(JsonSummary, EscapesStrings)
{
  const std::string name = "Shop \"Żółw\" \\ tab\there\nnew line \x01 end 🐢";
  Results r = make_results(name);
  r.scenario_path = "C:\\scenarios\\shop.toml";
  r.variants[0].kpis.paths["weird \"kpi\"\n"] = {1, 2, 3, 4, 5, 6, 7};
  std::string bad = "bad utf8 \xff\xfe end";
  r.comparisons[0].name = bad;
  const std::string json = to_json(r);
  EXPECT_NE(json.find(R"("scenario": "Shop \"Żółw\" \\ tab\there\nnew line \u0001 end 🐢")"), std::string::npos)
      << json.substr(0, 300);
  EXPECT_NE(json.find(R"("scenario_path": "C:\\scenarios\\shop.toml")"), std::string::npos);
  EXPECT_NE(json.find(R"("bad utf8 \ufffd\ufffd end")"), std::string::npos);

  if (!have_python()) GTEST_SKIP() << "no /usr/bin/python3";
  const std::string path = file("summary.json");
  write_text(path, json);
  const std::string expected_file = file("expected.txt");
  write_text(expected_file, name);
  const std::string script = file("check.py");
  write_text(script,
             "import json, sys\n"
             "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
             "want = open(sys.argv[2], encoding='utf-8').read()\n"
             "assert d['scenario'] == want, (d['scenario'], want)\n"
             "assert d['scenario_path'] == 'C:\\\\scenarios\\\\shop.toml', d['scenario_path']\n"
             "assert 'weird \"kpi\"\\n' in d['variants']['baseline']\n"
             "print('ok')\n");
  int status = 0;
  const std::string out =
      run_capture("/usr/bin/python3 '" + script + "' '" + path + "' '" + expected_file + "' 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out, "ok\n");
}

// ----------------------------------------------------------------------------------------
// Console summary
// ----------------------------------------------------------------------------------------

std::size_t display_width(const std::string& line)
{
  std::size_t n = 0;
  for (unsigned char c : line)
    if ((c & 0xC0) != 0x80) ++n;  // count UTF-8 code points
  return n;
}

TEST(ConsoleSummary, FormatsMoneySharesAndCounts)
{
  EXPECT_EQ(format_value(1234567.4, KpiKind::money), "1,234,567");
  EXPECT_EQ(format_value(-1234.6, KpiKind::money), "-1,235");
  EXPECT_EQ(format_value(12.345, KpiKind::money), "12.35");  // 12.345 is stored below .345
  EXPECT_EQ(format_value(123456789.0, KpiKind::money), "123.46M");
  EXPECT_EQ(format_value(0.1234, KpiKind::share), "12.3%");
  EXPECT_EQ(format_value(-0.5, KpiKind::share), "-50.0%");
  EXPECT_EQ(format_value(NaN, KpiKind::money), "n/a");
  EXPECT_EQ(format_value(2500.0, KpiKind::count), "2,500");
  EXPECT_EQ(kpi_kind("npv_profit"), KpiKind::money);
  EXPECT_EQ(kpi_kind("clv_mean"), KpiKind::money);
  EXPECT_EQ(kpi_kind("clv_to_cac"), KpiKind::count);
  EXPECT_EQ(kpi_kind("cost_service"), KpiKind::money);
  EXPECT_EQ(kpi_kind("profit_cumulative_discounted"), KpiKind::money);
  EXPECT_EQ(kpi_kind("repeat_revenue_share"), KpiKind::share);
  EXPECT_EQ(kpi_kind("roi"), KpiKind::share);
  EXPECT_EQ(kpi_kind("baseline.npv_profit"), KpiKind::money);
  EXPECT_EQ(kpi_kind("nps_final"), KpiKind::count);
}

TEST(ConsoleSummary, ShowsKpisCurrencyInvestmentsAndSensitivity)
{
  const Results r = make_results();
  std::ostringstream out;
  print_summary(r, out);
  const std::string s = out.str();
  for (const char* want : {"PLN",
                           "npv_profit",
                           "clv_mean",
                           "repeat_revenue_share",
                           "customers_acquired",
                           "mean",
                           "p05",
                           "p95",
                           "baseline",
                           "faster_response",
                           "loyal",
                           "new",
                           "customers_active",
                           "revenue",
                           "nps",
                           "P(roi>0)",
                           "payback",
                           "28.6%",
                           "service.courtesy",
                           "purchase.r",
                           "7 paths",
                           "horizon 5 months",
                           "seed 18446744073709551557"})
    EXPECT_NE(s.find(want), std::string::npos) << want << "\n" << s;
  std::istringstream lines(s);
  std::string line;
  std::getline(lines, line);
  // the newline in the scenario name does not break the header line
  EXPECT_NE(line.find("Shop \"Żółw\" line 2"), std::string::npos) << line;
  while (std::getline(lines, line)) EXPECT_LE(display_width(line), 100u) << line;
  // purchase.r (|rho| = 0.74) is listed before spend.p (0.4) and service.courtesy (0.12)
  const auto sens = s.find("Sensitivity of baseline.npv_profit");
  ASSERT_NE(sens, std::string::npos);
  EXPECT_LT(s.find("purchase.r", sens), s.find("spend.p", sens));
  EXPECT_LT(s.find("spend.p", sens), s.find("service.courtesy", sens));
}

// The "Beyond the horizon" table (docs/model.md §8.4): net_npv beside the value after the
// horizon, the costs after it and their sum; left out for results that have none of these
// metrics (files written before they existed).
TEST(ConsoleSummary, BeyondTheHorizonTableOnlyWithItsMetrics)
{
  Results r = make_results();
  std::ostringstream without;
  print_summary(r, without);
  EXPECT_EQ(without.str().find("Beyond the horizon"), std::string::npos);
  // the per-path row of costs_after_horizon is left out where it is 0 on every path (a baseline
  // without fixed costs), kept for the investment's variant
  r.variants[0].kpis.paths["costs_after_horizon"].assign(PATHS, 0.0);
  r.variants[1].kpis.paths["costs_after_horizon"].assign(PATHS, 300.0);
  Comparison& c = r.comparisons[0];
  c.paths["delta_value_after_horizon"] = {500, 500, 500, 500, 500, 500, 500};
  c.paths["cost_npv_after_horizon"] = {300, 300, 300, 300, 300, 300, 300};
  c.paths["net_npv_lifetime"] = {220, 180, 90, 400, 155, 190, 340};
  std::ostringstream with;
  print_summary(r, with);
  const std::string s = with.str();
  const auto at = s.find("Beyond the horizon");
  ASSERT_NE(at, std::string::npos) << s;
  const auto row = s.find("faster_response", at);
  ASSERT_NE(row, std::string::npos);
  const std::string line = s.substr(row, s.find('\n', row) - row);
  // net_npv mean 25, value after 500, cost after 300, lifetime mean 225, positive on every path
  for (const char* want : {"25.0", "500", "300", "225", "100.0%"})
    EXPECT_NE(line.find(want), std::string::npos) << want << " in " << line;
  const auto first = s.find("costs_after_horizon");
  ASSERT_NE(first, std::string::npos);
  EXPECT_GT(first, s.find("faster_response: per-path KPIs"));  // not in the baseline's table
  EXPECT_EQ(s.find("costs_after_horizon", first + 1), std::string::npos);
}

TEST(ConsoleSummary, InputsThatCannotMoveAnOutputAreLeftOutOfItsTable)
{
  Results r = make_results();
  r.sensitivity[0].reaches = {1, 0, 1};  // purchase.r cannot move it (as an investment's own cost could not)
  std::ostringstream out;
  print_summary(r, out);
  const std::string s = out.str();
  const auto sens = s.find("Sensitivity of baseline.npv_profit");
  ASSERT_NE(sens, std::string::npos) << s;
  EXPECT_EQ(s.find("purchase.r", sens), std::string::npos) << s.substr(sens);
  EXPECT_NE(s.find("service.courtesy", sens), std::string::npos);
  EXPECT_NE(s.find("(1 input left out: an investment's own values cannot move this output)", sens), std::string::npos)
      << s.substr(sens);
  // none reaches: no table at all
  r.sensitivity[0].reaches = {0, 0, 0};
  std::ostringstream none;
  print_summary(r, none);
  EXPECT_EQ(none.str().find("Sensitivity of baseline.npv_profit"), std::string::npos);
}

TEST(ConsoleSummary, EndsByRecallingTheScenariosWarnings)
{
  Results r = make_results();  // two warnings
  std::ostringstream out;
  print_summary(r, out);
  const std::string s = out.str();
  EXPECT_EQ(s.substr(s.rfind('\n', s.size() - 2) + 1),
            "2 warnings about this scenario: printed before this summary, kept in the results and the report\n");
  r.warnings.clear();
  std::ostringstream quiet;
  print_summary(r, quiet);
  EXPECT_EQ(quiet.str().find("about this scenario"), std::string::npos);
}

TEST(ConsoleSummary, TheHeaderNamesTheScenarioOrItsFile)
{
  Results r = make_results();
  r.scenario_name = "shop";
  r.scenario_path = "shop.toml";
  const auto head = [&] {
    std::ostringstream out;
    print_summary(r, out);
    return out.str().substr(0, out.str().find('\n'));
  };
  EXPECT_NE(head().find(" - scenario \"shop\" (shop.toml)"), std::string::npos) << head();
  r.scenario_name.clear();  // a fit fragment has no simulation.name: no empty quotes
  EXPECT_EQ(head().substr(head().find(" - ")), " - scenario shop.toml");
}

TEST(ConsoleSummary, TheHistorysKpisAppearOnlyWithAHistory)
{
  Results r = make_results();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto& paths = r.variants[0].kpis.paths;
  paths["clv_existing_mean"] = std::vector<double>(paths.at("npv_profit").size(), nan);
  paths["customer_equity_existing"] = paths["clv_existing_mean"];
  std::ostringstream without;
  print_summary(r, without);
  EXPECT_EQ(without.str().find("existing"), std::string::npos) << without.str();
  paths["clv_existing_mean"][0] = 38.4;  // a run with a history: a value on some path
  paths["customer_equity_existing"][0] = 90410.0;
  std::ostringstream with;
  print_summary(r, with);
  EXPECT_NE(with.str().find("  clv_existing_mean"), std::string::npos) << with.str();
  EXPECT_NE(with.str().find("  customer_equity_existing"), std::string::npos) << with.str();
}

TEST(ConsoleSummary, SkipsEmptySectionsAndThinsLongHorizons)
{
  Results r;
  r.paths = 2;
  r.horizon = 120;
  r.period = "month";
  r.currency = "EUR";
  r.scenario_name = "long";
  VariantResults v;
  v.name = "baseline";
  v.kpis.periods["revenue"] = std::vector<double>(2 * 120, 1000.0);
  v.kpis.paths["npv_profit"] = {1, 2};
  r.variants.push_back(v);
  std::ostringstream out;
  print_summary(r, out);
  const std::string s = out.str();
  EXPECT_EQ(s.find("Investments"), std::string::npos);
  EXPECT_EQ(s.find("Sensitivity"), std::string::npos);
  EXPECT_EQ(s.find("segment"), std::string::npos);
  std::istringstream lines(s);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line))
    if (line.find("1,000") != std::string::npos) ++rows;
  EXPECT_GT(rows, 5);
  EXPECT_LE(rows, 25);
}

TEST(ConsoleSummary, ManyVariantsGetOneLineEach)
{
  Results r = make_results();
  for (int i = 0; i < 6; ++i) {
    VariantResults v = r.variants[0];
    v.name = "sweep_000" + std::to_string(i);
    v.sweep_values = {{"service.courtesy", 0.5 + 0.1 * i}};
    r.variants.push_back(v);
  }
  std::ostringstream out;
  print_summary(r, out);
  const std::string s = out.str();
  EXPECT_NE(s.find("sweep_0005"), std::string::npos);
  EXPECT_NE(s.find("service.courtesy = 1"), std::string::npos) << s;
  std::istringstream lines(s);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(display_width(line), 100u) << line;
}

}  // namespace

// ----------------------------------------------------------------------------------------
// Subscription runs (docs/model.md §11.6)
// ----------------------------------------------------------------------------------------

//! make_results() as a subscription run: the closed forms and each variant's retention.
inline Results make_subscription_results()
{
  Results r = make_results();
  r.subscription.months_per_period = 1;
  r.subscription.discount_rate_per_period = 0.008;
  r.subscription.fee = 79;
  r.subscription.derl_periods = 4.25;
  r.subscription.derl_value = 79 * 4.25;
  r.subscription.del_periods = 5.2;
  r.subscription.del_value = 79 * 5.2;
  r.subscription.retention_closed_form = {1, 0.8, 0.68, 0.6, 0.54};
  for (auto& v : r.variants) {
    v.retention_by_tenure.resize(PATHS * H);
    for (int p = 0; p < PATHS; ++p)
      for (int k = 0; k < H; ++k) v.retention_by_tenure[p * H + k] = k == 0 ? 1.0 : 0.9 - 0.07 * k + 0.001 * p;
  }
  return r;
}

using SubscriptionOutputs = ScratchDir;

TEST_F(SubscriptionOutputs, HdfRoundTripJsonAndConsole)
{
  const Results r = make_subscription_results();
  const std::string path = file("sub.h5");
  write_results(r, path, false);
  expect_same(r, read_results(path));

  // JSON: subscription.{...}; MRR = revenue / months_per_period, retention mean and se
  const std::string json = to_json(r);
  for (const char* key : {"\"subscription\": ", "\"months_per_period\": 1", "\"discount_rate_per_period\": 0.008",
                          "\"fee\": 79", "\"derl\": ", "\"periods\": 4.25",
                          "\"del\": ", "\"retention_closed_form\": ", "\"mrr\": ", "\"retention_by_tenure\": "})
    EXPECT_NE(json.find(key), std::string::npos) << key;
  EXPECT_EQ(to_json(make_results()).find("\"subscription\""), std::string::npos) << "only for subscription runs";
  if (have_python()) {
    const std::string jpath = file("summary.json"), script = file("check.py");
    write_text(jpath, json);
    write_text(script,
               "import json, sys\n"
               "d = json.load(open(sys.argv[1], encoding='utf-8'))['subscription']\n"
               "b = d['variants']['baseline']\n"
               "print(repr(b['mrr']['mean'][2]), repr(b['retention_by_tenure']['mean'][3]),\n"
               "      repr(b['retention_by_tenure']['se'][0]), len(b['mrr']['p05']), d['derl']['value'])\n");
    const std::string out_path = file("out.txt");
    ASSERT_EQ(std::system(("/usr/bin/python3 '" + script + "' '" + jpath + "' > '" + out_path + "'").c_str()), 0);
    double mrr2 = 0;
    for (int p = 0; p < PATHS; ++p) mrr2 += r.variants[0].kpis.periods.at("revenue")[p * H + 2];
    mrr2 /= PATHS;
    double ret3 = 0;
    for (int p = 0; p < PATHS; ++p) ret3 += r.variants[0].retention_by_tenure[p * H + 3];
    ret3 /= PATHS;
    std::ifstream in(out_path);
    double got_mrr = 0, got_ret = 0, got_se = -1, derl_value = 0;
    int n = 0;
    in >> got_mrr >> got_ret >> got_se >> n >> derl_value;
    EXPECT_NEAR(got_mrr, mrr2, 1e-9 * std::abs(mrr2));
    EXPECT_NEAR(got_ret, ret3, 1e-12);
    EXPECT_EQ(got_se, 0.0);  // every path keeps everyone at k = 0
    EXPECT_EQ(n, H);
    EXPECT_EQ(derl_value, 79 * 4.25);
  }

  // Console: the subscription table, without the order KPIs, within 100 columns
  std::ostringstream out;
  print_summary(r, out);
  const std::string s = out.str();
  for (const char* want : {"Subscription (purchase.model = \"sbg\"", "DERL 4.25 further payments = 335.75 PLN",
                           "MRR mean", "retention", "sBG S(k)"})
    EXPECT_NE(s.find(want), std::string::npos) << want << "\n" << s;
  EXPECT_EQ(s.find("repeat_revenue_share"), std::string::npos) << s;
  std::istringstream lines(s);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(display_width(line), 100u) << line;
}

}  // namespace clvsim::io::test
