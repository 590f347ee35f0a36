// Task heads on top of the encoder, under HF's module names: sequence classification / regression (BERT
// pooler + classifier, RoBERTa classifier.dense/out_proj), token classification, masked LM (tied decoder),
// and cloze (the masked-LM head read at a [MASK] on a verbalizer's words).
#pragma once
#include <vector>

#include <torch/torch.h>

#include "models/backbone.h"
#include "models/task.h"

namespace peft::models {

struct TaskHead : torch::nn::Module {
  // hidden: the backbone's last hidden state [B, L, H] ([B, 1, H] if reads_first_token_only); returns logits.
  virtual torch::Tensor forward(const torch::Tensor& hidden, Backbone& backbone, const nn::ForwardContext& ctx) = 0;
  torch::Tensor forward(const torch::Tensor& hidden, Backbone& backbone) {  // in this head's mode
    nn::ForwardContext ctx;
    ctx.training = is_training();
    return forward(hidden, backbone, ctx);
  }
  virtual bool reads_first_token_only() const { return false; }
  // The input token each row's logits come from (a cloze head's [MASK]); undefined: every token.
  virtual torch::Tensor read_tokens(const ModelInputs& /*inputs*/) const { return {}; }
  virtual const char* module_name() const = 0;  // where HF keeps it: "classifier", "cls", "lm_head"
};

// What a cloze head scores: per label the vocabulary ids of its verbalizer words (a label's logit is their
// mean), read at the first `mask_id` token of each row.
struct ClozeTokens {
  std::vector<std::vector<int64_t>> label_words;
  int64_t mask_id = -1;
};

// Builds the head HF uses for this family and task; num_labels is 1 for regression, vocab size for MLM.
// A cloze head (one label per entry of cloze.label_words) holds the masked-LM head's tensors under their
// names, so a checkpoint's MLM head loads into it.
std::shared_ptr<TaskHead> make_head(const ModelConfig& c, TaskKind kind, int64_t num_labels,
                                    const ClozeTokens& cloze = {});
bool head_uses_pooler(const ModelConfig& c, TaskKind kind);

}  // namespace peft::models
