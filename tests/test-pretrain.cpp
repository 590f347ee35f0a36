// Masked-LM pretraining: masking statistics, sequence packing, a tiny run whose loss falls, exact resume,
// and the saved model directory loading back (f32 and f16).
#include <fstream>
#include <random>

#include "io/atomic_file.h"
#include "test_support.h"
#include "train/mlm_corpus.h"
#include "train/mlm_masking.h"
#include "train/pretrainer.h"

namespace peft::testing {
namespace {

const torch::Device kCpu(torch::kCPU);

text::WordPieceTokenizer tokenizer() { return text::WordPieceTokenizer::from_vocab_txt(fixture("tokenizers/vocab.txt")); }

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const auto& line : lines) out << line << "\n";
}

// A few hundred lines drawn from a handful of sentences: easy to learn, so the loss must fall fast.
std::vector<std::string> repetitive_lines(size_t n) {
  static const std::vector<std::string> kSentences = {
      "the computer is a machine that can read the program",
      "people think the language is hard to learn",
      "every programmer should know how the system works",
      "the first software was not good but it was new",
      "science and programming are part of the real world",
      "you can make a great program if you think first",
  };
  std::mt19937 rng(5);
  std::vector<std::string> lines;
  for (size_t i = 0; i < n; ++i) lines.push_back(kSentences[rng() % kSentences.size()]);
  return lines;
}

models::ModelConfig tiny_bert(const text::WordPieceTokenizer& tok, int64_t max_length) {
  models::ModelConfig c;
  c.vocab_size = static_cast<int64_t>(tok.vocab_size());
  c.pad_token_id = tok.pad_id();
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 64;
  c.max_position_embeddings = max_length;
  return c;
}

train::PretrainOptions tiny_options(const std::string& out, int64_t steps) {
  train::PretrainOptions o;
  o.steps = steps;
  o.batch_size = 16;
  o.lr = 1e-2;
  o.warmup_ratio = 0.1;
  o.eval_every = 20;
  o.checkpoint_every = 30;
  o.quiet = true;
  o.out_dir = out;
  return o;
}

std::vector<int64_t> to_vector(const torch::Tensor& t) {
  const auto flat = t.to(torch::kLong).contiguous();
  return {flat.data_ptr<int64_t>(), flat.data_ptr<int64_t>() + flat.numel()};
}

torch::Tensor mlm_logits(models::TaskModel& model, const torch::Tensor& ids) {
  model->eval();
  torch::NoGradGuard no_grad;
  return model->forward(models::ModelInputs{ids.to(torch::kLong), {}, torch::ones_like(ids, torch::kLong)});
}

// ---- masking ---------------------------------------------------------------------------------------

TEST(MlmMasking, ChoosesFifteenPercentEightyTenTenNeverSpecials) {
  const auto tok = tokenizer();
  const train::MlmMasker masker(tok);
  torch::manual_seed(3);
  auto ids = torch::randint(5, static_cast<int64_t>(tok.vocab_size()), {256, 128}, torch::kLong);
  ids.select(1, 0).fill_(tok.cls_id());
  ids.select(1, 127).fill_(tok.sep_id());
  ids.narrow(1, 100, 27).narrow(0, 0, 128).fill_(tok.pad_id());
  ids.select(1, 50).narrow(0, 128, 64).fill_(tok.mask_id());
  ids.select(1, 51).narrow(0, 128, 64).fill_(tok.unk_id());

  const auto out = masker.mask(ids, 7);
  auto special = torch::zeros_like(ids, torch::kBool);
  for (int64_t id : {tok.pad_id(), tok.unk_id(), tok.cls_id(), tok.sep_id(), tok.mask_id()}) special |= ids == id;
  const auto chosen = out.labels != -100;
  EXPECT_FALSE((chosen & special).any().item<bool>()) << "a special token was chosen";
  EXPECT_TRUE(out.input_ids.index({~chosen}).equal(ids.index({~chosen}))) << "an unchosen token changed";
  EXPECT_TRUE(out.labels.index({chosen}).equal(ids.index({chosen}))) << "labels are not the original ids";

  const double eligible = (~special).sum().item<double>(), n = chosen.sum().item<double>();
  EXPECT_NEAR(n / eligible, 0.15, 0.01);
  const auto now = out.input_ids.index({chosen}), before = ids.index({chosen});
  const auto masked = now == tok.mask_id(), kept = now == before, replaced = ~masked & ~kept;
  EXPECT_NEAR(masked.sum().item<double>() / n, 0.8, 0.03);
  EXPECT_NEAR(kept.sum().item<double>() / n, 0.1, 0.02);
  EXPECT_NEAR(replaced.sum().item<double>() / n, 0.1, 0.02);
  for (int64_t id : to_vector(now.index({replaced}))) ASSERT_FALSE(masker.is_special(id)) << id;

  EXPECT_TRUE(masker.mask(ids, 7).input_ids.equal(out.input_ids)) << "same seed, different masks";
  EXPECT_FALSE(masker.mask(ids, 8).labels.equal(out.labels)) << "another seed, same masks";
}

