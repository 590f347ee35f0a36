#include "bench/op_profile.h"

#include <algorithm>
#include <chrono>
#include <tuple>
#include <vector>

#include "core/profile_scope.h"

namespace peft::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One running operation: its start, the time its children took, and the region it runs in ("" = none).
struct Frame : at::ObserverContext {
  Clock::time_point start;
  double children_seconds = 0;
  bool kernel_call = false;
  std::string region;
};

thread_local std::vector<Frame*> running;
OpProfile::Totals* active = nullptr;  // one profile at a time

bool is_region(const char* name) {
  const std::string n = name;
  return n == profile::kAttention || n == profile::kAdapter || n == profile::kOptimizer;
}

std::string region_name(const std::string& scope) {
  if (scope == profile::kAttention) return "attention";
  if (scope == profile::kAdapter) return "adapters";
  return "optimizer";
}

// A BLAS call: the operations it runs itself (CPU bmm selects every matrix of the batch) are its own time.
bool is_kernel_call(const char* name) {
  static const std::set<std::string> kernels = {"aten::mm",   "aten::addmm", "aten::bmm", "aten::baddbmm",
                                                "aten::addmv", "aten::mv",   "aten::dot", "aten::addbmm"};
  return kernels.count(name) > 0;
}

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& fn) {
  if (!running.empty() && running.back()->kernel_call) return nullptr;  // not recorded: no end callback work
  auto frame = std::make_unique<Frame>();
  frame->kernel_call = is_kernel_call(fn.name());
  auto& t = *active;
  std::lock_guard<std::mutex> lock(t.mutex);
  if (fn.scope() == at::RecordScope::USER_SCOPE && is_region(fn.name())) frame->region = region_name(fn.name());
  else if (!running.empty()) frame->region = running.back()->region;
  if (frame->region.empty() && fn.scope() == at::RecordScope::BACKWARD_FUNCTION) {
    auto found = t.region_of_sequence.find(fn.seqNr());
    if (found != t.region_of_sequence.end()) frame->region = found->second;
  } else if (!frame->region.empty() && fn.scope() == at::RecordScope::FUNCTION && fn.seqNr() >= 0 &&
             at::GradMode::is_enabled()) {
    t.region_of_sequence[fn.seqNr()] = frame->region;
  }
  if (t.with_dtypes)
    for (const auto& input : fn.inputs())
      if (input.isTensor() && input.toTensor().defined()) {
        t.op_dtypes[fn.name()].insert(c10::toString(input.toTensor().scalar_type()));
        break;
      }
  running.push_back(frame.get());
  frame->start = Clock::now();  // last, so the bookkeeping above counts in the caller's time, not this call's
  return frame;
}

void on_end(const at::RecordFunction& fn, at::ObserverContext* context) {
  if (!context) return;
  auto* frame = static_cast<Frame*>(context);
  const double total = std::chrono::duration<double>(Clock::now() - frame->start).count();
  if (!running.empty() && running.back() == frame) running.pop_back();
  auto& t = *active;
  std::lock_guard<std::mutex> lock(t.mutex);
  if (!running.empty()) running.back()->children_seconds += total;
  if (fn.scope() == at::RecordScope::USER_SCOPE && is_region(fn.name())) return;  // its time is its operations'
  const double own = std::max(0.0, total - frame->children_seconds);
  const std::string name = fn.name();
  const auto part = frame->region.empty() ? part_of_operation(name) : frame->region;
  auto& op = t.operations[{part, name}];
  op.seconds += own;
  ++op.calls;
}

std::string strip_aten(const std::string& name) { return name.rfind("aten::", 0) == 0 ? name.substr(6) : name; }

}  // namespace

std::string part_of_operation(const std::string& name) {
  static const std::set<std::string> products = {"mm",    "addmm", "bmm", "baddbmm", "matmul", "linear",
                                                 "addmv", "mv",    "dot", "addbmm",  "_addmm_activation"};
  static const std::set<std::string> normalisation = {
      "layer_norm", "native_layer_norm", "native_layer_norm_backward", "gelu", "gelu_backward", "tanh",
      "tanh_backward", "relu", "threshold_backward", "silu", "silu_backward", "sigmoid", "sigmoid_backward"};
  static const std::set<std::string> casts = {"to", "_to_copy", "copy_", "clone", "contiguous",
                                              "_autocast_to_reduced_precision", "_autocast_to_full_precision"};
  const auto op = strip_aten(name);
  if (products.count(op)) return "matrix products";
  if (normalisation.count(op)) return "LayerNorm, activations";
  if (casts.count(op)) return "casts, copies";
  return "other";
}

OpProfile::OpProfile(bool with_dtypes) {
  if (active) throw std::logic_error("one OpProfile at a time");
  totals_.with_dtypes = with_dtypes;
  active = &totals_;
  handle_ = at::addThreadLocalCallback(at::RecordFunctionCallback(on_start, on_end).needsInputs(with_dtypes));
}

OpProfile::~OpProfile() {
  at::removeCallback(handle_);
  active = nullptr;
}

nlohmann::json OpProfile::summary(double profiled_seconds, double unprofiled_seconds, int64_t steps,
                                  const OperationDtypes& dtypes) const {
  int64_t calls = 0;
  for (const auto& [_, op] : totals_.operations) calls += op.calls;
  std::map<std::string, double> part_seconds;
  std::vector<std::tuple<double, std::string, std::string, int64_t>> ops;  // seconds, part, name, calls
  double accounted = 0;
  for (const auto& [key, op] : totals_.operations) {
    const double seconds = op.seconds;
    part_seconds[key.first] += seconds;
    accounted += seconds;
    ops.emplace_back(seconds, key.first, key.second, op.calls);
  }
  std::vector<std::pair<std::string, double>> parts(part_seconds.begin(), part_seconds.end());
  parts.emplace_back("between operations", std::max(0.0, profiled_seconds - accounted));
  std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return a.second > b.second; });
  std::sort(ops.begin(), ops.end(), [](auto& a, auto& b) { return std::get<0>(a) > std::get<0>(b); });
  const double per_step = 1000.0 / double(steps);
  auto share = [&](double seconds) { return seconds / profiled_seconds; };
  nlohmann::json parts_json = nlohmann::json::array(), ops_json = nlohmann::json::array();
  for (const auto& [part, seconds] : parts)
    parts_json.push_back({{"part", part}, {"ms_per_step", seconds * per_step}, {"share", share(seconds)}});
  for (size_t i = 0; i < std::min<size_t>(ops.size(), 15); ++i) {
    const auto& [seconds, part, name, op_calls] = ops[i];
    nlohmann::json op = {{"operation", name},
                         {"part", part},
                         {"calls_per_step", op_calls / steps},
                         {"ms_per_step", seconds * per_step},
                         {"share", share(seconds)}};
    if (dtypes.count(name)) op["input_dtypes"] = dtypes.at(name);
    ops_json.push_back(op);
  }
  return {{"steps", steps},
          {"ms_per_step", profiled_seconds * per_step},
          {"unprofiled_ms_per_step", unprofiled_seconds * per_step},
          {"calls_per_step", calls / steps},
          {"parts", parts_json},
          {"operations", ops_json}};
}

}  // namespace peft::bench
