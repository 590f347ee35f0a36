// Streaming packer: lines are tokenized one at a time and appended to the current sequence of their set,
// so memory holds only the packed ids (int32, 4 bytes a token).
#include "train/mlm_corpus.h"

#include <fstream>

#include "core/error.h"
#include "train/mlm_masking.h"

namespace peft::train {
namespace {

// Fills sequences "[CLS] a b [SEP] c d e [SEP] ... [SEP]": a [SEP] follows every line, a line that does
// not fit continues in the next sequence, and every sequence ends with [SEP] (so one closing right after
// a line's separator ends "[SEP] [SEP]").
class Packer {
 public:
  Packer(int64_t length, int64_t cls, int64_t sep) : length_(static_cast<size_t>(length)), cls_(cls), sep_(sep) {
    current_.push_back(cls_);
  }

  void add_line(const std::vector<int64_t>& ids) {
    for (int64_t id : ids) push(id);
    if (current_.size() > 1) push(sep_);  // at a sequence's start, its [CLS] already marks the break
  }

  torch::Tensor sequences() {
    const auto rows = static_cast<int64_t>(packed_.size() / length_);
    return torch::from_blob(packed_.data(), {rows, static_cast<int64_t>(length_)}, torch::kInt32).clone();
  }

 private:
  void push(int64_t id) {
    current_.push_back(id);
    if (current_.size() + 1 < length_) return;
    current_.push_back(sep_);
    packed_.insert(packed_.end(), current_.begin(), current_.end());
    current_.assign(1, cls_);
  }

  size_t length_;
  int64_t cls_, sep_;
  std::vector<int64_t> current_;
  std::vector<int32_t> packed_;
};

}  // namespace

bool is_held_out_line(uint64_t index, double fraction) {
  return double(mix_seed(0x4E1D0u, index) >> 11) * 0x1.0p-53 < fraction;
}

MlmCorpus load_mlm_corpus(const std::string& path, const text::WordPieceTokenizer& tokenizer,
                          const MlmCorpusOptions& options) {
  require(options.max_length >= 3, "--max-length must be at least 3 ([CLS], a token, [SEP])");
  require(options.held_out_fraction >= 0 && options.held_out_fraction < 1, "the held-out fraction must be in [0, 1)");
  std::ifstream in(path, std::ios::binary);
  require(in.is_open(), path + ": cannot open the corpus");
  Packer train(options.max_length, tokenizer.cls_id(), tokenizer.sep_id());
  Packer held_out(options.max_length, tokenizer.cls_id(), tokenizer.sep_id());
  MlmCorpus corpus;
  std::string line;
  for (uint64_t index = 0; std::getline(in, line); ++index) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto ids = tokenizer.tokenize(line);
    if (ids.empty()) continue;
    ++corpus.lines;
    corpus.tokens += static_cast<int64_t>(ids.size());
    (is_held_out_line(index, options.held_out_fraction) ? held_out : train).add_line(ids);
  }
  require(!in.bad(), path + ": read error");
  corpus.train = train.sequences();
  corpus.held_out = held_out.sequences();
  require(corpus.train.size(0) > 0, path + ": " + std::to_string(corpus.tokens) + " tokens in " +
                                        std::to_string(corpus.lines) + " lines fill no training sequence of " +
                                        std::to_string(options.max_length) + " tokens");
  return corpus;
}

}  // namespace peft::train
