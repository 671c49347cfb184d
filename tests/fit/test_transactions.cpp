// Transaction log reader, dates and the per-customer summary (models/fit/transactions.h,
// dates.h, summary.h): exact user-facing messages with file:line, merging, conventions.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "engine/core/errors.h"
#include "models/fit/dates.h"
#include "models/fit/summary.h"
#include "models/fit/transactions.h"

using namespace clvsim;
using namespace clvsim::fit;

namespace {

TransactionLog read_text(const std::string& text, LogFormat format = {})
{
  std::istringstream in(text);
  return read_transactions(in, "log.csv", format);
}

template <class E>
std::string error_of(const std::function<void()>& f)
{
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

std::string input_error(const std::string& text, LogFormat format = {})
{
  return error_of<InputError>([&] { read_text(text, format); });
}

int day(const char* iso)
{
  return *DateFormat().parse(iso);
}

}  // namespace

TEST(Dates, CivilDaysRoundTripAndValidation)
{
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1997, 1, 1), 9862);           // 27 years incl. 7 leap days: 27*365+7
  EXPECT_EQ(day("1997-09-30") - day("1997-01-01"), 272);  // README: 1997-09-30 is day 272
  EXPECT_EQ(format_iso(day("2000-02-29")), "2000-02-29");
  EXPECT_FALSE(days_from_civil(1999, 2, 29));
  EXPECT_FALSE(days_from_civil(1900, 2, 29));  // not a leap year
  EXPECT_TRUE(days_from_civil(2000, 2, 29));
  EXPECT_FALSE(DateFormat().parse("1997-13-01"));
  EXPECT_FALSE(DateFormat().parse("1997-1-01"));
  EXPECT_FALSE(DateFormat().parse("1997-01-01x"));
  const DateFormat compact("%Y%m%d");
  EXPECT_EQ(compact.pattern(), "YYYYMMDD");
  EXPECT_EQ(compact.parse("19970930"), day("1997-09-30"));
  EXPECT_EQ(DateFormat("%d/%m/%Y").parse("30/09/1997"), day("1997-09-30"));
  EXPECT_THROW(DateFormat("%Y-%j"), InputError);
  EXPECT_THROW(DateFormat("%Y-%m"), InputError);
}

TEST(TransactionReader, MergesSameDayPurchasesAndKeepsStringIds)
{
  const auto log = read_text(
      "customer_id,date,amount\r\n"
      "c-7,1997-01-05,10.5\r\n"
      "B,1997-01-03,1\n"
      "c-7,1997-01-05,4.5\n"
      "\n"
      "\"x,y\",1997-01-04,0.00\n"
      "c-7,1997-01-02,3\n");
  ASSERT_EQ(log.customer_ids, (std::vector<std::string>{"c-7", "B", "x,y"}));
  EXPECT_EQ(log.rows_read, 5u);
  ASSERT_EQ(log.transactions.size(), 4u);  // c-7 on 01-05 twice -> one
  EXPECT_EQ(log.transactions[0].customer, 0u);
  EXPECT_EQ(log.transactions[0].day, day("1997-01-02"));
  EXPECT_EQ(log.transactions[1].day, day("1997-01-05"));
  EXPECT_DOUBLE_EQ(log.transactions[1].amount, 15.0);
  EXPECT_EQ(log.transactions[3].customer, 2u);
}

TEST(TransactionReader, BadInputMessagesNameFileAndLine)
{
  EXPECT_EQ(input_error("customer_id,date,amount\n1,1997-01-01,3\n1,1997-13-01,2\n"),
            "error: log.csv:3: bad date '1997-13-01' (expected YYYY-MM-DD)");
  EXPECT_EQ(input_error("customer_id,date,amount\n1,1997-01-01,3\n\n2,1997-01-02,-3.5\n"),
            "error: log.csv:4: amount -3.5 is negative");
  EXPECT_EQ(input_error("customer_id,date,value\n1,1997-01-01,3\n"),
            "error: log.csv:1: missing column 'amount' (header: customer_id,date,value)");
  EXPECT_EQ(input_error("customer_id,date,amount\n1,1997-01-01,3\n2,1997-01-02\n"),
            "error: log.csv:3: row has 2 fields, the header has 3");
  EXPECT_EQ(input_error("customer_id,date,amount\n1,1997-01-01,abc\n"),
            "error: log.csv:2: amount 'abc' is not a number");
  EXPECT_EQ(input_error("customer_id,date,amount\n,1997-01-01,3\n"),
            "error: log.csv:2: empty customer id (column 'customer_id')");
  EXPECT_EQ(input_error(""), "error: log.csv: empty file (expected a header line, e.g. customer_id,date,amount)");
  LogFormat compact;
  compact.date_format = DateFormat("%Y%m%d");
  EXPECT_EQ(input_error("customer_id,date,amount\n1,1997-01-01,3\n", compact),
            "error: log.csv:2: bad date '1997-01-01' (expected YYYYMMDD)");
}

