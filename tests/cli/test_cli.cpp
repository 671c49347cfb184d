// CLI tests: run the real binary on real files and check exit codes, messages and files
// (README, "Exit codes"): 0 ok, 2 bad usage or input, 3 I/O error; nothing written on error;
// no overwrite without --force; results appear complete or not at all.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

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

class Cli : public ::testing::Test {
protected:
  void SetUp() override
  {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("clvsim_cli_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome clvsim(const std::string& args)
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

  fs::path write(const std::string& name, const std::string& text)
  {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  //! Files in the test directory other than the given ones (e.g. left-over temporaries).
  std::vector<std::string> other_files(std::initializer_list<std::string> allowed)
  {
    std::vector<std::string> extra;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const auto name = e.path().filename().string();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) extra.push_back(name);
    }
    return extra;
  }

  fs::path dir_;
};

const char* SMALL = R"(# a small shop
[simulation]
horizon = 6
paths = 4
seed = 3
[population]
initial_customers = 300
[purchase]
model = "sbg_poisson"
a = 1.0
b = 6.0
r = 0.9
alpha = 2.0
[spend]
model = "gamma_gamma"
p = 6.25
q = 3.74
gamma = 80.0
[service]
incident_probability = 0.1
cost_per_contact = 10.0
)";

TEST_F(Cli, VersionAndHelp)
{
  auto o = clvsim("--version");
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("clvsim "), std::string::npos);
  o = clvsim("--help");
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("validate"), std::string::npos);
  for (const char* cmd : {"run", "validate", "show", "fit"}) {
    o = clvsim(std::string(cmd) + " --help");
    EXPECT_EQ(o.code, 0) << cmd << ": " << o.err;
    EXPECT_FALSE(o.out.empty()) << cmd;
  }
}

TEST_F(Cli, TheBinaryAloneRunsAndWritesResultsFromAnyDirectory)
{
  // One self-contained executable: copied elsewhere on its own, it runs the reference model,
  // writes a results file and reads it back.
  const fs::path lone = dir_ / "clvsim";
  fs::copy_file(CLVSIM_BIN, lone);
  const auto out = dir_ / "o.txt", err = dir_ / "e.txt", h5 = dir_ / "r.h5";
  auto run = [&](const std::string& args) {
    std::string cmd = "cd '";  // (built piece by piece: GCC 12 warns falsely on one long concatenation)
    cmd += dir_.string();
    cmd += "' && ./clvsim ";
    cmd += args;
    cmd += " >'";
    cmd += out.string();
    cmd += "' 2>'";
    cmd += err.string();
    cmd += "'";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  std::string args = "run '";
  args += (fs::path(CLVSIM_SOURCE_DIR) / "bench" / "reference.toml").string();
  args += "' --quiet --set population.initial_customers=500 --set simulation.horizon=6 -o r.h5";
  EXPECT_EQ(run(args), 0) << slurp(err);
  EXPECT_TRUE(fs::exists(h5));
  EXPECT_EQ(run("show r.h5"), 0) << slurp(err);
  EXPECT_NE(slurp(out).find("clv_mean"), std::string::npos);
}

TEST_F(Cli, BadUsageExits2)
{
  EXPECT_EQ(clvsim("").code, 2);
  auto o = clvsim("frobnicate");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("unknown command 'frobnicate'"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("did you mean"), std::string::npos) << o.err;
  const auto typo = clvsim("valdate x.toml");
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("error: unknown command 'valdate'; did you mean 'validate'?"), std::string::npos) << typo.err;
  o = clvsim("run --pths 3");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("pths"), std::string::npos) << o.err;
  o = clvsim("run --threads -1");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--threads"), std::string::npos) << o.err;
}

