// Classification metrics over class ids: accuracy, F1 (binary and macro), Matthews correlation.
// See metrics.h.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "eval/check.h"
#include "eval/metrics.h"

namespace peft::eval {
namespace {

// 2TP / (2TP + FP + FN) for class c, 0 when the class appears nowhere.
double class_f1(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold, int64_t c) {
  size_t tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    tp += pred[i] == c && gold[i] == c;
    fp += pred[i] == c && gold[i] != c;
    fn += pred[i] != c && gold[i] == c;
  }
  const size_t denominator = 2 * tp + fp + fn;
  return denominator == 0 ? 0.0 : 2.0 * static_cast<double>(tp) / static_cast<double>(denominator);
}

}  // namespace

double accuracy(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold) {
  check_pair(pred, gold, "accuracy");
  size_t correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) correct += pred[i] == gold[i];
  return static_cast<double>(correct) / static_cast<double>(gold.size());
}

double f1_binary(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold, int64_t positive) {
  check_pair(pred, gold, "f1_binary");
  return class_f1(pred, gold, positive);
}

double f1_macro(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold, int64_t num_classes) {
  check_pair(pred, gold, "f1_macro");
  std::set<int64_t> classes(gold.begin(), gold.end());
  classes.insert(pred.begin(), pred.end());
  require(*classes.begin() >= 0 && *classes.rbegin() < num_classes,
          "f1_macro: class ids must lie in [0, " + std::to_string(num_classes) + "), found " +
              std::to_string(*classes.begin() < 0 ? *classes.begin() : *classes.rbegin()));
  double sum = 0;
  for (int64_t c : classes) sum += class_f1(pred, gold, c);
  return sum / static_cast<double>(classes.size());
}

double matthews_corrcoef(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold) {
  check_pair(pred, gold, "matthews_corrcoef");
  // R_K = (n*c - sum_k p_k t_k) / sqrt((n^2 - sum_k p_k^2) (n^2 - sum_k t_k^2)),
  // c = correct count, p_k / t_k = how often class k is predicted / gold.
  std::map<int64_t, double> predicted, true_count;
  double correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    predicted[pred[i]] += 1;
    true_count[gold[i]] += 1;
    correct += pred[i] == gold[i];
  }
  const double n = static_cast<double>(gold.size());
  double pt = 0, pp = 0, tt = 0;
  for (const auto& [k, p] : predicted) {
    pp += p * p;
    const auto it = true_count.find(k);
    if (it != true_count.end()) pt += p * it->second;
  }
  for (const auto& [k, t] : true_count) tt += t * t;
  const double denominator = std::sqrt((n * n - pp) * (n * n - tt));
  return denominator == 0 ? 0.0 : (n * correct - pt) / denominator;
}

}  // namespace peft::eval
