// Input checks shared by the metrics: two non-empty sequences of equal length.
// Internal to peft_eval.
#pragma once
#include <string>

#include "core/error.h"

namespace peft::eval {

template <class A, class B>
void check_pair(const A& pred, const B& gold, const std::string& metric) {
  require(pred.size() == gold.size(), metric + ": " + std::to_string(pred.size()) + " predictions but " +
                                          std::to_string(gold.size()) + " gold values");
  require(!gold.empty(), metric + ": no examples to score");
}

}  // namespace peft::eval
