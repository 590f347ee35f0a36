// Tests of WordPiece vocabulary training: the merge order on a worked example, specials first,
// determinism, the size and frequency limits, and that a trained vocabulary tokenizes and round-trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "io/atomic_file.h"
#include "text/wordpiece_tokenizer.h"
#include "text/wordpiece_trainer.h"
#include "support/scratch.h"

namespace peft::text {
namespace {

using test::error_of;
using test::TempDir;
using Vocab = std::vector<std::string>;

std::string repeat(const std::string& line, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += line + "\n";
  return s;
}

// hug x10, pug x5, pun x12, bun x4, hugs x5 (with case and accents that normalisation removes).
std::string write_hug_corpus(const TempDir& scratch) {
  const std::string path = scratch.dir("corpus") + "/corpus.txt";
  io::write_file_atomic(
      path, repeat("Hug hug", 5) + repeat("pug", 5) + repeat("pun PUN pün", 4) + repeat("bun", 4) + repeat("hugs", 5));
  return path;
}

WordPieceTrainerOptions options(size_t vocab_size, size_t min_frequency = 2) {
  WordPieceTrainerOptions o;
  o.vocab_size = vocab_size;
  o.min_frequency = min_frequency;
  return o;
}

TEST(WordPieceTrainer, MergesTheMostFrequentPairFirst) {
  const TempDir scratch;
  const Vocab vocab = train_wordpiece_vocab(write_hug_corpus(scratch), options(100));
  const Vocab expected = {
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",                  // specials
      "b",     "g",     "h",     "n",     "p",      "s",    "u",     // alphabet, by code point
      "##g",   "##n",   "##s",   "##u",                              // continuations
      "##ug",  "##un",  "hug",   "pun",   "pug",    "hugs", "bun"};  // merges: 20, 16, 15, 12, 5, 5, 4
  EXPECT_EQ(vocab, expected);
}

TEST(WordPieceTrainer, StopsAtTheSizeAndAtMinFrequency) {
  const TempDir scratch;
  const std::string corpus = write_hug_corpus(scratch);
  Vocab vocab = train_wordpiece_vocab(corpus, options(20));
  EXPECT_EQ(vocab.size(), 20u);
  EXPECT_EQ(vocab.back(), "pun");
  vocab = train_wordpiece_vocab(corpus, options(100, 5));  // bun (4) is not merged
  EXPECT_EQ(vocab.back(), "hugs");
  vocab = train_wordpiece_vocab(corpus, options(100, 1000));
  EXPECT_EQ(vocab.size(), 16u);                       // specials, alphabet and continuations only
  vocab = train_wordpiece_vocab(corpus, options(3));  // the alphabet is kept whole
  EXPECT_EQ(vocab.size(), 16u);
}

TEST(WordPieceTrainer, LimitAlphabetKeepsTheMostFrequentCharacters) {
  const TempDir scratch;
  WordPieceTrainerOptions o = options(100);
  o.limit_alphabet = 3;  // u (36), g (20), p (17); n (16), h (15), s and b are dropped
  o.special_tokens = {"[UNK]"};
  const Vocab vocab = train_wordpiece_vocab(write_hug_corpus(scratch), o);
  EXPECT_EQ(Vocab(vocab.begin(), vocab.begin() + 6), (Vocab{"[UNK]", "g", "p", "u", "##g", "##u"}));
}

TEST(WordPieceTrainer, IsDeterministicAndTokenizesItsCorpus) {
  const TempDir scratch;
  const std::string path = scratch.dir("corpus") + "/corpus.txt";
  std::string text;
  const std::vector<std::string> lines = {
      "The quick brown fox jumps over the lazy dog.", "A fox is a small wild animal; foxes are quick!",
      "Programmers write programs, and programs run on computers.", "Café crème: naïve résumé, 中文字 too.",
      "Unbelievable: the unbelievably quick fox outran the dogs."};
  for (int i = 0; i < 20; ++i) {
    for (const std::string& line : lines) text += line + "\n";
  }
  io::write_file_atomic(path, text);
  const Vocab vocab = train_wordpiece_vocab(path, options(150));
  EXPECT_EQ(vocab, train_wordpiece_vocab(path, options(150)));
  ASSERT_EQ(vocab.size(), 150u);
  EXPECT_EQ(Vocab(vocab.begin(), vocab.begin() + 5), (Vocab{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}));
  EXPECT_EQ(std::set<std::string>(vocab.begin(), vocab.end()).size(), vocab.size());

  const WordPieceTokenizer tok = WordPieceTokenizer::from_vocab(vocab);
  const std::string dir = scratch.dir("trained");
  tok.save(dir);
  const WordPieceTokenizer loaded = WordPieceTokenizer::from_tokenizer_json(dir + "/tokenizer.json");
  for (const std::string& line : lines) {
    const std::vector<int64_t> ids = tok.tokenize(line);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), tok.unk_id()), 0) << line;  // every character was seen
    EXPECT_EQ(loaded.encode(line, &lines[0], 0).input_ids, tok.encode(line, &lines[0], 0).input_ids) << line;
  }
  EXPECT_LT(tok.tokenize(lines[0]).size(), 20u);  // merges made words shorter than their letters
}

TEST(WordPieceTrainer, MissingCorpusIsAnError) {
  const TempDir scratch;
  const std::string missing = scratch.dir("none") + "/missing.txt";
  EXPECT_NE(error_of([&] { train_wordpiece_vocab(missing, options(10)); }).find(missing + ": cannot open"),
            std::string::npos);
}

}  // namespace
}  // namespace peft::text
