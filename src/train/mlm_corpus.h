// A plain-text corpus ready for masked-LM pretraining: every line tokenized, consecutive lines packed into
// full sequences "[CLS] line [SEP] line [SEP] ... [SEP]", and a deterministic share of lines held out.
#pragma once
#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "text/wordpiece_tokenizer.h"

namespace peft::train {

struct MlmCorpusOptions {
  int64_t max_length = 128;         // tokens per sequence, [CLS] and [SEP] included
  double held_out_fraction = 0.01;  // share of lines (not sequences) kept out of training
};

struct MlmCorpus {
  torch::Tensor train;     // [N, max_length] int32 token ids; every row exactly full
  torch::Tensor held_out;  // [M, max_length] int32; may have no rows when the corpus is tiny
  int64_t lines = 0;       // non-empty lines read
  int64_t tokens = 0;      // tokens of those lines (no specials)
};

// Line `index` (0-based, counting every line of the file) goes to the held-out set. A hash of the index
// rather than every k-th line, so that periodic structure in the file does not bias the split.
bool is_held_out_line(uint64_t index, double fraction);

// Reads `path` (UTF-8, one document or sentence per line). A line longer than a sequence continues in the
// next one; the last, partly filled sequence of each set is dropped. Throws peft::Error naming the file
// when it cannot be read or yields no training sequence.
MlmCorpus load_mlm_corpus(const std::string& path, const text::WordPieceTokenizer& tokenizer,
                          const MlmCorpusOptions& options);

}  // namespace peft::train
