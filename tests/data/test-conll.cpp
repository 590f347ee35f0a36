// Tests for CoNLL reading and writing: CoNLL-2003 layout with -DOCSTART- and middle columns, tabs, CRLF,
// BOM, the single-column and invalid-UTF-8 errors, and a write/read round trip.
#include <gtest/gtest.h>

#include "data/conll.h"
#include "io/atomic_file.h"
#include "support/scratch.h"

namespace peft::data {
namespace {

using test::error_of;
using test::TempDir;
using Strings = std::vector<std::string>;

TEST(Conll, ReadsConll2003Layout) {
  TempDir dir;
  const std::string path = dir.write("train.txt",
                                     "\xEF\xBB\xBF-DOCSTART- -X- -X- O\r\n"
                                     "\r\n"
                                     "EU NNP B-NP B-ORG\r\n"
                                     "rejects VBZ B-VP O\r\n"
                                     "\r\n"
                                     "\r\n"
                                     "Peter\tNNP\tB-NP\tB-PER\n"
                                     "Blackburn  NNP  I-NP  I-PER");
  const std::vector<TaggedSentence> s = read_conll(path);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].tokens, (Strings{"EU", "rejects"}));
  EXPECT_EQ(s[0].tags, (Strings{"B-ORG", "O"}));
  EXPECT_EQ(s[1].tokens, (Strings{"Peter", "Blackburn"}));
  EXPECT_EQ(s[1].tags, (Strings{"B-PER", "I-PER"}));
}

TEST(Conll, DocstartEndsASentenceWithoutBlankLine) {
  TempDir dir;
  const std::vector<TaggedSentence> s = read_conll(dir.write("x.conll", "a O\n-DOCSTART- O\nb O\n"));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].tokens, Strings{"a"});
  EXPECT_EQ(s[1].tokens, Strings{"b"});
}

TEST(Conll, SingleColumnLineIsAnError) {
  TempDir dir;
  const std::string path = dir.write("x.conll", "EU B-ORG\n\nPeter B-PER\nBlackburn\n");
  EXPECT_EQ(error_of([&] { read_conll(path); }), path + ":4: expected a token and a tag, found 1 column");
}

TEST(Conll, InvalidUtf8NamesFileLineAndByte) {
  TempDir dir;
  const std::string token = dir.write("train.conll", "EU B-ORG\n\nPeter B-PER\nM\xFCller I-PER\n");  // Latin-1
  EXPECT_EQ(error_of([&] { read_conll(token); }),
            token + ":4: invalid UTF-8 at byte 2 of the line, byte 24 of the file (byte 0xfc)");
  const std::string tag = dir.write("dev.conll", "\xEF\xBB\xBF-DOCSTART- O\n\na O\nb B-\xE2\x82\n");  // truncated
  EXPECT_EQ(error_of([&] { read_conll(tag); }),
            tag + ":4: invalid UTF-8 at byte 5 of the line, byte 26 of the file (byte 0xe2)");
}

TEST(Conll, WriteThenReadRoundTrips) {
  TempDir dir;
  const std::vector<TaggedSentence> in = {{{"EU", "rejects", "German"}, {"B-ORG", "O", "B-MISC"}},
                                          {{"Peter"}, {"B-PER"}}};
  const std::string path = dir.path("out.conll");
  write_conll(path, in);
  EXPECT_EQ(io::read_file(path), "EU B-ORG\nrejects O\nGerman B-MISC\n\nPeter B-PER\n\n");
  const std::vector<TaggedSentence> out = read_conll(path);
  ASSERT_EQ(out.size(), 2u);
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].tokens, in[i].tokens);
    EXPECT_EQ(out[i].tags, in[i].tags);
  }
}

TEST(Conll, WriteRejectsWhatCannotReadBack) {
  TempDir dir;
  const std::string path = dir.path("out.conll");
  EXPECT_EQ(error_of([&] {
              write_conll(path, {{{"New York"}, {"B-LOC"}}});
            }),
            path + ": sentence 1, token 1: 'New York' is empty or contains whitespace");
  EXPECT_EQ(error_of([&] {
              write_conll(path, {{{"a"}, {"O"}}, {{"a", "b"}, {"O"}}});
            }),
            path + ": sentence 2: 2 tokens but 1 tags");
  EXPECT_EQ(error_of([&] {
              write_conll(path, {{{}, {}}});
            }),
            path + ": sentence 1: empty sentence (a CoNLL file cannot hold one)");
  EXPECT_FALSE(std::filesystem::exists(path));  // nothing half-written
}

}  // namespace
}  // namespace peft::data
