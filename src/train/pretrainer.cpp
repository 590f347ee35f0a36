// The pretraining loop. Everything random (data order, masks, dropout) is derived from (seed, step), so a
// checkpoint needs only the weights, the optimizer state and the step to continue bit for bit.
#include "train/pretrainer.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/compat.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "models/checkpoint.h"
#include "train/batch.h"
#include "train/param_groups.h"
#include "train/precision.h"
#include "train/progress.h"
#include "train/schedule.h"

namespace fs = std::filesystem;

namespace peft::train {
namespace {

constexpr uint64_t kHeldOutSeed = 0x4D4C4D;  // fixed, so held-out scores compare across runs and seeds

// The rows of step s: items s*B .. s*B+B-1 of an endless stream of seeded per-epoch permutations.
class Sampler {
 public:
  Sampler(int64_t rows, int64_t batch_size, uint64_t seed) : rows_(rows), batch_size_(batch_size), seed_(seed) {}
  torch::Tensor rows(int64_t step) {
    std::vector<int64_t> out;
    for (int64_t i = step * batch_size_; i < (step + 1) * batch_size_; ++i) {
      if (i / rows_ != epoch_) {
        epoch_ = i / rows_;
        order_ = epoch_order(static_cast<size_t>(rows_), seed_, epoch_);
      }
      out.push_back(static_cast<int64_t>(order_[static_cast<size_t>(i % rows_)]));
    }
    return torch::tensor(out, torch::kLong);
  }

 private:
  int64_t rows_, batch_size_;
  uint64_t seed_;
  int64_t epoch_ = -1;
  std::vector<size_t> order_;
};

// fp32 logits at the chosen positions only ([N, vocab]): the vocabulary projection is the largest layer,
// and the ~85% of positions that are not scored need none.
torch::Tensor chosen_logits(models::TaskModel& model, const MaskedBatch& batch, const torch::Tensor& chosen,
                            const torch::Device& device, std::optional<torch::ScalarType> autocast) {
  const compat::Autocast mixed(device.type(), autocast);
  const auto ids = batch.input_ids.to(device);
  auto hidden = model->backbone->forward(models::ModelInputs{ids, {}, torch::ones_like(ids)});
  return model->head->forward(hidden.index({chosen}), *model->backbone).to(torch::kFloat);
}

// One file with weights and optimizer state, then state.json naming it: state.json is replaced last, so
// an interrupted save leaves the previous checkpoint in force.
void save_checkpoint(const fs::path& dir, models::TaskModel& model, torch::optim::Optimizer& optimizer,
                     nlohmann::json state) {
  const std::string file = "step-" + std::to_string(state.at("step").get<int64_t>()) + ".pt";
  torch::serialize::OutputArchive archive, weights, moments;
  model->save(weights);
  optimizer.save(moments);
  archive.write("model", weights);
  archive.write("optimizer", moments);
  std::ostringstream bytes;
  archive.save_to(bytes);
  io::write_file_atomic((dir / file).string(), bytes.str());
  state["file"] = file;
  io::write_file_atomic((dir / "state.json").string(), state.dump(2) + "\n");
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".pt" && entry.path().filename() != file) fs::remove(entry.path());
}

void load_checkpoint(const std::string& path, models::TaskModel& model, torch::optim::Optimizer& optimizer,
                     const torch::Device& device) {
  try {
    torch::serialize::InputArchive archive, weights, moments;
    archive.load_from(path, device);
    archive.read("model", weights);
    model->load(weights);
    archive.read("optimizer", moments);
    optimizer.load(moments);
  } catch (const c10::Error& e) {
    throw Error(path + ": not a readable checkpoint (" + e.what_without_backtrace() + ")");
  }
}

torch::ScalarType parse_dtype(const std::string& name) {
  if (name == "f32") return torch::kFloat32;
  if (name == "f16") return torch::kFloat16;
  if (name == "bf16") return torch::kBFloat16;
  throw Error("unknown dtype '" + name + "' (known: f32, f16, bf16)");
}

void check_options(const models::TaskModel& model, const text::WordPieceTokenizer& tokenizer, const MlmCorpus& corpus,
                   const PretrainOptions& o) {
  require(model->kind() == models::TaskKind::MaskedLM, "pretraining needs a masked-LM model");
  require(o.steps > 0 && o.batch_size > 0, "--steps and --batch-size must be positive");
  require(o.lr > 0 && std::isfinite(o.lr), "--lr must be positive");
  require(o.warmup_ratio >= 0 && o.warmup_ratio <= 1, "--warmup-ratio must be in [0, 1]");
  require(o.eval_every >= 0 && o.checkpoint_every >= 0 && o.stop_after >= 0 && o.eval_sequences >= 0,
          "--eval-every, --checkpoint-every, --stop-after and --eval-sequences must not be negative");
  require(!o.out_dir.empty(), "pretraining needs an output directory");
  parse_dtype(o.dtype);
  autocast_dtype(o.precision);
  const auto& c = model->config();
  require(corpus.train.size(1) <= c.max_position_embeddings,
          "sequences of " + std::to_string(corpus.train.size(1)) + " tokens exceed the model's " +
              std::to_string(c.max_position_embeddings) + " max_position_embeddings");
  require(static_cast<int64_t>(tokenizer.vocab_size()) <= c.vocab_size,
          "the tokenizer has " + std::to_string(tokenizer.vocab_size()) + " tokens, the model's vocab_size is " +
              std::to_string(c.vocab_size));
}

bool every(int64_t step, int64_t period) { return period > 0 && step % period == 0; }

}  // namespace

