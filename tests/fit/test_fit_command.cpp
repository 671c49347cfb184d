// `clvsim fit` end to end through run_fit_command (engine/cli/fit_command.h): options,
// JSON shape, the scenario fragment and the summary CSV, overwrite protection, usage errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include <toml++/toml.h>

#include "engine/core/errors.h"
#include "engine/cli/fit_command.h"

using namespace clvsim;
namespace fs = std::filesystem;

namespace {

fs::path test_data()
{
  return CLVSIM_TEST_DATA;
}

//! A fresh directory per test.
class FitCommand : public ::testing::Test {
protected:
  void SetUp() override
  {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("clvsim_fit_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text)
  {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  //! A small log: 300 customers with purchases over 20 weeks, drawn with a fixed seed.
  std::string small_log(const std::string& name, const std::string& header, bool compact)
  {
    std::mt19937_64 rng(11);
    std::ostringstream s;
    s << header << "\n";
    for (int c = 0; c < 300; ++c) {
      int d = static_cast<int>(rng() % 28);
      const int n = 1 + static_cast<int>(rng() % 6);
      for (int k = 0; k < n && d < 140; ++k, d += 1 + static_cast<int>(rng() % 30)) {
        const int month = 1 + d / 28, day = 1 + d % 28;
        char date[16];
        std::snprintf(date, sizeof date, compact ? "1997%02d%02d" : "1997-%02d-%02d", month, day);
        s << "cust" << c << "," << date << "," << (5 + rng() % 50) << ".5\n";
      }
    }
    return write(name, s.str());
  }
  int run(std::vector<std::string> args)
  {
    out_.str("");
    err_.str("");
    return fit::run_fit_command(args, out_, err_);
  }
  std::string input_error(std::vector<std::string> args)
  {
    try {
      run(args);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

}  // namespace

TEST_F(FitCommand, HelpListsTheOptions)
{
  EXPECT_EQ(run({"--help"}), 0);
  for (const char* o : {"--columns", "--date-format", "--calibration-end", "--holdout-end", "--time-unit",
                        "--model", "--summary-out", "--force", "--json", "--horizon", "--survival"})
    EXPECT_NE(out_.str().find(o), std::string::npos) << o;
}

TEST_F(FitCommand, UsageErrors)
{
  const std::string log = small_log("log.csv", "customer_id,date,amount", false);
  EXPECT_EQ(input_error({log}), "error: fit: --calibration-end DATE is required (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({}), "error: fit: missing TRANSACTIONS.csv (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-02-30"}),
            "error: fit: --calibration-end '1997-02-30' is not a date (expected YYYY-MM-DD) (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-03-01", "--model", "bgnbd"}),
            "error: fit: --model 'bgnbd' must be bg_nbd, pareto_nbd or all (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-03-01", "--time-unit", "fortnight"}),
            "error: fit: --time-unit 'fortnight' must be day, week or month (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-03-01", "--holdout-end", "1997-02-01"}),
            "error: fit: --holdout-end 1997-02-01 must be after --calibration-end 1997-03-01 (see 'clvsim fit --help')");
  EXPECT_NE(input_error({log, "--calibration-end", "1997-03-01", "--bogus"}).find("unrecognised option '--bogus'"),
            std::string::npos);
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-03-01", "--horizon", "0"}),
            "error: fit: --horizon '0' must be a whole number of periods >= 1 (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1996-03-01"}),
            "error: " + log + ": no transactions on or before the calibration end 1996-03-01");
}

