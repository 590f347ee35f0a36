#include "methods/prompt_tuning.h"

namespace peft::methods {

PromptTuning::PromptTuning(const nlohmann::json& json, bool ensemble) : ensemble_(ensemble) {
  const std::string name = method_name();
  MethodConfig c(json, name);
  prompt_ = PromptLearningConfig::read(c, name, 20);
  init_ = c.choice("prompt_tuning_init", "RANDOM", {"RANDOM", "SAMPLE_VOCAB", "TEXT"});
  init_text_ = c.get<std::string>("prompt_tuning_init_text", "");
  if (ensemble) num_prompts_ = c.get<int64_t>("num_prompts", 4);
  c.finish();
  require(num_prompts_ >= 1, name + ": num_prompts must be positive");
  require(init_ != "TEXT" || !init_text_.empty(), name + ": prompt_tuning_init TEXT needs prompt_tuning_init_text");
}

void PromptTuning::attach(models::TaskModelImpl& model, const std::string& adapter) {
  const auto& m = model.config();
  prompt_.take_shape(m, method_name());
  const auto n = prompt_.num_virtual_tokens, rows = n * num_prompts_;
  // HF's nn.Embedding: N(0, 1); or copies of word embeddings (ids drawn at random, or the text's repeated).
  auto init = torch::randn({rows, m.hidden_size});
  if (init_ != "RANDOM") {
    torch::Tensor ids;
    if (init_ == "SAMPLE_VOCAB") {
      ids = torch::randint(m.vocab_size, {rows}, torch::kLong);
    } else {
      require(bool(text_.encode), std::string(method_name()) + ": TEXT init needs the model's tokenizer");
      auto text_ids = text_.encode(init_text_);
      require(!text_ids.empty(), std::string(method_name()) + ": prompt_tuning_init_text has no tokens");
      ids = torch::tensor(text_ids, torch::kLong).repeat({(rows + int64_t(text_ids.size()) - 1) /
                                                          int64_t(text_ids.size())}).narrow(0, 0, rows);
    }
    torch::NoGradGuard no_grad;
    init = word_embeddings(model).detach().to(torch::kCPU).index_select(0, ids).clone();
  }
  embeddings = register_parameter("prompt_embeddings", init);
  auto table = [this, n](const nn::ForwardContext&) { return embeddings.view({num_prompts_, n, -1}); };
  model.sites().input_sequence.site->attach(
      adapter, std::make_shared<PromptInsertion>(adapter, table, std::vector<Anchor>{Anchor::Start}));
}

nlohmann::json PromptTuning::config_json() const {
  auto j = prompt_.to_json();
  j["prompt_tuning_init"] = init_;
  j["prompt_tuning_init_text"] = init_text_.empty() ? nlohmann::json(nullptr) : nlohmann::json(init_text_);
  if (ensemble_) j["num_prompts"] = num_prompts_;
  return j;
}

}  // namespace peft::methods
