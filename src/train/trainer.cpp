#include "train/trainer.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "io/atomic_file.h"
#include "train/batch.h"
#include "train/evaluate.h"
#include "train/param_groups.h"
#include "train/precision.h"
#include "train/progress.h"
#include "train/schedule.h"

namespace fs = std::filesystem;

namespace peft::train {
namespace {

struct State {
  int64_t step = 0, epoch = 0, batch_in_epoch = 0, bad_evals = 0, best_step = 0;
  double best = -std::numeric_limits<double>::infinity();
  nlohmann::json best_dev = nlohmann::json::object();

  nlohmann::json to_json() const {
    return {{"step", step}, {"epoch", epoch}, {"batch_in_epoch", batch_in_epoch}, {"bad_evals", bad_evals},
            {"best", best}, {"best_step", best_step}, {"best_dev", best_dev}};
  }
  static State from_json(const nlohmann::json& j) {
    State s;
    s.step = j.at("step");
    s.epoch = j.at("epoch");
    s.batch_in_epoch = j.at("batch_in_epoch");
    s.bad_evals = j.at("bad_evals");
    s.best = j.at("best").is_null() ? s.best : j.at("best").get<double>();
    s.best_step = j.at("best_step");
    s.best_dev = j.at("best_dev");
    return s;
  }
};

void save_optimizer(torch::optim::Optimizer& opt, const std::string& path) {
  torch::serialize::OutputArchive archive;
  opt.save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  io::write_file_atomic(path, bytes.str());
}

void append_line(const std::string& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::app);
  out << j.dump() << "\n";
}

}  // namespace

