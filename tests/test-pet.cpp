// PET: the cloze head scored by hand against the masked-LM head, with and without virtual tokens before the
// [MASK]; patterns that keep their [MASK] through truncation; what trains (the head, and LoRA through the
// cloze loss); the head-only baseline; and the command end to end (train -> adapter with its pattern ->
// eval / predict), with the user's mistakes refused in one line.
#include <gtest/gtest.h>

#include "cli_support.h"
#include "methods/prompt_tuning.h"
#include "train/cloze_encoding.h"

namespace peft::testing {
namespace {

using models::TaskKind;

const models::ClozeTokens kTokens{{{3}, {7, 9}, {11}}, /*mask_id=*/4};
const nlohmann::json kThreeLabels = {{"x", "a"}, {"y", "b"}, {"z", "c"}};  // as many labels as kTokens

// A tiny cloze model and the masked-LM model with the same tensors.
std::pair<models::TaskModel, models::TaskModel> cloze_and_mlm(uint64_t seed) {
  torch::manual_seed(seed);
  models::TaskModel cloze(tiny_config(), TaskKind::Cloze, 0, kTokens);
  randomise(*cloze, seed);
  models::TaskModel mlm(tiny_config(), TaskKind::MaskedLM, 0);
  models::load_state(*mlm, models::state_tensors(*cloze), "cloze", "bert", [](const std::string&) { return false; });
  cloze->eval();
  mlm->eval();
  return {cloze, mlm};
}

// Rows with their [MASK] at different places (row 2 has two: the first counts), padding after.
models::ModelInputs masked_batch() {
  auto batch = random_batch(3, 3, 8);
  auto& ids = batch.inputs.input_ids;
  ids.masked_fill_(ids.eq(kTokens.mask_id), 5);
  batch.inputs.attention_mask.fill_(1);
  batch.inputs.attention_mask[0].slice(0, 6).fill_(0);
  ids[0][6] = ids[0][7] = 0;
  ids[0][2] = ids[1][7] = ids[2][1] = ids[2][5] = kTokens.mask_id;
  return batch.inputs;
}

torch::Tensor by_hand(const torch::Tensor& mlm_logits, const std::vector<int64_t>& mask_at) {
  auto out = torch::zeros({int64_t(mask_at.size()), 3});
  for (size_t b = 0; b < mask_at.size(); ++b)
    for (size_t l = 0; l < kTokens.label_words.size(); ++l) {
      double sum = 0;
      for (auto id : kTokens.label_words[l]) sum += mlm_logits[b][mask_at[b]][id].item<double>();
      out[b][l] = sum / double(kTokens.label_words[l].size());
    }
  return out;
}

TEST(Pet, ClozeHeadScoresTheVerbalizerWordsAtTheMask) {
  auto [cloze, mlm] = cloze_and_mlm(1);
  const auto inputs = masked_batch();
  torch::NoGradGuard no_grad;
  const auto logits = cloze->forward(inputs);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{3, 3}));
  EXPECT_TRUE(AllClose(logits, by_hand(mlm->forward(inputs), {2, 7, 1}), 1e-5));
}

TEST(Pet, VirtualTokensBeforeTheMaskDoNotMoveWhereItIsRead) {
  auto [cloze, mlm] = cloze_and_mlm(2);
  const auto inputs = masked_batch();
  torch::Tensor plain;
  {
    torch::NoGradGuard no_grad;
    plain = cloze->forward(inputs);
  }
  methods::PeftModel with_prompt(cloze, methods::create_method("prompt_tuning", {{"num_virtual_tokens", 3}}));
  auto prompt = std::make_shared<methods::PromptTuning>(nlohmann::json{{"num_virtual_tokens", 3}}, false);
  methods::PeftModel mlm_prompt(mlm, prompt);
  torch::NoGradGuard no_grad;
  prompt->embeddings.copy_(std::dynamic_pointer_cast<methods::PromptTuning>(with_prompt.method)->embeddings);
  const auto expected = by_hand(mlm_prompt.model->forward(inputs), {2, 7, 1});
  EXPECT_TRUE(AllClose(with_prompt.model->forward(inputs), expected, 1e-5));
  EXPECT_FALSE(AllClose(with_prompt.model->forward(inputs), plain, 1e-3)) << "the prompt changed nothing";
}