TEST_F(Cli, InvalidScenarioExits2WithPositionAndWritesNothing)
{
  std::string bad = SMALL;
  bad += "courtesy = 1.3\n";
  write("bad.toml", bad);
  const auto o = clvsim("run bad.toml -o out.h5");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("error: bad.toml:22:1:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("service.courtesy = 1.3 is out of range [0, 1]"), std::string::npos) << o.err;
  EXPECT_EQ(other_files({"bad.toml"}), std::vector<std::string>{});
  EXPECT_EQ(clvsim("validate bad.toml").code, 2);
}

TEST_F(Cli, ARefusedRunPrintsItsErrorAloneAndARunningOneItsWarnings)
{
  // SMALL without [service]: nothing describes satisfaction, so a run warns that NPS is a
  // default (docs/model.md §5.4) - but only a run that goes ahead; one refused for its
  // options prints its one error line.
  std::string bare = SMALL;
  bare.erase(bare.find("[service]"));
  write("bare.toml", bare);
  const auto refused = clvsim("run bare.toml -o missing_dir/out.h5");
  EXPECT_EQ(refused.code, 3) << refused.err;
  EXPECT_EQ(refused.err.rfind("error: ", 0), 0u) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  const auto ran = clvsim("run bare.toml --quiet");
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_EQ(ran.err.rfind("warning: bare.toml: no satisfaction, service or reviews keys, so nps_final", 0), 0u)
      << ran.err;
}

TEST_F(Cli, MissingScenarioFileExits2)
{
  const auto o = clvsim("run nowhere.toml");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("nowhere.toml"), std::string::npos) << o.err;
}

TEST_F(Cli, BadSetExits2)
{
  write("s.toml", SMALL);
  auto o = clvsim("run s.toml --set service.courtesy=1.3");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("service.courtesy = 1.3 is out of range [0, 1]"), std::string::npos) << o.err;
  o = clvsim("run s.toml --set servce.courtesy=0.5");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("did you mean"), std::string::npos) << o.err;
  o = clvsim("run s.toml --paths 0");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("simulation.paths"), std::string::npos) << o.err;
}

TEST_F(Cli, RunWritesCompleteFileAndRefusesOverwriteWithoutForce)
{
  write("s.toml", SMALL);
  auto o = clvsim("run s.toml -o out.h5 --quiet");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("npv_profit"), std::string::npos);
  EXPECT_TRUE(o.err.empty()) << "--quiet printed: " << o.err;
  EXPECT_EQ(other_files({"s.toml", "out.h5"}), std::vector<std::string>{});
  const std::string before = slurp(dir_ / "out.h5");

  o = clvsim("run s.toml -o out.h5 --quiet");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("exists; use --force"), std::string::npos) << o.err;
  EXPECT_EQ(slurp(dir_ / "out.h5"), before) << "the existing file was modified";

  o = clvsim("run s.toml -o out.h5 --quiet --force --seed 4");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(slurp(dir_ / "out.h5"), before);
  EXPECT_EQ(other_files({"s.toml", "out.h5"}), std::vector<std::string>{});
}

TEST_F(Cli, ProgressGoesToStderr)
{
  write("s.toml", SMALL);
  const auto o = clvsim("run s.toml");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("progress: 4/4 paths"), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("progress"), std::string::npos);
}

TEST_F(Cli, UnwritableOutputExits3AndLeavesNothing)
{
  write("s.toml", SMALL);
  const auto o = clvsim("run s.toml -o no/such/dir/out.h5 --quiet");
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_EQ(other_files({"s.toml"}), std::vector<std::string>{});
}

TEST_F(Cli, ShowPrintsTheSummaryOfAResultsFile)
{
  write("s.toml", SMALL);
  ASSERT_EQ(clvsim("run s.toml -o out.h5 --quiet").code, 0);
  auto o = clvsim("show out.h5");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("npv_profit"), std::string::npos);
  o = clvsim("show missing.h5");  // an unreadable input is bad input
  EXPECT_EQ(o.code, 2) << o.err;
  write("notes.txt", "not hdf5");
  o = clvsim("show notes.txt");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("not a clvsim results file"), std::string::npos) << o.err;
}

