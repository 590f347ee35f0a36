// Header-plus-rows tables from delimited text: GLUE-style TSV (tab-separated, no quoting at all) and
// RFC 4180 CSV (comma-separated, "..." quoting with "" for a quote, quoted fields may span lines).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace peft::data {

struct Row {
  size_t line = 0;  // 1-based line where the row starts, for error messages
  std::vector<std::string> fields;
};

struct Table {
  std::vector<std::string> header;
  size_t header_line = 0;
  std::vector<Row> rows;  // each has exactly header.size() fields
};

// `name` (the file name) prefixes every error. Blank lines are skipped; a UTF-8 BOM is ignored;
// LF and CRLF endings are both accepted. A row whose field count differs from the header's is an error, as is
// text that is not UTF-8 (file:line and the byte, see utf8.h).
Table parse_tsv(std::string_view text, const std::string& name);
Table parse_csv(std::string_view text, const std::string& name);

}  // namespace peft::data
