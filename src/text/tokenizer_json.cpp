// Reads and writes HF tokenizers' tokenizer.json for WordPiece tokenizers: BertNormalizer,
// BertPreTokenizer, WordPiece model, TemplateProcessing/BertProcessing post-processor, added tokens.
#include "text/tokenizer_json.h"

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace peft::text {
namespace {

using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// Typed access to JSON fields whose errors say which file and which field is wrong, in one line.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw Error(origin_ + ": " + field + " " + problem);
  }
  // nullptr when the key is absent or null.
  const json* find(const json& object, const char* key) const {
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }
  const json& object(const json& value, const std::string& field) const {
    if (!value.is_object()) fail(field, "must be an object");
    return value;
  }
  const json& array(const json& value, const std::string& field) const {
    if (!value.is_array()) fail(field, "must be an array");
    return value;
  }
  std::string string(const json& value, const std::string& field) const {
    if (!value.is_string()) fail(field, "must be a string");
    return value.get<std::string>();
  }
  int64_t integer(const json& value, const std::string& field) const {
    if (!value.is_number_integer()) fail(field, "must be an integer");
    return value.get<int64_t>();
  }
  int64_t id(const json& value, const std::string& field) const {
    const int64_t v = integer(value, field);
    if (v < 0) fail(field, "must not be negative");
    return v;
  }
  bool boolean(const json& object, const char* key, const std::string& parent, bool fallback) const {
    const json* v = find(object, key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(parent + "." + key, "must be true or false");
    return v->get<bool>();
  }
  const json& required(const json& object, const char* key, const std::string& parent) const {
    const json* v = find(object, key);
    if (!v) fail(parent.empty() ? key : parent + "." + key, "is missing");
    return *v;
  }
  std::string type(const json& object, const std::string& field) const {
    return string(required(this->object(object, field), "type", field), field + ".type");
  }

 private:
  std::string origin_;
};

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::vector<AddedToken> read_added_tokens(const Reader& r, const json& root) {
  std::vector<AddedToken> tokens;
  const json* list = r.find(root, "added_tokens");
  if (!list) return tokens;
  r.array(*list, "added_tokens");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string field = "added_tokens[" + std::to_string(i) + "]";
    const json& item = r.object((*list)[i], field);
    AddedToken t;
    t.id = r.id(r.required(item, "id", field), field + ".id");
    t.content = r.string(r.required(item, "content", field), field + ".content");
    t.special = r.boolean(item, "special", field, false);
    t.normalized = r.boolean(item, "normalized", field, !t.special);
    t.lstrip = r.boolean(item, "lstrip", field, false);
    t.rstrip = r.boolean(item, "rstrip", field, false);
    t.single_word = r.boolean(item, "single_word", field, false);
    tokens.push_back(std::move(t));
  }
  return tokens;
}

std::optional<BertNormalizer> read_normalizer(const Reader& r, const json& root) {
  const json* n = r.find(root, "normalizer");
  if (!n) return std::nullopt;
  const std::string type = r.type(*n, "normalizer");
  if (type != "BertNormalizer") r.fail("normalizer.type", "is " + quoted(type) + ", expected 'BertNormalizer' or null");
  BertNormalizer out;
  out.clean_text = r.boolean(*n, "clean_text", "normalizer", true);
  out.handle_chinese_chars = r.boolean(*n, "handle_chinese_chars", "normalizer", true);
  out.lowercase = r.boolean(*n, "lowercase", "normalizer", true);
  if (r.find(*n, "strip_accents")) out.strip_accents = r.boolean(*n, "strip_accents", "normalizer", false);
  return out;
}

bool read_pre_tokenizer(const Reader& r, const json& root) {
  const json* p = r.find(root, "pre_tokenizer");
  if (!p) return false;
  const std::string type = r.type(*p, "pre_tokenizer");
  if (type != "BertPreTokenizer") {
    r.fail("pre_tokenizer.type", "is " + quoted(type) + ", expected 'BertPreTokenizer' or null");
  }
  return true;
}

