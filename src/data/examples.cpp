// Reading Examples from TSV / CSV tables and JSONL objects, dispatched on the file extension.
// See examples.h.
#include "data/examples.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "data/table.h"
#include "data/text_lines.h"
#include "data/utf8.h"
#include "io/atomic_file.h"

namespace peft::data {
namespace {

using nlohmann::json;

std::string at(const std::string& path, size_t line) { return path + ":" + std::to_string(line); }

std::vector<Example> from_table(const Table& table, const Columns& columns, const std::string& path) {
  const ColumnChoice choice = choose_columns(columns, table.header, at(path, table.header_line));
  constexpr size_t kNone = static_cast<size_t>(-1);  // column not chosen
  auto index_of = [&](const std::optional<std::string>& name) {
    if (!name) return kNone;
    return static_cast<size_t>(std::find(table.header.begin(), table.header.end(), *name) - table.header.begin());
  };
  const size_t a = index_of(choice.text_a), b = index_of(choice.text_b), label = index_of(choice.label);

  std::vector<Example> examples;
  examples.reserve(table.rows.size());
  for (const Row& row : table.rows) {
    Example ex;
    ex.text_a = row.fields[a];
    if (b != kNone) ex.text_b = row.fields[b];
    if (label != kNone) ex.label = row.fields[label];
    ex.line = row.line;
    examples.push_back(std::move(ex));
  }
  return examples;
}

// Error-message form of a JSON exception: the part after nlohmann's "[json.exception...] " tag.
std::string json_message(const json::exception& e) {
  const std::string what = e.what();
  const size_t tag_end = what.find("] ");
  return tag_end == std::string::npos ? what : what.substr(tag_end + 2);
}

const json& field(const json& object, const std::string& name, const std::string& where) {
  const auto it = object.find(name);
  require(it != object.end(), where + ": field '" + name + "' missing");
  return *it;
}

std::string text_field(const json& object, const std::string& name, const std::string& where) {
  const json& value = field(object, name, where);
  require(value.is_string(), where + ": field '" + name + "' must be a string, found " + value.type_name());
  return value.get<std::string>();
}

std::string label_field(const json& object, const std::string& name, const std::string& where) {
  const json& value = field(object, name, where);
  if (value.is_string()) return value.get<std::string>();
  require(value.is_number(), where + ": field '" + name + "' must be a string or number, found " + value.type_name());
  return value.dump();
}

std::vector<Example> from_jsonl(std::string_view text, const Columns& columns, const std::string& path) {
  require_utf8(text, path);  // before nlohmann, whose message for it names neither line nor byte
  const std::vector<std::string_view> lines = split_lines(text);
  std::optional<ColumnChoice> choice;  // fixed by the first object
  std::vector<Example> examples;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string where = at(path, i + 1);
    json object;
    try {
      object = json::parse(lines[i]);
    } catch (const json::parse_error& e) {
      throw Error(where + ": invalid JSON: " + json_message(e));
    }
    require(object.is_object(), where + ": expected a JSON object, found " + object.type_name());
    if (!choice) {
      std::vector<std::string> keys;
      for (const auto& item : object.items()) keys.push_back(item.key());
      choice = choose_columns(columns, keys, where);
    }
    Example ex;
    ex.text_a = text_field(object, choice->text_a, where);
    if (choice->text_b) ex.text_b = text_field(object, *choice->text_b, where);
    if (choice->label) ex.label = label_field(object, *choice->label, where);
    ex.line = i + 1;
    examples.push_back(std::move(ex));
  }
  return examples;
}

}  // namespace

std::vector<Example> read_examples(const std::string& path, const Columns& columns) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  require(ext == ".tsv" || ext == ".csv" || ext == ".jsonl",
          path + ": unsupported extension '" + ext + "' (expected .tsv, .csv or .jsonl)");
  const std::string text = io::read_file(path);
  if (ext == ".jsonl") return from_jsonl(text, columns, path);
  return from_table(ext == ".tsv" ? parse_tsv(text, path) : parse_csv(text, path), columns, path);
}

}  // namespace peft::data
