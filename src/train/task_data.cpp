#include "train/task_data.h"

#include <algorithm>

#include "core/error.h"
#include "data/conll.h"
#include "data/examples.h"
#include "data/labels.h"
#include "train/cloze_encoding.h"

namespace peft::train {
namespace {

using models::TaskKind;

bool is_conll(const std::string& path) {
  auto dot = path.rfind('.');
  return dot != std::string::npos && (path.substr(dot) == ".conll" || path.substr(dot) == ".conllu");
}

bool all_integers(const std::vector<std::string>& labels) {
  return std::all_of(labels.begin(), labels.end(), [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin() + (s[0] == '-'), s.end(), ::isdigit);
  });
}

bool all_numbers(const std::vector<std::string>& labels) {
  return std::all_of(labels.begin(), labels.end(), [](const std::string& s) {
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return !s.empty() && end && *end == '\0';
  });
}

TaskData load_tagging(const std::string& path, const methods::TaskInfo& task, const text::WordPieceTokenizer& tok) {
  TaskData data;
  data.path = path;
  data::LabelMap labels(task.labels);
  for (const auto& sentence : data::read_conll(path)) {
    auto enc = tok.encode_words(sentence.tokens, task.max_length);
    Feature f;
    f.input_ids = enc.input_ids;
    f.token_type_ids = enc.token_type_ids;
    f.word_ids = enc.word_ids;
    f.num_words = sentence.tokens.size();
    f.token_labels.assign(enc.input_ids.size(), -100);
    for (size_t i = 0; i < enc.word_ids.size(); ++i) {
      const int w = enc.word_ids[i];
      const bool first_piece = w >= 0 && (i == 0 || enc.word_ids[i - 1] != w);
      if (first_piece) f.token_labels[i] = labels.id(sentence.tags[w]);
    }
    data.features.push_back(std::move(f));
    data.gold_tags.push_back(sentence.tags);
    std::string text;
    for (const auto& t : sentence.tokens) text += (text.empty() ? "" : " ") + t;
    data.texts.push_back(text);
  }
  require(!data.features.empty(), path + ": no sentences");
  return data;
}

}  // namespace

methods::TaskInfo infer_task(const std::string& path, const data::Columns& columns, const std::string& task,
                             int64_t max_length) {
  methods::TaskInfo info;
  info.max_length = max_length;
  require(max_length >= 8, "--max-length must be at least 8");
  std::vector<std::string> labels;
  const bool conll = is_conll(path);
  if (conll) {
    for (const auto& s : data::read_conll(path)) labels.insert(labels.end(), s.tags.begin(), s.tags.end());
  } else {
    for (const auto& e : data::read_examples(path, columns)) labels.push_back(e.label);
  }
  require(!labels.empty(), path + ": no examples");
  if (task == "auto") {
    info.kind = conll ? TaskKind::TokenClassification
                      : (all_numbers(labels) && !all_integers(labels) ? TaskKind::Regression
                                                                       : TaskKind::SequenceClassification);
  } else {
    info.kind = models::parse_task_kind(task);
    require(info.kind != TaskKind::MaskedLM, "task 'mlm' is trained with `peft pretrain`");
    require((info.kind == TaskKind::TokenClassification) == conll,
            path + ": task '" + task + "' needs " + (conll ? "a .tsv/.csv/.jsonl" : "a .conll") + " file");
  }
  if (info.kind != TaskKind::Regression) {
    for (const auto& l : labels) require(!l.empty(), path + ": an example has no label");
    info.labels = data::LabelMap::from_labels(labels).names();
  }
  return info;
}

TaskData load_task_data(const std::string& path, const data::Columns& columns, const methods::TaskInfo& task,
                        const text::WordPieceTokenizer& tok) {
  if (task.kind == TaskKind::TokenClassification) return load_tagging(path, task, tok);
  TaskData data;
  data.path = path;
  std::optional<data::LabelMap> labels;
  if (task.kind == TaskKind::SequenceClassification || task.kind == TaskKind::Cloze) labels.emplace(task.labels);
  for (const auto& e : data::read_examples(path, columns)) {
    const auto where = path + ":" + std::to_string(e.line);
    const auto* b = e.text_b ? &*e.text_b : nullptr;
    text::Encoding enc;
    try {
      enc = task.cloze ? encode_cloze(*task.cloze, e.text_a, b, tok, task.max_length)
                       : tok.encode(e.text_a, b, task.max_length);
    } catch (const Error& err) {
      throw Error(where + ": " + err.what());
    }
    Feature f;
    f.input_ids = std::move(enc.input_ids);
    f.token_type_ids = std::move(enc.token_type_ids);
    if (e.label.empty()) {
      data.has_labels = false;
    } else if (labels) {
      try {
        f.label = labels->id(e.label);
      } catch (const Error& err) {
        throw Error(where + ": " + err.what());
      }
    } else {
      f.score = data::parse_score(e.label, where);
    }
    data.features.push_back(std::move(f));
    data.texts.push_back(e.text_b ? e.text_a + "\t" + *e.text_b : e.text_a);
  }
  require(!data.features.empty(), path + ": no examples");
  return data;
}

}  // namespace peft::train