TrainResult train(methods::PeftModel& peft, const TaskData& train_data, const TaskData* dev, const methods::TaskInfo& task,
                  const TrainOptions& o, const torch::Device& device, int64_t pad_id) {
  require(o.batch_size > 0 && o.grad_accum > 0, "--batch-size and --grad-accum must be positive");
  require(o.lr > 0 && std::isfinite(o.lr), "--lr must be positive");
  const auto metric = o.metric.empty() ? default_metric(task) : o.metric;
  const auto checkpoint_dir = (fs::path(o.out_dir) / "checkpoint").string();
  const auto log_path = (fs::path(o.out_dir) / "log.jsonl").string();
  fs::create_directories(checkpoint_dir);

  auto trainable = peft.trainable_tensors();
  const auto groups = param_groups(trainable, o.weight_decay, o.loraplus_lr_ratio);
  auto optimizer = make_adamw(groups, o.lr);
  std::vector<torch::Tensor> params;
  for (auto& [_, t] : trainable) params.push_back(t);
  const int64_t n = static_cast<int64_t>(train_data.features.size());
  std::vector<size_t> lengths;
  for (const auto& f : train_data.features) lengths.push_back(f.input_ids.size());
  const int64_t micro_batches = (n + o.batch_size - 1) / o.batch_size;
  const int64_t steps_per_epoch = std::max<int64_t>(1, micro_batches / o.grad_accum);
  const int64_t total = o.max_steps > 0 ? o.max_steps : steps_per_epoch * o.epochs;
  const int64_t warmup = static_cast<int64_t>(o.warmup_ratio * double(total));
  const int64_t eval_every = o.eval_every > 0 ? o.eval_every : steps_per_epoch;
  const auto decay = parse_decay(o.schedule);
  const auto autocast = autocast_dtype(o.precision);

  State state;
  const auto state_path = (fs::path(checkpoint_dir) / "trainer_state.json").string();
  if (o.resume && fs::exists(state_path)) {
    state = State::from_json(nlohmann::json::parse(io::read_file(state_path)));
    peft.load_weights((fs::path(checkpoint_dir) / "adapter_model.safetensors").string());
    torch::serialize::InputArchive archive;
    archive.load_from((fs::path(checkpoint_dir) / "optimizer.pt").string());
    optimizer->load(archive);
    if (!o.quiet) std::fprintf(stderr, "resuming at step %lld\n", static_cast<long long>(state.step));
  } else if (!o.resume) {
    std::ofstream(log_path, std::ios::trunc);
  }

  auto evaluate_and_keep = [&]() -> bool {  // returns true when training should stop early
    nlohmann::json entry = {{"step", state.step}, {"epoch", state.epoch}};
    bool improved = true;
    if (dev) {
      auto metrics = score(predict(*peft.model, *dev, task, o.batch_size * 2, device, pad_id, autocast), *dev, task);
      require(metrics.count(metric), "metric '" + metric + "' is not computed for this task");
      entry["dev"] = metrics;
      improved = metrics[metric] > state.best;
      if (improved) {
        state.best = metrics[metric];
        state.best_dev = metrics;
      }
      if (!o.quiet) std::fprintf(stderr, "eval  step %lld | dev %s %.4f%s\n", static_cast<long long>(state.step),
                                 metric.c_str(), metrics[metric], improved ? " (best)" : "");
    }
    if (improved) {
      state.best_step = state.step;
      state.bad_evals = 0;
      peft.save_adapter(o.out_dir, task);
    } else {
      ++state.bad_evals;
    }
    append_line(log_path, entry);
    return o.patience > 0 && state.bad_evals >= o.patience;
  };

  auto save_checkpoint = [&]() {
    peft.save_adapter(checkpoint_dir, task);
    save_optimizer(*optimizer, (fs::path(checkpoint_dir) / "optimizer.pt").string());
    io::write_file_atomic(state_path, state.to_json().dump(2));
  };

  Progress progress("train", total, o.quiet);
  peft.model->train();
  peft.method->train();
  double loss_sum = 0;
  int64_t loss_count = 0, tokens = 0;
  TrainResult result;
  bool stop = state.step >= total;
  while (!stop) {
    const auto order = o.group_by_length ? length_grouped_order(lengths, static_cast<size_t>(o.batch_size), o.seed,
                                                                state.epoch)
                                         : epoch_order(train_data.features.size(), o.seed, state.epoch);
    while (!stop && state.batch_in_epoch < steps_per_epoch) {
      torch::manual_seed(o.seed * 7919 + static_cast<uint64_t>(state.step));  // dropout replays on resume
      double step_loss = 0;
      for (int64_t a = 0; a < o.grad_accum; ++a) {
        const int64_t mb = state.batch_in_epoch * o.grad_accum + a;
        if (mb >= micro_batches) break;
        const size_t start = static_cast<size_t>(mb * o.batch_size);
        const size_t count = std::min<size_t>(o.batch_size, order.size() - start);
        auto batch = collate(train_data.features, order.data() + start, count, task.kind, pad_id);
        auto loss = peft.model->loss(forward_fp32_logits(*peft.model, batch.inputs.to(device), autocast),
                                     batch.labels.to(device));
        const double value = loss.item<double>();
        require(std::isfinite(value), "loss became " + std::to_string(value) + " at step " +
                                          std::to_string(state.step + 1) + " (try a lower --lr)");
        (loss / double(o.grad_accum)).backward();
        step_loss += value / double(o.grad_accum);
        tokens += batch.tokens;
      }
      if (o.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(params, o.max_grad_norm);
      const double lr = o.lr * lr_factor(decay, state.step, warmup, total);
      set_lr(*optimizer, groups, lr);
      optimizer->step();
      optimizer->zero_grad();
      ++state.step;
      loss_sum += step_loss;
      ++loss_count;
      progress.update(state.step, step_loss, lr, tokens);
      tokens = 0;
      const bool epoch_end = ++state.batch_in_epoch >= steps_per_epoch;
      if (epoch_end) {
        ++state.epoch;
        state.batch_in_epoch = 0;
      }
      if (state.step % eval_every == 0 || state.step == total) {
        stop = evaluate_and_keep() || state.step >= total;
        save_checkpoint();
      }
      if (epoch_end) break;
    }
  }
  progress.done();
  result.steps = state.step;
  result.seconds = progress.seconds();
  result.best_metric = state.best;
  result.best_step = state.best_step;
  for (auto& [k, v] : state.best_dev.items()) result.best_dev[k] = v.get<double>();
  result.final_loss = loss_count ? loss_sum / double(loss_count) : 0;
  return result;
}

}  // namespace peft::train
