// Reader of fortune-mod data files: strfile(1) text, fortunes separated by "%" lines.
// Fortunes keep their attribution line ("-- Mark Twain"): it is ordinary English too.
#include "corpus/fortunes.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "corpus/text.h"
#include "io/atomic_file.h"

namespace peft::corpus {

std::vector<std::string> split_fortunes(std::string_view file_text) {
  std::vector<std::string> fortunes;
  std::string current;
  auto flush = [&] {
    std::string text = clean_text(current);
    if (!text.empty()) fortunes.push_back(std::move(text));
    current.clear();
  };
  for (std::string_view line : split_lines(file_text)) {
    if (line == "%") {
      flush();
    } else {
      current.append(line);
      current += '\n';
    }
  }
  flush();
  return fortunes;
}

std::vector<std::string> fortune_categories(const std::string& dir) {
  namespace fs = std::filesystem;
  require(fs::is_directory(dir), dir + ": fortune directory missing: install it with `apt-get install fortunes` or pass --fortunes DIR");
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find('.') == std::string::npos && entry.is_regular_file()) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> read_fortunes(const std::string& dir, const std::string& category) {
  const std::string path = dir + "/" + category;
  require(std::filesystem::is_regular_file(path),
          path + ": fortune file missing: install it with `apt-get install fortunes` or pass --fortunes DIR");
  return split_fortunes(io::read_file(path));
}

}  // namespace peft::corpus
