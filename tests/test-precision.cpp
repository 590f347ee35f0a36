// Mixed precision (--precision bf16): the autocast scope switches matrix products to bf16 and back,
// logits come out in fp32 close to the fp32 ones for every head, "auto" follows the hardware (faked here)
// and its probe, and unknown precisions are errors.
#include <gtest/gtest.h>

#include "core/compat.h"
#include "test_support.h"
#include "train/precision.h"

namespace peft::testing {
namespace {

TEST(Autocast, ScopesBf16MatrixProductsAndRestoresTheState) {
  const auto a = torch::randn({4, 8}), b = torch::randn({8, 3});
  {
    const compat::Autocast outer(c10::DeviceType::CPU, torch::kBFloat16);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    {
      const compat::Autocast off(c10::DeviceType::CPU, std::nullopt);  // no dtype: leaves the scope as it is
      EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
  }
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
}

TEST(Autocast, Bf16LogitsAreFp32AndCloseForEveryHead) {
  for (auto kind : {models::TaskKind::SequenceClassification, models::TaskKind::Regression,
                    models::TaskKind::TokenClassification, models::TaskKind::MaskedLM}) {
    auto model = tiny_model(3, kind, kind == models::TaskKind::Regression ? 1 : kTinyLabels);
    model->eval();
    const auto batch = random_batch(5);
    torch::NoGradGuard no_grad;
    const auto exact = train::forward_fp32_logits(*model, batch.inputs, std::nullopt);
    const auto mixed = train::forward_fp32_logits(*model, batch.inputs, torch::kBFloat16);
    EXPECT_EQ(mixed.scalar_type(), torch::kFloat32);
    // bf16 keeps 8 significant bits: logits of O(1) agree to a few hundredths.
    EXPECT_TRUE(AllClose(mixed, exact, 0.15)) << models::task_kind_name(kind);
  }
}

TEST(Precision, CpuFeaturesComeFromTheFlagsWords) {
  const auto zen4 = train::CpuFeatures::from_flags(" fpu avx512f avx512_bf16 avx512_vnni");
  EXPECT_TRUE(zen4.avx512_bf16);
  EXPECT_FALSE(zen4.amx_bf16);
  const auto sapphire = train::CpuFeatures::from_flags("avx512_bf16 amx_bf16 amx_tile");
  EXPECT_TRUE(sapphire.amx_bf16);
  EXPECT_FALSE(train::CpuFeatures::from_flags("avx2 fma avx512f xavx512_bf16").avx512_bf16);  // whole words only
}

// "auto" with the CPU's features faked: the probe runs only on AVX512-BF16 without AMX, and decides there.
TEST(Precision, AutoFollowsTheHardwareAndTheProbe) {
  int probes = 0;
  auto probe = [&](double speedup) {
    return [&probes, speedup] {
      ++probes;
      return speedup;
    };
  };
  const train::CpuFeatures none, avx512{true, false}, amx{true, true};
  EXPECT_EQ(train::choose_precision("auto", torch::kCPU, none, probe(3.0)).precision, "f32");
  EXPECT_EQ(train::choose_precision("auto", torch::kCPU, amx, probe(0.5)).precision, "bf16");
  EXPECT_EQ(train::choose_precision("auto", torch::Device(torch::kCUDA), none, probe(0.5)).precision, "bf16");
  EXPECT_EQ(probes, 0);
  const auto fast = train::choose_precision("auto", torch::kCPU, avx512, probe(2.7));
  EXPECT_EQ(fast.precision, "bf16");
  EXPECT_EQ(fast.reason, "auto: AVX512-BF16, bf16 matrix products 2.70x as fast as f32");
  EXPECT_EQ(train::choose_precision("auto", torch::kCPU, avx512, probe(train::kMinBf16Speedup - 0.01)).precision,
            "f32");
  EXPECT_EQ(probes, 2);
  EXPECT_EQ(train::choose_precision("f32", torch::Device(torch::kCUDA), amx, probe(3.0)).precision, "f32");
  EXPECT_EQ(train::choose_precision("bf16", torch::kCPU, none, probe(0.5)).precision, "bf16");
  EXPECT_EQ(probes, 2);
  EXPECT_EQ(error_of([&] { train::choose_precision("f16", torch::kCPU, none, probe(1)); }),
            "unknown precision 'f16' (known: f32, bf16)");
}

TEST(Precision, TheProbeMeasuresAPositiveRatio) {
  const double speedup = train::measure_bf16_speedup(64, 256);
  EXPECT_GT(speedup, 0.0);
  EXPECT_LT(speedup, 100.0);
}

TEST(Autocast, UnknownPrecisionIsAnError) {
  EXPECT_EQ(error_of([] { train::autocast_dtype("f16"); }), "unknown precision 'f16' (known: f32, bf16)");
  EXPECT_FALSE(train::autocast_dtype("f32").has_value());
  EXPECT_EQ(*train::autocast_dtype("bf16"), torch::kBFloat16);
}

}  // namespace
}  // namespace peft::testing
