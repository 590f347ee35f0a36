// UTF-8 validation: a byte-wise check of the well-formed sequences of Unicode's Table 3-7. See utf8.h.
#include "data/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "core/error.h"

namespace peft::data {
namespace {

// Length of the well-formed sequence starting at text[i], 0 when there is none.
size_t sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t length = 0;
  uint8_t low = 0x80, high = 0xBF;  // the range of the second byte; later ones are always 80..BF
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // below: overlong
    if (lead == 0xED) high = 0x9F;  // above: surrogates D800..DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // below: overlong
    if (lead == 0xF4) high = 0x8F;  // above: beyond U+10FFFF
  } else {
    return 0;  // a continuation byte, C0 / C1 (overlong two-byte forms) or F5..FF
  }
  if (text.size() - i < length) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return length;
}

}  // namespace

size_t first_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<uint8_t>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t length = sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

void require_utf8(std::string_view text, const std::string& name) {
  const size_t bad = first_invalid_utf8(text);
  if (bad == std::string_view::npos) return;
  const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + bad, '\n'));
  const size_t line_start = bad == 0 ? 0 : text.rfind('\n', bad - 1) + 1;  // npos + 1 == 0: the first line
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(static_cast<uint8_t>(text[bad])));
  throw Error(name + ":" + std::to_string(line) + ": invalid UTF-8 at byte " + std::to_string(bad - line_start + 1) +
              " of the line, byte " + std::to_string(bad + 1) + " of the file (byte " + hex + ")");
}

}  // namespace peft::data
