#include "methods/soft_prompt.h"

#include <sstream>

#include "core/error.h"
#include "nn/row_vectors.h"

namespace peft::methods {

PromptLearningConfig PromptLearningConfig::read(MethodConfig& c, const std::string& method, int64_t default_tokens) {
  PromptLearningConfig p;
  p.num_virtual_tokens = c.get<int64_t>("num_virtual_tokens", default_tokens);
  p.token_dim = c.get<int64_t>("token_dim", 0);
  p.num_layers = c.get<int64_t>("num_layers", 0);
  p.num_attention_heads = c.get<int64_t>("num_attention_heads", 0);
  p.num_transformer_submodules = c.get<int64_t>("num_transformer_submodules", 1);
  require(p.num_virtual_tokens > 0, method + ": num_virtual_tokens must be positive");
  require(p.num_transformer_submodules == 1,
          method + ": num_transformer_submodules must be 1 (encoder-decoder models are not supported yet)");
  // HF's tokenizer fields name where to find a tokenizer for TEXT init; peft.cpp uses the model's own.
  c.get<std::string>("tokenizer_name_or_path", "");
  c.raw("tokenizer_kwargs");
  return p;
}

void PromptLearningConfig::take_shape(const models::ModelConfig& m, const std::string& method) {
  auto same = [&](int64_t recorded, int64_t actual, const char* field) {
    require(recorded == 0 || recorded == actual, method + ": the adapter's " + std::string(field) + " is " +
                                                     std::to_string(recorded) + ", the model's " +
                                                     std::to_string(actual));
  };
  same(token_dim, m.hidden_size, "token_dim");
  same(num_layers, m.num_hidden_layers, "num_layers");
  same(num_attention_heads, m.num_attention_heads, "num_attention_heads");
  token_dim = m.hidden_size;
  num_layers = m.num_hidden_layers;
  num_attention_heads = m.num_attention_heads;
}

nlohmann::json PromptLearningConfig::to_json() const {
  return {{"num_virtual_tokens", num_virtual_tokens},
          {"token_dim", token_dim},
          {"num_layers", num_layers},
          {"num_attention_heads", num_attention_heads},
          {"num_transformer_submodules", num_transformer_submodules}};
}

torch::Tensor word_embeddings(models::TaskModelImpl& model) {
  for (auto& site : model.sites().embedding)
    if (site.role == models::SiteRole::WordEmbeddings) return site.embedding->weight;
  throw Error("the model has no word embedding table");
}

std::vector<Anchor> parse_anchors(const std::string& text, const std::string& method) {
  std::vector<Anchor> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    if (item == "start") out.push_back(Anchor::Start);
    else if (item == "between") out.push_back(Anchor::Between);
    else if (item == "end") out.push_back(Anchor::End);
    else throw Error(method + ": template place '" + item + "' is not one of start, between, end");
  }
  require(!out.empty(), method + ": template names no place for the virtual tokens");
  for (size_t i = 1; i < out.size(); ++i)
    require(out[i - 1] <= out[i], method + ": template places go in order: start, between, end");
  return out;
}

std::string anchors_text(const std::vector<Anchor>& anchors) {
  static const char* names[] = {"start", "between", "end"};
  std::string out;
  for (auto a : anchors) out += (out.empty() ? "" : ",") + std::string(names[int(a)]);
  return out;
}

namespace {

// Each row's slot for an anchor, from its input tokens: the final separator is the row's last token;
// the first text ends at the first slot after 0 holding that same id.
torch::Tensor anchor_slots(const nn::InputSequence& s, Anchor anchor) {
  const auto B = s.token_ids.size(0), L = s.token_ids.size(1);
  if (anchor == Anchor::Start) return torch::zeros({B}, s.source.options());
  auto slot = torch::arange(L, s.source.options()).unsqueeze(0).expand({B, L});
  auto is_token = s.source.ge(0) & s.attention_mask.ne(0);
  auto last = torch::where(is_token, slot, torch::full_like(slot, -1)).amax(1);
  if (anchor == Anchor::End) return last.clamp_min(0);
  auto separator = s.token_ids.gather(1, last.clamp_min(0).view({B, 1}));
  auto first = s.token_ids.eq(separator) & is_token & slot.gt(0);
  return torch::where(first, slot, torch::full_like(slot, L)).amin(1).clamp_max(last.clamp_min(0));
}

// The peers of a hook that runs alone in a per-row call: itself at its adapter's place.
template <typename Hook>
std::vector<nn::InputSequenceHook*> alone(Hook* self, const std::string& adapter, const nn::ForwardContext& ctx) {
  std::vector<nn::InputSequenceHook*> peers(ctx.adapters.names.size(), nullptr);
  peers[ctx.adapters.index_of(adapter)] = self;
  return peers;
}

}  // namespace

PromptInsertion::PromptInsertion(std::string adapter, Table table, std::vector<Anchor> anchors)
    : adapter_(std::move(adapter)), table_(std::move(table)), anchors_(std::move(anchors)) {}

void PromptInsertion::apply(nn::InputSequence& s, const nn::ForwardContext& ctx) {
  const auto B = s.embeds.size(0);
  if (ctx.adapters.is_per_row()) return apply_rows(s, alone(this, adapter_, ctx), ctx.adapters.rows, ctx);
  apply_rows(s, {this}, torch::zeros({B}, s.source.options()), ctx);
}

bool PromptInsertion::batches_with(const nn::InputSequenceHook& other) const {
  const auto* p = dynamic_cast<const PromptInsertion*>(&other);
  return p && p->anchors_ == anchors_;
}