TEST(Pet, ARowWithoutAMaskIsAnError) {
  auto [cloze, mlm] = cloze_and_mlm(3);
  auto inputs = masked_batch();
  inputs.input_ids[1][7] = 6;
  torch::NoGradGuard no_grad;
  EXPECT_THROW(cloze->forward(inputs), Error);
}

TEST(Pet, TrainsTheClozeHeadAndLoraThroughTheClozeLoss) {
  auto [cloze, mlm] = cloze_and_mlm(4);
  auto pet = attach(cloze, "pet+lora",
                    {{"pet", {{"pattern", "{a} [MASK]"}, {"verbalizer", kThreeLabels}}},
                     {"lora", {{"r", 2}, {"target_modules", {"query", "value"}}}}});
  const auto names = trainable_names(pet);
  for (const auto& name : names) EXPECT_TRUE(has(name, "cls.predictions.") || has(name, "lora_")) << name;
  EXPECT_TRUE(names.count("cls.predictions.transform.dense.weight"));
  EXPECT_TRUE(names.count("cls.predictions.bias"));
  pet.model->train();
  auto lora = pet.method->named_parameters();
  ASSERT_GT(lora.size(), 0u);
  {
    torch::NoGradGuard no_grad;  // B starts at 0: give it a value so A's gradient is not zero either
    for (auto& item : lora)
      if (has(item.key(), "lora_B")) item.value().normal_(0, 0.1);
  }
  pet.training_loss(pet.model->forward(masked_batch()), torch::tensor({0, 2, 1})).backward();
  for (auto& item : lora) EXPECT_GT(item.value().grad().abs().sum().item<double>(), 0) << item.key();
  for (auto& item : pet.model->named_parameters())
    EXPECT_EQ(item.value().grad().defined(), names.count(item.key()) > 0) << item.key();
}

TEST(Pet, PetAloneAndTheHeadBaselineTrainOnlyTheHead) {
  auto [cloze, mlm] = cloze_and_mlm(5);
  for (const auto& name :
       trainable_names(attach(cloze, "pet", {{"pattern", "[MASK] {a}"}, {"verbalizer", kThreeLabels}})))
    EXPECT_TRUE(has(name, "cls.predictions.")) << name;
  auto head = attach(tiny_model(6), "head", nlohmann::json::object());
  for (const auto& name : trainable_names(head)) EXPECT_TRUE(has(name, "classifier.")) << name;
  EXPECT_EQ(head.count_parameters().trainable, 16 * kTinyLabels + kTinyLabels);
  EXPECT_THROW(attach(tiny_model(6), "pet", {{"pattern", "[MASK] {a}"}, {"verbalizer", kThreeLabels}}), Error)
      << "PET on a classification head";
}

// ---- patterns -----------------------------------------------------------------------------------------

// BERT's template ([CLS] A [SEP] B [SEP]) over the fixture's vocabulary (its tokenizer.json adds none).
text::WordPieceTokenizer fixture_tokenizer() {
  return text::WordPieceTokenizer::from_vocab_txt(fixture("bert_mlm/model/vocab.txt"));
}

methods::ClozeSpec spec(const nlohmann::json& pattern) {
  return methods::ClozeSpec::from_json({{"pattern", pattern}, {"verbalizer", {{"tech", "computers"}}}}, "test");
}

