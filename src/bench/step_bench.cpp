#include "bench/step_bench.h"

#include <chrono>
#include <functional>

#include "bench/memory.h"
#include "bench/op_profile.h"
#include "core/profile_scope.h"
#include "train/precision.h"

namespace peft::bench {
namespace {

double seconds_of(int64_t repeats, const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < repeats; ++i) work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

models::ModelInputs random_inputs(const models::TaskModelImpl& model, const StepBenchOptions& o,
                                  const torch::Device& device) {
  torch::manual_seed(0);
  return {torch::randint(model.config().vocab_size, {o.batch, o.seq}, torch::kLong).to(device), {},
          torch::ones({o.batch, o.seq}, torch::kLong).to(device)};
}

nlohmann::json shape_json(const methods::PeftModel& peft, const StepBenchOptions& o, const torch::Device& device) {
  return {{"method", peft.method->method_name()}, {"device", device.str()}, {"threads", torch::get_num_threads()},
          {"batch", o.batch},  {"seq", o.seq},      {"precision", o.precision},
          {"steps", o.steps}};
}

}  // namespace

nlohmann::json bench_training_step(methods::PeftModel& peft, const StepBenchOptions& o, const torch::Device& device) {
  auto& model = *peft.model;
  const auto autocast = train::autocast_dtype(o.precision);
  model.train();
  std::vector<torch::Tensor> params;
  for (auto& [_, t] : peft.trainable_tensors()) params.push_back(t);
  torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-4));
  const auto inputs = random_inputs(model, o, device);
  auto labels = model.kind() == models::TaskKind::Regression
                    ? torch::randn({o.batch}).to(device)
                    : torch::randint(model.num_labels(), {o.batch}, torch::kLong).to(device);
  auto step = [&] {
    auto loss = peft.step_loss([&] { return train::forward_fp32_logits(model, inputs, autocast); }, labels);
    loss.backward();
    {
      PEFT_PROFILE_SCOPE(profile::kOptimizer);
      optimizer.step();
      optimizer.zero_grad();
    }
    loss.item<double>();  // a host sync, so the timing covers the whole step on any device
  };
  for (int64_t i = 0; i < o.warmup; ++i) step();
  reset_peak_device_bytes(device);  // the timed steps' high-water mark, optimizer state included
  const double seconds = seconds_of(o.steps, step);
  const auto counts = peft.count_parameters();
  auto result = shape_json(peft, o, device);
  result.update({{"ms_per_step", 1000.0 * seconds / double(o.steps)},
                 {"tokens_per_second", double(o.batch * o.seq * o.steps) / seconds},
                 {"trainable_parameters", counts.trainable},
                 {"trainable_share", counts.share()},
                 {"peak_rss_bytes", peak_rss_bytes()}});
  if (auto bytes = peak_device_bytes(device)) result["peak_device_bytes"] = *bytes;
  if (o.profile) {
    OpProfile::OperationDtypes dtypes;
    {
      const OpProfile with_dtypes(true);
      step();
      dtypes = with_dtypes.dtypes();
    }
    const OpProfile timed;
    result["profile"] = timed.summary(seconds_of(o.steps, step), seconds, o.steps, dtypes);
  }
  return result;
}

nlohmann::json bench_inference(methods::PeftModel& peft, const StepBenchOptions& o, const torch::Device& device) {
  auto& model = *peft.model;
  const auto autocast = train::autocast_dtype(o.precision);
  model.eval();
  const c10::InferenceMode inference;
  const auto inputs = random_inputs(model, o, device);
  auto base = model.default_context();
  base.adapters = nn::AdapterSelection::only({});
  const bool merges = peft.method->mergeable();
  auto forward = [&](const nn::ForwardContext* ctx) {
    return [&, ctx] { train::forward_fp32_logits(model, inputs, autocast, ctx).sum().item<double>(); };
  };
  const auto with_adapter = model.default_context();
  std::map<std::string, double> best;
  auto time = [&](const std::string& variant, const std::function<void()>& work) {
    for (int64_t i = 0; i < o.warmup; ++i) work();
    const double seconds = seconds_of(o.steps, work);
    if (!best.count(variant) || seconds < best[variant]) best[variant] = seconds;
  };
  for (int round = 0; round < 3; ++round) {
    time("base", forward(&base));
    time("unmerged", forward(&with_adapter));
    if (!merges) continue;
    model.merge_sites();
    time("merged", forward(&with_adapter));
    model.unmerge_sites();
  }
  auto result = shape_json(peft, o, device);
  result["mode"] = "inference";
  for (const auto& [variant, seconds] : best)
    result[variant] = {{"ms_per_batch", 1000.0 * seconds / double(o.steps)},
                       {"sequences_per_second", double(o.batch * o.steps) / seconds},
                       {"tokens_per_second", double(o.batch * o.seq * o.steps) / seconds},
                       {"time_vs_base", seconds / best.at("base")}};
  result["peak_rss_bytes"] = peak_rss_bytes();
  return result;
}

}  // namespace peft::bench
