// TSV and CSV parsing into a header plus rows of equal width, each row tagged with its line number.
// See table.h.
#include "data/table.h"

#include "core/error.h"
#include "data/text_lines.h"
#include "data/utf8.h"

namespace peft::data {
namespace {

// First record becomes the header; every other record must match its width.
Table make_table(std::vector<Row> records, const std::string& name) {
  require(!records.empty(), name + ": empty file (expected a header row)");
  Table table;
  table.header = std::move(records.front().fields);
  table.header_line = records.front().line;
  for (size_t i = 1; i < records.size(); ++i) {
    Row& row = records[i];
    require(row.fields.size() == table.header.size(), name + ":" + std::to_string(row.line) + ": expected " +
                                                          std::to_string(table.header.size()) + " columns, found " +
                                                          std::to_string(row.fields.size()));
    table.rows.push_back(std::move(row));
  }
  return table;
}

// Length of the line ending at `i` ("\n" = 1, "\r\n" = 2), 0 when there is none.
size_t line_ending(std::string_view text, size_t i) {
  if (i < text.size() && text[i] == '\n') return 1;
  if (i + 1 < text.size() && text[i] == '\r' && text[i + 1] == '\n') return 2;
  return 0;
}

}  // namespace

Table parse_tsv(std::string_view text, const std::string& name) {
  require_utf8(text, name);
  const std::vector<std::string_view> lines = split_lines(text);
  std::vector<Row> records;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty()) continue;
    Row row{i + 1, {}};
    for (;;) {
      const size_t tab = line.find('\t');
      row.fields.emplace_back(line.substr(0, tab));
      if (tab == std::string_view::npos) break;
      line.remove_prefix(tab + 1);
    }
    records.push_back(std::move(row));
  }
  return make_table(std::move(records), name);
}

Table parse_csv(std::string_view text, const std::string& name) {
  require_utf8(text, name);
  text = strip_bom(text);
  std::vector<Row> records;
  size_t i = 0, line = 1;
  while (i < text.size()) {
    if (const size_t blank = line_ending(text, i)) {
      i += blank;
      ++line;
      continue;
    }
    Row row{line, {}};
    for (;;) {  // one field per pass
      std::string field;
      if (i < text.size() && text[i] == '"') {
        const size_t opened_at = line;
        for (++i;; ++i) {
          require(i < text.size(), name + ":" + std::to_string(opened_at) + ": unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              ++i;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i];
        }
        require(i == text.size() || text[i] == ',' || line_ending(text, i) > 0,
                name + ":" + std::to_string(line) + ": unexpected character after closing quote");
      } else {
        while (i < text.size() && text[i] != ',' && line_ending(text, i) == 0) field += text[i++];
      }
      row.fields.push_back(std::move(field));
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (const size_t ending = line_ending(text, i)) {
        i += ending;
        ++line;
      }
      break;
    }
    records.push_back(std::move(row));
  }
  return make_table(std::move(records), name);
}

}  // namespace peft::data
