// Everything that defines a WordPiece tokenizer, component by component as in HF's tokenizer.json:
// the parsed form of that file and what the tokenizer is built from.
#pragma once
#include <optional>
#include <vector>

#include "text/added_tokens.h"
#include "text/normalizer.h"
#include "text/post_processor.h"
#include "text/wordpiece_model.h"

namespace peft::text {

struct TokenizerSpec {
  std::vector<AddedToken> added_tokens;
  std::optional<BertNormalizer> normalizer;  // none: text goes to the pre-tokenizer as it is
  bool bert_pre_tokenizer = true;            // false: each text piece is one word
  TemplateProcessor post_processor;
  WordPieceModel model;
};

}  // namespace peft::text
