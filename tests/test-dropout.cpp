// peft::dropout, the CPU dropout with a cheaper mask: torch::dropout's contract (a share p zeroed, the rest
// scaled by 1/(1-p), the same mask in the gradient, identity when not training), seeded like LibTorch.
#include <gtest/gtest.h>

#include "core/dropout.h"

namespace peft::testing {
namespace {

TEST(Dropout, ZeroesAShareOfPAndKeepsTheMean) {
  torch::manual_seed(0);
  const auto x = torch::ones({1 << 20});
  for (double p : {0.1, 0.5, 0.9}) {
    const auto y = peft::dropout(x, p, true);
    const double dropped = y.eq(0).to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(dropped, p, 0.002) << p;  // 1M draws: a standard error below 0.0005
    EXPECT_NEAR(y.mean().item<double>(), 1.0, 0.01) << p;
    EXPECT_TRUE(y.masked_select(y.ne(0)).allclose(torch::full({1}, 1.0 / (1.0 - p)))) << p;
  }
}

TEST(Dropout, DecisionsAreIndependentAcrossNeighbours) {
  // Four decisions share each 64-bit draw: neighbours must still be dropped independently.
  torch::manual_seed(1);
  const auto kept = peft::dropout(torch::ones({1 << 20}), 0.5, true).ne(0).to(torch::kDouble);
  const auto both = (kept.slice(0, 0, -1) * kept.slice(0, 1)).mean().item<double>();
  EXPECT_NEAR(both, 0.25, 0.003);
}

TEST(Dropout, TheGradientUsesTheSameMask) {
  const auto x = torch::randn({7, 33}, torch::requires_grad());
  const auto y = peft::dropout(x, 0.3, true);
  y.sum().backward();
  EXPECT_TRUE(x.grad().allclose(y.detach() / x.detach()));
}

TEST(Dropout, IsTheIdentityWhenNotTrainingAndSeededLikeLibTorch) {
  const auto x = torch::randn({3, 5, 8});
  EXPECT_TRUE(peft::dropout(x, 0.4, false).equal(x));
  EXPECT_TRUE(peft::dropout(x, 0.0, true).equal(x));
  EXPECT_TRUE(peft::dropout(x, 1.0, true).eq(0).all().item<bool>());
  torch::manual_seed(7);
  const auto a = peft::dropout(x, 0.4, true);
  torch::manual_seed(7);
  EXPECT_TRUE(peft::dropout(x, 0.4, true).equal(a));
  EXPECT_EQ(peft::dropout(x.to(torch::kBFloat16), 0.4, true).scalar_type(), torch::kBFloat16);
}

}  // namespace
}  // namespace peft::testing