TEST(TransactionReader, EveryBadRowIsReportedAtOnce)
{
  EXPECT_EQ(input_error("customer_id,date,amount\n1,1997-13-01,2\n2,1997-01-01,abc\n3,1997-01-02\n"
                        ",1997-01-01,-1\n4,1997-01-01,1\n\"5,1997-01-01,1\n"),
            "error: log.csv:2: bad date '1997-13-01' (expected YYYY-MM-DD)\n"
            "error: log.csv:3: amount 'abc' is not a number\n"
            "error: log.csv:4: row has 2 fields, the header has 3\n"
            "error: log.csv:5: empty customer id (column 'customer_id')\n"
            "error: log.csv:5: amount -1 is negative\n"
            "error: log.csv:7: unterminated quote");
  std::string many = "customer_id,date,amount\n";
  for (int i = 0; i < 30; ++i) many += "1,1997-01-01,-1\n";
  const std::string e = input_error(many);
  EXPECT_EQ(e.substr(e.rfind('\n') + 1), "error: log.csv: ... and 10 more problems") << e;
}

TEST(TransactionReader, SeparatorHintAndRawTextInMessages)
{
  EXPECT_EQ(input_error("customer_id;date;amount\n1;1997-01-01;3\n"),
            "error: log.csv:1: missing column 'customer_id' (header: customer_id;date;amount); the file seems to "
            "use ';' as separator (clvsim reads comma-separated files)");
  const std::string big = input_error(std::string(1 << 20, 'h') + "\n");
  EXPECT_EQ(big, "error: log.csv:1: missing column 'customer_id' (header: " + std::string(80, 'h') +
                     "... (1048576 bytes in all))");
  EXPECT_EQ(input_error("customer_id,date,amount\n1,\x1b[2J,3\n"),
            "error: log.csv:2: bad date '\\x1b[2J' (expected YYYY-MM-DD)");
}

TEST(TransactionReader, UnreadableFileIsAnIoError)
{
  const std::string missing = "/nonexistent-dir/clvsim-fit/log.csv";
  EXPECT_EQ(error_of<IoError>([&] { read_transactions(missing, LogFormat{}); }),
            "error: " + missing + ": cannot open for reading (No such file or directory)");
}

TEST(TransactionReader, ColumnMappingCompactDatesAndNoAmounts)
{
  LogFormat f;
  f.id_column = "who";
  f.date_column = "when";
  f.amount_column = "";
  f.date_format = DateFormat("%Y%m%d");
  const auto log = read_text("when,extra,who\n19970105,zz,42\n19970101,zz,42\n", f);
  EXPECT_FALSE(log.has_amounts);
  ASSERT_EQ(log.transactions.size(), 2u);
  EXPECT_EQ(log.customer_ids[0], "42");
  EXPECT_EQ(log.transactions[0].day, day("1997-01-01"));
}

TEST(TransactionReader, RowsAfterTheLastDayAreValidatedButNotKept)
{
  LogFormat f;
  f.last_day = day("1997-02-01");
  const auto log = read_text("customer_id,date,amount\n1,1997-01-01,1\n1,1997-03-01,1\n", f);
  EXPECT_EQ(log.rows_read, 2u);
  EXPECT_EQ(log.transactions.size(), 1u);
  EXPECT_EQ(input_error("customer_id,date,amount\n1,1997-01-01,1\n1,1997-03-01,-1\n", f),
            "error: log.csv:3: amount -1 is negative");
}

