//! The one CSV reader (engine/core/csv.h): RFC 4180 fields, BOM, CRLF, blank lines, the
//! separator hint, problems with file:line up to a cap, bounded numbers, safe excerpts.
#include "engine/core/csv.h"
#include "engine/core/errors.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace clvsim::csv {
namespace {

std::vector<std::string> split(std::string_view line)
{
  std::vector<std::string> f;
  EXPECT_TRUE(split_line(line, f)) << line;
  return f;
}

using Fields = std::vector<std::string>;

TEST(SplitLine, Rfc4180Fields)
{
  EXPECT_EQ(split("a,b,c"), (Fields{"a", "b", "c"}));
  EXPECT_EQ(split(""), (Fields{""}));
  EXPECT_EQ(split("a,,"), (Fields{"a", "", ""}));
  EXPECT_EQ(split(" a , b\t,c "), (Fields{"a", "b", "c"}));               // blanks around unquoted fields
  EXPECT_EQ(split("\"a,b\",c"), (Fields{"a,b", "c"}));                    // a comma inside quotes
  EXPECT_EQ(split("\"say \"\"hi\"\"\",x"), (Fields{"say \"hi\"", "x"}));  // doubled quotes
  EXPECT_EQ(split("\" padded \",x"), (Fields{" padded ", "x"}));          // quoted blanks kept
  EXPECT_EQ(split("  \"q\"  ,x"), (Fields{"q", "x"}));
  EXPECT_EQ(split("\"\",x"), (Fields{"", "x"}));
  std::vector<std::string> f;
  EXPECT_FALSE(split_line("\"open,x", f));
  EXPECT_FALSE(split_line("a,\"open", f));
}

TEST(Field, QuotesOnlyWhatNeedsIt)
{
  EXPECT_EQ(field("plain"), "plain");
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field(" x"), "\" x\"");
  for (const std::string s : {"a,b", "say \"hi\"", " x ", "\t", "plain", ""})
    EXPECT_EQ(split(field(s) + ",end"), (Fields{s, "end"})) << s;  // read back unchanged
}

TEST(Reader, HeaderAfterBomAndBlankLinesThenRowsWithLineNumbers)
{
  std::istringstream in("\xEF\xBB\xBF\r\n\ncustomer_id,x\r\n1,2\r\n\r\n  \n\"3,4\",5\n\"open\n6,7");
  Reader r(in, "h.csv");
  ASSERT_TRUE(r.read_header());
  EXPECT_TRUE(r.header_ok());
  EXPECT_EQ(r.line(), 3u);
  EXPECT_EQ(r.header(), (Fields{"customer_id", "x"}));
  EXPECT_EQ(r.header_line(), "customer_id,x");
  EXPECT_EQ(r.column("x"), 1u);
  EXPECT_FALSE(r.column("T"));
  EXPECT_EQ(r.separator_hint(), "");
  Fields f;
  ASSERT_EQ(r.next(f), Reader::Row::ok);
  EXPECT_EQ(r.line(), 4u);
  EXPECT_EQ(f, (Fields{"1", "2"}));
  ASSERT_EQ(r.next(f), Reader::Row::ok);
  EXPECT_EQ(r.line(), 7u);
  EXPECT_EQ(f, (Fields{"3,4", "5"}));
  EXPECT_EQ(r.next(f), Reader::Row::unterminated_quote);
  EXPECT_EQ(r.line(), 8u);
  ASSERT_EQ(r.next(f), Reader::Row::ok);  // the record after a bad one is read on
  EXPECT_EQ(r.line(), 9u);
  EXPECT_EQ(f, (Fields{"6", "7"}));
  EXPECT_EQ(r.next(f), Reader::Row::end);
  EXPECT_FALSE(r.bad());
}

TEST(Reader, EmptyInputHasNoHeader)
{
  std::istringstream empty(""), blank("\n \r\n\t\n"), bom("\xEF\xBB\xBF\r\n");
  EXPECT_FALSE(Reader(empty, "e.csv").read_header());
  EXPECT_FALSE(Reader(blank, "b.csv").read_header());
  EXPECT_FALSE(Reader(bom, "bom.csv").read_header());
}

TEST(Reader, WrongSeparatorGetsAHint)
{
  std::istringstream semi("customer_id;x;t_x;T\n"), tabs("customer_id\tx\n"), one("customer_id\n"),
      quoted("\"a;b\",c\n");
  Reader s(semi, "s.csv"), t(tabs, "t.csv"), o(one, "o.csv"), q(quoted, "q.csv");
  for (Reader* r : {&s, &t, &o, &q}) ASSERT_TRUE(r->read_header());
  EXPECT_EQ(s.separator_hint(), "; the file seems to use ';' as separator (clvsim reads comma-separated files)");
  EXPECT_EQ(t.separator_hint(), "; the file seems to use tabs as separator (clvsim reads comma-separated files)");
  EXPECT_EQ(o.separator_hint(), "");
  EXPECT_EQ(q.separator_hint(), "");  // two columns: the ';' is data
}

