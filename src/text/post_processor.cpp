// The post-processor: a template that wraps one sequence or a pair with special tokens and assigns
// token type ids (HF TemplateProcessing; BertProcessing and "none" are special cases of it).
#include "text/post_processor.h"

namespace peft::text {

TemplateProcessor TemplateProcessor::bert(const std::string& cls, int64_t cls_id, const std::string& sep,
                                          int64_t sep_id) {
  using P = TemplatePiece;
  TemplateProcessor t;
  t.single = {{P::kSpecialToken, cls, 0}, {P::kSequenceA, "", 0}, {P::kSpecialToken, sep, 0}};
  t.pair = {{P::kSpecialToken, cls, 0},
            {P::kSequenceA, "", 0},
            {P::kSpecialToken, sep, 0},
            {P::kSequenceB, "", 1},
            {P::kSpecialToken, sep, 1}};
  t.special_tokens[cls] = {{cls_id}, {cls}};
  t.special_tokens[sep] = {{sep_id}, {sep}};
  return t;
}

size_t TemplateProcessor::added_tokens(bool is_pair) const {
  size_t n = 0;
  for (const TemplatePiece& piece : is_pair ? pair : single) {
    if (piece.kind == TemplatePiece::kSpecialToken) n += special_tokens.at(piece.special).ids.size();
  }
  return n;
}

Encoding TemplateProcessor::apply(const Encoding& a, const Encoding* b) const {
  Encoding out;
  auto append = [&out](const std::vector<int64_t>& ids, const std::vector<int>* words, int64_t type_id) {
    out.input_ids.insert(out.input_ids.end(), ids.begin(), ids.end());
    out.token_type_ids.insert(out.token_type_ids.end(), ids.size(), type_id);
    if (words) {
      out.word_ids.insert(out.word_ids.end(), words->begin(), words->end());
    } else {
      out.word_ids.insert(out.word_ids.end(), ids.size(), -1);
    }
  };
  for (const TemplatePiece& piece : b ? pair : single) {
    switch (piece.kind) {
      case TemplatePiece::kSequenceA:
        append(a.input_ids, &a.word_ids, piece.type_id);
        break;
      case TemplatePiece::kSequenceB:
        append(b->input_ids, &b->word_ids, piece.type_id);
        break;
      case TemplatePiece::kSpecialToken:
        append(special_tokens.at(piece.special).ids, nullptr, piece.type_id);
        break;
    }
  }
  return out;
}

}  // namespace peft::text
