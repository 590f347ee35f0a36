// Reader of fortune-mod data files (Debian packages fortunes, fortunes-min): one file per category,
// fortunes separated by lines holding only "%".
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace peft::corpus {

// The fortunes of one file, each cleaned into a single line (see clean_text); empty ones dropped.
std::vector<std::string> split_fortunes(std::string_view file_text);

// Category names in dir, sorted: the regular files whose name has no '.' (skips the strfile
// indexes *.dat, the *.u8 links, and subdirectories like off/).
std::vector<std::string> fortune_categories(const std::string& dir);

// The fortunes of dir/category; a missing file is an error telling which package to install.
std::vector<std::string> read_fortunes(const std::string& dir, const std::string& category);

}  // namespace peft::corpus