TEST_F(Cli, JsonHasTheDocumentedFields)
{
  write("s.toml", SMALL);
  const auto o = clvsim("run s.toml --json --quiet");
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* field :
       {"\"clvsim_version\"", "\"paths\"", "\"horizon\"", "\"period\"", "\"currency\"", "\"variants\"", "\"baseline\"",
        "\"npv_profit\"", "\"clv_mean\"", "\"se\"", "\"p05\"", "\"run_seconds\""})
    EXPECT_NE(o.out.find(field), std::string::npos) << field;
  // run_seconds: the wall time of the simulation, a positive number of seconds
  const auto at = o.out.find("\"run_seconds\"");
  ASSERT_NE(at, std::string::npos);
  const double seconds = std::strtod(o.out.c_str() + o.out.find(':', at) + 1, nullptr);
  EXPECT_GT(seconds, 0.0);
  EXPECT_LT(seconds, 60.0);
  if (std::system("/usr/bin/python3 -c 'import json' >/dev/null 2>&1") == 0) {
    write("out.json", o.out);
    EXPECT_EQ(std::system(("/usr/bin/python3 -m json.tool '" + (dir_ / "out.json").string() + "' >/dev/null").c_str()),
              0);
  }
}

TEST_F(Cli, ValidatePrintsTheResolvedScenario)
{
  write("s.toml", SMALL);
  const auto o = clvsim("validate s.toml");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("initial_customers"), std::string::npos);
  EXPECT_NE(o.out.find("courtesy"), std::string::npos) << "defaults are printed too";
}

TEST_F(Cli, ValidateAndRunWarnAboutAnInvestmentThatCannotReachProfit)
{
  // SMALL has no [satisfaction], [reviews] or [referrals]: satisfaction moves no profit, so a
  // courtesy investment cannot change it (docs/model.md §5.4). A warning, not an error.
  write("s.toml", std::string(SMALL) + R"(
[[investment]]
name = "polite"
changes = { "service.courtesy" = 0.99 }
)");
  const std::string expected =
      "warning: s.toml: investment 'polite': changing service.courtesy cannot change profit: satisfaction moves no "
      "profit (satisfaction.churn_sensitivity = 0";
  auto o = clvsim("validate s.toml");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find(expected), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("warning:"), std::string::npos) << "warnings go to stderr";
  EXPECT_NE(o.err.find("\ns.toml: ok (1 warning above)\n"), std::string::npos) << o.err;
  o = clvsim("run s.toml --quiet --json");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find(expected), std::string::npos) << o.err;
  // stdout stays one JSON document: the warning is a string of its "warnings" array, not a line
  EXPECT_EQ(o.out.find("\nwarning:"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.rfind("{", 0), 0u) << o.out;
  const auto list = o.out.find("\"warnings\": [");
  ASSERT_NE(list, std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\"" + expected, list), std::string::npos) << o.out;
  // connected: no warning
  o = clvsim("validate s.toml --set satisfaction.churn_sensitivity=0.2");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err.find("warning:"), std::string::npos) << o.err;
}

TEST_F(Cli, SubscriptionRunsReportMrrRetentionAndDerl)
{
  // #23 item 9 (docs/model.md §11.6): an sbg run's JSON has a subscription object and its
  // console the subscription table instead of order KPIs.
  write("box.toml", R"([simulation]
horizon = 6
paths = 3
[population]
initial_customers = 500
[purchase]
model = "sbg"
alpha = 0.7
beta = 3.2
fee = 79
)");
  auto o = clvsim("run box.toml --quiet --json");
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* key : {"\"subscription\": {", "\"derl\": {", "\"mrr\": {", "\"retention_by_tenure\": {",
                          "\"retention_closed_form\": ["})
    EXPECT_NE(o.out.find(key), std::string::npos) << key << "\n" << o.out;
  o = clvsim("run box.toml --quiet -o box.h5");
  ASSERT_EQ(o.code, 0) << o.err;
  o = clvsim("show box.h5");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("DERL"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("MRR mean"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("repeat_revenue_share"), std::string::npos) << o.out;
}

TEST_F(Cli, MemoryEstimateAboveTheLimitIsRefused)
{
  write("s.toml", SMALL);
  const auto o = clvsim("run s.toml --max-memory 1K -o out.h5");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("estimated to need"), std::string::npos) << o.err;
  EXPECT_EQ(other_files({"s.toml"}), std::vector<std::string>{});
}

