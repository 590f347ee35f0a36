// Small text helpers shared by the readers and task builders: cleaning raw package text into one
// line, counting words, and the simple word tokenizer of the tagging task.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace peft::corpus {

// Applies backspace overstrikes (fortune files underline with "_\bx"), drops other control bytes,
// repairs doubly encoded UTF-8 ("donâ\u0080\u0099t" -> "don’t"), collapses every run of whitespace
// (newlines and tabs included) into one space and trims.
// The result never holds a tab or newline, so it is safe as a TSV field or a corpus line.
std::string clean_text(std::string_view raw);

std::size_t word_count(std::string_view text);  // whitespace-separated words
std::string to_lower(std::string_view text);    // ASCII letters only; other bytes unchanged

// The lines of a package's text file, without their "\n" or "\r\n" (views into `text`).
std::vector<std::string_view> split_lines(std::string_view text);

// The tokenizer of the tagging task: split on whitespace; peel ASCII punctuation off both ends of
// each piece, one token per character; then split a trailing 's off ("dog's" -> "dog" "'s").
// Punctuation inside a word stays ("well-known", "don't", "U.S" + ".").
std::vector<std::string> tokenize(std::string_view text);

}  // namespace peft::corpus
