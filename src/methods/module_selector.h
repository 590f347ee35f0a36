// HF PEFT's rules for naming modules in a config (target_modules, modules_to_save): a list entry matches a
// module path equal to it or ending in "." + it; a plain string is a regex the whole path must match;
// "all-linear" is every linear site (not embeddings, as in HF PEFT). Entries that match nothing are reported, never silently ignored.
#pragma once
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peft::methods {

class ModuleSelector {
 public:
  ModuleSelector() = default;
  // value: JSON list of names, a regex string, "all-linear", or null (then `fallback`, a list).
  static ModuleSelector from_json(const nlohmann::json* value, std::vector<std::string> fallback,
                                  const std::string& context);
  bool matches(const std::string& module_path, bool is_linear = true) const;
  // Throws naming the first entry that matched none of `paths` (a typo would otherwise train nothing).
  void require_all_used(const std::vector<std::string>& paths) const;
  bool empty() const { return names_.empty() && !regex_ && !all_; }
  nlohmann::json to_json() const;

 private:
  static bool entry_matches(const std::string& entry, const std::string& path);
  std::vector<std::string> names_;
  std::string pattern_;
  std::shared_ptr<std::regex> regex_;
  bool all_ = false;
  std::string context_;
};

}  // namespace peft::methods
