// Labels as the model sees them: class names <-> contiguous ids for classification, and label text ->
// number for regression (STS-B scores).
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace peft::data {

class LabelMap {
 public:
  // Sorted unique labels: numerically when all are integers ("2" < "10"), else lexicographically.
  // Empty input or an empty label is an error.
  static LabelMap from_labels(const std::vector<std::string>& labels);
  // Ids follow the given order (e.g. names saved with a trained adapter); names must be unique, non-empty.
  explicit LabelMap(std::vector<std::string> names);

  int64_t id(const std::string& label) const;  // peft::Error "unknown label 'x' (known: a, b, c)"
  const std::string& name(int64_t id) const;   // peft::Error when out of range
  size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, int64_t> ids_;
};

// The label as a finite number ("3.800", "-1", "2e-1"); `context` (e.g. "train.tsv:17") prefixes the error.
double parse_score(const std::string& label, const std::string& context);

}  // namespace peft::data