TEST(Pet, TruncationCutsTheExampleNeverThePattern) {
  const auto tok = fixture_tokenizer();
  const std::string long_text = "unix is simple and computers are simple and unix is simple and it is simple";
  const auto enc = train::encode_cloze(spec("{a} it is about [MASK] ."), long_text, nullptr, tok, 12);
  ASSERT_EQ(enc.input_ids.size(), 12u);
  const auto tail = tok.tokenize("it is about [MASK] .");
  EXPECT_EQ(std::vector<int64_t>(enc.input_ids.end() - 1 - int64_t(tail.size()), enc.input_ids.end() - 1), tail);
  EXPECT_EQ(enc.input_ids.front(), tok.cls_id());
  EXPECT_EQ(enc.input_ids.back(), tok.sep_id());
  EXPECT_EQ(std::count(enc.input_ids.begin(), enc.input_ids.end(), tok.mask_id()), 1);
  // Short enough: the same ids as the tokenizer gives the filled-in text.
  const auto whole = train::encode_cloze(spec("{a} it is about [MASK] ."), "unix is simple", nullptr, tok, 64);
  EXPECT_EQ(whole.input_ids, tok.encode("unix is simple it is about [MASK] .", nullptr, 64).input_ids);
}

TEST(Pet, TwoSegmentPatternsArePairsWithTheirTokenTypes) {
  const auto tok = fixture_tokenizer();
  const std::string a = "unix is simple", b = "computers are simple";
  const auto enc = train::encode_cloze(spec(nlohmann::json::array({"{a} ?", "[MASK] , {b}"})), a, &b, tok, 64);
  const std::string second = "[MASK] , " + b;
  const auto want = tok.encode(a + " ?", &second, 64);
  EXPECT_EQ(enc.input_ids, want.input_ids);
  EXPECT_EQ(enc.token_type_ids, want.token_type_ids);
  EXPECT_THROW(train::encode_cloze(spec("{a} [MASK] {b}"), a, nullptr, tok, 64), Error);
  EXPECT_THROW(train::encode_cloze(spec("{a} [MASK]"), a, &b, tok, 64), Error);
  EXPECT_THROW(train::encode_cloze(spec("{a} it is about unix and computers [MASK]"), a, nullptr, tok, 8), Error);
}

TEST(Pet, MalformedPatternsAndVerbalizersAreRefused) {
  const auto tok = fixture_tokenizer();
  methods::TextIds ids{[&](const std::string& s) { return tok.tokenize(s); }, tok.mask_id(), tok.unk_id()};
  EXPECT_THROW(spec("{a} no mask"), Error);
  EXPECT_THROW(spec("{a} [MASK] [MASK]"), Error);
  EXPECT_THROW(spec("[MASK] {b}"), Error);
  EXPECT_THROW(spec(nlohmann::json::array({"{a}", "[MASK]", "{b}"})), Error);
  EXPECT_THROW(methods::ClozeSpec::from_json({{"pattern", "{a} [MASK]"}, {"verbalizer", {"a"}}}, "t"), Error);
  EXPECT_THROW(methods::ClozeSpec::from_json({{"pattern", "{a} [MASK]"}, {"verbalizer", {{"x", "a"}}}, {"p", 1}}, "t"),
               Error);
  try {
    methods::ClozeSpec::from_json({{"pattern", "{a} [MASK]"}, {"verbalizer", {{"tech", "computerss"}}}}, "v.json")
        .tokens(ids, "v.json");
    FAIL() << "a word of several pieces";
  } catch (const Error& e) {
    EXPECT_TRUE(has(e.what(), "v.json") && has(e.what(), "'computerss'") && has(e.what(), "'tech'")) << e.what();
  }
  const auto two =
      methods::ClozeSpec::from_json({{"pattern", "{a} [MASK]"}, {"verbalizer", {{"t", {"unix", "simple"}}}}}, "t");
  EXPECT_EQ(two.tokens(ids, "t").label_words[0].size(), 2u);
}

// ---- the command ----------------------------------------------------------------------------------------

struct PetRun {
  TempDir dir;
  std::string train, dev, cloze;
  PetRun() {
    train = dir.path("train.tsv");
    dev = dir.path("dev.tsv");
    write_task(train, 16, 0);
    write_task(dev, 8, 1);
    cloze = dir.write(
        "cloze.json",
        R"({"pattern": "{a} . it is about [MASK] .", "verbalizer": {"animal": "simple", "tech": "computers"}})");
  }
  CliRun train_with(const std::string& method_args, const std::string& out) {
    return peft_cli(dir, "train --model " + fixture("bert_mlm/model") + " " + method_args + " --train " + train +
                             " --dev " + dev + " --max-steps 4 --batch-size 4 --lr 1e-2 --quiet --out " +
                             dir.path(out));
  }
};

