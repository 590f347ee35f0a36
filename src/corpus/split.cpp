// Stable hashing and the train/dev/test assignment built on it.
// The constants are fixed forever: changing one reshuffles every task split.
#include "corpus/split.h"

#include <string>

namespace peft::corpus {

const char* split_name(Split split) {
  switch (split) {
    case Split::train: return "train";
    case Split::dev: return "dev";
    case Split::test: return "test";
  }
  return "?";
}

std::uint64_t stable_hash(std::string_view key) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) h = (h ^ c) * 0x100000001b3ULL;
  // splitmix64 finalizer: FNV alone leaves the low bits (used for the split) weakly mixed.
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

Split split_of(std::string_view salt, std::string_view key) {
  std::string salted(salt);
  salted += ':';
  salted += key;
  const std::uint64_t bucket = stable_hash(salted) % 10;
  return bucket == 0 ? Split::dev : bucket == 1 ? Split::test : Split::train;
}

}  // namespace peft::corpus
