// Tests for read_examples on files written by the test: TSV / CSV / JSONL, labeled and unlabeled,
// CRLF, BOM, explicit columns, and file:line errors for malformed or incomplete JSONL lines and for bytes that
// are not UTF-8.
#include <gtest/gtest.h>

#include "data/examples.h"
#include "support/scratch.h"

namespace peft::data {
namespace {

using test::error_of;
using test::TempDir;

TEST(Examples, ReadsGlueTsvPairs) {
  TempDir dir;
  const std::string path = dir.write("dev.tsv",
                                     "index\tquestion\tsentence\tlabel\n"
                                     "0\tWhat is \"it\"?\tIt is a \"thing\".\tentailment\n"
                                     "1\tWhy?\tBecause.\tnot_entailment\n");
  const std::vector<Example> ex = read_examples(path);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0].text_a, "What is \"it\"?");
  EXPECT_EQ(ex[0].text_b, "It is a \"thing\".");
  EXPECT_EQ(ex[0].label, "entailment");
  EXPECT_EQ(ex[0].line, 2u);
  EXPECT_EQ(ex[1].label, "not_entailment");
  EXPECT_EQ(ex[1].line, 3u);
}

TEST(Examples, UnlabeledTestSetHasEmptyLabels) {
  TempDir dir;
  const std::vector<Example> ex = read_examples(dir.write("test.tsv", "index\tsentence\n0\tfine\n"));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].text_a, "fine");
  EXPECT_EQ(ex[0].text_b, std::nullopt);
  EXPECT_EQ(ex[0].label, "");
}

TEST(Examples, ReadsQuotedCsvWithCrlfAndBom) {
  TempDir dir;
  const std::string path =
      dir.write("train.CSV", "\xEF\xBB\xBFtext,label\r\n\"great, really\",pos\r\n\"\"\"meh\"\"\",neg\r\n");
  const std::vector<Example> ex = read_examples(path);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0].text_a, "great, really");
  EXPECT_EQ(ex[0].label, "pos");
  EXPECT_EQ(ex[1].text_a, "\"meh\"");
  EXPECT_EQ(ex[1].label, "neg");
}

TEST(Examples, ReadsJsonlWithStringAndNumberLabels) {
  TempDir dir;
  const std::string path =
      dir.write("dev.jsonl",
                "\xEF\xBB\xBF{\"premise\": \"A man.\", \"hypothesis\": \"A person.\", \"label\": 0}\r\n"
                "\r\n"
                "{\"premise\": \"Caf\\u00e9\", \"hypothesis\": \"x\", \"label\": \"2\", \"idx\": 7}\n"
                "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": 3.8}\n");
  const std::vector<Example> ex = read_examples(path);
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].text_a, "A man.");
  EXPECT_EQ(ex[0].text_b, "A person.");
  EXPECT_EQ(ex[0].label, "0");
  EXPECT_EQ(ex[1].text_a, "Caf\xC3\xA9");
  EXPECT_EQ(ex[1].label, "2");
  EXPECT_EQ(ex[1].line, 3u);
  EXPECT_EQ(ex[2].label, "3.8");
}

TEST(Examples, ExplicitColumns) {
  TempDir dir;
  const std::string path = dir.write("reviews.jsonl", "{\"body\": \"ok\", \"stars\": 4, \"label\": \"x\"}\n");
  const std::vector<Example> ex = read_examples(path, {"body", "", "stars"});
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].text_a, "ok");
  EXPECT_EQ(ex[0].label, "4");
  EXPECT_EQ(error_of([&] {
              read_examples(path, {"text", "", ""});
            }),
            path + ":1: column 'text' not found (columns: body, label, stars)");

  const std::string tsv = dir.write("train.tsv", "sentence\tlabel\nx\t1\n");
  EXPECT_EQ(error_of([&] {
              read_examples(tsv, {"", "", "gold"});
            }),
            tsv + ":1: column 'gold' not found (columns: sentence, label)");
}

TEST(Examples, TsvColumnCountErrorNamesFileAndLine) {
  TempDir dir;
  const std::string path = dir.write("train.tsv", "sentence\tlabel\nok\t1\nno label here\n");
  EXPECT_EQ(error_of([&] { read_examples(path); }), path + ":3: expected 2 columns, found 1");
}

