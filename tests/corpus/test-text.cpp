// Tests of the text helpers (cleaning, tokenizer), WordNet morphology, stable hashing and the seeded
// generator: the pieces whose exact output the task files depend on.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "corpus/morph.h"
#include "corpus/rng.h"
#include "corpus/split.h"
#include "corpus/text.h"

using namespace peft::corpus;

TEST(CleanText, OverstrikesControlBytesAndWhitespace) {
  EXPECT_EQ(clean_text("\tAn _\bu_\bn_\bd_\be_\br word,\r\n  with\x01 tabs\t\n"), "An under word, with tabs");
  EXPECT_EQ(clean_text(" \n\t "), "");
}

TEST(CleanText, RepairsDoublyEncodedUtf8Only) {
  EXPECT_EQ(clean_text("don\xC3\xA2\xC2\x80\xC2\x99t"), "don\xE2\x80\x99t");  // once too often
  EXPECT_EQ(clean_text("\xC3\x83\xC2\xA2\xC3\x82\xC2\x80\xC3\x82\xC2\x99s"), "\xE2\x80\x99s");  // twice
  EXPECT_EQ(clean_text("\xC3\xBC" "ber"), "\xC3\xBC" "ber");                  // correct text stays
  EXPECT_EQ(clean_text("\xFF\xFE"), "\xFF\xFE");                              // and so do stray bytes
}

TEST(Tokenize, SplitsPunctuationOffWordEdges) {
  EXPECT_EQ(tokenize("(usually followed by `to') the dog's well-known U.S. tricks..."),
            (std::vector<std::string>{"(", "usually", "followed", "by", "`", "to", "'", ")", "the", "dog", "'s",
                                      "well-known", "U.S", ".", "tricks", ".", ".", "."}));
  EXPECT_EQ(tokenize("don't -- 's"), (std::vector<std::string>{"don't", "-", "-", "'", "s"}));
  EXPECT_TRUE(tokenize("  ").empty());
}

TEST(WordCount, CountsWhitespaceSeparatedWords) {
  EXPECT_EQ(word_count(" a  b\tc\n"), 3u);
  EXPECT_EQ(to_lower("AbC-Ü"), "abc-Ü");
}

TEST(Morph, RulesAndExceptions) {
  WordNet wn;
  wn.exceptions['n']["geese"] = {"goose"};
  wn.exceptions['v']["took"] = {"take"};
  const auto has = [&](const std::string& word, char pos, const std::string& base) {
    const auto forms = base_forms(word, pos, wn);
    return std::find(forms.begin(), forms.end(), base) != forms.end();
  };
  EXPECT_TRUE(has("boxes", 'n', "box"));
  EXPECT_TRUE(has("ponies", 'n', "pony"));
  EXPECT_TRUE(has("women", 'n', "woman"));
  EXPECT_TRUE(has("geese", 'n', "goose"));
  EXPECT_TRUE(has("took", 'v', "take"));
  EXPECT_TRUE(has("baked", 'v', "bake"));
  EXPECT_TRUE(has("walking", 'v', "walk"));
  EXPECT_TRUE(has("larger", 's', "large"));
  EXPECT_TRUE(has("fast", 'r', "fast"));
  EXPECT_FALSE(has("walking", 'n', "walk"));  // -ing is a verb rule only
  EXPECT_FALSE(has("took", 'n', "take"));     // exceptions are per pos
}

TEST(StableHash, FixedValues) {
  // Pinned: a change here reshuffles every task split and the corpus.
  EXPECT_EQ(stable_hash(""), 0xf52a15e9a9b5e89bULL);
  EXPECT_EQ(stable_hash("wordnet:a sort of dog"), stable_hash("wordnet:a sort of dog"));
  EXPECT_NE(stable_hash("a"), stable_hash("b"));
}

TEST(SplitOf, RoughlyEightyTenTen) {
  std::array<int, 3> counts{};
  for (int i = 0; i < 20000; ++i) ++counts[static_cast<int>(split_of("test", std::to_string(i)))];
  EXPECT_NEAR(counts[0], 16000, 400);
  EXPECT_NEAR(counts[1], 2000, 200);
  EXPECT_NEAR(counts[2], 2000, 200);
  EXPECT_STREQ(split_name(Split::dev), "dev");
}

TEST(Rng, SeededAndInRange) {
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = a.below(7);
    EXPECT_EQ(x, b.below(7));
    EXPECT_LT(x, 7u);
  }
}
