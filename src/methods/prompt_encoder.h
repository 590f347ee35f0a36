// The reparameterisations that produce soft prompts during training, under HF PEFT's module names, and
// their fold: once trained, their output is computed once and kept as plain vectors, so inference runs no
// encoder. P-tuning's PromptEncoder (an embedding through an MLP, or a bidirectional LSTM and an MLP) and
// prefix tuning's PrefixEncoder (an embedding through Linear-Tanh-Linear).
#pragma once
#include <string>

#include <torch/torch.h>

#include "methods/method.h"
#include "methods/soft_prompt.h"
#include "models/tensor_io.h"

namespace peft::methods {

struct PromptEncoderOptions {
  int64_t tokens = 0, input_dim = 0, hidden = 0, output_dim = 0;
  std::string type = "MLP";  // P-tuning: MLP or LSTM; prefix tuning: PREFIX (Linear-Tanh-Linear)
  int64_t lstm_layers = 2;
  double lstm_dropout = 0.0;
};

class PromptEncoderImpl : public torch::nn::Module {
 public:
  explicit PromptEncoderImpl(const PromptEncoderOptions& options);
  torch::Tensor forward(bool training);  // [tokens, output_dim]
  // Its tensors under "<prefix><HF name>" (prompt_encoder.embedding.weight, ...).
  NamedTensors named(const std::string& prefix) const;

  torch::nn::Embedding embedding{nullptr};
  torch::nn::Sequential head{nullptr};  // HF's mlp_head (P-tuning) or transform (prefix tuning)
  torch::nn::LSTM lstm_head{nullptr};

 private:
  std::string head_name_;
};
TORCH_MODULE(PromptEncoder);

// A method's prompt table: trained through an encoder or as plain vectors, saved as HF does (the table
// itself as prompt_embeddings) plus the encoder, so training can resume; folds into plain vectors.
class PromptTable {
 public:
  // The two forms, registered on `owner` (the method) as prompt_encoder or prompt_embeddings.
  void init_encoded(torch::nn::Module& owner, const PromptEncoderOptions& options);
  void init_plain(torch::nn::Module& owner, const torch::Tensor& values);
  torch::Tensor operator()(bool training) const { return encoder_ ? encoder_->forward(training) : plain_; }
  bool encoded() const { return !encoder_.is_empty(); }
  NamedTensors trainable() const;
  NamedTensors saved() const;
  // From a file's tensors: the encoder when the file has it (a peft.cpp checkpoint), else the table as
  // plain vectors (an HF PEFT file, or one saved folded).
  void load(torch::nn::Module& owner, models::TensorMap& tensors, const std::string& context);
  void fold(torch::nn::Module& owner);  // plain vectors = the encoder's output; the encoder goes

 private:
  mutable PromptEncoder encoder_{nullptr};  // saved() runs it: the output is what HF stores
  torch::Tensor plain_;
};

// A method whose tensors are one prompt table (P-tuning, prefix tuning): saved, loaded and folded as such.
class PromptTableMethod : public Method {
 public:
  NamedTensors own_tensors() const override { return table_.trainable(); }
  NamedTensors saved_tensors() const override { return table_.saved(); }
  void load_saved(models::TensorMap& tensors, const std::string& context) override {
    table_.load(*this, tensors, context);
  }
  FileRoots file_roots() const override { return prompt_file_roots(); }
  void fold() { table_.fold(*this); }  // the encoder's output becomes the plain table

 protected:
  PromptTable table_;
};

}  // namespace peft::methods
