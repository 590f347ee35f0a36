// Tests for reading safetensors: the HF fixture files decode as HF wrote them, and every kind of malformed
// file is rejected with one line naming the file and what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "support/scratch.h"

using peft::test::TempDirTest;

using peft::io::DType;
using peft::io::SafetensorsFile;

namespace {

const std::string kFixtures = PEFT_FIXTURES;

template <typename T>
std::vector<T> values(const peft::io::TensorRecord& record) {
  std::vector<T> out(record.bytes.size() / sizeof(T));
  std::memcpy(out.data(), record.bytes.data(), record.bytes.size());
  return out;
}

// A safetensors file from its parts: little-endian header length, header text, data section.
std::string st_bytes(const std::string& header, const std::string& data = "") {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

std::string le64(uint64_t n) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  return out;
}

}  // namespace

TEST(SafetensorsRead, BertModelFixture) {
  const auto file = SafetensorsFile::read(kFixtures + "/bert_cls/model/model.safetensors");
  EXPECT_EQ(file.tensors().size(), 41u);
  EXPECT_EQ(file.metadata(), (std::map<std::string, std::string>{{"format", "pt"}}));
  EXPECT_EQ(file.tensors().front().name, "bert.embeddings.LayerNorm.bias");
  EXPECT_EQ(file.tensors().back().name, "classifier.weight");

  const auto& pooler = file.get("bert.pooler.dense.weight");
  EXPECT_EQ(pooler.dtype, DType::F32);
  EXPECT_EQ(pooler.shape, (std::vector<int64_t>{32, 32}));
  EXPECT_EQ(pooler.bytes.size(), 32u * 32u * 4u);
  for (float v : values<float>(pooler)) EXPECT_LT(std::fabs(v), 0.5f);

  const auto* bias = file.find("classifier.bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->shape, std::vector<int64_t>{3});
  EXPECT_FLOAT_EQ(values<float>(*bias)[0], 0.0028232226613909006f);

  // LayerNorm weights were perturbed around 1 by the fixture generator.
  for (float v : values<float>(file.get("bert.embeddings.LayerNorm.weight"))) {
    EXPECT_GT(v, 0.8f);
    EXPECT_LT(v, 1.2f);
  }
  EXPECT_EQ(file.find("bert.missing"), nullptr);
}

TEST(SafetensorsRead, ExpectedOutputsMixI64AndF32) {
  const auto file = SafetensorsFile::read(kFixtures + "/bert_cls/expected.safetensors");
  EXPECT_TRUE(file.metadata().empty());
  EXPECT_EQ(file.tensors().front().name, "pair.attention_mask");  // I64 first: HF sorts by alignment

  const auto& ids = file.get("single.input_ids");
  EXPECT_EQ(ids.dtype, DType::I64);
  EXPECT_EQ(ids.shape, (std::vector<int64_t>{4, 21}));
  for (int64_t id : values<int64_t>(ids)) {
    EXPECT_GE(id, 0);
    EXPECT_LT(id, 1000);
  }
  const auto mask = values<int64_t>(file.get("single.attention_mask"));
  for (int64_t m : mask) EXPECT_TRUE(m == 0 || m == 1);
  EXPECT_EQ(mask[0], 1);
  EXPECT_EQ(mask[20], 0);  // the first text is short, so its row ends in padding

  const auto& logits = file.get("single.logits");
  EXPECT_EQ(logits.shape, (std::vector<int64_t>{4, 3}));
  for (float v : values<float>(logits)) EXPECT_TRUE(std::isfinite(v));
}

TEST(SafetensorsRead, LoraAdapterFixture) {
  const auto file = SafetensorsFile::read(kFixtures + "/bert_cls_lora/adapter/adapter_model.safetensors");
  EXPECT_EQ(file.tensors().size(), 10u);
  const std::string prefix = "base_model.model.bert.encoder.layer.0.attention.self.query.";
  EXPECT_EQ(file.get(prefix + "lora_A.weight").shape, (std::vector<int64_t>{4, 32}));
  EXPECT_EQ(file.get(prefix + "lora_B.weight").shape, (std::vector<int64_t>{32, 4}));
}

TEST(SafetensorsRead, MissingTensorAndFileAreErrors) {
  const auto file = SafetensorsFile::read(kFixtures + "/bert_cls_lora/adapter/adapter_model.safetensors");
  try {
    file.get("nope");
    FAIL() << "expected an error";
  } catch (const peft::Error& e) {
    EXPECT_NE(std::string(e.what()).find("adapter_model.safetensors: tensor 'nope': not in the file"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(SafetensorsFile::read(kFixtures + "/no-such-file.safetensors"), peft::Error);
}

TEST(SafetensorsRead, RecordsOutliveCopiesOfTheFile) {
  std::vector<SafetensorsFile> files;
  files.push_back(SafetensorsFile::read(kFixtures + "/bert_cls/model/model.safetensors"));
  const SafetensorsFile copy = files.front();
  files.clear();
  EXPECT_FLOAT_EQ(values<float>(copy.get("classifier.bias"))[0], 0.0028232226613909006f);
}

class SafetensorsBadFile : public TempDirTest {
 protected:
  // Reading a file with these bytes fails with a one-line message naming the file and containing `expected`.
  void expect_error(const std::string& bytes, const std::string& expected) {
    const std::string file = path("bad.safetensors");
    std::ofstream(file, std::ios::binary) << bytes;
    try {
      SafetensorsFile::read(file);
      ADD_FAILURE() << "no error for a file that should give: " << expected;
    } catch (const peft::Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(file + ": ", 0), 0u) << message;
      EXPECT_NE(message.find(expected), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
};

TEST_F(SafetensorsBadFile, HeaderLength) {
  expect_error("", "file is 0 bytes, too short");
  expect_error("1234567", "file is 7 bytes, too short");
  expect_error(le64(0) + "{}", "header length is 0");
  expect_error(le64(100'000'001) + "{}", "header length 100000001 exceeds the limit of 100000000 bytes");
  expect_error(le64(~0ull) + "{}", "exceeds the limit");
  expect_error(le64(3) + "{}", "header length 3 runs past the end of the file (10 bytes)");
}

TEST_F(SafetensorsBadFile, MappingOutlivesTheObjectTheRecordsCameFrom) {
  // Records taken from one object stay readable through a copy, even once the original is gone and the file
  // is deleted: the copy holds the mapping, and the mapping holds the file.
  const std::string file = path("kept.safetensors");
  std::ofstream(file, std::ios::binary) << st_bytes(R"({"t":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", "abcd");
  auto original = std::make_unique<SafetensorsFile>(SafetensorsFile::read(file));
  const peft::io::TensorRecord record = original->get("t");
  const SafetensorsFile copy = *original;
  original.reset();
  std::filesystem::remove(file);
  EXPECT_EQ(record.bytes, "abcd");
  EXPECT_EQ(copy.get("t").bytes.data(), record.bytes.data());  // the same mapping, not a second one
}

TEST_F(SafetensorsBadFile, WhatCannotBeMapped) {
  const std::string missing = path("missing.safetensors");
  EXPECT_EQ(peft::test::error_of([&] { SafetensorsFile::read(missing); }),
            missing + ": cannot open: No such file or directory");
  const std::string folder = scratch_.dir("folder.safetensors");
  EXPECT_EQ(peft::test::error_of([&] { SafetensorsFile::read(folder); }),
            folder + ": is a directory, not a safetensors file");
  const std::string empty = path("empty.safetensors");
  std::ofstream(empty, std::ios::binary).flush();
  EXPECT_EQ(peft::test::error_of([&] { SafetensorsFile::read(empty); }),
            empty + ": file is 0 bytes, too short for the 8-byte header length of a safetensors file");
}

TEST_F(SafetensorsBadFile, HeaderJson) {
  expect_error(st_bytes("{\"a\":"), "header is not valid JSON");
  expect_error(st_bytes("{\"a\":\"\xff\"}"), "header is not valid JSON");  // not UTF-8
  expect_error(st_bytes("[1,2]"), "header is not a JSON object");
  expect_error(st_bytes("\"x\""), "header is not a JSON object");
  const std::string t = R"({"dtype":"U8","shape":[1],"data_offsets":[0,1]})";
  expect_error(st_bytes(R"({"t":)" + t + R"(,"t":)" + t + "}", "x"), "header lists 't' twice");
  expect_error(st_bytes(R"({"__metadata__":[1]})"), "__metadata__ is not a JSON object");
  expect_error(st_bytes(R"({"__metadata__":{"epochs":3}})"), "__metadata__ entry 'epochs' is not a string");
}

TEST_F(SafetensorsBadFile, EntryFields) {
  expect_error(st_bytes(R"({"t":5})"), "tensor 't': entry is not a JSON object");
  expect_error(st_bytes(R"({"t":{"shape":[1],"data_offsets":[0,1]}})", "x"), "tensor 't': missing 'dtype'");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","data_offsets":[0,1]}})", "x"), "tensor 't': missing 'shape'");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[1]}})", "x"), "tensor 't': missing 'data_offsets'");
  expect_error(st_bytes(R"({"t":{"dtype":8,"shape":[1],"data_offsets":[0,1]}})", "x"),
               "tensor 't': 'dtype' must be a string");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":"1","data_offsets":[0,1]}})", "x"),
               "tensor 't': 'shape' must be an array of non-negative integers");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}})", "x"),
               "tensor 't': 'shape' must be an array of non-negative integers");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":{"a":0}}})", "x"),
               "tensor 't': 'data_offsets' must be an array of non-negative integers");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})", "x"),
               "tensor 't': 'data_offsets' must hold exactly two integers");
  expect_error(st_bytes(R"({"t":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}})", "xx"),
               "tensor 't': unknown dtype 'U16'");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", "x"),
               "tensor 't': 'shape' holds the negative value -1");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}})", "x"),
               "tensor 't': 'data_offsets' holds the negative value -1");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,1]}})", "x"),
               "tensor 't': dimension 18446744073709551615 is too large");
}

