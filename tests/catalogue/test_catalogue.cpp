// The bad-input catalogue (#24 item 8): every case of tests/catalogue/cases.txt runs the real
// binary in an empty directory holding the case's files, and checks the exit code, that a
// failure says "error: ..." naming the file (and line), and that nothing was written or changed
// (the directory's listing and contents before and after). No case may crash (exit 1 or a
// signal) or hang (60 s). The format of cases.txt is described at its top.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path CATALOGUE = fs::path(CLVSIM_SOURCE_DIR) / "tests" / "catalogue";

struct File {
  std::string name, text;
  bool directory = false;
};

struct Case {
  std::string id, title;
  std::vector<std::string> args;
  int exit = -1;
  std::vector<std::string> messages;  //!< substrings of stderr's first lines
  std::vector<File> files;
  int line = 0;  //!< in cases.txt
};

std::string slurp(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

//! \n \r \t \\ \xNN, and {{N*TEXT}}: TEXT repeated N times.
std::string unescape(const std::string& s)
{
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "{{") == 0) {
      const auto star = s.find('*', i), end = s.find("}}", i);
      if (star != std::string::npos && end != std::string::npos && star < end) {
        const long n = std::stol(s.substr(i + 2, star - i - 2));
        const std::string text = unescape(s.substr(star + 1, end - star - 1));
        for (long k = 0; k < n; ++k) out += text;
        i = end + 1;
        continue;
      }
    }
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 'n')
      out += '\n';
    else if (c == 'r')
      out += '\r';
    else if (c == 't')
      out += '\t';
    else if (c == 'x' && i + 2 < s.size() + 1) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else
      out += c;
  }
  return out;
}

//! Splits on blanks; "double quotes" group (and "" is an empty argument).
std::vector<std::string> split_args(const std::string& s)
{
  std::vector<std::string> args;
  std::string cur;
  bool in_quotes = false, have = false;
  for (char c : s) {
    if (c == '"') {
      in_quotes = !in_quotes;
      have = true;
    } else if (!in_quotes && (c == ' ' || c == '\t')) {
      if (have) args.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) args.push_back(cur);
  return args;
}

std::vector<Case> load_cases()
{
  std::vector<Case> cases;
  std::ifstream in(CATALOGUE / "cases.txt");
  std::string line;
  int line_no = 0;
  File* file = nullptr;
  bool escaped = false;
  std::vector<std::string> body;
  const auto end_file = [&] {
    if (!file) return;
    for (const auto& b : body) {
      if (b.rfind("~ ", 0) == 0) {  // ~ OLD => NEW: replace the first OLD
        const auto arrow = b.find(" => ");
        const std::string from = unescape(b.substr(2, arrow - 2)), to = unescape(b.substr(arrow + 4));
        const auto at = file->text.find(from);
        if (arrow == std::string::npos || at == std::string::npos)
          throw std::runtime_error("cases.txt: edit '" + b + "' does not apply to " + file->name);
        file->text.replace(at, from.size(), to);
      } else {
        file->text += (escaped ? unescape(b) : b) + (escaped ? "" : "\n");
      }
    }
    body.clear();
    file = nullptr;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.rfind("== ", 0) == 0) {
      end_file();
      Case c;
      const auto bar = line.find(" | ");
      c.id = line.substr(3, bar - 3);
      c.title = bar == std::string::npos ? "" : line.substr(bar + 3);
      c.line = line_no;
      cases.push_back(c);
    } else if (cases.empty() || (!file && (line.empty() || line[0] == '#'))) {
      continue;
    } else if (line.rfind("run: ", 0) == 0) {
      end_file();
      for (const auto& a : split_args(line.substr(5))) cases.back().args.push_back(unescape(a));
    } else if (line.rfind("exit: ", 0) == 0) {
      end_file();
      cases.back().exit = std::stoi(line.substr(6));
    } else if (line.rfind("message: ", 0) == 0) {
      end_file();
      cases.back().messages.push_back(unescape(line.substr(9)));
    } else if (line.rfind("dir: ", 0) == 0) {
      end_file();
      cases.back().files.push_back({line.substr(5), "", true});
    } else if (line.rfind("file: ", 0) == 0) {
      end_file();
      // file: NAME [from FIXTURE] [escaped]
      std::istringstream words(line.substr(6));
      File f;
      words >> f.name;
      escaped = false;
      for (std::string w; words >> w;) {
        if (w == "from") {
          words >> w;
          f.text = slurp(CATALOGUE / "fixtures" / w);
        } else if (w == "escaped") {
          escaped = true;
        }
      }
      cases.back().files.push_back(f);
      file = &cases.back().files.back();
    } else if (file) {
      body.push_back(line);
    }
  }
  end_file();
  return cases;
}