TEST(MlmMasking, TinyBatchStillPredictsOneToken) {
  const auto tok = tokenizer();
  const train::MlmMasker masker(tok);
  const auto word = *tok.id("computer");
  const auto ids = torch::tensor({tok.cls_id(), word, tok.sep_id()}, torch::kLong).unsqueeze(0);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto labels = masker.mask(ids, seed).labels;
    EXPECT_EQ((labels != -100).sum().item<int64_t>(), 1);
    EXPECT_EQ(labels[0][1].item<int64_t>(), word);
  }
  const auto only_specials = torch::tensor({tok.cls_id(), tok.sep_id()}, torch::kLong).unsqueeze(0);
  EXPECT_EQ((masker.mask(only_specials, 1).labels != -100).sum().item<int64_t>(), 0);
}

// ---- corpus packing --------------------------------------------------------------------------------

TEST(MlmCorpus, PacksEveryLineIntoFullClsSepSequences) {
  TempDir dir;
  const auto tok = tokenizer();
  auto lines = repetitive_lines(60);
  lines[3] = "";
  lines[7] = "   ";
  std::string long_line;
  for (int i = 0; i < 40; ++i) long_line += "the machine reads a program ";
  lines[10] = long_line;
  write_lines(dir.path("corpus.txt"), lines);

  train::MlmCorpusOptions options{16, 0.25};
  const auto corpus = train::load_mlm_corpus(dir.path("corpus.txt"), tok, options);
  ASSERT_GT(corpus.train.size(0), 0);
  ASSERT_GT(corpus.held_out.size(0), 0);
  EXPECT_EQ(corpus.lines, 58);

  for (const auto* set : {&corpus.train, &corpus.held_out}) {
    ASSERT_EQ(set->size(1), 16);
    const auto rows = set->to(torch::kLong);
    EXPECT_TRUE((rows.select(1, 0) == tok.cls_id()).all().item<bool>());
    EXPECT_TRUE((rows.select(1, 15) == tok.sep_id()).all().item<bool>());
    EXPECT_FALSE((rows.narrow(1, 1, 15) == tok.cls_id()).any().item<bool>());
    EXPECT_FALSE((rows == tok.pad_id()).any().item<bool>());
    EXPECT_FALSE((rows.select(1, 1) == tok.sep_id()).any().item<bool>()) << "a sequence starts [CLS] [SEP]";
  }

  // The training sequences hold the training lines' tokens in file order, losing only the partial last one.
  std::vector<int64_t> expected, packed;
  for (size_t i = 0; i < lines.size(); ++i)
    if (!train::is_held_out_line(i, 0.25))
      for (int64_t id : tok.tokenize(lines[i])) expected.push_back(id);
  for (int64_t id : to_vector(corpus.train))
    if (id != tok.cls_id() && id != tok.sep_id()) packed.push_back(id);
  ASSERT_LE(packed.size(), expected.size());
  EXPECT_LT(expected.size() - packed.size(), 16u);
  EXPECT_TRUE(std::equal(packed.begin(), packed.end(), expected.begin()));

  const auto again = train::load_mlm_corpus(dir.path("corpus.txt"), tok, options);
  EXPECT_TRUE(again.train.equal(corpus.train) && again.held_out.equal(corpus.held_out));
}

TEST(MlmCorpus, BadInputIsAnError) {
  TempDir dir;
  const auto tok = tokenizer();
  EXPECT_TRUE(has(error_of([&] { train::load_mlm_corpus(dir.path("none.txt"), tok, {}); }), "none.txt"));
  write_lines(dir.path("short.txt"), {"the computer"});
  EXPECT_TRUE(has(error_of([&] { train::load_mlm_corpus(dir.path("short.txt"), tok, {}); }), "no training sequence"));
  EXPECT_TRUE(has(error_of([&] { train::load_mlm_corpus(dir.path("short.txt"), tok, {2, 0}); }), "--max-length"));
}

// ---- pretraining -----------------------------------------------------------------------------------

