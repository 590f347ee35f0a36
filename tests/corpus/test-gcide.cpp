// Tests of the GCIDE reader: which paragraphs count as prose, what the cleaning strips, and reading the
// dictzip file (gzip) or plain text. Input is hand-made dictd text, never /usr/share/dictd.
#include <gtest/gtest.h>
#include <zlib.h>

#include "core/error.h"
#include "corpus/gcide.h"
#include "fixture.h"
#include "io/atomic_file.h"
#include "support/scratch.h"

using peft::test::TempDirTest;

using namespace peft::corpus;

namespace {

const std::vector<std::string> kSampleProse = {"One who abdicates a high office.",
                                               "That phase of the moon in which it appears bisected.",
                                               "A general breach or dichotomy with their church."};

void write_gzip(const std::string& path, const std::string& text) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(file);
}

}  // namespace

TEST(SplitGcide, KeepsTaggedParagraphsWithoutHeadwordsCitationsOrLabels) {
  // Header text has no source tag; WordNet's entry (untagged gloss, tagged synonym list) is left out.
  EXPECT_EQ(split_gcide(corpus_test::kGcideSample), kSampleProse);
}

TEST(SplitGcide, StripsMarkupButKeepsTheWords) {
  const std::string text =
      "Abdominal \\Ab*dom\"i*nal\\, a. [Cf. F.\n   abdominal.]\n"
      "   {Abdominal ring} (Anat.), a fancied ringlike opening on each\n"
      "      side of the abdomen; -- called also {inguinal ring}.\n      [1913 Webster]\n\n"
      "   Note: The word is used as a noun, to denote assent.\n      [1913 Webster +PJC]\n\n"
      "   2. Regularly dividing by pairs; as, a {Di*chot\"o*mous} stem. -- {Di*chot\"o*mous*ly}, adv.\n"
      "      [1913 Webster]\n\n"
      "   Too short. [Obs.]\n      [PJC]\n";
  EXPECT_EQ(split_gcide(text), (std::vector<std::string>{
                                   "Abdominal ring, a fancied ringlike opening on each side of the abdomen; -- called also inguinal ring.",
                                   "The word is used as a noun, to denote assent.",
                                   "Regularly dividing by pairs; as, a Dichotomous stem."}));
}

TEST(SplitGcide, WordNetParagraphsAreLeftOutEvenWhenTagged) {
  EXPECT_TRUE(split_gcide("   a gloss that WordNet already holds as it is\n   [WordNet 1.5 +PJC]\n").empty());
  EXPECT_TRUE(split_gcide("   Syn: zero, nil, nothing, naught at all\n   [1913 Webster]\n").empty());
}

class GcideFile : public TempDirTest {};

TEST_F(GcideFile, ReadsDictzipAndPlainText) {
  write_gzip(path("gcide.dict.dz"), corpus_test::kGcideSample);
  EXPECT_EQ(read_gcide(path("gcide.dict.dz")), kSampleProse);
  EXPECT_EQ(read_gcide(scratch_.write("gcide.dict", corpus_test::kGcideSample)), kSampleProse);
}

TEST_F(GcideFile, MissingOrCorruptFilesSaySo) {
  peft::test::expect_error([&] { read_gcide(path("none.dz")); }, "apt-get install dict-gcide");
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "   Entry number " + std::to_string(i) + " of a longer made-up dictionary.\n   [PJC]\n\n";
  write_gzip(path("full.dz"), big);
  const std::string bytes = peft::io::read_file(path("full.dz"));
  scratch_.write("cut.dz", bytes.substr(0, bytes.size() / 2));
  peft::test::expect_error([&] { read_gcide(path("cut.dz")); }, "cut.dz: not a readable gzip/dictzip file");
}
