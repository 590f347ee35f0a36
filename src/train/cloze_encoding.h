// PET's inputs: each example through its pattern into token ids. Only the example's own texts are cut
// (longest first), so the pattern's words and its [MASK] survive any truncation.
#pragma once
#include <string>

#include "methods/peft_model.h"
#include "text/wordpiece_tokenizer.h"

namespace peft::train {

// The pattern filled with `a` (and `b`), wrapped by the tokenizer's post-processor, at most max_length
// tokens. A pattern with {b} needs a pair, and a pair needs a pattern with {b}.
text::Encoding encode_cloze(const methods::ClozeSpec& spec, const std::string& a, const std::string* b,
                            const text::WordPieceTokenizer& tokenizer, size_t max_length);

// The task a PET method makes of the one found in `path`: cloze over the verbalizer's labels, every label
// of the file among them.
methods::TaskInfo cloze_task(methods::TaskInfo task, const methods::ClozeSpec& spec, const std::string& path);

}  // namespace peft::train