TEST(Examples, MalformedJsonlLinesNameFileAndLine) {
  TempDir dir;
  const std::string good = "{\"sentence\": \"a\", \"label\": 1}\n";
  const std::string truncated = dir.write("cut.jsonl", good + good + "{\"sentence\": \"b\", \"lab");
  EXPECT_EQ(error_of([&] { read_examples(truncated); }).rfind(truncated + ":3: invalid JSON: ", 0), 0u);

  const std::string missing = dir.write("dev.jsonl", good + good + good + "{\"sentence\": \"b\"}\n");
  EXPECT_EQ(error_of([&] { read_examples(missing); }), missing + ":4: field 'label' missing");

  const std::string array = dir.write("arr.jsonl", good + "[1, 2]\n");
  EXPECT_EQ(error_of([&] { read_examples(array); }), array + ":2: expected a JSON object, found array");

  const std::string wrong_text = dir.write("num.jsonl", "{\"sentence\": 5, \"label\": 1}\n");
  EXPECT_EQ(error_of([&] { read_examples(wrong_text); }),
            wrong_text + ":1: field 'sentence' must be a string, found number");

  const std::string wrong_label = dir.write("lab.jsonl", "{\"sentence\": \"s\", \"label\": null}\n");
  EXPECT_EQ(error_of([&] { read_examples(wrong_label); }),
            wrong_label + ":1: field 'label' must be a string or number, found null");
}

// Bytes that are not UTF-8 stop the reading at file:line, with the byte within the line and the file, whether
// they sit in a text field or in the label column (which would otherwise only fail when the model is saved).
TEST(Examples, InvalidUtf8InTsvNamesFileLineAndByte) {
  TempDir dir;
  const std::string text = dir.write("train.tsv", "sentence\tlabel\nfine\t1\ncaf\xE9 au lait\t0\n");
  EXPECT_EQ(error_of([&] { read_examples(text); }),
            text + ":3: invalid UTF-8 at byte 4 of the line, byte 26 of the file (byte 0xe9)");
  const std::string label = dir.write("dev.tsv", "sentence\tlabel\nfine\tpos\xFF\n");
  EXPECT_EQ(error_of([&] { read_examples(label); }),
            label + ":2: invalid UTF-8 at byte 9 of the line, byte 24 of the file (byte 0xff)");
}

TEST(Examples, InvalidUtf8InCsvNamesFileLineAndByte) {
  TempDir dir;  // the bad byte is on the second line of a quoted field that spans two
  const std::string text = dir.write("train.csv", "text,label\r\n\"line one\r\nbad \xC0\x80 here\",1\r\n");
  EXPECT_EQ(error_of([&] { read_examples(text); }),
            text + ":3: invalid UTF-8 at byte 5 of the line, byte 28 of the file (byte 0xc0)");
  const std::string label = dir.write("dev.csv", "text,label\nok,\"neg\xED\xA0\x80\"\n");  // a surrogate
  EXPECT_EQ(error_of([&] { read_examples(label); }),
            label + ":2: invalid UTF-8 at byte 8 of the line, byte 19 of the file (byte 0xed)");
}

TEST(Examples, InvalidUtf8InJsonlNamesFileLineAndByte) {  // not nlohmann's "ill-formed UTF-8 byte; last read"
  TempDir dir;
  const std::string text = dir.write("train.jsonl", "{\"sentence\": \"caf\xE9\", \"label\": 1}\n");
  EXPECT_EQ(error_of([&] { read_examples(text); }),
            text + ":1: invalid UTF-8 at byte 18 of the line, byte 18 of the file (byte 0xe9)");
  const std::string label = dir.write("dev.jsonl",
                                      "{\"sentence\": \"ok\", \"label\": 1}\n"
                                      "{\"sentence\": \"ok\", \"label\": \"pos\xF4\x90\x80\x80\"}\n");
  EXPECT_EQ(error_of([&] { read_examples(label); }),
            label + ":2: invalid UTF-8 at byte 33 of the line, byte 64 of the file (byte 0xf4)");
}

TEST(Examples, UnsupportedExtensionAndMissingFile) {
  TempDir dir;
  const std::string json = dir.write("data.json", "[]");
  EXPECT_EQ(error_of([&] { read_examples(json); }),
            json + ": unsupported extension '.json' (expected .tsv, .csv or .jsonl)");
  EXPECT_NE(error_of([&] { read_examples(dir.path("absent.tsv")); }), "<no error>");
}

}  // namespace
}  // namespace peft::data