TEST(PetCli, TrainSavesThePatternAndEvalOfTheAdapterRepeatsTheDevScore) {
  PetRun r;
  for (const auto& [method, out] : std::vector<std::pair<std::string, std::string>>{
           {"--method pet --set cloze=" + r.cloze, "pet"},
           {"--method pet+lora --set pet.cloze=" + r.cloze + " --set lora.r=2", "pet_lora"},
           {"--method pet+prompt_tuning --set pet.cloze=" + r.cloze + " --set prompt_tuning.num_virtual_tokens=3",
            "pet_prompt"}}) {
    const auto run = r.train_with(method, out);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto config = nlohmann::json::parse(io::read_file(r.dir.path(out + "/adapter_config.json")));
    const auto& pet = config.contains("pet") ? config["pet"] : config;
    EXPECT_EQ(pet["pattern"], "{a} . it is about [MASK] .") << out;
    EXPECT_EQ(pet["verbalizer"]["tech"], "computers") << out;
    EXPECT_EQ(config["peft_cpp"]["task"], "cloze") << out;
    const auto metrics = nlohmann::json::parse(run.out);
    const auto eval = peft_cli(
        r.dir, "eval --model " + fixture("bert_mlm/model") + " --adapter " + r.dir.path(out) + " --data " + r.dev);
    ASSERT_EQ(eval.exit_code, 0) << eval.err;
    EXPECT_NEAR(nlohmann::json::parse(eval.out)["accuracy"].get<double>(), metrics["dev"]["accuracy"].get<double>(),
                1e-9)
        << out;
  }
  const auto predict = peft_cli(r.dir, "predict --model " + fixture("bert_mlm/model") + " --adapter " +
                                           r.dir.path("pet") + " --input " + r.dev + " --out " + r.dir.path("p.jsonl"));
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const auto lines = io::read_file(r.dir.path("p.jsonl"));
  const auto first = nlohmann::json::parse(lines.substr(0, lines.find('\n')));
  EXPECT_EQ(first["logits"].size(), 2u);
  EXPECT_TRUE(first["label"] == "animal" || first["label"] == "tech");
}

TEST(PetCli, MistakesGetOneLineErrors) {
  PetRun r;
  const auto no_word = r.dir.write("c1.json", R"({"pattern": "{a} [MASK]", "verbalizer": {"animal": "simple"}})");
  const auto pieces =
      r.dir.write("c2.json", R"({"pattern": "{a} [MASK]", "verbalizer": {"animal": "simple", "tech": "xyzzyq"}})");
  const auto bad_json = r.dir.write("c3.json", R"({"pattern": "{a} [MASK]", )");
  struct Case {
    std::string args, message;
  };
  for (const auto& c : std::vector<Case>{{"--method pet --set cloze=" + no_word, "label 'tech' has no word"},
                                         {"--method pet --set cloze=" + pieces, "'xyzzyq'"},
                                         {"--method pet --set cloze=" + bad_json, "invalid JSON"},
                                         {"--method pet --set cloze=" + r.dir.path("none.json"), "none.json"},
                                         {"--method pet", "needs 'cloze'"}}) {
    const auto run = r.train_with(c.args, "bad");
    EXPECT_EQ(run.exit_code, 2) << c.args;
    EXPECT_TRUE(has(run.err, c.message)) << c.args << ": " << run.err;
    EXPECT_FALSE(has(run.err, "internal error")) << run.err;
  }
  const auto no_mlm =
      peft_cli(r.dir, "train --model " + fixture("bert_cls/model") + " --method pet --set cloze=" + r.cloze +
                          " --train " + r.train + " --max-steps 1 --out " + r.dir.path("x"));
  EXPECT_EQ(no_mlm.exit_code, 2);
  EXPECT_TRUE(has(no_mlm.err, "no masked-LM head")) << no_mlm.err;
}

}  // namespace
}  // namespace peft::testing
