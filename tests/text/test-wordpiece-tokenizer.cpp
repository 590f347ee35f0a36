// Tests of the WordPiece tokenizer against ids from HF tokenizers: the fixture cases (loaded from
// vocab.txt and from tokenizer.json), special tokens, pairs, truncation, pre-split words, added tokens.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "text/wordpiece_tokenizer.h"
#include "support/scratch.h"

namespace peft::text {
namespace {

using nlohmann::json;
using test::error_of;
using test::TempDir;
using Ids = std::vector<int64_t>;

const json& expected_ids() {
  static const json j = json::parse(io::read_file(test::fixture("tokenizers/expected_ids.json")));
  return j;
}

WordPieceTokenizer from_vocab_txt() { return WordPieceTokenizer::from_vocab_txt(test::fixture("tokenizers/vocab.txt")); }
WordPieceTokenizer from_json() {
  return WordPieceTokenizer::from_tokenizer_json(test::fixture("tokenizers/bert/tokenizer.json"));
}

// The fixture tokenizer.json with `edit` applied, written to a fresh directory and loaded.
template <class Edit>
WordPieceTokenizer edited_json(Edit edit) {
  json j = json::parse(io::read_file(test::fixture("tokenizers/bert/tokenizer.json")));
  edit(j);
  const TempDir scratch;
  const std::string path = scratch.path("tokenizer.json");
  io::write_file_atomic(path, j.dump());
  return WordPieceTokenizer::from_tokenizer_json(path);
}

TEST(WordPieceTokenizer, MatchesHfIdsFromVocabTxtAndTokenizerJson) {
  const WordPieceTokenizer vocab = from_vocab_txt(), tok_json = from_json();
  ASSERT_GE(expected_ids()["wordpiece"].size(), 9u);
  for (const auto& [text, ids] : expected_ids()["wordpiece"].items()) {
    EXPECT_EQ(vocab.tokenize(text), ids.get<Ids>()) << text;
    EXPECT_EQ(tok_json.tokenize(text), ids.get<Ids>()) << text;
    // That tokenizer.json's template adds no special tokens.
    EXPECT_EQ(tok_json.encode(text, nullptr, 0).input_ids, ids.get<Ids>()) << text;
  }
}

TEST(WordPieceTokenizer, MatchesHfOnMixedScriptsControlsAndSpecials) {
  // Ids from HF tokenizers for the fixture tokenizer.json: unassigned U+0378 is kept (and unknown),
  // U+0080 is dropped, U+F900 is a CJK ideograph, "[mask]" is not "[MASK]".
  const std::pair<std::string, Ids> cases[] = {
      {"the[CLS]\u2014\u0378program", {111, 2, 1, 1}},
      {"\u2000\u0141&\u0378\uf900[CLS]fox\u2029\xC2\x80[mask]supercalifragilistic\u24b6\u200aythe",
       {1, 10, 1, 1, 2, 390, 97, 37, 236, 74, 85, 39, 1, 67, 190, 73}},
      {"l\u05b0\u00f8jumps\u0531[SEP]\u0301\u2000\u202f<\u3400unbelievable\ud55c[UNK]\u00a1y\u00f1[CLS]\u00e8\u0378["
       "SEP]U",
       {1, 3, 32, 1, 1, 1, 1, 67, 77, 2, 1, 3, 63}},
      {"\u0130stanbul \u00c5ngstr\u00f6m \u212b \u1e9e \u03a3\u0399\u03a3\u03a5\u03a6\u039f\u03a3 x\u0308\u0323y "
       "\ufb01le \u2163",
       {133, 86, 119, 91, 227, 120, 80, 126, 130, 83, 43, 1, 1, 66, 90, 1, 1}},
  };
  const WordPieceTokenizer tok = from_json();
  for (const auto& [text, ids] : cases) EXPECT_EQ(tok.tokenize(text), ids) << text;
}

TEST(WordPieceTokenizer, PairsMatchHf) {
  const WordPieceTokenizer vocab = from_vocab_txt(), tok_json = from_json();
  for (const json& c : expected_ids()["wordpiece_pairs"]) {
    const std::string a = c["a"], b = c["b"];
    const Encoding e = tok_json.encode(a, &b, 0);
    EXPECT_EQ(e.input_ids, c["input_ids"].get<Ids>()) << a;
    EXPECT_EQ(e.token_type_ids, c["token_type_ids"].get<Ids>()) << a;
    // From vocab.txt the BERT template wraps the same ids: [CLS] A [SEP] B [SEP].
    Ids ids{2}, types{0};
    const Ids hf_ids = c["input_ids"], hf_types = c["token_type_ids"];
    for (size_t i = 0; i < hf_ids.size(); ++i) {
      if (i > 0 && hf_types[i] == 1 && hf_types[i - 1] == 0) {
        ids.push_back(3);
        types.push_back(0);
      }
      ids.push_back(hf_ids[i]);
      types.push_back(hf_types[i]);
    }
    ids.push_back(3);
    types.push_back(1);
    const Encoding bert = vocab.encode(a, &b, 0);
    EXPECT_EQ(bert.input_ids, ids) << a;
    EXPECT_EQ(bert.token_type_ids, types) << a;
  }
}

TEST(WordPieceTokenizer, SpecialTokensAndVocabulary) {
  for (const WordPieceTokenizer& tok : {from_vocab_txt(), from_json()}) {
    EXPECT_EQ(tok.pad_id(), 0);
    EXPECT_EQ(tok.unk_id(), 1);
    EXPECT_EQ(tok.cls_id(), 2);
    EXPECT_EQ(tok.sep_id(), 3);
    EXPECT_EQ(tok.mask_id(), 4);
    EXPECT_EQ(tok.vocab_size(), 1000u);
    EXPECT_EQ(tok.token(4), "[MASK]");
    EXPECT_EQ(tok.token(18), ".");
    EXPECT_EQ(tok.id("."), 18);
    EXPECT_EQ(tok.id("no-such-token"), std::nullopt);
    EXPECT_NE(error_of([&] { tok.token(1000); }).find("out of range"), std::string::npos);
  }
}

TEST(WordPieceTokenizer, SpecialTokensInTextAreWordsAndTemplateOnesAreNot) {
  // Word ids as HF reports them: a special token written in the text is a word of its own.
  const Encoding e = from_json().encode("[CLS] hello [MASK] world [SEP]", nullptr, 0);
  EXPECT_EQ(e.input_ids, (Ids{2, 926, 89, 76, 4, 533, 3}));
  EXPECT_EQ(e.word_ids, (std::vector<int>{0, 1, 1, 1, 2, 3, 4}));
  const Encoding single = from_vocab_txt().encode("The quick brown fox jumps over the lazy dog.", nullptr, 0);
  EXPECT_EQ(single.input_ids,
            (Ids{2, 111, 346, 454, 865, 720, 390, 97, 52, 204, 582, 444, 111, 54, 981, 90, 186, 80, 18, 3}));
  EXPECT_EQ(single.word_ids, (std::vector<int>{-1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 7, 7, 7, 8, 8, 9, -1}));
  EXPECT_EQ(single.token_type_ids, Ids(20, 0));
}

TEST(WordPieceTokenizer, TruncatesLongestFirstIncludingSpecialTokens) {
  const WordPieceTokenizer tok = from_vocab_txt();
  const std::string fox = "The quick brown fox jumps over the lazy dog.", wild = "A fox is a small wild animal.",
                    what = "What?";
  // Expected values from HF with truncation max_length 12 / 13.
  Encoding e = tok.encode(fox, nullptr, 12);
  EXPECT_EQ(e.input_ids, (Ids{2, 111, 346, 454, 865, 720, 390, 97, 52, 204, 582, 3}));
  EXPECT_EQ(e.word_ids, (std::vector<int>{-1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, -1}));
  e = tok.encode(fox, &wild, 12);
  EXPECT_EQ(e.input_ids, (Ids{2, 111, 346, 454, 865, 3, 43, 390, 97, 133, 43, 3}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(e.word_ids, (std::vector<int>{-1, 0, 1, 1, 2, -1, 0, 1, 1, 2, 3, -1}));
  e = tok.encode(what, &fox, 12);
  EXPECT_EQ(e.input_ids, (Ids{2, 288, 35, 3, 111, 346, 454, 865, 720, 390, 97, 3}));
  e = tok.encode(fox, &wild, 13);
  EXPECT_EQ(e.input_ids, (Ids{2, 111, 346, 454, 865, 720, 3, 43, 390, 97, 133, 43, 3}));
  // Before the pair is cut, each sequence stops after the first word (of the model, not an added token)
  // that brings it to max_length tokens: clipped sequences count as equally long, a 6-token word can
  // make its sequence the longer one, and special tokens in the text never stop it (values from HF).
  auto kept = [&](const std::string& x, const std::string& y, size_t max_length) {
    const Encoding pair = tok.encode(x, &y, max_length);
    const auto first = std::count(pair.token_type_ids.begin(), pair.token_type_ids.end(), 0) - 2;
    return std::make_pair(first, static_cast<long>(pair.size()) - first - 3);
  };
  auto repeat = [](const std::string& word, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += word + " ";
    return s;
  };
  EXPECT_EQ(kept(repeat("a", 30), repeat("a", 12), 12), std::make_pair(4L, 5L));
  EXPECT_EQ(kept(repeat("a", 30), repeat("a", 11), 12), std::make_pair(5L, 4L));
  EXPECT_EQ(kept(repeat("unbelievable", 3), repeat("a", 15), 14), std::make_pair(6L, 5L));
  EXPECT_EQ(kept(repeat("[MASK]", 30), repeat("a", 12), 12), std::make_pair(5L, 4L));
  EXPECT_EQ(kept(repeat("[MASK]", 11) + repeat("a", 20), repeat("a", 12), 12), std::make_pair(4L, 5L));
  // Short enough: untouched.
  EXPECT_EQ(tok.encode(what, &wild, 100).input_ids, tok.encode(what, &wild, 0).input_ids);
  EXPECT_NE(error_of([&] { tok.encode(what, &wild, 2); }).find("max_length 2"), std::string::npos);
  EXPECT_EQ(tok.encode(what, nullptr, 2).input_ids, (Ids{2, 3}));
}

TEST(WordPieceTokenizer, EncodeWordsTokenizesEachWordOnItsOwn) {
  const WordPieceTokenizer tok = from_vocab_txt();
  const std::vector<std::string> words = {"Hello", "world!", "[MASK]", "", "naïve", "x-ray"};
  const Encoding e = tok.encode_words(words, 0);
  Ids ids{tok.cls_id()};
  std::vector<int> word_ids{-1};
  for (size_t i = 0; i < words.size(); ++i) {
    const Ids piece = tok.tokenize(words[i]);
    ids.insert(ids.end(), piece.begin(), piece.end());
    word_ids.insert(word_ids.end(), piece.size(), static_cast<int>(i));
  }
  ids.push_back(tok.sep_id());
  word_ids.push_back(-1);
  EXPECT_EQ(e.input_ids, ids);
  EXPECT_EQ(e.word_ids, word_ids);
  EXPECT_EQ(tok.tokenize("world!"), (Ids{533, 5}));  // punctuation still splits inside a word
  EXPECT_EQ(tok.tokenize("[MASK]"), Ids{4});
  const Encoding cut = tok.encode_words(words, 6);
  EXPECT_EQ(cut.input_ids.size(), 6u);
  EXPECT_EQ(cut.input_ids.back(), tok.sep_id());
  EXPECT_EQ(std::vector<int>(cut.word_ids.begin(), cut.word_ids.end() - 1),
            std::vector<int>(word_ids.begin(), word_ids.begin() + 5));
}

TEST(WordPieceTokenizer, WordsLongerThan100CharsAreUnknown) {
  const WordPieceTokenizer tok = from_vocab_txt();
  const Ids hundred = tok.tokenize(std::string(100, 'a'));
  EXPECT_GT(hundred.size(), 1u);
  EXPECT_EQ(tok.tokenize(std::string(101, 'a')), Ids{tok.unk_id()});
  // Length counts characters, not bytes.
  const WordPieceTokenizer cyrillic =
      WordPieceTokenizer::from_vocab({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ж", "##ж"});
  std::string word;
  for (int i = 0; i < 100; ++i) word += "ж";
  Ids pieces(100, 6);  // "ж" then 99 x "##ж"
  pieces[0] = 5;
  EXPECT_EQ(cyrillic.tokenize(word), pieces);
  EXPECT_EQ(cyrillic.tokenize(word + "ж"), Ids{1});
  EXPECT_EQ(cyrillic.tokenize("жq"), Ids{1});  // no full match: the whole word is unknown
}

TEST(WordPieceTokenizer, AddedTokensFollowTheirOptions) {
  // <ent>: lstrip + rstrip; "Hello World": matched on normalized text; zq: single_word.
  const WordPieceTokenizer tok = edited_json([](json& j) {
    j["added_tokens"].push_back({{"id", 1000},
                                 {"content", "<ent>"},
                                 {"single_word", false},
                                 {"lstrip", true},
                                 {"rstrip", true},
                                 {"normalized", false},
                                 {"special", false}});
    j["added_tokens"].push_back({{"id", 1001},
                                 {"content", "Hello World"},
                                 {"single_word", false},
                                 {"lstrip", false},
                                 {"rstrip", false},
                                 {"normalized", true},
                                 {"special", false}});
    j["added_tokens"].push_back({{"id", 1002},
                                 {"content", "zq"},
                                 {"single_word", true},
                                 {"lstrip", false},
                                 {"rstrip", false},
                                 {"normalized", false},
                                 {"special", false}});
  });
  const Encoding e =
      tok.encode("Say <ent>  x HELLO   WORLD HELLO WORLD hello world zq zqa xzq zq. [MASK]<ent>zq", nullptr, 0);
  EXPECT_EQ(e.input_ids, (Ids{561, 1000, 66, 926, 89,  76,   533, 1001, 1001, 1002, 68,
                              101, 84,   66, 104, 101, 1002, 18,  4,    1000, 1002}));
  EXPECT_EQ(e.word_ids, (std::vector<int>{0, 1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 8, 8, 9, 9, 9, 10, 11, 12, 13, 14}));
  EXPECT_EQ(tok.vocab_size(), 1003u);
  EXPECT_EQ(tok.token(1001), "Hello World");
  EXPECT_EQ(tok.id("zq"), 1002);
}

TEST(WordPieceTokenizer, ReadsBertProcessingAndNullPostProcessors) {
  const std::string a = "What is a fox?", b = "A fox.";
  const WordPieceTokenizer bert = edited_json([](json& j) {
    j["post_processor"] = {{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}};
  });
  Encoding e = bert.encode(a, &b, 0);
  EXPECT_EQ(e.input_ids, (Ids{2, 288, 133, 43, 390, 97, 35, 3, 43, 390, 97, 18, 3}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(e.word_ids, (std::vector<int>{-1, 0, 1, 2, 3, 3, 4, -1, 0, 1, 1, 2, -1}));
  const WordPieceTokenizer none = edited_json([](json& j) { j["post_processor"] = nullptr; });
  e = none.encode(a, &b, 0);
  EXPECT_EQ(e.input_ids, (Ids{288, 133, 43, 390, 97, 35, 43, 390, 97, 18}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 0, 0, 1, 1, 1, 1}));
}

TEST(WordPieceTokenizer, NullNormalizerAndPreTokenizer) {
  const WordPieceTokenizer raw = edited_json([](json& j) { j["normalizer"] = nullptr; });
  EXPECT_EQ(raw.tokenize("the The"), (Ids{111, 1}));  // no lower-casing: "The" is unknown
  const WordPieceTokenizer whole = edited_json([](json& j) { j["pre_tokenizer"] = nullptr; });
  EXPECT_EQ(whole.tokenize("the fox"), Ids{1});  // one word, with its space: unknown
}

TEST(WordPieceTokenizer, CasedVocabKeepsCaseAndAccents) {
  const WordPieceTokenizer cased = WordPieceTokenizer::from_vocab(
      {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Café", "cafe", "!"}, /*lowercase=*/false);
  EXPECT_EQ(cased.tokenize("Café cafe CAFE!"), (Ids{5, 6, 1, 7}));
}

}  // namespace
}  // namespace peft::text