std::vector<TemplatePiece> read_template(const Reader& r, const json& list, const std::string& field, bool is_pair) {
  std::vector<TemplatePiece> pieces;
  r.array(list, field);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string item_field = field + "[" + std::to_string(i) + "]";
    const json& item = r.object(list[i], item_field);
    TemplatePiece piece;
    const json* body = nullptr;
    if ((body = r.find(item, "Sequence"))) {
      const std::string name = r.string(r.required(*body, "id", item_field + ".Sequence"), item_field + ".Sequence.id");
      if (name == "A") {
        piece.kind = TemplatePiece::kSequenceA;
      } else if (name == "B" && is_pair) {
        piece.kind = TemplatePiece::kSequenceB;
      } else {
        r.fail(item_field + ".Sequence.id", "is " + quoted(name) + ", expected 'A'" + (is_pair ? " or 'B'" : ""));
      }
      body = &r.object(*body, item_field + ".Sequence");
    } else if ((body = r.find(item, "SpecialToken"))) {
      body = &r.object(*body, item_field + ".SpecialToken");
      piece.kind = TemplatePiece::kSpecialToken;
      piece.special = r.string(r.required(*body, "id", item_field + ".SpecialToken"), item_field + ".SpecialToken.id");
    } else {
      r.fail(item_field, "must hold 'Sequence' or 'SpecialToken'");
    }
    if (const json* type_id = r.find(*body, "type_id")) piece.type_id = r.id(*type_id, item_field + ".type_id");
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

TemplateProcessor read_template_processing(const Reader& r, const json& p) {
  TemplateProcessor t;
  t.single = read_template(r, r.required(p, "single", "post_processor"), "post_processor.single", false);
  t.pair = read_template(r, r.required(p, "pair", "post_processor"), "post_processor.pair", true);
  if (const json* specials = r.find(p, "special_tokens")) {
    for (const auto& [key, value] : r.object(*specials, "post_processor.special_tokens").items()) {
      const std::string field = "post_processor.special_tokens." + key;
      r.object(value, field);
      TemplateSpecialToken special;
      for (const json& id : r.array(r.required(value, "ids", field), field + ".ids")) {
        special.ids.push_back(r.id(id, field + ".ids"));
      }
      if (const json* tokens = r.find(value, "tokens")) {
        for (const json& token : r.array(*tokens, field + ".tokens")) {
          special.tokens.push_back(r.string(token, field + ".tokens"));
        }
      }
      t.special_tokens[key] = std::move(special);
    }
  }
  for (const auto* pieces : {&t.single, &t.pair}) {
    for (const TemplatePiece& piece : *pieces) {
      if (piece.kind == TemplatePiece::kSpecialToken && !t.special_tokens.count(piece.special)) {
        r.fail("post_processor", "uses " + quoted(piece.special) + ", which is not in its special_tokens");
      }
    }
  }
  return t;
}

TemplateProcessor read_post_processor(const Reader& r, const json& root) {
  const json* p = r.find(root, "post_processor");
  if (!p) return TemplateProcessor{};
  const std::string type = r.type(*p, "post_processor");
  if (type == "TemplateProcessing") return read_template_processing(r, *p);
  if (type == "BertProcessing") {
    // "cls": ["[CLS]", 101] and "sep": ["[SEP]", 102].
    auto named_id = [&](const char* key) {
      const std::string field = std::string("post_processor.") + key;
      const json& v = r.array(r.required(*p, key, "post_processor"), field);
      if (v.size() != 2) r.fail(field, "must be [token, id]");
      return std::make_pair(r.string(v[0], field + "[0]"), r.id(v[1], field + "[1]"));
    };
    const auto [cls, cls_id] = named_id("cls");
    const auto [sep, sep_id] = named_id("sep");
    return TemplateProcessor::bert(cls, cls_id, sep, sep_id);
  }
  r.fail("post_processor.type", "is " + quoted(type) + ", expected 'TemplateProcessing', 'BertProcessing' or null");
}

WordPieceModel read_model(const Reader& r, const json& root) {
  const json& m = r.required(root, "model", "");
  const std::string type = r.type(m, "model");
  if (type != "WordPiece") r.fail("model.type", "is " + quoted(type) + ", expected 'WordPiece'");
  const json& vocab_json = r.object(r.required(m, "vocab", "model"), "model.vocab");
  std::vector<std::string> vocab(vocab_json.size());
  std::vector<bool> seen(vocab_json.size(), false);
  for (const auto& [token, value] : vocab_json.items()) {
    const int64_t id = r.id(value, "model.vocab." + token);
    if (static_cast<size_t>(id) >= vocab.size() || seen[static_cast<size_t>(id)]) {
      r.fail("model.vocab", "ids must be 0.." + std::to_string(vocab.size() - 1) +
                                ", each once (bad: " + quoted(token) + " -> " + std::to_string(id) + ")");
    }
    seen[static_cast<size_t>(id)] = true;
    vocab[static_cast<size_t>(id)] = token;
  }
  if (vocab.empty()) r.fail("model.vocab", "is empty");
  auto string_or = [&](const char* key, const char* fallback) {
    const json* v = r.find(m, key);
    return v ? r.string(*v, std::string("model.") + key) : std::string(fallback);
  };
  size_t max_chars = 100;
  if (const json* v = r.find(m, "max_input_chars_per_word")) {
    max_chars = static_cast<size_t>(r.id(*v, "model.max_input_chars_per_word"));
  }
  return WordPieceModel(std::move(vocab), string_or("unk_token", "[UNK]"), string_or("continuing_subword_prefix", "##"),
                        max_chars);
}

ordered_json template_json(const std::vector<TemplatePiece>& pieces) {
  ordered_json list = ordered_json::array();
  for (const TemplatePiece& piece : pieces) {
    const bool special = piece.kind == TemplatePiece::kSpecialToken;
    const std::string id = special ? piece.special : piece.kind == TemplatePiece::kSequenceA ? "A" : "B";
    list.push_back({{special ? "SpecialToken" : "Sequence", {{"id", id}, {"type_id", piece.type_id}}}});
  }
  return list;
}

}  // namespace

