// Tests of BERT normalisation and pre-tokenisation against what HF tokenizers' BertNormalizer and
// BertPreTokenizer produce (expected strings taken from HF tokenizers 0.23).
#include <gtest/gtest.h>

#include "text/normalizer.h"
#include "text/pre_tokenizer.h"
#include "text/unicode.h"

namespace peft::text {
namespace {

std::string normalize(const std::string& text, const BertNormalizer& n = BertNormalizer{}) {
  return encode_utf8(n.normalize(decode_utf8(text)));
}

std::vector<std::string> pre_tokenize(const std::string& text) {
  const std::u32string u = decode_utf8(text);
  std::vector<std::string> out;
  for (std::u32string_view w : bert_pre_tokenize(u)) out.push_back(encode_utf8(w));
  return out;
}

TEST(Normalizer, CleanTextDropsControlAndFormatCharsAndMapsWhitespace) {
  // U+00AD soft hyphen and U+200B zero-width space are Cf; \v is Cc; U+2028 and U+00A0 are whitespace.
  EXPECT_EQ(normalize("Ab\u00ad\u200b\v\u2028x\ty\nz\r\u00a0w"), "ab x y z  w");
  EXPECT_EQ(normalize(std::string("a\0b", 3) + "\xEF\xBF\xBD" + "c"), "abc");
  EXPECT_EQ(normalize("a\u0378b\ue000c"), "a\u0378bc");  // unassigned is kept, private use is not
}

TEST(Normalizer, SpacesOutCjkIdeographs) {
  EXPECT_EQ(normalize("CJK中文字!"), "cjk 中  文  字 !");
  EXPECT_EQ(normalize("かな한"), normalize("かな") + normalize("한"));  // kana and hangul are not padded
}

TEST(Normalizer, StripsAccentsThenLowercases) {
  EXPECT_EQ(normalize("Café naïve RÉSUMÉ"), "cafe naive resume");
  EXPECT_EQ(normalize("\u0130x"), "ix");             // İ: NFD gives I + U+0307, the mark goes
  EXPECT_EQ(normalize("ΟΔΟΣ"), "οδοσ");              // per-character lower-casing: no final sigma
  EXPECT_EQ(normalize("한"), "\u1112\u1161\u11ab");  // NFD decomposes hangul syllables into jamo
}

TEST(Normalizer, StripAccentsFollowsLowercaseUnlessSet) {
  BertNormalizer cased;
  cased.lowercase = false;
  EXPECT_EQ(normalize("Café", cased), "Café");
  cased.strip_accents = true;
  EXPECT_EQ(normalize("Café", cased), "Cafe");
  BertNormalizer keep_accents;
  keep_accents.strip_accents = false;
  EXPECT_EQ(normalize("Café \u0130", keep_accents), "café i\u0307");  // full lower-case mapping of İ
}

TEST(Normalizer, EveryStepCanBeTurnedOff) {
  BertNormalizer none{false, false, false, false};
  const std::string text = "A\u00ad中\u2028é";
  EXPECT_EQ(normalize(text, none), text);
}

TEST(PreTokenizer, SplitsOnWhitespaceAndIsolatesPunctuation) {
  const std::vector<std::string> expected = {"hello", ",", "world", "!",   "$", "x", "a",
                                             "—",     "b", "¿",     "Qué", "?", "x", "y"};
  EXPECT_EQ(pre_tokenize("hello, world!$x a—b ¿Qué? x\u3000y"), expected);
  EXPECT_EQ(pre_tokenize("  \t "), std::vector<std::string>{});
  EXPECT_EQ(pre_tokenize("..."), (std::vector<std::string>{".", ".", "."}));
}

TEST(Unicode, InvalidUtf8BecomesReplacementChars) {
  EXPECT_EQ(decode_utf8("a\xC3(b\xFF"), (std::u32string{U'a', 0xFFFD, U'(', U'b', 0xFFFD}));
  EXPECT_EQ(utf8_length("héllo 中"), 7u);
}

}  // namespace
}  // namespace peft::text
