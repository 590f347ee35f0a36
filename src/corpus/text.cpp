// Small text helpers shared by the readers and task builders.
// Byte-level with ASCII rules: UTF-8 passes through untouched, except doubly encoded runs, which are repaired.
#include "corpus/text.h"

#include <cstdint>

namespace peft::corpus {
namespace {

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_punct(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

// Decodes UTF-8 into code points; false when the bytes are not valid UTF-8.
bool decode_utf8(std::string_view bytes, std::vector<std::uint32_t>& out) {
  out.clear();
  for (std::size_t i = 0; i < bytes.size();) {
    const unsigned char lead = static_cast<unsigned char>(bytes[i]);
    const int extra = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + extra >= bytes.size()) return false;
    std::uint32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const unsigned char c = static_cast<unsigned char>(bytes[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return true;
}

// Undoes UTF-8 that was read as Latin-1 and encoded again, once or more ("donâ\u0080\u0099t" in a few
// fortunes): a run of non-ASCII bytes whose code points all fit in a byte, and whose bytes then form
// valid UTF-8, is replaced by those bytes. Correct text ("über": byte 0xFC alone) is left alone.
std::string repair_double_utf8(std::string run) {
  std::vector<std::uint32_t> points, check;
  while (decode_utf8(run, points)) {
    std::string bytes;
    for (std::uint32_t cp : points) {
      if (cp > 0xFF) return run;
      bytes += static_cast<char>(cp);
    }
    if (bytes == run || !decode_utf8(bytes, check)) return run;
    run = std::move(bytes);
  }
  return run;
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string clean_text(std::string_view raw) {
  std::string overstruck;
  for (unsigned char c : raw) {
    if (c == '\b') {
      if (!overstruck.empty()) overstruck.pop_back();
    } else if (is_space(c)) {
      overstruck += ' ';
    } else if (c >= 32 && c != 127) {
      overstruck += static_cast<char>(c);
    }
  }
  std::string out;
  for (std::size_t i = 0; i < overstruck.size();) {
    const char c = overstruck[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      std::size_t end = i;
      while (end < overstruck.size() && static_cast<unsigned char>(overstruck[end]) >= 0x80) ++end;
      out += repair_double_utf8(overstruck.substr(i, end - i));
      i = end;
      continue;
    }
    if (c != ' ' || (!out.empty() && out.back() != ' ')) out += c;
    ++i;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::size_t word_count(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    if (is_space(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && !is_space(text[end])) ++end;
    std::size_t b = i, e = end;
    for (; b < e && is_punct(text[b]); ++b) tokens.emplace_back(1, text[b]);
    std::size_t core_end = e;
    while (core_end > b && is_punct(text[core_end - 1])) --core_end;
    if (core_end > b) {
      std::string core(text.substr(b, core_end - b));
      const std::size_t n = core.size();
      if (n > 2 && core[n - 2] == '\'' && (core[n - 1] == 's' || core[n - 1] == 'S')) {
        tokens.push_back(core.substr(0, n - 2));
        tokens.push_back(core.substr(n - 2));
      } else {
        tokens.push_back(std::move(core));
      }
    }
    for (std::size_t k = core_end; k < e; ++k) tokens.emplace_back(1, text[k]);
    i = end;
  }
  return tokens;
}

}  // namespace peft::corpus