TEST_F(FitCommand, ColumnsMappingAndCompactDatesGiveTheSameFit)
{
  const std::string iso = small_log("iso.csv", "customer_id,date,amount", false);
  const std::string compact = small_log("compact.csv", "spend,day,who", true);
  // compact.csv has its columns in another order and other names: remap them.
  {
    std::ifstream in(compact);
    std::ostringstream fixed;
    std::string line;
    std::getline(in, line);
    fixed << "who,day,spend\n";
    while (std::getline(in, line)) fixed << line << "\n";
    write("compact.csv", fixed.str());
  }
  ASSERT_EQ(run({iso, "--calibration-end", "1997-03-31", "--json"}), 0);
  const std::string a = out_.str();
  ASSERT_EQ(run({compact, "--calibration-end", "19970331", "--json", "--columns", "who,day,spend",
                 "--date-format", "%Y%m%d"}),
            0);
  EXPECT_EQ(out_.str(), a);
  // Two names: no amounts, so no gamma-gamma.
  ASSERT_EQ(run({iso, "--calibration-end", "1997-03-31", "--json", "--columns", "customer_id,date"}), 0);
  EXPECT_EQ(out_.str().find("gamma_gamma"), std::string::npos);
  EXPECT_EQ(input_error({compact, "--calibration-end", "1997-03-31"}),
            "error: " + compact + ":1: missing column 'customer_id' (header: who,day,spend)");
}

TEST_F(FitCommand, JsonShapeOnCdnow)
{
  const auto path = test_data() / "cdnow_sample.csv";
  if (!fs::exists(path)) FAIL() << "CDNOW sample not found in " << test_data();
  ASSERT_EQ(run({path.string(), "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30", "--json"}), 0);
  const std::string j = out_.str();
  const std::string num = "-?[0-9.eE+-]+";
  const std::string params4 = "\\{\"r\": " + num + ", \"alpha\": " + num + ", \"a\": " + num + ", \"b\": " + num + "\\}";
  const std::string params3 = "\\{\"p\": " + num + ", \"q\": " + num + ", \"gamma\": " + num + "\\}";
  const std::regex shape(
      "\\{\"summary\": \\{\"customers\": 2357, \"repeat_customers\": 946, \"repeat_transactions\": 2457, "
      "\"holdout_transactions\": 1882\\}, \"models\": \\{"
      "\"bg_nbd\": \\{\"params\": " + params4 + ", \"se\": " + params4 + ", \"log_likelihood\": " + num + "\\}, "
      "\"gamma_gamma\": \\{\"params\": " + params3 + ", \"se\": " + params3 + ", \"log_likelihood\": " + num + "\\}"
      "\\}\\}\n");
  EXPECT_TRUE(std::regex_match(j, shape)) << j;
  EXPECT_NE(j.find("\"log_likelihood\": -9582.42"), std::string::npos) << j;
  EXPECT_EQ(err_.str(), "");  // a clean fit: no warnings
}

