//! population.history through the loader (scenarios/history.h): every row is validated when
//! the scenario is loaded, so `clvsim validate` rejects what `clvsim run` would; every bad
//! row is reported with file:line; numbers are bounded before any cast; raw text in
//! messages is escaped and truncated.
#include "engine/core/errors.h"
#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace clvsim::scenarios {
namespace {

namespace fs = std::filesystem;

// A bg_nbd scenario whose history is h.csv; the history keys are on lines 3-4.
const std::string BG_NBD = R"([simulation]
horizon = 12
[population]
history = "h.csv"
[purchase]
model = "bg_nbd"
r = 0.243
alpha = 4.414
a = 0.793
b = 2.426
[spend]
model = "fixed"
value = 50
)";

const std::string SBG = R"([simulation]
horizon = 12
[population]
history = "h.csv"
[purchase]
model = "sbg"
alpha = 0.7
beta = 3.2
fee = 10
)";

class HistoryFile : public ::testing::Test {
protected:
  void SetUp() override
  {
    dir_ = fs::temp_directory_path() / ("clvsim_history_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  //! The message of loading `toml` with h.csv = `csv`, or "<loaded>".
  std::string errors(const std::string& csv, const std::string& toml = BG_NBD)
  {
    std::ofstream(dir_ / "h.csv", std::ios::binary) << csv;
    try {
      load_string(toml, "shop.toml", dir_.string());
    } catch (const InputError& e) {
      return e.what();
    }
    return "<loaded>";
  }
  //! "error: <absolute h.csv>:" as the messages start.
  std::string at(int line) const
  {
    return "error: " + (dir_ / "h.csv").lexically_normal().string() + ":" + std::to_string(line) + ": ";
  }
  std::string file() const { return "error: " + (dir_ / "h.csv").lexically_normal().string() + ": "; }

  fs::path dir_;
};

const std::string HEADER = "customer_id,x,t_x,T\n";

TEST_F(HistoryFile, ValidRowsLoad)
{
  EXPECT_EQ(errors(HEADER + "ann,2,30.43,38.86\nbob,0,0,38.86\n"), "<loaded>");
  EXPECT_EQ(errors("customer_id,x,t_x,T,m_x\nann,2,30.43,38.86,35.5\nbob,0,0,38.86,\n"), "<loaded>");
  EXPECT_EQ(errors("customer_id,renewals\na,0\nb,5\n", SBG), "<loaded>");
}

TEST_F(HistoryFile, RowsReachTheScenario)
{
  std::ofstream(dir_ / "h.csv", std::ios::binary)
      << "T,customer_id,x,t_x,m_x,note\n38.86,\"Smith, Ann\",2,30.43,35.5,a\n38.86,bob,0,0,,b\n31,cid,1,3,0,c\n";
  const Scenario s = load_string(BG_NBD, "shop.toml", dir_.string());
  ASSERT_TRUE(s.existing);
  ASSERT_EQ(s.existing->size(), 3u);
  const auto& ann = (*s.existing)[0];
  EXPECT_EQ(ann.id, "Smith, Ann");
  EXPECT_EQ(ann.x, 2);
  EXPECT_EQ(ann.t_x, 30.43);
  EXPECT_EQ(ann.T, 38.86);
  EXPECT_TRUE(ann.has_m_x);
  EXPECT_EQ(ann.m_x, 35.5);
  EXPECT_FALSE((*s.existing)[1].has_m_x);  // empty m_x: unknown
  EXPECT_FALSE((*s.existing)[2].has_m_x);  // m_x = 0: unknown
  // a copy of the scenario shares the rows
  const Scenario copy = s;
  EXPECT_EQ(copy.existing.get(), s.existing.get());

  std::ofstream(dir_ / "h.csv", std::ios::binary) << "customer_id,renewals\na,0\nb,2147483646\n";
  const Scenario sbg = load_string(SBG, "shop.toml", dir_.string());
  ASSERT_EQ(sbg.existing->size(), 2u);
  EXPECT_EQ((*sbg.existing)[1].renewals, 2147483646);
  std::string no_history = SBG;
  no_history.replace(no_history.find("history = \"h.csv\""), 17, "initial_customers = 5");
  EXPECT_FALSE(load_string(no_history, "shop.toml", dir_.string()).existing);
}

TEST_F(HistoryFile, TxGreaterThanTIsRejectedByTheLoader)
{
  EXPECT_EQ(errors(HEADER + "ann,2,40,38.86\n"), at(2) + "t_x = 40 is greater than T = 38.86");
}

TEST_F(HistoryFile, EveryBadRowIsReportedWithItsLine)
{
  EXPECT_EQ(errors(HEADER + "ann,2,40,38.86\nbob,1,2,3\ncid,abc,1,2\n\ndan,1,2\neve,0,0,5\n"),
            at(2) + "t_x = 40 is greater than T = 38.86\n" +  //
                at(4) + "x = 'abc' is not a number\n" +       //
                at(6) + "expected 4 fields, got 3");
  // every problem of one row, in column order
  EXPECT_EQ(errors(HEADER + "ann,-1,-2,x\n"), at(2) + "x = -1 must be a whole number >= 0\n" + at(2) +
                                                  "t_x = -2 is negative\n" + at(2) + "T = 'x' is not a number");
  EXPECT_EQ(errors(HEADER + "ann,1.5,1,2\n,1,1,2\nbob,0,3,5\n"), at(2) + "x = 1.5 must be a whole number >= 0\n" +
                                                                     at(3) + "empty customer_id\n" + at(4) +
                                                                     "t_x = 3 must be 0 when x = 0");
  EXPECT_EQ(errors("customer_id,x,t_x,T,m_x\nann,2,3,4,-5\n"), at(2) + "m_x = -5 is negative");
  EXPECT_EQ(errors(HEADER + "ann,2,nan,inf\n"),
            at(2) + "t_x = 'nan' is not a number\n" + at(2) + "T = 'inf' is not a number");
}

TEST_F(HistoryFile, ProblemsBeyondTheCapAreCounted)
{
  std::string csv = HEADER;
  for (int i = 0; i < 25; ++i) csv += 'c' + std::to_string(i) + ",1,9,3\n";
  const std::string e = errors(csv);
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 20) << e;  // 20 problems + one summary line
  EXPECT_NE(e.find(at(21) + "t_x = 9 is greater than T = 3\n"), std::string::npos) << e;
  EXPECT_EQ(e.find(at(22)), std::string::npos) << e;
  EXPECT_EQ(e.substr(e.rfind('\n') + 1), file() + "... and 5 more problems");
}

TEST_F(HistoryFile, FileLevelProblems)
{
  EXPECT_EQ(errors(""), at(1) + "empty file; expected a header customer_id,x,t_x,T[,m_x]");
  EXPECT_EQ(errors(HEADER), file() + "no customers after the header");
  EXPECT_EQ(errors("customer_id,x,t_x\n1,1,2\n"),
            at(1) + "missing column 'T' (header: customer_id,x,t_x; expected customer_id,x,t_x,T[,m_x])");
  EXPECT_EQ(errors("id,x,T\n1,1,2\n"),
            at(1) + "missing columns 'customer_id', 't_x' (header: id,x,T; expected customer_id,x,t_x,T[,m_x])");
  EXPECT_EQ(errors("customer_id,x,t_x,T,x\n1,1,2,3,4\n"), at(1) + "column 'x' appears 2 times in the header");
  EXPECT_EQ(errors("customer_id,x\n1,2\n", SBG),
            at(1) +
                "missing column 'renewals' (header: customer_id,x; expected customer_id,renewals); customer_id,x,t_x,T "
                "is a history for the purchase models (bg_nbd, mbg_nbd, pareto_nbd, bg_bb)");
  // a subscription's history given to a purchase model: says which model it is for
  EXPECT_EQ(errors("customer_id,renewals\n1,3\n"),
            at(1) +
                "missing columns 'x', 't_x', 'T' (header: customer_id,renewals; expected customer_id,x,t_x,T[,m_x]); "
                "customer_id,renewals is a history for purchase.model = \"sbg\"");
  EXPECT_EQ(errors(HEADER + "\"ann,2,3,4\n"), at(2) + "unterminated quote");
}

TEST_F(HistoryFile, OrdersAtAndBeyondTheirBound)
{
  EXPECT_EQ(errors(HEADER + "a,1000000000,1,2\n"), "<loaded>");
  EXPECT_EQ(errors(HEADER + "a,1000000001,1,2\n"), at(2) + "x = 1000000001 is out of range [0, 1000000000]");
  EXPECT_EQ(errors(HEADER + "a,4294967295,3,38\n"), at(2) + "x = 4294967295 is out of range [0, 1000000000]");
  EXPECT_EQ(errors(HEADER + "a,1e15,3,38\n"), at(2) + "x = 1e15 is out of range [0, 1000000000]");
  EXPECT_EQ(errors(HEADER + "a,1,1,1e9\n"), "<loaded>");
  EXPECT_EQ(errors(HEADER + "a,1,1,1e300\n"), at(2) + "T = 1e300 is out of range [0, 1000000000]");
  EXPECT_EQ(errors("customer_id,x,t_x,T,m_x\na,1,1,2,1e13\n"), at(2) + "m_x = 1e13 is out of range [0, 1000000000000]");
}

TEST_F(HistoryFile, RenewalsAtAndBeyondTheirBound)
{
  EXPECT_EQ(errors("customer_id,renewals\na,2147483646\n", SBG), "<loaded>");
  EXPECT_EQ(errors("customer_id,renewals\na,2147483647\n", SBG),
            at(2) + "renewals = 2147483647 is out of range [0, 2147483646]");
  EXPECT_EQ(errors("customer_id,renewals\na,1e10\n", SBG), at(2) + "renewals = 1e10 is out of range [0, 2147483646]");
  EXPECT_EQ(
      errors("customer_id,renewals\na,-2\nb,0.5\n", SBG),
      at(2) + "renewals = -2 must be a whole number >= 0\n" + at(3) + "renewals = 0.5 must be a whole number >= 0");
}

TEST_F(HistoryFile, DuplicateIdsNameBothLines)
{
  EXPECT_EQ(errors(HEADER + "1,1,3,38\n2,0,0,5\n1,2,5,38\n"),
            at(4) + "customer_id '1' is used twice (first on line 2)");
  EXPECT_EQ(errors("customer_id,renewals\na,1\na,2\n", SBG), at(3) + "customer_id 'a' is used twice (first on line 2)");
}

TEST_F(HistoryFile, ByteOrderMarkCrlfAndQuotedFieldsAreRead)
{
  EXPECT_EQ(errors("\xEF\xBB\xBF" + HEADER + "ann,2,30.43,38.86\n"), "<loaded>");
  EXPECT_EQ(errors("customer_id,x,t_x,T\r\nann,2,30.43,38.86\r\nbob,0,0,38.86\r\n"), "<loaded>");
  EXPECT_EQ(errors(HEADER + "\"Smith, Ann\",2,30.43,38.86\n\"Smith, Bob\",\"1\",2,3\n"), "<loaded>");
  // a quoted comma is part of the id, so these two are different customers
  EXPECT_EQ(errors(HEADER + "\"a,b\",1,2,3\n\"a\",1,2,3\n"), "<loaded>");
  EXPECT_EQ(errors(HEADER + "\"a,b\",1,2,3\n\"a,b\",1,2,3\n"),
            at(3) + "customer_id 'a,b' is used twice (first on line 2)");
}

TEST_F(HistoryFile, SemicolonSeparatorGetsAHint)
{
  EXPECT_EQ(errors("customer_id;x;t_x;T\n1;2;3;4\n"),
            at(1) +
                "missing columns 'customer_id', 'x', 't_x', 'T' (header: customer_id;x;t_x;T; expected "
                "customer_id,x,t_x,T[,m_x]); the file seems to use ';' as separator (clvsim reads "
                "comma-separated files)");
}

TEST_F(HistoryFile, RawTextInMessagesIsTruncatedAndEscaped)
{
  // A 1 MB header line without the columns: the message quotes 80 characters of it.
  const std::string e = errors(std::string(1 << 20, 'h') + "\n1,2,3,4\n");
  EXPECT_LT(e.size(), 400u) << e.substr(0, 400);
  EXPECT_NE(e.find("(header: " + std::string(80, 'h') + "... (1048576 bytes in all); expected"), std::string::npos)
      << e.substr(0, 400);
  // A terminal escape sequence and a NUL byte in fields are shown escaped, never raw.
  const std::string esc = errors(HEADER + std::string("a,\x1b[31mred,1,2\nb,1,2\x07,3\n"));
  EXPECT_EQ(esc, at(2) + "x = '\\x1b[31mred' is not a number\n" + at(3) + "t_x = '2\\x07' is not a number");
  EXPECT_EQ(esc.find('\x1b'), std::string::npos);
  EXPECT_EQ(errors(HEADER + "\"\xff\xfe\",1,2,3\n\"\xff\xfe\",1,2,3\n"),
            at(3) + "customer_id '\\xff\\xfe' is used twice (first on line 2)");
}

TEST_F(HistoryFile, SbgPoissonHasNoPosteriorForHistories)
{
  std::string toml = BG_NBD;
  toml.replace(toml.find("model = \"bg_nbd\""), 16, "model = \"sbg_poisson\"");
  EXPECT_EQ(errors(HEADER + "ann,2,30.43,38.86\n", toml),
            "error: shop.toml:4:1: population.history needs purchase.model bg_nbd, mbg_nbd, pareto_nbd, sbg or bg_bb "
            "(sbg_poisson has no posterior for purchase histories)");
}

TEST_F(HistoryFile, ScenarioProblemsComeFirstThenEveryRow)
{
  std::string toml = BG_NBD;
  toml.insert(toml.find("[spend]"), "[service]\ncourtesy = 2\n");
  EXPECT_EQ(errors(HEADER + "ann,2,40,38.86\nbob,x,1,2\n", toml),
            "error: shop.toml:12:1: service.courtesy = 2 is out of range [0, 1] (a fraction: 2% is 0.02)\n" + at(2) +
                "t_x = 40 is greater than T = 38.86\n" + at(3) + "x = 'x' is not a number");
}

}  // namespace
}  // namespace clvsim::scenarios
