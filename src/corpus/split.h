// Stable hashing and the train/dev/test assignment built on it: the same key gives the same split on
// every machine, compiler and run (std::hash promises none of that).
#pragma once
#include <cstdint>
#include <string_view>

namespace peft::corpus {

enum class Split { train = 0, dev = 1, test = 2 };
inline constexpr Split kSplits[] = {Split::train, Split::dev, Split::test};

const char* split_name(Split split);

// FNV-1a over the bytes, then a 64-bit finalizer so that every bit depends on every input byte.
std::uint64_t stable_hash(std::string_view key);

// 80% train, 10% dev, 10% test, from the hash of salt + key.
Split split_of(std::string_view salt, std::string_view key);

}  // namespace peft::corpus
