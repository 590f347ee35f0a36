#include "train/trainer.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "io/atomic_file.h"
#include "train/batch.h"
#include "train/checkpoint_dirs.h"
#include "train/evaluate.h"
#include "train/param_groups.h"
#include "train/precision.h"
#include "train/progress.h"
#include "train/schedule.h"

namespace fs = std::filesystem;

namespace peft::train {
namespace {

// Everything a resumed run needs to continue as if it had not stopped, totals included.
struct State {
  int64_t step = 0, epoch = 0, batch_in_epoch = 0, bad_evals = 0, best_step = 0;
  double best = -std::numeric_limits<double>::infinity();
  nlohmann::json best_dev = nlohmann::json::object();
  double loss_sum = 0, seconds = 0;  // over every step so far

  nlohmann::json to_json() const {
    return {{"step", step},         {"epoch", epoch}, {"batch_in_epoch", batch_in_epoch}, {"bad_evals", bad_evals},
            {"best", best},         {"best_step", best_step}, {"best_dev", best_dev}, {"loss_sum", loss_sum},
            {"seconds", seconds}};
  }
  static State from_json(const nlohmann::json& j, const std::string& path) {
    State s;
    try {
      s.step = j.at("step");
      s.epoch = j.at("epoch");
      s.batch_in_epoch = j.at("batch_in_epoch");
      s.bad_evals = j.at("bad_evals");
      s.best = j.at("best").is_null() ? s.best : j.at("best").get<double>();
      s.best_step = j.at("best_step");
      s.best_dev = j.at("best_dev");
      s.loss_sum = j.at("loss_sum");
      s.seconds = j.at("seconds");
    } catch (const nlohmann::json::exception& e) {
      throw Error(path + ": not a trainer state (" + e.what() + ")");
    }
    require(s.step >= 0 && s.epoch >= 0 && s.batch_in_epoch >= 0, path + ": not a trainer state (negative counts)");
    return s;
  }
};

const char* kStateFile = "trainer_state.json";
const char* kOptimizerFile = "optimizer.pt";

void save_optimizer(torch::optim::Optimizer& opt, const std::string& path) {
  torch::serialize::OutputArchive archive;
  opt.save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  io::write_file_atomic(path, bytes.str());
}

void load_optimizer(torch::optim::Optimizer& opt, const std::string& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    opt.load(archive);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw Error(path + ": not a readable optimizer state (" + what.substr(0, what.find('\n')) + ")");
  }
}

State read_state(const std::string& path) {
  const auto json = nlohmann::json::parse(io::read_file(path), nullptr, /*allow_exceptions=*/false);
  require(json.is_object(), path + ": not a trainer state (invalid JSON)");
  return State::from_json(json, path);
}

void append_line(const std::string& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::app);
  out << j.dump() << "\n";
}

// The log as it stood at the checkpoint: lines of later steps came from the part a resume replays.
void truncate_log(const std::string& path, int64_t step) {
  if (!fs::exists(path)) return;
  std::istringstream lines(io::read_file(path));
  std::string kept;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.value("step", int64_t(0)) <= step) kept += line + "\n";
  }
  io::write_file_atomic(path, kept);
}

double grad_norm(const std::vector<torch::Tensor>& params) {
  double sum = 0;
  for (const auto& p : params)
    if (p.grad().defined()) sum += p.grad().to(torch::kFloat64).pow(2).sum().item<double>();
  return std::sqrt(sum);
}

void check_options(const TrainOptions& o) {
  require(o.batch_size > 0 && o.grad_accum > 0, "--batch-size and --grad-accum must be positive");
  require(o.lr > 0 && std::isfinite(o.lr), "--lr must be positive");
  require(o.epochs > 0 || o.max_steps > 0, "--epochs must be positive (or give --max-steps)");
  require(o.max_steps >= 0 && o.eval_every >= 0 && o.patience >= 0 && o.log_every >= 0,
          "--max-steps, --eval-every, --patience and --log-every must not be negative");
  require(o.weight_decay >= 0 && o.max_grad_norm >= 0 && o.loraplus_lr_ratio >= 0,
          "--weight-decay, --max-grad-norm and --loraplus-lr-ratio must not be negative");
  require(o.warmup_ratio >= 0 && o.warmup_ratio <= 1, "--warmup-ratio must be in [0, 1]");
}

}  // namespace