TEST_F(Cli, DefaultScenarioRuns)
{
  const auto o = clvsim("run --paths 2 --quiet --set simulation.horizon=6");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("PLN"), std::string::npos);
}

TEST_F(Cli, CustomerForecastNeedsHistory)
{
  write("s.toml", SMALL);
  const auto o = clvsim("run s.toml --customer-forecast f.csv");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("population.history"), std::string::npos) << o.err;
}

TEST_F(Cli, CustomerForecastForExistingCustomers)
{
  write("history.csv",
        "customer_id,x,t_x,T,m_x\nann,2,30.43,38.86,35.5\nbob,0,0,38.86,\ncid,26,30.857,31,12.0\n"
        "\"Smith, Ann\",1,2,3,10\n");
  write("s.toml", R"([simulation]
period = "week"
horizon = 39
paths = 20
[population]
history = "history.csv"
history_time_unit = "week"
[purchase]
model = "bg_nbd"
time_unit = "week"
r = 0.243
alpha = 4.414
a = 0.793
b = 2.426
[spend]
model = "gamma_gamma"
p = 6.25
q = 3.74
gamma = 15.44
)");
  auto o = clvsim("run s.toml --customer-forecast f.csv --quiet");
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string csv = slurp(dir_ / "f.csv");
  EXPECT_EQ(csv.rfind("customer_id,p_alive,expected_orders,expected_orders_se,expected_orders_closed_form,"
                      "expected_clv,expected_clv_se,expected_clv_lifetime,expected_clv_lifetime_se,"
                      "orders_p05,orders_p50,orders_p95,clv_lifetime_p05,clv_lifetime_p50,clv_lifetime_p95\n",
                      0),
            0u)
      << csv;
  EXPECT_NE(csv.find("\nann,"), std::string::npos);
  EXPECT_NE(csv.find("\ncid,0.9688"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",1.22602"), std::string::npos) << "closed form for ann: " << csv;
  EXPECT_NE(csv.find("\n\"Smith, Ann\",0."), std::string::npos) << "an id with a comma is quoted: " << csv;
  // no overwrite without --force
  o = clvsim("run s.toml --customer-forecast f.csv --quiet");
  EXPECT_EQ(o.code, 2);
  // a bad history row names file and line, exit 2
  write("history.csv", "customer_id,x,t_x,T\nann,2,40,38.86\n");
  o = clvsim("run s.toml --quiet");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("history.csv:2: t_x = 40 is greater than T = 38.86"), std::string::npos) << o.err;
}

