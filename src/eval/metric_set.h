// The standard bundle of metrics reported after each evaluation, keyed by the names written to logs
// and used to pick the best checkpoint.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace peft::eval {

// "accuracy", "f1" (of class 1 when num_classes == 2, else macro) and "mcc".
std::map<std::string, double> classification_metrics(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold,
                                                     int64_t num_classes);

// "pearson", "spearman" and "mse" (mean squared error).
std::map<std::string, double> regression_metrics(const std::vector<double>& pred, const std::vector<double>& gold);

}  // namespace peft::eval
