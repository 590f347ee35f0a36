// Tests of the tokenizer's files: save -> load round trips (tokenizer.json, vocab.txt, directory),
// tokenizer_config.json, and one-line errors for missing or malformed files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "text/wordpiece_tokenizer.h"
#include "support/scratch.h"

namespace peft::text {
namespace {

using nlohmann::json;
using test::error_of;
using test::TempDir;

std::vector<std::string> sample_texts() {
  std::vector<std::string> texts;
  const json expected = json::parse(io::read_file(test::fixture("tokenizers/expected_ids.json")));
  for (const auto& [text, ids] : expected["wordpiece"].items()) texts.push_back(text);
  return texts;
}

void expect_same_encodings(const WordPieceTokenizer& x, const WordPieceTokenizer& y) {
  const std::vector<std::string> texts = sample_texts();
  for (const std::string& a : texts) {
    EXPECT_EQ(x.encode(a, nullptr, 0).input_ids, y.encode(a, nullptr, 0).input_ids) << a;
    const Encoding ex = x.encode(a, &texts[0], 0), ey = y.encode(a, &texts[0], 0);
    EXPECT_EQ(ex.input_ids, ey.input_ids) << a;
    EXPECT_EQ(ex.token_type_ids, ey.token_type_ids) << a;
  }
}

TEST(TokenizerFiles, SaveThenLoadGivesTheSameIds) {
  const TempDir scratch;
  const WordPieceTokenizer original = WordPieceTokenizer::from_vocab_txt(test::fixture("tokenizers/vocab.txt"));
  const std::string dir = scratch.dir("saved") + "/nested/out";
  original.save(dir);
  expect_same_encodings(original, WordPieceTokenizer::from_tokenizer_json(dir + "/tokenizer.json"));
  expect_same_encodings(original, WordPieceTokenizer::from_vocab_txt(dir + "/vocab.txt"));
  expect_same_encodings(original, WordPieceTokenizer::load(dir));
  EXPECT_EQ(io::read_file(dir + "/vocab.txt"), io::read_file(test::fixture("tokenizers/vocab.txt")));
  // The template survives: [CLS] ... [SEP].
  EXPECT_EQ(WordPieceTokenizer::load(dir).encode("a", nullptr, 0).input_ids, (std::vector<int64_t>{2, 43, 3}));
}

TEST(TokenizerFiles, TokenizerJsonRoundTripKeepsItsComponents) {
  const TempDir scratch;
  const WordPieceTokenizer original = WordPieceTokenizer::from_tokenizer_json(test::fixture("tokenizers/bert/tokenizer.json"));
  const std::string dir = scratch.dir("saved");
  original.save(dir);
  const WordPieceTokenizer loaded = WordPieceTokenizer::load(dir);
  expect_same_encodings(original, loaded);
  EXPECT_EQ(loaded.encode("a", nullptr, 0).input_ids, std::vector<int64_t>{43});  // still no specials
  const json saved = json::parse(io::read_file(dir + "/tokenizer.json"));
  EXPECT_EQ(saved["model"]["type"], "WordPiece");
  EXPECT_EQ(saved["normalizer"]["type"], "BertNormalizer");
  EXPECT_EQ(saved["pre_tokenizer"]["type"], "BertPreTokenizer");
  EXPECT_EQ(saved["decoder"]["type"], "WordPiece");
  EXPECT_EQ(saved["added_tokens"].size(), 5u);
}

TEST(TokenizerFiles, LoadPrefersTokenizerJsonAndFallsBackToVocabTxt) {
  // The fixture directory itself holds vocab.txt but no tokenizer.json: BERT template.
  EXPECT_EQ(WordPieceTokenizer::load(test::fixture("tokenizers")).encode("a", nullptr, 0).input_ids,
            (std::vector<int64_t>{2, 43, 3}));
  EXPECT_EQ(WordPieceTokenizer::load(test::fixture("tokenizers/bert")).encode("a", nullptr, 0).input_ids,
            std::vector<int64_t>{43});
}

TEST(TokenizerFiles, TokenizerConfigSetsCaseAndSpecialTokenNames) {
  const TempDir scratch;
  const std::string dir = scratch.dir("cased");
  io::write_file_atomic(dir + "/vocab.txt", "<pad>\n[UNK]\n<s>\n</s>\n[MASK]\nThe\nthe\n");
  io::write_file_atomic(dir + "/tokenizer_config.json",
                        R"({"do_lower_case": false, "pad_token": "<pad>", "cls_token": {"content": "<s>"},
                            "sep_token": "</s>", "strip_accents": null})");
  const WordPieceTokenizer tok = WordPieceTokenizer::load(dir);
  EXPECT_EQ(tok.pad_id(), 0);
  EXPECT_EQ(tok.cls_id(), 2);
  EXPECT_EQ(tok.sep_id(), 3);
  EXPECT_EQ(tok.encode("The the", nullptr, 0).input_ids, (std::vector<int64_t>{2, 5, 6, 3}));
  EXPECT_EQ(tok.tokenize("<s>"), std::vector<int64_t>{2});
}

TEST(TokenizerFiles, ErrorsNameTheFileAndField) {
  const TempDir scratch;
  const std::string dir = scratch.dir("bad");
  auto json_error = [&](const std::string& text) {
    io::write_file_atomic(dir + "/tokenizer.json", text);
    return error_of([&] { WordPieceTokenizer::from_tokenizer_json(dir + "/tokenizer.json"); });
  };
  const std::string path = dir + "/tokenizer.json";
  EXPECT_EQ(json_error("{\"model\": "), path + ": not valid JSON (byte 11)");
  EXPECT_EQ(json_error("[]"), path + ": top level must be an object");
  EXPECT_EQ(json_error("{}"), path + ": model is missing");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece"}})"), path + ": model.vocab is missing");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece", "vocab": {"a": 0, "b": 5}}})"),
            path + ": model.vocab ids must be 0..1, each once (bad: 'b' -> 5)");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece", "vocab": {"a": 0}}})"),
            path + ": unk_token '[UNK]' is not in the vocabulary");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}, "added_tokens": [{"id": 0}]})"),
            path + ": added_tokens[0].content is missing");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}, "normalizer": {"type": "NFC"}})"),
            path + ": normalizer.type is 'NFC', expected 'BertNormalizer' or null");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}},
                           "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]"}}],
                                              "pair": [], "special_tokens": {}}})"),
            path + ": post_processor uses '[CLS]', which is not in its special_tokens");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}},
                           "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "B"}}],
                                              "pair": []}})"),
            path + ": post_processor.single[0].Sequence.id is 'B', expected 'A'");
  EXPECT_EQ(json_error(R"({"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}, "unk_token": 3}})"),
            path + ": model.unk_token must be a string");

  const std::string gpt2 = test::fixture("tokenizers/gpt2/tokenizer.json");
  EXPECT_EQ(error_of([&] { WordPieceTokenizer::from_tokenizer_json(gpt2); }),
            gpt2 + ": model.type is 'BPE', expected 'WordPiece'");
  const std::string missing = dir + "/no-vocab.txt";
  EXPECT_NE(error_of([&] { WordPieceTokenizer::from_vocab_txt(missing); }).find(missing + ": cannot open"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { WordPieceTokenizer::load(dir + "/empty"); }),
            dir + "/empty: no tokenizer.json or vocab.txt");
  io::write_file_atomic(dir + "/vocab.txt", "[CLS]\n[SEP]\nthe\n");
  EXPECT_EQ(error_of([&] { WordPieceTokenizer::from_vocab_txt(dir + "/vocab.txt"); }),
            dir + "/vocab.txt: unk_token '[UNK]' is not in the vocabulary");
  EXPECT_EQ(error_of([&] {
              WordPieceTokenizer::from_vocab({"[UNK]", "[SEP]"});
            }),
            "vocabulary: '[CLS]' is not in the vocabulary");
  const WordPieceTokenizer no_mask = WordPieceTokenizer::from_vocab({"[UNK]", "[CLS]", "[SEP]"});
  EXPECT_EQ(error_of([&] { no_mask.mask_id(); }), "tokenizer: no '[MASK]' token in the vocabulary");
}

}  // namespace
}  // namespace peft::text
