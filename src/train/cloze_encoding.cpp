#include "train/cloze_encoding.h"

#include <algorithm>

#include "core/error.h"

namespace peft::train {
namespace {

text::Encoding ids_only(std::vector<int64_t> ids) {
  text::Encoding e;
  e.token_type_ids.assign(ids.size(), 0);
  e.word_ids.assign(ids.size(), -1);
  e.input_ids = std::move(ids);
  return e;
}

}  // namespace

text::Encoding encode_cloze(const methods::ClozeSpec& spec, const std::string& a, const std::string* b,
                            const text::WordPieceTokenizer& tokenizer, size_t max_length) {
  require(spec.uses_b() == (b != nullptr),
          b ? "the example is a pair but the pattern has no {b}" : "the pattern uses {b} but the example has one text");
  const auto pieces = spec.pieces();
  std::vector<std::vector<int64_t>> own(pieces.size());
  size_t fixed = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].kind == methods::PatternPiece::Text) own[i] = tokenizer.tokenize(pieces[i].text);
    if (pieces[i].kind == methods::PatternPiece::Mask) own[i] = {tokenizer.mask_id()};
    fixed += own[i].size();
  }
  const bool pair = spec.segments.size() == 2;
  const size_t framing = fixed + tokenizer.added_tokens(pair);
  require(max_length == 0 || max_length > framing, "the pattern's own " + std::to_string(fixed) +
                                                       " tokens and the special tokens leave no room for the example "
                                                       "in max_length " +
                                                       std::to_string(max_length));
  auto text_a = ids_only(tokenizer.tokenize(a));
  auto text_b = ids_only(b ? tokenizer.tokenize(*b) : std::vector<int64_t>{});
  if (max_length > 0) truncate_longest_first(text_a, b ? &text_b : nullptr, max_length - framing);
  std::vector<int64_t> segments[2];
  for (size_t i = 0; i < pieces.size(); ++i) {
    const auto& ids = pieces[i].kind == methods::PatternPiece::TextA   ? text_a.input_ids
                      : pieces[i].kind == methods::PatternPiece::TextB ? text_b.input_ids
                                                                       : own[i];
    auto& segment = segments[pieces[i].segment];
    segment.insert(segment.end(), ids.begin(), ids.end());
  }
  const auto first = ids_only(segments[0]), second = ids_only(segments[1]);
  return tokenizer.wrap(first, pair ? &second : nullptr);
}

methods::TaskInfo cloze_task(methods::TaskInfo task, const methods::ClozeSpec& spec, const std::string& path) {
  require(task.kind == models::TaskKind::SequenceClassification,
          path + ": PET turns a classification task into cloze; this one is " + models::task_kind_name(task.kind));
  for (const auto& label : task.labels)
    require(std::find(spec.labels.begin(), spec.labels.end(), label) != spec.labels.end(),
            path + ": label '" + label + "' has no word in the verbalizer");
  task.kind = models::TaskKind::Cloze;
  task.labels = spec.labels;
  task.cloze = spec;
  return task;
}

}  // namespace peft::train
