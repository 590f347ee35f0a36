#include "models/heads.h"

#include "core/dropout.h"
#include "models/activation.h"

namespace peft::models {
namespace {

double classifier_dropout(const ModelConfig& c) {
  return c.classifier_dropout >= 0 ? c.classifier_dropout : c.hidden_dropout_prob;
}

// BERT: dropout(pooler output) -> classifier. Token classification: the same on every position.
// The head module is itself HF's `classifier` Linear, so its tensors are classifier.weight / classifier.bias.
struct LinearHead : TaskHead {
  LinearHead(const ModelConfig& c, int64_t num_labels, bool pooled) : dropout(classifier_dropout(c)), pooled(pooled) {
    torch::nn::Linear init(c.hidden_size, num_labels);  // torch.nn.Linear's default init
    weight = register_parameter("weight", init->weight.detach().clone());
    bias = register_parameter("bias", init->bias.detach().clone());
  }
  torch::Tensor forward(const torch::Tensor& hidden, Backbone& backbone, const nn::ForwardContext& ctx) override {
    auto x = pooled ? backbone.pool(hidden, ctx) : hidden;
    return torch::nn::functional::linear(peft::dropout(x, dropout, ctx.training), weight, bias);
  }
  const char* module_name() const override { return "classifier"; }
  bool reads_first_token_only() const override { return pooled; }
  torch::Tensor weight, bias;
  double dropout;
  bool pooled;
};

// RoBERTa: dense + tanh on the first token, then out_proj (HF RobertaClassificationHead).
struct RobertaClassificationHead : TaskHead {
  RobertaClassificationHead(const ModelConfig& c, int64_t num_labels) : dropout(classifier_dropout(c)) {
    dense = register_module("dense", torch::nn::Linear(c.hidden_size, c.hidden_size));
    out_proj = register_module("out_proj", torch::nn::Linear(c.hidden_size, num_labels));
  }
  torch::Tensor forward(const torch::Tensor& hidden, Backbone&, const nn::ForwardContext& ctx) override {
    auto x = peft::dropout(hidden.select(1, 0), dropout, ctx.training);
    x = peft::dropout(torch::tanh(dense(x)), dropout, ctx.training);
    return out_proj(x);
  }
  const char* module_name() const override { return "classifier"; }
  bool reads_first_token_only() const override { return true; }
  torch::nn::Linear dense{nullptr}, out_proj{nullptr};
  double dropout;
};

// dense -> activation -> LayerNorm, registered on `owner` under HF's names; the decoder is tied to the
// word embeddings, plus an output bias.
struct MaskedLMTransform {
  MaskedLMTransform(torch::nn::Module& owner, const ModelConfig& c, const char* norm_name)
      : act(activation_for(c.hidden_act)) {
    dense = owner.register_module("dense", torch::nn::Linear(c.hidden_size, c.hidden_size));
    norm = owner.register_module(norm_name,
                                 torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
  }
  torch::Tensor logits(const torch::Tensor& hidden, Backbone& backbone, const torch::Tensor& bias) {
    // Under autocast the dense output is bf16, and LayerNorm wants its input in its weights' type.
    auto x = norm(act(dense(hidden)).to(norm->weight.scalar_type()));
    return torch::nn::functional::linear(x, backbone.output_embeddings(), bias);
  }
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  Activation act;
};

// HF BERT: cls.predictions.{transform.dense, transform.LayerNorm, bias}.
struct BertMaskedLMHead : TaskHead {
  struct Predictions : torch::nn::Module {
    explicit Predictions(const ModelConfig& c) {
      auto t = register_module("transform", std::make_shared<torch::nn::Module>());
      transform = std::make_unique<MaskedLMTransform>(*t, c, "LayerNorm");
      bias = register_parameter("bias", torch::zeros({c.vocab_size}));
    }
    std::unique_ptr<MaskedLMTransform> transform;
    torch::Tensor bias;
  };
  explicit BertMaskedLMHead(const ModelConfig& c) {
    predictions = register_module("predictions", std::make_shared<Predictions>(c));
  }
  torch::Tensor forward(const torch::Tensor& hidden, Backbone& backbone, const nn::ForwardContext&) override {
    return predictions->transform->logits(hidden, backbone, predictions->bias);
  }
  const char* module_name() const override { return "cls"; }
  std::shared_ptr<Predictions> predictions;
};

// HF RoBERTa: lm_head.{dense, layer_norm, bias}.
struct RobertaMaskedLMHead : TaskHead {
  explicit RobertaMaskedLMHead(const ModelConfig& c) : transform(*this, c, "layer_norm") {
    bias = register_parameter("bias", torch::zeros({c.vocab_size}));
  }
  torch::Tensor forward(const torch::Tensor& hidden, Backbone& backbone, const nn::ForwardContext&) override {
    return transform.logits(hidden, backbone, bias);
  }
  const char* module_name() const override { return "lm_head"; }
  MaskedLMTransform transform;
  torch::Tensor bias;
};

}  // namespace

bool head_uses_pooler(const ModelConfig& c, TaskKind kind) {
  return c.family == Family::Bert && (kind == TaskKind::SequenceClassification || kind == TaskKind::Regression);
}

std::shared_ptr<TaskHead> make_head(const ModelConfig& c, TaskKind kind, int64_t num_labels) {
  switch (kind) {
    case TaskKind::SequenceClassification:
    case TaskKind::Regression:
      if (c.family == Family::Roberta) return std::make_shared<RobertaClassificationHead>(c, num_labels);
      return std::make_shared<LinearHead>(c, num_labels, /*pooled=*/true);
    case TaskKind::TokenClassification:
      return std::make_shared<LinearHead>(c, num_labels, /*pooled=*/false);
    case TaskKind::MaskedLM:
      if (c.family == Family::Roberta) return std::make_shared<RobertaMaskedLMHead>(c);
      return std::make_shared<BertMaskedLMHead>(c);
  }
  return nullptr;
}

}  // namespace peft::models