TEST(Pretrain, LossFallsAndTheModelDirectoryLoadsBack) {
  TempDir dir;
  const auto tok = tokenizer();
  write_lines(dir.path("corpus.txt"), repetitive_lines(400));
  const auto corpus = train::load_mlm_corpus(dir.path("corpus.txt"), tok, {32, 0.1});
  ASSERT_GT(corpus.held_out.size(0), 0);
  auto model = train::new_mlm_model(tiny_bert(tok, 32), 1);
  const train::MlmMasker masker(tok);
  const auto before = train::score_mlm(model, corpus.held_out, masker, 16, kCpu);
  EXPECT_NEAR(before.loss, std::log(double(tok.vocab_size())), 0.5);  // untrained: near uniform

  const auto out = dir.path("model");
  const auto result = train::pretrain(model, tok, corpus, tiny_options(out, 60), kCpu);
  EXPECT_TRUE(result.finished);
  EXPECT_EQ(result.steps, 60);
  ASSERT_TRUE(result.held_out.has_value());
  EXPECT_LT(result.held_out->loss, before.loss - 2.5);  // ~6.9 -> ~3.5 in 60 steps
  EXPECT_GT(result.held_out->accuracy, std::max(0.1, 20 * before.accuracy));
  const auto after = train::score_mlm(model, corpus.held_out, masker, 7, kCpu);  // batching does not matter
  EXPECT_NEAR(after.loss, result.held_out->loss, 1e-4);

  std::ifstream log(out + "/log.jsonl");
  int entries = 0;
  for (std::string line; std::getline(log, line); ++entries)
    EXPECT_TRUE(nlohmann::json::parse(line).contains("held_out_accuracy"));
  EXPECT_EQ(entries, 3);
  const auto state = nlohmann::json::parse(io::read_file(out + "/checkpoint/state.json"));
  EXPECT_EQ(state.at("step"), 60);
  EXPECT_TRUE(std::filesystem::exists(out + "/checkpoint/" + state.at("file").get<std::string>()));
  EXPECT_FALSE(std::filesystem::exists(out + "/checkpoint/step-30.pt")) << "old checkpoints are removed";

  const auto config = nlohmann::json::parse(io::read_file(out + "/config.json"));
  EXPECT_EQ(config.at("architectures")[0], "BertForMaskedLM");
  EXPECT_EQ(config.at("torch_dtype"), "float32");
  EXPECT_EQ(text::WordPieceTokenizer::load(out).vocab_size(), tok.vocab_size());
  const auto ids = corpus.held_out.narrow(0, 0, 2);
  models::LoadReport report;
  auto loaded = models::load_task_model(out, {models::TaskKind::MaskedLM, 0, 0}, &report);
  EXPECT_TRUE(report.initialised.empty());
  EXPECT_TRUE(AllClose(mlm_logits(loaded, ids), mlm_logits(model, ids), 1e-5));

  const auto half_dir = dir.path("half");
  train::save_pretrained(half_dir, model, tok, "f16");
  for (const auto& [name, tensor] : models::read_tensors(half_dir + "/model.safetensors"))
    EXPECT_EQ(tensor.scalar_type(), torch::kFloat16) << name;
  EXPECT_EQ(nlohmann::json::parse(io::read_file(half_dir + "/config.json")).at("torch_dtype"), "float16");
  auto half = models::load_task_model(half_dir, {models::TaskKind::MaskedLM, 0, 0});
  EXPECT_TRUE(AllClose(mlm_logits(half, ids), mlm_logits(model, ids), 0.05));
}

TEST(Pretrain, ResumedRunEndsWithTheSameWeights) {
  TempDir dir;
  const auto tok = tokenizer();
  write_lines(dir.path("corpus.txt"), repetitive_lines(200));
  const auto corpus = train::load_mlm_corpus(dir.path("corpus.txt"), tok, {16, 0.1});
  const auto config = tiny_bert(tok, 16);

  auto straight = train::new_mlm_model(config, 1);
  train::pretrain(straight, tok, corpus, tiny_options(dir.path("straight"), 20), kCpu);

  auto options = tiny_options(dir.path("resumed"), 20);
  options.stop_after = 9;
  auto first = train::new_mlm_model(config, 1);
  const auto part = train::pretrain(first, tok, corpus, options, kCpu);
  EXPECT_FALSE(part.finished);
  EXPECT_EQ(part.steps, 9);
  EXPECT_FALSE(std::filesystem::exists(dir.path("resumed/model.safetensors")));

  options.stop_after = 0;
  options.resume = true;
  options.seed = 99;  // ignored: the checkpoint's seed continues
  auto second = train::new_mlm_model(config, 2);
  EXPECT_TRUE(train::pretrain(second, tok, corpus, options, kCpu).finished);
  const auto expected = snapshot(*straight);
  for (const auto& [name, tensor] : snapshot(*second)) EXPECT_TRUE(AllClose(tensor, at(expected, name), 1e-6)) << name;

  auto other_shape = config;
  other_shape.intermediate_size = 48;
  auto wrong = train::new_mlm_model(other_shape, 1);
  EXPECT_TRUE(has(error_of([&] { train::pretrain(wrong, tok, corpus, options, kCpu); }), "another config"));
}

TEST(Pretrain, BadOptionsAreErrors) {
  TempDir dir;
  const auto tok = tokenizer();
  write_lines(dir.path("corpus.txt"), repetitive_lines(50));
  const auto corpus = train::load_mlm_corpus(dir.path("corpus.txt"), tok, {16, 0});
  auto model = train::new_mlm_model(tiny_bert(tok, 8), 1);
  EXPECT_TRUE(has(error_of([&] { train::pretrain(model, tok, corpus, tiny_options(dir.path("a"), 5), kCpu); }),
                  "max_position_embeddings"));
  model = train::new_mlm_model(tiny_bert(tok, 16), 1);
  EXPECT_TRUE(has(error_of([&] { train::pretrain(model, tok, corpus, tiny_options(dir.path("b"), 0), kCpu); }),
                  "--steps"));
  auto options = tiny_options(dir.path("c"), 5);
  options.dtype = "f8";
  EXPECT_TRUE(has(error_of([&] { train::pretrain(model, tok, corpus, options, kCpu); }), "f8"));
}

}  // namespace
}  // namespace peft::testing