TEST(Summary, FaderHardieConventionsOnAHandExample)
{
  // Customer a: first 01-01, repeats 01-08 (merged 2 rows), 01-22; holdout 02-05.
  // Customer b: one purchase 01-15. Customer c: first purchase after the calibration end.
  const auto log = read_text(
      "customer_id,date,amount\n"
      "a,1997-01-01,5\na,1997-01-08,1\na,1997-01-08,2\na,1997-01-22,9\na,1997-02-05,7\n"
      "b,1997-01-15,4\nc,1997-02-02,1\n");
  SummaryOptions o;
  o.calibration_end = day("1997-01-29");
  o.holdout_end = day("1997-02-12");
  const auto s = summarize(log, o);
  ASSERT_EQ(s.customers(), 2u);
  EXPECT_EQ(s.excluded_customers, 1u);
  EXPECT_EQ(s.ids[0], "a");
  EXPECT_EQ(s.x[0], 2);
  EXPECT_DOUBLE_EQ(s.t_x[0], 3.0);  // 01-22 − 01-01 = 21 days
  EXPECT_DOUBLE_EQ(s.T[0], 4.0);    // 01-29 − 01-01 = 28 days
  EXPECT_DOUBLE_EQ(s.m_x[0], 6.0);  // (3 + 9)/2, first purchase excluded
  EXPECT_EQ(s.x_star[0], 1);
  EXPECT_EQ(s.x[1], 0);
  EXPECT_EQ(s.t_x[1], 0);
  EXPECT_DOUBLE_EQ(s.T[1], 2.0);
  EXPECT_EQ(s.m_x[1], 0);         // documented: 0 when x = 0
  EXPECT_EQ(s.transactions, 5u);  // a: 4 customer-days, b: 1
  EXPECT_EQ(s.repeat_transactions, 2u);
  EXPECT_EQ(s.holdout_transactions, 1u);
  std::ostringstream csv;
  write_summary_csv(s, csv);
  EXPECT_EQ(csv.str(), "customer_id,x,t_x,T,m_x\na,2,3,4,6\nb,0,0,2,0\n");

  o.time_unit = TimeUnit::day;
  EXPECT_DOUBLE_EQ(summarize(log, o).T[0], 28.0);
}

TEST(Summary, EmptyCalibrationPeriodIsAnInputError)
{
  const auto log = read_text("customer_id,date,amount\n1,1997-10-05,3\n");
  SummaryOptions o;
  o.calibration_end = day("1997-09-30");
  EXPECT_EQ(error_of<InputError>([&] { summarize(log, o); }),
            "error: log.csv: no transactions on or before the calibration end 1997-09-30");
}

TEST(Summary, CollapseGroupsIdenticalCustomers)
{
  const std::vector<double> x{0, 1, 0, 1, 2}, t{0, 3, 0, 3, 4}, T{5, 5, 5, 6, 6};
  const auto c = collapse(x, t, T);
  EXPECT_EQ(c.rows(), 4);
  EXPECT_EQ(c.customers, 5);
  EXPECT_EQ(c.weight[0], 2);  // (0, 0, 5) twice
  EXPECT_EQ(c.run_x, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(c.run_start, (std::vector<Eigen::Index>{0, 1, 3, 4}));
}

namespace {
std::filesystem::path test_data()
{
  return CLVSIM_TEST_DATA;
}
}  // namespace

TEST(Summary, CdnowCountsMatchThePublishedTotals)
{
  const auto path = test_data() / "cdnow_sample.csv";
  if (!std::filesystem::exists(path)) FAIL() << "CDNOW sample not found at " << path;
  LogFormat f;
  f.last_day = day("1998-06-30");
  const auto log = read_transactions(path.string(), f);
  EXPECT_EQ(log.rows_read, 6919u);
  EXPECT_EQ(log.transactions.size(), 6696u);
  SummaryOptions o;
  o.calibration_end = day("1997-09-30");
  o.holdout_end = day("1998-06-30");
  const auto s = summarize(log, o);
  EXPECT_EQ(s.customers(), 2357u);
  EXPECT_EQ(s.transactions, 6696u);
  EXPECT_EQ(s.repeat_customers, 946u);
  EXPECT_EQ(s.repeat_transactions, 2457u);
  EXPECT_EQ(s.holdout_transactions, 1882u);
  EXPECT_EQ(s.origin_day, day("1997-01-01"));
  // Spec §3.6 example customer: x = 2, t_x = 30.43, T = 38.86 weeks.
  EXPECT_EQ(s.ids[0], "1");
  EXPECT_EQ(s.x[0], 2);
  EXPECT_NEAR(s.t_x[0], 30.43, 0.005);
  EXPECT_NEAR(s.T[0], 38.86, 0.005);
}