const std::vector<Case>& all_cases()
{
  static const std::vector<Case> cases = load_cases();
  return cases;
}

//! Every file under `dir` with its contents: what "nothing was written" compares.
std::map<std::string, std::string> snapshot(const fs::path& dir)
{
  std::map<std::string, std::string> s;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = fs::relative(e.path(), dir).string();
    s[name] = e.is_regular_file() ? slurp(e.path()) : "<dir>";
  }
  return s;
}

struct Outcome {
  int code = -1;
  bool hung = false;
  std::string err;
};

Outcome run_in(const fs::path& dir, const std::vector<std::string>& args)
{
  const fs::path err_file = dir.parent_path() / (dir.filename().string() + ".stderr");
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(120);
    const int out = ::open("/dev/null", O_WRONLY);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(out, 1), ::dup2(err, 2), ::dup2(in, 0);
    std::vector<std::string> argv_s = {CLVSIM_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Outcome o;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      o.hung = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  o.err = slurp(err_file);
  fs::remove(err_file);
  return o;
}

class Catalogue : public ::testing::TestWithParam<Case> {};

TEST_P(Catalogue, ExitCodeMessageAndNothingWritten)
{
  const Case& c = GetParam();
  SCOPED_TRACE("cases.txt:" + std::to_string(c.line) + ": " + c.id + " " + c.title);
  ASSERT_GE(c.exit, 0) << "no exit: line";
  ASSERT_FALSE(c.args.empty()) << "no run: line";
  const fs::path dir = fs::temp_directory_path() / ("clvsim_catalogue_" + std::to_string(getpid()) + "_" + c.id);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const File& f : c.files) {
    fs::create_directories((dir / f.name).parent_path());
    if (f.directory)
      fs::create_directories(dir / f.name);
    else
      std::ofstream(dir / f.name, std::ios::binary) << f.text;
  }
  const auto before = snapshot(dir);
  const Outcome o = run_in(dir, c.args);
  EXPECT_FALSE(o.hung) << "no answer within 60 s";
  EXPECT_EQ(o.code, c.exit) << o.err;
  if (c.exit != 0) {
    EXPECT_EQ(o.err.rfind("error: ", 0), 0u) << "the message starts with 'error: ': " << o.err;
    for (const auto& m : c.messages)
      EXPECT_NE(o.err.find(m), std::string::npos) << "expected '" << m << "' in:\n" << o.err;
    const auto after = snapshot(dir);
    for (const auto& [name, text] : after)
      EXPECT_TRUE(before.count(name) && before.at(name) == text) << "written or changed on failure: " << name;
    for (const auto& [name, text] : before) EXPECT_TRUE(after.count(name)) << "removed on failure: " << name;
  }
  fs::remove_all(dir);
}

std::string case_name(const ::testing::TestParamInfo<Case>& info)
{
  return info.param.id;
}

INSTANTIATE_TEST_SUITE_P(Cases, Catalogue, ::testing::ValuesIn(all_cases()), case_name);

TEST(CatalogueFile, HasAtLeast100CasesWithUniqueIdsInEveryArea)
{
  std::map<char, int> per_area;
  std::set<std::string> ids;
  for (const auto& c : all_cases()) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate id " << c.id;
    ++per_area[c.id[0]];
  }
  EXPECT_GE(all_cases().size(), 100u);
  for (char area : {'T', 'H', 'F', 'C'}) EXPECT_GE(per_area[area], 10) << "area " << area;
}

// gtest prints a parameter with this when a case fails.
void PrintTo(const Case& c, std::ostream* os)
{
  *os << c.id << " (" << c.title << ")";
}

}  // namespace
