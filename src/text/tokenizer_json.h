// Reads and writes HF tokenizers' tokenizer.json for WordPiece tokenizers: BertNormalizer,
// BertPreTokenizer, WordPiece model, TemplateProcessing/BertProcessing post-processor, added tokens.
#pragma once
#include <string>

#include "text/tokenizer_spec.h"

namespace peft::text {

// `origin` (the file's path) starts every error message; each error names the offending field.
TokenizerSpec parse_tokenizer_json(const std::string& text, const std::string& origin);
std::string tokenizer_json(const TokenizerSpec& spec);

}  // namespace peft::text
