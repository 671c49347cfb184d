// Reliability of the clvsim command (#24): a full disk, an unwritable or clashing output, a
// signal, a stale temporary or a changed batch input never crashes clvsim, costs a result or
// leaves a partial file; one exit-code policy (2 bad input, unreadable inputs included; 3 I/O
// failure while writing); fit refuses data that identify nothing; the memory estimate holds.
// Each test names the defect of docs/reliability.md it guards.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Outcome {
  int code = -1;  //!< exit code, or 128 + signal when killed
  std::string out, err;
  long max_rss_kb = 0;
};

//! Every file under `dir` (relative names), for "nothing was written" checks.
std::set<std::string> listing(const fs::path& dir)
{
  std::set<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) names.insert(fs::relative(e.path(), dir).string());
  return names;
}

class Reliability : public ::testing::Test {
protected:
  void SetUp() override
  {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("clvsim_rel_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override
  {
    for (const auto& m : mounts_) ::umount2(m.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }

  //! Starts clvsim with `args` in the test directory (stdout and stderr to files); returns its pid.
  //! `file_size_limit` > 0 sets RLIMIT_FSIZE for the child (bytes).
  pid_t start(const std::vector<std::string>& args, rlim_t file_size_limit = 0)
  {
    std::vector<std::string> argv_s = {CLVSIM_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    const pid_t pid = ::fork();
    if (pid == 0) {
      if (::chdir(dir_.c_str()) != 0) ::_exit(120);
      const int out = ::open((dir_ / ".stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open((dir_ / ".stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int in = ::open("/dev/null", O_RDONLY);
      ::dup2(out, 1), ::dup2(err, 2), ::dup2(in, 0);
      if (file_size_limit > 0) {
        const rlimit l{file_size_limit, file_size_limit};
        ::setrlimit(RLIMIT_FSIZE, &l);
      }
      std::vector<char*> argv;
      for (auto& a : argv_s) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return pid;
  }

  Outcome finish(pid_t pid)
  {
    int status = 0;
    rusage ru{};
    ::wait4(pid, &status, 0, &ru);
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    o.max_rss_kb = ru.ru_maxrss;
    o.out = slurp(dir_ / ".stdout");
    o.err = slurp(dir_ / ".stderr");
    fs::remove(dir_ / ".stdout");
    fs::remove(dir_ / ".stderr");
    return o;
  }

  Outcome clvsim(const std::vector<std::string>& args, rlim_t file_size_limit = 0)
  {
    return finish(start(args, file_size_limit));
  }

  fs::path write(const std::string& name, const std::string& text)
  {
    const auto p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  //! Mounts a tmpfs of `options` at dir_/name; false when this process may not mount.
  bool mount_tmpfs(const std::string& name, const std::string& options, unsigned long flags = 0)
  {
    const fs::path at = dir_ / name;
    fs::create_directories(at);
    if (::mount("tmpfs", at.c_str(), "tmpfs", flags, options.c_str()) != 0) return false;
    mounts_.push_back(at.string());
    return true;
  }

  //! Files in the test directory, without the test's own.
  std::set<std::string> files() { return listing(dir_); }

  //! Waits up to `seconds` for `path` to exist.
  bool wait_for(const fs::path& path, double seconds)
  {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (fs::exists(path)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  fs::path dir_;
  std::vector<std::string> mounts_;
};

const char* SMALL = R"([simulation]
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

const char* HISTORY_SCENARIO = R"([simulation]
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
)";

//! A run of several seconds that writes its output only at the end.
const std::vector<std::string> LONG_RUN = {"run",     CLVSIM_SOURCE_DIR "/bench/reference.toml",
                                           "--set",   "population.initial_customers=5000000",
                                           "--paths", "8",
                                           "--quiet"};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b)
{
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool has(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

// --- D1: a full disk while writing results --------------------------------------------------

TEST_F(Reliability, D1_FullDiskExits3WithTheReasonAndLeavesNothing)
{
  if (!mount_tmpfs("full", "size=1m"))
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root); "
                    "D1_WriteFailureOfAFileSizeLimitExits3 injects the same failure without it";
  write("s.toml", SMALL);
  // ~2 MB of results into 1 MB: HDF5's writes fail (and its H5Fclose; its exit-time cleanup
  // then crashed with SIGSEGV, exit 139).
  const Outcome o =
      clvsim({"run", "s.toml", "--paths", "200", "--set", "simulation.horizon=120", "--quiet", "-o", "full/out.h5"});
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_EQ(o.err, "error: cannot write results file 'full/out.h5': No space left on device\n");
  EXPECT_TRUE(listing(dir_ / "full").empty());
  // batch: the first result fits, the second does not
  write("b.toml", SMALL);
  const Outcome b = clvsim({"batch", "s.toml", "b.toml", "--out-dir", "full/od", "--paths", "200", "--set",
                            "simulation.horizon=60", "--quiet"});
  EXPECT_EQ(b.code, 3) << b.err;
  for (const auto& f : listing(dir_ / "full")) EXPECT_EQ(f.find(".tmp-"), std::string::npos) << f;
}

TEST_F(Reliability, D1_WriteFailureOfAFileSizeLimitExits3)
{
  // The same failure injected without root: RLIMIT_FSIZE makes writes beyond 256 KiB fail
  // (clvsim ignores SIGXFSZ, which would otherwise kill it).
  write("s.toml", SMALL);
  const Outcome o = clvsim(
      {"run", "s.toml", "--paths", "200", "--set", "simulation.horizon=120", "--quiet", "-o", "out.h5"}, 256 * 1024);
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_EQ(o.err, "error: cannot write results file 'out.h5': File too large\n");
  EXPECT_EQ(files(), std::set<std::string>{"s.toml"});
}

// --- D2: batch reuses only results of the same inputs -------------------------------------

TEST_F(Reliability, D2_BatchRunsAgainWhenScenarioSeedPathsOrSetsChanged)
{
  write("s.toml", SMALL);
  const auto batch = [&](const std::vector<std::string>& extra) {
    const Outcome o = clvsim(plus({"batch", "s.toml", "--out-dir", "od"}, extra));
    EXPECT_EQ(o.code, 0) << o.err;
    const std::string index = slurp(dir_ / "od" / "index.csv");
    return has(index, ",skipped,") ? std::string("skipped") : has(index, ",ran,") ? "ran" : index;
  };
  EXPECT_EQ(batch({"--paths", "4"}), "ran");
  EXPECT_EQ(batch({"--paths", "4"}), "skipped");
  EXPECT_EQ(batch({"--paths", "5"}), "ran");
  EXPECT_NE(slurp(dir_ / "od" / "index.csv").find(",ran,5,"), std::string::npos);
  EXPECT_EQ(batch({"--paths", "5"}), "skipped");
  EXPECT_EQ(batch({"--paths", "5", "--seed", "9"}), "ran");
  EXPECT_EQ(batch({"--paths", "5", "--seed", "9", "--set", "service.courtesy=0.5"}), "ran");
  EXPECT_EQ(batch({"--paths", "5", "--seed", "9", "--set", "service.courtesy=0.5"}), "skipped");
  write("s.toml", std::string(SMALL) + "[service]\ncourtesy = 0.7\n");
  EXPECT_EQ(batch({"--paths", "5", "--seed", "9", "--set", "service.courtesy=0.5"}), "ran");
}

// --- D3, D9: outputs of one command are distinct and committed together ------------------

TEST_F(Reliability, D3_TwoOutputsNamingTheSameFileAreRefused)
{
  write("h.csv", "customer_id,x,t_x,T\na,2,30,38\nb,0,0,38\n");
  write("s.toml", HISTORY_SCENARIO);
  Outcome o = clvsim({"run", "s.toml", "-o", "x.out", "--customer-forecast", "x.out", "--quiet"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(o.err, "error: forecast file 'x.out' is the same file as the results file 'x.out'\n");
  o = clvsim({"run", "s.toml", "-o", "x.out", "--report", "./x.out", "--quiet"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(files(), (std::set<std::string>{"h.csv", "s.toml"}));
}

TEST_F(Reliability, D9_AFailingSecondOutputLeavesNoFirstOne)
{
  write("h.csv", "customer_id,x,t_x,T\na,2,30,38\nb,0,0,38\n");
  write("s.toml", HISTORY_SCENARIO);
  const Outcome o = clvsim({"run", "s.toml", "-o", "out.h5", "--customer-forecast", "nodir/fc.csv"});
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_EQ(o.err, "error: cannot write forecast file 'nodir/fc.csv': directory 'nodir' does not exist\n");
  EXPECT_EQ(files(), (std::set<std::string>{"h.csv", "s.toml"}));
  // fit: the summary is not renamed into place when the fragment cannot be written
  const Outcome f = clvsim({"fit", CLVSIM_TEST_DATA "/cdnow_sample.csv", "--calibration-end", "1997-09-30",
                            "--summary-out", "summary.csv", "-o", "nodir/f.toml"});
  EXPECT_EQ(f.code, 3) << f.err;
  EXPECT_EQ(files(), (std::set<std::string>{"h.csv", "s.toml"}));
}

// --- D4: unwritable outputs are found before simulating ------------------------------------

TEST_F(Reliability, D4_UnwritableOutputIsRefusedBeforeSimulating)
{
  write("s.toml", SMALL);
  fs::create_directories(dir_ / "sub");
  // Not --quiet: a run that simulated would have printed progress lines.
  Outcome o = clvsim({"run", "s.toml", "-o", "nodir/x.h5"});
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_EQ(o.err, "error: cannot write results file 'nodir/x.h5': directory 'nodir' does not exist\n");
  o = clvsim({"run", "s.toml", "-o", "s.toml/x.h5"});
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_FALSE(has(o.err, "progress")) << o.err;
  o = clvsim({"run", "s.toml", "-o", "sub", "--force"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(o.err, "error: results file 'sub' is a directory\n");
  o = clvsim({"run", "s.toml", "--report", "nodir/r.html"});
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_FALSE(has(o.err, "progress")) << o.err;
  if (mount_tmpfs("ro", "size=1m", MS_RDONLY)) {
    o = clvsim({"run", "s.toml", "-o", "ro/x.h5"});
    EXPECT_EQ(o.code, 3) << o.err;
    EXPECT_EQ(o.err, "error: cannot write results file 'ro/x.h5': Read-only file system\n");
  }
  std::set<std::string> expected = {"s.toml", "sub"};
  if (!mounts_.empty()) expected.insert("ro");
  EXPECT_EQ(files(), expected);
}

// --- D10: signals, temporaries and stale temporaries ----------------------------------------

TEST_F(Reliability, D10_EverySignalRemovesTheTemporariesAndSaysWhatWasNotWritten)
{
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
    const pid_t pid = start(plus(LONG_RUN, {"-o", "out.h5"}));
    // The temporary is created before the simulation starts.
    ASSERT_TRUE(wait_for(dir_ / ("out.h5.tmp-" + std::to_string(pid)), 20)) << "signal " << sig;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, sig);
    const Outcome o = finish(pid);
    EXPECT_EQ(o.code, 128 + sig) << o.err;
    EXPECT_EQ(o.err, "interrupted: results file 'out.h5' not written\n") << "signal " << sig;
    EXPECT_EQ(files(), std::set<std::string>{}) << "signal " << sig;
  }
}

TEST_F(Reliability, D10_AnInterruptedBatchLeavesNoTemporary)
{
  write("a.toml", SMALL);
  std::string b = SMALL;  // the same shop with 5M customers: seconds
  b.replace(b.find("initial_customers = 300"), 23, "initial_customers = 5000000");
  write("b.toml", b);
  const pid_t pid = start({"batch", "a.toml", "b.toml", "--out-dir", "od", "--paths", "8", "--quiet"});
  ASSERT_TRUE(wait_for(dir_ / "od" / ("b.h5.tmp-" + std::to_string(pid)), 30));
  ::kill(pid, SIGINT);
  const Outcome o = finish(pid);
  EXPECT_EQ(o.code, 130) << o.err;
  // The index is reserved before the first scenario runs: it was not written either.
  EXPECT_EQ(o.err,
            "interrupted: index file 'od/index.csv', index file 'od/index.json', results file 'od/b.h5' "
            "not written\n");
  EXPECT_EQ(listing(dir_ / "od"), std::set<std::string>{"a.h5"});
}

TEST_F(Reliability, D10_StaleTemporariesOfKilledRunsAreRemoved)
{
  // The pid of a process that has ended.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string stale = "out.h5.tmp-" + std::to_string(dead);
  const std::string live = "out.h5.tmp-" + std::to_string(getpid());  // this test runs: kept
  write(stale, "half a file");
  write(live, "another run's");
  write("other.h5.tmp-" + std::to_string(dead), "not ours");
  write("s.toml", SMALL);
  const Outcome o = clvsim({"run", "s.toml", "-o", "out.h5", "--quiet"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(files(), (std::set<std::string>{"out.h5", live, "other.h5.tmp-" + std::to_string(dead), "s.toml"}));
}

// --- D11: one exit code per condition, messages in the user's words ------------------------

TEST_F(Reliability, D11_UnreadableOrDamagedInputsAreBadInputWithoutLibraryText)
{
  write("s.toml", SMALL);
  ASSERT_EQ(clvsim({"run", "s.toml", "-o", "good.h5", "--quiet"}).code, 0);
  write("trunc.h5", slurp(dir_ / "good.h5").substr(0, 3000));
  fs::create_directories(dir_ / "adir");
  const std::vector<std::vector<std::string>> cases = {
      {"show", "missing.h5"},
      {"show", "trunc.h5"},
      {"show", "adir"},
      {"show", "s.toml"},
      {"report", "trunc.h5", "-o", "r.html"},
      {"fit", "missing.csv", "--calibration-end", "1997-09-30"},
      {"fit", "adir", "--calibration-end", "1997-09-30"},
      {"fit", "--survival", "missing.csv"},
      {"validate", "missing.toml"},
      {"run", "adir"},
  };
  for (const auto& args : cases) {
    const Outcome o = clvsim(args);
    EXPECT_EQ(o.code, 2) << args[0] << " " << args[1] << ": " << o.err;
    EXPECT_EQ(o.err.rfind("error: ", 0), 0u) << o.err;
    EXPECT_FALSE(has(o.err, "H5")) << o.err;
    EXPECT_FALSE(has(o.err, "0x")) << o.err;
  }
  EXPECT_EQ(files(), (std::set<std::string>{"adir", "good.h5", "s.toml", "trunc.h5"}));
}

// --- D12, D16: options that did nothing or had no bound ------------------------------------

TEST_F(Reliability, D12_D16_SilentNoOpsAndUnboundedOptionsAreRefused)
{
  write("s.toml", SMALL);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", "s.toml", "-o", ""}, "error: the results file path is empty\n"},
      {{"run", "s.toml", "--max-memory", "nan"},
       "error: --max-memory = 'nan' is not a size (examples: 8G, 500M, 1048576)\n"},
      {{"run", "s.toml", "--max-memory", "inf"},
       "error: --max-memory = 'inf' is not a size (examples: 8G, 500M, 1048576)\n"},
      {{"run", "s.toml", "--threads", "100000"}, "error: --threads = 100000 is out of range [0, 1024]\n"},
      {{"batch", "s.toml", "--out-dir", "od", "--threads", "-1"}, "error: --threads = -1 is out of range [0, 1024]\n"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome o = clvsim(args);
    EXPECT_EQ(o.code, 2) << args[2];
    EXPECT_EQ(o.err, message);
  }
  EXPECT_EQ(files(), std::set<std::string>{"s.toml"});
}

// --- D6: fit refuses data that identify nothing and writes fragments run accepts -----------

TEST_F(Reliability, D6_FitRefusesDataThatCannotIdentifyTheModel)
{
  std::ostringstream none, two, daily;
  none << "customer_id,date,amount\n";
  for (int c = 0; c < 40; ++c) none << "c" << c << ",1997-0" << 1 + c % 9 << "-10,5\n";
  two << "customer_id,date,amount\na,1997-01-01,5\na,1997-02-01,6\nb,1997-03-01,7\n";
  daily << "customer_id,date,amount\n";  // everyone buys every day: estimates at the bounds
  for (int c = 0; c < 20; ++c)
    for (int d = 1; d <= 28; ++d) daily << "c" << c << ",1997-09-" << (d < 10 ? "0" : "") << d << ",5\n";
  write("none.csv", none.str());
  write("two.csv", two.str());
  write("daily.csv", daily.str());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"none.csv",
       "error: none.csv: no customer bought again by the calibration end 1997-09-30 (0 repeat buyers "
       "among 40 customers): the purchase model cannot be identified\n"},
      {"two.csv", "error: two.csv: too few customers to fit: 2 in the calibration cohort, at least 10 needed\n"},
      {"daily.csv", "error: daily.csv: the data do not identify bg_nbd: "},
  };
  for (const auto& [log, message] : cases) {
    const Outcome o = clvsim({"fit", log, "--calibration-end", "1997-09-30", "-o", "f.toml"});
    EXPECT_EQ(o.code, 2) << log << ": " << o.err;
    EXPECT_EQ(o.err.substr(0, message.size()), message);
  }
  EXPECT_EQ(files(), (std::set<std::string>{"daily.csv", "none.csv", "two.csv"}));
}

TEST_F(Reliability, D6_EveryFitFragmentRuns)
{
  // A log without amounts (the documented --columns ID,DATE): the fragment gets a fixed spend.
  std::istringstream in(slurp(CLVSIM_TEST_DATA "/cdnow_sample.csv"));
  std::ostringstream no_amounts;
  for (std::string line; std::getline(in, line);) no_amounts << line.substr(0, line.rfind(',')) << "\n";
  write("log.csv", no_amounts.str());
  Outcome o =
      clvsim({"fit", "log.csv", "--columns", "customer_id,date", "--calibration-end", "1997-09-30", "-o", "f.toml"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(slurp(dir_ / "f.toml"), "[spend]\n")) << slurp(dir_ / "f.toml");
  o = clvsim({"run", "f.toml", "--paths", "2", "--quiet", "--customer-forecast", "fc.csv"});
  EXPECT_EQ(o.code, 0) << o.err;
  // Amounts, but too few repeat buyers for gamma-gamma: the fixed value is their mean.
  std::ostringstream few;
  few << "customer_id,date,amount\na,1997-01-01,5\na,1997-02-01,30\nb,1997-01-05,7\nb,1997-03-05,20\n";
  for (int c = 0; c < 20; ++c) few << "c" << c << ",1997-0" << 1 + c % 9 << "-10,5\n";
  write("few.csv", few.str());
  o = clvsim({"fit", "few.csv", "--calibration-end", "1997-09-30", "-o", "g.toml"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(slurp(dir_ / "g.toml"), "model = \"fixed\"\nvalue = 25\n")) << slurp(dir_ / "g.toml");
  o = clvsim({"validate", "g.toml"});
  EXPECT_EQ(o.code, 0) << o.err;
}

// --- D7: the memory estimate -----------------------------------------------------------------

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CLVSIM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CLVSIM_SANITIZED 1
#endif
#endif

TEST_F(Reliability, D7_MemoryEstimateIsWithinTwiceThePeak)
{
#ifdef CLVSIM_SANITIZED
  GTEST_SKIP() << "a sanitizer's shadow memory and quarantine change the peak";
#endif
  write("s.toml", SMALL);
  write("seg.toml", std::string(SMALL) +
                        "[[segment]]\nname = \"a\"\nshare = 0.3\n[[segment]]\nname = \"b\"\n"
                        "share = 0.3\n[[segment]]\nname = \"c\"\nshare = 0.4\n");
  std::ostringstream h;
  h << "customer_id,x,t_x,T\n";
  std::mt19937 rng(1);
  for (int i = 0; i < 300000; ++i) {
    const int x = static_cast<int>(rng() % 11);
    h << "customer" << i << "," << x << "," << (x ? 10 + rng() % 20 : 0) << "," << 30 + rng() % 10 << "\n";
  }
  write("h.csv", h.str());
  write("hist.toml", std::string(HISTORY_SCENARIO));
  const std::vector<std::vector<std::string>> cases = {
      {"s.toml", "--paths", "500", "--set", "simulation.horizon=120", "--sweep",
       "service.courtesy=0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.95"},
      {"seg.toml", "--paths", "1000", "--set", "simulation.horizon=240"},
      {"hist.toml", "--paths", "8", "-o", "out.h5", "--customer-forecast", "fc.csv", "--force"},
  };
  for (const auto& c : cases) {
    const Outcome refused = clvsim(plus(plus({"run"}, c), {"--threads", "2", "--max-memory", "1K"}));
    ASSERT_EQ(refused.code, 2) << refused.err;
    const auto at = refused.err.find("estimated to need ");
    ASSERT_NE(at, std::string::npos) << refused.err;
    std::istringstream num(refused.err.substr(at + 18));
    double value = 0;
    std::string unit;
    num >> value >> unit;
    const double estimate_kb = value * (unit == "GiB" ? 1024.0 * 1024 : 1024.0);
    const Outcome ran = clvsim(plus(plus({"run"}, c), {"--threads", "2", "--quiet"}));
    ASSERT_EQ(ran.code, 0) << ran.err;
    const double peak_kb = static_cast<double>(ran.max_rss_kb);
    EXPECT_LE(estimate_kb, 2 * peak_kb) << c[0] << ": estimate " << estimate_kb << " KiB, peak " << peak_kb << " KiB";
    EXPECT_GE(estimate_kb, peak_kb / 2) << c[0] << ": estimate " << estimate_kb << " KiB, peak " << peak_kb << " KiB";
  }
}

}  // namespace
