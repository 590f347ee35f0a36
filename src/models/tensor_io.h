// Bridge between safetensors files and torch tensors: read every tensor of a file (as stored), write a
// name -> tensor map atomically.
#pragma once
#include <map>
#include <string>

#include <torch/torch.h>

namespace peft::models {

using TensorMap = std::map<std::string, torch::Tensor>;

TensorMap read_tensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr);
void write_tensors(const std::string& path, const TensorMap& tensors,
                   const std::map<std::string, std::string>& metadata = {});

}  // namespace peft::models
