// `peft pretrain`: masked-LM pretraining of a BERT from scratch on a plain-text corpus, with a vocabulary
// from `peft vocab`; writes an HF model directory that `peft train --model` takes.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output_guard.h"
#include "core/error.h"
#include "models/checkpoint.h"
#include "train/precision.h"
#include "train/pretrainer.h"

namespace peft::cli {
namespace {

struct PretrainArgs {
  std::string corpus, vocab, config, init;
  int64_t hidden = 256, layers = 4, heads = 4, intermediate = 1024;
  train::MlmCorpusOptions corpus_options;
  train::PretrainOptions options;
  DeviceOptions device;
};

// The model's shape from --config or the shape flags; the vocabulary and padding id always come from the
// tokenizer, so the embeddings match it.
models::ModelConfig model_config(const PretrainArgs& a, const text::WordPieceTokenizer& tokenizer) {
  auto json = a.config.empty() ? nlohmann::json{{"model_type", "bert"},
                                                {"hidden_size", a.hidden},
                                                {"num_hidden_layers", a.layers},
                                                {"num_attention_heads", a.heads},
                                                {"intermediate_size", a.intermediate},
                                                {"max_position_embeddings", a.corpus_options.max_length}}
                               : models::ModelConfig::load(a.config).original;
  json["vocab_size"] = tokenizer.vocab_size();
  json["pad_token_id"] = tokenizer.pad_id();
  json["type_vocab_size"] = 2;
  auto config = models::ModelConfig::from_json(json, a.config.empty() ? "model shape" : a.config);
  require(config.family == models::Family::Bert, a.config + ": pretraining makes BERT models (model_type bert)");
  return config;
}

// A new model of the asked shape, or with --init an existing one whose training goes on (its vocabulary
// unless --vocab names another of the same size).
models::TaskModel initial_model(const PretrainArgs& a, const text::WordPieceTokenizer& tokenizer) {
  if (a.init.empty()) return train::new_mlm_model(model_config(a, tokenizer), a.options.seed);
  auto model = models::load_task_model(a.init, {models::TaskKind::MaskedLM, 0, a.options.seed});
  require(model->config().vocab_size == static_cast<int64_t>(tokenizer.vocab_size()),
          a.vocab + ": " + std::to_string(tokenizer.vocab_size()) + " tokens, but the model in " + a.init + " has " +
              std::to_string(model->config().vocab_size));
  return model;
}

void run_pretrain(PretrainArgs& a) {
  refuse_overlap("--out", a.options.out_dir, {{"--corpus", a.corpus}, {"--vocab", a.vocab}, {"--init", a.init},
                                              {"--config", a.config}});
  const auto device = a.device.resolve();
  require(!a.vocab.empty() || !a.init.empty(), "--vocab is needed unless --init gives a model");
  if (a.vocab.empty()) a.vocab = a.init;
  const auto tokenizer = text::WordPieceTokenizer::load(a.vocab);
  auto model = initial_model(a, tokenizer);
  const auto& config = model->config();
  a.options.precision = resolve_precision_option(a.options.precision, device, config).precision;
  const auto corpus = train::load_mlm_corpus(a.corpus, tokenizer, a.corpus_options);
  model->to(device);
  int64_t parameters = 0;
  for (const auto& p : model->parameters()) parameters += p.numel();
  std::fprintf(stderr,
               "BERT %lld x %lld (%lld heads, %lld inner), vocab %lld: %.1fM parameters | corpus %lld lines, %lld "
               "tokens: %lld training + %lld held-out sequences of %lld\n",
               static_cast<long long>(config.num_hidden_layers), static_cast<long long>(config.hidden_size),
               static_cast<long long>(config.num_attention_heads), static_cast<long long>(config.intermediate_size),
               static_cast<long long>(config.vocab_size), double(parameters) / 1e6, static_cast<long long>(corpus.lines),
               static_cast<long long>(corpus.tokens), static_cast<long long>(corpus.train.size(0)),
               static_cast<long long>(corpus.held_out.size(0)), static_cast<long long>(corpus.train.size(1)));

  const auto result = train::pretrain(model, tokenizer, corpus, a.options, device);
  nlohmann::json summary = {{"steps", result.steps},     {"seconds", result.seconds},
                            {"train_loss", result.train_loss}, {"parameters", parameters},
                            {"finished", result.finished}, {"out", a.options.out_dir}};
  if (result.held_out) {
    summary["held_out_loss"] = result.held_out->loss;
    summary["held_out_accuracy"] = result.held_out->accuracy;
  }
  print_json(summary);
}

}  // namespace

void add_pretrain_command(CLI::App& app) {
  auto args = std::make_shared<PretrainArgs>();
  auto* cmd = app.add_subcommand("pretrain", "masked-LM pretraining of a BERT from scratch; saves an HF model");
  cmd->add_option("--corpus", args->corpus, "plain text, one document or sentence per line")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--vocab", args->vocab, "directory with vocab.txt / tokenizer.json (e.g. from `peft vocab`)");
  auto* init = cmd->add_option("--init", args->init, "continue pretraining this HF BERT directory (its vocabulary too)");
  auto& o = args->options;
  cmd->add_option("--out", o.out_dir, "output model directory (also log.jsonl, checkpoint/)")->required();
  auto* config = cmd->add_option("--config", args->config, "config.json giving the model's shape (instead of flags)")
                     ->check(CLI::ExistingFile)
                     ->excludes(init);
  for (auto [flag, value, help] : {std::tuple("--hidden", &args->hidden, "hidden size"),
                                   std::tuple("--layers", &args->layers, "encoder layers"),
                                   std::tuple("--heads", &args->heads, "attention heads"),
                                   std::tuple("--intermediate", &args->intermediate, "feed-forward size")})
    cmd->add_option(flag, *value, help)->capture_default_str()->excludes(config)->excludes(init);
  cmd->add_option("--max-length", args->corpus_options.max_length, "tokens per sequence")->capture_default_str();
  cmd->add_option("--held-out", args->corpus_options.held_out_fraction, "share of lines held out for scoring")
      ->capture_default_str();
  cmd->add_option("--steps", o.steps, "optimizer steps")->capture_default_str();
  cmd->add_option("--batch-size", o.batch_size)->capture_default_str();
  cmd->add_option("--lr", o.lr, "peak learning rate")->capture_default_str();
  cmd->add_option("--weight-decay", o.weight_decay)->capture_default_str();
  cmd->add_option("--warmup-ratio", o.warmup_ratio)->capture_default_str();
  cmd->add_option("--max-grad-norm", o.max_grad_norm, "gradient clipping (0: off)")->capture_default_str();
  cmd->add_option("--mask-probability", o.mask_probability, "share of tokens predicted")->capture_default_str();
  cmd->add_option("--eval-every", o.eval_every, "steps between held-out scores (0: at the end)")
      ->capture_default_str();
  cmd->add_option("--eval-sequences", o.eval_sequences, "held-out sequences scored (0: all)")->capture_default_str();
  cmd->add_option("--checkpoint-every", o.checkpoint_every, "steps between checkpoints (0: at the end)")
      ->capture_default_str();
  cmd->add_option("--stop-after", o.stop_after, "stop after this step; continue later with --resume");
  cmd->add_option("--seed", o.seed)->capture_default_str();
  add_precision_option(cmd, o.precision);
  cmd->add_option("--dtype", o.dtype, "weights of the saved model")
      ->check(CLI::IsMember({"f32", "f16", "bf16"}))
      ->capture_default_str();
  cmd->add_flag("--resume", o.resume, "continue from OUT/checkpoint (an error when there is none)");
  cmd->add_flag("--quiet", o.quiet, "no progress lines");
  args->device.add_to(cmd);
  cmd->callback([args] { run_pretrain(*args); });
}

}  // namespace peft::cli