nlohmann::json options_json(const TrainOptions& o) {
  static const char* kResume[] = {"no", "required", "if_present"};
  return {{"epochs", o.epochs},
          {"max_steps", o.max_steps},
          {"batch_size", o.batch_size},
          {"grad_accum", o.grad_accum},
          {"group_by_length", o.group_by_length},
          {"lr", o.lr},
          {"weight_decay", o.weight_decay},
          {"loraplus_lr_ratio", o.loraplus_lr_ratio},
          {"warmup_ratio", o.warmup_ratio},
          {"schedule", o.schedule},
          {"max_grad_norm", o.max_grad_norm},
          {"eval_every", o.eval_every},
          {"patience", o.patience},
          {"metric", o.metric},
          {"precision", o.precision},
          {"seed", o.seed},
          {"resume", kResume[static_cast<int>(o.resume)]},
          {"keep_checkpoints", o.keep_checkpoints},
          {"log_every", o.log_every}};
}

TrainResult train(methods::PeftModel& peft, const TaskData& train_data, const TaskData* dev, const methods::TaskInfo& task,
                  const TrainOptions& o, const torch::Device& device, int64_t pad_id) {
  check_options(o);
  const auto metric = o.metric.empty() ? default_metric(task) : o.metric;
  const auto log_path = (fs::path(o.out_dir) / "log.jsonl").string();
  fs::create_directories(o.out_dir);
  for (const auto& partial : remove_partial_checkpoints(o.out_dir))
    std::fprintf(stderr, "removed %s: a checkpoint left half-written by a stopped run\n", partial.c_str());

  const auto trainable = peft.optimizer_tensors();
  const auto groups = param_groups(trainable, o.weight_decay, o.loraplus_lr_ratio);
  auto optimizer = make_adamw(groups, o.lr);
  std::vector<torch::Tensor> params;
  for (auto& t : trainable) params.push_back(t.tensor);
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
  const auto checkpoint = o.resume == TrainOptions::Resume::No ? std::nullopt : latest_checkpoint(o.out_dir);
  require(checkpoint || o.resume != TrainOptions::Resume::Required,
          o.out_dir + ": no complete checkpoint (checkpoint-<step>/) to resume from; leave out --resume to start "
                      "afresh, or use --resume-or-start");
  if (checkpoint) {
    state = read_state((fs::path(checkpoint->path) / kStateFile).string());
    require(state.step == checkpoint->step, checkpoint->path + ": its trainer state is of step " +
                                                std::to_string(state.step));
    peft.load_weights((fs::path(checkpoint->path) / "adapter_model.safetensors").string());
    load_optimizer(*optimizer, (fs::path(checkpoint->path) / kOptimizerFile).string());
    truncate_log(log_path, state.step);
    std::fprintf(stderr, "resuming at step %lld from %s\n", static_cast<long long>(state.step),
                 checkpoint->path.c_str());
  } else {
    if (o.resume == TrainOptions::Resume::IfPresent && !o.quiet)
      std::fprintf(stderr, "no checkpoint in %s: starting afresh\n", o.out_dir.c_str());
    io::write_file_atomic(log_path, "");
  }

  TrainResult result;
  result.stop_reason = "steps";
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
    if (o.patience == 0 || state.bad_evals < o.patience) return false;
    char why[256];
    std::snprintf(why, sizeof why, "early stop at step %lld: dev %s has not improved for %lld evaluations (best %.4f "
                  "at step %lld)", static_cast<long long>(state.step), metric.c_str(),
                  static_cast<long long>(state.bad_evals), state.best, static_cast<long long>(state.best_step));
    if (!o.quiet) std::fprintf(stderr, "%s\n", why);
    append_line(log_path, {{"step", state.step}, {"event", "early_stop"}, {"reason", why}});
    result.stop_reason = "early_stop";
    return true;
  };

  Progress progress("train", total, o.quiet);
  const double seconds_before = state.seconds;  // training time of the run's earlier sessions
  auto save_checkpoint = [&]() {
    state.seconds = seconds_before + progress.seconds();
    const auto dir = begin_checkpoint(o.out_dir, state.step);
    peft.save_adapter(dir, task);
    save_optimizer(*optimizer, (fs::path(dir) / kOptimizerFile).string());
    io::write_file_atomic((fs::path(dir) / kStateFile).string(), state.to_json().dump(2));
    commit_checkpoint(o.out_dir, state.step);
  };

  peft.model->train();
  double window_loss = 0;
  int64_t window_steps = 0, tokens = 0;
  bool stop = state.step >= total;
  while (!stop) {
    const auto order = o.group_by_length ? length_grouped_order(lengths, static_cast<size_t>(o.batch_size), o.seed,
                                                                state.epoch)
                                         : epoch_order(train_data.features.size(), o.seed, state.epoch);
    while (!stop && state.batch_in_epoch < steps_per_epoch) {
      torch::manual_seed(o.seed * 7919 + static_cast<uint64_t>(state.step));  // dropout replays on resume
      peft.method->begin_step(state.step + 1, total);
      double step_loss = 0;
      for (int64_t a = 0; a < o.grad_accum; ++a) {
        const int64_t mb = state.batch_in_epoch * o.grad_accum + a;
        if (mb >= micro_batches) break;
        const size_t start = static_cast<size_t>(mb * o.batch_size);
        const size_t count = std::min<size_t>(o.batch_size, order.size() - start);
        auto batch = collate(train_data.features, order.data() + start, count, task.kind, pad_id);
        const auto inputs = batch.inputs.to(device);
        auto loss = peft.step_loss([&] { return forward_fp32_logits(*peft.model, inputs, autocast); },
                                   batch.labels.to(device));
        const double value = loss.item<double>();
        require(std::isfinite(value), "loss became " + std::to_string(value) + " at step " +
                                          std::to_string(state.step + 1) + " (try a lower --lr)");
        (loss / double(o.grad_accum)).backward();
        step_loss += value / double(o.grad_accum);
        tokens += batch.tokens;
      }
      peft.method->after_backward(state.step + 1);
      const bool log_step = o.log_every > 0 && (state.step + 1) % o.log_every == 0;
      double norm = 0;
      if (o.max_grad_norm > 0) norm = torch::nn::utils::clip_grad_norm_(params, o.max_grad_norm);
      else if (log_step) norm = grad_norm(params);
      const double lr = o.lr * lr_factor(decay, state.step, warmup, total);
      set_lr(*optimizer, groups, lr);
      optimizer->step();
      peft.method->after_step(state.step + 1);
      optimizer->zero_grad();
      ++state.step;
      state.loss_sum += step_loss;
      window_loss += step_loss;
      ++window_steps;
      if (log_step) {
        append_line(log_path, {{"step", state.step},
                               {"epoch", state.epoch},
                               {"loss", window_loss / double(window_steps)},
                               {"learning_rate", lr},
                               {"grad_norm", norm}});
        window_loss = 0;
        window_steps = 0;
      }
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
  if (!o.keep_checkpoints) remove_checkpoints(o.out_dir);
  result.steps = state.step;
  result.seconds = seconds_before + progress.seconds();
  result.best_metric = state.best;
  result.best_step = state.best_step;
  for (auto& [k, v] : state.best_dev.items()) result.best_dev[k] = v.get<double>();
  result.final_loss = state.step ? state.loss_sum / double(state.step) : 0;
  return result;
}

}  // namespace peft::train