TEST(ParseNumber, BoundsAreCheckedBeforeAnyCast)
{
  double v = -1;
  EXPECT_EQ(parse_number("2.5", v), NumberStatus::ok);
  EXPECT_EQ(v, 2.5);
  EXPECT_EQ(parse_number("+3", v), NumberStatus::ok);
  EXPECT_EQ(v, 3);
  EXPECT_EQ(parse_number("1e3", v), NumberStatus::ok);
  EXPECT_EQ(v, 1000);
  for (const char* bad : {"", " 1", "1 ", "abc", "1,5", "0x10", "nan", "inf", "-inf", "1e999", "++1", "+"})
    EXPECT_EQ(parse_number(bad, v), NumberStatus::not_a_number) << bad;
  EXPECT_EQ(parse_number("1.5", v, 0, 10, true), NumberStatus::not_whole);
  EXPECT_EQ(parse_number("-1", v, 0, 10, true), NumberStatus::below_min);
  EXPECT_EQ(parse_number("10", v, 0, 10, true), NumberStatus::ok);
  EXPECT_EQ(parse_number("11", v, 0, 10, true), NumberStatus::above_max);
  // int: INT_MAX - 1 accepted, INT_MAX and 1e10 refused before a cast could overflow
  EXPECT_EQ(parse_number("2147483646", v, 0, 2147483646.0, true), NumberStatus::ok);
  EXPECT_EQ(static_cast<int>(v), 2147483646);
  EXPECT_EQ(parse_number("2147483647", v, 0, 2147483646.0, true), NumberStatus::above_max);
  EXPECT_EQ(parse_number("1e10", v, 0, 2147483646.0, true), NumberStatus::above_max);
  EXPECT_EQ(parse_number("4294967295", v, 0, 1e9, true), NumberStatus::above_max);
}

TEST(NumberText, IntegersInFull)
{
  EXPECT_EQ(number_text(1e9), "1000000000");
  EXPECT_EQ(number_text(2147483646), "2147483646");
  EXPECT_EQ(number_text(0.25), "0.25");
  EXPECT_EQ(number_text(-3), "-3");
}

TEST(Problems, FileLineCapAndCount)
{
  Problems p("h.csv", 3);
  EXPECT_TRUE(p.empty());
  EXPECT_NO_THROW(p.throw_if_any());
  p.add(2, "first");
  p.add("whole file");
  EXPECT_EQ(p.lines(), (Fields{"error: h.csv:2: first", "error: h.csv: whole file"}));
  p.add(7, "third");
  p.add(8, "fourth");
  p.add(9, "fifth");
  EXPECT_EQ(p.count(), 5u);
  EXPECT_EQ(p.lines(), (Fields{"error: h.csv:2: first", "error: h.csv: whole file", "error: h.csv:7: third",
                               "error: h.csv: ... and 2 more problems"}));
  try {
    p.throw_if_any();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "error: h.csv:2: first\nerror: h.csv: whole file\nerror: h.csv:7: third\n"
              "error: h.csv: ... and 2 more problems");
  }
  Problems one("x.csv", 1);
  one.add(1, "a");
  one.add(2, "b");
  EXPECT_EQ(one.lines().back(), "error: x.csv: ... and 1 more problem");
  EXPECT_EQ(Problems("d.csv").lines().size(), 0u);
  Problems many("m.csv");
  for (int i = 0; i < 100; ++i) many.add(static_cast<std::size_t>(i), "p");
  EXPECT_EQ(many.lines().size(), MAX_PROBLEMS + 1);
}

TEST(Excerpt, EscapedAndTruncated)
{
  EXPECT_EQ(excerpt("plain text"), "plain text");
  EXPECT_EQ(excerpt("tab\there\r\n"), "tab\\there\\r\\n");
  EXPECT_EQ(excerpt("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(excerpt(std::string("nul\0byte", 8)), "nul\\x00byte");
  EXPECT_EQ(excerpt("del\x7f"), "del\\x7f");
  EXPECT_EQ(excerpt("Zürich, Kraków, 東京"), "Zürich, Kraków, 東京");       // valid UTF-8 as it is
  EXPECT_EQ(excerpt("bad \xff\xfe end \xc3"), "bad \\xff\\xfe end \\xc3");  // invalid bytes
  EXPECT_EQ(excerpt("\xc0\xaf"), "\\xc0\\xaf");                             // an overlong '/'
  EXPECT_EQ(excerpt("\xed\xa0\x80"), "\\xed\\xa0\\x80");                    // a surrogate
  EXPECT_EQ(excerpt("\xc2\x9b"
                    "31m"),
            "\\u009b31m");  // C1 CSI
  EXPECT_EQ(excerpt("a\xe2\x80\xae"
                    "b"),
            "a\\u202eb");  // right-to-left override
  EXPECT_EQ(excerpt("\xef\xbb\xbfx"), "\\ufeffx");
  const std::string big(20'000'000, 'h');
  EXPECT_EQ(excerpt(big), std::string(80, 'h') + "... (20000000 bytes in all)");
  EXPECT_EQ(excerpt(std::string(80, 'h')), std::string(80, 'h'));
  EXPECT_EQ(excerpt("abcdef", 3), "abc... (6 bytes in all)");
  EXPECT_EQ(excerpt(std::string(100, '\x01')).size(), 80 * 4 + std::string("... (100 bytes in all)").size());
}

}  // namespace
}  // namespace clvsim::csv
