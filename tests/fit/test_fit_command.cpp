// `clvsim fit` end to end through run_fit_command (engine/cli/fit_command.h): options,
// JSON shape, the scenario fragment and the summary CSV, overwrite protection, usage errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include <toml++/toml.h>

#include "engine/cli/fit_command.h"
#include "engine/core/errors.h"

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
  for (const char* o : {"--columns", "--date-format", "--calibration-end", "--holdout-end", "--time-unit", "--model",
                        "--summary-out", "--force", "--json", "--horizon", "--survival", "--summary", "--threads",
                        "--parameter-uncertainty", "--currency", "--name", "--predictions", "mbg_nbd", "bg_bb"})
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
            "error: fit: --model 'bgnbd' must be bg_nbd, mbg_nbd, pareto_nbd, bg_bb or all (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-03-01", "--model", "bg_bb"}),
            "error: fit: --model bg_bb needs --summary FILE.csv with the columns x,t_x,n (discrete time) (see 'clvsim "
            "fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-03-01", "--threads", "-2"}),
            "error: fit: --threads -2 is out of range [0, 1024] (see 'clvsim fit --help')");
  EXPECT_EQ(
      input_error({log, "--calibration-end", "1997-03-01", "--parameter-uncertainty"}),
      "error: fit: --parameter-uncertainty writes into the fragment: give -o FILE.toml (see 'clvsim fit --help')");
  EXPECT_EQ(input_error({log, "--calibration-end", "1997-03-01", "--time-unit", "fortnight"}),
            "error: fit: --time-unit 'fortnight' must be day, week or month (see 'clvsim fit --help')");
  EXPECT_EQ(
      input_error({log, "--calibration-end", "1997-03-01", "--holdout-end", "1997-02-01"}),
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
  ASSERT_EQ(run({compact, "--calibration-end", "19970331", "--json", "--columns", "who,day,spend", "--date-format",
                 "%Y%m%d"}),
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
  const std::string params4 =
      "\\{\"r\": " + num + ", \"alpha\": " + num + ", \"a\": " + num + ", \"b\": " + num + "\\}";
  const std::string params3 = "\\{\"p\": " + num + ", \"q\": " + num + ", \"gamma\": " + num + "\\}";
  const std::regex shape(
      "\\{\"summary\": \\{\"customers\": 2357, \"repeat_customers\": 946, \"repeat_transactions\": 2457, "
      "\"holdout_transactions\": 1882\\}, \"models\": \\{"
      "\"bg_nbd\": \\{\"params\": " +
      params4 + ", \"se\": " + params4 + ", \"log_likelihood\": " + num + ", \"observations\": 2357, \"aic\": " + num +
      ", \"bic\": " + num +
      ", \"cov_log\": \\[\\[.*\\]\\], "
      "\"holdout\": \\{\"expected\": " +
      num + ", \"mae\": " + num + ", \"rmse\": " + num +
      "\\}\\}, "
      "\"gamma_gamma\": \\{\"params\": " +
      params3 + ", \"se\": " + params3 + ", \"log_likelihood\": " + num + ", \"observations\": 946, \"aic\": " + num +
      ", \"bic\": " + num +
      ", \"cov_log\": \\[\\[.*\\]\\]\\}"
      "\\}, \"chosen\": \\{\"model\": \"bg_nbd\", \"reason\": \"the only purchase model fitted\"\\}, "
      "\"holdout\": \\{\"from\": \"1997-10-01\", \"to\": \"1998-06-30\", \"length\": 39, \"time_unit\": \"week\", "
      "\"actual\": 1882, \"expected\": \\{\"bg_nbd\": 1653.4" +
      num +
      "\\}, "
      "\"by_frequency\": \\{\"x\": \\[\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\\+\"\\], "
      "\"customers\": \\[1411, 439, 214, 100, 62, 38, 29, 64\\], \"actual_mean\": \\[.*\\], \"bg_nbd\": \\[.*\\]\\}, "
      "\"tracking\": \\{\"period\": \\[1, 2, .*, 78\\], \"last_day\": \\[\"1997-01-07\", .*\"1998-06-30\"\\], "
      "\"holdout\": \\[false, .*, true\\], \"actual\": \\[0, 19, .*, 4339\\], \"bg_nbd\": \\[.*\\]\\}\\}\\}\n");
  EXPECT_TRUE(std::regex_match(j, shape)) << j;
  EXPECT_NE(j.find("\"log_likelihood\": -9582.42"), std::string::npos) << j;
  // AIC = 2k − 2LL and BIC = k ln n − 2LL, k = 4, n = 2357, LL = −9582.429206673925.
  EXPECT_NE(j.find("\"aic\": 19172.8584"), std::string::npos) << j;
  EXPECT_NE(j.find("\"bic\": 19195.918992"), std::string::npos) << j;
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
  // What the log cannot tell is said in [economics], not left to silent defaults.
  EXPECT_FALSE(t["economics"]["currency"]);
  std::ifstream fragment(toml_path);
  const std::string text((std::istreambuf_iterator<char>(fragment)), std::istreambuf_iterator<char>());
  for (const char* line : {"[economics]\n# What the fitted data cannot tell: set these for your shop",
                           "# currency = \"USD\"   # the amounts' currency (fit --currency); left out, results are "
                           "labelled PLN\n",
                           "# gross_margin = 0.3   # clvsim's default, an assumption"})
    EXPECT_NE(text.find(line), std::string::npos) << line << " in\n" << text;

  // Existing outputs are not overwritten without --force, and nothing is written.
  const auto before = fs::last_write_time(toml_path);
  EXPECT_EQ(input_error({path.string(), "--calibration-end", "1997-09-30", "-o", toml_path}),
            "error: scenario fragment '" + toml_path + "' exists; use --force to overwrite");
  EXPECT_EQ(fs::last_write_time(toml_path), before);
  ASSERT_EQ(run({path.string(), "--calibration-end", "1997-09-30", "-o", toml_path, "--force", "--json", "--time-unit",
                 "month", "--summary-out", (dir_ / "months.csv").string()}),
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
  const std::string table =
      write("cohort.csv", "period,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n");
  const std::string toml_path = (dir_ / "sub.toml").string();
  ASSERT_EQ(run({"--survival", table, "--json", "-o", toml_path, "--time-unit", "month"}), 0);
  EXPECT_NE(out_.str().find(
                "{\"summary\": {\"cohort\": 1000, \"periods\": 7}, \"models\": {\"sbg\": {\"params\": {\"alpha\": 0.7"),
            std::string::npos)
      << out_.str();
  const toml::table t = toml::parse_file(toml_path);
  EXPECT_EQ(t["purchase"]["model"].value_or(std::string()), "sbg");
  EXPECT_EQ(t["purchase"]["time_unit"].value_or(std::string()), "month");
  EXPECT_NEAR(t["purchase"]["alpha"].value_or(0.0), 0.704, 0.01);  // published: 0.704, 1.182
  EXPECT_NEAR(t["purchase"]["beta"].value_or(0.0), 1.182, 0.02);

  const std::string bad = write("bad.csv", "period,alive\n0,1000\n1,631\n2,700\n");
  EXPECT_EQ(input_error({"--survival", table}),
            "error: fit: --survival needs --time-unit week or month: the period of the cohort table, which becomes "
            "simulation.period of the fragment (see 'clvsim fit --help')");
  ASSERT_EQ(run({"--survival", table, "--time-unit", "month"}), 0);
  // Fitted against actual survival: period 7, 241 alive of 1000.
  EXPECT_NE(out_.str().find("       7          241     0.2410"), std::string::npos) << out_.str();
  EXPECT_EQ(input_error({"--survival", bad, "--time-unit", "month"}),
            "error: " + bad + ":4: alive 700 exceeds the previous period's 631 (survivors cannot increase)");
  const std::string gap = write("gap.csv", "period,alive\n0,1000\n2,631\n");
  EXPECT_EQ(input_error({"--survival", gap, "--time-unit", "month"}),
            "error: " + gap + ":3: period '2' should be 1 (periods are 0, 1, 2, ... in order)");
  const std::string rows = write("rows.csv", "\xEF\xBB\xBFperiod,alive\r\n0,1000\r\n1,-5\r\n3,600\r\n3,x\r\n");
  EXPECT_EQ(input_error({"--survival", rows, "--time-unit", "week"}),
            "error: " + rows + ":3: alive -5 is negative\n" +  //
                "error: " + rows + ":4: period '3' should be 2 (periods are 0, 1, 2, ... in order)\n" +
                "error: " + rows + ":5: alive 'x' is not a number");
}

TEST_F(FitCommand, SummaryFileGivesTheSameFitAsTheLogAndCountsCompressIt)
{
  const auto log = test_data() / "cdnow_sample.csv";
  const auto customers = test_data() / "cdnow_customers.csv";  // what fit writes for this log
  ASSERT_EQ(run({log.string(), "--calibration-end", "1997-09-30", "--json", "--model", "all"}), 0);
  const std::string from_log = out_.str();
  ASSERT_EQ(run({"--summary", customers.string(), "--json", "--model", "all"}), 0);
  const std::string from_summary = out_.str();
  // The same customers: the same estimates to the last bit (the summary holds the log's doubles).
  const auto models_part = [](const std::string& j) { return j.substr(j.find("\"models\"")); };
  EXPECT_EQ(models_part(from_summary), models_part(from_log));

  // Compressed: one row per distinct (x, t_x, T) with its count (no m_x: it differs within a row).
  std::ifstream in(customers);
  std::string line;
  std::getline(in, line);
  std::map<std::string, int> counts;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string p; std::getline(ss, p, ',');) f.push_back(p);
    counts[f[1] + "," + f[2] + "," + f[3]] += 1;
  }
  std::string compressed = "x,t_x,T,count\n";
  for (const auto& [k, n] : counts) compressed += k + "," + std::to_string(n) + "\n";
  const std::string packed = write("packed.csv", compressed);
  ASSERT_LT(counts.size(), 2357u / 2);
  ASSERT_EQ(run({"--summary", packed, "--json", "--model", "all", "--threads", "1"}), 0);
  const std::string a = out_.str();
  for (const char* m : {"bg_nbd", "mbg_nbd", "pareto_nbd"}) {
    const auto params = [&](const std::string& j) {
      const auto at = j.find(std::string("\"") + m + "\": {\"params\"");
      return j.substr(at, j.find("\"se\"", at) - at);
    };
    EXPECT_EQ(params(a), params(from_log)) << m;
  }
  EXPECT_NE(a.find("\"customers\": 2357"), std::string::npos) << a;
  // The fragment of a summary with counts has no history, and says why.
  const std::string toml_path = (dir_ / "packed.toml").string();
  ASSERT_EQ(run({"--summary", packed, "-o", toml_path, "--currency", "USD", "--name", "CDNOW"}), 0);
  const toml::table t = toml::parse_file(toml_path);
  EXPECT_FALSE(t["population"]["history"]);
  EXPECT_EQ(t["economics"]["currency"].value_or(std::string()), "USD");
  EXPECT_EQ(t["simulation"]["name"].value_or(std::string()), "CDNOW");
}

