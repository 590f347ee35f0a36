// What the soft-prompt methods share: HF PEFT's prompt-learning fields, and the two hooks they attach —
// virtual tokens inserted at the input-sequence site, and per-layer key/value prefixes — each batching a
// mixed batch (one adapter per row) into one insert or one prepend.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "methods/method.h"
#include "methods/method_config.h"
#include "nn/input_sequence.h"
#include "nn/key_value_site.h"

namespace peft::methods {

// HF PEFT's PromptLearningConfig: the prompt length, and the model's shape as HF records it (read when
// given and checked against the model at attach; written from the model).
struct PromptLearningConfig {
  int64_t num_virtual_tokens = 20;
  int64_t token_dim = 0, num_layers = 0, num_attention_heads = 0, num_transformer_submodules = 1;
  static PromptLearningConfig read(MethodConfig& config, const std::string& method, int64_t default_tokens);
  // Checks the recorded shape against the model's, then records the model's.
  void take_shape(const models::ModelConfig& model, const std::string& method);
  nlohmann::json to_json() const;
};

// The model's word embedding table (prompt init from words, PET's verbalizer).
torch::Tensor word_embeddings(models::TaskModelImpl& model);

// HF PEFT's prompt-learning file layout: prompt_embeddings at the top, the head under "base_model.".
inline FileRoots prompt_file_roots() { return {"base_model.", ""}; }

// Where virtual tokens go in each row: before [CLS] (HF's place), before the separator that ends the first
// text, or before the final separator. Several anchors split the tokens between them, in order.
enum class Anchor { Start, Between, End };
std::vector<Anchor> parse_anchors(const std::string& text, const std::string& method);
std::string anchors_text(const std::vector<Anchor>& anchors);

// Inserts an adapter's prompt table ([K, n, H]: K prompts of an ensemble, chosen per row by
// ctx.prompt_rows) at its anchors. Rows of a mixed batch take their own adapter's prompt in one insert.
class PromptInsertion : public nn::InputSequenceHook {
 public:
  using Table = std::function<torch::Tensor(const nn::ForwardContext&)>;
  PromptInsertion(std::string adapter, Table table, std::vector<Anchor> anchors);
  void apply(nn::InputSequence& sequence, const nn::ForwardContext& ctx) override;
  bool batches_with(const nn::InputSequenceHook& other) const override;
  void apply_rows(nn::InputSequence& sequence, const std::vector<nn::InputSequenceHook*>& peers,
                  const torch::Tensor& rows, const nn::ForwardContext& ctx) override;

 private:
  std::string adapter_;
  Table table_;
  std::vector<Anchor> anchors_;
};

// An adapter's prefixes for every layer: the table [P, layers * 2 * H] HF keeps (per position: each
// layer's key then value, heads side by side), computed once per forward at the input-sequence site,
// where it also counts as P past positions (HF numbers the input after its prefix), and read by each
// layer's key/value hook. Forwards run one at a time per model.
class PrefixRows : public nn::InputSequenceHook, public std::enable_shared_from_this<PrefixRows> {
 public:
  using Table = std::function<torch::Tensor(const nn::ForwardContext&)>;
  PrefixRows(std::string adapter, Table table, int64_t layers, int64_t heads, int64_t head_dim);
  // Attaches this hook at the model's input-sequence site and a layer hook at each key/value site.
  void attach_to(models::TaskModelImpl& model);
  void apply(nn::InputSequence& sequence, const nn::ForwardContext& ctx) override;
  bool batches_with(const nn::InputSequenceHook& other) const override;
  void apply_rows(nn::InputSequence& sequence, const std::vector<nn::InputSequenceHook*>& peers,
                  const torch::Tensor& rows, const nn::ForwardContext& ctx) override;
  // Layer `layer`'s keys and values of this forward, side by side: [1, P, 2 * heads * head_dim].
  torch::Tensor layer_rows(int64_t layer) const;
  int64_t heads() const { return heads_; }
  int64_t head_dim() const { return head_dim_; }

 private:
  struct LayerHook;
  std::string adapter_;
  Table table_;
  int64_t layers_, heads_, head_dim_;
  torch::Tensor current_;  // this forward's table, [P, layers, 2 * heads * head_dim]
};

}  // namespace peft::methods