TEST_F(FitCommand, ScenarioFragmentAndSummaryAreWrittenAndProtected)
{
  const auto path = test_data() / "cdnow_sample.csv";
  if (!fs::exists(path)) FAIL() << "CDNOW sample not found in " << test_data();
  const std::string toml_path = (dir_ / "out" / "fitted.toml").string();
  fs::create_directories(dir_ / "out");
  ASSERT_EQ(run({path.string(), "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30", "-o", toml_path}), 0);
  // Console: the table, the holdout comparison and the tracking table.
  EXPECT_NE(out_.str().find("expected     1653.4   actual       1882"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("    78  1998-06-30 holdout           4339"), std::string::npos) << out_.str();

  const fs::path summary = dir_ / "out" / "fitted_customers.csv";
  ASSERT_TRUE(fs::exists(summary));
  std::ifstream s(summary);
  std::string header, first;
  std::getline(s, header);
  std::getline(s, first);
  EXPECT_EQ(header, "customer_id,x,t_x,T,m_x");
  EXPECT_EQ(first, "1,2,30.428571428571427,38.857142857142854,22.345");

  const toml::table t = toml::parse_file(toml_path);
  EXPECT_EQ(t["simulation"]["period"].value_or(std::string()), "week");
  EXPECT_EQ(t["simulation"]["horizon"].value_or(0), 52);
  EXPECT_EQ(t["population"]["history"].value_or(std::string()), "fitted_customers.csv");
  EXPECT_EQ(t["population"]["history_time_unit"].value_or(std::string()), "week");
  EXPECT_EQ(t["population"]["initial_customers"].value_or(-1), 0);
  EXPECT_EQ(t["purchase"]["model"].value_or(std::string()), "bg_nbd");
  EXPECT_EQ(t["purchase"]["time_unit"].value_or(std::string()), "week");
  EXPECT_NEAR(t["purchase"]["r"].value_or(0.0), 0.2426, 1e-4);
  EXPECT_NEAR(t["purchase"]["alpha"].value_or(0.0), 4.4136, 1e-4);
  EXPECT_NEAR(t["purchase"]["a"].value_or(0.0), 0.7929, 1e-4);
  EXPECT_NEAR(t["purchase"]["b"].value_or(0.0), 2.4259, 1e-4);
  EXPECT_EQ(t["spend"]["model"].value_or(std::string()), "gamma_gamma");
  EXPECT_NEAR(t["spend"]["p"].value_or(0.0), 6.2496, 1e-3);
  EXPECT_NEAR(t["spend"]["q"].value_or(0.0), 3.7442, 1e-3);
  EXPECT_NEAR(t["spend"]["gamma"].value_or(0.0), 15.4435, 1e-3);

  // Existing outputs are not overwritten without --force, and nothing is written.
  const auto before = fs::last_write_time(toml_path);
  EXPECT_EQ(input_error({path.string(), "--calibration-end", "1997-09-30", "-o", toml_path}),
            "error: scenario fragment '" + toml_path + "' exists; use --force to overwrite");
  EXPECT_EQ(fs::last_write_time(toml_path), before);
  ASSERT_EQ(run({path.string(), "--calibration-end", "1997-09-30", "-o", toml_path, "--force", "--json",
                 "--time-unit", "month", "--summary-out", (dir_ / "months.csv").string()}),
            0);
  const toml::table m = toml::parse_file(toml_path);
  EXPECT_EQ(m["simulation"]["period"].value_or(std::string()), "month");
  EXPECT_EQ(m["simulation"]["horizon"].value_or(0), 12);
  EXPECT_EQ(m["population"]["history"].value_or(std::string()), "../months.csv");
  EXPECT_EQ(m["purchase"]["time_unit"].value_or(std::string()), "month");
  for (const auto& e : fs::directory_iterator(dir_ / "out"))
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
}

TEST_F(FitCommand, SurvivalTableFitsTheSbg)
{
  // F&H 2007 "regular" customers: 1000 at the start, survivors after each of 7 years.
  const std::string table = write("cohort.csv", "period,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n");
  const std::string toml_path = (dir_ / "sub.toml").string();
  ASSERT_EQ(run({"--survival", table, "--json", "-o", toml_path, "--time-unit", "month"}), 0);
  EXPECT_NE(out_.str().find("{\"summary\": {\"cohort\": 1000, \"periods\": 7}, \"models\": {\"sbg\": {\"params\": {\"alpha\": 0.7"),
            std::string::npos)
      << out_.str();
  const toml::table t = toml::parse_file(toml_path);
  EXPECT_EQ(t["purchase"]["model"].value_or(std::string()), "sbg");
  EXPECT_EQ(t["purchase"]["time_unit"].value_or(std::string()), "month");
  EXPECT_NEAR(t["purchase"]["alpha"].value_or(0.0), 0.704, 0.01);  // published: 0.704, 1.182
  EXPECT_NEAR(t["purchase"]["beta"].value_or(0.0), 1.182, 0.02);

  const std::string bad = write("bad.csv", "period,alive\n0,1000\n1,631\n2,700\n");
  EXPECT_EQ(input_error({"--survival", bad}), "error: " + bad + ":4: alive 700 exceeds the previous period's 631 (survivors cannot increase)");
  const std::string gap = write("gap.csv", "period,alive\n0,1000\n2,631\n");
  EXPECT_EQ(input_error({"--survival", gap}), "error: " + gap + ":3: period '2' should be 1 (periods are 0, 1, 2, ... in order)");
  const std::string rows = write("rows.csv", "\xEF\xBB\xBFperiod,alive\r\n0,1000\r\n1,-5\r\n3,600\r\n3,x\r\n");
  EXPECT_EQ(input_error({"--survival", rows}), "error: " + rows + ":3: alive -5 is negative\n" +  //
                                                   "error: " + rows + ":4: period '3' should be 2 (periods are 0, 1, 2, ... in order)\n" +
                                                   "error: " + rows + ":5: alive 'x' is not a number");
}
