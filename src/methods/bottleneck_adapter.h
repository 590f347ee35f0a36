// Bottleneck adapters: a down-projection to m dims, a non-linearity and an up-projection added back
// (near-identity at init). Houlsby et al. (2019): one after attention and one after the MLP in every
// layer, LayerNorms trained too; Pfeiffer et al. (2021): one after the MLP only. Either may add MAD-X's
// invertible adapter on the embedding output (AdapterHub's HoulsbyInvConfig / PfeifferInvConfig).
// Parallel adapters (He et al., 2022; AdapterHub's ParBnConfig): the bottleneck reads the sublayer's
// input and its output, times `scaling` (fixed, or learned), is added to the sublayer's output.
#pragma once
#include "methods/invertible_adapter.h"
#include "methods/method.h"
#include "methods/method_config.h"
#include "models/activation.h"
#include "nn/branch_site.h"

namespace peft::methods {

enum class AdapterVariant { Houlsby, Pfeiffer, Parallel };

struct BottleneckConfig {
  int64_t bottleneck = 0;         // m; 0 = hidden_size / reduction_factor
  double reduction_factor = 16;   // AdapterHub's default
  std::string non_linearity;      // relu | gelu | swish (= silu) | tanh
  // AdapterHub's init_weights: houlsby = both weights ~ N(0, init_std) truncated at 2 sigma; bert = both
  // ~ N(0, 0.02); mam_adapter = down as nn.Linear's default, up zero (exactly the identity at init, and
  // the down-projection's gradient is not scaled by a tiny up). Biases start at 0 in all three.
  std::string init_weights;
  double init_std = 1e-2;
  bool train_layer_norms = false;
  bool mh_adapter = false, output_adapter = true;  // AdapterHub: after attention, after the MLP
  double scaling = 1;                              // parallel only: the branch's factor...
  bool learned_scaling = false;                    // ...or a learned scalar starting at one
  // AdapterHub's inv_adapter: "nice" adds MAD-X's invertible adapter on the embedding output ("" = none).
  std::string inv_adapter;
  double inv_adapter_reduction_factor = 2;
  static BottleneckConfig read(MethodConfig& config, AdapterVariant variant);
};

class BottleneckImpl : public torch::nn::Module, public nn::BranchHook {
 public:
  BottleneckImpl(int64_t hidden, const BottleneckConfig& config, bool parallel);
  torch::Tensor apply(const torch::Tensor& sublayer_output, const torch::Tensor& sublayer_input,
                      const nn::ForwardContext& ctx) override;
  torch::nn::Linear down{nullptr}, up{nullptr};
  torch::Tensor scaling;  // [1] when learned, else undefined

 private:
  models::Activation non_linearity_;
  bool parallel_;
  double fixed_scaling_;
};

class BottleneckAdapter : public Method {
 public:
  BottleneckAdapter(const nlohmann::json& config, AdapterVariant variant);
  const char* method_name() const override;
  const char* peft_type() const override;
  void attach(models::TaskModelImpl& model, const std::string& adapter_name) override;
  bool trains_base_tensor(const std::string& name) const override;
  NamedTensors own_tensors() const override;
  nlohmann::json config_json() const override;

 private:
  AdapterVariant variant_;
  BottleneckConfig config_;
  std::vector<std::pair<std::string, std::shared_ptr<BottleneckImpl>>> adapters_;  // by branch-site path
  std::string inv_path_;
  std::shared_ptr<NiceCouplingImpl> inv_adapter_;  // null without inv_adapter
};

}  // namespace peft::methods