models::TaskModel new_mlm_model(const models::ModelConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  models::TaskModel model(config, models::TaskKind::MaskedLM, 0);
  models::init_parameters(*model, model->config().initializer_range, [](const std::string&) { return true; });
  return model;
}

MlmScore score_mlm(models::TaskModel& model, const torch::Tensor& sequences, const MlmMasker& masker,
                   int64_t batch_size, const torch::Device& device) {
  const bool was_training = model->is_training();
  model->eval();
  torch::NoGradGuard no_grad;
  double loss_sum = 0;
  int64_t correct = 0, predicted = 0;
  for (int64_t start = 0; start < sequences.size(0); start += batch_size) {
    const int64_t end = std::min(start + batch_size, sequences.size(0));
    std::vector<torch::Tensor> ids, labels;
    for (int64_t row = start; row < end; ++row) {  // one seed per row: independent of the batch size
      auto masked = masker.mask(sequences[row].unsqueeze(0), mix_seed(kHeldOutSeed, static_cast<uint64_t>(row)));
      ids.push_back(masked.input_ids);
      labels.push_back(masked.labels);
    }
    MaskedBatch batch{torch::cat(ids), torch::cat(labels)};
    const auto chosen = (batch.labels != -100).to(device);
    const auto targets = batch.labels.to(device).index({chosen});
    const auto logits = chosen_logits(model, batch, chosen, device, std::nullopt);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    correct += (logits.argmax(-1) == targets).sum().item<int64_t>();
    predicted += targets.numel();
  }
  model->train(was_training);
  if (predicted == 0) return {};
  return {loss_sum / double(predicted), double(correct) / double(predicted), predicted};
}

