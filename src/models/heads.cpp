#include "models/heads.h"

#include <algorithm>

#include "core/dropout.h"
#include "core/error.h"
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

// dense -> activation -> LayerNorm, registered on `owner` under HF's names.
struct MaskedLMTransform {
  MaskedLMTransform(torch::nn::Module& owner, const ModelConfig& c, const char* norm_name)
      : act(activation_for(c.hidden_act)) {
    dense = owner.register_module("dense", torch::nn::Linear(c.hidden_size, c.hidden_size));
    norm = owner.register_module(norm_name,
                                 torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
  }
  torch::Tensor operator()(const torch::Tensor& hidden) {
    // Under autocast the dense output is bf16, and LayerNorm wants its input in its weights' type.
    return norm(act(dense(hidden)).to(norm->weight.scalar_type()));
  }
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  Activation act;
};

// The transform, then the decoder tied to the word embeddings, plus an output bias.
struct MaskedLMHead : TaskHead {
  virtual torch::Tensor transform(const torch::Tensor& hidden) = 0;
  virtual const torch::Tensor& output_bias() const = 0;
  torch::Tensor forward(const torch::Tensor& hidden, Backbone& backbone, const nn::ForwardContext&) override {
    return torch::nn::functional::linear(transform(hidden), backbone.output_embeddings(), output_bias());
  }
};

// HF BERT: cls.predictions.{transform.dense, transform.LayerNorm, bias}.
struct BertMaskedLMHead : MaskedLMHead {
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
  torch::Tensor transform(const torch::Tensor& hidden) override { return (*predictions->transform)(hidden); }
  const torch::Tensor& output_bias() const override { return predictions->bias; }
  const char* module_name() const override { return "cls"; }
  std::shared_ptr<Predictions> predictions;
};

// HF RoBERTa: lm_head.{dense, layer_norm, bias}.
struct RobertaMaskedLMHead : MaskedLMHead {
  explicit RobertaMaskedLMHead(const ModelConfig& c) : transform_(*this, c, "layer_norm") {
    bias = register_parameter("bias", torch::zeros({c.vocab_size}));
  }
  torch::Tensor transform(const torch::Tensor& hidden) override { return transform_(hidden); }
  const torch::Tensor& output_bias() const override { return bias; }
  const char* module_name() const override { return "lm_head"; }
  MaskedLMTransform transform_;
  torch::Tensor bias;
};

// PET (Schick & Schuetze, 2021): the masked-LM head at each row's [MASK], scored on the verbalizer's words
// only (their rows of the tied decoder), a label's logit the mean of its words'.
template <class Head>
struct ClozeHead : Head {
  ClozeHead(const ModelConfig& c, const ClozeTokens& tokens) : Head(c), mask_id(tokens.mask_id) {
    require(mask_id >= 0, "a cloze head needs the tokenizer's mask token");
    const auto labels = static_cast<int64_t>(tokens.label_words.size());
    require(labels > 0, "a cloze head needs a verbalizer with at least one label");
    size_t width = 0;
    for (const auto& w : tokens.label_words) width = std::max(width, w.size());
    auto ids = torch::zeros({labels, static_cast<int64_t>(width)}, torch::kLong);
    auto share = torch::zeros({labels, static_cast<int64_t>(width)});
    for (int64_t l = 0; l < labels; ++l) {
      const auto& w = tokens.label_words[l];
      require(!w.empty(), "a cloze head's label " + std::to_string(l) + " has no verbalizer word");
      for (size_t i = 0; i < w.size(); ++i) {
        require(w[i] >= 0 && w[i] < c.vocab_size,
                "verbalizer token id " + std::to_string(w[i]) + " is outside the vocabulary");
        ids[l][i] = w[i];
        share[l][i] = 1.0 / static_cast<double>(w.size());
      }
    }
    words = this->register_buffer("verbalizer_ids", ids);
    weights = this->register_buffer("verbalizer_weights", share);
  }
  torch::Tensor forward(const torch::Tensor& hidden, Backbone& backbone, const nn::ForwardContext&) override {
    const auto flat = words.reshape({-1});
    auto logits = torch::nn::functional::linear(this->transform(hidden.select(1, 0)),
                                                backbone.output_embeddings().index_select(0, flat),
                                                this->output_bias().index_select(0, flat));
    return (logits.view({-1, words.size(0), words.size(1)}) * weights.to(logits.dtype())).sum(-1);
  }
  torch::Tensor read_tokens(const ModelInputs& inputs) const override {
    const auto is_mask = inputs.input_ids.eq(mask_id);
    require(is_mask.any(1).all().item<bool>(), "a cloze example has no mask token (id " + std::to_string(mask_id) +
                                                   ") for the head to read");
    // The first [MASK]: the largest of (L - position) where a mask is.
    const auto L = inputs.input_ids.size(1);
    return (is_mask * torch::arange(L, 0, -1, inputs.input_ids.options())).argmax(1);
  }
  int64_t mask_id;
  torch::Tensor words, weights;  // [labels, most words]: vocabulary ids, and 1/n for a label's n words
};

}  // namespace

bool head_uses_pooler(const ModelConfig& c, TaskKind kind) {
  return c.family == Family::Bert && (kind == TaskKind::SequenceClassification || kind == TaskKind::Regression);
}

std::shared_ptr<TaskHead> make_head(const ModelConfig& c, TaskKind kind, int64_t num_labels, const ClozeTokens& cloze) {
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
    case TaskKind::Cloze:
      if (c.family == Family::Roberta) return std::make_shared<ClozeHead<RobertaMaskedLMHead>>(c, cloze);
      return std::make_shared<ClozeHead<BertMaskedLMHead>>(c, cloze);
  }
  return nullptr;
}

}  // namespace peft::models
