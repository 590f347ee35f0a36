// Turns task files into model features: finds the task kind and label set from the training file, then
// tokenizes sentence(-pair) examples or CoNLL sentences (labels on each word's first word piece).
#pragma once
#include <string>
#include <vector>

#include "data/columns.h"
#include "methods/peft_model.h"
#include "text/wordpiece_tokenizer.h"

namespace peft::train {

struct Feature {
  std::vector<int64_t> input_ids, token_type_ids;
  int64_t label = -100;              // class id (classification)
  double score = 0;                  // target (regression)
  std::vector<int64_t> token_labels; // per token, -100 where not scored (tagging)
  std::vector<int> word_ids;         // per token: source word or -1 (tagging)
  size_t num_words = 0;              // words in the source sentence (tagging)
};

struct TaskData {
  std::string path;
  std::vector<Feature> features;
  std::vector<std::vector<std::string>> gold_tags;  // tagging: per sentence, per word
  std::vector<std::string> texts;                   // the source text of each example, for predict
  bool has_labels = true;
};

// task: "auto" (".conll" files tag, numeric non-integer labels regress, else classify) or a task name.
methods::TaskInfo infer_task(const std::string& train_path, const data::Columns& columns, const std::string& task,
                             int64_t max_length);
TaskData load_task_data(const std::string& path, const data::Columns& columns, const methods::TaskInfo& task,
                        const text::WordPieceTokenizer& tokenizer);

}  // namespace peft::train
