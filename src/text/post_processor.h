// The post-processor: a template that wraps one sequence or a pair with special tokens and assigns
// token type ids (HF TemplateProcessing; BertProcessing and "none" are special cases of it).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "text/encoding.h"

namespace peft::text {

struct TemplatePiece {
  enum Kind { kSequenceA, kSequenceB, kSpecialToken } kind = kSequenceA;
  std::string special;  // for kSpecialToken: a key of TemplateProcessor::special_tokens
  int64_t type_id = 0;
};

struct TemplateSpecialToken {
  std::vector<int64_t> ids;
  std::vector<std::string> tokens;
};

struct TemplateProcessor {
  std::vector<TemplatePiece> single{{TemplatePiece::kSequenceA, "", 0}};
  std::vector<TemplatePiece> pair{{TemplatePiece::kSequenceA, "", 0}, {TemplatePiece::kSequenceB, "", 1}};
  std::map<std::string, TemplateSpecialToken> special_tokens;

  // "[CLS] $A [SEP]" and "[CLS] $A [SEP] $B:1 [SEP]:1".
  static TemplateProcessor bert(const std::string& cls, int64_t cls_id, const std::string& sep, int64_t sep_id);

  size_t added_tokens(bool is_pair) const;  // special token ids the template inserts
  Encoding apply(const Encoding& a, const Encoding* b) const;
};

}  // namespace peft::text