TEST_F(SafetensorsBadFile, SizesAndRanges) {
  // The message the lead's brief asks for, word for word.
  const std::string file = path("bad.safetensors");
  std::ofstream(file, std::ios::binary) << st_bytes(
      R"({"bert.pooler.dense.weight":{"dtype":"F32","shape":[32,32],"data_offsets":[0,4000]}})",
      std::string(4000, '\0'));
  try {
    SafetensorsFile::read(file);
    ADD_FAILURE() << "no error";
  } catch (const peft::Error& e) {
    EXPECT_EQ(std::string(e.what()), file + ": tensor 'bert.pooler.dense.weight': shape [32,32] x F32 needs "
                                            "4096 bytes, data_offsets give 4000");
  }
  expect_error(st_bytes(R"({"t":{"dtype":"I64","shape":[4611686018427387904,4],"data_offsets":[0,8]}})",
                        std::string(8, '\0')),
               "tensor 't': shape [4611686018427387904,4] x I64 overflows 64 bits");
  expect_error(st_bytes(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", "xxxx"),
               "tensor 't': data_offsets [4,0] begin after they end");
  expect_error(st_bytes(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "xxxx"),
               "tensor 't': data_offsets [0,8] run past the end of the data section (4 bytes)");
}

TEST_F(SafetensorsBadFile, LayoutMustTileTheDataSection) {
  expect_error(st_bytes(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                        R"("b":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}})",
                        std::string(12, 'x')),
               "tensors 'a' and 'b' overlap (data_offsets [0,8] and [4,12])");
  expect_error(st_bytes(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                        R"("b":{"dtype":"U8","shape":[4],"data_offsets":[8,12]}})",
                        std::string(12, 'x')),
               "bytes [4,8) of the data section belong to no tensor");
  expect_error(st_bytes(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}})", std::string(8, 'x')),
               "bytes [0,4) of the data section belong to no tensor");
  expect_error(st_bytes(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", std::string(8, 'x')),
               "bytes [4,8) of the data section belong to no tensor");
  expect_error(st_bytes("{}", "xxxx"), "bytes [0,4) of the data section belong to no tensor");
}

