#include "models/tensor_io.h"

#include "core/error.h"
#include "io/safetensors.h"

namespace peft::models {
namespace {

torch::ScalarType scalar_type(io::DType d) {
  switch (d) {
    case io::DType::F64: return torch::kFloat64;
    case io::DType::F32: return torch::kFloat32;
    case io::DType::F16: return torch::kFloat16;
    case io::DType::BF16: return torch::kBFloat16;
    case io::DType::I64: return torch::kInt64;
    case io::DType::I32: return torch::kInt32;
    case io::DType::I16: return torch::kInt16;
    case io::DType::I8: return torch::kInt8;
    case io::DType::U8: return torch::kUInt8;
    case io::DType::BOOL: return torch::kBool;
  }
  throw Error("unhandled dtype");
}

io::DType file_dtype(torch::ScalarType t, const std::string& name) {
  switch (t) {
    case torch::kFloat64: return io::DType::F64;
    case torch::kFloat32: return io::DType::F32;
    case torch::kFloat16: return io::DType::F16;
    case torch::kBFloat16: return io::DType::BF16;
    case torch::kInt64: return io::DType::I64;
    case torch::kInt32: return io::DType::I32;
    case torch::kInt16: return io::DType::I16;
    case torch::kInt8: return io::DType::I8;
    case torch::kUInt8: return io::DType::U8;
    case torch::kBool: return io::DType::BOOL;
    default: throw Error("tensor '" + name + "' has a dtype safetensors cannot store");
  }
}

}  // namespace

TensorMap read_tensors(const std::string& path, std::map<std::string, std::string>* metadata) {
  auto file = io::SafetensorsFile::read(path);
  TensorMap out;
  for (const auto& rec : file.tensors()) {
    auto t = torch::empty(rec.shape, torch::TensorOptions().dtype(scalar_type(rec.dtype)));
    if (!rec.bytes.empty()) std::memcpy(t.data_ptr(), rec.bytes.data(), rec.bytes.size());
    out.emplace(rec.name, std::move(t));
  }
  if (metadata) *metadata = file.metadata();
  return out;
}

void write_tensors(const std::string& path, const TensorMap& tensors, const std::map<std::string, std::string>& metadata) {
  std::vector<torch::Tensor> keep_alive;
  std::vector<io::TensorToWrite> records;
  for (const auto& [name, tensor] : tensors) {
    auto t = tensor.detach().to(torch::kCPU).contiguous();
    keep_alive.push_back(t);
    records.push_back({name, file_dtype(t.scalar_type(), name), t.sizes().vec(),
                       std::string_view(static_cast<const char*>(t.data_ptr()), t.nbytes())});
  }
  io::write_safetensors(path, records, metadata);
}

}  // namespace peft::models
