// Label maps and regression scores. See labels.h.
#include "data/labels.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>

#include "core/error.h"

namespace peft::data {
namespace {

// The whole string as an integer, nullopt when it is not one (or overflows int64).
std::optional<int64_t> parse_integer(const std::string& s) {
  int64_t value = 0;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (s.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

LabelMap LabelMap::from_labels(const std::vector<std::string>& labels) {
  require(!labels.empty(), "cannot build a label map from no labels");
  const std::set<std::string> unique(labels.begin(), labels.end());
  std::vector<std::string> names(unique.begin(), unique.end());
  const bool all_integers =
      std::all_of(names.begin(), names.end(), [](const std::string& n) { return parse_integer(n).has_value(); });
  if (all_integers)  // stable: "1" and "01" keep their lexicographic order
    std::stable_sort(names.begin(), names.end(),
                     [](const std::string& a, const std::string& b) { return *parse_integer(a) < *parse_integer(b); });
  return LabelMap(std::move(names));
}

LabelMap::LabelMap(std::vector<std::string> names) : names_(std::move(names)) {
  for (size_t i = 0; i < names_.size(); ++i) {
    require(!names_[i].empty(), "empty label name (does the data have a label column?)");
    require(ids_.emplace(names_[i], static_cast<int64_t>(i)).second, "duplicate label name '" + names_[i] + "'");
  }
}

int64_t LabelMap::id(const std::string& label) const {
  const auto it = ids_.find(label);
  if (it != ids_.end()) return it->second;
  std::string known;
  for (const std::string& n : names_) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown label '" + label + "' (known: " + known + ")");
}

const std::string& LabelMap::name(int64_t id) const {
  require(id >= 0 && static_cast<size_t>(id) < names_.size(),
          "label id " + std::to_string(id) + " out of range (" + std::to_string(names_.size()) + " labels)");
  return names_[static_cast<size_t>(id)];
}

double parse_score(const std::string& label, const std::string& context) {
  double value = 0;
  const char* end = label.data() + label.size();
  const auto [ptr, ec] = std::from_chars(label.data(), end, value);
  require(!label.empty() && ec == std::errc() && ptr == end && std::isfinite(value),
          context + ": label '" + label + "' is not a number");
  return value;
}

}  // namespace peft::data
