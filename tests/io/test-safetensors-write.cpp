// Tests for writing safetensors: round trips for every dtype, byte-identical output to HF's writer,
// rejected inputs, and atomic replacement.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "support/scratch.h"

using peft::test::expect_error;
using peft::test::TempDirTest;

using peft::io::DType;
using peft::io::SafetensorsFile;
using peft::io::TensorToWrite;
using peft::io::write_safetensors;

namespace {

// Distinct bytes per tensor so a mix-up between tensors shows.
std::string pattern(size_t n, char seed) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(seed + 7 * i);
  return out;
}

}  // namespace

class SafetensorsWrite : public TempDirTest {};

TEST_F(SafetensorsWrite, RoundTripsEveryDtypeWithEmptyAndScalarTensors) {
  const std::vector<DType> dtypes = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                                     DType::I32, DType::I16, DType::I8,  DType::U8,   DType::BOOL};
  std::vector<std::string> storage;
  std::vector<TensorToWrite> tensors;
  storage.reserve(3 * dtypes.size());
  for (size_t i = 0; i < dtypes.size(); ++i) {
    const std::string name = peft::io::dtype_name(dtypes[i]);
    const size_t size = peft::io::dtype_size(dtypes[i]);
    storage.push_back(pattern(2 * 3 * size, static_cast<char>(i)));
    tensors.push_back({name + ".matrix", dtypes[i], {2, 3}, storage.back()});
    storage.push_back(pattern(size, static_cast<char>(100 + i)));
    tensors.push_back({name + ".scalar", dtypes[i], {}, storage.back()});
    tensors.push_back({name + ".empty", dtypes[i], {4, 0}, ""});
  }
  const std::string file = path("all.safetensors");
  write_safetensors(file, tensors);

  const auto st = SafetensorsFile::read(file);
  ASSERT_EQ(st.tensors().size(), tensors.size());
  for (const TensorToWrite& t : tensors) {
    const auto* r = st.find(t.name);
    ASSERT_NE(r, nullptr) << t.name;
    EXPECT_EQ(r->dtype, t.dtype) << t.name;
    EXPECT_EQ(r->shape, t.shape) << t.name;
    EXPECT_EQ(r->bytes, t.bytes) << t.name;
  }
  EXPECT_EQ(peft::io::parse_dtype("BF16", "test"), DType::BF16);
  EXPECT_EQ(peft::io::numel({}), 1);
  EXPECT_EQ(peft::io::numel({4, 0}), 0);
}

TEST_F(SafetensorsWrite, MetadataRoundTrips) {
  const std::string file = path("meta.safetensors");
  const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "ünï \"quoted\"\n"}};
  write_safetensors(file, {{"w", DType::U8, {1}, "z"}}, metadata);
  EXPECT_EQ(SafetensorsFile::read(file).metadata(), metadata);
}

TEST_F(SafetensorsWrite, LayoutMatchesHfWriterByteForByte) {
  // HF's own test vectors (safetensors/src/tensor.rs): one F32 tensor holding 0..5, with a header that
  // needs no padding and one that needs 7 spaces; an empty file with and without metadata.
  std::string floats;
  for (float v : {0.f, 1.f, 2.f, 3.f, 4.f, 5.f}) floats.append(reinterpret_cast<const char*>(&v), 4);
  write_safetensors(path("a.safetensors"), {{"attn.0", DType::F32, {1, 2, 3}, floats}});
  EXPECT_EQ(peft::io::read_file(path("a.safetensors")),
            std::string("\x40\0\0\0\0\0\0\0", 8) +
                R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})" + floats);
  write_safetensors(path("b.safetensors"), {{"attn0", DType::F32, {1, 1, 2, 3}, floats}});
  EXPECT_EQ(peft::io::read_file(path("b.safetensors")),
            std::string("\x48\0\0\0\0\0\0\0", 8) +
                R"({"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}})" + "       " + floats);

  write_safetensors(path("empty.safetensors"), {});
  EXPECT_EQ(peft::io::read_file(path("empty.safetensors")), std::string("\x08\0\0\0\0\0\0\0{}      ", 16));
  write_safetensors(path("meta.safetensors"), {}, {{"framework", "pt"}});
  EXPECT_EQ(peft::io::read_file(path("meta.safetensors")),
            std::string("\x28\0\0\0\0\0\0\0", 8) + R"({"__metadata__":{"framework":"pt"}})" + "     ");
}

TEST_F(SafetensorsWrite, RewritingHfFixturesReproducesThemExactly) {
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(PEFT_FIXTURES)) {
    if (entry.path().extension() != ".safetensors") continue;
    const auto st = SafetensorsFile::read(entry.path().string());
    std::vector<TensorToWrite> tensors;
    for (const auto& t : st.tensors()) tensors.push_back({t.name, t.dtype, t.shape, t.bytes});
    const std::string copy = path("copy.safetensors");
    write_safetensors(copy, tensors, st.metadata());
    EXPECT_TRUE(peft::io::read_file(copy) == peft::io::read_file(entry.path().string())) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST_F(SafetensorsWrite, RejectsBadInput) {
  const std::string file = path("bad.safetensors");
  expect_error([&] { write_safetensors(file, {{"a", DType::U8, {1}, "x"}, {"a", DType::U8, {1}, "y"}}); },
               file + ": tensor 'a': name given twice");
  expect_error([&] { write_safetensors(file, {{"a", DType::F32, {2, 2}, "abc"}}); },
               file + ": tensor 'a': shape [2,2] x F32 needs 16 bytes, got 3");
  expect_error([&] { write_safetensors(file, {{"a", DType::U8, {-1}, ""}}); },
               "tensor 'a': negative dimension in shape [-1]");
  expect_error([&] { write_safetensors(file, {{"__metadata__", DType::U8, {1}, "x"}}); }, "reserved");
  expect_error([&] { write_safetensors(file, {{"bad\xff", DType::U8, {1}, "x"}}); }, "valid UTF-8");
  EXPECT_TRUE(listing().empty());
}

TEST_F(SafetensorsWrite, FailedWriteLeavesPreviousFileAndNoTempFile) {
  const std::string file = path("model.safetensors");
  write_safetensors(file, {{"w", DType::U8, {3}, "abc"}});
  const std::string before = peft::io::read_file(file);

  EXPECT_THROW(write_safetensors(file, {{"w", DType::U8, {3}, "ab"}}), peft::Error);
  EXPECT_EQ(peft::io::read_file(file), before);
  EXPECT_EQ(listing(), std::vector<std::string>{"model.safetensors"});

  // A failure at the filesystem level: the target is a non-empty directory, so the final rename fails.
  std::filesystem::create_directories(path("dir.safetensors/inner"));
  EXPECT_THROW(write_safetensors(path("dir.safetensors"), {{"w", DType::U8, {3}, "abc"}}), peft::Error);
  EXPECT_EQ(listing(), (std::vector<std::string>{"dir.safetensors", "model.safetensors"}));
  EXPECT_TRUE(std::filesystem::is_directory(path("dir.safetensors/inner")));
}
