// LoRA (Hu et al., 2021): a trainable low-rank update B·A added to frozen linear layers and embedding
// tables, scaled by lora_alpha / r (or / sqrt(r) with rsLoRA); merges into the weight for zero-overhead
// inference. DoRA (Liu et al., 2024; HF PEFT's use_dora) splits the updated weight of a linear layer into
// a learned magnitude per output row and the direction (W + s·B·A) / ||W + s·B·A||.
#pragma once
#include <regex>

#include "methods/method.h"
#include "methods/method_config.h"
#include "methods/module_selector.h"
#include "nn/site.h"

namespace peft::methods {

// HF PEFT's rank_pattern / alpha_pattern: per-module r or lora_alpha for the modules whose path ends in a
// match of the key (a regex, matched at a dot); the first matching key, in key order, wins.
struct ModulePattern {
  struct Entry {
    std::string key;
    std::regex regex;
    double value;
  };
  std::vector<Entry> entries;
  bool whole = false;
  // whole: values must be whole numbers (ranks), and are written back as integers (HF builds layers from them).
  static ModulePattern read(const nlohmann::json* value, const std::string& context, bool whole);
  double value_for(const std::string& module_path, double fallback) const;
  nlohmann::json to_json() const;  // {} when empty, as HF writes it
};

struct LoraConfig {
  int64_t r = 8;
  double lora_alpha = 8;
  ModulePattern rank_pattern, alpha_pattern;
  double lora_dropout = 0.0;
  bool use_rslora = false;
  bool use_dora = false;
  std::string bias = "none";  // none | all | lora_only
  ModuleSelector target_modules;
  ModuleSelector modules_to_save;
  static LoraConfig read(MethodConfig& config);
  int64_t rank_for(const std::string& module_path) const;
  double scaling_for(const std::string& module_path) const;
};

class LoraDeltaImpl : public torch::nn::Module, public nn::LinearDelta {
 public:
  // `weight`, `bias`: the site's frozen [out, in] weight and its bias (undefined: none), which DoRA reads.
  LoraDeltaImpl(const torch::Tensor& weight, const torch::Tensor& bias, const LoraConfig& config,
                const std::string& path);
  torch::Tensor apply(const torch::Tensor& input, const torch::Tensor& output, const nn::ForwardContext& ctx) override;
  // A mixed batch gathers each row's A and B (zero-padded to the largest rank) and runs one batched
  // product, never a loop over sub-batches (the S-LoRA / Punica idea).
  bool batches_with(const nn::LinearDelta& other) const override;
  torch::Tensor apply_rows(const torch::Tensor& input, const torch::Tensor& output,
                           const std::vector<nn::LinearDelta*>& peers, const torch::Tensor& rows,
                           const nn::ForwardContext& ctx) override;
  bool mergeable() const override { return true; }
  void merge(torch::Tensor& weight, torch::Tensor& bias) override;
  void unmerge(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor lora_A, lora_B;  // [r, in], [out, r]
  torch::Tensor magnitude;       // DoRA's [out] (HF's lora_magnitude_vector); undefined without DoRA

 private:
  // ||W + s·B·A|| per output row, with no gradient (DoRA's norm is a constant to backward: the paper, 4.3).
  torch::Tensor updated_row_norms();
  torch::Tensor frozen_row_norms_squared();
  torch::Tensor update_weight() const { return torch::matmul(lora_B, lora_A) * scaling_; }

  double scaling_, dropout_;
  torch::Tensor weight_, bias_;
  // ||W||² per row, kept while the frozen weight is unchanged (same version, device), so a step pays
  // only for the low-rank terms of the norm; and the whole norm, kept while A and B are unchanged too (every
  // forward of an evaluation, or of a step's accumulated micro-batches, after the first).
  torch::Tensor weight_norms_squared_, row_norms_;
  std::vector<int64_t> weight_version_, norms_version_;
  torch::Tensor merged_scale_;  // DoRA's scale when merged, to undo it exactly
};

// LoRA on an embedding table, as HF PEFT's lora.Embedding: the ids pick rows of A^T ([r] each), B maps
// them to the embedding width; A starts at zero and B at N(0, 1), and there is no dropout.
class LoraEmbeddingDeltaImpl : public torch::nn::Module, public nn::LinearDelta {
 public:
  LoraEmbeddingDeltaImpl(int64_t num_embeddings, int64_t embedding_dim, const LoraConfig& config,
                         const std::string& path);
  torch::Tensor apply(const torch::Tensor& ids, const torch::Tensor& output, const nn::ForwardContext& ctx) override;
  bool mergeable() const override { return true; }
  void merge(torch::Tensor& weight, torch::Tensor& bias) override;
  void unmerge(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor lora_A, lora_B;  // [r, num_embeddings], [dim, r]: HF's lora_embedding_A, lora_embedding_B

 private:
  double scaling_;
};

class Lora : public Method {
 public:
  explicit Lora(const nlohmann::json& config);
  const char* method_name() const override { return "lora"; }
  const char* peft_type() const override { return "LORA"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  bool trains_base_tensor(const std::string& name) const override;
  NamedTensors own_tensors() const override;
  std::vector<RoledTensor> own_tensor_roles() const override;
  // Also takes DoRA magnitudes saved as "<module>.lora_magnitude_vector.weight" (HF's in-memory name).
  void load_saved(models::TensorMap& tensors, const std::string& context) override;
  nlohmann::json config_json() const override;
  bool mergeable() const override { return true; }

 private:
  LoraConfig config_;
  std::vector<std::pair<std::string, std::shared_ptr<LoraDeltaImpl>>> deltas_;  // by site path
  std::vector<std::pair<std::string, std::shared_ptr<LoraEmbeddingDeltaImpl>>> embedding_deltas_;
};

}  // namespace peft::methods