void PromptInsertion::apply_rows(nn::InputSequence& s, const std::vector<nn::InputSequenceHook*>& peers,
                                 const torch::Tensor& rows, const nn::ForwardContext& ctx) {
  std::vector<torch::Tensor> tables;
  for (auto* p : peers) tables.push_back(p ? static_cast<PromptInsertion*>(p)->table_(ctx) : torch::Tensor());
  auto gathered = nn::gather_row_vectors(tables, rows, ctx.prompt_rows);
  // Anchors split each row's tokens in order, part k being vectors [count·k/parts, count·(k+1)/parts);
  // the places are found on the sequence as it came and filled from the last, so earlier ones stay put.
  const auto parts = int64_t(anchors_.size());
  std::vector<torch::Tensor> at;
  for (auto a : anchors_) at.push_back(anchor_slots(s, a));
  const auto& v = gathered.vectors;
  const auto n = v.size(1), width = (n + parts - 1) / parts;  // no part is longer
  for (int64_t k = parts - 1; k >= 0; --k) {
    auto begin = torch::div(gathered.count * k, parts, "floor");
    auto end = torch::div(gathered.count * (k + 1), parts, "floor");
    if (parts == 1) {
      s.insert(at[k], v, end - begin);
      continue;
    }
    auto index = (begin.view({-1, 1}) + torch::arange(width, begin.options()).unsqueeze(0)).clamp_max(n - 1);
    s.insert(at[k], v.gather(1, index.unsqueeze(-1).expand({v.size(0), width, v.size(2)})), end - begin);
  }
}

struct PrefixRows::LayerHook : nn::KeyValueHook {
  LayerHook(std::shared_ptr<PrefixRows> owner, int64_t layer) : owner(std::move(owner)), layer(layer) {}
  void apply(nn::KeyValues& kv, const nn::ForwardContext& ctx) override {
    if (ctx.adapters.is_per_row()) {
      std::vector<nn::KeyValueHook*> peers(ctx.adapters.names.size(), nullptr);
      peers[ctx.adapters.index_of(owner->adapter_)] = this;
      return apply_rows(kv, peers, ctx.adapters.rows, ctx);
    }
    prepend(kv, owner->layer_rows(layer), {});
  }
  bool batches_with(const nn::KeyValueHook& other) const override {
    return dynamic_cast<const LayerHook*>(&other) != nullptr;
  }
  void apply_rows(nn::KeyValues& kv, const std::vector<nn::KeyValueHook*>& peers, const torch::Tensor& rows,
                  const nn::ForwardContext&) override {
    std::vector<torch::Tensor> tables;
    for (auto* p : peers) {
      auto* hook = static_cast<LayerHook*>(p);
      tables.push_back(hook ? hook->owner->layer_rows(hook->layer) : torch::Tensor());
    }
    auto gathered = nn::gather_row_vectors(tables, rows, {});
    prepend(kv, gathered.vectors, gathered.count);
  }
  // rows: [B or 1, P, 2 * heads * head_dim] -> keys and values [B or 1, heads, P, head_dim].
  void prepend(nn::KeyValues& kv, const torch::Tensor& rows, const torch::Tensor& count) const {
    auto split = rows.view({rows.size(0), rows.size(1), 2, owner->heads_, owner->head_dim_}).permute({2, 0, 3, 1, 4});
    kv.prepend(split[0], split[1], count);
  }
  std::shared_ptr<PrefixRows> owner;
  int64_t layer;
};

PrefixRows::PrefixRows(std::string adapter, Table table, int64_t layers, int64_t heads, int64_t head_dim)
    : adapter_(std::move(adapter)), table_(std::move(table)), layers_(layers), heads_(heads), head_dim_(head_dim) {}

void PrefixRows::attach_to(models::TaskModelImpl& model) {
  auto catalogue = model.sites();
  catalogue.input_sequence.site->attach(adapter_, shared_from_this());
  for (auto& site : catalogue.key_value)
    site.site->attach(adapter_, std::make_shared<LayerHook>(shared_from_this(), site.layer));
}

void PrefixRows::apply(nn::InputSequence& s, const nn::ForwardContext& ctx) {
  if (ctx.adapters.is_per_row()) return apply_rows(s, alone(this, adapter_, ctx), ctx.adapters.rows, ctx);
  current_ = table_(ctx).view({-1, layers_, 2 * heads_ * head_dim_});
  s.add_past(torch::tensor(current_.size(0), s.source.options()));
}

bool PrefixRows::batches_with(const nn::InputSequenceHook& other) const {
  return dynamic_cast<const PrefixRows*>(&other) != nullptr;
}

void PrefixRows::apply_rows(nn::InputSequence& s, const std::vector<nn::InputSequenceHook*>& peers,
                            const torch::Tensor& rows, const nn::ForwardContext& ctx) {
  std::vector<int64_t> lengths;
  for (auto* p : peers) {
    auto* rows_of = static_cast<PrefixRows*>(p);
    if (rows_of) rows_of->current_ = rows_of->table_(ctx).view({-1, rows_of->layers_, 2 * heads_ * head_dim_});
    lengths.push_back(rows_of ? rows_of->current_.size(0) : 0);
  }
  lengths.push_back(0);  // rows of no adapter
  const auto opts = s.source.options();
  auto adapter = torch::where(rows.lt(0), torch::full_like(rows, int64_t(peers.size())), rows);
  s.add_past(torch::tensor(lengths, opts).index_select(0, adapter));
}

torch::Tensor PrefixRows::layer_rows(int64_t layer) const {
  require(current_.defined(), "prefix rows read before the input sequence ran");
  return current_.select(1, layer).unsqueeze(0);
}

}  // namespace peft::methods
