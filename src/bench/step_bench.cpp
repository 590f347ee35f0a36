#include "bench/step_bench.h"

#include <chrono>

#include "bench/memory.h"
#include "train/precision.h"

namespace peft::bench {

nlohmann::json bench_training_step(methods::PeftModel& peft, const StepBenchOptions& o, const torch::Device& device) {
  auto& model = *peft.model;
  const auto autocast = train::autocast_dtype(o.precision);
  model.train();
  std::vector<torch::Tensor> params;
  for (auto& [_, t] : peft.trainable_tensors()) params.push_back(t);
  torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-4));
  torch::manual_seed(0);
  const auto vocab = model.config().vocab_size;
  models::ModelInputs inputs{torch::randint(vocab, {o.batch, o.seq}, torch::kLong).to(device), {},
                             torch::ones({o.batch, o.seq}, torch::kLong).to(device)};
  auto labels = model.kind() == models::TaskKind::Regression
                    ? torch::randn({o.batch}).to(device)
                    : torch::randint(model.num_labels(), {o.batch}, torch::kLong).to(device);
  auto step = [&] {
    auto loss = model.loss(train::forward_fp32_logits(model, inputs, autocast), labels);
    loss.backward();
    optimizer.step();
    optimizer.zero_grad();
    return loss.item<double>();  // a host sync, so the timing covers the whole step on any device
  };
  for (int64_t i = 0; i < o.warmup; ++i) step();
  reset_peak_device_bytes(device);  // the timed steps' high-water mark, optimizer state included
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < o.steps; ++i) step();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto counts = peft.count_parameters();
  nlohmann::json result = {{"method", peft.method->method_name()},
                           {"device", device.str()},
                           {"threads", torch::get_num_threads()},
                           {"batch", o.batch},
                           {"seq", o.seq},
                           {"precision", o.precision},
                           {"steps", o.steps},
                           {"ms_per_step", 1000.0 * seconds / double(o.steps)},
                           {"tokens_per_second", double(o.batch * o.seq * o.steps) / seconds},
                           {"trainable_parameters", counts.trainable},
                           {"trainable_share", counts.share()},
                           {"peak_rss_bytes", peak_rss_bytes()}};
  if (auto bytes = peak_device_bytes(device)) result["peak_device_bytes"] = *bytes;
  return result;
}

}  // namespace peft::bench
