// Where a training step's time goes. While an OpProfile lives, every LibTorch operation this thread runs,
// forward and backward, is timed, and its own time (without the operations it calls) goes to one part:
// attention, adapters or the optimizer when it ran inside that region (core/profile_scope.h; a backward
// operation goes where its forward ran), else by its name: matrix products, LayerNorm and activations,
// casts and copies, or other. Recording slows a step (2-core Zen 4, LoRA step of the shipped model: 1.4x
// in bf16, 1.8x in f32, where CPU bmm runs each matrix of a batch as operations of its own), so the
// shares are of the profiled step, beside the unprofiled step's time.
#pragma once
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <unordered_map>

#include <ATen/record_function.h>
#include <nlohmann/json.hpp>

namespace peft::bench {

class OpProfile {
 public:
  // `with_dtypes`: also record each operation's first tensor input's dtype (slower: every call's inputs
  // are boxed), to see what still runs in fp32 under autocast.
  explicit OpProfile(bool with_dtypes = false);
  ~OpProfile();
  OpProfile(const OpProfile&) = delete;
  OpProfile& operator=(const OpProfile&) = delete;

  using OperationDtypes = std::map<std::string, std::set<std::string>>;
  // The parts' and the busiest operations' time per step of `steps` steps that took `profiled_seconds`
  // while profiled (and `unprofiled_seconds` without, for comparison), with the operations' input dtypes
  // from a with_dtypes profile.
  nlohmann::json summary(double profiled_seconds, double unprofiled_seconds, int64_t steps,
                         const OperationDtypes& dtypes = {}) const;
  const OperationDtypes& dtypes() const { return totals_.op_dtypes; }

  // What the callbacks fill (public for them; read through summary()).
  struct Totals {
    std::mutex mutex;
    struct Operation {
      double seconds = 0;  // own time
      int64_t calls = 0;
    };
    std::map<std::pair<std::string, std::string>, Operation> operations;  // by (part, operation name)
    OperationDtypes op_dtypes;
    std::unordered_map<int64_t, std::string> region_of_sequence;  // forward op's autograd number -> region
    bool with_dtypes = false;
  };

 private:
  Totals totals_;
  at::CallbackHandle handle_;
};

// The part an operation's own time goes to when it ran outside every region (by its name).
std::string part_of_operation(const std::string& name);

}  // namespace peft::bench
