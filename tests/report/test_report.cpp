// Reports, export and the decision numbers (ctest label `report`): the real binary on a
// small run with segments, investments, uncertain inputs and a sweep (board_case.toml), its
// results read back with the HDF5 reader. The browser side is render_test.sh.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>

#include "engine/io/console_summary.h"
#include "engine/io/decisions.h"
#include "engine/io/hdf5_results.h"
#include "engine/report/csv_export.h"
#include "engine/report/html_page.h"
#include "engine/report/kpi_definitions.h"

namespace fs = std::filesystem;
using namespace clvsim;

namespace {

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

//! One run of board_case.toml shared by the tests (a second of work, done once).
class Report : public ::testing::Test {
protected:
  static void SetUpTestSuite()
  {
    dir_ = fs::temp_directory_path() / ("clvsim_report_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const Outcome o = clvsim("run '" CLVSIM_SOURCE_DIR "/tests/report/board_case.toml' --paths 12 --quiet -o board.h5");
    ASSERT_EQ(o.code, 0) << o.err;
    results_ = io::read_results((dir_ / "board.h5").string());
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static Outcome clvsim(const std::string& args)
  {
    const auto out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd = "cd '" + dir_.string() + "' && '" CLVSIM_BIN "' " + args + " >'" + out.string() + "' 2>'" +
                            err.string() + "' </dev/null";
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = slurp(out);
    o.err = slurp(err);
    fs::remove(out);
    fs::remove(err);
    return o;
  }

  static inline fs::path dir_;
  static inline Results results_;
};

TEST_F(Report, DiscountFactorsAreRecoveredFromTheResults)
{
  // board_case.toml: 10% a year, months of 365.25/12 days (docs/model.md §2).
  const std::vector<double> d = io::discount_factors(results_);
  ASSERT_EQ(d.size(), static_cast<std::size_t>(results_.horizon));
  const double delta = std::pow(1.1, -1.0 / 12.0);
  for (std::size_t t = 0; t < d.size(); ++t) EXPECT_NEAR(d[t], std::pow(delta, static_cast<double>(t)), 1e-12) << t;
  EXPECT_NEAR(io::annual_discount_rate(results_, d), 0.10, 1e-9);
}

TEST_F(Report, WhyBreakdownAddsUpToTheFilesNetNpv)
{
  const auto why = io::why_breakdowns(results_);
  ASSERT_EQ(why.size(), results_.comparisons.size());
  for (const auto& w : why) {
    const Comparison* c = nullptr;
    for (const auto& x : results_.comparisons)
      if (x.name == w.investment) c = &x;
    ASSERT_NE(c, nullptr);
    double running = 0, margin = 0;
    bool other = false;
    for (const auto& l : w.lines) {
      other = other || l.name == "other";
      if (l.name == "gross_margin") margin = l.summary.mean;
      if (l.role == "step")
        running += l.sign * l.summary.mean;
      else if (l.role == "subtotal") {
        EXPECT_NEAR(running, l.summary.mean, 1e-6 * (1 + std::abs(l.summary.mean))) << w.investment << " " << l.name;
        running = l.summary.mean;
      } else
        running = l.summary.mean;
    }
    // Profit is gross margin minus the cost lines: nothing is left unexplained.
    EXPECT_FALSE(other) << w.investment;
    EXPECT_NE(margin, 0.0);
    // The last lines are the file's own metrics, path by path.
    EXPECT_EQ(w.lines.back().name, "net_npv");
    EXPECT_EQ(w.lines.back().paths, c->paths.at("net_npv"));
    // Every cost line of the file but the investment's own is there.
    for (const auto& [kpi, v] : results_.variants.front().kpis.periods) {
      if (kpi.rfind("cost_", 0) != 0 || kpi == "cost_investment") continue;
      EXPECT_TRUE(std::any_of(w.lines.begin(), w.lines.end(), [&kpi = kpi](const io::WhyLine& l) {
        return l.name == kpi;
      })) << kpi;
    }
  }
}

TEST_F(Report, PairwiseComparisonsArePaired)
{
  const auto pairs = io::pairwise_comparisons(results_);
  const std::size_t n = results_.comparisons.size();
  ASSERT_EQ(pairs.size(), n * (n - 1) / 2);
  for (const auto& pc : pairs) {
    EXPECT_NEAR(pc.p_a_better + pc.p_b_better + pc.p_tie, 1.0, 1e-12);
    const Comparison* a = nullptr;
    const Comparison* b = nullptr;
    for (const auto& c : results_.comparisons) {
      if (c.name == pc.a) a = &c;
      if (c.name == pc.b) b = &c;
    }
    ASSERT_TRUE(a && b);
    for (std::size_t p = 0; p < pc.difference.size(); ++p)
      EXPECT_EQ(pc.difference[p], a->paths.at("net_npv")[p] - b->paths.at("net_npv")[p]);
  }
}

TEST_F(Report, ConsoleAndJsonShowTheDecisionNumbers)
{
  const Outcome text = clvsim("show board.h5");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("Net NPV per investment across paths"), std::string::npos);
  EXPECT_NE(text.out.find(" of paired paths"), std::string::npos);
  EXPECT_NE(text.out.find("Where each investment's net NPV comes from"), std::string::npos);
  EXPECT_NE(text.out.find("- cost_service"), std::string::npos);
  const Outcome json = clvsim("show board.h5 --json");
  ASSERT_EQ(json.code, 0) << json.err;
  for (const char* key : {"\"why\": ", "\"cost_of_goods\": ", "\"gross_margin\": ", "\"pairwise\": [",
                          "\"p_a_better\": ", "\"difference\": "})
    EXPECT_NE(json.out.find(key), std::string::npos) << key;
}

TEST_F(Report, ReportAndExportRefuseBadInputAndWriteNothing)
{
  // A results file that does not exist: bad input (an unreadable input is), no report.
  Outcome o = clvsim("report missing.h5 -o a.html");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("error: cannot read results file 'missing.h5'"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "a.html"));
  // A file that is not a results file: invalid input.
  std::ofstream(dir_ / "not.h5") << "hello\n";
  o = clvsim("report not.h5 -o a.html");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(o.err.rfind("error: ", 0), 0u) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "a.html"));
  // No -o: usage.
  o = clvsim("report board.h5");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("missing -o FILE.html"), std::string::npos);
  // An existing report is kept without --force; with it, replaced.
  std::ofstream(dir_ / "keep.html") << "mine\n";
  o = clvsim("report board.h5 -o keep.html");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("exists; use --force"), std::string::npos);
  EXPECT_EQ(slurp(dir_ / "keep.html"), "mine\n");
  o = clvsim("report board.h5 -o keep.html --force");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(slurp(dir_ / "keep.html").find("id=\"clvsim-data\""), std::string::npos);
  // A directory that does not exist: I/O error.
  o = clvsim("report board.h5 -o no/such/dir/a.html");
  EXPECT_EQ(o.code, 3) << o.err;
  // run --report refuses an existing report before simulating.
  o = clvsim("run '" CLVSIM_SOURCE_DIR "/tests/report/board_case.toml' --quiet --report keep.html");
  EXPECT_EQ(o.code, 2);
  // fit --report likewise.
  o = clvsim("fit --survival x.csv --report keep.html");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("keep.html' exists"), std::string::npos) << o.err;
  // export: a second export needs --force; no temporary file is left behind.
  o = clvsim("export board.h5 --csv out");
  ASSERT_EQ(o.code, 0) << o.err;
  o = clvsim("export board.h5 --csv out");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("exists; use --force"), std::string::npos);
  EXPECT_EQ(clvsim("export board.h5 --csv out --force").code, 0);
  for (const auto& e : fs::directory_iterator(dir_ / "out"))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  // export into a file: invalid.
  EXPECT_EQ(clvsim("export board.h5 --csv board.h5").code, 2);
}