TEST_F(FitCommand, BgBbFromTheDonationsSummary)
{
  const auto path = test_data() / "donations_summary.csv";
  ASSERT_EQ(run({"--summary", path.string(), "--json"}), 0);  // n in the header: bg_bb
  const std::string j = out_.str();
  EXPECT_NE(
      j.find(
          "{\"summary\": {\"customers\": 11104, \"rows\": 22}, \"models\": {\"bg_bb\": {\"params\": {\"alpha\": 1.20"),
      std::string::npos)
      << j;
  EXPECT_NE(j.find("\"log_likelihood\": -33225.58"), std::string::npos) << j;  // -33,225.6 published
  EXPECT_EQ(input_error({"--summary", path.string(), "--model", "pareto_nbd"}),
            "error: fit: --model pareto_nbd needs x,t_x,T; " + path.string() +
                " has n (discrete time): use --model bg_bb (see 'clvsim fit --help')");
}

TEST_F(FitCommand, BadSummaryRowsAreAllReportedAndNothingIsWritten)
{
  const std::string bad = write("bad.csv",
                                "customer_id,x,t_x,T,count\n"
                                "a,1,2,3,1\n"
                                "b,-1,0,3,1\n"     // x < 0
                                "c,1.5,1,3,1\n"    // x not whole
                                "d,2,5,3,1\n"      // t_x > T
                                "e,0,1,3,1\n"      // t_x without a repeat purchase
                                "a,1,1,3,1\n"      // duplicate id
                                "f,1,1,3,0\n"      // count < 1
                                "g,1,1,abc,1\n");  // T not a number
  const std::string toml_path = (dir_ / "never.toml").string();
  EXPECT_EQ(input_error({"--summary", bad, "-o", toml_path}),
            "error: " + bad + ":3: x = -1 is below 0\n" +                  //
                "error: " + bad + ":4: x = 1.5 is not a whole number\n" +  //
                "error: " + bad + ":5: t_x = 5 is greater than T = 3\n" +  //
                "error: " + bad + ":6: t_x = 1 with x = 0 (t_x must be 0 without a repeat purchase)\n" +
                "error: " + bad + ":7: customer_id 'a' appears more than once\n" +  //
                "error: " + bad + ":8: count = 0 is below 1\n" +                    //
                "error: " + bad + ":9: T = 'abc' is not a number");
  EXPECT_FALSE(fs::exists(toml_path));
  const std::string both = write("both.csv", "x,t_x,T,n\n1,1,2,2\n");
  EXPECT_EQ(input_error({"--summary", both}),
            "error: " + both +
                ":1: both T and n (header: x,t_x,T,n): give T for continuous time (bg_nbd, mbg_nbd, "
                "pareto_nbd) or n, the number of transaction opportunities, for bg_bb");
  const std::string discrete = write("d.csv", "x,t_x,n\n3,2,6\n0,0,6\n");
  EXPECT_EQ(input_error({"--summary", discrete}),
            "error: " + discrete + ":2: x = 3 is greater than t_x = 2 (each transaction takes one opportunity)");
  EXPECT_THROW(run({"--summary", (dir_ / "missing.csv").string()}), InputError);  // unreadable input: bad input
}

