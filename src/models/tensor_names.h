// Small helpers on HF tensor names ("bert.encoder.layer.0.attention.self.query.weight").
#pragma once
#include <string>

namespace peft::models {

inline std::string module_path(const std::string& tensor_name) {
  auto dot = tensor_name.rfind('.');
  return dot == std::string::npos ? "" : tensor_name.substr(0, dot);
}

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

inline bool is_bias(const std::string& name) { return ends_with(name, ".bias") || name == "bias"; }

inline bool is_layer_norm(const std::string& name) {
  return name.find("LayerNorm") != std::string::npos || name.find("layer_norm") != std::string::npos;
}

}  // namespace peft::models
