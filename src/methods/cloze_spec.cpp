#include "methods/cloze_spec.h"

#include "core/error.h"

namespace peft::methods {
namespace {

// Splits one segment at {a}, {b} and [MASK].
std::vector<PatternPiece> split_segment(const std::string& s, int segment) {
  std::vector<PatternPiece> out;
  std::string text;
  auto flush = [&] {
    if (!text.empty()) out.push_back({PatternPiece::Text, text, segment});
    text.clear();
  };
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "{a}") == 0 || s.compare(i, 3, "{b}") == 0) {
      flush();
      out.push_back({s[i + 1] == 'a' ? PatternPiece::TextA : PatternPiece::TextB, "", segment});
      i += 3;
    } else if (s.compare(i, 6, "[MASK]") == 0) {
      flush();
      out.push_back({PatternPiece::Mask, "", segment});
      i += 6;
    } else {
      text += s[i++];
    }
  }
  flush();
  return out;
}

std::vector<std::string> words_of(const nlohmann::json& value, const std::string& where) {
  std::vector<std::string> words;
  if (value.is_string()) words.push_back(value.get<std::string>());
  if (value.is_array())
    for (const auto& w : value) {
      require(w.is_string(), where + " must be a word or a list of words, got " + w.dump());
      words.push_back(w.get<std::string>());
    }
  require(!words.empty(), where + " must be a word or a non-empty list of words, got " + value.dump());
  for (const auto& w : words) require(!w.empty(), where + " has an empty word");
  return words;
}

}  // namespace

ClozeSpec ClozeSpec::from_json(const nlohmann::json& j, const std::string& context) {
  require(j.is_object(), context + ": a cloze spec must be a JSON object with 'pattern' and 'verbalizer'");
  for (const auto& [key, _] : j.items())
    require(key == "pattern" || key == "verbalizer", context + ": unknown field '" + key + "' (pattern, verbalizer)");
  ClozeSpec spec;
  const auto pattern = j.value("pattern", nlohmann::json());
  if (pattern.is_string()) spec.segments.push_back(pattern.get<std::string>());
  if (pattern.is_array())
    for (const auto& s : pattern)
      if (s.is_string()) spec.segments.push_back(s.get<std::string>());
  const bool all_strings = !pattern.is_array() || pattern.size() == spec.segments.size();
  require(!spec.segments.empty() && spec.segments.size() <= 2 && all_strings,
          context + ": 'pattern' must be a string or a list of two strings, got " + pattern.dump());
  int masks = 0, as = 0, bs = 0;
  for (const auto& p : spec.pieces()) {
    masks += p.kind == PatternPiece::Mask;
    as += p.kind == PatternPiece::TextA;
    bs += p.kind == PatternPiece::TextB;
  }
  require(masks == 1, context + ": the pattern must hold exactly one [MASK], it has " + std::to_string(masks));
  require(as == 1 && bs <= 1, context + ": the pattern must name {a} once and {b} at most once");
  const auto verbalizer = j.value("verbalizer", nlohmann::json());
  require(verbalizer.is_object() && !verbalizer.empty(),
          context + ": 'verbalizer' must be an object mapping each label to its word(s), got " + verbalizer.dump());
  for (const auto& [label, value] : verbalizer.items()) {
    spec.labels.push_back(label);
    spec.words.push_back(words_of(value, context + ": verbalizer '" + label + "'"));
  }
  return spec;
}

nlohmann::json ClozeSpec::to_json() const {
  nlohmann::json verbalizer = nlohmann::json::object();
  for (size_t l = 0; l < labels.size(); ++l)
    verbalizer[labels[l]] = words[l].size() == 1 ? nlohmann::json(words[l][0]) : nlohmann::json(words[l]);
  return {{"pattern", segments.size() == 1 ? nlohmann::json(segments[0]) : nlohmann::json(segments)},
          {"verbalizer", verbalizer}};
}

std::vector<PatternPiece> ClozeSpec::pieces() const {
  std::vector<PatternPiece> out;
  for (size_t s = 0; s < segments.size(); ++s) {
    auto more = split_segment(segments[s], static_cast<int>(s));
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

bool ClozeSpec::uses_b() const {
  for (const auto& p : pieces())
    if (p.kind == PatternPiece::TextB) return true;
  return false;
}

models::ClozeTokens ClozeSpec::tokens(const TextIds& text, const std::string& context) const {
  require(bool(text.encode), context + ": PET needs the model's tokenizer");
  require(text.mask_id >= 0, context + ": PET needs a mask token, and the tokenizer has none");
  models::ClozeTokens out;
  out.mask_id = text.mask_id;
  for (size_t l = 0; l < labels.size(); ++l) {
    std::vector<int64_t> ids;
    for (const auto& word : words[l]) {
      const auto pieces = text.encode(word);
      require(pieces.size() == 1 && pieces[0] != text.unk_id,
              context + ": verbalizer word '" + word + "' (label '" + labels[l] + "') is " +
                  (pieces.size() == 1 ? std::string("unknown to the vocabulary")
                                      : std::to_string(pieces.size()) + " tokens") +
                  "; each word must be one token of the vocabulary");
      ids.push_back(pieces[0]);
    }
    out.label_words.push_back(std::move(ids));
  }
  return out;
}

}  // namespace peft::methods