TEST_F(Cli, ValidateRejectsExactlyWhatRunRejects)
{
  // The loader reads population.history and checks every cross-key rule, so `validate` and
  // `run` give the same exit code and the same message, and nothing is written.
  const std::string bg_nbd = R"([simulation]
period = "week"
horizon = 10
paths = 2
[population]
history = "h.csv"
[purchase]
model = "bg_nbd"
time_unit = "week"
r = 0.243
alpha = 4.414
a = 0.793
b = 2.426
[spend]
model = "fixed"
value = 20
)";
  write("s.toml", bg_nbd);
  write("h.csv", "customer_id,x,t_x,T\nann,2,40,38.86\nbob,1,2,3\ncid,abc,1,2\nbob,1,1,1\n");
  const auto v = clvsim("validate s.toml");
  const auto r = clvsim("run s.toml -o out.h5 --quiet");
  EXPECT_EQ(v.code, 2) << v.err;
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(v.err, r.err);
  const std::string h = (dir_ / "h.csv").string();
  EXPECT_EQ(r.err, "error: " + h + ":2: t_x = 40 is greater than T = 38.86\n" +  //
                       "error: " + h + ":4: x = 'abc' is not a number\n" +       //
                       "error: " + h + ":5: customer_id 'bob' is used twice (first on line 3)\n");
  EXPECT_EQ(v.out, "");
  EXPECT_EQ(other_files({"s.toml", "h.csv"}), std::vector<std::string>{});

  // A segment switching the purchase model.
  write("h.csv", "customer_id,x,t_x,T\nann,2,30.43,38.86\n");
  write("s.toml", bg_nbd +
                      "[[segment]]\nname = \"a\"\nshare = 0.5\n[[segment]]\nname = \"b\"\nshare = 0.5\n"
                      "overrides = { \"purchase.model\" = \"pareto_nbd\", \"purchase.r\" = 0.5, "
                      "\"purchase.alpha\" = 10, \"purchase.s\" = 0.6, \"purchase.beta\" = 11 }\n");
  const auto v2 = clvsim("validate s.toml");
  const auto r2 = clvsim("run s.toml -o out.h5 --quiet");
  EXPECT_EQ(v2.code, 2) << v2.err;
  EXPECT_EQ(r2.code, 2) << r2.err;
  EXPECT_EQ(v2.err, r2.err);
  EXPECT_NE(r2.err.find("all segments must share one purchase model"), std::string::npos) << r2.err;
  EXPECT_EQ(other_files({"s.toml", "h.csv"}), std::vector<std::string>{});

  // A history file that cannot be read is bad input for both (exit 2), as is a directory.
  for (const char* name : {"nope.csv", "."}) {
    std::string text = bg_nbd;
    text.replace(text.find("h.csv"), 5, name);
    write("s.toml", text);
    const auto v3 = clvsim("validate s.toml");
    const auto r3 = clvsim("run s.toml --quiet");
    EXPECT_EQ(v3.code, 2) << v3.err;
    EXPECT_EQ(r3.code, 2) << r3.err;
    EXPECT_EQ(v3.err, r3.err);
    EXPECT_NE(r3.err.find("population.history = \"" + std::string(name) + "\": cannot read"), std::string::npos)
        << r3.err;
  }

  // A valid history: both accept it.
  write("s.toml", bg_nbd);
  EXPECT_EQ(clvsim("validate s.toml").code, 0);
  EXPECT_EQ(clvsim("run s.toml --quiet").code, 0);
}

TEST_F(Cli, InterruptedRunExits143AndLeavesNothing)
{
  // A run of several seconds (8 paths of 5M customers: about 8 s on two Zen 4 cores),
  // terminated after one (mid-simulation): exit code 143 and no file of any kind. (The
  // handler also unlinks a half-written temporary file when the signal lands during writing,
  // which is too brief a window to hit reliably here.)
  const std::string cmd = "cd '" + dir_.string() +
                          "' && ('" CLVSIM_BIN "' run '" CLVSIM_SOURCE_DIR
                          "/bench/reference.toml' --set population.initial_customers=5000000 --paths 8 -o out.h5 "
                          "--quiet >/dev/null 2>&1 & pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo $? > code.txt)";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(dir_ / "code.txt"), "143\n");
  EXPECT_EQ(other_files({"code.txt"}), std::vector<std::string>{});
}

TEST_F(Cli, BatchRunsEveryScenarioSkipsCompleteResultsAndWritesAnIndex)
{
  write("a.toml", SMALL);
  write("b.toml", std::string(SMALL) + "cost_per_contact = 20.0\n" + "");
  // b.toml repeats a key: invalid. A batch with an invalid scenario runs nothing.
  auto o = clvsim("batch a.toml b.toml --out-dir out --quiet");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "out")) << "nothing is written when a scenario is invalid";

  std::string b = SMALL;
  b.replace(b.find("seed = 3"), 8, "seed = 5");
  write("b.toml", b);
  o = clvsim("batch a.toml b.toml --out-dir out --quiet");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "a.h5"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "b.h5"));
  const std::string index = slurp(dir_ / "out" / "index.csv");
  EXPECT_NE(index.find("a,a.toml"), std::string::npos) << index;
  EXPECT_NE(index.find(",ran,"), std::string::npos) << index;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "index.json"));
  const auto stamp = fs::last_write_time(dir_ / "out" / "a.h5");

  o = clvsim("batch a.toml b.toml --out-dir out");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("[1/2] a.toml (complete results exist, skipped)"), std::string::npos) << o.err;
  EXPECT_EQ(fs::last_write_time(dir_ / "out" / "a.h5"), stamp) << "complete results are not recomputed";
  EXPECT_NE(slurp(dir_ / "out" / "index.csv").find(",skipped,"), std::string::npos);
}

}  // namespace
