// Metric bundles for classification and regression evaluations. See metric_set.h.
#include "eval/metric_set.h"

#include "eval/check.h"
#include "eval/metrics.h"

namespace peft::eval {

std::map<std::string, double> classification_metrics(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold,
                                                     int64_t num_classes) {
  return {{"accuracy", accuracy(pred, gold)},
          {"f1", num_classes == 2 ? f1_binary(pred, gold) : f1_macro(pred, gold, num_classes)},
          {"mcc", matthews_corrcoef(pred, gold)}};
}

std::map<std::string, double> regression_metrics(const std::vector<double>& pred, const std::vector<double>& gold) {
  check_pair(pred, gold, "regression_metrics");
  double squared_error = 0;
  for (size_t i = 0; i < gold.size(); ++i) squared_error += (pred[i] - gold[i]) * (pred[i] - gold[i]);
  return {{"pearson", pearson(pred, gold)},
          {"spearman", spearman(pred, gold)},
          {"mse", squared_error / static_cast<double>(gold.size())}};
}

}  // namespace peft::eval
