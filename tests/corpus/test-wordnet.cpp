// Tests of the WordNet reader: synset lines as the real files hold them, gloss splitting, errors
// naming file:line and field, and loading a whole (made-up) database.
#include <gtest/gtest.h>

#include "support/scratch.h"
#include "core/error.h"
#include "corpus/wordnet.h"
#include "fixture.h"

using peft::test::TempDirTest;

using namespace peft::corpus;

TEST(WordNetLine, VerbWithFramesAndExamples) {
  const std::string line =
      "00001740 29 v 04 breathe 0 take_a_breath 0 respire 0 suspire 3 003 * 00005041 v 0000 @ 00004227 v 0000 "
      "+ 03110323 a 0301 02 + 02 00 + 08 00 | draw air into, and expel out of, the lungs; \"I can breathe better "
      "when the air is clean\"; \"The patient is respiring\"  ";
  const Synset s = parse_synset_line(line, "data.verb:30");
  EXPECT_EQ(s.offset, 1740u);
  EXPECT_EQ(s.pos, 'v');
  EXPECT_EQ(s.lexname, "verb.body");
  EXPECT_EQ(s.lemmas, (std::vector<std::string>{"breathe", "take a breath", "respire", "suspire"}));
  ASSERT_EQ(s.pointers.size(), 3u);
  EXPECT_EQ(s.pointers[1].symbol, "@");
  EXPECT_EQ(s.pointers[1].offset, 4227u);
  EXPECT_EQ(s.pointers[2].pos, 'a');
  EXPECT_EQ(s.definition, "draw air into, and expel out of, the lungs");
  EXPECT_EQ(s.examples, (std::vector<std::string>{"I can breathe better when the air is clean", "The patient is respiring"}));
  EXPECT_EQ(s.key(), "v00001740");
}

TEST(WordNetLine, AdjectiveMarkerAndSatellite) {
  const Synset s = parse_synset_line(
      "00002098 00 s 02 able(p) 0 long(a) 1 001 ! 00001740 a 0101 | (usually followed by `to') not having the "
      "necessary means; \"unable to get to town without a car\"  ",
      "data.adj:31");
  EXPECT_EQ(s.pos, 's');
  EXPECT_EQ(s.lexname, "adj.all");
  EXPECT_EQ(s.lemmas, (std::vector<std::string>{"able", "long"}));
  EXPECT_EQ(s.definition, "(usually followed by `to') not having the necessary means");
  EXPECT_EQ(s.key(), "a00002098");  // satellites live in data.adj
}

TEST(WordNetLine, NounWithInstanceHypernym) {
  const Synset s = parse_synset_line(
      "09044862 15 n 02 United_States 0 US 0 002 @i 08544813 n 0000 ~i 09045000 n 0000 | North American republic "
      "containing 50 states  ",
      "data.noun:2");
  EXPECT_EQ(s.lexname, "noun.location");
  EXPECT_EQ(s.lemmas[0], "United States");
  EXPECT_EQ(s.pointers[0].symbol, "@i");
  EXPECT_EQ(s.pointers[1].symbol, "~i");
  EXPECT_TRUE(s.examples.empty());
}

TEST(WordNetGloss, AttributionsSemicolonsAndStrayQuotes) {
  Gloss g = parse_gloss("that which causes harm; destruction; \"the evil that men do lives after them; the good "
                        "is oft interred\"- Shakespeare; \"evil is as evil does\"");
  EXPECT_EQ(g.definition, "that which causes harm; destruction");
  EXPECT_EQ(g.examples, (std::vector<std::string>{"the evil that men do lives after them; the good is oft interred",
                                                  "evil is as evil does"}));
  g = parse_gloss("a rating of \"excellent\" given by critics; \"a notice of sale");
  EXPECT_EQ(g.definition, "a rating of \"excellent\" given by critics");  // a quote inside a definition stays
  EXPECT_EQ(g.examples, std::vector<std::string>{"a notice of sale"});   // an unclosed example runs to the end
}

TEST(WordNetLine, ErrorsNameLineAndField) {
  try {
    parse_synset_line("00001740 29 v 0x breathe 0 000 | gloss", "data.verb:7");
    FAIL();
  } catch (const peft::Error& e) {
    EXPECT_EQ(std::string(e.what()), "data.verb:7: field w_cnt is not a number: '0x'");
  }
  EXPECT_THROW(parse_synset_line("00001740 29 v 01 breathe 0 000 no gloss", "x:1"), peft::Error);
  EXPECT_THROW(parse_synset_line("00001740 99 v 01 breathe 0 000 | g", "x:1"), peft::Error);
  EXPECT_THROW(parse_synset_line("00001740 29 q 01 breathe 0 000 | g", "x:1"), peft::Error);
  EXPECT_THROW(parse_synset_line("00001740 29 v 01 breathe 0 002 @ 00000001 v 0000 | g", "x:1"), peft::Error);
}

TEST(WordNetLexnames, TwentySixNounFiles) {
  const auto& names = noun_lexnames();
  ASSERT_EQ(names.size(), 26u);
  EXPECT_EQ(names.front(), "noun.Tops");
  EXPECT_EQ(names[2], "noun.animal");
  EXPECT_EQ(names.back(), "noun.time");
}

class WordNetLoad : public TempDirTest {};

TEST_F(WordNetLoad, LinksPointersAndReadsExceptions) {
  const corpus_test::Fixture fx = corpus_test::write_fixture(dir());
  const WordNet wn = load_wordnet(fx.sources.wordnet_dir);
  EXPECT_EQ(wn.synsets.size(), 400u + 1 + 150 + 1 + 120 + 1 + 60);
  const int goose = wn.find('n', 9000);
  ASSERT_GE(goose, 0);
  EXPECT_EQ(wn.synsets[goose].lexname, "noun.animal");
  EXPECT_EQ(wn.synsets[wn.synsets[goose].pointers[0].target].offset, 1000u);
  EXPECT_EQ(wn.find('v', 9000), -1);
  EXPECT_EQ(wn.exceptions.at('n').at("geese"), std::vector<std::string>{"goose"});
}

TEST_F(WordNetLoad, MissingFilesNameThePackage) {
  try {
    load_wordnet(path("nowhere"));
    FAIL();
  } catch (const peft::Error& e) {
    EXPECT_NE(std::string(e.what()).find("data.noun"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("apt-get install wordnet-base"), std::string::npos);
  }
}

TEST_F(WordNetLoad, DanglingPointerIsAnError) {
  const corpus_test::Fixture fx = corpus_test::write_fixture(dir());
  std::ofstream(fx.sources.wordnet_dir + "/data.adv", std::ios::app)
      << corpus_test::synset_line(4999, 2, 'r', {"nowhere"}, {corpus_test::pointer("@", 77, 'r')}, "not anywhere");
  EXPECT_THROW(load_wordnet(fx.sources.wordnet_dir), peft::Error);
}