TEST_F(FitCommand, ModelComparisonChoosesAndTheUncertaintyFragmentCarriesTheCovariance)
{
  const auto path = test_data() / "cdnow_sample.csv";
  const std::string toml_path = (dir_ / "all.toml").string(), predictions = (dir_ / "pred.csv").string();
  ASSERT_EQ(run({path.string(), "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30", "--model", "all",
                 "-o", toml_path, "--parameter-uncertainty", "--predictions", predictions}),
            0);
  const std::string o = out_.str();
  EXPECT_NE(o.find("model comparison"), std::string::npos) << o;
  EXPECT_NE(o.find("  chosen for the scenario fragment: pareto_nbd (lowest per-customer RMSE"), std::string::npos) << o;
  EXPECT_NE(o.find("note: bg_nbd gives P(alive) = 1 to the 1411 customers without a repeat purchase"),
            std::string::npos);
  const toml::table t = toml::parse_file(toml_path);
  EXPECT_EQ(t["purchase"]["model"].value_or(std::string()), "pareto_nbd");
  const auto* u = t["purchase"]["uncertainty"].as_table();
  ASSERT_NE(u, nullptr);
  EXPECT_EQ((*u)["dist"].value_or(std::string()), "mvlognormal");
  const auto* keys = (*u)["keys"].as_array();
  ASSERT_NE(keys, nullptr);
  ASSERT_EQ(keys->size(), 4u);
  EXPECT_EQ(keys->at(3).value_or(std::string()), "beta");
  const auto* mean = (*u)["mean_log"].as_array();
  const auto* cov = (*u)["cov_log"].as_array();
  ASSERT_TRUE(mean && cov);
  EXPECT_DOUBLE_EQ(std::exp(mean->at(0).value_or(0.0)), t["purchase"]["r"].value_or(-1.0));
  // cov_log is symmetric with SE(θ)/θ on its diagonal (delta method, mle.h): beta's SE is 6.21.
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      EXPECT_EQ(cov->at(i).as_array()->at(j).value_or(0.0), cov->at(j).as_array()->at(i).value_or(1.0));
  const double var_beta = cov->at(3).as_array()->at(3).value_or(0.0);
  EXPECT_NEAR(std::sqrt(var_beta) * t["purchase"]["beta"].value_or(0.0), 6.21, 0.01);
  EXPECT_TRUE(t["spend"]["uncertainty"].as_table());
  // Per-customer predictions: the flag for one-time buyers under bg_nbd.
  std::ifstream p(predictions);
  std::string header, first, third;
  std::getline(p, header);
  std::getline(p, first);
  std::getline(p, third);
  std::getline(p, third);
  EXPECT_EQ(header,
            "customer_id,x,t_x,T,x_star,bg_nbd_p_alive,bg_nbd_expected,mbg_nbd_p_alive,mbg_nbd_expected,"
            "pareto_nbd_p_alive,pareto_nbd_expected,bg_nbd_p_alive_note");
  EXPECT_NE(third.find("3,0,0,38.857142857142854,"), std::string::npos) << third;
  EXPECT_NE(third.find(",1,"), std::string::npos) << third;  // bg_nbd P(alive) = 1
  EXPECT_NE(third.find("1 by assumption"), std::string::npos) << third;
}

