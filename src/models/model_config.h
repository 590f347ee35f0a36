// The backbone hyper-parameters read from (and written to) a HuggingFace config.json, for the
// encoder families peft.cpp supports (bert, roberta).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace peft::models {

enum class Family { Bert, Roberta };

struct ModelConfig {
  Family family = Family::Bert;
  int64_t vocab_size = 30522;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  std::string hidden_act = "gelu";
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  double classifier_dropout = -1;  // < 0: use hidden_dropout_prob, as HF does for null
  int64_t max_position_embeddings = 512;
  int64_t type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  int64_t pad_token_id = 0;
  double initializer_range = 0.02;  // std of HF's normal init, for fresh heads and from-scratch models
  std::string type;  // model_type as read (xlm-roberta: the Roberta family under its own name); empty: the family's
  std::vector<std::string> labels;  // id2label in id order; empty when the checkpoint has no head labels
  nlohmann::json original;          // the file as read, so unknown fields survive a save

  static ModelConfig from_json(const nlohmann::json& j, const std::string& context);
  static ModelConfig load(const std::string& path);
  nlohmann::json to_json() const;

  const char* prefix() const { return family == Family::Bert ? "bert" : "roberta"; }  // HF module path root
  std::string model_type() const { return type.empty() ? prefix() : type; }
  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  // Longest input the position table covers (RoBERTa spends pad_token_id + 1 slots before the first token).
  int64_t max_tokens() const {
    return family == Family::Roberta ? max_position_embeddings - pad_token_id - 1 : max_position_embeddings;
  }
};

}  // namespace peft::models
