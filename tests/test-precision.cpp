// Mixed precision (--precision bf16): the autocast scope switches matrix products to bf16 and back,
// logits come out in fp32 close to the fp32 ones for every head, "auto" follows the hardware, and unknown
// precisions are errors.
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

TEST(Autocast, AutoPicksBf16WhereTheHardwareHasIt) {
  EXPECT_EQ(train::resolve_precision("auto", torch::kCPU), train::cpu_has_amx_bf16() ? "bf16" : "f32");
  EXPECT_EQ(train::resolve_precision("auto", torch::Device(torch::kCUDA)), "bf16");
  EXPECT_EQ(train::resolve_precision("f32", torch::Device(torch::kCUDA)), "f32");
  EXPECT_EQ(train::resolve_precision("bf16", torch::kCPU), "bf16");
}

TEST(Autocast, UnknownPrecisionIsAnError) {
  EXPECT_EQ(error_of([] { train::autocast_dtype("f16"); }), "unknown precision 'f16' (known: f32, bf16)");
  EXPECT_FALSE(train::autocast_dtype("f32").has_value());
  EXPECT_EQ(*train::autocast_dtype("bf16"), torch::kBFloat16);
}

}  // namespace
}  // namespace peft::testing