TokenizerSpec parse_tokenizer_json(const std::string& text, const std::string& origin) {
  const Reader r(origin);
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(origin + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  r.object(root, "top level");
  TokenizerSpec spec;
  spec.model = read_model(r, root);
  spec.added_tokens = read_added_tokens(r, root);
  spec.normalizer = read_normalizer(r, root);
  spec.bert_pre_tokenizer = read_pre_tokenizer(r, root);
  spec.post_processor = read_post_processor(r, root);
  return spec;
}

std::string tokenizer_json(const TokenizerSpec& spec) {
  ordered_json root;
  root["version"] = "1.0";
  root["truncation"] = nullptr;
  root["padding"] = nullptr;
  ordered_json added = ordered_json::array();
  for (const AddedToken& t : spec.added_tokens) {
    added.push_back({{"id", t.id},
                     {"content", t.content},
                     {"single_word", t.single_word},
                     {"lstrip", t.lstrip},
                     {"rstrip", t.rstrip},
                     {"normalized", t.normalized},
                     {"special", t.special}});
  }
  root["added_tokens"] = added;
  if (const auto& n = spec.normalizer) {
    root["normalizer"] = {{"type", "BertNormalizer"},
                          {"clean_text", n->clean_text},
                          {"handle_chinese_chars", n->handle_chinese_chars},
                          {"strip_accents", n->strip_accents ? ordered_json(*n->strip_accents) : ordered_json()},
                          {"lowercase", n->lowercase}};
  } else {
    root["normalizer"] = nullptr;
  }
  root["pre_tokenizer"] = spec.bert_pre_tokenizer ? ordered_json{{"type", "BertPreTokenizer"}} : ordered_json();
  ordered_json specials = ordered_json::object();
  for (const auto& [key, special] : spec.post_processor.special_tokens) {
    specials[key] = {{"id", key}, {"ids", special.ids}, {"tokens", special.tokens}};
  }
  root["post_processor"] = {{"type", "TemplateProcessing"},
                            {"single", template_json(spec.post_processor.single)},
                            {"pair", template_json(spec.post_processor.pair)},
                            {"special_tokens", specials}};
  const WordPieceModel& m = spec.model;
  root["decoder"] = {{"type", "WordPiece"}, {"prefix", m.continuing_subword_prefix()}, {"cleanup", true}};
  // Built in one go: inserting keys one by one into an ordered object is quadratic.
  std::vector<std::pair<const std::string, ordered_json>> entries;
  entries.reserve(m.vocab().size());
  for (size_t i = 0; i < m.vocab().size(); ++i) entries.emplace_back(m.vocab()[i], i);
  const ordered_json vocab = ordered_json::object_t(entries.begin(), entries.end());
  root["model"] = {{"type", "WordPiece"},
                   {"unk_token", m.unk_token()},
                   {"continuing_subword_prefix", m.continuing_subword_prefix()},
                   {"max_input_chars_per_word", m.max_input_chars_per_word()},
                   {"vocab", vocab}};
  return root.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace peft::text
