// PET's pattern-verbalizer pair (Schick & Schuetze, 2021): how an example becomes a cloze text, and the
// vocabulary word that stands for each label. Its JSON (a small file, or inline in the method's options):
//   {"pattern": "{a} it is about [MASK] .", "verbalizer": {"noun.animal": "animal", "noun.plant": "plant"}}
// {a} and {b} are the example's texts, [MASK] the one mask. A pair's pattern may be two segments, which
// the tokenizer joins as a pair: ["{a} ?", "[MASK] , {b}"]. A label may have several words (a list):
// its logit is their mean. Every word must be one token of the vocabulary.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "methods/method.h"
#include "models/heads.h"

namespace peft::methods {

struct PatternPiece {
  enum Kind { Text, TextA, TextB, Mask } kind = Text;
  std::string text;  // for Text: the pattern's own words
  int segment = 0;   // 0, or 1 for a two-segment pattern's second
};

struct ClozeSpec {
  std::vector<std::string> segments;            // one or two
  std::vector<std::string> labels;              // the task's labels, in id order
  std::vector<std::vector<std::string>> words;  // per label, its verbalizer words

  // Reads and checks {"pattern", "verbalizer"}; errors name `context` (the file or the option).
  static ClozeSpec from_json(const nlohmann::json& j, const std::string& context);
  nlohmann::json to_json() const;
  std::vector<PatternPiece> pieces() const;
  bool uses_b() const;
  // The verbalizer's token ids and the [MASK] id; a word that is not exactly one known token is an error.
  models::ClozeTokens tokens(const TextIds& text, const std::string& context) const;
};

}  // namespace peft::methods
