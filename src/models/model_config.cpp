#include "models/model_config.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "io/atomic_file.h"

namespace peft::models {
namespace {

template <typename T>
void read_field(const nlohmann::json& j, const char* key, T& out, const std::string& context) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(context + ": field '" + key + "' has the wrong type (" + it->dump() + ")");
  }
}

std::vector<std::string> read_labels(const nlohmann::json& j, const std::string& context) {
  std::vector<std::string> labels;
  auto it = j.find("id2label");
  if (it == j.end() || !it->is_object()) return labels;
  labels.resize(it->size());
  for (auto& [key, value] : it->items()) {
    size_t id = 0;
    try {
      id = std::stoul(key);
    } catch (const std::exception&) {
      throw Error(context + ": id2label key '" + key + "' is not a number");
    }
    require(id < labels.size() && value.is_string(), context + ": id2label is not a dense 0..n-1 map");
    labels[id] = value.get<std::string>();
  }
  return labels;
}

}  // namespace

ModelConfig ModelConfig::from_json(const nlohmann::json& j, const std::string& context) {
  require(j.is_object(), context + ": not a JSON object");
  ModelConfig c;
  c.original = j;
  std::string& type = c.type;
  read_field(j, "model_type", type, context);
  if (type == "bert") {
    c.family = Family::Bert;
  } else if (type == "roberta" || type == "xlm-roberta") {
    c.family = Family::Roberta;
  } else {
    throw Error(context + ": model_type '" + type + "' is not supported (supported: bert, roberta)");
  }
  read_field(j, "vocab_size", c.vocab_size, context);
  read_field(j, "hidden_size", c.hidden_size, context);
  read_field(j, "num_hidden_layers", c.num_hidden_layers, context);
  read_field(j, "num_attention_heads", c.num_attention_heads, context);
  read_field(j, "intermediate_size", c.intermediate_size, context);
  read_field(j, "hidden_act", c.hidden_act, context);
  read_field(j, "hidden_dropout_prob", c.hidden_dropout_prob, context);
  read_field(j, "attention_probs_dropout_prob", c.attention_probs_dropout_prob, context);
  read_field(j, "classifier_dropout", c.classifier_dropout, context);
  read_field(j, "max_position_embeddings", c.max_position_embeddings, context);
  read_field(j, "type_vocab_size", c.type_vocab_size, context);
  read_field(j, "layer_norm_eps", c.layer_norm_eps, context);
  read_field(j, "pad_token_id", c.pad_token_id, context);
  read_field(j, "initializer_range", c.initializer_range, context);
  c.labels = read_labels(j, context);
  require(c.hidden_size > 0 && c.num_attention_heads > 0 && c.hidden_size % c.num_attention_heads == 0,
          context + ": hidden_size " + std::to_string(c.hidden_size) + " is not a multiple of num_attention_heads " +
              std::to_string(c.num_attention_heads));
  require(c.vocab_size > 0 && c.num_hidden_layers > 0 && c.intermediate_size > 0 && c.max_position_embeddings > 0,
          context + ": vocab_size, num_hidden_layers, intermediate_size and max_position_embeddings must be positive");
  static const char* kActs[] = {"gelu", "relu", "gelu_new", "gelu_pytorch_tanh", "silu", "swish"};
  require(std::any_of(std::begin(kActs), std::end(kActs), [&](const char* a) { return c.hidden_act == a; }),
          context + ": hidden_act '" + c.hidden_act + "' is not supported");
  require(c.initializer_range > 0 && std::isfinite(c.initializer_range),
          context + ": initializer_range must be a positive number");
  return c;
}

ModelConfig ModelConfig::load(const std::string& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(io::read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path + ": invalid JSON: " + e.what());
  }
  return from_json(j, path);
}

nlohmann::json ModelConfig::to_json() const {
  nlohmann::json j = original.is_object() ? original : nlohmann::json::object();
  j["model_type"] = model_type();
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["intermediate_size"] = intermediate_size;
  j["hidden_act"] = hidden_act;
  j["hidden_dropout_prob"] = hidden_dropout_prob;
  j["attention_probs_dropout_prob"] = attention_probs_dropout_prob;
  j["max_position_embeddings"] = max_position_embeddings;
  j["type_vocab_size"] = type_vocab_size;
  j["layer_norm_eps"] = layer_norm_eps;
  j["pad_token_id"] = pad_token_id;
  j["initializer_range"] = initializer_range;
  if (!labels.empty()) {
    nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
    for (size_t i = 0; i < labels.size(); ++i) {
      id2label[std::to_string(i)] = labels[i];
      label2id[labels[i]] = i;
    }
    j["id2label"] = id2label;
    j["label2id"] = label2id;
  }
  return j;
}

}  // namespace peft::models
