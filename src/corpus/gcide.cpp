// Reader of dict-gcide's dictd text. The text is a 1913 dictionary laid out for reading: a headword line
// ("Dichotomy \Di*chot"o*my\, n. [etymology]") opens an entry, then paragraphs of definitions, notes and
// indented quotations, each closed by a line holding its source tag. The cleaning keeps the English.
#include "corpus/gcide.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/error.h"
#include "corpus/text.h"

namespace peft::corpus {
namespace {

constexpr std::size_t kCitationIndent = 40;  // right-aligned lines: the tail of a quotation's citation
constexpr std::size_t kMinWords = 4;         // shorter leftovers are labels, not prose

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::size_t indent(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "(Zool.)", "(Naut. & Mil.)": a capitalised abbreviation in parentheses, the field a sense belongs to.
std::size_t field_label_length(std::string_view s) {
  if (s.size() < 4 || s[0] != '(' || !std::isupper(static_cast<unsigned char>(s[1]))) return 0;
  const std::size_t close = s.find(')');
  if (close == std::string_view::npos || close > 24 || s[close - 1] != '.') return 0;
  for (std::size_t i = 1; i < close; ++i)
    if (!std::isalpha(static_cast<unsigned char>(s[i])) && std::string_view(". &").find(s[i]) == std::string_view::npos)
      return 0;
  return close + 1;
}

// One paragraph's lines (source tag removed) to prose, or "" when nothing worth keeping is left.
std::string paragraph_prose(const std::vector<std::string_view>& lines) {
  std::string text;
  int brackets = 0;  // depth of [..] groups: etymologies and usage labels, left out whole
  bool in_braces = false, in_pronunciation = false;  // inside a {cross-reference}, inside a pronunciation
  for (std::size_t l = 0; l < lines.size(); ++l) {
    std::string_view line = lines[l];
    const bool headword = l == 0 && indent(line) == 0;
    if (indent(line) >= kCitationIndent) continue;
    if (const std::size_t runon = line.find("-- {"); runon != std::string_view::npos) {
      line = line.substr(0, runon);  // derived forms ("-- {Di*chot"o*mous*ly}, adv.") end the prose
      l = lines.size();
    }
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '[') ++brackets;
      else if (c == ']') brackets = std::max(0, brackets - 1);
      else if (c == '\\') in_pronunciation = !in_pronunciation;
      else if (brackets > 0 || headword || in_pronunciation) continue;
      else if (c == '-' && i + 2 < line.size() && line[i + 1] == '-' && std::isupper(static_cast<unsigned char>(line[i + 2])))
        break;  // a citation ("--Shak.") runs to the end of the line
      else if (const std::size_t label = field_label_length(line.substr(i)); label > 0) i += label - 1;
      else if (c == '{' || c == '}') in_braces = c == '{';
      else if (in_braces && (c == '*' || c == '"' || c == '`')) continue;  // syllable and stress marks
      else text += c;
    }
    text += '\n';
  }
  std::string prose = clean_text(text);
  for (std::size_t at; (at = prose.find(" ,")) != std::string::npos;) prose.erase(at, 1);  // after a label
  std::string_view rest = prose;
  if (starts_with(rest, "Note:")) rest.remove_prefix(5);
  std::size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  if (digits > 0 && digits + 1 < rest.size() && rest[digits] == '.' && rest[digits + 1] == ' ')
    rest.remove_prefix(digits + 2);  // a sense number
  rest = trim(rest);
  return word_count(rest) >= kMinWords ? std::string(rest) : std::string();
}

void add_paragraph(std::vector<std::string_view>& lines, std::vector<std::string>& out) {
  if (lines.size() >= 2) {
    const std::string_view tag = trim(lines.back());
    const bool tagged = tag.size() >= 2 && tag.front() == '[' && tag.back() == ']';
    if (tagged && tag.find("WordNet") == std::string_view::npos && !starts_with(trim(lines.front()), "Syn:")) {
      lines.pop_back();
      if (std::string prose = paragraph_prose(lines); !prose.empty()) out.push_back(std::move(prose));
    }
  }
  lines.clear();
}

}  // namespace

std::vector<std::string> split_gcide(std::string_view dict_text) {
  std::vector<std::string> out;
  std::vector<std::string_view> paragraph;
  for (std::string_view line : split_lines(dict_text)) {
    if (trim(line).empty()) add_paragraph(paragraph, out);
    else paragraph.push_back(line);
  }
  add_paragraph(paragraph, out);
  return out;
}

std::vector<std::string> read_gcide(const std::string& path) {
  require(std::filesystem::is_regular_file(path),
          path + ": GCIDE dictionary missing: install it with `apt-get install dict-gcide` or pass --gcide PATH");
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files as they are
  require(file != nullptr, path + ": cannot open");
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  int status = Z_OK;
  gzerror(file, &status);  // a truncated stream ends reads quietly and leaves Z_BUF_ERROR here
  const bool failed = n < 0 || status != Z_OK;
  gzclose(file);
  require(!failed, path + ": not a readable gzip/dictzip file (truncated or corrupt)");
  return split_gcide(text);
}

}  // namespace peft::corpus
