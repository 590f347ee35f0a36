#include "train/evaluate.h"

#include <algorithm>
#include <numeric>

#include "eval/metric_set.h"
#include "eval/metrics.h"
#include "train/batch.h"
#include "train/precision.h"

namespace peft::train {

using models::TaskKind;

Predictions predict(models::TaskModelImpl& model, const TaskData& data, const methods::TaskInfo& task,
                    int64_t batch_size, const torch::Device& device, int64_t pad_id,
                    std::optional<torch::ScalarType> autocast, std::optional<int64_t> prompt) {
  const c10::InferenceMode inference;  // no autograd state at all: no graph, no version counters
  const bool was_training = model.is_training();
  model.eval();
  const size_t n = data.features.size();
  Predictions out;
  out.logits.resize(n);
  if (task.kind == TaskKind::TokenClassification) out.tags.resize(n);
  else if (task.kind == TaskKind::Regression) out.scores.resize(n);
  else out.classes.resize(n);
  // Longest first, so each batch pads little; results go back to the data's order.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return data.features[a].input_ids.size() > data.features[b].input_ids.size();
  });
  for (size_t start = 0; start < n; start += batch_size) {
    const size_t count = std::min<size_t>(batch_size, n - start);
    auto batch = collate(data.features, order.data() + start, count, task.kind, pad_id);
    auto ctx = model.default_context();
    if (prompt) ctx.prompt_rows = torch::full({int64_t(count)}, *prompt, torch::dtype(torch::kLong).device(device));
    auto logits = forward_fp32_logits(model, batch.inputs.to(device), autocast, &ctx).to(torch::kCPU);
    for (size_t b = 0; b < count; ++b) {
      const size_t i = order[start + b];
      const auto& f = data.features[i];
      auto row = logits[b];
      if (task.kind == TaskKind::TokenClassification) {
        row = row.narrow(0, 0, static_cast<int64_t>(f.input_ids.size()));
        auto best = row.argmax(-1);
        std::vector<std::string> tags(f.num_words, "O");
        for (size_t i = 0; i < f.word_ids.size(); ++i) {
          const int w = f.word_ids[i];
          if (w >= 0 && (i == 0 || f.word_ids[i - 1] != w)) tags[w] = task.labels[best[i].item<int64_t>()];
        }
        out.tags[i] = std::move(tags);
      } else if (task.kind == TaskKind::Regression) {
        out.scores[i] = row.item<double>();
      } else {
        out.classes[i] = row.argmax().item<int64_t>();
      }
      out.logits[i] = row.clone();
    }
  }
  if (was_training) model.train();
  return out;
}

std::map<std::string, double> score(const Predictions& p, const TaskData& data, const methods::TaskInfo& task) {
  if (!data.has_labels) return {};
  if (task.kind == TaskKind::TokenClassification) {
    auto e = eval::entity_f1(data.gold_tags, p.tags);
    size_t right = 0, total = 0;
    for (size_t s = 0; s < p.tags.size(); ++s)
      for (size_t w = 0; w < p.tags[s].size(); ++w, ++total) right += p.tags[s][w] == data.gold_tags[s][w];
    return {{"entity_f1", e.f1}, {"entity_precision", e.precision}, {"entity_recall", e.recall},
            {"token_accuracy", double(right) / double(std::max<size_t>(total, 1))}};
  }
  if (task.kind == TaskKind::Regression) {
    std::vector<double> gold;
    for (const auto& f : data.features) gold.push_back(f.score);
    return eval::regression_metrics(p.scores, gold);
  }
  std::vector<int64_t> gold;
  for (const auto& f : data.features) gold.push_back(f.label);
  return eval::classification_metrics(p.classes, gold, static_cast<int64_t>(task.labels.size()));
}

std::string default_metric(const methods::TaskInfo& task) {
  switch (task.kind) {
    case TaskKind::Regression: return "pearson";
    case TaskKind::TokenClassification: return "entity_f1";
    default: return "accuracy";
  }
}

}  // namespace peft::train
