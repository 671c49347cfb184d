// core::quoted (engine/core/quoted.h): the one string literal clvsim writes into JSON and into
// TOML fragments. Every escape, valid UTF-8 through, invalid bytes as U+FFFD, and the literal
// reads back as the same text through a TOML parser.
#include "engine/core/quoted.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <string>

namespace clvsim::core {
namespace {

TEST(Quoted, EscapesWhatJsonAndTomlRequire)
{
  EXPECT_EQ(quoted("plain"), "\"plain\"");
  EXPECT_EQ(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quoted("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(quoted(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(quoted(std::string(1, '\0')), "\"\\u0000\"");
}

TEST(Quoted, PassesUtf8AndReplacesInvalidBytes)
{
  EXPECT_EQ(quoted("Zażółć €𝄞"), "\"Zażółć €𝄞\"");
  // a lone continuation byte, an overlong, a surrogate, a truncated sequence
  EXPECT_EQ(quoted("a\x80"
                   "b\xC0\xAF"
                   "c\xED\xA0\x80"
                   "d\xE2\x82"),
            "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\"");
}

TEST(Quoted, ReadsBackAsTheSameTextInToml)
{
  const std::string text = std::string("q\"b\\ \b\f\n\r\t \x01\x7f z") + "ół";
  const toml::table t = toml::parse("v = " + quoted(text) + "\n");
  EXPECT_EQ(t["v"].value_or(std::string()), text);
  const toml::table bad = toml::parse("v = " + quoted("x\xFFy") + "\n");
  EXPECT_EQ(bad["v"].value_or(std::string()), "x\xEF\xBF\xBDy");  // U+FFFD
}

}  // namespace
}  // namespace clvsim::core
