#include "methods/module_selector.h"

#include "core/error.h"

namespace peft::methods {

ModuleSelector ModuleSelector::from_json(const nlohmann::json* value, std::vector<std::string> fallback,
                                         const std::string& context) {
  ModuleSelector s;
  s.context_ = context;
  if (!value) {
    s.names_ = std::move(fallback);
  } else if (value->is_string() && value->get<std::string>() == "all-linear") {
    s.all_ = true;
  } else if (value->is_string()) {
    s.pattern_ = value->get<std::string>();
    try {
      s.regex_ = std::make_shared<std::regex>(s.pattern_, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw Error(context + ": '" + s.pattern_ + "' is not a valid regex: " + e.what());
    }
  } else if (value->is_array()) {
    for (const auto& v : *value) {
      require(v.is_string(), context + ": entries must be strings, got " + v.dump());
      s.names_.push_back(v.get<std::string>());
    }
  } else {
    throw Error(context + ": expected a list of module names, a regex string or \"all-linear\", got " + value->dump());
  }
  return s;
}

bool ModuleSelector::entry_matches(const std::string& entry, const std::string& path) {
  return path == entry ||
         (path.size() > entry.size() && path.compare(path.size() - entry.size(), entry.size(), entry) == 0 &&
          path[path.size() - entry.size() - 1] == '.');
}

bool ModuleSelector::matches(const std::string& path, bool is_linear) const {
  if (all_) return is_linear;
  if (regex_) return std::regex_match(path, *regex_);
  for (const auto& n : names_)
    if (entry_matches(n, path)) return true;
  return false;
}

void ModuleSelector::require_all_used(const std::vector<std::string>& paths) const {
  auto any = [&](auto pred) { return std::any_of(paths.begin(), paths.end(), pred); };
  if (regex_) {
    require(any([&](const std::string& p) { return std::regex_match(p, *regex_); }),
            context_ + ": regex '" + pattern_ + "' matched no module");
    return;
  }
  for (const auto& n : names_) {
    if (any([&](const std::string& p) { return entry_matches(n, p); })) continue;
    std::string example = paths.empty() ? "" : " (e.g. " + paths.front() + ")";
    throw Error(context_ + ": '" + n + "' matched no module" + example);
  }
}

nlohmann::json ModuleSelector::to_json() const {
  if (all_) return "all-linear";
  if (regex_) return pattern_;
  return names_;
}

}  // namespace peft::methods