PretrainResult pretrain(models::TaskModel& model, const text::WordPieceTokenizer& tokenizer, const MlmCorpus& corpus,
                        const PretrainOptions& o, const torch::Device& device) {
  check_options(model, tokenizer, corpus, o);
  const fs::path out(o.out_dir), checkpoint_dir = out / "checkpoint";
  const auto log_path = (out / "log.jsonl").string(), state_path = (checkpoint_dir / "state.json").string();
  fs::create_directories(checkpoint_dir);
  const MlmMasker masker(tokenizer, o.mask_probability);
  const auto autocast = autocast_dtype(o.precision);
  std::vector<methods::RoledTensor> named;
  for (auto& item : model->named_parameters())
    named.push_back({item.key(), item.value(), models::base_tensor_role(item.key())});
  const auto groups = param_groups(named, o.weight_decay, 0);
  auto optimizer = make_adamw(groups, o.lr);
  const auto parameters = model->parameters();
  const auto config = model->config().to_json();
  const int64_t warmup = static_cast<int64_t>(o.warmup_ratio * double(o.steps));
  const int64_t last = o.stop_after > 0 ? std::min(o.stop_after, o.steps) : o.steps;
  const int64_t held_out_rows = o.eval_sequences > 0 ? std::min(o.eval_sequences, corpus.held_out.size(0))
                                                      : corpus.held_out.size(0);
  const auto held_out = corpus.held_out.narrow(0, 0, held_out_rows);

  int64_t step = 0;
  uint64_t seed = o.seed;
  require(!o.resume || fs::exists(state_path),
          checkpoint_dir.string() + ": no checkpoint to resume from; leave out --resume to start afresh");
  if (o.resume) {
    const auto state = nlohmann::json::parse(io::read_file(state_path), nullptr, false);
    require(state.is_object() && state.contains("step") && state.contains("seed") && state.contains("file"),
            state_path + ": not a pretraining state");
    require(state.value("config", nlohmann::json()) == config,
            state_path + ": the checkpoint is of a model with another config (shape, vocabulary)");
    step = state.at("step").get<int64_t>();
    seed = state.at("seed").get<uint64_t>();  // the run's random streams continue, whatever --seed says now
    load_checkpoint((checkpoint_dir / state.at("file").get<std::string>()).string(), model, *optimizer, device);
    if (!o.quiet) std::fprintf(stderr, "resuming at step %lld\n", static_cast<long long>(step));
  } else {
    std::ofstream(log_path, std::ios::trunc);
  }

  Sampler sampler(corpus.train.size(0), o.batch_size, seed);
  Progress progress("pretrain", o.steps, o.quiet);
  PretrainResult result;
  double loss_sum = 0;
  int64_t loss_steps = 0;
  const int64_t tokens_per_step = o.batch_size * corpus.train.size(1);
  model->train();
  while (step < last) {
    const auto counter = static_cast<uint64_t>(step) * 2;
    torch::manual_seed(mix_seed(seed, counter + 1));  // dropout
    const auto batch = masker.mask(corpus.train.index_select(0, sampler.rows(step)), mix_seed(seed, counter));
    const auto chosen = (batch.labels != -100).to(device);
    auto loss =
        model->loss(chosen_logits(model, batch, chosen, device, autocast), batch.labels.to(device).index({chosen}));
    const double value = loss.item<double>();
    require(std::isfinite(value), "loss became " + std::to_string(value) + " at step " + std::to_string(step + 1) +
                                      " (try a lower --lr)");
    loss.backward();
    if (o.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(parameters, o.max_grad_norm);
    const double lr = o.lr * lr_factor(Decay::Linear, step, warmup, o.steps);
    set_lr(*optimizer, groups, lr);
    optimizer->step();
    optimizer->zero_grad();
    ++step;
    loss_sum += value;
    ++loss_steps;
    progress.update(step, value, lr, tokens_per_step);

    if (every(step, o.eval_every) || step == last) {
      result.train_loss = loss_sum / double(loss_steps);
      nlohmann::json entry = {{"step", step}, {"lr", lr}, {"train_loss", result.train_loss},
                              {"seconds", progress.seconds()}};
      if (held_out_rows > 0) {
        result.held_out = score_mlm(model, held_out, masker, o.batch_size, device);
        entry["held_out_loss"] = result.held_out->loss;
        entry["held_out_accuracy"] = result.held_out->accuracy;
        if (!o.quiet)
          std::fprintf(stderr, "eval  step %lld | held-out loss %.4f | accuracy %.4f\n", static_cast<long long>(step),
                       result.held_out->loss, result.held_out->accuracy);
      }
      std::ofstream(log_path, std::ios::app) << entry.dump() << "\n";
      loss_sum = 0;
      loss_steps = 0;
    }
    if (every(step, o.checkpoint_every) || step == last)
      save_checkpoint(checkpoint_dir, model, *optimizer, {{"step", step}, {"seed", seed}, {"config", config}});
  }
  progress.done();
  result.steps = step;
  result.seconds = progress.seconds();
  result.finished = step >= o.steps;
  if (result.finished) save_pretrained(o.out_dir, model, tokenizer, o.dtype);
  return result;
}

void save_pretrained(const std::string& dir, models::TaskModel& model, const text::WordPieceTokenizer& tokenizer,
                     const std::string& dtype) {
  static const std::map<std::string, std::string> kHfNames = {{"f32", "float32"}, {"f16", "float16"},
                                                              {"bf16", "bfloat16"}};
  const auto type = parse_dtype(dtype);
  const auto dir_path = fs::path(dir);
  models::save_task_model(dir, model);
  tokenizer.save(dir);
  if (type != torch::kFloat32) {  // save_task_model writes the parameters as they are: rewrite a converted copy
    models::TensorMap converted;
    for (const auto& [name, tensor] : models::state_tensors(*model)) converted.emplace(name, tensor.detach().to(type));
    models::write_tensors((dir_path / "model.safetensors").string(), converted, {{"format", "pt"}});
  }
  const auto config_path = (dir_path / "config.json").string();
  auto config = nlohmann::json::parse(io::read_file(config_path));
  config["torch_dtype"] = kHfNames.at(dtype);
  io::write_file_atomic(config_path, config.dump(2) + "\n");
}

}  // namespace peft::train
