// `clvsim batch` knows what changed (#25 item 3, engine/cli/batch_command.cpp): a result is
// reused only when its run hash is this run's (scenario text, paths, seed, --set, --sweep,
// kernel, version); --set and --sweep apply to every scenario; the index is merged across
// invocations; stale temporaries go; a failed scenario is indexed. The real binary on real files.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

//! index.csv read by its header (the tests' values have no commas or quotes): the header and
//! one column -> value map per row.
struct Index {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  const std::map<std::string, std::string>& row(const std::string& scenario) const
  {
    for (const auto& r : rows)
      if (r.at("scenario") == scenario) return r;
    throw std::runtime_error("no row of " + scenario);
  }
};

std::vector<std::string> split(const std::string& line)
{
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

Index read_index(const fs::path& p)
{
  Index index;
  std::stringstream in(slurp(p));
  std::string line;
  std::getline(in, line);
  index.header = split(line);
  while (std::getline(in, line)) {
    const auto fields = split(line);
    EXPECT_EQ(fields.size(), index.header.size()) << line;
    std::map<std::string, std::string> row;
    for (std::size_t k = 0; k < std::min(fields.size(), index.header.size()); ++k) row[index.header[k]] = fields[k];
    index.rows.push_back(row);
  }
  return index;
}

class Batch : public ::testing::Test {
protected:
  void SetUp() override
  {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("clvsim_batch_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  //! Runs clvsim with `args` in the test directory.
  Outcome clvsim(const std::vector<std::string>& args)
  {
    std::vector<std::string> argv_s = {CLVSIM_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    const pid_t pid = ::fork();
    if (pid == 0) {
      if (::chdir(dir_.c_str()) != 0) ::_exit(120);
      const int out = ::open((dir_ / ".stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open((dir_ / ".stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1), ::dup2(err, 2);
      std::vector<char*> argv;
      for (auto& a : argv_s) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    o.out = slurp(dir_ / ".stdout");
    o.err = slurp(dir_ / ".stderr");
    fs::remove(dir_ / ".stdout");
    fs::remove(dir_ / ".stderr");
    return o;
  }

  //! `clvsim batch FILES... --out-dir od EXTRA...`, expected to succeed; the status of each file's row.
  std::map<std::string, std::string> batch(const std::vector<std::string>& files, const std::vector<std::string>& extra,
                                           std::string* err = nullptr)
  {
    std::vector<std::string> args = {"batch"};
    args.insert(args.end(), files.begin(), files.end());
    args.insert(args.end(), {"--out-dir", "od"});
    args.insert(args.end(), extra.begin(), extra.end());
    const Outcome o = clvsim(args);
    EXPECT_EQ(o.code, 0) << o.err;
    if (err) *err = o.err;
    std::map<std::string, std::string> status;
    for (const auto& row : read_index(dir_ / "od" / "index.csv").rows) status[row.at("scenario")] = row.at("status");
    return status;
  }
  std::string status_of(const std::string& file, const std::vector<std::string>& extra, std::string* err = nullptr)
  {
    return batch({file}, extra, err)[fs::path(file).stem().string()];
  }

  fs::path write(const std::string& name, const std::string& text)
  {
    const auto p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  std::set<std::string> listing(const fs::path& dir)
  {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
  }

  fs::path dir_;
};

const char* SMALL = R"([simulation]
name = "small shop"
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
[satisfaction]
initial_mean = 7.5   # the default, stated: without it every run warns that NPS is a default
)";

//! SMALL with `from` replaced by `to`.
std::string small_with(const std::string& from, const std::string& to)
{
  std::string s = SMALL;
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST_F(Batch, AChangedScenarioTextRunsAgainAndSaysWhy)
{
  write("s.toml", SMALL);
  EXPECT_EQ(status_of("s.toml", {"--quiet"}), "ran");
  const auto stamp = fs::last_write_time(dir_ / "od" / "s.h5");
  std::string err;
  EXPECT_EQ(status_of("s.toml", {}, &err), "skipped");
  EXPECT_TRUE(has(err, "[1/1] s.toml (complete results exist, skipped)")) << err;
  EXPECT_EQ(fs::last_write_time(dir_ / "od" / "s.h5"), stamp) << "complete results are not recomputed";
  // The issue's case: a fee edited in the file; a comment edited is a change of text too.
  write("s.toml", small_with("gamma = 80.0", "gamma = 199.0"));
  EXPECT_EQ(status_of("s.toml", {}, &err), "ran");
  EXPECT_TRUE(has(err, "ran again: the scenario file changed)")) << err;
  EXPECT_EQ(status_of("s.toml", {"--quiet"}), "skipped");
  write("s.toml", small_with("gamma = 80.0", "gamma = 199.0 # per order"));
  EXPECT_EQ(status_of("s.toml", {"--quiet"}), "ran");
}

TEST_F(Batch, ChangedPathsSeedSetSweepOrKernelRunAgain)
{
  write("s.toml", SMALL);
  std::string err;
  EXPECT_EQ(status_of("s.toml", {"--paths", "4"}), "ran");
  EXPECT_EQ(status_of("s.toml", {"--paths", "4"}), "skipped");
  EXPECT_EQ(status_of("s.toml", {}), "skipped") << "--paths 4 is the file's own number of paths";
  EXPECT_EQ(status_of("s.toml", {"--paths", "5"}, &err), "ran");
  EXPECT_TRUE(has(err, "ran again: another number of paths (4 before))")) << err;
  EXPECT_EQ(status_of("s.toml", {"--paths", "5", "--seed", "9"}, &err), "ran");
  EXPECT_TRUE(has(err, "ran again: another seed (3 before))")) << err;
  const std::vector<std::string> set = {"--paths", "5", "--seed", "9", "--set", "service.courtesy=0.5"};
  EXPECT_EQ(status_of("s.toml", set, &err), "ran");
  EXPECT_TRUE(has(err, "ran again: other --set options)")) << err;
  EXPECT_EQ(status_of("s.toml", set), "skipped");
  auto other = set;
  other.back() = "service.courtesy=0.6";
  EXPECT_EQ(status_of("s.toml", other), "ran");
  other.insert(other.end(), {"--sweep", "service.courtesy=0.5,0.9"});
  EXPECT_EQ(status_of("s.toml", other, &err), "ran");
  EXPECT_TRUE(has(err, "ran again: other --sweep options)")) << err;
  other.insert(other.end(), {"--kernel", "reference"});
  EXPECT_EQ(status_of("s.toml", other, &err), "ran");
  EXPECT_TRUE(has(err, "ran again: another kernel (fast before))")) << err;
  EXPECT_EQ(status_of("s.toml", other), "skipped");
  // --force runs again whatever matches
  EXPECT_EQ(status_of("s.toml", {"--paths", "5", "--force"}), "ran");
  EXPECT_EQ(status_of("s.toml", {"--paths", "5", "--force"}), "ran");
}

TEST_F(Batch, AChangedHistoryFileRunsAgain)
{
  write("h.csv", "customer_id,x,t_x,T\na,2,30,38\nb,0,0,38\n");
  write("s.toml", R"([simulation]
period = "week"
horizon = 26
paths = 4
[population]
history = "h.csv"
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
  std::string err;
  EXPECT_EQ(status_of("s.toml", {"--quiet"}), "ran");
  EXPECT_EQ(status_of("s.toml", {"--quiet"}), "skipped");
  // the same rows written anew: the same content, reused
  write("h.csv", "customer_id,x,t_x,T\na,2,30,38\nb,0,0,38\n");
  EXPECT_EQ(status_of("s.toml", {"--quiet"}), "skipped");
  write("h.csv", "customer_id,x,t_x,T\na,3,30,38\nb,0,0,38\n");
  EXPECT_EQ(status_of("s.toml", {}, &err), "ran");
  EXPECT_TRUE(has(err, "ran again: the history file changed)")) << err;
}

TEST_F(Batch, AResultOfClvsimRunWithTheSameInputsIsReused)
{
  // `clvsim run` records the same run hash; the scenario file's path is not part of it.
  write("s.toml", SMALL);
  fs::create_directories(dir_ / "od");
  const Outcome r =
      clvsim({"run", "./s.toml", "--seed", "7", "--set", "service.courtesy=0.5", "-o", "od/s.h5", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(status_of("s.toml", {"--set", "service.courtesy=0.5", "--seed", "7", "--paths", "4"}), "skipped");
  EXPECT_EQ(status_of("s.toml", {"--set", "service.courtesy=0.5", "--quiet"}), "ran");
}

TEST_F(Batch, TheIndexCountsEachScenariosWarnings)
{
  // without its [satisfaction] SMALL's NPS is a default: one warning, counted in the index
  // (its text is in the results file, docs/model.md §5.4)
  write("bare.toml", std::string(SMALL).substr(0, std::string(SMALL).find("[satisfaction]")));
  write("full.toml", SMALL);
  const Outcome o = clvsim({"batch", "bare.toml", "full.toml", "--out-dir", "od", "--quiet"});
  ASSERT_EQ(o.code, 0) << o.err;
  const Index index = read_index(dir_ / "od" / "index.csv");
  EXPECT_EQ(index.row("bare").at("warnings"), "1");
  EXPECT_EQ(index.row("full").at("warnings"), "0");
}

TEST_F(Batch, TheIndexIsMergedAcrossInvocations)
{
  write("a.toml", SMALL);
  write("b.toml", small_with("seed = 3", "seed = 5"));
  write("c.toml", small_with("name = \"small shop\"", "name = \"c shop\""));
  auto status = batch({"a.toml", "b.toml"}, {"--quiet"});
  EXPECT_EQ(status, (std::map<std::string, std::string>{{"a", "ran"}, {"b", "ran"}}));
  const Index first = read_index(dir_ / "od" / "index.csv");

  write("b.toml", small_with("seed = 3", "seed = 6"));
  status = batch({"c.toml", "b.toml"}, {"--quiet"});
  EXPECT_EQ(status, (std::map<std::string, std::string>{{"a", "ran"}, {"b", "ran"}, {"c", "ran"}}));
  const Index index = read_index(dir_ / "od" / "index.csv");
  // The columns of earlier versions first, in their order.
  const std::vector<std::string> old = {"scenario",
                                        "file",
                                        "results",
                                        "status",
                                        "paths",
                                        "npv_profit_mean",
                                        "npv_profit_se",
                                        "clv_mean",
                                        "clv_to_cac",
                                        "repeat_revenue_share",
                                        "nps_final",
                                        "best_investment",
                                        "best_net_npv_mean",
                                        "best_p_roi_positive"};
  ASSERT_GE(index.header.size(), old.size());
  EXPECT_EQ(std::vector<std::string>(index.header.begin(), index.header.begin() + old.size()), old);
  // a (not in this batch) keeps its row as it was; b's row is replaced in place; c is added.
  ASSERT_EQ(index.rows.size(), 3u);
  EXPECT_EQ(index.rows[0], first.row("a"));
  EXPECT_EQ(index.rows[1].at("scenario"), "b");
  EXPECT_EQ(index.rows[1].at("seed"), "6");
  EXPECT_EQ(index.rows[2].at("scenario"), "c");
  for (const auto& row : index.rows) {
    EXPECT_TRUE(fs::path(row.at("scenario_path")).is_absolute()) << row.at("scenario_path");
    EXPECT_TRUE(fs::path(row.at("results_path")).is_absolute()) << row.at("results_path");
    EXPECT_TRUE(fs::exists(row.at("results_path")));
    EXPECT_TRUE(fs::equivalent(row.at("scenario_path"), dir_ / row.at("file")));
    EXPECT_EQ(row.at("horizon"), "6");
    EXPECT_EQ(row.at("currency"), "PLN");
    EXPECT_EQ(row.at("variants"), "1");
    EXPECT_GT(std::stod(row.at("run_seconds")), 0.0);
    EXPECT_EQ(row.at("run_hash").size(), 16u);
    EXPECT_EQ(row.at("warnings"), "0");  // SMALL states its satisfaction: nothing to warn about
  }
  EXPECT_EQ(index.row("a").at("scenario_name"), "small shop");
  EXPECT_EQ(index.row("c").at("scenario_name"), "c shop");
  EXPECT_EQ(index.row("c").at("period"), "month");
  EXPECT_EQ(index.row("a").at("seed"), "3");
  // A third batch skips b and keeps a and c.
  status = batch({"b.toml"}, {"--quiet"});
  EXPECT_EQ(status, (std::map<std::string, std::string>{{"a", "ran"}, {"b", "skipped"}, {"c", "ran"}}));
  // index.json holds the same rows, numbers as numbers
  const std::string json = slurp(dir_ / "od" / "index.json");
  EXPECT_TRUE(has(json, "{\"scenario\": \"a\", \"file\": \"a.toml\"")) << json;
  EXPECT_TRUE(has(json, "\"scenario\": \"c\"")) << json;
  EXPECT_TRUE(has(json, "\"status\": \"skipped\", \"paths\": 4, \"npv_profit\": {\"mean\": ")) << json;
  EXPECT_TRUE(has(json, "\"seed\": 6, \"horizon\": 6")) << json;
  EXPECT_TRUE(has(json, "\"best_investment\": null")) << json;
  // stdout is the index as written
  const Outcome o = clvsim({"batch", "a.toml", "--out-dir", "od", "--quiet"});
  EXPECT_EQ(o.out, slurp(dir_ / "od" / "index.csv"));
}

TEST_F(Batch, SweepGivesEveryScenarioItsVariants)
{
  write("a.toml", SMALL);
  write("b.toml", small_with("seed = 3", "seed = 5"));
  const std::vector<std::string> sweep = {"--sweep", "service.courtesy=0.5,0.7,0.9", "--quiet"};
  EXPECT_EQ(batch({"a.toml", "b.toml"}, sweep), (std::map<std::string, std::string>{{"a", "ran"}, {"b", "ran"}}));
  const Index index = read_index(dir_ / "od" / "index.csv");
  for (const auto& row : index.rows) EXPECT_EQ(row.at("variants"), "4") << "baseline and three sweep points";
  for (const char* r : {"od/a.h5", "od/b.h5"}) {
    const Outcome show = clvsim({"show", r, "--json"});
    ASSERT_EQ(show.code, 0) << show.err;
    EXPECT_TRUE(has(show.out, "sweep_0002")) << show.out;
    EXPECT_FALSE(has(show.out, "sweep_0003")) << show.out;
  }
  EXPECT_EQ(batch({"a.toml", "b.toml"}, sweep),
            (std::map<std::string, std::string>{{"a", "skipped"}, {"b", "skipped"}}));
  EXPECT_EQ(batch({"a.toml"}, {"--quiet"}), (std::map<std::string, std::string>{{"a", "ran"}, {"b", "skipped"}}));
  // a bad sweep is refused before anything runs
  const Outcome o = clvsim({"batch", "a.toml", "--out-dir", "od2", "--sweep", "no.such_key=1,2"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "od2"));
}

TEST_F(Batch, StaleTemporariesOfResultsAndIndexAreRemoved)
{
  write("a.toml", SMALL);
  ASSERT_EQ(status_of("a.toml", {"--quiet"}), "ran");
  // The pid of a process that has ended: its temporaries are stale; a live one's are kept.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string d = std::to_string(dead), live = std::to_string(getpid());
  for (const std::string name : {"a.h5", "gone.h5", "index.csv", "index.json"})
    write("od/" + name + ".tmp-" + d, "half");
  write("od/a.h5.tmp-" + live, "another batch's");
  write("od/notes.txt.tmp-" + d, "not a batch output");
  EXPECT_EQ(status_of("a.toml", {"--quiet"}), "skipped") << "also when nothing runs";
  EXPECT_EQ(listing(dir_ / "od"),
            (std::set<std::string>{"a.h5", "a.h5.tmp-" + live, "index.csv", "index.json", "notes.txt.tmp-" + d}));
}

TEST_F(Batch, AFailedScenarioIsIndexedAndEndsTheBatch)
{
  write("a.toml", SMALL);
  write("b.toml", small_with("seed = 3", "seed = 5"));
  write("c.toml", small_with("seed = 3", "seed = 6"));
  fs::create_directories(dir_ / "od" / "b.h5");  // b's results cannot be written
  const Outcome o = clvsim({"batch", "a.toml", "b.toml", "c.toml", "--out-dir", "od", "--quiet"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(o.err, "error: results file 'od/b.h5' is a directory\n");
  const Index index = read_index(dir_ / "od" / "index.csv");
  ASSERT_EQ(index.rows.size(), 2u);
  EXPECT_EQ(index.row("a").at("status"), "ran");
  EXPECT_EQ(index.row("b").at("status"), "failed");
  EXPECT_EQ(index.row("b").at("error"), "error: results file 'od/b.h5' is a directory");
  EXPECT_EQ(index.row("b").at("seed"), "5");
  EXPECT_FALSE(fs::exists(dir_ / "od" / "c.h5")) << "the batch stops at the failure";
  // once b can be written, the batch resumes: a reused, b and c run
  fs::remove(dir_ / "od" / "b.h5");
  EXPECT_EQ(batch({"a.toml", "b.toml", "c.toml"}, {"--quiet"}),
            (std::map<std::string, std::string>{{"a", "skipped"}, {"b", "ran"}, {"c", "ran"}}));
  EXPECT_EQ(read_index(dir_ / "od" / "index.csv").row("b").at("error"), "");
}

TEST_F(Batch, AnUnreadableIndexIsReplacedWithAWarning)
{
  write("a.toml", SMALL);
  write("od/index.csv", "this is not an index\n");
  std::string err;
  EXPECT_EQ(status_of("a.toml", {"--quiet"}, &err), "ran");
  EXPECT_TRUE(has(err,
                  "warning: od/index.csv is replaced: it is not an index written by clvsim batch; it loses "
                  "the rows of scenarios not in this batch\n"))
      << err;
}

}  // namespace
