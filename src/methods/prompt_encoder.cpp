#include "methods/prompt_encoder.h"

#include "core/error.h"

namespace peft::methods {

PromptEncoderImpl::PromptEncoderImpl(const PromptEncoderOptions& o) {
  namespace tn = torch::nn;
  embedding = register_module("embedding", tn::Embedding(o.tokens, o.input_dim));  // N(0, 1), as HF
  if (o.type == "PREFIX") {
    head_name_ = "transform";
    head = tn::Sequential(tn::Linear(o.input_dim, o.hidden), tn::Tanh(), tn::Linear(o.hidden, o.output_dim));
  } else if (o.type == "MLP") {
    head_name_ = "mlp_head";
    head = tn::Sequential(tn::Linear(o.input_dim, o.hidden), tn::ReLU(), tn::Linear(o.hidden, o.hidden), tn::ReLU(),
                          tn::Linear(o.hidden, o.output_dim));
  } else {
    require(o.type == "LSTM", "prompt encoder type '" + o.type + "' is not one of MLP, LSTM");
    head_name_ = "mlp_head";
    lstm_head = register_module("lstm_head", tn::LSTM(tn::LSTMOptions(o.input_dim, o.hidden)
                                                          .num_layers(o.lstm_layers)
                                                          .dropout(o.lstm_dropout)
                                                          .bidirectional(true)
                                                          .batch_first(true)));
    head = tn::Sequential(tn::Linear(2 * o.hidden, 2 * o.hidden), tn::ReLU(), tn::Linear(2 * o.hidden, o.output_dim));
  }
  register_module(head_name_, head);
}

torch::Tensor PromptEncoderImpl::forward(bool training) {
  auto x = embedding->weight;
  if (lstm_head) {
    lstm_head->train(training);  // its dropout between layers follows the call, not a module flag
    x = std::get<0>(lstm_head->forward(x.unsqueeze(0))).squeeze(0);
  }
  return head->forward(x);
}

NamedTensors PromptEncoderImpl::named(const std::string& prefix) const {
  NamedTensors out;
  for (const auto& item : named_parameters()) out.emplace_back(prefix + item.key(), item.value());
  return out;
}

void PromptTable::init_encoded(torch::nn::Module& owner, const PromptEncoderOptions& options) {
  encoder_ = owner.register_module("prompt_encoder", PromptEncoder(options));
}

void PromptTable::init_plain(torch::nn::Module& owner, const torch::Tensor& values) {
  plain_ = owner.register_parameter("prompt_embeddings", values);
}

NamedTensors PromptTable::trainable() const {
  return encoder_ ? encoder_->named("prompt_encoder.") : NamedTensors{{"prompt_embeddings", plain_}};
}

NamedTensors PromptTable::saved() const {
  if (!encoder_) return trainable();
  torch::Tensor table;
  {
    torch::NoGradGuard no_grad;
    table = encoder_->forward(/*training=*/false);
  }
  auto out = trainable();
  out.emplace_back("prompt_embeddings", table);
  return out;
}

void PromptTable::load(torch::nn::Module& owner, models::TensorMap& tensors, const std::string& context) {
  auto take = [&](const std::string& name, const torch::Tensor& target) {
    const auto it = tensors.find(name);
    require(it != tensors.end(), context + ": tensor '" + name + "' is missing");
    require(it->second.sizes() == target.sizes(), context + ": tensor '" + name + "' has shape " +
                                                      c10::str(it->second.sizes()) + ", the model expects " +
                                                      c10::str(target.sizes()));
    torch::NoGradGuard no_grad;
    target.copy_(it->second);
    tensors.erase(it);
  };
  if (encoder_ && !tensors.count("prompt_encoder.embedding.weight")) fold(owner);
  if (!encoder_) return take("prompt_embeddings", plain_);
  for (auto& [name, t] : trainable()) take(name, t);
  tensors.erase("prompt_embeddings");  // the encoder's output, recomputed from it
}

void PromptTable::fold(torch::nn::Module& owner) {
  if (!encoder_) return;
  torch::Tensor table;
  {
    torch::NoGradGuard no_grad;
    table = encoder_->forward(/*training=*/false).clone();
  }
  owner.unregister_module("prompt_encoder");
  encoder_ = nullptr;
  init_plain(owner, table);
}

}  // namespace peft::methods