TEST_F(Report, ExportHasOneRowPerValue)
{
  const fs::path out = dir_ / "rows";
  ASSERT_EQ(clvsim("export board.h5 --csv rows").code, 0);
  const auto lines = [&](const char* name) {
    std::ifstream in(out / name);
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n - 1;  // header
  };
  std::size_t per_path = 0, per_period = 0, comparisons = 0, variants = 0;
  for (const auto& v : results_.variants) {
    const auto count = [&](const KpiTable& t) {
      for (const auto& [k, x] : t.paths) per_path += x.size();
      per_period += 7 * t.periods.size() * static_cast<std::size_t>(results_.horizon);  // 7 statistics a period
    };
    count(v.kpis);
    for (const auto& [s, t] : v.segments) count(t);
    variants += v.sweep_values.size();
  }
  for (const auto& c : results_.comparisons)
    for (const auto& [m, x] : c.paths) comparisons += x.size();
  EXPECT_EQ(lines("per_path.csv"), per_path);
  EXPECT_EQ(lines("per_period.csv"), per_period);
  EXPECT_EQ(lines("comparisons.csv"), comparisons);
  EXPECT_EQ(lines("variants.csv"), variants);
  std::ifstream in(out / "per_path.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "variant,segment,path,kpi,value");
}

TEST(ReportPieces, CsvFieldsAndNumbers)
{
  EXPECT_EQ(report::csv_field("plain"), "plain");
  EXPECT_EQ(report::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(report::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(report::csv_number(std::nan("")), "");
  EXPECT_EQ(report::csv_number(INFINITY), "inf");
  EXPECT_EQ(report::csv_number(0.1), "0.1");
  EXPECT_EQ(std::stod(report::csv_number(1.0 / 3.0)), 1.0 / 3.0);
}

TEST(ReportPieces, PageIsSelfContainedAndItsDataCannotEndTheScript)
{
  report::HtmlPage page("t", "{\"x\":\"</script><script>alert(1)</script>\"}");
  page.dataset("[{\"name\":\"</script>\"}]", "{\"kind\":\"test\"}");
  page.chart("{\"kind\":\"fan\",\"data\":\"d0\"}", "caption");
  const std::string html = page.render();
  // The only </script> closings are the page's own elements.
  std::size_t closings = 0;
  for (std::size_t p = html.find("</script>"); p != std::string::npos; p = html.find("</script>", p + 1)) ++closings;
  std::size_t openings = 0;
  for (std::size_t p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1)) ++openings;
  EXPECT_EQ(closings, openings);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_NE(html.find("vega-lite"), std::string::npos);
}

TEST_F(Report, AHistoryOnlyRunsSummaryCardsShowItsCustomersClvAndEquity)
{
  // A fit fragment's run has no new customers: clv_mean and clv_to_cac have no value, so the
  // summary shows the history's customers' mean lifetime CLV and their equity instead.
  const Outcome o =
      clvsim("run '" CLVSIM_SOURCE_DIR
             "/tests/regression/cases/history_bgnbd.toml' --paths 4 --quiet -o hist.h5 --report hist.html");
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string html = slurp(dir_ / "hist.html");
  const std::string summary =
      html.substr(html.find("id=\"summary\""), html.find("id=\"over-time\"") - html.find("id=\"summary\""));
  EXPECT_NE(summary.find("Mean lifetime CLV of the history"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Customer equity (the history"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("CLV / CAC"), std::string::npos) << summary;
  // a run with new customers keeps its CLV and CLV / CAC cards
  ASSERT_EQ(clvsim("report board.h5 -o board.html").code, 0);
  const std::string board = slurp(dir_ / "board.html");
  EXPECT_NE(board.find(">Mean lifetime CLV<"), std::string::npos);
  EXPECT_NE(board.find(">CLV / CAC<"), std::string::npos);
}

// The summary's investment table ends with the lifetime net NPV (docs/model.md §8.4): its mean
// as the console formats money, signed, and the share of paths where it is positive.
TEST_F(Report, TheInvestmentTableShowsEachLifetimeNetNpv)
{
  ASSERT_EQ(clvsim("report board.h5 -o lifetime.html").code, 0);
  const std::string html = slurp(dir_ / "lifetime.html");
  EXPECT_NE(html.find("<th>Lifetime net NPV mean</th><th>P(lifetime&gt;0)</th>"), std::string::npos);
  ASSERT_FALSE(results_.comparisons.empty());
  for (const Comparison& c : results_.comparisons) {
    const auto row = html.find("<tr><td><a href=\"#inv-" + c.name + "\">");
    ASSERT_NE(row, std::string::npos) << c.name;
    const std::string tr = html.substr(row, html.find("</tr>", row) - row);
    const std::vector<double>& life = c.paths.at("net_npv_lifetime");
    const double mean = std::accumulate(life.begin(), life.end(), 0.0) / static_cast<double>(life.size());
    std::string money = io::format_value(mean, io::KpiKind::money);
    if (mean > 0) money = "+" + money;
    const double positive =
        static_cast<double>(std::count_if(life.begin(), life.end(), [](double x) { return x > 0; })) /
        static_cast<double>(life.size());
    const std::string cells =
        ">" + money + "</td><td class=\"num\">" + io::format_value(positive, io::KpiKind::share) + "</td>";
    EXPECT_NE(tr.find(cells), std::string::npos) << cells << " in " << tr;
  }
}

TEST_F(Report, TheScenariosWarningsTravelWithTheResultsIntoTheReportAndShow)
{
  // history_bgnbd.toml describes no satisfaction: run warns that NPS and the rating are
  // defaults (docs/model.md §5.4). The report's reader never sees that terminal, so the
  // warning is kept in the results, shown in the report's summary and again by show.
  const Outcome o = clvsim("run '" CLVSIM_SOURCE_DIR
                           "/tests/regression/cases/history_bgnbd.toml' --paths 2 --quiet -o warned.h5 --report "
                           "warned.html");
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string line = o.err.substr(0, o.err.find('\n'));
  ASSERT_NE(line.find("no satisfaction, service or reviews keys"), std::string::npos) << o.err;
  const Results r = io::read_results((dir_ / "warned.h5").string());
  EXPECT_EQ(r.warnings, std::vector<std::string>{line});
  const std::string html = slurp(dir_ / "warned.html");
  const std::string summary =
      html.substr(html.find("id=\"summary\""), html.find("id=\"over-time\"") - html.find("id=\"summary\""));
  EXPECT_NE(summary.find("What these numbers leave out"), std::string::npos) << summary;
  EXPECT_NE(summary.find("<li>no satisfaction, service or reviews keys, so nps_final"), std::string::npos) << summary;
  const Outcome shown = clvsim("show warned.h5");
  EXPECT_EQ(shown.code, 0);
  EXPECT_EQ(shown.err, line + "\n");
  const std::string json = clvsim("show warned.h5 --json").out;
  const auto at = json.find("\"warnings\": [");
  ASSERT_NE(at, std::string::npos) << json;
  EXPECT_EQ(json.find("\"warning: ", at), json.find_first_not_of(" \n", at + 13)) << json.substr(at, 200);
  // a scenario without warnings: no box
  EXPECT_TRUE(results_.warnings.empty());
  ASSERT_EQ(clvsim("report board.h5 -o quiet.html").code, 0);
  EXPECT_EQ(slurp(dir_ / "quiet.html").find("What these numbers leave out"), std::string::npos);
}

TEST_F(Report, EveryKpiOfTheRunIsDefined)
{
  // The definitions table covers every KPI clvsim writes: add new ones to kpi_definitions.cpp.
  for (const auto& v : results_.variants) {
    for (const auto& [k, x] : v.kpis.periods) EXPECT_NE(report::find_kpi_definition(k), nullptr) << k;
    for (const auto& [k, x] : v.kpis.paths) EXPECT_NE(report::find_kpi_definition(k), nullptr) << k;
  }
  for (const auto& c : results_.comparisons)
    for (const auto& [k, x] : c.paths) EXPECT_NE(report::find_kpi_definition(k), nullptr) << k;
}

}  // namespace
