// Reads and writes safetensors files (HF's tensor container: 8-byte LE header length, JSON header, raw data),
// torch-free: records expose the raw little-endian bytes and the torch side wraps them into tensors.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace peft::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);  // "F32", as in the header
// Throws peft::Error "<context>: unknown dtype '<name>' ..." for names we do not handle (e.g. U16, F8_E4M3).
DType parse_dtype(const std::string& name, const std::string& context);

int64_t numel(const std::vector<int64_t>& shape);             // 1 for a scalar (shape [])
std::string format_shape(const std::vector<int64_t>& shape);  // "[32,32]", for messages

struct TensorRecord {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  // Points into the file's read-only mapping, which every copy of the SafetensorsFile keeps alive. Not
  // necessarily aligned for the dtype (headers need not be padded), so copy out with memcpy.
  std::string_view bytes;
};

class SafetensorsFile {
 public:
  // Maps the file (no copy: peak memory is the tensors once) and validates header and layout; every problem
  // is a one-line peft::Error.
  static SafetensorsFile read(const std::string& path);

  const std::vector<TensorRecord>& tensors() const { return tensors_; }  // in data order (= HF header order)
  const TensorRecord* find(const std::string& name) const;                // nullptr when absent
  const TensorRecord& get(const std::string& name) const;                 // throws naming file and tensor
  const std::map<std::string, std::string>& metadata() const { return metadata_; }  // "__metadata__"
  const std::string& path() const { return path_; }

 private:
  struct Mapping;  // the mmapped file, unmapped when the last copy holding it goes

  std::string path_;
  std::shared_ptr<const Mapping> mapping_;
  std::vector<TensorRecord> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

struct TensorToWrite {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  std::string_view bytes;  // numel(shape) * dtype_size(dtype) bytes, little-endian, row-major
};

// Writes atomically, laid out as HF's writer does (byte-identical for the same input): tensors sorted by
// descending dtype alignment then name, contiguous; JSON header padded with spaces to a multiple of 8;
// "__metadata__" first and only when non-empty. Duplicate names and size mismatches are errors.
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace peft::io
