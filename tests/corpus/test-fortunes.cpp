// Tests of the fortune reader: splitting on "%" lines, cleaning, and which files count as categories.
// Fortune files come from the made-up fixture, never from /usr/share/games/fortunes.
#include <gtest/gtest.h>

#include "support/scratch.h"
#include "core/error.h"
#include "corpus/fortunes.h"
#include "fixture.h"

using peft::test::TempDirTest;

using namespace peft::corpus;

TEST(SplitFortunes, PercentLinesSeparate) {
  const std::string text =
      "The ideal brain tonic\n\t\t-- Coca-Cola slogans\n%\n%\n\tA couple of kids\r\ntried pickles.\n%\n"
      "100% sure: a % inside a line is text\n%\nNo final newline";
  EXPECT_EQ(split_fortunes(text), (std::vector<std::string>{"The ideal brain tonic -- Coca-Cola slogans",
                                                            "A couple of kids tried pickles.",
                                                            "100% sure: a % inside a line is text",
                                                            "No final newline"}));
  EXPECT_TRUE(split_fortunes("%\n\n%\n").empty());
}

class FortuneFiles : public TempDirTest {};

TEST_F(FortuneFiles, CategoriesSkipIndexesAndLinks) {
  const corpus_test::Fixture fx = corpus_test::write_fixture(dir());
  std::filesystem::create_symlink(fx.sources.fortunes_dir + "/misc", fx.sources.fortunes_dir + "/misc.u8");
  std::filesystem::create_directories(fx.sources.fortunes_dir + "/off");
  const std::vector<std::string> categories = fortune_categories(fx.sources.fortunes_dir);
  EXPECT_EQ(categories.size(), fortune_task_categories().size() + 2);  // + misc, ascii-art
  EXPECT_TRUE(std::is_sorted(categories.begin(), categories.end()));
  EXPECT_EQ(read_fortunes(fx.sources.fortunes_dir, "misc"),
            (std::vector<std::string>{"An underlined word.", "Last one without a newline"}));
}

TEST_F(FortuneFiles, MissingFilesNameThePackage) {
  try {
    read_fortunes(dir(), "food");
    FAIL();
  } catch (const peft::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/food"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("apt-get install fortunes"), std::string::npos);
  }
  EXPECT_THROW(fortune_categories(path("none")), peft::Error);
}
