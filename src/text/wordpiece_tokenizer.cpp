// The BERT WordPiece tokenizer, compatible with HF tokenizers: loads tokenizer.json or vocab.txt,
// turns text (or pre-split words) into ids with special tokens and truncation, and saves both files.
#include "text/wordpiece_tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/atomic_file.h"
#include "text/pre_tokenizer.h"
#include "text/tokenizer_json.h"
#include "text/unicode.h"

namespace peft::text {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The parts of transformers' tokenizer_config.json that shape a BERT tokenizer.
void read_tokenizer_config(const std::string& path, SpecialTokenNames& names, BertNormalizer& normalizer) {
  json config;
  try {
    config = json::parse(io::read_file(path));
  } catch (const json::parse_error& e) {
    throw Error(path + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  require(config.is_object(), path + ": top level must be an object");
  auto flag = [&](const char* key, auto apply) {
    const auto it = config.find(key);
    if (it == config.end() || it->is_null()) return;
    require(it->is_boolean(), path + ": " + key + " must be true or false");
    apply(it->get<bool>());
  };
  flag("do_lower_case", [&](bool v) { normalizer.lowercase = v; });
  flag("strip_accents", [&](bool v) { normalizer.strip_accents = v; });
  flag("tokenize_chinese_chars", [&](bool v) { normalizer.handle_chinese_chars = v; });
  // Older files store a special token as an AddedToken object: {"content": "[CLS]", ...}.
  auto name = [&](const char* key, std::string& out) {
    const auto it = config.find(key);
    if (it == config.end() || it->is_null()) return;
    const json& v = it->is_object() && it->contains("content") ? (*it)["content"] : *it;
    require(v.is_string(), path + ": " + key + " must be a string");
    out = v.get<std::string>();
  };
  name("pad_token", names.pad);
  name("unk_token", names.unk);
  name("cls_token", names.cls);
  name("sep_token", names.sep);
  name("mask_token", names.mask);
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(TokenizerSpec spec, SpecialTokenNames names, const std::string& origin)
    : spec_(std::move(spec)), names_(std::move(names)) {
  require(spec_.model.unk_id().has_value(),
          origin + ": unk_token '" + spec_.model.unk_token() + "' is not in the vocabulary");
  const BertNormalizer* normalizer = spec_.normalizer ? &*spec_.normalizer : nullptr;
  raw_matcher_ = AddedTokenMatcher(spec_.added_tokens, false, normalizer);
  normalized_matcher_ = AddedTokenMatcher(spec_.added_tokens, true, normalizer);
}

WordPieceTokenizer WordPieceTokenizer::load(const std::string& model_dir) {
  const fs::path dir(model_dir);
  SpecialTokenNames names;
  BertNormalizer normalizer;
  if (fs::exists(dir / "tokenizer_config.json")) {
    read_tokenizer_config((dir / "tokenizer_config.json").string(), names, normalizer);
  }
  if (fs::exists(dir / "tokenizer.json")) {
    const std::string path = (dir / "tokenizer.json").string();
    return WordPieceTokenizer(parse_tokenizer_json(io::read_file(path), path), names, path);
  }
  if (fs::exists(dir / "vocab.txt")) {
    const std::string path = (dir / "vocab.txt").string();
    return from_vocab_with(read_vocab_txt(path), normalizer, names, path);
  }
  throw Error(model_dir + ": no tokenizer.json or vocab.txt");
}

WordPieceTokenizer WordPieceTokenizer::from_tokenizer_json(const std::string& path) {
  return WordPieceTokenizer(parse_tokenizer_json(io::read_file(path), path), SpecialTokenNames{}, path);
}

WordPieceTokenizer WordPieceTokenizer::from_vocab_txt(const std::string& path, bool lowercase) {
  BertNormalizer normalizer;
  normalizer.lowercase = lowercase;
  return from_vocab_with(read_vocab_txt(path), normalizer, SpecialTokenNames{}, path);
}

WordPieceTokenizer WordPieceTokenizer::from_vocab(std::vector<std::string> vocab, bool lowercase) {
  BertNormalizer normalizer;
  normalizer.lowercase = lowercase;
  return from_vocab_with(std::move(vocab), normalizer, SpecialTokenNames{}, "vocabulary");
}

WordPieceTokenizer WordPieceTokenizer::from_vocab_with(std::vector<std::string> vocab, BertNormalizer normalizer,
                                                       SpecialTokenNames names, const std::string& origin) {
  require(!vocab.empty(), origin + ": empty vocabulary");
  TokenizerSpec spec;
  spec.model = WordPieceModel(std::move(vocab), names.unk);
  spec.normalizer = normalizer;
  // As transformers does for BERT, the special tokens become added tokens, matched in the raw text.
  for (const std::string* name : {&names.pad, &names.unk, &names.cls, &names.sep, &names.mask}) {
    const auto id = spec.model.id(*name);
    const bool listed = std::any_of(spec.added_tokens.begin(), spec.added_tokens.end(),
                                    [&](const AddedToken& t) { return t.content == *name; });
    if (id && !listed) spec.added_tokens.push_back({*id, *name, true, false, false, false, false});
  }
  std::sort(spec.added_tokens.begin(), spec.added_tokens.end(),
            [](const AddedToken& a, const AddedToken& b) { return a.id < b.id; });
  const auto cls = spec.model.id(names.cls), sep = spec.model.id(names.sep);
  require(cls.has_value(), origin + ": '" + names.cls + "' is not in the vocabulary");
  require(sep.has_value(), origin + ": '" + names.sep + "' is not in the vocabulary");
  spec.post_processor = TemplateProcessor::bert(names.cls, *cls, names.sep, *sep);
  return WordPieceTokenizer(std::move(spec), std::move(names), origin);
}

void WordPieceTokenizer::append(const std::string& text, std::optional<int> word, size_t limit, Encoding& out) const {
  const size_t start = out.size();
  int next_word = 0;
  auto end_word = [&] {
    out.word_ids.resize(out.input_ids.size(), word.value_or(next_word));
    if (!word) ++next_word;
  };
  const std::u32string raw = decode_utf8(text);
  std::string utf8;
  for (const TextPiece& piece : raw_matcher_.split(raw)) {
    if (piece.id >= 0) {
      out.input_ids.push_back(piece.id);
      end_word();
      continue;
    }
    const std::u32string normalized =
        spec_.normalizer ? spec_.normalizer->normalize(piece.text) : std::u32string(piece.text);
    for (const TextPiece& inner : normalized_matcher_.split(normalized)) {
      if (inner.id >= 0) {
        out.input_ids.push_back(inner.id);
        end_word();
        continue;
      }
      const auto words =
          spec_.bert_pre_tokenizer ? bert_pre_tokenize(inner.text) : std::vector<std::u32string_view>{inner.text};
      for (std::u32string_view w : words) {
        if (w.empty()) continue;
        utf8.clear();
        append_utf8(utf8, w);
        spec_.model.tokenize(utf8, out.input_ids);
        end_word();
        // HF checks the limit after words of the model only, not after added tokens.
        if (limit > 0 && out.size() - start >= limit) return;
      }
    }
  }
}

Encoding WordPieceTokenizer::finish(Encoding a, Encoding* b, size_t max_length) const {
  if (max_length > 0) {
    const size_t added = spec_.post_processor.added_tokens(b != nullptr);
    require(max_length >= added, "max_length " + std::to_string(max_length) + " is less than the " +
                                     std::to_string(added) + " special tokens the tokenizer adds");
    truncate_longest_first(a, b, max_length - added);
  }
  return spec_.post_processor.apply(a, b);
}

std::vector<int64_t> WordPieceTokenizer::tokenize(const std::string& text) const {
  Encoding e;
  append(text, std::nullopt, 0, e);
  return std::move(e.input_ids);
}

// Like HF tokenizers 0.23, each sequence stops at the first word boundary where it holds max_length
// tokens: this saves work on long texts and decides which sequence of a pair counts as the longer one.
Encoding WordPieceTokenizer::encode(const std::string& a, const std::string* b, size_t max_length) const {
  Encoding first;
  append(a, std::nullopt, max_length, first);
  if (!b) return finish(std::move(first), nullptr, max_length);
  Encoding second;
  append(*b, std::nullopt, max_length, second);
  return finish(std::move(first), &second, max_length);
}

Encoding WordPieceTokenizer::encode_words(const std::vector<std::string>& words, size_t max_length) const {
  Encoding e;
  for (size_t i = 0; i < words.size() && (max_length == 0 || e.size() < max_length); ++i) {
    append(words[i], static_cast<int>(i), 0, e);
  }
  return finish(std::move(e), nullptr, max_length);
}

void WordPieceTokenizer::save(const std::string& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  require(!ec, dir + ": cannot create directory: " + ec.message());
  io::write_file_atomic((fs::path(dir) / "vocab.txt").string(), vocab_txt(spec_.model.vocab()));
  io::write_file_atomic((fs::path(dir) / "tokenizer.json").string(), tokenizer_json(spec_));
}

size_t WordPieceTokenizer::vocab_size() const {
  size_t n = spec_.model.vocab().size();
  for (const AddedToken& t : spec_.added_tokens) n = std::max(n, static_cast<size_t>(t.id) + 1);
  return n;
}

const std::string& WordPieceTokenizer::token(int64_t id) const {
  for (const AddedToken& t : spec_.added_tokens) {
    if (t.id == id) return t.content;
  }
  const auto& vocab = spec_.model.vocab();
  require(id >= 0 && static_cast<size_t>(id) < vocab.size(),
          "token id " + std::to_string(id) + " is out of range (vocabulary of " + std::to_string(vocab_size()) + ")");
  return vocab[static_cast<size_t>(id)];
}

std::optional<int64_t> WordPieceTokenizer::id(const std::string& token) const {
  for (const AddedToken& t : spec_.added_tokens) {
    if (t.content == token) return t.id;
  }
  return spec_.model.id(token);
}

int64_t WordPieceTokenizer::special_id(const std::string& name) const {
  const auto found = id(name);
  require(found.has_value(), "tokenizer: no '" + name + "' token in the vocabulary");
  return *found;
}

}  // namespace peft::text