TEST_F(SafetensorsBadFile, NamesWithControlCharactersStayOnOneLine) {
  expect_error(st_bytes(R"({"a\nb":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}})", "x"),
               "tensor 'a\\x0ab': unknown dtype 'Q8'");
}

TEST_F(SafetensorsBadFile, UnusualButValidLayoutsAreAccepted) {
  // Header not padded to 8 bytes, ranges listed out of order, empty tensors sharing an offset.
  const std::string file = path("ok.safetensors");
  std::ofstream(file, std::ios::binary) << st_bytes(
      R"({"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},"e2":{"dtype":"F32","shape":[0,3],"data_offsets":[2,2]},)"
      R"("a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"e1":{"dtype":"I8","shape":[5,0],"data_offsets":[2,2]}})",
      "abcd");
  const auto st = SafetensorsFile::read(file);
  std::vector<std::string> names;
  for (const auto& t : st.tensors()) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "e2", "e1", "b"}));
  EXPECT_EQ(st.get("b").bytes, "cd");
  EXPECT_TRUE(st.get("e1").bytes.empty());
}

TEST_F(SafetensorsBadFile, RandomCorruptionsGiveErrorsNotCrashes) {
  const std::string original = peft::io::read_file(kFixtures + "/bert_cls_lora/adapter/adapter_model.safetensors");
  const size_t header_end = 8 + 1280;  // corrupt where the structure lives: length and JSON header
  const std::string file = path("fuzz.safetensors");
  std::mt19937 rng(42);
  int rejected = 0;
  for (int round = 0; round < 1000; ++round) {
    std::string bytes = original;
    if (round % 4 == 0) {
      bytes.resize(rng() % bytes.size());
    } else {
      for (int k = 0; k < 1 + round % 3; ++k) bytes[rng() % header_end] = static_cast<char>(rng());
    }
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    try {
      SafetensorsFile::read(file);
    } catch (const peft::Error& e) {
      ++rejected;
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(rejected, 600);
}
