// Line splitting shared by the line-oriented readers (TSV, JSONL, CoNLL): drops a UTF-8 byte-order mark
// and accepts LF or CRLF endings, so files saved on Windows read the same as Unix ones.
#pragma once
#include <string_view>
#include <vector>

namespace peft::data {

// `text` without a leading UTF-8 BOM (EF BB BF).
std::string_view strip_bom(std::string_view text);

// Lines of `text` (BOM stripped) without their "\n" or "\r\n"; element i is line i + 1 of the file.
// A final newline does not produce an extra empty line.
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace peft::data
