// Named regions of a forward pass for `peft bench --profile` (bench/op_profile.h), which attributes the
// operations run inside them, and their backward, to the region. Outside a profile a scope costs one
// thread-local check.
#pragma once
#include <ATen/record_function.h>

namespace peft::profile {

inline constexpr char kAttention[] = "peft::attention";  // scores, softmax, dropout, weighted values
inline constexpr char kAdapter[] = "peft::adapter";      // every method's own operations at a site
inline constexpr char kOptimizer[] = "peft::optimizer";  // the optimizer step

}  // namespace peft::profile

// Marks the rest of the enclosing block as region `name` (one of the names above).
#define PEFT_PROFILE_SCOPE(name) RECORD_USER_SCOPE(name)
