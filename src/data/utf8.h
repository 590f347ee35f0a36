// UTF-8 validation for the data readers (TSV, CSV, JSONL, CoNLL): each checks the whole file as it reads it, so
// every field (texts, tokens, labels, unused columns too, as Python's UTF-8 decoding would) is valid, and bytes
// that are not UTF-8 are reported with file, line and byte instead of surfacing later in the tokenizer or
// when a trained adapter's label names are saved.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace peft::data {

// Offset of the first byte that does not begin (or continue) a well-formed UTF-8 sequence, as in Unicode's
// Table 3-7: a stray continuation byte, an overlong form (C0 80, E0 80 80), a surrogate (ED A0 80), a code
// point above U+10FFFF (F4 90 80 80, F5..FF) or a truncated sequence (E2 82). For a sequence that breaks off
// part way, the offset is that of its lead byte (as Python's decoder reports it). npos when all is valid.
size_t first_invalid_utf8(std::string_view text);

// Throws peft::Error when `text`, the whole contents of the file `name`, is not valid UTF-8:
//   "train.tsv:17: invalid UTF-8 at byte 5 of the line, byte 301 of the file (byte 0xff)"
// Lines and bytes count from 1, lines split at '\n'; a byte-order mark counts as bytes of line 1.
void require_utf8(std::string_view text, const std::string& name);

}  // namespace peft::data
