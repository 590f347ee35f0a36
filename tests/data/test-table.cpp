// Tests for TSV and CSV parsing: quoting (CSV) versus literal quotes (TSV), CRLF, BOM, multi-line fields
// and the file:line of column-count, quoting and invalid-UTF-8 errors.
#include <gtest/gtest.h>

#include "data/table.h"
#include "support/scratch.h"

namespace peft::data {
namespace {

using test::error_of;
using Fields = std::vector<std::string>;

TEST(Tsv, ReadsHeaderAndRowsWithLineNumbers) {
  const Table t = parse_tsv("sentence\tlabel\nit is good\t1\n\nbad\t0\n", "train.tsv");
  EXPECT_EQ(t.header, (Fields{"sentence", "label"}));
  EXPECT_EQ(t.header_line, 1u);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"it is good", "1"}));
  EXPECT_EQ(t.rows[0].line, 2u);
  EXPECT_EQ(t.rows[1].fields, (Fields{"bad", "0"}));
  EXPECT_EQ(t.rows[1].line, 4u);  // the blank line 3 is skipped but still counted
}

TEST(Tsv, QuotesAreOrdinaryCharacters) {  // GLUE writes TSV with QUOTE_NONE
  const Table t = parse_tsv("sentence\tlabel\n\"hello\" , it's \"\t1\n", "x.tsv");
  EXPECT_EQ(t.rows.at(0).fields, (Fields{"\"hello\" , it's \"", "1"}));
}

TEST(Tsv, AcceptsCrlfAndByteOrderMark) {
  const Table t = parse_tsv("\xEF\xBB\xBFsentence\tlabel\r\nok\t1\r\n", "x.tsv");
  EXPECT_EQ(t.header, (Fields{"sentence", "label"}));
  EXPECT_EQ(t.rows.at(0).fields, (Fields{"ok", "1"}));
}

TEST(Tsv, KeepsEmptyFields) {
  const Table t = parse_tsv("a\tb\tc\n\t\tz\n", "x.tsv");
  EXPECT_EQ(t.rows.at(0).fields, (Fields{"", "", "z"}));
}

TEST(Tsv, ColumnCountErrorsNameFileAndLine) {
  EXPECT_EQ(error_of([] { parse_tsv("a\tb\tc\nx\ty\tz\nx\ty\n", "train.tsv"); }),
            "train.tsv:3: expected 3 columns, found 2");
  EXPECT_EQ(error_of([] { parse_tsv("a\tb\nx\ty\tz\n", "train.tsv"); }), "train.tsv:2: expected 2 columns, found 3");
  EXPECT_EQ(error_of([] { parse_tsv("\n\n", "train.tsv"); }), "train.tsv: empty file (expected a header row)");
}

TEST(Tsv, InvalidUtf8NamesFileLineAndByte) {
  EXPECT_EQ(error_of([] { parse_tsv("a\tb\nx\ty\xFFz\n", "train.tsv"); }),
            "train.tsv:2: invalid UTF-8 at byte 4 of the line, byte 8 of the file (byte 0xff)");
}

TEST(Csv, UnquotesFieldsPerRfc4180) {
  const Table t = parse_csv("text,label\n\"a, b\",1\n\"say \"\"hi\"\"\",0\nplain,\n", "x.csv");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"a, b", "1"}));
  EXPECT_EQ(t.rows[1].fields, (Fields{"say \"hi\"", "0"}));
  EXPECT_EQ(t.rows[2].fields, (Fields{"plain", ""}));
}

TEST(Csv, QuotedFieldsMaySpanLinesAndLaterLinesKeepTheirNumbers) {
  const std::string text = "text,label\n\"line one\nline two\",1\nnext,0\nshort\n";
  EXPECT_EQ(error_of([&] { parse_csv(text, "x.csv"); }), "x.csv:5: expected 2 columns, found 1");
  const Table t = parse_csv("text,label\n\"line one\r\nline two\",1\r\nnext,0\r\n", "x.csv");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"line one\r\nline two", "1"}));  // inside quotes the bytes are kept
  EXPECT_EQ(t.rows[0].line, 2u);
  EXPECT_EQ(t.rows[1].fields, (Fields{"next", "0"}));
  EXPECT_EQ(t.rows[1].line, 4u);
}

TEST(Csv, AcceptsByteOrderMarkAndLastLineWithoutNewline) {
  const Table t = parse_csv("\xEF\xBB\xBF\"text\",label\r\n\"x\",1", "x.csv");
  EXPECT_EQ(t.header, (Fields{"text", "label"}));
  EXPECT_EQ(t.rows.at(0).fields, (Fields{"x", "1"}));
}

TEST(Csv, EmptyQuotedFieldAndTrailingComma) {
  const Table t = parse_csv("a,b,c\n\"\",x,\n", "x.csv");
  EXPECT_EQ(t.rows.at(0).fields, (Fields{"", "x", ""}));
}

TEST(Csv, QuotingErrorsNameFileAndLine) {
  EXPECT_EQ(error_of([] { parse_csv("a,b\n1,2\n\"open,3\nmore\n", "x.csv"); }), "x.csv:3: unterminated quoted field");
  EXPECT_EQ(error_of([] { parse_csv("a,b\n\"x\"y,1\n", "x.csv"); }),
            "x.csv:2: unexpected character after closing quote");
}

TEST(Csv, InvalidUtf8NamesThePhysicalLineInsideAQuotedField) {
  EXPECT_EQ(error_of([] { parse_csv("a,b\n\"x\ny\xC3\",1\n", "x.csv"); }),  // C3 cut off by the closing quote
            "x.csv:3: invalid UTF-8 at byte 2 of the line, byte 9 of the file (byte 0xc3)");
}

}  // namespace
}  // namespace peft::data
