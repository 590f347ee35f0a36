// Tests for line splitting: LF / CRLF endings, BOM removal, blank and unterminated lines.
// Each expectation is written out by hand.
#include <gtest/gtest.h>

#include "data/text_lines.h"

namespace peft::data {
namespace {

using Lines = std::vector<std::string_view>;

TEST(TextLines, SplitsLfAndCrlfAlike) {
  EXPECT_EQ(split_lines("a\nb\n"), (Lines{"a", "b"}));
  EXPECT_EQ(split_lines("a\r\nb\r\n"), (Lines{"a", "b"}));
  EXPECT_EQ(split_lines("a\r\nb"), (Lines{"a", "b"}));
}

TEST(TextLines, KeepsBlankLinesInside) {
  EXPECT_EQ(split_lines("a\n\r\n\nb"), (Lines{"a", "", "", "b"}));
  EXPECT_EQ(split_lines(""), Lines{});
  EXPECT_EQ(split_lines("\n"), Lines{""});
}

TEST(TextLines, DropsByteOrderMarkOnlyAtStart) {
  EXPECT_EQ(split_lines("\xEF\xBB\xBFid\n\xEF\xBB\xBFx"), (Lines{"id", "\xEF\xBB\xBFx"}));
  EXPECT_EQ(strip_bom("\xEF\xBB\xBF"), "");
  EXPECT_EQ(strip_bom("\xEF\xBB"), "\xEF\xBB");
}

TEST(TextLines, KeepsLoneCarriageReturnInsideALine) { EXPECT_EQ(split_lines("a\rb\n"), Lines{"a\rb"}); }

}  // namespace
}  // namespace peft::data
