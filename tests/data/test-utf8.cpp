// Tests for the UTF-8 validator: well-formed one- to four-byte sequences and the edges of Unicode's Table 3-7,
// each ill-formed kind (overlong, surrogate, above U+10FFFF, truncated, stray continuation) at a known offset,
// and the file:line:byte message of require_utf8.
#include <gtest/gtest.h>

#include "data/utf8.h"
#include "support/scratch.h"

namespace peft::data {
namespace {

using test::error_of;
constexpr size_t kValid = std::string_view::npos;

TEST(Utf8, AcceptsAsciiAndMultiByteSequences) {
  EXPECT_EQ(first_invalid_utf8(""), kValid);
  EXPECT_EQ(first_invalid_utf8("plain ascii\t\r\n"), kValid);
  EXPECT_EQ(first_invalid_utf8(std::string_view("a\0b", 3)), kValid);
  EXPECT_EQ(first_invalid_utf8("Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), kValid);  // é € 😀
  EXPECT_EQ(first_invalid_utf8("\xC2\x80"), kValid);                  // U+0080, the smallest two-byte form
  EXPECT_EQ(first_invalid_utf8("\xE0\xA0\x80"), kValid);              // U+0800, the smallest three-byte form
  EXPECT_EQ(first_invalid_utf8("\xED\x9F\xBF\xEE\x80\x80"), kValid);  // U+D7FF and U+E000, around the surrogates
  EXPECT_EQ(first_invalid_utf8("\xF0\x90\x80\x80"), kValid);          // U+10000, the smallest four-byte form
  EXPECT_EQ(first_invalid_utf8("\xF4\x8F\xBF\xBF"), kValid);          // U+10FFFF, the largest code point
  EXPECT_EQ(first_invalid_utf8("\xEF\xBB\xBFx"), kValid);             // a byte-order mark is U+FEFF
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_EQ(first_invalid_utf8("\xC0\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("ab\xC1\xBF"), 2u);
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xE0\x9F\xBF"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xF0\x8F\xBF\xBF"), 0u);
}

TEST(Utf8, RejectsSurrogates) {
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("x\xED\xBF\xBF"), 1u);
}

TEST(Utf8, RejectsCodePointsAboveTheLast) {
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("ok\xF5\x80\x80\x80"), 2u);
  EXPECT_EQ(first_invalid_utf8("\xFF"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xC3\xA9\xFE"), 2u);
}

TEST(Utf8, RejectsTruncatedSequences) {
  EXPECT_EQ(first_invalid_utf8("\xE2\x82"), 0u);
  EXPECT_EQ(first_invalid_utf8("a\xE2\x82"), 1u);
  EXPECT_EQ(first_invalid_utf8("\xE2\x82z"), 0u);  // broken off by an ASCII byte
  EXPECT_EQ(first_invalid_utf8("\xF0\x9F\x98"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xC3"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xC3\xC3\xA9"), 0u);  // broken off by the next lead byte
}

TEST(Utf8, RejectsStrayContinuationBytes) {
  EXPECT_EQ(first_invalid_utf8("\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xC3\xA9\xA9"), 2u);
  EXPECT_EQ(first_invalid_utf8("Latin-1 caf\xE9!"), 11u);  // the usual culprit: a Latin-1 file
}

TEST(Utf8, RequireNamesFileLineAndByte) {
  EXPECT_NO_THROW(require_utf8("a\nCaf\xC3\xA9\n", "ok.tsv"));
  EXPECT_EQ(error_of([] { require_utf8("\xFF", "x.txt"); }),
            "x.txt:1: invalid UTF-8 at byte 1 of the line, byte 1 of the file (byte 0xff)");
  EXPECT_EQ(error_of([] { require_utf8("id\r\n\n1\tcaf\xE9\r\n", "train.tsv"); }),
            "train.tsv:3: invalid UTF-8 at byte 6 of the line, byte 11 of the file (byte 0xe9)");
  EXPECT_EQ(error_of([] { require_utf8("\xEF\xBB\xBFid\xC0\x80", "bom.csv"); }),  // the BOM counts as 3 bytes
            "bom.csv:1: invalid UTF-8 at byte 6 of the line, byte 6 of the file (byte 0xc0)");
  EXPECT_EQ(error_of([] { require_utf8("a\nb\xE2\x82", "cut.txt"); }),
            "cut.txt:2: invalid UTF-8 at byte 2 of the line, byte 4 of the file (byte 0xe2)");
}

}  // namespace
}  // namespace peft::data
