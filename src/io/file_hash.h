// Fingerprints of files and byte ranges (XXH3, 64 bits, from Debian's libxxhash): which data a run read,
// which base an adapter belongs to.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace peft::io {

class Hasher {  // streaming XXH3-64
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void update(const void* data, size_t bytes);
  std::string hex() const;  // 16 lower-case hex digits

 private:
  void* state_;
};

std::string file_fingerprint(const std::string& path);  // "xxh3:<hex>"; throws peft::Error naming the path

}  // namespace peft::io