TEST_F(FitCommand, ModelAllPutsAModelTheRunSimulatesIntoTheFragment)
{
  // Without a holdout the choice is by BIC; on CDNOW mbg_nbd has the best BIC, and clvsim
  // run simulates it, so it goes into the fragment, which `clvsim validate` accepts.
  fs::copy_file(test_data() / "cdnow_customers.csv", dir_ / "customers.csv");
  const std::string toml_path = (dir_ / "all.toml").string();
  ASSERT_EQ(run({"--summary", (dir_ / "customers.csv").string(), "--model", "all", "-o", toml_path}), 0);
  EXPECT_NE(out_.str().find("chosen for the scenario fragment: mbg_nbd (lowest BIC"), std::string::npos) << out_.str();
  EXPECT_EQ(err_.str(), "");
  const toml::table t = toml::parse_file(toml_path);
  EXPECT_EQ(t["purchase"]["model"].value_or(std::string()), "mbg_nbd");
  EXPECT_EQ(t["population"]["history"].value_or(std::string()), "customers.csv");
  // The summary is the history: no all_customers.csv beside the fragment (it was once written
  // empty, the default name of a log's summary).
  EXPECT_FALSE(fs::exists(dir_ / "all_customers.csv"));
  const std::string validate = std::string(CLVSIM_BIN) + " validate '" + toml_path + "' > /dev/null 2>&1";
  EXPECT_EQ(std::system(validate.c_str()), 0) << validate;
}
